"""What one call may do: its declared effects, with the call's concrete arguments,
turned into a kernel sandbox (:class:`kernelspace.Config`) and the material the
trusted side must prepare (pidfds, the hosts it may connect to, folders to create).

:func:`sandbox_config` is a pure function of (intent, args, effects, ctx): it
performs no side effect and consults nothing but those and filesystem
*metadata* (does a path exist, is it a folder, which one is its nearest existing
parent).  A grant is never derived from anything else — in particular never
from a value the model chose as "the writable root" (CVE-2025-59532): every
writable path is the target of a declared ``writes``/``deletes`` effect, or its
parent, or a fixed location the handler is known to use (the trash).

Landlock grants whole hierarchies, on inodes that exist.  Per effect:

========  ==============================================================================
reads     the target (read files / list folders); ``files.find``/``files.usage`` only
          list (READ_DIR), they never read file contents.
writes    an existing *folder* target: written into (copy/move/extract into it);
          anything else (a file, or a name not there yet): its **direct parent**, because
          the handlers create a hidden sibling and rename it into place (atomic replace,
          never a half-written file).  Never the nearest existing ancestor: a write
          below a missing folder gets no grant and fails as "no such folder" — so
          ``/`` or ``~`` are writable only when the call really writes directly in them.
          ``files.write``, ``net.fetch`` and ``files.compress`` get file rights only
          (no folders, links or renames across folders); ``files.extract`` builds its
          folder beside the destination, so it gets the destination's parent.
          ``files.mkdir`` gets MAKE_DIR (and listing) only, on the nearest existing
          ancestor: creating folders is the one thing it can do anywhere below it.
deletes   the parent: list, remove and move out (REFER for ``files.move``); no creation.
trash     the parents of the paths (move out) and the trash folder (write).  A trash
          folder that does not exist yet is made first by a separate sandbox that may
          only create folders below its nearest existing ancestor; the handler's sandbox
          then gets write on the new trash folder alone, never on ``~``.
exec      execute on the canonical program (its realpath), nothing else.
network   none for the worker: no interface (own network namespace), and seccomp
          refuses inet sockets.  The trusted side resolves the approved host, refuses
          loopback/private/link-local/CGNAT/multicast/metadata addresses unless a rule
          names the host, connects, and hands the socket in (:mod:`llmos.sandbox.netguard`).
          Ports: 80, 443 and the URL's own port.  ``net.ping``: ICMP datagram sockets
          only, in the host's network namespace, to the pre-resolved address.
signals   pidfds for the approved processes, opened by the trusted side; Landlock
          signal scoping is swapped for a seccomp filter that refuses kill(2) & co, so
          the worker can signal only through those pidfds; it reads only its targets'
          own ``/proc/PID/{stat,status,cmdline,comm}``; no pid namespace.
system    ``processes``: read ``/proc``.  ``hardware``: ``/proc``, ``/sys``, os-release.
          ``logs``: the journal folders, machine-id, ``/proc``.  ``net``: ``/proc``,
          ``/sys``, resolv.conf, the host's network namespace (the facts are per
          namespace) and NETLINK_ROUTE sockets (read-only without CAP_NET_ADMIN).
desktop   ``socket(AF_UNIX)`` and the session bus socket (from DBUS_SESSION_BUS_ADDRESS).
========  ==============================================================================

Every path target also gets READ_DIR on its parent folder: the handlers open the
parent to act relative to it without following links (``llmos.tools.fsutil``).
That lets the worker list names below that parent, never read their contents.

Identity: handlers run as the requesting user, ``ctx.uid``.  When llmos runs as root
for root (CI), that is uid 0 with every capability dropped, ``SECBIT_NOROOT`` locked
and no_new_privs: the same rights as any user on files uid 0 owns, and Landlock
bounds them.  Not "the owner of HOME": the request's uid is who asked; a root-run
llmos acting in someone's HOME must say so with ``ctx.uid``.

Programs that outlive the call (``process.launch``, ``desktop.open``,
``timer.remind``'s detached fallback) get the *launch profile* — see
:func:`launch_profile` and ``llmos/sandbox/README.md``.
"""

from __future__ import annotations

