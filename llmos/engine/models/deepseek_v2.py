"""DeepSeek-V2: multi-head latent attention (the cache holds the compressed latent and one shared
RoPE key, not per-head K/V), shared + routed experts, greedy or group-limited greedy routing."""

from __future__ import annotations

from typing import ClassVar

from dataclasses import dataclass

import torch
from torch import nn

from ..cache import KVCache
from ..layers import (MLP, BaseArgs, Block, CausalLM, Decoder, RMSNorm, Rope, apply_rope, attention,
                      drop_unused, fuse_mlp, stack_experts, yarn_softmax_scale)
from ..moe import SparseMoe, route_greedy


@dataclass
class ModelArgs(BaseArgs):
    aliases: ClassVar[dict[str, str]] = {"num_experts": "n_routed_experts", "num_local_experts": "n_routed_experts"}
    moe_intermediate_size: int = 0
    n_routed_experts: int | None = None
    n_shared_experts: int | None = None
    num_experts_per_tok: int | None = None
    first_k_dense_replace: int = 0
    moe_layer_freq: int = 1
    kv_lora_rank: int = 512
    q_lora_rank: int | None = None
    qk_nope_head_dim: int = 128
    qk_rope_head_dim: int = 64
    v_head_dim: int = 128
    topk_method: str = "greedy"
    n_group: int | None = None
    topk_group: int | None = None
    routed_scaling_factor: float = 1.0
    norm_topk_prob: bool = False
    attention_bias: bool = False
    mlp_bias: bool = False
    rope_interleave: bool = True

    def validate(self) -> None:
        self.head_dim = self.qk_rope_head_dim
        super().validate()
        if self.n_routed_experts and self.n_group and self.n_routed_experts % self.n_group:
            raise ValueError("n_routed_experts must be a multiple of n_group")

    def is_moe(self, i: int) -> bool:
        return bool(self.n_routed_experts) and i >= self.first_k_dense_replace and i % self.moe_layer_freq == 0


class MLAttention(nn.Module):
    def __init__(self, args: ModelArgs) -> None:
        super().__init__()
        H, nh = args.hidden_size, args.num_attention_heads
        self.heads, self.nope, self.rope_dim, self.v_dim = nh, args.qk_nope_head_dim, args.qk_rope_head_dim, args.v_head_dim
        self.rank = args.kv_lora_rank
        self.interleaved = args.rope_interleave
        q_dim = nh * (self.nope + self.rope_dim)
        if args.q_lora_rank:
            self.q_a_proj = nn.Linear(H, args.q_lora_rank, bias=args.attention_bias)
            self.q_a_layernorm = RMSNorm(args.q_lora_rank, 1e-6)
            self.q_b_proj = nn.Linear(args.q_lora_rank, q_dim, bias=False)
        else:
            self.q_proj = nn.Linear(H, q_dim, bias=False)
        self.kv_a_proj_with_mqa = nn.Linear(H, self.rank + self.rope_dim, bias=args.attention_bias)
        self.kv_a_layernorm = RMSNorm(self.rank, 1e-6)
        self.kv_b_proj = nn.Linear(self.rank, nh * (self.nope + self.v_dim), bias=False)
        self.o_proj = nn.Linear(nh * self.v_dim, H, bias=args.attention_bias)
        self.scale = yarn_softmax_scale(args.rope, (self.nope + self.rope_dim) ** -0.5)

    def cache_dims(self) -> tuple[int, int, int]:
        # one "head": the latent [rank] as key, the shared RoPE key [rope_dim] as value
        return 1, self.rank, self.rope_dim

    def forward(self, x: torch.Tensor, rope: tuple[torch.Tensor, torch.Tensor], mask: torch.Tensor | None,
                cache: KVCache | None) -> torch.Tensor:
        B, T, _ = x.shape
        q = self.q_b_proj(self.q_a_layernorm(self.q_a_proj(x))) if hasattr(self, "q_a_proj") else self.q_proj(x)
        q = q.view(B, T, self.heads, self.nope + self.rope_dim).transpose(1, 2)     # [B, h, T, nope+rope]
        q_nope, q_pe = q.split([self.nope, self.rope_dim], dim=-1)
        latent, k_pe = self.kv_a_proj_with_mqa(x).split([self.rank, self.rope_dim], dim=-1)
        latent = self.kv_a_layernorm(latent)[:, None]                                # [B, 1, T, rank]
        k_pe = k_pe[:, None]                                                          # [B, 1, T, rope]
        cos, sin = rope
        q_pe = apply_rope(q_pe, cos, sin, self.interleaved)
        k_pe = apply_rope(k_pe, cos, sin, self.interleaved)
        if cache is not None:
            latent, k_pe = cache.update_and_fetch(latent, k_pe)
        S = latent.shape[2]
        kv = self.kv_b_proj(latent[:, 0]).view(B, S, self.heads, self.nope + self.v_dim).transpose(1, 2)
        k_nope, v = kv.split([self.nope, self.v_dim], dim=-1)                        # [B, h, S, *]
        k = torch.cat((k_nope, k_pe.expand(B, self.heads, S, self.rope_dim)), dim=-1)
        q = torch.cat((q_nope, q_pe), dim=-1)
        return self.o_proj(attention(q, k, v, mask, self.scale, causal=cache is None))


def make_moe(args: ModelArgs, route, correction_bias: bool) -> SparseMoe:
    shared = (MLP(args.hidden_size, args.moe_intermediate_size * args.n_shared_experts, bias=args.mlp_bias)
              if args.n_shared_experts else None)
    return SparseMoe(args.hidden_size, args.moe_intermediate_size, args.n_routed_experts, route, shared=shared,
                     correction_bias=correction_bias)


def route(args: ModelArgs):
    k, scale, renorm = args.num_experts_per_tok, args.routed_scaling_factor, args.norm_topk_prob
    grouped = args.topk_method == "group_limited_greedy"
    n_group, topk_group = (args.n_group or 1, args.topk_group or 1) if grouped else (1, 1)
    # the reference either renormalises or scales, never both
    return lambda logits, router: route_greedy(logits, k, 1.0 if renorm else scale, renorm, n_group, topk_group)


class Model(CausalLM):
    def __init__(self, args: ModelArgs, route_fn=route, correction_bias: bool = False) -> None:
        super().__init__()
        self.args = args
        H = args.hidden_size
        blocks = [Block(MLAttention(args),
                        make_moe(args, route_fn(args), correction_bias) if args.is_moe(i) else MLP(H, args.intermediate_size, bias=args.mlp_bias),
                        H, args.rms_norm_eps)
                  for i in range(args.num_hidden_layers)]
        self.model = Decoder(args.vocab_size, H, blocks, args.rms_norm_eps)
        self.rope = Rope(args.qk_rope_head_dim, args.rope, args.max_position_embeddings)
        self.init_head(args.vocab_size, H, args.tie_word_embeddings)


def sanitize(weights: dict, args: ModelArgs) -> dict:
    drop_unused(weights)
    # multi-token-prediction layers past the last block are not used for generation
    for key in [k for k in weights if k.startswith("model.layers.")]:
        if int(key.split(".")[2]) >= args.num_hidden_layers:
            del weights[key]
    for i in range(args.num_hidden_layers):
        p = f"model.layers.{i}.mlp"
        if args.is_moe(i):
            stack_experts(weights, f"{p}.experts", args.n_routed_experts)
            fuse_mlp(weights, f"{p}.shared_experts")
        else:
            fuse_mlp(weights, p)
    return weights
