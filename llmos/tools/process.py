"""Process intents: process.list, process.find, process.info, process.kill, process.launch.

Facts come from psutil.  Signals are sent through a pidfd where the kernel has
them, so a pid that is reused between the checks and the signal is never hit.
Programs are started from an argv list, never through a shell, detached in a
new session with stdio on /dev/null (see :func:`spawn_detached`, which the
desktop and timer handlers share).
"""

from __future__ import annotations

import configparser
import os
import shutil
import signal as _signal
import tempfile
import time
from datetime import datetime, timezone

import psutil

from llmos.errors import ToolError
from llmos.tools import Context

#: Signals process.kill accepts (names as normalised by the executor: no SIG prefix).
SIGNALS = {name: getattr(_signal, "SIG" + name) for name in ("TERM", "KILL", "HUP", "INT", "STOP", "CONT")}

#: How long process.list/find/info sample CPU time to compute cpu_percent.
CPU_SAMPLE_SECONDS = 0.2

#: Set by the sandboxed worker (llmos.sandbox): ``{pid: pidfd}`` opened by the trusted
#: side for exactly the processes the policy approved.  When set, process.kill signals
#: only through these pidfds (the worker can signal nothing else) and a name matches
#: only among these processes.
PIDFDS: dict[int, int] | None = None

_SORT_KEYS = {
    "cpu": (lambda d: (-(d["cpu_percent"] or 0.0), d["pid"])),
    "memory": (lambda d: (-(d["memory_bytes"] or 0), d["pid"])),
    "name": (lambda d: ((d["name"] or "").lower(), d["pid"])),
    "pid": (lambda d: d["pid"]),
}


# --------------------------------------------------------------------------- helpers

def _protected_pids() -> set[int]:
    """This process and every ancestor: never signalled, never listed by find."""
    me = psutil.Process()
    pids = {me.pid}
    try:
        pids.update(p.pid for p in me.parents())
    except psutil.Error:
        pass
    return pids


def _command(cmdline: list[str] | None, name: str | None) -> str:
    return " ".join(cmdline) if cmdline else (f"[{name}]" if name else "")


def _snapshot(procs: list[psutil.Process], sample: bool = True) -> list[dict]:
    """Rows for ``procs``; cpu_percent sampled over one shared interval."""
    if sample:
        for p in procs:
            try:
                p.cpu_percent(None)
            except psutil.Error:
                pass
        time.sleep(CPU_SAMPLE_SECONDS)
    rows = []
    for p in procs:
        try:
            with p.oneshot():
                name = p.name()
                try:
                    user = p.username()
                except (psutil.Error, KeyError):
                    user = None
                try:
                    cmdline = p.cmdline()
                except psutil.AccessDenied:
                    cmdline = None
                try:
                    mem = p.memory_info().rss
                    mem_pct = round(p.memory_percent(), 2)
                except psutil.AccessDenied:
                    mem, mem_pct = None, None
                try:
                    cpu = round(p.cpu_percent(None), 1) if sample else None
                except psutil.AccessDenied:
                    cpu = None
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        except psutil.AccessDenied:
            continue
        rows.append({"pid": p.pid, "name": name, "user": user, "cpu_percent": cpu,
                     "memory_bytes": mem, "memory_percent": mem_pct,
                     "command": _command(cmdline, name)})
    return rows


def _get(pid: int) -> psutil.Process:
    try:
        return psutil.Process(int(pid))
    except psutil.NoSuchProcess:
        raise ToolError(f"No process with pid {pid} is running.") from None
    except (TypeError, ValueError):
        raise ToolError(f"'{pid}' is not a process id (a whole number).") from None


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).astimezone().isoformat(timespec="seconds")


# --------------------------------------------------------------------------- read-only verbs

