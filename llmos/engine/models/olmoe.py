"""OLMoE: q/k RMSNorm over the full projection width, optional qkv clipping, softmax top-k routing."""

from __future__ import annotations

from typing import ClassVar

from dataclasses import dataclass

from ..layers import Attention, BaseArgs, Block, CausalLM, Decoder, Rope, drop_unused, fuse_attention, stack_experts
from ..moe import SoftmaxTopK, SparseMoe


@dataclass
class ModelArgs(BaseArgs):
    aliases: ClassVar[dict[str, str]] = {"num_local_experts": "num_experts"}
    num_experts: int = 0
    num_experts_per_tok: int = 1
    norm_topk_prob: bool = False
    attention_bias: bool = False
    clip_qkv: float | None = None


class Model(CausalLM):
    def __init__(self, args: ModelArgs) -> None:
        super().__init__()
        self.args = args
        H = args.hidden_size
        k, renorm = args.num_experts_per_tok, args.norm_topk_prob
        blocks = [Block(Attention(H, args.num_attention_heads, args.num_key_value_heads, args.head_dim,
                                  qkv_bias=args.attention_bias, o_bias=args.attention_bias, qk_norm="full",
                                  eps=args.rms_norm_eps, clip_qkv=args.clip_qkv),
                        SparseMoe(H, args.intermediate_size, args.num_experts,
                                  SoftmaxTopK(k, renorm)),
                        H, args.rms_norm_eps)
                  for _ in range(args.num_hidden_layers)]
        self.model = Decoder(args.vocab_size, H, blocks, args.rms_norm_eps)
        self.rope = Rope(args.head_dim, args.rope, args.max_position_embeddings)
        self.init_head(args.vocab_size, H, args.tie_word_embeddings)


def sanitize(weights: dict, args: ModelArgs) -> dict:
    drop_unused(weights)
    for i in range(args.num_hidden_layers):
        fuse_attention(weights, f"model.layers.{i}.self_attn")
        stack_experts(weights, f"model.layers.{i}.mlp.experts", args.num_experts)
    return weights
