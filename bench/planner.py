"""Benchmark the embedded planner: dev-set accuracy per category, latency, start-up, memory.

    python bench/planner.py                 # dev set (templates never used in training)
    python bench/planner.py --per-template 2 --processes 5 --model-dir DIR

Accuracy is exact: the same intent sequence and the same normalised arguments
(defaults filled, paths absolute in a temporary HOME, sizes in bytes, durations
in seconds) as the dev target.  Dangerous requests must be denied by the
policy (or not planned).  Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

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


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--per-template", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model-dir", help="planner model directory (default: the shipped one)")
    p.add_argument("--processes", type=int, default=5, help="whole `ask --dry-run --json` runs to time")
    p.add_argument("--show-errors", type=int, default=25)
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
    dev = Generator(intents, seed=ns.seed).generate("dev", ns.per_template)

    t0 = time.perf_counter()
    plan_request("warm up", registry, ctx, embedded_dir=ns.model_dir, use_config=False)
    load_s = time.perf_counter() - t0

    per_cat: dict[str, list[bool]] = defaultdict(list)
    latencies, mask_s, masks, tokens, forced = [], 0.0, 0, 0, 0
    errors = []
    danger_ok = []
    for s in dev:
        try:
            want = prepare_plan(Plan([Step(i, a) for i, a in s.steps]), registry, ctx)
        except PlanError:
            continue  # a target the foundation cannot normalise (a generator slip): not a test
        t1 = time.perf_counter()
        outcome = plan_request(s.request, registry, ctx, embedded_dir=ns.model_dir, use_config=False)
        decisions = decide_steps(outcome.plan.steps, registry, ctx)
        latencies.append(time.perf_counter() - t1)
        got = [(st.intent, st.args) for st in outcome.plan.steps]
        ok = got == [(st.intent, st.args) for st in want.steps]
        per_cat[s.category].append(ok)
        d = outcome.timings
        mask_s += d.get("mask_s", 0.0)
        masks += d.get("masks", 0)
        tokens += d.get("tokens", 0)
        forced += d.get("forced", 0)
        if s.category == "danger":
            danger_ok.append(not outcome.plan.steps or any(v == "deny" for v, _ in decisions))
        if not ok:
            errors.append((s.category, s.request, outcome.text, s.steps))

    # whole-process runs: start-up, model load, plan, decide, print
    env = {**os.environ, **env_home}
    walls = []
    for k in range(ns.processes):
        t2 = time.perf_counter()
        cmd = [sys.executable, "-m", "llmos.cli.ask", "--dry-run", "--json", "show the 5 biggest files in Downloads"]
        if ns.model_dir:
            cmd = [sys.executable, "-c", "import sys; from llmos.planner import models; "
                   f"models.MODEL_DIR={ns.model_dir!r}; from llmos.cli.ask import main; "
                   "sys.exit(main(sys.argv[1:]))", "--dry-run", "--json", "show the 5 biggest files in Downloads"]
        r = subprocess.run(cmd, cwd=home, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
        walls.append(time.perf_counter() - t2)
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    total = [ok for oks in per_cat.values() for ok in oks]
    print(f"{'category':10} {'n':>5} {'accuracy':>9}")
    for cat in ("en", "zh", "typo", "multi", "oos", "danger"):
        oks = per_cat.get(cat, [])
        if oks:
            print(f"{cat:10} {len(oks):5d} {100 * sum(oks) / len(oks):8.1f}%")
    print(f"{'overall':10} {len(total):5d} {100 * sum(total) / max(1, len(total)):8.1f}%")
    print(f"dangerous requests denied or not planned: {sum(danger_ok)}/{len(danger_ok)}")
    med = statistics.median(latencies) * 1000
    print(f"plan+decide latency after load: median {med:.0f} ms, p90 "
          f"{statistics.quantiles(latencies, n=10)[-1] * 1000:.0f} ms; model load {load_s:.2f} s")
    print(f"grammar mask: {1e6 * mask_s / max(1, masks):.0f} µs per token ({masks} masks, "
          f"{forced} of {tokens} tokens forced by jump-forward)")
    print(f"whole `ask --dry-run --json`: median {statistics.median(walls):.2f} s; peak RSS {peak_rss_mb:.0f} MB")
    for cat, req, text, steps in errors[:ns.show_errors]:
        print(f"  ✗ [{cat}] {req!r}\n      got {text!r}\n      want {steps}")
    print(json.dumps({
        "bench": "planner", "n": len(total),
        "accuracy": {c: round(sum(v) / len(v), 4) for c, v in per_cat.items()},
        "overall": round(sum(total) / max(1, len(total)), 4),
        "danger_denied_or_unplanned": f"{sum(danger_ok)}/{len(danger_ok)}",
        "latency_ms_median": round(med, 1), "load_s": round(load_s, 2),
        "process_s_median": round(statistics.median(walls), 3), "peak_rss_mb": round(peak_rss_mb),
        "mask_us_per_token": round(1e6 * mask_s / max(1, masks), 1),
        "forced_share": round(forced / max(1, tokens), 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
