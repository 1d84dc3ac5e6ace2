"""The audit log: every decision and execution, hash-chained, in ``audit.jsonl``.

One JSON object per line under ``$XDG_STATE_HOME/llmos/``.  Each entry has
``seq`` (0, 1, 2, ...), ``prev`` (the previous entry's ``hash``; 64 zeros for
the first) and ``hash`` = SHA-256 of the entry without ``hash`` serialised
canonically (sorted keys, no whitespace, UTF-8).

Appending takes an exclusive ``flock`` on the log itself, so concurrent writers
serialise and the chain stays linear, then writes the whole line with one
``write`` on an ``O_APPEND`` descriptor and ``fsync``\\ s it.

A torn tail (a crash mid-write leaves a last line without its newline): the
log verifies up to its last complete entry and :func:`verify` reports the torn
fragment.  The next append *truncates the fragment* (it was never a committed
entry: an entry is committed only with its newline) and chains onto the last
complete entry.  A complete line that does not parse is never removed; the
next entry chains onto the SHA-256 of its raw bytes so the damage stays
reported at that one line.

What the chain proves: entries were not edited, removed, inserted or
reordered *without recomputing every later hash*.  Anyone who can write the
file can rewrite the whole chain; to detect that, keep the head hash that
``llmosctl audit verify`` prints somewhere else.

Arguments are recorded, but long strings are shortened to a prefix plus their
length and SHA-256 (a ``files.write`` body is file content), and handlers'
outputs are never recorded: only the outcome and the error text.
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

GENESIS = "0" * 64
MAX_STRING = 512          # longer argument strings are shortened
MAX_ITEMS = 1000          # longer argument lists are cut, with a count
_TAIL_BLOCK = 65536


def default_path() -> Path:
    from llmos import xdg
    return xdg.state_dir() / "audit.jsonl"


def canonical_bytes(entry: Mapping) -> bytes:
    """The serialisation the hash is computed over (and lines are written in)."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


def entry_hash(entry: Mapping) -> str:
    """SHA-256 over the canonical serialisation of ``entry`` without its ``hash``."""
    return hashlib.sha256(canonical_bytes({k: v for k, v in entry.items() if k != "hash"})
                          ).hexdigest()


def append(record: Mapping[str, Any], *, path: str | os.PathLike | None = None) -> dict:
    """Append one record to the chain; returns the entry as written (with seq/prev/hash).

    ``time`` is added when absent.  Raises OSError when the log cannot be written.
    """
    path = Path(path) if path is not None else default_path()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        prev, seq = _chain_head(fd)
        entry = dict(record)
        entry.setdefault("time", _now())
        entry.update(seq=seq, prev=prev)
        entry["hash"] = entry_hash(entry)
        line = canonical_bytes(entry) + b"\n"
        written = 0
        while written < len(line):      # a regular file writes it all in one go unless full
            written += os.write(fd, line[written:])
        os.fsync(fd)
        return entry
    finally:
        os.close(fd)                    # also releases the lock


def _chain_head(fd: int) -> tuple[str, int]:
    """(prev, seq) for the next entry; cuts a torn tail first.  Caller holds the lock."""
    size = os.fstat(fd).st_size
    if size == 0:
        return GENESIS, 0
    end = size
    last_nl = _rfind_newline(fd, end)
    if last_nl != size - 1:             # torn tail: drop the uncommitted fragment
        os.ftruncate(fd, last_nl + 1)
        end = last_nl + 1
        if end == 0:
            return GENESIS, 0
    start = _rfind_newline(fd, end - 1) + 1
    raw = os.pread(fd, end - 1 - start, start)
    try:
        entry = json.loads(raw)
        return str(entry["hash"]), int(entry["seq"]) + 1
    except (ValueError, KeyError, TypeError):
        # A damaged last line: chain onto its raw bytes; seq continues from the line count.
        return hashlib.sha256(raw).hexdigest(), _count_lines(fd, end)


def _rfind_newline(fd: int, end: int) -> int:
    """Offset of the last b"\\n" before ``end``, or -1."""
    pos = end
    while pos > 0:
        start = max(0, pos - _TAIL_BLOCK)
        block = os.pread(fd, pos - start, start)
        i = block.rfind(b"\n")
        if i >= 0:
            return start + i
        pos = start
    return -1


def _count_lines(fd: int, end: int) -> int:
    count, offset = 0, 0
    while offset < end:
        block = os.pread(fd, min(_TAIL_BLOCK, end - offset), offset)
        count += block.count(b"\n")
        offset += len(block)
    return count


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


