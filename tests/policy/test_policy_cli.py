"""``grants list|revoke`` and ``audit show|verify`` through main(argv), on real files."""

from __future__ import annotations

import argparse
import json

from llmos import audit
from llmos.policy import GrantStore, new_grant
from llmos.policy.cli import main, register


def add_grants(n=2):
    store = GrantStore()
    grants = [new_grant(uid=1000, capability="network", scope=f"h{i}.example.com",
                        verdict="allow", lifetime="always", intent="net.fetch", now=1.0)
              for i in range(n)]
    store.add(*grants, now=1.0)
    return grants


def test_grants_list_and_revoke(home, capsys):
    assert main(["grants", "list"]) == 0
    assert "no grants" in capsys.readouterr().out
    g0, g1 = add_grants()
    assert main(["grants", "list"]) == 0
    out = capsys.readouterr().out
    assert g0.id in out and "h1.example.com" in out and "never" in out
    assert main(["grants", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["grants"]
    assert {g["id"] for g in listed} == {g0.id, g1.id}
    assert main(["grants", "revoke", g0.id]) == 0
    assert main(["grants", "revoke", g0.id]) == 1
    assert "no grant with id" in capsys.readouterr().err
    assert main(["grants", "revoke", "--all"]) == 0
    assert "revoked 1" in capsys.readouterr().out
    assert GrantStore().all() == ()


def test_corrupt_grants_file_is_reported_not_crashed(home, capsys):
    GrantStore().path.write_text("nope")
    assert main(["grants", "list"]) == 1
    assert "revoke --all" in capsys.readouterr().err
    assert main(["grants", "revoke", "--all"]) == 0


def test_audit_show_and_verify(home, capsys):
    for i in range(3):
        audit.append({"event": "decision", "intent": f"i{i}", "principal": {"user": "u"},
                      "decision": {"verdict": "allow", "rule": "default:read-home"}})
    assert main(["audit", "show", "-n", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "i2" in out[-1] and "default:read-home" in out[-1]
    assert main(["audit", "show", "--json", "-n", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["intent"] == "i2"
    assert main(["audit", "verify"]) == 0
    assert ": ok: 3/3" in capsys.readouterr().out

    log = audit.default_path()
    log.write_bytes(log.read_bytes()[:-5])
    assert main(["audit", "verify"]) == 2
    assert "torn" in capsys.readouterr().out.lower()

    raws = log.read_bytes().split(b"\n")
    raws[0] = raws[0].replace(b'"i0"', b'"i9"')
    log.write_bytes(b"\n".join(raws))
    assert main(["audit", "verify", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["problems"][0]["line"] == 1 and report["problems"][0]["kind"] == "edited"


def test_register_adds_commands_to_another_cli():
    parser = argparse.ArgumentParser(prog="llmosctl")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    ns = parser.parse_args(["grants", "revoke", "--all"])
    assert callable(ns.func) and ns.all
    ns = parser.parse_args(["audit", "show", "-n", "5", "--json"])
    assert ns.n == 5 and ns.json
