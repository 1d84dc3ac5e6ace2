"""net.* handlers. Only 127.0.0.1 is ever contacted (a local http.server in a thread)."""

from __future__ import annotations

import hashlib
import http.server
import os
import shutil
import socket
import threading
import time

import pytest

from llmos.errors import MissingDependency, ToolError
from llmos.tools import Context
from llmos.tools import net


@pytest.fixture
def ctx(tmp_path):
    return Context(cwd=str(tmp_path), home=str(tmp_path), uid=os.getuid())


# --------------------------------------------------------------------------- status / ports

def test_status_has_loopback_and_dns(ctx):
    r = net.status({}, ctx)
    lo = next(i for i in r["interfaces"] if i["name"] == "lo")
    assert lo["up"] is True and lo["loopback"] is True
    assert "127.0.0.1/8" in lo["addresses"]
    assert net._cidr("fd00::2", "ffff:ffff:ffff:ffff::") == "fd00::2/64"
    assert net._cidr("fe80::1%eth0", None) == "fe80::1"
    assert r["dns"] == net._dns_servers()
    assert set(r) >= {"interfaces", "default_route", "default_gateway", "dns", "online"}
    if r["default_route"]:
        assert r["default_route"]["interface"] in {i["name"] for i in r["interfaces"]}


def test_default_route_parsing(tmp_path, monkeypatch):
    route = tmp_path / "route"
    route.write_text("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                     "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
                     "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n")
    real_open = open
    monkeypatch.setattr("builtins.open",
                        lambda p, *a, **k: real_open(route if p == "/proc/net/route" else p, *a, **k))
    assert net._default_route() == {"interface": "eth0", "gateway": "192.0.2.1", "metric": 100}


def test_dns_parsing(tmp_path):
    conf = tmp_path / "resolv.conf"
    conf.write_text("# comment\nsearch example\nnameserver 10.0.0.53\nnameserver ::1\noptions edns0\n")
    assert net._dns_servers(str(conf)) == ["10.0.0.53", "::1"]


def test_ports_finds_our_listener(ctx):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    port = srv.getsockname()[1]
    try:
        rows = net.ports({"state": "listen", "port": port}, ctx)["connections"]
        assert len(rows) == 1
        row = rows[0]
        assert row["local_address"] == "127.0.0.1" and row["local_port"] == port
        assert row["state"] == "LISTEN" and row["proto"] == "tcp"
        assert row["pid"] == os.getpid()
        assert net.ports({"state": "listen", "port": port}, ctx)["pids"] == [os.getpid()]
        assert row["process"] == net.psutil.Process().name()
        by_proc = net.ports({"state": "listen", "process": str(os.getpid())}, ctx)["connections"]
        assert port in [r["local_port"] for r in by_proc]
        assert net.ports({"state": "listen", "port": port, "process": "no-such-proc"}, ctx)["connections"] == []

        cli = socket.create_connection(("127.0.0.1", port))
        conn, _ = srv.accept()
        try:
            est = net.ports({"state": "established", "port": port}, ctx)["connections"]
            assert len(est) == 2  # both ends are ours
            assert all(r["state"] == "ESTABLISHED" for r in est)
            every = net.ports({"state": "all", "port": port}, ctx)["connections"]
            assert len(every) == 3
        finally:
            cli.close()
            conn.close()
    finally:
        srv.close()


def test_ports_udp_bound_socket_counts_as_listening(ctx):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    try:
        rows = net.ports({"state": "listen", "port": u.getsockname()[1]}, ctx)["connections"]
        assert [(r["proto"], r["state"]) for r in rows] == [("udp", "LISTEN")]
    finally:
        u.close()


def test_ports_bad_state(ctx):
    with pytest.raises(ToolError, match="Unknown state"):
        net.ports({"state": "closing"}, ctx)


# --------------------------------------------------------------------------- ping

IPUTILS = """PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms
64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.061 ms

--- 127.0.0.1 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 1001ms
rtt min/avg/max/mdev = 0.045/0.053/0.061/0.008 ms
"""
BUSYBOX = """--- 10.0.0.1 ping statistics ---
3 packets transmitted, 2 packets received, 33% packet loss
round-trip min/avg/max = 1.100/1.200/1.300 ms
"""
LOST = """--- 192.0.2.9 ping statistics ---
4 packets transmitted, 0 received, 100% packet loss, time 3060ms
"""


