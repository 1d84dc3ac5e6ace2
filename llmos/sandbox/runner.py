"""The trusted side of a sandboxed call: decide the grant, prepare its material,
hand the call to the fork-server, supervise it, and turn every failure into an
error that says what happened.

:func:`sandboxed_runner` returns a runner ``(intent, args, ctx) -> dict`` for
``llmos.plan.executor.Executor``.  Per call it

1. computes the call's effects (``effects_of``) and canonicalises them as the
   policy does (``canonical_effects``: paths resolved, process names → pids);
2. derives the grant (:func:`llmos.sandbox.grants.sandbox_config`);
3. prepares what only the trusted side may do: pidfds of the approved processes,
   the pinned address for a ping, a connect broker for approved hosts (after
   refusing local addresses), a fresh cgroup (``kernelspace.cgroups.create``);
4. sends the request to the fork-server, then waits for the result pipe with the
   wall-clock deadline, an output limit and the connect broker in one loop;
5. kills the whole cgroup on timeout or overflow and removes it afterwards —
   except that programs an intent launched on purpose are first moved to a
   per-launch cgroup of their own.

Fail closed: any failure to build or run the sandbox raises
``llmos.errors.SandboxError`` (with ``.mechanism``) and the handler never runs
outside it; nothing is retried without the sandbox.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import signal
import socket
import subprocess
import threading
import time
from dataclasses import fields, replace
from typing import Callable, Iterable

from kernelspace import cgroups

from llmos.errors import LlmosError, MissingDependency, SandboxError, ToolError
from llmos.intents.effects import effects_of
from llmos.policy.engine import host_of
from llmos.policy.facts import canonical_effects
from llmos.sandbox import netguard
from llmos.sandbox.grants import Grant, sandbox_config, sandbox_error
from llmos.sandbox.worker import boot_argv, pack_status, trusted_handler

DEFAULT_OUTPUT_LIMIT = 16 << 20     # bytes of JSON a handler may return
SERVER_START_TIMEOUT = 60.0
EXIT_WAIT = 10.0                    # after the result: the worker's exit status
LAUNCH_PIDS_MAX = 4096


# --------------------------------------------------------------------------- the server

class _SpareHandle:
    def __init__(self, kind: str, pid: int, ctl: socket.socket, job: dict | None, error: str | None) -> None:
        self.kind, self.pid, self.ctl, self.job, self.error = kind, pid, ctl, job, error


class ForkServer:
    """The client end of one fork-server process (started lazily, once).

    The server forks *spares* ahead of calls and hands their control sockets here;
    a call goes straight to a spare of the right kind (with or without a pid
    namespace), and the server, told it was used, forks the next one.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.proc: subprocess.Popen | None = None
        self.sock: socket.socket | None = None
        self.pid: int | None = None
        self.exits: dict[int, int] = {}
        self.spares: dict[str, list[_SpareHandle]] = {"pidns": [], "plain": []}
        self.root: list[str] = []            # the server's cgroup tree (every job is below it)
        self.imported: set[str] = set()

    def ensure(self) -> "ForkServer":
        if self.proc is not None and self.proc.poll() is None and self.sock is not None:
            return self
        self.close()
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC)
        try:
            debug = bool(os.environ.get("LLMOS_SANDBOX_DEBUG"))
            self.proc = subprocess.Popen(
                boot_argv(theirs.fileno()), pass_fds=(theirs.fileno(),), cwd="/",
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=None if debug else subprocess.DEVNULL, start_new_session=True)
        except OSError as e:
            mine.close()
            raise sandbox_error("server", f"cannot start the sandbox server: {e}") from None
        finally:
            theirs.close()
        self.sock = mine
        try:
            hello = self._next(lambda m: "ready" in m, SERVER_START_TIMEOUT)
        except SandboxError as e:
            self.close()
            raise sandbox_error("server", f"the sandbox server did not start ({e})") from None
        self.pid = int(hello["ready"])
        self.root = list(hello.get("root") or [])
        return self

    def _next(self, want: Callable[[dict], bool], timeout: float) -> dict:
        """The next message ``want`` accepts; exit reports and spares on the way are kept."""
        assert self.sock is not None
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise sandbox_error("server", "the sandbox server did not answer")
            self.sock.settimeout(left)
            try:
                msg, fds, _flags, _addr = socket.recv_fds(self.sock, 65536, 4)
            except socket.timeout:
                continue
            except OSError as e:
                self.close()
                raise sandbox_error("server", f"lost the sandbox server ({e})") from None
            doc = self._process(msg, fds)
            if want(doc):
                return doc

    def _drain(self) -> None:
        """Take in what the server already sent (spares, exits) without waiting."""
        assert self.sock is not None
        while True:
            self.sock.setblocking(False)
            try:
                msg, fds, _flags, _addr = socket.recv_fds(self.sock, 65536, 4)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                self.close()
                raise sandbox_error("server", f"lost the sandbox server ({e})") from None
            finally:
                if self.sock is not None:
                    self.sock.setblocking(True)
            self._process(msg, fds)

    def _process(self, msg: bytes, fds: list[int]) -> dict:
        for fd in fds:      # SCM_RIGHTS gives inheritable descriptors: no program llmos runs may keep one
            os.set_inheritable(fd, False)
        if not msg:
            for fd in fds:
                os.close(fd)
            self.close()
            raise sandbox_error("server", "the sandbox server exited")
        doc = json.loads(msg)
        if "spare" in doc and fds:
            self.spares[doc["spare"]].append(_SpareHandle(doc["spare"], int(doc["pid"]),
                                                          socket.socket(fileno=fds[0]), doc.get("job"),
                                                          doc.get("error")))
            fds = fds[1:]
        for fd in fds:
            os.close(fd)
        if "exit" in doc:
            pid = int(doc["exit"])
            self.exits[pid] = int(doc["status"])
            if len(self.exits) > 256:
                self.exits.pop(next(iter(self.exits)))
            for pool in self.spares.values():
                for h in [h for h in pool if h.pid == pid]:     # died while idle: forget it
                    pool.remove(h)
                    h.ctl.close()
                    self.release(pid)
        return doc

    def _send(self, obj: dict) -> None:
        try:
            self.sock.send(json.dumps(obj).encode())
        except (OSError, AttributeError) as e:
            self.close()
            raise sandbox_error("server", f"lost the sandbox server ({e})") from None

    def take(self, kind: str) -> _SpareHandle:
        """A spare of ``kind`` (waiting for the server to announce one if needed)."""
        self._drain()
        if not self.spares[kind]:
            self._next(lambda m: m.get("spare") == kind, SERVER_START_TIMEOUT)
        return self.spares[kind].pop(0)

    def spawn(self, handler: str, body: dict, fds: list[int], config) -> tuple[int, dict | None]:
        """Hand ``body`` to a spare; returns (its pid, its cgroup job description)."""
        module = handler.split(":")[1] if handler.count(":") == 2 else None
        if module and module not in self.imported and trusted_handler(handler):
            self._send({"op": "import", "module": module})
            self.imported.add(module)
        data = json.dumps(body).encode()
        mfd = os.memfd_create("llmos-sandbox-request", os.MFD_CLOEXEC)
        try:
            _write_all(mfd, data)
            for _attempt in range(3):
                spare = self.take("pidns" if body.get("pidns") else "plain")
                if spare.error:
                    self._send({"op": "release", "pid": spare.pid})
                    spare.ctl.close()
                    mech, _, text = spare.error.partition(": ")
                    raise sandbox_error(mech, text)
                try:
                    _set_limits(spare.job, config)
                    socket.send_fds(spare.ctl, [b"run"], [mfd] + fds)
                except OSError:
                    spare.ctl.close()       # died idle; nothing ran in it
                    self._send({"op": "release", "pid": spare.pid})
                    continue
                spare.ctl.close()
                try:                            # the call is under way now: it is supervised
                    self._send({"op": "used", "pid": spare.pid})     # even if the server is gone
                except SandboxError:
                    pass
                return spare.pid, spare.job
            raise sandbox_error("server", "no worker could be started")
        finally:
            os.close(mfd)

    def release(self, pid: int) -> None:
        """The call is over: the server ends what is left of the job and removes it."""
        try:
            self.sock.send(json.dumps({"op": "release", "pid": pid}).encode())
        except (OSError, AttributeError):
            pass

    def wait_exit(self, pid: int, timeout: float = EXIT_WAIT) -> int | None:
        if pid not in self.exits:
            try:
                self._next(lambda m: m.get("exit") == pid, timeout)
            except SandboxError:
                return None
        return self.exits.pop(pid, None)

    def close(self) -> None:
        for pool in self.spares.values():
            for h in pool:
                h.ctl.close()
            pool.clear()
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        if self.root:          # normally gone already; after a killed server, its jobs go now
            from llmos.sandbox.worker import remove_tree
            remove_tree(self.root)
            self.root = []
        self.pid = None
        self.exits.clear()
        self.imported.clear()


