"""The one call the executor makes: canonicalise, decide, ask, record.

This is the I/O shell around the pure :func:`llmos.policy.decide`.  Every
failure here fails closed: a malformed rule file, an unreadable grants file or
an audit log that cannot be written turns the call into a *deny* that says
what to fix.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable, Mapping, Sequence

from llmos import audit
from llmos.policy.commands import hides_what_runs
from llmos.policy.consent import AutoYes, Consent, NoConsent, TerminalConsent, resolve
from llmos.policy.engine import decide
from llmos.policy.facts import canonical_effects, current_principal
from llmos.policy.grants import GrantsFileError, GrantStore
from llmos.policy.plans import runs_a_download
from llmos.policy.rules import PolicyFileError, load_rules
from llmos.policy.types import ALLOW, DENY, Decision, Effect, Principal, Rule


def authorize(principal: Principal, intent_name: str, args: Mapping, effects: Iterable[Effect],
              *, consent: Consent, rules: Sequence[Rule] | None = None,
              grants: GrantStore | None = None, annotations: Mapping | None = None,
              daemon_pids: Iterable[int] = (), ask: bool = True,
              audit_path: str | None = None, record: bool = True, hazard: str | None = None) -> Decision:
    """Decide one concrete call and, when it asks, ask; the decision is audited.

    ``effects`` are the raw effects from the intents registry; they are
    canonicalised here.  ``rules`` default to :func:`load_rules`, ``grants`` to
    the user's store.  With ``ask=False`` (dry runs) an *ask* is returned as is.
    ``hazard`` is why the plan around the call forbids it (:mod:`llmos.policy.plans`):
    a deny that no rule, grant or answer overrides; so is a command whose program
    hides what really runs (:mod:`llmos.policy.commands`).
    Returns the final Decision; the caller runs the call only on ``allow``.
    """
    effects = list(effects)
    canonical = canonical_effects(effects, daemon_pids=daemon_pids)
    decision = _decide(principal, intent_name, args, canonical, rules, grants, annotations)
    # the program as asked for and as found (a link may name a shell or a wrapper)
    hidden = hides_what_runs(effects, args) or hides_what_runs(canonical, args)
    if hazard or hidden:
        decision = Decision(DENY, hazard or hidden, "plan" if hazard else "command", intent_name,
                            principal, decision.details)
    if ask and decision.rule not in ("config:error", "grants:error"):
        store = grants if grants is not None else GrantStore()
        decision = resolve(decision, consent, store)
    if record:
        try:
            audit.record_decision(principal, intent_name, args, decision, canonical,
                                  dry_run=not ask, path=audit_path)
        except OSError as e:
            return Decision(DENY, f"cannot write the audit log ({e}); nothing runs unrecorded",
                            "audit:error", intent_name, principal, decision.details)
    return decision


def _decide(principal, intent_name, args, effects, rules, grants, annotations) -> Decision:
    try:
        rules = load_rules() if rules is None else rules
    except PolicyFileError as e:
        return Decision(DENY, f"{e}; every call is refused until this is fixed", "config:error",
                        intent_name, principal)
    try:
        store = grants if grants is not None else GrantStore()
        now = time.time()
        live = store.live(now)
    except GrantsFileError as e:
        return Decision(DENY, str(e), "grants:error", intent_name, principal)
    return decide(principal, intent_name, args, effects, rules, live,
                  annotations=annotations, now=now)


def default_consent(assume_yes: bool = False) -> Consent:
    """``--yes`` → AutoYes; a terminal → TerminalConsent; otherwise NoConsent."""
    if assume_yes:
        return AutoYes()
    try:
        with open("/dev/tty", "rb"):
            return TerminalConsent()
    except OSError:
        return NoConsent()


def executor_hooks(assume_yes: bool = False, *, consent: Consent | None = None,
                   runner: Callable | None = None) -> dict[str, Any]:
    """Keyword arguments for ``llmos.plan.executor.Executor``: a policy ``gate``
    and a ``runner`` that audits every execution (wrapping ``runner``, by
    default the in-process one)."""
    chosen = consent if consent is not None else default_consent(assume_yes)

    def gate(intent: Any, args: dict, ctx: Any, earlier: Sequence[tuple[Any, dict]] = ()) -> Decision:
        from llmos.intents.effects import plan_effects
        principal = current_principal(via="cli")
        *before, effects = plan_effects([*earlier, (intent, args)])
        hazard = runs_a_download(before, effects, args, ctx.cwd, ctx.home)
        return authorize(principal, intent.name, args, effects,
                         consent=chosen, annotations=getattr(intent, "annotations", None),
                         ask=not getattr(ctx, "dry_run", False), hazard=hazard)

    if runner is None:
        from llmos.plan.executor import run_in_process
        runner = run_in_process
    return {"gate": gate, "runner": audited(runner)}


def audited(runner: Callable) -> Callable:
    """Wrap a runner ``(intent, args, ctx) -> dict`` so each run is audited:
    outcome and duration, never the handler's output."""

    def run(intent: Any, args: dict, ctx: Any) -> dict:
        principal = current_principal(via="cli")
        started = time.monotonic()
        try:
            result = runner(intent, args, ctx)
        except BaseException as e:
            audit.record_execution(principal, intent.name, args, "error",
                                   duration_s=time.monotonic() - started,
                                   error=f"{type(e).__name__}: {e}")
            raise
        audit.record_execution(principal, intent.name, args, "ok",
                               duration_s=time.monotonic() - started)
        return result

    return run


__all__ = ["authorize", "default_consent", "executor_hooks", "audited", "ALLOW"]