def list(args: dict, ctx: Context) -> dict:  # noqa: A001 - the verb is "list"
    """process.list: running processes, sorted (cpu/memory/name/pid) and limited."""
    sort = args.get("sort") or "cpu"
    if sort not in _SORT_KEYS:
        raise ToolError(f"Cannot sort processes by '{sort}'; use one of cpu, memory, name, pid.")
    limit = args.get("limit")
    user = args.get("user")
    procs = []
    for p in psutil.process_iter():
        if user is not None:
            try:
                if p.username() != user and str(p.uids().real) != str(user):
                    continue
            except (psutil.Error, KeyError):
                continue
        procs.append(p)
    rows = _snapshot(procs)
    rows.sort(key=_SORT_KEYS[sort])
    matched = len(rows)
    if limit is not None:
        rows = rows[: int(limit)]
    return {"processes": rows, "pids": [r["pid"] for r in rows], "matched": matched}


def find(args: dict, ctx: Context) -> dict:
    """process.find: processes whose name or command line contains ``name`` (any case).

    The calling process and its ancestors are left out: their own command line
    often contains the very word searched for.
    """
    needle = str(args.get("name") or "").strip()
    if not needle:
        raise ToolError("Say which process to look for (a name or part of its command line).")
    low = needle.lower()
    skip = _protected_pids()
    matches = []
    for p in psutil.process_iter():
        if p.pid in skip:
            continue
        try:
            name = p.name()
            try:
                cmd = " ".join(p.cmdline())
            except psutil.AccessDenied:
                cmd = ""
        except psutil.Error:
            continue
        if low in name.lower() or low in cmd.lower():
            matches.append(p)
    rows = _snapshot(matches)
    rows.sort(key=_SORT_KEYS["pid"])
    return {"processes": rows, "pids": [r["pid"] for r in rows]}


def info(args: dict, ctx: Context) -> dict:
    """process.info: details of one process."""
    if args.get("pid") is None:
        raise ToolError("Say which process: a pid is required.")
    p = _get(args["pid"])
    try:
        p.cpu_percent(None)
        time.sleep(CPU_SAMPLE_SECONDS)

        def opt(fn, default=None):
            try:
                return fn()
            except (psutil.AccessDenied, psutil.ZombieProcess, OSError):
                return default

        with p.oneshot():
            name = p.name()
            cmdline = opt(p.cmdline, [])
            mem = opt(p.memory_info)
            result = {
                "pid": p.pid,
                "ppid": opt(p.ppid),
                "name": name,
                "user": opt(p.username),
                "status": opt(p.status),
                "command": _command(cmdline, name),
                "cmdline": cmdline,
                "exe": opt(p.exe),
                "cwd": opt(p.cwd),
                "started": _iso(p.create_time()),
                "cpu_percent": opt(lambda: round(p.cpu_percent(None), 1)),
                "memory_bytes": mem.rss if mem else None,
                "virtual_memory_bytes": mem.vms if mem else None,
                "memory_percent": opt(lambda: round(p.memory_percent(), 2)),
                "num_threads": opt(p.num_threads),
                "nice": opt(p.nice),
                "terminal": opt(p.terminal),
                "open_files": opt(lambda: len(p.open_files())),
                "children": opt(lambda: [c.pid for c in p.children()], []),
            }
    except psutil.NoSuchProcess:
        raise ToolError(f"Process {args['pid']} exited while it was being inspected.") from None
    return result


# --------------------------------------------------------------------------- kill

def _refusal(p: psutil.Process, ctx: Context, protected: set[int]) -> str | None:
    """Why ``p`` must not be signalled, or None."""
    if p.pid <= 1:
        return f"pid {p.pid} is the init process; llmos never signals it"
    if p.pid in protected:
        if p.pid == os.getpid():
            return f"pid {p.pid} is llmos itself"
        return f"pid {p.pid} ({_safe_name(p)}) is the process that asked (or one of its parents)"
    try:
        if p.pid == 2 or p.ppid() == 2:
            return f"pid {p.pid} is a kernel thread"
        if ctx.uid != 0 and p.uids().real != ctx.uid and p.uids().effective != ctx.uid:
            return (f"pid {p.pid} ({_safe_name(p)}) belongs to {_safe_user(p)}, not to you; "
                    "only root may signal other users' processes")
    except psutil.NoSuchProcess:
        return f"pid {p.pid} is no longer running"
    except psutil.AccessDenied:
        return f"pid {p.pid}: not allowed to inspect it"
    return None


