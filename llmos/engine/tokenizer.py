"""Tokenizers: ``tokenizer.json`` (Hugging Face tokenizers) or ``tokenizer.model`` (sentencepiece),
special tokens and the chat template from ``tokenizer_config.json``.

Chat templates come from the model directory and are untrusted: they are rendered in
jinja2's ImmutableSandboxedEnvironment (no attribute tricks, no mutation of our objects).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import ModelError, read_json_object

log = logging.getLogger(__name__)


def _token_text(value: Any) -> str | None:
    # special tokens are either "<s>" or {"content": "<s>", ...}
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else None


class Tokenizer:
    """encode / decode / apply_chat_template over either backend."""

    def __init__(self, backend: Any, kind: str, config: dict[str, Any], chat_template: str | None) -> None:
        self.backend, self.kind, self.config = backend, kind, config
        self.chat_template = chat_template
        self.bos_token = _token_text(config.get("bos_token"))
        self.eos_token = _token_text(config.get("eos_token"))
        self.bos_token_id = self.token_to_id(self.bos_token) if self.bos_token else None
        self.eos_token_id = self.token_to_id(self.eos_token) if self.eos_token else None
        if kind == "sentencepiece":
            self.bos_token_id = self.bos_token_id if self.bos_token_id is not None else _nonneg(backend.bos_id())
            self.eos_token_id = self.eos_token_id if self.eos_token_id is not None else _nonneg(backend.eos_id())
        # tokenizer.json carries its own post-processor; sentencepiece needs add_bos_token from the config
        self.add_bos = bool(config.get("add_bos_token", kind == "sentencepiece"))

    @property
    def vocab_size(self) -> int:
        return self.backend.get_vocab_size() if self.kind == "hf" else self.backend.get_piece_size()

    def token_to_id(self, token: str) -> int | None:
        if self.kind == "hf":
            return self.backend.token_to_id(token)
        i = self.backend.piece_to_id(token)
        return i if i != self.backend.unk_id() or token == self.backend.id_to_piece(i) else None

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        if self.kind == "hf":
            return self.backend.encode(text, add_special_tokens=add_special_tokens).ids
        ids = self.backend.encode(text)
        if add_special_tokens and self.add_bos and self.bos_token_id is not None:
            ids = [self.bos_token_id] + ids
        return ids

    def decode(self, ids: list[int], skip_special_tokens: bool = True) -> str:
        ids = [int(i) for i in ids]
        if self.kind == "hf":
            return self.backend.decode(ids, skip_special_tokens=skip_special_tokens)
        if skip_special_tokens:
            ids = [i for i in ids if not self.backend.is_control(i)]
        return self.backend.decode(ids)

    def apply_chat_template(self, messages: list[dict[str, Any]], add_generation_prompt: bool = True,
                            tokenize: bool = False, **extra: Any) -> str | list[int]:
        """Render messages with the model's chat template (or a plain fallback without one)."""
        if self.chat_template:
            text = render_template(self.chat_template, messages=messages, add_generation_prompt=add_generation_prompt,
                                   bos_token=self.bos_token or "", eos_token=self.eos_token or "", **extra)
        else:
            text = "".join(f"{m['role']}: {m['content']}\n" for m in messages)
            if add_generation_prompt:
                text += "assistant: "
        # the template already wrote BOS when the model wants one
        return self.encode(text, add_special_tokens=False) if tokenize else text


def _nonneg(i: int) -> int | None:
    return i if i >= 0 else None


def render_template(template: str, **context: Any) -> str:
    try:
        from jinja2 import StrictUndefined, TemplateError  # noqa: F401
        from jinja2.sandbox import ImmutableSandboxedEnvironment
    except ImportError:
        raise ModelError("this model's chat template needs jinja2 (pip install jinja2)") from None

    def raise_exception(message: str) -> None:
        raise ModelError(f"chat template refused the conversation: {message}")

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.filters["tojson"] = lambda v, indent=None, **_: json.dumps(v, ensure_ascii=False, indent=indent)
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    try:
        return env.from_string(template).render(**context)
    except ModelError:
        raise
    except Exception as e:  # a broken template is a model-file problem, reported as such
        raise ModelError(f"chat template failed: {type(e).__name__}: {e}") from None


def load_tokenizer(directory: str | Path) -> Tokenizer | None:
    """The directory's tokenizer, or None when it ships none."""
    directory = Path(directory)
    config: dict[str, Any] = {}
    cfg_path = directory / "tokenizer_config.json"
    if cfg_path.exists():
        config = read_json_object(cfg_path)
    template = config.get("chat_template")
    if isinstance(template, list):          # [{"name": "default", "template": ...}, ...]
        named = {t.get("name"): t.get("template") for t in template if isinstance(t, dict)}
        template = named.get("default") or next(iter(named.values()), None)
    jinja_file = directory / "chat_template.jinja"
    if template is None and jinja_file.exists():
        template = jinja_file.read_text(encoding="utf-8")
    if not isinstance(template, str):
        template = None
    if (directory / "tokenizer.json").exists():
        from tokenizers import Tokenizer as HFTokenizer
        try:
            backend = HFTokenizer.from_file(str(directory / "tokenizer.json"))
        except Exception as e:  # the Rust side raises its own exception type
            raise ModelError(f"{directory / 'tokenizer.json'}: cannot load ({e})") from None
        return Tokenizer(backend, "hf", config, template)
    if (directory / "tokenizer.model").exists():
        import sentencepiece as spm
        backend = spm.SentencePieceProcessor()
        try:
            backend.Load(str(directory / "tokenizer.model"))
        except Exception as e:
            raise ModelError(f"{directory / 'tokenizer.model'}: cannot load ({e})") from None
        return Tokenizer(backend, "sentencepiece", config, template)
    return None
