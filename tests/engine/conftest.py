"""Tiny random checkpoints of every architecture, built offline with transformers (test-only).

``tiny_checkpoint(model_type, **config_overrides) -> Path`` writes a fp32 Hugging Face
directory (config.json, safetensors, generation_config.json, a small byte-level BPE
tokenizer with a ChatML template) once per session and returns its path.
``hf_reference(path)`` gives the matching transformers model (eager experts, fp32, eval).

Weights are re-randomised so that the tests can see mistakes: routers and DeepSeek-V3's
correction bias get a large std (routing really changes with the input), norm weights and
biases are not left at 1 / 0 (a skipped norm or bias would otherwise go unnoticed).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

COMMON = dict(vocab_size=320, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
              intermediate_size=96, max_position_embeddings=512, tie_word_embeddings=False,
              bos_token_id=1, eos_token_id=2, pad_token_id=0)

TINY = {
    "llama": dict(head_dim=16, attention_bias=True),
    "qwen2": dict(),
    "qwen3": dict(head_dim=16),
    "qwen3_moe": dict(head_dim=16, num_experts=8, num_experts_per_tok=2, moe_intermediate_size=32, norm_topk_prob=True),
    "qwen2_moe": dict(num_experts=8, num_experts_per_tok=2, moe_intermediate_size=32,
                      shared_expert_intermediate_size=48),
    "olmoe": dict(num_experts=8, num_experts_per_tok=2, intermediate_size=32, clip_qkv=3.0),
    "mixtral": dict(num_local_experts=4, num_experts_per_tok=2, intermediate_size=32),
    "granitemoe": dict(num_local_experts=8, num_experts_per_tok=2, intermediate_size=32, embedding_multiplier=12.0,
                       attention_multiplier=1 / 16, residual_multiplier=0.22, logits_scaling=6.0,
                       tie_word_embeddings=True),
    "deepseek_v2": dict(num_key_value_heads=4, n_routed_experts=8, n_shared_experts=1, num_experts_per_tok=2,
                        moe_intermediate_size=32, first_k_dense_replace=1, kv_lora_rank=32, q_lora_rank=None,
                        qk_nope_head_dim=16, qk_rope_head_dim=8, v_head_dim=16, topk_method="group_limited_greedy",
                        n_group=2, topk_group=1, routed_scaling_factor=1.5),
    "deepseek_v3": dict(num_key_value_heads=4, n_routed_experts=8, n_shared_experts=1, num_experts_per_tok=2,
                        moe_intermediate_size=32, first_k_dense_replace=1, kv_lora_rank=32, q_lora_rank=24,
                        qk_nope_head_dim=16, qk_rope_head_dim=8, v_head_dim=16, n_group=4, topk_group=2,
                        routed_scaling_factor=2.5, norm_topk_prob=True),
}
ARCHS = list(TINY)

CHATML = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
          "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def randomise(model: torch.nn.Module, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in list(model.named_parameters()) + list(model.named_buffers()):
            if not p.is_floating_point() or "inv_freq" in name:
                continue
            if "e_score_correction_bias" in name:
                p.copy_(torch.randn(p.shape, generator=g) * 0.3)
            elif name.endswith(("mlp.gate.weight", "router.weight", "router.layer.weight", "shared_expert_gate.weight")):
                p.copy_(torch.randn(p.shape, generator=g) * 0.4)
            elif "norm" in name:
                p.copy_(1 + torch.randn(p.shape, generator=g) * 0.2)
            elif name.endswith("bias"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.1)
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.08)
        # real unembeddings give some tokens far larger norms than others, so most positions have a
        # clear winner; without that, random tiny models sit on near-ties that bf16 rounding flips
        head = model.get_output_embeddings().weight
        head.mul_(torch.exp(torch.randn(head.shape[0], 1, generator=g) * 0.7))


def train_tokenizer(directory: Path) -> None:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<pad>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    text = ["free some space in Downloads", "show the biggest files", "列出下载文件夹里最大的5个文件",
            "the quick brown fox jumps over the lazy dog"] * 20
    tok.train_from_iterator(text, trainer)
    tok.save(str(directory / "tokenizer.json"))
    (directory / "tokenizer_config.json").write_text(json.dumps(
        {"bos_token": "<s>", "eos_token": "</s>", "chat_template": CHATML, "add_bos_token": False}))


_built: dict[tuple, Path] = {}
_hf: dict[Path, torch.nn.Module] = {}


def build_checkpoint(root: Path, model_type: str, seed: int = 0, shard: str | None = None, **overrides) -> Path:
    from transformers import AutoConfig, AutoModelForCausalLM
    key = (model_type, seed, shard, tuple(sorted(overrides.items())))
    if key in _built:
        return _built[key]
    directory = root / f"{model_type}-{len(_built)}"
    config = AutoConfig.for_model(model_type, **{**COMMON, **TINY[model_type], **overrides})
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, experts_implementation="eager", attn_implementation="eager")
    randomise(model, seed)
    model.eval()
    model.save_pretrained(directory, **({"max_shard_size": shard} if shard else {}))
    train_tokenizer(directory)
    _built[key] = directory
    _hf[directory] = model
    return directory


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory):
    """Factory: tiny_checkpoint("qwen3_moe", seed=0, shard=None, **config_overrides) -> Path."""
    root = tmp_path_factory.mktemp("tiny")

    def make(model_type: str, seed: int = 0, shard: str | None = None, **overrides) -> Path:
        return build_checkpoint(root, model_type, seed, shard, **overrides)
    return make


@pytest.fixture(scope="session")
def hf_reference():
    """hf_reference(path) -> the transformers model a tiny_checkpoint was saved from."""
    return lambda path: _hf[Path(path)]
