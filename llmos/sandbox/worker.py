"""The fork-server: one long-lived, pre-imported, single-threaded process per llmos
process, and the per-call workers it forks ahead of time ("spares").

The server is started once, lazily, as a fresh interpreter (never a fork of a
possibly multi-threaded llmos).  It imports every built-in handler module and
what they use, freezes the heap (``gc.freeze``: fewer copy-on-write faults in
the children), moves itself into an empty network namespace (so no worker has
to create one), and from then on only forks spares.  It never runs a handler,
never reads a request and holds no secret.

A spare is forked *before* its call — for kind ``pidns`` as pid 1 of a new pid
namespace (the server unshares one for that fork only, then returns to its
own) —; it joins a fresh job cgroup (made with ``kernelspace.cgroups.create``
below the server's own cgroup tree), starts a new session, warms its
copy-on-write pages by preparing a template sandbox, and waits on its control
socket.

Protocol (``AF_UNIX``/``SOCK_SEQPACKET``, one JSON message per datagram):

* server → client: ``{"ready": PID}`` once; ``{"spare": KIND, "pid", "job",
  "error"}`` with the spare's control socket (``SCM_RIGHTS``) whenever one is
  ready (two of each kind are kept); ``{"exit": PID, "status": WAITSTATUS}`` when
  a worker ends.
* client → spare: ``run`` with descriptors: a memfd holding the request as JSON,
  then the ones it names by index (result pipe, connect broker, pidfds).
* client → server: ``{"op": "used"|"release"|"import", ...}``: a spare took a
  call (fork the next one); a call is over (kill what is left of its cgroup and
  remove it); a handler module later spares should have imported.

The worker (the spare that took the call), in this order: reads the request;
imports the handler if the server had not; returns to the host network
namespace only if the grant keeps it (``system: net``, ``net.ping``); makes
the folders a grant needs first, in a sandbox that may only create folders;
confines itself with ``kernelspace.confine`` (descriptors closed but the ones it
needs, scrubbed environment, identity, no_new_privs, Landlock, seccomp,
rlimits); then runs the handler and writes one JSON document to the result
pipe: ``{"ok": RESULT}``, ``{"error": {"type", "message"}}`` for a ToolError,
``{"crash": ...}`` for any other exception, or ``{"refused": {"mechanism",
"message"}}`` when the sandbox could not be built — in which case no handler
code ran.  Nothing is ever retried without the sandbox.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import selectors
import signal
import socket
import sys
import traceback

CLONE_NEWPID = 0x20000000
MAX_FDS = 64
_libc = ctypes.CDLL(None, use_errno=True)

# What handlers import lazily, and what a fresh worker would otherwise read from disk
# (where a dropped user may not even be able to: the interpreter may live under /root).
PREIMPORT = (
    "json", "ssl", "socket", "http.client", "urllib.request", "urllib.parse", "urllib.error",
    "hashlib", "tempfile", "tarfile", "zipfile", "gzip", "lzma", "bz2", "zlib", "shutil",
    "subprocess", "selectors", "asyncio", "asyncio.unix_events", "concurrent.futures",
    "email.parser", "email.message", "email.feedparser", "traceback", "linecache", "uuid",
    "configparser", "shlex", "platform", "glob", "fnmatch", "datetime", "codecs", "stringprep",
    "unicodedata", "encodings.idna", "encodings.utf_8", "encodings.latin_1", "encodings.ascii",
    "encodings.cp437", "encodings.utf_8_sig", "encodings.utf_16", "encodings.utf_32",
    "encodings.punycode", "_strptime", "locale", "calendar", "email.utils", "email.header",
    "email._header_value_parser", "email.headerregistry", "email.charset", "email.errors",
    "urllib.response", "http", "base64", "binascii", "quopri", "random", "secrets", "string",
    "ipaddress", "heapq", "contextlib", "dataclasses", "pwd", "grp", "resource", "mimetypes",
    "psutil", "dbus_fast", "dbus_fast.aio", "dbus_fast.message", "dbus_fast.constants",
    "dbus_fast.auth", "dbus_fast.service", "dbus_fast.introspection",
    "kernelspace", "kernelspace.sandbox", "kernelspace.cgroups",
    "llmos.errors", "llmos.tools", "llmos.tools.fsutil", "llmos.tools.files", "llmos.tools.trash",
    "llmos.tools.archive", "llmos.tools.net", "llmos.tools.process", "llmos.tools.system",
    "llmos.tools.desktop", "llmos.tools.timer", "llmos.sandbox.grants",
)


def _preimport() -> None:
    for name in PREIMPORT:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - an optional module missing is the handler's problem
            pass
    # Warm caches that would otherwise read files inside the sandbox.
    try:
        import platform
        platform.uname()
        platform.python_version()
        import mimetypes
        mimetypes.init()
        "x".encode("idna")
        import psutil
        psutil.pids()           # caches the lowest pid, which parent() needs (no /proc listing later)
        psutil.boot_time()
    except Exception:  # noqa: BLE001
        pass


def _send_json(sock: socket.socket, obj: dict) -> None:
    sock.send(json.dumps(obj).encode())


# --------------------------------------------------------------------------- server

DEFAULT_PIDS_MAX = 256
DEFAULT_MEMORY_MAX = 1 << 30
CLONE_NEWNET = 0x40000000


class Spare:
    """A worker forked ahead of its call: already in a fresh cgroup, in a new session, in
    a fresh network namespace (and, for kind "pidns", pid 1 of a new pid namespace), its
    copy-on-write pages warmed.  It waits for one request on its ``ctl`` socket, whose
    other end the server hands to the client."""

    def __init__(self, kind: str, pid: int, job, error: str | None) -> None:
        self.kind, self.pid, self.job, self.error = kind, pid, job, error

    def job_info(self) -> dict | None:
        j = self.job
        if j is None:
            return None
        return {"dirs": j.dirs, "kill_file": j.kill_file, "freezer": j.freezer,
                "pids_dir": j.pids_dir, "memory_dir": j.memory_dir}


class Server:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self.sel = selectors.DefaultSelector()
        self.idle: dict[str, list[int]] = {"pidns": [], "plain": []}   # spares the client holds
        # One empty network namespace for every isolated worker (creating one per call costs
        # more than the rest of the call): nothing can pass through it — its loopback is down,
        # seccomp refuses inet sockets and Landlock scopes abstract unix sockets per worker.
        self.host_net = os.open("/proc/self/ns/net", os.O_RDONLY)
        self.own_pidns = os.open("/proc/self/ns/pid", os.O_RDONLY)
        self.isolated = _libc.unshare(ctypes.c_int(CLONE_NEWNET)) == 0
        # Every job cgroup lives below one of this server's: if the server is killed, the
        # client ends and removes that whole tree (kernelspace.cgroups has no recursion).
        from kernelspace import cgroups
        try:
            self.root = cgroups.create(pids_max=None, memory_max=None)
            self.root.close_fds()
            self.root_error = None
        except OSError as e:
            self.root, self.root_error = None, str(e)
        self.workers: dict[int, dict] = {}     # pid -> {"job", "kind", "state": idle|busy|released, "reaped"}

    def own_fds(self) -> tuple:
        return (self.sock.fileno(), self.wake_r, self.wake_w, self.sel.fileno(), self.own_pidns)

    POOL = 2

    # ---- spares
    def make_spare(self, kind: str) -> None:
        """Fork a spare of ``kind`` and hand its control socket to the client."""
        from kernelspace import cgroups
        from kernelspace.sandbox import admin_degraded
        job, error = None, None
        try:
            if self.root is None:
                raise OSError(self.root_error or "no cgroup")
            job = cgroups.create(pids_max=DEFAULT_PIDS_MAX, memory_max=DEFAULT_MEMORY_MAX,
                                 parents=tuple(self.root.dirs))
        except OSError as e:
            if "cgroup" not in admin_degraded():
                error = f"cgroup: {e}"
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC)
        pidns_error = None
        if kind == "pidns":     # the next child is pid 1 of a new pid namespace
            if _libc.unshare(ctypes.c_int(CLONE_NEWPID)) != 0:
                pidns_error = os.strerror(ctypes.get_errno())
        try:
            pid = os.fork()
        except OSError:
            pid = -1
        if pid != 0 and kind == "pidns" and pidns_error is None:    # later children: back in ours
            if _libc.setns(ctypes.c_int(self.own_pidns), ctypes.c_int(CLONE_NEWPID)) != 0:
                raise OSError(ctypes.get_errno(), "setns(own pid namespace)")
        if pid < 0:
            mine.close()
            theirs.close()
            if job is not None:
                job.remove()
            raise OSError("cannot fork a worker")
        if pid == 0:
            code = 127
            try:
                mine.close()
                code = _spare_main(kind, theirs, job, error, pidns_error, self.own_fds(), self.host_net,
                                   self.isolated)
            finally:
                os._exit(code)
        theirs.close()
        if job is not None:
            job.close_fds()
        spare = Spare(kind, pid, job, error)
        self.workers[pid] = {"job": job, "kind": kind, "state": "idle", "reaped": False}
        self.idle[kind].append(pid)
        try:
            socket.send_fds(self.sock, [json.dumps({"spare": kind, "pid": pid, "job": spare.job_info(),
                                                     "error": error}).encode()], [mine.fileno()])
        finally:
            mine.close()

    def refill(self, limit: int | None = None) -> None:
        """Top the pools up (``limit``: at most that many forks now, so requests are not held up)."""
        made = 0
        for _round in range(self.POOL):
            for kind in ("pidns", "plain"):
                if len(self.idle[kind]) <= _round and (limit is None or made < limit):
                    self.make_spare(kind)
                    made += 1

    # ---- requests
    def handle(self, msg: bytes, fds: list[int]) -> None:
        for fd in fds:
            os.close(fd)
        try:
            header = json.loads(msg)
        except ValueError:
            return
        op = header.get("op")
        pid = int(header.get("pid") or 0)
        if op == "used":            # the client handed a request to this spare
            w = self.workers.get(pid)
            if w is not None and w["state"] == "idle":
                w["state"] = "busy"
                if pid in self.idle[w["kind"]]:
                    self.idle[w["kind"]].remove(pid)
                if w["reaped"]:
                    self._report(pid, w)
        elif op == "release":       # the call is over (or the client gave up this spare)
            self.release(pid)
        elif op == "import":        # an llmos handler module later spares should already have
            module = str(header.get("module"))
            if module.startswith(TRUSTED_MODULES):
                try:
                    importlib.import_module(module)
                except Exception:  # noqa: BLE001 - the worker imports it again and reports
                    pass

    def release(self, pid: int) -> None:
        w = self.workers.get(pid)
        if w is None:
            return
        if pid in self.idle[w["kind"]]:
            self.idle[w["kind"]].remove(pid)
        w["state"] = "released"
        if not w["reaped"]:
            try:
                os.kill(pid, signal.SIGKILL)    # a released worker has nothing left to do
            except OSError:
                pass
        self._finish(pid)

    def _finish(self, pid: int) -> None:
        w = self.workers.get(pid)
        if w is None or not (w["reaped"] and w["state"] == "released"):
            return
        del self.workers[pid]
        if w["job"] is not None:
            try:
                w["job"].remove()
            except OSError:
                pass

    def _report(self, pid: int, w: dict) -> None:
        try:
            _send_json(self.sock, {"exit": pid, "status": w["status"]})
        except OSError:
            pass

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            w = self.workers.get(pid)
            if w is None:
                continue
            w["reaped"], w["status"] = True, status
            if w["state"] != "idle":
                self._report(pid, w)
            elif pid in self.idle[w["kind"]]:   # died idle: the client learns from the exit
                self._report(pid, w)
            self._finish(pid)

    def loop(self) -> None:
        signal.set_wakeup_fd(self.wake_w)
        self.sel.register(self.sock, selectors.EVENT_READ)
        self.sel.register(self.wake_r, selectors.EVENT_READ)
        _send_json(self.sock, {"ready": os.getpid(), "root": self.root.dirs if self.root else []})
        self.refill()
        while True:
            for key, _ in self.sel.select():
                if key.fd == self.wake_r:
                    try:
                        while os.read(self.wake_r, 512):
                            pass
                    except BlockingIOError:
                        pass
                    continue
                try:
                    msg, fds, _flags, _addr = socket.recv_fds(self.sock, 65536, MAX_FDS)
                except InterruptedError:
                    continue
                except OSError:
                    return      # llmos went away
                if not msg:
                    return
                self.handle(msg, fds)
            self.reap()
            # One fork per wake-up, so a release or a request is never kept waiting; and while
            # a call runs only if a pool is empty: the call should have the CPU to itself.
            busy = any(w["state"] == "busy" and not w["reaped"] for w in self.workers.values())
            if not busy or not all(self.idle.values()):
                self.refill(limit=1)

    def close(self) -> None:
        """llmos went away: end every job (in-flight workers and spares) and remove it."""
        for pid, w in list(self.workers.items()):
            job = w["job"]
            try:
                if job is not None:
                    job.remove()
                else:
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if self.root is not None:
            remove_tree(self.root.dirs)


def remove_tree(dirs: list[str], timeout: float = 3.0) -> None:
    """Kill every process below these cgroup directories and remove them, deepest first."""
    import time
    for d in dirs:
        kill = os.path.join(d, "cgroup.kill")
        if os.path.exists(kill):
            try:
                with open(kill, "w") as f:
                    f.write("1")
            except OSError:
                pass
    deadline = time.monotonic() + timeout
    for d in dirs:
        while os.path.isdir(d):
            subdirs = sorted((os.path.join(top, n) for top, names, _ in os.walk(d) for n in names),
                             key=lambda p: -p.count("/"))
            for sub in subdirs + [d]:
                try:
                    for line in open(os.path.join(sub, "cgroup.procs")).read().split():
                        try:
                            os.kill(int(line), signal.SIGKILL)
                        except OSError:
                            pass
                    os.rmdir(sub)
                except OSError:
                    pass
            if time.monotonic() > deadline:
                break
            if os.path.isdir(d):
                time.sleep(0.005)


def serve(fd: int) -> None:
    """The fork-server's main loop (``python -c ... serve(FD)``)."""
    os.chdir("/")
    _preimport()
    sock = socket.socket(fileno=fd)
    sock.setblocking(True)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the terminal's ^C is llmos's to handle
    gc.collect()
    gc.freeze()
    server = Server(sock)
    try:
        server.loop()
    finally:
        server.close()


