"""``$ref`` between steps: ``{"$ref": "steps[0].paths"}`` names an earlier step's result."""

from __future__ import annotations

import re
from typing import Any, Callable

from llmos.errors import PlanError

_REF = re.compile(r"^steps\[(\d+)\]((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+)$")
_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def is_ref(value: object) -> bool:
    return isinstance(value, dict) and set(value) == {"$ref"}


def parse_ref(text: object) -> tuple[int, list[str | int]]:
    """``"steps[0].paths[1]"`` → ``(0, ["paths", 1])``; a clear PlanError otherwise."""
    m = _REF.match(text) if isinstance(text, str) else None
    if not m:
        raise PlanError(f"bad $ref {text!r}: write it as \"steps[N].field\", e.g. \"steps[0].paths\"")
    parts: list[str | int] = [name if name else int(index) for name, index in _PART.findall(m.group(2))]
    return int(m.group(1)), parts


def resolve_ref(text: str, results: list[dict]) -> Any:
    """The value a $ref names, from the results of the steps that already ran."""
    step, parts = parse_ref(text)
    if step >= len(results):
        raise PlanError(f"$ref {text} points at step {step}, which has not run")
    value: Any = results[step]
    for part in parts:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            raise PlanError(f"$ref {text}: step {step}'s result has no {part!r}") from None
    return value


def moved_refs(value: Any, to: Callable[[int], int]) -> Any:
    """``value`` with every ``$ref`` to step k made a ``$ref`` to step ``to(k)``: steps were put
    before it, or taken out."""
    if is_ref(value):
        return {"$ref": re.sub(r"^steps\[(\d+)\]", lambda m: f"steps[{to(int(m.group(1)))}]", value["$ref"])}
    if isinstance(value, dict):
        return {k: moved_refs(v, to) for k, v in value.items()}
    if isinstance(value, list):
        return [moved_refs(v, to) for v in value]
    return value


def referenced_steps(value: Any) -> set[int]:
    """The steps whose results the ``$ref``s in ``value`` name."""
    named: set[int] = set()
    moved_refs(value, lambda k: named.add(k) or k)
    return named
