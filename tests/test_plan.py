import json

import pytest

from llmos.errors import PlanError
from llmos.intents import Registry
from llmos.plan import Plan, Step
from llmos.plan.executor import Executor, prepare_plan
from llmos.plan.refs import parse_ref
from llmos.tools import Context
from tests.conftest import write_manifest

FAIL = "builtin:tests.handlers:fail"
OUTPUT = "output: {type: object, properties: {args: {type: object}, paths: {type: array}}}\n"


@pytest.fixture
def registry(tmp_path):
    d = tmp_path / "intents"
    write_manifest(d, "demo.find", extra=OUTPUT)
    write_manifest(d, "demo.fail", handler=FAIL)
    write_manifest(d, "demo.touch", handler="builtin:tests.handlers:touch")
    (d / "demo.take.yaml").write_text(
        "name: demo.take\ntitle: Take paths\ndescription: Takes a list of paths for the tests.\n"
        "parameters:\n  type: object\n  properties:\n"
        "    paths: {type: array, items: {type: string, format: path}, minItems: 1}\n"
        "  required: [paths]\n  additionalProperties: false\n"
        "effects: {writes: [paths]}\nhandler: builtin:tests.handlers:echo\n")
    return Registry([d])


def test_plan_json_round_trip():
    text = json.dumps({"request": "r", "steps": [{"intent": "demo.find", "args": {"path": "~"}},
                                                 {"intent": "demo.take", "args": {"paths": {"$ref": "steps[0].paths"}}}],
                       "reply": None})
    plan = Plan.loads(text)
    assert plan.steps[1] == Step("demo.take", {"paths": {"$ref": "steps[0].paths"}})
    assert json.loads(plan.dumps()) == json.loads(text)
    assert Plan.loads(plan.dumps()) == plan


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ('"a string"', "JSON object"),
    ('{"steps": {}}', "must be a list"),
    ('{"steps": [{"args": {}}]}', "step 0"),
    ('{"steps": [{"intent": "x", "args": []}]}', "must be an object"),
    ('{"steps": [], "rm": true}', "unexpected"),
])
def test_malformed_plans_are_refused(text, message):
    with pytest.raises(PlanError, match=message):
        Plan.loads(text)


def test_prepare_normalises_fills_defaults_and_keeps_refs(registry, ctx, home):
    plan = Plan([Step("demo.find", {"path": "~/Music", "limit": "3"}),
                 Step("demo.take", {"paths": {"$ref": "steps[0].paths"}})])
    prepared = prepare_plan(plan, registry, ctx)
    assert prepared.steps[0].args == {"path": str(home / "Music"), "limit": 3}
    assert prepared.steps[1].args == {"paths": {"$ref": "steps[0].paths"}}


# Step 0 of every plan below touches a file: it must not exist afterwards.
@pytest.mark.parametrize("steps, message", [
    ([Step("demo.nope", {})], "unknown intent 'demo.nope'"),
    ([Step("demo.find", {})], "needs argument 'path'"),
    ([Step("demo.find", {"path": "/x", "limit": "many"})], "argument 'limit'"),
    ([Step("demo.find", {"path": "/x", "limit": 0})], "argument 'limit'"),
    ([Step("demo.find", {"path": "/x", "colour": "red"})], "no argument 'colour'"),
    ([Step("demo.take", {"paths": {"$ref": "steps[1].paths"}})], "earlier step"),
    ([Step("demo.take", {"paths": {"$ref": "steps[5].paths"}})], "earlier step"),
    ([Step("demo.find", {"path": "/x"}), Step("demo.take", {"paths": {"$ref": "steps[1].nothing"}})],
     "no output 'nothing'"),
    ([Step("demo.take", {"paths": {"$ref": "step0.paths"}})], "bad \\$ref"),
])
def test_bad_plans_are_rejected_before_anything_runs(registry, ctx, steps, message, tmp_path):
    marker = tmp_path / "ran"
    plan = Plan([Step("demo.touch", {"path": str(marker)})] + steps)
    with pytest.raises(PlanError, match=message):
        Executor(registry, ctx).run(plan)
    assert not marker.exists()


def test_refs_pass_results_between_steps(registry, ctx, home):
    plan = Plan([Step("demo.find", {"path": "a b"}), Step("demo.take", {"paths": {"$ref": "steps[0].paths"}})])
    results = Executor(registry, ctx).run(plan)
    assert [r.status for r in results] == ["ok", "ok"]
    assert results[1].result["args"]["paths"] == [str(home / "a b")]


def test_stops_at_first_error(registry, ctx):
    plan = Plan([Step("demo.find", {"path": "/x"}), Step("demo.fail", {"path": "/y"}),
                 Step("demo.find", {"path": "/z"})])
    results = Executor(registry, ctx).run(plan)
    assert [r.status for r in results] == ["ok", "error", "skipped"]
    assert "always fails" in results[1].error
    assert results[2].result is None


def test_dry_run_runs_nothing_and_reports_effects(registry, home):
    ctx = Context(cwd=str(home), home=str(home), uid=0, dry_run=True)
    plan = Plan([Step("demo.fail", {"path": "x"}), Step("demo.take", {"paths": {"$ref": "steps[0].paths"}})])
    results = Executor(registry, ctx).run(plan)
    assert [r.status for r in results] == ["dry-run", "dry-run"]
    assert results[0].effects == [{"kind": "read", "target": str(home / "x"), "arg": "path", "facts": None, "within": ()}]
    assert results[1].effects[0]["target"] == "<unresolved>"


def test_gate_decides_every_call(registry, ctx):
    seen = []

    class Deny:
        verdict, reason, rule = "deny", "not today", "test"

    def gate(intent, args, ctx, earlier=()):
        seen.append((intent.name, args["path"]))
        return Deny()

    results = Executor(registry, ctx, gate=gate).run(Plan([Step("demo.find", {"path": "/x"})]))
    assert seen == [("demo.find", "/x")]
    assert results[0].status == "denied" and results[0].error == "not today (rule test)"


def test_positive_twin_a_valid_plan_does_run(registry, ctx, tmp_path):
    marker = tmp_path / "ran"
    results = Executor(registry, ctx).run(Plan([Step("demo.touch", {"path": str(marker)})]))
    assert results[0].status == "ok" and marker.exists()
