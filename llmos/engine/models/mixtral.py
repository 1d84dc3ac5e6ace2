"""Mixtral: GQA, softmax top-k routing that always renormalises; experts named w1 (gate), w3 (up), w2 (down)."""

from __future__ import annotations

from typing import ClassVar

from dataclasses import dataclass

from ..layers import Attention, BaseArgs, Block, CausalLM, Decoder, Rope, drop_unused, fuse_attention, stack_experts
from ..moe import SoftmaxTopK, SparseMoe


@dataclass
class ModelArgs(BaseArgs):
    aliases: ClassVar[dict[str, str]] = {"num_experts": "num_local_experts"}
    num_local_experts: int = 0
    num_experts_per_tok: int = 2
    sliding_window: int | None = None  # attention is full; exact while the context fits the window


class Model(CausalLM):
    def __init__(self, args: ModelArgs) -> None:
        super().__init__()
        self.args = args
        H, k = args.hidden_size, args.num_experts_per_tok
        blocks = [Block(Attention(H, args.num_attention_heads, args.num_key_value_heads, args.head_dim),
                        SparseMoe(H, args.intermediate_size, args.num_local_experts,
                                  SoftmaxTopK(k, renorm=True)),
                        H, args.rms_norm_eps)
                  for _ in range(args.num_hidden_layers)]
        self.model = Decoder(args.vocab_size, H, blocks, args.rms_norm_eps)
        self.rope = Rope(args.head_dim, args.rope, args.max_position_embeddings)
        self.init_head(args.vocab_size, H, args.tie_word_embeddings)


def sanitize(weights: dict, args: ModelArgs) -> dict:
    drop_unused(weights)
    for key in [k for k in weights if ".block_sparse_moe." in k]:
        weights[key.replace(".block_sparse_moe.", ".mlp.")] = weights.pop(key)
    for i in range(args.num_hidden_layers):
        fuse_attention(weights, f"model.layers.{i}.self_attn")
        stack_experts(weights, f"model.layers.{i}.mlp.experts", args.num_local_experts, names=("w1", "w3", "w2"))
    return weights
