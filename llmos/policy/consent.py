"""Consent: asking a person when the policy says *ask*.

``Consent`` is the interface (terminal now, a D-Bus consent agent later).
:func:`resolve` composes a decision, a consent channel and the grant store:
only an *ask* is ever shown to a channel, so neither ``--yes`` nor a person can
turn a rule's *deny* into an allow.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from typing import IO, Protocol

from llmos.policy.grants import GrantStore, new_grant
from llmos.policy.types import (ALLOW, ALWAYS, ASK, DENY, LIFETIMES, ONCE, SESSION, UNTIL,
                                Decision, EffectDecision, Principal)

NO_CHANNEL_HINT = "needs your consent; re-run in a terminal or pass --yes"


@dataclass(frozen=True)
class ConsentRequest:
    """What a person is asked: the intent, the concrete effects, and why.

    ``remember`` says whether the answer may be remembered (session, always,
    until); destructive asks are once-only.
    """

    intent: str
    reason: str
    asks: tuple[EffectDecision, ...]
    principal: Principal | None = None
    remember: bool = True


@dataclass(frozen=True)
class ConsentAnswer:
    """Yes or no, for how long, and (for "until") until when, as POSIX seconds."""

    allow: bool
    lifetime: str = ONCE
    until: float | None = None
    message: str = ""          # why, when no person answered (no channel, no tty)

    def __post_init__(self) -> None:
        if self.lifetime not in LIFETIMES:
            raise ValueError(f"unknown lifetime {self.lifetime!r}; one of {', '.join(LIFETIMES)}")


class Consent(Protocol):
    """A channel that can ask a person."""

    def ask(self, request: ConsentRequest) -> ConsentAnswer: ...


class AutoYes:
    """``--yes``: answers every *ask* with "allow once".  It is never shown a deny."""

    label = "consent:--yes"

    def ask(self, request: ConsentRequest) -> ConsentAnswer:
        return ConsentAnswer(True, ONCE, message="allowed once by --yes")


class NoConsent:
    """No channel to a person: every *ask* becomes a deny with a message that says why."""

    label = "consent:none"

    def ask(self, request: ConsentRequest) -> ConsentAnswer:
        return ConsentAnswer(False, ONCE, message=f"{request.intent} {NO_CHANNEL_HINT} "
                                                  f"({request.reason})")


class TerminalConsent:
    """Asks on a terminal: shows intent, effects and reason; the default is No.

    Reads and writes ``/dev/tty`` unless streams are given, so piped stdin/stdout
    cannot answer for the person.  Control characters in targets are escaped so
    a file name cannot redraw the prompt.
    """

    label = "consent:terminal"

    def __init__(self, input: IO[str] | None = None, output: IO[str] | None = None, *,
                 tty: str = "/dev/tty", tries: int = 3) -> None:
        self.input, self.output, self.tty, self.tries = input, output, tty, tries

    def ask(self, request: ConsentRequest) -> ConsentAnswer:
        if self.input is not None and self.output is not None:
            return self._ask(request, self.input, self.output)
        try:
            fd = os.open(self.tty, os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError:
            return NoConsent().ask(request)
        with open(fd, "r+", encoding="utf-8", errors="replace", buffering=1) as tty:
            return self._ask(request, tty, tty)

    def _ask(self, request: ConsentRequest, inp: IO[str], out: IO[str]) -> ConsentAnswer:
        out.write(render_request(request))
        if request.remember:
            prompt = ("Allow? [y]es once, [s]ession, [a]lways, [u]ntil DURATION (e.g. u 2h), "
                      "[N]o, ne[v]er: ")
        else:
            prompt = "Allow this once? [y/N]: "
        for _ in range(self.tries):
            out.write(prompt)
            out.flush()
            line = inp.readline()
            if not line:                      # end of input: no answer is No
                out.write("\n")
                return ConsentAnswer(False, ONCE, message="no answer")
            answer = parse_answer(line, remember=request.remember)
            if answer is not None:
                return answer
            out.write("Please answer y or n (Enter means No).\n")
        return ConsentAnswer(False, ONCE, message="no valid answer")


def render_request(request: ConsentRequest) -> str:
    """The text a person reads before answering."""
    lines = [f"llmos: {_printable(request.intent)} asks for your consent"]
    for d in request.asks:
        lines.append(f"  - {_printable(d.reason)}")
    if not request.asks:
        lines.append(f"  - {_printable(request.reason)}")
    return "\n".join(lines) + "\n"


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\w*\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_answer(text: str, *, remember: bool = True,
                 now: float | None = None) -> ConsentAnswer | None:
    """A typed answer as a ConsentAnswer; None when it is not understood."""
    word = text.strip().lower()
    if word in ("", "n", "no"):
        return ConsentAnswer(False, ONCE)
    if word in ("y", "yes"):
        return ConsentAnswer(True, ONCE)
    if not remember:
        return None
    if word in ("s", "session"):
        return ConsentAnswer(True, SESSION)
    if word in ("a", "always"):
        return ConsentAnswer(True, ALWAYS)
    if word in ("v", "never"):
        return ConsentAnswer(False, ALWAYS)
    head, _, rest = word.partition(" ")
    if head in ("u", "until") and rest:
        m = _DURATION.match(rest)
        if m:
            seconds = float(m.group(1)) * _UNIT[m.group(2)]
            if seconds > 0:
                start = time.time() if now is None else now
                return ConsentAnswer(True, UNTIL, until=start + seconds)
    return None


def resolve(decision: Decision, consent: Consent, grants: GrantStore | None = None, *,
            now: float | None = None) -> Decision:
    """The final decision: asks answered by ``consent``; remembered answers stored.

    Allow and deny pass through untouched: a consent channel is only shown an
    *ask*.  A remembered answer (session, until, always) becomes one grant per
    asking effect whose rule allows remembering, scoped to that canonical
    target and this intent.
    """
    if decision.verdict != ASK:
        return decision
    asks = decision.asks
    remember = bool(asks) and all(d.grantable and d.effect.kind != "intent" for d in asks)
    request = ConsentRequest(decision.intent, decision.reason, asks, decision.principal,
                             remember)
    answer = consent.ask(request)
    label = getattr(consent, "label", "consent")
    lifetime = answer.lifetime if remember else ONCE
    if grants is not None and lifetime != ONCE and decision.principal is not None:
        _remember(decision, answer, lifetime, grants, time.time() if now is None else now)
    verdict = ALLOW if answer.allow else DENY
    if answer.message and not answer.allow:
        reason = answer.message
    else:
        how = "allowed" if answer.allow else "refused"
        reason = f"you {how} this ({lifetime}); asked because {decision.reason}"
    return Decision(verdict, reason, f"{label}:{lifetime}" if label != "consent:none" else label,
                    decision.intent, decision.principal, decision.details)


def _remember(decision: Decision, answer: ConsentAnswer, lifetime: str, store: GrantStore,
              now: float) -> None:
    principal = decision.principal
    new = [new_grant(uid=principal.uid, capability=d.effect.kind, scope=d.effect.target,
                     verdict=ALLOW if answer.allow else DENY, lifetime=lifetime,
                     intent=decision.intent or None, now=now, session=principal.session,
                     until=answer.until)
           for d in decision.asks if d.grantable]
    new = [g for g in new if g is not None]
    if new:
        store.add(*new, now=now)


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
