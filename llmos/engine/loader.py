"""Load a model: Hugging Face directories (config.json + safetensors) or GGUF files.

Model files are untrusted. A safetensors header is parsed and checked first
(:mod:`.safetensors_file`: length, JSON, dtypes, shapes, every offset against the file
size, no overlaps) before a single byte of tensor data is mapped; the tensors are then
zero-copy views of a private memory map.
After ``sanitize`` every tensor is checked against the shapes the config implies.
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import mmap
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import torch

from .errors import ModelError, read_json_object
from .safetensors_file import read_safetensors_header
from .layers import CausalLM, Rope
from .moe import Router

log = logging.getLogger(__name__)

SAFETENSORS_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}
DTYPES = {"fp32": torch.float32, "float32": torch.float32, "bf16": torch.bfloat16, "bfloat16": torch.bfloat16,
          "fp16": torch.float16, "float16": torch.float16}
ARCHITECTURES = ("deepseek_v2", "deepseek_v3", "qwen3_moe", "qwen2_moe", "olmoe", "mixtral", "granitemoe",
                 "llama", "qwen2", "qwen3")


# ---------------------------------------------------------------- safetensors

def open_safetensors(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Validated, memory-mapped (copy-on-write, so never written back) tensors of one file."""
    tensors, data_start = read_safetensors_header(path)
    out: dict[str, torch.Tensor] = {}
    if not tensors:
        return out
    with open(path, "rb") as f:
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
    for name, t in tensors.items():
        count = math.prod(t["shape"])
        if count == 0:
            out[name] = torch.empty(t["shape"], dtype=SAFETENSORS_DTYPES[t["dtype"]])
            continue
        flat = torch.frombuffer(mm, dtype=SAFETENSORS_DTYPES[t["dtype"]], count=count, offset=data_start + t["start"])
        out[name] = flat.view(t["shape"])
    return out