TRUSTED_MODULES = ("llmos.",)


def trusted_handler(handler: str) -> bool:
    """A handler whose module may be imported before the sandbox exists (llmos's own)."""
    parts = handler.split(":")
    return len(parts) == 3 and parts[1].startswith(TRUSTED_MODULES)


def _load(handler: str):
    kind, module, func = handler.split(":")
    if kind != "builtin":
        raise ValueError(f"handler kind '{kind}' is not supported")
    return getattr(importlib.import_module(module), func)


# --------------------------------------------------------------------------- worker

def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except InterruptedError:
            continue


def _close_from(lo: int) -> None:
    _libc.syscall(ctypes.c_long(436), ctypes.c_uint(lo), ctypes.c_uint(0xFFFFFFFF), ctypes.c_uint(0))



def _warm() -> None:
    """Run the confinement's preparation once on a template, so its code and data pages
    are copied (copy-on-write) now rather than while a call waits."""
    from kernelspace.sandbox import Config, prepare

    from llmos.sandbox.grants import python_paths
    try:
        prepare(Config(rules=tuple((p, 3) for p in python_paths()) + (("/proc", 12),),
                       user=os.getuid(), env={"HOME": "/"}), None).close()
        json.loads(json.dumps({"ok": {"a": [1, "b"]}}))
    except Exception:  # noqa: BLE001 - warming is best effort
        pass


