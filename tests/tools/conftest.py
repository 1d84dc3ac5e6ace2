"""Fixtures for the file, trash and archive handler tests: real files in temporary folders."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def make_file():
    """make_file(path, size=0, content=None, age=None): a real file, mtime ``age`` seconds ago."""
    def make(path: Path, size: int = 0, content: bytes | None = None, age: float | None = None) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if content is not None else b"x" * size)
        if age is not None:
            when = path.stat().st_mtime - age
            os.utime(path, (when, when))
        return path
    return make


@pytest.fixture
def work(home: Path) -> Path:
    """A scratch folder inside the temporary home."""
    folder = home / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def other_fs(tmp_path: Path):
    """A folder on another filesystem (/dev/shm), or skip when there is none."""
    if not os.path.isdir("/dev/shm") or os.stat("/dev/shm").st_dev == tmp_path.stat().st_dev:
        pytest.skip("no second filesystem (/dev/shm) here")
    folder = Path(tempfile.mkdtemp(prefix="llmos-test-", dir="/dev/shm"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)



@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``stand_in(program, stdout, stderr="", rc=0)`` puts a stand-in program first on PATH
    that records its argv and prints canned output; returns the file holding that argv."""
    bindir = tmp_path / "stand-in-bin"

    def make(program: str, stdout: str, stderr: str = "", rc: int = 0) -> Path:
        bindir.mkdir(exist_ok=True)
        out, err, argv = (tmp_path / f"{program}.{x}" for x in ("out", "err", "argv"))
        out.write_text(stdout)
        err.write_text(stderr)
        script = bindir / program
        script.write_text("#!/bin/sh\n"
                          f"printf '%s\\n' \"$@\" > {argv}\n"
                          f"cat {out}\ncat {err} >&2\nexit {rc}\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
        return argv

    return make
