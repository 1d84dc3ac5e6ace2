"""Layers shared by every architecture: norm, RoPE, attention, MLP, block and the causal LM shell.

A model file builds its blocks from these and keeps only what is unique to it.
Dense projections are plain ``nn.Linear`` (fused q|k|v and gate|up), so weight-only
quantisation can swap them from outside without the model noticing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Iterator

import torch
import torch.nn.functional as F
from torch import nn

from . import kernels
from .cache import KVCache, causal_mask


def linear(layer: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``layer(x)``, but one row of bf16 through a plain ``nn.Linear`` runs as ``torch.mv``.

    At decode (one token) bf16 ``F.linear`` goes through a oneDNN GEMM with a fixed cost of
    ~30 us per call and no better throughput: measured here at 1 thread, a 1024x1024 weight
    takes 159 us against 111 us for ``mv``, the 49155x1024 lm_head 9.6 ms against 5.6 ms,
    which is why bf16 decoded slower than fp32. ``mv`` accumulates in fp32 and rounds once,
    like the GEMM (identical error against an fp32 reference). Other modules (int8/int4
    linears) and other shapes call the layer as usual.
    """
    if type(layer) is nn.Linear and x.dtype == torch.bfloat16 and x.numel() == x.shape[-1]:
        w, b = layer.weight, layer.bias
        y = torch.mv(w, x.view(-1)) if b is None else torch.addmv(b, w, x.view(-1))
        return y.view(*x.shape[:-1], w.shape[0])
    return layer(x)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dtype == torch.float32:
            return F.rms_norm(x, (x.shape[-1],), self.weight, self.eps)
        # low precision: normalise in fp32 like the reference, then scale in the model dtype
        y = F.rms_norm(x.float(), (x.shape[-1],), None, self.eps).to(x.dtype)
        return y * self.weight


# ---------------------------------------------------------------- RoPE

