"""authorize(): the executor's one call, end to end on real files, rule files and the audit log."""

from __future__ import annotations

import pytest

from llmos import audit
from llmos.policy import (ALLOW, ASK, DENY, AutoYes, Effect, NoConsent, authorize,
                          current_principal, load_rules)


@pytest.fixture
def principal(home):
    (home / ".ssh").mkdir()
    (home / ".ssh" / "id_rsa").write_text("fake key\n")
    return current_principal(via="test")


def rules_here(tmp_path):
    return load_rules(admin_dir=tmp_path / "no-admin")


def test_copy_ssh_key_to_tmp_is_denied_and_audited(principal, home, tmp_path):
    raw = [Effect("read", f"{home}/.ssh/id_rsa", "sources"), Effect("write", "/tmp", "destination")]
    d = authorize(principal, "files.copy", {"sources": [f"{home}/.ssh/id_rsa"],
                                            "destination": "/tmp"},
                  raw, consent=AutoYes(), rules=rules_here(tmp_path))
    assert (d.verdict, d.rule) == (DENY, "default:secrets")
    [entry] = audit.read_entries()
    assert entry["event"] == "decision" and entry["decision"]["verdict"] == DENY
    assert entry["args"]["destination"] == "/tmp"
    assert audit.verify().ok


def test_yes_answers_an_ask_and_no_channel_denies(principal, home, tmp_path):
    raw = [Effect("write", f"{home}/notes.txt", "path")]
    yes = authorize(principal, "files.write", {}, raw, consent=AutoYes(),
                    rules=rules_here(tmp_path))
    assert (yes.verdict, yes.rule) == (ALLOW, "consent:--yes:once")
    no = authorize(principal, "files.write", {}, raw, consent=NoConsent(),
                   rules=rules_here(tmp_path))
    assert no.verdict == DENY and "pass --yes" in no.reason
    dry = authorize(principal, "files.write", {}, raw, consent=AutoYes(),
                    rules=rules_here(tmp_path), ask=False)
    assert dry.verdict == ASK
    assert [e["dry_run"] for e in audit.read_entries()] == [False, False, True]


def test_broken_user_rule_file_fails_closed(principal, home, tmp_path):
    user_file = home / ".config" / "llmos" / "policy.yaml"
    user_file.parent.mkdir(parents=True)
    user_file.write_text("rules:\n  - effect: read\n    verdict: alow\n")
    raw = [Effect("read", f"{home}/a.txt", "path")]
    d = authorize(principal, "files.read", {}, raw, consent=AutoYes())   # loads the real layers
    assert (d.verdict, d.rule) == (DENY, "config:error")
    assert str(user_file) in d.reason and ":3" in d.reason and "rules[0].verdict" in d.reason


def test_shipped_intents_through_the_registry(principal, home, tmp_path):
    intents = pytest.importorskip("llmos.intents")
    from llmos.intents.effects import effects_of
    from llmos.intents.registry import package_intents_dir
    registry = intents.Registry([package_intents_dir()])
    if "files.copy" not in registry:
        pytest.skip("files.copy manifest not shipped yet")
    copy = registry.get("files.copy")
    args = {"sources": [f"{home}/.ssh/id_rsa"], "destination": "/tmp"}
    d = authorize(principal, copy.name, args, effects_of(copy, args), consent=AutoYes(),
                  rules=rules_here(tmp_path), annotations=copy.annotations)
    assert (d.verdict, d.rule) == (DENY, "default:secrets")
    read = registry.get("files.read")
    args = {"path": f"{home}/.ssh/id_rsa"}
    d = authorize(principal, read.name, args, effects_of(read, args), consent=AutoYes(),
                  rules=rules_here(tmp_path))
    assert (d.verdict, d.rule) == (DENY, "default:secrets")


def test_opening_a_secret_is_judged_as_reading_it(principal, home, tmp_path):
    """desktop.open hands its target to the default app, which reads it: "show me
    ~/.kube/config" planned as desktop.open is denied like files.read; a web address is
    opened by the browser and has no path effect."""
    from llmos.intents.effects import effects_of
    from llmos.intents.registry import Registry, package_intents_dir
    open_ = Registry([package_intents_dir()]).get("desktop.open")
    args = {"target": f"{home}/.kube/config"}
    d = authorize(principal, open_.name, args, effects_of(open_, args), consent=AutoYes(),
                  rules=rules_here(tmp_path), annotations=open_.annotations)
    assert (d.verdict, d.rule) == (DENY, "default:secrets")
    web = effects_of(open_, {"target": "https://example.org/a"})
    assert [e.kind for e in web] == ["exec", "desktop"]
    local = effects_of(open_, {"target": "file:///etc/hostname"})
    assert local[0].kind == "read"
