"""timer.remind: a desktop notification after a delay, surviving the caller.

Two ways, tried in this order:

1. **systemd-run** (preferred): where a user systemd manager is reachable
   (``systemctl --user is-system-running`` answers), a transient timer
   ``llmos-remind-<id>.timer`` fires ``python -m llmos.tools.desktop notify``.
   It survives llmos exiting; it does not survive a reboot.
2. **detached process** (documented fallback, e.g. containers or systems where
   systemd is not PID 1): a double-forked process in its own session
   (``python -m llmos.tools.timer --fire-at EPOCH -- MESSAGE``) sleeps and then
   sends the notification.  It survives llmos and the terminal exiting; it
   does not survive logout (the session bus goes away) or a reboot.

Both need a notification service on the session D-Bus; where there is none
the intent fails now (MissingDependency) instead of scheduling a reminder that
could never be shown.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone

import llmos
from llmos.errors import MissingDependency, ToolError
from llmos.tools import Context
from llmos.tools.desktop import check_notifications, send_notification
from llmos.tools.process import spawn_detached

REMINDER_TITLE = "Reminder"
MAX_DELAY_SECONDS = 366 * 24 * 3600
_RUNNING_STATES = {"running", "degraded", "starting", "initializing", "maintenance"}


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).astimezone().isoformat(timespec="seconds")


def _package_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(llmos.__file__)))


def user_systemd_available() -> bool:
    """True when ``systemd-run --user`` can create units (a user manager answers)."""
    systemctl = shutil.which("systemctl")
    if not (systemctl and shutil.which("systemd-run")):
        return False
    try:
        proc = subprocess.run([systemctl, "--user", "is-system-running"], capture_output=True,
                              timeout=5, stdin=subprocess.DEVNULL)
    except (subprocess.TimeoutExpired, OSError):
        return False
    return proc.stdout.decode(errors="replace").strip() in _RUNNING_STATES


def _via_systemd(message: str, delay: int, rid: str, address: str) -> dict:
    unit = f"llmos-remind-{rid}"
    argv = [shutil.which("systemd-run"), "--user", f"--on-active={delay}s", "--unit", unit,
            "--description", f"llmos reminder: {message[:60]}", "--collect",
            f"--setenv=PYTHONPATH={_package_root()}", f"--setenv=DBUS_SESSION_BUS_ADDRESS={address}",
            "--", sys.executable, "-m", "llmos.tools.desktop", "notify", REMINDER_TITLE, message]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=15, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ToolError("systemd-run did not answer within 15 s; the reminder was not set.") from None
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        raise ToolError(f"systemd-run could not set the reminder: {err or proc.returncode}")
    return {"method": "systemd-run", "unit": unit + ".timer", "pid": None}


def _via_process(message: str, due: float, address: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_package_root(), env.get("PYTHONPATH")) if p)
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    argv = [sys.executable, "-m", "llmos.tools.timer", "--fire-at", repr(due), "--", message]
    started = spawn_detached(argv, cwd="/", env=env)
    return {"method": "detached-process", "unit": None, "pid": started["pid"],
            "note": "Runs as a background process: it survives llmos exiting, not logout or reboot."}


def remind(args: dict, ctx: Context) -> dict:
    """timer.remind: notify ``message`` after ``in`` seconds.

    Result: method (systemd-run | detached-process), unit or pid, due (ISO 8601), message.
    """
    message = str(args.get("message") or "").strip()
    if not message:
        raise ToolError("Say what to be reminded of.")
    try:
        delay = int(args.get("in"))
    except (TypeError, ValueError):
        raise ToolError("Say when: 'in' is a number of seconds (e.g. 10 minutes).") from None
    if delay < 1:
        raise ToolError("A reminder needs a delay of at least one second.")
    if delay > MAX_DELAY_SECONDS:
        raise ToolError("Reminders can be at most a year ahead.")
    due = time.time() + delay
    if ctx.dry_run:
        return {"method": None, "unit": None, "pid": None, "due": _iso(due), "message": message,
                "dry_run": True}
    address = check_notifications(ctx)  # MissingDependency now rather than a silent reminder later
    rid = uuid.uuid4().hex[:12]
    if user_systemd_available():
        how = _via_systemd(message, delay, rid, address)
    else:
        how = _via_process(message, due, address)
    rid_out = how["unit"] or f"pid:{how['pid']}"
    return {"id": rid_out, **how, "due": _iso(due), "in": delay, "message": message}


# --------------------------------------------------------------------------- the reminder process

def _fire(due: float, message: str) -> int:
    while True:  # wall clock, in short naps, so a suspend does not push the reminder back
        left = due - time.time()
        if left <= 0:
            break
        time.sleep(min(left, 30.0))
    for attempt in range(3):
        try:
            send_notification(REMINDER_TITLE, message)
            return 0
        except MissingDependency:
            return 1
        except ToolError:
            time.sleep(5.0 * (attempt + 1))
    return 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 4 or argv[0] != "--fire-at" or argv[2] != "--":
        sys.stderr.write("usage: python -m llmos.tools.timer --fire-at EPOCH -- MESSAGE\n")
        return 2
    return _fire(float(argv[1]), argv[3])


if __name__ == "__main__":
    sys.exit(main())
