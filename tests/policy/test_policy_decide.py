"""Table-driven decisions over the shipped defaults, pure (hand-made facts) and on real files."""

from __future__ import annotations

import os
import time

import pytest

from llmos.policy import (ALLOW, ASK, DENY, Effect, Facts, Principal, canonical_effects, decide,
                          default_rules, current_principal)

RULES = default_rules()
U = Principal(uid=1000, user="u", home="/home/u", session="s1")
C = Facts(canonical=True)
WR = Facts(canonical=True, world_readable=True)


def sig(pid, owner=1000, daemon=False):
    return Effect("signal", str(pid), "pid", Facts(canonical=True, pid=pid, owner_uid=owner,
                                                   is_daemon=daemon))


# (effect, verdict, rule, grantable)
TABLE = [
    # reads
    (Effect("read", "/home/u/notes.txt", "path", C), ALLOW, "default:read-home", True),
    (Effect("read", "/home/u", "path", C), ALLOW, "default:read-home", True),
    (Effect("read", "/tmp/x", "path", C), ALLOW, "default:read-tmp", True),
    (Effect("read", "/var/tmp/x", "path", C), ALLOW, "default:read-tmp", True),
    (Effect("read", "/usr/share/doc/x", "path", WR), ALLOW, "default:read-world-readable", True),
    (Effect("read", "/var/lib/private/x", "path", C), ASK, "default:read-elsewhere", True),
    (Effect("read", "/home/u/.sshfoo", "path", C), ALLOW, "default:read-home", True),
    # secrets: denied even to read, even when the file itself is world-readable
    (Effect("read", "/home/u/.ssh/id_rsa", "path", C), DENY, "default:secrets", True),
    (Effect("read", "/home/u/.ssh/id_rsa.pub", "path", WR), DENY, "default:secrets", True),
    (Effect("read", "/home/u/.ssh", "path", C), DENY, "default:secrets", True),
    (Effect("read", "/home/u/.gnupg/private-keys-v1.d/k", "path", C), DENY, "default:secrets", True),
    (Effect("read", "/home/u/.local/share/keyrings/login.keyring", "path", C), DENY,
     "default:secrets", True),
    (Effect("read", "/home/u/.password-store/bank.gpg", "path", C), DENY, "default:secrets", True),
    (Effect("read", "/home/u/.aws/credentials", "path", C), DENY, "default:secrets", True),
    (Effect("read", "/home/u/.kube/config", "path", C), DENY, "default:secrets", True),
    (Effect("read", "/home/u/.netrc", "path", C), DENY, "default:secrets", True),
    (Effect("read", "/home/u/.docker/config.json", "path", C), DENY, "default:secrets", True),
    (Effect("read", "/home/u/.mozilla/firefox/x.default/key4.db", "path", C), DENY,
     "default:secrets", True),
    (Effect("read", "/home/u/.config/google-chrome/Default/Cookies", "path", C), DENY,
     "default:secrets", True),
    (Effect("read", "/home/u/.config/chromium/Default/Login Data", "path", C), DENY,
     "default:secrets", True),
    (Effect("read", "/home/u/.config/llmos/policy.yaml", "path", C), DENY, "default:llmos-own",
     True),
    (Effect("read", "/home/u/.local/state/llmos/audit.jsonl", "path", C), DENY,
     "default:llmos-own", True),
    (Effect("read", "/etc/shadow", "path", C), DENY, "default:system-secrets", True),
    (Effect("read", "/etc/gshadow", "path", C), DENY, "default:system-secrets", True),
    (Effect("read", "/etc/sudoers", "path", C), DENY, "default:system-secrets", True),
    (Effect("read", "/etc/sudoers.d/90-cloud", "path", C), DENY, "default:system-secrets", True),
    (Effect("read", "/proc/1/environ", "path", C), DENY, "default:system-secrets", True),
    # writes and deletes
    (Effect("write", "/home/u/notes.txt", "path", C), ASK, "default:write-home", True),
    (Effect("write", "/tmp/out", "path", C), ASK, "default:write-tmp", True),
    (Effect("write", "/etc/hosts", "path", C), DENY, "default:write-elsewhere", True),
    (Effect("write", "/usr/local/bin/x", "path", C), DENY, "default:write-elsewhere", True),
    (Effect("write", "/home/u/.ssh/authorized_keys", "path", C), DENY, "default:secrets", True),
    (Effect("write", "/home/u/.bashrc", "path", C), ASK, "default:persistence", False),
    (Effect("write", "/home/u/.config/autostart/x.desktop", "path", C), ASK,
     "default:persistence", False),
    (Effect("delete", "/home/u/old.txt", "paths", C), ASK, "default:delete", False),
    (Effect("delete", "/tmp/old", "paths", C), ASK, "default:delete", False),
    (Effect("delete", "/etc/passwd", "paths", C), DENY, "default:write-elsewhere", True),
    (Effect("delete", "/home/u/.gnupg", "paths", C), DENY, "default:secrets", True),
    # programs and hosts
    (Effect("exec", "/usr/bin/firefox", "command", C), ASK, "default:exec", True),
    (Effect("exec", "/usr/bin/sudo", "command", C), DENY, "default:exec-escalation", True),
    (Effect("exec", "/usr/bin/pkexec", "command", C), DENY, "default:exec-escalation", True),
    (Effect("network", "example.com", "url"), ASK, "default:network", True),
    (Effect("network", "https://Example.COM./x?y", "url"), ASK, "default:network", True),
    (Effect("network", "127.0.0.1", "host"), DENY, "default:network-local", True),
    (Effect("network", "localhost", "host"), DENY, "default:network-local", True),
    (Effect("network", "169.254.169.254", "host"), DENY, "default:network-local", True),
    (Effect("network", "10.1.2.3", "host"), DENY, "default:network-local", True),
    (Effect("network", "[::ffff:127.0.0.1]", "host"), DENY, "default:network-local", True),
    (Effect("network", "metadata.google.internal", "host"), DENY, "default:network-local", True),
    (Effect("network", "evil\0.ok.com", "host"), DENY, "builtin:bad-host", True),
    (Effect("network", "ok.com@evil", "host"), DENY, "builtin:bad-host", True),
    (Effect("network", "http://ok.com@evil/", "url"), DENY, "builtin:bad-host", True),
    # signals
    (sig(4242), ASK, "default:signal", False),
    (sig(1, owner=0), DENY, "default:signal-init", True),
    (sig(4243, owner=0), DENY, "default:signal-other-user", True),
    (sig(4244, daemon=True), DENY, "default:signal-daemon", True),
    (sig(-1), DENY, "default:signal-broadcast", True),
    (sig(0), DENY, "default:signal-broadcast", True),
    (Effect("signal", "nosuch", "name", Facts(canonical=True, pid=None)), DENY,
     "default:signal-missing", True),
    # reading system state, desktop
    (Effect("system", "processes"), ALLOW, "default:system", True),
    (Effect("system", "logs"), ALLOW, "default:system", True),
    (Effect("desktop", "notify"), ALLOW, "default:desktop", True),
    # protocol violations fail closed
    (Effect("read", "/home/u/notes.txt", "path"), DENY, "builtin:not-canonical", True),
    (Effect("signal", "4242", "pid"), DENY, "builtin:not-canonical", True),
    (Effect("read", "notes.txt", "path", C), DENY, "builtin:relative-path", True),
    (Effect("teleport", "mars"), DENY, "builtin:unknown-kind", True),
    (Effect("read", "<unresolved>", "path"), ASK, "builtin:unresolved", False),
]


