"""Quoted text and URLs read through stand-ins.

What a request quotes is mostly text to pass on: a line to write, a notification's
title, a pattern to search for.  The small planner reads those words like any other,
and unusual ones lead it astray: "append the line 'me ALL=(ALL) NOPASSWD: ALL' to
/etc/sudoers" read as a log search, "add '127.0.0.1 facebook.com' to /etc/hosts" as a
move.  URLs do the same: "下载 https://mirrors.tuna.tsinghua.edu.cn/debian/README 到 /tmp"
became a ping of the mirror.  Put to it with the quoted text replaced by a plain
stand-in ("hello world") and the URL by one on example.org that keeps the file's name
("https://example.org/README"), the model plans the request as it would any other; the
stand-ins are then put back as what they stand for.  ``EmbeddedPlanner.draft`` decodes
both readings and keeps the one that passes on more of the quoted texts and URLs (on a
tie, the stand-in reading only when the model is clearly surer of it).

Quotes that name something are never stood in: a path or file name, a folder "called
'Receipts 2025'", "the 'tmp renders' folder".  Nor is Chinese text, for which there is no
stand-in, nor a URL on example.* already.  Pure functions of the request and the plan text.
"""

from __future__ import annotations

import re

from llmos.planner.grammar import _URL, _is_cjk, _quoted_spans
from llmos.planner.language import quote

TEXT_STAND_INS = ("hello world", "see you soon", "good morning", "nice weather")
HOST_STAND_INS = ("example.org", "example.net", "example.com")
# a path, a wildcard, a file name ("Tax Return 2023.pdf"; a host, "facebook.com", is none)
_PATH_LIKE = re.compile(r"[/~*]|://|^\S+\.[A-Za-z0-9]{1,5}$|\.(?!(com|org|net|io|dev|cn|edu|gov)$)[A-Za-z][A-Za-z0-9]{0,4}$")
_NAMED_BEFORE = re.compile(r"\b(called|named|titled|the|folder|directory|dir)\s*$", re.IGNORECASE)
_NAME_KIND_AFTER = re.compile(r"\s*(folders?|director(y|ies)|dirs?|files?)\b", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)，。；：！？）"


def _in_plan_text(text: str) -> str:
    """A value as it stands inside a plan-language string (escaped, no quote marks)."""
    return quote(text)[2:-1]


def _urls(request: str) -> list[tuple[int, str, str]]:
    """(start, URL, host) of each URL the request writes, the marks after it left off."""
    out = []
    for m in _URL.finditer(request):
        url = m.group().rstrip(_URL_TRAILING)
        out.append((m.start(), url, url.split("://", 1)[1].partition("/")[0]))
    return out


def texts_used(text: str, request: str) -> int:
    """How many of the request's quoted texts and URLs the plan text passes on whole (a URL
    also by its host alone, as a ping does)."""
    quoted = sum(_in_plan_text(request[i:j]) in text for i, j in _quoted_spans(request).items())
    return quoted + sum(url in text or f'" {host}"' in text for _, url, host in _urls(request))


def stood_in(request: str) -> tuple[str, dict[str, str]]:
    """The request with each quoted text that is no name, and each URL, replaced by a
    stand-in; and stand-in → what it stands for ({} when nothing was stood in).  A URL's
    stand-in host stands for its host too.  A stand-in the request itself says is not
    used: putting it back would be ambiguous."""
    said = request.lower()
    texts = [s for s in TEXT_STAND_INS if s not in said]
    hosts = [h for h in HOST_STAND_INS if h not in said]
    pieces: list[tuple[int, int, str]] = []     # (start, end, stand-in)
    originals: dict[str, str] = {}
    for i, j in sorted(_quoted_spans(request).items()):
        content = request[i:j]
        if (not texts or _PATH_LIKE.search(content) or any(_is_cjk(c) for c in content)
                or _NAMED_BEFORE.search(request[:i - 1]) or _NAME_KIND_AFTER.match(request[j + 1:])):
            continue
        pieces.append((i, j, texts[0]))
        originals[texts.pop(0)] = content
    for start, url, host in _urls(request):
        inside = any(a <= start < b for a, b, _ in pieces)
        if not hosts or host.startswith("example.") or inside:
            continue
        scheme, name = url.split("://", 1)[0], url.rpartition("/")[2] if "/" in url.split("://", 1)[1] else ""
        stand_in = f"{scheme}://{hosts[0]}" + (f"/{name}" if name else "")
        pieces.append((start, start + len(url), stand_in))
        originals[stand_in] = url
        originals[hosts.pop(0)] = host
    out, last = [], 0
    for i, j, stand_in in sorted(pieces):
        out += [request[last:i], stand_in]
        last = j
    return "".join(out) + request[last:], originals


def restored(text: str, originals: dict[str, str], request: str) -> str | None:
    """The plan text with each stand-in put back as what it stands for (URLs before their
    hosts); None when the plan copied a stand-in only in part (there is no telling which
    part it meant): a word of a stand-in is left that the request does not say."""
    for stand_in in sorted(originals, key=len, reverse=True):
        text = text.replace(stand_in, _in_plan_text(originals[stand_in]))
    said = request.lower()
    words = {w for s in originals for w in re.findall(r"[a-z]+", s) if w not in ("http", "https", "org", "net", "com")}
    if any(re.search(rf"\b{w}\b", text) and w not in said for w in words):
        return None
    return text
