"""The two planners: the shipped embedded MoE, and an LLM checkpoint the user configures.

Both write the same plan language under the same grammar; they differ in how
the request is put to the model.  The embedded model reads ``<s> REQUEST
<plan>``; an LLM reads its own chat template, with the intents as tools and a
system message that teaches the plan language by examples from the manifests.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from llmos.intents.manifest import Intent
from llmos.planner.decode import Decoded, DecodeError, constrained_decode, engine_session
from llmos.planner.grammar import DecodeState, Grammar, TokenMasker, feed
from llmos.planner.language import STEP_SEPARATOR, render_plan
from llmos.planner.said import clauses_said
from llmos.planner.standins import restored, stood_in, texts_used
from llmos.planner.spelling import Speller, programs_folded

MODEL_DIR = Path(__file__).with_name("model")
# How much surer of a plan read through stand-ins for quoted texts and URLs the model must be
# to keep it over the plan of the request as written, when both pass on as many of them
# (llmos/planner/standins.py; "search the logs for 'denied'" was 0.54 either way, and the
# stand-in plan wrote a file "logs").
SURER_BY = 0.05


@dataclass
class Draft:
    """What a planner wrote, before parsing and normalisation."""

    planner: str
    text: str
    decoded: Decoded
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)
    read: str = ""          # the request as the model read it, typos mended ("": as given)

    @property
    def confidence(self) -> float:
        return self.decoded.confidence if self.decoded.finished else 0.0


class EmbeddedPlanner:
    """The small MoE shipped in ``llmos/planner/model``.

    It runs on :mod:`llmos.planner.npmodel` (numpy: ``ask`` then never imports torch, a
    second of its start-up) when that file supports the directory, else on
    ``llmos.engine``; ``LLMOS_PLANNER_BACKEND=engine`` asks for the engine.  Both
    compute the same logits (tests/planner/test_npmodel.py holds them together).
    """

    name = "embedded"

    def __init__(self, model_dir: str | Path = MODEL_DIR, backend: str | None = None) -> None:
        from llmos.planner import npmodel
        from llmos.planner.tokenizer import PlannerTokenizer

        t0 = time.perf_counter()
        backend = backend or os.environ.get("LLMOS_PLANNER_BACKEND") or "auto"
        if backend not in ("auto", "numpy", "engine"):
            raise ValueError(f"LLMOS_PLANNER_BACKEND={backend!r}: use numpy, engine or auto")
        if backend == "numpy" or (backend == "auto" and npmodel.supports(model_dir)):
            self.backend, self.start = "numpy", npmodel.PlannerModel(model_dir).session
        else:
            from llmos.engine import load

            model = load(model_dir, dtype="fp32")   # fp32 is the fast path on CPUs without bf16 units
            self.backend, self.start = "engine", engine_session(model)
        self.tokenizer = PlannerTokenizer(Path(model_dir) / "tokenizer.model")
        self.masker = TokenMasker(self.tokenizer.vocab.texts, self.tokenizer.vocab.eos)
        self.speller = Speller.for_model(model_dir)
        self.load_seconds = time.perf_counter() - t0

    def draft(self, request: str, grammar: Grammar, max_new_tokens: int = 160) -> Draft:
        t0 = time.perf_counter()
        # the model reads, and copies values from, the request with typos of its words mended
        # and programs named as the system names them
        request = programs_folded(self.speller.correct(request) if self.speller else request)
        stood, originals = stood_in(request)
        try:
            decoded, text = self._decode(request, grammar, max_new_tokens)
        except DecodeError:
            if not originals:
                raise
            decoded, text = Decoded([], finished=False), ""
        if originals:   # read the quoted texts and URLs through stand-ins too; keep the better reading
            try:
                decoded2, text2 = self._decode(stood, grammar, max_new_tokens)
                back = restored(text2, originals, request)
            except DecodeError:
                if not decoded.finished:
                    raise
                back = None
            if back is not None and decoded2.finished:
                first, second = texts_used(text, request), texts_used(back, request)
                if (not decoded.finished or second > first
                        or (second == first and decoded2.confidence > decoded.confidence + SURER_BY)):
                    decoded, text = decoded2, back
        return Draft(self.name, text, decoded, time.perf_counter() - t0, read=request)

    def go_on_to(self, draft: Draft, before: int, intent: str, grammar: Grammar, max_new_tokens: int = 160) -> Draft | None:
        """The plan of ``draft``'s request that keeps its first ``before`` steps as written and
        goes on with a step of ``intent`` (the model writes its arguments and what follows),
        or None where the plan cannot go there.  A draft read through stand-ins goes on
        through them."""
        texts = self.tokenizer.vocab.texts
        if not draft.decoded.finished:
            return None
        read, written, originals = draft.read, self.tokenizer.text_of(draft.decoded.tokens), {}
        if written != draft.text:
            read, originals = stood_in(draft.read)
            if not originals or restored(written, originals, draft.read) != draft.text:
                return None
        separator, name = texts.index(STEP_SEPARATOR), texts.index(" " + intent) if " " + intent in texts else None
        if name is None:
            return None
        ends = [k for k, t in enumerate(draft.decoded.tokens) if t == separator] + [len(draft.decoded.tokens)]
        forced = (draft.decoded.tokens[:ends[before - 1]] + [separator] if before else []) + [name]
        t0 = time.perf_counter()
        try:
            decoded, text = self._decode(read, grammar, max_new_tokens, forced)
        except DecodeError:
            return None
        if originals and (text := restored(text, originals, draft.read)) is None:
            return None
        return Draft(self.name, text, decoded, time.perf_counter() - t0, read=draft.read)

    def _decode(self, request: str, grammar: Grammar, max_new_tokens: int,
                forced: list[int] | None = None) -> tuple[Decoded, str]:
        state = DecodeState(grammar.start(request))
        with _one_thread(self.backend):
            decoded = constrained_decode(self.start, self.tokenizer.prompt(request), self.masker,
                                         self.tokenizer.vocab.texts, state, max_new_tokens,
                                         clauses=clauses_said(request), forced=forced or ())
        return decoded, self.tokenizer.text_of(decoded.tokens)


@contextmanager
def _one_thread(backend: str) -> Iterator[None]:
    """Decode on one thread: with matrices this small, waking a second thread for every
    product costs more than it saves (numpy: a median 23 ms per plan on one BLAS thread,
    57 ms on two; the engine: 38 against 77 ms)."""
    if backend == "numpy":
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            yield
        return
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


# --- an LLM checkpoint --------------------------------------------------------------------

def token_texts(tokenizer: Any) -> list:
    """Each token's text (str), raw byte (bytes of length 1), or None (special or unusable)."""
    if tokenizer.kind == "sentencepiece":
        sp = tokenizer.backend
        out: list = []
        for i in range(sp.get_piece_size()):
            piece = sp.id_to_piece(i)
            if sp.is_byte(i):
                out.append(bytes([int(piece[3:5], 16)]))
            elif sp.is_control(i) or sp.is_unknown(i):
                out.append(None)
            else:
                out.append(piece.replace("▁", " "))
        return out
    backend = tokenizer.backend
    decoder = _byte_decoder()
    special = {t.content if hasattr(t, "content") else str(t)
               for t in getattr(backend, "get_added_tokens_decoder", lambda: {})().values()}
    out = []
    for i in range(backend.get_vocab_size()):
        tok = backend.id_to_token(i)
        if tok is None or tok in special:
            out.append(None)
            continue
        if all(c in decoder for c in tok):      # byte-level BPE (GPT-2 style)
            raw = bytes(decoder[c] for c in tok)
        elif tok.startswith("<0x") and tok.endswith(">") and len(tok) == 6:
            raw = bytes([int(tok[3:5], 16)])
        else:
            raw = tok.replace("▁", " ").encode()
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(raw if len(raw) == 1 else None)
    return out


