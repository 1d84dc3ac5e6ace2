"""Grants: lifetimes, persistence, revocation, and that a grant never overrides a rule's deny."""

from __future__ import annotations

import json
import stat

import pytest

from llmos.policy import (ALLOW, ASK, DENY, AutoYes, ConsentAnswer, Effect, Facts, Grant,
                          GrantsFileError, GrantStore, Principal, decide, default_rules, resolve)
from llmos.policy.types import ALWAYS, ONCE, SESSION, UNTIL

RULES = default_rules()
U = Principal(uid=1000, user="u", home="/home/u", session="boot:sid:1")
NET = Effect("network", "example.com", "url")
WRITE = Effect("write", "/home/u/notes.txt", "path", Facts(canonical=True))
T0 = 1_700_000_000.0


class Scripted:
    """A consent channel that gives one fixed answer and remembers what it was asked."""

    label = "consent:test"

    def __init__(self, answer: ConsentAnswer) -> None:
        self.answer, self.requests = answer, []

    def ask(self, request):
        self.requests.append(request)
        return self.answer


@pytest.fixture
def store(home):
    return GrantStore()


def ask_and_answer(store, answer, effect=NET, intent="net.fetch", principal=U, now=T0):
    d = decide(principal, intent, {}, [effect], RULES, store.live(now), now=now)
    return resolve(d, Scripted(answer), store, now=now)


def again(store, effect=NET, intent="net.fetch", principal=U, now=T0 + 1):
    return decide(principal, intent, {}, [effect], RULES, store.live(now), now=now)


def test_once_is_never_stored(store):
    final = ask_and_answer(store, ConsentAnswer(True, ONCE))
    assert final.verdict == ALLOW and final.rule == "consent:test:once"
    assert store.all() == ()
    assert again(store).verdict == ASK


def test_session_grant_holds_only_in_that_session(store):
    ask_and_answer(store, ConsentAnswer(True, SESSION))
    [g] = store.all()
    assert (g.lifetime, g.session, g.scope, g.intent) == (SESSION, U.session, "example.com",
                                                          "net.fetch")
    d = again(store)
    assert (d.verdict, d.rule) == (ALLOW, f"grant:{g.id}")
    other = Principal(uid=1000, user="u", home="/home/u", session="boot:sid:2")
    assert again(store, principal=other).verdict == ASK
    nobody = Principal(uid=1001, user="v", home="/home/v", session=U.session)
    assert again(store, principal=nobody).verdict == ASK


def test_session_without_a_known_session_is_once(store):
    p = Principal(uid=1000, user="u", home="/home/u", session="")
    ask_and_answer(store, ConsentAnswer(True, SESSION), principal=p)
    assert store.all() == ()


def test_until_expires_and_is_pruned(store):
    ask_and_answer(store, ConsentAnswer(True, UNTIL, until=T0 + 3600))
    assert again(store, now=T0 + 3599).verdict == ALLOW
    assert again(store, now=T0 + 3601).verdict == ASK
    assert store.prune(now=T0 + 3601) == 1
    assert store.all() == ()


def test_always_then_revoke(store):
    ask_and_answer(store, ConsentAnswer(True, ALWAYS))
    [g] = store.all()
    assert g.expires is None and g.session is None
    assert again(store).verdict == ALLOW
    assert again(store, effect=Effect("network", "other.org", "url")).verdict == ASK
    assert again(store, intent="net.ping").verdict == ASK   # remembered per intent and host
    assert store.revoke(g.id) is True
    assert store.revoke(g.id) is False
    assert again(store).verdict == ASK


def test_never_stores_a_deny_grant(store):
    final = ask_and_answer(store, ConsentAnswer(False, ALWAYS))
    assert final.verdict == DENY
    d = again(store)
    assert d.verdict == DENY and d.rule.startswith("grant:")


def test_write_grant_covers_that_path_only(store):
    ask_and_answer(store, ConsentAnswer(True, ALWAYS), effect=WRITE, intent="files.write")
    assert again(store, effect=WRITE, intent="files.write").verdict == ALLOW
    sibling = Effect("write", "/home/u/notes.txt.bak", "path", Facts(canonical=True))
    assert again(store, effect=sibling, intent="files.write").verdict == ASK


def test_grant_never_overrides_a_rule_deny():
    secret = Effect("read", "/home/u/.ssh/id_rsa", "path", Facts(canonical=True))
    grants = [Grant("g", 1000, "read", "/home/u/.ssh", ALLOW, ALWAYS, T0, None),
              Grant("h", 1000, "write", "/etc", ALLOW, ALWAYS, T0, None)]
    for effect in (secret, Effect("write", "/etc/passwd", "p", Facts(canonical=True))):
        d = decide(U, "files.copy", {}, [effect], RULES, grants, now=T0)
        assert d.verdict == DENY and not d.rule.startswith("grant:")


def test_ask_every_time_rules_ignore_grants(store):
    delete = Effect("delete", "/home/u/old", "paths", Facts(canonical=True))
    final = ask_and_answer(store, ConsentAnswer(True, ALWAYS), effect=delete,
                           intent="files.delete")
    assert final.verdict == ALLOW and final.rule.endswith(":once")
    assert store.all() == ()
    grants = [Grant("g", 1000, "delete", "/home/u", ALLOW, ALWAYS, T0, None)]
    assert decide(U, "files.delete", {}, [delete], RULES, grants, now=T0).verdict == ASK


def test_file_is_private_and_valid_json(store, home):
    ask_and_answer(store, ConsentAnswer(True, ALWAYS))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    assert store.path == home / ".local/state/llmos/grants.json"
    data = json.loads(store.path.read_text())
    assert data["version"] == 1 and len(data["grants"]) == 1
    assert not [p for p in store.path.parent.iterdir() if p.name.startswith(".grants.")]


def test_corrupt_file_is_an_error_not_an_empty_list(store):
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text("{not json")
    with pytest.raises(GrantsFileError, match="revoke --all"):
        store.live()
    assert store.revoke_all() == 0
    assert store.live() == ()


def test_same_scope_answer_replaces_the_old_grant(store):
    ask_and_answer(store, ConsentAnswer(True, ALWAYS))
    fresh = decide(U, "net.fetch", {}, [NET], RULES, [], now=T0 + 5)   # asked anew elsewhere
    resolve(fresh, Scripted(ConsentAnswer(False, ALWAYS)), store, now=T0 + 5)
    [g] = store.all()
    assert g.verdict == DENY


def test_autoyes_answers_once_and_stores_nothing(store):
    d = decide(U, "net.fetch", {}, [NET], RULES, [], now=T0)
    final = resolve(d, AutoYes(), store, now=T0)
    assert (final.verdict, final.rule) == (ALLOW, "consent:--yes:once")
    assert store.all() == ()
