"""Rule files: shipped defaults, administrator ``policy.d``, the user's file.

Loading is I/O and lives here; matching is pure and lives in ``engine``.  A
malformed file raises :class:`PolicyFileError` naming file, line and field.
There is no partial load: a broken file, user or administrator, fails closed
(the caller denies everything with that message) because skipping it could
drop a deny and so loosen the policy.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import jsonschema
import yaml

from llmos import yamlio
from llmos.errors import ManifestError
from llmos.policy.types import EFFECT_KINDS, PATH_KINDS, Rule

DEFAULTS, ADMIN, USER = 0, 1, 2
LAYER_NAMES = {DEFAULTS: "defaults", ADMIN: "administrator", USER: "user"}
ADMIN_DIR = "/etc/llmos/policy.d"

# Matchers and the effect kinds they can apply to; a matcher implies its kinds.
MATCHER_KINDS = {"path": PATH_KINDS, "host": ("network",), "program": ("exec",),
                 "target": ("signal", "desktop", "system")}
DIR_VARS = ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")


class PolicyFileError(ManifestError):
    """A policy rule file is malformed; ``.file``, ``.line`` and ``.field`` say where."""


def _schema() -> dict:
    return json.loads(resources.files("llmos.policy").joinpath("rules.schema.json").read_text())


_VALIDATOR = jsonschema.Draft202012Validator(_schema())


def default_rules() -> tuple[Rule, ...]:
    """The shipped defaults (``llmos/policy/defaults.yaml``)."""
    text = resources.files("llmos.policy").joinpath("defaults.yaml").read_text()
    return parse_rules(text, file="defaults.yaml", layer=DEFAULTS)


def user_rules_path() -> Path:
    from llmos import xdg
    return xdg.config_dir() / "policy.yaml"


def load_rules(*, admin_dir: str | os.PathLike | None = ADMIN_DIR,
               user_file: str | os.PathLike | None = None) -> tuple[Rule, ...]:
    """All rules in order: defaults, ``admin_dir/*.yaml`` sorted by name, the user's file.

    ``user_file`` defaults to ``$XDG_CONFIG_HOME/llmos/policy.yaml``.  Missing
    directories and files are fine; unreadable or malformed ones raise
    :class:`PolicyFileError`.
    """
    rules = list(default_rules())
    if admin_dir is not None and os.path.isdir(admin_dir):
        for name in sorted(os.listdir(admin_dir)):
            if name.endswith(".yaml") and not name.startswith("."):
                rules.extend(load_rule_file(os.path.join(admin_dir, name), layer=ADMIN))
    user_file = user_rules_path() if user_file is None else Path(user_file)
    if os.path.lexists(user_file):
        rules.extend(load_rule_file(user_file, layer=USER))
    return tuple(rules)


def load_rule_file(path: str | os.PathLike, *, layer: int) -> tuple[Rule, ...]:
    """Parse one rule file; its rules are labelled ``PATH:rules[N]``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PolicyFileError(f"cannot read the rule file ({e}); fix its permissions or "
                              "remove it", file=str(path)) from e
    return parse_rules(text, file=str(path), layer=layer)


def parse_rules(text: str, *, file: str, layer: int) -> tuple[Rule, ...]:
    """Parse and validate rule-file text; raises :class:`PolicyFileError`."""
    try:
        node, data = yamlio.compose(text)
        _reject_duplicate_keys(node, file)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise PolicyFileError(f"not valid YAML: {e.problem or e}",
                              file=file, line=mark.line + 1 if mark else None) from e
    except yaml.YAMLError as e:
        raise PolicyFileError(f"not valid YAML: {e}", file=file) from e
    if data is None:
        data = {"rules": []}         # an empty file is an empty rule list
    # First error by position; at one place a misspelt field explains a missing one.
    errors = sorted(_VALIDATOR.iter_errors(data),
                    key=lambda e: (list(map(str, e.absolute_path)),
                                   e.validator != "additionalProperties"))
    if errors:
        raise _schema_error(errors[0], node, file)
    return tuple(_rule(raw, i, node, file, layer) for i, raw in enumerate(data["rules"]))


def _rule(raw: dict, index: int, root, file: str, layer: int) -> Rule:
    where = ["rules", index]

    def fail(field: str, message: str) -> PolicyFileError:
        return PolicyFileError(message, file=file, line=_line_of(root, where + [field]),
                               field=f"rules[{index}].{field}")

    kinds = _as_tuple(raw.get("effect")) or None
    matchers = {m: _as_tuple(raw.get(m)) for m in MATCHER_KINDS}
    for name, values in matchers.items():
        if not values:
            continue
        allowed = MATCHER_KINDS[name]
        if kinds is None:
            kinds = allowed
        elif any(k not in allowed for k in kinds):
            raise fail(name, f"'{name}' applies only to effects {', '.join(allowed)}, "
                             f"not {', '.join(k for k in kinds if k not in allowed)}; "
                             "split the rule in two")
    for pattern in matchers["path"]:
        problem = _path_problem(pattern)
        if problem:
            raise fail("path", f"{pattern!r}: {problem}")
    if raw.get("locked") and layer == USER:
        raise fail("locked", "'locked' is for administrator rules in "
                             f"{ADMIN_DIR}; remove it from your own file")
    if layer == DEFAULTS:
        label = f"default:{raw.get('id', f'rules[{index}]')}"
    else:
        label = f"{file}:rules[{index}]"
    return Rule(verdict=raw["verdict"], label=label, layer=layer, reason=raw.get("reason", ""),
                kinds=frozenset(kinds) if kinds else None,
                intents=_as_tuple(raw.get("intent")),
                paths=matchers["path"], hosts=tuple(h.lower().rstrip(".") or "."
                                                    for h in matchers["host"]),
                programs=matchers["program"], targets=matchers["target"],
                when=frozenset(raw.get("when", ())), locked=bool(raw.get("locked", False)),
                grantable=bool(raw.get("remember", True)))


def _path_problem(pattern: str) -> str | None:
    """Why a path pattern is unusable, or None.  Rules match canonical paths only."""
    head = pattern
    for var in DIR_VARS:
        if head.startswith("${%s}" % var):
            head = "/" + head[len(var) + 3:]
            break
    if head == "~" or head.startswith("~/"):
        head = "/" + head[1:]
    if not head.startswith("/"):
        return "must be absolute, or start with ~/ or ${XDG_..._HOME}"
    parts = head.split("/")
    if any(p in (".", "..") for p in parts):
        return "'.' and '..' are not allowed: rules match canonical paths"
    return None


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _schema_error(error: jsonschema.ValidationError, root, file: str) -> PolicyFileError:
    path = list(error.absolute_path)
    field = _field_name(path)
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        field = _field_name(path + missing[:1])
        message = f"missing required field '{missing[0]}'" if missing else error.message
    elif error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        path = path + extra[:1]
        field = _field_name(path)
        message = f"unknown field '{extra[0]}'; known fields: {', '.join(allowed)}"
    elif error.validator == "enum":
        message = f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    elif error.validator == "oneOf" and path and path[-1] == "effect":
        message = f"{error.instance!r} is not an effect kind ({', '.join(EFFECT_KINDS)})"
    else:
        message = error.message
    return PolicyFileError(message, file=file, line=_line_of(root, path), field=field or None)


def _field_name(path: list) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _line_of(node, path: list) -> int | None:
    """1-based line of the YAML node at ``path`` (or of its nearest existing parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == step), None)
            if found is None:
                return line
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _reject_duplicate_keys(node, file: str) -> None:
    # PyYAML keeps the last of two equal keys; a doubled "verdict" must not pass silently.
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise PolicyFileError(f"'{key.value}' appears twice in one mapping",
                                          file=file, line=key.start_mark.line + 1,
                                          field=key.value)
                seen.add(key.value)
            _reject_duplicate_keys(value, file)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item, file)
