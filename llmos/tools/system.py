"""System intents: system.info, system.disks, system.logs.

Facts from psutil and /proc; logs only from the systemd journal through
``journalctl -o json``.  There is deliberately no fallback to reading files
under /var/log: where no journal exists the intent says so (MissingDependency).
"""

from __future__ import annotations

import glob
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import time
from datetime import datetime, timezone

import psutil

from llmos.errors import MissingDependency, ToolError
from llmos.tools import Context

ASPECTS = ("cpu", "memory", "disk", "battery", "uptime", "os")
PRIORITIES = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")
_PRIORITY_ALIASES = {"emergency": "emerg", "critical": "crit", "error": "err", "warn": "warning",
                     "information": "info"}
CPU_SAMPLE_SECONDS = 0.2
JOURNALCTL_TIMEOUT = 30
DEFAULT_LOG_LIMIT = 100


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).astimezone().isoformat(timespec="seconds")


# --------------------------------------------------------------------------- system.info

def _cpu() -> dict:
    model = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    freq = None
    try:
        f = psutil.cpu_freq()
        freq = round(f.current, 1) if f else None
    except (OSError, NotImplementedError, AttributeError):
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (None, None, None)
    return {"model": model or platform.processor() or None,
            "logical_cores": psutil.cpu_count(logical=True),
            "physical_cores": psutil.cpu_count(logical=False),
            "percent": psutil.cpu_percent(interval=CPU_SAMPLE_SECONDS),
            "frequency_mhz": freq,
            "load_1m": round(load[0], 2) if load[0] is not None else None,
            "load_5m": round(load[1], 2) if load[1] is not None else None,
            "load_15m": round(load[2], 2) if load[2] is not None else None}


def _memory() -> dict:
    vm, sw = psutil.virtual_memory(), psutil.swap_memory()
    return {"total": vm.total, "available": vm.available, "used": vm.used, "percent": vm.percent,
            "swap_total": sw.total, "swap_used": sw.used, "swap_percent": sw.percent}


def _usage(path: str) -> dict:
    u = psutil.disk_usage(path)
    return {"mountpoint": path, "total": u.total, "used": u.used, "free": u.free, "percent": u.percent}


def _disk(ctx: Context) -> dict:
    out = {"root": _usage("/")}
    home = ctx.home
    try:
        if home and os.path.isdir(home) and os.stat(home).st_dev != os.stat("/").st_dev:
            out["home"] = _usage(home)
    except OSError:
        pass
    return out


def _battery() -> dict:
    try:
        b = psutil.sensors_battery()
    except (OSError, NotImplementedError, AttributeError):
        b = None
    if b is None:
        return {"present": False}
    secs = b.secsleft
    if secs in (psutil.POWER_TIME_UNLIMITED, psutil.POWER_TIME_UNKNOWN) or secs is None or secs < 0:
        secs = None
    return {"present": True, "percent": round(b.percent, 1), "plugged_in": b.power_plugged,
            "seconds_left": secs}


def _uptime() -> dict:
    boot = psutil.boot_time()
    return {"boot_time": _iso(boot), "uptime_seconds": int(time.time() - boot)}


def _os() -> dict:
    pretty = None
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.startswith("PRETTY_NAME="):
                        pretty = line.split("=", 1)[1].strip().strip('"')
                        break
            break
        except OSError:
            continue
    u = platform.uname()
    return {"name": pretty or u.system, "kernel": u.release, "system": u.system,
            "architecture": u.machine, "hostname": socket.gethostname(),
            "python": platform.python_version()}


def info(args: dict, ctx: Context) -> dict:
    """system.info: one aspect (cpu/memory/disk/battery/uptime/os) or all of them."""
    aspect = args.get("aspect") or "all"
    if aspect != "all" and aspect not in ASPECTS:
        raise ToolError(f"Unknown aspect '{aspect}'; use one of {', '.join(ASPECTS)} or all.")
    wanted = ASPECTS if aspect == "all" else (aspect,)
    makers = {"cpu": _cpu, "memory": _memory, "disk": lambda: _disk(ctx), "battery": _battery,
              "uptime": _uptime, "os": _os}
    return {name: makers[name]() for name in wanted}


# --------------------------------------------------------------------------- system.disks

#: psutil(all=False) already drops "nodev" filesystems; these remain noise (snap images, ...).
_PSEUDO_FS = {"squashfs", "tmpfs", "devtmpfs", "proc", "sysfs", "cgroup", "cgroup2", "autofs",
              "fuse.gvfsd-fuse", "fuse.portal", "nsfs", "tracefs", "debugfs", "securityfs"}

