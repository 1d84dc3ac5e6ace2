"""What each call is granted (pure: sandbox_config), address classes, and the
kernelspace options the sandbox relies on (seccomp programs evaluated without a kernel)."""

from __future__ import annotations

import errno
import os

import pytest

from kernelspace import Config, ConfigError, prepare
from kernelspace import landlock as ll
from kernelspace import seccomp as sc
from llmos.errors import SandboxError
from llmos.intents.effects import effects_of
from llmos.plan.normalise import normalise_args
from llmos.policy.types import Effect, Facts
from llmos.sandbox import grants as g
from llmos.sandbox.grants import sandbox_config
from llmos.sandbox.netguard import address_class, private_rule, resolve, NetworkRefused
from llmos.tools import Context


@pytest.fixture
def home(tmp_path):
    h = tmp_path / "home"
    (h / "docs").mkdir(parents=True)
    (h / "docs/a.txt").write_text("a")
    (h / "Downloads").mkdir()
    return h


@pytest.fixture
def grant(registry, home):
    ctx = Context(cwd=str(home), home=str(home), uid=os.getuid())

    def make(name, **args):
        intent = registry.get(name)
        args = normalise_args(intent, args, ctx.cwd, ctx.home)
        gr = sandbox_config(intent, args, effects_of(intent, args), ctx)
        return gr, dict(gr.config.rules)
    return make


def test_find_lists_and_never_reads(grant, home):
    gr, rules = grant("files.find", path=str(home / "docs"))
    assert rules[str(home / "docs")] == g.LIST and rules[str(home)] == g.LIST
    assert gr.pid_namespace and not gr.config.network and not gr.config.host_netns


def test_read_reads_the_file_and_lists_its_folder(grant, home):
    _, rules = grant("files.read", path=str(home / "docs/a.txt"))
    assert rules[str(home / "docs/a.txt")] == g.READ and rules[str(home / "docs")] == g.LIST
    assert not any(r & ~(g.READ | ll.FS_EXECUTE) for p, r in rules.items() if p.startswith(str(home)))


def test_write_to_a_new_file_writes_files_in_its_folder_only(grant, home):
    _, rules = grant("files.write", path=str(home / "docs/new.txt"), content="x")
    assert rules[str(home / "docs")] == g.FILE_WRITE
    assert not rules[str(home / "docs")] & (ll.FS_MAKE_DIR | ll.FS_MAKE_SYM | ll.FS_REFER)
    assert str(home) not in rules


def test_write_below_a_missing_folder_grants_no_ancestor(grant, home):
    _, rules = grant("files.write", path=str(home / "no/such/dir/x.txt"), content="x")
    assert not any(p.startswith(str(home)) for p in rules)


def test_mkdir_creates_folders_only(grant, home):
    _, rules = grant("files.mkdir", path=str(home / "a/b/c"))
    assert rules[str(home)] == g.MKDIR


def test_copy_into_an_existing_folder(grant, home):
    _, rules = grant("files.copy", sources=[str(home / "docs/a.txt")], destination=str(home / "Downloads"))
    assert rules[str(home / "docs/a.txt")] == g.READ and rules[str(home / "Downloads")] == g.TREE_WRITE
    assert rules[str(home)] == g.LIST and rules[str(home / "docs")] == g.LIST


def test_move_carries_the_destinations_rights(grant, home):
    _, rules = grant("files.move", sources=[str(home / "docs/a.txt")], destination=str(home / "Downloads"))
    assert rules[str(home / "docs")] == g.DELETE | g.LIST
    assert rules[str(home / "docs/a.txt")] == g.READ | g.TREE_WRITE


def test_delete_removes_and_creates_nothing(grant, home):
    _, rules = grant("files.delete", paths=[str(home / "docs/a.txt")])
    assert rules[str(home / "docs")] == g.DELETE
    assert not rules[str(home / "docs")] & (ll.FS_MAKE_REG | ll.FS_MAKE_DIR | ll.FS_WRITE_FILE)


def test_extract_builds_beside_the_destination(grant, home):
    (home / "x.zip").write_bytes(b"")
    _, rules = grant("files.extract", archive=str(home / "x.zip"), destination=str(home / "Downloads"))
    assert rules[str(home)] & g.TREE_WRITE == g.TREE_WRITE


def test_trash_makes_the_trash_folder_first(grant, home):
    gr, rules = grant("files.trash", paths=[str(home / "docs/a.txt")])
    trash = str(home / ".local/share/Trash")
    assert gr.precreate[-1] == (trash, 0o700) and gr.precreate_roots == (str(home),)
    assert rules[trash] == g.TREE_WRITE and rules[str(home / "docs")] == g.DELETE
    assert rules.get(str(home), 0) & ~g.LIST == 0            # never write on ~ itself


