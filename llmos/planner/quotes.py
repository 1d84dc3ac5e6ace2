"""Quoted text read through a stand-in.

What a request quotes is mostly text to pass on: a line to write, a notification's
title, a pattern to search for.  The small planner reads those words like any other,
and unusual ones lead it astray: "append the line 'me ALL=(ALL) NOPASSWD: ALL' to
/etc/sudoers" read as a log search, "add '127.0.0.1 facebook.com' to /etc/hosts" as a
move.  Put to it with the quoted text replaced by a plain stand-in ("hello world"), it
plans the same request as it would any line; the stand-in is then put back as the text
the request quotes.  ``EmbeddedPlanner.draft`` decodes both readings and keeps the one
that passes on more of the quoted texts (on a tie, the one the model is clearly surer of).

Quotes that name something are never stood in: a path or file name, a folder "called
'Receipts 2025'", "the 'tmp renders' folder".  Nor is Chinese text, for which there is no
stand-in.  Pure functions of the request and the plan text.
"""

from __future__ import annotations

import re

from llmos.planner.grammar import _is_cjk, _quoted_spans
from llmos.planner.language import quote

STAND_INS = ("hello world", "see you soon", "good morning", "nice weather")
# a path, a wildcard, a file name ("Tax Return 2023.pdf"; a host, "facebook.com", is none)
_PATH_LIKE = re.compile(r"[/~*]|://|^\S+\.[A-Za-z0-9]{1,5}$|\.(?!(com|org|net|io|dev|cn|edu|gov)$)[A-Za-z][A-Za-z0-9]{0,4}$")
_NAMED_BEFORE = re.compile(r"\b(called|named|titled|the|folder|directory|dir)\s*$", re.IGNORECASE)
_NAME_KIND_AFTER = re.compile(r"\s*(folders?|director(y|ies)|dirs?|files?)\b", re.IGNORECASE)


def _in_plan_text(text: str) -> str:
    """A value as it stands inside a plan-language string (escaped, no quote marks)."""
    return quote(text)[2:-1]


def quotes_used(text: str, request: str) -> int:
    """How many of the request's quoted texts the plan text passes on whole."""
    return sum(_in_plan_text(request[i:j]) in text for i, j in _quoted_spans(request).items())


def quotes_stood_in(request: str) -> tuple[str, dict[str, str]]:
    """The request with each quoted text that is no name replaced by a stand-in, and
    stand-in → the text it stands for; ({} when nothing was stood in).  A stand-in the
    request itself says is not used: putting it back would be ambiguous."""
    free = [s for s in STAND_INS if s not in request.lower()]
    out, originals, last = [], {}, 0
    for i, j in sorted(_quoted_spans(request).items()):
        content = request[i:j]
        if (not free or _PATH_LIKE.search(content) or any(_is_cjk(c) for c in content)
                or _NAMED_BEFORE.search(request[:i - 1]) or _NAME_KIND_AFTER.match(request[j + 1:])):
            continue
        stand_in = free.pop(0)
        out += [request[last:i], stand_in]
        originals[stand_in] = content
        last = j
    return "".join(out) + request[last:], originals


def quotes_restored(text: str, originals: dict[str, str], request: str) -> str | None:
    """The plan text with each stand-in put back as the text it stands for; None when the
    plan copied a stand-in only in part (there is no telling which part of the quoted
    text it meant): a word of a stand-in is left that the request does not say."""
    for stand_in, content in originals.items():
        text = text.replace(stand_in, _in_plan_text(content))
    said = request.lower()
    if any(re.search(rf"\b{word}\b", text) and word not in said for s in originals for word in s.split()):
        return None
    return text
