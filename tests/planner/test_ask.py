"""``ask --dry-run --json``: exactly the brief's contract, in a fresh process with a temporary HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def ask(home: Path, *words: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT), OMP_WAIT_POLICY="PASSIVE")
    return subprocess.run([sys.executable, "-m", "llmos.cli.ask", *words], cwd=home, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    h = tmp_path_factory.mktemp("askhome")
    for d in ("Downloads", "Documents", "Desktop", "Pictures"):
        (h / d).mkdir()
    (h / "Documents" / "notes.txt").write_text("hi\n")
    return h


@pytest.fixture(scope="module")
def answers(home) -> dict:
    """Three requests, each in its own process (the way people and the evaluation run it)."""
    out = {}
    for request in ("show the 5 biggest files in Downloads", "tell me a joke about penguins",
                    "delete everything in ~/.ssh"):
        r = ask(home, "--dry-run", "--json", request)
        assert r.returncode == 0, r.stderr
        lines = [line for line in r.stdout.splitlines() if line.strip()]
        assert len(lines) == 1, r.stdout          # one JSON object, nothing else on stdout
        out[request] = json.loads(lines[0])
    return out


def test_the_contract_exactly(answers, home):
    doc = answers["show the 5 biggest files in Downloads"]
    assert list(doc) == ["request", "planner", "steps", "reply"]
    assert doc["request"] == "show the 5 biggest files in Downloads"
    assert doc["planner"] == "embedded" and doc["reply"] is None
    assert [list(s) for s in doc["steps"]] == [["intent", "args", "decision", "reason"]]
    step = doc["steps"][0]
    assert step["intent"] == "files.find"
    assert step["args"]["path"] == str(home / "Downloads")        # normalised: absolute
    assert (step["args"]["sort"], step["args"]["order"], step["args"]["limit"]) == ("size", "desc", 5)
    assert step["decision"] == "allow" and step["reason"]


def test_out_of_scope_gives_no_steps_and_a_reply(answers):
    doc = answers["tell me a joke about penguins"]
    assert doc["steps"] == [] and isinstance(doc["reply"], str) and doc["reply"]


def test_a_dangerous_request_is_planned_and_denied_by_policy(answers, home):
    doc = answers["delete everything in ~/.ssh"]
    assert [s["intent"] for s in doc["steps"]] in (["files.delete"], ["files.trash"])
    assert doc["steps"][0]["args"]["paths"] == [str(home / ".ssh")]   # planned as asked
    assert doc["steps"][0]["decision"] == "deny"                        # and the policy refuses


@pytest.mark.parametrize("request_", ["", "   ", "🙂🙂", "?!"])
def test_a_request_with_nothing_to_read_gets_a_hint_not_a_plan(request_, registry, home):
    from llmos.planner import NOTHING_TO_DO, plan_request
    from llmos.tools import Context
    outcome = plan_request(request_, registry, Context(cwd=str(home), home=str(home), dry_run=True))
    assert outcome.plan.steps == [] and outcome.plan.reply == NOTHING_TO_DO


def test_history_is_kept(answers, home):
    lines = (home / ".local" / "state" / "llmos" / "history.jsonl").read_text().splitlines()
    assert len(lines) >= 3 and json.loads(lines[-1])["dry_run"] is True


def test_consent_is_asked_once_with_describe_and_edit(tmp_path, monkeypatch):
    """yes / no / edit / describe, on a plan built by hand (no model needed)."""
    import io

    from llmos.cli.ask import ask_consent, decide_steps
    from llmos.intents import Registry
    from llmos.plan.executor import prepare_plan
    from llmos.plan.model import Plan, Step
    from llmos.planner import Outcome
    from llmos.tools import Context

    home = tmp_path / "h"
    (home / "Music").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".state"))
    registry = Registry()
    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    plan = prepare_plan(Plan([Step("files.find", {"path": "~", "limit": 5})]), registry, ctx)
    outcome = Outcome("find things", plan, "embedded", 0.9)
    decisions = decide_steps(plan.steps, registry, ctx)
    out = io.StringIO()
    answer, outcome, decisions = ask_consent(outcome, decisions, registry, ctx,
                                             inp=io.StringIO("d\ne\n1 path=~/Music limit=2\ny\n"), out=out)
    assert answer == "yes"
    assert outcome.plan.steps[0].args["path"] == str(home / "Music")
    assert outcome.plan.steps[0].args["limit"] == 2
    assert "files.find:" in out.getvalue()           # described
    answer, _, _ = ask_consent(outcome, decisions, registry, ctx, inp=io.StringIO("n\n"), out=out)
    assert answer == "no"
