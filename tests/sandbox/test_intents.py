"""Every built-in intent through the sandboxed runner, on real data, as root and as a user."""

from __future__ import annotations

import functools
import http.server
import os
import signal
import socket
import tarfile
import threading
import time

import pytest

from llmos.errors import MissingDependency, SandboxError, ToolError
from llmos.sandbox import LAUNCHED, sandboxed_runner
from tests.dbus_fixtures import dbus_session_bus, notification_server  # noqa: F401 - fixtures
from tests.sandbox.conftest import unique_sleeper


# --------------------------------------------------------------------------- files

def test_find_usage_read(space, call):
    space.file("docs/a.txt", "alpha")
    space.file("docs/sub/b.log", "bravo!")
    found = call(space, "files.find", path=str(space.home / "docs"), ext="txt")
    assert found["paths"] == [str(space.home / "docs/a.txt")]
    usage = call(space, "files.usage", path=str(space.home / "docs"))
    assert usage["total"] == 11 and usage["files"] == 2
    read = call(space, "files.read", path=str(space.home / "docs/a.txt"))
    assert read["content"] == "alpha"


def test_copy_move_delete(space, call):
    src = space.file("a.txt", "payload")
    dest = space.dir("dest")
    r = call(space, "files.copy", sources=[str(src)], destination=str(dest))
    assert (dest / "a.txt").read_text() == "payload" and src.exists()
    assert r["paths"] == [str(dest / "a.txt")]
    r = call(space, "files.move", sources=[str(src)], destination=str(space.home / "moved.txt"))
    assert (space.home / "moved.txt").read_text() == "payload" and not src.exists()
    tree = space.dir("tree/deep")
    space.file("tree/deep/x", "x")
    r = call(space, "files.delete", paths=[str(space.home / "tree"), str(space.home / "moved.txt")])
    assert r["count"] == 2 and not (space.home / "tree").exists() and not (space.home / "moved.txt").exists()
    assert tree.parent.parent == space.home


def test_copy_into_a_new_folder_and_move_a_folder(space, call):
    a, b = space.file("a", "1"), space.file("b", "2")
    call(space, "files.copy", sources=[str(a), str(b)], destination=str(space.home / "new"))
    assert sorted(os.listdir(space.home / "new")) == ["a", "b"]
    space.dir("into")
    call(space, "files.move", sources=[str(space.home / "new")], destination=str(space.home / "into"))
    assert sorted(os.listdir(space.home / "into/new")) == ["a", "b"]


def test_mkdir_and_write(space, call):
    r = call(space, "files.mkdir", path=str(space.home / "p/q/r"))
    assert r["created"] and (space.home / "p/q/r").is_dir()
    assert os.stat(space.home / "p/q/r").st_uid == space.uid
    path = space.home / "p/q/r/note.txt"
    call(space, "files.write", path=str(path), content="hello")
    call(space, "files.write", path=str(path), content=" world", append=True)
    assert path.read_text() == "hello world"
    call(space, "files.write", path=str(path), content="replaced")
    assert path.read_text() == "replaced"


def test_trash_a_file_and_a_folder(space, call):
    f = space.file("old.txt", "bye")
    space.file("olddir/inner", "x")
    r = call(space, "files.trash", paths=[str(f), str(space.home / "olddir")])
    trash = space.home / ".local/share/Trash"
    assert r["paths"] == [str(f), str(space.home / "olddir")]
    assert (trash / "files/old.txt").read_text() == "bye" and (trash / "files/olddir/inner").exists()
    assert (trash / "info/old.txt.trashinfo").exists()
    assert os.stat(trash).st_mode & 0o777 == 0o700 and os.stat(trash).st_uid == space.uid
    g = space.file("second.txt")            # the trash exists now: no folder is made first
    call(space, "files.trash", paths=[str(g)])
    assert (trash / "files/second.txt").exists()


def test_compress_and_extract(space, call):
    space.file("proj/a.py", "print(1)")
    space.file("proj/lib/b.py", "print(2)")
    archive = space.home / "proj.tar.gz"
    r = call(space, "files.compress", sources=[str(space.home / "proj")], archive=str(archive))
    assert r["count"] == 4 and tarfile.is_tarfile(archive)
    r = call(space, "files.extract", archive=str(archive), destination=str(space.home / "out"))
    assert (space.home / "out/proj/lib/b.py").read_text() == "print(2)"
    zipped = space.home / "bundle.zip"
    call(space, "files.compress", sources=[str(space.home / "proj")], archive=str(zipped))
    call(space, "files.extract", archive=str(zipped))       # default destination: ~/bundle
    assert (space.home / "bundle/proj/a.py").read_text() == "print(1)"


def test_handler_errors_come_through_as_tool_errors(space, call):
    with pytest.raises(ToolError, match="no such file"):
        call(space, "files.read", path=str(space.home / "missing.txt"))
    with pytest.raises(ToolError, match="no such folder"):
        call(space, "files.write", path=str(space.home / "nofolder/x.txt"), content="x")


