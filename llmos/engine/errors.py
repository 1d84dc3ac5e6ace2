"""Engine errors; leaves also derive from builtins like the rest of llmos."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import LlmosError


class ModelError(LlmosError, ValueError):
    """A model file or directory is missing, corrupt, truncated or does not match its config."""


def read_json_object(path: Path) -> dict[str, Any]:
    """A model file that must hold one JSON object (config.json, tokenizer_config.json, ...)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"{path}: unreadable JSON ({e})") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: expected a JSON object")
    return data
