"""Routing functions and stacked experts.

Routers return ``(inds [N, k] long, weights [N, k] fp32)``. Experts are stored stacked:
``gate_up [E, 2I, H]`` (gate rows first) and ``down [E, H, I]``. Only the routed experts
are ever read: decode loops over the k experts a token chose, prefill sorts tokens by
expert and runs one matmul per expert that was hit.

Quantised experts: ``Experts.set_quantized(gate_up_q, gate_up_scales, down_q, down_scales)``
stores int8 weights [E, N, K] with per-output-row scales [E, N] (weight = q * scale) and
switches the matmuls to ``quant.int8_mm`` (``torch._weight_int8pack_mm`` with bf16
activations, the fast path on CPU, and a dequantised bf16 GEMM for many rows). Anything
else can replace the whole module as long as it keeps ``forward(x [N, H], inds, weights) -> [N, H]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from . import kernels


# ---------------------------------------------------------------- routing

def route_softmax_topk(logits: torch.Tensor, k: int, renorm: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Softmax over all experts, keep the top k, optionally renormalise (Qwen, OLMoE, Mixtral)."""
    probs = logits.float().softmax(dim=-1)
    weights, inds = probs.topk(k, dim=-1)
    if renorm:
        weights = weights / weights.sum(dim=-1, keepdim=True)
    return inds, weights


