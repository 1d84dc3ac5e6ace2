"""Network intents: net.status, net.ports, net.ping, net.fetch.

Facts from psutil, /proc/net/route and /etc/resolv.conf; ping through the
system's ``ping`` (argv only); downloads with the standard library's urllib,
streamed to a temporary file next to the destination, size- and time-limited,
fsynced and moved into place without ever replacing an existing file.
"""

from __future__ import annotations

import collections
import hashlib
import ipaddress
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import psutil

from llmos.errors import MissingDependency, ToolError
from llmos.tools import Context

#: net.fetch limits (module constants so an embedding application or a test may tune them).
FETCH_MAX_BYTES = 1 << 30          # 1 GiB
FETCH_TIMEOUT_SECONDS = 600.0      # whole download
FETCH_READ_TIMEOUT_SECONDS = 30.0  # connect / any single read
FETCH_MAX_REDIRECTS = 5
FETCH_CHUNK = 64 * 1024
PING_MAX_COUNT = 100

#: How net.fetch opens TCP connections.  ``None``: directly.  The sandboxed worker
#: (llmos.sandbox) sets a function ``(host, port, timeout) -> socket.socket`` that asks
#: the trusted side for a connection to the approved host: the worker itself can
#: create no inet socket, and a redirect to another host is refused there.
CONNECT = None

_FAMILIES = {socket.AF_INET: "ipv4", socket.AF_INET6: "ipv6"}
_AF_LINK = getattr(psutil, "AF_LINK", None)


# --------------------------------------------------------------------------- net.status

def _default_route() -> dict | None:
    try:
        with open("/proc/net/route", encoding="ascii") as f:
            next(f, None)
            for line in f:
                fields = line.split()
                if len(fields) < 8 or fields[1] != "00000000" or fields[7] != "00000000":
                    continue
                if not int(fields[3], 16) & 0x1:  # RTF_UP
                    continue
                gw = socket.inet_ntoa(int(fields[2], 16).to_bytes(4, "little"))
                return {"interface": fields[0], "gateway": gw, "metric": int(fields[6])}
    except (OSError, ValueError):
        pass
    return None


def _default_route_v6() -> dict | None:
    try:
        with open("/proc/net/ipv6_route", encoding="ascii") as f:
            for line in f:
                fields = line.split()
                if len(fields) < 10 or fields[0] != "0" * 32 or fields[1] != "00":
                    continue
                if fields[4] == "0" * 32 or fields[9] == "lo":
                    continue
                gw = socket.inet_ntop(socket.AF_INET6, bytes.fromhex(fields[4]))
                return {"interface": fields[9], "gateway": gw, "metric": int(fields[5], 16)}
    except (OSError, ValueError):
        pass
    return None


def _dns_servers(path: str = "/etc/resolv.conf") -> list[str]:
    servers = []
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0] == "nameserver":
                    servers.append(parts[1])
    except OSError:
        pass
    return servers


def _cidr(address: str, netmask: str | None) -> str:
    """``192.0.2.2/24`` / ``fd00::2/64`` from psutil's address and netmask."""
    address = address.split("%")[0]
    if not netmask:
        return address
    try:
        prefix = bin(int(ipaddress.ip_address(netmask))).count("1")
    except ValueError:
        return address
    return f"{address}/{prefix}"


_IfStats = collections.namedtuple("_IfStats", "isup speed mtu")


def _sysfs_if_stats(base: str = "/sys/class/net") -> dict:
    """psutil.net_if_stats() from /sys: it needs an inet socket for its ioctls, which
    the sandbox refuses.  isup follows psutil (IFF_RUNNING: up, with a carrier)."""
    out = {}
    try:
        names = os.listdir(base)
    except OSError:
        return out
    for name in names:
        def value(attr, conv=int):
            try:
                with open(os.path.join(base, name, attr), encoding="ascii") as f:
                    return conv(f.read().strip())
            except (OSError, ValueError):
                return None
        flags = value("flags", lambda v: int(v, 16))
        if flags is None:
            continue
        speed = value("speed")
        # IFF_RUNNING is not in /sys's flags: up (IFF_UP) with a carrier is what it means
        running = bool(flags & 0x1) and value("carrier") == 1
        out[name] = _IfStats(running, speed if speed and speed > 0 else 0, value("mtu") or 0)
    return out


