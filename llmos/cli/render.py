"""Results for people: tables for lists of records, ``key: value`` for the rest."""

from __future__ import annotations

import shutil
import sys
import unicodedata
from typing import Any

_SIZE_KEYS = {"size", "bytes", "total_bytes", "bytes_written", "used", "free", "available",
              "memory_bytes", "virtual_memory_bytes", "rss", "vms"}


def human_size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key in _SIZE_KEYS and isinstance(value, (int, float)):
        return human_size(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell("", v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_cell(k, v)}" for k, v in value.items())
    return str(value).replace("\n", "⏎")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int) -> str:
    """Pad to ``width``; too long, cut with an ellipsis — at the front for paths,
    whose end (the file name) is what people read."""
    if _width(text) <= width:
        return text + " " * (width - _width(text))
    keep = ""
    chars = reversed(text) if text.startswith("/") else iter(text)
    for c in chars:
        if _width(keep) + _width(c) > width - 1:
            break
        keep = c + keep if text.startswith("/") else keep + c
    cut = "…" + keep if text.startswith("/") else keep + "…"
    return cut + " " * (width - _width(cut))


def table(rows: list[dict], columns: list[str] | None = None) -> str:
    if not rows:
        return "(none)"
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    cells = [[_cell(c, r.get(c)) for c in columns] for r in rows]
    widths = [max(_width(c), *(_width(row[i]) for row in cells)) for i, c in enumerate(columns)]
    # Fit a terminal; piped output stays whole, for grep and friends.
    budget = (shutil.get_terminal_size().columns if sys.stdout.isatty() else 1 << 30) - 2 * (len(columns) - 1)
    while sum(widths) > budget and max(widths) > 12:  # shrink the widest column first
        widths[widths.index(max(widths))] -= 1
    numeric = [all(isinstance(r.get(c), (int, float)) for r in rows if r.get(c) is not None)
               for c in columns]
    lines = ["  ".join(_fit(c.upper(), w) for c, w in zip(columns, widths)).rstrip()]
    for row in cells:
        parts = []
        for text, w, is_num in zip(row, widths, numeric):
            parts.append(" " * (w - _width(text)) + text if is_num and _width(text) <= w else _fit(text, w))
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def render_result(result: dict | None) -> str:
    """A handler's result: each list of records as a table, scalars as ``key: value``."""
    if not result:
        return ""
    blocks: list[str] = []
    scalars = []
    for key, value in result.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            blocks.append(table(value))
        elif key == "paths" and any(isinstance(v, list) and v and isinstance(v[0], dict)
                                    for v in result.values()):
            continue  # the table already shows them
        elif key == "content" and isinstance(value, str):
            blocks.append(value)
        else:
            scalars.append((key, value))
    if scalars:  # after the tables: what people look for comes first
        width = max(_width(k) for k, _ in scalars)
        blocks.append("\n".join(f"{k}:{' ' * (width - _width(k) + 1)}{_cell(k, v)}" for k, v in scalars))
    return "\n\n".join(blocks)
