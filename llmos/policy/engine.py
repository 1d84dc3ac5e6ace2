"""The decision: a pure function of (principal, intent, args, effects, rules, grants).

No I/O happens here.  Paths must already be canonical (``canonical_effects``
resolves symlinks and ``..`` on the trusted side and records it in
``Effect.facts``); this module only compares strings.

Per effect the most specific matching rule decides; over the call, deny beats
ask beats allow.  Specificity, most significant first:
  1. the target matcher: longest literal path prefix (an exact path beats a
     glob of the same prefix); exact host beats ``*.domain`` beats ``*``; a
     named program or target beats none;
  2. the number of ``when`` conditions;
  3. an ``intent`` matcher (exact name over glob over none);
  4. an ``effect`` matcher over none;
  5. the later layer (user over administrator over shipped defaults);
  6. the stricter verdict.
A *locked* administrator rule that matches sets a floor: user rules looser than
it are ignored for that effect, and grants cannot answer its asks.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from functools import lru_cache
from typing import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from llmos.policy.rules import DIR_VARS, USER
from llmos.policy.types import (ALLOW, ASK, DENY, EFFECT_KINDS, PATH_KINDS, STRICTNESS,
                                UNRESOLVED_TARGET, Decision, Effect, EffectDecision, Facts, Grant,
                                Principal, Rule)

# Kinds whose target must have been resolved on the trusted side.
CANONICAL_KINDS = PATH_KINDS + ("exec", "signal")
_METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


def decide(principal: Principal, intent_name: str, args: Mapping, effects: Iterable[Effect],
           rules: Sequence[Rule], grants: Iterable[Grant] = (), *,
           annotations: Mapping | None = None, now: float | None = None) -> Decision:
    """Judge one call.  Pure: the same inputs give the same Decision.

    ``effects`` must come from :func:`llmos.policy.canonical_effects`.  ``grants``
    answer asks (never denies); those expired at ``now`` (POSIX seconds) are
    ignored; without ``now`` grants with an expiry are ignored too.  MCP
    ``annotations`` can only make a call stricter: ``destructiveHint`` on a call
    that would be allowed turns it into an ask.  ``args`` is not consulted:
    effects carry every argument that matters, and intents judge by effects.
    """
    del args  # effects are what the policy judges; kept in the signature by contract
    live = [g for g in grants if _grant_live(g, principal, now)]
    effects = list(effects)
    details = [_decide_effect(principal, intent_name, e, rules, live) for e in effects]
    details.extend(_decide_effect(principal, intent_name, inner, rules, live)
                   for e in effects for inner in _deleted_inside(principal, e, rules))
    details.extend(_call_rules(intent_name, rules))
    hints = annotations or {}
    if hints.get("destructiveHint") and not any(d.verdict != ALLOW for d in details):
        details.append(EffectDecision(Effect("intent", intent_name), ASK,
                                      "the intent says it is destructive",
                                      "annotation:destructiveHint", grantable=False))
    if not details:
        return Decision(ALLOW, "touches nothing", "builtin:no-effects", intent_name,
                        principal, ())
    worst = max(details, key=lambda d: STRICTNESS[d.verdict])
    return Decision(worst.verdict, worst.reason, worst.rule, intent_name, principal,
                    tuple(details))


def _decide_effect(principal: Principal, intent: str, effect: Effect, rules: Sequence[Rule],
                   grants: Sequence[Grant]) -> EffectDecision:
    def verdict(v: str, reason: str, rule: str, grantable: bool = True) -> EffectDecision:
        return EffectDecision(effect, v, f"{effect.kind} {effect.target}: {reason}", rule,
                              grantable)

    if effect.kind not in EFFECT_KINDS:
        return verdict(DENY, "unknown effect kind", "builtin:unknown-kind")
    if effect.target == UNRESOLVED_TARGET:
        return _denied_throughout(principal, intent, effect, rules) or verdict(
            ASK, "known only once an earlier step has run; decided again then",
            "builtin:unresolved", grantable=False)
    if effect.kind in CANONICAL_KINDS and not (effect.facts and effect.facts.canonical):
        return verdict(DENY, "target not canonicalised (call canonical_effects first)",
                       "builtin:not-canonical")
    if effect.kind in PATH_KINDS and not effect.target.startswith("/"):
        return verdict(DENY, "path is not absolute", "builtin:relative-path")
    if effect.kind == "network" and host_of(effect.target) is None:
        return verdict(DENY, "not a valid host name or address", "builtin:bad-host")

    conditions = effect_conditions(principal, effect)
    scored = []
    for rule in rules:
        if rule.is_call_rule:
            continue
        score = _match(rule, principal, intent, effect, conditions)
        if score is not None:
            scored.append((score, rule))
    locked = [r for _, r in scored if r.locked and r.layer < USER]
    floor = max((STRICTNESS[r.verdict] for r in locked), default=0)
    scored = [(s, r) for s, r in scored
              if not (r.layer == USER and STRICTNESS[r.verdict] < floor)]
    if not scored:
        return verdict(DENY, "no rule covers this", "builtin:no-rule")
    _, winner = max(scored, key=lambda sr: sr[0])
    reason = winner.reason or f"{winner.verdict} by rule"
    grantable = winner.grantable and not any(r.verdict == ASK for r in locked)
    if winner.verdict != ASK or not grantable:
        return verdict(winner.verdict, reason, winner.label, grantable)
    grant = _matching_grant(grants, intent, effect)
    if grant is None:
        return verdict(ASK, reason, winner.label)
    how = "allowed" if grant.verdict == ALLOW else "refused"
    return verdict(grant.verdict, f"you {how} this ({grant.lifetime}); {reason}",
                   f"grant:{grant.id}")


def _deleted_inside(principal: Principal, effect: Effect, rules: Sequence[Rule]) -> list[Effect]:
    """Deleting a folder deletes everything in it: for a delete of ``~`` (or ``~/.config``),
    the delete of each path inside it that a deny rule names (``~/.ssh``, llmos's own rules)
    is judged too, so that "rm -rf ~" is denied as surely as "rm -rf ~/.ssh".  Pure: the
    paths come from the rules, not the disk; a glob's wildcards stand for any name."""
    if effect.kind != "delete" or not (effect.facts and effect.facts.canonical) or not effect.target.startswith("/"):
        return []
    inside = effect.target.rstrip("/") + "/"
    out = []
    for rule in rules:
        if rule.verdict != DENY or (rule.kinds is not None and "delete" not in rule.kinds):
            continue
        for pattern in rule.paths:
            path = re.sub(r"\*+|\?|\[[^]]*\]", "x", expand_pattern(pattern, principal))
            if path.startswith(inside):
                out.append(Effect("delete", path, effect.arg, effect.facts))
    return out


def _denied_throughout(principal: Principal, intent: str, effect: Effect,
                       rules: Sequence[Rule]) -> EffectDecision | None:
    """An unresolved path that lies in ``effect.within`` (what an earlier step could reach)
    is denied already when each of those places is, and no rule that could give less
    names a path inside one or depends on a condition: the rules then judge every path
    inside a place as they judge the place ("find the folders in /boot, delete them" is
    a delete in /boot).  None when that is not certain; it is decided again once known."""
    if effect.kind not in PATH_KINDS or not effect.within:
        return None
    denied = []
    for place in effect.within:
        if not place.startswith("/"):
            return None
        inside = place.rstrip("/") + "/"
        for rule in rules:
            if rule.verdict == DENY or (rule.kinds is not None and effect.kind not in rule.kinds):
                continue   # a deny inside a denied place changes nothing
            if rule.when:
                return None
            for pattern in rule.paths:
                pattern = expand_pattern(pattern, principal)
                literal = re.split(r"[*?[]", pattern, maxsplit=1)[0]
                if literal.startswith(inside) or (literal != pattern and inside.startswith(literal)):
                    return None
        decision = _decide_effect(principal, intent, Effect(effect.kind, place, effect.arg, Facts(canonical=True)),
                                  rules, ())
        if decision.verdict != DENY:
            return None
        denied.append(decision)
    places = ", ".join(effect.within)
    reason = denied[0].reason.split(": ", 1)[-1]
    return EffectDecision(effect, DENY, f"{effect.kind} of what an earlier step gives in {places}: {reason}",
                          denied[0].rule, grantable=False)


def _call_rules(intent: str, rules: Sequence[Rule]) -> list[EffectDecision]:
    """The most specific call rule for this intent, if any: it can only tighten."""
    best = None
    for rule in rules:
        if not rule.is_call_rule:
            continue
        score = _intent_score(rule, intent)
        if score is None:
            continue
        key = (score, rule.layer, STRICTNESS[rule.verdict])
        if best is None or key > best[0]:
            best = (key, rule)
    if best is None or best[1].verdict == ALLOW:
        return []
    rule = best[1]
    return [EffectDecision(Effect("intent", intent), rule.verdict,
                           f"{intent}: {rule.reason or rule.verdict + ' by rule'}", rule.label,
                           grantable=False)]


def effect_conditions(principal: Principal, effect: Effect) -> frozenset[str]:
    """The ``when`` conditions that hold for an effect (from its facts; pure)."""
    facts = effect.facts
    found = set()
    if effect.kind == "read" and facts and facts.world_readable:
        found.add("world_readable")
    if effect.kind == "signal" and facts:
        if facts.pid is None:
            found.add("no_such_process")
        elif facts.pid <= 0:
            found.add("broadcast")
        elif facts.pid == 1:
            found.add("init")
        if facts.pid is not None and facts.pid > 0 and facts.owner_uid != principal.uid:
            found.add("other_user")    # an unknown owner counts as someone else's
        if facts.is_daemon:
            found.add("daemon")
    if effect.kind == "network" and is_local_address(host_of(effect.target) or ""):
        found.add("local_address")
    return frozenset(found)


def _match(rule: Rule, principal: Principal, intent: str, effect: Effect,
           conditions: frozenset[str]) -> tuple | None:
    """The specificity of ``rule`` for ``effect``, or None when it does not match."""
    if rule.kinds is not None and effect.kind not in rule.kinds:
        return None
    if not rule.when <= conditions:
        return None
    intent_score = _intent_score(rule, intent)
    if intent_score is None:
        return None
    target_score = _target_score(rule, principal, effect)
    if target_score is None:
        return None
    return (target_score, len(rule.when), intent_score, rule.kinds is not None, rule.layer,
            STRICTNESS[rule.verdict])


def _intent_score(rule: Rule, intent: str) -> int | None:
    if not rule.intents:
        return 0
    if intent in rule.intents:
        return 2
    if any(fnmatch.fnmatchcase(intent, p) for p in rule.intents):
        return 1
    return None


def _target_score(rule: Rule, principal: Principal, effect: Effect) -> tuple | None:
    kind, target = effect.kind, effect.target
    if kind in PATH_KINDS and rule.paths:
        return _best(path_score(expand_pattern(p, principal), target) for p in rule.paths)
    if kind == "network" and rule.hosts:
        host = host_of(target)
        return _best(host_score(p, host) for p in rule.hosts)
    if kind == "exec" and rule.programs:
        # a deny names a program by any name it was asked by; allow and ask by what it is
        names = (target, *(effect.facts.aliases if effect.facts and rule.verdict == DENY else ()))
        return _best(program_score(p, name) for p in rule.programs for name in names)
    if rule.targets:
        return _best((3, len(p)) if p == target else
                     ((2, len(p)) if fnmatch.fnmatchcase(target, p) else None)
                     for p in rule.targets)
    if rule.paths or rule.hosts or rule.programs:
        return None        # a matcher for another kind of target
    return (0, 0)


def _best(scores: Iterable[tuple | None]) -> tuple | None:
    found = [s for s in scores if s is not None]
    return max(found) if found else None


def expand_pattern(pattern: str, principal: Principal) -> str:
    """``~`` and ``${XDG_*_HOME}`` expanded from the principal (pure)."""
    if pattern == "~" or pattern.startswith("~/"):
        return principal.home.rstrip("/") + pattern[1:]
    for var in DIR_VARS:
        token = "${%s}" % var
        if pattern.startswith(token):
            return principal.dir_var(var) + pattern[len(token):]
    return pattern


@lru_cache(maxsize=4096)
def _glob_regex(pattern: str) -> re.Pattern:
    # "**" crosses "/", "*" and "?" do not; a match also covers everything below it.
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + "(?:/.*)?", re.DOTALL)


