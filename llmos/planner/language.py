"""The plan language the planner model writes, 1:1 with the JSON plan.

    files.find path=" ~/Downloads" sort=size order=desc limit=5 ; files.trash paths=@0.paths

- steps are separated by `` ; ``; a request with no matching intent is `` none``;
- arguments come in the order of the intent's schema properties, ``name=value``;
- a string is ``" text"``: the space after the quote is syntax (it lets the value's
  first sentencepiece piece be the same ``▁word`` piece as in the request, which is
  what makes copying easy for a small model); ``\\"``, ``\\\\`` and ``\\n`` escape;
- sizes and durations are strings as the person said them (``" 2 days"``); the
  foundation's normalisation turns them into seconds and bytes, never the model;
- integers and booleans are bare, enum values are bare words;
- arrays are ``[" a"," b"]``; ``@N.field`` is ``{"$ref": "steps[N].field"}``, and
  ``@N.field[K]`` one item of it (``@0.pids[0]``: the first process an earlier step found).

Rendering and parsing are pure functions; :mod:`llmos.planner.grammar` constrains
decoding to exactly this language.
"""

from __future__ import annotations

import re
from typing import Any

from llmos.errors import PlanError
from llmos.intents.manifest import Intent
from llmos.plan.model import Plan, Step

NONE = "none"
STEP_SEPARATOR = " ;"


def ref_text(ref: str) -> str:
    """``steps[0].paths`` → ``@0.paths``; ``steps[0].pids[0]`` → ``@0.pids[0]``."""
    m = re.fullmatch(r"steps\[(\d+)\]\.([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?)", ref)
    if not m:
        raise PlanError(f"the plan language refers to a field of an earlier step or one item of it, not {ref!r}")
    return f"@{m.group(1)}.{m.group(2)}"


def quote(value: str) -> str:
    return '" ' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_value(value: Any, prop: dict) -> str:
    if isinstance(value, dict) and set(value) == {"$ref"}:
        return ref_text(value["$ref"])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and prop.get("type") == "integer" and "format" not in prop:
        return str(value)
    if isinstance(value, list):
        item = prop.get("items", {}) if isinstance(prop.get("items"), dict) else {}
        return "[" + ",".join(render_value(v, item) for v in value) + "]"
    if "enum" in prop:
        return str(value)
    return quote(str(value))


def render_plan(steps: list[tuple[str, dict]], intents: dict[str, Intent]) -> str:
    """Steps ``[(intent, args)]`` with args in copy form → plan text (with its leading space)."""
    if not steps:
        return " " + NONE
    parts = []
    for name, args in steps:
        props = intents[name].properties
        order = [k for k in props if k in args]
        unknown = set(args) - set(props)
        if unknown:
            raise PlanError(f"{name} has no argument {', '.join(sorted(unknown))}")
        words = [" " + name] + [f" {k}={render_value(args[k], props[k])}" for k in order]
        parts.append("".join(words))
    return STEP_SEPARATOR.join(parts)


# --- parsing ------------------------------------------------------------------------------

_TOKEN = re.compile(r'''\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<ref>@\d+\.[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?)|'''
                    r'''(?P<punct>[\[\],;=])|(?P<word>[^\s\[\],;="]+))''')


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise PlanError(f"cannot read the plan at {text[pos:pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def unquote(token: str) -> str:
    body = token[1:-1]
    if body.startswith(" "):
        body = body[1:]
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), body)


def _value(tokens: list[tuple[str, str]], i: int, prop: dict) -> tuple[Any, int]:
    kind, text = tokens[i]
    if kind == "string":
        return unquote(text), i + 1
    if kind == "ref":
        n, field = text[1:].split(".", 1)
        return {"$ref": f"steps[{int(n)}].{field}"}, i + 1
    if text == "[":
        items, i = [], i + 1
        item_prop = prop.get("items", {}) if isinstance(prop.get("items"), dict) else {}
        while tokens[i][1] != "]":
            value, i = _value(tokens, i, item_prop)
            items.append(value)
            if tokens[i][1] == ",":
                i += 1
        return items, i + 1
    if kind == "word":
        if text in ("true", "false"):
            return text == "true", i + 1
        if re.fullmatch(r"-?\d+", text):
            return int(text), i + 1
        return text, i + 1
    raise PlanError(f"unexpected {text!r} in the plan")


def parse_plan(text: str, intents: dict[str, Intent] | None = None) -> list[Step]:
    """Plan text → steps with arguments as the model wrote them (normalise them next)."""
    tokens = _tokens(text)
    if [t for _, t in tokens] == [NONE]:
        return []
    steps: list[Step] = []
    i = 0
    try:
        while i < len(tokens):
            kind, name = tokens[i]
            if kind != "word":
                raise PlanError(f"expected an intent name, found {name!r}")
            props = intents[name].properties if intents and name in intents else {}
            args: dict[str, Any] = {}
            i += 1
            while i < len(tokens) and tokens[i][1] != ";":
                arg = tokens[i][1]
                if tokens[i + 1][1] != "=":
                    raise PlanError(f"expected '=' after {arg}")
                args[arg], i = _value(tokens, i + 2, props.get(arg, {}))
            steps.append(Step(name, args))
            i += 1  # the ';'
    except IndexError:
        raise PlanError("the plan ends in the middle of a step") from None
    return steps


def plan_to_text(plan: Plan, intents: dict[str, Intent]) -> str:
    return render_plan([(s.intent, s.args) for s in plan.steps], intents).strip()