def safetensors_files(directory: Path) -> dict[str, Path]:
    """{tensor name: file}, from model.safetensors.index.json when present, else every *.safetensors."""
    index = directory / "model.safetensors.index.json"
    if index.exists():
        try:
            weight_map = json.loads(index.read_text())["weight_map"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ModelError(f"{index}: unreadable index ({e})") from None
        if not isinstance(weight_map, dict):
            raise ModelError(f"{index}: weight_map is not an object")
        files = {}
        for name, file in weight_map.items():
            # shard names come from an untrusted file: plain names inside the directory only
            if not isinstance(file, str) or not re.fullmatch(r"[\w.\-]+\.safetensors", file):
                raise ModelError(f"{index}: bad shard name {file!r} for {name!r}")
            files[name] = directory / file
        return files
    shards = sorted(directory.glob("*.safetensors"))
    if not shards:
        if any(directory.glob("*.bin")) or any(directory.glob("*.pt")):
            raise ModelError(f"{directory}: only pickle checkpoints (*.bin/*.pt) found; they can run code, so "
                             "llmos loads safetensors only (convert with safetensors' convert script)")
        raise ModelError(f"{directory}: no *.safetensors files")
    return {"*": p for p in shards}


def load_safetensors_dir(directory: Path, progress: Callable[[int, int], None] | None = None) -> dict[str, torch.Tensor]:
    files = safetensors_files(directory)
    shards = sorted(set(files.values()))
    weights: dict[str, torch.Tensor] = {}
    for i, shard in enumerate(shards):
        if not shard.exists():
            raise ModelError(f"{shard}: shard listed in the index is missing")
        for name, tensor in open_safetensors(shard).items():
            if name in weights:
                raise ModelError(f"{shard}: tensor {name!r} appears in more than one shard")
            weights[name] = tensor
        if progress:
            progress(i + 1, len(shards))
    missing = [n for n in files if n != "*" and n not in weights]
    if missing:
        raise ModelError(f"{directory}: tensors listed in the index are missing from their shards: {missing[:5]}")
    return weights


# ---------------------------------------------------------------- config and model

def architecture(model_type: Any):
    if model_type not in ARCHITECTURES:
        raise ModelError(f"unsupported model_type {model_type!r}; llmos runs: {', '.join(ARCHITECTURES)}")
    return importlib.import_module(f"llmos.engine.models.{model_type}")


def resolve_dtype(dtype: Any, config: dict[str, Any], quant: str | None) -> torch.dtype:
    if isinstance(dtype, torch.dtype):
        return dtype
    if isinstance(dtype, str):
        if dtype not in DTYPES:
            raise ModelError(f"unknown dtype {dtype!r}; use one of {', '.join(DTYPES)}")
        return DTYPES[dtype]
    if quant:
        return torch.bfloat16          # int8/int4 kernels want bf16 activations
    stored = str(config.get("torch_dtype") or config.get("dtype") or "float32")
    # fp16 is slow on CPU: run half-precision checkpoints in bf16
    return torch.bfloat16 if stored in ("bfloat16", "float16") else torch.float32


_INIT_FUNCTIONS = ("uniform_", "normal_", "trunc_normal_", "constant_", "zeros_", "ones_",
                   "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_")


@contextmanager
def _no_weight_init():
    """Modules built only to receive loaded weights skip their random init.

    They are built on the CPU with uninitialised storage: untouched pages cost no
    memory, and no op runs on a meta tensor (that goes through torch._refs, which
    imports torch._dynamo: 0.9 s of every `ask` start-up). The same trick as
    transformers' no_init_weights. Not thread-safe: only loading uses it.
    """
    saved = {name: getattr(torch.nn.init, name) for name in _INIT_FUNCTIONS}
    for name in saved:
        setattr(torch.nn.init, name, lambda tensor, *args, **kwargs: tensor)
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(torch.nn.init, name, fn)


def build(config: dict[str, Any], weights: dict[str, torch.Tensor], dtype: torch.dtype) -> CausalLM:
    """Config + HF-named tensors -> a ready Model (weights checked against the config's shapes)."""
    arch = architecture(config.get("model_type"))
    try:
        args = arch.ModelArgs.from_dict(config)
    except (TypeError, ValueError) as e:
        raise ModelError(f"bad config for {config.get('model_type')}: {e}") from None
    with _no_weight_init():
        model = arch.Model(args)
    try:
        weights = arch.sanitize(dict(weights), args)
    except KeyError as e:
        raise ModelError(f"checkpoint is missing tensor {e.args[0]!r}") from None
    except RuntimeError as e:
        raise ModelError(f"checkpoint tensors do not fit together: {e}") from None
    if args.tie_word_embeddings and "model.embed_tokens.weight" in weights:
        weights["lm_head.weight"] = weights["model.embed_tokens.weight"]
    expected = model.state_dict()
    fp32_keys = {f"{name}.{p}" for name, m in model.named_modules() if isinstance(m, Router)
                 for p, _ in m.named_parameters()}
    missing = [k for k in expected if k not in weights]
    if missing:
        raise ModelError(f"checkpoint is missing {len(missing)} tensor(s), e.g. {missing[:4]}")
    unexpected = [k for k in weights if k not in expected]
    if unexpected:
        log.warning("ignoring %d unexpected tensor(s), e.g. %s", len(unexpected), unexpected[:4])
    state = {}
    for key, ref in expected.items():
        t = weights[key]
        if tuple(t.shape) != tuple(ref.shape):
            raise ModelError(f"tensor {key!r} has shape {tuple(t.shape)}, the config implies {tuple(ref.shape)}")
        if not t.is_floating_point():
            raise ModelError(f"tensor {key!r} has dtype {t.dtype}; expected floating point")
        state[key] = t.to(torch.float32 if key in fp32_keys else dtype)
    model.load_state_dict(state, assign=True, strict=True)
    for m in model.modules():
        if isinstance(m, Rope):
            m.reset()
    for p in model.parameters():
        p.requires_grad_(False)
    return model.eval()


def load(path: str | os.PathLike, dtype: Any = None, quant: str | None = None, group_size: int = 128,
         progress: Callable[[int, int], None] | None = None) -> CausalLM:
    """Load a Hugging Face model directory or a .gguf file.

    dtype: None (bf16 for half-precision checkpoints, else fp32), "fp32", "bf16" or a torch dtype.
    quant: None, "int8" or "int4" (weight-only; activations run in bf16).
    """
    from .tokenizer import load_tokenizer

    path = Path(path)
    if quant not in (None, "int8", "int4"):
        raise ModelError(f"unknown quant {quant!r}; use int8 or int4")
    if path.is_file() and path.suffix == ".gguf":
        try:
            from .gguf import gguf_tokenizer, load_gguf
        except ImportError:
            raise ModelError("GGUF loading is not available in this build (llmos.engine.gguf missing)") from None
        # the target dtype goes in so block-quantised tensors dequantise straight to it (no fp32
        # copy first); with neither dtype nor quant it follows the file, known once the header is read
        config, weights, spec = load_gguf(path, dtype=lambda cfg: resolve_dtype(dtype, cfg, quant))
        tokenizer = gguf_tokenizer(spec)
        generation: dict[str, Any] = {}
    elif path.is_dir():
        if not (path / "config.json").exists():
            raise ModelError(f"{path}: no config.json; expected a Hugging Face model directory or a .gguf file")
        config = read_json_object(path / "config.json")
        weights = load_safetensors_dir(path, progress)
        tokenizer = load_tokenizer(path)
        gen = path / "generation_config.json"
        generation = read_json_object(gen) if gen.exists() else {}
    else:
        raise ModelError(f"{path}: not a model directory or .gguf file")
    model = build(config, weights, resolve_dtype(dtype, config, quant))
    model.config = config
    model.tokenizer = tokenizer
    model.generation_config = generation
    model.eos_token_ids = eos_ids(config, generation, tokenizer)
    model.quant = quant
    if quant:
        try:
            from .quant import quantize_model
        except ImportError:
            raise ModelError("weight-only quantisation is not available (llmos.engine.quant missing)") from None
        quantize_model(model, quant, group_size=group_size)
    return model


def eos_ids(config: dict[str, Any], generation: dict[str, Any], tokenizer: Any) -> tuple[int, ...]:
    ids: list[int] = []
    for source in (generation.get("eos_token_id"), config.get("eos_token_id"),
                   getattr(tokenizer, "eos_token_id", None)):
        for i in source if isinstance(source, list) else [source]:
            if isinstance(i, int) and not isinstance(i, bool) and i not in ids:
                ids.append(i)
    return tuple(ids)
