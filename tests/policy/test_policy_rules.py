"""Rule files: layering, specificity, locked rules, and errors that name file, line and field."""

from __future__ import annotations

import textwrap

import pytest

from llmos.policy import (ALLOW, ASK, DENY, Effect, Facts, PolicyFileError, Principal, decide,
                          load_rules)
from llmos.policy.rules import ADMIN, USER, parse_rules

U = Principal(uid=1000, user="u", home="/home/u")
C = Facts(canonical=True)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def layers(tmp_path):
    admin = tmp_path / "policy.d"
    admin.mkdir()
    return admin, tmp_path / "user" / "policy.yaml"


def verdict(rules, effect, intent="files.read"):
    d = decide(U, intent, {}, [effect], rules, [])
    return d.verdict, d.rule


def test_most_specific_user_allow_opens_one_secret_only(layers):
    admin, user = layers
    write(user, """\
        rules:
          - effect: read
            path: "~/.ssh/known_hosts"
            verdict: allow
            reason: known hosts are not secret
        """)
    rules = load_rules(admin_dir=admin, user_file=user)
    assert verdict(rules, Effect("read", "/home/u/.ssh/known_hosts", "p", C)) == \
        (ALLOW, f"{user}:rules[0]")
    assert verdict(rules, Effect("read", "/home/u/.ssh/id_rsa", "p", C)) == \
        (DENY, "default:secrets")


def test_broad_user_allow_does_not_loosen_a_more_specific_deny(layers):
    admin, user = layers
    write(user, "rules: [{effect: [read, write], path: '~', verdict: allow}]\n")
    rules = load_rules(admin_dir=admin, user_file=user)
    assert verdict(rules, Effect("write", "/home/u/a", "p", C))[0] == ALLOW
    assert verdict(rules, Effect("read", "/home/u/.aws/credentials", "p", C)) == \
        (DENY, "default:secrets")


def test_deny_beats_allow_at_equal_specificity_in_one_file(layers):
    admin, user = layers
    write(user, """\
        rules:
          - {effect: write, path: "~/projects", verdict: allow}
          - {effect: write, path: "~/projects", verdict: deny, reason: frozen}
        """)
    rules = load_rules(admin_dir=admin, user_file=user)
    assert verdict(rules, Effect("write", "/home/u/projects/x", "p", C)) == \
        (DENY, f"{user}:rules[1]")


def test_exact_host_beats_wildcard_and_wildcard_skips_apex(layers):
    admin, user = layers
    write(user, """\
        rules:
          - {host: "*.example.com", verdict: deny}
          - {host: "api.example.com", verdict: allow}
          - {host: "*", verdict: ask}
        """)
    rules = load_rules(admin_dir=admin, user_file=user)
    net = lambda h: Effect("network", h, "url")  # noqa: E731
    assert verdict(rules, net("https://api.example.com/v1")) == (ALLOW, f"{user}:rules[1]")
    assert verdict(rules, net("www.example.com")) == (DENY, f"{user}:rules[0]")
    assert verdict(rules, net("evilexample.com")) == (ASK, f"{user}:rules[2]")
    assert verdict(rules, net("example.com.evil.com")) == (ASK, f"{user}:rules[2]")


def test_a_rule_naming_a_local_address_opens_it(layers):
    admin, user = layers
    write(user, "rules: [{host: 192.168.1.10, verdict: allow}]\n")
    rules = load_rules(admin_dir=admin, user_file=user)
    assert verdict(rules, Effect("network", "192.168.1.10", "host"))[0] == ALLOW
    assert verdict(rules, Effect("network", "192.168.1.11", "host")) == \
        (DENY, "default:network-local")


@pytest.mark.parametrize("locked,expected", [(True, DENY), (False, ALLOW)])
def test_locked_admin_rule_is_not_loosened_by_user(layers, locked, expected):
    admin, user = layers
    write(admin / "10-site.yaml", f"""\
        rules:
          - effect: [read, write]
            path: "~/.ssh"
            verdict: deny
            reason: site policy
            locked: {str(locked).lower()}
        """)
    write(user, "rules: [{effect: read, path: '~/.ssh', verdict: allow}]\n")
    rules = load_rules(admin_dir=admin, user_file=user)
    assert verdict(rules, Effect("read", "/home/u/.ssh/id_rsa", "p", C))[0] == expected


def test_locked_ask_cannot_be_answered_by_grants_or_user_allow(layers):
    from llmos.policy import Grant
    admin, user = layers
    write(admin / "20-net.yaml", "rules: [{effect: network, verdict: ask, locked: true}]\n")
    write(user, "rules: [{host: example.com, verdict: allow}]\n")
    rules = load_rules(admin_dir=admin, user_file=user)
    grant = Grant("g1", 1000, "network", "example.com", ALLOW, "always", 0.0, "net.fetch")
    d = decide(U, "net.fetch", {}, [Effect("network", "example.com", "url")], rules, [grant],
               now=1.0)
    assert (d.verdict, d.rule) == (ASK, str(admin / "20-net.yaml") + ":rules[0]")
    assert not d.details[0].grantable