def _if_stats() -> dict:
    try:
        return psutil.net_if_stats()
    except PermissionError:   # no inet socket allowed (sandboxed worker): read /sys instead
        return _sysfs_if_stats()


def status(args: dict, ctx: Context) -> dict:
    """net.status: interfaces (up/down, addresses), default route, DNS servers."""
    addrs, stats = psutil.net_if_addrs(), _if_stats()
    interfaces = []
    for name in sorted(set(addrs) | set(stats)):
        st = stats.get(name)
        mac, ips, loopback = None, [], name == "lo"
        for a in addrs.get(name, []):
            if a.family in _FAMILIES:
                ips.append(_cidr(a.address, a.netmask))
                loopback = loopback or a.address in ("127.0.0.1", "::1")
            elif _AF_LINK is not None and a.family == _AF_LINK:
                mac = a.address
        interfaces.append({"name": name, "up": bool(st.isup) if st else None,
                           "addresses": ips, "mac": mac,
                           "mtu": st.mtu if st else None,
                           "speed": (st.speed or None) if st else None,  # Mbit/s; None when unknown
                           "loopback": loopback})
    route = _default_route()
    return {"interfaces": interfaces, "default_route": route, "default_route_v6": _default_route_v6(),
            "default_gateway": route["gateway"] if route else None,
            "dns": _dns_servers(),
            "online": bool(route) and any(i["up"] and not i["loopback"] and i["addresses"] for i in interfaces)}


# --------------------------------------------------------------------------- net.ports

def ports(args: dict, ctx: Context) -> dict:
    """net.ports: sockets (state listen/established/all), filtered by process and port."""
    state = (args.get("state") or "listen").lower()
    if state not in ("listen", "established", "all"):
        raise ToolError(f"Unknown state '{state}'; use listen, established or all.")
    want_proc = args.get("process")
    want_port = args.get("port")
    want_port = int(want_port) if want_port is not None else None
    try:
        conns = psutil.net_connections(kind="inet")
    except psutil.AccessDenied:
        raise ToolError("Not allowed to list network connections on this system.") from None
    names: dict[int, str | None] = {}

    def pname(pid):
        if pid is None:
            return None
        if pid not in names:
            try:
                names[pid] = psutil.Process(pid).name()
            except psutil.Error:
                names[pid] = None
        return names[pid]

    rows = []
    for c in conns:
        proto = "tcp" if c.type == socket.SOCK_STREAM else "udp"
        laddr, raddr = c.laddr or None, c.raddr or None
        listening = (c.status == psutil.CONN_LISTEN) or (proto == "udp" and not raddr)
        if state == "listen" and not listening:
            continue
        if state == "established" and c.status != psutil.CONN_ESTABLISHED:
            continue
        if want_port is not None and not ((laddr and laddr.port == want_port) or
                                          (raddr and raddr.port == want_port)):
            continue
        name = pname(c.pid)
        if want_proc is not None:
            wp = str(want_proc)
            if not (wp.isdigit() and c.pid == int(wp)) and not (name and wp.lower() in name.lower()):
                continue
        rows.append({"proto": proto, "family": _FAMILIES.get(c.family, str(c.family)),
                     "local_address": laddr.ip if laddr else None,
                     "local_port": laddr.port if laddr else None,
                     "remote_address": raddr.ip if raddr else None,
                     "remote_port": raddr.port if raddr else None,
                     "state": "LISTEN" if listening and proto == "udp" else c.status,
                     "pid": c.pid, "process": name})
    rows.sort(key=lambda r: (r["local_port"] or 0, r["proto"], r["family"]))
    result = {"connections": rows, "count": len(rows),
              "pids": sorted({r["pid"] for r in rows if r["pid"] is not None})}
    if ctx.uid != 0 and os.geteuid() != 0:
        result["note"] = "Only your own processes are named; run as root to see every owner."
    return result


# --------------------------------------------------------------------------- net.ping

_SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")
_RTT = re.compile(r"(?:rtt|round-trip) min/avg/max(?:/(?:mdev|stddev))? = ([\d.]+)/([\d.]+)/([\d.]+)")


