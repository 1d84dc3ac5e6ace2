"""Test-only intent handlers that run inside the sandboxed worker.

``probe`` performs a list of actions and reports, for each, its value or the
errno name it failed with — the escape tests check the failures and their
positive twins the successes.  Everything here runs confined; nothing here is
trusted.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import time


def _errname(e: BaseException) -> str:
    if isinstance(e, OSError) and e.errno:
        return "errno:" + errno.errorcode.get(e.errno, str(e.errno))
    return f"error:{type(e).__name__}: {e}"


def _do(op: str, *a):
    if op == "read":
        with open(a[0], "rb") as f:
            return f.read(64).decode(errors="replace")
    if op == "list":
        return sorted(os.listdir(a[0]))
    if op == "write":
        fd = os.open(a[0], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, (a[1] if len(a) > 1 else "pwned").encode())
        finally:
            os.close(fd)
        return "ok"
    if op == "write_loop":       # write through a path someone keeps swapping; count what worked
        done, failed = 0, {}
        until = time.monotonic() + float(a[1])
        while time.monotonic() < until:
            try:
                fd = os.open(a[0], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.write(fd, b"raced")
                os.close(fd)
                done += 1
            except OSError as e:
                name = errno.errorcode.get(e.errno, str(e.errno))
                failed[name] = failed.get(name, 0) + 1
        return [done, failed]
    if op == "unix_abstract":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect("\0" + a[0])
        finally:
            s.close()
        return "ok"
    if op == "mkdir":
        os.mkdir(a[0])
        return "ok"
    if op == "unlink":
        os.unlink(a[0])
        return "ok"
    if op == "rename":
        os.rename(a[0], a[1])
        return "ok"
    if op == "link":
        os.link(a[0], a[1])
        return "ok"
    if op == "symlink":
        os.symlink(a[0], a[1])
        return "ok"
    if op == "tcp":
        s = socket.create_connection((a[0], int(a[1])), timeout=3)
        s.close()
        return "ok"
    if op == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.sendto(b"exfil", (a[0], int(a[1])))
        finally:
            s.close()
        return "ok"
    if op == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(a[0])
        finally:
            s.close()
        return "ok"
    if op == "broker":           # ask the trusted side for a connection, as net.fetch does
        import llmos.tools.net as net
        if net.CONNECT is None:
            return "no-broker"
        s = net.CONNECT(a[0], int(a[1]), 5)
        s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        data = s.recv(12)
        s.close()
        return data.decode(errors="replace")
    if op == "kill":
        os.kill(int(a[0]), int(a[1]) if len(a) > 1 else signal.SIGTERM)
        return "ok"
    if op == "pidfd_signal":     # through a pidfd handed in by the trusted side
        import llmos.tools.process as process
        signal.pidfd_send_signal((process.PIDFDS or {})[int(a[0])], int(a[1]))
        return "ok"
    if op == "procfd_signal":    # a /proc/PID directory fd used as a pidfd
        fd = os.open(f"/proc/{int(a[0])}", os.O_RDONLY | os.O_DIRECTORY)
        try:
            signal.pidfd_send_signal(fd, int(a[1]))
        finally:
            os.close(fd)
        return "ok"
    if op == "pidfd_open":
        os.close(os.pidfd_open(int(a[0])))
        return "ok"
    if op == "child_kill":       # its own child: inside its domain
        p = subprocess.Popen(["sleep", "30"])
        os.kill(p.pid, signal.SIGKILL)
        return p.wait()
    if op == "setsid_sleep":     # leave something behind
        p = subprocess.Popen(["setsid", "sleep", str(a[0])], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return p.pid
    if op == "host_pid":
        return int(os.readlink("/proc/self"))
    if op == "status":
        out = {"uid": os.getuid(), "euid": os.geteuid(), "pid": os.getpid(), "ppid": os.getppid()}
        with open("/proc/self/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"):
                    out[k] = v.strip()
        return out
    if op == "env":
        return dict(os.environ)
    if op == "fds":
        return sorted(int(x) for x in os.listdir("/proc/self/fd"))
    if op == "sleep":
        time.sleep(float(a[0]))
        return "ok"
    if op == "exec":
        return subprocess.run(list(a), capture_output=True, timeout=10).returncode
    if op == "big":
        return "x" * int(a[0])
    if op == "die":              # (pid 1 of its namespace would ignore its own SIGKILL)
        os._exit(int(a[0]) if a else 3)
    if op == "unshare":
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(ctypes.c_int(0x10000000)) != 0:      # CLONE_NEWUSER
            raise OSError(ctypes.get_errno(), "unshare")
        return "ok"
    raise ValueError(f"unknown probe action {op}")


def probe(args: dict, ctx) -> dict:
    results = []
    for action in args.get("actions") or []:
        try:
            results.append(_do(*action))
        except Exception as e:  # noqa: BLE001 - reported, it is the point
            results.append(_errname(e))
    return {"results": results}


def marker(args: dict, ctx) -> dict:
    """Creates a file: proof that a handler ran."""
    with open(args["path"], "w") as f:
        f.write("ran")
    return {"paths": [args["path"]]}
