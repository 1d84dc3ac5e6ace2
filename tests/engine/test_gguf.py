"""GGUF loading: round trips against the safetensors twin, tokenizer metadata, hostile files."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

import llmos.engine
from llmos.engine.errors import ModelError
from llmos.engine.gguf import GGUFError, build_tokenizer, gguf_tokenizer, load_gguf, read_gguf, write_gguf
from llmos.engine.loader import load_safetensors_dir

from .conftest import ARCHS

_CONTROL, _NORMAL = 3, 1


def tokenizer_spec(directory: Path) -> dict:
    """The tokenizer.ggml.* metadata llama.cpp's converter would write for a byte-level BPE."""
    tj = json.loads((directory / "tokenizer.json").read_text())
    vocab = dict(tj["model"]["vocab"])
    special = {t["content"]: t["id"] for t in tj["added_tokens"]}
    vocab.update(special)
    tokens = [None] * (max(vocab.values()) + 1)
    for tok, i in vocab.items():
        tokens[i] = tok
    merges = [m if isinstance(m, str) else " ".join(m) for m in tj["model"]["merges"]]
    return {"model": "gpt2", "pre": "gpt2", "tokens": tokens, "merges": merges,
            "token_type": [_CONTROL if t in special else _NORMAL for t in tokens],
            "bos_token_id": 1, "eos_token_id": 2, "add_bos_token": False}


def write_twin(directory: Path, qtype: str = "F32") -> Path:
    out = directory.parent / f"{directory.name}-{qtype}.gguf"
    if not out.exists():
        config = json.loads((directory / "config.json").read_text())
        write_gguf(out, config, load_safetensors_dir(directory), qtype, tokenizer_spec(directory))
    return out


def prompt(vocab: int, batch: int = 2, length: int = 24, seed: int = 0) -> torch.Tensor:
    return torch.randint(0, vocab, (batch, length), generator=torch.Generator().manual_seed(seed))


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("arch", ARCHS)
def test_weights_round_trip_exactly(tiny_checkpoint, arch: str) -> None:
    # every HF key survives HF -> GGUF -> HF bit for bit, including llama.cpp's q/k
    # permutation, stacked experts, Granite's fused input_linear and MLA's k_b/v_b split
    d = tiny_checkpoint(arch)
    config, weights, spec = load_gguf(write_twin(d))
    ref = load_safetensors_dir(d)
    assert set(weights) == set(ref)
    for key, t in ref.items():
        assert weights[key].shape == t.shape, key
        assert torch.equal(weights[key], t), key
    hf = json.loads((d / "config.json").read_text())
    assert config["model_type"] == arch
    for key in ("hidden_size", "num_hidden_layers", "num_attention_heads", "vocab_size", "rms_norm_eps",
                "num_experts_per_tok", "n_routed_experts", "kv_lora_rank", "qk_nope_head_dim", "v_head_dim",
                "first_k_dense_replace", "routed_scaling_factor", "n_group", "topk_group",
                "residual_multiplier", "embedding_multiplier", "logits_scaling", "tie_word_embeddings"):
        if key in hf and hf[key] is not None:
            assert config[key] == hf[key], key
    assert spec["eos_token_id"] == 2


@pytest.mark.parametrize("arch", ARCHS)
def test_tensor_names_match_llama_cpp(tiny_checkpoint, arch: str) -> None:
    # an independent check of the name mapping: gguf-py's own HF -> GGUF table (the one
    # convert_hf_to_gguf.py uses), with per-expert keys mapped in their stacked form
    import re

    import gguf

    from llmos.engine.gguf import _GGUF_ARCH, _gguf_tensors
    d = tiny_checkpoint(arch)
    config, weights = json.loads((d / "config.json").read_text()), load_safetensors_dir(d)
    arch_id = {v: k for k, v in gguf.MODEL_ARCH_NAMES.items()}[_GGUF_ARCH[arch]]
    table = gguf.get_tensor_name_map(arch_id, config["num_hidden_layers"])
    # the converter renames these in code rather than through the table
    custom = {"block_sparse_moe.input_linear.weight": ["ffn_gate_exps.weight", "ffn_up_exps.weight"],
              "mlp.gate.e_score_correction_bias": ["exp_probs_b.bias"]}
    want = set()
    for key in weights:
        layer = re.match(r"model\.layers\.(\d+)\.", key)
        extra = [f"blk.{layer.group(1)}.{n}" for k, v in custom.items() if key.endswith(k) for n in v] if layer else []
        name = table.get_name(re.sub(r"experts\.\d+\.", "experts.", key), try_suffixes=(".weight", ".bias"))
        assert name or extra, key
        want.update(extra or [name])
    assert {name for name, _ in _gguf_tensors(config, weights)} == want