@pytest.mark.parametrize("effect,verdict,rule,grantable", TABLE,
                         ids=[f"{e.kind}:{e.target}" for e, *_ in TABLE])
def test_default_decisions(effect, verdict, rule, grantable):
    decision = decide(U, "test.intent", {}, [effect], RULES, [])
    assert (decision.verdict, decision.rule) == (verdict, rule), decision.reason
    assert decision.details[0].grantable is grantable
    assert decision.reason  # always a reason for a person


def test_xdg_state_home_elsewhere_is_still_llmos_own():
    p = Principal(uid=1000, user="u", home="/home/u", state_home="/srv/state/u")
    d = decide(p, "files.read", {}, [Effect("read", "/srv/state/u/llmos/grants.json", "path", C)],
               RULES, [])
    assert (d.verdict, d.rule) == (DENY, "default:llmos-own")


@pytest.mark.parametrize("effects,verdict,rule", [
    # deny beats ask beats allow over the effects of one call
    ([Effect("read", "/home/u/a", "p", C), Effect("write", "/etc/x", "p", C)], DENY,
     "default:write-elsewhere"),
    ([Effect("read", "/home/u/a", "p", C), Effect("write", "/home/u/b", "p", C)], ASK,
     "default:write-home"),
    ([Effect("read", "/home/u/a", "p", C), Effect("read", "/tmp/b", "p", C)], ALLOW,
     "default:read-home"),
    # the plan "copy ~/.ssh/id_rsa to /tmp"
    ([Effect("read", "/home/u/.ssh/id_rsa", "sources", C), Effect("write", "/tmp", "destination", C)],
     DENY, "default:secrets"),
    ([], ALLOW, "builtin:no-effects"),
])
def test_call_combines_effects(effects, verdict, rule):
    d = decide(U, "files.copy", {}, effects, RULES, [])
    assert (d.verdict, d.rule) == (verdict, rule)