def rope_inv_freq(dim: int, params: dict[str, Any], max_positions: int) -> tuple[torch.Tensor, float]:
    """Inverse frequencies [dim/2] and the cos/sin scale for default, linear, llama3 and yarn RoPE."""
    base = float(params.get("rope_theta", 10000.0))
    kind = params.get("rope_type") or params.get("type") or "default"
    inv = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    if kind == "default":
        return inv, 1.0
    factor = float(params["factor"])
    if kind == "linear":
        return inv / factor, 1.0
    if kind == "llama3":
        low, high = float(params["low_freq_factor"]), float(params["high_freq_factor"])
        old = float(params["original_max_position_embeddings"])
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > old / low, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        mid = (1 - smooth) * scaled / factor + smooth * scaled
        is_mid = (wavelen >= old / high) & (wavelen <= old / low)
        return torch.where(is_mid, mid, scaled), 1.0
    if kind == "yarn":
        def mscale(scale: float, m: float = 1.0) -> float:
            return 1.0 if scale <= 1 else 0.1 * m * math.log(scale) + 1.0
        orig = float(params.get("original_max_position_embeddings") or max_positions)
        attn = params.get("attention_factor")
        if attn is None:
            m, m_all = params.get("mscale"), params.get("mscale_all_dim")
            attn = mscale(factor, m) / mscale(factor, m_all) if m and m_all else mscale(factor)
        fast, slow = params.get("beta_fast") or 32, params.get("beta_slow") or 1

        def corr(rot: float) -> float:
            return dim * math.log(orig / (rot * 2 * math.pi)) / (2 * math.log(base))
        lo, hi = corr(fast), corr(slow)
        if params.get("truncate", True):
            lo, hi = math.floor(lo), math.ceil(hi)
        lo, hi = max(lo, 0), min(hi, dim - 1)
        ramp = ((torch.arange(dim // 2, dtype=torch.float32) - lo) / ((hi - lo) or 0.001)).clamp(0, 1)
        extra = 1 - ramp  # 1 where high frequencies keep their original (extrapolated) value
        return (inv / factor) * (1 - extra) + inv * extra, float(attn)
    raise ValueError(f"unsupported rope_type {kind!r}")


def yarn_softmax_scale(params: dict[str, Any], scale: float) -> float:
    # DeepSeek multiplies the softmax scale by mscale(factor, mscale_all_dim)^2 under yarn
    if (params.get("rope_type") or params.get("type")) in (None, "default"):
        return scale
    m_all = params.get("mscale_all_dim") or 0
    factor = float(params.get("factor", 1.0))
    if m_all and factor > 1:
        m = 0.1 * m_all * math.log(factor) + 1.0
        scale = scale * m * m
    return scale


class Rope(nn.Module):
    """cos/sin tables [B|1, T, dim] for given positions, in fp32."""

    def __init__(self, dim: int, params: dict[str, Any], max_positions: int) -> None:
        super().__init__()
        self.dim, self.params, self.max_positions = dim, params, max_positions
        inv, self.scale = rope_inv_freq(dim, params, max_positions)
        self.register_buffer("inv_freq", inv, persistent=False)

    def reset(self) -> None:
        # recompute on the CPU after the model was built on the meta device
        with torch.device("cpu"):
            self.inv_freq = rope_inv_freq(self.dim, self.params, self.max_positions)[0]

    def forward(self, positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        freqs = positions[..., None].float() * self.inv_freq        # [B|1, T, dim/2]
        emb = torch.cat((freqs, freqs), dim=-1)                      # [B|1, T, dim]
        if self.scale == 1.0:
            return emb.cos(), emb.sin()
        return emb.cos() * self.scale, emb.sin() * self.scale


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, interleaved: bool = False,
               heads_first: bool = True) -> torch.Tensor:
    # x: [B, h, T, d] (or [B, T, h, d] with heads_first=False); cos/sin: [B|1, T, d]
    if cos.dtype != x.dtype:        # CausalLM.forward already converts them once per step
        cos, sin = cos.to(x.dtype), sin.to(x.dtype)
    cos, sin = (cos[:, None], sin[:, None]) if heads_first else (cos[:, :, None], sin[:, :, None])
    if interleaved:
        # pairs (x0,x1),(x2,x3)... rotate together; the output is de-interleaved, which leaves
        # every q.k product unchanged because q and k get the same permutation
        half = x.shape[-1] // 2
        c, s = cos[..., :half], sin[..., :half]
        x1, x2 = x[..., 0::2], x[..., 1::2]
        return torch.cat((x1 * c - x2 * s, x2 * c + x1 * s), dim=-1)
    x1, x2 = x.chunk(2, dim=-1)
    return x * cos + torch.cat((-x2, x1), dim=-1) * sin


def positions_for(offset: int | torch.Tensor, T: int, device: torch.device) -> torch.Tensor:
    # [1, T] for a shared offset, [B, T] for per-row offsets
    steps = torch.arange(T, device=device)
    if isinstance(offset, torch.Tensor):
        return offset[:, None] + steps
    return (steps + offset)[None]


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None,
              scale: float, causal: bool) -> torch.Tensor:
    # q: [B, h, T, d], k/v: [B, kv, S, d]; returns [B, T, h*dv]
    gqa = q.shape[1] != k.shape[1]
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal and mask is None,
                                         scale=scale, enable_gqa=gqa)
    return out.transpose(1, 2).flatten(2)


class Attention(nn.Module):
    """Grouped-query attention with fused q|k|v, optional q/k RMSNorm (per head or full width) and clipping."""

    def __init__(self, hidden: int, heads: int, kv_heads: int, head_dim: int, *, qkv_bias: bool = False,
                 o_bias: bool = False, qk_norm: str | None = None, eps: float = 1e-6,
                 scale: float | None = None, clip_qkv: float | None = None) -> None:
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, head_dim
        self.scale = scale if scale is not None else head_dim ** -0.5
        self.qk_norm, self.clip_qkv = qk_norm, clip_qkv
        self.qkv_proj = nn.Linear(hidden, (heads + 2 * kv_heads) * head_dim, bias=qkv_bias)
        self.o_proj = nn.Linear(heads * head_dim, hidden, bias=o_bias)
        if qk_norm == "head":
            self.q_norm, self.k_norm = RMSNorm(head_dim, eps), RMSNorm(head_dim, eps)
        elif qk_norm == "full":
            self.q_norm, self.k_norm = RMSNorm(heads * head_dim, eps), RMSNorm(kv_heads * head_dim, eps)

    def cache_dims(self) -> tuple[int, int, int]:
        return self.kv_heads, self.head_dim, self.head_dim

    def forward(self, x: torch.Tensor, rope: tuple[torch.Tensor, torch.Tensor], mask: torch.Tensor | None,
                cache: KVCache | None) -> torch.Tensor:
        # few dispatched ops: at decode every one costs microseconds of Python per layer
        B, T, _ = x.shape
        h, kv, d = self.heads, self.kv_heads, self.head_dim
        qkv = linear(self.qkv_proj, x)
        if self.qk_norm == "full":                 # OLMoE: norm over the whole projection (before clipping)
            q, k, v = qkv.split([h * d, kv * d, kv * d], dim=-1)
            qkv = torch.cat([self.q_norm(q), self.k_norm(k), v], dim=-1)
        if self.clip_qkv is not None:
            qkv = qkv.clamp(-self.clip_qkv, self.clip_qkv)
        qkv = qkv.view(B, T, h + 2 * kv, d)
        if self.qk_norm == "head":                 # Qwen3: norm per head
            q, k, v = qkv.split([h, kv, kv], dim=2)
            qk = torch.cat([self.q_norm(q), self.k_norm(k)], dim=2)
        else:
            qk, v = qkv.split([h + kv, kv], dim=2)
        cos, sin = rope
        q, k = apply_rope(qk, cos, sin, heads_first=False).split([h, kv], dim=2)   # q and k in one go
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)        # [B, heads, T, d]
        if cache is not None:
            k, v = cache.update_and_fetch(k, v)
        return linear(self.o_proj, attention(q, k, v, mask, self.scale, causal=cache is None))