import math
import os
import stat
import sys
import sysconfig
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable
from urllib.parse import urlsplit

from kernelspace import landlock as ll
from kernelspace.sandbox import Config

from llmos.errors import SandboxError
from llmos.policy.engine import host_of
from llmos.policy.types import UNRESOLVED_TARGET, Effect

# --- rights ------------------------------------------------------------------------------

LIST = ll.FS_READ_DIR
READ = ll.READ
EXECUTE = ll.EXECUTE
#: create, overwrite and remove plain files (atomic replace in the same folder)
FILE_WRITE = ll.READ | ll.FS_WRITE_FILE | ll.FS_TRUNCATE | ll.FS_MAKE_REG | ll.FS_REMOVE_FILE
#: anything below the folder: files, folders, links, renames across folders
TREE_WRITE = ll.WRITE
#: list, remove and move out; nothing can be created
DELETE = ll.READ | ll.FS_REMOVE_FILE | ll.FS_REMOVE_DIR | ll.FS_REFER
#: create folders (and list); nothing else
MKDIR = ll.FS_READ_DIR | ll.FS_MAKE_DIR

HANDLER_PREFIX = "builtin:"


def sandbox_error(mechanism: str, message: str) -> SandboxError:
    """A SandboxError naming the mechanism (``e.mechanism``)."""
    e = SandboxError(f"sandbox refused ({mechanism}): {message}; nothing ran outside the sandbox")
    e.mechanism = mechanism
    return e

# --- per-handler knowledge: tightenings and the fixed places a handler uses --------------


@dataclass(frozen=True)
class Profile:
    read: int = READ                  # rights on `reads` targets
    write: int = TREE_WRITE           # rights for `writes` targets
    write_from_parent: bool = False   # the target is (re)built from its parent even if it exists
    mkdir: bool = False               # `writes` creates folders only (mkdir -p)
    trash: bool = False               # `writes` moves the targets to the trash
    exec_as_read: bool = False        # `exec` targets are documents handed to an opener
    network: str = "tcp"              # tcp (the connect broker) | icmp
    launch: bool = False              # leaves a program running after the call
    python: bool = False              # starts this Python interpreter (timer.remind's fallback)
    timeout: float = 60.0
    file_size: int | None = 1 << 30   # RLIMIT_FSIZE


_FETCH_LIMIT = 1 << 30
PROFILES: dict[str, Profile] = {
    "llmos.tools.files:find": Profile(read=LIST),
    "llmos.tools.files:usage": Profile(read=LIST),
    "llmos.tools.files:read": Profile(),
    "llmos.tools.files:copy": Profile(timeout=600.0, file_size=None),
    "llmos.tools.files:move": Profile(timeout=600.0, file_size=None),
    "llmos.tools.files:delete": Profile(timeout=600.0),
    "llmos.tools.files:mkdir": Profile(mkdir=True),
    "llmos.tools.files:write": Profile(write=FILE_WRITE),
    "llmos.tools.trash:trash": Profile(trash=True, timeout=600.0, file_size=None),
    "llmos.tools.archive:compress": Profile(write=FILE_WRITE, timeout=600.0, file_size=None),
    "llmos.tools.archive:extract": Profile(write_from_parent=True, timeout=600.0, file_size=None),
    "llmos.tools.net:fetch": Profile(write=FILE_WRITE, timeout=660.0, file_size=_FETCH_LIMIT + (1 << 20)),
    "llmos.tools.net:ping": Profile(network="icmp", timeout=130.0),
    "llmos.tools.process:launch": Profile(launch=True),
    "llmos.tools.desktop:open": Profile(launch=True, exec_as_read=True),
    "llmos.tools.timer:remind": Profile(launch=True, python=True),
}


def profile_of(handler: str) -> Profile:
    """Keyed by the handler that really runs (a user manifest may reuse an intent name)."""
    return PROFILES.get(handler[len(HANDLER_PREFIX):] if handler.startswith(HANDLER_PREFIX) else handler,
                        Profile())


