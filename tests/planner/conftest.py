"""Planner fixtures: the live registry and the shipped model's tokenizer."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmos.intents import Registry
from llmos.planner.models import MODEL_DIR

SHIPPED = Path(MODEL_DIR)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry()


@pytest.fixture(scope="session")
def intents(registry: Registry) -> dict:
    return {i.name: i for i in registry}


def random_checkpoint(directory: Path, *, chat_template: str | None = None, seed: int = 0) -> Path:
    """A tiny qwen3_moe with random weights and the shipped tokenizer, built with transformers."""
    import json
    import shutil

    import torch
    from transformers import Qwen3MoeConfig, Qwen3MoeForCausalLM
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(SHIPPED / "tokenizer.model"))
    torch.manual_seed(seed)
    config = Qwen3MoeConfig(vocab_size=sp.get_piece_size(), hidden_size=32, intermediate_size=64,
                            moe_intermediate_size=32, num_hidden_layers=2, num_attention_heads=2,
                            num_key_value_heads=1, head_dim=16, num_experts=4, num_experts_per_tok=2,
                            max_position_embeddings=2048, tie_word_embeddings=True,
                            bos_token_id=sp.bos_id(), eos_token_id=sp.eos_id())
    model = Qwen3MoeForCausalLM(config)
    with torch.no_grad():  # make the router and the head opinionated, as trained models are
        for p in model.parameters():
            p.mul_(8.0)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory, safe_serialization=True)
    shutil.copy(SHIPPED / "tokenizer.model", directory / "tokenizer.model")
    tok_config = {"bos_token": "<s>", "eos_token": "</s>", "add_bos_token": True}
    if chat_template:
        tok_config["chat_template"] = chat_template
    (directory / "tokenizer_config.json").write_text(json.dumps(tok_config))
    return directory
