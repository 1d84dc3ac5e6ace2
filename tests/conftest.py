"""Shared fixtures: a temporary home, and tiny manifests written to disk."""

from __future__ import annotations

import os
import pwd
import subprocess
import textwrap
from pathlib import Path

import pytest

from llmos.tools import Context


TEST_USER = "llmos-test"


@pytest.fixture(scope="session")
def test_user():
    """An unprivileged system user for the sandbox suites, created if absent and removed after."""
    created = False
    try:
        pwd.getpwnam(TEST_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        TEST_USER], check=True)
        created = True
    yield TEST_USER
    if created:
        subprocess.run(["userdel", TEST_USER], check=False)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home with the XDG variables pointing inside it; the real home is never touched."""
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("HOME", str(h))
    for var, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                     ("XDG_STATE_HOME", ".local/state"), ("XDG_CACHE_HOME", ".cache")):
        monkeypatch.setenv(var, str(h / sub))
    return h


@pytest.fixture
def ctx(home: Path) -> Context:
    return Context(cwd=str(home), home=str(home), uid=os.getuid())


def write_manifest(directory: Path, name: str, *, title: str = "A test intent",
                   extra: str = "", handler: str = "builtin:tests.handlers:echo") -> Path:
    """A minimal valid manifest for intent ``name`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.yaml"
    path.write_text(textwrap.dedent(f"""\
        name: {name}
        title: {title}
        description: An intent used by the test suite only.
        parameters:
          type: object
          properties:
            path: {{type: string, format: path, description: A folder}}
            limit: {{type: integer, minimum: 1, default: 10}}
          required: [path]
          additionalProperties: false
        effects:
          reads: [path]
        handler: {handler}
        """) + extra)
    return path
