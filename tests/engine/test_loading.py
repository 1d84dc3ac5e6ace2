"""Loading: sharded checkpoints, untrusted files refused with clear errors, tokenizer and chat template."""

from __future__ import annotations

import json
import shutil
import struct

import pytest
import torch

import llmos.engine as engine
from llmos.engine import ModelError
from llmos.engine.safetensors_file import read_safetensors_header
from llmos.errors import LlmosError

IDS = torch.randint(3, 320, (1, 24), generator=torch.Generator().manual_seed(3))


@pytest.fixture(scope="module")
def ckpt(tiny_checkpoint):
    return tiny_checkpoint("qwen3_moe")


def copy_of(src, tmp_path):
    dst = tmp_path / "model"
    shutil.copytree(src, dst)
    return dst


def test_sharded_checkpoint_loads(tiny_checkpoint, ckpt):
    sharded = tiny_checkpoint("qwen3_moe", shard="40KB")
    assert (sharded / "model.safetensors.index.json").exists()
    assert len(list(sharded.glob("*.safetensors"))) > 2
    assert torch.equal(engine.load(sharded).logits(IDS), engine.load(ckpt).logits(IDS))


def rewrite_header(path, mutate):
    data = path.read_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    mutate(header)
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data[8 + n:])


def first_tensor(header):
    return next(k for k in header if k != "__metadata__")


CORRUPTIONS = {
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), "outside the file"),
    "tiny": (lambda p: p.write_bytes(b"\x01\x02"), "truncated"),
    "header length": (lambda p: p.write_bytes(struct.pack("<Q", 2**40) + p.read_bytes()[8:]), "header length"),
    "not json": (lambda p: p.write_bytes(struct.pack("<Q", 4) + b"{{{{" + b"\0" * 64), "not JSON"),
    "offset past eof": (lambda p: rewrite_header(p, lambda h: h[first_tensor(h)].update(
        data_offsets=[0, 10**12])), "outside the file"),
    "shape mismatch": (lambda p: rewrite_header(p, lambda h: h[first_tensor(h)].update(
        shape=[1, 1, 1])), "needs"),
    "bad dtype": (lambda p: rewrite_header(p, lambda h: h[first_tensor(h)].update(dtype="Q9")), "dtype"),
    "overlap": (lambda p: rewrite_header(p, lambda h: [h[k].update(data_offsets=h[first_tensor(h)]["data_offsets"],
                                                                     shape=h[first_tensor(h)]["shape"],
                                                                     dtype=h[first_tensor(h)]["dtype"])
                                                       for k in list(h)[1:3] if k != "__metadata__"]), "overlap"),
}


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_corrupt_safetensors_refused(ckpt, tmp_path, kind):
    mutate, message = CORRUPTIONS[kind]
    model_dir = copy_of(ckpt, tmp_path)
    mutate(model_dir / "model.safetensors")
    with pytest.raises(ModelError, match=message) as info:
        engine.load(model_dir)
    assert isinstance(info.value, LlmosError) and isinstance(info.value, ValueError)


def test_missing_tensor_refused(ckpt, tmp_path):
    model_dir = copy_of(ckpt, tmp_path)
    from safetensors.torch import load_file, save_file
    weights = load_file(model_dir / "model.safetensors")
    del weights["model.layers.1.mlp.experts.3.up_proj.weight"]
    save_file(weights, model_dir / "model.safetensors")
    with pytest.raises(ModelError, match="missing"):
        engine.load(model_dir)


def test_wrong_shape_for_config_refused(ckpt, tmp_path):
    model_dir = copy_of(ckpt, tmp_path)
    config = json.loads((model_dir / "config.json").read_text())
    config["hidden_size"] = 96
    (model_dir / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="shape"):
        engine.load(model_dir)


def test_bad_config_refused(ckpt, tmp_path):
    model_dir = copy_of(ckpt, tmp_path)
    config = json.loads((model_dir / "config.json").read_text())
    config["num_attention_heads"] = -1
    (model_dir / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="num_attention_heads"):
        engine.load(model_dir)
    (model_dir / "config.json").write_text(json.dumps({**config, "model_type": "gpt9"}))
    with pytest.raises(ModelError, match="unsupported model_type"):
        engine.load(model_dir)


def test_index_cannot_point_outside_the_directory(tiny_checkpoint, tmp_path):
    model_dir = copy_of(tiny_checkpoint("qwen3_moe", shard="40KB"), tmp_path)
    index = json.loads((model_dir / "model.safetensors.index.json").read_text())
    key = next(iter(index["weight_map"]))
    index["weight_map"][key] = "../../etc/passwd.safetensors"
    (model_dir / "model.safetensors.index.json").write_text(json.dumps(index))
    with pytest.raises(ModelError, match="bad shard name"):
        engine.load(model_dir)


def test_pickle_checkpoints_refused(tmp_path, ckpt):
    model_dir = tmp_path / "m"
    model_dir.mkdir()
    shutil.copy(ckpt / "config.json", model_dir)
    (model_dir / "pytorch_model.bin").write_bytes(b"\x80\x04")
    with pytest.raises(ModelError, match="pickle"):
        engine.load(model_dir)


def test_header_reader_reports_tensors(ckpt):
    tensors, start = read_safetensors_header(ckpt / "model.safetensors")
    assert start > 8 and "model.embed_tokens.weight" in tensors
    assert tensors["model.embed_tokens.weight"]["shape"] == [320, 64]


def test_tokenizer_and_chat_template(ckpt):
    model = engine.load(ckpt)
    tok = model.tokenizer
    text = "free some space in Downloads"
    assert tok.decode(tok.encode(text)) == text
    assert tok.eos_token_id == tok.token_to_id("</s>") == 2
    prompt = tok.apply_chat_template([{"role": "user", "content": "hi"}])
    assert prompt == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    ids = tok.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=True)
    assert ids[0] == tok.token_to_id("<|im_start|>")
    assert model.eos_token_ids[0] == 2


def test_chat_template_is_sandboxed():
    from llmos.engine.tokenizer import render_template
    evil = "{{ messages.__class__.__mro__[1].__subclasses__() }}"
    with pytest.raises(ModelError, match="chat template"):
        render_template(evil, messages=[])
    with pytest.raises(ModelError, match="refused"):
        render_template("{{ raise_exception('no system role') }}", messages=[])


def test_sentencepiece_tokenizer(tmp_path):
    spm = pytest.importorskip("sentencepiece")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(["free some space in Downloads", "show the biggest files"] * 50))
    spm.SentencePieceTrainer.train(input=str(corpus), model_prefix=str(tmp_path / "tokenizer"), vocab_size=28,
                                   bos_id=1, eos_id=2, unk_id=0, pad_id=-1, minloglevel=2)
    from llmos.engine.tokenizer import load_tokenizer
    tok = load_tokenizer(tmp_path)
    ids = tok.encode("show the biggest files")
    assert ids[0] == 1 and tok.decode(ids) == "show the biggest files"