def _spare_main(kind: str, ctl: socket.socket, job, error: str | None, pidns_error: str | None,
                server_fds: tuple, host_net: int, isolated: bool) -> int:
    """The spare: get ready, wait for one request, then become its worker."""
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for fd in server_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    if error is None:
        try:
            if job is not None:
                job.join()
                job.close_fds()
            os.setsid()
        except OSError as e:
            error = f"setup: {e}"
    _warm()
    try:
        msg, fds, _flags, _addr = socket.recv_fds(ctl, 64, MAX_FDS)
    except OSError:
        return 0
    ctl.close()
    if not msg:
        return 0
    return _child(fds, host_net, isolated, error, pidns_error, kind)


def _child(fds: list[int], host_net: int, isolated: bool, error: str | None,
           pidns_error: str | None, kind: str) -> int:
    """The worker for one request; returns its exit code (the result goes through the pipe)."""
    from dataclasses import replace

    from kernelspace.sandbox import Config, ConfigError, SandboxRefused, admin_degraded, confine
    result_w = -1

    def report(obj: dict) -> None:
        try:
            _write_all(result_w, json.dumps(obj).encode())
        except OSError:
            pass

    try:
        with os.fdopen(fds[0], "rb") as f:        # the request memfd
            f.seek(0)
            req = json.loads(f.read())
        spec = req["fds"]
        result_w = fds[spec["result"]]
        for fd in fds[1:]:
            os.set_inheritable(fd, False)
        # llmos's own handlers are imported (pre-imported, in fact) before the sandbox is
        # built; any other module only inside it, so its code never runs unconfined.
        func = _load(req["handler"]) if trusted_handler(req["handler"]) else None
        if error:
            mech, _, text = error.partition(": ")
            raise SandboxRefused(mech, text)
        if pidns_error and "pidns" not in admin_degraded():
            raise SandboxRefused("pidns", f"unshare: {pidns_error}")
        config = Config(**req["config"])
        if config.network or config.host_netns:
            if isolated and _setns(host_net) != 0:
                raise SandboxRefused("netns", "cannot return to the host network namespace")
            config = replace(config, host_netns=True)
        elif isolated:
            config = replace(config, host_netns=True)   # already in a fresh one: do not unshare again
        if req.get("precreate"):
            _precreate(config, req)
        # the host pid (in a pid namespace getpid() says 1; /proc is the host's)
        own = int(os.readlink("/proc/self"))
        from llmos.sandbox.grants import with_self_proc
        config = with_self_proc(config, own)
        keep = [result_w] + [fds[i] for i in ([spec["broker"]] if spec.get("broker") is not None else [])]
        keep += [fds[i] for i in spec.get("pidfds", {}).values()]
        confine(config, keep_fds=tuple(keep), job=None)
    except SandboxRefused as e:
        report({"refused": {"mechanism": e.mechanism, "message": e.message}})
        return 126
    except ConfigError as e:
        report({"refused": {"mechanism": "config", "message": str(e)}})
        return 126
    except _PrecreateFailed as e:
        report({"error": {"type": "ToolError", "message": str(e)}})
        return 1
    except BaseException as e:  # noqa: BLE001 - never run the handler after a failed setup
        report({"refused": {"mechanism": "setup", "message": f"{type(e).__name__}: {e}"}})
        return 126

    # ---- confined from here on
    from llmos.errors import MissingDependency, ToolError
    from llmos.tools import Context
    if func is None:
        try:
            func = _load(req["handler"])
        except Exception as e:  # noqa: BLE001
            report({"error": {"type": "LoadError", "message": f"{type(e).__name__}: {e}"}})
            return 1
    try:
        if spec.get("broker") is not None:
            import llmos.tools.net as net
            net.CONNECT = _broker_connect(fds[spec["broker"]])
        if config.pidfd_signals_only:       # only the approved processes, even if none is left
            import llmos.tools.process as process
            process.PIDFDS = {int(pid): fds[i] for pid, i in spec.get("pidfds", {}).items()}
        args = dict(req["args"])
        args.update(req.get("args_override") or {})
        ctx = Context.from_json(req["ctx"])
        result = func(args, ctx)
        payload = json.dumps({"ok": result})
    except ToolError as e:
        payload = json.dumps({"error": {"type": "MissingDependency" if isinstance(e, MissingDependency)
                                        else "ToolError", "message": str(e)}})
    except BaseException as e:  # noqa: BLE001
        payload = json.dumps({"crash": f"{type(e).__name__}: {e}",
                              "trace": traceback.format_exc(limit=6)[-4000:]})
    _write_all(result_w, payload.encode())
    os.close(result_w)      # the client reads its EOF now, not after this process's teardown
    return 0