def parse_ping(output: str) -> dict:
    """Parse iputils/busybox ping's summary lines."""
    m = _SUMMARY.search(output)
    if not m:
        raise ToolError("Could not understand ping's output.")
    sent, recv = int(m.group(1)), int(m.group(2))
    out = {"transmitted": sent, "received": recv,
           "loss_percent": round(100.0 * (sent - recv) / sent, 1) if sent else 100.0,
           "rtt_min_ms": None, "rtt_avg_ms": None, "rtt_max_ms": None}
    r = _RTT.search(output)
    if r:
        out.update(rtt_min_ms=float(r.group(1)), rtt_avg_ms=float(r.group(2)), rtt_max_ms=float(r.group(3)))
    return out


def ping(args: dict, ctx: Context) -> dict:
    """net.ping: ``ping -c COUNT HOST`` with the system's ping; summary parsed."""
    host = str(args.get("host") or "").strip()
    if not host:
        raise ToolError("Say which host to ping.")
    if host.startswith("-") or any(ch.isspace() for ch in host):
        raise ToolError(f"'{host}' is not a host name or address.")
    count = int(args.get("count") or 4)
    if not 1 <= count <= PING_MAX_COUNT:
        raise ToolError(f"count must be between 1 and {PING_MAX_COUNT}.")
    exe = shutil.which("ping")
    if exe is None:
        raise MissingDependency("net.ping needs the system's ping program, which is not installed. "
                                "Install the package iputils-ping (Debian/Ubuntu) or iputils (Fedora/Arch).")
    deadline = count + 10
    argv = [exe, "-c", str(count), "-w", str(deadline), host]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=deadline + 5, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ToolError(f"ping {host} did not finish within {deadline + 5} s.") from None
    out = proc.stdout.decode(errors="replace")
    err = proc.stderr.decode(errors="replace").strip()
    if not _SUMMARY.search(out):
        if proc.returncode == 2 or err:
            raise ToolError(f"Cannot ping {host}: {err or 'ping failed (exit status %d)' % proc.returncode}")
        raise ToolError(f"Could not understand ping's output for {host}.")
    m = re.search(r"^PING \S+ \(([^)]+)\)", out, re.M)
    result = {"host": host, "address": m.group(1) if m else None, **parse_ping(out)}
    result["reachable"] = result["received"] > 0
    return result


# --------------------------------------------------------------------------- net.fetch

class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = FETCH_MAX_REDIRECTS

    def http_error_302(self, req, fp, code, msg, headers):
        newurl = headers.get("location") or headers.get("uri")
        if newurl:
            scheme = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl)).scheme.lower()
            if scheme not in ("http", "https"):
                fp.close()
                raise ToolError(f"The server redirected to a {scheme}: address ({newurl}); "
                                "only http and https are followed. Nothing was saved.")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _connection_handlers() -> tuple:
    """urllib handlers whose connections come from CONNECT (see there); none when unset."""
    connect = CONNECT
    if connect is None:
        return ()
    import http.client

    def through(cls):
        def make(host, **kwargs):
            conn = cls(host, **kwargs)
            # http.client opens its socket through this attribute; TLS (for https) is then
            # set up over the handed-in socket with server_hostname = the URL's host.
            conn._create_connection = lambda address, timeout=None, source_address=None: \
                connect(address[0], address[1], timeout)
            return conn
        return make

    class _HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(through(http.client.HTTPConnection), req)

    class _HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(through(http.client.HTTPSConnection), req, context=self._context)

    return (_HTTP(), _HTTPS())


def _basename_of(url: str) -> str:
    name = os.path.basename(urllib.parse.unquote(urllib.parse.urlsplit(url).path))
    if name in ("", ".", ".."):
        name = "download"
    return name


