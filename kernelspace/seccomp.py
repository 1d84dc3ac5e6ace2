"""A seccomp-BPF deny-list written as classic BPF: no libseccomp needed.

``build()`` is a pure function returning the program bytes; ``evaluate()``
interprets it for a given syscall (unit tests, no kernel); ``Filter.load()`` is
the only kernel call.  x86_64 only: any other audit arch (i386 ``int 0x80``)
and x32 syscall numbers kill the process, because their numbers differ and a
deny-list keyed on x86_64 numbers would not match them.
"""

from __future__ import annotations

import ctypes
import errno
import struct

AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000

RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
RET_ALLOW = 0x7FFF0000

# Classic BPF opcodes.
LD_W_ABS = 0x20
JEQ_K, JGE_K, JSET_K = 0x15, 0x35, 0x45
AND_K = 0x54
RET_K = 0x06

# struct seccomp_data offsets: nr, arch, ip, args[6] (each 64-bit; low word first on x86_64).
OFF_NR, OFF_ARCH = 0, 4


def _arg_lo(i: int) -> int:
    return 16 + 8 * i


# x86_64 numbers from asm/unistd_64.h.
SYSCALLS = {
    "ioctl": 16, "socket": 41, "socketpair": 53, "clone": 56, "ptrace": 101, "syslog": 103,
    "pivot_root": 155, "chroot": 161, "acct": 163, "mount": 165, "umount2": 166,
    "swapon": 167, "swapoff": 168, "reboot": 169, "init_module": 175, "delete_module": 176,
    "kexec_load": 246, "add_key": 248, "request_key": 249, "keyctl": 250, "unshare": 272,
    "perf_event_open": 298, "open_by_handle_at": 304, "setns": 308, "process_vm_readv": 310,
    "process_vm_writev": 311, "finit_module": 313, "kexec_file_load": 320, "bpf": 321,
    "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
    "fspick": 433, "clone3": 435, "pidfd_getfd": 438, "process_madvise": 440,
    "mount_setattr": 442, "open_tree_attr": 467,
    # signalling (denied with pidfd_signals_only)
    "kill": 62, "fcntl": 72, "rt_sigqueueinfo": 129, "tkill": 200, "tgkill": 234,
    "rt_tgsigqueueinfo": 297, "pidfd_open": 434,
}

# Refused with EPERM whatever their arguments.
DENY = (
    # mounts (old and new mount API) and namespaces: the §0 escape was a umount/remount
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "open_tree", "open_tree_attr", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick",
    "mount_setattr",
    # reaching into other processes
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "process_madvise",
    # large kernel attack surface
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    # io_uring performs socket/open/connect without the syscalls this filter checks
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "open_by_handle_at", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module",
    "reboot", "swapon", "swapoff", "acct", "syslog",
)

CLONE_NS_FLAGS = (0x00020000 | 0x02000000 | 0x04000000 | 0x08000000   # NEWNS CGROUP UTS IPC
                  | 0x10000000 | 0x20000000 | 0x40000000)             # NEWUSER NEWPID NEWNET
TIOCSTI, TIOCLINUX = 0x5412, 0x541C
AF_UNIX, AF_INET, AF_INET6, AF_NETLINK = 1, 2, 10, 16
SOCK_STREAM, SOCK_DGRAM, SOCK_TYPE_MASK = 1, 2, 0xF
IPPROTO_IP, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_ICMPV6 = 0, 1, 6, 58
NETLINK_ROUTE = 0
# With pidfd_signals_only: every way to signal another process by number, and
# the ways to make the kernel signal one (SIGIO/SIGURG owners), are refused.
SIGNAL_SYSCALLS = ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open")
F_SETOWN, F_SETSIG, F_SETOWN_EX = 8, 10, 15
FIOSETOWN, SIOCSPGRP = 0x8901, 0x8902


