"""Plans and steps, and their JSON form (the brief's contract)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from llmos.errors import PlanError


@dataclass
class Step:
    intent: str
    args: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"intent": self.intent, "args": self.args}


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    reply: str | None = None
    request: str | None = None

    def to_json(self) -> dict:
        out: dict[str, Any] = {"steps": [s.to_json() for s in self.steps], "reply": self.reply}
        if self.request is not None:
            out = {"request": self.request, **out}
        return out

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False)

    @classmethod
    def from_json(cls, data: Any) -> "Plan":
        """Build a plan from parsed JSON, refusing anything not shaped like one."""
        if isinstance(data, list):  # a bare list of steps is accepted for convenience
            data = {"steps": data}
        if not isinstance(data, dict):
            raise PlanError('a plan is a JSON object: {"steps": [{"intent": ..., "args": {...}}]}')
        unknown = set(data) - {"steps", "reply", "request"}
        if unknown:
            raise PlanError(f"a plan has only steps, reply and request; unexpected: {', '.join(sorted(unknown))}")
        raw_steps = data.get("steps", [])
        if not isinstance(raw_steps, list):
            raise PlanError("plan 'steps' must be a list")
        steps = []
        for i, raw in enumerate(raw_steps):
            if not isinstance(raw, dict) or not isinstance(raw.get("intent"), str):
                raise PlanError(f"step {i}: a step is {{\"intent\": NAME, \"args\": {{...}}}}")
            extra = set(raw) - {"intent", "args"}
            if extra:
                raise PlanError(f"step {i}: unexpected keys {', '.join(sorted(extra))}")
            args = raw.get("args", {})
            if not isinstance(args, dict):
                raise PlanError(f"step {i} ({raw['intent']}): 'args' must be an object")
            steps.append(Step(raw["intent"], dict(args)))
        reply = data.get("reply")
        if reply is not None and not isinstance(reply, str):
            raise PlanError("plan 'reply' must be a string or null")
        request = data.get("request")
        return cls(steps, reply, request if isinstance(request, str) else None)

    @classmethod
    def loads(cls, text: str) -> "Plan":
        try:
            return cls.from_json(json.loads(text))
        except json.JSONDecodeError as e:
            raise PlanError(f"the plan is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