def route_topk_softmax(logits: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Top k logits first, then softmax over just those (Granite)."""
    top, inds = logits.float().topk(k, dim=-1)
    return inds, top.softmax(dim=-1)


@dataclass(frozen=True)
class SoftmaxTopK:
    """``route_softmax_topk`` as a value: the C++ MoE block recognises it and routes itself."""

    k: int
    renorm: bool

    def __call__(self, logits: torch.Tensor, router: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
        return route_softmax_topk(logits, self.k, self.renorm)


@dataclass(frozen=True)
class TopKSoftmax:
    """``route_topk_softmax`` as a value (Granite)."""

    k: int

    def __call__(self, logits: torch.Tensor, router: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
        return route_topk_softmax(logits, self.k)


def route_greedy(logits: torch.Tensor, k: int, scale: float = 1.0, renorm: bool = False,
                 n_group: int = 1, topk_group: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """DeepSeek-V2: softmax, top k (within the best ``topk_group`` groups when grouped), times scale."""
    scores = logits.float().softmax(dim=-1)
    if n_group > 1:
        N, E = scores.shape
        group_best = scores.view(N, n_group, E // n_group).amax(dim=-1)          # [N, G]
        keep = group_best.topk(topk_group, dim=-1).indices
        group_mask = torch.zeros_like(group_best).scatter_(1, keep, 1.0).bool()
        scores = scores.masked_fill(~group_mask.repeat_interleave(E // n_group, dim=1), 0.0)
    weights, inds = scores.topk(k, dim=-1)
    if renorm:
        weights = weights / (weights.sum(dim=-1, keepdim=True) + 1e-20)
    return inds, weights * scale


def route_noaux_tc(logits: torch.Tensor, bias: torch.Tensor, k: int, n_group: int, topk_group: int,
                   renorm: bool, scale: float) -> tuple[torch.Tensor, torch.Tensor]:
    """DeepSeek-V3: choose on sigmoid + correction bias (a group scores the sum of its top 2),
    but weigh by the unbiased sigmoid, renormalised, times the routed scale."""
    scores = logits.float().sigmoid()
    choice = scores + bias.float()
    N, E = choice.shape
    if n_group > 1:
        group_score = choice.view(N, n_group, E // n_group).topk(2, dim=-1).values.sum(dim=-1)   # [N, G]
        keep = group_score.topk(topk_group, dim=-1).indices
        group_mask = torch.zeros_like(group_score).scatter_(1, keep, 1.0).bool()
        choice = choice.masked_fill(~group_mask.repeat_interleave(E // n_group, dim=1), float("-inf"))
    inds = choice.topk(k, dim=-1).indices
    weights = scores.gather(1, inds)
    if renorm:
        weights = weights / (weights.sum(dim=-1, keepdim=True) + 1e-20)
    return inds, weights * scale


# ---------------------------------------------------------------- experts

_int8_mm_fn = None


def _int8_mm():
    # quant imports this module, so its int8_mm is looked up on first use
    global _int8_mm_fn
    if _int8_mm_fn is None:
        from .quant import int8_mm
        _int8_mm_fn = int8_mm
    return _int8_mm_fn


class Experts(nn.Module):
    """E SwiGLU experts stacked into two 3-D weights."""

    def __init__(self, num_experts: int, hidden: int, intermediate: int) -> None:
        super().__init__()
        self.num_experts, self.hidden, self.intermediate = num_experts, hidden, intermediate
        self.gate_up = nn.Parameter(torch.empty(num_experts, 2 * intermediate, hidden))
        self.down = nn.Parameter(torch.empty(num_experts, hidden, intermediate))
        self.gate_up_scales: torch.Tensor | None = None
        self.down_scales: torch.Tensor | None = None

    @property
    def quantized(self) -> bool:
        return self.gate_up_scales is not None

    def set_quantized(self, gate_up_q: torch.Tensor, gate_up_scales: torch.Tensor,
                      down_q: torch.Tensor, down_scales: torch.Tensor) -> None:
        """Switch to int8 weight-only experts: q [E, N, K] int8, scales [E, N] (weight = q * scale)."""
        E, I2, H = self.gate_up.shape
        if H % 16 or (I2 // 2) % 16:
            # torch._weight_int8pack_mm segfaults when the reduction length K is not a multiple of 16
            raise ValueError(f"int8 experts need hidden ({H}) and intermediate ({I2 // 2}) divisible by 16 "
                             "(the int8 kernel's reduction length); keep these experts in floating point")
        if (gate_up_q.shape != (E, I2, H) or down_q.shape != (E, H, I2 // 2) or gate_up_q.dtype != torch.int8
                or down_q.dtype != torch.int8 or gate_up_scales.shape != (E, I2) or down_scales.shape != (E, H)):
            raise ValueError("set_quantized: int8 weights must keep the stacked shapes, scales one per output row")
        self.gate_up = nn.Parameter(gate_up_q.contiguous(), requires_grad=False)
        self.down = nn.Parameter(down_q.contiguous(), requires_grad=False)
        self.gate_up_scales, self.down_scales = gate_up_scales.contiguous(), down_scales.contiguous()

    def _mm(self, x: torch.Tensor, w: torch.Tensor, scales: torch.Tensor | None) -> torch.Tensor:
        if scales is None:
            if x.shape[0] == 1 and x.dtype == torch.bfloat16:    # decode: mv beats bf16 F.linear (layers.linear)
                return torch.mv(w, x[0])[None]
            return F.linear(x, w)
        # quant.int8_mm: the GEMV kernel for few rows, a bf16 GEMM on the dequantised weight
        # for many (prefill), where the GEMV's time grows linearly with the rows
        return _int8_mm()(x, w, scales)

    def expert(self, e: int, x: torch.Tensor) -> torch.Tensor:
        # x: [n, H] -> [n, H] through expert e
        gus = self.gate_up_scales[e] if self.gate_up_scales is not None else None
        ds = self.down_scales[e] if self.down_scales is not None else None
        gate, up = self._mm(x, self.gate_up[e], gus).chunk(2, dim=-1)
        return self._mm(F.silu(gate) * up, self.down[e], ds)

    def forward(self, x: torch.Tensor, inds: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        # x: [N, H], inds/weights: [N, k] -> [N, H]
        fused = kernels.moe_experts(self, x, inds, weights)
        if fused is not None:
            return fused
        if x.shape[0] == 1:
            return self._decode(x, inds, weights)
        return self._grouped(x, inds, weights)

    def _decode(self, x: torch.Tensor, inds: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        # one token: read exactly its k experts; sum with one [1,k] @ [k,H] matmul
        ys = torch.cat([self.expert(e, x) for e in inds[0].tolist()])        # [k, H]
        return weights.to(ys.dtype) @ ys                                       # [1, H]

    def _grouped(self, x: torch.Tensor, inds: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        # many tokens: sort (token, expert) pairs by expert, one matmul per expert that was hit
        N, k = inds.shape
        flat = inds.flatten()
        order = flat.argsort(stable=True)
        counts = torch.bincount(flat, minlength=self.num_experts).tolist()
        token_of = order // k
        xs = x[token_of]                                                       # [N*k, H] in expert order
        ys = torch.empty_like(xs)
        start = 0
        for e, n in enumerate(counts):
            if n:
                ys[start:start + n] = self.expert(e, xs[start:start + n])
                start += n
        ys = ys * weights.flatten()[order, None].to(ys.dtype)
        out = torch.zeros_like(x)
        return out.index_add_(0, token_of, ys)


class Router(nn.Module):
    """Router weight [E, H] (kept fp32 and out of reach of Linear quantisation), optional bias buffers."""

    def __init__(self, hidden: int, num_experts: int, correction_bias: bool = False) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(num_experts, hidden))
        if correction_bias:
            self.e_score_correction_bias = nn.Parameter(torch.zeros(num_experts))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # [N, H] -> [N, E] fp32 logits: routing decisions must not flip with the model dtype
        w = self.weight if self.weight.dtype == torch.float32 else self.weight.float()
        return F.linear(x if x.dtype == torch.float32 else x.float(), w)


class SparseMoe(nn.Module):
    """Router + routed experts (+ an optional shared expert, optionally sigmoid-gated).

    ``route(logits, router) -> (inds, weights)`` carries the architecture's routing rule
    (the router is passed for DeepSeek-V3's correction bias).
    """

    def __init__(self, hidden: int, intermediate: int, num_experts: int, route, *,
                 shared: nn.Module | None = None, shared_gate: bool = False,
                 correction_bias: bool = False) -> None:
        super().__init__()
        self.route = route
        self.gate = Router(hidden, num_experts, correction_bias)
        self.experts = Experts(num_experts, hidden, intermediate)
        self.shared_experts = shared
        # [1, H]: scales the shared expert by sigmoid(x . w) (Qwen2-MoE)
        self.shared_expert_gate = Router(hidden, 1) if shared_gate else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        x = x.reshape(-1, shape[-1])                                          # [N, H]
        inds, weights = self.route(self.gate(x), self.gate)
        y = self.experts(x, inds, weights)
        if self.shared_experts is not None:
            s = self.shared_experts(x)
            if self.shared_expert_gate is not None:
                s = torch.sigmoid(self.shared_expert_gate(x)).to(s.dtype) * s
            y = y + s
        return y.view(shape)