def _set_limits(job: dict | None, config) -> None:
    """The spare's cgroup was made with the default limits; apply the call's own."""
    from llmos.sandbox.worker import DEFAULT_MEMORY_MAX, DEFAULT_PIDS_MAX
    if not job:
        return
    if job.get("pids_dir") and config.pids_max != DEFAULT_PIDS_MAX:
        with open(os.path.join(job["pids_dir"], "pids.max"), "w") as f:
            f.write("max" if config.pids_max is None else str(config.pids_max))
    if job.get("memory_dir") and config.memory_max != DEFAULT_MEMORY_MAX:
        for name, unlimited in (("memory.max", "max"), ("memory.limit_in_bytes", "-1")):
            path = os.path.join(job["memory_dir"], name)
            if os.path.exists(path):
                with open(path, "w") as f:
                    f.write(unlimited if config.memory_max is None else str(config.memory_max))
                break


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


_SERVER = ForkServer()


def shutdown() -> None:
    """Stop the fork-server (a later call starts a new one)."""
    with _SERVER.lock:
        _SERVER.close()


atexit.register(shutdown)


# --------------------------------------------------------------------------- launched programs

class Launched:
    """Programs an intent left running, in their own cgroup (still confined)."""

    def __init__(self) -> None:
        self.jobs: list[cgroups.Job] = []

    def adopt(self, job: cgroups.Job, worker: int) -> cgroups.Job | None:
        """Move what is left in ``job`` (not the worker) into a new per-launch cgroup."""
        left = job.pids() - {worker}
        if not left:
            return None
        launch = cgroups.create(pids_max=LAUNCH_PIDS_MAX, memory_max=None)
        try:
            for _ in range(50):
                left = job.pids() - {worker}
                if not left:
                    break
                for pid in left:
                    for fd in launch.procs_fds:
                        try:
                            os.write(fd, str(pid).encode())
                        except ProcessLookupError:
                            pass
        finally:
            launch.close_fds()
        self.jobs.append(launch)
        return launch

    def pids(self) -> set[int]:
        return set().union(*(j.pids() for j in self.jobs)) if self.jobs else set()

    def kill_all(self) -> None:
        """End every launched program and remove their cgroups."""
        for job in self.jobs:
            try:
                job.remove()
            except OSError:
                pass
        self.jobs = []

    def prune(self) -> None:
        """Remove the cgroups of launched programs that have ended."""
        keep = []
        for job in self.jobs:
            if job.pids():
                keep.append(job)
            else:
                try:
                    job.remove(timeout=0.1)
                except OSError:
                    keep.append(job)
        self.jobs = keep