def _setns(fd: int) -> int:
    if fd < 0:
        return -1
    return _libc.setns(ctypes.c_int(fd), ctypes.c_int(CLONE_NEWNET))


class _PrecreateFailed(Exception):
    pass


def _precreate(config, req: dict) -> None:
    """Make the folders a grant names before the handler's sandbox exists (it can only
    grant what exists), in a sandbox that may create folders and nothing else."""
    from dataclasses import replace

    from kernelspace import landlock as ll
    from kernelspace.sandbox import confine
    mkdir_only = replace(config, rules=tuple((r, ll.FS_READ_DIR | ll.FS_MAKE_DIR) for r in req["precreate_roots"]),
                         host_netns=True, icmp=False, netlink_route=False, unix_sockets=False,
                         scope_signals=True, pidfd_signals_only=False)
    r, w = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(r)
            confine(mkdir_only, keep_fds=(w,), job=None)
            for path, mode in req["precreate"]:
                try:
                    os.mkdir(path, mode)
                except FileExistsError:
                    pass
            code = 0
        except BaseException as e:  # noqa: BLE001
            try:
                os.write(w, f"{e}".encode()[:2000])
            except OSError:
                pass
        finally:
            os._exit(code)
    os.close(w)
    msg = b""
    while chunk := os.read(r, 4096):
        msg += chunk
    os.close(r)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise _PrecreateFailed(f"cannot create {req['precreate'][-1][0]}: "
                               f"{msg.decode(errors='replace') or 'failed'}")


