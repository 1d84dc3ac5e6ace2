"""The intent registry: every manifest on the search path, kept current.

Search path, later entries override earlier ones by name (with a warning):
package data, ``/usr/share/llmos/intents``, ``/etc/llmos/intents.d``,
``$XDG_DATA_HOME/llmos/intents``.  A broken file is reported with file, line
and field; the last good version of its intent stays registered and no other
intent is affected.  :meth:`Registry.watch` keeps the registry current with a
watchdog observer.
"""

from __future__ import annotations

import difflib
import logging
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from llmos.errors import ManifestError, PlanError
from llmos.intents.manifest import Intent, load_manifest

log = logging.getLogger(__name__)


def package_intents_dir() -> Path | None:
    """The shipped manifests: the source tree's ``intents/`` or ``share/llmos/intents``."""
    source_tree = Path(__file__).resolve().parents[2] / "intents"
    for candidate in (source_tree, Path(sys.prefix) / "share" / "llmos" / "intents"):
        if candidate.is_dir():
            return candidate
    return None


def default_search_path() -> list[Path]:
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    shipped = package_intents_dir()
    return [p for p in (shipped, Path("/usr/share/llmos/intents"), Path("/etc/llmos/intents.d"),
                        data_home / "llmos" / "intents") if p is not None]


@dataclass(frozen=True)
class Override:
    name: str
    winner: str
    loser: str

    def __str__(self) -> str:
        return f"intent {self.name} from {self.winner} overrides {self.loser}"


class Registry:
    """Intents by name, from manifests on a search path."""

    def __init__(self, search_path: list[str | Path] | None = None) -> None:
        paths = default_search_path() if search_path is None else [Path(p) for p in search_path]
        seen: set[Path] = set()
        self.search_path: list[Path] = []
        for p in paths:
            key = p.resolve()
            if key not in seen:  # e.g. package data installed at /usr/share/llmos/intents
                seen.add(key)
                self.search_path.append(p)
        self._lock = threading.RLock()
        self._good: dict[Path, Intent] = {}          # last good parse of each file
        self._errors: dict[Path, ManifestError] = {}  # current problem of each file
        self._intents: dict[str, Intent] = {}
        self.overrides: list[Override] = []
        self._listeners: list[Callable[[], None]] = []
        self.reload()

    # --- queries -------------------------------------------------------------------
    def get(self, name: str) -> Intent:
        intent = self._intents.get(name)
        if intent is None:
            close = difflib.get_close_matches(name, self._intents, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else "; see `llmosctl intents list`"
            raise PlanError(f"unknown intent '{name}'{hint}")
        return intent

    def __contains__(self, name: object) -> bool:
        return name in self._intents

    def __iter__(self) -> Iterator[Intent]:
        return iter(sorted(self._intents.values(), key=lambda i: i.name))

    def __len__(self) -> int:
        return len(self._intents)

    def names(self) -> list[str]:
        return sorted(self._intents)

    @property
    def errors(self) -> list[ManifestError]:
        with self._lock:
            return [self._errors[p] for p in sorted(self._errors)]

    # --- loading -------------------------------------------------------------------
    def reload(self) -> None:
        """Rescan every directory on the search path."""
        with self._lock:
            present = {f for d in self.search_path if d.is_dir() for f in _manifest_files(d)}
            for gone in set(self._good) - present:
                del self._good[gone]
            for gone in set(self._errors) - present:
                del self._errors[gone]
            for f in present:
                self._load_file(f)
            self._rebuild()

    def refresh_file(self, path: str | Path) -> None:
        """Pick up one added, changed or removed file."""
        path = Path(path)
        if path.suffix not in (".yaml", ".yml") or not self._on_search_path(path):
            return
        with self._lock:
            if path.is_file():
                self._load_file(path)
            else:
                self._good.pop(path, None)
                self._errors.pop(path, None)
            self._rebuild()

    def _load_file(self, path: Path) -> None:
        try:
            intent = load_manifest(path)
        except ManifestError as e:
            if path in self._good:
                log.warning("%s (keeping the last good version of %s)", e, self._good[path].name)
            else:
                log.warning("%s", e)
            self._errors[path] = e
            return
        if path.stem != intent.name:
            log.warning("%s declares intent %s; name files after their intent", path, intent.name)
        self._errors.pop(path, None)
        self._good[path] = intent

    def _on_search_path(self, path: Path) -> bool:
        return any(path.parent == d or path.parent.resolve() == d.resolve() for d in self.search_path)

    def _rebuild(self) -> None:
        rank = {d.resolve(): i for i, d in enumerate(self.search_path)}
        ordered = sorted(self._good.items(), key=lambda kv: (rank.get(kv[0].parent.resolve(), 0), str(kv[0])))
        intents: dict[str, Intent] = {}
        overrides = []
        for path, intent in ordered:
            if intent.name in intents:
                override = Override(intent.name, str(path), intents[intent.name].source)
                overrides.append(override)
                log.warning("%s", override)
            intents[intent.name] = intent
        self._intents, self.overrides = intents, overrides  # swapped whole: readers never see half
        for listener in list(self._listeners):
            listener()

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    # --- watching ------------------------------------------------------------------
    def watch(self) -> "Watch":
        """Start a watchdog observer over the search path; use as a context manager."""
        return Watch(self)


class Watch:
    """A running watchdog observer that feeds file events to a registry."""

    def __init__(self, registry: Registry) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.is_directory or event.event_type in ("opened", "closed_no_write"):
                    return
                for p in (event.src_path, getattr(event, "dest_path", "")):
                    if p:
                        registry.refresh_file(os.fsdecode(p))

        self.registry = registry
        self.observer = Observer()
        handler = Handler()
        for d in registry.search_path:
            if d.is_dir():
                self.observer.schedule(handler, str(d), recursive=False)
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)

    def __enter__(self) -> "Watch":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _manifest_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