def _byte_decoder() -> dict[str, int]:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


def system_prompt(intents: Iterable[Intent]) -> str:
    """Teach the plan language: its rules, and one example per intent from its manifest."""
    intents = list(intents)
    by_name = {i.name: i for i in intents}
    lines = [
        "You turn a request into a plan of intent calls for this Linux computer.",
        "Answer with the plan only, one line, in this language:",
        '  INTENT arg=VALUE arg=VALUE ; INTENT arg=VALUE',
        'Strings are written " like this" (a space after the opening quote) and are copied from the request;',
        "numbers, true/false and enum values are bare; lists are [\" a\",\" b\"]; @0.paths is the paths "
        "output of step 0. Arguments follow the order of the tool's parameters.",
        'If no intent fits, answer: none',
        "Examples:",
    ]
    for intent in intents:
        for ex in intent.examples[:1]:
            try:
                lines.append(f"  {ex.text} =>{render_plan([(intent.name, _example_args(intent, ex.args))], by_name)}")
            except Exception:  # an example the language cannot show is simply left out
                continue
    return "\n".join(lines)


def _example_args(intent: Intent, args: dict) -> dict:
    return {k: args[k] for k in intent.properties if k in args}


class LLMPlanner:
    """A Hugging Face checkpoint (or GGUF) the user configured, prompted through its chat template."""

    name = "llm"

    def __init__(self, path: str | Path, intents: Sequence[Intent]) -> None:
        from llmos.engine import load

        t0 = time.perf_counter()
        self.model = load(path)
        self.tokenizer = self.model.tokenizer
        if self.tokenizer is None:
            raise ValueError(f"{path}: the model ships no tokenizer")
        self.texts = token_texts(self.tokenizer)
        eos = list(getattr(self.model, "eos_token_ids", ()) or [self.tokenizer.eos_token_id])
        self.masker = TokenMasker(self.texts, int(eos[0]))
        self.intents = list(intents)
        self.load_seconds = time.perf_counter() - t0

    def prompt_ids(self, request: str) -> list[int]:
        messages = [{"role": "system", "content": system_prompt(self.intents)},
                    {"role": "user", "content": request}]
        tools = [{"type": "function", "function": {"name": i.name, "description": i.description,
                                                   "parameters": i.parameters}} for i in self.intents]
        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True,
                                                 tools=tools)
        return list(ids)

    def draft(self, request: str, grammar: Grammar, max_new_tokens: int = 160) -> Draft:
        t0 = time.perf_counter()
        # chat models start their answer without the leading space the plan text has
        state = DecodeState(feed(grammar.start(request), " "))
        decoded = constrained_decode(engine_session(self.model), self.prompt_ids(request), self.masker,
                                     self.texts, state, max_new_tokens)
        text = _join_bytes([self.texts[i] for i in decoded.tokens])
        return Draft(self.name, " " + text, decoded, time.perf_counter() - t0)


def _join_bytes(pieces: list) -> str:
    raw = b"".join(p if isinstance(p, bytes) else p.encode() for p in pieces if p is not None)
    return raw.decode("utf-8", errors="replace")


def configured_model(explicit: str | None = None) -> str | None:
    """``--model PATH``, else ``model:`` in ``$XDG_CONFIG_HOME/llmos/config.yaml``."""
    if explicit:
        return explicit
    from llmos.xdg import config_home

    path = config_home() / "llmos" / "config.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    value = data.get("model") if isinstance(data, dict) else None
    return str(Path(value).expanduser()) if isinstance(value, str) and value else None


def describe(draft: Draft) -> str:
    return json.dumps({"planner": draft.planner, "text": draft.text.strip(),
                       "confidence": round(draft.confidence, 3)}, ensure_ascii=False)
