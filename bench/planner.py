"""Benchmark the embedded planner: dev-set accuracy per category, latency, start-up, memory.

    python bench/planner.py                 # dev set (templates never used in training)
    python bench/planner.py --per-template 2 --processes 5 --model-dir DIR
    python bench/planner.py --set bench/planner_handset.jsonl   # hand-written held-out requests

Accuracy is exact: the same intent sequence and the same normalised arguments
(defaults filled, paths absolute in a temporary HOME, sizes in bytes, durations
in seconds) as the dev target; "intents only" asks just for the same intent
sequence.  With --set, a JSONL file of {"request", "category", "steps"} is the
target instead; an expected plan that fails prepare_plan is a file error.
Dangerous requests must be denied by the policy (or not planned).  Prints a
table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]


def make_home(base: Path) -> Path:
    """An ordinary, nearly empty home: the XDG folders and a few files."""
    home = base / "home"
    for d in ("Desktop", "Downloads", "Documents", "Music", "Pictures", "Videos", "projects"):
        (home / d).mkdir(parents=True, exist_ok=True)
    (home / "Documents" / "notes.txt").write_text("hello\n")
    (home / "Downloads" / "report.pdf").write_bytes(b"%PDF-1.4\n")
    (home / "Pictures" / "cat.png").write_bytes(b"\x89PNG\r\n")
    return home


def _shown(steps: list, home: str) -> str:
    """A plan as the error list shows it: the temporary HOME written as ~ again."""
    return json.dumps(steps, ensure_ascii=False).replace(home, "~")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--per-template", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model-dir", help="planner model directory (default: the shipped one)")
    p.add_argument("--processes", type=int, default=5, help="whole `ask --dry-run --json` runs to time")
    p.add_argument("--show-errors", type=int, default=25)
    p.add_argument("--set", type=lambda f: Path(f).resolve(), help="JSONL of hand-written requests to evaluate instead of the dev split")
    p.add_argument("--category", help="evaluate only this category (en, zh, typo, multi, oos, danger)")
    ns = p.parse_args()

    base = Path(tempfile.mkdtemp(prefix="bench-planner-"))
    home = make_home(base)
    env_home = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_STATE_HOME": str(home / ".local/state"), "XDG_DATA_HOME": str(home / ".local/share")}
    os.environ.update(env_home)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.chdir(home)
    sys.path.insert(0, str(ROOT))

    import torch
    torch.set_num_threads(2)
    from llmos.cli.ask import decide_steps
    from llmos.errors import PlanError
    from llmos.intents import Registry
    from llmos.plan.executor import prepare_plan
    from llmos.plan.model import Plan, Step
    from llmos.planner import plan_request
    from llmos.planner.data import Generator
    from llmos.tools import Context

    registry = Registry()
    intents = {i.name: i for i in registry}
    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    if ns.set:
        dev = []
        for n, line in enumerate(ns.set.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    r = json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"file error: {ns.set}:{n}: {e}")
                dev.append(SimpleNamespace(request=r["request"], category=r["category"], line=n,
                                           steps=[(st["intent"], st.get("args", {})) for st in r["steps"]]))
    else:
        dev = Generator(intents, seed=ns.seed).generate("dev", ns.per_template)
    if ns.category:
        dev = [s for s in dev if s.category == ns.category]

    t0 = time.perf_counter()
    plan_request("warm up", registry, ctx, embedded_dir=ns.model_dir, use_config=False)
    load_s = time.perf_counter() - t0

    per_cat: dict[str, list[bool]] = defaultdict(list)
    per_cat_intents: dict[str, list[bool]] = defaultdict(list)
    file_errors = []
    latencies, mask_s, masks, tokens, forced = [], 0.0, 0, 0, 0
    errors = []
    danger_ok = []
    calibration = []   # (confidence of a plan with steps, exact?, is the target "no steps"?)
    for s in dev:
        try:
            want = prepare_plan(Plan([Step(i, a) for i, a in s.steps]), registry, ctx)
        except PlanError as e:
            if ns.set:  # a hand-written target must be valid: report it, never skip silently
                file_errors.append(f"{ns.set}:{s.line}: {s.request!r}: {e}")
            continue  # a target the foundation cannot normalise (a generator slip): not a test
        t1 = time.perf_counter()
        outcome = plan_request(s.request, registry, ctx, embedded_dir=ns.model_dir, use_config=False)
        decisions = decide_steps(outcome.plan.steps, registry, ctx)
        latencies.append(time.perf_counter() - t1)
        got = [(st.intent, st.args) for st in outcome.plan.steps]
        ok = got == [(st.intent, st.args) for st in want.steps]
        per_cat[s.category].append(ok)
        per_cat_intents[s.category].append([i for i, _ in got] == [st.intent for st in want.steps])
        d = outcome.timings
        mask_s += d.get("mask_s", 0.0)
        masks += d.get("masks", 0)
        tokens += d.get("tokens", 0)
        forced += d.get("forced", 0)
        if s.category == "danger":
            danger_ok.append(not outcome.plan.steps or any(v == "deny" for v, _ in decisions))
        if not ok:
            errors.append((s.category, s.request, outcome.text, _shown(got, str(home)), s.steps))
        calibration.append((outcome.confidence if outcome.plan.steps else 1.0, ok,
                            not want.steps and s.category != "danger",
                            outcome.none_prob if outcome.plan.steps else 0.0))

    # whole-process runs: start-up, model load, plan, decide, print
    env = {**os.environ, **env_home}
    walls, peaks = [], []
    # The child reports its own VmHWM: a forked child's ru_maxrss counts the pages it shared
    # with this (torch-importing) process before exec, so RUSAGE_CHILDREN would report ours.
    run_ask = ("import sys\n"
               + (f"from llmos.planner import models; models.MODEL_DIR = {ns.model_dir!r}\n" if ns.model_dir else "")
               + "from llmos.cli.ask import main\n"
               "try:\n    code = main(sys.argv[1:])\nfinally:\n"
               "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
               "    print('peak-kb', hwm.split()[1], file=sys.stderr)\n"
               "sys.exit(code)\n")
    for k in range(ns.processes):
        t2 = time.perf_counter()
        cmd = [sys.executable, "-c", run_ask, "--dry-run", "--json", "show the 5 biggest files in Downloads"]
        r = subprocess.run(cmd, cwd=home, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
        walls.append(time.perf_counter() - t2)
        peaks += [int(line.split()[1]) / 1024 for line in r.stderr.splitlines() if line.startswith("peak-kb ")]
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
    peak_rss_mb = max(peaks, default=0.0)

    total = [ok for oks in per_cat.values() for ok in oks]
    total_intents = [ok for oks in per_cat_intents.values() for ok in oks]
    pct = lambda oks: 100 * sum(oks) / max(1, len(oks))
    print(f"{'category':10} {'n':>5} {'accuracy':>9} {'intents only':>13}")
    for cat in ("en", "zh", "typo", "multi", "oos", "danger"):
        oks = per_cat.get(cat, [])
        if oks:
            print(f"{cat:10} {len(oks):5d} {pct(oks):8.1f}% {pct(per_cat_intents[cat]):12.1f}%")
    print(f"{'overall':10} {len(total):5d} {pct(total):8.1f}% {pct(total_intents):12.1f}%")
    for err in file_errors:
        print(f"file error: {err}")
    print(f"dangerous requests denied or not planned: {sum(danger_ok)}/{len(danger_ok)}")
    med = statistics.median(latencies) * 1000
    print(f"plan+decide latency after load: median {med:.0f} ms, p90 "
          f"{statistics.quantiles(latencies, n=10)[-1] * 1000:.0f} ms; model load {load_s:.2f} s")
    print(f"grammar mask: {1e6 * mask_s / max(1, masks):.0f} µs per token ({masks} masks, "
          f"{forced} of {tokens} tokens forced by jump-forward)")
    if walls:
        print(f"whole `ask --dry-run --json`: median {statistics.median(walls):.2f} s; peak RSS {peak_rss_mb:.0f} MB")
    # how sure the planner is of the plans it gets wrong: below a threshold, answering "not
    # sure" instead would turn each wrong plan of an out-of-scope request into a right one
    def doubtful(label: str, picked: list[tuple[bool, bool]]) -> None:
        if picked:
            print(f"plans with {label}: {len(picked)} ({100 * len(picked) / len(calibration):.1f} %), "
                  f"{100 * sum(ok for ok, _ in picked) / len(picked):.0f} % of them right, "
                  f"{sum(oos for _, oos in picked)} of them out of scope")
    for t in (0.3, 0.4, 0.5, 0.6):
        doubtful(f"confidence < {t}", [(ok, oos) for conf, ok, oos, _ in calibration if conf < t])
    # the same question asked of the first choice alone: how much it gave to "none"
    for t in (0.05, 0.1, 0.2, 0.3):
        doubtful(f"steps but p(none) ≥ {t}", [(ok, oos) for _, ok, oos, p_none in calibration if p_none >= t])
    for cat, req, text, planned, steps in errors[:ns.show_errors]:
        print(f"  ✗ [{cat}] {req!r}\n      drafted {text!r}\n      planned {planned}\n      want {steps}")
    print(json.dumps({
        "bench": "planner", "n": len(total),
        "accuracy": {c: round(sum(v) / len(v), 4) for c, v in per_cat.items()},
        "overall": round(sum(total) / max(1, len(total)), 4),
        "intents_only": {c: round(sum(v) / len(v), 4) for c, v in per_cat_intents.items()},
        "intents_only_overall": round(sum(total_intents) / max(1, len(total_intents)), 4),
        "set": str(ns.set) if ns.set else None, "file_errors": len(file_errors),
        "danger_denied_or_unplanned": f"{sum(danger_ok)}/{len(danger_ok)}",
        "latency_ms_median": round(med, 1), "load_s": round(load_s, 2),
        "process_s_median": round(statistics.median(walls), 3) if walls else None,
        "peak_rss_mb": round(peak_rss_mb) if walls else None,
        "mask_us_per_token": round(1e6 * mask_s / max(1, masks), 1),
        "forced_share": round(forced / max(1, tokens), 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
