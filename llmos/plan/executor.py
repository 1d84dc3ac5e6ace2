"""Validate plans before anything runs, then run them step by step.

Every handler call goes through :meth:`Executor.execute_step`: the one place
where a call is decided (policy), performed (runner: in-process now, the
sandboxed worker later) and recorded.  There is no second code path.
"""

from __future__ import annotations

import importlib
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence

import jsonschema

from llmos.errors import LlmosError, PlanError, PolicyDenied
from llmos.intents.effects import effects_of
from llmos.intents.manifest import Intent
from llmos.intents.registry import Registry
from llmos.plan.model import Plan, Step
from llmos.plan.normalise import normalise_args
from llmos.plan.refs import is_ref, parse_ref, resolve_ref
from llmos.tools import Context


# --- validation ------------------------------------------------------------------------

def _refs_in(args: dict) -> dict[str, Any]:
    """Arguments that are, or contain, a $ref."""
    return {k: v for k, v in args.items()
            if is_ref(v) or (isinstance(v, list) and any(is_ref(x) for x in v))}


def validate_args(intent: Intent, args: dict) -> None:
    """Check normalised arguments against the intent's schema; ``$ref`` values are checked at run time."""
    props = intent.properties
    for name in args:
        if name not in props:
            known = ", ".join(props) or "none"
            raise PlanError(f"{intent.name} has no argument '{name}'; its arguments are: {known}")
    pending = _refs_in(args)
    instance = {k: v for k, v in args.items() if k not in pending}
    validator = jsonschema.Draft202012Validator(intent.parameters)
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.path))):
        if error.validator == "required" and any(f"'{k}'" in error.message for k in pending):
            continue
        if error.validator in ("anyOf", "oneOf") and pending:
            continue
        raise PlanError(_explain(intent, error))


def _explain(intent: Intent, error: jsonschema.ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1]
        what = intent.properties.get(missing, {}).get("description", "")
        return f"{intent.name} needs argument '{missing}'" + (f" ({what})" if what else "")
    if error.validator in ("anyOf", "oneOf") and not where:
        options = [" and ".join(s.get("required", [])) for s in error.validator_value]
        return f"{intent.name} needs one of: {', '.join(options)}"
    if error.validator == "enum":
        return (f"{intent.name}: argument '{where}' is {error.instance!r}; "
                f"choose one of {', '.join(map(str, error.validator_value))}")
    return f"{intent.name}: argument '{where or '(all)'}': {error.message}"


def prepare_step(registry: Registry, step: Step, index: int, ctx: Context,
                 earlier: list[Step] | None = None) -> Step:
    """Normalise and validate one step; ``$ref`` must point at an earlier step's output."""
    intent = registry.get(step.intent)
    try:
        args = normalise_args(intent, step.args, ctx.cwd, ctx.home)
    except PlanError as e:
        raise PlanError(f"step {index}: {e}") from None
    for name, value in _refs_in(args).items():
        for ref in (value if isinstance(value, list) else [value]):
            if not is_ref(ref):
                continue
            target, parts = parse_ref(ref["$ref"])
            if target >= index:
                raise PlanError(f"step {index} ({intent.name}): $ref {ref['$ref']} must name an earlier step")
            source = registry.get((earlier or [])[target].intent) if earlier else None
            fields = source.output_fields if source else None
            if fields is not None and parts and parts[0] not in fields:
                raise PlanError(f"step {index} ({intent.name}): $ref {ref['$ref']}: {source.name} has no "
                                f"output '{parts[0]}'; it gives {', '.join(sorted(fields))}")
    try:
        validate_args(intent, args)
    except PlanError as e:
        raise PlanError(f"step {index}: {e}") from None
    return Step(intent.name, args)


def prepare_plan(plan: Plan, registry: Registry, ctx: Context) -> Plan:
    """The whole plan normalised and validated, or a PlanError before anything runs."""
    steps: list[Step] = []
    for i, step in enumerate(plan.steps):
        steps.append(prepare_step(registry, step, i, ctx, earlier=plan.steps))
    return Plan(steps, plan.reply, plan.request)


def resolve_step(registry: Registry, step: Step, index: int, results: list[dict], ctx: Context) -> Step:
    """Substitute earlier results for ``$ref`` values, then normalise and validate again."""
    intent = registry.get(step.intent)
    args: dict[str, Any] = {}
    for name, value in step.args.items():
        prop = intent.properties.get(name, {})
        if is_ref(value):
            value = resolve_ref(value["$ref"], results)
        elif isinstance(value, list):
            resolved: list[Any] = []
            for v in value:
                r = resolve_ref(v["$ref"], results) if is_ref(v) else v
                resolved.extend(r if is_ref(v) and isinstance(r, list) else [r])
            value = resolved
        if prop.get("type") == "array" and not isinstance(value, list):
            value = [value]
        args[name] = value
    return prepare_step(registry, Step(intent.name, args), index, ctx)


