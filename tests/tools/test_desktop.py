"""desktop.* handlers: notify against a real private dbus-daemon, open via real or stand-in openers."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from llmos.errors import MissingDependency, ToolError
from llmos.tools import Context
from llmos.tools import desktop
from tests.dbus_fixtures import dbus_session_bus, notification_server  # noqa: F401 - fixtures


@pytest.fixture
def ctx(tmp_path):
    return Context(cwd=str(tmp_path), home=str(tmp_path), uid=os.getuid())


# --------------------------------------------------------------------------- notify

def test_notify_reaches_the_notification_service(notification_server, monkeypatch, ctx):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", notification_server.address)
    r = desktop.notify({"title": "Backup done", "body": "42 files — 备份完成"}, ctx)
    assert r == {"id": 1, "title": "Backup done", "body": "42 files — 备份完成"}
    got = notification_server.wait_for(1)
    assert got[0]["title"] == "Backup done" and got[0]["body"] == "42 files — 备份完成"
    assert got[0]["app_name"] == "llmos"
    r2 = desktop.notify({"title": "Second"}, ctx)
    assert r2["id"] == 2 and notification_server.wait_for(2)[1]["body"] == ""


def test_notify_without_a_notification_service(dbus_session_bus, monkeypatch, ctx):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", dbus_session_bus)
    with pytest.raises(MissingDependency, match="notification service"):
        desktop.notify({"title": "nobody listens"}, ctx)


def test_notify_without_a_session_bus(monkeypatch, tmp_path):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    nobody = Context(cwd=str(tmp_path), home=str(tmp_path), uid=2 ** 31 - 7)  # no /run/user/UID/bus
    with pytest.raises(MissingDependency, match="session D-Bus"):
        desktop.notify({"title": "t"}, nobody)


def test_notify_with_a_dead_bus_address(monkeypatch, tmp_path, ctx):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-such-socket")
    with pytest.raises(MissingDependency, match="cannot reach the session D-Bus"):
        desktop.notify({"title": "t"}, ctx)


def test_notify_needs_a_title(ctx):
    with pytest.raises(ToolError, match="title"):
        desktop.notify({"title": "  "}, ctx)


def test_notify_command_line_entry(notification_server, monkeypatch):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", notification_server.address)
    assert desktop.main(["notify", "From the CLI", "body text"]) == 0
    assert notification_server.wait_for(1)[0]["title"] == "From the CLI"


# --------------------------------------------------------------------------- open

def test_open_missing_file_is_an_error(tmp_path, ctx):
    with pytest.raises(ToolError, match="does not exist"):
        desktop.open({"target": str(tmp_path / "nope.pdf")}, ctx)
    with pytest.raises(ToolError, match="does not exist"):
        desktop.open({"target": "nope-relative.txt"}, ctx)
    with pytest.raises(ToolError, match="does not exist"):
        desktop.open({"target": f"file://{tmp_path}/nope.txt"}, ctx)


def _wait_for_file(path, timeout=5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size:
            return True
        time.sleep(0.05)
    return False


def test_open_file_with_xdg_open(tmp_path, stand_in, ctx):
    doc = tmp_path / "report; rm -rf x.txt"  # metacharacters stay literal: argv only
    doc.write_text("hello")
    opened = stand_in("xdg-open", "")
    r = desktop.open({"target": doc.name}, ctx)  # relative to the caller's cwd
    assert r["opener"] == "xdg-open" and r["target"] == str(doc) and r["kind"] == "path"
    assert _wait_for_file(opened)
    assert opened.read_text().splitlines() == [str(doc)]


def test_open_url_passes_through(stand_in, ctx):
    opened = stand_in("xdg-open", "")
    r = desktop.open({"target": "https://example.org/a?b=1&c=2"}, ctx)
    assert r["target"] == "https://example.org/a?b=1&c=2" and r["kind"] == "url"
    assert _wait_for_file(opened) and opened.read_text().strip() == "https://example.org/a?b=1&c=2"


def test_open_reports_opener_failure(tmp_path, stand_in, ctx):
    doc = tmp_path / "a.txt"
    doc.write_text("x")
    stand_in("xdg-open", "", stderr="no application for text/plain", rc=3)
    with pytest.raises(ToolError, match="no application for text/plain"):
        desktop.open({"target": str(doc)}, ctx)


def test_open_without_any_opener(tmp_path, monkeypatch, ctx):
    doc = tmp_path / "a.txt"
    doc.write_text("x")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(MissingDependency, match="xdg-open"):
        desktop.open({"target": str(doc)}, ctx)


@pytest.mark.skipif(shutil.which("gio") is None or shutil.which("xdg-open") is not None,
                    reason="exercises the real gio open path (gio present, xdg-open absent)")
def test_open_with_real_gio_and_a_default_app(tmp_path, monkeypatch, ctx):
    """gio open with a test default application for text/plain that copies the file it is given."""
    data, conf = tmp_path / "data", tmp_path / "conf"
    (data / "applications").mkdir(parents=True)
    conf.mkdir()
    copy = tmp_path / "copied.txt"
    (data / "applications" / "llmos-test-viewer.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Viewer\nMimeType=text/plain;\n"
        f"Exec=/bin/cp %f {copy}\nTerminal=false\n")
    (conf / "mimeapps.list").write_text("[Default Applications]\ntext/plain=llmos-test-viewer.desktop\n")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(conf))
    monkeypatch.setenv("GIO_USE_VFS", "local")
    doc = tmp_path / "note.txt"
    doc.write_text("open me")
    r = desktop.open({"target": str(doc)}, ctx)
    assert r["opener"] == "gio open"
    assert _wait_for_file(copy) and copy.read_text() == "open me"
