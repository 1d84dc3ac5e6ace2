"""The MoE inference engine: ``load(path, dtype=None, quant=None) -> Model``.

``Model.logits(input_ids)`` is the full forward (the parity entry point);
``Model.generate(input_ids, ...)`` streams token ids through a preallocated KV cache;
``Scheduler`` batches concurrent requests into one forward per step.
"""

from __future__ import annotations

from .errors import ModelError
from .layers import CausalLM as Model
from .loader import load

__all__ = ["Model", "ModelError", "load"]