def disks(args: dict, ctx: Context) -> dict:
    """system.disks: mounted real filesystems (pseudo filesystems and duplicate binds skipped)."""
    rows, seen = [], set()
    for part in psutil.disk_partitions(all=False):
        if not part.device or part.fstype in _PSEUDO_FS:
            continue
        key = (part.device, part.mountpoint)
        if key in seen:
            continue
        seen.add(key)
        try:
            u = psutil.disk_usage(part.mountpoint)
        except OSError:
            continue
        rows.append({"device": part.device, "mountpoint": part.mountpoint, "fstype": part.fstype,
                     "total": u.total, "used": u.used, "free": u.free, "percent": u.percent})
    if not rows:  # e.g. a container whose root is an overlay: report the root at least
        u = psutil.disk_usage("/")
        rows.append({"device": None, "mountpoint": "/", "fstype": None, "total": u.total,
                     "used": u.used, "free": u.free, "percent": u.percent})
    return {"disks": rows, "paths": [r["mountpoint"] for r in rows]}


# --------------------------------------------------------------------------- system.logs

_NO_JOURNAL = ("system.logs needs the systemd journal (journalctl) and none is available on "
               "this machine")


def _journal_files_exist() -> bool:
    for base in ("/run/log/journal", "/var/log/journal"):
        if glob.glob(os.path.join(base, "*.journal")) or glob.glob(os.path.join(base, "*", "*.journal*")):
            return True
    return False


def _text(value) -> str:
    """MESSAGE may be a string, a list of byte values, or null (journal JSON export)."""
    if value is None:
        return ""
    if isinstance(value, list):
        try:
            return bytes(value).decode("utf-8", errors="replace")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def logs(args: dict, ctx: Context) -> dict:
    """system.logs: recent journal entries (unit, since seconds ago, priority, grep, limit).

    Result: ``entries: [{time, unit, priority, pid, message}]``, ``source: "journal"``.
    """
    journalctl = shutil.which("journalctl")
    if journalctl is None:
        raise MissingDependency(_NO_JOURNAL + ": journalctl is not installed. "
                                "Logs are only read from the systemd journal.")
    limit = int(args.get("limit") or DEFAULT_LOG_LIMIT)
    argv = [journalctl, "-o", "json", "--no-pager", "-q", "-n", str(limit)]
    unit = args.get("unit")
    if unit:
        argv += ["-u", str(unit)]
    since = args.get("since")
    if since is not None:
        argv += ["--since", f"@{int(time.time() - int(since))}"]
    prio = args.get("priority")
    if prio:
        prio = _PRIORITY_ALIASES.get(str(prio).lower(), str(prio).lower())
        if prio not in PRIORITIES:
            raise ToolError(f"Unknown priority '{prio}'; use one of {', '.join(PRIORITIES)}.")
        argv += ["-p", prio]
    grep = args.get("grep")
    if grep:
        argv += ["-g", str(grep), "--case-sensitive=false"]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=JOURNALCTL_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ToolError(f"journalctl did not answer within {JOURNALCTL_TIMEOUT} s; "
                        "narrow the query with unit, since or priority.") from None
    except OSError as e:
        raise MissingDependency(f"{_NO_JOURNAL}: journalctl could not run ({e.strerror}).") from None
    err = proc.stderr.decode(errors="replace").strip()
    out = proc.stdout.decode(errors="replace")
    if "No journal files were found" in err or (not out.strip() and not _journal_files_exist()):
        raise MissingDependency(_NO_JOURNAL + ": no journal files exist (systemd-journald is not "
                                "running). On a system booted with systemd this works as is.")
    if "insufficient permissions" in err and not out.strip():
        raise ToolError("You may not read the system journal. Ask an administrator to add you to "
                        "the 'systemd-journal' (or 'adm') group.")
    if proc.returncode != 0:
        raise ToolError(f"journalctl failed: {err or 'exit status %d' % proc.returncode}")
    entries = []
    for line in out.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            e = json.loads(line)
        except ValueError:
            continue
        try:
            ts = int(e.get("__REALTIME_TIMESTAMP", 0)) / 1e6
        except (TypeError, ValueError):
            ts = 0
        try:
            p = PRIORITIES[int(e.get("PRIORITY"))]
        except (TypeError, ValueError, IndexError):
            p = None
        entries.append({"time": _iso(ts) if ts else None,
                        "unit": e.get("_SYSTEMD_UNIT") or e.get("SYSLOG_IDENTIFIER") or e.get("_COMM"),
                        "priority": p,
                        "pid": int(e["_PID"]) if str(e.get("_PID", "")).isdigit() else None,
                        "message": _text(e.get("MESSAGE"))})
    return {"entries": entries, "count": len(entries), "truncated": len(entries) >= limit,
            "source": "journal"}
