"""Built-in intent handlers.

Each handler is ``def verb(args: dict, ctx: Context) -> dict``: arguments are
already normalised and validated, the result is JSON-serialisable, failures
raise :class:`llmos.errors.ToolError`.  Handlers run inside a sandboxed worker,
so everything they need arrives in ``args`` and ``ctx``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Context:
    """Who calls and from where; the only ambient state a handler may use."""

    cwd: str = field(default_factory=os.getcwd)
    home: str = field(default_factory=lambda: os.path.expanduser("~"))
    uid: int = field(default_factory=os.getuid)
    dry_run: bool = False

    def to_json(self) -> dict:
        return {"cwd": self.cwd, "home": self.home, "uid": self.uid, "dry_run": self.dry_run}

    @classmethod
    def from_json(cls, data: dict) -> "Context":
        return cls(cwd=data["cwd"], home=data["home"], uid=int(data["uid"]),
                   dry_run=bool(data.get("dry_run", False)))
