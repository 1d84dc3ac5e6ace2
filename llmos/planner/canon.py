"""The few strings the planner may write that are not copied from the request.

Everything else a string argument holds is a piece of the request itself (the
copy constraint in :mod:`llmos.planner.grammar`).  These canonical forms cover
what people name without spelling out: well-known folders ("my downloads" →
``~/Downloads``, "下载文件夹" too), home and the current folder, secret folders
(so that "delete my ssh keys" is planned faithfully and the policy can deny it),
and values the manifests' own examples give that are not in their text
("打开火狐浏览器" → ``firefox``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from llmos.intents.manifest import Intent, _format_of

# Folders people name by word; localised names are mapped by normalise_path.
PATH_CANON = (
    "~", ".", "/",
    "~/Desktop", "~/Downloads", "~/Documents", "~/Music", "~/Pictures", "~/Videos",
    "~/Templates", "~/Public",
    "~/.ssh", "~/.gnupg", "~/.aws", "~/.kube", "~/.password-store", "~/.config", "~/.cache",
    "~/.local/share/Trash", "~/.mozilla",
)

_ROOT_SAID = re.compile(r"(^|\s)/($|[\s,，。.;:!?])|\broot (folder|directory|dir|filesystem)\b|根目录|根分区", re.I)
# Home said by name or written alone ("~", "~/"): the only words that make "~" a value by
# itself where the step has something else to go on (see ``grammar.StrSpec.bare_home``).
_HOME_SAID = re.compile(r"(^|[\s'\"(])~/?($|[\s,，。;:!?'\")])|\$HOME\b|\bh(ome|oome|oem|moe|ome?s)\b|"
                        r"主目录|家目录|用户目录|个人目录|家文件夹", re.I)
_HERE_SAID = re.compile(r"(^|\s)\.($|[\s,，。;:!?/])|\b(here|this (folder|directory|dir)|(current|working) "
                        r"(folder|directory|dir)|cwd|pwd)\b|当前|这里|这儿|此处|这个(文件夹|目录)|本目录", re.I)


# What names each folder besides its path: English words (a typo of a long one counts too),
# and Chinese, so that a folder the request never names is never planned ("open bilibili.com"
# is not ~/Videos/bilibili.com, "delete my llmos policy file" is not in ~/Music).
_FOLDER_WORDS = {
    "~/Desktop": ("desktop", "桌面"),
    "~/Downloads": ("download", "downloads", "downloaded", "dl", "下载"),
    "~/Documents": ("document", "documents", "docs", "doc", "文档"),
    "~/Music": ("music", "song", "songs", "mp3", "mp3s", "audio", "音乐", "歌"),
    "~/Pictures": ("picture", "pictures", "pics", "pic", "photo", "photos", "image", "images",
                   "screenshot", "screenshots", "wallpaper", "wallpapers", "图片", "照片", "相片", "截图",
                   "壁纸", "相册"),
    "~/Videos": ("video", "videos", "movie", "movies", "film", "films", "clip", "clips", "视频", "电影",
                 "影片"),
    "~/Templates": ("template", "templates", "模板"),
    "~/Public": ("public", "shared", "公共", "共享"),
    "~/.ssh": ("ssh", "key", "keys", "id_rsa", "id_ed25519", "id_ecdsa", "密钥", "私钥"),
    "~/.gnupg": ("gpg", "gnupg", "pgp"),
    "~/.aws": ("aws",),
    "~/.kube": ("kube", "kubernetes", "k8s", "kubectl"),
    "~/.password-store": ("pass", "password", "passwords", "密码"),
    "~/.config": ("config", "configs", "configuration", "settings", "配置"),
    "~/.cache": ("cache", "caches", "cached", "缓存"),
    "~/.local/share/Trash": ("trash", "bin", "recycle", "回收站", "垃圾"),
    "~/.mozilla": ("mozilla", "firefox", "火狐"),
}


def names_itself(path: str) -> bool:
    """Whether a known folder's path ends in the folder's own name again: "~/Desktop/桌面",
    "~/Desktop/桌面上创建", "~/Documents/documents" (a name joined to the folder that the same
    word named)."""
    folder, _, name = path.rpartition("/")
    if folder not in _FOLDER_WORDS or not name:
        return False
    own = folder.rsplit("/", 1)[-1].lower()
    local = [k.rsplit("/", 1)[-1] for k, v in LOCALISED_DIRS.items() if v == folder]
    # a CJK run that begins with the folder's word is the sentence going on ("桌面上创建"); a
    # file name with a suffix is a name ("音乐.json")
    first = (name.split() or [""])[0]
    return name.lower() in (own, own.rstrip("s")) or any(first.startswith(word) and "." not in first for word in local)


# A negation just before a word, that takes it back: "not permanently", "rather than
# force-killing it", "don't just trash", 不要永久删除, 不是暂停.  Search the text before the word.
NEGATED_BEFORE = re.compile(
    r"(\bnot|n't|\bnever|\bno need to|\bwithout|\brather than|\binstead of)\b\W*(\w+\W+){0,3}$|"
    r"(不要|不用|不必|无需|别|不是|没必要|不)\s*(给我|帮我|直接)?$", re.IGNORECASE)


def taken_back(request: str, at: int) -> bool:
    """Whether a negation just before ``at`` takes back the word there ("not permanently",
    "don't append", "不是暂停", "rather than force-killing")."""
    return NEGATED_BEFORE.search(request[max(0, at - 40):at]) is not None


# Words shared by the rules after decoding: unpacking ("unzip", 解压; not "zip") and the
# system's log named as such ("the logs", journalctl, 日志).
EXTRACT_WORD = re.compile(r"\b(extract\w*|unzip\w*|unpack\w*|untar\w*|decompress\w*|inflat\w*|unarchiv\w*)\b|解压|展开",
                          re.IGNORECASE)
LOGS_NAMED = re.compile(r"\b(?:logs?|journal|journalctl|syslog|dmesg)\b|日志", re.IGNORECASE)


# "the untitled folder on my Desktop": the place of a folder the request names by its name
_FOLDER_IN_PLACE = re.compile(r"\bthe\s+(?P<name>(?!folder\b|directory\b)\S+(?:\s+\S+)?)\s+(?:folder|directory|dir)\s+"
                              r"(?:in|on|inside|under|within|from)\s+(?:my\s+|the\s+)?(?P<place>[~/][^\s,;!?]*|\w+)",
                              re.IGNORECASE)
_NOT_A_NAME = frozenset("current this that same working home".split())


@lru_cache(maxsize=256)
def places_of_named_folders(request: str) -> frozenset[str]:
    """Known folders (or folders written out) the request names only as the place of another
    folder it names ("delete the untitled folder on my desktop", "how big is the node_modules
    folder in ~/code/webapp?"): a path is never that place itself (the model had planned to
    trash ~/Desktop).  Not when the named folder is a known one or "the current
    directory" ("the Pictures folder in my Desktop" may be two places), nor when the request
    names the place again elsewhere."""
    out: set[str] = set()
    for m in _FOLDER_IN_PLACE.finditer(request):
        words = re.findall(r"[a-z0-9_]+", m.group("name").lower())
        if any(w in _NOT_A_NAME or _folders_named_by(w) for w in words):
            continue
        rest = request[:m.start()] + " " + request[m.end():]
        place = m.group("place").rstrip(".:")
        if place[0] in "~/":   # a folder written out: "the node_modules folder in ~/code/webapp"
            out |= {place.rstrip("/") or "/"} if place not in rest else set()
            continue
        out |= _folders_named_by(place.lower()) - folders_said(rest)
    return frozenset(out)


# Keys next to each other on a QWERTY keyboard (and along the row string the data's typos
# use): a slip of the finger replaces a letter by a neighbour, "dowbloads", never "films" → "files".
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {ch: (r, c) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}
_RUN = "".join(_ROWS)


def _neighbours(a: str, b: str) -> bool:
    if a not in _KEY_AT or b not in _KEY_AT:
        return False
    (ra, ca), (rb, cb) = _KEY_AT[a], _KEY_AT[b]
    if abs(ra - rb) <= 1 and abs(ca - cb) <= 1:
        return True
    return abs(_RUN.index(a) - _RUN.index(b)) == 1


# Everyday words one slip away from a folder word: they are never a typo of it
# ("move" is no "movie", "share" no "shared", "passed" no "passwd").
_REAL_WORDS = frozenset("move moves moved mover shred share shares passed".split())


def slips(word: str, known: str, limit: int) -> int:
    """Typing slips from ``word`` to ``known`` (``limit + 1`` when more): a letter lost or
    added, two neighbours swapped, or a letter replaced by a neighbouring key."""
    if abs(len(word) - len(known)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(known) + 1))
    for i, a in enumerate(word, 1):
        row = [i] + [0] * len(known)
        for j, b in enumerate(known, 1):
            cost = 0 if a == b else (1 if _neighbours(a, b) else limit + 1)
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a == known[j - 2] and word[i - 2] == b:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
        if min(prev) > limit:
            return limit + 1
    return prev[-1]


def typo_of(word: str, known: str) -> bool:
    """A typo of a word of five letters or more: one slip (two for long words)."""
    if len(known) < 5 or abs(len(word) - len(known)) > 2 or word in _REAL_WORDS:
        return False
    limit = 1 if len(known) < 7 else 2
    return slips(word, known, limit) <= limit


def folders_said(request: str) -> frozenset[str]:
    """The known folders the request names: by path (or a localised one, "~/下载"), by one of
    their words (not inside a path it writes), or by a typo of one ("downlaods")."""
    # a word after a "/" is part of a path, not a name: "~/.kube/config" names no ~/.config
    # (a path's first word still does: "Downloads/report.pdf")
    said = re.sub(r"(?<=/)[\w.~-]+", " ", request, flags=re.ASCII)
    by_word = frozenset().union(*map(_folders_named_by, re.findall(r"[a-z0-9_]+", said.lower())))
    return frozenset(c for c, words in _FOLDER_WORDS.items()
                     if c in request or c in by_word
                     or any(local in request for local, known in LOCALISED_DIRS.items() if known == c)
                     or any(w in said for w in words if not w.isascii()))


@lru_cache(maxsize=1 << 16)
def _folders_named_by(word: str) -> frozenset[str]:
    """The known folders an English word (or a typo of one) names; words recur, so this is cached."""
    return frozenset(c for c, words in _FOLDER_WORDS.items()
                     if any(w == word or typo_of(word, w) for w in words if w.isascii()))


@lru_cache(maxsize=512)
def path_canons(request: str) -> tuple[str, ...]:
    """The canonical folders a path may be for this request: home always; a known folder only
    when the request names it (:func:`folders_said`); the root folder only when the request
    names it ("rm -rf /", "the root directory", "根目录"), the current folder only when it says
    so ("here", "this folder", "当前目录", "."), since a small model that is unsure otherwise
    falls back on "/" or "." or a folder it has seen often."""
    drop = {c for c, said in (("/", _ROOT_SAID), (".", _HERE_SAID)) if not said.search(request)}
    said = folders_said(request)
    return tuple(c for c in PATH_CANON if c not in drop and (c not in _FOLDER_WORDS or c in said))


def home_said(request: str) -> bool:
    """Whether the request names the home folder itself (not only paths under it)."""
    return _HOME_SAID.search(request) is not None


@lru_cache(maxsize=1024)
def written_only_inside(canon: str, request: str) -> bool:
    """Whether a known folder is written only as the start of longer paths and not named
    otherwise: "show me ~/.kube/config" never means "~/.kube", nor does "move report.pdf
    into ~/Documents/Work" mean "~/Documents" (a small model likes to stop at the folder
    it knows).  A localised form ("~/文档/备份") counts as the folder written.  The XDG
    folders are named by their words and aliases ("movies" for ~/Videos) too."""
    forms = [canon] + [local for local, known in LOCALISED_DIRS.items() if known == canon]
    if canon in ("~", ".", "/") or not any(f + "/" in request for f in forms):
        return False
    rest = request
    for f in forms:
        rest = re.sub(re.escape(f) + r"/\S+", " ", rest)
    base = canon.rsplit("/", 1)[-1]
    if base.startswith("."):   # a hidden folder is named by its own name ("my kube folder"), not
        return base[1:].lower() not in rest.lower()   # by what keeps files there ("firefox")
    return canon not in folders_said(rest)


# The localised XDG folder names the manifests' Chinese examples use, → the canonical form.
LOCALISED_DIRS = {"~/下载": "~/Downloads", "~/文档": "~/Documents", "~/桌面": "~/Desktop",
                  "~/音乐": "~/Music", "~/图片": "~/Pictures", "~/视频": "~/Videos",
                  "~/模板": "~/Templates", "~/公共": "~/Public"}


def is_pathish(fmt: str | None) -> bool:
    """Formats whose values are paths (or may be): these get the folder canons."""
    return fmt in ("path", "path-or-url")


def string_canon(intents: Iterable[Intent]) -> dict[tuple[str, str], tuple[str, ...]]:
    """Per (intent, argument): the example values that do not occur in their example's text.

    Only plain strings (no format, no enum) qualify: paths have PATH_CANON, and
    sizes, durations, URLs and hosts must always be copied.  Only single tokens
    (program names, globs, options): prose such as a notification's title is a
    translation, which the planner must copy, never make up.  A value its text holds
    in another case ("PDFs" → ``pdf``) is a case fold, not a translation: see
    :func:`canons_for`.
    """
    out: dict[tuple[str, str], set[str]] = {}
    for intent in intents:
        for ex in intent.examples:
            for arg, value in ex.args.items():
                prop = intent.properties.get(arg, {})
                item = prop.get("items") if prop.get("type") == "array" else prop
                if not isinstance(item, dict) or item.get("type") != "string":
                    continue
                if _format_of(item) is not None or "enum" in item:
                    continue
                for v in value if isinstance(value, list) else [value]:
                    if isinstance(v, str) and v and not any(c.isspace() for c in v) and v not in ex.text:
                        out.setdefault((intent.name, arg), set()).add(v)
    return {k: tuple(sorted(v)) for k, v in out.items()}


# Programs by their Chinese names: a translation offered to a Chinese request only when it says
# one ("打开火狐浏览器" is firefox; "开个热点" and "出门要带伞吗" name no program).
APP_ZH = {"火狐": "firefox", "火狐浏览器": "firefox", "谷歌浏览器": "google-chrome", "谷歌": "google-chrome",
          "计算器": "gnome-calculator", "终端": "x-terminal-emulator"}


def canons_for(request: str, canons: tuple[str, ...], folds: frozenset[str]) -> tuple[str, ...]:
    """The string canons offered to one request: a case fold ("pdf" from "PDFs") only when
    the request says it in some case, so ".tmp files" is never planned as ext=pdf; an option
    ("--incognito") only when the request says its words ("incognito mode") or is Chinese
    (无痕模式 is its translation), so "run libreoffice --writer" is not given --incognito;
    any other translation only when the request says a word of it ("chrome" for
    google-chrome, "terminal" for x-terminal-emulator) or its Chinese name (火狐, 终端), so
    "start the robot vacuum" is never planned as launching google-chrome, nor 开个热点 as
    launching firefox."""
    low = request.lower()
    chinese = re.search(r"[\u4e00-\u9fff]", request) is not None
    named_zh = {program for name, program in APP_ZH.items() if name in request}
    return tuple(c for c in canons
                 if (c not in folds or c.lower() in low)
                 and (not c.startswith("-") or chinese
                      or all(w in low for w in re.findall(r"[a-z0-9]+", c.lower())))
                 and (c in folds or c.startswith("-") or c in named_zh
                      or any(w in low for w in re.findall(r"[a-z0-9]{3,}", c.lower()))))


def case_folds(intents: Iterable[Intent]) -> frozenset[str]:
    """Canon values that every example using them holds in another case (never a
    translation: "firefox" for "火狐" is one, so it is not a fold)."""
    folded: set[str] = set()
    translated: set[str] = set()
    for intent in intents:
        for ex in intent.examples:
            for value in ex.args.values():
                for v in value if isinstance(value, list) else [value]:
                    if not isinstance(v, str) or not v or v in ex.text:
                        continue
                    (folded if v.lower() in ex.text.lower() else translated).add(v)
    return frozenset(folded - translated)