def _safe_name(p: psutil.Process) -> str:
    try:
        return p.name()
    except psutil.Error:
        return "?"


def _safe_user(p: psutil.Process) -> str:
    try:
        return p.username()
    except (psutil.Error, KeyError):
        return "another user"


def _approved_processes():
    for pid in sorted(PIDFDS or ()):
        try:
            yield psutil.Process(pid)
        except psutil.Error:
            continue


def _send(p: psutil.Process, sig: int) -> None:
    """Signal ``p`` race-free: through a pidfd opened before the identity check."""
    pidfd = None
    if PIDFDS is not None:
        if p.pid not in PIDFDS:
            raise psutil.AccessDenied(p.pid)
        if not p.is_running():
            raise psutil.NoSuchProcess(p.pid)
        try:
            _signal.pidfd_send_signal(PIDFDS[p.pid], sig)
        except ProcessLookupError:
            raise psutil.NoSuchProcess(p.pid) from None
        return
    if hasattr(os, "pidfd_open") and hasattr(_signal, "pidfd_send_signal"):
        try:
            pidfd = os.pidfd_open(p.pid)
        except ProcessLookupError:
            raise psutil.NoSuchProcess(p.pid) from None
        except OSError:
            pidfd = None  # old kernel: fall back to psutil's create-time check
    try:
        if pidfd is not None:
            if not p.is_running():  # pid now names another process: the pidfd's one is gone
                raise psutil.NoSuchProcess(p.pid)
            try:
                _signal.pidfd_send_signal(pidfd, sig)
            except ProcessLookupError:
                raise psutil.NoSuchProcess(p.pid) from None
        else:
            p.send_signal(sig)
    finally:
        if pidfd is not None:
            os.close(pidfd)


def kill(args: dict, ctx: Context) -> dict:
    """process.kill: send a signal (default TERM) to a pid, or to every process of that exact name.

    Never signals pid 0/1, kernel threads, llmos itself or its ancestors, and
    (unless the caller is root) other users' processes.
    """
    pid, name = args.get("pid"), args.get("name")
    sig_name = str(args.get("signal") or "TERM").upper()
    if sig_name.startswith("SIG"):
        sig_name = sig_name[3:]
    if sig_name not in SIGNALS:
        raise ToolError(f"Signal '{sig_name}' is not allowed; use one of {', '.join(SIGNALS)}.")
    sig = SIGNALS[sig_name]
    if pid is None and not name:
        raise ToolError("Say which process to signal: a pid or a process name.")
    protected = _protected_pids()

    if pid is not None:
        if int(pid) <= 1:
            raise ToolError(f"Refusing to signal pid {pid}: it is the init process (or not a process).")
        p = _get(pid)
        if name and _safe_name(p) != name:
            raise ToolError(f"Process {pid} is '{_safe_name(p)}', not '{name}'; nothing was signalled.")
        why = _refusal(p, ctx, protected)
        if why:
            raise ToolError(f"Refusing to signal: {why}.")
        targets = [p]
    else:
        targets = []
        candidates = _approved_processes() if PIDFDS is not None else psutil.process_iter()
        for p in candidates:
            try:
                if p.name() == name:
                    targets.append(p)
            except psutil.Error:
                continue
        if not targets:
            raise ToolError(f"No running process is named exactly '{name}'. "
                            "Use process.find to see what is running.")

    killed, skipped = [], []
    for p in targets:
        why = _refusal(p, ctx, protected) if pid is None else None
        if why:
            skipped.append({"pid": p.pid, "reason": why})
            continue
        if ctx.dry_run:
            killed.append(p.pid)
            continue
        try:
            _send(p, sig)
            killed.append(p.pid)
        except psutil.NoSuchProcess:
            skipped.append({"pid": p.pid, "reason": "exited before the signal was sent"})
        except (psutil.AccessDenied, PermissionError):
            skipped.append({"pid": p.pid, "reason": "permission denied"})
    if not killed:
        reasons = "; ".join(s["reason"] for s in skipped)
        raise ToolError(f"No process was signalled: {reasons}.")
    # "pids" repeats "killed" under the name the manifest's output schema (and $ref) uses
    return {"signal": sig_name, "killed": killed, "pids": killed, "skipped": skipped, "dry_run": ctx.dry_run}