def _broker_connect(fd: int):
    """net.CONNECT for the worker: ask the trusted side for a connected socket."""
    broker = socket.socket(fileno=fd)
    broker.setblocking(True)

    def connect(host: str, port: int, timeout: float | None = None) -> socket.socket:
        from llmos.errors import ToolError
        broker.send(json.dumps({"host": host, "port": int(port)}).encode())
        msg, got, _flags, _addr = socket.recv_fds(broker, 65536, 1)
        reply = json.loads(msg or b'{"error": "the trusted side did not answer"}')
        if "error" in reply:
            for f in got:
                os.close(f)
            raise ToolError(reply["error"])
        s = socket.socket(fileno=got[0])
        s.settimeout(timeout)
        return s

    return connect


# --------------------------------------------------------------------------- entry

BOOT = ("import json, sys; sys.path[:0] = [p for p in json.loads(sys.argv[2]) if p not in sys.path]; "
        "from llmos.sandbox.worker import serve; serve(int(sys.argv[1]))")


def boot_argv(fd: int) -> list[str]:
    """The server's command line.  Its import path is this process's, minus the current
    folder ('' — a stray json.py there must not be imported by a root process), plus
    where llmos and kernelspace were really found, so both resolve the same modules."""
    import kernelspace.sandbox

    import llmos
    roots = [os.path.dirname(os.path.dirname(os.path.abspath(kernelspace.sandbox.__file__))),
             os.path.dirname(os.path.dirname(os.path.abspath(llmos.__file__)))]
    paths = roots + [os.path.abspath(p) for p in sys.path if p and not p.startswith("__")]
    return [sys.executable, "-c", BOOT, str(fd), json.dumps(list(dict.fromkeys(paths)))]


def pack_status(status: int) -> str:
    """A waitstatus for a person."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return f"killed by {name}"
    return f"exit status {os.WEXITSTATUS(status)}"


__all__ = ["serve", "boot_argv", "pack_status", "PREIMPORT"]
