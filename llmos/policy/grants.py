"""Grants: remembered consent answers, stored in ``$XDG_STATE_HOME/llmos/grants.json``.

The file is rewritten atomically (temporary file, fsync, rename) with mode
0600 under an exclusive lock on ``grants.lock``, so concurrent ``ask`` runs do
not lose each other's grants.  "once" answers are never stored.  Expired
grants are ignored by ``decide`` and pruned here on the next write.

A corrupt grants file is an error, never an empty list: it may hold deny
grants, and forgetting those would loosen the policy.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from llmos.errors import LlmosError
from llmos.policy.types import ALLOW, ALWAYS, DENY, ONCE, SESSION, UNTIL, Grant

FORMAT_VERSION = 1


class GrantsFileError(LlmosError, ValueError):
    """The grants file cannot be read; nothing is decided from a half-read file."""


def default_path() -> Path:
    from llmos import xdg
    return xdg.state_dir() / "grants.json"


def new_grant(*, uid: int, capability: str, scope: str, verdict: str, lifetime: str,
              intent: str | None, now: float, session: str = "",
              until: float | None = None) -> Grant | None:
    """The grant to store for a consent answer, or None when nothing is stored.

    "once" is never stored; "session" without a known session degrades to once;
    "until" needs a time in the future.
    """
    if verdict not in (ALLOW, DENY):
        raise ValueError(f"a grant allows or denies, not {verdict!r}")
    if lifetime == ONCE:
        return None
    if lifetime == SESSION and not session:
        return None
    if lifetime == UNTIL and (until is None or until <= now):
        return None
    if lifetime not in (SESSION, UNTIL, ALWAYS):
        raise ValueError(f"unknown lifetime {lifetime!r}")
    return Grant(id=secrets.token_hex(4), uid=uid, capability=capability, scope=scope,
                 verdict=verdict, lifetime=lifetime, created=now, intent=intent,
                 expires=until if lifetime == UNTIL else None,
                 session=session if lifetime == SESSION else None)


class GrantStore:
    """The persisted grants of one user."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    def live(self, now: float | None = None) -> tuple[Grant, ...]:
        """Grants not yet expired at ``now`` (default: the current time)."""
        now = time.time() if now is None else now
        return tuple(g for g in self._read() if g.expires is None or g.expires > now)

    def all(self) -> tuple[Grant, ...]:
        """Every stored grant, expired ones included."""
        return self._read()

    def add(self, *grants: Grant, now: float | None = None) -> None:
        """Store grants, replacing any with the same (uid, intent, capability, scope)."""
        now = time.time() if now is None else now
        with self._locked():
            keep = [g for g in self._read() if g.expires is None or g.expires > now]
            keys = {(g.uid, g.intent, g.capability, g.scope, g.session) for g in grants}
            keep = [g for g in keep
                    if (g.uid, g.intent, g.capability, g.scope, g.session) not in keys]
            self._write(keep + list(grants))

    def revoke(self, grant_id: str) -> bool:
        """Remove one grant by id; False when there was none."""
        with self._locked():
            current = self._read()
            keep = [g for g in current if g.id != grant_id]
            if len(keep) == len(current):
                return False
            self._write(keep)
            return True

    def revoke_all(self) -> int:
        """Remove every grant (also the way out of a corrupt file); returns how many."""
        with self._locked():
            try:
                count = len(self._read())
            except GrantsFileError:
                count = 0
            self._write([])
            return count

    def prune(self, now: float | None = None) -> int:
        """Drop expired grants; returns how many."""
        now = time.time() if now is None else now
        with self._locked():
            current = self._read()
            keep = [g for g in current if g.expires is None or g.expires > now]
            if len(keep) != len(current):
                self._write(keep)
            return len(current) - len(keep)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"),
                     os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _read(self) -> tuple[Grant, ...]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ()
        except (OSError, UnicodeDecodeError) as e:
            raise GrantsFileError(f"{self.path}: cannot read grants ({e}); fix it or run "
                                  "'llmosctl grants revoke --all'") from e
        try:
            data = json.loads(text)
            return tuple(Grant.from_json(g) for g in data["grants"])
        except (ValueError, KeyError, TypeError) as e:
            raise GrantsFileError(f"{self.path}: grants file is corrupt ({e}); fix it or run "
                                  "'llmosctl grants revoke --all' to start afresh") from e

    def _write(self, grants: list[Grant]) -> None:
        data = {"version": FORMAT_VERSION, "grants": [g.to_json() for g in grants]}
        fd, tmp = tempfile.mkstemp(prefix=".grants.", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=1, sort_keys=True)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        dfd = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
