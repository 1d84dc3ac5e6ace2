"""Weight-only int8 / int4 quantisation for CPU decode.

Decode at batch 1 reads every weight once per token, so it is bound by memory
bandwidth; smaller weights are faster. Torch's CPU kernels reach the bandwidth
roofline only with **bf16 activations** (fp32 ones take a ~20x slower path), so these
modules compute in bf16 and cast back to the caller's dtype.

* ``Int8Linear``: symmetric per-output-channel int8, ``torch._weight_int8pack_mm``.
* ``Int4Linear``: asymmetric groups of 32..128 along K in tinygemm's format,
  ``w = (q - 8) * scale + zero`` with q in [0, 15], packed by
  ``torch._convert_weight_to_int4pack_for_cpu``, run by ``torch._weight_int4pack_mm_for_cpu``.
* ``QuantExperts``: stacked MoE experts in either format; drop-in for ``moe.Experts``.
* ``quantize_model(model, mode)``: swaps modules in place. Norms, embeddings and
  router gates (``moe.Router``, not an ``nn.Linear``) are never touched.

Kernel constraints found by probing torch 2.13: ``_weight_int8pack_mm`` **segfaults**
when K is not a multiple of 16, and the int4 packer needs N to be a multiple of 16
(we pad rows) and K a multiple of the group size. Layers that cannot meet these are
left in floating point.
"""

from __future__ import annotations

import threading
from typing import Iterable

import torch
import torch.nn.functional as F
from torch import nn

from . import kernels
from .moe import Experts

__all__ = ["Int8Linear", "Int4Linear", "QuantExperts", "quantize_model", "quantize_int8",
           "quantize_int4", "dequantize_int8", "dequantize_int4", "int8_mm"]

COMPUTE_DTYPE = torch.bfloat16
_INNER_K_TILES = 8          # tinygemm packing parameter; 8 is what torchao uses on CPU
# _weight_int8pack_mm is a GEMV per row: its time grows linearly with M (3.4 ms at M=128
# for a 2048x1024 weight, against 0.38 ms for bf16 F.linear). From this many rows on,
# int8_mm converts the weight to bf16 in a per-thread scratch buffer (exact: int8 fits in
# bf16) and runs the bf16 GEMM, scaling the output columns: ~0.65 ms there, same maths.
DEQUANT_MIN_ROWS = 16
_SCRATCH_MAX = 32 * 1024 * 1024       # elements (64 MiB of bf16); bigger weights stay on the GEMV
_scratch = threading.local()


# ---------------------------------------------------------------- plain tensor functions