# --------------------------------------------------------------------------- spawning

def spawn_detached(argv: list[str], cwd: str | None = None, env: dict | None = None,
                   wait: float = 0.0) -> dict:
    """Start ``argv`` (argv[0] an absolute path) detached: new session, stdio on /dev/null.

    A double fork: a short-lived intermediate child ``posix_spawn``s the program
    (with ``setsid``) and exits, so the program is re-parented to init (or the
    nearest subreaper) and never becomes our zombie.  With ``wait > 0`` the
    intermediate waits that long for the program to exit and reports its status
    and stderr (for launchers such as ``gio open`` that exit after handing over).

    Returns ``{"pid": int, "exit_status": int | None, "stderr": str}``; exit_status
    None means still running after ``wait``.  Raises ToolError if exec fails.
    """
    env = dict(os.environ if env is None else env)
    err_file = tempfile.TemporaryFile() if wait > 0 else None
    r, w = os.pipe()
    try:
        inter = os.fork()
    except OSError as e:
        os.close(r), os.close(w)
        raise ToolError(f"Could not start {argv[0]}: {e.strerror}.") from None
    if inter == 0:  # ---- intermediate child: only async-signal-safe-ish work, then _exit
        code = 0
        try:
            os.close(r)
            actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                       (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
            if err_file is not None:
                actions.append((os.POSIX_SPAWN_DUP2, err_file.fileno(), 2))
            else:
                actions.append((os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0))
            if cwd:
                os.chdir(cwd)
            try:
                child = os.posix_spawn(argv[0], argv, env, file_actions=actions, setsid=True)
            except OSError as e:
                os.write(w, f"E {e.errno} {e.strerror}".encode())
                os._exit(1)
            status = "-"
            if wait > 0:
                deadline = time.monotonic() + wait
                while time.monotonic() < deadline:
                    done, st = os.waitpid(child, os.WNOHANG)
                    if done:
                        status = str(os.waitstatus_to_exitcode(st))
                        break
                    time.sleep(0.02)
            os.write(w, f"P {child} {status}".encode())
        except BaseException:  # noqa: BLE001 - never return into the caller's stack
            code = 1
        finally:
            os._exit(code)
    # ---- parent
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 256)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    os.waitpid(inter, 0)
    msg = b"".join(chunks).decode(errors="replace").split(" ", 2)
    stderr = ""
    if err_file is not None:
        err_file.seek(0)
        stderr = err_file.read(8192).decode(errors="replace").strip()
        err_file.close()
    if not msg or msg[0] not in ("P", "E"):
        raise ToolError(f"Could not start {argv[0]}: the launcher failed unexpectedly.")
    if msg[0] == "E":
        raise ToolError(f"Could not start {argv[0]}: {msg[2] if len(msg) > 2 else 'exec failed'}.")
    return {"pid": int(msg[1]), "exit_status": None if msg[2] == "-" else int(msg[2]), "stderr": stderr}


def _xdg_data_dirs() -> list[str]:
    home = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    dirs = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    return [home] + [d for d in dirs.split(":") if d]


def find_desktop_file(app: str) -> str | None:
    """Path of the .desktop file for a desktop id (``firefox`` or ``firefox.desktop``)."""
    if "/" in app:
        return None
    desktop_id = app if app.endswith(".desktop") else app + ".desktop"
    for base in _xdg_data_dirs():
        apps = os.path.join(base, "applications")
        cand = os.path.join(apps, desktop_id)
        if os.path.isfile(cand):
            return cand
        # ids of files in sub-folders use '-' for '/': kde-foo.desktop -> kde/foo.desktop
        parts = desktop_id.split("-")
        for i in range(1, len(parts)):
            cand = os.path.join(apps, *parts[:i], "-".join(parts[i:]))
            if os.path.isfile(cand):
                return cand
    return None


