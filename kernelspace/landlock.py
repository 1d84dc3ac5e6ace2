"""Landlock through ctypes: ABI detection, rights bitmasks, one ``apply``.

The rights computations are pure functions over an ABI number so they can be
unit-tested without touching the kernel; only ``create_ruleset``/``apply``
make syscalls.  Constants are from include/uapi/linux/landlock.h (6.15+).
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
from dataclasses import dataclass

# x86_64 syscall numbers (the same on every arch that has Landlock except alpha).
SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446

CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2

# Filesystem rights, with the ABI that introduced them.
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13        # ABI 2: rename/link across directories
FS_TRUNCATE = 1 << 14     # ABI 3: before it, truncate(2) was not controlled
FS_IOCTL_DEV = 1 << 15    # ABI 5: ioctl on device files opened after restriction

NET_BIND_TCP = 1 << 0     # ABI 4 (TCP only: UDP is never controlled up to ABI 7)
NET_CONNECT_TCP = 1 << 1

SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6: no connect to abstract sockets outside the domain
SCOPE_SIGNAL = 1 << 1                # ABI 6: no signals to processes outside the domain

# ABI 7: denial logging (audit).  By default only denials before the next exec
# are logged; NEW_EXEC_ON also logs what the exec'd program is denied.
RESTRICT_SELF_LOG_SAME_EXEC_OFF = 1 << 0
RESTRICT_SELF_LOG_NEW_EXEC_ON = 1 << 1
RESTRICT_SELF_LOG_SUBDOMAINS_OFF = 1 << 2

_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}
# Rights meaningful on a non-directory; Landlock rejects others on a file rule (EINVAL).
FS_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV

READ = FS_READ_FILE | FS_READ_DIR
# Rights Config.rules may never carry: device nodes and device ioctls.
NEVER_GRANTED = FS_MAKE_CHAR | FS_MAKE_BLOCK | FS_IOCTL_DEV
EXECUTE = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR   # ld.so must read what it maps
# Write beneath a directory: create, remove, rename within the grant.  Device
# nodes are never created (MAKE_CHAR/MAKE_BLOCK stay denied) and IOCTL_DEV is
# never granted: ioctls on devices opened inside the sandbox are refused.
WRITE = (READ | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_DIR | FS_MAKE_REG
         | FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_SYM | FS_REFER | FS_TRUNCATE)


class LandlockError(OSError):
    """A Landlock syscall failed; ``mechanism`` names what was being set up."""


def handled_fs(abi: int) -> int:
    """Every filesystem right the kernel of ``abi`` understands (all are denied unless granted)."""
    if abi < 1:
        return 0
    return _FS_BY_ABI.get(abi, (1 << 16) - 1)


def handled_net(abi: int) -> int:
    return NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0


def handled_scope(abi: int) -> int:
    return SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0


def restrict_flags(abi: int, log_denials: bool) -> int:
    """Flags for landlock_restrict_self: ABI 7 can log the exec'd program's denials."""
    if abi >= 7 and log_denials:
        return RESTRICT_SELF_LOG_NEW_EXEC_ON
    return 0


def path_rights(access: int, abi: int, is_dir: bool) -> int:
    """Mask ``access`` to what the ABI handles and what the inode type accepts."""
    rights = access & handled_fs(abi)
    return rights if is_dir else rights & FS_FILE_RIGHTS


_libc = ctypes.CDLL(None, use_errno=True)
_syscall = _libc.syscall
_syscall.restype = ctypes.c_long


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64),
                ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # the uapi struct is __attribute__((packed))
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _NetPortAttr(ctypes.Structure):
    _fields_ = [("allowed_access", ctypes.c_uint64), ("port", ctypes.c_uint64)]


def abi_version() -> int:
    """The running kernel's Landlock ABI, 0 when Landlock is absent or disabled."""
    r = _syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    return r if r > 0 else 0


@dataclass(frozen=True)
class Rule:
    path: str
    access: int   # READ, WRITE or EXECUTE (or a union)


