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
        return f"cpp (C++ expert decode loop, {torch.get_num_threads()} threads) + torch"
    return f"torch ({_why_not})"


def moe_experts(experts: Any, x: torch.Tensor, inds: torch.Tensor, weights: torch.Tensor) -> torch.Tensor | None:
    """Fused expert dispatch for one token, or None to let the caller run the pure-torch path."""
    if x.shape[0] != 1 or x.device.type != "cpu" or _ensure() is None:
        return None
    scales_gu = experts.gate_up_scales if experts.gate_up_scales is not None else _EMPTY
    scales_d = experts.down_scales if experts.down_scales is not None else _EMPTY
    if experts.gate_up_scales is not None and scales_gu.dtype != x.dtype:
        scales_gu, scales_d = scales_gu.to(x.dtype), scales_d.to(x.dtype)
    return _ext.moe_decode(x, inds, weights, experts.gate_up, experts.down, scales_gu, scales_d)


_EMPTY = torch.empty(0)


def decode_step(model: Any):
    """The callable generate() uses for one decode step: (ids [B, 1], cache) -> logits [B, 1, V]."""
    return lambda ids, cache: model(ids, cache)