def test_fetch_network_is_per_host_and_port(grant, home):
    gr, rules = grant("net.fetch", url="https://example.org:8443/f", destination=str(home / "Downloads/f"))
    assert gr.hosts == ("example.org",) and gr.ports == (80, 443, 8443)
    assert not gr.config.network and not gr.config.host_netns and not gr.config.tcp_connect
    assert rules[str(home / "Downloads")] == g.FILE_WRITE
    assert any(p.startswith("/etc/ssl") for p in rules)


def test_ping_gets_icmp_only(grant):
    gr, _ = grant("net.ping", host="example.org")
    assert gr.ping == "example.org" and gr.config.icmp and gr.config.host_netns and not gr.hosts


def test_status_reads_the_host_network(grant):
    gr, rules = grant("net.status")
    assert gr.config.host_netns and gr.config.netlink_route and "/sys" in rules and "/proc" in rules


def test_processes_see_the_host_pids(grant):
    gr, rules = grant("process.list")
    assert not gr.pid_namespace and rules["/proc"] == g.READ
    assert gr.config.landlock_min_abi >= 6        # no pid namespace: signal scoping is required


def test_kill_gets_pidfds_and_its_targets_proc_files(registry, home):
    ctx = Context(cwd=str(home), home=str(home), uid=os.getuid())
    intent = registry.get("process.kill")
    pid = os.getpid()
    effects = [Effect("signal", str(pid), "pid", Facts(canonical=True, pid=pid))]
    gr = sandbox_config(intent, {"pid": pid}, effects, ctx)
    rules = dict(gr.config.rules)
    assert gr.signal_pids == (pid,) and not gr.pid_namespace
    assert gr.config.pidfd_signals_only and not gr.config.scope_signals
    assert rules[f"/proc/{pid}/status"] == ll.FS_READ_FILE and "/proc" not in rules


def test_launch_profile_keeps_secrets_out(registry, home):
    (home / ".ssh").mkdir()
    (home / ".ssh/id_rsa").write_text("k")
    (home / ".bashrc").write_text("")
    (home / ".config/llmos").mkdir(parents=True)
    (home / ".config/app").mkdir(parents=True)
    ctx = Context(cwd=str(home), home=str(home), uid=os.getuid())
    intent = registry.get("process.launch")
    args = {"command": "/bin/true"}
    rules = dict(sandbox_config(intent, args, effects_of(intent, args), ctx).config.rules)
    assert rules[str(home / "docs")] == g.TREE_WRITE and rules[str(home / ".config/app")] == g.TREE_WRITE
    for secret in (".ssh", ".ssh/id_rsa", ".bashrc", ".config/llmos", ".config", ""):
        assert str(home / secret).rstrip("/") not in rules, secret
    assert "/etc/shadow" not in rules and "/etc" not in rules


def test_unresolved_refs_and_root_writes_are_refused(registry, home):
    ctx = Context(cwd=str(home), home=str(home), uid=os.getuid())
    intent = registry.get("files.write")
    with pytest.raises(SandboxError, match="not resolved"):
        sandbox_config(intent, {}, [Effect("write", "<unresolved>", "path")], ctx)
    with pytest.raises(SandboxError, match="directly in /") as e:
        sandbox_config(intent, {"path": "/x"}, [Effect("write", "/x", "path")], ctx)
    assert e.value.mechanism == "grants"


def test_grants_follow_the_canonical_path_not_the_link(registry, home, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, home / "link")
    ctx = Context(cwd=str(home), home=str(home), uid=os.getuid())
    intent = registry.get("files.write")
    args = {"path": str(home / "link/new.txt"), "content": "x"}
    rules = dict(sandbox_config(intent, args, effects_of(intent, args), ctx).config.rules)
    assert rules[str(outside)] == g.FILE_WRITE and str(home / "link") not in rules


# --------------------------------------------------------------------------- addresses

@pytest.mark.parametrize("address,cls", [
    ("8.8.8.8", None), ("2606:4700:4700::1111", None),
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"), ("::127.0.0.1", "loopback"),
    ("64:ff9b::7f00:1", "loopback"), ("2002:7f00:1::", "loopback"),
    ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("192.168.1.1", "private"),
    ("fd12:3456::1", "private"), ("169.254.1.1", "link-local"), ("fe80::1", "link-local"),
    ("100.64.0.1", "carrier-grade NAT (shared)"), ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("169.254.169.254", "cloud metadata"), ("fd00:ec2::254", "cloud metadata"),
    ("::ffff:169.254.169.254", "cloud metadata"), ("192.0.2.1", "private"),
])
def test_address_classes(address, cls):
    assert address_class(address) == cls


def test_private_rule_forms():
    assert private_rule(None)("localhost") is False
    assert private_rule(["LocalHost."])("localhost") is True
    assert private_rule(True)("anything") is True
    assert private_rule(lambda h: h == "printer.lan")("printer.lan") is True


