"""Qwen3-MoE: GQA with per-head q/k RMSNorm, softmax top-k routing (optionally renormalised)."""

from __future__ import annotations

from typing import ClassVar

from dataclasses import dataclass, field
from functools import partial

from ..layers import MLP, Attention, BaseArgs, Block, CausalLM, Decoder, Rope, drop_unused, fuse_attention, fuse_mlp, stack_experts
from ..moe import SoftmaxTopK, SparseMoe


@dataclass
class ModelArgs(BaseArgs):
    aliases: ClassVar[dict[str, str]] = {"num_local_experts": "num_experts"}
    moe_intermediate_size: int = 0
    num_experts: int = 0
    num_experts_per_tok: int = 1
    norm_topk_prob: bool = False
    decoder_sparse_step: int = 1
    mlp_only_layers: list = field(default_factory=list)
    attention_bias: bool = False

    def is_moe(self, i: int) -> bool:
        return i not in self.mlp_only_layers and self.num_experts > 0 and (i + 1) % self.decoder_sparse_step == 0


def route(args: ModelArgs) -> SoftmaxTopK:
    return SoftmaxTopK(args.num_experts_per_tok, args.norm_topk_prob)


class Model(CausalLM):
    def __init__(self, args: ModelArgs) -> None:
        super().__init__()
        self.args = args
        H = args.hidden_size
        blocks = []
        for i in range(args.num_hidden_layers):
            attn = Attention(H, args.num_attention_heads, args.num_key_value_heads, args.head_dim,
                             qkv_bias=args.attention_bias, o_bias=args.attention_bias, qk_norm="head",
                             eps=args.rms_norm_eps)
            mlp = (SparseMoe(H, args.moe_intermediate_size, args.num_experts, route(args)) if args.is_moe(i)
                   else MLP(H, args.intermediate_size))
            blocks.append(Block(attn, mlp, H, args.rms_norm_eps))
        self.model = Decoder(args.vocab_size, H, blocks, args.rms_norm_eps)
        self.rope = Rope(args.head_dim, args.rope, args.max_position_embeddings)
        self.init_head(args.vocab_size, H, args.tie_word_embeddings)


def sanitize(weights: dict, args: ModelArgs) -> dict:
    drop_unused(weights)
    for i in range(args.num_hidden_layers):
        p = f"model.layers.{i}"
        fuse_attention(weights, f"{p}.self_attn")
        if args.is_moe(i):
            stack_experts(weights, f"{p}.mlp.experts", args.num_experts)
        else:
            fuse_mlp(weights, f"{p}.mlp")
    return weights
