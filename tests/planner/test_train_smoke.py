"""The training pipeline end to end, three steps on a tiny config (CI never retrains the shipped model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_three_training_steps_make_a_model_the_engine_loads(tmp_path):
    out = tmp_path / "model"
    r = subprocess.run([sys.executable, "-m", "llmos.planner.train", "--size", "tiny", "--steps", "3",
                        "--per-template", "1", "--minutes", "0", "--out", str(out)],
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "step 3/3" in r.stderr
    for name in ("config.json", "model.safetensors", "tokenizer.model", "tokenizer_config.json", "planner.json", "words.txt"):
        assert (out / name).exists(), name
    assert json.loads((out / "planner.json").read_text())["steps"] == 3

    from llmos.engine import load
    model = load(out)
    assert model.config["model_type"] == "qwen3_moe"