def test_parse_ping_outputs():
    assert net.parse_ping(IPUTILS) == {"transmitted": 2, "received": 2, "loss_percent": 0.0,
                                      "rtt_min_ms": 0.045, "rtt_avg_ms": 0.053, "rtt_max_ms": 0.061}
    bb = net.parse_ping(BUSYBOX)
    assert (bb["received"], bb["loss_percent"], bb["rtt_max_ms"]) == (2, 33.3, 1.3)
    lost = net.parse_ping(LOST)
    assert (lost["received"], lost["loss_percent"], lost["rtt_avg_ms"]) == (0, 100.0, None)


def test_ping_localhost_or_missing(ctx):
    if shutil.which("ping") is None:
        with pytest.raises(MissingDependency, match="iputils-ping"):
            net.ping({"host": "127.0.0.1", "count": 1}, ctx)
    else:
        try:
            r = net.ping({"host": "127.0.0.1", "count": 1}, ctx)
        except ToolError as e:  # e.g. a container without CAP_NET_RAW / ping_group_range
            pytest.skip(f"ping present but not permitted here: {e}")
        assert r["transmitted"] == 1 and r["received"] == 1 and r["reachable"] is True


def test_ping_argv_and_summary_with_stand_in_ping(stand_in, ctx):
    argv = stand_in("ping", IPUTILS)
    r = net.ping({"host": "127.0.0.1", "count": 2}, ctx)
    assert argv.read_text().split("\n")[:5] == ["-c", "2", "-w", "12", "127.0.0.1"]
    assert r["host"] == "127.0.0.1" and r["received"] == 2 and r["rtt_avg_ms"] == 0.053
    assert r["address"] == "127.0.0.1"
    assert r["reachable"] is True


def test_ping_unreachable_is_a_result_not_an_error(stand_in, ctx):
    stand_in("ping", LOST, rc=1)
    r = net.ping({"host": "192.0.2.9"}, ctx)
    assert r["reachable"] is False and r["loss_percent"] == 100.0


def test_ping_unknown_host_is_an_error(stand_in, ctx):
    stand_in("ping", "", rc=2, stderr="ping: nohost.invalid: Name or service not known")
    with pytest.raises(ToolError, match="Name or service not known"):
        net.ping({"host": "nohost.invalid"}, ctx)


def test_ping_refuses_option_like_host(ctx):
    with pytest.raises(ToolError, match="not a host"):
        net.ping({"host": "-f"}, ctx)


def test_ping_missing_program(tmp_path, monkeypatch, ctx):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingDependency, match="iputils-ping"):
        net.ping({"host": "127.0.0.1"}, ctx)


# --------------------------------------------------------------------------- fetch

PAYLOAD = os.urandom(200_000)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *a):  # keep test output clean
        pass

    def _send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        p = self.path
        if p == "/file.bin":
            self._send(200, PAYLOAD, [("Content-Type", "application/octet-stream"),
                                      ("Content-Length", str(len(PAYLOAD)))])
        elif p == "/page":
            self._send(200, b"<h1>hi</h1>", [("Content-Type", "text/html; charset=utf-8")])
        elif p == "/big-declared":
            self._send(200, b"x" * 5000, [("Content-Length", "5000")])
        elif p == "/big-undeclared":  # no Content-Length: the stream itself must be cut off
            self._send(200, b"y" * 5000)
        elif p == "/slow":
            self.send_response(200)
            self.send_header("Content-Length", "10")
            self.end_headers()
            self.wfile.write(b"12345")
            self.wfile.flush()
            time.sleep(2.0)
        elif p == "/loop":
            self._send(302, headers=[("Location", "/loop")])
        elif p.startswith("/hop/"):
            n = int(p.rsplit("/", 1)[1])
            self._send(302, headers=[("Location", f"/hop/{n - 1}" if n > 0 else "/file.bin")])
        elif p == "/to-ftp":
            self._send(302, headers=[("Location", "ftp://127.0.0.1/x")])
        elif p == "/to-file":
            self._send(302, headers=[("Location", "file:///etc/passwd")])
        else:
            self._send(404, b"not here")


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()
    t.join(5)


def _leftovers(folder) -> list[str]:
    return sorted(os.listdir(folder))


def test_fetch_success(server, tmp_path, ctx):
    dest = tmp_path / "out.bin"
    r = net.fetch({"url": server + "/file.bin", "destination": str(dest)}, ctx)
    assert r["path"] == str(dest) and r["paths"] == [str(dest)] and r["bytes"] == len(PAYLOAD)
    assert r["sha256"] == hashlib.sha256(PAYLOAD).hexdigest()
    assert r["content_type"] == "application/octet-stream"
    assert dest.read_bytes() == PAYLOAD
    assert _leftovers(tmp_path) == ["out.bin"]  # no temp file left


