"""The training pipeline end to end, three steps on a tiny config (CI never retrains the shipped model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def train(out: Path, *args: str) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, "-m", "llmos.planner.train", "--per-template", "1", "--minutes", "0",
                        "--out", str(out), *args],
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return r


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("train") / "model"
    return out, train(out, "--size", "tiny", "--steps", "3")


def test_three_training_steps_make_a_model_the_engine_loads(tiny):
    out, r = tiny
    assert "step 3/3" in r.stderr
    for name in ("config.json", "model.safetensors", "tokenizer.model", "tokenizer_config.json", "planner.json", "words.txt"):
        assert (out / name).exists(), name
    assert json.loads((out / "planner.json").read_text())["steps"] == 3

    from llmos.engine import load
    model = load(out)
    assert model.config["model_type"] == "qwen3_moe"


@pytest.fixture(scope="module")
def more(tiny, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("train") / "more"
    return out, train(out, "--init", str(tiny[0]), "--steps", "2", "--seed", "1")


def test_training_goes_on_from_a_model_with_its_tokenizer_and_says_so(tiny, more):
    first, _ = tiny
    out, r = more
    assert "going on from" in r.stderr and "step 2/2" in r.stderr
    assert (out / "tokenizer.model").read_bytes() == (first / "tokenizer.model").read_bytes()
    assert (out / "model.safetensors").read_bytes() != (first / "model.safetensors").read_bytes()
    meta = json.loads((out / "planner.json").read_text())
    assert meta["steps"] == 2 and meta["size"] == "tiny"
    assert [run["steps"] for run in meta["after"]] == [3]

    from llmos.engine import load
    assert load(out).config["hidden_size"] == load(first).config["hidden_size"]


def test_models_that_went_on_from_one_model_average_into_one_the_engine_loads(tiny, more, tmp_path):
    import torch
    from safetensors.torch import load_file

    from llmos.engine import load
    from llmos.planner.average import average
    (first, _), (second, _) = tiny, more
    out = tmp_path / "soup"
    average([first, second], [3, 1], out)
    a, b, mean = (load_file(d / "model.safetensors") for d in (first, second, out))
    for name, t in mean.items():
        assert t.dtype == a[name].dtype
        want = (0.75 * a[name].float() + 0.25 * b[name].float()).to(t.dtype)
        assert torch.equal(t, want), name
    assert any(not torch.equal(mean[n], a[n]) for n in mean)
    meta = json.loads((out / "planner.json").read_text())
    assert [(m["weight"], m["steps"]) for m in meta["averaged"]] == [(0.75, 3), (0.25, 2)]
    assert meta["averaged"][1]["after"][0]["steps"] == 3 and meta["size"] == "tiny"
    assert (out / "tokenizer.model").read_bytes() == (first / "tokenizer.model").read_bytes()
    assert load(out).config["model_type"] == "qwen3_moe"

    r = train(tmp_path / "after-soup", "--init", str(out), "--steps", "1")
    assert "an average of 2 models" in r.stderr
    history = json.loads((tmp_path / "after-soup" / "planner.json").read_text())["after"]
    assert [m["steps"] for m in history[-1]["averaged"]] == [3, 2]


def test_averaging_into_one_of_the_models_replaces_it_whole(tiny, more, tmp_path):
    import shutil

    from llmos.planner.average import average
    (first, _), (second, _) = tiny, more
    shutil.copytree(first, tmp_path / "a")
    (tmp_path / "a").chmod(0o755)
    average([tmp_path / "a", second], [1, 1], tmp_path / "a")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]  # no work directory left behind
    assert (tmp_path / "a").stat().st_mode & 0o777 == 0o755    # nor a private one in its place
    assert json.loads((tmp_path / "a" / "planner.json").read_text())["averaged"][0]["steps"] == 3


def test_models_of_other_tokenizers_or_registries_are_refused_and_nothing_is_written(tiny, more, tmp_path):
    import shutil

    from llmos.planner.average import AverageError, average
    (first, _), (second, _) = tiny, more
    other = tmp_path / "other"
    shutil.copytree(second, other)
    (other / "tokenizer.model").write_bytes(b"another tokenizer")
    with pytest.raises(AverageError, match="train --init"):
        average([first, other], [1, 1], tmp_path / "out")
    shutil.copy(first / "tokenizer.model", other / "tokenizer.model")
    meta = json.loads((other / "planner.json").read_text())
    (other / "planner.json").write_text(json.dumps({**meta, "registry": "0000"}))
    with pytest.raises(AverageError, match="registries"):
        average([first, other], [1, 1], tmp_path / "out")
    with pytest.raises(AverageError, match="positive weight"):
        average([first, second], [1, 0], tmp_path / "out")
    with pytest.raises(AverageError, match="not a planner model"):
        average([first, tmp_path], [1, 1], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("mine")
    with pytest.raises(AverageError, match="holds more than a planner model"):
        average([first, second], [1, 1], tmp_path / "notes")
    assert (tmp_path / "notes" / "todo.txt").read_text() == "mine"

