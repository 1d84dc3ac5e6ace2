"""The shipped planner loads through llmos.engine and plans held-out requests it should get right."""

from __future__ import annotations

import json
import os

import pytest

from llmos.planner import plan_request
from llmos.tools import Context

from .conftest import SHIPPED


def test_shipped_model_fits_the_budget_and_the_registry(intents):
    size = sum(f.stat().st_size for f in SHIPPED.iterdir())
    assert size <= 25 * 1024 * 1024
    config = json.loads((SHIPPED / "config.json").read_text())
    assert config["model_type"] == "qwen3_moe"
    assert config.get("num_experts", config.get("num_local_experts")) >= 8
    meta = json.loads((SHIPPED / "planner.json").read_text())
    assert set(meta["intents"]) <= set(intents)


def test_loads_through_the_engine():
    from llmos.engine import load
    model = load(SHIPPED)
    assert model.config["model_type"] == "qwen3_moe" and model.tokenizer is not None


# Phrasings written for this test, not taken from the templates or the manifests.
HELD_OUT = [
    ("list the 3 largest files in my Documents folder",
     [("files.find", {"path": "{home}/Documents", "sort": "size", "order": "desc", "limit": 3})]),
    ("is nginx running?", [("process.find", {"name": "nginx"})]),
    ("ping debian.org", [("net.ping", {"host": "debian.org", "count": 4})]),
    ("how much memory do I have", [("system.info", {"aspect": "memory"})]),
    ("what's the weather in Paris", []),
]


@pytest.mark.parametrize("request_, want", HELD_OUT)
def test_plans_held_out_requests(request_, want, registry, home):
    for d in ("Documents", "Downloads"):
        (home / d).mkdir(exist_ok=True)
    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    outcome = plan_request(request_, registry, ctx, use_config=False)
    got = [(s.intent, {k: v for k, v in s.args.items() if k in dict(w)}) for s, (_, w) in
           zip(outcome.plan.steps, want)] if len(outcome.plan.steps) == len(want) else outcome.plan.steps
    expected = [(i, {k: (v.format(home=home) if isinstance(v, str) else v) for k, v in a.items()}) for i, a in want]
    assert got == expected, outcome.text
