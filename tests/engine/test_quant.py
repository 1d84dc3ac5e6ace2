"""Weight-only int8/int4: op-level error, expert dispatch, and whole-model agreement with fp32."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import llmos.engine as engine
from llmos.engine.moe import Experts, Router
from llmos.engine.quant import (Int4Linear, Int8Linear, QuantExperts, dequantize_int4, dequantize_int8,
                                quantize_int4, quantize_int8, quantize_model)

from .conftest import ARCHS

GEN = torch.Generator().manual_seed(3)
PROMPTS = torch.randint(3, 320, (8, 160), generator=torch.Generator().manual_seed(11))


def rel(a: torch.Tensor, b: torch.Tensor) -> float:
    return ((a.float() - b.float()).norm() / b.float().norm()).item()


# ---------------------------------------------------------------- tensors and linears

def test_int8_and_int4_round_trip_error() -> None:
    w = torch.randn(256, 512, generator=GEN)
    assert rel(dequantize_int8(*quantize_int8(w)), w) < 0.01
    for g, bound in ((32, 0.09), (128, 0.11)):       # gaussian weights: ~8% / ~10% RMS
        q, sz = quantize_int4(w, g)
        assert q.min() >= 0 and q.max() <= 15 and sz.shape == (512 // g, 256, 2)
        assert rel(dequantize_int4(q, sz, g), w) < bound


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("kind", ["int8", "int4-32", "int4-128"])
def test_quantised_linear_matches_its_dequantised_weights(kind: str, bias: bool) -> None:
    lin = nn.Linear(256, 100, bias=bias)              # 100 rows: int4 pads to 112 and slices
    x = torch.randn(3, 5, 256, generator=GEN)
    if kind == "int8":
        q = Int8Linear.from_linear(lin)
        w = dequantize_int8(*quantize_int8(lin.weight.detach()))
        bound = 0.01
    else:
        g = int(kind.split("-")[1])
        q = Int4Linear.from_linear(lin, g)
        w = dequantize_int4(*quantize_int4(lin.weight.detach(), g), g)
        bound = 0.12
    y = q(x)
    assert y.shape == (3, 5, 100) and y.dtype == torch.float32
    # against its own dequantised weights only bf16 activation rounding remains
    assert rel(y, F.linear(x, w, lin.bias)) < 0.01
    assert rel(y, lin(x)) < bound


def test_shapes_the_kernels_cannot_take_are_refused() -> None:
    # _weight_int8pack_mm segfaults on K % 16 != 0: the module must refuse first
    with pytest.raises(ValueError, match="divisible by 16"):
        Int8Linear(torch.randn(8, 24))
    with pytest.raises(ValueError, match="group_size"):
        Int4Linear(torch.randn(16, 48), group_size=32)


def test_int8_experts_and_mm_refuse_k_not_multiple_of_16() -> None:
    # torch._weight_int8pack_mm segfaults when K % 16 != 0: refuse with a clear error instead
    from llmos.engine.quant import int8_mm
    for H, I in ((24, 32), (32, 24)):
        ex = Experts(4, H, I)
        q_gu, s_gu = quantize_int8(torch.randn(4, 2 * I, H))
        q_d, s_d = quantize_int8(torch.randn(4, H, I))
        with pytest.raises(ValueError, match="divisible by 16"):
            ex.set_quantized(q_gu, s_gu.bfloat16(), q_d, s_d.bfloat16())
        assert not ex.quantized
    q, s = quantize_int8(torch.randn(8, 24))
    for M in (1, 32):               # the GEMV and the many-rows paths
        with pytest.raises(ValueError, match="divisible by 16"):
            int8_mm(torch.randn(M, 24, dtype=torch.bfloat16), q, s.bfloat16())


# ---------------------------------------------------------------- experts

def float_experts(E: int = 8, H: int = 64, I: int = 32) -> Experts:
    ex = Experts(E, H, I)
    with torch.no_grad():
        ex.gate_up.copy_(torch.randn(E, 2 * I, H, generator=GEN) * 0.1)
        ex.down.copy_(torch.randn(E, H, I, generator=GEN) * 0.1)
    return ex


# int4: two 4-bit matmuls in series through SwiGLU on random weights, ~0.2 measured;
# int8: ~0.01 with bf16 activations, ~0.02 when the C++ kernel also quantises them (Q8_0-style)
@pytest.mark.parametrize("mode, bound", [("int8", 0.03), ("int4", 0.3)])
@pytest.mark.parametrize("tokens", [1, 9])
def test_quant_experts_match_float_experts(mode: str, bound: float, tokens: int) -> None:
    ex = float_experts()
    qe = QuantExperts.from_experts(ex, mode, group_size=32)
    x = torch.randn(tokens, 64, generator=GEN)
    inds = torch.stack([torch.randperm(8, generator=GEN)[:2] for _ in range(tokens)])
    weights = torch.rand(tokens, 2, generator=GEN)
    y = qe(x, inds, weights)
    assert y.shape == (tokens, 64) and y.dtype == torch.float32
    assert rel(y, ex(x, inds, weights)) < bound
    # one expert at a time, reading only its slice of the stacked buffers
    assert qe.gate_up(3, x.bfloat16()).shape == (tokens, 64)
    assert rel(qe.expert(3, x.bfloat16()), ex.expert(3, x)) < bound


def test_int8_stacked_experts_take_int8_mm_many_rows_path(monkeypatch) -> None:
    # Experts.set_quantized experts run through quant.int8_mm, whose prefill path (>= 16 rows
    # per expert) dequantises into a bf16 GEMM; the result matches the GEMV path
    import llmos.engine.quant as quant
    ex = float_experts(E=4)
    gu_q, gu_s = quantize_int8(ex.gate_up.detach())
    d_q, d_s = quantize_int8(ex.down.detach())
    ex.set_quantized(gu_q, gu_s.bfloat16(), d_q, d_s.bfloat16())
    x = torch.randn(64, 64, generator=GEN).bfloat16()
    inds = torch.stack([torch.randperm(4, generator=GEN)[:2] for _ in range(64)])
    weights = torch.rand(64, 2, generator=GEN)
    rows = []
    real = quant.int8_mm
    monkeypatch.setattr(quant, "int8_mm", lambda x, q, s: rows.append(x.shape[0]) or real(x, q, s))
    import llmos.engine.moe as moe
    monkeypatch.setattr(moe, "_int8_mm_fn", None)
    y = ex(x, inds, weights)
    assert rows and min(rows) >= quant.DEQUANT_MIN_ROWS
    per_token = torch.cat([ex._decode(x[i:i + 1], inds[i:i + 1], weights[i:i + 1]) for i in range(64)])
    # one row at a time may take the C++ GEMV, which also quantises the activation (~1% apart)
    assert rel(y, per_token) < 0.02


def test_quantize_model_swaps_linears_and_experts_only(tiny_checkpoint) -> None:
    model = engine.load(tiny_checkpoint("qwen2_moe"), dtype="bf16")
    embed = model.model.embed_tokens.weight
    quantize_model(model, "int4", group_size=32)
    # only layers the kernels cannot take stay float (the shared expert's down_proj, K=48)
    assert all(m.in_features % 32 for m in model.modules() if type(m) is nn.Linear)
    assert any(isinstance(m, Int4Linear) for m in model.modules())
    assert any(isinstance(m, QuantExperts) for m in model.modules())
    routers = [m for m in model.modules() if isinstance(m, Router)]
    assert routers and all(r.weight.dtype == torch.float32 for r in routers)
    assert model.model.embed_tokens.weight is embed
    model = engine.load(tiny_checkpoint("qwen2_moe"), quant="int8")
    experts = [m for m in model.modules() if isinstance(m, Experts)]
    assert experts and all(e.quantized and e.gate_up.dtype == torch.int8 for e in experts)
    assert any(isinstance(m, Int8Linear) for m in model.modules())


def test_skip_leaves_named_modules_alone(tiny_checkpoint) -> None:
    model = engine.load(tiny_checkpoint("llama"), dtype="bf16")
    quantize_model(model, "int8", skip=["lm_head"])
    assert type(model.lm_head) is nn.Linear


# ---------------------------------------------------------------- whole models against fp32

def agreement(model, ref_model, margin: float) -> tuple[float, float, int]:
    """(agreement where fp32's top-2 margin > margin * logit std, overall agreement, #such positions)."""
    ref = ref_model.logits(PROMPTS)                                     # 1280 positions
    same = model.logits(PROMPTS).float().argmax(-1) == ref.argmax(-1)
    top2 = ref.topk(2, dim=-1).values
    decisive = (top2[..., 0] - top2[..., 1]) > margin * ref.std()
    return same[decisive].float().mean().item(), same.float().mean().item(), int(decisive.sum())


@pytest.mark.parametrize("arch", ARCHS)
def test_int8_top1_agreement(tiny_checkpoint, arch: str) -> None:
    # Random tiny models sit on near-ties that bf16 activations alone flip (see test_parity),
    # so the 99% gate counts positions where fp32 has a clear winner. int8 weights on top of
    # bf16 activations about double the logit noise of bf16 alone (relative error 0.01-0.05
    # vs 0.005-0.03), so the margin is doubled too: 0.2 logit std, not test_parity's 0.1.
    # Measured (decisive at 0.1 / 0.2 std): 0.987-1.000 / 0.993-1.000 over ten architectures.
    d = tiny_checkpoint(arch)
    decisive, overall, n = agreement(engine.load(d, quant="int8"), engine.load(d, dtype="fp32"), 0.2)
    assert n >= 256
    assert decisive >= 0.99, f"{arch}: decisive {decisive:.4f}"
    assert overall >= 0.95, f"{arch}: overall {overall:.4f}"


@pytest.mark.parametrize("arch", ARCHS)
def test_int4_top1_agreement(tiny_checkpoint, arch: str) -> None:
    # Honest lower bar: 4-bit groups on *gaussian random* weights lose 7.6% (group 32) of each
    # weight (RMS) and nothing in a random network attenuates it, so even decisive positions
    # flip; real checkpoints fare far better. Measured, group 32, decisive at 0.2 std / overall:
    # 0.74/0.70 (deepseek_v3) to 0.98/0.95 (granitemoe), most near 0.82/0.76.
    d = tiny_checkpoint(arch)
    decisive, overall, n = agreement(engine.load(d, quant="int4", group_size=32), engine.load(d, dtype="fp32"), 0.2)
    assert n >= 256
    assert decisive >= 0.70, f"{arch}: decisive {decisive:.4f}"
    assert overall >= 0.65, f"{arch}: overall {overall:.4f}"