class MLP(nn.Module):
    """SwiGLU with gate and up fused into one projection (gate half first)."""

    def __init__(self, hidden: int, intermediate: int, bias: bool = False) -> None:
        super().__init__()
        self.gate_up_proj = nn.Linear(hidden, 2 * intermediate, bias=bias)
        self.down_proj = nn.Linear(intermediate, hidden, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate, up = linear(self.gate_up_proj, x).chunk(2, dim=-1)
        return linear(self.down_proj, F.silu(gate) * up)


class Block(nn.Module):
    """Pre-norm decoder block; Granite scales each branch by residual_multiplier."""

    def __init__(self, attn: nn.Module, mlp: nn.Module, hidden: int, eps: float,
                 residual_multiplier: float = 1.0) -> None:
        super().__init__()
        self.self_attn, self.mlp = attn, mlp
        self.input_layernorm = RMSNorm(hidden, eps)
        self.post_attention_layernorm = RMSNorm(hidden, eps)
        self.residual_multiplier = residual_multiplier

    def forward(self, x: torch.Tensor, rope: tuple[torch.Tensor, torch.Tensor], mask: torch.Tensor | None,
                cache: KVCache | None) -> torch.Tensor:
        # torch.add(alpha=): one op for Granite's scaled residual
        fused = kernels.attention_block(self, x, rope, cache)   # one token, int8: one C++ call
        if fused is None:
            h = self.self_attn(self.input_layernorm(x), rope, mask, cache)
            x = torch.add(x, h, alpha=self.residual_multiplier)
        else:
            x = fused
        fused = kernels.moe_block(self, x)                     # one token, int8 experts: one C++ call
        if fused is not None:
            return fused
        h = self.mlp(self.post_attention_layernorm(x))
        return torch.add(x, h, alpha=self.residual_multiplier)


class Decoder(nn.Module):
    def __init__(self, vocab: int, hidden: int, blocks: list[nn.Module], eps: float) -> None:
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, hidden)
        self.layers = nn.ModuleList(blocks)
        self.norm = RMSNorm(hidden, eps)