def test_resolve_refuses_names_that_resolve_to_loopback():
    with pytest.raises(NetworkRefused, match="resolves to"):
        resolve("localhost", 80, allow_private=False)
    assert resolve("localhost", 80, allow_private=True)


# --------------------------------------------------------------------------- kernelspace options

EPERM = sc.RET_ERRNO | errno.EPERM
NR = sc.SYSCALLS


@pytest.mark.parametrize("args,verdict", [
    ((sc.AF_INET, 2, 1), sc.RET_ALLOW),           # ICMP datagram (ping socket)
    ((sc.AF_INET6, 2 | 0o2000000, 58), sc.RET_ALLOW),
    ((sc.AF_INET, 2, 0), EPERM),                  # UDP: never
    ((sc.AF_INET, 2, 17), EPERM),
    ((sc.AF_INET, 3, 1), EPERM),                  # raw ICMP
    ((sc.AF_INET, 1, 0), EPERM),                  # TCP not granted
    ((sc.AF_INET6, 2, 1), EPERM),                 # ICMPv4 protocol on an IPv6 socket
])
def test_icmp_sockets_only(args, verdict):
    assert sc.evaluate(sc.build(allow_icmp=True), NR["socket"], args) == verdict


def test_netlink_route_only():
    prog = sc.build(allow_netlink_route=True)
    assert sc.evaluate(prog, NR["socket"], (sc.AF_NETLINK, 3, 0)) == sc.RET_ALLOW
    assert sc.evaluate(prog, NR["socket"], (sc.AF_NETLINK, 3, 9)) == EPERM       # audit
    assert sc.evaluate(prog, NR["socket"], (sc.AF_NETLINK, 3, 4)) == EPERM       # sock_diag
    assert sc.evaluate(prog, NR["socket"], (sc.AF_INET, 2, 0)) == EPERM


@pytest.mark.parametrize("call,args", [
    ("kill", (1, 9)), ("tkill", (1, 9)), ("tgkill", (1, 1, 9)), ("rt_sigqueueinfo", (1, 9, 0)),
    ("rt_tgsigqueueinfo", (1, 1, 9, 0)), ("pidfd_open", (1, 0)),
    ("fcntl", (3, sc.F_SETOWN)), ("fcntl", (3, sc.F_SETOWN_EX)), ("fcntl", (3, sc.F_SETSIG | 1 << 32)),
    ("ioctl", (3, sc.FIOSETOWN)), ("ioctl", (3, sc.SIOCSPGRP)),
])
def test_pidfd_only_signalling(call, args):
    assert sc.evaluate(sc.build(pidfd_signals_only=True), NR[call], args) == EPERM
    assert sc.evaluate(sc.build(), NR[call], args) == sc.RET_ALLOW


def test_pidfd_only_keeps_ordinary_fcntl():
    assert sc.evaluate(sc.build(pidfd_signals_only=True), NR["fcntl"], (3, 2)) == sc.RET_ALLOW   # F_SETFD


def test_config_rules_and_signal_scope_are_checked(tmp_path):
    with pytest.raises(ConfigError, match="device"):
        prepare(Config(rules=((str(tmp_path), ll.FS_MAKE_CHAR),)), None)
    with pytest.raises(ConfigError, match="write on /"):
        prepare(Config(rules=(("/", ll.FS_WRITE_FILE),)), None)
    with pytest.raises(ConfigError, match="pidfd_signals_only"):
        prepare(Config(scope_signals=False), None)
    prepare(Config(rules=(("/", ll.READ),), scope_signals=False, pidfd_signals_only=True), None).close()


def _in_confined_child(config, fn) -> str:
    """Run ``fn`` in a forked child confined by ``config``; its return value as text."""
    from kernelspace import confine
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            confine(config, keep_fds=(w,))
            os.write(w, str(fn()).encode())
        finally:
            os._exit(0)
    os.close(w)
    out = os.read(r, 4096).decode()
    os.close(r)
    os.waitpid(pid, 0)
    return out


def test_icmp_grant_is_ping_sockets_and_not_udp():
    import socket

    def attempt():
        out = []
        for kind, proto in ((socket.SOCK_DGRAM, socket.IPPROTO_ICMP), (socket.SOCK_DGRAM, 0)):
            try:
                socket.socket(socket.AF_INET, kind, proto).close()
                out.append("ok")
            except OSError as e:
                out.append(errno.errorcode[e.errno])
        return ",".join(out)
    icmp, udp = _in_confined_child(Config(icmp=True, host_netns=True, user=0), attempt).split(",")
    assert udp == "EPERM"
    assert icmp in ("ok", "EACCES")           # EACCES: net.ipv4.ping_group_range excludes the group
    assert _in_confined_child(Config(user=0), attempt) == "EPERM,EPERM"