def build(*, allow_tcp: bool = False, allow_unix: bool = False, allow_icmp: bool = False,
          allow_netlink_route: bool = False, pidfd_signals_only: bool = False) -> bytes:
    """The filter program.  ``allow_tcp`` permits AF_INET/AF_INET6 stream sockets
    with protocol 0 or TCP only (never UDP, raw, SCTP or MPTCP: Landlock ≤ ABI 7
    controls TCP ports only).  ``allow_unix`` permits socket(AF_UNIX); without it
    only socketpair(AF_UNIX) works, so no path or abstract socket can be reached.
    ``allow_icmp`` permits ICMP datagram ("ping") sockets only: AF_INET/SOCK_DGRAM/
    IPPROTO_ICMP and AF_INET6/SOCK_DGRAM/IPPROTO_ICMPV6, never UDP.
    ``allow_netlink_route`` permits AF_NETLINK sockets of protocol NETLINK_ROUTE
    (interface and address dumps; changing anything needs CAP_NET_ADMIN).
    ``pidfd_signals_only`` refuses kill, tkill, tgkill, rt_(tg)sigqueueinfo and
    pidfd_open, and F_SETOWN/F_SETOWN_EX/F_SETSIG and FIOSETOWN/SIOCSPGRP: the process
    can signal only through pidfds it was given.
    """
    eperm = RET_ERRNO | errno.EPERM
    prog: list[tuple] = []   # (code, jt_label, jf_label, k) or (label,)

    def ins(code, k, jt=None, jf=None):
        prog.append((code, jt, jf, k))

    def label(name):
        prog.append((name,))

    ins(LD_W_ABS, OFF_ARCH)
    ins(JEQ_K, AUDIT_ARCH_X86_64, None, "kill")
    ins(LD_W_ABS, OFF_NR)
    ins(JGE_K, X32_SYSCALL_BIT, "kill", None)
    for name in DENY + (SIGNAL_SYSCALLS if pidfd_signals_only else ()):
        ins(JEQ_K, SYSCALLS[name], "eperm", None)
    ins(JEQ_K, SYSCALLS["clone3"], "enosys", None)  # flags live in memory; glibc falls back to clone
    ins(JEQ_K, SYSCALLS["clone"], "clone", None)
    ins(JEQ_K, SYSCALLS["ioctl"], "ioctl", None)
    ins(JEQ_K, SYSCALLS["socket"], "socket", None)
    ins(JEQ_K, SYSCALLS["socketpair"], "socketpair", None)
    if pidfd_signals_only:
        ins(JEQ_K, SYSCALLS["fcntl"], "fcntl", None)
    ins(RET_K, RET_ALLOW)
    label("clone")
    ins(LD_W_ABS, _arg_lo(0))
    ins(JSET_K, CLONE_NS_FLAGS, "eperm", "allow")
    # The kernel takes ioctl's cmd as unsigned int: compare the low 32 bits only,
    # so cmd | 1<<32 cannot slip past (CVE-2019-10063).
    label("ioctl")
    ins(LD_W_ABS, _arg_lo(1))
    ins(JEQ_K, TIOCSTI, "eperm", None)
    if pidfd_signals_only:
        ins(JEQ_K, FIOSETOWN, "eperm", None)
        ins(JEQ_K, SIOCSPGRP, "eperm", None)
    ins(JEQ_K, TIOCLINUX, "eperm", "allow")
    if pidfd_signals_only:
        label("fcntl")   # cmd is an unsigned int as well
        ins(LD_W_ABS, _arg_lo(1))
        ins(JEQ_K, F_SETOWN, "eperm", None)
        ins(JEQ_K, F_SETOWN_EX, "eperm", None)
        ins(JEQ_K, F_SETSIG, "eperm", "allow")
    label("socket")   # family and type are ints: the low word is what the kernel uses
    ins(LD_W_ABS, _arg_lo(0))
    ins(JEQ_K, AF_UNIX, "allow" if allow_unix else "eperm", None)
    if allow_netlink_route:
        ins(JEQ_K, AF_NETLINK, "netlink", None)
    if allow_tcp or allow_icmp:
        ins(JEQ_K, AF_INET, "inet", None)
        ins(JEQ_K, AF_INET6, "inet6", "eperm")
        for fam, icmp_proto in (("inet", IPPROTO_ICMP), ("inet6", IPPROTO_ICMPV6)):
            label(fam)
            ins(LD_W_ABS, _arg_lo(1))
            ins(AND_K, SOCK_TYPE_MASK)   # strip SOCK_NONBLOCK / SOCK_CLOEXEC
            if allow_tcp:
                ins(JEQ_K, SOCK_STREAM, "tcp", None)
            if allow_icmp:
                ins(JEQ_K, SOCK_DGRAM, None, "eperm")
                ins(LD_W_ABS, _arg_lo(2))
                ins(JEQ_K, icmp_proto, "allow", "eperm")
            else:
                ins(RET_K, eperm)
        if allow_tcp:
            label("tcp")
            ins(LD_W_ABS, _arg_lo(2))
            ins(JEQ_K, IPPROTO_IP, "allow", None)
            ins(JEQ_K, IPPROTO_TCP, "allow", "eperm")
    else:
        ins(RET_K, eperm)
    if allow_netlink_route:
        label("netlink")
        ins(LD_W_ABS, _arg_lo(2))
        ins(JEQ_K, NETLINK_ROUTE, "allow", "eperm")
    label("socketpair")
    ins(LD_W_ABS, _arg_lo(0))
    ins(JEQ_K, AF_UNIX, "allow", "eperm")
    # Classic BPF jumps only forward: the shared verdicts come last.
    label("allow"); ins(RET_K, RET_ALLOW)
    label("eperm"); ins(RET_K, eperm)
    label("enosys"); ins(RET_K, RET_ERRNO | errno.ENOSYS)
    label("kill"); ins(RET_K, RET_KILL_PROCESS)

    # Resolve labels into relative jump offsets.
    where, pc = {}, 0
    for item in prog:
        if len(item) == 1:
            where[item[0]] = pc
        else:
            pc += 1
    out, pc = bytearray(), 0
    for item in prog:
        if len(item) == 1:
            continue
        code, jt, jf, k = item
        off = lambda lab: 0 if lab is None else where[lab] - pc - 1  # noqa: E731
        t, f = off(jt), off(jf)
        if not (0 <= t <= 255 and 0 <= f <= 255):
            raise ValueError("seccomp program jump out of range")
        out += struct.pack("<HBBI", code, t, f, k)
        pc += 1
    return bytes(out)


