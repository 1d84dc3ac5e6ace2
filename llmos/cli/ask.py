"""``ask``: say what you want; see the plan, its effects and the policy's decision; run it.

    ask "show the 5 biggest files in Downloads"
    ask --dry-run --json "删除 ~/.ssh"      # one JSON object (the brief's contract), exit 0

The planner proposes, the policy decides: every step is shown with its concrete
effects and the decision (allow / ask / deny) and its reason; steps that need
consent are asked about once, as a plan (yes / no / edit arguments / describe);
what is allowed runs through ``llmos.agent.guarded_executor`` (policy, audit, sandbox).  ``--yes``
answers *ask*, never *deny*.  Each request is appended to
``$XDG_STATE_HOME/llmos/history.jsonl``.

Exit status: 0 done (always for ``--dry-run --json``), 1 a step failed,
2 no usable plan, 3 refused by policy or by you.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Sequence

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_DENIED = 0, 1, 2, 3


# --- decisions (dry runs decide without asking) ------------------------------------------

def decide_steps(steps: list, registry: Any, ctx: Any) -> list[tuple[str, str]]:
    """(verdict, reason) per prepared step, from the policy engine; never from the planner."""
    from llmos.intents.effects import plan_effects
    from llmos.policy.consent import NoConsent
    from llmos.policy.facts import current_principal
    from llmos.policy.gate import authorize
    from llmos.policy.plans import runs_a_download

    principal = current_principal(via="cli")
    out = []
    effects = plan_effects([(registry.get(step.intent), step.args) for step in steps])
    for i, step in enumerate(steps):
        intent = registry.get(step.intent)
        hazard = runs_a_download(effects[:i], effects[i], step.args, ctx.cwd, ctx.home)
        decision = authorize(principal, intent.name, step.args, effects[i], consent=NoConsent(),
                             annotations=intent.annotations, ask=False, hazard=hazard)
        out.append((decision.verdict, decision.reason))
    return out


def contract(outcome: Any, decisions: list[tuple[str, str]]) -> dict:
    """The ``ask --dry-run --json`` object, exactly as docs/contracts.md and the brief define it."""
    return {"request": outcome.request, "planner": outcome.planner,
            "steps": [{"intent": s.intent, "args": s.args, "decision": v, "reason": r}
                      for s, (v, r) in zip(outcome.plan.steps, decisions)],
            "reply": outcome.plan.reply}


# --- showing a plan ------------------------------------------------------------------------

def _value(v: Any) -> str:
    if isinstance(v, dict) and "$ref" in v:
        return f"<{v['$ref']}>"
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v)
    return json.dumps(v, ensure_ascii=False) if isinstance(v, str) and (" " in v or not v) else str(v)


def show_plan(outcome: Any, decisions: list[tuple[str, str]], registry: Any, out=sys.stdout) -> None:
    from llmos.intents.effects import effects_of

    if not outcome.plan.steps:
        print(outcome.plan.reply or "Nothing to do.", file=out)
        return
    marks = {"allow": "✓ allow", "ask": "? ask", "deny": "✗ deny"}
    for i, (step, (verdict, reason)) in enumerate(zip(outcome.plan.steps, decisions), start=1):
        intent = registry.get(step.intent)
        args = "  ".join(f"{k}={_value(v)}" for k, v in step.args.items())
        print(f"{i}. {intent.title} ({intent.name})  {args}", file=out)
        for e in effects_of(intent, step.args):
            target = "the result of an earlier step" if e.target == "<unresolved>" else e.target
            print(f"     {e.kind:8} {target}", file=out)
        print(f"     {marks.get(verdict, verdict)}: {reason}", file=out)
    print(f"   (planned by the {outcome.planner} planner, confidence {outcome.confidence:.2f})", file=out)


def describe(outcome: Any, registry: Any, out=sys.stdout) -> None:
    for i, step in enumerate(outcome.plan.steps, start=1):
        intent = registry.get(step.intent)
        print(f"{i}. {intent.name}: {intent.description}", file=out)
        for name, prop in intent.properties.items():
            if name in step.args:
                print(f"     {name} = {_value(step.args[name])}  — {prop.get('description', '')}", file=out)


# --- consent for the whole plan -------------------------------------------------------------

def ask_consent(outcome: Any, decisions: list, registry: Any, ctx: Any,
                inp=None, out=sys.stderr) -> tuple[str, Any, list]:
    """Ask once: yes / no / edit / describe.  Returns (answer, outcome, decisions)."""
    from llmos.plan.model import Step
    from llmos.plan.executor import prepare_plan

    try:
        tty = inp or open("/dev/tty", encoding="utf-8")
    except OSError:
        return "no", outcome, decisions
    while True:
        print("Run the steps marked '?'? [y]es / [n]o / [e]dit arguments / [d]escribe: ", end="", file=out, flush=True)
        answer = tty.readline().strip().lower()
        if answer in ("y", "yes"):
            return "yes", outcome, decisions
        if answer in ("", "n", "no", "q"):
            return "no", outcome, decisions
        if answer in ("d", "describe"):
            describe(outcome, registry, out)
        elif answer in ("e", "edit"):
            print("  step and new arguments, e.g.  1 path=~/Music limit=10: ", end="", file=out, flush=True)
            words = tty.readline().split()
            try:
                from llmos.cli.ctl import parse_assignments
                index = int(words[0]) - 1
                step = outcome.plan.steps[index]
                args = {**step.args, **parse_assignments(words[1:])}
                steps = list(outcome.plan.steps)
                steps[index] = Step(step.intent, args)
                outcome.plan = prepare_plan(type(outcome.plan)(steps, outcome.plan.reply, outcome.request),
                                            registry, ctx)
            except Exception as e:  # a person typing: say what was wrong and ask again
                print(f"  cannot apply that: {e}", file=out)
                continue
            decisions = decide_steps(outcome.plan.steps, registry, ctx)
            show_plan(outcome, decisions, registry, out)


# --- history -----------------------------------------------------------------------------------

def append_history(entry: dict) -> None:
    try:
        from llmos.xdg import state_dir
        with open(state_dir() / "history.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError:
        pass  # history is a convenience; never fail a request over it


# --- main ---------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ask", description="Ask your computer, in plain words.",
                                epilog='e.g.  ask "show the 5 biggest files in Downloads"')
    p.add_argument("request", nargs="+", help="what you want, in English or Chinese")
    p.add_argument("--dry-run", action="store_true", help="plan and decide, run nothing")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--yes", "-y", action="store_true", help="answer 'ask' with yes (never overrides deny)")
    p.add_argument("--model", metavar="PATH", help="an LLM checkpoint to plan with when the embedded planner is unsure")
    p.add_argument("-v", "--verbose", action="store_true", help="show the planner's raw plan and timings")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch: do not spin on a busy machine
    ns = build_parser().parse_args(argv)
    request = " ".join(ns.request).strip()
    started = time.perf_counter()
    try:
        return _ask(ns, request, started)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _ask(ns: argparse.Namespace, request: str, started: float) -> int:
    from llmos.errors import LlmosError
    from llmos.intents import Registry
    from llmos.plan.model import Plan
    from llmos.planner import Outcome, plan_request
    from llmos.tools import Context

    registry = Registry()
    ctx = Context(dry_run=ns.dry_run)
    try:
        outcome = plan_request(request, registry, ctx, model=ns.model)
    except LlmosError as e:
        outcome = Outcome(request, Plan([], f"planning failed: {e}", request), "none", error=str(e))
    except Exception as e:  # the JSON contract promises one object and exit 0, even for a broken model
        if not (ns.json and ns.dry_run):
            raise
        outcome = Outcome(request, Plan([], f"planning failed: {type(e).__name__}: {e}", request), "none",
                          error=str(e))
    decisions = decide_steps(outcome.plan.steps, registry, ctx)
    entry = {"time": time.time(), "request": request, "planner": outcome.planner,
             "steps": [s.to_json() for s in outcome.plan.steps], "reply": outcome.plan.reply,
             "decisions": [v for v, _ in decisions], "dry_run": ns.dry_run}
    if ns.verbose:
        print(f"plan text: {outcome.text!r}  error: {outcome.error}  "
              f"timings: { {k: round(v, 3) for k, v in outcome.timings.items()} }  "
              f"total {time.perf_counter() - started:.3f}s", file=sys.stderr)

    if ns.dry_run:
        append_history({**entry, "status": "dry-run"})
        if ns.json:
            print(json.dumps(contract(outcome, decisions), ensure_ascii=False))
            return EXIT_OK
        show_plan(outcome, decisions, registry)
        return EXIT_OK

    if not outcome.plan.steps:
        append_history({**entry, "status": "no-steps"})
        if ns.json:
            print(json.dumps(contract(outcome, decisions), ensure_ascii=False))
        else:
            print(outcome.plan.reply)
        return EXIT_OK if outcome.error is None else EXIT_BAD_INPUT

    out = sys.stderr if ns.json else sys.stdout
    show_plan(outcome, decisions, registry, out)
    verdicts = {v for v, _ in decisions}
    assume_yes = ns.yes
    if "ask" in verdicts and not ns.yes:
        answer, outcome, decisions = ask_consent(outcome, decisions, registry, ctx)
        if answer != "yes":
            append_history({**entry, "status": "declined"})
            print("Nothing was run.", file=out)
            return EXIT_DENIED
        assume_yes = True  # the person agreed to this plan, once, here
    return _run(ns, outcome, registry, ctx, assume_yes, entry, out)


def _run(ns, outcome, registry, ctx, assume_yes: bool, entry: dict, out) -> int:
    from llmos.agent import guarded_executor
    from llmos.cli.render import render_result

    # the one way to run anything: every call decided by the policy, audited, sandboxed
    results = guarded_executor(registry, ctx, assume_yes=assume_yes).run(outcome.plan)
    for r in results:
        print(f"\n[{r.index + 1}] {r.intent}: {r.status}", file=out)
        if r.status == "ok":
            text = render_result(r.result)
            print(text or "done", file=out)
        elif r.error:
            print(f"  {r.error}", file=out)
    if ns.json:
        doc = contract(outcome, [(r.decision.verdict, r.decision.reason) if r.decision else ("allow", "")
                                 for r in results])
        doc["results"] = [r.to_json() for r in results]
        print(json.dumps(doc, ensure_ascii=False))
    statuses = {r.status for r in results}
    append_history({**entry, "status": ",".join(sorted(statuses))})
    if "denied" in statuses:
        return EXIT_DENIED
    return EXIT_FAILED if statuses & {"error", "skipped"} else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