class CausalLM(nn.Module):
    """Embedding -> blocks -> norm -> lm_head, and the public Model API.

    Subclasses build ``self.model`` (a Decoder), ``self.rope`` and ``self.lm_head``
    and may set ``embedding_multiplier`` / ``logits_scaling`` (Granite).
    """

    args: Any
    rope_interleaved = False
    embedding_multiplier = 1.0
    logits_scaling = 1.0
    tokenizer: Any = None
    generation_config: dict[str, Any] = {}

    def init_head(self, vocab: int, hidden: int, tie: bool) -> None:
        self.lm_head = nn.Linear(hidden, vocab, bias=False)
        self.tie_word_embeddings = tie

    def forward(self, input_ids: torch.Tensor, cache: list | None = None, last_only: bool = False) -> torch.Tensor:
        # input_ids: [B, T] -> logits [B, T, V] (or [B, 1, V] with last_only)
        B, T = input_ids.shape
        x = self.model.embed_tokens(input_ids)
        if self.embedding_multiplier != 1.0:
            x = x * self.embedding_multiplier
        offset = cache[0].offset if cache else 0
        cos, sin = self.rope(positions_for(offset, T, x.device))
        rope = (cos.to(x.dtype), sin.to(x.dtype))        # once per step, not per layer (fp32 math, then rounded)
        mask = cache[0].make_mask(T) if cache else None
        for i, layer in enumerate(self.model.layers):
            x = layer(x, rope, mask, cache[i] if cache else None)
        if last_only:
            x = x[:, -1:]
        logits = linear(self.lm_head, self.model.norm(x))
        if self.logits_scaling != 1.0:
            logits = logits / self.logits_scaling
        return logits

    @torch.inference_mode()
    def logits(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Full forward without a cache: [B, T] token ids -> [B, T, V] logits (the parity entry point)."""
        return self(torch.as_tensor(input_ids, dtype=torch.long).reshape(-1, input_ids.shape[-1]))

    def cache_dims(self) -> list[tuple[int, int, int]]:
        return [layer.self_attn.cache_dims() for layer in self.model.layers]

    def make_cache(self, batch: int = 1, max_len: int = 2048, dtype: torch.dtype | None = None) -> list[KVCache]:
        dtype = dtype or self.model.embed_tokens.weight.dtype
        dev = self.model.embed_tokens.weight.device
        return [KVCache(batch, h, max_len, dk, dv, dtype, dev) for h, dk, dv in self.cache_dims()]

    def generate(self, input_ids: Any, max_new_tokens: int = 256, **kw: Any) -> Iterator[int]:
        """Stream generated token ids; see ``llmos.engine.generate.generate`` for the options."""
        from .generate import generate
        return generate(self, input_ids, max_new_tokens=max_new_tokens, **kw)

    @property
    def dtype(self) -> torch.dtype:
        return self.model.embed_tokens.weight.dtype


# ---------------------------------------------------------------- config

@dataclass
class BaseArgs:
    """Fields every architecture shares; subclasses add their own. Unknown config keys are ignored."""

    vocab_size: int = 0
    hidden_size: int = 0
    num_hidden_layers: int = 0
    num_attention_heads: int = 0
    num_key_value_heads: int | None = None
    head_dim: int | None = None
    intermediate_size: int = 0
    rms_norm_eps: float = 1e-6
    max_position_embeddings: int = 4096
    tie_word_embeddings: bool = False
    rope: dict = field(default_factory=dict)
    # other spellings of our fields that configs use (HF attribute_map)
    aliases: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_dict(cls, config: dict[str, Any]):
        config = dict(config)
        for other, ours in cls.aliases.items():
            if other in config and config.get(ours) is None:
                config[ours] = config[other]
        names = {f.name for f in fields(cls)} - {"rope"}
        args = cls(**{k: v for k, v in config.items() if k in names})
        args.rope = rope_params(config)
        args.validate()
        return args

    def validate(self) -> None:
        if self.num_key_value_heads is None:
            self.num_key_value_heads = self.num_attention_heads
        if self.head_dim is None and self.num_attention_heads:
            self.head_dim = self.hidden_size // self.num_attention_heads
        for name in ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                     "num_key_value_heads", "head_dim"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"config field {name} must be a positive integer, got {value!r}")
        if self.num_attention_heads % self.num_key_value_heads:
            raise ValueError("num_attention_heads must be a multiple of num_key_value_heads")


def rope_params(config: dict[str, Any]) -> dict[str, Any]:
    """One RoPE dict from either the v5 ``rope_parameters`` or the older ``rope_theta`` + ``rope_scaling``."""
    params = dict(config.get("rope_parameters") or {})
    if not params and config.get("rope_scaling"):
        params = dict(config["rope_scaling"])
    params.setdefault("rope_theta", config.get("rope_theta", 10000.0))
    if "type" in params and "rope_type" not in params:
        params["rope_type"] = params["type"]
    params.setdefault("rope_type", "default")
    return params


# ---------------------------------------------------------------- checkpoint key helpers

def fuse(weights: dict[str, torch.Tensor], out: str, parts: list[str], dim: int = 0) -> None:
    """Concatenate ``parts`` into ``out`` (in place) when all of them are present."""
    if all(p in weights for p in parts):
        weights[out] = torch.cat([weights.pop(p) for p in parts], dim=dim)


def fuse_attention(weights: dict[str, torch.Tensor], prefix: str) -> None:
    for kind in ("weight", "bias"):
        fuse(weights, f"{prefix}.qkv_proj.{kind}", [f"{prefix}.{n}_proj.{kind}" for n in "qkv"])


def fuse_mlp(weights: dict[str, torch.Tensor], prefix: str, names: tuple[str, str, str] = ("gate_proj", "up_proj", "down_proj")) -> None:
    gate, up, down = names
    for kind in ("weight", "bias"):
        fuse(weights, f"{prefix}.gate_up_proj.{kind}", [f"{prefix}.{gate}.{kind}", f"{prefix}.{up}.{kind}"])
        if f"{prefix}.{down}.{kind}" in weights and down != "down_proj":
            weights[f"{prefix}.down_proj.{kind}"] = weights.pop(f"{prefix}.{down}.{kind}")


def stack_experts(weights: dict[str, torch.Tensor], prefix: str, num_experts: int,
                  names: tuple[str, str, str] = ("gate_proj", "up_proj", "down_proj")) -> None:
    """Per-expert ``{prefix}.{e}.{gate,up,down}.weight`` (or HF v5's stacked ``gate_up_proj``/``down_proj``)
    -> ``{prefix}.gate_up [E, 2I, H]`` and ``{prefix}.down [E, H, I]``."""
    gate, up, down = names
    first = f"{prefix}.0.{gate}.weight"
    if first in weights:
        gates = [weights.pop(f"{prefix}.{e}.{gate}.weight") for e in range(num_experts)]
        ups = [weights.pop(f"{prefix}.{e}.{up}.weight") for e in range(num_experts)]
        downs = [weights.pop(f"{prefix}.{e}.{down}.weight") for e in range(num_experts)]
        weights[f"{prefix}.gate_up"] = torch.cat([torch.stack(gates), torch.stack(ups)], dim=1)
        weights[f"{prefix}.down"] = torch.stack(downs)
    if f"{prefix}.gate_up_proj" in weights:
        weights[f"{prefix}.gate_up"] = weights.pop(f"{prefix}.gate_up_proj")
    if f"{prefix}.down_proj" in weights:
        weights[f"{prefix}.down"] = weights.pop(f"{prefix}.down_proj")


def drop_unused(weights: dict[str, torch.Tensor]) -> None:
    # buffers some checkpoints carry that we recompute
    for key in [k for k in weights if k.endswith("rotary_emb.inv_freq")]:
        del weights[key]
