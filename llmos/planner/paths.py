"""Paths as a request writes them, and plan paths held to them.

A request that writes a path out ("~/Videos/OBS Recordings 2024", "~/文档/扫描件") means
that path, whole.  The model copies paths piece by piece, and a small one sometimes
stops early ("~/Videos/OBS"), glues a cut name to a folder of its own
("~/Music/Mötley Crüe/Kickstart/Heart.mp3" of "…/Kickstart My Heart.mp3"), or runs on
past the mark that ends it ("~/文档/扫描件，再").  ``written_paths`` finds the written
paths; ``paths_as_written`` puts them back whole where a step's path is such a cut.
Where Chinese runs on from a path without a blank ("~/照片/2023年旅行 …", "~/.config下最近")
there is no telling where the path ends, and the model's reading stands.  Pure
functions of the request and the plan.
"""

from __future__ import annotations

import re
from typing import Any

from llmos.plan.model import Step
from llmos.planner.canon import LOCALISED_DIRS
from llmos.planner.grammar import _in_url, _is_cjk

# What ends a path written without quotes: a blank, a mark that separates, a quote, a bracket.
_ENDS_PATH = set(" \t\n，。；：！？、,;!?\"“”‘’「」『』()（）<>《》")
_TRAILING = ".:'"                      # "… in ~/Downloads." ends the sentence, not the name
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "「": "」", "『": "』"}
_PATH_START = re.compile(r"~/|/(?=[\w.\[(-])")
_EXTENSION = re.compile(r"[^/\s.]\.[A-Za-z][A-Za-z0-9]{0,4}$")   # "Heart.mp3", "a.tar.gz"
# Words that never belong to a name written after a path ("~/Pictures/Camera Roll that are …");
# in lower case only: "Kickstart My Heart.mp3" is one name.
_NOT_IN_NAME = frozenset("to into in inside from and or then also with without as at on onto of for by under "
                         "over that which who what where when how if but so is are was be the a an my your "
                         "our their his her its it them this these those me us we you he she they I I'm I've "
                         "called named titled saying says containing contains please pls now just all every "
                         "any some only bigger larger smaller older newer than".split())
_UNIT_NEXT = re.compile(r"\s*([kmgt]i?b|bytes?|kilo\w*|mega\w*|giga\w*|files?|items?|days?|hours?|minutes?)\b", re.I)
_NEXT_WORD = re.compile(r" [^\s，。；：！？、,;!?\"“”‘’()（）]+")
_SEPARATOR_IN_VALUE = re.compile(r"[，。；！？、]|[,;](?= )")      # "~/文档/扫描件，再", "~/Pictures/Old, then"
_MARKS = set("?!,;:，。；：！？、")                 # a mark straight after a written path ends it
_WILDCARD = re.compile(r"[*?\[]")


def written_paths(request: str) -> tuple[str, ...]:
    """The paths a request writes out, each whole: from "~/" or "/" at the start of a word
    (or straight after Chinese, "把~/视频"), never inside a URL, up to a blank or a mark that
    separates; a quoted path up to its closing quote.  Words after a blank still belong to
    the name when they end in a file extension ("~/Music/Mötley Crüe/Kickstart My
    Heart.mp3") or are capitalised ("~/Pictures/Camera Roll", "OBS Recordings 2024")."""
    found: list[str] = []
    covered = 0                      # where the last path found ends: "/2023年旅行" is inside one
    for m in _PATH_START.finditer(request):
        i = m.start()
        before = request[i - 1] if i else " "
        if (i < covered or _in_url(request, i)
                or not (before.isspace() or before in _QUOTES or _is_cjk(before))):
            continue
        if before in _QUOTES and (close := request.find(_QUOTES[before], i)) > i:
            found.append(request[i:close])
            covered = close
            continue
        end = i
        while end < len(request) and request[end] not in _ENDS_PATH:
            end += 1
        while end > i and request[end - 1] in _TRAILING:
            end -= 1
        if request[i:end].endswith("'s"):          # "~/Pictures/photos's stuff"
            end -= 2
        path = request[i:end]
        if end < len(request) and request[end] == " " and not _EXTENSION.search(path) and not _is_cjk(path[-1]):
            path += _words_of_the_name(request[end:], path, not _SENDS_ELSEWHERE.search(request[:i]))
        found.append(path)
        covered = i + len(path)
    return tuple(found)


