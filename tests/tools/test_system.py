"""system.* handlers on the real machine."""

from __future__ import annotations

import os
import shutil

import pytest

from llmos.errors import MissingDependency, ToolError
from llmos.tools import Context
from llmos.tools import system


@pytest.fixture
def ctx(tmp_path):
    return Context(cwd=str(tmp_path), home=str(tmp_path), uid=os.getuid())


@pytest.mark.parametrize("aspect,keys", [
    ("cpu", {"model", "logical_cores", "physical_cores", "percent", "load_1m"}),
    ("memory", {"total", "available", "used", "percent", "swap_total"}),
    ("disk", {"root"}),
    ("battery", {"present"}),
    ("uptime", {"boot_time", "uptime_seconds"}),
    ("os", {"name", "kernel", "architecture", "hostname"}),
])
def test_info_each_aspect(aspect, keys, ctx):
    result = system.info({"aspect": aspect}, ctx)
    assert list(result) == [aspect]
    assert keys <= set(result[aspect])


def test_info_values_are_sane(ctx):
    r = system.info({"aspect": "all"}, ctx)
    assert set(r) == {"cpu", "memory", "disk", "battery", "uptime", "os"}
    assert r["cpu"]["logical_cores"] >= 1
    assert 0 <= r["cpu"]["percent"] <= 100
    assert 0 < r["memory"]["available"] <= r["memory"]["total"]
    assert r["disk"]["root"]["total"] > 0
    assert r["uptime"]["uptime_seconds"] >= 0
    assert r["os"]["system"] == "Linux"


def test_info_default_is_all_and_bad_aspect(ctx):
    assert len(system.info({}, ctx)) == 6
    with pytest.raises(ToolError, match="Unknown aspect"):
        system.info({"aspect": "gpu"}, ctx)


def test_disks_lists_real_filesystems(ctx):
    disks = system.disks({}, ctx)["disks"]
    assert disks
    assert system.disks({}, ctx)["paths"] == [d["mountpoint"] for d in disks]
    for d in disks:
        assert {"device", "mountpoint", "fstype", "total", "used", "free", "percent"} <= set(d)
        assert d["fstype"] not in ("proc", "sysfs", "tmpfs", "cgroup2")
    assert any(d["mountpoint"] == "/" for d in disks) or len(disks) >= 1


def _journal_usable() -> bool:
    try:
        system.logs({"limit": 1}, Context())
        return True
    except MissingDependency:
        return False


def test_logs_missing_journal_is_reported_not_faked(ctx):
    if _journal_usable():
        result = system.logs({"limit": 5, "since": 86400}, ctx)
        assert result["source"] == "journal"
        assert len(result["entries"]) <= 5
        for e in result["entries"]:
            assert {"time", "unit", "priority", "pid", "message"} <= set(e)
    else:
        with pytest.raises(MissingDependency, match="needs the systemd journal"):
            system.logs({"unit": "ssh", "since": 3600, "priority": "err", "grep": "x", "limit": 10}, ctx)


def test_logs_without_journalctl(monkeypatch, tmp_path, ctx):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty PATH: no journalctl
    with pytest.raises(MissingDependency, match="journalctl is not installed"):
        system.logs({}, ctx)


def test_logs_bad_priority(monkeypatch, tmp_path, ctx):
    if shutil.which("journalctl") is None:
        pytest.skip("no journalctl")
    with pytest.raises(ToolError, match="Unknown priority"):
        system.logs({"priority": "loud"}, ctx)


def test_logs_parses_journal_json_and_builds_argv(stand_in, ctx):
    lines = [
        '{"__REALTIME_TIMESTAMP":"1700000000000000","PRIORITY":"3","_SYSTEMD_UNIT":"ssh.service",'
        '"_PID":"42","MESSAGE":"error: boom"}',
        '{"__REALTIME_TIMESTAMP":"1700000001000000","PRIORITY":"6","SYSLOG_IDENTIFIER":"kernel",'
        '"MESSAGE":[104,105]}',
    ]
    argv_file = stand_in("journalctl", "\n".join(lines) + "\n")
    result = system.logs({"unit": "ssh", "since": 60, "priority": "error", "grep": "boom", "limit": 7}, ctx)
    assert result["source"] == "journal"
    assert result["entries"][0] == {"time": result["entries"][0]["time"], "unit": "ssh.service",
                                    "priority": "err", "pid": 42, "message": "error: boom"}
    assert result["entries"][1]["message"] == "hi" and result["entries"][1]["unit"] == "kernel"
    argv = argv_file.read_text().split("\n")
    assert argv[:6] == ["-o", "json", "--no-pager", "-q", "-n", "7"]
    assert ["-u", "ssh"] == argv[6:8] and argv[8] == "--since" and argv[9].startswith("@")
    assert ["-p", "err", "-g", "boom", "--case-sensitive=false"] == argv[10:15]


def test_logs_no_journal_files_message(stand_in, ctx):
    stand_in("journalctl", "", stderr="No journal files were found.\n")
    with pytest.raises(MissingDependency, match="needs the systemd journal"):
        system.logs({}, ctx)
