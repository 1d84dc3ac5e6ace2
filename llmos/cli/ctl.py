"""``llmosctl``: inspect intents, run one intent or a whole plan.

Exit status: 0 success, 1 a step failed, 2 bad input (arguments, plan,
manifest), 3 refused by policy.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any, Sequence

from llmos.errors import LlmosError, ManifestError, PlanError
from llmos.intents import Registry, load_manifest
from llmos.plan import Plan, Step
from llmos.agent import guarded_executor
from llmos.plan.executor import StepResult, prepare_plan
from llmos.cli.render import render_result, table
from llmos.tools import Context

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_DENIED = 0, 1, 2, 3


def parse_assignments(items: Sequence[str]) -> dict[str, Any]:
    """``key=value`` words → arguments; repeated keys make a list; JSON lists/objects/numbers parse."""
    args: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise PlanError(f"'{item}' is not key=value (e.g. path=~/Downloads)")
        value: Any = raw
        if raw[:1] in "[{":
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                pass
        if key in args:
            previous = args[key]
            args[key] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            args[key] = value
    return args


def _context(ns: argparse.Namespace) -> Context:
    return Context(dry_run=bool(getattr(ns, "dry_run", False)))


def _print_results(results: list[StepResult], as_json: bool, plan: Plan | None = None) -> int:
    if as_json:
        doc: dict[str, Any] = {"steps": [r.to_json() for r in results]}
        if plan is not None and plan.reply:
            doc["reply"] = plan.reply
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        many = len(results) > 1
        for r in results:
            if many:
                print(f"[{r.index + 1}] {r.intent}: {r.status}")
            if r.status == "ok":
                text = render_result(r.result)
                print(text if text else "done")
            elif r.status == "dry-run":
                print(f"would run {r.intent} {json.dumps(r.args, ensure_ascii=False)}")
                for e in r.effects:
                    print(f"  {e['kind']:8} {e['target']}")
            elif r.error:
                print(f"llmosctl: {r.intent}: {r.error}", file=sys.stderr)
            if many:
                print()
    statuses = {r.status for r in results}
    if "denied" in statuses:
        return EXIT_DENIED
    return EXIT_FAILED if statuses & {"error", "skipped"} else EXIT_OK


def cmd_intents_list(ns: argparse.Namespace, registry: Registry) -> int:
    if ns.mcp:
        print(json.dumps({"tools": [i.to_mcp() for i in registry]}, ensure_ascii=False, indent=2))
    elif ns.json:
        print(json.dumps([{"name": i.name, "title": i.title, "description": i.description,
                           "parameters": i.parameters, "effects": i.effects,
                           "annotations": i.annotations, "source": i.source} for i in registry],
                         ensure_ascii=False, indent=2))
    else:
        print(table([{"intent": i.name, "title": i.title,
                      "effects": ", ".join(sorted(i.effects))} for i in registry]))
    for error in registry.errors:
        print(f"llmosctl: warning: {error}", file=sys.stderr)
    return EXIT_OK


def cmd_intents_show(ns: argparse.Namespace, registry: Registry) -> int:
    intent = registry.get(ns.name)
    if ns.json:
        print(json.dumps(intent.to_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{intent.name} — {intent.title}\n\n{intent.description}\n\nArguments:")
    required = set(intent.required)
    print(table([{"name": n + ("*" if n in required else ""), "type": p.get("type", ""),
                  "format": p.get("format", p.get("items", {}).get("format", "")),
                  "default": p.get("default", p.get("x-default", "")),
                  "description": p.get("description", "")} for n, p in intent.properties.items()]))
    print("\nEffects: " + "; ".join(f"{k}: {v}" for k, v in intent.effects.items()))
    if intent.annotations:
        print("Hints:   " + ", ".join(f"{k}={v}" for k, v in intent.annotations.items()))
    print(f"Handler: {intent.handler}\nSource:  {intent.source}")
    if intent.examples:
        print("\nExamples:")
        for ex in intent.examples[:6]:
            print(f"  [{ex.lang}] {ex.text}  →  {json.dumps(ex.args, ensure_ascii=False)}")
    return EXIT_OK


def cmd_intents_validate(ns: argparse.Namespace, registry: Registry) -> int:
    status = EXIT_OK
    for path in ns.files:
        try:
            intent = load_manifest(path)
        except ManifestError as e:
            print(f"{e}", file=sys.stderr)
            status = EXIT_BAD_INPUT
        else:
            print(f"{path}: ok ({intent.name})")
    return status


def cmd_run(ns: argparse.Namespace, registry: Registry) -> int:
    plan = Plan([Step(ns.intent, parse_assignments(ns.assignments))])
    return _run_plan(ns, registry, plan)


def cmd_plan_run(ns: argparse.Namespace, registry: Registry) -> int:
    if ns.file == "-":
        text = sys.stdin.read()
    else:
        try:
            with open(ns.file, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise PlanError(f"cannot read plan {ns.file}: {e.strerror}") from None
    return _run_plan(ns, registry, Plan.loads(text))


def _run_plan(ns: argparse.Namespace, registry: Registry, plan: Plan) -> int:
    ctx = _context(ns)
    if not plan.steps:
        print(plan.reply or "nothing to do")
        return EXIT_OK
    prepare_plan(plan, registry, ctx)  # every step checked before anything runs
    executor = guarded_executor(registry, ctx, assume_yes=ns.yes)
    return _print_results(executor.run(plan), ns.json, plan)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="llmosctl", description="Inspect and run llmos intents.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True)

    intents = sub.add_parser("intents", help="the registered intents").add_subparsers(dest="action", required=True)
    p = intents.add_parser("list", help="list intents")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--json", action="store_true", help="one JSON document with parameter schemas")
    g.add_argument("--mcp", action="store_true", help="as MCP tools (tools/list result)")
    p.set_defaults(func=cmd_intents_list)
    p = intents.add_parser("show", help="one intent in detail")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_intents_show)
    p = intents.add_parser("validate", help="check manifest files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_intents_validate)

    def run_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print one JSON document")
        p.add_argument("--dry-run", action="store_true", help="decide and show, run nothing")
        p.add_argument("--yes", action="store_true", help="answer 'ask' with yes (never overrides deny)")

    p = sub.add_parser("run", help="run one intent: llmosctl run files.find path=~/Downloads sort=size")
    p.add_argument("intent")
    p.add_argument("assignments", nargs="*", metavar="key=value")
    run_options(p)
    p.set_defaults(func=cmd_run)

    plan = sub.add_parser("plan", help="plans").add_subparsers(dest="action", required=True)
    p = plan.add_parser("run", help="run a JSON plan from FILE or - (stdin)")
    p.add_argument("file", metavar="FILE|-")
    run_options(p)
    p.set_defaults(func=cmd_plan_run)

    # The engine imports torch (over a second); it is loaded only when `model` runs.
    p = sub.add_parser("model", help="inspect, run and benchmark a model: model info|run|bench PATH",
                       add_help=False)
    p.add_argument("engine_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_model)

    from llmos.policy.cli import register as register_policy
    register_policy(sub)
    return parser


def cmd_model(ns: argparse.Namespace) -> int:
    from llmos.engine.cli import main as engine_main
    return engine_main(["model", *ns.engine_args])


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["model"]:  # the engine parses its own options, --help included
        return cmd_model(argparse.Namespace(engine_args=argv[1:]))
    parser = build_parser()
    ns = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if ns.verbose else logging.ERROR,
                        format="llmosctl: %(levelname)s: %(message)s")
    try:
        if ns.command in ("intents", "run", "plan"):
            return ns.func(ns, Registry())
        return ns.func(ns)
    except (PlanError, ManifestError) as e:
        print(f"llmosctl: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except LlmosError as e:
        print(f"llmosctl: {e}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
