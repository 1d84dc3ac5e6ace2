"""Per-call overhead of the sandbox, in two sections.

    python bench/sandbox.py [N] [--only kernelspace|llmos]

kernelspace: kernelspace.run() on /bin/true against a plain fork+exec.  Rows:
plain fork+exec from this process; kernelspace with every mechanism; without
the pid namespace; the cost floor of a re-exec'd helper (`python3 -I -S -c
pass`), which is why run() forks instead; bwrap when installed.

llmos: a trivial intent (system.info aspect=uptime) through
llmos.sandbox.sandboxed_runner() against the same handler called directly
(llmos.plan.executor.run_in_process); back to back, and paced (10 ms apart, as
a person or a planner issues calls); also files.read of a small file; bwrap
running the same handler in a fresh interpreter when bwrap is installed.

Each section prints a table (median, p95 in ms) and one JSON line.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kernelspace import Config, run  # noqa: E402


def fork_exec(argv: list[str]) -> None:
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    os.waitpid(pid, 0)


def measure(rows: dict, n: int) -> dict[str, list[float]]:
    """Round-robin over the rows so a noisy, shared machine biases none of them."""
    times: dict[str, list[float]] = {name: [] for name in rows}
    for i in range(n + 3):
        for name, fn in rows.items():
            t = time.perf_counter()
            fn()
            if i >= 3:
                times[name].append((time.perf_counter() - t) * 1000)
    return times


def kernelspace_section(n: int) -> None:
    full = Config(user="root" if os.geteuid() == 0 else None)
    rows = {
        "fork+exec /bin/true": lambda: fork_exec(["/bin/true"]),
        "kernelspace.run (all mechanisms)": lambda: run(full, ["/bin/true"]),
        "kernelspace.run (no pid ns)": lambda: run(Config(user=full.user, pid_namespace=False), ["/bin/true"]),
        "re-exec helper floor (python3 -I -S)": lambda: fork_exec(["/usr/bin/python3", "-I", "-S", "-c", "pass"]),
    }
    bwrap = shutil.which("bwrap")
    if bwrap:
        rows["bwrap --unshare-all --ro-bind / /"] = lambda: subprocess.run(
            [bwrap, "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
             "--new-session", "--die-with-parent", "/bin/true"], check=False)
    results = {name: (statistics.median(t), statistics.quantiles(t, n=20)[18])
               for name, t in measure(rows, n).items()}
    base = results["fork+exec /bin/true"][0]
    print(f"{'how':40} {'median ms':>10} {'p95 ms':>8} {'overhead':>9}")
    for name, (med, p95) in results.items():
        print(f"{name:40} {med:10.2f} {p95:8.2f} {med - base:+9.2f}")
    over = results["kernelspace.run (all mechanisms)"][0] - base
    print(json.dumps({"bench": "sandbox", "n": n, "overhead_median_ms": round(over, 2),
                      "target_ms": 10, "ok": over <= 10,
                      "rows": {k: {"median_ms": round(m, 3), "p95_ms": round(p, 3)}
                               for k, (m, p) in results.items()}}))


def llmos_section(n: int) -> None:
    import tempfile

    from llmos.intents.registry import Registry
    from llmos.plan.executor import run_in_process
    from llmos.sandbox import sandboxed_runner, shutdown
    from llmos.tools import Context

    registry = Registry()
    home = tempfile.mkdtemp(prefix="llmos-bench-")
    with open(os.path.join(home, "note.txt"), "w") as f:
        f.write("hello\n")
    ctx = Context(cwd=home, home=home, uid=os.getuid())
    info, read = registry.get("system.info"), registry.get("files.read")
    uptime, note = {"aspect": "uptime"}, {"path": os.path.join(home, "note.txt"), "max_bytes": 65536}
    runner = sandboxed_runner()
    runner(info, uptime, ctx)           # starts the fork-server (once per llmos process)

    def paced():
        time.sleep(0.01)
        t = time.perf_counter()
        runner(info, uptime, ctx)
        return (time.perf_counter() - t) * 1000

    rows = {
        "system.info uptime, handler directly": lambda: run_in_process(info, uptime, ctx),
        "system.info uptime, sandboxed": lambda: runner(info, uptime, ctx),
        "files.read, handler directly": lambda: run_in_process(read, note, ctx),
        "files.read, sandboxed": lambda: runner(read, note, ctx),
    }
    bwrap = shutil.which("bwrap")
    if bwrap:
        code = ("import sys; sys.path[:0] = %r; from llmos.tools import Context, system; "
                "system.info({'aspect': 'uptime'}, Context())" % [p for p in sys.path if p])
        rows["system.info uptime, bwrap + python"] = lambda: subprocess.run(
            [bwrap, "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
             "--new-session", "--die-with-parent", sys.executable, "-c", code], check=False)
    times = measure(rows, n)
    times["system.info uptime, sandboxed, paced 10 ms"] = [paced() for _ in range(n)]
    shutdown()
    shutil.rmtree(home, ignore_errors=True)
    results = {name: (statistics.median(t), statistics.quantiles(t, n=20)[18]) for name, t in times.items()}
    base = results["system.info uptime, handler directly"]
    print(f"{'how':44} {'median ms':>10} {'p95 ms':>8} {'overhead':>9}")
    for name, (med, p95) in results.items():
        direct = results["files.read, handler directly"] if name.startswith("files.read") else base
        print(f"{name:44} {med:10.2f} {p95:8.2f} {med - direct[0]:+9.2f}")
    over = results["system.info uptime, sandboxed"][0] - base[0]
    over95 = results["system.info uptime, sandboxed"][1] - base[1]
    paced_over = results["system.info uptime, sandboxed, paced 10 ms"][0] - base[0]
    print(json.dumps({"bench": "llmos-sandbox", "n": n, "cpus": os.cpu_count(),
                      "load_1m": round(os.getloadavg()[0], 2),
                      "overhead_median_ms": round(over, 2), "overhead_p95_ms": round(over95, 2),
                      "paced_overhead_median_ms": round(paced_over, 2),
                      "target_ms": 10, "ok": over <= 10,
                      "rows": {k: {"median_ms": round(m, 3), "p95_ms": round(p, 3)}
                               for k, (m, p) in results.items()}}))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--only")]
    only = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--only=")), None)
    n = int(args[0]) if args else 200
    if only in (None, "kernelspace"):
        kernelspace_section(n)
    if only in (None, "llmos"):
        if only is None:
            print()
        llmos_section(n)


if __name__ == "__main__":
    main()