# --- the result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """Everything one sandboxed call may do, and what the trusted side prepares for it."""

    config: Config
    pid_namespace: bool = True
    hosts: tuple[str, ...] = ()            # TCP: canonical hosts the trusted side may connect to
    ports: tuple[int, ...] = ()            # TCP: ports it may connect to
    ping: str | None = None                # ICMP: the host whose resolved address is pinged
    signal_pids: tuple[int, ...] = ()      # pidfds to open and hand in
    precreate: tuple[tuple[str, int], ...] = ()   # (folder, mode), made first, parents first
    precreate_roots: tuple[str, ...] = ()  # MAKE_DIR-only grants for that first sandbox
    launch: bool = False                   # survivors move to a per-launch cgroup
    why: tuple[str, ...] = field(default=(), compare=False)   # one line per grant, for people

    def describe(self) -> list[str]:
        return list(self.why)


class _Builder:
    def __init__(self) -> None:
        self.rules: dict[str, int] = {}
        self.why: list[str] = []

    def add(self, path: str, access: int, why: str) -> None:
        if access & ~(ll.READ | ll.FS_EXECUTE) and path == "/":
            raise sandbox_error("grants", "a write directly in / is never granted; name a folder below it")
        self.rules[path] = self.rules.get(path, 0) | access
        self.why.append(f"{_rights_name(access)} {path}: {why}")


def _rights_name(access: int) -> str:
    for name, mask in (("list", LIST), ("read", READ), ("execute", EXECUTE), ("write-files", FILE_WRITE),
                       ("write", TREE_WRITE), ("delete", DELETE), ("mkdir", MKDIR)):
        if access == mask:
            return name
    return f"rights={access:#x}"


def _lexists(path: str) -> bool:
    return os.path.lexists(path)


