"""Pure checks: rights bitmasks, the BPF program (interpreted), config validation, admin file."""

from __future__ import annotations

import errno
import os

import pytest

from kernelspace import landlock as ll
from kernelspace import seccomp as sc
from kernelspace.sandbox import Config, ConfigError, admin_degraded, prepare

EPERM, ENOSYS = sc.RET_ERRNO | errno.EPERM, sc.RET_ERRNO | errno.ENOSYS


def test_handled_fs_grows_with_abi():
    assert ll.handled_fs(0) == 0
    assert ll.handled_fs(1) & ll.FS_REFER == 0
    assert ll.handled_fs(2) & ll.FS_REFER and not ll.handled_fs(2) & ll.FS_TRUNCATE
    assert ll.handled_fs(3) & ll.FS_TRUNCATE and not ll.handled_fs(3) & ll.FS_IOCTL_DEV
    assert ll.handled_fs(7) & ll.FS_IOCTL_DEV
    assert ll.handled_net(3) == 0 and ll.handled_net(4) == ll.NET_BIND_TCP | ll.NET_CONNECT_TCP
    assert ll.handled_scope(5) == 0 and ll.handled_scope(6) == ll.SCOPE_SIGNAL | ll.SCOPE_ABSTRACT_UNIX_SOCKET
    assert ll.restrict_flags(6, True) == 0 and ll.restrict_flags(7, True) == ll.RESTRICT_SELF_LOG_NEW_EXEC_ON
    assert ll.restrict_flags(7, False) == 0


def test_file_rules_only_carry_file_rights():
    assert ll.path_rights(ll.WRITE, 7, is_dir=False) == ll.FS_READ_FILE | ll.FS_WRITE_FILE | ll.FS_TRUNCATE
    assert ll.path_rights(ll.EXECUTE, 7, is_dir=False) == ll.FS_EXECUTE | ll.FS_READ_FILE
    assert ll.path_rights(ll.WRITE, 1, is_dir=True) & (ll.FS_REFER | ll.FS_TRUNCATE) == 0


def test_grants_never_include_device_creation_or_ioctl():
    for access in (ll.READ, ll.WRITE, ll.EXECUTE):
        assert access & (ll.FS_MAKE_CHAR | ll.FS_MAKE_BLOCK | ll.FS_IOCTL_DEV) == 0
    assert ll.READ & (ll.FS_WRITE_FILE | ll.FS_EXECUTE) == 0


NR = sc.SYSCALLS


@pytest.mark.parametrize("name", sc.DENY)
def test_denied_syscalls_get_eperm(name):
    assert sc.evaluate(sc.build(), NR[name]) == EPERM


@pytest.mark.parametrize("call,args,verdict", [
    ("clone3", (), ENOSYS),
    ("clone", (0x01200011,), sc.RET_ALLOW),                 # what glibc fork() passes
    ("clone", (0x01200011 | 0x10000000,), EPERM),           # CLONE_NEWUSER
    ("clone", (0x40000000 | 0x11,), EPERM),                 # CLONE_NEWNET
    ("ioctl", (0, 0x5412), EPERM),                          # TIOCSTI
    ("ioctl", (0, 0x5412 | 1 << 32), EPERM),                # high bits ignored by the kernel
    ("ioctl", (0, 0x541C), EPERM),                          # TIOCLINUX
    ("ioctl", (0, 0x541C | 0xFFFF << 32), EPERM),
    ("ioctl", (0, 0x5413), sc.RET_ALLOW),                   # TIOCGWINSZ
    ("socket", (sc.AF_INET, 1, 0), EPERM),
    ("socket", (sc.AF_INET6, 2, 0), EPERM),
    ("socket", (sc.AF_UNIX, 1, 0), EPERM),
    ("socket", (16, 3, 0), EPERM),                          # AF_NETLINK
    ("socket", (17, 3, 0), EPERM),                          # AF_PACKET
    ("socket", (40, 1, 0), EPERM),                          # AF_VSOCK
    ("socketpair", (sc.AF_UNIX, 1, 0), sc.RET_ALLOW),
    ("socketpair", (sc.AF_INET, 1, 0), EPERM),
    ("getpid", (), sc.RET_ALLOW),
])
def test_filter_without_network(call, args, verdict):
    nr = NR.get(call, 39)
    assert sc.evaluate(sc.build(), nr, args) == verdict


@pytest.mark.parametrize("args,verdict", [
    ((sc.AF_INET, 1, 0), sc.RET_ALLOW),
    ((sc.AF_INET6, 1 | 0o4000 | 0o2000000, 6), sc.RET_ALLOW),   # SOCK_NONBLOCK|SOCK_CLOEXEC, TCP
    ((sc.AF_INET, 2, 0), EPERM),                                 # UDP: Landlock cannot limit it
    ((sc.AF_INET, 3, 1), EPERM),                                 # raw
    ((sc.AF_INET, 1, 262), EPERM),                               # MPTCP
    ((sc.AF_INET, 1, 132), EPERM),                               # SCTP stream
    ((sc.AF_INET | 1 << 32, 1, 0), sc.RET_ALLOW),                # family is an int
    ((16, 3, 0), EPERM),
])
def test_filter_with_tcp(args, verdict):
    assert sc.evaluate(sc.build(allow_tcp=True), NR["socket"], args) == verdict


def test_unix_sockets_only_when_asked():
    assert sc.evaluate(sc.build(allow_unix=True), NR["socket"], (sc.AF_UNIX, 1, 0)) == sc.RET_ALLOW


def test_other_architectures_are_killed():
    prog = sc.build()
    assert sc.evaluate(prog, 20, arch=0x40000003) == sc.RET_KILL_PROCESS      # i386
    assert sc.evaluate(prog, sc.X32_SYSCALL_BIT | 39) == sc.RET_KILL_PROCESS   # x32


@pytest.mark.parametrize("config,argv,msg", [
    (Config(rw=("tmp",)), ["true"], "absolute"),
    (Config(rw=("/tmp/../etc",)), ["true"], "normalised"),
    (Config(rw=("/",)), ["true"], "write on /"),
    (Config(ro=("/tmp",), cwd="/etc"), ["true"], "outside"),
    (Config(), ["echo", "a\0b"], "NUL"),
    (Config(), [], "non-empty"),
    (Config(tcp_connect=(70000,)), ["true"], "port"),
    (Config(rw=("/nonexistent-kernelspace",)), ["true"], "does not exist"),
    (Config(env={"A=B": "x"}), ["true"], "environment"),
])
def test_invalid_requests_are_rejected(config, argv, msg):
    with pytest.raises(ConfigError, match=msg):
        prepare(config, argv)


def test_admin_file_must_be_root_owned_and_not_writable(tmp_path):
    conf = tmp_path / "sandbox.conf"
    conf.write_text("# comment\nallow_degraded = cgroup, pidns, landlock\n")
    os.chmod(conf, 0o644)
    assert admin_degraded(str(conf)) == {"cgroup", "pidns"}   # landlock can never be waived
    os.chmod(conf, 0o666)
    assert admin_degraded(str(conf)) == frozenset()
    os.chmod(conf, 0o644)
    os.chown(conf, 65534, 65534)
    assert admin_degraded(str(conf)) == frozenset()
    assert admin_degraded(str(tmp_path / "missing")) == frozenset()
