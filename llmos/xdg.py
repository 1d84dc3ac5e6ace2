"""XDG base directories for llmos, honouring ``$XDG_*_HOME`` and ``$HOME``.

Per the XDG Base Directory spec a relative ``$XDG_*_HOME`` is invalid and
ignored.  Only :func:`state_dir` creates its directory (mode 0700): it holds
grants and the audit log, which nobody else should read.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path


def home() -> Path:
    """``$HOME``, or the password database's home when it is unset or relative."""
    value = os.environ.get("HOME", "")
    if os.path.isabs(value):
        return Path(value)
    return Path(pwd.getpwuid(os.getuid()).pw_dir)


def _base(var: str, default: str) -> Path:
    value = os.environ.get(var, "")
    return Path(value) if os.path.isabs(value) else home() / default


def config_home() -> Path:
    return _base("XDG_CONFIG_HOME", ".config")


def state_home() -> Path:
    return _base("XDG_STATE_HOME", ".local/state")


def data_home() -> Path:
    return _base("XDG_DATA_HOME", ".local/share")


def cache_home() -> Path:
    return _base("XDG_CACHE_HOME", ".cache")


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/llmos`` (not created)."""
    return config_home() / "llmos"


def data_dir() -> Path:
    """``$XDG_DATA_HOME/llmos`` (not created)."""
    return data_home() / "llmos"


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/llmos`` (not created)."""
    return cache_home() / "llmos"


def state_dir() -> Path:
    """``$XDG_STATE_HOME/llmos``, created with mode 0700 (tightened if it was looser)."""
    path = state_home() / "llmos"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = path.stat()
    if st.st_uid == os.getuid() and st.st_mode & 0o077:
        path.chmod(0o700)
    return path
