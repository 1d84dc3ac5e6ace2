"""timer.remind: the reminder survives the process that set it, and arrives on a private bus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime

import psutil
import pytest

from llmos.errors import MissingDependency, ToolError
from llmos.tools import Context
from llmos.tools import timer
from tests.dbus_fixtures import dbus_session_bus, notification_server  # noqa: F401 - fixtures

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def ctx(tmp_path):
    return Context(cwd=str(tmp_path), home=str(tmp_path), uid=os.getuid())


@pytest.fixture
def reminders():
    """Pids of reminder processes; any still alive after the test are killed."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        try:
            p = psutil.Process(pid)
            if "llmos.tools.timer" in " ".join(p.cmdline()):
                p.kill()
        except psutil.Error:
            pass


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_remind_fallback_process_notifies(notification_server, monkeypatch, ctx, reminders):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", notification_server.address)
    monkeypatch.setattr(timer, "user_systemd_available", lambda: False)
    before = time.time()
    r = timer.remind({"message": "tea is ready", "in": 1}, ctx)
    reminders.append(r["pid"])
    assert r["method"] == "detached-process" and r["unit"] is None and r["id"] == f"pid:{r['pid']}"
    assert r["message"] == "tea is ready" and r["in"] == 1
    due = datetime.fromisoformat(r["due"]).timestamp()
    assert before + 0 <= due <= time.time() + 1.5
    proc = psutil.Process(r["pid"])
    assert proc.ppid() != os.getpid() and os.getsid(r["pid"]) == r["pid"]
    assert notification_server.received == []  # not before it is due
    got = notification_server.wait_for(1, timeout=15)
    assert got and got[0]["title"] == "Reminder" and got[0]["body"] == "tea is ready"
    assert time.time() >= due - 0.05
    assert psutil.wait_procs([proc], timeout=5)[1] == [] or not _alive(r["pid"])


def test_remind_survives_the_caller_exiting(notification_server, ctx, reminders):
    """timer.remind runs in a child python that exits at once; the notification still arrives."""
    code = ("import json, llmos.tools.timer as t; from llmos.tools import Context\n"
            "t.user_systemd_available = lambda: False\n"
            "print(json.dumps(t.remind({'message': 'stretch', 'in': 2}, Context())))\n")
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=notification_server.address,
               PYTHONPATH=os.pathsep.join(p for p in (REPO, os.environ.get("PYTHONPATH")) if p))
    caller = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60,
                            cwd=ctx.cwd)
    assert caller.returncode == 0, caller.stderr.decode()
    r = json.loads(caller.stdout)
    reminders.append(r["pid"])
    assert _alive(r["pid"])  # the caller is gone, the reminder is not
    got = notification_server.wait_for(1, timeout=15)
    assert got and got[0]["body"] == "stretch"


def test_remind_without_notification_service(dbus_session_bus, monkeypatch, ctx):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", dbus_session_bus)
    with pytest.raises(MissingDependency, match="notification service"):
        timer.remind({"message": "never shown", "in": 60}, ctx)


def test_remind_without_session_bus(monkeypatch, tmp_path):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    nobody = Context(cwd=str(tmp_path), home=str(tmp_path), uid=2 ** 31 - 7)
    with pytest.raises(MissingDependency, match="session D-Bus"):
        timer.remind({"message": "x", "in": 60}, nobody)


@pytest.mark.parametrize("args,match", [
    ({"message": "x", "in": 0}, "at least one second"),
    ({"message": "x", "in": 10 ** 9}, "at most a year"),
    ({"message": " ", "in": 5}, "what to be reminded of"),
    ({"message": "x"}, "seconds"),
])
def test_remind_bad_arguments(args, match, ctx):
    with pytest.raises(ToolError, match=match):
        timer.remind(args, ctx)


def test_remind_prefers_systemd_run_when_a_user_manager_answers(notification_server, monkeypatch, ctx):
    """The systemd path's argv, with systemd-run replaced by a recorder (no user manager here)."""
    calls = []

    class Done:
        returncode, stdout, stderr = 0, b"", b"Running timer as unit: llmos-remind-x.timer\n"

    def fake_run(argv, **kw):
        calls.append(argv)
        return Done()

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", notification_server.address)
    monkeypatch.setattr(timer, "user_systemd_available", lambda: True)
    monkeypatch.setattr(timer.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(timer.subprocess, "run", fake_run)
    r = timer.remind({"message": "call mum", "in": 600}, ctx)
    assert r["method"] == "systemd-run" and r["unit"].startswith("llmos-remind-") and r["unit"].endswith(".timer")
    assert r["id"] == r["unit"]
    argv = calls[0]
    assert argv[:3] == ["/usr/bin/systemd-run", "--user", "--on-active=600s"]
    assert argv[argv.index("--unit") + 1] + ".timer" == r["unit"]
    assert argv[-7:] == ["--", sys.executable, "-m", "llmos.tools.desktop", "notify", "Reminder", "call mum"]
    assert f"--setenv=DBUS_SESSION_BUS_ADDRESS={notification_server.address}" in argv


def test_user_systemd_detection_here():
    """Documents this machine: without a user manager the detection says no (no exception)."""
    assert timer.user_systemd_available() in (True, False)