def _fsync_dir(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _place(tmp: str, dest: str) -> None:
    """Move ``tmp`` to ``dest`` atomically, failing if ``dest`` exists (never replaces)."""
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise ToolError(f"{dest} already exists; nothing was overwritten. "
                        "Choose another destination or remove the file first.") from None
    except OSError:
        # filesystems without hard links: a check-then-rename is the best available
        if os.path.lexists(dest):
            raise ToolError(f"{dest} already exists; nothing was overwritten.") from None
        os.rename(tmp, dest)
        return
    os.unlink(tmp)


def fetch(args: dict, ctx: Context) -> dict:
    """net.fetch: download ``url`` to ``destination`` (default ~/Downloads/<name>).

    http/https only, at most 5 redirects, size limit FETCH_MAX_BYTES, time limit
    FETCH_TIMEOUT_SECONDS; written atomically and never over an existing file.
    Result: path, bytes, sha256, content_type, url (after redirects).
    """
    url = str(args.get("url") or "")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ToolError(f"'{url}' is not an http or https address.")
    dest = args.get("destination")
    if not dest:
        dest = os.path.join(ctx.home, "Downloads", _basename_of(url))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
    dest = os.path.abspath(os.path.join(ctx.cwd, os.path.expanduser(str(dest))))
    if os.path.isdir(dest):
        dest = os.path.join(dest, _basename_of(url))
    folder = os.path.dirname(dest)
    if not os.path.isdir(folder):
        raise ToolError(f"The folder {folder} does not exist; create it first or choose another destination.")
    if os.path.lexists(dest):
        raise ToolError(f"{dest} already exists; nothing was overwritten. "
                        "Choose another destination or remove the file first.")
    limit = int(FETCH_MAX_BYTES)
    if ctx.dry_run:
        return {"path": dest, "url": url, "bytes": None, "sha256": None, "content_type": None,
                "dry_run": True}

    handler = _Redirects()
    handler.max_redirections = FETCH_MAX_REDIRECTS
    opener = urllib.request.build_opener(handler, *_connection_handlers())
    req = urllib.request.Request(url, headers={"User-Agent": "llmos-fetch/1", "Accept-Encoding": "identity"})
    started = time.monotonic()
    fd, tmp = tempfile.mkstemp(prefix=".llmos-fetch-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                resp = opener.open(req, timeout=FETCH_READ_TIMEOUT_SECONDS)
            except urllib.error.HTTPError as e:
                if e.code in (301, 302, 303, 307, 308):
                    if "infinite loop" in str(e.msg):
                        raise ToolError(f"Too many redirects (more than {FETCH_MAX_REDIRECTS}, or a loop) "
                                        f"fetching {url}; nothing was saved.") from None
                    raise ToolError(f"The server answered {e.code} {e.reason} for {e.url or url} "
                                    "without a usable redirect; nothing was saved.") from None
                raise ToolError(f"The server answered {e.code} {e.reason} for {e.url or url}.") from None
            except urllib.error.URLError as e:
                reason = e.reason
                if isinstance(reason, ToolError):
                    raise reason from None
                if isinstance(reason, (socket.timeout, TimeoutError)):
                    raise ToolError(f"{url} did not answer within {FETCH_READ_TIMEOUT_SECONDS:g} s.") from None
                raise ToolError(f"Could not reach {url}: {reason}.") from None
            except (socket.timeout, TimeoutError):
                raise ToolError(f"{url} did not answer within {FETCH_READ_TIMEOUT_SECONDS:g} s.") from None
            except ToolError:
                raise
            with resp:
                length = resp.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > limit:
                    raise ToolError(f"{url} is {int(length)} bytes, more than the {limit}-byte limit; "
                                    "nothing was saved.")
                digest, total = hashlib.sha256(), 0
                while True:
                    if time.monotonic() - started > FETCH_TIMEOUT_SECONDS:
                        raise ToolError(f"Downloading {url} took longer than {FETCH_TIMEOUT_SECONDS:g} s; "
                                        "stopped, nothing was saved.")
                    try:
                        chunk = resp.read(FETCH_CHUNK)
                    except (socket.timeout, TimeoutError):
                        raise ToolError(f"{url} stopped sending data for {FETCH_READ_TIMEOUT_SECONDS:g} s; "
                                        "nothing was saved.") from None
                    except OSError as e:
                        raise ToolError(f"The download of {url} broke off: {e}; nothing was saved.") from None
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > limit:
                        raise ToolError(f"{url} is larger than the {limit}-byte limit; stopped, nothing was saved.")
                    digest.update(chunk)
                    out.write(chunk)
                if length and length.isdigit() and total < int(length):
                    raise ToolError(f"The download of {url} ended early ({total} of {length} bytes); "
                                    "nothing was saved.")
                final_url = resp.geturl()
                ctype = resp.headers.get_content_type() if resp.headers.get("Content-Type") else None
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        _place(tmp, dest)
        _fsync_dir(folder)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return {"path": dest, "paths": [dest], "bytes": total, "sha256": digest.hexdigest(),
            "content_type": ctype, "url": final_url}


def _umask() -> int:
    try:  # Linux >= 4.7 reports it without changing it
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