def path_score(pattern: str, path: str) -> tuple | None:
    """Specificity of a canonical path pattern for ``path``: (literal prefix length, exact)."""
    pattern = pattern.rstrip("/") or "/"
    if pattern.endswith("/**"):
        pattern = pattern[:-3] or "/"
    wild = min((i for i in (pattern.find(c) for c in "*?") if i >= 0), default=-1)
    if wild < 0:
        if pattern == "/" or path == pattern or path.startswith(pattern + "/"):
            return (len(pattern), 1)
        return None
    if _glob_regex(pattern).fullmatch(path):
        return (wild, 0)
    return None


def host_of(target: str) -> str | None:
    """The canonical host of a URL or host name: lower case, no trailing dot, IDNA.

    None for anything that is not plainly a host: NUL bytes, user info, spaces.
    """
    value = target.strip()
    if "://" in value:
        try:
            parts = urlsplit(value)
            if parts.username is not None or parts.password is not None:
                return None
            value = parts.hostname or ""
        except ValueError:
            return None
    value = value.lower().rstrip(".")
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if not re.fullmatch(r"[a-z0-9_]([a-z0-9_-]{0,62}\.)*[a-z0-9_-]{0,63}", value) \
            or ".." in value:
        return None
    return value


def is_local_address(host: str) -> bool:
    """Loopback, link-local, private, reserved and cloud-metadata hosts (by name or literal)."""
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost") \
            or host in _METADATA_HOSTS:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_reserved
            or ip.is_multicast or ip.is_unspecified)