def _is_dir(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _real(path: str) -> str:
    """The canonical path, as the policy judged it: symlinks and .. resolved."""
    if not isinstance(path, str) or not path.startswith("/") or "\0" in path:
        raise sandbox_error("grants", f"{path!r} is not an absolute path")
    return os.path.realpath(path)


def _parent(path: str) -> str:
    return os.path.dirname(path.rstrip("/")) or "/"


def nearest_existing(path: str) -> str:
    while not _is_dir(path):
        path = _parent(path)
    return path


# --- fixed locations --------------------------------------------------------------------

@lru_cache(maxsize=1)
def python_paths() -> tuple[str, ...]:
    """Where this interpreter's code lives (read-only): lazy imports inside a handler."""
    import llmos
    out = []
    cfg = sysconfig.get_paths()
    for p in (cfg.get("stdlib"), cfg.get("platstdlib"), cfg.get("purelib"), cfg.get("platlib"),
              os.path.dirname(os.path.abspath(llmos.__file__))):
        if p and os.path.isdir(p):
            out.append(os.path.realpath(p))
    return tuple(sorted(set(out)))


@lru_cache(maxsize=1)
def tls_paths() -> tuple[str, ...]:
    import ssl
    v = ssl.get_default_verify_paths()
    cands = [v.cafile, v.capath, v.openssl_cafile, v.openssl_capath, "/etc/ssl", "/etc/pki",
             "/etc/ca-certificates", "/usr/share/ca-certificates",
             os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")]
    out = set()
    for c in cands:
        if c and os.path.exists(c):
            out.add(os.path.realpath(c))
    # /etc/ssl/private holds keys: never; /etc/ssl is granted by its public parts only
    if "/etc/ssl" in out:
        out.discard("/etc/ssl")
        for name in ("certs", "openssl.cnf"):
            if os.path.exists(f"/etc/ssl/{name}"):
                out.add(os.path.realpath(f"/etc/ssl/{name}"))
    return tuple(sorted(out))


def bus_socket(env: dict | None = None, uid: int | None = None) -> tuple[str | None, str | None]:
    """(bus address, socket path) of the session bus; path None for abstract addresses."""
    env = os.environ if env is None else env
    addr = env.get("DBUS_SESSION_BUS_ADDRESS")
    if not addr:
        path = f"/run/user/{os.getuid() if uid is None else uid}/bus"
        return (f"unix:path={path}", path) if os.path.exists(path) else (None, None)
    for part in addr.split(";"):
        kind, _, rest = part.partition(":")
        if kind != "unix":
            continue
        kv = dict(x.split("=", 1) for x in rest.split(",") if "=" in x)
        if "path" in kv:
            return addr, kv["path"]
    return addr, None


# secrets never granted to a launched program (home-relative), from the policy's defaults
_SECRET_HOME = (".ssh", ".gnupg", ".local/share/keyrings", ".password-store", ".aws", ".kube",
                ".netrc", ".docker", ".mozilla", ".config/google-chrome", ".config/chromium",
                ".config/BraveSoftware", ".config/microsoft-edge", ".pki", ".git-credentials",
                ".config/gh", ".npmrc", ".pypirc", ".config/rclone", ".config/llmos",
                ".local/state/llmos", ".local/share/llmos", ".cache/llmos",
                # start-up files: a launched program must not plant code that runs at login
                ".bashrc", ".bash_profile", ".profile", ".zshrc", ".zprofile", ".bash_login",
                ".config/fish", ".xprofile", ".xinitrc", ".config/autostart", ".config/systemd",
                ".config/environment.d", ".local/bin", ".pam_environment", ".bash_logout",
                ".config/user-dirs.dirs")
_SECRET_ETC = ("shadow", "shadow-", "gshadow", "gshadow-", "sudoers", "sudoers.d", "ssh", "ssl",
               "llmos", "security", "polkit-1", "krb5.keytab", "libvirt", "wireguard", "NetworkManager")


def _grant_tree(b: _Builder, root: str, excluded: set[str], access: int, why: str,
                readonly: set[str] = frozenset()) -> None:
    """Grant ``access`` on ``root`` but not on ``excluded`` paths below it: Landlock cannot
    carve a hole, so a folder holding an excluded path is granted child by child."""
    if root in excluded:
        return
    if root in readonly:
        b.add(root, READ, why + " (read-only: llmos's own code)")
        return
    if not any(e.startswith(root.rstrip("/") + "/") for e in excluded | set(readonly)):
        b.add(root, access, why)
        return
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return
    for name in names:
        child = os.path.join(root, name)
        if os.path.islink(child):
            continue   # a link is granted as its target, which it may not be
        _grant_tree(b, child, excluded, access, why, readonly)


def launch_profile(b: _Builder, ctx, uid: int) -> dict:
    """Grants for a program that outlives the call; returns the environment it gets.

    System code (execute), ``/etc`` without its secrets, ``/proc``, ``/sys``, fonts and
    caches (read), ``/tmp``, ``/var/tmp``, ``/dev/shm``, the runtime dir (write), and every
    entry of HOME except secrets and start-up files (write) — and except llmos's own
    code, which is read-only.  No network (its own network namespace, no inet sockets):
    the intents that launch declare none.  Unix sockets are allowed (display, sound and
    D-Bus sockets); see the README for what Landlock ABI ≤ 7 cannot restrict there.
    """
    for p in ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/opt", "/usr/local",
              "/snap", "/var/lib/flatpak"):
        if os.path.isdir(p) and not os.path.islink(p):
            b.add(p, EXECUTE, "programs and libraries")
    try:
        for name in sorted(os.listdir("/etc")):
            if name in _SECRET_ETC:
                continue
            real = os.path.realpath(f"/etc/{name}")     # a link is granted as its target
            if os.path.exists(real) and real != "/" and not real.startswith(("/home/", "/root")):
                b.add(real, READ, "system configuration")
    except OSError:
        pass
    for p in tls_paths():
        b.add(p, READ, "certificates")
    for p in ("/proc", "/sys", "/var/lib/dbus", "/var/cache/fontconfig", "/run/dbus", "/usr/share"):
        if os.path.exists(p):
            b.add(p, READ, "system state")
    home = _real(ctx.home)
    excluded = {os.path.join(home, s) for s in _SECRET_HOME} if home != "/" else set()
    code = {p for p in list(python_paths()) + [os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)]
            if home != "/" and p.startswith(home.rstrip("/") + "/")}
    # a code folder's top entry in HOME (e.g. ~/.pyenv) becomes read-only as a whole
    readonly = {os.path.join(home, os.path.relpath(p, home).split("/")[0]) for p in code}
    # HOME may lie below a scratch folder (tests do that): each is walked with the same exclusions
    for p in ("/tmp", "/var/tmp", "/dev/shm", f"/run/user/{uid}", home):
        if p != "/" and os.path.isdir(p):
            _grant_tree(b, os.path.realpath(p), excluded, TREE_WRITE,
                        "the user's files (not secrets or start-up files)" if p == home
                        else "scratch and runtime folders", readonly)
    env = {}
    for k in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "XDG_SESSION_TYPE", "XDG_CURRENT_DESKTOP",
              "XAUTHORITY", "LANG", "LC_ALL", "LC_MESSAGES", "DBUS_SESSION_BUS_ADDRESS", "USER", "LOGNAME"):
        if os.environ.get(k):
            env[k] = os.environ[k]
    return env


