"""The planner's numpy forward (llmos/planner/npmodel.py) against transformers and the engine."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from llmos.engine import ModelError
from llmos.planner.npmodel import PlannerModel, supports

from .conftest import SHIPPED, random_checkpoint


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).max() / np.abs(b).max())


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    return random_checkpoint(tmp_path_factory.mktemp("np") / "m", seed=3)


def test_logits_match_transformers_through_the_cache(checkpoint):
    import torch
    from transformers import AutoModelForCausalLM

    ids = [1] + list(range(40, 75))
    reference = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=torch.float32).eval()
    with torch.no_grad():
        want = reference(torch.tensor([ids])).logits[0].numpy()
    feed = PlannerModel(checkpoint).session(64)
    # a prompt, then single tokens, then several at once: every path through the KV cache
    got = {6: feed(ids[:7])}
    for i in range(7, 12):
        got[i] = feed([ids[i]])
    got[len(ids) - 1] = feed(ids[12:])
    for position, logits in got.items():
        assert _rel(logits, want[position]) < 1e-4, position


def test_the_shipped_model_plans_alike_on_numpy_and_on_the_engine(registry):
    from llmos.planner.grammar import Grammar
    from llmos.planner.models import EmbeddedPlanner

    grammar = Grammar.for_registry(registry)
    numpy_planner, engine_planner = EmbeddedPlanner(backend="numpy"), EmbeddedPlanner(backend="engine")
    assert (numpy_planner.backend, engine_planner.backend) == ("numpy", "engine")
    prompt = numpy_planner.tokenizer.prompt("find the 3 largest videos in ~/Videos")
    assert _rel(numpy_planner.start(64)(prompt), engine_planner.start(64)(prompt)) < 1e-4
    for request in ["show the 5 biggest files in my Downloads", "把下载里的pdf都删掉", "ping example.org",
                    "what is the capital of France", "find logs older than 3 days in /var/log and trash them"]:
        a, b = numpy_planner.draft(request, grammar), engine_planner.draft(request, grammar)
        assert a.text == b.text, request
        assert a.confidence == pytest.approx(b.confidence, abs=1e-3)


def test_a_request_longer_than_the_trained_context_still_plans(registry):
    from llmos.planner.grammar import Grammar
    from llmos.planner.models import EmbeddedPlanner

    planner = EmbeddedPlanner(backend="numpy")
    request = "please, " * 150 + "show the 5 biggest files in my Downloads"
    assert len(planner.tokenizer.prompt(request)) > 256        # max_position_embeddings
    assert planner.draft(request, Grammar.for_registry(registry)).decoded.finished


def test_ask_plans_without_importing_torch(tmp_path):
    code = ("import sys, json; from llmos.cli.ask import main; code = main(['--dry-run', '--json', "
            "'show the 5 biggest files in Downloads']); print(json.dumps('torch' in sys.modules))")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    answer, torch_imported = out.stdout.strip().rsplit("\n", 1)
    assert json.loads(answer)["steps"][0]["intent"] == "files.find"
    assert json.loads(torch_imported) is False


def _copy(checkpoint, tmp_path):
    import shutil
    return shutil.copytree(checkpoint, tmp_path / "copy")


def _rewrite_header(path, change) -> None:
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    change(header)
    body = json.dumps(header).encode()
    path.write_bytes(len(body).to_bytes(8, "little") + body + raw[8 + n:])


def test_a_tensor_of_the_wrong_shape_is_refused(checkpoint, tmp_path):
    directory = _copy(checkpoint, tmp_path)
    name = "model.layers.0.mlp.gate.weight"

    def transpose(header):  # same bytes, another shape: only the config can tell
        header[name]["shape"] = header[name]["shape"][::-1]
    _rewrite_header(directory / "model.safetensors", transpose)
    with pytest.raises(ModelError, match="mlp.gate.weight.*config implies"):
        PlannerModel(directory)


def test_a_missing_tensor_is_refused(checkpoint, tmp_path):
    directory = _copy(checkpoint, tmp_path)
    _rewrite_header(directory / "model.safetensors", lambda h: h.pop("model.norm.weight"))
    with pytest.raises(ModelError, match="missing tensor 'model.norm.weight'"):
        PlannerModel(directory)


def test_a_truncated_file_is_refused(checkpoint, tmp_path):
    directory = _copy(checkpoint, tmp_path)
    path = directory / "model.safetensors"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ModelError, match="truncated or corrupt"):
        PlannerModel(directory)


def test_other_architectures_go_to_the_engine(checkpoint, tmp_path):
    directory = _copy(checkpoint, tmp_path)
    config = json.loads((directory / "config.json").read_text())
    (directory / "config.json").write_text(json.dumps({**config, "model_type": "mixtral"}))
    assert supports(SHIPPED) and supports(checkpoint) and not supports(directory)
    with pytest.raises(ModelError, match="runs qwen3_moe, not 'mixtral'"):
        PlannerModel(directory)


def test_token_ids_outside_the_vocabulary_are_refused(checkpoint):
    feed = PlannerModel(checkpoint).session(8)
    with pytest.raises(ModelError, match="vocabulary"):
        feed([10**6])
    with pytest.raises(ModelError, match="context holds 8"):
        feed(list(range(9)))