LLAMA3_ROPE = {"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0,
               "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}


def llama3_checkpoint(directory: Path) -> Path:
    # the tiny_checkpoint fixture cannot take dict overrides (its cache key hashes them)
    from transformers import AutoConfig, AutoModelForCausalLM

    from .conftest import COMMON, TINY, randomise, train_tokenizer
    if not (directory / "config.json").exists():
        config = AutoConfig.for_model("llama", **{**COMMON, **TINY["llama"], "rope_parameters": LLAMA3_ROPE})
        model = AutoModelForCausalLM.from_config(config)
        randomise(model, 0)
        model.save_pretrained(directory)
        train_tokenizer(directory)
    return directory


@pytest.mark.parametrize("arch", ARCHS + ["llama3-rope"])
def test_f32_gguf_gives_the_same_logits_as_safetensors(tiny_checkpoint, tmp_path_factory, arch: str) -> None:
    # llama3-rope: llama.cpp keeps Llama 3's RoPE scaling only as a rope_freqs tensor
    d = (llama3_checkpoint(tmp_path_factory.mktemp("llama3") / "ckpt") if arch == "llama3-rope"
         else tiny_checkpoint(arch))
    ids = prompt(320)
    want = llmos.engine.load(d, dtype="fp32").logits(ids)
    got = llmos.engine.load(write_twin(d), dtype="fp32").logits(ids)
    assert (got - want).abs().max() <= 1e-5 * want.abs().max()
    if arch == "llama3-rope":
        rope = load_gguf(write_twin(d))[0]["rope_scaling"]
        assert {k: rope[k] for k in LLAMA3_ROPE if k != "rope_theta"} == {
            k: v for k, v in LLAMA3_ROPE.items() if k != "rope_theta"}


# Measured on these tiny random models (relative logit error / top-1 agreement over 256
# positions), qwen3_moe and granitemoe: F16 0.0008/1.000 and 0.0003/0.992, BF16 0.0065/0.996
# and 0.0021/0.996, Q8_0 0.0245/0.980 and 0.0072/0.992, Q4_0 0.36/0.68 and 0.11/0.95.
# Random weights with sharp routers amplify rounding (a flipped expert changes a token's
# whole MLP), so the bars sit above those numbers, not at a real model's.
@pytest.mark.parametrize("qtype, tol, agree", [("F16", 3e-3, 0.99), ("BF16", 1.5e-2, 0.98),
                                               ("Q8_0", 4e-2, 0.97), ("Q4_0", 0.5, 0.6)])
@pytest.mark.parametrize("arch", ["qwen3_moe", "granitemoe"])
def test_low_precision_gguf_stays_close(tiny_checkpoint, arch: str, qtype: str, tol: float, agree: float) -> None:
    # dequantised to fp32, the only difference is the stored weights' rounding
    d = tiny_checkpoint(arch)
    ids = prompt(320, batch=4, length=64)
    want = llmos.engine.load(d, dtype="fp32").logits(ids)
    got = llmos.engine.load(write_twin(d, qtype), dtype="fp32").logits(ids)
    rel = ((got - want).norm() / want.norm()).item()
    top1 = (got.argmax(-1) == want.argmax(-1)).float().mean().item()
    assert rel < tol, f"{qtype}: relative logit error {rel:.4f}"
    assert top1 >= agree, f"{qtype}: top-1 agreement {top1:.3f}"


def test_default_dtype_follows_the_file(tiny_checkpoint) -> None:
    d = tiny_checkpoint("qwen3_moe")
    assert llmos.engine.load(write_twin(d)).dtype == torch.float32
    assert llmos.engine.load(write_twin(d, "Q8_0")).dtype == torch.bfloat16


def test_tokenizer_from_metadata_matches_tokenizer_json(tiny_checkpoint) -> None:
    from tokenizers import Tokenizer
    d = tiny_checkpoint("qwen3_moe")
    _, _, spec = load_gguf(write_twin(d))
    ours, ref = build_tokenizer(spec), Tokenizer.from_file(str(d / "tokenizer.json"))
    for text in ["show the biggest files in Downloads", "列出下载文件夹里最大的5个文件",
                 "<|im_start|>user\nfree some space<|im_end|>", "  odd   spacing\n\n"]:
        assert ours.encode(text).ids == ref.encode(text).ids, text
        assert ours.decode(ours.encode(text).ids, skip_special_tokens=False) == text


def test_engine_tokenizer_from_metadata(tiny_checkpoint) -> None:
    from llmos.engine.tokenizer import load_tokenizer
    d = tiny_checkpoint("qwen3_moe")
    _, _, spec = load_gguf(write_twin(d))
    spec = dict(spec, chat_template="{% for m in messages %}<|im_start|>{{ m['content'] }}<|im_end|>{% endfor %}")
    ours, ref = gguf_tokenizer(spec), load_tokenizer(d)
    assert ours.eos_token_id == ref.eos_token_id == 2
    assert ours.encode("show the biggest files") == ref.encode("show the biggest files")
    assert ours.apply_chat_template([{"role": "user", "content": "hi"}], add_generation_prompt=False) \
        == "<|im_start|>hi<|im_end|>"
    with_bos = gguf_tokenizer(dict(spec, add_bos_token=True))
    assert with_bos.encode("hi")[0] == 1 and with_bos.encode("hi")[1:] == ours.encode("hi")
    assert gguf_tokenizer(None) is None and gguf_tokenizer({"model": "llama", "tokens": []}) is None


def test_load_attaches_the_engine_tokenizer(tiny_checkpoint) -> None:
    # load() turns the GGUF tokenizer metadata into the engine's Tokenizer, not a raw dict
    from llmos.engine.tokenizer import Tokenizer, load_tokenizer
    d = tiny_checkpoint("qwen3_moe")
    model = llmos.engine.load(write_twin(d))
    assert isinstance(model.tokenizer, Tokenizer)
    assert model.tokenizer.encode("show the biggest files") == load_tokenizer(d).encode("show the biggest files")
    assert 2 in model.eos_token_ids


@pytest.mark.parametrize("dtype, quant, want", [("bf16", None, torch.bfloat16), (None, "int8", torch.bfloat16),
                                                (None, None, torch.bfloat16), ("fp32", None, torch.float32)])
def test_load_passes_the_target_dtype_to_the_gguf_reader(tiny_checkpoint, monkeypatch, dtype, quant, want) -> None:
    # block-quantised tensors must be dequantised straight to the model dtype (no fp32 copy first)
    import llmos.engine.gguf as gguf_mod
    seen = {}

    def spy(path, dtype=None):
        cfg, weights, spec = load_gguf(path, dtype)
        seen.update(weights)
        return cfg, weights, spec
    monkeypatch.setattr(gguf_mod, "load_gguf", spy)
    model = llmos.engine.load(write_twin(tiny_checkpoint("qwen3_moe"), "Q8_0"), dtype=dtype, quant=quant)
    assert model.dtype == want
    experts = [k for k in seen if ".experts." in k]
    assert experts and all(seen[k].dtype == want for k in experts)
    assert seen["model.layers.0.self_attn.q_proj.weight"].dtype == want
    # routers stay fp32: routing must not flip with the model dtype
    assert seen["model.layers.0.mlp.gate.weight"].dtype == torch.float32


def test_sentencepiece_specs_are_refused_clearly() -> None:
    with pytest.raises(GGUFError, match="only byte-level BPE"):
        build_tokenizer({"model": "llama", "tokens": ["<unk>"]})


# ---------------------------------------------------------------- hostile files

def small_gguf(path: Path) -> Path:
    import gguf
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_uint32("llama.block_count", 1)
    w.add_tensor("token_embd.weight", np.arange(64 * 8, dtype=np.float32).reshape(8, 64))
    w.add_tensor("blk.0.attn_q.weight", gguf.quants.quantize(np.ones((4, 64), np.float32), gguf.GGMLQuantizationType.Q8_0),
                 raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def tensor_field(data: bytes, name: str, field: str) -> int:
    """Byte offset of a tensor-info field (dims / type / offset) for `name` in a GGUF header."""
    at = data.index(name.encode()) + len(name)
    n_dims = struct.unpack_from("<I", data, at)[0]
    dims = at + 4
    kind = dims + 8 * n_dims
    return {"n_dims": at, "dim0": dims, "dim1": dims + 8, "type": kind, "offset": kind + 4}[field]


def patched(tmp_path: Path, edit) -> Path:
    good = small_gguf(tmp_path / "good.gguf")
    data = bytearray(good.read_bytes())
    edited = edit(data)
    data = data if edited is None else edited
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(bytes(data))
    return bad


def put(data: bytearray, at: int, fmt: str, value: int) -> None:
    struct.pack_into(fmt, data, at, value)


def test_small_file_is_fine(tmp_path: Path) -> None:
    f = read_gguf(small_gguf(tmp_path / "ok.gguf"))
    assert f.tensor("token_embd.weight").shape == (8, 64)
    assert torch.allclose(f.tensor("blk.0.attn_q.weight"), torch.ones(4, 64), atol=1e-3)   # f16 scale


HOSTILE = {
    "bad magic": (lambda d: d.__setitem__(slice(0, 4), b"GGUX"), "not a GGUF file"),
    "version 1": (lambda d: put(d, 4, "<I", 1), "version 1 is not supported"),
    "big-endian": (lambda d: put(d, 4, ">I", 3), "big-endian"),
    "absurd tensor count": (lambda d: put(d, 8, "<Q", 1 << 60), "more than a"),
    "absurd kv count": (lambda d: put(d, 16, "<Q", 1 << 40), "more than a"),
    "huge key length": (lambda d: put(d, 24, "<Q", 1 << 50), "key #0"),
    "offset past EOF": (lambda d: put(d, tensor_field(d, "blk.0.attn_q.weight", "offset"), "<Q", 1 << 20),
                        "runs past the end"),
    "misaligned offset": (lambda d: put(d, tensor_field(d, "blk.0.attn_q.weight", "offset"), "<Q", 2056),
                          "not aligned"),
    "absurd dims": (lambda d: put(d, tensor_field(d, "token_embd.weight", "dim1"), "<Q", 1 << 40),
                    "far larger than the file|runs past the end"),
    "zero dim": (lambda d: put(d, tensor_field(d, "token_embd.weight", "dim1"), "<Q", 0), "zero dimension"),
    "too many dims": (lambda d: put(d, tensor_field(d, "token_embd.weight", "n_dims"), "<I", 9), "dimensions"),
    "unknown type": (lambda d: put(d, tensor_field(d, "token_embd.weight", "type"), "<I", 99),
                     "unknown tensor type 99"),
    "unsupported type": (lambda d: put(d, tensor_field(d, "token_embd.weight", "type"), "<I", 16),
                         "IQ2_XXS, which this loader does not support"),
    "row not whole blocks": (lambda d: put(d, tensor_field(d, "blk.0.attn_q.weight", "dim0"), "<Q", 48),
                             "not a multiple of the Q8_0 block size"),
    "overlap": (lambda d: put(d, tensor_field(d, "blk.0.attn_q.weight", "offset"), "<Q", 0), "overlap"),
    "truncated data": (lambda d: d[:-100], "runs past the end"),
    "truncated header": (lambda d: d[:40], "truncated"),
    "empty": (lambda d: d[:0], "too small"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_are_refused_clearly(tmp_path: Path, case: str) -> None:
    edit, message = HOSTILE[case]
    bad = patched(tmp_path, edit)
    with pytest.raises(GGUFError, match=message) as err:
        read_gguf(bad)
    assert isinstance(err.value, ModelError) and isinstance(err.value, ValueError)
    assert str(bad) in str(err.value)


def test_load_refuses_through_the_engine(tmp_path: Path) -> None:
    bad = patched(tmp_path, lambda d: d[:-100])
    bad = bad.rename(tmp_path / "model.gguf")
    with pytest.raises(ModelError, match="runs past the end"):
        llmos.engine.load(bad)


def test_unsupported_architecture(tmp_path: Path) -> None:
    with pytest.raises(GGUFError, match="architecture 'llama' .*|block_count|embedding_length"):
        load_gguf(small_gguf(tmp_path / "x.gguf"))


def test_random_header_corruption_never_escapes(tmp_path: Path) -> None:
    # flip bytes anywhere in the header: every outcome is a clean parse or a GGUFError
    good = small_gguf(tmp_path / "good.gguf").read_bytes()
    header_end = good.index(b"blk.0.attn_q.weight") + 64
    rng = np.random.default_rng(0)
    bad = tmp_path / "fuzz.gguf"
    for _ in range(300):
        data = bytearray(good)
        for at in rng.integers(0, header_end, size=rng.integers(1, 4)):
            data[at] = rng.integers(0, 256)
        bad.write_bytes(bytes(data))
        try:
            f = read_gguf(bad)
            for name in f.tensors:
                f.tensor(name)
        except GGUFError:
            pass
