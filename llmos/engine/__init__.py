"""The MoE inference engine: ``load(path, dtype=None, quant=None) -> Model``.

``Model.logits(input_ids)`` is the full forward (the parity entry point);
``Model.generate(input_ids, ...)`` streams token ids through a preallocated KV cache;
``Scheduler`` batches concurrent requests into one forward per step.

``Model`` and ``load`` are imported on first use: importing torch costs about a
second, which torch-free users of this package (the planner's numpy path, file
checks) never pay.
"""

from __future__ import annotations

from typing import Any

from .errors import ModelError

__all__ = ["Model", "ModelError", "load"]


def __getattr__(name: str) -> Any:
    if name == "load":
        from .loader import load
        return load
    if name == "Model":
        from .layers import CausalLM
        return CausalLM
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