# --- the function ------------------------------------------------------------------------

def _values(args: dict, arg: str | None) -> list[str]:
    if arg is None or arg not in args:
        return []
    v = args[arg]
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


def _url_port(value: str) -> int | None:
    if "://" not in value:
        return None
    try:
        parts = urlsplit(value)
        return parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None


def sandbox_config(intent, args: dict, effects: Iterable[Effect], ctx, *,
                   timeout: float | None = None, landlock_min_abi: int | None = None) -> Grant:
    """The sandbox for one call of ``intent`` with normalised ``args``.

    ``effects`` are the call's effects (``llmos.intents.effects_of``), preferably as the
    policy canonicalised them (``llmos.policy.facts.canonical_effects``: paths resolved,
    process names expanded to pids).  Raises SandboxError when the call cannot be
    granted (an unresolved ``$ref``, a write on ``/``).  No side effects.
    """
    prof = profile_of(intent.handler)
    b = _Builder()
    env: dict[str, str] = {"HOME": ctx.home}
    hosts: list[str] = []
    ports: set[int] = set()
    ping = None
    signal_pids: list[int] = []
    precreate: list[tuple[str, int]] = []
    precreate_roots: list[str] = []
    system: set[str] = set()
    desktop = False
    host_netns = icmp = netlink = False
    signals = False
    effects = list(effects)
    moves = any(e.kind == "delete" for e in effects) and any(e.kind == "write" for e in effects)

    for e in effects:
        if e.target == UNRESOLVED_TARGET:
            raise sandbox_error("grants", f"{intent.name}: argument '{e.arg}' is not resolved yet; "
                                "a call runs only with concrete arguments")

    for e in effects:
        kind = e.kind
        if kind in ("read", "write", "delete"):
            path = _real(e.target)
            parent = _parent(path)
            if kind == "read":
                if _lexists(path):
                    b.add(path, prof.read if _is_dir(path) else READ, f"reads '{e.arg}'")
                if _is_dir(parent):
                    b.add(parent, LIST, f"the folder of '{e.arg}' (opened to act relative to it)")
            elif kind == "delete":
                if _lexists(path) and _is_dir(parent):
                    b.add(parent, DELETE, f"deletes '{e.arg}' from its folder")
                    if moves:
                        # Landlock refuses a move that would give the moved entry rights it did
                        # not have: it carries its destination's rights (it is the user's own
                        # named source, about to leave this folder)
                        b.add(path, prof.write, f"moves '{e.arg}' into the written folder")
            elif prof.trash:
                _trash_grants(b, path, ctx, env, precreate, precreate_roots)
            elif prof.mkdir:
                root = nearest_existing(path)
                if root == path:
                    b.add(path, LIST, f"'{e.arg}' exists already")
                else:
                    b.add(root, MKDIR, f"creates '{e.arg}' and missing parents below it")
                if _is_dir(parent):
                    b.add(parent, LIST, f"the folder of '{e.arg}'")
            elif _is_dir(path) and not prof.write_from_parent:
                b.add(path, prof.write, f"writes into '{e.arg}'")
                if _is_dir(parent):
                    b.add(parent, LIST, f"the folder of '{e.arg}'")
            elif _is_dir(parent):
                b.add(parent, prof.write, f"creates or replaces '{e.arg}' in its folder")
            # else: the folder does not exist; no grant, the handler says "no such folder"
        elif kind == "exec":
            if "://" in e.target or e.target.endswith(".desktop") or not e.target.startswith("/"):
                continue    # URLs and desktop ids are opened by the desktop, not executed
            path = _real(e.target)
            if os.path.exists(path):
                b.add(path, READ if prof.exec_as_read else EXECUTE,
                      f"{'opens' if prof.exec_as_read else 'runs'} '{e.arg}'")
        elif kind == "network":
            host = host_of(e.target)
            if host is None:
                raise sandbox_error("network", f"{e.target!r} is not a host name")
            if prof.network == "icmp":
                ping = host
                host_netns = icmp = True
            else:
                hosts.append(host)
                ports.update((80, 443))
                for value in _values(args, e.arg):
                    port = _url_port(value)
                    if port:
                        ports.add(port)
        elif kind == "signal":
            signals = True
            target = e.target.strip()
            pid = e.facts.pid if e.facts is not None and e.facts.pid is not None else \
                (int(target) if target.isdigit() else None)
            if pid is not None and pid > 1:
                signal_pids.append(pid)
        elif kind == "system":
            system.add(e.target)
        elif kind == "desktop":
            desktop = True

    if hosts:
        for p in tls_paths():
            b.add(p, READ, "certificate authorities (TLS is verified in the worker)")
    if system:
        b.add("/proc", READ, "system state (" + ", ".join(sorted(system)) + ")")
    if system & {"hardware", "net"}:
        b.add("/sys", READ, "hardware and interface state")
    if "hardware" in system:
        for p in ("/etc/os-release", "/usr/lib/os-release", "/etc/hostname"):
            if os.path.exists(p):
                b.add(os.path.realpath(p), READ, "operating system name")
    if "logs" in system:
        for p in ("/var/log/journal", "/run/log/journal", "/etc/machine-id", "/run/systemd/journal",
                  "/etc/systemd/journald.conf"):
            if os.path.exists(p):
                b.add(os.path.realpath(p), READ, "the systemd journal")
    if "net" in system:
        host_netns = netlink = True
        for p in ("/etc/resolv.conf", "/etc/hosts"):
            if os.path.exists(p):
                b.add(os.path.realpath(p), READ, "resolver configuration")
    if signals:
        for pid in signal_pids:
            for name in ("stat", "status", "cmdline", "comm"):
                p = f"/proc/{pid}/{name}"
                if os.path.exists(p):
                    b.add(p, ll.FS_READ_FILE, "the signalled process's own facts")
        if os.path.exists("/proc/stat"):
            b.add("/proc/stat", ll.FS_READ_FILE, "boot time (process start times)")
    unix = False
    if desktop:
        unix = True
        addr, path = bus_socket(uid=ctx.uid)
        if addr:
            env["DBUS_SESSION_BUS_ADDRESS"] = addr
        if path and os.path.exists(path):
            b.add(os.path.realpath(path), ll.FS_READ_FILE | ll.FS_WRITE_FILE, "the session bus socket")
    launch = prof.launch
    if launch:
        env.update(launch_profile(b, ctx, ctx.uid))
        unix = True
    if prof.python:
        exe = os.path.realpath(sys.executable)
        b.add(exe, EXECUTE, "the Python interpreter (a detached reminder)")
        for p in {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix), _package_root()}:
            if os.path.isdir(p):
                b.add(p, READ, "Python and llmos code")
    for p in python_paths():
        b.add(p, READ, "Python code (imports inside the handler)")
    code = handler_code(intent.handler)
    if code:
        b.add(code, READ, "the handler's own code (imported inside the sandbox)")

    pid_namespace = not (signals or launch or "processes" in system)
    t = float(timeout if timeout is not None else prof.timeout)
    config = Config(
        rules=tuple(sorted(b.rules.items())),
        user=int(ctx.uid),
        env=env,
        timeout=t,
        cpu_time=None if launch else int(math.ceil(t)),
        address_space=None if launch else 4 << 30,
        file_size=None if launch else prof.file_size,
        nofile=4096 if launch else 1024,
        pids_max=256,
        memory_max=1 << 30,
        unix_sockets=unix,
        host_netns=host_netns,
        icmp=icmp,
        netlink_route=netlink,
        scope_signals=not signals,
        pidfd_signals_only=signals,
        pid_namespace=pid_namespace,
        # without a pid namespace, signal scoping (ABI 6) is what keeps the worker off
        # every other process of the user; a pidfd-only worker has seccomp for that
        landlock_min_abi=max(3 if pid_namespace or signals else 6, landlock_min_abi or 0),
    )
    return Grant(config=config, pid_namespace=pid_namespace, hosts=tuple(dict.fromkeys(hosts)),
                 ports=tuple(sorted(ports)), ping=ping, signal_pids=tuple(dict.fromkeys(signal_pids)),
                 precreate=tuple(precreate), precreate_roots=tuple(dict.fromkeys(precreate_roots)),
                 launch=launch, why=tuple(b.why))


