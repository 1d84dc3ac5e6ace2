"""Engine errors; leaves also derive from builtins like the rest of llmos."""

from __future__ import annotations

from ..errors import LlmosError


class ModelError(LlmosError, ValueError):
    """A model file or directory is missing, corrupt, truncated or does not match its config."""
