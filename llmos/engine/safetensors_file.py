"""The safetensors header, parsed and checked without torch (the planner's numpy path reads it too).

A model file is untrusted: the header's length, JSON, dtypes, shapes, every offset against
the file size and overlaps are checked before a single byte of tensor data is used.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from .errors import ModelError

ITEMSIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
MAX_HEADER = 100 * 1024 * 1024


def read_safetensors_header(path: str | os.PathLike) -> tuple[dict[str, dict], int]:
    """Parse and validate a safetensors header: ({name: {dtype, shape, start, end}}, data_start).

    ``dtype`` is the file's name for it ("BF16", "F32", ...); ``start``/``end`` count from
    ``data_start``.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                raise ModelError(f"{path}: truncated safetensors file (no header length)")
            n = int.from_bytes(head, "little")
            if n < 2 or n > MAX_HEADER or 8 + n > size:
                raise ModelError(f"{path}: corrupt safetensors header length {n} (file is {size} bytes)")
            raw = f.read(n)
    except OSError as e:
        raise ModelError(f"{path}: cannot read: {e.strerror or e}") from e
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelError(f"{path}: corrupt safetensors header (not JSON: {e})") from None
    if not isinstance(header, dict):
        raise ModelError(f"{path}: corrupt safetensors header (not an object)")
    header.pop("__metadata__", None)
    data_start, data_len = 8 + n, size - 8 - n
    tensors, spans = {}, []
    for name, info in header.items():
        where = f"{path}: tensor {name!r}"
        if not isinstance(info, dict):
            raise ModelError(f"{where}: bad header entry")
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if dtype not in ITEMSIZE:
            raise ModelError(f"{where}: unsupported dtype {dtype!r}")
        if (not isinstance(shape, list) or len(shape) > 8
                or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**40 for d in shape)):
            raise ModelError(f"{where}: bad shape {shape!r}")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)):
            raise ModelError(f"{where}: bad data_offsets {offsets!r}")
        start, end = offsets
        nbytes = math.prod(shape) * ITEMSIZE[dtype]
        if not 0 <= start <= end <= data_len:
            raise ModelError(f"{where}: data [{start}, {end}) lies outside the file's {data_len} data bytes "
                             "(truncated or corrupt file)")
        if end - start != nbytes:
            raise ModelError(f"{where}: {end - start} bytes stored but shape {shape} {dtype} needs {nbytes}")
        tensors[name] = {"dtype": dtype, "shape": shape, "start": start, "end": end}
        if nbytes:
            spans.append((start, end, name))
    spans.sort()
    for (s0, e0, a), (s1, e1, b) in zip(spans, spans[1:]):
        if s1 < e0:
            raise ModelError(f"{path}: tensors {a!r} and {b!r} overlap")
    return tensors, data_start
