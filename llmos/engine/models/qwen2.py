"""Qwen2 (dense): GQA with q/k/v bias (always on), no bias on o_proj."""

from __future__ import annotations

from dataclasses import dataclass

from ..layers import MLP, Attention, BaseArgs, Block, CausalLM, Decoder, Rope, drop_unused, fuse_attention, fuse_mlp


@dataclass
class ModelArgs(BaseArgs):
    pass


class Model(CausalLM):
    def __init__(self, args: ModelArgs) -> None:
        super().__init__()
        self.args = args
        H = args.hidden_size
        blocks = [Block(Attention(H, args.num_attention_heads, args.num_key_value_heads, args.head_dim, qkv_bias=True),
                        MLP(H, args.intermediate_size), H, args.rms_norm_eps)
                  for _ in range(args.num_hidden_layers)]
        self.model = Decoder(args.vocab_size, H, blocks, args.rms_norm_eps)
        self.rope = Rope(args.head_dim, args.rope, args.max_position_embeddings)
        self.init_head(args.vocab_size, H, args.tie_word_embeddings)


def sanitize(weights: dict, args: ModelArgs) -> dict:
    drop_unused(weights)
    for i in range(args.num_hidden_layers):
        fuse_attention(weights, f"model.layers.{i}.self_attn")
        fuse_mlp(weights, f"model.layers.{i}.mlp")
    return weights
