"""Accelerated ops with a pure-torch fallback; ``backend()`` says which path runs.

``LLMOS_KERNELS`` picks the policy:
  * ``auto`` (default): use the C++ decode op when its build is already cached, else torch;
  * ``cpp``: build it on first use (about a minute, cached), fall back to torch if that fails;
  * ``torch``: never use compiled code.
``build()`` compiles on request (``llmosctl model bench`` does).
"""

from __future__ import annotations

import logging
import os
from typing import Any

import torch

from . import cpp

log = logging.getLogger(__name__)

_ext: Any = None
_why_not = "not built yet (llmosctl model bench builds it)"
_tried = False


def _policy() -> str:
    return os.environ.get("LLMOS_KERNELS", "auto")


def build(verbose: bool = False) -> bool:
    """Compile or load the C++ op; True when it is usable."""
    global _ext, _why_not, _tried
    _tried = True
    if _policy() == "torch":
        _why_not = "disabled by LLMOS_KERNELS=torch"
        return False
    try:
        _ext = cpp.load(verbose=verbose)
    except Exception as e:  # no compiler, no headers, build error: the torch path still works
        _ext, _why_not = None, f"build failed: {type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
        log.warning("llmos kernels: %s; using the pure-torch path", _why_not)
    return _ext is not None


def _ensure() -> Any:
    if _ext is None and not _tried:
        policy = _policy()
        if policy == "cpp" or (policy == "auto" and cpp.is_built()):
            build()
    return _ext


def backend() -> str:
    """Which path runs, for ``llmosctl model info``."""
    if _ensure() is not None:
        return (f"cpp (int8 x int8 expert and GEMV kernels, C++ expert loop for float weights; "
                f"{torch.get_num_threads()} threads) + torch")
    return f"torch ({_why_not})"


# Below this many weights an int8 GEMV runs faster in our kernel (one parallel region, no
# packing); above it torch's _weight_int8pack_mm streams big matrices (lm_head) a bit faster.
Q8_LINEAR_MAX = 8 * 1024 * 1024
Q8_LINEAR_MAX_ROWS = 4


def _fp32(t: torch.Tensor) -> torch.Tensor:
    return t if t.dtype == torch.float32 and t.is_contiguous() else t.float().contiguous()


def q8_linear(x: torch.Tensor, q: torch.Tensor, scales: torch.Tensor) -> torch.Tensor | None:
    """x [M, K] @ (q [N, K] int8 * scales).T for a few rows (decode), or None for the torch path.

    The activation is quantised to int8 in blocks of 32 (as llama.cpp's Q8_0 dot does), so
    the result differs from the bf16-activation path by about 0.5% relative."""
    M, K = x.shape
    N = q.shape[0]
    if (M > Q8_LINEAR_MAX_ROWS or N * K > Q8_LINEAR_MAX or K % 32 or x.device.type != "cpu"
            or _ensure() is None):
        return None
    return _ext.q8_linear(x, q, _fp32(scales))


def moe_experts(experts: Any, x: torch.Tensor, inds: torch.Tensor, weights: torch.Tensor) -> torch.Tensor | None:
    """Fused expert dispatch for one token, or None to let the caller run the pure-torch path."""
    if x.shape[0] != 1 or x.device.type != "cpu" or _ensure() is None:
        return None
    if experts.quantized and experts.hidden % 32 == 0 and experts.intermediate % 32 == 0:
        # all k experts in one call: int8 weights x int8-quantised activations
        cached = getattr(experts, "_q8_scales", None)   # (source, fp32 copy) of both scales
        if cached is None or cached[0] is not experts.gate_up_scales:
            cached = experts._q8_scales = (experts.gate_up_scales, _fp32(experts.gate_up_scales),
                                           _fp32(experts.down_scales))
        return _ext.moe_q8(x, inds, weights, experts.gate_up, cached[1], experts.down, cached[2])
    scales_gu = experts.gate_up_scales if experts.gate_up_scales is not None else _EMPTY
    scales_d = experts.down_scales if experts.down_scales is not None else _EMPTY
    if experts.gate_up_scales is not None and scales_gu.dtype != x.dtype:
        scales_gu, scales_d = scales_gu.to(x.dtype), scales_d.to(x.dtype)
    return _ext.moe_decode(x, inds, weights, experts.gate_up, experts.down, scales_gu, scales_d)


_EMPTY = torch.empty(0)


def decode_step(model: Any):
    """The callable generate() uses for one decode step: (ids [B, 1], cache) -> logits [B, 1, V]."""
    return lambda ids, cache: model(ids, cache)