def evaluate(prog: bytes, nr: int, args: tuple[int, ...] = (), arch: int = AUDIT_ARCH_X86_64) -> int:
    """Run ``prog`` on a synthetic seccomp_data (pure; for tests)."""
    args = tuple(args) + (0,) * (6 - len(args))
    data = struct.pack("<iIQ6Q", nr, arch, 0, *(a & (2**64 - 1) for a in args))
    insns = [struct.unpack_from("<HBBI", prog, i) for i in range(0, len(prog), 8)]
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = insns[pc]
        pc += 1
        if code == LD_W_ABS:
            acc = struct.unpack_from("<I", data, k)[0]
        elif code == AND_K:
            acc &= k
        elif code == RET_K:
            return k
        else:
            cond = {JEQ_K: acc == k, JGE_K: acc >= k, JSET_K: bool(acc & k)}[code]
            pc += jt if cond else jf


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


_libc = ctypes.CDLL(None, use_errno=True)
SYS_SECCOMP, SECCOMP_SET_MODE_FILTER = 317, 1
PR_SET_NO_NEW_PRIVS = 38


class Filter:
    """A built program held in C memory so a forked child only makes the syscall."""

    def __init__(self, prog: bytes) -> None:
        self._buf = ctypes.create_string_buffer(prog, len(prog))
        self._fprog = _SockFprog(len(prog) // 8, ctypes.addressof(self._buf))

    def load(self) -> None:
        """Install on the calling thread.  Requires no_new_privs (set here) or CAP_SYS_ADMIN."""
        if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "prctl(PR_SET_NO_NEW_PRIVS)")
        if _libc.syscall(SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, 0, ctypes.byref(self._fprog)) != 0:
            e = ctypes.get_errno()
            raise OSError(e, f"seccomp(SET_MODE_FILTER): {__import__('os').strerror(e)}")