LAUNCHED = Launched()


# --------------------------------------------------------------------------- the runner

class SandboxedRunner:
    """``(intent, args, ctx) -> dict``: the handler runs in a worker sandboxed from the
    intent's effects with the call's concrete arguments.  See the module docstring."""

    def __init__(self, *, allow_private_hosts: bool | Iterable[str] | Callable[[str], bool] | None = None,
                 timeout: float | None = None, output_limit: int = DEFAULT_OUTPUT_LIMIT,
                 landlock_min_abi: int | None = None, server: ForkServer | None = None) -> None:
        self.private = netguard.private_rule(allow_private_hosts)
        self.timeout = timeout
        self.output_limit = output_limit
        self.landlock_min_abi = landlock_min_abi
        self.server = server or _SERVER

    def grant_for(self, intent, args: dict, ctx) -> Grant:
        """The grant a call would get (no side effect; for dry runs and tests)."""
        with self.server.lock:
            server = self.server.ensure()
            return self._grant(intent, args, ctx, server.pid)

    def _grant(self, intent, args, ctx, server_pid) -> Grant:
        effects = canonical_effects(effects_of(intent, args), daemon_pids=(server_pid,))
        return sandbox_config(intent, args, effects, ctx, timeout=self.timeout,
                              landlock_min_abi=self.landlock_min_abi)

    def __call__(self, intent, args: dict, ctx) -> dict:
        with self.server.lock:
            server = self.server.ensure()
            grant = self._grant(intent, args, ctx, server.pid)
            return self._run(server, intent, args, ctx, grant)

    # ---- one call
    def _run(self, server: ForkServer, intent, args: dict, ctx, grant: Grant) -> dict:
        config = replace(grant.config, output_limit=self.output_limit)
        opened: list[int] = []
        broker = None
        worker = None
        result_fix: dict = {}
        args_override: dict = {}
        try:
            for host in grant.hosts:             # refuse a local approved host before anything runs
                try:
                    netguard.resolve(host, 443, allow_private=self.private(host))
                except netguard.NetworkRefused as e:
                    raise sandbox_error("network", str(e)) from None
            if grant.ping:
                try:
                    address = netguard.pick_address(grant.ping, allow_private=self.private(grant.ping))
                except netguard.NetworkRefused as e:
                    raise sandbox_error("network", str(e)) from None
                args_override["host"] = address     # ICMP goes to the address that was checked
                result_fix["host"] = args.get("host")
            pidfds = self._pidfds(grant, server.pid, opened)
            result_r, result_w = os.pipe2(os.O_CLOEXEC)
            opened += [result_r, result_w]
            fds = [result_w]
            spec: dict = {"result": 1, "pidfds": {}}
            if grant.hosts:
                broker, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC)
                opened.append(theirs.detach())
                spec["broker"] = len(fds) + 1
                fds.append(opened[-1])
            for pid, fd in pidfds.items():
                spec["pidfds"][str(pid)] = len(fds) + 1
                fds.append(fd)
            body = {"handler": intent.handler, "args": args, "ctx": ctx.to_json(),
                    "config": {f.name: getattr(config, f.name) for f in fields(config)},
                    "pidns": grant.pid_namespace,
                    "precreate": [list(p) for p in grant.precreate],
                    "precreate_roots": list(grant.precreate_roots),
                    "args_override": args_override, "fds": spec}
            started = time.monotonic()
            worker, info = server.spawn(intent.handler, body, fds, config)
            job = cgroups.Job(**info) if info else None
            for fd in fds:                      # the worker has its copies now
                os.close(fd)
                opened.remove(fd)
            raw, killed = self._supervise(result_r, broker, grant, config, job, started)
            status = None
            if killed is not None or not raw.startswith(b'{"ok"'):
                status = server.wait_exit(worker)     # to say how it ended
                if killed is None and job is not None and job.hit_limit() == "memory":
                    killed = "memory"
            if grant.launch and job is not None and raw.startswith(b'{"ok"'):
                server.wait_exit(worker)              # what is left now was launched on purpose
                LAUNCHED.prune()
                try:
                    LAUNCHED.adopt(job, worker)
                except OSError as e:                  # the launched program goes with the call
                    raise sandbox_error("cgroup", f"cannot make a cgroup for the launched program: {e}") \
                        from None
            else:
                _kill(job)                            # nothing outlives the call
            outcome = self._decode(intent, raw, killed, status, config)
            if result_fix and isinstance(outcome, dict):
                outcome.update(result_fix)
            return outcome
        finally:
            if worker is not None:
                server.release(worker)
            if broker is not None:
                broker.close()
            for fd in opened:
                try:
                    os.close(fd)
                except OSError:
                    pass

    def _pidfds(self, grant: Grant, server_pid: int, opened: list[int]) -> dict[int, int]:
        """pidfds of the approved processes; never llmos, its ancestors, the server or init."""
        if not grant.signal_pids:
            return {}
        protected = {0, 1, os.getpid(), server_pid}
        pid = os.getppid()
        while pid > 1 and pid not in protected:
            protected.add(pid)
            pid = _ppid(pid)
        out = {}
        for pid in grant.signal_pids:
            if pid in protected:
                continue
            try:
                fd = os.pidfd_open(pid)
            except (ProcessLookupError, OSError):
                continue
            opened.append(fd)
            out[pid] = fd
        return out

    def _supervise(self, result_r: int, broker, grant: Grant, config, job, started: float):
        deadline = started + (config.timeout or 1e9)
        sel = selectors.DefaultSelector()
        sel.register(result_r, selectors.EVENT_READ)
        if broker is not None:
            sel.register(broker, selectors.EVENT_READ)
        buf = bytearray()
        killed = None
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 and killed is None:
                    killed = "timeout"
                    _kill(job)
                    deadline = time.monotonic() + 10       # now wait for the pipe to close
                    continue
                if left <= 0:
                    break
                events = sel.select(max(left, 0))
                for key, _ in events:
                    if key.fileobj is broker:
                        self._serve_broker(broker, grant, deadline)
                        continue
                    chunk = os.read(result_r, 1 << 16)
                    if not chunk:
                        return bytes(buf), killed
                    if killed is None:
                        buf += chunk
                        if len(buf) > config.output_limit:
                            killed = "output"
                            _kill(job)
            return bytes(buf), killed
        finally:
            sel.close()

    def _serve_broker(self, broker: socket.socket, grant: Grant, deadline: float) -> None:
        try:
            msg = broker.recv(65536)
        except OSError:
            msg = b""
        if not msg:
            return
        try:
            req = json.loads(msg)
            asked = str(req["host"])
            host = host_of(asked) or asked
            port = int(req["port"])
            if host not in grant.hosts:
                raise netguard.NetworkRefused(
                    f"this call may connect only to {', '.join(grant.hosts)}, which the policy "
                    f"approved; it tried {host} (e.g. a redirect) and was refused. "
                    f"Ask for {host} explicitly if you trust it")
            if port not in grant.ports:
                raise netguard.NetworkRefused(
                    f"this call may connect to {host} only on port{'s' if len(grant.ports) > 1 else ''} "
                    f"{', '.join(map(str, grant.ports))}; port {port} was refused")
            timeout = max(0.1, min(netguard.CONNECT_TIMEOUT, deadline - time.monotonic()))
            sock = netguard.connect(host, port, allow_private=self.private(host), timeout=timeout)
        except (netguard.NetworkRefused, ValueError, KeyError, TypeError) as e:
            try:
                broker.send(json.dumps({"error": str(e)}).encode())
            except OSError:
                pass
            return
        try:
            socket.send_fds(broker, [json.dumps({"ok": True}).encode()], [sock.fileno()])
        except OSError:
            pass
        finally:
            sock.close()

    def _decode(self, intent, raw: bytes, killed: str | None, status: int | None, config) -> dict:
        if killed == "timeout":
            raise sandbox_error("timeout", f"{intent.name} did not finish within {config.timeout:g} s; "
                                "its whole process tree was killed")
        if killed == "output":
            raise sandbox_error("output", f"{intent.name} returned more than {config.output_limit} bytes; "
                                "it was killed")
        if killed == "memory":
            raise sandbox_error("memory", f"{intent.name} used more than {config.memory_max} bytes of "
                                "memory; it was killed")
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            how = pack_status(status) if status is not None else "no exit status"
            if status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGSYS:
                how += " (seccomp: a forbidden system call)"
            raise sandbox_error("worker", f"the worker for {intent.name} ended without a result ({how})")
        if "ok" in doc:
            return doc["ok"]
        if "refused" in doc:
            r = doc["refused"]
            raise sandbox_error(r.get("mechanism", "setup"), r.get("message", "refused"))
        if "error" in doc:
            e = doc["error"]
            if e.get("type") == "LoadError":
                raise LlmosError(f"{intent.name}: handler {intent.handler} cannot be loaded: {e.get('message')}")
            cls = MissingDependency if e.get("type") == "MissingDependency" else ToolError
            raise cls(e.get("message", "the handler failed"))
        crash = doc.get("crash", "unknown failure")
        hint = ""
        if crash.startswith(("PermissionError", "AccessDenied")):
            hint = " (its sandbox allows only what the intent declares)"
        if os.environ.get("LLMOS_SANDBOX_DEBUG"):
            hint += "\n" + doc.get("trace", "")
        raise ToolError(f"{intent.name} failed: {crash}{hint}")


def _kill(job) -> None:
    if job is not None:
        try:
            job.kill()
        except OSError:
            pass


def _ppid(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def sandboxed_runner(*, allow_private_hosts: bool | Iterable[str] | Callable[[str], bool] | None = None,
                     timeout: float | None = None, output_limit: int = DEFAULT_OUTPUT_LIMIT,
                     landlock_min_abi: int | None = None) -> SandboxedRunner:
    """A runner for ``Executor(runner=...)``: every handler runs in its own sandboxed worker.

    ``allow_private_hosts``: hosts (canonical names or address literals) for which a
    policy rule explicitly allows loopback/private/link-local/metadata addresses —
    an iterable, a predicate ``host -> bool``, or True; default: none.
    ``timeout``: seconds per call (default per intent: 60; file transfers 600; fetch 660).
    ``output_limit``: bytes of result.  ``landlock_min_abi``: require at least this ABI.
    """
    return SandboxedRunner(allow_private_hosts=allow_private_hosts, timeout=timeout,
                           output_limit=output_limit, landlock_min_abi=landlock_min_abi)
