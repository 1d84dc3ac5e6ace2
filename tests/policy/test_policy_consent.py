"""Consent channels: --yes answers ask never deny; no channel means deny; the terminal prompt."""

from __future__ import annotations

import io
import time

import pytest

from llmos.policy import (ALLOW, ASK, DENY, AutoYes, ConsentRequest, Decision, Effect, Facts,
                          GrantStore, NoConsent, Principal, TerminalConsent, decide,
                          default_rules, resolve)
from llmos.policy.consent import NO_CHANNEL_HINT, parse_answer
from llmos.policy.types import ALWAYS, ONCE, SESSION, UNTIL

RULES = default_rules()
U = Principal(uid=1000, user="u", home="/home/u", session="s")
C = Facts(canonical=True)


class Spy:
    """Records whether it was consulted at all."""

    label = "consent:spy"

    def __init__(self):
        self.asked = 0

    def ask(self, request):
        self.asked += 1
        return AutoYes().ask(request)


def deciding(effects, intent="files.copy"):
    return decide(U, intent, {}, effects, RULES, [])


@pytest.mark.parametrize("effects,expected", [
    ([Effect("write", "/home/u/x", "p", C)], ALLOW),                       # ask → once
    ([Effect("read", "/home/u/.ssh/id_rsa", "p", C)], DENY),                # deny stays deny
    ([Effect("read", "/home/u/.ssh/id_rsa", "p", C), Effect("write", "/tmp/x", "p", C)], DENY),
    ([Effect("read", "/home/u/x", "p", C)], ALLOW),                         # allow stays allow
])
def test_yes_answers_ask_never_deny(effects, expected):
    spy = Spy()
    d = deciding(effects)
    final = resolve(d, spy, None)
    assert final.verdict == expected
    assert spy.asked == (1 if d.verdict == ASK else 0)
    if d.verdict != ASK:
        assert final is d


def test_no_consent_channel_means_deny_with_a_clear_message():
    d = deciding([Effect("write", "/home/u/x", "p", C)], "files.write")
    final = resolve(d, NoConsent(), None)
    assert (final.verdict, final.rule) == (DENY, "consent:none")
    assert NO_CHANNEL_HINT in final.reason and "files.write" in final.reason
    assert "re-run in a terminal or pass --yes" in final.reason


def _terminal(answers: str):
    out = io.StringIO()
    return TerminalConsent(io.StringIO(answers), out), out


@pytest.mark.parametrize("typed,verdict,lifetime", [
    ("y\n", ALLOW, ONCE), ("yes\n", ALLOW, ONCE), ("\n", DENY, ONCE), ("n\n", DENY, ONCE),
    ("s\n", ALLOW, SESSION), ("always\n", ALLOW, ALWAYS), ("u 2h\n", ALLOW, UNTIL),
    ("never\n", DENY, ALWAYS), ("", DENY, ONCE), ("what\nhuh\nno idea\n", DENY, ONCE),
    ("maybe\ny\n", ALLOW, ONCE),
])
def test_terminal_answers(home, typed, verdict, lifetime):
    consent, out = _terminal(typed)
    store = GrantStore()
    d = deciding([Effect("network", "example.com", "url")], "net.fetch")
    final = resolve(d, consent, store, now=1000.0)
    assert final.verdict == verdict
    assert final.rule == f"consent:terminal:{lifetime}"
    stored = store.all()
    assert len(stored) == (0 if lifetime == ONCE else 1)
    if lifetime == UNTIL:
        assert stored[0].expires == pytest.approx(time.time() + 7200, abs=60)
    shown = out.getvalue()
    assert "net.fetch" in shown and "network example.com" in shown
    assert "talks to a host" in shown             # why it asks
    assert "[N]o" in shown                        # No is the default


def test_destructive_prompt_offers_once_only(home):
    consent, out = _terminal("a\ny\n")
    d = deciding([Effect("delete", "/home/u/old", "paths", C)], "files.delete")
    final = resolve(d, consent, GrantStore())
    assert final.verdict == ALLOW and final.rule == "consent:terminal:once"
    assert "Allow this once? [y/N]" in out.getvalue()
    assert GrantStore().all() == ()


def test_prompt_escapes_control_characters():
    consent, out = _terminal("n\n")
    d = deciding([Effect("write", "/home/u/\x1b[2Jevil\rok", "p", C)], "files.write")
    resolve(d, consent, None)
    assert "\x1b" not in out.getvalue() and "\\x1b" in out.getvalue()
    assert "\r" not in out.getvalue()


def test_terminal_without_tty_is_no_consent(tmp_path):
    consent = TerminalConsent(tty=str(tmp_path / "no-tty"))
    request = ConsentRequest("files.write", "why", ())
    answer = consent.ask(request)
    assert not answer.allow and NO_CHANNEL_HINT in answer.message


def test_parse_answer_rejects_remembering_when_not_offered():
    assert parse_answer("a", remember=False) is None
    assert parse_answer("y", remember=False).allow
    assert parse_answer("u 0h") is None


def test_resolve_passes_allow_and_deny_through_untouched():
    for verdict in (ALLOW, DENY):
        d = Decision(verdict, "r", "x")
        assert resolve(d, Spy(), None) is d