def _exec_argv(desktop_file: str, extra: list[str]) -> list[str]:
    """Minimal Desktop Entry Exec= expansion: field codes %f %F %u %U take ``extra``."""
    import shlex

    cp = configparser.ConfigParser(interpolation=None, strict=False)
    cp.optionxform = str
    try:
        cp.read(desktop_file, encoding="utf-8")
        entry = cp["Desktop Entry"]
        exec_line = entry["Exec"]
    except (configparser.Error, KeyError, UnicodeDecodeError):
        raise ToolError(f"{desktop_file} is not a usable desktop entry (no Exec= line).") from None
    argv: list[str] = []
    used = False
    for tok in shlex.split(exec_line.replace("%%", "\0")):
        if tok in ("%f", "%u"):
            argv.extend(extra[:1]); used = True
        elif tok in ("%F", "%U"):
            argv.extend(extra); used = True
        elif tok in ("%i", "%c", "%k", "%d", "%D", "%n", "%N", "%v", "%m"):
            continue
        else:
            argv.append(tok.replace("\0", "%"))
    if extra and not used:
        argv.extend(extra)
    if not argv:
        raise ToolError(f"{desktop_file} has an empty Exec= line.")
    return argv


def _resolve_program(command: str, ctx: Context) -> str | None:
    if os.path.isabs(command) or "/" in command:
        path = command if os.path.isabs(command) else os.path.join(ctx.cwd, command)
        if os.path.isdir(path):
            raise ToolError(f"{path} is a folder, not a program.")
        if not os.path.exists(path):
            raise ToolError(f"There is no program at {path}.")
        if not os.access(path, os.X_OK):
            raise ToolError(f"{path} is not executable.")
        return os.path.abspath(path)
    return shutil.which(command)


def launch(args: dict, ctx: Context) -> dict:
    """process.launch: start a program (on PATH or by absolute path) or a desktop app id.

    argv only, never a shell; detached in a new session with stdio on /dev/null.
    Result: pid, command (resolved), argv, via (exec | gio launch | gtk-launch | desktop-entry).
    """
    command = str(args.get("command") or "").strip()
    extra = [str(a) for a in (args.get("args") or [])]
    if not command:
        raise ToolError("Say which program to start.")
    program = None if command.endswith(".desktop") else _resolve_program(command, ctx)
    desktop_file = None
    if program:
        argv, via = [program] + extra, "exec"
    else:
        desktop_file = find_desktop_file(command)
        if desktop_file is None:
            raise ToolError(f"'{command}' is neither a program on PATH nor an installed desktop "
                            "application. Check the spelling, or install it first.")
        gio, gtk_launch = shutil.which("gio"), shutil.which("gtk-launch")
        if gio:
            argv, via = [gio, "launch", desktop_file] + extra, "gio launch"
        elif gtk_launch:
            argv, via = [gtk_launch, os.path.basename(desktop_file)] + extra, "gtk-launch"
        else:
            argv = _exec_argv(desktop_file, extra)
            prog = shutil.which(argv[0]) if not os.path.isabs(argv[0]) else argv[0]
            if not prog or not os.access(prog, os.X_OK):
                raise ToolError(f"{desktop_file} runs '{argv[0]}', which is not installed.")
            argv[0], via = prog, "desktop-entry"
    result = {"command": argv[0], "argv": argv, "via": via}
    if desktop_file:
        result["desktop_file"] = desktop_file
    if ctx.dry_run:
        return {**result, "pid": None, "dry_run": True}
    started = spawn_detached(argv, cwd=ctx.cwd if os.path.isdir(ctx.cwd) else None)
    return {**result, "pid": started["pid"], "pids": [started["pid"]]}