# A verb before a path that sends it somewhere: "rename ~/Documents/Report to Final.txt" names
# two things, never one title.
_SENDS_ELSEWHERE = re.compile(r"\b(?:move|mv|rename|copy|cp|save|write|extract|unzip|compress|zip|pack)\b", re.IGNORECASE)


def _words_of_the_name(rest: str, path: str, titled: bool = True) -> str:
    """The words after a blank that still belong to a written path's last name: capitalised
    ones, a year after a capitalised one, ones with a slash, up to one that ends in a file
    extension ("Crüe/Kickstart My Heart.mp3", "Camera Roll", "OBS Recordings 2024")."""
    said, last = "", path.rsplit("/", 1)[-1]
    for _ in range(4):
        m = _NEXT_WORD.match(rest, len(said))
        if not m:
            break
        w, word = m.group(), m.group()[1:]
        if titled and word in _TITLE_WORDS and last[:1].isupper() and (title := _title_to_a_file(rest[len(said):])):
            said += title                       # "~/Documents/Talks/Intro to Rust.odp"
            break
        if word[0] in "~/" or "://" in word or word in _NOT_IN_NAME or any(_is_cjk(c) for c in word):
            break
        ends = _EXTENSION.search(word.rstrip(_TRAILING)) is not None
        year = word.isdigit() and last[:1].isupper() and not _UNIT_NEXT.match(rest[len(said) + len(w):])
        joins = word in ("-", "–", "&") and last[:1].isupper()        # "Daft Punk - Get Lucky.mp3"
        if not (ends or year or joins or word[0].isupper() or word[0] == "[" or "/" in word):
            break
        said, last = said + w, (last if joins else word)
        if ends:
            break
    return re.sub(r" [-–&]$", "", said.rstrip(_TRAILING))


_TITLE_WORDS = frozenset("to of and the a an in for on with at from vs".split())


def _title_to_a_file(rest: str) -> str:
    """The rest of a title that ends in a file ("to Rust.odp" of "Intro to Rust.odp"): small
    words and capitalised ones, up to a capitalised word with a file extension; else ''."""
    words = re.match(r"((?: (?:[a-z]+|[A-Z0-9][^\s/]*)){1,4})", rest)
    if not words:
        return ""
    said = ""
    for word in words.group(1).split(" ")[1:]:
        said += " " + word
        if _EXTENSION.search(word.rstrip(_TRAILING)):
            return said.rstrip(_TRAILING) if word[0].isupper() else ""
        if word not in _TITLE_WORDS and not word[0].isupper() and not word[0].isdigit():
            return ""
    return ""


def _into_chinese(path: str, at: int) -> bool:
    """Whether a written path goes on into Chinese at ``at``.  Chinese runs on from a path
    without a blank ("~/.config下最近一个月的", "lecture.zip解压到", "/mnt/data这个目录"), so
    where the path ends there is the model's call, never put right here; except in a name
    that numbers run into, up to a blank: "~/图片/2023旅行 打包成 …" is one folder."""
    if not (at < len(path) and _is_cjk(path[at])):
        return False
    return not (path[at - 1].isdigit() and path[at] not in _JOINS_A_SENTENCE
                and not _EXTENSION.search(path[:at]) and all(_is_cjk(c) for c in path[at:]))


# Characters that open the sentence's words after a path, never a name's: 下 里 中 的 这 那 …
_JOINS_A_SENTENCE = frozenset("下里中的这那内上解打压复移删挪拷到和与及并然再把给用跟去看查找列")


def localised_as_known(path: str) -> str:
    """A written path with its localised home folder said the way the planner writes it
    ("~/文档/年度总结.docx" → "~/Documents/年度总结.docx")."""
    for local, known in LOCALISED_DIRS.items():
        if path == local or path.startswith(local + "/"):
            return known + path[len(local):]
    return path