@pytest.mark.parametrize("target, verdict, rule", [
    # deleting a folder deletes what is in it: home holds ~/.ssh, ~/.config holds llmos's rules
    ("/home/u", DENY, "default:secrets"),
    ("/home/u/.config", DENY, "default:secrets"),
    ("/home/u/.local", DENY, "default:secrets"),
    ("/proc", DENY, "default:write-elsewhere"),
    # a folder that holds nothing a rule protects is an ordinary delete
    ("/home/u/Documents", ASK, "default:delete"),
    ("/home/u/.sshfoo", ASK, "default:delete"),
])
def test_deleting_a_folder_is_judged_by_what_it_holds(target, verdict, rule):
    d = decide(U, "files.delete", {}, [Effect("delete", target, "paths", C)], RULES, [])
    assert (d.verdict, d.rule) == (verdict, rule), d.reason
    # writing into it is not deleting it: copying a file into home stays an ordinary write
    w = decide(U, "files.copy", {}, [Effect("write", target, "destination", C)], RULES, [])
    assert w.rule != "default:secrets"


def test_destructive_intents_ask_every_time_even_without_effects():
    d = decide(U, "process.kill", {"pid": 5}, [], RULES, [])
    assert (d.verdict, d.rule) == (ASK, "default:destructive")
    assert not d.asks[0].grantable


def test_destructive_hint_turns_an_allow_into_ask_but_never_loosens():
    d = decide(U, "x.y", {}, [Effect("read", "/home/u/a", "p", C)], RULES, [],
               annotations={"destructiveHint": True})
    assert (d.verdict, d.rule) == (ASK, "annotation:destructiveHint")
    d = decide(U, "x.y", {}, [Effect("write", "/etc/a", "p", C)], RULES, [],
               annotations={"destructiveHint": False})
    assert d.verdict == DENY


def test_decide_is_pure_and_repeatable():
    effects = [e for e, *_ in TABLE]
    first = decide(U, "t", {}, effects, RULES, [])
    assert decide(U, "t", {}, effects, RULES, []) == first


# --- real files: canonicalisation closes symlink and ".." tricks -----------------------

@pytest.fixture
def secrets_home(home):
    (home / ".ssh").mkdir(mode=0o700)
    key = home / ".ssh" / "id_rsa"
    key.write_text("-----BEGIN FAKE KEY-----\n")
    key.chmod(0o600)
    (home / "Documents").mkdir()
    (home / "Documents" / "a.txt").write_text("hello")
    return home


def _decide_real(principal, kind, path, intent="files.read"):
    effects = canonical_effects([Effect(kind, str(path), "path")])
    return decide(principal, intent, {"path": str(path)}, effects, RULES, []), effects


