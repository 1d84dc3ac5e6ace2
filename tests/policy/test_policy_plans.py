"""Decisions across a plan's steps: running what it downloaded; what an earlier step gives."""

from __future__ import annotations

import pytest

from llmos.cli.ask import decide_steps
from llmos.intents import Registry
from llmos.intents.effects import effects_of
from llmos.plan.executor import Executor, prepare_plan
from llmos.plan.model import Plan, Step
from llmos.policy.gate import executor_hooks
from llmos.policy import ASK, DENY, Effect, Principal, decide, default_rules
from llmos.policy.plans import runs_a_download
from llmos.policy.rules import parse_rules
from llmos.policy.types import UNRESOLVED_TARGET
from llmos.tools import Context

FETCH = ("net.fetch", {"url": "https://get.example.com/install.sh", "destination": "/tmp/install.sh"})


@pytest.fixture
def registry():
    return Registry()


def verdict_of_last(registry, home, steps):
    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    plan = prepare_plan(Plan([Step(i, a) for i, a in steps]), registry, ctx)
    effects = [effects_of(registry.get(s.intent), s.args) for s in plan.steps]
    return runs_a_download(effects[:-1], effects[-1], plan.steps[-1].args, str(home), str(home))


@pytest.mark.parametrize("steps, denied", [
    # the download named as the program or as its argument, absolute, relative or by $ref
    ([FETCH, ("process.launch", {"command": "bash", "args": ["/tmp/install.sh"]})], True),
    ([FETCH, ("process.launch", {"command": "/tmp/install.sh"})], True),
    ([("net.fetch", {"url": "https://get.example.com/tool"}), ("process.launch", {"command": "./Downloads/tool"})], True),
    ([("net.fetch", {"url": "https://get.example.com/run.py"}), ("process.launch", {"command": "python3", "args": ["run.py"]})], True),
    # an interpreter after a download may be running it, whatever it is given
    ([FETCH, ("process.launch", {"command": "sh"})], True),
    ([FETCH, ("system.info", {"aspect": "os"}), ("process.launch", {"command": "sudo", "args": ["true"]})], True),
    # a program that is no interpreter and names no download; nothing downloaded; no program run
    ([FETCH, ("process.launch", {"command": "firefox", "args": ["--private-window"]})], False),
    ([("process.launch", {"command": "bash"})], False),
    ([("process.launch", {"command": "bash"}), FETCH], False),
    ([FETCH, ("files.read", {"path": "/tmp/install.sh"})], False),
])
def test_running_what_the_plan_downloaded(registry, home, steps, denied):
    reason = verdict_of_last(registry, home, steps)
    assert (reason is not None) == denied
    if denied:
        assert "download" in reason and "yourself" in reason


def test_ask_shows_the_running_step_denied_and_the_executor_stops_there(registry, home):
    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    steps = [Step(*FETCH), Step("process.launch", {"command": "bash", "args": ["/tmp/install.sh"]})]
    plan = prepare_plan(Plan(steps), registry, ctx)
    decisions = decide_steps(plan.steps, registry, ctx)
    assert decisions[0][0] == "ask" and decisions[1][0] == "deny"
    assert "step 1 downloads" in decisions[1][1]
    # the same decision where plans run: the executor's gate sees the earlier steps
    results = Executor(registry, ctx, **executor_hooks()).run(Plan(steps))
    assert [r.status for r in results] == ["dry-run", "denied"]
    assert results[1].decision.rule == "plan"
    # --yes never turns it into an allow
    results = Executor(registry, ctx, **executor_hooks(assume_yes=True)).run(Plan(steps))
    assert results[1].status == "denied"


# --- what an earlier step gives: denied already where every place it can lie is -----------

U = Principal(uid=1000, user="u", home="/home/u", session="s1")


def unresolved(kind, *within):
    return Effect(kind, UNRESOLVED_TARGET, "paths", within=within)


@pytest.mark.parametrize("effect, verdict", [
    (unresolved("delete", "/boot"), DENY),                 # everything in /boot is denied
    (unresolved("write", "/etc"), DENY),                   # the secrets in /etc are denied too
    (unresolved("delete", "/home/u/Downloads"), ASK),      # inside home: asked once known
    (unresolved("delete", "/"), ASK),                      # home and /tmp lie inside /
    (unresolved("delete", "/usr", "/home/u/x"), ASK),      # one place that is not denied
    (unresolved("delete"), ASK),                           # nowhere known
    (unresolved("read", "relative/path"), ASK),
])
def test_results_of_an_earlier_step_are_judged_where_they_lie(effect, verdict):
    assert decide(U, "files.delete", {}, [effect], default_rules()).verdict == verdict


def test_a_rule_that_gives_less_inside_the_place_keeps_the_ask():
    rules = default_rules() + parse_rules(
        "version: 1\nrules:\n  - {effect: delete, path: /srv/data/cache, verdict: ask}\n", file="u", layer=2)
    assert decide(U, "files.delete", {}, [unresolved("delete", "/srv")], default_rules()).verdict == DENY
    assert decide(U, "files.delete", {}, [unresolved("delete", "/srv")], rules).verdict == ASK


@pytest.mark.parametrize("steps, verdict", [
    ([("files.find", {"path": "/boot", "type": "dir"}), ("files.delete", {"paths": {"$ref": "steps[0].paths"}})],
     "deny"),
    ([("files.find", {"path": "/etc", "ext": "conf"}), ("files.trash", {"paths": {"$ref": "steps[0].paths"}})],
     "deny"),
    # through a step that itself works on what an earlier one gave
    ([("files.find", {"path": "/usr/lib", "ext": "so"}), ("files.trash", {"paths": {"$ref": "steps[0].paths"}}),
      ("files.delete", {"paths": {"$ref": "steps[1].paths"}})], "deny"),
    ([("files.find", {"path": "~/Downloads", "ext": "tmp"}), ("files.delete", {"paths": {"$ref": "steps[0].paths"}})],
     "ask"),
    ([("net.fetch", {"url": "https://example.com/a.zip"}), ("files.delete", {"paths": [{"$ref": "steps[0].path"}]})],
     "ask"),
    ([("net.fetch", {"url": "https://example.com/a.zip", "destination": "/usr/local/a.zip"}),
      ("files.extract", {"archive": {"$ref": "steps[0].path"}, "destination": "~/x"})], "ask"),
])
def test_ask_decides_a_step_on_what_the_step_before_could_reach(registry, home, steps, verdict):
    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    plan = prepare_plan(Plan([Step(i, a) for i, a in steps]), registry, ctx)
    decisions = decide_steps(plan.steps, registry, ctx)
    assert decisions[-1][0] == verdict
    if verdict == "deny":
        assert "what an earlier step gives in /" in decisions[-1][1]