# --------------------------------------------------------------------------- processes

def test_process_list_find_info_kill(space, call):
    p = unique_sleeper(space)
    try:
        listed = call(space, "process.list", sort="pid", limit=1000)
        assert p.pid in listed["pids"] and 1 in listed["pids"]     # the host's processes
        found = call(space, "process.find", name=p.comm)
        assert found["pids"] == [p.pid]
        info = call(space, "process.info", pid=p.pid)
        assert info["pid"] == p.pid and info["name"] == p.comm and info["ppid"] == os.getpid()
        killed = call(space, "process.kill", pid=p.pid)
        assert killed["killed"] == [p.pid]
        assert p.wait(10) == -signal.SIGTERM
    finally:
        p.kill()
        p.wait()


def test_process_kill_by_name_signals_only_the_approved_processes(space, call):
    a, b = unique_sleeper(space), unique_sleeper(space)
    try:
        r = call(space, "process.kill", name=a.comm, signal="KILL")
        assert r["killed"] == [a.pid]
        assert a.wait(10) == -signal.SIGKILL and b.poll() is None
    finally:
        for p in (a, b):
            p.kill()
            p.wait()


# --------------------------------------------------------------------------- system

def test_system_info_and_disks(space, call):
    info = call(space, "system.info")
    assert info["uptime"]["uptime_seconds"] > 0 and info["memory"]["total"] > 0
    assert info["cpu"]["logical_cores"] >= 1 and info["os"]["kernel"] == os.uname().release
    disks = call(space, "system.disks")
    assert disks["disks"] and "/" in disks["paths"] or disks["disks"]


def test_system_logs_missing_journal_comes_through(space, call):
    if os.path.isdir("/run/log/journal") or any(os.scandir("/var/log/journal")):
        pytest.skip("this machine has a journal")
    with pytest.raises(MissingDependency, match="journal"):
        call(space, "system.logs", limit=5)


# --------------------------------------------------------------------------- network

def test_net_status_and_ports(space, call):
    status = call(space, "net.status")
    names = {i["name"]: i for i in status["interfaces"]}
    assert names["lo"]["loopback"] and any("127.0.0.1" in a for a in names["lo"]["addresses"])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        port = listener.getsockname()[1]
        ports = call(space, "net.ports", port=port)
        assert [c["local_port"] for c in ports["connections"]] == [port]
    finally:
        listener.close()


def test_ping_missing_program_comes_through(space, call):
    import shutil
    if shutil.which("ping"):
        pytest.skip("ping is installed here")
    with pytest.raises(MissingDependency, match="ping"):
        call(space, "net.ping", host="1.1.1.1", count=1)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        port = self.server.server_address[1]
        if self.path == "/same-host":
            self.send_response(302)
            self.send_header("Location", "/file.bin")
            self.end_headers()
        elif self.path == "/other-host":
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{port}/file.bin")
            self.end_headers()
        else:
            super().do_GET()


@pytest.fixture
def http_server(tmp_path):
    (tmp_path / "file.bin").write_bytes(b"0123456789" * 1000)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(tmp_path)))
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_fetch_from_a_loopback_server_named_by_a_rule(space, call, http_server):
    space.dir("Downloads")
    local = sandboxed_runner(allow_private_hosts={"127.0.0.1"})      # a rule names the loopback host
    r = call(space, "net.fetch", using=local, url=f"{http_server}/file.bin",
             destination=str(space.home / "Downloads/f.bin"))
    assert r["bytes"] == 10000 and (space.home / "Downloads/f.bin").read_bytes() == b"0123456789" * 1000
    assert os.stat(space.home / "Downloads/f.bin").st_uid == space.uid
    r = call(space, "net.fetch", using=local, url=f"{http_server}/same-host",
             destination=str(space.home / "Downloads"))           # same-host redirect: followed
    assert r["path"] == str(space.home / "Downloads/same-host") and r["url"].endswith("/file.bin")


def test_fetch_without_a_rule_for_loopback_is_refused_before_anything_runs(space, call, http_server):
    space.dir("Downloads")
    with pytest.raises(SandboxError, match="127.0.0.1 is a loopback address") as e:
        call(space, "net.fetch", url=f"{http_server}/file.bin", destination=str(space.home / "Downloads/f"))
    assert e.value.mechanism == "network"
    assert os.listdir(space.home / "Downloads") == []


# --------------------------------------------------------------------------- desktop, launch, timer

def test_notify_on_a_private_bus(space, call, notification_server, monkeypatch):
    if space.user != "root":
        pytest.skip("a session bus admits its own user only; this one is root's")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", notification_server.address)
    r = call(space, "desktop.notify", title="Done", body="sandboxed")
    assert r["id"] == 1
    assert notification_server.wait_for(1)[0]["body"] == "sandboxed"