def test_admin_files_load_sorted_and_labelled(layers):
    admin, user = layers
    write(admin / "20-b.yaml", "rules: [{effect: write, path: /srv/share, verdict: allow}]\n")
    write(admin / "10-a.yaml", "rules: [{effect: write, path: /srv/share, verdict: ask}]\n")
    write(admin / "README", "not yaml: [")
    rules = load_rules(admin_dir=admin, user_file=user)
    labels = [r.label for r in rules if r.layer == ADMIN]
    assert labels == [f"{admin}/10-a.yaml:rules[0]", f"{admin}/20-b.yaml:rules[0]"]
    # equal specificity, same layer: the stricter verdict wins
    assert verdict(rules, Effect("write", "/srv/share/x", "p", C))[0] == ASK


def test_intent_rules_tighten_calls_and_qualify_effect_rules(layers):
    admin, user = layers
    write(user, """\
        rules:
          - {intent: "process.launch", verdict: deny, reason: no launching}
          - {intent: "files.copy", effect: write, path: "~/backup", verdict: allow}
          - {intent: "files.*", verdict: allow}
        """)
    rules = load_rules(admin_dir=admin, user_file=user)
    d = decide(U, "process.launch", {}, [Effect("exec", "/usr/bin/gedit", "c", C)], rules, [])
    assert (d.verdict, d.rule) == (DENY, f"{user}:rules[0]")
    w = Effect("write", "/home/u/backup/x", "d", C)
    assert verdict(rules, w, "files.copy") == (ALLOW, f"{user}:rules[1]")
    assert verdict(rules, w, "files.move") == (ASK, "default:write-home")


def test_empty_file_is_no_rules(layers):
    admin, user = layers
    write(user, "")
    assert load_rules(admin_dir=admin, user_file=user) == load_rules(admin_dir=admin,
                                                                     user_file=user.parent / "x")


# --- malformed files: an error that names file, line and field --------------------------

BAD = [
    ("rules:\n  - effect: read\n    path: /x\n    verdict: maybe\n", 4, "rules[0].verdict",
     "not one of"),
    ("rules:\n  - effect: read\n    path: /x\n", 2, "rules[0].verdict",
     "missing required field 'verdict'"),
    ("rules:\n  - {effect: read, verdict: allow}\n  - effect: read\n    pth: /x\n    verdict: deny\n",
     4, "rules[1].pth", "unknown field 'pth'"),
    ("rules:\n  - effect: reed\n    verdict: deny\n", 2, "rules[0].effect", "not an effect kind"),
    ("rules:\n  - effect: read\n    path: relative/dir\n    verdict: deny\n", 3, "rules[0].path",
     "must be absolute"),
    ("rules:\n  - effect: read\n    path: /a/../etc\n    verdict: allow\n", 3, "rules[0].path",
     "canonical"),
    ("rules:\n  - effect: network\n    path: /x\n    verdict: allow\n", 3, "rules[0].path",
     "applies only to effects"),
    ("rules:\n  - effect: read\n    verdict: allow\n    verdict: deny\n", 4, "verdict",
     "appears twice"),
    ("rules:\n  - effect: read\n    verdict: [allow\n", 4, None, "not valid YAML"),
    ("rule:\n  - {verdict: allow}\n", 1, "rule", "unknown field 'rule'"),
    ("rules:\n  - {effect: read, when: [sunny], verdict: allow}\n", 2, "rules[0].when[0]",
     "not one of"),
]


@pytest.mark.parametrize("text,line,field,message", BAD, ids=[b[3] for b in BAD])
def test_malformed_rule_file_names_file_line_field(layers, text, line, field, message):
    admin, user = layers
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text(text)
    with pytest.raises(PolicyFileError) as info:
        load_rules(admin_dir=admin, user_file=user)
    err = info.value
    assert err.file == str(user)
    assert err.line == line
    assert err.field == field
    assert message in str(err)
    assert str(user) in str(err)


def test_locked_in_a_user_file_is_an_error():
    with pytest.raises(PolicyFileError, match="administrator") as info:
        parse_rules("rules:\n  - effect: read\n    verdict: allow\n    locked: true\n",
                    file="u.yaml", layer=USER)
    assert (info.value.line, info.value.field) == (4, "rules[0].locked")


def test_unreadable_admin_file_fails_closed(layers):
    admin, user = layers
    (admin / "10-x.yaml").mkdir()          # a directory named like a file cannot be read
    with pytest.raises(PolicyFileError, match="cannot read"):
        load_rules(admin_dir=admin, user_file=user)
