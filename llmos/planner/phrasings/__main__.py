"""Check one area's phrasings: ``python -m llmos.planner.phrasings AREA [--show N]``.

For every template of the area it generates samples the way training does and
reports templates that produce no valid sample (a slot the intent lacks, a value
the grammar could not copy), targets the grammar rejects, and a few samples.
"""

from __future__ import annotations

import argparse
import importlib
import random
import sys


def main(argv: list[str] | None = None) -> int:
    from llmos.intents import Registry
    from llmos.planner.data import Generator
    from llmos.planner.grammar import Grammar, accepts
    from llmos.planner.language import render_plan

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("area")
    p.add_argument("--show", type=int, default=3, help="samples to print per template")
    p.add_argument("--tries", type=int, default=12)
    ns = p.parse_args(argv)

    registry = Registry()
    intents = {i.name: i for i in registry}
    gen = Generator(intents, seed=0)
    grammar = Grammar.for_registry(registry)
    module = importlib.import_module(f"llmos.planner.phrasings.{ns.area}")
    rng = random.Random(0)
    bad = 0
    count = 0

    def check(label: str, steps: list, text: str, lang: str, category: str) -> None:
        nonlocal bad, count
        count += 1
        make = gen._template_source(steps, text, lang, category)
        got = []
        for k in range(ns.tries):
            s = make(rng, k % 3 == 2)
            if s is not None and gen.valid(s):
                plan = render_plan(list(s.steps), intents)
                if not accepts(grammar, s.request, plan):
                    print(f"✗ grammar rejects [{label}] {s.request!r} -> {plan!r}")
                    bad += 1
                got.append((s.request, plan))
        if not got:
            print(f"✗ no valid sample from [{label}] {text!r} (unknown intent/arg, or a value not copyable)")
            bad += 1
        for req, plan in got[:ns.show]:
            print(f"  [{label}] {req!r}\n      -> {plan}")

    for name, args, en, zh in getattr(module, "TEMPLATES", []) + getattr(module, "DANGER", []):
        if name not in intents or not set(args) <= set(intents[name].properties):
            print(f"✗ unknown intent or argument: {name} {sorted(args)}")
            bad += 1
            continue
        for lang, texts in (("en", en), ("zh", zh)):
            for text in texts:
                check(name, [(name, args)], text, lang, lang)
    for follow, fargs, en, zh in getattr(module, "FOLLOW", []):
        for lang, texts, sels in (("en", en, getattr(module, "SELECT_EN", []) or [("all .{ext} files in {dir}", {"ext": "{ext}"})]),
                                  ("zh", zh, getattr(module, "SELECT_ZH", []) or [("{dir}里所有的 {ext} 文件", {"ext": "{ext}"})])):
            for text in texts:
                for sel, sargs in sels[:2]:
                    check("follow", [("files.find", {"path": "{dir}", **sargs}), (follow, fargs)],
                          text.replace("{sel}", sel), lang, "multi")
    for *steps, en, zh in getattr(module, "PAIRS", []):
        for lang, texts in (("en", en), ("zh", zh)):
            for text in texts:
                check("pair", steps, text, lang, "multi")
    for lang, kind in (("en", "OOS_EN"), ("zh", "OOS_ZH")):
        for text in getattr(module, kind, []):
            check("oos", [], text, lang, "oos")
    print(f"{count} phrasings, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
