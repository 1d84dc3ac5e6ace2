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


def test_training_goes_on_from_a_model_with_its_tokenizer_and_says_so(tiny, tmp_path):
    first, _ = tiny
    out = tmp_path / "more"
    r = train(out, "--init", str(first), "--steps", "2")
    assert "going on from" in r.stderr and "step 2/2" in r.stderr
    assert (out / "tokenizer.model").read_bytes() == (first / "tokenizer.model").read_bytes()
    assert (out / "model.safetensors").read_bytes() != (first / "model.safetensors").read_bytes()
    meta = json.loads((out / "planner.json").read_text())
    assert meta["steps"] == 2 and meta["size"] == "tiny"
    assert [run["steps"] for run in meta["after"]] == [3]

    from llmos.engine import load
    assert load(out).config["hidden_size"] == load(first).config["hidden_size"]