def safe_args(value: Any) -> Any:
    """Arguments as recorded: long strings shortened with length and SHA-256, long lists cut."""
    if isinstance(value, str):
        if len(value) <= MAX_STRING:
            return value
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
        return {"prefix": value[:64], "length": len(value), "sha256": digest}
    if isinstance(value, Mapping):
        return {str(k): safe_args(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [safe_args(v) for v in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            items.append({"more_items": len(value) - MAX_ITEMS})
        return items
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def record_decision(principal: Any, intent: str, args: Mapping, decision: Any,
                    effects: Iterable[Any] = (), *, dry_run: bool = False,
                    path: str | os.PathLike | None = None) -> dict:
    """Append a policy decision (before anything runs)."""
    record = {"event": "decision", "principal": _principal(principal), "intent": intent,
              "args": safe_args(dict(args)),
              "effects": [{"kind": e.kind, "target": e.target} for e in effects],
              "decision": {"verdict": decision.verdict, "reason": decision.reason,
                           "rule": decision.rule},
              "dry_run": dry_run}
    return append(record, path=path)


def record_execution(principal: Any, intent: str, args: Mapping, outcome: str, *,
                     duration_s: float, error: str | None = None,
                     path: str | os.PathLike | None = None) -> dict:
    """Append the outcome of a run: ok | error | ..., its duration and error text, no output."""
    record = {"event": "execution", "principal": _principal(principal), "intent": intent,
              "args": safe_args(dict(args)), "outcome": outcome,
              "duration_ms": round(duration_s * 1000, 3), "error": error}
    return append(record, path=path)


def _principal(principal: Any) -> dict:
    if principal is None:
        return {}
    if hasattr(principal, "to_json"):
        return principal.to_json()
    return dict(principal)


# --- reading and verifying -----------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One thing wrong with the log: at which line (1-based), what kind, and a message."""

    line: int
    kind: str          # unparsable | edited | chain | seq | torn-tail
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class VerifyReport:
    """The result of :func:`verify`.

    ``intact``: every complete line verifies.  ``torn_tail``: the crash fragment
    after the last complete line, if any.  ``ok``: intact and no torn tail.
    ``verified`` counts the complete entries that verify; ``head`` is the hash of
    the last complete entry (keep it elsewhere to detect a rewritten chain).
    """

    path: str
    entries: int
    verified: int
    problems: tuple[Problem, ...] = ()
    torn_tail: Problem | None = None
    head: str = GENESIS

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def ok(self) -> bool:
        return self.intact and self.torn_tail is None

    def to_json(self) -> dict:
        return {"path": self.path, "ok": self.ok, "intact": self.intact,
                "entries": self.entries, "verified": self.verified, "head": self.head,
                "problems": [vars(p) for p in self.problems],
                "torn_tail": vars(self.torn_tail) if self.torn_tail else None}


def verify(path: str | os.PathLike | None = None) -> VerifyReport:
    """Check the whole chain and say where it breaks.

    Edited entry → its own hash does not match (``edited`` at that line).
    Removed, inserted or reordered entries → the ``prev`` link or ``seq``
    breaks at the first line after the change (``chain``/``seq``).
    A last line without newline → ``torn_tail``; earlier entries still verify.
    A missing log is an empty, intact log.
    """
    path = Path(path) if path is not None else default_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return VerifyReport(str(path), 0, 0)
    lines = data.split(b"\n")
    tail = lines.pop()                  # b"" when the file ends with a newline
    problems: list[Problem] = []
    prev, seq, verified = GENESIS, 0, 0
    for number, raw in enumerate(lines, start=1):
        try:
            entry = json.loads(raw)
            if not isinstance(entry, dict):
                raise ValueError("not an object")
        except ValueError as e:
            problems.append(Problem(number, "unparsable", f"not a JSON entry ({e})"))
            prev, seq = hashlib.sha256(raw).hexdigest(), seq + 1
            continue
        fine = True
        if entry.get("hash") != entry_hash(entry):
            problems.append(Problem(number, "edited",
                                    "entry was changed after it was written (hash mismatch)"))
            fine = False
        if entry.get("prev") != prev:
            problems.append(Problem(number, "chain", "does not follow the previous line: an "
                                    "entry was removed, inserted or moved just before it"))
            fine = False
        if entry.get("seq") != seq:
            problems.append(Problem(number, "seq", f"sequence number {entry.get('seq')!r} where "
                                    f"{seq} was expected"
                                    + _seq_hint(entry.get("seq"), seq)))
            fine = False
        verified += fine
        prev = entry.get("hash") if isinstance(entry.get("hash"), str) else GENESIS
        seq = entry["seq"] + 1 if isinstance(entry.get("seq"), int) else seq + 1
    torn = None
    if tail:
        torn = Problem(len(lines) + 1, "torn-tail",
                       f"incomplete last line ({len(tail)} bytes without newline), as a crash "
                       "mid-write leaves it; the next append removes it")
    return VerifyReport(str(path), len(lines), verified, tuple(problems), torn, prev)


def _seq_hint(found: Any, expected: int) -> str:
    if not isinstance(found, int):
        return ""
    if found > expected:
        return f" ({found - expected} entr{'y' if found - expected == 1 else 'ies'} missing)"
    return " (entries reordered or duplicated)"


def read_entries(path: str | os.PathLike | None = None, n: int | None = None) -> list[dict]:
    """The last ``n`` parsable entries (all when None), oldest first."""
    path = Path(path) if path is not None else default_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    out = []
    for raw in data.split(b"\n"):
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if isinstance(entry, dict):
            out.append(entry)
    return out if n is None else out[-n:] if n > 0 else []