# --- running ---------------------------------------------------------------------------

class Runner(Protocol):
    def __call__(self, intent: Intent, args: dict, ctx: Context) -> dict: ...


class Gate(Protocol):
    """Decides one concrete call, seen after the plan's ``earlier`` steps (intent, args);
    returns an object with ``verdict``, ``reason`` and ``rule``."""

    def __call__(self, intent: Intent, args: dict, ctx: Context,
                 earlier: Sequence[tuple[Intent, dict]] = ()) -> Any: ...


def handler_of(intent: Intent) -> Callable[[dict, Context], dict]:
    kind, module, func = intent.handler.split(":")
    if kind != "builtin":
        raise LlmosError(f"{intent.name}: handler kind '{kind}' is not supported yet")
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as e:
        raise LlmosError(f"{intent.name}: handler {intent.handler} cannot be loaded: {e}") from None


def run_in_process(intent: Intent, args: dict, ctx: Context) -> dict:
    """Call the handler here; the result must survive a JSON round trip (it will cross a process)."""
    result = handler_of(intent)(args, ctx)
    return json.loads(json.dumps(result))


@dataclass
class StepResult:
    index: int
    intent: str
    args: dict
    status: str                     # ok | error | denied | dry-run | skipped
    result: dict | None = None
    error: str | None = None
    decision: Any = None
    duration_ms: float = 0.0
    effects: list = field(default_factory=list)

    def to_json(self) -> dict:
        out = {"index": self.index, "intent": self.intent, "args": self.args, "status": self.status,
               "result": self.result, "error": self.error, "duration_ms": round(self.duration_ms, 3)}
        if self.decision is not None:
            out["decision"] = self.decision.verdict
            out["reason"] = self.decision.reason
            out["rule"] = self.decision.rule
        return out


class Executor:
    """Runs validated plans, one step at a time, through one call site."""

    def __init__(self, registry: Registry, ctx: Context, *, gate: Gate | None = None,
                 runner: Runner = run_in_process) -> None:
        self.registry, self.ctx, self.gate, self.runner = registry, ctx, gate, runner

    def execute_step(self, step: Step, index: int = 0, earlier: Sequence[Step] = ()) -> StepResult:
        """Decide, then perform, one concrete call, after the plan's ``earlier`` steps.
        The only place a handler is invoked."""
        intent = self.registry.get(step.intent)
        started = time.monotonic()
        outcome = StepResult(index, intent.name, step.args, "ok",
                             effects=[vars(e) for e in effects_of(intent, step.args)])
        try:
            if self.gate is not None:
                outcome.decision = self.gate(intent, step.args, self.ctx,
                                             earlier=[(self.registry.get(s.intent), s.args) for s in earlier])
                verdict = outcome.decision.verdict
                # A dry run shows an unanswered "ask" as it is; only a deny stops it.
                if verdict == "deny" or (verdict != "allow" and not self.ctx.dry_run):
                    raise PolicyDenied(f"{outcome.decision.reason} (rule {outcome.decision.rule})",
                                       outcome.decision)
            if self.ctx.dry_run:
                outcome.status = "dry-run"
            else:
                outcome.result = self.runner(intent, step.args, self.ctx)
        except PolicyDenied as e:
            outcome.status, outcome.error = "denied", str(e)
        except LlmosError as e:
            outcome.status, outcome.error = "error", str(e)
        outcome.duration_ms = (time.monotonic() - started) * 1000
        return outcome

    def run(self, plan: Plan) -> list[StepResult]:
        """Validate the whole plan first, then run in order; stop at the first failure."""
        prepared = prepare_plan(plan, self.registry, self.ctx)
        results: list[StepResult] = []
        outputs: list[dict] = []
        for i, step in enumerate(prepared.steps):
            if results and results[-1].status not in ("ok", "dry-run"):
                results.append(StepResult(i, step.intent, step.args, "skipped",
                                          error="an earlier step did not succeed"))
                continue
            if self.ctx.dry_run and _refs_in(step.args):
                concrete = step  # nothing ran, so there is nothing to substitute
            else:
                try:
                    concrete = resolve_step(self.registry, step, i, outputs, self.ctx)
                except PlanError as e:
                    results.append(StepResult(i, step.intent, step.args, "error", error=str(e)))
                    continue
            outcome = self.execute_step(concrete, i, earlier=prepared.steps[:i])
            results.append(outcome)
            outputs.append(outcome.result or {})
        return results
