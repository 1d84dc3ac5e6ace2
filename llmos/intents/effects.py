"""The concrete effects of one call: the manifest's ``effects`` applied to its arguments."""

from __future__ import annotations

import re
from typing import Sequence
from urllib.parse import urlsplit

from llmos.intents.manifest import EFFECT_KINDS, Intent
from llmos.plan.refs import is_ref, parse_ref
from llmos.policy.types import PATH_KINDS, UNRESOLVED_TARGET as UNRESOLVED, Effect

# what normalise_path_or_url keeps as a URL; a file:// address is a path, whatever its form
_WEB_ADDRESS = re.compile(r"^(?!file:)[a-z][a-z0-9+.-]*://", re.IGNORECASE)

# UNRESOLVED: a target not known until an earlier step has run; the policy never allows
# it outright at planning time, and decides again once it is resolved.


def effects_of(intent: Intent, args: dict, earlier: Sequence[Sequence[Effect]] = ()) -> list[Effect]:
    """Every Effect of calling ``intent`` with normalised ``args``, in manifest order.

    ``earlier`` holds the effects of the plan's earlier steps: a ``$ref`` to one of
    them is UNRESOLVED, but ``within`` the paths that step's effects name."""
    effects: list[Effect] = []
    for key, spec in intent.effects.items():
        kind = EFFECT_KINDS[key]
        if key in ("desktop", "system"):
            effects.extend(Effect(kind, word, None) for word in spec)
            continue
        for arg in spec["hosts"] if key == "network" else spec:
            if arg not in args:
                continue
            web = intent.properties.get(arg, {}).get("format") == "path-or-url"
            value = args[arg]
            for item in value if isinstance(value, list) else [value]:
                if is_ref(item):
                    within = results_within(item, earlier) if kind in PATH_KINDS else ()
                    effects.append(Effect(kind, UNRESOLVED, arg, within=within))
                    continue
                item = str(item)
                if web and kind in PATH_KINDS and _WEB_ADDRESS.match(item):
                    continue   # a web address is opened by the browser, not read from disk
                effects.append(Effect(kind, _host_of(item) if key == "network" else item, arg))
    return effects


def plan_effects(calls: Sequence[tuple[Intent, dict]]) -> list[list[Effect]]:
    """The effects of each call of a plan, each seen after the calls before it."""
    out: list[list[Effect]] = []
    for intent, args in calls:
        out.append(effects_of(intent, args, out))
    return out


def results_within(ref: dict, earlier: Sequence[Sequence[Effect]]) -> tuple[str, ...]:
    """Where the paths an earlier step gives can lie: in the paths its own effects name,
    since its sandbox reached nothing else (a search's results lie in the folder it
    read).  Empty when that is not known: no such step, or a step that names no path."""
    index = parse_ref(ref["$ref"])[0]
    if not 0 <= index < len(earlier):
        return ()
    places: list[str] = []
    for effect in earlier[index]:
        if effect.kind not in PATH_KINDS:
            continue
        if effect.target == UNRESOLVED and not effect.within:
            return ()
        places.extend(effect.within if effect.target == UNRESOLVED else [effect.target])
    return tuple(dict.fromkeys(places))


def _host_of(value: str) -> str:
    if "://" in value:
        return (urlsplit(value).hostname or value).lower()
    return value.lower()