def quantize_int8(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """w [..., N, K] -> (q int8 [..., N, K], scales [..., N]); w ≈ q * scale.

    The scales are rounded to bf16 (the kernel's dtype) *before* rounding q, so the
    stored scale is the one q was fitted to: no per-row gain error.
    """
    w = w.float()
    scales = (w.abs().amax(dim=-1) / 127).clamp(min=1e-12).to(COMPUTE_DTYPE).float()
    q = (w / scales[..., None]).round().clamp(-127, 127).to(torch.int8)
    return q, scales


def dequantize_int8(q: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
    return q.float() * scales.float()[..., None]


# Range shrink factors tried per group: clipping the extremes a little often lowers the
# group's total error, because the step shrinks for every other weight (cf. llama.cpp's
# make_qkx search). 1.0 first so ties keep plain min/max.
_INT4_CLIPS = (1.0, 0.95, 0.9, 0.85, 0.8)


def quantize_int4(w: torch.Tensor, group_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """w [N, K] -> (q int32 [N, K] in 0..15, scale_zeros [K/G, N, 2]).

    Asymmetric groups: w ≈ (q - 8) * s + z (tinygemm's convention, z the value at q = 8).
    Per group, the min/max range is shrunk by the factor in ``_INT4_CLIPS`` with the least
    squared error; s and z are rounded to bf16 before q is fitted to them.
    """
    N, K = w.shape
    g = w.float().reshape(N, K // group_size, group_size)
    lo, hi = g.amin(dim=-1, keepdim=True), g.amax(dim=-1, keepdim=True)
    best_err = best_q = best_s = best_z = None
    for r in _INT4_CLIPS:
        s = ((hi - lo) * r / 15).clamp(min=1e-12).to(COMPUTE_DTYPE).float()
        z = ((hi + lo) / 2 + s / 2).to(COMPUTE_DTYPE).float()      # centre of the range sits at q = 7.5
        q = ((g - z) / s + 8).round().clamp(0, 15)
        err = ((q - 8) * s + z - g).square().sum(dim=-1, keepdim=True)
        if best_err is None:
            best_err, best_q, best_s, best_z = err, q, s, z
            continue
        better = err < best_err
        best_err = torch.where(better, err, best_err)
        best_q = torch.where(better, q, best_q)
        best_s, best_z = torch.where(better, s, best_s), torch.where(better, z, best_z)
    scale_zeros = torch.cat([best_s, best_z], dim=-1).transpose(0, 1).contiguous()   # [K/G, N, 2]
    return best_q.to(torch.int32).reshape(N, K), scale_zeros


def dequantize_int4(q: torch.Tensor, scale_zeros: torch.Tensor, group_size: int) -> torch.Tensor:
    N, K = q.shape
    sz = scale_zeros.float().transpose(0, 1)                                   # [N, K/G, 2]
    g = q.float().reshape(N, K // group_size, group_size)
    return ((g - 8) * sz[..., :1] + sz[..., 1:]).reshape(N, K)


def int8_mm(x: torch.Tensor, q: torch.Tensor, scales: torch.Tensor,
            scales_f32: torch.Tensor | None = None) -> torch.Tensor:
    """x [M, K] bf16 @ (q [N, K] int8 * scales [N]).T -> [M, N] in x's dtype (weight-only).

    A few rows go to the C++ int8 GEMV when it is built (``scales_f32``: the scales in fp32,
    if the caller keeps them)."""
    N, K = q.shape
    if K % 16:      # the kernel would segfault
        raise ValueError(f"int8_mm needs the reduction length K divisible by 16, got {K}")
    if x.shape[0] < DEQUANT_MIN_ROWS or N * K > _SCRATCH_MAX:
        fast = kernels.q8_linear(x, q, scales if scales_f32 is None else scales_f32)
        if fast is not None:
            return fast
        return torch._weight_int8pack_mm(x, q, scales if scales.dtype == x.dtype else scales.to(x.dtype))
    buf = getattr(_scratch, "buf", None)
    if buf is None or buf.numel() < N * K:
        buf = _scratch.buf = torch.empty(N * K, dtype=COMPUTE_DTYPE)
    w = buf[:N * K].view(N, K).copy_(q)
    return F.linear(x.to(COMPUTE_DTYPE), w).mul_(scales.to(COMPUTE_DTYPE)).to(x.dtype)


def int8_ok(k: int) -> bool:
    return k % 16 == 0


def int4_group(k: int, group_size: int) -> int | None:
    """The group size to use for reduction length k: the requested one, else 32, else None."""
    for g in (group_size, 32):
        if g >= 32 and k % g == 0:
            return g
    return None


def _pack_int4(w: torch.Tensor, group_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    # pad N to a multiple of 16 with zero rows (the CPU packer requires it); callers slice
    N = w.shape[0]
    pad = -N % 16
    if pad:
        w = torch.cat([w.float(), w.new_zeros(pad, w.shape[1], dtype=torch.float32)])
    q, sz = quantize_int4(w, group_size)
    packed = torch._convert_weight_to_int4pack_for_cpu(q, _INNER_K_TILES)
    return packed, sz.to(COMPUTE_DTYPE)


# ---------------------------------------------------------------- linear layers

class Int8Linear(nn.Module):
    """y = x @ (q * scale).T + b with q int8 [N, K], per-output-channel scales."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None = None) -> None:
        super().__init__()
        N, K = weight.shape
        if not int8_ok(K):
            raise ValueError(f"Int8Linear needs in_features divisible by 16, got {K}")
        self.in_features, self.out_features = K, N
        q, scales = quantize_int8(weight)
        self.register_buffer("weight", q)
        self.register_buffer("scales", scales.to(COMPUTE_DTYPE))
        self.register_buffer("scales_f32", scales.float(), persistent=False)   # for the C++ GEMV
        self.register_buffer("bias", None if bias is None else bias.detach().to(COMPUTE_DTYPE))

    @classmethod
    def from_linear(cls, linear: nn.Linear) -> "Int8Linear":
        return cls(linear.weight.detach(), linear.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # dtype casts only when needed: each dispatched no-op costs ~1 us per layer at decode
        shape, dtype = x.shape, x.dtype
        x = x.reshape(-1, shape[-1])
        y = int8_mm(x if dtype == COMPUTE_DTYPE else x.to(COMPUTE_DTYPE), self.weight, self.scales, self.scales_f32)
        if self.bias is not None:
            y = y + self.bias
        y = y.view(*shape[:-1], self.out_features)
        return y if dtype == COMPUTE_DTYPE else y.to(dtype)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, int8"


class Int4Linear(nn.Module):
    """y = x @ W.T + b with W in grouped int4 (tinygemm layout)."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None = None, group_size: int = 128) -> None:
        super().__init__()
        N, K = weight.shape
        if K % group_size or group_size < 32:
            raise ValueError(f"Int4Linear needs in_features ({K}) divisible by group_size ({group_size} >= 32)")
        self.in_features, self.out_features, self.group_size = K, N, group_size
        packed, sz = _pack_int4(weight, group_size)
        self.register_buffer("weight", packed)
        self.register_buffer("scale_zeros", sz)
        self.register_buffer("bias", None if bias is None else bias.detach().to(COMPUTE_DTYPE))

    @classmethod
    def from_linear(cls, linear: nn.Linear, group_size: int = 128) -> "Int4Linear":
        return cls(linear.weight.detach(), linear.bias, group_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape, dtype = x.shape, x.dtype
        y = torch._weight_int4pack_mm_for_cpu(x.reshape(-1, shape[-1]).to(COMPUTE_DTYPE), self.weight,
                                              self.group_size, self.scale_zeros)
        if y.shape[-1] != self.out_features:           # drop the padding rows
            y = y[:, :self.out_features]
        if self.bias is not None:
            y = y + self.bias
        return y.reshape(*shape[:-1], self.out_features).to(dtype)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"int4 group_size={self.group_size}")


# ---------------------------------------------------------------- experts

class QuantExperts(nn.Module):
    """Stacked SwiGLU experts in int8 or int4; a drop-in for ``moe.Experts``.

    Contract (the same as ``moe.Experts``):
      * ``forward(x [N, H], inds [N, k] long, weights [N, k]) -> [N, H]`` in x's dtype;
      * ``gate_up(e, x [n, H]) -> [n, 2I]`` (gate half first), ``down(e, h [n, I]) -> [n, H]``
        and ``expert(e, x) -> [n, H]`` run one expert, reading only that expert's weights.
    Per-expert weights are slices of stacked buffers ``[E, ...]``, so ``e`` indexes
    without copying. Activations are computed in bf16.
    """

    def __init__(self, gate_up: torch.Tensor, down: torch.Tensor, mode: str, group_size: int = 128) -> None:
        super().__init__()
        E, I2, H = gate_up.shape
        self.num_experts, self.hidden, self.intermediate = E, H, I2 // 2
        self.mode = mode
        if mode == "int8":
            if not (int8_ok(H) and int8_ok(I2 // 2)):
                raise ValueError(f"int8 experts need hidden ({H}) and intermediate ({I2 // 2}) divisible by 16")
            gu_q, gu_s = quantize_int8(gate_up)
            d_q, d_s = quantize_int8(down)
            self.group_size = self.down_group_size = 0
        elif mode == "int4":
            g_h, g_i = int4_group(H, group_size), int4_group(I2 // 2, group_size)
            if g_h is None or g_i is None:
                raise ValueError(f"int4 experts need hidden ({H}) and intermediate ({I2 // 2}) divisible "
                                 f"by the group size {group_size} (or 32)")
            # gate_up reduces over H, down over I: each gets the largest group that fits
            self.group_size, self.down_group_size = g_h, g_i
            gu = [_pack_int4(w, g_h) for w in gate_up]
            dn = [_pack_int4(w, g_i) for w in down]
            gu_q, gu_s = torch.stack([p for p, _ in gu]), torch.stack([s for _, s in gu])
            d_q, d_s = torch.stack([p for p, _ in dn]), torch.stack([s for _, s in dn])
        else:
            raise ValueError(f"mode must be 'int8' or 'int4', got {mode!r}")
        self.register_buffer("gate_up_q", gu_q)
        self.register_buffer("gate_up_s", gu_s.to(COMPUTE_DTYPE))
        self.register_buffer("down_q", d_q)
        self.register_buffer("down_s", d_s.to(COMPUTE_DTYPE))

    @classmethod
    def from_experts(cls, experts: Experts, mode: str, group_size: int = 128) -> "QuantExperts":
        return cls(experts.gate_up.detach(), experts.down.detach(), mode, group_size)

    def _mm(self, x: torch.Tensor, q: torch.Tensor, s: torch.Tensor, group: int) -> torch.Tensor:
        if self.mode == "int8":
            return int8_mm(x, q, s)
        return torch._weight_int4pack_mm_for_cpu(x, q, group, s)

    def gate_up(self, e: int, x: torch.Tensor) -> torch.Tensor:
        return self._mm(x, self.gate_up_q[e], self.gate_up_s[e], self.group_size)

    def down(self, e: int, h: torch.Tensor) -> torch.Tensor:
        return self._mm(h, self.down_q[e], self.down_s[e], self.down_group_size)

    def expert(self, e: int, x: torch.Tensor) -> torch.Tensor:
        gate, up = self.gate_up(e, x).chunk(2, dim=-1)
        return self.down(e, F.silu(gate) * up)

    # the dispatch loops only call self.expert / self.num_experts: share moe.Experts' own
    _decode = Experts._decode
    _grouped = Experts._grouped

    def forward(self, x: torch.Tensor, inds: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        x = x.to(COMPUTE_DTYPE)
        y = self._decode(x, inds, weights) if x.shape[0] == 1 else self._grouped(x, inds, weights)
        return y.to(dtype)

    def extra_repr(self) -> str:
        return (f"num_experts={self.num_experts}, hidden={self.hidden}, intermediate={self.intermediate}, "
                f"{self.mode}" + (f" group_size={self.group_size}/{self.down_group_size}" if self.mode == "int4" else ""))


# ---------------------------------------------------------------- whole models

def quantize_model(model: nn.Module, mode: str, group_size: int = 128,
                   skip: Iterable[str] = ()) -> nn.Module:
    """Swap every ``nn.Linear`` and ``moe.Experts`` in ``model`` for its int8/int4 form, in place.

    Embeddings, norms and router gates are not ``nn.Linear`` and stay as they are; so
    does any module whose qualified name starts with an entry of ``skip``, and any
    layer whose shape the kernels cannot take. int8 experts use ``Experts.set_quantized``
    (so fused kernels still see an ``Experts``); int4 experts become ``QuantExperts``.
    Returns the model. For speed, give it bf16 weights: the float layers that remain
    then also run in bf16.
    """
    if mode not in ("int8", "int4"):
        raise ValueError(f"quantize_model: mode must be 'int8' or 'int4', got {mode!r}")
    skip = tuple(skip)
    targets = [(name, m) for name, m in model.named_modules()
               if isinstance(m, (nn.Linear, Experts)) and not (skip and name.startswith(skip))]
    for name, m in targets:
        new = _quantized(m, mode, group_size)
        if new is None or new is m:                    # unsupported shape, or quantised in place
            continue
        parent, _, attr = name.rpartition(".")
        setattr(model.get_submodule(parent) if parent else model, attr, new)
    return model


def _quantized(m: nn.Module, mode: str, group_size: int) -> nn.Module | None:
    if isinstance(m, Experts):
        if m.quantized:
            return None
        if mode == "int8":
            if not (int8_ok(m.hidden) and int8_ok(m.intermediate)):
                return None
            gu_q, gu_s = quantize_int8(m.gate_up.detach())
            d_q, d_s = quantize_int8(m.down.detach())
            m.set_quantized(gu_q, gu_s.to(COMPUTE_DTYPE), d_q, d_s.to(COMPUTE_DTYPE))
            return m
        try:
            return QuantExperts.from_experts(m, "int4", group_size)
        except ValueError:
            return None
    K = m.in_features
    if mode == "int8":
        return Int8Linear.from_linear(m) if int8_ok(K) else None
    g = int4_group(K, group_size)
    return Int4Linear.from_linear(m, g) if g else None
