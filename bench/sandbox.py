"""Per-call overhead of kernelspace.run() on /bin/true against a plain fork+exec.

    python bench/sandbox.py [N]

Prints a table (median, p95 in ms) and one JSON line.  Rows: plain fork+exec
from this process; kernelspace with every mechanism; without the pid
namespace; the cost floor of a re-exec'd helper (`python3 -I -S -c pass`),
which is why run() forks instead; bwrap when installed.
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


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
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


if __name__ == "__main__":
    main()
