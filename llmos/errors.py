"""One error hierarchy for every layer; leaves also derive from builtins.

``str(error)`` is always a message for a person, saying what to do next where
there is something to do.
"""

from __future__ import annotations


class LlmosError(Exception):
    """Base of every error llmos raises on purpose."""


class ManifestError(LlmosError, ValueError):
    """An intent manifest is malformed; names the file, line and field."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.file, self.line, self.field = file, line, field
        where = ":".join(str(p) for p in (file, line) if p is not None)
        parts = [p for p in (where, f"field '{field}'" if field else None) if p]
        super().__init__(f"{', '.join(parts)}: {message}" if parts else message)
        self.message = message


class PlanError(LlmosError, ValueError):
    """A plan is invalid (unknown intent, bad argument, dangling $ref); nothing ran."""


class NormaliseError(PlanError):
    """An argument value could not be understood (e.g. '100 parsecs' as a size)."""


class ToolError(LlmosError, RuntimeError):
    """An intent handler failed while running."""


class MissingDependency(ToolError):
    """The machine lacks something the intent needs (a program, a service)."""


class PolicyDenied(LlmosError, PermissionError):
    """The policy engine refused the call."""

    def __init__(self, message: str, decision: object | None = None) -> None:
        super().__init__(message)
        self.decision = decision


class SandboxError(LlmosError, OSError):
    """The sandbox could not be built; the call is refused, never run unsandboxed."""
