"""GGUF files: a bounds-checked reader, torch dequantisers, and HF-form config/weights.

``load_gguf(path) -> (config, weights, tokenizer_spec)``:
  * ``config`` is a Hugging Face ``config.json`` dict derived from the GGUF metadata;
  * ``weights`` use Hugging Face checkpoint key names (per-expert keys, as real
    checkpoints have them; the model's ``sanitize()`` stacks them), with llama.cpp's
    q/k RoPE permutation undone;
  * ``tokenizer_spec`` is the ``tokenizer.ggml.*`` metadata (``build_tokenizer`` makes a
    ``tokenizers.Tokenizer`` from it for the byte-level BPE case), or None.

The file is untrusted: every read is checked against the file size before it happens,
and anything malformed raises ``GGUFError`` naming the file and what is wrong.
Layout reference: ggml/docs/gguf.md; block formats: ggml-common.h (the numpy
versions in ``gguf.quants`` are the test oracle, but 30-60x slower than these).
"""

from __future__ import annotations

import math
import mmap
import os
import re
import struct
from typing import Any, Callable

import torch

from .errors import ModelError

__all__ = ["GGUFError", "load_gguf", "read_gguf", "dequantize", "build_tokenizer", "gguf_tokenizer",
           "write_gguf", "GGML_TYPES"]


class GGUFError(ModelError):
    """A GGUF file is malformed, truncated or uses something this reader lacks."""


_MAGIC = b"GGUF"
_MAX_DIMS = 4                      # GGML_MAX_DIMS
_MAX_NAME = 4096                   # real names are < 64 bytes; anything longer is corrupt
_MAX_ARRAY_DEPTH = 3

# type id -> (name, elements per block, bytes per block)
GGML_TYPES: dict[int, tuple[str, int, int]] = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 30: ("BF16", 1, 2),
    2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20), 6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24),
    8: ("Q8_0", 32, 34),
    10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176), 14: ("Q6_K", 256, 210),
}
_OTHER_TYPES = {9: "Q8_1", 15: "Q8_K", 16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S",
                20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 24: "I8", 25: "I16",
                26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M", 34: "TQ1_0", 35: "TQ2_0",
                39: "MXFP4"}

# metadata value types: id -> (struct format, size); 8 = string, 9 = array
_SCALARS = {0: ("<B", 1), 1: ("<b", 1), 2: ("<H", 2), 3: ("<h", 2), 4: ("<I", 4), 5: ("<i", 4),
            6: ("<f", 4), 7: ("<?", 1), 10: ("<Q", 8), 11: ("<q", 8), 12: ("<d", 8)}
_NP_SCALARS = {0: "<u1", 1: "<i1", 2: "<u2", 3: "<i2", 4: "<u4", 5: "<i4", 6: "<f4", 7: "?",
               10: "<u8", 11: "<i8", 12: "<f8"}


# ---------------------------------------------------------------------------------------
# Header parsing


class _Cursor:
    """Sequential little-endian reads over a buffer; every read is bounds-checked first."""

    def __init__(self, buf: Any, size: int, path: str) -> None:
        self.buf, self.size, self.path, self.pos = buf, size, path, 0

    def need(self, n: int, what: str) -> int:
        if n < 0 or self.pos + n > self.size:
            raise GGUFError(f"{self.path}: truncated or corrupt GGUF: {what} at byte {self.pos} "
                            f"needs {n} bytes but the file has {self.size - self.pos} left")
        start = self.pos
        self.pos += n
        return start

    def unpack(self, fmt: str, size: int, what: str) -> Any:
        return struct.unpack_from(fmt, self.buf, self.need(size, what))[0]

    def u32(self, what: str) -> int:
        return self.unpack("<I", 4, what)

    def u64(self, what: str) -> int:
        return self.unpack("<Q", 8, what)

    def string(self, what: str, limit: int | None = None) -> str:
        n = self.u64(f"{what} length")
        if limit is not None and n > limit:
            raise GGUFError(f"{self.path}: {what} is {n} bytes long (limit {limit}); the file is corrupt")
        start = self.need(n, what)
        try:
            return bytes(self.buf[start:start + n]).decode("utf-8")
        except UnicodeDecodeError as e:
            raise GGUFError(f"{self.path}: {what} at byte {start} is not UTF-8 ({e.reason})") from None

    def value(self, vtype: int, what: str, depth: int = 0) -> Any:
        if vtype in _SCALARS:
            fmt, size = _SCALARS[vtype]
            return self.unpack(fmt, size, what)
        if vtype == 8:
            return self.string(what)
        if vtype != 9:
            raise GGUFError(f"{self.path}: {what} has unknown value type {vtype}; the file is corrupt")
        if depth >= _MAX_ARRAY_DEPTH:
            raise GGUFError(f"{self.path}: {what} nests arrays deeper than {_MAX_ARRAY_DEPTH}")
        itype = self.u32(f"{what} element type")
        count = self.u64(f"{what} length")
        # the smallest element is 1 byte (8 for a string's length): check the count
        # against what is left before looping, so a huge count cannot spin or allocate
        min_size = _SCALARS[itype][1] if itype in _SCALARS else 8 if itype in (8, 9) else 0
        if min_size == 0:
            raise GGUFError(f"{self.path}: {what} has unknown element type {itype}")
        if count * min_size > self.size - self.pos:
            raise GGUFError(f"{self.path}: {what} claims {count} elements, more than the "
                            f"{self.size - self.pos} bytes left in the file")
        if itype in _NP_SCALARS:               # numeric arrays in one read
            import numpy as np
            start = self.need(count * min_size, what)
            return np.frombuffer(self.buf, dtype=_NP_SCALARS[itype], count=count,
                                 offset=start).tolist()
        return [self.value(itype, f"{what}[{i}]", depth + 1) for i in range(count)]


class GGUFTensorInfo:
    """One tensor's header entry, already checked against the file."""

    __slots__ = ("name", "type", "shape", "offset", "nbytes")

    def __init__(self, name: str, gtype: int, shape: tuple[int, ...], offset: int, nbytes: int):
        self.name, self.type, self.shape, self.offset, self.nbytes = name, gtype, shape, offset, nbytes

    @property
    def type_name(self) -> str:
        return GGML_TYPES[self.type][0]

    def __repr__(self) -> str:
        return f"GGUFTensorInfo({self.name!r}, {self.type_name}, {self.shape}, @{self.offset})"


class GGUFFile:
    """A parsed, validated GGUF file; tensor bytes stay memory-mapped until asked for."""

    def __init__(self, path: str, metadata: dict[str, Any], tensors: dict[str, GGUFTensorInfo],
                 buf: mmap.mmap, version: int) -> None:
        self.path, self.metadata, self.tensors, self._buf, self.version = (
            path, metadata, tensors, buf, version)

    def raw(self, name: str) -> torch.Tensor:
        """The tensor's bytes as a uint8 tensor over the mapping (copy-on-write, no copy)."""
        info = self.tensors[name]
        return torch.frombuffer(self._buf, dtype=torch.uint8, count=info.nbytes, offset=info.offset)

    def tensor(self, name: str, dtype: torch.dtype | None = None) -> torch.Tensor:
        """The tensor in torch's (row-major, reversed-dims) shape.

        F32/F16/BF16 keep their type and stay on the mapping unless ``dtype`` differs;
        block-quantised types are dequantised to ``dtype`` (float32 by default).
        """
        info = self.tensors[name]
        out = dequantize(self.raw(name), info.type, dtype)
        return out.reshape(info.shape)


