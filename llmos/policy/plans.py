"""A step seen with the steps before it in its plan: running what the plan downloaded.

Each call is decided on its own effects, and one hazard shows only across steps: a
plan that downloads something and then runs it ("download install.sh and run it with
bash") executes code from the network that nobody has read, under whatever grant the
user once gave the shell or the host, and is what a prompt injected into a web page
would ask for.  Such a step is denied, with a reason that says what to do instead;
running it stays one command away for the person, after they have looked at it.

Pure: effects and arguments in, a reason (or None) out.  The gate and ``ask``'s
decisions call it with the plan's earlier steps.
"""

from __future__ import annotations

import posixpath
from typing import Any, Iterable, Mapping, Sequence

from llmos.plan.refs import is_ref, parse_ref
from llmos.policy.commands import RUNS_WHAT_IT_IS_GIVEN, program_name
from llmos.policy.types import Effect


def runs_a_download(earlier: Sequence[Sequence[Effect]], effects: Sequence[Effect], args: Mapping,
                    cwd: str, home: str) -> str | None:
    """Why a call that executes must not run after the plan's downloads, or None.

    ``earlier`` holds the effects of each earlier step (a step with a network effect
    downloads to the paths it writes); ``effects`` and ``args`` are the call's own."""
    programs = [e.target for e in effects if e.kind == "exec"]
    if not programs:
        return None
    downloads: dict[int, list[str]] = {}
    for k, step in enumerate(earlier):
        if any(e.kind == "network" for e in step):
            downloads[k] = [e.target for e in step if e.kind == "write" and e.target.startswith("/")]
    if not downloads:
        return None
    for k, places in downloads.items():
        for value in _values(args):
            if is_ref(value):
                if parse_ref(value["$ref"])[0] == k:
                    return _reason(k)
                continue
            path = _absolute(value, cwd, home)
            if any(path == p or path.startswith(p.rstrip("/") + "/") or
                   posixpath.basename(path) == posixpath.basename(p) for p in places):
                return _reason(k)
    for program in programs:
        # a shell or interpreter may be running the download, whatever its arguments say
        if program_name(program) in RUNS_WHAT_IT_IS_GIVEN:
            return (f"runs {posixpath.basename(program)}, which runs what it is given, after step {min(downloads) + 1} "
                    "downloads from the network; look at the download first, then run it yourself")
    return None


def _reason(k: int) -> str:
    return (f"runs what step {k + 1} downloads from the network, unread; look at it first, "
            "then run it yourself")


def _values(args: Mapping) -> Iterable[Any]:
    for value in args.values():
        yield from (value if isinstance(value, list) else [value])


def _absolute(value: Any, cwd: str, home: str) -> str:
    text = str(value)
    if text == "~" or text.startswith("~/"):
        text = home + text[1:]
    return posixpath.normpath(posixpath.join(cwd, text))