def _piece_of_a_chinese_word(name: str, request: str) -> bool:
    """Whether Chinese ``name`` is only ever the start of a longer run of Chinese after a blank
    ("文件都" of "flac 文件都移进去"): a piece of the sentence, no folder's name (" 周报 " is one)."""
    at = [m.start() for m in re.finditer(re.escape(name), request)]
    return bool(at) and all(i > 0 and request[i - 1] == " " and _is_cjk(request[i + len(name):][:1] or " ")
                            for i in at)


def whole_path(value: str, request: str, written: tuple[str, ...]) -> str:
    """``value`` as the request writes it, when the model cut a written path; else ``value``."""
    if "://" in value or value in written or len(value) < 3:
        return value
    sep = _SEPARATOR_IN_VALUE.search(value)
    if sep and value[:sep.start()] in written:         # "~/文档/扫描件，再" → "~/文档/扫描件"
        return value[:sep.start()]
    # a written folder given the start of a Chinese phrase as a name: "~/Downloads/文件都" of
    # "把 ~/下载 里的 flac 文件都移进去" is ~/Downloads
    folder, _, name = value.rpartition("/")
    if (name and all(_is_cjk(c) for c in name) and folder in {localised_as_known(p) for p in written} | set(written)
            and _piece_of_a_chinese_word(name, request)):
        return folder
    # run on past the mark that ends it: "~/Music/Édith Piaf Those" of "~/Music/Édith Piaf? Those"
    past = [p for p in written if value.startswith(p + " ") and any(
        request.startswith(p, i) and request[i + len(p):i + len(p) + 1] in _MARKS for i in _starts(request, p))]
    if len(past) == 1:
        return past[0]
    # run on into words said elsewhere as a name of its own: "/var/lib/docker/just the total"
    # of "/var/lib/docker, just the total", "~/projects/todo-app/work in progress" of "… and
    # write 'work in progress' into …"; a name of words in lower case, with no suffix, said after
    # the path ("add folder recipe lecture to ~/code/x" names the folder inside it; one word after
    # it may be a name: "inside ~/projects make a new folder called api")
    past = [p for p in written if value.startswith(p + "/") and (rest := value[len(p) + 1:])
            and " " in rest and rest == rest.lower() and "/" not in rest and not _EXTENSION.search(rest)
            and rest in request and value not in request and request.find(rest, request.find(p) + len(p)) > 0]
    if len(past) == 1:
        return past[0]
    if value in request:
        # stopped early: the only written path it begins, cut inside a name or before a blank
        # the name goes on past.  Never at a slash: "~/Pictures" is as often the folder said
        # in words ("the mp4s in my photos folder") beside a written "~/Pictures/notes".  But
        # a hidden folder is not said in words: "~/.config" of "~/.config/nvim" is that path cut.
        hidden = value.rsplit("/", 1)[-1].startswith(".")
        longer = {p for p in written if p.startswith(value) and (p[len(value)] != "/" or hidden)
                  and not _into_chinese(p, len(value))
                  and not _WILDCARD.search(p[len(value):])}   # "~/Downloads" of "~/Downloads/*.torrent" is a search's folder
        return longer.pop() if len(longer) == 1 else value
    # a cut name glued to a folder: "~/文档/年度/…" of "~/文档/年度总结.docx" is that path
    glued = set()
    for p in written:
        n = len(_common_prefix(value, p))
        if (n >= 3 and n < len(p) and value[n:n + 1] == "/" and p[n] != "/" and value[n - 1] != "/"
                and not _into_chinese(p, n) and p[:n] not in written):
            glued.add(p)
    return glued.pop() if len(glued) == 1 else value


def _starts(text: str, piece: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(piece), text)]


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def paths_as_written(steps: list, request: str, path_args: dict[str, frozenset[str]]) -> list:
    """Each path argument (``path_args``: intent → its path arguments) of each step, held to
    the paths the request writes out (``whole_path``).  A reference or a path the request
    does not write stays as the model wrote it."""
    written = written_paths(request)
    if not written:
        return steps

    def held(value: Any) -> Any:
        if isinstance(value, str):
            return whole_path(value, request, written)
        if isinstance(value, list):
            return [held(v) for v in value]
        return value
    return [Step(s.intent, {k: held(v) if k in path_args.get(s.intent, ()) else v for k, v in s.args.items()})
            for s in steps]