def read_gguf(path: str | os.PathLike[str]) -> GGUFFile:
    """Parse and validate a GGUF header; raises GGUFError on anything malformed."""
    path = os.fspath(path)
    try:
        size = os.path.getsize(path)
        fd = os.open(path, os.O_RDONLY)
    except OSError as e:
        raise GGUFError(f"{path}: cannot open GGUF file: {e.strerror}") from None
    try:
        if size < 24:
            raise GGUFError(f"{path}: {size} bytes is too small to be a GGUF file")
        # ACCESS_COPY: pages are shared until written, and torch gets a writable buffer
        buf = mmap.mmap(fd, 0, access=mmap.ACCESS_COPY)
    finally:
        os.close(fd)
    cur = _Cursor(buf, size, path)
    magic = bytes(buf[0:4])
    if magic != _MAGIC:
        raise GGUFError(f"{path}: not a GGUF file (magic {magic!r}, expected {_MAGIC!r})")
    cur.pos = 4
    version = cur.u32("version")
    if version not in (2, 3):
        if version & 0xFFFF == 0 and version >> 16:
            raise GGUFError(f"{path}: big-endian GGUF files are not supported")
        raise GGUFError(f"{path}: GGUF version {version} is not supported (only 2 and 3)")
    n_tensors = cur.u64("tensor count")
    n_kv = cur.u64("metadata count")
    # a key-value pair takes at least 13 bytes and a tensor entry at least 33
    if n_kv * 13 + n_tensors * 33 > size - cur.pos:
        raise GGUFError(f"{path}: header claims {n_kv} metadata entries and {n_tensors} tensors, "
                        f"more than a {size}-byte file can hold; the file is truncated or corrupt")

    metadata: dict[str, Any] = {}
    for i in range(n_kv):
        key = cur.string(f"metadata key #{i}", limit=_MAX_NAME)
        if key in metadata:
            raise GGUFError(f"{path}: metadata key {key!r} appears twice")
        metadata[key] = cur.value(cur.u32(f"type of {key!r}"), f"metadata {key!r}")

    alignment = metadata.get("general.alignment", 32)
    if not isinstance(alignment, int) or isinstance(alignment, bool) or alignment <= 0 \
            or alignment & (alignment - 1) or alignment > 1 << 20:
        raise GGUFError(f"{path}: general.alignment {alignment!r} is not a power of two")

    entries = []
    for i in range(n_tensors):
        name = cur.string(f"tensor #{i} name", limit=_MAX_NAME)
        n_dims = cur.u32(f"tensor {name!r} dimension count")
        if not 1 <= n_dims <= _MAX_DIMS:
            raise GGUFError(f"{path}: tensor {name!r} has {n_dims} dimensions (1 to {_MAX_DIMS} allowed)")
        dims = [cur.u64(f"tensor {name!r} dimension {d}") for d in range(n_dims)]
        gtype = cur.u32(f"tensor {name!r} type")
        offset = cur.u64(f"tensor {name!r} offset")
        entries.append((name, dims, gtype, offset))

    data_start = -(-cur.pos // alignment) * alignment
    data_size = size - data_start
    if data_size < 0:
        raise GGUFError(f"{path}: truncated: the tensor data section would start at byte "
                        f"{data_start}, past the end of the {size}-byte file")

    tensors: dict[str, GGUFTensorInfo] = {}
    for name, dims, gtype, offset in entries:
        where = f"{path}: tensor {name!r}"
        if name in tensors:
            raise GGUFError(f"{where} appears twice")
        if gtype not in GGML_TYPES:
            known = _OTHER_TYPES.get(gtype)
            if known:
                raise GGUFError(f"{where} has type {known}, which this loader does not support "
                                f"(supported: {', '.join(t[0] for t in GGML_TYPES.values())}); "
                                "re-quantise the model with one of those")
            raise GGUFError(f"{where} has unknown tensor type {gtype}; the file is corrupt")
        tname, block, tsize = GGML_TYPES[gtype]
        if any(d == 0 for d in dims):
            raise GGUFError(f"{where} has a zero dimension {dims}")
        n_elem = 1
        for d in dims:
            n_elem *= d
            if n_elem > data_size * 8:   # > 8 elements per byte cannot fit in any type we read
                raise GGUFError(f"{where} has dimensions {dims}, far larger than the file")
        if dims[0] % block:
            raise GGUFError(f"{where}: row length {dims[0]} is not a multiple of the "
                            f"{tname} block size {block}")
        nbytes = n_elem // block * tsize
        if offset % alignment:
            raise GGUFError(f"{where}: data offset {offset} is not aligned to {alignment} bytes")
        if offset + nbytes > data_size:
            raise GGUFError(f"{where}: data [{data_start + offset}, {data_start + offset + nbytes}) "
                            f"runs past the end of the {size}-byte file; the file is truncated "
                            "or corrupt")
        tensors[name] = GGUFTensorInfo(name, gtype, tuple(reversed(dims)), data_start + offset, nbytes)

    spans = sorted((t.offset, t.offset + t.nbytes, t.name) for t in tensors.values())
    for (_, end, a), (start, _, b) in zip(spans, spans[1:]):
        if start < end:
            raise GGUFError(f"{path}: tensors {a!r} and {b!r} overlap; the file is corrupt")
    return GGUFFile(path, metadata, tensors, buf, version)


# ---------------------------------------------------------------------------------------
# Dequantisation, vectorised over blocks. Each function maps uint8 [n, bytes_per_block]
# to float32 [n, elements_per_block].

_CHUNK_BLOCKS = 1 << 15          # bounds the float32 temporaries to a few MiB


def _f16(b: torch.Tensor) -> torch.Tensor:      # [n, 2] uint8 -> [n, 1] float32
    return b.contiguous().view(torch.float16).float()


def _shifts(*s: int) -> torch.Tensor:
    return torch.tensor(s, dtype=torch.uint8)


def _nibbles(qs: torch.Tensor, groups: int, width: int) -> torch.Tensor:
    # qs [n, groups*width] -> [n, groups*2, width]: low nibbles of a group, then its high nibbles
    n = qs.shape[0]
    return ((qs.reshape(n, groups, 1, width) >> _shifts(0, 4).reshape(1, 1, 2, 1)) & 15) \
        .reshape(n, groups * 2, width)


def _bits(qh: torch.Tensor, nbits_per: int, groups: int, width: int) -> torch.Tensor:
    # unpack `nbits_per`-bit fields: qh [n, groups*width] -> [n, groups*(8/nbits_per), width]
    n, per = qh.shape[0], 8 // nbits_per
    sh = _shifts(*range(0, 8, nbits_per)).reshape(1, 1, per, 1)
    return ((qh.reshape(n, groups, 1, width) >> sh) & ((1 << nbits_per) - 1)).reshape(n, groups * per, width)


def _q8_0(b: torch.Tensor) -> torch.Tensor:
    return _f16(b[:, :2]) * b[:, 2:].view(torch.int8)


def _q4_0(b: torch.Tensor) -> torch.Tensor:
    q = _nibbles(b[:, 2:], 1, 16).reshape(-1, 32).to(torch.int8) - 8
    return _f16(b[:, :2]) * q


def _q4_1(b: torch.Tensor) -> torch.Tensor:
    return _f16(b[:, :2]) * _nibbles(b[:, 4:], 1, 16).reshape(-1, 32) + _f16(b[:, 2:4])


def _q5_hi(qh: torch.Tensor) -> torch.Tensor:   # 4 bytes little-endian -> bit j of element j
    return _bits(qh, 1, 4, 1).reshape(-1, 32) << 4


def _q5_0(b: torch.Tensor) -> torch.Tensor:
    q = (_nibbles(b[:, 6:], 1, 16).reshape(-1, 32) | _q5_hi(b[:, 2:6])).to(torch.int8) - 16
    return _f16(b[:, :2]) * q


def _q5_1(b: torch.Tensor) -> torch.Tensor:
    q = _nibbles(b[:, 8:], 1, 16).reshape(-1, 32) | _q5_hi(b[:, 4:8])
    return _f16(b[:, :2]) * q + _f16(b[:, 2:4])


def _q2_k(b: torch.Tensor) -> torch.Tensor:
    n = b.shape[0]
    sc, qs, d, dmin = b[:, :16], b[:, 16:80], _f16(b[:, 80:82]), _f16(b[:, 82:84])
    dl = (d * (sc & 15)).reshape(n, 16, 1)
    ml = (dmin * (sc >> 4)).reshape(n, 16, 1)
    q = _bits(qs, 2, 2, 32).reshape(n, 16, 16)
    return (dl * q - ml).reshape(n, 256)


def _q3_k(b: torch.Tensor) -> torch.Tensor:
    n = b.shape[0]
    hmask, qs, sc, d = b[:, :32], b[:, 32:96], b[:, 96:108], _f16(b[:, 108:110])
    # 16 6-bit scales: low 4 bits in bytes 0-7 (two per byte), high 2 bits in bytes 8-11
    lo = ((sc[:, :8].reshape(n, 1, 8) >> _shifts(0, 4).reshape(1, 2, 1)) & 15).reshape(n, 16)
    hi = ((sc[:, 8:].reshape(n, 1, 4) >> _shifts(0, 2, 4, 6).reshape(1, 4, 1)) & 3).reshape(n, 16)
    scale = (lo | (hi << 4)).to(torch.int8) - 32
    dl = (d * scale).reshape(n, 16, 1)
    ql = _bits(qs, 2, 2, 32).reshape(n, 16, 16).to(torch.int8)
    qh = _bits(hmask, 1, 1, 32).reshape(n, 16, 16).to(torch.int8)
    # a clear high bit means "subtract 4"
    return (dl * (ql - ((qh ^ 1) << 2))).reshape(n, 256)


def _k_scale_min(sc: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    # 8 6-bit scales and 8 6-bit mins packed in 12 bytes (get_scale_min_k4)
    n = sc.shape[0]
    s = sc.reshape(n, 3, 4)
    d, m, md = s[:, 0], s[:, 1], s[:, 2]
    scale = torch.cat([d & 63, (md & 15) | ((d >> 2) & 48)], dim=-1)
    mins = torch.cat([m & 63, (md >> 4) | ((m >> 2) & 48)], dim=-1)
    return scale, mins


def _q4_k(b: torch.Tensor) -> torch.Tensor:
    n = b.shape[0]
    scale, mins = _k_scale_min(b[:, 4:16])
    d = (_f16(b[:, :2]) * scale).reshape(n, 8, 1)
    dm = (_f16(b[:, 2:4]) * mins).reshape(n, 8, 1)
    return (d * _nibbles(b[:, 16:], 4, 32) - dm).reshape(n, 256)


def _q5_k(b: torch.Tensor) -> torch.Tensor:
    n = b.shape[0]
    scale, mins = _k_scale_min(b[:, 4:16])
    d = (_f16(b[:, :2]) * scale).reshape(n, 8, 1)
    dm = (_f16(b[:, 2:4]) * mins).reshape(n, 8, 1)
    q = _nibbles(b[:, 48:], 4, 32) | (_bits(b[:, 16:48], 1, 1, 32) << 4)
    return (d * q - dm).reshape(n, 256)


def _q6_k(b: torch.Tensor) -> torch.Tensor:
    n = b.shape[0]
    ql, qh, sc, d = b[:, :128], b[:, 128:192], b[:, 192:208].view(torch.int8), _f16(b[:, 208:210])
    q = (_nibbles(ql, 2, 64).reshape(n, 8, 32) | (_bits(qh, 2, 2, 32) << 4)).to(torch.int8) - 32
    return ((d * sc).reshape(n, 16, 1) * q.reshape(n, 16, 16)).reshape(n, 256)


_DEQUANT = {2: _q4_0, 3: _q4_1, 6: _q5_0, 7: _q5_1, 8: _q8_0, 10: _q2_k, 11: _q3_k,
            12: _q4_k, 13: _q5_k, 14: _q6_k}
_FLOAT = {0: torch.float32, 1: torch.float16, 30: torch.bfloat16}


def dequantize(raw: torch.Tensor, gtype: int, dtype: torch.dtype | None = None) -> torch.Tensor:
    """GGML bytes (uint8, 1-D) of type ``gtype`` -> a flat float tensor.

    Float types are reinterpreted without a copy (then cast if ``dtype`` differs);
    block types are dequantised into a fresh ``dtype`` tensor (float32 by default).
    """
    if gtype in _FLOAT:
        t = raw.view(_FLOAT[gtype])
        return t if dtype is None or dtype == t.dtype else t.to(dtype)
    name, block, tsize = GGML_TYPES[gtype]
    if raw.numel() % tsize:
        raise GGUFError(f"{name} data of {raw.numel()} bytes is not a whole number of blocks")
    blocks = raw.reshape(-1, tsize)
    fn = _DEQUANT[gtype]
    out = torch.empty(blocks.shape[0], block, dtype=dtype or torch.float32)
    for i in range(0, blocks.shape[0], _CHUNK_BLOCKS):
        out[i:i + _CHUNK_BLOCKS] = fn(blocks[i:i + _CHUNK_BLOCKS])
    return out.reshape(-1)


# ---------------------------------------------------------------------------------------
# GGUF metadata -> Hugging Face config


_MODEL_TYPES = {"llama": "llama", "qwen2": "qwen2", "qwen3": "qwen3", "qwen2moe": "qwen2_moe",
                "qwen3moe": "qwen3_moe", "olmoe": "olmoe", "granite": "granite",
                "granitemoe": "granitemoe", "deepseek2": "deepseek_v2"}
# llama.cpp's llama-family graphs use interleaved RoPE, so its converter permutes q/k rows
# of HF's rotate-half checkpoints (convert_hf_to_gguf.py LlamaModel.permute); undo it
_PERMUTED_QK = {"llama", "granite", "granitemoe"}


def _meta_config(md: dict[str, Any], names: set[str], path: str) -> dict[str, Any]:
    arch = md.get("general.architecture")
    if arch not in _MODEL_TYPES:
        raise GGUFError(f"{path}: architecture {arch!r} is not supported "
                        f"(supported: {', '.join(sorted(_MODEL_TYPES))})")

    def get(key: str, default: Any = None, required: bool = False) -> Any:
        v = md.get(f"{arch}.{key}", default)
        if required and v is None:
            raise GGUFError(f"{path}: metadata {arch}.{key} is missing")
        if isinstance(v, list):        # per-layer arrays (hybrid models): must be uniform
            if not v or any(x != v[0] for x in v):
                raise GGUFError(f"{path}: {arch}.{key} varies per layer, which is not supported")
            v = v[0]
        if isinstance(v, float):         # stored as float32: 0.22 reads back as 0.2199999988
            v = float(f"{v:.7g}")
        return v

    n_layers = get("block_count", required=True)
    hidden = get("embedding_length", required=True)
    n_head = get("attention.head_count", required=True)
    for k, v in (("block_count", n_layers), ("embedding_length", hidden), ("attention.head_count", n_head)):
        if not isinstance(v, int) or not 0 < v < 1 << 24:
            raise GGUFError(f"{path}: {arch}.{k} = {v!r} is not a sensible size")
    n_experts = get("expert_count", 0) or 0
    embd = "token_embd.weight"
    vocab = get("vocab_size") or len(md.get("tokenizer.ggml.tokens") or []) or None
    cfg: dict[str, Any] = {
        "model_type": _MODEL_TYPES[arch],
        "hidden_size": hidden,
        "num_hidden_layers": n_layers,
        "num_attention_heads": n_head,
        "num_key_value_heads": get("attention.head_count_kv", n_head),
        "intermediate_size": get("feed_forward_length"),
        "max_position_embeddings": get("context_length", 4096),
        "rms_norm_eps": get("attention.layer_norm_rms_epsilon", 1e-6),
        "rope_theta": get("rope.freq_base", 10000.0),
        "vocab_size": vocab,
        "hidden_act": "silu",
        "tie_word_embeddings": "output.weight" not in names,
        "bos_token_id": md.get("tokenizer.ggml.bos_token_id"),
        "eos_token_id": md.get("tokenizer.ggml.eos_token_id"),
    }
    if embd not in names:
        raise GGUFError(f"{path}: tensor {embd!r} is missing")
    head_dim = get("attention.key_length")
    if head_dim and arch != "deepseek2":
        cfg["head_dim"] = head_dim
    if any(n.endswith("attn_q.bias") for n in names):
        cfg["attention_bias"] = True
    if get("attention.clamp_kqv"):
        cfg["clip_qkv"] = get("attention.clamp_kqv")
    rope_type = get("rope.scaling.type")
    if rope_type and rope_type != "none":
        cfg["rope_scaling"] = {"rope_type": rope_type, "type": rope_type,
                               "factor": get("rope.scaling.factor", 1.0)}
        if get("rope.scaling.original_context_length"):
            cfg["rope_scaling"]["original_max_position_embeddings"] = get("rope.scaling.original_context_length")

    moe = {"num_experts_per_tok": get("expert_used_count")} if n_experts else {}
    if arch == "llama" and n_experts:
        cfg["model_type"] = "mixtral"
        moe["num_local_experts"] = n_experts
    elif arch in ("qwen2moe", "qwen3moe", "olmoe"):
        moe["num_experts"] = n_experts
        if arch != "olmoe":
            moe["moe_intermediate_size"] = get("expert_feed_forward_length")
            moe.update(decoder_sparse_step=1, mlp_only_layers=[])
        # llama.cpp ignores HF's norm_topk_prob: qwen3moe always renormalises, the others never
        moe["norm_topk_prob"] = arch == "qwen3moe"
        if arch == "qwen2moe":
            moe["shared_expert_intermediate_size"] = get("expert_shared_feed_forward_length", 0)
        if arch == "olmoe":
            moe["intermediate_size"] = get("expert_feed_forward_length") or cfg["intermediate_size"]
    elif arch in ("granite", "granitemoe"):
        moe.update(embedding_multiplier=get("embedding_scale", 1.0),
                   attention_multiplier=get("attention.scale", 1.0),
                   residual_multiplier=get("residual_scale", 1.0),
                   logits_scaling=get("logit_scale", 1.0))
        if n_experts:
            moe["num_local_experts"] = n_experts
        if get("expert_shared_feed_forward_length"):
            cfg["model_type"] = "granitemoeshared"
            moe["shared_intermediate_size"] = get("expert_shared_feed_forward_length")
    elif arch == "deepseek2":
        moe.update(_deepseek_config(get, names, cfg))
    cfg.update(moe)
    return cfg


def _deepseek_config(get: Any, names: set[str], cfg: dict[str, Any]) -> dict[str, Any]:
    rope_dim = get("rope.dimension_count", 64)
    kv_rank = get("attention.kv_lora_rank", 512)
    # newer converters store MLA as MQA (key_length = kv_rank + rope) and the true head
    # sizes under *_mla; older ones store the head sizes directly
    key_len = get("attention.key_length_mla") or get("attention.key_length")
    v_len = get("attention.value_length_mla") or get("attention.value_length")
    sigmoid = get("expert_gating_func", 1) == 2 or any(n.endswith("exp_probs_b.bias") for n in names)
    n_group, topk_group = get("expert_group_count", 1) or 1, get("expert_group_used_count", 1) or 1
    out = {
        "model_type": "deepseek_v3" if sigmoid else "deepseek_v2",
        "num_key_value_heads": cfg["num_attention_heads"],
        "kv_lora_rank": kv_rank, "q_lora_rank": get("attention.q_lora_rank"),
        "qk_rope_head_dim": rope_dim, "qk_nope_head_dim": key_len - rope_dim, "v_head_dim": v_len,
        "n_routed_experts": get("expert_count", 0), "n_shared_experts": get("expert_shared_count", 0),
        "moe_intermediate_size": get("expert_feed_forward_length"),
        "first_k_dense_replace": get("leading_dense_block_count", 0),
        "routed_scaling_factor": get("expert_weights_scale", 1.0) or 1.0,
        "norm_topk_prob": bool(get("expert_weights_norm", False)),
        "n_group": n_group, "topk_group": topk_group,
        "scoring_func": "sigmoid" if sigmoid else "softmax",
        "topk_method": "noaux_tc" if sigmoid else "greedy" if n_group == 1 else "group_limited_greedy",
        "moe_layer_freq": 1,
    }
    if get("rope.scaling.yarn_log_multiplier") and "rope_scaling" in cfg:
        # the converter stores 0.1 * mscale_all_dim; DeepSeek's configs use mscale == mscale_all_dim
        m = get("rope.scaling.yarn_log_multiplier") / 0.1
        cfg["rope_scaling"].update(mscale=m, mscale_all_dim=m)
    return out


# ---------------------------------------------------------------------------------------
# GGUF tensor names -> Hugging Face keys

_ATTN = {"attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
         "attn_output": "self_attn.o_proj", "attn_q_norm": "self_attn.q_norm",
         "attn_k_norm": "self_attn.k_norm", "attn_q_a": "self_attn.q_a_proj",
         "attn_q_a_norm": "self_attn.q_a_layernorm", "attn_q_b": "self_attn.q_b_proj",
         "attn_kv_a_mqa": "self_attn.kv_a_proj_with_mqa", "attn_kv_a_norm": "self_attn.kv_a_layernorm",
         "attn_kv_b": "self_attn.kv_b_proj", "attn_norm": "input_layernorm",
         "ffn_norm": "post_attention_layernorm"}
_DENSE = {"ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj"}
# model_type -> (router key, expert key pattern, {gguf part: hf name}, shared-expert prefix)
_MOE_NAMES = {
    "mixtral": ("block_sparse_moe.gate", "block_sparse_moe.experts.{e}.{w}",
                {"gate": "w1", "up": "w3", "down": "w2"}, None),
    "qwen2_moe": ("mlp.gate", "mlp.experts.{e}.{w}_proj", None, "mlp.shared_expert"),
    "qwen3_moe": ("mlp.gate", "mlp.experts.{e}.{w}_proj", None, None),
    "olmoe": ("mlp.gate", "mlp.experts.{e}.{w}_proj", None, None),
    "deepseek_v2": ("mlp.gate", "mlp.experts.{e}.{w}_proj", None, "mlp.shared_experts"),
    "deepseek_v3": ("mlp.gate", "mlp.experts.{e}.{w}_proj", None, "mlp.shared_experts"),
}
_BLK = re.compile(r"blk\.(\d+)\.([a-z0-9_]+)\.(weight|bias)$")


def _unpermute(w: torch.Tensor, n_head: int) -> torch.Tensor:
    # inverse of LlamaModel.permute: rows per head go from (d/2, 2) interleaved back to (2, d/2)
    shape = w.shape
    return w.reshape(n_head, shape[0] // n_head // 2, 2, *shape[1:]).transpose(1, 2).reshape(shape)


# routing tensors: kept in fp32 whatever the model dtype (``moe.Router`` runs in fp32)
_ROUTING = {"ffn_gate_inp", "ffn_gate_inp_shexp", "exp_probs_b"}


def _hf_weights(f: GGUFFile, cfg: dict[str, Any], dtype: torch.dtype | None) -> dict[str, torch.Tensor]:
    arch, mt, path = f.metadata["general.architecture"], cfg["model_type"], f.path
    n_layers = cfg["num_hidden_layers"]
    out: dict[str, torch.Tensor] = {}
    top = {"token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight",
           "output.weight": "lm_head.weight"}
    pending_kb: dict[int, dict[str, torch.Tensor]] = {}
    halves: dict[str, dict[str, torch.Tensor]] = {}      # granite gate/up, fused below
    for name in f.tensors:
        if name in top:
            out[top[name]] = f.tensor(name, dtype)
            continue
        m = _BLK.match(name)
        if not m:
            if name == "rope_freqs.weight":      # Llama 3.x RoPE scaling, as per-frequency divisors
                cfg["rope_scaling"] = _llama3_rope(f.tensor(name, torch.float32), cfg, path)
                continue
            raise GGUFError(f"{path}: unexpected tensor {name!r} for architecture {arch}")
        layer, part, kind = int(m.group(1)), m.group(2), m.group(3)
        if layer >= n_layers:
            raise GGUFError(f"{path}: tensor {name!r} is for layer {layer}, but the model has {n_layers}")
        pre = f"model.layers.{layer}."
        t = f.tensor(name, torch.float32 if dtype is not None and part in _ROUTING else dtype)
        if part in ("attn_q", "attn_k") and arch in _PERMUTED_QK:
            heads = cfg["num_attention_heads"] if part == "attn_q" else cfg["num_key_value_heads"]
            t = _unpermute(t, heads)
        if part in _ATTN:
            out[f"{pre}{_ATTN[part]}.{kind}"] = t
        elif part in ("attn_k_b", "attn_v_b"):      # MLA absorption split; rebuilt below
            pending_kb.setdefault(layer, {})[part] = t
        elif part in _DENSE:
            out[f"{pre}{_DENSE[part]}.{kind}"] = t
        elif part == "exp_probs_b":
            out[f"{pre}mlp.gate.e_score_correction_bias"] = t.reshape(-1)
        elif part in ("ffn_gate_inp", "ffn_gate_exps", "ffn_up_exps", "ffn_down_exps") and \
                mt in ("granitemoe", "granitemoeshared"):
            _granite_experts(out, halves, pre, part, t)
        elif part == "ffn_gate_inp":
            out[f"{pre}{_moe(mt, name, path)[0]}.weight"] = t
        elif part in ("ffn_gate_exps", "ffn_up_exps", "ffn_down_exps"):
            _, pattern, rename, _ = _moe(mt, name, path)
            w = part[4:-5]
            w = rename[w] if rename else w
            if t.dim() != 3:
                raise GGUFError(f"{path}: tensor {name!r} should be 3-D [experts, out, in], got {tuple(t.shape)}")
            for e, te in enumerate(t.unbind(0)):
                out[f"{pre}{pattern.format(e=e, w=w)}.weight"] = te
        elif part in ("ffn_gate_shexp", "ffn_up_shexp", "ffn_down_shexp"):
            if mt == "granitemoeshared":
                _granite_experts(out, halves, pre, part, t)
                continue
            prefix = _moe(mt, name, path)[3]
            if prefix is None:
                raise GGUFError(f"{path}: {mt} has no shared expert, but the file has {name!r}")
            out[f"{pre}{prefix}.{part[4:-6]}_proj.weight"] = t
        elif part == "ffn_gate_inp_shexp":        # HF keeps this [1, hidden]
            out[f"{pre}mlp.shared_expert_gate.weight"] = t.reshape(1, -1)
        else:
            raise GGUFError(f"{path}: unexpected tensor {name!r} for architecture {arch}")
    for layer, kb in pending_kb.items():
        out[f"model.layers.{layer}.self_attn.kv_b_proj.weight"] = _join_kv_b(kb, cfg, path)
    for key, h in halves.items():
        if set(h) != {"gate", "up"}:
            raise GGUFError(f"{path}: {key} needs both the gate and the up expert tensors")
        out[key] = torch.cat([h["gate"], h["up"]], dim=-2)
    return out


def _llama3_rope(factors: torch.Tensor, cfg: dict[str, Any], path: str) -> dict[str, Any]:
    """Recover HF's llama3 rope_scaling from llama.cpp's rope_freqs tensor.

    The converter bakes (factor, low/high_freq_factor, original context) into one divisor
    per frequency; every Llama 3.x release uses low 1, high 4 and 8192, so assume those,
    take the factor from the largest divisor and check that they reproduce the tensor.
    """
    dim = factors.numel() * 2
    base = float(cfg.get("rope_theta") or 10000.0)
    spec = {"rope_type": "llama3", "factor": float(factors.max()), "low_freq_factor": 1.0,
            "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}
    inv = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
    wavelen = 2 * math.pi / inv
    smooth = (8192 / wavelen - 1.0) / (4.0 - 1.0)
    want = torch.where(wavelen < 8192 / 4.0, 1.0,
                       torch.where(wavelen > 8192, spec["factor"], 1 / ((1 - smooth) / spec["factor"] + smooth)))
    if not torch.allclose(factors.double(), want, rtol=1e-3):
        raise GGUFError(f"{path}: rope_freqs does not match Llama 3 RoPE scaling with the usual "
                        "parameters; this RoPE variant is not supported")
    return spec


def _moe(mt: str, name: str, path: str) -> tuple[str, str, dict[str, str] | None, str | None]:
    if mt not in _MOE_NAMES:
        raise GGUFError(f"{path}: tensor {name!r} is an MoE tensor, but {mt} has no experts "
                        "(expert_count is missing from the metadata?)")
    return _MOE_NAMES[mt]


def _granite_experts(out: dict[str, torch.Tensor], halves: dict[str, dict[str, torch.Tensor]],
                     pre: str, part: str, t: torch.Tensor) -> None:
    # GraniteMoe keeps experts stacked, with gate and up fused: input_linear [E, 2I, H]
    block = "shared_mlp." if part.endswith("shexp") else "block_sparse_moe."
    if part == "ffn_gate_inp":
        out[f"{pre}block_sparse_moe.router.layer.weight"] = t
    elif part.startswith("ffn_down"):
        out[f"{pre}{block}output_linear.weight"] = t
    else:
        halves.setdefault(f"{pre}{block}input_linear.weight", {})[part.split("_")[1]] = t


def _join_kv_b(kb: dict[str, torch.Tensor], cfg: dict[str, Any], path: str) -> torch.Tensor:
    # converter: kv_b [H*(nope+v), rank] -> k_b [H, rank, nope] (transposed), v_b [H, v, rank]
    if set(kb) != {"attn_k_b", "attn_v_b"}:
        raise GGUFError(f"{path}: MLA needs both attn_k_b and attn_v_b tensors")
    h, nope, v, rank = (cfg["num_attention_heads"], cfg["qk_nope_head_dim"], cfg["v_head_dim"],
                        cfg["kv_lora_rank"])
    k_b, v_b = kb["attn_k_b"], kb["attn_v_b"]
    if k_b.numel() != h * rank * nope or v_b.numel() != h * v * rank:
        raise GGUFError(f"{path}: MLA attn_k_b/attn_v_b sizes do not match the metadata")
    k_b = k_b.reshape(h, rank, nope).transpose(1, 2)
    return torch.cat([k_b, v_b.reshape(h, v, rank)], dim=1).reshape(h * (nope + v), rank)


# ---------------------------------------------------------------------------------------
# Tokenizer

_TOKENIZER_KEYS = {"model": "tokenizer.ggml.model", "pre": "tokenizer.ggml.pre",
                   "tokens": "tokenizer.ggml.tokens", "token_type": "tokenizer.ggml.token_type",
                   "scores": "tokenizer.ggml.scores", "merges": "tokenizer.ggml.merges",
                   "bos_token_id": "tokenizer.ggml.bos_token_id",
                   "eos_token_id": "tokenizer.ggml.eos_token_id",
                   "unk_token_id": "tokenizer.ggml.unknown_token_id",
                   "pad_token_id": "tokenizer.ggml.padding_token_id",
                   "eot_token_id": "tokenizer.ggml.eot_token_id",
                   "add_bos_token": "tokenizer.ggml.add_bos_token",
                   "add_eos_token": "tokenizer.ggml.add_eos_token",
                   "add_space_prefix": "tokenizer.ggml.add_space_prefix",
                   "chat_template": "tokenizer.chat_template"}
_CONTROL, _USER_DEFINED = 3, 4
# pre-tokenizer regexes, from llama-vocab.cpp / the models' tokenizer.json
_QWEN2_RE = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
             r"|\s*[\r\n]+|\s+(?!\S)|\s+")
_PRE_REGEX = {"qwen2": _QWEN2_RE, "deepseek-r1-qwen": _QWEN2_RE,
              "llama-bpe": _QWEN2_RE.replace(r"\p{N}|", r"\p{N}{1,3}|"),
              "llama3": _QWEN2_RE.replace(r"\p{N}|", r"\p{N}{1,3}|")}


def _tokenizer_spec(md: dict[str, Any]) -> dict[str, Any] | None:
    if "tokenizer.ggml.tokens" not in md:
        return None
    return {k: md[v] for k, v in _TOKENIZER_KEYS.items() if v in md}


def build_tokenizer(spec: dict[str, Any]) -> Any:
    """A ``tokenizers.Tokenizer`` for a byte-level BPE spec (``model == "gpt2"``).

    SentencePiece-style specs (``model == "llama"``) are not built here: raises GGUFError.
    Adding BOS/EOS is left to the caller (``spec["add_bos_token"]``).
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, processors

    if spec.get("model") != "gpt2":
        raise GGUFError(f"GGUF tokenizer model {spec.get('model')!r} is not supported; "
                        "only byte-level BPE ('gpt2') can be built from GGUF metadata")
    tokens, types = spec["tokens"], spec.get("token_type") or [1] * len(spec["tokens"])
    vocab: dict[str, int] = {}
    for i, tok in enumerate(tokens):
        vocab.setdefault(tok, i)        # padding entries can repeat; the first id wins
    merges = [tuple(m.split(" ", 1)) for m in spec.get("merges", [])]
    tk = Tokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=False))
    regex = _PRE_REGEX.get(spec.get("pre", ""))
    if regex:
        tk.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(regex), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    else:                               # GPT-2's own regex
        tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    special = [AddedToken(t, special=True, normalized=False)
               for t, ty in zip(tokens, types) if ty == _CONTROL]
    user = [AddedToken(t, special=False, normalized=False)
            for t, ty in zip(tokens, types) if ty == _USER_DEFINED]
    tk.add_special_tokens(special)
    tk.add_tokens(user)
    bos = spec.get("bos_token_id")
    if spec.get("add_bos_token") and isinstance(bos, int) and 0 <= bos < len(tokens):
        tk.post_processor = processors.TemplateProcessing(
            single=f"{tokens[bos]} $A", pair=f"{tokens[bos]} $A $B", special_tokens=[(tokens[bos], bos)])
    return tk


def gguf_tokenizer(spec: dict[str, Any] | None) -> Any:
    """The engine's ``Tokenizer`` for a GGUF tokenizer spec, or None when it cannot be built
    (no tokenizer metadata, or a SentencePiece-style vocabulary)."""
    from .tokenizer import Tokenizer

    if not spec or spec.get("model") != "gpt2":
        return None
    tokens = spec["tokens"]

    def text(key: str) -> str | None:
        i = spec.get(key)
        return tokens[i] if isinstance(i, int) and 0 <= i < len(tokens) else None
    config = {"bos_token": text("bos_token_id"), "eos_token": text("eos_token_id"),
              "add_bos_token": bool(spec.get("add_bos_token", False))}
    return Tokenizer(build_tokenizer(spec), "hf", config, spec.get("chat_template"))


# ---------------------------------------------------------------------------------------
# Writer: the inverse mapping, for tests and for feeding the same weights to llama.cpp

_GGUF_ARCH = {"llama": "llama", "mixtral": "llama", "qwen2": "qwen2", "qwen3": "qwen3",
              "qwen2_moe": "qwen2moe", "qwen3_moe": "qwen3moe", "olmoe": "olmoe",
              "granite": "granite", "granitemoe": "granitemoe", "granitemoeshared": "granitemoe",
              "deepseek_v2": "deepseek2", "deepseek_v3": "deepseek2"}
_WRITE_TYPES = {"F32": 0, "F16": 1, "BF16": 30, "Q8_0": 8, "Q4_0": 2, "Q4_1": 3, "Q5_0": 6, "Q5_1": 7}


def _rope_theta(cfg: dict[str, Any]) -> float:
    return float((cfg.get("rope_parameters") or {}).get("rope_theta") or cfg.get("rope_theta") or 10000.0)


def _gguf_metadata(cfg: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """HF config -> {key: (kind, value)}, the keys llama.cpp's converter writes."""
    mt, arch = cfg["model_type"], _GGUF_ARCH[cfg["model_type"]]
    u, f = "uint32", "float32"
    n_experts = cfg.get("num_experts") or cfg.get("num_local_experts") or cfg.get("n_routed_experts") or 0
    md: dict[str, tuple[str, Any]] = {
        "block_count": (u, cfg["num_hidden_layers"]),
        "context_length": (u, cfg.get("max_position_embeddings") or 4096),
        "embedding_length": (u, cfg["hidden_size"]),
        "feed_forward_length": (u, cfg["intermediate_size"]),
        "attention.head_count": (u, cfg["num_attention_heads"]),
        "attention.head_count_kv": (u, cfg.get("num_key_value_heads") or cfg["num_attention_heads"]),
        "rope.freq_base": (f, _rope_theta(cfg)),
        "attention.layer_norm_rms_epsilon": (f, cfg.get("rms_norm_eps", 1e-6)),
        "vocab_size": (u, cfg["vocab_size"]),
    }
    if cfg.get("clip_qkv"):
        md["attention.clamp_kqv"] = (f, cfg["clip_qkv"])
    if cfg.get("head_dim") and arch != "deepseek2":
        md["attention.key_length"] = md["attention.value_length"] = (u, cfg["head_dim"])
    if n_experts:
        md["expert_count"] = (u, n_experts)
        md["expert_used_count"] = (u, cfg["num_experts_per_tok"])
    if cfg.get("moe_intermediate_size"):
        md["expert_feed_forward_length"] = (u, cfg["moe_intermediate_size"])
    if mt == "olmoe":
        md["expert_feed_forward_length"] = (u, cfg["intermediate_size"])
    if cfg.get("shared_expert_intermediate_size"):
        md["expert_shared_feed_forward_length"] = (u, cfg["shared_expert_intermediate_size"])
    if mt.startswith("granite"):
        md.update({"embedding_scale": (f, cfg.get("embedding_multiplier", 1.0)),
                   "attention.scale": (f, cfg.get("attention_multiplier", 1.0)),
                   "residual_scale": (f, cfg.get("residual_multiplier", 1.0)),
                   "logit_scale": (f, cfg.get("logits_scaling", 1.0))})
        if cfg.get("shared_intermediate_size"):
            md["expert_shared_feed_forward_length"] = (u, cfg["shared_intermediate_size"])
    if arch == "deepseek2":
        rank, rope = cfg["kv_lora_rank"], cfg["qk_rope_head_dim"]
        md.update({"attention.head_count_kv": (u, 1), "attention.kv_lora_rank": (u, rank),
                   "attention.key_length": (u, rank + rope), "attention.value_length": (u, rank),
                   "attention.key_length_mla": (u, cfg["qk_nope_head_dim"] + rope),
                   "attention.value_length_mla": (u, cfg["v_head_dim"]),
                   "rope.dimension_count": (u, rope),
                   "leading_dense_block_count": (u, cfg.get("first_k_dense_replace") or 0),
                   "expert_shared_count": (u, cfg.get("n_shared_experts") or 0),
                   "expert_weights_scale": (f, cfg.get("routed_scaling_factor") or 1.0),
                   "expert_weights_norm": ("bool", bool(cfg.get("norm_topk_prob"))),
                   "expert_gating_func": (u, 2 if cfg.get("scoring_func") == "sigmoid" else 1),
                   "expert_group_count": (u, cfg.get("n_group") or 1),
                   "expert_group_used_count": (u, cfg.get("topk_group") or 1)})
        if cfg.get("q_lora_rank"):
            md["attention.q_lora_rank"] = (u, cfg["q_lora_rank"])
    return {f"{arch}.{k}": v for k, v in md.items()}


def _gguf_tensors(cfg: dict[str, Any], weights: dict[str, torch.Tensor]):
    """Yield (gguf name, float tensor) from HF-named weights; inverse of ``_hf_weights``."""
    mt, arch = cfg["model_type"], _GGUF_ARCH[cfg["model_type"]]
    inv = {v: k for k, v in {**_ATTN, **_DENSE}.items()}
    top = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
           "lm_head.weight": "output.weight"}
    router, pattern, rename, shared = _MOE_NAMES.get(mt, (None, None, None, None))
    inv_rename = {v: k for k, v in (rename or {}).items()}
    expert_re = re.compile(re.escape(pattern).replace(r"\{e\}", r"(\d+)").replace(r"\{w\}", r"(\w+?)")
                           + r"(?:_proj)?$") if pattern else None
    experts: dict[tuple[int, str], dict[int, torch.Tensor]] = {}
    for key, t in weights.items():
        if key in top:
            if key == "lm_head.weight" and cfg.get("tie_word_embeddings"):
                continue
            yield top[key], t
            continue
        m = re.match(r"model\.layers\.(\d+)\.(mlp\.gate\.e_score_correction_bias)$", key) or \
            re.match(r"model\.layers\.(\d+)\.(.+)\.(weight|bias)$", key)
        if not m:
            raise ValueError(f"no GGUF name for weight {key!r}")
        layer, rest = int(m.group(1)), m.group(2)
        kind = m.group(3) if m.lastindex == 3 else "bias"
        blk = f"blk.{layer}."
        if rest in inv:
            part = inv[rest]
            if part in ("attn_q", "attn_k") and arch in _PERMUTED_QK:
                heads = cfg["num_attention_heads"] if part == "attn_q" else cfg["num_key_value_heads"]
                t = t.reshape(heads, 2, t.shape[0] // heads // 2, *t.shape[1:]).transpose(1, 2).reshape(t.shape)
            yield f"{blk}{part}.{kind}", t
        elif rest == "self_attn.kv_b_proj":             # written split, as current llama.cpp does
            h, nope, v = cfg["num_attention_heads"], cfg["qk_nope_head_dim"], cfg["v_head_dim"]
            k_b, v_b = t.reshape(h, nope + v, -1).split([nope, v], dim=1)
            yield f"{blk}attn_k_b.weight", k_b.transpose(1, 2).contiguous()
            yield f"{blk}attn_v_b.weight", v_b.contiguous()
        elif rest == "mlp.gate.e_score_correction_bias":
            yield f"{blk}exp_probs_b.bias", t
        elif rest == router:
            yield f"{blk}ffn_gate_inp.weight", t
        elif rest == "block_sparse_moe.router.layer":
            yield f"{blk}ffn_gate_inp.weight", t
        elif rest in ("block_sparse_moe.input_linear", "shared_mlp.input_linear"):
            sfx = "exps" if rest.startswith("block") else "shexp"
            gate, up = t.chunk(2, dim=-2)
            yield f"{blk}ffn_gate_{sfx}.weight", gate.contiguous()
            yield f"{blk}ffn_up_{sfx}.weight", up.contiguous()
        elif rest in ("block_sparse_moe.output_linear", "shared_mlp.output_linear"):
            yield f"{blk}ffn_down_{'exps' if rest.startswith('block') else 'shexp'}.weight", t
        elif shared and rest.startswith(shared + ".") and rest.endswith("_proj"):
            yield f"{blk}ffn_{rest[len(shared) + 1:-5]}_shexp.weight", t
        elif rest == "mlp.shared_expert_gate":
            yield f"{blk}ffn_gate_inp_shexp.weight", t
        elif expert_re and (em := expert_re.match(rest)):
            w = inv_rename.get(em.group(2), em.group(2))
            experts.setdefault((layer, w), {})[int(em.group(1))] = t
        else:
            raise ValueError(f"no GGUF name for weight {key!r}")
    for (layer, w), per in sorted(experts.items()):
        yield f"blk.{layer}.ffn_{w}_exps.weight", torch.stack([per[e] for e in range(len(per))])
    rope = cfg.get("rope_parameters") or cfg.get("rope_scaling") or {}
    if (rope.get("rope_type") or rope.get("type")) == "llama3":     # as llama.cpp's converter does
        dim = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
        inv = 1.0 / (_rope_theta(cfg) ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
        factor, low, high = rope["factor"], rope.get("low_freq_factor", 1.0), rope.get("high_freq_factor", 4.0)
        old = rope.get("original_max_position_embeddings", 8192)
        wavelen = 2 * math.pi / inv
        smooth = (old / wavelen - low) / (high - low)
        yield "rope_freqs.weight", torch.where(wavelen < old / high, 1.0, torch.where(
            wavelen > old / low, factor, 1 / ((1 - smooth) / factor + smooth))).float()


def write_gguf(path: str | os.PathLike[str], config: dict[str, Any], weights: dict[str, torch.Tensor],
               qtype: str = "F32", tokenizer: dict[str, Any] | None = None) -> None:
    """Write HF-named weights (per-expert keys, as on disk) as a GGUF llama.cpp can load.

    ``qtype`` applies to 2-D+ weights whose rows are whole 32-blocks, except router
    gates; norms, biases and other 1-D tensors stay F32. Uses gguf-py's numpy
    quantisers (slow, ~50 Mparam/s): fine for tests and one-off conversions.
    """
    import gguf
    import numpy as np

    if config["model_type"] not in _GGUF_ARCH:
        raise ValueError(f"cannot write model_type {config['model_type']!r} as GGUF")
    if qtype not in _WRITE_TYPES:
        raise ValueError(f"qtype must be one of {', '.join(_WRITE_TYPES)}")
    qt = gguf.GGMLQuantizationType(_WRITE_TYPES[qtype])
    w = gguf.GGUFWriter(os.fspath(path), _GGUF_ARCH[config["model_type"]])
    for key, (kind, val) in _gguf_metadata(config).items():
        getattr(w, f"add_{kind}")(key, val)
    if tokenizer:
        _write_tokenizer(w, tokenizer)
    for name, t in _gguf_tensors(config, weights):
        x = t.detach().float().contiguous().numpy()
        if x.ndim < 2 or "ffn_gate_inp" in name or x.shape[-1] % 32 or qt == gguf.GGMLQuantizationType.F32:
            w.add_tensor(name, x)
        elif qt == gguf.GGMLQuantizationType.F16:
            w.add_tensor(name, x.astype(np.float16))
        else:
            w.add_tensor(name, gguf.quants.quantize(x, qt), raw_dtype=qt)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def _write_tokenizer(w: Any, spec: dict[str, Any]) -> None:
    w.add_tokenizer_model(spec.get("model", "gpt2"))
    if spec.get("pre"):
        w.add_tokenizer_pre(spec["pre"])
    w.add_token_list(spec["tokens"])
    if spec.get("token_type"):
        w.add_token_types(spec["token_type"])
    if spec.get("merges"):
        w.add_token_merges(spec["merges"])
    if spec.get("scores"):
        w.add_token_scores(spec["scores"])
    for k in ("bos_token_id", "eos_token_id", "unk_token_id", "pad_token_id", "eot_token_id"):
        if spec.get(k) is not None:
            w.add_uint32(_TOKENIZER_KEYS[k], spec[k])
    for k in ("add_bos_token", "add_eos_token"):
        if spec.get(k) is not None:
            w.add_bool(_TOKENIZER_KEYS[k], spec[k])
    if spec.get("chat_template"):
        w.add_chat_template(spec["chat_template"])


# ---------------------------------------------------------------------------------------
# Entry point


def load_gguf(path: str | os.PathLike[str],
              dtype: torch.dtype | Callable[[dict[str, Any]], torch.dtype | None] | None = None
              ) -> tuple[dict[str, Any], dict[str, torch.Tensor], dict[str, Any] | None]:
    """Load a GGUF model as (HF config dict, HF-named weights, tokenizer spec or None).

    ``dtype``: None keeps F32/F16/BF16 tensors as stored (memory-mapped, no copy) and
    dequantises block types to float32; a dtype casts/dequantises everything to it except
    router gates and correction biases, which come back in float32 (routing must not flip
    with the model dtype). A callable gets the config (read from the header) and returns
    the dtype, so a caller can choose it from ``torch_dtype`` without parsing the file twice.
    """
    f = read_gguf(path)
    cfg = _meta_config(f.metadata, set(f.tensors), f.path)
    # the engine's default dtype follows this: all-F32 files run in fp32, the rest in bf16
    cfg["torch_dtype"] = "float32" if all(t.type == 0 for t in f.tensors.values()) else "bfloat16"
    if callable(dtype):
        dtype = dtype(cfg)
    weights = _hf_weights(f, cfg, dtype)
    if cfg["vocab_size"] is None:
        cfg["vocab_size"] = weights["model.embed_tokens.weight"].shape[0]
    return cfg, weights, _tokenizer_spec(f.metadata)
