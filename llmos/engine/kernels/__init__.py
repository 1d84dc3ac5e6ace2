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

from ..cache import KVCache
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
        return (f"cpp (int8: one call per attention block and per MoE block at decode, GEMV and expert "
                f"kernels; float weights: C++ expert loop; {torch.get_num_threads()} threads) + torch")
    return f"torch ({_why_not})"


# Our int8 GEMV also streams the big ones faster than torch's _weight_int8pack_mm: a
# 49155x1024 lm_head takes 0.95 ms against 1.53 ms on 2 threads. The cap only keeps
# absurd shapes on torch's path.
Q8_LINEAR_MAX = 1 << 30
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


def _one_cpu_token(x: torch.Tensor) -> bool:
    return x.shape[0] == 1 and x.shape[1] == 1 and x.device.type == "cpu" and x.dtype in (torch.float32,
                                                                                           torch.bfloat16)


def _plan(block: Any, name: str, make: Any) -> dict | None:
    """The fp32 copies a fused block kernel reads, made once per block and kept on it as
    ``name`` (False when the kernel does not run this block), or None without the extension.
    A model's weights are fixed once it decodes (quantisation happens at load)."""
    if _ensure() is None:
        return None
    plan = getattr(block, name, None)
    if plan is None:
        plan = make(block) or False
        setattr(block, name, plan)
    return plan or None


def attention_block(block: Any, x: torch.Tensor, rope: tuple[torch.Tensor, torch.Tensor],
                    cache: Any) -> torch.Tensor | None:
    """``x + mult * attention(norm(x))`` for one token in one C++ call, or None for the torch path.

    Taken when the block is the shared ``layers.Attention`` with int8 q|k|v and o, no clipping
    and no full-width q/k norm, and the cache is a single sequence's ``KVCache``; the cache's
    offset moves on as ``update_and_fetch`` would move it."""
    if (not _one_cpu_token(x) or type(cache) is not KVCache or cache.offset >= cache.max_len
            or cache.keys.shape[0] != 1):
        return None
    plan = _plan(block, "_q8_attention", _attention_plan)
    if plan is None:
        return None
    attn = block.self_attn
    out = _ext.attn_block_q8(x, plan["norm"], plan["eps"], attn.qkv_proj.weight, plan["qkv_s"], plan["qkv_b"],
                             plan["q_norm"], plan["k_norm"], plan["qk_eps"], rope[0], rope[1],
                             cache.keys[0], cache.values[0], cache.offset, attn.o_proj.weight, plan["o_s"],
                             plan["o_b"], attn.heads, attn.kv_heads, attn.scale, block.residual_multiplier)
    cache.offset += 1
    return out


def _attention_plan(block: Any) -> dict | None:
    """fp32 copies of what ``attn_block_q8`` reads, or None when the block is not one it runs."""
    from ..layers import Attention, RMSNorm
    from ..quant import Int8Linear

    attn = getattr(block, "self_attn", None)
    norm = getattr(block, "input_layernorm", None)
    if (type(attn) is not Attention or type(norm) is not RMSNorm or attn.clip_qkv is not None
            or attn.qk_norm not in (None, "head") or not isinstance(attn.qkv_proj, Int8Linear)
            or not isinstance(attn.o_proj, Int8Linear) or attn.qkv_proj.in_features % 32
            or attn.o_proj.in_features % 32 or attn.head_dim % 2):
        return None
    head_norms = attn.qk_norm == "head"
    return {
        "norm": _fp32(norm.weight.detach()), "eps": norm.eps,
        "qkv_s": _fp32(attn.qkv_proj.scales_f32), "o_s": _fp32(attn.o_proj.scales_f32),
        "qkv_b": _EMPTY if attn.qkv_proj.bias is None else _fp32(attn.qkv_proj.bias),
        "o_b": _EMPTY if attn.o_proj.bias is None else _fp32(attn.o_proj.bias),
        "q_norm": _fp32(attn.q_norm.weight.detach()) if head_norms else _EMPTY,
        "k_norm": _fp32(attn.k_norm.weight.detach()) if head_norms else _EMPTY,
        "qk_eps": attn.q_norm.eps if head_norms else 0.0,
    }


def moe_block(block: Any, x: torch.Tensor) -> torch.Tensor | None:
    """``x + mult * moe(norm(x))`` for one token in one C++ call, or None for the torch path.

    Taken for a ``SparseMoe`` with int8 experts, no shared expert, and softmax-top-k or
    top-k-softmax routing (``moe.SoftmaxTopK`` / ``moe.TopKSoftmax``)."""
    plan = _plan(block, "_q8_moe", _moe_plan) if _one_cpu_token(x) else None
    if plan is None:
        return None
    experts = block.mlp.experts
    return _ext.moe_block_q8(x, plan["norm"], plan["eps"], plan["router"], plan["k"], plan["mode"], plan["renorm"],
                             experts.gate_up, plan["gate_up_s"], experts.down, plan["down_s"],
                             block.residual_multiplier)


def _moe_plan(block: Any) -> dict | None:
    from ..layers import RMSNorm
    from ..moe import Experts, SoftmaxTopK, SparseMoe, TopKSoftmax

    moe = getattr(block, "mlp", None)
    norm = getattr(block, "post_attention_layernorm", None)
    if (type(moe) is not SparseMoe or type(norm) is not RMSNorm or moe.shared_experts is not None
            or type(moe.experts) is not Experts
            or type(moe.route) not in (SoftmaxTopK, TopKSoftmax) or not moe.experts.quantized
            or moe.experts.hidden % 32 or moe.experts.intermediate % 32
            or getattr(moe.gate, "e_score_correction_bias", None) is not None):
        return None
    route = moe.route
    return {"norm": _fp32(norm.weight.detach()), "eps": norm.eps, "router": _fp32(moe.gate.weight.detach()),
            "k": route.k, "mode": 0 if type(route) is SoftmaxTopK else 1,
            "renorm": bool(getattr(route, "renorm", False)),
            "gate_up_s": _fp32(moe.experts.gate_up_scales), "down_s": _fp32(moe.experts.down_scales)}


def decode_step(model: Any):
    """The callable generate() uses for one decode step: (ids [B, 1], cache) -> logits [B, 1, V]."""
    return lambda ids, cache: model(ids, cache)
