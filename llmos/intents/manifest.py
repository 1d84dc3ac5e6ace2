"""Intent manifests: parse, check and describe one YAML file.

A manifest is an MCP tool (name, title, description, input schema as
``parameters``, annotations) plus ``effects`` (what a call touches, named by
argument), ``examples`` and ``handler``.  Every problem is reported as a
:class:`ManifestError` naming the file, the line and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import yaml

from llmos import yamlio
from llmos.errors import ManifestError

SCHEMA_PATH = Path(__file__).with_name("manifest.schema.json")
FORMATS = {"path", "path-or-url", "size", "duration", "signal", "url", "host", "datetime"}
EFFECT_KINDS = {"reads": "read", "writes": "write", "deletes": "delete", "exec": "exec",
                "signals": "signal", "network": "network", "desktop": "desktop", "system": "system"}


@cache
def manifest_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


@dataclass(frozen=True)
class Example:
    lang: str
    text: str
    args: dict


@dataclass(frozen=True)
class Intent:
    """One registered intent: the unit the planner, policy and sandbox speak of."""

    name: str
    title: str
    description: str
    parameters: dict
    effects: dict
    handler: str
    annotations: dict = field(default_factory=dict)
    output: dict | None = None
    examples: tuple[Example, ...] = ()
    source: str = "<memory>"

    @property
    def properties(self) -> dict:
        return self.parameters.get("properties", {})

    @property
    def required(self) -> list[str]:
        return list(self.parameters.get("required", []))

    @property
    def output_fields(self) -> set[str] | None:
        """Result keys a later step may ``$ref``; None when the manifest does not say."""
        if not self.output or "properties" not in self.output:
            return None
        return set(self.output["properties"])

    def to_mcp(self) -> dict:
        """This intent as an MCP ``Tool`` (spec 2026-07-28)."""
        tool: dict[str, Any] = {"name": self.name, "title": self.title,
                                "description": self.description, "inputSchema": self.parameters}
        if self.output:
            tool["outputSchema"] = self.output
        if self.annotations:
            tool["annotations"] = self.annotations
        return tool

    def to_json(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "parameters": self.parameters, "output": self.output,
                "annotations": self.annotations, "effects": self.effects,
                "handler": self.handler, "source": self.source,
                "examples": [vars(e) for e in self.examples]}


# --- parsing with line numbers ---------------------------------------------------------

def _compose(text: str, file: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the data it constructs, from one parse."""
    try:
        return yamlio.compose(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise ManifestError(f"not valid YAML: {e.problem or e}", file=file, line=line) from None
    except yaml.YAMLError as e:
        raise ManifestError(f"not valid YAML: {e}", file=file) from None


def _line_of(node: yaml.Node | None, path: Iterable[Any]) -> int | None:
    """1-based line of the YAML node at a JSON path (the deepest one that exists)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    child = v
                    line = k.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line


def _field(path: Iterable[Any]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


@cache
def _validators() -> tuple[jsonschema.Validator, jsonschema.Validator]:
    """(manifest format, JSON Schema meta-schema): built once, shared by every manifest."""
    cls = jsonschema.Draft202012Validator
    return cls(manifest_schema()), cls(cls.META_SCHEMA)


def parse_manifest(text: str, file: str = "<string>") -> Intent:
    """Parse and check one manifest; raise ManifestError naming file, line and field."""
    root, data = _compose(text, file)
    if not isinstance(data, dict):
        raise ManifestError("a manifest must be a YAML mapping with name, title, description, "
                            "parameters, effects and handler", file=file, line=1)

    def fail(message: str, path: list[Any]) -> ManifestError:
        return ManifestError(message, file=file, line=_line_of(root, path), field=_field(path))

    errors = sorted(_validators()[0].iter_errors(data),
                    key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        e = errors[0]
        raise fail(e.message, list(e.absolute_path))

    params = data["parameters"]
    e = jsonschema.exceptions.best_match(_validators()[1].iter_errors(params))
    if e is not None:
        raise fail(f"not a valid JSON Schema: {e.message}", ["parameters", *e.absolute_path])
    props = params.get("properties", {})
    for i, name in enumerate(params.get("required", [])):
        if name not in props:
            raise fail(f"required argument '{name}' is not among the properties", ["parameters", "required", i])
    for name, prop in props.items():
        fmt = _format_of(prop)
        if fmt is not None and fmt not in FORMATS:
            raise fail(f"unknown format '{fmt}'; use one of {sorted(FORMATS)}",
                       ["parameters", "properties", name, "format"])
        x_default = prop.get("x-default")
        if x_default and x_default[x_default.index("(") + 1:-1] not in props:
            raise fail(f"x-default refers to an unknown argument: {x_default}",
                       ["parameters", "properties", name, "x-default"])

    effects = data["effects"]
    for key, value in effects.items():
        names = value["hosts"] if key == "network" else value
        if key in ("desktop", "system"):
            continue
        for i, arg in enumerate(names):
            if arg not in props:
                where = ["effects", key, "hosts", i] if key == "network" else ["effects", key, i]
                raise fail(f"effect names an unknown argument '{arg}'", where)

    examples = []
    for i, ex in enumerate(data.get("examples", [])):
        for arg in ex["args"]:
            if arg not in props:
                raise fail(f"example uses an unknown argument '{arg}'", ["examples", i, "args", arg])
        examples.append(Example(ex["lang"], ex["text"], ex["args"]))

    return Intent(name=data["name"], title=data["title"], description=data["description"],
                  parameters=params, effects=effects, handler=data["handler"],
                  annotations=data.get("annotations", {}), output=data.get("output"),
                  examples=tuple(examples), source=file)


def load_manifest(path: str | Path) -> Intent:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ManifestError(f"not UTF-8 text ({e.reason})", file=str(path)) from None
    except OSError as e:
        raise ManifestError(f"cannot read: {e.strerror}", file=str(path)) from None
    return parse_manifest(text, str(path))


def _format_of(prop: dict) -> str | None:
    """The normalisation format of a property, looking through arrays."""
    if "format" in prop:
        return prop["format"]
    items = prop.get("items")
    return items.get("format") if isinstance(items, dict) else None
