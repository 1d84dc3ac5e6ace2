"""Escape attempts from inside the worker, each with its positive twin.

The handler is a test-only probe (tests/sandbox/handlers.py) declared by manifests
with chosen effects (conftest.PROBES): whatever it tries beyond its declared
effects must fail, and what they declare must work.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import pytest

from llmos.errors import SandboxError, ToolError
from llmos.sandbox import sandboxed_runner
from tests.sandbox.conftest import unique_sleeper

DENIED = ("errno:EACCES", "errno:EPERM")


def probe(call, space, intent, *actions, **args):
    return call(space, intent, actions=[list(a) for a in actions], **args)["results"]


# --------------------------------------------------------------------------- files

def test_reads_only_what_it_declared(space, call):
    granted = space.file("granted.txt", "yes")
    other = space.file("other.txt", "no")
    r = probe(call, space, "test.probe.read", ("read", str(granted)), ("read", str(other)),
              ("read", str(space.outside / "target")), ("read", "/etc/shadow"),
              path=str(granted))
    assert r[0] == "yes"
    assert r[1] in DENIED and r[2] in DENIED and r[3] in DENIED


def test_copy_reads_its_sources_and_writes_its_destination_and_nothing_else(space, call):
    src = space.file("src/a.txt", "source")
    sibling = space.file("src/secret.txt", "sibling")
    dest = space.dir("dest")
    r = probe(call, space, "test.probe.copy",
              ("read", str(src)), ("write", str(dest / "a.txt"), "copied"),       # the twin
              ("read", str(sibling)),                                               # a sibling of the source
              ("write", str(space.home / "elsewhere.txt")),                         # a sibling of the destination
              ("write", str(src.parent / "new.txt")),                               # beside the source
              ("write", str(space.outside / "target")),
              sources=[str(src)], destination=str(dest))
    assert r[:2] == ["source", "ok"] and (dest / "a.txt").read_text() == "copied"
    assert all(x in DENIED for x in r[2:]), r
    assert not (space.home / "elsewhere.txt").exists() and not (src.parent / "new.txt").exists()
    assert (space.outside / "target").read_text() == "original"


def test_no_write_outside_the_grant_directly_via_symlink_rename_or_link(space, call):
    dest = space.dir("dest")
    inside = space.file("dest/mine.txt", "mine")
    os.symlink(space.outside / "target", dest / "link")             # planted before the call
    os.symlink(space.outside, dest / "dirlink")
    r = probe(call, space, "test.probe.write",
              ("write", str(dest / "new.txt")),                             # twin: inside
              ("rename", str(inside), str(dest / "renamed.txt")),            # twin: rename inside
              ("write", str(space.outside / "direct")),
              ("write", str(dest / "link")),
              ("write", str(dest / "dirlink" / "via-dir")),
              ("rename", str(dest / "renamed.txt"), str(space.outside / "moved-out")),
              ("link", str(dest / "renamed.txt"), str(space.outside / "hardlink")),
              ("link", str(space.outside / "target"), str(dest / "pulled-in")),
              ("symlink", "/etc/shadow", str(space.outside / "planted")),
              destination=str(dest))
    assert r[:2] == ["ok", "ok"]
    assert all(x in DENIED + ("errno:EXDEV",) for x in r[2:]), r
    assert sorted(os.listdir(space.outside)) == ["target"]
    assert (space.outside / "target").read_text() == "original"


def test_a_link_swapped_in_during_half_a_second_of_writes_never_redirects_them(space, call):
    import shutil
    import threading
    dest = space.dir("dest")
    sub = dest / "sub"
    stop = threading.Event()

    def swap():
        while not stop.is_set():
            try:
                if sub.is_symlink():
                    sub.unlink()
                    sub.mkdir()
                    os.chown(sub, space.uid, space.gid)
                else:
                    shutil.rmtree(sub, ignore_errors=True)
                    os.symlink(space.outside, sub)
            except OSError:
                pass
            time.sleep(0.001)         # each state lasts long enough for the worker to meet it
    t = threading.Thread(target=swap, daemon=True)
    sub.mkdir()
    os.chown(sub, space.uid, space.gid)
    t.start()
    try:
        r = probe(call, space, "test.probe.write", ("write_loop", str(sub / "target"), 0.5),
                  destination=str(dest))
    finally:
        stop.set()
        t.join()
    done, failed = r[0]
    assert done > 0, failed                                         # twin: the real folder was written
    assert (space.outside / "target").read_text() == "original"
    assert sorted(os.listdir(space.outside)) == ["target"]


def test_no_abstract_unix_socket_outside_the_worker(space, call):
    name = f"llmos-sbx-{os.getpid()}"
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind("\0" + name)
    srv.listen()
    try:
        r = probe(call, space, "test.probe.desktop", ("unix_abstract", name), ("unix", "/nonexistent.sock"))
        assert r[0] in DENIED + ("errno:ECONNREFUSED",)          # another netns, and Landlock scope
        assert r[1] == "errno:ENOENT"                            # twin: it may make unix sockets at all
    finally:
        srv.close()


def test_proc_and_environment_and_descriptors(space, call, monkeypatch):
    monkeypatch.setenv("LLMOS_TEST_SECRET_TOKEN", "hunter2")
    leaked = os.open("/etc/hostname", os.O_RDONLY)          # inheritable, open in the trusted process
    os.set_inheritable(leaked, True)
    try:
        r = probe(call, space, "test.probe.none", ("env",), ("fds",), ("status",),
                  ("read", f"/proc/{os.getpid()}/environ"), ("read", f"/proc/{os.getpid()}/cmdline"),
                  ("read", "/proc/1/environ"), ("unshare",))
    finally:
        os.close(leaked)
    env, fds, status = r[0], r[1], r[2]
    assert "LLMOS_TEST_SECRET_TOKEN" not in env and env["HOME"] == str(space.home)
    assert set(env) <= {"PATH", "LANG", "HOME"}
    assert fds[:3] == [0, 1, 2] and len(fds) <= 5               # stdio, the result pipe, listdir's own fd
    assert status["uid"] == space.uid and status["euid"] == space.uid
    assert all(int(status[k], 16) == 0 for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"))
    assert status["NoNewPrivs"] == "1" and status["Seccomp"] == "2"
    assert status["pid"] == 1                                   # pid 1 of its own pid namespace
    assert all(x in DENIED + ("errno:ENOENT",) for x in r[3:6]), r
    assert r[6] in DENIED


# --------------------------------------------------------------------------- network

@pytest.fixture
def tcp_listener():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    yield s.getsockname()[1]
    s.close()


def test_no_network_without_a_grant(space, call, tcp_listener):
    r = probe(call, space, "test.probe.none", ("tcp", "127.0.0.1", tcp_listener),
              ("udp", "127.0.0.1", 53), ("udp", "8.8.8.8", 53), ("broker", "127.0.0.1", tcp_listener),
              ("unix", "/run/dbus/system_bus_socket"))
    assert r[0] in DENIED and r[1] in DENIED and r[2] in DENIED
    assert r[3] == "no-broker" and r[4] in DENIED


@pytest.fixture
def http_like():
    """A listener that answers anything with 'HTTP/1.0 200'."""
    import threading
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    stop = []

    def serve():
        while not stop:
            try:
                c, _ = s.accept()
            except OSError:
                return
            try:
                c.recv(1024)
                c.sendall(b"HTTP/1.0 200 OK\r\n\r\n")
            finally:
                c.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield s.getsockname()[1]
    stop.append(1)
    s.close()


def test_network_grant_is_per_host(space, call, http_like, tcp_listener):
    approved = sandboxed_runner(allow_private_hosts={"127.0.0.1"})
    url = f"http://127.0.0.1:{http_like}/x"
    r = probe(call, space, "test.probe.fetch",
              ("broker", "127.0.0.1", http_like),           # twin: the approved host and port
              ("broker", "localhost", http_like),           # another name, even for the same address
              ("broker", "127.0.0.2", http_like),           # a second host
              ("broker", "127.0.0.1", tcp_listener),        # another port of the approved host
              ("tcp", "127.0.0.1", http_like),              # connecting by itself
              ("udp", "127.0.0.1", 53),
              using=approved, url=url, destination=str(space.home))
    assert r[0] == "HTTP/1.0 200"
    assert "may connect only to 127.0.0.1" in r[1] and "localhost" in r[1]
    assert "127.0.0.2" in r[2]
    assert f"port {tcp_listener} was refused" in r[3]
    assert r[4] in DENIED and r[5] in DENIED


def test_fetch_writes_its_destination_and_nothing_else_in_home(space, call, http_like):
    downloads = space.dir("Downloads")
    space.file("notes.txt", "mine")
    approved = sandboxed_runner(allow_private_hosts={"127.0.0.1"})
    r = probe(call, space, "test.probe.fetch",
              ("write", str(downloads / "f.bin"), "downloaded"),           # twin
              ("write", str(space.home / "notes.txt")),
              ("write", str(space.home / ".bashrc")),
              ("mkdir", str(space.home / ".ssh")),
              ("read", str(space.home / "notes.txt")),
              using=approved, url=f"http://127.0.0.1:{http_like}/f.bin", destination=str(downloads / "f.bin"))
    assert r[0] == "ok" and (downloads / "f.bin").read_text() == "downloaded"
    assert all(x in DENIED for x in r[1:]), r
    assert (space.home / "notes.txt").read_text() == "mine" and not (space.home / ".bashrc").exists()


def test_fetch_refuses_a_redirect_to_another_host_naming_it(space, call):
    import functools
    import http.server
    import threading

    class Redirect(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", "http://evil.example/steal")
            self.end_headers()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        space.dir("Downloads")
        with pytest.raises(ToolError, match="evil.example") as e:
            call(space, "net.fetch", using=sandboxed_runner(allow_private_hosts={"127.0.0.1"}),
                 url=f"http://127.0.0.1:{srv.server_address[1]}/", destination=str(space.home / "Downloads/x"))
        assert not isinstance(e.value, SandboxError)
        assert os.listdir(space.home / "Downloads") == []
    finally:
        srv.shutdown()
        srv.server_close()
    _ = functools


@pytest.mark.parametrize("url,what", [
    ("http://localhost:9/x", "loopback"),
    ("http://127.0.0.1:9/x", "loopback"),
    ("http://[::1]:9/x", "loopback"),
    ("http://[::ffff:127.0.0.1]:9/x", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://[fd00:ec2::254]/latest/", "metadata"),
    ("http://10.1.2.3/", "private"),
    ("http://100.64.0.1/", "carrier-grade"),
    ("http://[fe80::1]/", "link-local"),
    ("http://0.0.0.0:9/", "unspecified"),
])
def test_local_addresses_are_refused_without_a_rule(space, call, url, what):
    with pytest.raises(SandboxError, match=what) as e:
        probe(call, space, "test.probe.fetch", ("write", str(space.home / "ran")), url=url,
              destination=str(space.home))
    assert e.value.mechanism == "network"
    assert not (space.home / "ran").exists()


def test_a_rule_for_one_local_host_is_not_a_rule_for_the_metadata_address(space, call):
    approved = sandboxed_runner(allow_private_hosts={"localhost"})
    with pytest.raises(SandboxError, match="metadata"):
        probe(call, space, "test.probe.fetch", url="http://169.254.169.254/", destination=str(space.home),
              using=approved)
    r = probe(call, space, "test.probe.fetch", ("host_pid",), url="http://localhost:9/",
              destination=str(space.home), using=approved)        # twin: the named host is allowed
    assert isinstance(r[0], int)


# --------------------------------------------------------------------------- signals

def test_no_signal_to_the_parent_pid_1_or_llmos(space, call):
    r = probe(call, space, "test.probe.none", ("kill", 1, 0), ("kill", os.getpid(), 0),
              ("kill", -1, 0), ("child_kill",))
    # in its own pid namespace pid 1 is itself; everything outside is out of reach
    assert r[1] in DENIED + ("errno:ESRCH",) and r[2] in DENIED + ("errno:ESRCH", "ok")
    assert r[3] == -signal.SIGKILL                                  # twin: its own child


def test_no_signal_outside_the_domain_without_a_pid_namespace(space, call):
    victim = unique_sleeper(space)
    try:
        r = probe(call, space, "test.probe.processes", ("kill", victim.pid, 0), ("kill", 1, 0),
                  ("kill", os.getpid(), 0), ("child_kill",))
        assert r[0] in DENIED and r[1] in DENIED and r[2] in DENIED
        assert r[3] == -signal.SIGKILL
        assert victim.poll() is None
    finally:
        victim.kill()
        victim.wait()


def test_kill_worker_signals_only_its_target(space, call):
    target, other = unique_sleeper(space), unique_sleeper(space)
    try:
        r = probe(call, space, "test.probe.signal",
                  ("kill", other.pid, signal.SIGKILL),           # by number: seccomp
                  ("kill", target.pid, signal.SIGKILL),          # even the target, by number
                  ("pidfd_open", other.pid),
                  ("procfd_signal", other.pid, signal.SIGKILL),  # /proc/PID as a pidfd
                  ("procfd_signal", 1, signal.SIGKILL),
                  ("kill", 1, signal.SIGKILL),
                  ("pidfd_signal", target.pid, signal.SIGTERM),  # twin: the pidfd it was given
                  pid=target.pid)
        assert all(x in DENIED for x in r[:6]), r
        assert r[6] == "ok"
        assert target.wait(10) == -signal.SIGTERM and other.poll() is None
    finally:
        for p in (target, other):
            p.kill()
            p.wait()


def test_a_setsid_grandchild_is_killed_with_the_call(space, call):
    # no pid namespace for this probe: the pid it reports is the host's
    left = probe(call, space, "test.probe.processes", ("setsid_sleep", 300))[0]
    assert isinstance(left, int)
    assert _gone(left), "a setsid grandchild outlived its call"
    r = call(space, "process.launch", command="sleep", args=["300"])     # twin: launched on purpose
    assert not _gone(r["pid"], wait=0.3)


def _gone(pid: int, wait: float = 5.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.02)
    return False


# --------------------------------------------------------------------------- fail closed

def test_missing_kernel_mechanism_refuses_and_nothing_runs(space, call):
    marker = space.home / "ran"
    strict = sandboxed_runner(landlock_min_abi=99)
    with pytest.raises(SandboxError, match="landlock") as e:
        call(space, "test.marker", using=strict, path=str(marker))
    assert e.value.mechanism == "landlock" and "ABI 99" in str(e.value)
    assert not marker.exists()
    call(space, "test.marker", path=str(marker))                    # twin: the same call, sandboxed
    assert marker.read_text() == "ran"


def test_a_write_on_root_is_never_granted(space, call):
    with pytest.raises(SandboxError, match="directly in /") as e:
        call(space, "test.marker", path="/llmos-sbx-marker")
    assert e.value.mechanism == "grants"
    assert not os.path.exists("/llmos-sbx-marker")


def test_a_write_below_a_missing_folder_gets_no_grant_on_the_ancestor(space, call):
    with pytest.raises(ToolError):
        call(space, "test.marker", path=str(space.home / "missing/dir/marker"))
    assert not (space.home / "missing").exists()