def test_launch_survives_the_call_confined_in_its_own_cgroup(space, call):
    r = call(space, "process.launch", command="sleep", args=["30"])
    pid = r["pid"]
    time.sleep(0.1)
    assert pid in LAUNCHED.pids()
    with open(f"/proc/{pid}/status") as f:
        status = dict(line.split(":", 1) for line in f if ":" in line)
    assert status["NoNewPrivs"].strip() == "1" and status["Seccomp"].strip() == "2"
    assert int(status["CapEff"], 16) == 0 and int(status["Uid"].split()[0]) == space.uid
    with open(f"/proc/{pid}/cgroup") as f:
        assert f"kernelspace-{os.getpid()}-" in f.read()       # the per-launch cgroup, not the call's
    LAUNCHED.kill_all()
    deadline = time.monotonic() + 5
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"


def test_launched_program_is_confined_by_the_launch_profile(space, call):
    secret = space.file(".ssh/id_rsa", "KEY")
    space.dir("Documents")
    out = space.home / "Documents/out.txt"
    etc = f"/etc/llmos-sbx-{os.getpid()}"
    script = (f"echo x > {etc}; echo x > {space.home}/.bashrc; "
              f"cat {secret} > {out}.tmp 2>/dev/null && mv {out}.tmp {out} || echo denied > {out}")
    try:
        call(space, "process.launch", command="/bin/sh", args=["-c", script])
        deadline = time.monotonic() + 10
        while not (out.exists() and out.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert out.read_text().strip() == "denied"          # wrote its documents, did not read the key
        assert not os.path.exists(etc)                      # /etc is read-only to it
        assert not (space.home / ".bashrc").exists()        # start-up files are not granted
    finally:
        if os.path.exists(etc):
            os.unlink(etc)


def test_desktop_open_reports_the_opener(space, call):
    doc = space.file("doc.unknownext", "x")
    import shutil
    if not (shutil.which("xdg-open") or shutil.which("gio")):
        with pytest.raises(MissingDependency):
            call(space, "desktop.open", target=str(doc))
        return
    try:
        r = call(space, "desktop.open", target=str(doc))
        assert r["target"] == str(doc)
    except ToolError as e:                 # no desktop here: the opener's own complaint comes back
        assert "could not open" in str(e) and not isinstance(e, SandboxError)


def test_timer_remind_fallback_fires_from_its_confined_process(space, call, notification_server,
                                                                monkeypatch):
    if space.user != "root":
        pytest.skip("the interpreter lives under /root, which the test user cannot enter")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", notification_server.address)
    r = call(space, "timer.remind", message="stretch", **{"in": 1})
    assert r["method"] in ("detached-process", "systemd-run")
    if r["method"] == "detached-process":
        assert r["pid"] in LAUNCHED.pids()
    got = notification_server.wait_for(1, timeout=20)
    assert got and got[0]["body"] == "stretch"


@pytest.fixture
def shm(space):
    """A folder of the space's user on another filesystem (/dev/shm), or skip."""
    import shutil
    import tempfile
    if not os.path.isdir("/dev/shm") or os.stat("/dev/shm").st_dev == os.stat(space.home).st_dev:
        pytest.skip("no second filesystem here")
    trash = f"/dev/shm/.Trash-{space.uid}"
    if os.path.lexists(trash):
        pytest.skip(f"{trash} exists already (someone else's trash; not touched)")
    d = tempfile.mkdtemp(prefix="sbx-", dir="/dev/shm")
    os.chown(d, space.uid, space.gid)
    yield d
    shutil.rmtree(d, ignore_errors=True)
    shutil.rmtree(trash, ignore_errors=True)


def test_move_and_trash_across_filesystems(space, call, shm):
    f = space.file("across.txt", "far")
    call(space, "files.move", sources=[str(f)], destination=shm)
    moved = os.path.join(shm, "across.txt")
    assert open(moved).read() == "far" and not f.exists()
    r = call(space, "files.trash", paths=[moved])
    assert r["entries"][0]["trash"] == f"/dev/shm/.Trash-{space.uid}"
    assert os.path.exists(f"/dev/shm/.Trash-{space.uid}/files/across.txt")


def test_fetch_verifies_tls_in_the_worker(space, call, tmp_path):
    import shutil
    import ssl
    import subprocess
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        space.dir("Downloads")
        with pytest.raises(ToolError, match="CERTIFICATE_VERIFY_FAILED"):   # self-signed: refused
            call(space, "net.fetch", using=sandboxed_runner(allow_private_hosts={"127.0.0.1"}),
                 url=f"https://127.0.0.1:{srv.server_address[1]}/x", destination=str(space.home / "Downloads/x"))
        assert os.listdir(space.home / "Downloads") == []
    finally:
        srv.shutdown()
        srv.server_close()
