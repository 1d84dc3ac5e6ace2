"""Granite-MoE: top-k-then-softmax routing and four multipliers (embedding, attention, residual, logits)."""

from __future__ import annotations

from typing import ClassVar

from dataclasses import dataclass

from ..layers import Attention, BaseArgs, Block, CausalLM, Decoder, Rope, drop_unused, fuse_attention, stack_experts
from ..moe import SparseMoe, TopKSoftmax


@dataclass
class ModelArgs(BaseArgs):
    aliases: ClassVar[dict[str, str]] = {"num_experts": "num_local_experts"}
    num_local_experts: int = 0
    num_experts_per_tok: int = 2
    attention_bias: bool = False
    embedding_multiplier: float = 1.0
    attention_multiplier: float = 1.0
    residual_multiplier: float = 1.0
    logits_scaling: float = 1.0


class Model(CausalLM):
    def __init__(self, args: ModelArgs) -> None:
        super().__init__()
        self.args = args
        H, k = args.hidden_size, args.num_experts_per_tok
        blocks = [Block(Attention(H, args.num_attention_heads, args.num_key_value_heads, args.head_dim,
                                  qkv_bias=args.attention_bias, o_bias=args.attention_bias,
                                  scale=args.attention_multiplier),
                        SparseMoe(H, args.intermediate_size, args.num_local_experts,
                                  TopKSoftmax(k)),
                        H, args.rms_norm_eps, residual_multiplier=args.residual_multiplier)
                  for _ in range(args.num_hidden_layers)]
        self.model = Decoder(args.vocab_size, H, blocks, args.rms_norm_eps)
        self.rope = Rope(args.head_dim, args.rope, args.max_position_embeddings)
        self.init_head(args.vocab_size, H, args.tie_word_embeddings)
        self.embedding_multiplier = args.embedding_multiplier
        self.logits_scaling = args.logits_scaling


def sanitize(weights: dict, args: ModelArgs) -> dict:
    drop_unused(weights)
    renames = {".block_sparse_moe.input_linear.weight": ".mlp.experts.gate_up",
               ".block_sparse_moe.output_linear.weight": ".mlp.experts.down",
               ".block_sparse_moe.router.layer.weight": ".mlp.gate.weight",
               ".block_sparse_moe.": ".mlp."}
    for key in list(weights):
        for old, new in renames.items():
            if old in key:
                weights[key.replace(old, new)] = weights.pop(key)
                break
    for i in range(args.num_hidden_layers):
        fuse_attention(weights, f"model.layers.{i}.self_attn")
        stack_experts(weights, f"model.layers.{i}.mlp.experts", args.num_local_experts)
    return weights