def test_symlink_to_a_secret_is_denied(secrets_home, tmp_path):
    link = secrets_home / "innocent.txt"
    link.symlink_to(secrets_home / ".ssh" / "id_rsa")
    outside = tmp_path / "ws"
    outside.mkdir()
    (outside / "h").symlink_to(secrets_home / ".ssh" / "id_rsa")
    dir_link = secrets_home / "notes"
    dir_link.symlink_to(secrets_home / ".ssh")
    p = current_principal(via="test")
    for path in (link, outside / "h", dir_link / "id_rsa"):
        d, effects = _decide_real(p, "read", path)
        assert effects[0].target == str((secrets_home / ".ssh" / "id_rsa").resolve())
        assert (d.verdict, d.rule) == (DENY, "default:secrets"), path


def test_dotdot_to_a_secret_is_denied(secrets_home):
    p = current_principal(via="test")
    d, _ = _decide_real(p, "read", f"{secrets_home}/Documents/../.ssh/id_rsa")
    assert (d.verdict, d.rule) == (DENY, "default:secrets")
    d, _ = _decide_real(p, "write", f"{secrets_home}/Documents/" + "../" * 12 + "etc/passwd")
    assert (d.verdict, d.rule) == (DENY, "default:write-elsewhere")


def test_plain_home_read_is_allowed_and_world_readable_system_file(secrets_home):
    p = current_principal(via="test")
    d, _ = _decide_real(p, "read", secrets_home / "Documents" / "a.txt")
    assert (d.verdict, d.rule) == (ALLOW, "default:read-home")
    d, effects = _decide_real(p, "read", "/etc/passwd")
    assert effects[0].facts.world_readable
    assert (d.verdict, d.rule) == (ALLOW, "default:read-world-readable")
    d, _ = _decide_real(p, "read", "/etc/shadow")
    assert (d.verdict, d.rule) == (DENY, "default:system-secrets")


def test_plan_copy_ssh_key_to_tmp_is_denied_on_real_files(secrets_home):
    p = current_principal(via="test")
    raw = [Effect("read", f"{secrets_home}/.ssh/id_rsa", "sources"),
           Effect("write", "/tmp", "destination")]
    d = decide(p, "files.copy", {}, canonical_effects(raw), RULES, [])
    assert (d.verdict, d.rule) == (DENY, "default:secrets")


def test_signal_facts_from_real_processes(home):
    import subprocess
    p = current_principal(via="test")
    child = subprocess.Popen(["sleep", "30"])
    deadline = time.monotonic() + 10
    while open(f"/proc/{child.pid}/comm").read().strip() != "sleep":   # exec may lag Popen
        assert time.monotonic() < deadline
        time.sleep(0.01)
    try:
        effects = canonical_effects([Effect("signal", str(child.pid), "pid"),
                                     Effect("signal", "1", "pid"),
                                     Effect("signal", str(os.getpid()), "pid"),
                                     Effect("signal", "no-such-proc-xyz", "name")])
        got = [decide(p, "process.kill", {}, [e], RULES, []).details[0] for e in effects]
        assert [(g.verdict, g.rule) for g in got] == [
            (ASK, "default:signal"),
            (DENY, "default:signal-init"),
            (DENY, "default:signal-daemon"),
            (DENY, "default:signal-missing")]
        by_name = canonical_effects([Effect("signal", "sleep", "name")])
        assert str(child.pid) in {e.target for e in by_name}
    finally:
        child.kill()
        child.wait()


def test_program_is_resolved_on_path():
    effects = canonical_effects([Effect("exec", "sh", "command")])
    assert effects[0].target.startswith("/") and effects[0].facts.canonical


@pytest.mark.parametrize("effect, verdict", [
    (Effect("read", "/dev/sda", "path", WR), DENY),       # a raw disk, whatever its mode
    (Effect("read", "/dev/mem", "path", C), DENY),
    (Effect("write", "/dev/nvme0n1", "path", C), DENY),
    (Effect("read", "/dev/shm/llmos-x/a.txt", "path", C), ALLOW),   # shared memory is a temporary folder
])
def test_device_files_are_no_files(effect, verdict):
    assert decide(U, "files.read", {}, [effect], RULES).verdict == verdict
