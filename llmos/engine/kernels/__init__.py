"""Accelerated ops with a pure-torch fallback; ``backend()`` says which path runs."""

from __future__ import annotations

import torch


def backend() -> str:
    return "torch"


def moe_experts(experts, x: torch.Tensor, inds: torch.Tensor, weights: torch.Tensor) -> torch.Tensor | None:
    """Fused expert dispatch, or None to let the caller run the pure-torch path."""
    return None


def decode_step(model):
    """The callable generate() uses for one decode step: (ids [B, 1], cache) -> logits [B, 1, V]."""
    return lambda ids, cache: model(ids, cache)
