"""Run a command, or confine the current process, under every kernel mechanism at once.

``run(config, argv)`` forks a child A that joins the job cgroup, calls setsid
and unshares the network and pid namespaces; A forks B (pid 1 of the new pid
namespace), which sets up stdio, closes every other descriptor, drops to the
target user, sets no_new_privs, applies Landlock and seccomp, rlimits, chdir
and execve.  Everything expensive (paths, Landlock ruleset, BPF program) is
prepared in the parent, so the forked children only make syscalls.

Fail closed: a mechanism that is required and fails raises ``SandboxRefused``
naming it; nothing runs.  Only the administrator file ``ADMIN_CONF`` can let
``cgroup``, ``netns`` or ``pidns`` be missing (``allow_degraded = ...``).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import pwd
import resource
import selectors
import signal
import stat
import struct
import time
from dataclasses import dataclass, field
from functools import lru_cache

from . import cgroups, landlock, seccomp

ADMIN_CONF = "/etc/llmos/sandbox.conf"
DEGRADABLE = frozenset({"cgroup", "netns", "pidns"})

# Default grants so a dynamically linked program can start: code and libraries
# (read+exec), the loader's cache and a few world-readable name-service files
# (read), and the harmless devices.  Nothing of /home, /root, /proc, /sys, /run, /tmp.
SYSTEM_EXEC = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")
SYSTEM_RO = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ld.so.preload",
             "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
             "/dev/zero", "/dev/urandom", "/dev/random")
SYSTEM_RW = ("/dev/null",)
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"

CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
PR_SET_SECUREBITS, PR_CAPBSET_READ, PR_CAPBSET_DROP = 28, 23, 24
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, PR_SET_NO_NEW_PRIVS = 47, 4, 38
# NOROOT(+LOCKED): uid 0 gains no capabilities at execve; NO_CAP_AMBIENT_RAISE(+LOCKED);
# KEEP_CAPS_LOCKED.  NO_SETUID_FIXUP stays off so setresuid() clears capabilities.
SECUREBITS = (1 << 0) | (1 << 1) | (1 << 5) | (1 << 6) | (1 << 7)
SYS_CAPGET, SYS_CAPSET, SYS_CLOSE_RANGE = 125, 126, 436
CAP_V3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class SandboxRefused(OSError):
    """A mechanism the sandbox requires is missing or failed; nothing was run.

    ``mechanism`` is one of: landlock, seccomp, cgroup, netns, pidns, setsid, fds,
    privileges, no_new_privs, rlimits, cwd, threads.
    """

    def __init__(self, mechanism: str, message: str, err: int = 0) -> None:
        super().__init__(err or errno.EPERM, f"sandbox refused: {mechanism}: {message}")
        self.mechanism = mechanism
        self.message = message

    def __str__(self) -> str:
        return self.strerror


class ConfigError(ValueError):
    """The configuration or argv is invalid (relative path, grant of /, NUL byte, ...)."""


@dataclass(frozen=True)
class Config:
    ro: tuple[str, ...] = ()            # read files, list directories beneath
    rw: tuple[str, ...] = ()            # ro + write, create, remove, rename beneath
    exec: tuple[str, ...] = ()          # ro + execute beneath
    system_paths: bool = True           # add SYSTEM_EXEC / SYSTEM_RO / SYSTEM_RW
    tcp_connect: tuple[int, ...] = ()   # network is off (netns, no inet sockets) unless a port is given
    tcp_bind: tuple[int, ...] = ()
    unix_sockets: bool = False          # socket(AF_UNIX); socketpair() always works
    timeout: float | None = 60.0        # wall clock, seconds
    output_limit: int = 16 << 20        # stdout + stderr bytes kept before the job is killed
    cpu_time: int | None = 60           # RLIMIT_CPU seconds
    address_space: int | None = 4 << 30  # RLIMIT_AS bytes
    file_size: int | None = 1 << 30     # RLIMIT_FSIZE bytes
    nofile: int | None = 256            # RLIMIT_NOFILE
    nproc: int | None = None            # RLIMIT_NPROC counts the user's processes system-wide; pids_max is per job
    pids_max: int | None = 256          # cgroup pids.max
    memory_max: int | None = 1 << 30    # cgroup memory limit, bytes
    cwd: str | None = None              # must lie inside ro/rw/exec; default: first rw, ro, exec dir, else /
    user: str | int | None = None       # as root: default "nobody"; "root" keeps uid 0 with no capabilities
    env: dict = field(default_factory=dict)  # added to PATH, LANG, HOME
    lang: str = "C.UTF-8"
    pid_namespace: bool = True
    landlock_min_abi: int = 3           # 3: truncate() is controlled; TCP ports raise it to 4
    log_denials: bool = True            # ABI 7: audit the exec'd program's denials
    cgroup_parents: tuple[str, ...] = ()  # explicit parent cgroup dirs; default: discovered
    inherit_stdio: bool = False         # child uses the caller's 0, 1, 2 (no capture, no output limit)
    # Finer grants, for callers that know exactly which rights a job needs (llmos.sandbox):
    rules: tuple[tuple[str, int], ...] = ()  # (path, Landlock FS_* mask); never MAKE_CHAR/MAKE_BLOCK/IOCTL_DEV
    host_netns: bool = False            # keep the host's network namespace although no port is granted
                                        # (to read its state, or ping); seccomp still refuses TCP and UDP
    icmp: bool = False                  # seccomp permits ICMP datagram ("ping") sockets, never UDP
    netlink_route: bool = False         # seccomp permits NETLINK_ROUTE sockets (read interfaces/addresses)
    scope_signals: bool = True          # Landlock ABI 6 signal scope; off only with pidfd_signals_only
    pidfd_signals_only: bool = False    # seccomp refuses kill/tkill/tgkill/sigqueue/pidfd_open/F_SETOWN:
                                        # only pidfds handed in (keep_fds) can be signalled

    def __post_init__(self) -> None:
        for name in ("ro", "rw", "exec", "tcp_connect", "tcp_bind", "cgroup_parents"):
            v = getattr(self, name)
            object.__setattr__(self, name, (v,) if isinstance(v, (str, int)) else tuple(v))
        object.__setattr__(self, "rules", tuple((str(p), int(a)) for p, a in self.rules))

    @property
    def network(self) -> bool:
        return bool(self.tcp_connect or self.tcp_bind)


@dataclass
class Result:
    returncode: int                 # exit status, or -N when killed by signal N
    stdout: bytes = b""
    stderr: bytes = b""
    killed_reason: str | None = None  # "timeout" | "output" | "memory" | None
    degraded: tuple[str, ...] = ()    # mechanisms the administrator allowed to be missing, that were
    duration: float = 0.0


def admin_degraded(path: str | None = None) -> frozenset[str]:
    """Mechanisms the administrator lets be missing.  The file must be a regular
    file owned by root and writable by nobody else, or it is ignored."""
    try:
        fd = os.open(path or ADMIN_CONF, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return frozenset()
    with os.fdopen(fd) as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_uid != 0 or st.st_mode & 0o022:
            return frozenset()
        text = f.read()
    out: set[str] = set()
    for line in text.splitlines():
        key, sep, value = line.split("#", 1)[0].partition("=")
        if sep and key.strip() == "allow_degraded":
            out.update(v.strip() for v in value.split(",") if v.strip())
    return frozenset(out & DEGRADABLE)


@lru_cache(maxsize=1)
def _abi() -> int:
    return landlock.abi_version()


@lru_cache(maxsize=1)
def _cap_last() -> int:
    with open("/proc/sys/kernel/cap_last_cap") as f:
        return int(f.read())


@lru_cache(maxsize=16)
def _bpf(allow_tcp: bool, allow_unix: bool, allow_icmp: bool = False, allow_netlink_route: bool = False,
         pidfd_signals_only: bool = False) -> bytes:
    return seccomp.build(allow_tcp=allow_tcp, allow_unix=allow_unix, allow_icmp=allow_icmp,
                         allow_netlink_route=allow_netlink_route, pidfd_signals_only=pidfd_signals_only)


def _check_path(p: str, what: str) -> str:
    if not isinstance(p, str) or "\0" in p or not p.startswith("/"):
        raise ConfigError(f"{what} {p!r}: paths must be absolute")
    if os.path.normpath(p) != p.rstrip("/") and p != "/":
        raise ConfigError(f"{what} {p!r}: path is not normalised (.., //, trailing /)")
    return p


def _inside(path: str, roots: list[str]) -> bool:
    real = os.path.realpath(path)
    for r in roots:
        r = os.path.realpath(r)
        if real == r or real.startswith(r.rstrip("/") + "/"):
            return True
    return False


@dataclass
class _Plan:
    """Everything the child needs, built in the parent."""
    ruleset_fd: int
    restrict_flags: int
    bpf: seccomp.Filter
    uid: int
    gid: int
    groups: list
    drop: bool          # running as root: switch identity, clear the bounding set
    env: dict
    cwd: str
    rlimits: list
    netns: bool
    pidns: bool
    degraded_ok: frozenset
    exe: str = ""
    argv: list = field(default_factory=list)

    def close(self) -> None:
        if self.ruleset_fd >= 0:
            os.close(self.ruleset_fd)
            self.ruleset_fd = -1


def _target_user(user) -> pwd.struct_passwd:
    euid = os.geteuid()
    try:
        if user is None:
            pw = pwd.getpwnam("nobody") if euid == 0 else pwd.getpwuid(euid)
        elif isinstance(user, int) or str(user).isdigit():
            pw = pwd.getpwuid(int(user))
        else:
            pw = pwd.getpwnam(user)
    except KeyError:
        raise ConfigError(f"unknown user {user!r}") from None
    if euid != 0 and pw.pw_uid != euid:
        raise SandboxRefused("privileges", f"only root can run as {pw.pw_name}; running as uid {euid}")
    return pw


def prepare(config: Config, argv: list[str] | None) -> _Plan:
    """Check the config and build the Landlock ruleset and BPF program (parent side)."""
    for what in ("ro", "rw", "exec"):
        for p in getattr(config, what):
            _check_path(p, f"--{what}")
    for p, access in config.rules:
        _check_path(p, "rule")
        if access & landlock.NEVER_GRANTED:
            raise ConfigError(f"rule {p}: device creation and device ioctls are never granted")
    for p in config.rw + tuple(p for p, a in config.rules if a & ~(landlock.READ | landlock.FS_EXECUTE)):
        if os.path.realpath(p) == "/":
            raise ConfigError("refusing to grant write on / (grant the directories the command needs)")
    if not config.scope_signals and not config.pidfd_signals_only:
        raise ConfigError("signal scoping can be turned off only together with pidfd_signals_only")
    for port in config.tcp_connect + config.tcp_bind:
        if not isinstance(port, int) or not 0 < port < 65536:
            raise ConfigError(f"bad TCP port {port!r}")
    if config.timeout is not None and not config.timeout > 0:
        raise ConfigError("timeout must be positive")
    if argv is not None:
        if not argv or any(not isinstance(a, str) or "\0" in a for a in argv):
            raise ConfigError("argv must be a non-empty list of strings without NUL bytes")
    for k, v in config.env.items():
        if not k or "=" in k or "\0" in k or "\0" in str(v):
            raise ConfigError(f"bad environment variable {k!r}")

    abi = _abi()
    need = max(config.landlock_min_abi, 4 if config.network else 1)
    if abi < need:
        have = f"ABI {abi}" if abi else "Landlock is not enabled in this kernel"
        raise SandboxRefused("landlock", f"need Landlock ABI {need}, kernel has {have}")

    grants = [d for d in config.rw + config.ro + config.exec]
    if config.cwd is not None:
        cwd = _check_path(config.cwd, "cwd")
        if not _inside(cwd, grants):
            raise ConfigError(f"cwd {cwd} is outside the granted paths")
    else:
        cwd = next((d for d in grants if os.path.isdir(d)), "/")

    pw = _target_user(config.user)
    env = {"PATH": DEFAULT_PATH, "LANG": config.lang, "HOME": pw.pw_dir}
    env.update({k: str(v) for k, v in config.env.items()})

    rules = [landlock.Rule(p, landlock.WRITE) for p in config.rw]
    rules += [landlock.Rule(p, landlock.READ) for p in config.ro]
    rules += [landlock.Rule(p, landlock.EXECUTE) for p in config.exec]
    rules += [landlock.Rule(p, access) for p, access in config.rules]
    if config.system_paths:
        rules += [landlock.Rule(p, landlock.EXECUTE) for p in SYSTEM_EXEC if os.path.exists(p)]
        rules += [landlock.Rule(p, landlock.READ) for p in SYSTEM_RO if os.path.exists(p)]
        rules += [landlock.Rule(p, landlock.READ | landlock.FS_WRITE_FILE) for p in SYSTEM_RW]
    for r in rules:
        if not os.path.exists(r.path):
            raise ConfigError(f"granted path {r.path} does not exist (create it, or grant its parent)")
    scope = landlock.SCOPE_ABSTRACT_UNIX_SOCKET | (landlock.SCOPE_SIGNAL if config.scope_signals else 0)
    try:
        fd = landlock.create_ruleset(rules, abi, tcp_connect=config.tcp_connect,
                                     tcp_bind=config.tcp_bind, scope=scope)
    except OSError as e:
        raise SandboxRefused("landlock", str(e), e.errno or 0) from e
    # Python ignores SIGPIPE/SIGXFSZ; the exec'd program must get the defaults back.
    lims = [(resource.RLIMIT_CPU, config.cpu_time), (resource.RLIMIT_AS, config.address_space),
            (resource.RLIMIT_FSIZE, config.file_size), (resource.RLIMIT_NOFILE, config.nofile),
            (resource.RLIMIT_NPROC, config.nproc)]
    plan = _Plan(
        ruleset_fd=fd, restrict_flags=landlock.restrict_flags(abi, config.log_denials),
        bpf=seccomp.Filter(_bpf(config.network, config.unix_sockets, config.icmp, config.netlink_route,
                                config.pidfd_signals_only)),
        uid=pw.pw_uid, gid=pw.pw_gid, groups=os.getgrouplist(pw.pw_name, pw.pw_gid),
        drop=os.geteuid() == 0, env=env, cwd=cwd,
        rlimits=[(r, v) for r, v in lims if v is not None],
        netns=not (config.network or config.host_netns), pidns=config.pid_namespace,
        degraded_ok=admin_degraded())
    if argv is not None:
        plan.argv = list(argv)
        plan.exe = _which(argv[0], env["PATH"], cwd)
    return plan


def _which(cmd: str, path: str, cwd: str) -> str:
    if "/" in cmd:
        return os.path.join(cwd, cmd)
    for d in path.split(":"):
        f = os.path.join(d, cmd)
        if os.path.isfile(f) and os.access(f, os.X_OK):
            return f
    return ""


# ---- child side: only syscalls from here on --------------------------------------------

class _Stage(Exception):
    def __init__(self, stage: str, err: int, msg: str) -> None:
        super().__init__(msg)
        self.stage, self.err = stage, err


def _prctl(opt: int, a2: int = 0, a3: int = 0) -> int:
    return _libc.prctl(ctypes.c_int(opt), ctypes.c_ulong(a2), ctypes.c_ulong(a3),
                       ctypes.c_ulong(0), ctypes.c_ulong(0))


def _fail(stage: str, what: str) -> None:
    e = ctypes.get_errno()
    raise _Stage(stage, e, f"{what}: {os.strerror(e)}")


def _caps() -> tuple[int, int, int]:
    hdr = (ctypes.c_uint32 * 2)(CAP_V3, 0)
    data = (ctypes.c_uint32 * 6)()
    if _libc.syscall(SYS_CAPGET, hdr, data) != 0:
        _fail("privileges", "capget")
    eff, prm, inh = (data[0] | data[3] << 32), (data[1] | data[4] << 32), (data[2] | data[5] << 32)
    return eff, prm, inh


def _drop_privileges(plan: _Plan) -> None:
    """Switch to the target identity with no capability anywhere (effective,
    permitted, inheritable, ambient, bounding), then verify it."""
    if plan.drop:
        if _prctl(PR_SET_SECUREBITS, SECUREBITS) != 0:
            _fail("privileges", "PR_SET_SECUREBITS")
        for cap in range(_cap_last() + 1):
            if _prctl(PR_CAPBSET_DROP, cap) != 0:
                _fail("privileges", f"PR_CAPBSET_DROP({cap})")
    if _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL) != 0:
        _fail("privileges", "PR_CAP_AMBIENT_CLEAR_ALL")
    if plan.drop:
        try:
            os.setgroups(plan.groups)
            os.setresgid(plan.gid, plan.gid, plan.gid)
            os.setresuid(plan.uid, plan.uid, plan.uid)
        except OSError as e:
            raise _Stage("privileges", e.errno or 0, f"cannot switch to uid {plan.uid}: {e}") from None
    hdr = (ctypes.c_uint32 * 2)(CAP_V3, 0)
    zero = (ctypes.c_uint32 * 6)()
    if _libc.syscall(SYS_CAPSET, hdr, zero) != 0:   # uid 0 keeps its capabilities through setresuid
        _fail("privileges", "capset")
    if os.getresuid() != (plan.uid,) * 3 or os.getresgid() != (plan.gid,) * 3 or any(_caps()):
        raise _Stage("privileges", errno.EPERM, "identity or capabilities not dropped as asked")
    if plan.drop and any(_prctl(PR_CAPBSET_READ, c) == 1 for c in range(_cap_last() + 1)):
        raise _Stage("privileges", errno.EPERM, "bounding set not empty")


def _close_fds(keep: list[int]) -> None:
    lo = 3
    for k in sorted(set(keep)):
        if k >= lo:
            os.closerange(lo, k)
            lo = k + 1
    if _libc.syscall(SYS_CLOSE_RANGE, ctypes.c_uint(lo), ctypes.c_uint(0xFFFFFFFF), ctypes.c_uint(0)) != 0:
        _fail("fds", "close_range")


def _restrict(plan: _Plan) -> None:
    """Identity, no_new_privs, Landlock, seccomp, rlimits, cwd — in this order."""
    _drop_privileges(plan)
    if _prctl(PR_SET_NO_NEW_PRIVS, 1) != 0:
        _fail("no_new_privs", "PR_SET_NO_NEW_PRIVS")
    try:
        landlock.restrict(plan.ruleset_fd, plan.restrict_flags)
    except OSError as e:
        raise _Stage("landlock", e.errno or 0, str(e)) from None
    os.close(plan.ruleset_fd)
    try:
        plan.bpf.load()
    except OSError as e:
        raise _Stage("seccomp", e.errno or 0, str(e)) from None
    # rlimits last: the child is a copy of a possibly large parent, and RLIMIT_AS
    # below its current size would make Python's own allocations fail before exec.
    try:
        for res, value in plan.rlimits:
            hard = resource.getrlimit(res)[1]
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(res, (value, value))
    except OSError as e:
        raise _Stage("rlimits", e.errno or 0, str(e)) from None
    try:
        os.chdir(plan.cwd)
    except OSError as e:
        raise _Stage("cwd", e.errno or 0, f"cannot enter {plan.cwd}: {e.strerror}") from None


def _unshare(plan: _Plan, flag: int, name: str, report) -> None:
    if _libc.unshare(ctypes.c_int(flag)) != 0:
        e = ctypes.get_errno()
        if name not in plan.degraded_ok:
            raise _Stage(name, e, f"unshare: {os.strerror(e)}")
        report(b"D" + name.encode())


def _send(fd: int, payload: bytes) -> None:
    os.write(fd, struct.pack("<I", len(payload)) + payload)


def _report_stage(fd: int, s: _Stage) -> None:
    _send(fd, b"F" + f"{s.stage}\0{s.err}\0{s}".encode(errors="replace"))


def _child_a(plan: _Plan, job, stdio: tuple[int, int, int] | None, errw: int) -> None:
    """Join the cgroup, new session, namespaces; fork the payload; relay its status."""
    try:
        try:
            if job is not None:
                job.join()
        except OSError as e:
            raise _Stage("cgroup", e.errno or 0, f"cannot join the job cgroup: {e}") from None
        os.setsid()
        if plan.netns:
            _unshare(plan, CLONE_NEWNET, "netns", lambda m: _send(errw, m))
        if plan.pidns:
            _unshare(plan, CLONE_NEWPID, "pidns", lambda m: _send(errw, m))
        pid = os.fork()
        if pid == 0:
            _child_b(plan, stdio, errw)
        if stdio is not None:
            for fd in set(stdio):
                os.close(fd)
        plan.close()
        _, status = os.waitpid(pid, 0)
        _send(errw, b"W%d" % status)
        os._exit(0)
    except _Stage as s:
        _report_stage(errw, s)
    except BaseException as e:  # noqa: BLE001 - must never return into the caller's code
        try:
            _send(errw, b"F" + f"setup\0{getattr(e, 'errno', 0) or 0}\0{e!r}".encode(errors="replace"))
        except BaseException:  # noqa: BLE001
            pass
    os._exit(126)


def _child_b(plan: _Plan, stdio, errw: int) -> None:
    try:
        try:
            if stdio is not None:
                for i, fd in enumerate(stdio):
                    os.dup2(fd, i)
            for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM,
                        signal.SIGQUIT, signal.SIGCHLD, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
        except OSError as e:
            raise _Stage("fds", e.errno or 0, f"stdio: {e}") from None
        _close_fds([errw, plan.ruleset_fd])
        _restrict(plan)
        try:
            os.execve(plan.exe, plan.argv, plan.env)
        except OSError as e:
            raise _Stage("exec", e.errno or 0, f"{plan.argv[0]}: {e.strerror}") from None
    except _Stage as s:
        _report_stage(errw, s)
    except BaseException as e:  # noqa: BLE001
        try:
            _send(errw, b"F" + f"setup\0{getattr(e, 'errno', 0) or 0}\0{e!r}".encode(errors="replace"))
        except BaseException:  # noqa: BLE001
            pass
    os._exit(127)


# ---- parent side -----------------------------------------------------------------------

def _make_job(config: Config, plan: _Plan, degraded: list) -> cgroups.Job | None:
    try:
        return cgroups.create(pids_max=config.pids_max, memory_max=config.memory_max,
                              parents=config.cgroup_parents)
    except OSError as e:
        if "cgroup" in plan.degraded_ok:
            degraded.append("cgroup")
            return None
        raise SandboxRefused("cgroup", str(e), e.errno or 0) from e


def _high_fd(fd: int) -> int:
    """Move fd to >= 3 so dup2 onto 0-2 in the child never clobbers another one."""
    if fd > 2:
        return fd
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    os.close(fd)
    return new


def run(config: Config, argv: list[str], *, stdin: bytes | None = None) -> Result:
    """Run ``argv`` sandboxed; return its status and output.

    Raises ConfigError for an invalid request and SandboxRefused when a required
    mechanism is missing.  A command that cannot be found or executed gives
    returncode 127 / 126 with the reason on stderr, like a shell.
    """
    start = time.monotonic()
    plan = prepare(config, argv)
    degraded: list[str] = []
    opened: list[int] = []
    job = None
    try:
        if not plan.exe:
            return Result(127, b"", f"kernelspace: {argv[0]}: command not found\n".encode(),
                          duration=time.monotonic() - start)
        job = _make_job(config, plan, degraded)
        errr, errw = os.pipe2(os.O_CLOEXEC)
        opened += [errr, errw]
        if config.inherit_stdio:
            stdio = None
            outr = errr2 = -1
        else:
            if stdin is None:
                infd = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)
            else:
                infd = os.memfd_create("kernelspace-stdin", os.MFD_CLOEXEC)
                os.write(infd, stdin)
                os.lseek(infd, 0, os.SEEK_SET)
            outr, outw = os.pipe2(os.O_CLOEXEC)
            errr2, errw2 = os.pipe2(os.O_CLOEXEC)
            infd, outw, errw2 = _high_fd(infd), _high_fd(outw), _high_fd(errw2)
            opened += [infd, outr, outw, errr2, errw2]
            stdio = (infd, outw, errw2)
        pid = os.fork()
        if pid == 0:
            _child_a(plan, job, stdio, errw)   # never returns
        for fd in (errw,) + (stdio or ()):
            os.close(fd)
            opened.remove(fd)
        if job is not None:
            job.close_fds()
        plan.close()
        return _supervise(config, pid, job, errr, outr, errr2, degraded, start)
    finally:
        plan.close()
        for fd in opened:
            try:
                os.close(fd)
            except OSError:
                pass
        if job is not None:
            job.remove()


def _supervise(config: Config, pid: int, job, errr: int, outr: int, errr2: int,
               degraded: list, start: float) -> Result:
    sel = selectors.DefaultSelector()
    pidfd = os.pidfd_open(pid)
    bufs = {outr: bytearray(), errr2: bytearray(), errr: bytearray()}
    for fd in bufs:
        if fd >= 0:
            sel.register(fd, selectors.EVENT_READ)
    sel.register(pidfd, selectors.EVENT_READ)
    deadline = None if config.timeout is None else start + config.timeout
    killed, status, total = None, None, 0

    def kill_all() -> None:
        if job is not None:
            job.kill()
        else:   # degraded: the session's process group (a setsid grandchild escapes)
            for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                try:
                    target()
                except ProcessLookupError:
                    pass

    try:
        while sel.get_map():
            wait = None if deadline is None or killed else max(0.0, deadline - time.monotonic())
            events = sel.select(wait)
            if not events and deadline is not None and not killed and time.monotonic() >= deadline:
                killed = "timeout"
                kill_all()
                continue
            for key, _ in events:
                fd = key.fd
                if fd == pidfd:
                    sel.unregister(pidfd)
                    _, status = os.waitpid(pid, 0)
                    # The job ends with its main process: stragglers holding our pipes go too.
                    if job is not None and job.pids():
                        job.kill()
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    sel.unregister(fd)
                    continue
                if fd == errr:
                    bufs[fd] += chunk
                    continue
                room = config.output_limit - total
                bufs[fd] += chunk[:max(room, 0)]
                total += len(chunk)
                if total > config.output_limit and not killed:
                    killed = "output"
                    kill_all()
    finally:
        sel.close()
        os.close(pidfd)
        if status is None:
            kill_all()
            os.waitpid(pid, 0)

    msgs, raw = [], bytes(bufs[errr])
    while len(raw) >= 4:
        n = struct.unpack_from("<I", raw)[0]
        msgs.append(raw[4:4 + n])
        raw = raw[4 + n:]
    returncode = -signal.SIGKILL
    for m in msgs:
        if m[:1] == b"D":
            degraded.append(m[1:].decode())
        elif m[:1] == b"W":
            st = int(m[1:])
            returncode = os.waitstatus_to_exitcode(st)
        elif m[:1] == b"F":
            stage, err, text = m[1:].decode(errors="replace").split("\0", 2)
            if stage == "exec":
                code = 127 if int(err) == errno.ENOENT else 126
                return Result(code, bytes(bufs[outr]) if outr >= 0 else b"",
                              f"kernelspace: {text}\n".encode(), None, tuple(degraded),
                              time.monotonic() - start)
            raise SandboxRefused(stage, text, int(err))
    if killed is None and job is not None and returncode == -signal.SIGKILL and job.hit_limit() == "memory":
        killed = "memory"
    return Result(returncode, bytes(bufs.get(outr, b"")), bytes(bufs.get(errr2, b"")), killed,
                  tuple(degraded), time.monotonic() - start)


def confine(config: Config, *, keep_fds: tuple[int, ...] = (), job: cgroups.Job | None = None) -> None:
    """Apply the sandbox to the calling process, irreversibly.

    For a freshly forked, single-threaded worker that then runs Python code
    (e.g. an intent handler).  The same order as ``run`` minus what only makes
    sense around an exec: it joins ``job`` if given (made by the caller with
    ``cgroups.create``), calls setsid, unshares the network namespace when no
    port is granted, closes descriptors above 2 except ``keep_fds``, replaces
    ``os.environ``, then drops identity, no_new_privs, Landlock, seccomp,
    rlimits, chdir.  A pid namespace cannot be entered by the caller itself: the
    fork-server forks the worker after unsharing it.
    """
    if len(os.listdir("/proc/self/task")) != 1:
        raise SandboxRefused("threads", "confine() needs a single-threaded process "
                             "(Landlock and seccomp apply to the calling thread only)")
    plan = prepare(config, None)
    try:
        if job is not None:
            try:
                job.join()
            except OSError as e:
                raise _Stage("cgroup", e.errno or 0, f"cannot join the job cgroup: {e}") from None
        try:
            os.setsid()
        except PermissionError:
            pass    # already a session leader
        if plan.netns:
            _unshare(plan, CLONE_NEWNET, "netns", lambda m: None)
        _close_fds(list(keep_fds) + [plan.ruleset_fd])
        os.environ.clear()
        os.environ.update(plan.env)
        _restrict(plan)
        plan.ruleset_fd = -1
    except _Stage as s:
        raise SandboxRefused(s.stage, str(s), s.err) from None
    finally:
        plan.close()