def host_score(pattern: str, host: str | None) -> tuple | None:
    """Exact host (3) beats ``*.domain`` (2, longer domain first) beats ``*`` (1)."""
    if host is None:
        return None
    if pattern == "*":
        return (1, 0)
    if pattern.startswith("*."):
        suffix = pattern[1:]
        return (2, len(suffix)) if host.endswith(suffix) else None
    canon = host_of(pattern)
    return (3, len(pattern)) if canon == host else None


def program_score(pattern: str, program: str) -> tuple | None:
    """A pattern with ``/`` matches the canonical path, one without matches its basename."""
    if "/" in pattern:
        score = path_score(pattern, program)
        return None if score is None else (2,) + score
    base = program.rsplit("/", 1)[-1]
    if base == pattern:
        return (1, len(pattern), 1)
    if fnmatch.fnmatchcase(base, pattern):
        return (1, len(pattern), 0)
    return None


def scope_covers(capability: str, scope: str, target: str) -> bool:
    """Whether a grant's scope covers a canonical target of that capability (pure)."""
    if capability in PATH_KINDS:
        return target == scope or target.startswith(scope.rstrip("/") + "/")
    if capability == "network":
        host = host_of(target)
        return host is not None and host_score(scope, host) is not None
    return target == scope


def _grant_live(grant: Grant, principal: Principal, now: float | None) -> bool:
    if grant.uid != principal.uid:
        return False
    if grant.expires is not None and (now is None or grant.expires <= now):
        return False
    if grant.session is not None and grant.session != principal.session:
        return False
    return True


def _matching_grant(grants: Sequence[Grant], intent: str, effect: Effect) -> Grant | None:
    # The most specific grant wins; at a tie a deny wins.
    best = None
    for g in grants:
        if g.capability != effect.kind or (g.intent is not None and g.intent != intent):
            continue
        if not scope_covers(g.capability, g.scope, effect.target):
            continue
        key = (len(g.scope), g.intent is not None, STRICTNESS[g.verdict])
        if best is None or key > best[0]:
            best = (key, g)
    return None if best is None else best[1]
