"""The concrete effects of one call: the manifest's ``effects`` applied to its arguments."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from llmos.intents.manifest import EFFECT_KINDS, Intent
from llmos.plan.refs import is_ref
from llmos.policy.types import PATH_KINDS, UNRESOLVED_TARGET as UNRESOLVED, Effect

# what normalise_path_or_url keeps as a URL; a file:// address is a path, whatever its form
_WEB_ADDRESS = re.compile(r"^(?!file:)[a-z][a-z0-9+.-]*://", re.IGNORECASE)

# UNRESOLVED: a target not known until an earlier step has run; the policy never allows
# it outright at planning time, and decides again once it is resolved.


def effects_of(intent: Intent, args: dict) -> list[Effect]:
    """Every Effect of calling ``intent`` with normalised ``args``, in manifest order."""
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
            for value in _values(args[arg]):
                if web and kind in PATH_KINDS and _WEB_ADDRESS.match(value):
                    continue   # a web address is opened by the browser, not read from disk
                target = _host_of(value) if key == "network" else value
                effects.append(Effect(kind, target, arg))
    return effects


def _values(value: object) -> list[str]:
    if is_ref(value):
        return [UNRESOLVED]
    if isinstance(value, list):
        return [UNRESOLVED if is_ref(v) else str(v) for v in value]
    return [str(value)]


def _host_of(value: str) -> str:
    if value == UNRESOLVED:
        return value
    if "://" in value:
        return (urlsplit(value).hostname or value).lower()
    return value.lower()