def _check(r: int, what: str) -> int:
    if r < 0:
        e = ctypes.get_errno()
        raise LandlockError(e, f"{what}: {os.strerror(e)}")
    return r


def create_ruleset(rules: list[Rule], abi: int, *, tcp_connect: tuple[int, ...] = (),
                   tcp_bind: tuple[int, ...] = (), scope: bool | int = True) -> int:
    """Build a ruleset fd (O_CLOEXEC) holding ``rules``; the caller restricts with it.

    Building it does not restrict anything, so a parent can prepare it and a
    forked child only calls ``restrict(fd)``.  Missing paths raise FileNotFoundError.
    ``scope`` is True (every scope the ABI has), False, or a mask of SCOPE_* bits.
    """
    scoped = handled_scope(abi) if scope is True else (int(scope) & handled_scope(abi) if scope else 0)
    attr = _RulesetAttr(handled_fs(abi), handled_net(abi), scoped)
    if (tcp_connect or tcp_bind) and not attr.handled_access_net:
        raise LandlockError(errno.EOPNOTSUPP, f"TCP port rules need Landlock ABI 4, kernel has {abi}")
    # Older kernels reject a larger struct with unknown non-zero fields (E2BIG); pass only what they know.
    size = 8 if abi < 4 else (16 if abi < 6 else ctypes.sizeof(attr))
    fd = _check(_syscall(SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                         ctypes.c_uint32(0)), "landlock_create_ruleset")
    merged: dict[tuple[int, int], list] = {}  # (dev, ino) -> [path fd, path, access, is_dir]
    try:
        for rule in rules:
            pfd = os.open(rule.path, os.O_PATH | os.O_CLOEXEC)
            st = os.fstat(pfd)
            key = (st.st_dev, st.st_ino)  # /bin and /usr/bin are one inode: one rule, union of rights
            if key in merged:
                os.close(pfd)
                merged[key][2] |= rule.access
            else:
                merged[key] = [pfd, rule.path, rule.access, stat.S_ISDIR(st.st_mode)]
        for pfd, path, acc, is_dir in merged.values():
            rights = path_rights(acc, abi, is_dir)
            if rights:
                pb = _PathBeneathAttr(rights, pfd)
                _check(_syscall(SYS_ADD_RULE, ctypes.c_int(fd), ctypes.c_int(RULE_PATH_BENEATH),
                                ctypes.byref(pb), ctypes.c_uint32(0)), f"landlock_add_rule({path})")
        for ports, right in ((tcp_connect, NET_CONNECT_TCP), (tcp_bind, NET_BIND_TCP)):
            for port in ports:
                np_ = _NetPortAttr(right, port)
                _check(_syscall(SYS_ADD_RULE, ctypes.c_int(fd), ctypes.c_int(RULE_NET_PORT),
                                ctypes.byref(np_), ctypes.c_uint32(0)), f"landlock_add_rule(tcp:{port})")
    except BaseException:
        os.close(fd)
        raise
    finally:  # path fds are only needed while adding rules
        for pfd, *_ in merged.values():
            os.close(pfd)
    return fd


def restrict(ruleset_fd: int, flags: int = 0) -> None:
    """Enforce the ruleset on the calling thread (needs no_new_privs or CAP_SYS_ADMIN)."""
    _check(_syscall(SYS_RESTRICT_SELF, ctypes.c_int(ruleset_fd), ctypes.c_uint32(flags)),
           "landlock_restrict_self")


def apply(rules: list[Rule], abi: int | None = None, *, tcp_connect: tuple[int, ...] = (),
          tcp_bind: tuple[int, ...] = (), scope: bool = True, log_denials: bool = True) -> None:
    """Restrict the current process to ``rules`` (irreversible; no_new_privs must be set)."""
    abi = abi_version() if abi is None else abi
    fd = create_ruleset(rules, abi, tcp_connect=tcp_connect, tcp_bind=tcp_bind, scope=scope)
    try:
        restrict(fd, restrict_flags(abi, log_denials))
    finally:
        os.close(fd)