def handler_code(handler: str) -> str | None:
    """Where a handler outside llmos lives (its top-level package or module), found
    without importing anything: it is imported only inside the worker's sandbox."""
    parts = handler.split(":")
    if len(parts) != 3 or parts[1].startswith("llmos."):
        return None
    top = parts[1].split(".")[0]
    for entry in sys.path:
        base = os.path.abspath(entry or ".")
        for cand in (os.path.join(base, top), os.path.join(base, top + ".py")):
            if os.path.isdir(cand) or os.path.isfile(cand):
                return os.path.realpath(cand)
    return None


def _package_root() -> str:
    import llmos
    return os.path.dirname(os.path.dirname(os.path.abspath(llmos.__file__)))


def _trash_grants(b: _Builder, path: str, ctx, env: dict, precreate: list, roots: list) -> None:
    """files.trash: move out of the parent; write in the trash folder (made first if missing)."""
    from llmos.tools.trash import home_trash_dir
    if not _lexists(path):
        return
    parent = _parent(path)
    if _is_dir(parent):
        b.add(parent, DELETE, "moves the path out of its folder")
        b.add(path, TREE_WRITE, "the trashed entry carries the trash folder's rights (Landlock "
                                "refuses a move that gains rights)")
    trash = home_trash_dir(ctx)
    env["HOME"] = ctx.home
    env["XDG_DATA_HOME"] = _parent(trash)       # so the worker finds the same trash folder
    trashes = [trash]
    try:
        device = os.lstat(path).st_dev
        if os.stat(nearest_existing(trash)).st_dev != device:   # another filesystem: its own trash
            top = _mount_top(path)
            admin = os.path.join(top, ".Trash")
            try:
                st = os.lstat(admin)
                if stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_ISVTX:
                    trashes.append(os.path.join(admin, str(ctx.uid)))
            except OSError:
                pass
            trashes.append(os.path.join(top, f".Trash-{ctx.uid}"))
    except OSError:
        pass
    for t in trashes:
        t = os.path.normpath(t)
        b.rules[_parent(t)] = b.rules.get(_parent(t), 0) | LIST    # opened to check the trash folder
        if _is_dir(t):
            b.add(os.path.realpath(t), TREE_WRITE, "the trash folder")
            continue
        root = nearest_existing(t)
        missing = []
        p = t
        while p != root:
            missing.append(p)
            p = _parent(p)
        for m in reversed(missing):
            if (m, 0o700) not in precreate and (m, 0o777) not in precreate:
                precreate.append((m, 0o700 if m == t else 0o777))
        if root not in roots:
            roots.append(root)
        b.rules[t] = b.rules.get(t, 0) | TREE_WRITE
        b.why.append(f"write {t}: the trash folder (made first by a sandbox that may only "
                     f"create folders in {root})")


def _mount_top(path: str) -> str:
    device = os.lstat(path).st_dev
    current = os.path.normpath(path)
    while current != "/":
        parent = _parent(current)
        if os.stat(parent).st_dev != device:
            return current
        current = parent
    return "/"


def with_self_proc(config: Config, pid: int) -> Config:
    """The worker's own /proc entries (its status for the umask, its stat for psutil)."""
    own = f"/proc/{pid}"
    return replace(config, rules=config.rules + ((own, READ),))