def test_fetch_into_folder_and_default_downloads(server, tmp_path, ctx):
    folder = tmp_path / "dl"
    folder.mkdir()
    r = net.fetch({"url": server + "/page", "destination": str(folder)}, ctx)
    assert r["path"] == str(folder / "page") and r["content_type"] == "text/html"
    r = net.fetch({"url": server + "/file.bin"}, ctx)  # no destination: ~/Downloads/<name>
    assert r["path"] == os.path.join(ctx.home, "Downloads", "file.bin")


def test_fetch_refuses_to_overwrite(server, tmp_path, ctx):
    dest = tmp_path / "keep.txt"
    dest.write_text("precious")
    with pytest.raises(ToolError, match="already exists"):
        net.fetch({"url": server + "/file.bin", "destination": str(dest)}, ctx)
    assert dest.read_text() == "precious"
    assert _leftovers(tmp_path) == ["keep.txt"]


@pytest.mark.parametrize("path", ["/big-declared", "/big-undeclared"])
def test_fetch_size_limit(server, tmp_path, ctx, monkeypatch, path):
    monkeypatch.setattr(net, "FETCH_MAX_BYTES", 1000)
    with pytest.raises(ToolError, match="limit"):
        net.fetch({"url": server + path, "destination": str(tmp_path / "big")}, ctx)
    assert _leftovers(tmp_path) == []


def test_fetch_timeout(server, tmp_path, ctx, monkeypatch):
    monkeypatch.setattr(net, "FETCH_READ_TIMEOUT_SECONDS", 0.5)
    t0 = time.monotonic()
    with pytest.raises(ToolError, match="nothing was saved|did not answer"):
        net.fetch({"url": server + "/slow", "destination": str(tmp_path / "slow")}, ctx)
    assert time.monotonic() - t0 < 1.8
    assert _leftovers(tmp_path) == []


def test_fetch_total_time_limit(server, tmp_path, ctx, monkeypatch):
    monkeypatch.setattr(net, "FETCH_TIMEOUT_SECONDS", 0.0)
    with pytest.raises(ToolError, match="took longer"):
        net.fetch({"url": server + "/file.bin", "destination": str(tmp_path / "f")}, ctx)
    assert _leftovers(tmp_path) == []


def test_fetch_404(server, tmp_path, ctx):
    with pytest.raises(ToolError, match="404"):
        net.fetch({"url": server + "/missing", "destination": str(tmp_path / "m")}, ctx)
    assert _leftovers(tmp_path) == []


def test_fetch_follows_redirects_up_to_five(server, tmp_path, ctx):
    r = net.fetch({"url": server + "/hop/4", "destination": str(tmp_path / "a")}, ctx)  # 5 redirects
    assert r["bytes"] == len(PAYLOAD) and r["url"].endswith("/file.bin")
    with pytest.raises(ToolError, match="Too many redirects"):
        net.fetch({"url": server + "/hop/5", "destination": str(tmp_path / "b")}, ctx)  # 6 redirects
    assert _leftovers(tmp_path) == ["a"]


def test_fetch_redirect_loop(server, tmp_path, ctx):
    with pytest.raises(ToolError, match="Too many redirects"):
        net.fetch({"url": server + "/loop", "destination": str(tmp_path / "l")}, ctx)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("path", ["/to-ftp", "/to-file"])
def test_fetch_refuses_non_http_redirects(server, tmp_path, ctx, path):
    with pytest.raises(ToolError, match="only http and https"):
        net.fetch({"url": server + path, "destination": str(tmp_path / "x")}, ctx)
    assert _leftovers(tmp_path) == []


def test_fetch_rejects_bad_url_and_missing_folder(tmp_path, ctx):
    with pytest.raises(ToolError, match="not an http"):
        net.fetch({"url": "file:///etc/passwd", "destination": str(tmp_path / "p")}, ctx)
    with pytest.raises(ToolError, match="does not exist"):
        net.fetch({"url": "http://127.0.0.1:9/x", "destination": str(tmp_path / "no" / "x")}, ctx)


def test_fetch_connection_refused(tmp_path, ctx):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(ToolError, match="Could not reach"):
        net.fetch({"url": f"http://127.0.0.1:{port}/x", "destination": str(tmp_path / "x")}, ctx)
    assert _leftovers(tmp_path) == []
