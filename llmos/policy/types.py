"""The policy vocabulary: frozen value types shared by every layer.

``Effect`` and ``Decision`` are the contract of ``docs/contracts.md``; the
others (``Facts``, ``Principal``, ``Rule``, ``Grant``, ``EffectDecision``) are
the inputs and the explanation of a decision.  Everything here is immutable and
hashable so that :func:`llmos.policy.decide` can stay a pure function.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALLOW, ASK, DENY = "allow", "ask", "deny"
VERDICTS = (ALLOW, ASK, DENY)
# deny beats ask beats allow: a larger number is stricter.
STRICTNESS = {ALLOW: 0, ASK: 1, DENY: 2}

EFFECT_KINDS = ("read", "write", "delete", "exec", "network", "signal", "desktop", "system")
PATH_KINDS = ("read", "write", "delete")

# Grant lifetimes; "once" is answered but never stored.
ONCE, SESSION, UNTIL, ALWAYS = "once", "session", "until", "always"
LIFETIMES = (ONCE, SESSION, UNTIL, ALWAYS)

# The intents registry uses this target for an argument that is a ``$ref`` to an
# earlier step's result: not known at planning time, decided again at run time.
UNRESOLVED_TARGET = "<unresolved>"


@dataclass(frozen=True)
class Facts:
    """What the trusted side found out about an effect's target before ``decide``.

    ``decide`` does no I/O, so symlink resolution, file modes and process owners
    are looked up by :func:`llmos.policy.canonical_effects` and carried here.
    ``canonical`` is the proof that happened: path, exec and signal effects
    without it are denied (a link must never smuggle a secret past the rules).
    """

    canonical: bool = False
    exists: bool | None = None
    world_readable: bool | None = None     # read effects: mode o+r on the canonical path
    pid: int | None = None                 # signal effects: the concrete target process
    owner_uid: int | None = None           # signal effects: real uid owning that process
    is_daemon: bool = False                # signal effects: llmos itself
    aliases: tuple[str, ...] = ()          # exec effects: names of links on the way to it


@dataclass(frozen=True)
class Effect:
    """One concrete thing a call touches.

    kind:   read | write | delete | exec | network | signal | desktop | system
    target: absolute path, program, host, pid/name, or capability word
    arg:    the argument it came from (None for capability words)
    facts:  filled in by ``canonical_effects`` on the trusted side
    within: for an ``<unresolved>`` target, the paths it is known to lie in or be
            (what the earlier step it comes from could reach); empty when unknown
    """

    kind: str
    target: str
    arg: str | None = None
    facts: Facts | None = None
    within: tuple[str, ...] = ()


@dataclass(frozen=True)
class Principal:
    """Who asks: the user the call acts for, and through what.

    ``home`` and the XDG directories must be canonical (symlinks resolved) since
    rule paths like ``~/.ssh`` are expanded against them by plain string work.
    ``session`` identifies the login/terminal session for "session" grants;
    empty means no session is known and such grants degrade to "once".
    """

    uid: int
    user: str
    home: str
    pid: int | None = None
    via: str = "cli"                 # cli | dbus | grpc | test
    app_id: str | None = None
    session: str = ""
    config_home: str = ""            # "" means the XDG default under home
    state_home: str = ""
    data_home: str = ""
    cache_home: str = ""

    def dir_var(self, name: str) -> str:
        """The value of ``HOME`` or ``XDG_*_HOME`` for this principal (pure)."""
        defaults = {"HOME": ("home", ""), "XDG_CONFIG_HOME": ("config_home", ".config"),
                    "XDG_STATE_HOME": ("state_home", ".local/state"),
                    "XDG_DATA_HOME": ("data_home", ".local/share"),
                    "XDG_CACHE_HOME": ("cache_home", ".cache")}
        attr, under_home = defaults[name]
        value = getattr(self, attr)
        if value:
            return value.rstrip("/") or "/"
        return self.home.rstrip("/") + "/" + under_home

    def to_json(self) -> dict:
        return {"uid": self.uid, "user": self.user, "pid": self.pid, "via": self.via,
                "app_id": self.app_id}


@dataclass(frozen=True)
class Rule:
    """One parsed policy rule (see ``llmos/policy/README.md`` for the YAML form).

    Matchers left empty match anything; ``kinds`` None means every kind.  A rule
    with only ``intents`` (no kind, target or condition) is a *call rule*: it
    judges the call as a whole and can only make it stricter.
    """

    verdict: str
    label: str                                   # "default:secrets", "/etc/...yaml:rules[3]"
    layer: int                                   # 0 shipped defaults, 1 administrator, 2 user
    reason: str = ""
    kinds: frozenset[str] | None = None
    intents: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    when: frozenset[str] = frozenset()
    locked: bool = False
    grantable: bool = True

    @property
    def is_call_rule(self) -> bool:
        return bool(self.intents) and self.kinds is None and not (
            self.paths or self.hosts or self.programs or self.targets or self.when)


@dataclass(frozen=True)
class Grant:
    """A remembered consent answer: turns an *ask* into allow or deny.

    ``intent`` None means any intent; ``capability`` is an effect kind and
    ``scope`` its canonical target (a path prefix, a host, a program).
    ``expires`` is a POSIX time or None; ``session`` is set for session grants.
    """

    id: str
    uid: int
    capability: str
    scope: str
    verdict: str
    lifetime: str
    created: float
    intent: str | None = None
    expires: float | None = None
    session: str | None = None

    def to_json(self) -> dict:
        return {"id": self.id, "uid": self.uid, "intent": self.intent,
                "capability": self.capability, "scope": self.scope, "verdict": self.verdict,
                "lifetime": self.lifetime, "created": self.created, "expires": self.expires,
                "session": self.session}

    @classmethod
    def from_json(cls, data: dict) -> "Grant":
        return cls(id=str(data["id"]), uid=int(data["uid"]), capability=str(data["capability"]),
                   scope=str(data["scope"]), verdict=str(data["verdict"]),
                   lifetime=str(data["lifetime"]), created=float(data["created"]),
                   intent=data.get("intent"),
                   expires=None if data.get("expires") is None else float(data["expires"]),
                   session=data.get("session"))


@dataclass(frozen=True)
class EffectDecision:
    """The verdict on one effect and why; ``grantable`` says a grant may remember it."""

    effect: Effect
    verdict: str
    reason: str
    rule: str
    grantable: bool = True


@dataclass(frozen=True)
class Decision:
    """The verdict on a whole call: allow | ask | deny, why, and which rule decided.

    ``details`` explains every effect; ``intent`` and ``principal`` travel with
    the decision so consent can show them and grants can be recorded.
    """

    verdict: str
    reason: str
    rule: str
    intent: str = ""
    principal: Principal | None = field(default=None, compare=False)
    details: tuple[EffectDecision, ...] = ()

    @property
    def asks(self) -> tuple[EffectDecision, ...]:
        """The per-effect decisions that need consent."""
        return tuple(d for d in self.details if d.verdict == ASK)

    def to_json(self) -> dict:
        return {"verdict": self.verdict, "reason": self.reason, "rule": self.rule}
