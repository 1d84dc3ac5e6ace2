"""Arguments held to what the request says, after decoding.

A small model copies the request piece by piece and sometimes copies the wrong piece: it
writes "'<h1>Hello</h1>' into ~/Projects/site/index.html" to "~", searches "the .psd files"
without their type, answers "free space on every drive" with one disk, or "port 22" with the
20 of "the last 20 lines".  Each rule here looks at what the request says (the file it
names, the file type it asks for, every disk, the port it gives, a glob, a folder to make)
and puts right only a step that disagrees with it, leaving a value the request writes out
as the model wrote it.  Pure functions of the request and the steps.  A few change a step's
intent to the one the request names (every disk is system.disks, a saved URL a download,
"which folders take the most space" a usage) or add the folder it says to make; every step
that comes out is still one the policy decides.
"""

from __future__ import annotations

import json
import posixpath
import re

from llmos.plan.model import Step
from llmos.plan.refs import is_ref, moved_refs, referenced_steps
from llmos.planner.canon import EXTRACT_WORD, LOCALISED_DIRS, LOGS_NAMED, PATH_CANON, taken_back
from llmos.planner.grammar import _AFTER_PATH_ZH, _in_url, _is_cjk, _said_only_in_quantities, _sides_of, quantity_spans
from llmos.planner.paths import localised_as_known, written_paths

# --- the files a request names ---------------------------------------------------------

_EXTENSION = re.compile(r"[^/\s.]\.([A-Za-z][A-Za-z0-9]{1,4})$")        # "index.html", "a.tar.gz"
# Hidden folders people keep things in: a written "~/.config" is a folder, "~/.bashrc" a file.
_HIDDEN_FOLDERS = frozenset(".config .cache .local .ssh .gnupg .aws .kube .mozilla .var .npm .cargo .rustup "
                            ".vscode .themes .icons .fonts .steam .wine .docker .git .password-store".split())
# Top-level domains that look like file suffixes: "bilibili.com" is a site, not a file.
_DOMAINS = frozenset("com org net io cn de uk fr jp ru edu gov co me info tv us eu nl ch".split())
_ARCHIVES = frozenset("zip tar gz tgz xz txz bz2 tbz2 7z rar zst".split())
# A file name written bare, between blanks or marks: "hello.txt", "资料.zip", "扫描001.pdf"
# (never ".tar.xz" alone: that is a kind of file).
_BARE_NAME = re.compile(r"(?<![^\s'\"“”‘’「」，。、；：！？,;:!?()（）<>《》])"
                        r"([^\s/~'\"“”‘’「」，。、；：！？,;:!?()（）<>《》*.][^\s/~'\"“”‘’「」，。、；：！？,;:!?()（）<>《》*]*"
                        r"\.[A-Za-z][A-Za-z0-9]{1,4})"
                        r"(?=$|[\s'\"“”‘’「」，。、；：！？,;:!?()（）<>《》]|\.(?:\s|$))")
_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"|“([^”]+)”|‘([^’]+)’|「([^」]+)」")
# The argument of each intent that must be one file, and the files it may be.
_FILE_ARG = {"files.write": "path", "files.read": "path", "desktop.open": "target", "files.extract": "archive",
             "files.compress": "archive"}


def _is_file(path: str) -> bool:
    base = path.rstrip("/").rsplit("/", 1)[-1]
    if base.startswith(".") and "." not in base[1:]:
        return len(base) > 1 and base not in _HIDDEN_FOLDERS and not path.endswith("/")
    m = _EXTENSION.search(base)
    return m is not None and m.group(1).lower() not in _DOMAINS


def _written_spans(request: str) -> list[tuple[int, int]]:
    """Where the paths a request writes out stand in it."""
    return [(m.start(), m.end()) for p in written_paths(request) for m in re.finditer(re.escape(p), request)]


def _stands_alone(request: str, piece: str) -> bool:
    """Whether the request says ``piece`` somewhere as a word of its own: nothing of the same
    script runs into it ("/报告.pdf" of "文档/报告.pdf", "视频.tar.gz" of "大视频.tar.gz"),
    though Chinese may touch a Latin name ("请courseproject.txt")."""
    for m in re.finditer(re.escape(piece), request):
        before = request[m.start() - 1] if m.start() else " "
        if piece[0] == "/" and (before.isalnum() or _is_cjk(before) or before in "._-~"):
            continue
        if _is_cjk(piece[0]) == _is_cjk(before) and (before.isalnum() or before in "._-"):
            continue
        return True
    return False


def _said_as_a_word(word: str, request: str) -> bool:
    """Whether ``word`` stands in the request as a word (Chinese may touch it: "挪到thesis，")."""
    return bool(word) and re.search(rf"(?<![A-Za-z0-9_.-]){re.escape(word)}(?![A-Za-z0-9_.-])", request) is not None


def _runs_on_into(mine: str, named: str) -> bool:
    """Whether a name is the sentence run on into the named file ("everything here into all.zip")."""
    return mine != named and re.search(r"(?:^|\s)(?:into|to|as|from|in|onto)\s+" + re.escape(named) + "$", mine) is not None


def _same_name(value: str, named: str) -> bool:
    """Whether a step's file is the named one, said longer or shorter: "Tax Returns 2023.tar.gz"
    of a bare "2023.tar.gz" (the blank cut the name), "结果.md" of "一下文档中的结果.md" (Chinese
    runs on into it), "旧文件/build-podcast/数据.sh" of a written "/build-podcast/数据.sh" (a path
    after Chinese looks absolute).  Never ".tar.xz" alone, nor "~/视频.tar.gz" of "~/大视频.tar.gz"."""
    if "/" in named:          # a written path is exact: only a model's longer reading of it is it
        return value.endswith(named)
    mine = value.rstrip("/").rsplit("/", 1)[-1]
    if _runs_on_into(mine, named):
        return False
    return mine == named or (_is_file(mine) and not mine.startswith(".") and (mine.endswith(named) or named.endswith(mine)))


def named_files(request: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The files a request names: paths it writes out that end in a file (a suffix, or a
    hidden file such as ~/.bashrc), and file names written bare ("hello.txt", "资料.zip", a
    quoted 'Meeting notes 2024-05-02.txt').  Never a piece of a URL, of a written path or of
    quoted text, nor a site (bilibili.com)."""
    paths = tuple(p for p in written_paths(request) if _is_file(p) and _stands_alone(request, p))
    taken = _written_spans(request)
    names: list[str] = []
    for m in _QUOTED.finditer(request):
        text = next(g for g in m.groups() if g is not None)
        taken.append((m.start(), m.end()))
        if "/" not in text and _is_file(text) and text.strip() == text:
            names.append(text)
    for m in _BARE_NAME.finditer(request):
        name, at = m.group(1), m.start(1)
        mixed = any(_is_cjk(c) for c in name) and re.search(r"[A-Za-z]", name.rsplit(".", 1)[0])
        if (_is_file(name) and not mixed and not _in_url(request, at)
                and not any(a <= at < b for a, b in taken)):
            names.append(name)
    return paths, tuple(dict.fromkeys(n for n in names if n not in {p.rsplit("/", 1)[-1] for p in paths}))


_XDG_FOLDERS = frozenset(("~", "~/Desktop", "~/Downloads", "~/Documents", "~/Music", "~/Pictures", "~/Videos") + tuple(LOCALISED_DIRS))
_IN_IT = re.compile(r"\b(?:in|into|inside)\s+(?:it|there|that folder|the new folder)\b|在里面|里面|在这个文件夹里|进去",
                    re.IGNORECASE)


def files_as_named(steps: list, request: str) -> list:
    """The one file a request names is the file a step reads, writes, opens or unpacks.

    "write '<h1>Hello</h1>' into ~/Projects/site/index.html" had written "~", "在 ~/备忘.txt
    里写上…" the words after the path ("~/里写上"), "在桌面上创建 hello.txt" the Desktop itself,
    "解压桌面上的 资料.zip" a piece of the verb ("~/Desktop/解").  When a step's file is not one
    the request writes out, and the request names exactly one file (one archive, for an
    unpacking or a packing: "a .tar.xz backup … at ~/backups/website.tar.xz" is not "~/.tar.xz"),
    the step gets that file: a written path as written; a bare name in the folder
    the model chose (for "~/Desktop", "~/Desktop/hello.txt")."""
    paths, names = named_files(request)
    said_as_text = {v for s in steps for k, v in s.args.items() if isinstance(v, str) and k != _FILE_ARG.get(s.intent)}
    names = tuple(n for n in names if n not in said_as_text)      # "append 'see notes.txt' to …" is text
    if len(paths) + len(names) != 1:
        return steps
    named = (paths or names)[0]
    written = {localised_as_known(p) for p in written_paths(request)} | set(written_paths(request))
    made = {s.args.get("path") for s in steps if s.intent == "files.mkdir"}
    out = []
    for s in steps:
        arg = _FILE_ARG.get(s.intent)
        value = s.args.get(arg) if arg else None
        if (isinstance(value, str) and not paths and s.intent == "files.write" and len(made) == 1
                and (value in made or (posixpath.dirname(value) in ("~", ".", "") and _IN_IT.search(request)))):
            # "create ~/projects/site and put an index.html in it", 在里面写一个 README.md: the file
            # goes in the new folder
            s = Step(s.intent, {**s.args, arg: posixpath.join(next(iter(made)), named)})
            value = s.args[arg]
        items = s.args.get(_LIST_ARGS.get(s.intent, ""))
        if (s.intent in ("files.trash", "files.delete") and isinstance(items, list) and len(items) == 1
                and isinstance(items[0], str) and not paths and items[0] in _XDG_FOLDERS
                and not re.search(rf"(?<![\w.-]){re.escape(named)}\s*(?:folder|directory|文件夹|目录)", request)):
            # "delete a.txt on my desktop" had trashed the Desktop: the file named, in that folder
            s = Step(s.intent, {**s.args, _LIST_ARGS[s.intent]: [posixpath.join(items[0], named)]})
        elif (s.intent in ("files.trash", "files.delete") and isinstance(items, list) and len(items) == 1
                and isinstance(items[0], str) and not _is_file(items[0])
                and any(_is_cjk(c) for c in items[0]) and items[0] not in written
                and _strays_from(s.intent, items[0], named, bool(paths), written, request)):
            # "把 ~/a.zip 删掉" had trashed "~/删掉": a piece of the sentence, not the file named
            s = Step(s.intent, {**s.args, _LIST_ARGS[s.intent]: [named if paths else posixpath.join(
                posixpath.dirname(items[0]), named)]})
        if isinstance(value, str) and _strays_from(s.intent, value, named, bool(paths), written, request):
            if paths:
                value = named
            else:             # a bare name goes in the folder the model chose ("~/Desktop/hello.txt")
                folder = value.rstrip("/") if (value in PATH_CANON or value in written) and not _is_file(value) \
                    else posixpath.dirname(value)
                value = posixpath.join(folder, named) if folder else named
            s = Step(s.intent, {**s.args, arg: value})
        out.append(s)
    return out


def _strays_from(intent: str, value: str, named: str, written_out: bool, written: set[str], request: str) -> bool:
    """Whether a step's file ``value`` is not the ``named`` one and should be: it is none the
    request writes, says as a name of its own, or holds longer or shorter (``_same_name``); a
    folder opened stays ("打开文档这个文件夹", "打开thesis"); an archive is packed or unpacked only
    from an archive."""
    mine = value.rstrip("/").rsplit("/", 1)[-1]
    if intent == "desktop.open" and (value in PATH_CANON or (not written_out and _said_as_a_word(mine, request))):
        return False
    if intent in ("files.extract", "files.compress") and named.rsplit(".", 1)[-1].lower() not in _ARCHIVES:
        return False
    copied = _is_file(mine) and not mine.startswith(".") and _stands_alone(request, mine) and not _runs_on_into(mine, named)
    return (value not in written and "://" not in value and not copied and not _same_name(value, named)
            and localised_as_known(value) != localised_as_known(named))


_FOLDER_BY_WORD = {"desktop": "~/Desktop", "downloads": "~/Downloads", "download": "~/Downloads", "documents": "~/Documents",
                   "docs": "~/Documents", "pictures": "~/Pictures", "photos": "~/Pictures", "music": "~/Music",
                   "videos": "~/Videos", "home": "~"}
def _folder_called(word: str, parent: str = "~") -> str:
    """The folder a word names: a well-known one ("downloads", "photos"), else one of that name in ``parent``."""
    return _FOLDER_BY_WORD.get(word.lower()) or posixpath.join(parent, word)


_IN_FOLDER = re.compile(r"['\"’”]?\s+(?:(?:in|from|on|inside|at|off)\s+(?:my\s+|the\s+)?(?P<where>~?/[^\s,;!?]+|"
                        + "|".join(_FOLDER_BY_WORD) + r")\b|(?:that\s+|which\s+)?I\s+(?:just\s+)?(?P<downloaded>downloaded))",
                        re.IGNORECASE)
_BETWEEN_NAMES = re.compile(r"['\"’”]?\s*(?:,|，|、|\band\b|和|与|及|&)?\s*(?:and\s+)?['\"‘“]?", re.IGNORECASE)


def _folder_after(request: str, names: tuple[str, ...]) -> dict[str, str]:
    """The folder each bare file name is said to be in, by the words right after it or after
    the run of names it is in: "IMG_1.HEIC and IMG_2.HEIC from my Pictures folder", "'Wedding
    Photos.zip' in my Downloads"."""
    at = sorted((request.find(n), n) for n in names if request.find(n) >= 0)
    found: dict[str, str] = {}
    run: list[str] = []
    for k, (i, name) in enumerate(at):
        run.append(name)
        end = i + len(name)
        nxt = at[k + 1][0] if k + 1 < len(at) else None
        if nxt is not None and _BETWEEN_NAMES.fullmatch(request[end:nxt]):
            continue                                   # the run goes on
        m = _IN_FOLDER.match(request, end)
        if m:
            where = (m.group("where") or "downloads").rstrip(".")      # "the report.pdf I downloaded"
            folder = where if where[0] in "~/" else _FOLDER_BY_WORD[where.lower()]
            found.update({n: folder for n in run})
        run = []
    return found


def names_in_the_folder_said(steps: list, request: str) -> list:
    """A bare file name said to be in a folder ("unzip 'Wedding Photos.zip' in my Downloads")
    is that file in that folder, where the model put it elsewhere (home) or made the folder
    the place to unpack into.  A run of names said together ("trash IMG_1.HEIC and
    IMG_2.HEIC from my Pictures folder") is given whole, where a step held only some of it."""
    _, names = named_files(request)
    folders = _folder_after(request, names)
    if not folders:
        return steps
    written = set(written_paths(request))

    def placed(value: object) -> object:
        if not isinstance(value, str) or value in written:
            return value
        name = value.rsplit("/", 1)[-1]
        return posixpath.join(folders[name], name) if name in folders else value

    out = []
    for s in steps:
        args = dict(s.args)
        file_arg, list_arg = _FILE_ARG.get(s.intent), _LIST_ARGS.get(s.intent)
        if file_arg in args:
            before = args[file_arg]
            args[file_arg] = placed(before)
            if (s.intent == "files.extract" and "destination" in args
                    and args["destination"] == folders.get(str(before).rsplit("/", 1)[-1])
                    and not re.search(r"\b(?:into|to)\s+(?:my\s+|the\s+)?" + re.escape(args["destination"].rsplit("/", 1)[-1]),
                                      request, re.I)):
                del args["destination"]                # "in my Downloads" says where it is, not where to unpack
        if list_arg in args and isinstance(args[list_arg], list):
            items = [placed(v) for v in args[list_arg]]
            held = {piece for v in items if isinstance(v, str)           # "a.jpg, b.jpg" held as one
                    for piece in re.split(r",\s*|\s+and\s+", v.rsplit("/", 1)[-1])}
            together = [n for n in folders if folders[n] == folders.get(min(held, default=""))]
            whole = [posixpath.join(folders[n], n) for n in together]
            if held and held <= set(together) and set(items) != set(whole) and all(isinstance(v, str) for v in items):
                items = whole
            args[list_arg] = items
        out.append(Step(s.intent, args))
    return out


# --- the file type a search asks for ----------------------------------------------------

# File types people name by their suffix: ".psd files", "the log files", "PDFs", "mp3s", "flac 文件".
_TYPES = frozenset("pdf doc docx odt rtf txt md csv tsv xls xlsx ods ppt pptx odp epub mobi png jpg jpeg gif webp "
                   "svg psd xcf heic tif tiff bmp raw cr2 nef mp4 mkv avi mov webm flv wmv mp3 flac wav ogg m4a aac "
                   "opus wma zip tar gz tgz xz bz2 7z rar zst iso img deb rpm appimage apk exe msi dmg log json yaml "
                   "yml xml toml ini conf cfg py sh js ts go rs c h cpp hpp java rb php html css sql db sqlite "
                   "torrent bak tmp part srt vtt kdbx ttf otf ics vcf blend".split())
_PLURALS = frozenset("pdfs mp3s mp4s jpgs jpegs pngs gifs isos csvs zips debs rpms svgs psds wavs flacs mkvs movs "
                     "epubs docxs xlsxs heics webps".split())
_DOTTED_TYPE = re.compile(r"(?<![^\s\"'“‘(（])\.([A-Za-z][A-Za-z0-9]{0,4})(?![\w/.-])")   # never "(1).zip", "大图.zip"
_TYPE_OF_FILES = re.compile(r"(?<![\w/~.-])([A-Za-z0-9]{1,8})\s*(?:files?|文件|格式)\b", re.IGNORECASE)
_PLURAL_TYPE = re.compile(r"(?<![\w/~.-])([A-Za-z0-9]{2,6})(?![\w/.-])")
# File types said by the name of their language or program: "markdown files", "python scripts",
# "Word documents", "文本文件".  A word alone ("python") is a program as often as a type.
_NAMED_TYPES = {"markdown": "md", "python": "py", "javascript": "js", "typescript": "ts", "text": "txt",
                "shell": "sh", "bash": "sh", "word": "docx", "excel": "xlsx", "powerpoint": "pptx", "rust": "rs",
                "文本": "txt"}
_TYPE_BY_NAME = re.compile(r"(?<![\w/~.-])(markdown|python|javascript|typescript|text|shell|bash|word|excel|powerpoint|rust)"
                           r"\s+(?:files?|scripts?|docs?|documents?|sheets?|spreadsheets?|notes|decks?|sources?)\b"
                           r"|(?<![\w/~.-])(markdown|python|javascript|typescript|shell|bash|rust)\s*(?:文件|脚本)|(文本)文件",
                           re.IGNORECASE)


def types_said(request: str) -> set[str]:
    """The file types a request asks for by suffix: ".psd", "log files", "PDFs", "flac 文件", or
    by name: "markdown files", "python scripts".
    Never a suffix inside a path, a file name or a URL ("~/invoices.zip" asks for no zips)."""
    said: set[str] = set()
    for m in _DOTTED_TYPE.finditer(request):
        if not _in_url(request, m.start()):
            said.add(m.group(1).lower())
    for m in _TYPE_OF_FILES.finditer(request):
        if m.group(1).lower() in _TYPES and not _in_url(request, m.start()):
            said.add(m.group(1).lower())
    for m in _PLURAL_TYPE.finditer(request):
        if m.group(1).lower() in _PLURALS and not _in_url(request, m.start()):
            said.add(m.group(1).lower()[:-1])
    for m in _TYPE_BY_NAME.finditer(request):
        said.add(_NAMED_TYPES[next(g for g in m.groups() if g).lower()])
    return said


def extensions_as_said(steps: list, request: str) -> list:
    """A search's file type is the one the request asks for.  The manifest writes a suffix
    without its dot ("ext: go", never ".go").  A search with no type, or one the request
    never asks for ("ext: modified" of ".wav files … modified this week", "ext: zip" of "zip
    all the PDFs"), gets the type the request does ask for, when it asks for exactly one and
    no name pattern says it already ("Screenshot*.png")."""
    said = types_said(request)
    written = set(written_paths(request)) | {localised_as_known(p) for p in written_paths(request)}
    out = []
    for s in steps:
        for arg in ("path", "destination"):       # a type is no folder: "~/Pictures/Old/png" of "… ~/Pictures/Old,
            value = s.args.get(arg)               # then move all the png files …" is ~/Pictures/Old
            folder, _, last = value.rpartition("/") if isinstance(value, str) else ("", "", "")
            if (last.lower() in said or (last.lower().endswith("s") and last.lower()[:-1] in said)) \
                    and (folder in written or folder == "~") and value not in written:
                s = Step(s.intent, {**s.args, arg: folder})      # "~/pdfs" of "find my pdfs" is home
        ext = s.args.get("ext")
        if s.intent == "files.find":
            if isinstance(ext, str) and ext.startswith(".") and len(ext) > 1:
                ext = ext[1:]
                s = Step(s.intent, {**s.args, "ext": ext})
            name = s.args.get("name")
            named_type = isinstance(name, str) and "." in name
            if len(said) == 1 and not named_type and (ext is None or (isinstance(ext, str) and ext.lower() not in said)):
                s = Step(s.intent, {**s.args, "ext": next(iter(said))})
        out.append(s)
    return out


# the word in the plural, never a name: not "~/Pictures/Screenshots", "screenshot.tar.xz", "in screenshot"
_SCREENSHOTS = re.compile(r"(?<![\w/.-])screen\s?shots(?![\w/.-])(?!\s*(?:文件夹|目录|folder|directory|dir)\b)", re.IGNORECASE)


def screenshots_by_name(steps: list, request: str) -> list:
    """"find screenshots in Pictures": screenshots are found by name (``Screenshot*``, what
    GNOME, KDE and the manifest's example call them), when the search has no name or type."""
    inside = _written_spans(request)
    if not any(not any(a <= m.start() < b for a, b in inside) for m in _SCREENSHOTS.finditer(request)):
        return steps
    return [Step(s.intent, {**s.args, "name": "Screenshot*"})
            if s.intent == "files.find" and "name" not in s.args and "ext" not in s.args
            and "screenshot" not in str(s.args.get("path", "")).lower() else s for s in steps]


_GLOB = re.compile(r"(?<![^\s'\"“”‘’，。、；：,;:(（/])([^\s'\"“”‘’，。、；：,;:()（）/]*[*?][^\s'\"“”‘’，。、；：,;:()（）/]*)")


def written_globs(request: str) -> set[str]:
    """The name patterns a request writes ("Screenshot*.png", "*.torrent" of "~/Downloads/*.torrent"),
    never the "?" that ends a question ("what is in ~/x?")."""
    globs = {m.group(1).rstrip(".?!") for m in _GLOB.finditer(request)}
    return {g for g in globs if re.search(r"[*?]", g) and g not in ("*", "?")}


def globs_written_whole(steps: list, request: str) -> list:
    """A name pattern the request writes ("Screenshot*.png", "backup_2023-*.tar.gz") is the
    search's name, whole: the model had stopped at the star ("Screenshot*"), kept only its
    end ("*.tar.gz"), or made a pattern of other words ("* file")."""
    globs = written_globs(request)
    out = []
    for s in steps:
        name = s.args.get("name")
        if s.intent == "files.find" and isinstance(name, str) and name not in globs:
            longer = [g for g in globs if len(g) > len(name) and (g.startswith(name) or g.endswith(name))]
            if len(longer) == 1:
                s = Step(s.intent, {**s.args, "name": longer[0]})
            elif not longer and len(globs) == 1 and re.search(r"[*?]", name):
                s = Step(s.intent, {**s.args, "name": next(iter(globs))})     # "* file" of "auth.log* fiels"
        out.append(s)
    return out


_PART = r"['\"“‘]?(?P<part>[^\s'\"“”‘’，。,;；?？]+?)['\"”’]?"
_NAME_WORD = r"\b(?:(?:whose|with|their|the|file|folder)\s+)?names?\s+(?:that\s+)?"
_PART_END = r"(?=[\s,.;!?]|$)"
_NAME_PARTS = (
    (re.compile(rf"{_NAME_WORD}(?:starts?|begins?|starting|beginning)\s+with\s+{_PART}{_PART_END}", re.I), "{}*"),
    (re.compile(rf"\b(?:starting|beginning|prefixed)\s+(?:with|by)\s+{_PART}{_PART_END}", re.I), "{}*"),
    (re.compile(rf"{_NAME_WORD}(?:ends?|ending)\s+(?:with|in)\s+{_PART}{_PART_END}", re.I), "*{}"),
    (re.compile(rf"{_NAME_WORD}(?:contains?|containing|has|have|includes?|including)\s+{_PART}{_PART_END}", re.I), "*{}*"),
    (re.compile(rf"\bwith\s+{_PART}\s+in\s+(?:the|their|its)\s+(?:file\s*)?names?\b", re.I), "*{}*"),
    # "search for files named budget" (a name with no suffix: a part of the names looked for)
    (re.compile(r"\b(?:files?|anything|something|documents?|stuff)\s+(?:named|called)\s+['\"“‘]?(?P<part>[^\s'\"“”‘’，。,;；?？.]+)"
                r"['\"”’]?(?=[\s,;!?]|$)", re.I), "*{}*"),
    (re.compile(r"(?:名字|文件名|名称)(?:里|中)?(?:带|含|包含|有)\s*['\"“‘]?(?P<part>[^\s'\"“”‘’，。,;；的]+?)['\"”’]?\s*的"), "*{}*"),
    (re.compile(r"(?:名字|文件名|名称)?(?:以|是)\s*['\"“‘]?(?P<part>[^\s'\"“”‘’，。,;；]+?)['\"”’]?\s*开头"), "{}*"),
    (re.compile(r"(?:名字|文件名|名称)?以\s*['\"“‘]?(?P<part>[^\s'\"“”‘’，。,;；]+?)['\"”’]?\s*结尾"), "*{}"),
)


def name_patterns_said(request: str) -> set[str]:
    """The name patterns a request says in words: "whose names start with 'Untitled'" is
    ``Untitled*``, "with invoice in the name" ``*invoice*``, 以 IMG 开头 ``IMG*``.  A suffix
    ("names ending in .log") is a type, not a pattern."""
    said = set()
    for pattern, shape in _NAME_PARTS:
        for m in pattern.finditer(request):
            part = m.group("part").strip()
            if part and not (shape == "*{}" and part.startswith(".")) and part.lower() not in ("a", "an", "the"):
                said.add(shape.format(part))
    return said


_LOOKS_FOR = re.compile(r"\b(?:look\w*|find\w*|search\w*|locate|list|show|any|anything|which|where)\b|找|搜|列|哪些|有没有",
                       re.IGNORECASE)


def names_as_said(steps: list, request: str) -> list:
    """A search's name is the pattern the request says in words, when it says one and writes
    no pattern itself: the model had searched every file ("find the files in ~/Documents whose
    names start with 'Untitled'" had found all of them)."""
    said = name_patterns_said(request)
    if len(said) != 1 or written_globs(request):
        return steps
    name = next(iter(said))
    if (len(steps) == 1 and steps[0].intent != "files.find" and isinstance(steps[0].args.get("path"), str)
            and _LOOKS_FOR.search(request)):
        # "look on my desktop for anything with 'invoice' in the name" had written to the Desktop
        return [Step("files.find", {"path": steps[0].args["path"], "name": name})]
    core = name.strip("*")
    out = []
    for s in steps:
        if s.intent == "files.find" and s.args.get("name") != name:
            path = s.args.get("path")
            if isinstance(path, str) and path.rstrip("/").rsplit("/", 1)[-1] == core and path not in written_paths(request):
                path = posixpath.dirname(path.rstrip("/")) or "."     # "~/budget" of "files named budget"
            s = Step(s.intent, {**s.args, "name": name, **({"path": path} if path is not None else {})})
        out.append(s)
    return out


_ONLY_LOOKS_FOR = re.compile(r"^\s*(?:(?:please|pls|can you|could you|help me)\s+)*(?:find|search\s+for|locate|look\s+for|"
                             r"where(?:'s|\s+is)|where\s+did\s+i\s+put)\b", re.IGNORECASE)
_CHANGES_SAID = re.compile(r"\b(?:move|mv|copy|cp|delete|remove|rm|trash|bin|rename|put|make|create|write|save|zip|"
                           r"compress|extract|unzip|open|launch|kill|and|then)\b", re.IGNORECASE)


def searches_planned(steps: list, request: str) -> list:
    """"find the file named report.pdf" had moved it home, "where is report.pdf" pinged it: a
    request that only asks to find something (find, search for, locate, where is …, and no word
    for doing anything to it) whose plan is one change to one file (or a ping of a document's
    name), finds that file by name where the model placed it."""
    if not _ONLY_LOOKS_FOR.match(request) or _CHANGES_SAID.search(request[_ONLY_LOOKS_FOR.match(request).end():]):
        return steps
    step = steps[0] if len(steps) == 1 else Step("", {})
    host = step.args.get("host") if step.intent == "net.ping" else None
    if isinstance(host, str) and _is_file(host) and _suffix(host) in _TYPES:
        step = Step("files.trash", {"paths": [host]})      # "where is report.pdf" had pinged it
    if step.intent in ("files.read", "desktop.open") and re.match(r"\s*where", request, re.IGNORECASE):
        step = Step("files.trash", {"paths": [step.args.get("path") or step.args.get("target")]})   # "where's my resume.docx"
    if step.intent not in ("files.move", "files.copy", "files.trash", "files.delete", "files.write"):
        return steps
    items = step.args.get("sources") or step.args.get("paths") or [step.args.get("path")]
    if not (isinstance(items, list) and len(items) == 1 and isinstance(items[0], str)):
        return steps
    folder, _, name = items[0].rstrip("/").rpartition("/")
    return [Step("files.find", {"path": folder or ".", "name": name})]


# --- every disk, a port -----------------------------------------------------------------

_EVERY_DISK = re.compile(r"\b(disks|drives|partitions|filesystems|file systems|volumes|mounts|mounted)\b|"
                         r"\b(every|each|all)\s+(the\s+|my\s+|of\s+my\s+)?(disk|drive|partition|filesystem|volume)|"
                         r"分区|所有(的)?(磁盘|硬盘|盘)|每个(磁盘|硬盘|盘)|各个(磁盘|硬盘|盘)|挂载", re.IGNORECASE)


def disks_as_said(steps: list, request: str) -> list:
    """"free space on every drive", "list the disks", 所有磁盘分区: every mounted disk is
    system.disks (the manifest says so); system.info's disk aspect covers / and home only.
    Said beside system.disks, the disk aspect adds nothing and goes."""
    if not _EVERY_DISK.search(request):
        return steps
    listed = any(s.intent == "system.disks" for s in steps)
    kept = [k for k, s in enumerate(steps)
            if not (listed and s.intent == "system.info" and s.args.get("aspect") == "disk")]
    return [Step("system.disks", {}) if s.intent == "system.info" and s.args.get("aspect") == "disk"
            else Step(s.intent, moved_refs(s.args, kept.index)) for k, s in enumerate(steps) if k in kept]


_PORT_SAID = re.compile(r"\bports?\s*(?:number\s*)?:?\s*(\d{1,5})\b|(\d{1,5})\s*(?:号)?端口|端口\s*(?:号\s*)?(\d{1,5})|"
                        r"\blisten\w*\s+on\s+:?(\d{1,5})\b", re.IGNORECASE)


def ports_said(request: str) -> set[int]:
    """The numbers a request says as ports ("port 22", 80 端口), never inside a URL."""
    return {int(next(g for g in m.groups() if g)) for m in _PORT_SAID.finditer(request) if not _in_url(request, m.start())}


def port_as_said(steps: list, request: str) -> list:
    """"the last 20 log lines … on port 22": a port is a number the request says as one
    ("port 22", 80 端口).  When it says exactly one, a step that asks about another
    port asks about that one."""
    ports = ports_said(request)
    if len(ports) != 1:
        return steps
    port = next(iter(ports))
    launched = {s.args.get("command") for s in steps if s.intent == "process.launch"}
    out = []
    for s in steps:
        if s.intent == "net.ports" and isinstance(s.args.get("port"), int) and s.args["port"] != port:
            s = Step(s.intent, {**s.args, "port": port})
        elif s.intent == "net.ports" and "port" not in s.args and s.args.get("process") in launched:
            # "start python3 -m http.server 8000 and then check that something is listening on
            # 8000": the port said, not the program just started
            s = Step(s.intent, {**{k: v for k, v in s.args.items() if k != "process"}, "port": port})
        out.append(s)
    return out


_IDIOM_GOES_ON = re.compile(r"\s+(?:sure|certain|out|up)\b", re.IGNORECASE)


def ports_of_no_program_said(steps: list, request: str) -> list:
    """"I want to make sure nothing weird is exposed, what ports are listening?" asks about every
    program: a port listing's program that is only a word of the sentence ("make" of "make
    sure", "find" of "find out") is no program said."""
    out = []
    for s in steps:
        name = s.args.get("process")
        said = [m.end() for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", request, re.IGNORECASE)] \
            if s.intent == "net.ports" and isinstance(name, str) else []
        if said and all(_IDIOM_GOES_ON.match(request, at) for at in said):
            s = Step(s.intent, {k: v for k, v in s.args.items() if k != "process"})
        out.append(s)
    return out


# --- folders to make ----------------------------------------------------------------------

# A word for making, with what may stand between it and the path: "create", "make a new folder",
# "mkdir -p", 新建, 创建一个目录.
_MAKE = re.compile(r"(?:\b(?:create|make|mkdir(?:\s+-p)?|new|set up)(?:\s+(?:a|the|new|an|empty))*"
                   r"(?:\s+(?:folder|directory|dir)(?:\s+(?:called|named))?)?|(?:新建|创建|建)(?:一个)?(?:文件夹|目录)?)\s*$",
                   re.IGNORECASE)
_SOURCE_ARGS = {"files.copy": "sources", "files.move": "sources", "files.compress": "sources"}
_TARGET_ARGS = {"files.copy": "destination", "files.move": "destination", "files.compress": "archive",
                "files.extract": "destination", "files.write": "path", "net.fetch": "destination"}


def _values(step: Step, arg: str | None) -> list[str]:
    value = step.args.get(arg) if arg else None
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def _without(steps: list, dropped: set[int]) -> list:
    """``steps`` less the ``dropped`` ones, later references moved with the steps they name
    (the caller makes sure no step that stays refers to one that goes)."""
    kept = [k for k in range(len(steps)) if k not in dropped]
    return [Step(steps[k].intent, moved_refs(steps[k].args, kept.index)) for k in kept]


def folders_made_as_said(steps: list, request: str) -> list:
    """A new folder is one the request asks to make, and never what a later step takes from.

    - "create ~/Documents/Journal and write 'Day 1' into ~/Documents/Journal/day1.txt": a
      path written straight after a word for making, that no step uses, and that holds what
      a later step puts there, gets its folder made first.
    - "make a folder ~/Backups and copy ~/Documents/notes.txt into it" had made the copy's
      source: a folder made where a later step takes from is the later step's destination,
      when the request writes that as a folder, and is dropped otherwise ("make a tar.xz of
      ~/projects/website" makes no folder).
    - "create ~/music-archive, then compress … into ~/music-archive/live.tar.xz" had made the
      archive: a folder made at a file a later step writes is the folder that file goes in,
      when the request writes it."""
    written = set(written_paths(request))
    out: list = []
    dropped: list[int] = []
    for k, s in enumerate(steps):
        path = s.args.get("path") if s.intent == "files.mkdir" else None
        if isinstance(path, str) and not any(is_ref(v) for v in s.args.values()):
            later = steps[k + 1:]
            if any(path in _values(t, _SOURCE_ARGS.get(t.intent)) for t in later):
                targets = [v for t in later for v in _values(t, _TARGET_ARGS.get(t.intent))
                           if v in written and not _is_file(v)]
                if len(targets) == 1 and targets[0] != path:
                    s = Step(s.intent, {**s.args, "path": targets[0]})
                elif not targets:
                    dropped.append(k)
                    continue
            elif _is_file(path) and any(path in _values(t, _TARGET_ARGS.get(t.intent)) for t in later):
                folder = posixpath.dirname(path)
                if folder in written:
                    s = Step(s.intent, {**s.args, "path": folder})
        out.append(s)
    if dropped:
        if any(k in dropped for t in out for k in referenced_steps(t.args)):
            return steps
        kept = [k for k in range(len(steps)) if k not in dropped]
        out = [Step(t.intent, moved_refs(t.args, kept.index)) for t in out]
    return _missing_folders_made(out, request, written)


def _missing_folders_made(steps: list, request: str, written: set[str]) -> list:
    used = {v for s in steps for arg in s.args for v in _values(s, arg)}
    new: list[str] = []
    for p in sorted(written, key=request.find):
        at = request.find(p)
        if (p in used or _is_file(p) or not _MAKE.search(request[:at])
                or any(s.intent == "files.mkdir" for s in steps)):
            continue
        if any(v.startswith(p.rstrip("/") + "/") for v in used):
            new.append(p)
    if len(new) != 1:
        return steps
    return [Step("files.mkdir", {"path": new[0]})] + [Step(s.intent, moved_refs(s.args, lambda k: k + 1)) for s in steps]


# --- a written path deleted whole ----------------------------------------------------------

# Words for what is inside a folder: "everything in", "all the files", "the contents", 里面的, 清空.
_INSIDE = re.compile(r"\b(everything|all|every|contents?|files?|stuff|things|items|empty\w*|inside|clean\w* (out|up)|"
                     r"sub-?(folder|dir|director)\w*)\b|里面|里的|中的|下的|下面的|所有|全部|清空|内容|东西|文件都|子文件夹|子目录",
                     re.IGNORECASE)
_FILTERS = ("name", "ext", "larger_than", "smaller_than", "older_than", "newer_than", "modified_within")
_PICKS = _FILTERS + ("sort", "limit")      # "the biggest file in ~/x" picks from inside it


def ended_as_written(steps: list, request: str) -> list:
    """"永久删除 ~/下载/临时文件夹", "删掉 ~/下载/临时文件.zip": what the request writes out and
    asks to delete is deleted itself.  The model had searched inside it and deleted what the
    search found, which empties a folder and keeps it, and finds nothing in a file.  A search
    of a written file, or of a written folder with nothing to match by (no name, suffix, size
    or age) in a request that says nothing of what is inside ("everything in", "all the
    files", 里面的, 清空), followed by a deletion or trashing of what it found, becomes that
    deletion or trashing of the path itself."""
    written = {localised_as_known(p): p for p in written_paths(request)}
    for k, s in enumerate(steps[:-1]):
        path, after = s.args.get("path"), steps[k + 1]
        if (s.intent != "files.find" or not isinstance(path, str) or localised_as_known(path) not in written
                or after.intent not in ("files.trash", "files.delete")
                or after.args.get("paths") != {"$ref": f"steps[{k}].paths"}):
            continue
        whole = _is_file(path) or (not any(f in s.args for f in _PICKS) and not _INSIDE.search(request))
        if whole and not any(k in referenced_steps(t.args) for t in steps[k + 2:]):
            ended = Step(after.intent, {**after.args, "paths": [written[localised_as_known(path)]]})
            return _without([*steps[:k + 1], ended, *steps[k + 2:]], {k})
    return steps


# --- lists in the order said, names and texts as said ------------------------------------------

# The list of paths each intent takes from.
_LIST_ARGS = {"files.trash": "paths", "files.delete": "paths", "files.copy": "sources", "files.move": "sources",
              "files.compress": "sources"}


# Words of the sentence the model has copied as a file's name: the verb ("~/Downloads/挪" of
# 把下载里的 会议纪要.docx 挪到 …, "~/fetch", "~/改名"), a particle ("~/.ssh/up" of "zip up ~/.gnupg
# and ~/.ssh"), or the verb and its object (新建文件夹 ~/Desktop/周报 made "~/Desktop/周报/新建文件夹").
_SENTENCE_WORDS = frozenset("fetch grab download get save put move copy zip compress pack extract unzip unpack untar "
                            "rename up make create new open delete remove trash".split())
_VERB_ZH = re.compile(r"[挪移复制拷贝改名命新建解压缩打包下载保存删放搬]")
_PATH_ARGS = ("path", "paths", "sources", "destination", "archive", "target")


_NO_UNIT = frozenset("log logs journal system its it the syslog".split())


def units_named_not_words(steps: list, request: str) -> list:
    """"stop nginx and then show me its last 50 log lines" reads nginx's logs, not a unit
    called "log": a log read of a word that names no unit is of the program another step
    names, else of every unit."""
    named = [s.args.get("name") or s.args.get("command") for s in steps
             if s.intent in ("process.kill", "process.launch", "process.find")]
    named = [n for n in named if isinstance(n, str)]
    out = []
    for s in steps:
        unit = s.args.get("unit")
        if s.intent == "system.logs" and isinstance(unit, str) and unit.lower() in _NO_UNIT:
            rest = {k: v for k, v in s.args.items() if k != "unit"}
            s = Step(s.intent, {**rest, "unit": named[0]} if len(set(named)) == 1 else rest)
        out.append(s)
    return out


_FOLDER_NAMED = re.compile(r"\b(?:folder|directory|dir)\s+(?:named|called)\s+(?P<name>[A-Z0-9][\w-]*(?:\s+[A-Z0-9][\w-]*)+)")


def folders_named_in_words(steps: list, request: str) -> list:
    """"create a folder named Receipts 2025 inside Documents" makes "Receipts 2025": a folder
    named in capitalised words and numbers, unquoted, that the model cut to one of them."""
    m = _FOLDER_NAMED.search(request)
    if not m:
        return steps
    name = m.group("name")
    out = []
    for s in steps:
        path = s.args.get("path")
        if s.intent == "files.mkdir" and isinstance(path, str):
            folder, _, last = path.rpartition("/")
            if last != name and last in name.split():
                s = Step(s.intent, {**s.args, "path": f"{folder}/{name}" if folder else name})
        out.append(s)
    return out


def names_cut_short(steps: list, request: str) -> list:
    """"把下载里的 合同_签字版.pdf 移到 …" moves 合同_签字版.pdf: the model stopped inside the name
    ("~/Downloads/合同_").  A path whose last part is the start of exactly one file name the
    request says, and no name itself, is that name."""
    _, names = named_files(request)

    def whole(value):
        if isinstance(value, list):
            return [whole(v) for v in value]
        if not isinstance(value, str) or "://" in value:
            return value
        folder, _, last = value.rpartition("/")
        longer = {n for n in names if n.startswith(last) and n != last}
        if len(last) < 2 or _is_file(value) or last in request.replace(next(iter(longer), last), "") or len(longer) != 1:
            return value
        return f"{folder}/{longer.pop()}" if folder else longer.pop()
    return [Step(s.intent, {k: whole(v) if k in _PATH_ARGS else v for k, v in s.args.items()}) for s in steps]


def sentence_words_not_names(steps: list, request: str) -> list:
    """A path whose last part is a word of the sentence, not of a path or name the request
    writes (a verb, "up"), is the model's misreading.  It becomes the one path or file name
    the request writes that no step uses (a bare name in the folder the model chose); else the
    folder it is in, when the request writes that folder; else an optional place to put
    things (a download's, an unpacking's) is left to its default.  A count or a type said
    ("~/10" of 最大的10个文件, "~/log" of log 文件) searches the folder it was put in."""
    written = set(written_paths(request))
    paths, names = named_files(request)
    spans = _written_spans(request)

    types = types_said(request)

    def misread(value: object) -> bool:
        if not isinstance(value, str) or value in written or "://" in value:
            return False
        if localised_as_known(value) != value or value in LOCALISED_DIRS:
            return False
        word = value.rstrip("/").rsplit("/", 1)[-1]
        if "/" not in value and not (word.isdigit() or word.lower() in types):
            return False
        if word.isdigit():       # "列出最大的10个文件" had searched "~/10"
            said = [m.start() for m in re.finditer(rf"(?<![A-Za-z0-9_./~-]){word}(?![A-Za-z0-9_/.-])", request)]
        elif word.lower() in types:    # "找到所有的 log 文件" had searched "~/log"
            said = [m.start() for m in re.finditer(rf"(?<![\w./~-]){re.escape(word)}(?![\w/-])", request, re.IGNORECASE)]
        elif word.lower() in _SENTENCE_WORDS:
            said = [m.start() for m in re.finditer(rf"(?<![\w./~-]){re.escape(word)}(?![\w/-])", request, re.IGNORECASE)]
        elif word and all(_is_cjk(c) for c in word) and _VERB_ZH.search(word):
            said = [m.start() for m in re.finditer(re.escape(word), request)]
        else:
            return False
        inside_a_path = lambda at: any(a <= at < b for a, b in spans) or request[at - 1:at] == "/" \
            or request[at + len(word):at + len(word) + 1] == "/"       # "draft/新建文件夹" is a folder's name
        return bool(said) and not any(inside_a_path(at) for at in said)

    bad = [(k, arg) for k, s in enumerate(steps) for arg in _PATH_ARGS
           if any(misread(v) for v in (s.args.get(arg) if isinstance(s.args.get(arg), list) else [s.args.get(arg)]))]
    if not bad:
        return steps
    used = {localised_as_known(v) for s in steps for arg in _PATH_ARGS
            for v in (s.args.get(arg) if isinstance(s.args.get(arg), list) else [s.args.get(arg)]) if isinstance(v, str)}
    unused = [w for w in written if localised_as_known(w) not in used] + \
             [n for n in names if not any(isinstance(u, str) and u.endswith("/" + n) for u in used)]

    def mended(value: str, optional: bool) -> str | None:
        if len(unused) == 1:
            return unused[0] if "/" in unused[0] else posixpath.join(posixpath.dirname(value), unused[0])
        folder = posixpath.dirname(value.rstrip("/"))
        if folder in written or localised_as_known(folder) in used - {localised_as_known(value)}:
            return folder
        return None if optional else value

    out = list(steps)
    for k, arg in bad:
        s = out[k]
        value = s.args[arg]
        optional = arg == "destination" and s.intent in ("net.fetch", "files.extract")
        if s.intent == "files.find" and arg == "path" and isinstance(value, str) and not len(unused) == 1:
            out[k] = Step(s.intent, {**s.args, "path": posixpath.dirname(value.rstrip("/")) or "."})
            continue
        if isinstance(value, list):
            new = [mended(v, False) if misread(v) else v for v in value]
            args = {**s.args, arg: list(dict.fromkeys(new))}
        else:
            new_value = mended(value, optional)
            args = {a: v for a, v in s.args.items() if a != arg} if new_value is None else {**s.args, arg: new_value}
        out[k] = Step(s.intent, args)
    return out


def listed_in_order(steps: list, request: str) -> list:
    """"get rid of ~/Downloads/discord.deb and ~/Downloads/zoom.deb": paths the request lists
    are given in the order it lists them (the model sometimes turns two round).  Only a list
    whose every item the request writes is reordered."""
    out = []
    for s in steps:
        arg = _LIST_ARGS.get(s.intent)
        items = s.args.get(arg) if arg else None
        if isinstance(items, list) and len(items) > 1 and all(isinstance(v, str) and v in request for v in items):
            ordered = sorted(items, key=lambda v: (request.find(v), -len(v)))
            if ordered != items:
                s = Step(s.intent, {**s.args, arg: ordered})
        out.append(s)
    return out


# "is dropbox running?", "check if cupsd is still up": the program asked about.
_IS_RUNNING = re.compile(r"\b(?:is|are|if|whether)\s+(?P<name>[A-Za-z0-9][\w.+-]*)\s+(?:still\s+|currently\s+|even\s+)?"
                         r"(?:runn?ing|runnin|up|alive|open|active)\b", re.IGNORECASE)
_NOT_A_PROGRAM = frozenset("it this that there anything something everything nothing process program app the my "
                           "any one".split())


def running_as_asked(steps: list, request: str) -> list:
    """"is dropbox running?" asks about dropbox: a search for processes by a word of the
    question ("running") searches for the program the request asks about."""
    m = _IS_RUNNING.search(request)
    if not m or m.group("name").lower() in _NOT_A_PROGRAM:
        return steps
    name = m.group("name")
    return [Step(s.intent, {**s.args, "name": name})
            if s.intent == "process.find" and isinstance(s.args.get("name"), str)
            and s.args["name"].lower() != name.lower() and s.args["name"].lower() in request[m.end(1):m.end()].lower()
            else s for s in steps]


# What to be reminded of: after "remind me (in …) to/about/that", up to a mark or the end;
# 提醒我 … up to a mark.
_REMIND_TO = re.compile(r"\bremind\s+(?:me|us)\b(?:\s+(?:in|after)\s+[^,;.!?]*?)?\s+(?:to|about|that)\s+(?P<what>[^,;!?。，！？]+?)"
                        r"\s*(?:[,;!?。，！？]|\.(?:\s|$)|$)", re.IGNORECASE)
_REMIND_ZH = re.compile(r"提醒我(?P<what>[^，。！？,!?；;]+)")
_REMIND_COLON = re.compile(r"(?:提醒(?:我|一下)|\bremind\s+(?:me|us)\b[^:：,;.!?]{0,30})\s*[:：]\s*['\"“‘]?(?P<said>[^。！？!?；;\n'\"”’]+?)"
                           r"['\"”’]?\s*[。！？!?；;]?\s*$", re.IGNORECASE)
_REMIND_WORD = re.compile(r"\bremind\w*|提醒", re.IGNORECASE)
_ASKING_FIRST = re.compile(r"\s*(?:提醒我|remind me(?: to)?\b)", re.IGNORECASE)
_BEGINS_POINTING_BACK = re.compile(r"(it|that|this|them|those)\b", re.IGNORECASE)
# a time said after what to do: "stretch in 10 minutes", "call mom tomorrow"
_TIME_AFTER = re.compile(r"\s+(?:in|after|within)\s+(?:an?|one|two|three|four|five|ten|twenty|thirty|half an?|\d+(?:\.\d+)?)\s*"
                         r"(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|days?|weeks?)\b.*$", re.IGNORECASE)


def reminders_as_said(steps: list, request: str) -> list:
    """"kill chromium, and remind me in 10 minutes to reopen chromium": what to be reminded of
    is what the request says after "remind me … to" ("reopen chromium"), when the model cut
    its start ("chromium", "the landlord" of "follow up with the landlord") or took the
    request's other clause ("check my battery").  提醒我把衣服拿出来 is 把衣服拿出来, not 我把….
    A reminder of "it" is of the one text the request quotes."""
    m = _REMIND_TO.search(request)
    zh = _REMIND_ZH.search(request)
    colon = _REMIND_COLON.search(request)
    reminders = [s for s in steps if s.intent == "timer.remind"]
    if len(reminders) > 1 and len(_REMIND_WORD.findall(request)) == 1:
        # "open VS Code and remind me in 2 hours to commit my work" had a second reminder of
        # "Code and remind me in 2 hours to …": a reminder whose text holds the asking is none
        steps = [s for s in steps if not (s.intent == "timer.remind" and _REMIND_WORD.search(str(s.args.get("message", ""))))]
    asked = [a for a in _REMIND_TO.finditer(request) if not _BEGINS_POINTING_BACK.match(a.group("what"))]
    if len(asked) > 1 and len(asked) == sum(s.intent == "timer.remind" for s in steps):
        # "remind me in 10 minutes to stretch, and remind me in an hour to eat": each its own text
        texts = iter(_TIME_AFTER.sub("", a.group("what").strip()) for a in asked)
        return [Step(s.intent, {**s.args, "message": next(texts)}) if s.intent == "timer.remind" else s for s in steps]
    out = []
    for s in steps:
        if colon and s.intent == "timer.remind" and sum(t.intent == "timer.remind" for t in steps) == 1:
            # 十分钟后提醒我：该写周报了, "remind me in 5 min: stand up": the text after the colon
            out.append(Step(s.intent, {**s.args, "message": colon.group("said")}))
            continue
        message = s.args.get("message")
        if s.intent == "timer.remind" and isinstance(message, str) and (asking := _ASKING_FIRST.match(message)) \
                and message[asking.end():].strip():
            message = message[asking.end():].strip()     # "提醒我回邮件" of 20分钟后提醒我回邮件: 回邮件
            s = Step(s.intent, {**s.args, "message": message})
        quoted = [next(g for g in q.groups() if g) for q in _QUOTED.finditer(request)]
        if s.intent == "timer.remind" and isinstance(message, str) and _BEGINS_POINTING_BACK.fullmatch(message) \
                and len(quoted) == 1:
            s = Step(s.intent, {**s.args, "message": quoted[0]})        # "write 'dentist at 4pm' … remind me about it"
        elif s.intent == "timer.remind" and isinstance(message, str):
            if m and not _BEGINS_POINTING_BACK.match(m.group("what")):     # "remind me about it": the model's reading
                what = _TIME_AFTER.sub("", m.group("what").strip())
                cut = what.endswith(message) and len(message) < len(what) and what[-len(message) - 1] == " "
                elsewhere = message in request[:m.start()] and message not in what
                if (cut or elsewhere) and sum(t.intent == "timer.remind" for t in steps) == 1:
                    s = Step(s.intent, {**s.args, "message": what})
            elif zh and (timed := re.match(rf"我?{_ZH_DURATION}\s*(?:之后|以后|后)\s*(?P<rest>\S.*)", message)):
                s = Step(s.intent, {**s.args, "message": timed.group("rest")})   # 提醒我一小时后上传: 上传
            elif zh:
                what = zh.group("what").strip()
                if message.startswith("我") and message[1:] and what.startswith(message[1:]):
                    s = Step(s.intent, {**s.args, "message": message[1:]})
                elif message not in what and what not in message and sum(t.intent == "timer.remind" for t in steps) == 1:
                    s = Step(s.intent, {**s.args, "message": what})     # another clause's words
        out.append(s)
    return out


# An unquoted line to add at the end of a file: "add the line export EDITOR=nvim to ~/.bashrc".
_LINE_TO_ADD = re.compile(r"\b(?:add|append|put|write)\s+(?:the\s+|a\s+)?(?:line|text|entry)\s+(?:saying\s+|that\s+says\s+|reading\s+)?"
                          r"(?P<line>[^'\"“‘].*?)\s+"
                          r"(?:to|into|at|in)\s+(?:the\s+(?:end|bottom)\s+of\s+)?(?P<path>\S+)\s*$", re.IGNORECASE)


def lines_as_said(steps: list, request: str) -> list:
    """"add the line export EDITOR=nvim to the end of ~/.bashrc" appends that line, whole:
    the model had copied a piece of it and the words after ("nvm to the end")."""
    m = _LINE_TO_ADD.search(request.rstrip(".!"))
    if not m:
        return steps
    line = m.group("line")
    return [Step(s.intent, {**s.args, "content": line + "\n"})
            if s.intent == "files.write" and s.args.get("content") != line + "\n"
            and s.args.get("path") == m.group("path") else s for s in steps]


# --- sorting as said ------------------------------------------------------------------------------

_GREP_LEAD = r"(?:mention(?:s|ed|ing)?|contain(?:s|ed|ing)?|matching|match(?:es)?|with the (?:word|text|string|phrase)|that say|saying|grep(?:ping)?(?: for)?)"
_GREP_QUOTED = re.compile(rf"\b(?:{_GREP_LEAD}|about|for|search(?:ing)? for)\s+['\"“‘](?P<term>[^'\"”’]+)['\"”’]", re.IGNORECASE)
_GREP_WORDS = re.compile(rf"\b(?:{_GREP_LEAD}|(?:search|look|grep)\s+(?:the\s+|my\s+)?(?:system\s+)?(?:logs?|journal)\s+for)\s+"
                         r"(?!(?:the|my|a|an|system|logs?|journal)\b)(?P<term>[^\s,;.!?，。]+(?:\s+(?!(?:from|in|since|over|during|today|yesterday|the|last|past|this|and|"
                         r"then|for|within|of|on|at|please|pls)\b)[^\s,;.!?，。]+){0,2})", re.IGNORECASE)
_GREP_ZH = re.compile(r"(?:日志|journal|log)[^，。？！]{0,6}?(?:搜|搜索|查找|找|查|过滤)(?:一下|一搜|下)?\s*['\"“‘]?(?P<term>[A-Za-z0-9][^'\"”’，。？！\u4e00-\u9fff]*?)['\"”’]?\s*$"
                      r"|(?:包含|含有|带有|提到)\s*['\"“‘]?(?P<zterm>[^'\"”’，。？！的\s]+(?:\s+[A-Za-z0-9]+)*)['\"”’]?\s*的", re.IGNORECASE)


_Q = r"['\"“‘「]"
_EQ = r"['\"”’」]"
_TEXT = rf"(?:{_Q}(?P<{{0}}>[^'\"”’」]+){_EQ}|(?P<{{0}}_bare>[^,;.?，。'\"“”‘’]+?))"
_TITLE_AND_BODY = (
    # notify-send TITLE BODY
    re.compile(r"\bnotify-send\s+" + _TEXT.format("title") + r"\s+" + _TEXT.format("body") + r"\s*$", re.IGNORECASE),
    # pop up 'Heads up' saying 'Standup in 5 minutes'; a notification 'X' reading 'Y'
    re.compile(r"\b(?:pop\s*up|popup|notification|notify(?: me)?|alert)\s+" + rf"{_Q}(?P<title>[^'\"”’」]+){_EQ}"
               + r"\s+(?:saying|reading|that says|with the text|with text|body)\s+" + _TEXT.format("body")
               + r"\s*(?:please|pls|now)?[.!]?\s*(?=$|[,;]|\.\s|\s(?:then|and)\b)", re.IGNORECASE),
    # popup called X, and under it the text Y; a notification titled X, text Y
    re.compile(r"\b(?:pop\s*up|popup|notification|alert)\s+(?:called|titled|named|tit+el|title)\s+" + _TEXT.format("title")
               + r"\s*,?\s*(?:and\s+)?(?:under it\s+)?(?:with\s+)?(?:the\s+)?(?:text|body|saying)\s+" + _TEXT.format("body")
               + r"\s*(?:please|pls|now)?\s*(?=$|[,;]|\.\s|\s(?:then|and)\b)", re.IGNORECASE),
    # saying "A", with "B" as its heading
    re.compile(r"\bsaying\s+" + rf"{_Q}(?P<body>[^'\"”’」]+){_EQ}" + r"\s*,?\s*with\s+" + rf"{_Q}(?P<title>[^'\"”’」]+){_EQ}"
               + r"\s+as\s+(?:its|the)\s+(?:heading|title|header)", re.IGNORECASE),
)


def titles_and_bodies_as_said(steps: list, request: str) -> list:
    """A notification's title and body where the request says both apart: "notify-send 喂猫
    备份完成", "pop up 'Heads up' saying 'Standup in 5 minutes'", "popup called stretch, and
    under it the text ship it", "saying “backup done”, with “pick up the kids” as its heading".
    The model had kept only the title, or turned them round."""
    notices = [k for k, s in enumerate(steps) if s.intent == "desktop.notify"]
    if len(notices) != 1:
        return steps
    title, body = steps[notices[0]].args.get("title"), steps[notices[0]].args.get("body")
    if isinstance(title, str) and isinstance(body, str) and body.startswith(title) and len(body) - len(title) <= 2:
        # "弹个标题叫回复邮件的通知" had the title again as the body ("回复邮件的"): no body was said
        k = notices[0]
        steps = [*steps[:k], Step("desktop.notify", {a: v for a, v in steps[k].args.items() if a != "body"}), *steps[k + 1:]]
    for pattern in _TITLE_AND_BODY:
        m = pattern.search(request)
        if m:
            said = {k.removesuffix("_bare"): v.strip() for k, v in m.groupdict().items() if v}
            if said.get("title") and said.get("body"):
                k = notices[0]
                return [*steps[:k], Step("desktop.notify", {**steps[k].args, "title": said["title"], "body": said["body"]}),
                        *steps[k + 1:]]
    return steps


_PRIORITY_SAID = re.compile(r"err|fail|warn|wran|crit|alert|emerg|panic|severe|serious|debug|info|notice|priorit|level|"
                            r"(?<![\w-])-p\b|错误|报错|警告|告警|严重|失败|异常|故障|问题|出错", re.IGNORECASE)


def priorities_as_said(steps: list, request: str) -> list:
    """"the wifi dropped twice, show me the NetworkManager logs since yesterday" had asked only
    for warnings: a log read with a priority the request never speaks of (errors, warnings,
    failures, debug, 错误, 警告, -p) reads every priority."""
    if _PRIORITY_SAID.search(request):
        return steps
    return [Step(s.intent, {k: v for k, v in s.args.items() if k != "priority"})
            if s.intent == "system.logs" and "priority" in s.args else s for s in steps]


def log_searches_as_said(steps: list, request: str) -> list:
    """What the logs are searched for is what the request says to look for: "journal entries
    that mention thermal from the last 6 hours" (the model searched for "6"), "log lines
    containing 'oom'", "在系统日志里搜一下 I/O error" (it kept only "error").  Only a search of
    the logs whose text differs, and never the unit the model read the word as."""
    m = _GREP_QUOTED.search(request) or _GREP_WORDS.search(request) or _GREP_ZH.search(request)
    if not m:
        return steps
    term = (m.groupdict().get("term") or m.groupdict().get("zterm") or "").strip()
    if not term:
        return steps
    return [Step(s.intent, {**s.args, "grep": term})
            if s.intent == "system.logs" and s.args.get("grep") != term and s.args.get("unit") != term else s
            for s in steps]


def unpacked_nowhere_said(steps: list, request: str) -> list:
    """"extract ~/Downloads/Assignment3.zip and open the folder it unpacks into" unpacks where
    the extraction does by default: the model had made a folder of the verb ("~/unpacks").  A
    destination that is one word of the request in home, said after no word that leads to a
    place and named as no folder, goes; so does one that is the archive itself ("unzip
    'Wedding Photos.zip' in my Downloads"), and one named after a type said ("~/.iso" of
    "unzip ~/music.tar.gz and find the .iso files in it"), whose later uses become the
    unpacking's own destination."""
    out = []
    for k, s in enumerate(steps):
        folder = s.args.get("destination")
        word = folder[2:] if s.intent == "files.extract" and isinstance(folder, str) and folder.startswith("~/") else ""
        if s.intent == "files.extract" and folder is not None and folder == s.args.get("archive"):
            word = "-"                       # unpacked "into" the archive itself: where it is said to be
        if isinstance(folder, str) and s.intent == "files.extract" and folder.startswith(".") and "/" not in folder:
            word = folder                    # relative: ".iso"
        if (re.fullmatch(r"\.[A-Za-z][A-Za-z0-9]{0,4}", word) and word not in _HIDDEN_FOLDERS
                and re.search(rf"(?<![\w/~.-]){re.escape(word)}(?![\w/.-])", request)):
            # "unzip ~/music.tar.gz and find the .iso files in it" had unpacked into "~/.iso":
            # what is looked for in it is looked for where it unpacks
            later = [Step(t.intent, {a: {"$ref": f"steps[{k}].destination"} if v == folder else v for a, v in t.args.items()})
                     for t in steps[k + 1:]]
            return out + [Step(s.intent, {a: v for a, v in s.args.items() if a != "destination"})] + later
        if word == "-" or (re.fullmatch(r"[a-z]+", word) and re.search(rf"(?<![/~.])\b{word}\b", request)
                and f"/{word}" not in request
                and not re.search(rf"\b(?:to|into|in|inside|under|at)\s+(?:(?:my|the|a|your|new)\s+)*{word}\b", request, re.I)
                and not re.search(rf"\b{word}\s+(?:folder|directory|dir)\b", request, re.I)):
            s = Step(s.intent, {k: v for k, v in s.args.items() if k != "destination"})
        out.append(s)
    return out


_NOTICE_SAID = (
    re.compile(r"\bnotif(?:y|ication)\b[^:'\"“‘]{0,25}?(?:\bsaying|\bthat says|\bwhich says|\breading|\bwith the text|\bthat|:)\s*"
               r"['\"“‘]?(?P<text>[^'\"”’]+?)['\"”’]?\s*[.!。！]?\s*$", re.IGNORECASE),
    re.compile(r"(?:通知|提示|消息)(?:一下)?(?:告诉我|跟我说|提醒我)?(?:说|：|:|\s)\s*['\"“‘「]?(?P<text>[^'\"”’」，。！？,!?；;]+?)['\"”’」]?\s*[。！!]?\s*$"),
)
_POLITE_END = re.compile(r"(?:[\s,]+(?:please|pls|plz|thanks|thank you|thx|ty|now))+[\s.!?]*$|[?？]+$", re.IGNORECASE)
_ONLY_A_NOTICE = re.compile(r"^\s*(?:请|帮我|给我)?(?:发|弹|推|显示|来)(?:一)?(?:个|条|下)?(?:桌面)?(?:通知|提示|消息)")


def notices_as_said(steps: list, request: str) -> list:
    """A notification's text is what the request says it says, to the end ("弹个通知说 水烧开了",
    "notify me that the backup finished"): the model had cut it short ("水烧开", "finished").
    Only a title that is a piece of the said text is made whole; a request that is nothing but
    a Chinese notification the model declined ("发个通知说 饭做好了") is planned, and so is one
    said last, after another thing to do, that the model left out."""
    found = next((m for p in _NOTICE_SAID if (m := p.search(request))), None)
    said = _POLITE_END.sub("", found.group("text").strip()) if found else ""
    if not said or re.search(r"[:：]", said):        # "标题：… 内容：…" says a title and a body apart
        return steps
    if not steps and _ONLY_A_NOTICE.match(request):
        return [Step("desktop.notify", {"title": said})]
    if (steps and not any(s.intent in ("desktop.notify", "timer.remind") for s in steps)
            and clauses_said(request[:found.start()]) > 1):
        # 先 ping 一下 192.168.1.1，然后弹个通知告诉我：检查完毕: the model ended before the notice
        return [*steps, Step("desktop.notify", {"title": said})]
    return [Step(s.intent, {**s.args, "title": said})
            if s.intent == "desktop.notify" and isinstance(s.args.get("title"), str) and s.args["title"] != said
            and s.args["title"].strip() and s.args["title"] in said else s for s in steps]


_ORDERS = (
    (re.compile(r"\b(newest|latest|most recent(ly)?( ones?)?|recent ones)\s+(first|on top|at the top)\b|"
                r"\bfrom (the )?(newest|latest) to (the )?(oldest|earliest)\b|"
                r"最新的?(在前|排前|放前)|按(修改)?时间(倒序|从新到旧|降序)|从新到旧", re.I), "mtime", "desc"),
    (re.compile(r"\b(oldest|earliest)\s+(first|on top|at the top)\b|\bchronological(ly)?\b|按(修改)?时间(正序|升序|从旧到新)|从旧到新|"
                r"\bfrom (the )?(oldest|earliest) to (the )?(newest|latest)\b",
                re.I), "mtime", "asc"),
    (re.compile(r"\b(biggest|largest|heaviest|big ones)\s+(first|on top|at the top)\b|(sort|order)\w*\s+by\s+size\b|"
                r"\bfrom (the )?(biggest|largest|heaviest) to (the )?(smallest|tiniest|lightest)\b|"
                r"by size,?\s+(descending|biggest first|largest first)|按大小.{0,4}(从大到小|降序|排)|从大到小|"
                r"占(用)?空间最多|最占(地方|空间)", re.I), "size", "desc"),
    (re.compile(r"\b(smallest|tiniest)\s+(first|on top|at the top)\b|从小到大|"
                r"\bfrom (the )?(smallest|tiniest|lightest) to (the )?(biggest|largest|heaviest)\b", re.I), "size", "asc"),
    (re.compile(r"按(文件)?名(字|称)?倒序|\breverse alphabetical(ly)?\b", re.I), "name", "desc"),
    (re.compile(r"\b(sort|order)\w*\s+(them\s+)?(by|alphabetically)\s*(name)?\b(?<!size)|(?<!reverse )\balphabetical(ly)?\b|"
                r"按(文件)?名(字|称)?(?!倒序)(排|顺序)", re.I), "name", "asc"),
)


def sorted_as_said(steps: list, request: str) -> list:
    """"… newest first", "按大小从大到小列出来", "in chronological order, earliest first",
    "占空间最多的20个文件": the one search of a plan is sorted as the request says, when the
    model left it unsorted or sorted it some other way.  A request that also lists processes
    may be saying how to sort those ("the processes, alphabetically"), and is left alone."""
    said = [(sort, order) for pattern, sort, order in _ORDERS if pattern.search(request)]
    finds = [s for s in steps if s.intent == "files.find"]
    if len(said) != 1 or len(finds) != 1 or any(s.intent == "process.list" for s in steps):
        return steps
    sort, order = said[0]
    # a whole ranking ("from biggest to smallest", 从大到小) with no count is of every file: the
    # model's limit of 1 had read "biggest" as asking for one
    every = _RANKS_ALL.search(request) and not (re.search(r"\d", request) or _NUMBER_IN_WORDS.search(request))
    return [Step(s.intent, {**{k: v for k, v in s.args.items() if not (every and k == "limit" and v == 1)},
                            "sort": sort, "order": order})
            if s.intent == "files.find" and ((s.args.get("sort"), s.args.get("order", order)) != (sort, order)
                                             or (every and s.args.get("limit") == 1)) else s
            for s in steps]


_RANKS_ALL = re.compile(r"\bfrom (the )?\w+est to (the )?\w+est\b|从大到小|从小到大|从新到旧|从旧到新", re.IGNORECASE)


_UNCHANGED = re.compile(r"(?:\bnot|n't|\bnever|\bnobody has|\bno one has|\bun)\s*(?:been\s+)?(?:touch\w*|c?h?ang\w*|modifi\w*|edit\w*|"
                        r"open\w*|us\w*|accessed)|\buntouched\b|\bolder than\b|\bstale\b|\bold(?:er)? files\b|"
                        r"没(?:有)?(?:动|改|碰|打开|用|修改|变)|不动|以前|之前的", re.IGNORECASE)
_RECENT = re.compile(r"\bwithin\b|\bin the (?:last|past)\b|\b(?:last|past)\s+(?:\d+|an?|one|two|three|few|couple)\b|"
                     r"\brecent(?:ly)?\b|\bthis (?:week|month|morning)\b|\btoday\b|最近|以内|之内|内改|这周|今天",
                     re.IGNORECASE)


def ages_as_said(steps: list, request: str) -> list:
    """"files touched in my Pictures folder within the past 2 days" are the recent ones
    (``modified_within``), "音乐目录里好久没动的文件，超过两个小时的那种" the old ones (``older_than``):
    the one age a search has is the one the request says, moved across when the model wrote
    the other."""
    old, recent = bool(_UNCHANGED.search(request)), bool(_RECENT.search(request))
    if old == recent:
        return steps
    want, other = ("older_than", "modified_within") if old else ("modified_within", "older_than")
    return [Step(s.intent, {**{k: v for k, v in s.args.items() if k != other}, want: s.args[other]})
            if s.intent == "files.find" and other in s.args and want not in s.args else s for s in steps]


# An age bound said around a duration: before it "older than", "not touched in", "within the
# past"; after it 没动过, 没打开过 (its slips too: "oder thn 90 minutes").
_OLDER_BEFORE = re.compile(r"(?:\b(?:older|oder|olde|oldr)\s+th\w{0,3}|\b(?:not|n't|never)\s+(?:been\s+)?"
                           r"(?:touched|changed|modified|opened|used|edited|accessed)\s+(?:in|for)(?:\s+(?:the|a))?"
                           r"(?:\s+(?:last|past))?)\s*$", re.IGNORECASE)
_OLDER_AFTER = re.compile(r"\s*(?:都|也|还)?(?:没|未)(?:有)?(?:被)?(?:动|改|碰|打开|用|修改|变|访问|编辑)")
_WITHIN_BEFORE = re.compile(r"\b(?:within(?: the)?|in the|during the)(?: (?:last|past))?\s*$", re.IGNORECASE)


def bounds_kept(steps: list, request: str) -> list:
    """"show me everything over 500k in /media/disk", 比10k大的文件, "文档里一年没打开过的 pdf":
    a size said as a bound ("over", "under", 大于, 比…大) or an age said as one ("older than",
    没打开过, "within the past") that no step uses bounds the plan's one search, which the
    model had left unbounded.  Not when another step may take an age (logs, a reminder)."""
    finds = [k for k, s in enumerate(steps) if s.intent == "files.find"]
    if len(finds) != 1:
        return steps
    used = {v for s in steps for arg in s.args for v in _values(s, arg)}
    find = steps[finds[0]]
    add = {}
    sized = [(p, side) for p in quantity_spans(request, "size") if p not in used
             and len(sides := _sides_of(request, p)) == 1 and (side := next(iter(sides)))]
    if len(sized) == 1 and not {"larger_than", "smaller_than"} & set(find.args):
        add["larger_than" if sized[0][1] == "above" else "smaller_than"] = sized[0][0]
    if not any(s.intent in ("system.logs", "timer.remind") for s in steps) and \
            not {"older_than", "modified_within", "newer_than"} & set(find.args):
        aged = []
        for p in quantity_spans(request, "duration"):
            if p in used:
                continue
            for m in re.finditer(re.escape(p), request):
                before, after = request[max(0, m.start() - 40):m.start()], request[m.end():]
                if _OLDER_BEFORE.search(before) or _OLDER_AFTER.match(after):
                    aged.append(("older_than", p))
                elif _WITHIN_BEFORE.search(before):
                    aged.append(("modified_within", p))
        if len(set(aged)) == 1:
            add[aged[0][0]] = aged[0][1]
    if not add:
        return steps
    return [Step(s.intent, {**s.args, **add}) if k == finds[0] else s for k, s in enumerate(steps)]


_ORDER_WORDS = re.compile(r"\b(?:big\w*|larg\w*|small\w*|tin\w*|huge\w*|heav\w*|new\w*|lat\w*|old\w*|recent\w*|sort\w*|"
                          r"order\w*|rank\w*|first|last|top|most|least|alphabetic\w*|a-z|a to z|z to a|size|sizes|"
                          r"chronolog\w*|earliest|fresh\w*|fat\w*|slim\w*|light\w*|past|ls\s+-\w*[tS]\w*)\b|"
                          r"最|排|按|前|后|过去|大到小|小到大|新到旧|旧到新",
                          re.IGNORECASE)


def unsorted_as_said(steps: list, request: str) -> list:
    """"which .docx files does my Downloads hold", "locate the .png ones in ~/Videos": a
    search the request asks in no order gets none (the model had sorted by date)."""
    if _ORDER_WORDS.search(request):
        return steps
    measures = _said_only_in_quantities(request)    # "everything over 500k" counts nothing
    counted = any(int(run) not in measures for run in re.findall(r"\d{1,9}", request)) or _NUMBER_IN_WORDS.search(request)
    unsaid = ("sort", "order") if counted else ("sort", "order", "limit")     # and a count nobody said
    return [Step(s.intent, {k: v for k, v in s.args.items() if k not in unsaid})
            if s.intent == "files.find" and "sort" in s.args else s for s in steps]


_COUNT_WORDS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                             "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
_COUNT_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12})
_NUMBER_IN_WORDS = re.compile(r"\b(?:" + "|".join(_COUNT_WORDS) + r")\b|[一二两三四五六七八九十]", re.IGNORECASE)
_COUNTED = re.compile(r"\b(?:top|the|first|last|past|latest|a)\s+(?P<n>\d{1,4}|" + "|".join(_COUNT_WORDS) + r")\s+"
                      r"(?:(?:most\s+\w+|biggest|largest|heaviest|smallest|newest|latest|oldest|recent|hungriest|"
                      r"busiest|greediest|cpu|memory|ram|hungry|running|active)\s+)*(?:[a-z0-9.-]+\s+)?"
                      r"(?:processes|programs|apps|applications|tasks|files|folders|items|entries|lines|results|hogs|ones|"
                      r"errors|warnings|messages|events)\b",
                      re.IGNORECASE)


def counts_as_said(steps: list, request: str) -> list:
    """A count said of the things listed ("the fifteen processes using the most CPU", "a dozen
    newest files", "the past 9 errors from the past half an hour") is the limit of the one step
    that takes a limit, where the model wrote another or none."""
    said = {int(n) if n.isdigit() else _COUNT_WORDS[n.lower()] for n in (m.group("n") for m in _COUNTED.finditer(request))}
    limited = [s for s in steps if s.intent in ("files.find", "process.list", "system.logs")]
    if len(said) != 1 or len(limited) != 1 or not next(iter(said)):
        return steps
    n = next(iter(said))
    return [Step(s.intent, {**s.args, "limit": n}) if s is limited[0] else s for s in steps]


# --- where things go --------------------------------------------------------------------------

_TARGET_WORD = re.compile(r"(?:\b(?:to|into|onto|in|inside|under|at)\s+(?:the\s+(?:folder|directory|dir)\s+)?|"
                          r"(?:到|进|至|放在|存到|存在))\s*$", re.IGNORECASE)
_WHERE_TO = {"files.copy": "destination", "files.move": "destination", "files.extract": "destination",
             "net.fetch": "destination"}


def destinations_as_written(steps: list, request: str) -> list:
    """"move every .png on my Desktop into ~/Pictures/Desktop Clutter": where things go is the
    path the request writes after "into" / "to" / 到.  When one step's destination is a place
    the request never writes out (the Desktop the files come from, "~/Downloads/文件找出来"),
    and exactly one path the request writes after such a word is used by no step, that path
    is the destination."""
    # a written path without the Chinese that runs on from it ("~/图片/工作里" is ~/图片/工作)
    written = tuple(p.rstrip("".join(_AFTER_PATH_ZH)) or p for p in written_paths(request))
    used = {localised_as_known(v) for s in steps for arg in s.args for v in _values(s, arg)}
    # free: written after "into", and used by no step, even cut short ("~/Pictures/archive" of a
    # step's "~/Pictures/archive v2")
    moving = any(s.intent in ("files.copy", "files.move") for s in steps)
    free = [p for p in written if (not _is_file(p) or moving)
            and not any(u.startswith(localised_as_known(p)) and u[len(localised_as_known(p)):][:1] != "/" for u in used)
            and any(_TARGET_WORD.search(request[:m.start()]) for m in re.finditer(re.escape(p), request))]
    known = {localised_as_known(p) for p in written}

    def astray(value: object) -> bool:
        """A place the request never writes, or only as the start of the free path ("/media/u"
        of "/media/u盘"); a piece of a path it writes ("…/demo_notes" of "…/demo_notes里") is none."""
        return isinstance(value, str) and localised_as_known(value) not in known and (
            value not in request or any(p.startswith(value) for p in free))

    def where_it_is(s: Step) -> bool:
        """A copy or move into the folder its one source is already in (a no-op): "copy
        ~/.ssh/config to ~/ssh-config.bak" had copied it to ~/.ssh."""
        sources = s.args.get("sources")
        return (s.intent in ("files.copy", "files.move") and isinstance(sources, list) and len(sources) == 1
                and isinstance(sources[0], str) and posixpath.dirname(sources[0]) == s.args.get("destination"))
    def unsaid(s: Step) -> bool:
        """An unpacking of what a step before it made, told no place ("download …, unpack it in
        ~/apps and tell me when done" had lost ~/apps)."""
        return s.intent == "files.extract" and "destination" not in s.args and is_ref(s.args.get("archive"))
    astray_at = [k for k, s in enumerate(steps)
                 if astray(s.args.get(_WHERE_TO.get(s.intent, ""))) or where_it_is(s) or unsaid(s)]
    if len(free) != 1 or len(astray_at) != 1:
        return steps
    k = astray_at[0]
    return [*steps[:k], Step(steps[k].intent, {**steps[k].args, _WHERE_TO[steps[k].intent]: free[0]}), *steps[k + 1:]]


# --- sizes of folders --------------------------------------------------------------------------

_MOST_SPACE = re.compile(r"\b(most|biggest|largest|heaviest|hog\w*)\b.{0,30}\b(space|room|storage|disk)\b|"
                         r"\b(take|takes|taking|use|uses|using|eat|eats|eating)\s+(up\s+)?(the\s+)?most\s+(space|room|storage)|"
                         r"\b(biggest|largest|heaviest)\s+(sub)?(folders?|directories|dirs)\b|最占(地方|空间)|最大的(子)?(文件夹|目录)",
                         re.IGNORECASE)


def folder_sizes_as_asked(steps: list, request: str) -> list:
    """"which folders inside ~/projects take up the most space?" asks what files.usage tells
    (each subfolder's size), not a list of folders: a search for folders with nothing else to
    match by, in a request that asks which take the most space, is that usage."""
    if not _MOST_SPACE.search(request):
        return steps
    return [Step("files.usage", {"path": s.args["path"], "depth": 1})
            if s.intent == "files.find" and s.args.get("type") == "dir" and isinstance(s.args.get("path"), str)
            and not any(f in s.args for f in _FILTERS) else s for s in steps]


# --- an archive of a folder -----------------------------------------------------------------


def _suffix(path: str) -> str:
    """"tar.xz" of "~/website.tar.xz", "zip" of "a.zip"."""
    name = path.rsplit("/", 1)[-1].lower()
    for double in ("tar.gz", "tar.xz", "tar.bz2", "tar.zst"):
        if name.endswith("." + double):
            return double
    return name.rsplit(".", 1)[-1] if "." in name else ""


# The kind of archive to make, said as such: "a tar.xz of", "a .tar.xz backup of", "as a zip".
_ARCHIVE_KIND = r"(?<![\w/-])\.?{}\s+(?:(?:archive|backup|file|tarball)\s+)?(?:of|at|from)\b|\bas\s+an?\s+\.?{}\b"


def archives_of_what_is_said(steps: list, request: str) -> list:
    """"a tar.xz archive of ~/projects/website saved as ~/website.tar.xz" packs the folder:
    the model had read the archive's own kind as a file type to search the folder for
    (``files.find ext=tar.xz`` feeding the packing).  A search whose only match is the
    archive's own suffix, that the request never asks for as a file type, and whose finds
    only that packing takes, gives way to the folder itself."""
    said = types_said(request)
    for k, s in enumerate(steps[:-1]):
        after = steps[k + 1]
        ext, path = s.args.get("ext"), s.args.get("path")
        if (s.intent == "files.find" and isinstance(ext, str) and isinstance(path, str)
                and set(s.args) <= {"path", "ext", "limit"} and after.intent == "files.compress"
                and after.args.get("sources") == {"$ref": f"steps[{k}].paths"}
                and isinstance(after.args.get("archive"), str) and _suffix(after.args["archive"]) == ext.lower()
                and ext.lower() not in said and re.search(_ARCHIVE_KIND.format(*[re.escape(ext.lower())] * 2), request, re.IGNORECASE)
                and not any(k in referenced_steps(t.args) for t in steps[k + 2:])):
            packed = Step(after.intent, {**after.args, "sources": [path]})
            return _without([*steps[:k + 1], packed, *steps[k + 2:]], {k})
    return steps


# --- a URL saved is a download ---------------------------------------------------------------

_URL_WRITTEN = re.compile(r"\bhttps?://[^\s'\"<>，。]+", re.IGNORECASE)


def saved_urls_fetched(steps: list, request: str) -> list:
    """"save https://example.org/menu.pdf to ~/Documents/Restaurant menu.pdf" is a download:
    the model had moved a file named after the URL ("~/https:/example.org/menu.pdf").  A
    copy or move of one source that is a URL the request writes, its slashes squashed into a
    path, fetches that URL to the step's destination."""
    urls = [m.group().rstrip(".,;:!?)") for m in _URL_WRITTEN.finditer(request)]
    out = []
    for s in steps:
        sources = s.args.get("sources")
        if s.intent in ("files.copy", "files.move") and isinstance(sources, list) and len(sources) == 1 \
                and isinstance(sources[0], str):
            squashed = re.sub(r"^(~/|\./)", "", sources[0])
            match = [u for u in urls if re.sub(r"://", ":/", u) == squashed or u == squashed]
            if len(match) == 1:
                args = {"url": match[0]}
                if isinstance(s.args.get("destination"), str):
                    args["destination"] = s.args["destination"]
                s = Step("net.fetch", args)
        out.append(s)
    return out


_DOWNLOAD_WORD = re.compile(r"\b(?:download\w*|fetch\w*|grab|wget|curl|pull down|save)\b|下载|下下来|保存", re.IGNORECASE)


def downloads_not_opened(steps: list, request: str) -> list:
    """"下载 https://…/archlinux-x86_64.iso" fetches the URL: the model had opened it in the
    browser.  An open of a URL the request writes, in a request that says to download and
    fetches nothing, is that download."""
    urls = {m.group().rstrip(".,;:!?)") for m in _URL_WRITTEN.finditer(request)}
    if not urls or not _DOWNLOAD_WORD.search(re.sub(_URL_WRITTEN, " ", request)) \
            or any(s.intent == "net.fetch" for s in steps) or re.search(r"\bopen\b|打开|浏览", request, re.I):
        return steps
    return [Step("net.fetch", {"url": s.args["target"]}) if s.intent == "desktop.open" and s.args.get("target") in urls
            else s for s in steps]


_FILES_ONLY = re.compile(r"\b(?:no|not|without|exclud\w*|skip|ignore)\s+(?:the\s+|any\s+)?(?:folders|directories|dirs|subfolders)\b|"
                         r"\b(?:only|just)\s+(?:the\s+)?files\b|\bfiles\s+only\b|文件夹不算|不算文件夹|不要文件夹|不含文件夹|"
                         r"不包括文件夹|只要文件(?!夹)|只看文件(?!夹)|只列文件(?!夹)", re.IGNORECASE)
_FOLDERS_ONLY = re.compile(r"\b(?:only|just)\s+(?:the\s+)?(?:folders|directories|dirs|subfolders)\b|"
                           r"\b(?:folders|directories|dirs)\s+only\b|\bno(?:t)?\s+(?:the\s+)?files\b|"
                           r"只要文件夹|只看文件夹|只列文件夹|文件不算|不要文件(?!夹)", re.IGNORECASE)


_FOLDER_WORD = re.compile(r"\b(?:folders?|director(?:y|ies)|dirs?|sub-?folders?|sub-?dirs?|subdirector\w*)\b|"
                          r"-type\s+d\b|文件夹|目录|子目录", re.IGNORECASE)


def kinds_as_said(steps: list, request: str) -> list:
    """"桌面上最新的三个文件是哪几个？文件夹不算", "list only the folders in ~/projects": the one
    search of the plan finds the kind said, files or folders; and never folders only where the
    request says no word for a folder."""
    files, folders = bool(_FILES_ONLY.search(request)), bool(_FOLDERS_ONLY.search(request))
    finds = [s for s in steps if s.intent == "files.find"]
    if not _FOLDER_WORD.search(request):
        # "find the screenshots on my Desktop, move them …" had looked for folders only
        steps = [Step(s.intent, {k: v for k, v in s.args.items() if k != "type"})
                 if s.intent == "files.find" and s.args.get("type") == "dir" else s for s in steps]
    if files == folders or len(finds) != 1:
        return steps
    kind = "file" if files else "dir"
    return [Step(s.intent, {**s.args, "type": kind}) if s.intent == "files.find" else s for s in steps]


_FILTERED_BY = ("name", "ext", "type", "larger_than", "smaller_than", "older_than", "newer_than", "modified_within")


def named_file_not_searched(steps: list, request: str) -> list:
    """"Move the file 'Scan 2025-01-14.pdf' from Downloads into ~/Documents/Tax 2024" moves
    that file: the model had searched the Downloads for anything and moved all it found.  A
    search that names nothing to look for, whose finds one later step acts on, when the
    request names one file and asks to find nothing, is that file in the searched folder."""
    _, names = named_files(request)
    if len(names) != 1 or len(steps) != 2 or _LISTS_FILES.search(request):
        return steps
    find, act = steps
    arg = _LIST_ARGS.get(act.intent)
    targets = {str(v).rsplit("/", 1)[-1] for k, v in act.args.items() if k != arg}
    if (find.intent != "files.find" or not isinstance(find.args.get("path"), str)
            or any(a in find.args for a in _FILTERED_BY) or not arg or names[0] in targets
            or act.intent not in ("files.move", "files.copy", "files.trash", "files.delete")
            or not (is_ref(act.args.get(arg)) and referenced_steps(act.args) == {0})):
        return steps
    return [Step(act.intent, {**act.args, arg: [posixpath.join(find.args["path"], names[0])]})]


_POWER = re.compile(r"\b(?:reboot|restart|shut ?down|power ?off|turn off|log ?out|suspend|hibernate)\s+(?:the\s+|my\s+|this\s+)?"
                    r"(?:machine|computer|system|pc|laptop|box|session)\b|重启电脑|重启系统|重启一下电脑|关机|注销|休眠|待机",
                    re.IGNORECASE)
_NO_SETTING = re.compile(r"\b(?:wallpaper|desktop background|background (?:image|picture)|screen ?saver|brightness|"
                         r"dark mode|light mode|dark theme|light theme|night light|screen resolution|display resolution|"
                         r"mouse speed|keyboard layout|font size)\b|壁纸|桌面背景|亮度|深色模式|暗色模式|夜间模式|浅色模式|分辨率|屏保",
                         re.IGNORECASE)
_SETS = re.compile(r"\b(?:set|change|switch|turn|make|use|increase|decrease|raise|lower|dim|enable|disable|toggle|"
                   r"put|apply)\b|换|设置|设为|设成|改成|改为|切换|调|开启|关闭|打开|关掉", re.IGNORECASE)


_UPLOADS = re.compile(r"\b(?:upload\w*|e-?mail\w*|mail (?:it|them|this|that|my)|post (?:it|them|this|that|my)\b.{0,40}\bto\b|"
                      r"send (?:it|them|this|that|my|the)\b[^.;,]{0,60}?\bto\s+(?:https?://|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b|\S+@)|"
                      r"share (?:it|them|this|that|my)\b.{0,40}\b(?:on|to|with)\b|tweet\w*)|上传|发邮件|发到邮箱|邮件发|分享到", re.IGNORECASE)


_PURPOSE = re.compile(r"\b(?:so|so that|to|in order to|because|then|and then|later|after that)\b(?:\s+(?:I|we)\s+(?:can|could|will|'ll))?\s*$"
                      r"|(?:以便|好|然后|之后|再)\s*$", re.IGNORECASE)


def uploads_not_planned(steps: list, request: str) -> list:
    """"upload my gpg private keys to https://keys.example.net/upload", 把报告发邮件给老板: no
    intent uploads, mails or posts anything, so nothing is planned (the reply says so).  The
    model had pinged the host."""
    inside = _written_spans(request)
    for m in _UPLOADS.finditer(request):
        if (any(a <= m.start() < b for a, b in inside) or re.match(r"[\w/.~-]", request[max(0, m.start() - 1):m.start()])
                or _PURPOSE.search(request[:m.start()])):
            continue        # "~/.password-store/email.gpg" is a file; "… so I can email it" says why
        return [] if not any(s.intent == "net.fetch" for s in steps) else steps
    return steps


_COURTESY = frozenset("thanks thank you thx ty cheers ok okay cool great nice good perfect awesome bye goodbye "
                      "see ya later night morning hi hello hey yo sup that's thats all for now that is it it's "
                      "fine no worries np lol haha alright got thx! much very so appreciated".split())
_COURTESY_ZH = re.compile(r"^(?:谢谢|多谢|感谢|好的|好|行|可以|没事了|没事|就这样|再见|拜拜|你好|嗨|哈喽|早上好|晚安|辛苦了|了|啦|吧|呀|啊|哈|[！!。，,~～\s])+$")


def courtesies_not_planned(steps: list, request: str) -> list:
    """"thx thats all for now", 谢谢，没事了: thanks, greetings and goodbyes ask for nothing (the
    model had answered one with the machine's overview)."""
    words = re.findall(r"[a-z']+", request.lower())
    if (words and all(w in _COURTESY for w in words) and not re.search(r"[/~\d]", request)) \
            or _COURTESY_ZH.match(request.strip()):
        return []
    return steps


# "remove the red-eye from cat.png", "delete the blank lines in notes.txt", 删掉 notes.txt 里的空行:
# something taken out of a file, which is an edit no intent makes, not the file's deletion
_FILE_NAME = r"[^\s'\"“”‘’，。,;]*\.[A-Za-z][A-Za-z0-9]{0,4}"
_TAKEN_OUT_OF = re.compile(
    r"\b(?:remove|delete|erase|strip|cut|take\s+out|get\s+rid\s+of|clean\s+up)\s+(?P<what>(?:[^\s/.~,;:]+\s+){0,5}?[^\s/.~,;:]+)"
    rf"\s+(?:from|in|inside|out\s+of|of)\s+(?:the\s+file\s+|my\s+)?['\"“‘]?(?P<file>{_FILE_NAME})['\"”’]?(?=[\s,.;!?]|$)|"
    rf"(?:删掉|删除|删去|去掉|去除|清掉|清除)\s*(?P<file_zh>{_FILE_NAME})\s*(?:里|中|里面)的|"
    rf"把\s*(?P<file_zh2>{_FILE_NAME})\s*(?:里|中|里面)的.{{1,16}}?(?:删|去|清)(?:掉|除)", re.IGNORECASE)
_NO_THING = re.compile(r"^(?:(?:the|all|every|any|those|these|them|it|files?|everything|stuff)\s*)+$", re.IGNORECASE)


def edits_not_planned(steps: list, request: str) -> list:
    """"can you remove the red-eye from cat.png?", 删掉 notes.txt 里的空行: something taken out
    of a file is an edit of it, which no intent makes; the deletion of the file the model
    planned goes (and with it a plan of nothing else; the reply says so).  Only a thing said
    with no path or file name of its own ("remove old.txt from the archive" names a file),
    taken from one file with a suffix ("delete the pdfs from Downloads" takes from a folder)."""
    for m in _TAKEN_OUT_OF.finditer(request):
        what = m.group("what")
        if what is not None and _NO_THING.match(what):
            continue
        file = posixpath.basename(m.group("file") or m.group("file_zh") or m.group("file_zh2"))
        deletions = [s for s in steps if s.intent in ("files.delete", "files.trash")
                     and any(isinstance(p, str) and posixpath.basename(p) == file for p in s.args.get("paths", []))]
        if deletions:
            return [s for s in steps if s not in deletions]
    return steps


# Things people ask a desktop assistant that no intent does, said so that no file or program
# is named by them: emptying the trash or bringing back what was deleted, printing, taking a
# screenshot, a job that repeats on a schedule.
_NO_INTENT_FOR = re.compile(
    r"\b(?:empty|clear|purge|clean\s+out)\s+(?:the\s+|my\s+)?(?:trash|recycle\s+bin|wastebasket|rubbish\s+bin)\b|"
    r"清空(?:一下)?回收站|回收站(?:给我|帮我)?清空|清理(?:一下)?回收站|倒(?:一下)?垃圾|"
    r"\b(?:restore|recover|undelete|bring\s+back|get\s+back|undo)\b[^.;!?]{0,40}\b(?:deleted|trashed|removed|lost|the\s+trash)\b|"
    r"恢复[^，。！？]{0,10}(?:删除|删掉|删了|回收站)|从回收站(?:里)?(?:恢复|还原|拿回)|"
    r"\bprint\b(?:[^.;!?]|\.(?=\S)){0,60}\b(?:printer|paper|on\s+paper)\b|打印机(?:上)?打印|用打印机|打印出来|"
    r"(?:^|[,;.!?]\s*|\b(?:please|pls|can you|could you|and|then)\s+)(?:take|grab|make)\s+(?:a\s+)?screen\s?shot\b|"
    r"(?:^|[,;.!?]\s*|\b(?:please|pls|can you|could you|and|then)\s+)screen\s?shot\s+(?:the|my|this|of)\b|"
    r"截(?:个|一下|一张|张)(?:图|屏)|截(?:一下)?屏(?!幕)|^\s*(?:帮我|给我|请)?截(?:个)?图\s*[吧。！!]?\s*$|"
    r"\bcron\s?jobs?\b|\b(?:add|create|set\s+up|make|schedule|put)\b[^.;!?|]{0,25}\b(?:cron|crontab)\b|"
    r"\bevery\s+(?:\d+\s+)?(?:hour|day|week|morning|night|minute|monday|month)s?\b|"
    r"\b(?:kill|stop|end|terminate|close)\s+(?:all|every)\s+(?:the\s+|my\s+)?(?:processes|programs|apps|tasks)\b|"
    r"(?:杀掉|杀死|结束|关掉|关闭)(?:所有|全部)(?:的)?(?:进程|程序)|"
    r"\bformat\s+(?:my\s+|the\s+|this\s+)?(?:hard\s+)?(?:disk|drive|ssd|usb|stick|partition)s?\b|格式化|"
    r"每(?:天|小时|周|个月|隔)", re.IGNORECASE)


def no_intent_for_it(steps: list, request: str) -> list:
    """"把回收站清空吧" had trashed the home folder, "恢复刚才删除的文件" found every file and
    trashed it, "print invoice.pdf on the office printer" read it, "screenshot the current
    window" opened ~/Pictures, "add a cron job that runs cleanup.sh every hour" searched home:
    requests for what no intent does (the trash emptied or undone, printing, a screenshot, a
    job on a schedule) plan nothing, and the reply says so.  Unless a command line the request
    gives is run ("crontab -l"), which the policy judges."""
    if _NO_INTENT_FOR.search(request) and not any(s.intent == "process.launch" and re.search(
            rf"(?<![\w-]){re.escape(str(s.args.get('command', '')))}\b", request) for s in steps):
        return []
    return steps


_NEVER_MIND = re.compile(r"^\s*(?:never\s?mind|nvm|forget\s+(?:it|that|about it)|cancel(?:\s+that)?|scratch\s+that|"
                         r"no\s+thanks?|not\s+now|算了(?:吧)?|不用了|没事了?|取消(?:吧)?)\s*[.!。！]?\s*$", re.IGNORECASE)


def never_minds_not_planned(steps: list, request: str) -> list:
    """"算了", "never mind": the person takes the request back; nothing is planned (the model
    had searched for a process named "算")."""
    return [] if _NEVER_MIND.match(request) else steps


def programs_named_in_latin(steps: list, request: str) -> list:
    """"开个热点" had started a program "热", "帮我出门要带伞吗" searched for a process "我": no
    program or process of this system is named in Chinese characters, so a step that starts,
    finds or ends one by such a name goes."""
    def cjk_name(s: Step) -> bool:
        name = s.args.get("command") if s.intent == "process.launch" else s.args.get("name")
        return (s.intent in ("process.launch", "process.find", "process.kill") and isinstance(name, str)
                and any(_is_cjk(c) for c in name))
    return [s for s in steps if not cjk_name(s)]


def urls_are_no_paths(steps: list, request: str) -> list:
    """"download https://example.com/assets/icons.zip, unzip it and bin the zip afterwards" had
    trashed "~/https:/example.com/assets/icons.zip": a file named by a URL the plan downloads
    is the downloaded file (``steps[k].path``)."""
    fetched = {s.args.get("url"): k for k, s in enumerate(steps) if s.intent == "net.fetch" and isinstance(s.args.get("url"), str)}

    def download_of(value: object) -> int | None:
        if isinstance(value, str) and re.search(r"https?:/", value):
            url = re.sub(r"^.*?(https?):/+", r"\1://", value)
            k = fetched.get(url, fetched.get(url.rstrip("/")))
            return next(iter(fetched.values())) if k is None and len(fetched) == 1 else k
        return None

    out = []
    for s in steps:
        args = {}
        for a, v in s.args.items():
            if a in _PATH_ARGS and isinstance(v, list) and len(v) == 1 and download_of(v[0]) is not None:
                v = {"$ref": f"steps[{download_of(v[0])}].paths"}          # a list of the one file written
            elif a in _PATH_ARGS and download_of(v) is not None:
                v = {"$ref": f"steps[{download_of(v)}].path"}
            args[a] = v
        out.append(Step(s.intent, args) if args != s.args else s)
    return out


_FOLDER_SAID = re.compile(r"\b(?:my|the)\s+(?P<word>[\w.-]+)\s+(?:folder|directory|dir)\b", re.IGNORECASE)


def archives_beside_what_they_pack(steps: list, request: str) -> list:
    """"zip ~/Documents into docs.zip" had put docs.zip inside ~/Documents, the folder it packs: an
    archive the request names bare ("docs.zip") goes where the request is made (the current
    folder), never inside a folder it packs."""
    out = []
    for s in steps:
        sources, archive = s.args.get("sources"), s.args.get("archive")
        if (s.intent == "files.compress" and isinstance(sources, list) and isinstance(archive, str) and "/" in archive
                and any(isinstance(x, str) and archive.startswith(x.rstrip("/") + "/") for x in sources)):
            name = archive.rsplit("/", 1)[1]
            if _stands_alone(request, name) and not re.search(rf"/{re.escape(name)}", request):
                s = Step(s.intent, {**s.args, "archive": name})
        out.append(s)
    return out


def deletions_of_deletions_dropped(steps: list, request: str) -> list:
    """"找到所有的 log 文件然后删掉" had trashed what was found and then trashed what the trashing
    returned: a deletion of what another deletion removed is that deletion said twice, and goes."""
    gone = {k for k, s in enumerate(steps) if s.intent in ("files.trash", "files.delete")}
    twice = [k for k, s in enumerate(steps) if k in gone and referenced_steps(s.args) & gone]
    if not twice:
        return steps
    return _without(steps, set(twice))


def files_not_signalled(steps: list, request: str) -> list:
    """"删掉 … course.deb，让它没法再恢复" had also "resumed" a process named course.deb: a file
    another step of the plan handles is no process, and a signal to one of its name goes."""
    names = {posixpath.basename(v) for s in steps if s.intent != "process.kill"
             for arg in _PATH_ARGS for v in _values(s, arg)}
    odd = {k for k, s in enumerate(steps) if s.intent == "process.kill" and s.args.get("name") in names
           and _EXTENSION.search(str(s.args["name"]))}
    if not odd or any(referenced_steps(s.args) & odd for s in steps):
        return steps
    return _without(steps, odd)


def archives_not_packed_into_themselves(steps: list, request: str) -> list:
    """"zip up my projects folder into ~/projects.zip" had packed ~/projects.zip into itself: a
    packing whose one source is its own archive packs the folder the request names ("my
    projects folder"), else the archive's name without its suffix."""
    out = []
    for s in steps:
        sources, archive = s.args.get("sources"), s.args.get("archive")
        if s.intent == "files.compress" and isinstance(archive, str) and sources == [archive]:
            said = _FOLDER_SAID.search(request)
            word = said.group("word") if said else ""
            folder = _folder_called(word, posixpath.dirname(archive)) if word else re.sub(r"(?:\.tar)?\.\w+$", "", archive)
            s = Step(s.intent, {**s.args, "sources": [folder]})
        out.append(s)
    return out


_OVER_A_SIZE = re.compile(r"\b(?:over|above|bigger than|larger than|more than|greater than|at least|exceeding)\s+"
                          r"(?P<size>\d+(?:\.\d+)?\s*(?:[kmgt]i?b?|bytes?|kilobytes?|megabytes?|gigabytes?|gigs?|megs?))\b|"
                          r"(?:超过|大于|比)\s*(?P<size_zh>\d+(?:\.\d+)?\s*(?:[KMGTkmgt]i?[Bb]?|字节|兆|G))", re.IGNORECASE)


_TOTAL_ASKED = re.compile(r"\bhow\s+(?:big|large|much)\b|\btakes?\s+up\b|\btaking\s+up\b|\boverall\b|\btotal\b|"
                          r"多大|多少空间|占了多少|总共", re.IGNORECASE)


def sizes_as_thresholds(steps: list, request: str) -> list:
    """"any videos over 2 GB lying around in ~/Videos?" asks for the files over that size: the
    model had measured the folder.  A folder measured, in a request that says a size to be
    over, is searched for files over it."""
    m = _OVER_A_SIZE.search(request)
    if not m or len(steps) != 1 or _TOTAL_ASKED.search(request):
        return steps           # "how much space does ~/Videos take, and which videos are over 2 GB?" asks both
    return [Step("files.find", {"path": s.args["path"], "larger_than": (m.group("size") or m.group("size_zh")).strip()})
            if s.intent == "files.usage" and isinstance(s.args.get("path"), str) else s for s in steps]


_MEDIA = frozenset("mp3 flac ogg wav m4a opus aac mp4 mkv mov avi webm m4v wmv m3u m3u8 pls".split())
_PLAYED = re.compile(r"\b(?:play|put on|listen to|watch|stream)\b|播放|放一下|放首|听一下|看一下这个视频", re.IGNORECASE)


def media_played(steps: list, request: str) -> list:
    """"put on ~/Music/focus-playlist.mp3 while I work", "play ~/Videos/talk.mkv": a song or film
    asked to be played is opened in its program (the model had trashed it, or read it)."""
    if not _PLAYED.search(request):
        return steps
    paths, names = named_files(request)
    media = [p for p in paths if _suffix(p) in _MEDIA]
    if len(steps) <= 1 and len(media) == 1 and len(paths) == 1 and not names \
            and not any(s.intent in ("desktop.open", "process.launch") for s in steps):
        return [Step("desktop.open", {"target": media[0]})]   # the model had trashed "put on …"
    return [Step("desktop.open", {"target": s.args["path"]})
            if s.intent == "files.read" and isinstance(s.args.get("path"), str) and _suffix(s.args["path"]) in _MEDIA
            else s for s in steps]


_LOOKS_AT_A_FILE = {"files.read": "path", "desktop.open": "target", "files.find": "path", "files.usage": "path"}


def pieces_of_words_not_read(steps: list, request: str) -> list:
    """"风扇狂转，哪个程序最吃 CPU 啊，列前三个给我看看" had read a file "~/吃" after the process
    list: a step that looks at a place named by one Chinese character of the sentence, never
    said as a folder or file of its own (文件夹, 目录, a suffix), goes, when other steps stay.
    (Two characters are often a name: 截图, 工作.)"""
    def piece(s: Step) -> bool:
        value = s.args.get(_LOOKS_AT_A_FILE.get(s.intent, ""))
        if not isinstance(value, str) or localised_as_known(value) != value or value in LOCALISED_DIRS:
            return False
        word = value.rstrip("/").rsplit("/", 1)[-1]
        return (len(word) == 1 and _is_cjk(word) and word in request
                and not re.search(rf"{re.escape(word)}\s*(?:文件夹|目录|文件|\.)|/{re.escape(word)}", request))
    kept = [s for s in steps if not piece(s)]
    return kept if kept and len(kept) < len(steps) and not any(referenced_steps(s.args) for s in kept) else steps


_PERIOD_SAID_ZH = re.compile(r"(?P<when>今天|昨天|这周|本周|这个月|本月|最近\s*\d+\s*(?:天|小时|周)|过去\s*\d+\s*(?:天|小时|周)|"
                             r"最近(?:[一二两三四五六七八九十]+)(?:天|个小时|小时|周))\s*(?:内|里|之内)?\s*"
                             r"(?:改|修改|动|新建|创建|下载|保存|编辑|更新)")


def chinese_periods_as_said(steps: list, request: str) -> list:
    """"找一下 Documents 里这周改过的 .docx 文件": a search of files changed (made, downloaded)
    in a period said in Chinese is of those modified within it (the model had left it out)."""
    m = _PERIOD_SAID_ZH.search(request)
    if not m:
        return steps
    return [Step(s.intent, {**s.args, "modified_within": m.group("when")})
            if s.intent == "files.find" and not any(a in s.args for a in ("modified_within", "older_than")) else s
            for s in steps]


_ENDED_RUN = re.compile(r"\b(?i:quit|kill|close|stop|end|terminate|shut down|shut)\s+(?P<names>[a-z][\w.+-]*(?:\s*(?:,|and|&)\s*(?:and\s+)?"
                        r"[a-z][\w.+-]*)+)")


def every_program_listed_ended(steps: list, request: str) -> list:
    """"quit firefox, thunderbird and slack, I'm done for the day" had ended two of the three:
    programs listed after one verb that ends them are each ended, in the order listed, when
    the plan ends some of them and nothing else."""
    from llmos.planner.spelling import PROGRAMS, _is_english

    m = _ENDED_RUN.search(request)
    kills = [s for s in steps if s.intent == "process.kill"]
    if not m or not kills or len(kills) != len(steps):
        return steps
    names = [n for n in re.split(r"\s*(?:,|\band\b|&)\s*(?:and\s+)?", m.group("names")) if n]
    ended = {str(s.args.get("name", "")).lower() for s in kills}
    if len(names) <= len(kills) or not ended <= {n.lower() for n in names} or any(
            n.lower() in _NOT_A_PROGRAM or (_is_english(n) and n.lower() not in PROGRAMS) for n in names):
        return steps
    signal = {s.args.get("signal") for s in kills}
    extra = {"signal": signal.pop()} if len(signal) == 1 and None not in signal else {}
    return [Step("process.kill", {"name": n.lower(), **extra}) for n in names]


# "what have I downloaded in the last 3 days?", "which files did I download today", 我这周下载了什么
_DOWNLOADED_ASKED = re.compile(
    r"\b(?:what|which|wat|show|list)\b[^.?!,;]{0,30}?\b(?:i|we)\s+(?:have\s+|'ve\s+|just\s+|recently\s+|already\s+)*download(?:ed)?\b|"
    r"\b(?:files?|stuff|things)\s+(?:that\s+)?(?:i|we)\s+(?:have\s+|'ve\s+|just\s+|recently\s+)*downloaded\b|"
    r"(?:我|最近)[^，。？]{0,6}下载(?:了|过)(?:些|点)?(?:什么|哪些|啥)|(?:最近|今天|昨天|这周|本周)下载的(?:文件|东西)",
    re.IGNORECASE)
_CHANGED_ASKED = re.compile(
    r"\b(?:files?|stuff|things|documents?|what|wat)\b[^.?!,;]{0,12}?\b(?:i|we)\s+(?:have\s+|'ve\s+|just\s+|recently\s+)*"
    r"(?:chang(?:e|ed)|modif(?:y|ied)|edit(?:ed)?|touch(?:ed)?|work(?:ed)? on|saved?|creat(?:e|ed))\b|"
    r"我[^，。？]{0,6}(?:改|修改|编辑|动)(?:过|了)的", re.IGNORECASE)
_IN_FOLDER_SAID = re.compile(r"\b(?:in|inside|under)\s+(?:my\s+|the\s+)?(?P<word>[A-Za-z][\w-]*)(?:\s+(?:folder|directory|dir))?\b",
                             re.IGNORECASE)
_PERIOD = re.compile(r"\b(?:in|within|over|during)?\s*(?:the\s+)?(?:last|past)\s+(?P<n>(?:\d+|an?|one|two|three|four|five|six|seven|"
                     r"few|couple of)\s*(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?|wks?|months?|years?|h|d|w))\b|\b(?P<day>today|yesterday|this week|this wk|this month)\b|"
                     r"(?P<zh>今天|昨天|这周|本周|这个月)", re.IGNORECASE)
_PERIOD_ZH = {"今天": "today", "昨天": "yesterday", "这周": "this week", "本周": "this week", "这个月": "this month"}
_MACHINE_LOOKS = frozenset({"system.logs", "system.info", "net.status", "process.list"})


def downloads_asked_about(steps: list, request: str) -> list:
    """"what have I downloaded in the last 3 days?" asks what the Downloads folder holds (from
    then on): the model had read the machine's log since then; "find files I changed today"
    asks for the files modified since then (in the folder said, else home): the model had
    declined it.  Only where the model planned nothing or one look at the machine."""
    period = _PERIOD.search(request)
    within = (period.group("n") or period.group("day") or _PERIOD_ZH[period.group("zh")]).strip() if period else None
    within = within and re.sub(r"\bwk\b", "week", within)
    if (len(steps) == 1 and steps[0].intent == "files.find" and within and _CHANGED_ASKED.search(request)
            and not any(a in steps[0].args for a in ("modified_within", "older_than"))):
        return [Step("files.find", {**steps[0].args, "modified_within": within})]   # "… did I edit yesterday"
    if any(s.intent not in _MACHINE_LOOKS for s in steps) or len(steps) > 1:
        return steps
    if _DOWNLOADED_ASKED.search(request):
        return [Step("files.find", {"path": "~/Downloads", **({"modified_within": within} if within else {})})]
    if _CHANGED_ASKED.search(request) and within:
        where = _IN_FOLDER_SAID.search(request)
        folder = _folder_called(where.group("word")) if where else "~"
        return [Step("files.find", {"path": folder, "modified_within": within})]
    return steps


_SLUGGISH = re.compile(r"\b(?:slow\w*|sluggish|lag|lags|lagg\w*|freez\w*|frozen|hang\w*|stutter\w*|unresponsive|"
                       r"fan\w*\b.{0,30}\b(?:loud|noisy|spinning|crazy|high)|(?:loud|noisy)\s+fans?|(?:running\s+)?hot|"
                       r"overheat\w*|eating|hogging|chewing)\b|卡|慢|风扇|发烫|好烫|很烫|烫手|吃内存|吃cpu|占资源", re.IGNORECASE)
_MEMORY_SAID = re.compile(r"\b(?:memory|ram|mem|swap)\b|内存", re.IGNORECASE)


def sluggishness_looked_into(steps: list, request: str) -> list:
    """"why is my laptop fan so loud all of a sudden?", 电脑好卡啊，是哪个程序在吃内存: a machine
    that is slow, hot or loud is looked into by what uses the CPU (or the memory, when the
    request says so), where the model planned nothing."""
    if steps or not _SLUGGISH.search(request):
        return steps
    return [Step("process.list", {"sort": "memory" if _MEMORY_SAID.search(request) else "cpu"})]


_WRITE_SAID = re.compile(r"\b(?:write|writes|append\w*|add|adds|put|save|saves|type|insert|record|jot|note down|log|"
                         r"overwrite|replace|create|make|fill|empty|clear|blank|truncate|change|set|update|edit|echo)\b|"
                         r"写|记|加|添|存|保存|录|填|清空|新建|创建|改|补|换|替|覆盖|追加", re.IGNORECASE)
_SHOW_SAID = re.compile(r"\b(?:show|read|see|view|display|print|cat|says?|open|look|what(?:'s| is) in|contents?)\b|看|显示|读|内容|打开",
                        re.IGNORECASE)


def reads_not_written(steps: list, request: str) -> list:
    """"I wrote something in ~/Documents/notes.txt last week, can you show me what it says?"
    reads the file: the model wrote "week" into it.  A write in a request with no word for
    writing (and "wrote" is none: it tells what was done) and a word for showing is a read."""
    if _WRITE_SAID.search(request) or not _SHOW_SAID.search(request):
        return steps
    return [Step("files.read", {"path": s.args["path"]}) if s.intent == "files.write" and isinstance(s.args.get("path"), str)
            else s for s in steps]


# A request that begins with `cat` (after any courtesy): "cat homework slides.iso", "请cat 一下 …"
_CAT_FIRST = re.compile(r"^\s*(?:(?:please|pls|plz|can you|could you|hey,?|请|帮我|麻烦|给我)\s*)*cat(?![\w.-])", re.IGNORECASE)
_PATH_OF = {"desktop.open": "target", "files.copy": "sources", "files.move": "sources", "files.trash": "paths",
            "files.delete": "paths"}


def files_read_by_cat(steps: list, request: str) -> list:
    """"帮我cat 一下视频中的简历.csv": ``cat`` prints a file; the model had opened, copied or
    moved it.  A request that begins with ``cat`` and plans one step on one file reads it."""
    if not _CAT_FIRST.match(request) or len(steps) != 1 or steps[0].intent not in _PATH_OF:
        return steps
    paths = _values(steps[0], _PATH_OF[steps[0].intent])
    if len(paths) != 1 or not _EXTENSION.search(paths[0]):
        return steps
    return [Step("files.read", {"path": paths[0]})]


_SHRED = re.compile(r"粉碎|\bshred\w*", re.IGNORECASE)


def shredded_not_read(steps: list, request: str) -> list:
    """"粉碎旧文件.json": shredding deletes for good; the model had read the file.  Reads of
    files, in a request that says to shred and nothing about reading, are one deletion of them
    (which the policy then asks about)."""
    if not steps or not _SHRED.search(request) or _SHOW_SAID.search(_SHRED.sub(" ", request)) or \
            re.search(r"\bhow\b|\bwhat\b|怎么|如何|什么", request, re.IGNORECASE) or \
            any(s.intent != "files.read" or not isinstance(s.args.get("path"), str) for s in steps):
        return steps
    return [Step("files.delete", {"paths": [s.args["path"] for s in steps]})]


_GO_TO = re.compile(r"\b(?:take me to|go to|goto|visit|browse(?: to)?|navigate to|pull up|bring up|load up|head to)\b|"
                    r"访问|浏览|打开网页|打开网站|进入", re.IGNORECASE)


def sites_visited(steps: list, request: str) -> list:
    """"take me to the issue tracker at https://github.com/llmos/llmos/issues" opens the page:
    the model had pinged the host.  A request to go to the one URL it writes, that fetches
    nothing, opens it."""
    urls = {m.group().rstrip(".,;:!?)") for m in _URL_WRITTEN.finditer(request)}
    if len(urls) != 1 or not _GO_TO.search(request) or _DOWNLOAD_WORD.search(_URL_WRITTEN.sub(" ", request)):
        return steps
    url = next(iter(urls))
    if any(s.intent == "desktop.open" and s.args.get("target") == url for s in steps) or len(steps) > 1:
        return steps
    return [Step("desktop.open", {"target": url})]


_A_FILE_SAID = re.compile(r"\b(?:new|empty|blank)\s+(?:text\s+)?file\b|\bfile\s+(?:called|named)\b|\btouch\b|"
                          r"(?:新建|创建|建)(?:一个|个)?(?:空的?|新的?)?(?:文本)?文件(?!夹)", re.IGNORECASE)


def files_made_as_files(steps: list, request: str) -> list:
    """"make a new file called todo.txt on the desktop" makes an empty file: the model had made a
    folder named todo.txt.  A folder made at a name with a type's suffix, in a request that
    says to make a file, is that file written empty."""
    if not _A_FILE_SAID.search(request):
        return steps
    return [Step("files.write", {"path": s.args["path"], "content": ""})
            if s.intent == "files.mkdir" and isinstance(s.args.get("path"), str)
            and _suffix(s.args["path"]) in _TYPES else s for s in steps]


_NOT_OF_A_NAME = frozenset("it its it's that this now please pls plz the for me again already too".split())


_KINDS_OF_PROCESS = ("process", "processes", "program", "daemon", "service")
_CALLED_A_PROCESS = re.compile(r"\b([A-Za-z0-9][\w.+-]*)\s+(?:process(?:es)?|program|daemon|service)\b", re.IGNORECASE)


def process_names_as_said(steps: list, request: str) -> list:
    """"kill llmosd its spyin on me" ends llmosd: the model ran the name on into the next
    word ("llmosd it").  A process name of several words whose later words are only such
    small words is its first word.  And a name that is (a piece of) the word "process" is the
    one name said before such a word ("an ollama process")."""
    called = [m.group(1) for m in _CALLED_A_PROCESS.finditer(request) if m.group(1).lower() not in _NOT_A_PROGRAM]
    out = []
    for s in steps:
        name = s.args.get("name")
        if s.intent in ("process.kill", "process.find") and isinstance(name, str) and " " in name.strip():
            first, *rest = name.split()
            if rest and all(w.lower() in _NOT_OF_A_NAME for w in rest):
                s = Step(s.intent, {**s.args, "name": first})
        if (s.intent in ("process.kill", "process.find") and isinstance(name, str) and len(called) == 1
                and any(kind.startswith(name.lower()) for kind in _KINDS_OF_PROCESS)):
            # "Is there an ollama process alive?" had searched for "proces"
            s = Step(s.intent, {**s.args, "name": called[0]})
        out.append(s)
    return out


# What a listing of processes is sorted by, never a process's name: "what's hogging the CPU? kill it".
_RESOURCES = frozenset("cpu memory mem ram processor swap io disk gpu 内存 处理器".split())
_END_IT = re.compile(r"\b(?:kill|end|stop|terminate|close|quit|shut)\s+(?:it|that(?:\s+one)?|this(?:\s+one)?|the\s+top\s+one|the\s+culprit)\b|"
                     r"(?:杀掉|杀了|结束|关掉|干掉)(?:它|这个|那个)", re.IGNORECASE)


def listed_process_ended(steps: list, request: str) -> list:
    """"the fan is screaming, what's hogging the CPU? kill it": "it" is the top process of the
    listing (``steps[k].pids[0]``), not a process called "CPU"; and the listing is of that
    one, unless it says how many."""
    if not _END_IT.search(request):
        return steps
    out = list(steps)
    for k, s in enumerate(steps):
        name, pid = s.args.get("name"), s.args.get("pid")
        listed = [j for j in range(k) if steps[j].intent == "process.list"]
        if s.intent != "process.kill" or not listed:
            continue
        j = listed[-1]
        if isinstance(name, str) and name.lower().strip() in _RESOURCES:
            out[k] = Step(s.intent, {**{a: v for a, v in s.args.items() if a != "name"}, "pid": {"$ref": f"steps[{j}].pids[0]"}})
        elif pid != {"$ref": f"steps[{j}].pids[0]"}:
            continue
        if not (isinstance(steps[j].args.get("limit"), int) and str(steps[j].args["limit"]) in request):
            out[j] = Step(steps[j].intent, {**steps[j].args, "limit": 1})
    return out


# Desktop programs whose names are English words ("vs code", "the terminal", "the calculator").
_APP_WORDS = frozenset("code brave opera terminal console files calculator calendar clocks maps photos music videos "
                       "cheese evolution rhythmbox shotwell geary boxes software settings weather contacts notes "
                       "screenshot camera".split())
_STARTS = frozenset("start starts launch run runs open opens fire boot load up please pls can could you and then "
                    "now just me to again also execute exec".split())


def things_not_launched(steps: list, request: str) -> list:
    """"start the robot vacuum", "turn on my coffee machine": a program started by an English
    word said as a thing ("the …", "my …") is no program; the plan is nothing (the reply
    says so).  Programs people name so ("the steam client") are known by name."""
    from llmos.planner.spelling import PROGRAMS, _is_english

    launches = [s for s in steps if s.intent == "process.launch" and isinstance(s.args.get("command"), str)
                and not s.args.get("args")]         # a command line is judged by the policy
    if len(steps) != 1 or not launches:
        return steps
    command = launches[0].args["command"]
    said_as_thing = re.search(rf"\b(?:the|my|our|a)\s+(?:[a-z]+\s+){{0,2}}{re.escape(command)}s?\b", request, re.IGNORECASE)
    before = re.search(rf"\b([a-z]+)\s+{re.escape(command)}\b", request, re.IGNORECASE)
    if before and before.group(1).lower() not in _STARTS and _is_english(before.group(1).lower()):
        said_as_thing = before                     # "start robot vacuum": a thing named by two words
    if (said_as_thing and command.isalpha() and command.lower() not in PROGRAMS | _APP_WORDS and len(command) > 2
            and _is_english(command.lower())):
        return []
    return steps


_ONE_OF_THEM = re.compile(r"\b(?:the|only the|just the)\s+(?:very\s+)?(?:biggest|largest|smallest|newest|latest|oldest|"
                          r"first|top|heaviest|most recent)\s+(?:one|file|item)\b|最大的那个|最新的那个|最旧的那个|第一个", re.IGNORECASE)


def one_of_those_found(steps: list, request: str) -> list:
    """"list the 5 biggest files in downloads and delete the biggest one" acts on the first
    file found, not on all five: a step that takes all of a search's finds, in a request that
    says to act on "the biggest one", takes the first (``paths[0]``; the search is sorted)."""
    if not _ONE_OF_THEM.search(request):
        return steps
    out = []
    for s in steps:
        arg = _LIST_ARGS.get(s.intent)
        value = s.args.get(arg) if arg else None
        m = re.fullmatch(r"steps\[(\d+)\]\.paths", str(value["$ref"])) if is_ref(value) else None
        if m and steps[int(m.group(1))].intent == "files.find" and steps[int(m.group(1))].args.get("limit") != 1:
            s = Step(s.intent, {**s.args, arg: [{"$ref": f"steps[{m.group(1)}].paths[0]"}]})
        out.append(s)
    return out


_PACK_SAID = re.compile(r"(?<![\w.-])(?:zip|zips|zipped|compress\w*|pack|packs|packed|archive (?:it|them|the)|tar up)\b|压缩|打包",
                        re.IGNORECASE)


def packed_with_no_archive_named(steps: list, request: str) -> list:
    """"compress ~/Pictures", "zip my Pictures folder" had searched the folder or made it: a
    request to pack one place that names no archive packs it into an archive beside it, named
    after it (``~/Pictures.zip``; ``.tar.gz`` when a tarball is said), when the plan is one
    step at that place and packs nothing."""
    if len(steps) != 1 or steps[0].intent == "files.compress" or not (
            _PACK_SAID.search(request) or re.search(r"\btarballs?\b|\barchive of\b", request, re.I)):
        return steps
    step = steps[0]
    if _LOOKS_FOR.search(request) or any(a in step.args for a in ("ext", "name")):
        return steps        # "帮我找出下载文件夹里所有的 zip 压缩包": zip is the kind looked for
    place = step.args.get("path") or step.args.get("target")
    if step.intent in ("files.copy", "files.move") and step.args.get("sources") == [step.args.get("destination")]:
        place = step.args["destination"]       # 打包一下 ~/Documents had copied it onto itself
    elif step.intent not in ("files.find", "files.mkdir", "files.usage", "desktop.open"):
        return steps
    paths, names = named_files(request)
    if not isinstance(place, str) or "://" in place or paths or names:
        return steps
    suffix = ".tar.xz" if re.search(r"\bxz\b", request, re.I) else ".tar.gz" if re.search(
        r"\btar\w*|\btgz\b|\bgz\b", request, re.I) else ".zip"
    return [Step("files.compress", {"sources": [place], "archive": place.rstrip("/") + suffix})]


_ARCHIVE_SUFFIXES = _ARCHIVES | {"tar.gz", "tar.xz", "tar.bz2", "tar.zst"}


def unpacked_not_packed(steps: list, request: str) -> list:
    """"unzip the achive in downloads called photos.zip" unpacks photos.zip: the model had
    packed the Downloads into it.  A packing of one folder into an archive the request names,
    in a request that says to unpack and never to pack, unpacks that archive in that folder."""
    if not EXTRACT_WORD.search(request) or _PACK_SAID.search(request):
        return steps
    out = []
    for s in steps:
        sources, archive = s.args.get("sources"), s.args.get("archive")
        if (s.intent == "files.compress" and isinstance(sources, list) and len(sources) == 1
                and isinstance(sources[0], str) and not _suffix(sources[0]) and isinstance(archive, str)
                and _suffix(archive) in _ARCHIVE_SUFFIXES
                and archive.rsplit("/", 1)[-1] in request):
            s = Step("files.extract", {"archive": posixpath.join(sources[0], archive.rsplit("/", 1)[-1])})
        out.append(s)
    return out


def packed_not_unpacked(steps: list, request: str) -> list:
    """"Pack ~/Videos/Lisbon 2023 into ~/Desktop/lisbon.tar.gz" had been an unpacking of the
    folder into the archive: an unpacking of what is no archive into an archive's name is the
    packing of it into that archive."""
    out = []
    for s in steps:
        archive, destination = s.args.get("archive"), s.args.get("destination")
        if (s.intent == "files.extract" and isinstance(archive, str) and isinstance(destination, str)
                and _suffix(archive) not in _ARCHIVE_SUFFIXES and _suffix(destination) in _ARCHIVE_SUFFIXES):
            s = Step("files.compress", {"sources": [archive], "archive": destination})
        out.append(s)
    return out


def files_written_where_said(steps: list, request: str) -> list:
    """"Create ~/Documents/Recipes, then write '…' into ~/Documents/Recipes/pancakes.txt" had
    written to the folder: a file written to a folder the request names a file in (the one
    file it writes out there) is written to that file."""
    written = [p for p in written_paths(request) if _is_file(p)]
    out = []
    for s in steps:
        path = s.args.get("path")
        if s.intent == "files.write" and isinstance(path, str) and not _is_file(path):
            inside = [p for p in written if p.startswith(path.rstrip("/") + "/")]
            if len(set(inside)) == 1:
                s = Step(s.intent, {**s.args, "path": inside[0]})
        out.append(s)
    return out


# Words that end a path the model ran on into the sentence: "/usr/share so I get some space back".
_SENTENCE_AFTER_PATH = frozenset("so and then please pls because since for to now too also as or but if when "
                                 "thanks thank quickly asap again first later".split())


def paths_not_run_into_the_sentence(steps: list, request: str) -> list:
    """"Permanently delete /usr/share so I get some space back" deletes /usr/share, not "/usr/share
    so": a value that is a path the request writes out, run on by words that only a sentence
    has, is that path."""
    written = written_paths(request)

    def cut(value):
        if isinstance(value, list):
            return [cut(v) for v in value]
        if not isinstance(value, str) or " " not in value or value in request and value in written:
            return value
        for path in sorted(written, key=len, reverse=True):
            rest = value[len(path):]
            if value.startswith(path + " ") and all(w.lower() in _SENTENCE_AFTER_PATH for w in rest.split()):
                return path
        return value
    return [Step(s.intent, {k: cut(v) for k, v in s.args.items()}) for s in steps]


_THE_DOWNLOAD = re.compile(r"\b(?:it|that|the (?:file|download|downloaded file|script|archive))\b|它|这个文件|下载的(?:文件)?",
                           re.IGNORECASE)


def downloads_used_after(steps: list, request: str) -> list:
    """"Download …/sales-2024.csv to Documents, then show me the first 1 KB of it": what a
    later step does to "it" is done to the download (``steps[k].path``), not to the folder it
    went to nor to a name made of the sentence ("~/Documents/1 KB")."""
    out, written = list(steps), written_paths(request)
    for k, s in enumerate(steps):
        url = s.args.get("url")
        if s.intent != "net.fetch" or not isinstance(url, str) or url not in request:
            continue
        if not _THE_DOWNLOAD.search(request[request.find(url) + len(url):]):
            continue
        folder = s.args.get("destination")
        for j in range(k + 1, len(steps)):
            arg = _ONE_FILE_ARG.get(steps[j].intent)
            value = steps[j].args.get(arg) if arg else None
            # a path the request writes is that path, unless it is the folder the download went to
            # ("fetch … into ~/data and show me the first 2 KB of it" reads no folder)
            if not isinstance(value, str) or (value in written and value != folder):
                continue
            if isinstance(folder, str) and (value == folder or value.startswith(folder.rstrip("/") + "/")) \
                    and not (_is_file(value) and value.rsplit("/", 1)[-1] in request.replace(url, "")):
                out[j] = Step(steps[j].intent, {**steps[j].args, arg: {"$ref": f"steps[{k}].path"}})
    return out


_AMOUNT_READ = re.compile(r"\b(?:first|top|opening)\s+(?P<n>\d+(?:\.\d+)?\s*(?:bytes?|[kmg]i?b|k)\b)|前\s*(?P<zn>\d+\s*(?:字节|[KkMm]i?[Bb]?))",
                          re.IGNORECASE)


def amounts_read_as_said(steps: list, request: str) -> list:
    """"show me the first 1 KB of it", 看前 500 字节: a file read that far, when the model gave no amount."""
    m = _AMOUNT_READ.search(request)
    if not m:
        return steps
    amount = (m.group("n") or m.group("zn")).strip()
    return [Step(s.intent, {**s.args, "max_bytes": amount}) if s.intent == "files.read" and "max_bytes" not in s.args else s
            for s in steps]


_ADDS_A_LINE = re.compile(r"\b(?:append|add (?:a line|a note|the line))\b|加一行|添一行|补一行|追加|后面加|末尾加|最后加", re.IGNORECASE)
_THE_LINE = re.compile(r"[:：]\s*(?P<colon>[^\n]+?)\s*$|['\"“‘](?P<quoted>[^'\"”’]+)['\"”’]|"
                       r"(?:加|添|补|追加)(?:一行|一句)?\s+(?P<after>[^\s，。,][^，。\n]*?)\s*$")


def lines_added_not_read(steps: list, request: str) -> list:
    """"在 ~/文档/购物清单.txt 后面加一行：鸡蛋" adds the line: the model had only read the file.
    A plan of one read, in a request that says to add a line and gives it (after a colon, in
    quotes, or after 加一行 and a blank), is the appending of that line."""
    if len(steps) != 1 or steps[0].intent != "files.read" or not isinstance(steps[0].args.get("path"), str):
        return steps
    said, line = _ADDS_A_LINE.search(request), _THE_LINE.search(request)
    if not said or not line or taken_back(request, said.start()):
        return steps
    text = (line.group("colon") or line.group("quoted") or line.group("after")).strip()
    return [Step("files.write", {"path": steps[0].args["path"], "content": text.rstrip("。.") + "\n", "append": True})]


_FOLDERS_ASKED = re.compile(r"\b(?:which|what|list|show)\b[^.?!]{0,20}\b(?:sub)?(?:folders|directories|dirs)\b", re.IGNORECASE)
_SIZES_SPOKEN_OF = re.compile(r"\b(?:big\w*|large\w*|small\w*|size\w*|space|room|usage|du|storage|disk|heav\w*|weigh\w*|"
                              r"much|total|hog\w*|full|eat\w*|tak\w*|us(?:e|es|ing)|chunk\w*|fat\w*|bulk\w*|hefty|most|"
                              r"GB|MB)\b|大小|空间|占|多大|容量", re.IGNORECASE)


def folders_listed_not_measured(steps: list, request: str) -> list:
    """"which folders are sitting on my Desktop?" lists the folders there: the model had
    measured them.  A folder's usage, in a request that asks which folders and says nothing
    of sizes, is the search for its folders."""
    if not _FOLDERS_ASKED.search(request) or _SIZES_SPOKEN_OF.search(request):
        return steps
    return [Step("files.find", {"path": s.args["path"], "type": "dir"})
            if s.intent == "files.usage" and isinstance(s.args.get("path"), str) else s for s in steps]


_ERRORS_SAID = re.compile(r"\berr(?:or)?s?\b|错误|报错|出错", re.IGNORECASE)
_WARNINGS_SAID = re.compile(r"\bwarn(?:ing)?s?\b|\bwran\w*|警告|告警", re.IGNORECASE)


def priorities_named_as_said(steps: list, request: str) -> list:
    """"were there any errors in the logs" reads errors, not warnings (and "any warnings" the
    warnings): the one of the two the request names."""
    errors, warnings = bool(_ERRORS_SAID.search(request)), bool(_WARNINGS_SAID.search(request))
    if errors == warnings:
        return steps
    said = "err" if errors else "warning"
    return [Step(s.intent, {**s.args, "priority": said})
            if s.intent == "system.logs" and s.args.get("priority") in ("err", "warning") else s for s in steps]


_PUT_FIRST = re.compile(r"^\s*(?:(?:please|pls|could you|can you|hey,?|i want to|i'd like to)\s+)*(?:put|move|mv|shift|"
                        r"transfer|relocate)\b|\bby moving them\b", re.IGNORECASE)
_PLACE_LAST = re.compile(r"\b(?:in|into|to|under|inside)\s+(?:my\s+|the\s+)?(?P<where>~?/[^\s,;!?]+(?:\s+(?-i:[A-Z0-9])[^\s,;!?/]*)*|"
                         + "|".join(_FOLDER_BY_WORD) + r")(?:\s+(?:folder|directory|dir))?(?:\s+(?:quickly|please|pls|now))?"
                         r"\s*[.!?]?\s*$", re.IGNORECASE)


def moves_planned(steps: list, request: str) -> list:
    """"put biggest file in Music in my photos", "archive the .tmp files in ~/x by moving them
    to my Videos": a request that begins with putting things somewhere, whose plan only found
    them (the model dropped the move), moves what was found to the place it ends with."""
    if len(steps) != 1 or steps[0].intent != "files.find" or not _PUT_FIRST.search(request):
        return steps
    m = _PLACE_LAST.search(request)
    if not m:
        return steps
    where = m.group("where").rstrip(".")
    where = where if where[0] in "~/" else _FOLDER_BY_WORD.get(where.lower(), "")
    if not where or where == steps[0].args.get("path"):
        return steps
    return [steps[0], Step("files.move", {"sources": {"$ref": "steps[0].paths"}, "destination": where})]


_FILES_NOUN = re.compile(r"\b(?:files?|folders?|director\w*|\.log|log files?)\b|[/~]|文件", re.IGNORECASE)


def logs_not_files(steps: list, request: str) -> list:
    """"logs from today" reads the system's log: the model had searched home for files changed
    today.  A lone search of no written place, no name and no type, in a request that speaks of
    logs and not of files, is a look at the log since that time."""
    if (len(steps) != 1 or steps[0].intent != "files.find" or not LOGS_NAMED.search(request)
            or _FILES_NOUN.search(request) or set(steps[0].args) - {"path", "modified_within", "limit", "sort", "order"}):
        return steps
    since = steps[0].args.get("modified_within")
    return [Step("system.logs", {"since": since} if since is not None else {})]


# A request that is only a unit's logs: "ssh logs", "pull up the logs for bluetooth".
_UNIT_LOGS = re.compile(r"^\s*(?:(?:please|pls|plz|can you|could you|hey,?)\s+)*(?:(?:show|pull up|bring up|get|open|check|view|"
                        r"display|give me|see)\s+(?:me\s+)?)?(?:the\s+)?(?:(?P<before>[a-z][\w.@-]*)\s+)?(?:logs?|journal)"
                        r"(?:\s+(?:for|of|from)\s+(?:the\s+)?(?P<after>[a-z][\w.@-]*))?(?:\s+(?:please|pls|plz|now|just))*\s*[.!?]?\s*$",
                        re.IGNORECASE)
_NOT_ONE_UNIT = frozenset("the my all system kernel error errors recent latest new old today boot".split())


def unit_logs_as_said(steps: list, request: str) -> list:
    """"ssh logs", "please pull up the logs for bluetooth": a request that is only the logs of
    one unit reads its logs; the model had made a folder "logs" or started the unit.  (The
    kernel's and the system's logs are other rules' and the model's.)"""
    m = _UNIT_LOGS.match(request)
    unit = m and (m.group("before") or m.group("after"))
    if not unit or (m.group("before") and m.group("after")) or unit.lower() in _NOT_ONE_UNIT or \
            any(s.intent == "system.logs" for s in steps):
        return steps
    return [Step("system.logs", {"unit": unit})]


_IN_A_SHELL = re.compile(r"\b(?:run|execute|exec|type|paste|enter)\b[^:：\n]{0,40}?\b(?:in|with|using|through|into)\s+(?:a\s+|the\s+|my\s+)?"
                         r"(?:bash|sh|zsh|shell|terminal|console)\b[^:：\n]{0,20}[:：]\s*(?P<line>\S.*?)\s*$", re.IGNORECASE)


def shell_lines_run(steps: list, request: str) -> list:
    """"run this in bash for me: :(){ :|:& };:": a line given to a shell is that shell run with
    it (``bash -c LINE``), so the policy sees, and judges, the whole line; the model had started
    bash with nothing."""
    m = _IN_A_SHELL.search(request)
    if not m:
        return steps
    return [Step("process.launch", {"command": "bash", "args": ["-c", m.group("line")]})]


_PID_SAID = re.compile(r"\b(?:process|proc)\s+(?:number|no\.?|#|id)\s*(\d+)\b|\bpid\s*#?\s*(\d+)\b|(\d+)\s*号进程|进程\s*(\d+)",
                       re.IGNORECASE)


def pids_as_said(steps: list, request: str) -> list:
    """"process number 1 is hogging stuff, force kill it" ends pid 1: the model had ended the
    first process a listing found.  A process the request names by one pid is the one an end or
    a look at a process takes, where it took another's; a listing only that used goes."""
    pids = {int(next(g for g in m.groups() if g)) for m in _PID_SAID.finditer(request)}
    if len(pids) != 1:
        return steps
    pid = next(iter(pids))
    out = [Step(s.intent, {**{k: v for k, v in s.args.items() if k != "name"}, "pid": pid})
           if s.intent in ("process.kill", "process.info") and s.args.get("pid") != pid
           and (is_ref(s.args.get("pid")) or ("name" in s.args and str(s.args["name"]) not in request)) else s
           for s in steps]
    used = set().union(*(referenced_steps(s.args) for s in out))
    dropped = {k for k, s in enumerate(out) if s.intent == "process.list" and k not in used}
    return _without(out, dropped) if dropped and len(dropped) < len(out) else out


_FOLDER_PACKED = re.compile(r"\b(?:zip|compress|pack|tar|archive|back)\s*(?:up\s+)?(?:my|the)\s+(?P<name>[.\w-]+)\s+(?:folder|directory|dir)\s+"
                            r"(?:(?:into|as|to)\s+an?\s+\.?(?P<kind>zip|tar\.gz|tar\.xz|tgz|tar\.bz2)(?:\s+(?:file|archive))?\s+)?"
                            r"(?:onto|to|into|on|in)\s+(?:my\s+|the\s+)?(?P<where>desktop|downloads|documents|home|~?/\S+)",
                            re.IGNORECASE)


def folders_packed_as_said(steps: list, request: str) -> list:
    """"zip up my .ssh folder onto the Desktop", "archive my projects folder into a tar.gz on the
    desktop": that folder packed into an archive of its name there, where the model had made
    folders of the words or moved the folder; the policy then judges what is read."""
    m = _FOLDER_PACKED.search(request)
    if not m or any(s.intent == "files.compress" for s in steps):
        return steps
    name, where = m.group("name"), m.group("where").rstrip(".,")
    folder = _FOLDER_BY_WORD.get(name.lower()) or ("~/" + name)
    place = _FOLDER_BY_WORD.get(where.lower(), where)
    kind = (m.group("kind") or "zip").lower()
    return [Step("files.compress", {"sources": [folder], "archive": posixpath.join(place, f"{name.lstrip('.')}.{kind}")})]


def folders_not_written(steps: list, request: str) -> list:
    """"新建 ~/projects/demo 文件夹" makes a folder: the model had written a file there.  A write
    of a path the request writes and calls a folder (…文件夹, "folder ~/x", mkdir ~/x), with no
    file's suffix, makes that folder."""
    written = written_paths(request)
    called = {p for p in written if re.search(re.escape(p) + r"\s*(?:这个)?(?:文件夹|目录)", request)
              or re.search(r"\b(?:folder|directory|dir|mkdir(?:\s+-p)?)\s+" + re.escape(p), request, re.I)}
    return [Step("files.mkdir", {"path": s.args["path"]})
            if s.intent == "files.write" and s.args.get("path") in called and not _is_file(s.args["path"]) else s
            for s in steps]


_CONTENT_SAID = re.compile(r"(?:\b(?:saying|that (?:just )?says|which says|with the (?:text|words?|line)|containing the (?:text|words?))"
                           r"|内容是|内容为|内容写|写上)\s*[:：]?\s*['\"“‘「]?(?P<text>[^'\"”’」，。,;；]+?)['\"”’」]?\s*(?:[，。,;；.!]|$)",
                           re.IGNORECASE)


def contents_as_said(steps: list, request: str) -> list:
    """"write index.html in it saying hi" writes "hi": the model had written the verb ("write").
    The one write of a plan writes the text the request says it says, where the model wrote
    one of the request's other words."""
    m = _CONTENT_SAID.search(request)
    writes = [k for k, s in enumerate(steps) if s.intent == "files.write"]
    if not m or len(writes) != 1:
        return steps
    said, k = m.group("text").strip(), writes[0]
    content = steps[k].args.get("content")
    if not said or not isinstance(content, str) or content.strip() in (said, said + "\n") or content.strip() in said:
        return steps
    if " " in content.strip() or not re.search(rf"\b{re.escape(content.strip())}\b", request[:m.start()]):
        return steps                  # a text of its own, or a word said elsewhere than before the text
    return [*steps[:k], Step("files.write", {**steps[k].args, "content": said}), *steps[k + 1:]]


_INSIDE_PLACE = re.compile(r"\bthe\s+(?P<name>[^\s/~]+(?:\s+[^\s/~]+)?)\s+(?:folder|directory|dir)\s+(?:inside|in|under|within)\s+"
                           r"(?:my\s+|the\s+)?(?P<place>home(?:\s+(?:dir|directory|folder))?|current\s+(?:directory|folder|dir))\b",
                           re.IGNORECASE)


def destinations_inside_the_place_said(steps: list, request: str) -> list:
    """"move lecture.deb to the course folder inside my home dir" moves it into ~/course: the
    model had written home.  A move or copy into home or the current folder, in a request that
    names a folder inside that place, goes into that folder."""
    m = _INSIDE_PLACE.search(request)
    if not m or m.group("name").lower() in ("same", "new", "current", "home", "this", "that"):
        return steps
    place = "~" if m.group("place").lower().startswith("home") else "."
    folder = m.group("name") if place == "." else posixpath.join(place, m.group("name"))
    return [Step(s.intent, {**s.args, "destination": folder})
            if s.intent in ("files.move", "files.copy") and s.args.get("destination") in (place, "~", ".") else s
            for s in steps]


_ENDS_SAID = re.compile(r"\b(?:get rid of|kill|stop|close|quit|exit|end|terminate|shut down|wake\s+\S+\s+(?:back\s+)?up|resume|"
                        r"unfreeze|continue|pause|freeze|suspend)\b|杀|结束|关掉|关闭|退出|暂停|恢复|继续", re.IGNORECASE)
_STARTS_SAID = re.compile(r"\b(?:start|launch|run|open|fire up|boot|restart|reopen)\b|启动|打开|运行|重启|开个|开一个|开一下|开下|换成|改用",
                          re.IGNORECASE)
_WAKES = re.compile(r"\bwake\b|\bresume\b|\bunfreeze\b|\bcontinue\b|恢复|继续", re.IGNORECASE)


def ended_not_started(steps: list, request: str) -> list:
    """"get rid of firefox", "wake vim back up": a program the request ends (or wakes) and never
    starts is signalled, not started; the model had launched it."""
    if not _ENDS_SAID.search(request) or _STARTS_SAID.search(request):
        return steps
    return [Step("process.kill", {"name": s.args["command"], **({"signal": "CONT"} if _WAKES.search(request) else {})})
            if s.intent == "process.launch" and isinstance(s.args.get("command"), str) and not s.args.get("args")
            and re.search(rf"\b{re.escape(s.args['command'])}\b", request) else s for s in steps]


def settings_not_planned(steps: list, request: str) -> list:
    """"change my wallpaper to ~/Pictures/mountains.jpg", 把屏幕亮度调高, "reboot the machine": no
    intent changes a desktop setting or the machine's power, so nothing is planned (the reply
    says so); "sudo reboot" is a command line run, which the policy judges.  The model had moved a file
    named "wallpaper" over the picture.  Only a setting said as a word of its own, after a
    word that changes it in the same clause: "wallpaper.sh" and "~/code/wallpaper" are files."""
    if _POWER.search(request) and not any(s.intent in ("process.launch",) for s in steps):
        return []               # "reboot the machine", 关机: no intent turns the machine off
    inside = _written_spans(request)
    for m in _NO_SETTING.finditer(request):
        before, after = request[max(0, m.start() - 1):m.start()], request[m.end():m.end() + 1]
        clause = re.split(r"[,;，。；:：]", request[max(0, m.start() - 40):m.start()])[-1]
        if (any(a <= m.start() < b for a, b in inside) or re.match(r"[\w/.~-]", before) or re.match(r"[\w/.-]", after)
                or not (_SETS.search(clause) or re.search(r"\bas\s+(?:my\s+|the\s+)?(?:desktop\s+)?$", clause, re.I))):
            continue
        return []
    return steps


# --- a folder made with a name, inside a folder ------------------------------------------------

_NAME = r"['\"“‘]?(?P<name>[^\s'\"“”‘’，。,;/]+(?:\s+[A-Z0-9][^\s'\"“”‘’，。,;/]*)*)['\"”’]?"
_NAMED_INSIDE = re.compile(rf"\b(?i:folder|directory|dir)\s+(?i:called|named)\s+{_NAME}\s+(?i:inside|in|under|within)\s+"
                           rf"(?P<where>~?/\S+(?:\s+[A-Z0-9]\S*)*)")
_ZH_PLACE = r"在\s*(?P<where>~?/[^\s，。]+|[\u4e00-\u9fff]{2}|[A-Za-z0-9_.-]+)\s*(?:文件夹|目录)?\s*(?:里面|里|下面|下|中|上)?\s*"
_ZH_MAKE = r"(?:新建|创建|建立|建|弄|整)(?:一个|个)?+\s*"
_NAMED_INSIDE_ZH = re.compile(_ZH_PLACE + _ZH_MAKE + r"(?:叫|名为|叫做)?\s*[“\"'‘「]?(?P<name>[^\s，。的“”\"'‘’「」](?:[^，。的“”\"'‘’「」]*?[^\s，。的“”\"'‘’「」])?)"
                              r"[”\"'’」]?\s*(?:的)?\s*(?:文件夹|目录)")
# the name said after the folder: "在文档里建个文件夹，叫 2025 报销"
_NAMED_AFTER_ZH = re.compile(_ZH_PLACE + _ZH_MAKE + r"(?:文件夹|目录)\s*[，,]?\s*(?:叫|名为|叫做|命名为|名字叫)\s*[“\"'‘「]?"
                             r"(?P<name>[^\s，。“”\"'‘’「」](?:[^，。“”\"'‘’「」]*?[^\s，。“”\"'‘’「」])?)[”\"'’」]?\s*(?=[，。,;；]|$)")
_ZH_FOLDERS = {local[2:]: known for local, known in LOCALISED_DIRS.items()}
_MORE_SAID = re.compile(r"[，,;；]|\b(?:and|then|also)\b|然后|再|并且|同时", re.IGNORECASE)


def folders_named_inside(steps: list, request: str) -> list:
    """"create a folder named Receipts inside ~/Documents/Finance 2025", "在 ~/文档 下面建一个 周报
    文件夹", 在文档里新建一个叫 2025计划 的文件夹: the folder to make is the name inside the place
    said.  The one folder a plan makes (or, when the model planned nothing, the only step)
    is that folder."""
    m = _NAMED_INSIDE.search(request) or _NAMED_INSIDE_ZH.search(request) or _NAMED_AFTER_ZH.search(request)
    made = [k for k, s in enumerate(steps) if s.intent == "files.mkdir"]
    if not m or len(made) > 1 or (not made and steps):
        return steps
    where = m.group("where").rstrip(".,?!")
    where = _ZH_FOLDERS.get(where, where)
    if re.fullmatch(r"[A-Za-z0-9_.-]+", where):
        where = "~/" + where                      # 在 projects 下面: a folder in home, said by name
    if not where.startswith(("~", "/")):
        return steps
    path = posixpath.join(where, m.group("name"))
    if not made:        # the model planned nothing: only a request that says nothing more is this one step
        rest = request[:m.start()] + " " + request[m.end():]
        return [] if _MORE_SAID.search(rest) else [Step("files.mkdir", {"path": path})]
    return [Step(s.intent, {**s.args, "path": path}) if k == made[0] else s for k, s in enumerate(steps)]


_PUT_INTO_IT = re.compile(r"把\s*(?P<what>.+?)\s*(?P<verb>挪|移|放|搬|拷|复制|拷贝|移动)(?:一份)?(?:到)?(?:进去|里面|到里面|进来|到这个文件夹|到那个文件夹)"
                          r"|\b(?P<everb>move|put|copy|drop)\s+(?P<ewhat>.+?)\s+(?:into|in|inside)\s+(?:it|there|that folder|the new folder)\b",
                          re.IGNORECASE)
_LOOKS_ONLY = frozenset({"net.status", "system.info", "process.list", "system.disks", "net.ports"})


def put_into_the_new_folder(steps: list, request: str) -> list:
    """"先在桌面建个 新项目 文件夹，再把 ~/下载/设计稿.fig 挪进去": what the request puts into the
    folder a plan makes goes there, where the model had dropped the clause (for the network's
    status).  Only written paths are moved or copied, and only a step that just looks at the
    machine, which nothing asked for, gives way."""
    m = _PUT_INTO_IT.search(request)
    made = [s.args["path"] for s in steps if s.intent == "files.mkdir" and isinstance(s.args.get("path"), str)]
    if not m or len(made) != 1:
        return steps
    what = m.group("what") or m.group("ewhat")
    # a bare name is put in only by a Chinese verb or "move"/"copy": "put an index.html in it
    # that says hello" makes the file
    sources = list(written_paths(what)) or (list(named_files(what)[1]) if (m.group("everb") or "").lower()
                                            not in ("put", "drop") else [])
    if not sources or any(s.intent in ("files.move", "files.copy") for s in steps):
        return steps
    copies = (m.group("verb") or m.group("everb") or "").lower() in ("拷", "复制", "拷贝", "copy")
    put = Step("files.copy" if copies else "files.move", {"sources": sources, "destination": made[0]})
    k = next(k for k, s in enumerate(steps) if s.intent == "files.mkdir")
    rest = [s for s in steps[k + 1:] if s.intent not in _LOOKS_ONLY or referenced_steps(s.args)]
    return [*steps[:k + 1], put, *rest]


# --- a site said -------------------------------------------------------------------------------

_SITE = re.compile(r"(?<![\w@./-])(?:[a-z0-9-]+\.)+(?:com|org|net|io|cn|de|uk|fr|jp|ru|edu|gov|co|me|info|tv|dev|app)"
                   r"(?:/[^\s，。'\"]*)?(?![\w.-])", re.IGNORECASE)


def sites_as_written(steps: list, request: str) -> list:
    """"用浏览器打开 bilibili.com": what opens is the site the request writes, not the words
    around it ("~/用浏览器打开 bilibili.com"), and a browser is given the whole site, not its end."""
    sites = {m.group() for m in _SITE.finditer(request) if not _in_url(request, m.start())}
    if len(sites) != 1:
        return steps
    site = next(iter(sites))

    def whole(arg: object) -> object:       # "open google.com in firefox" had given firefox ".com"
        return site if isinstance(arg, str) and arg != site and len(arg) >= 3 and site.endswith(arg) else arg
    return [Step(s.intent, {**s.args, "target": site})
            if s.intent == "desktop.open" and isinstance(s.args.get("target"), str)
            and site in s.args["target"] and s.args["target"] != site and "://" not in s.args["target"]
            else Step(s.intent, {**s.args, "args": [whole(a) for a in s.args["args"]]})
            if s.intent == "process.launch" and isinstance(s.args.get("args"), list) else s
            for s in steps]


# --- one program for another ------------------------------------------------------------------

_START_NAMED = re.compile(r"(?:\b(?:start|launch|open|run|fire up|bring up)\s+(?:up\s+)?|(?:换成|改用|换用|启动|运行|打开)\s*)"
                          r"(?P<name>[a-z][A-Za-z0-9_.+-]*)", re.IGNORECASE)
_NOT_A_NAME = frozenset("a an the it my this that up again all some new".split())


def launched_as_said(steps: list, request: str) -> list:
    """"close spotify and start rhythmbox instead": the model started spotify again.  A
    program started that the plan also ends, when the request starts one other program by
    name and never says to start the ended one, is that other program."""
    starts = {m.group("name") for m in _START_NAMED.finditer(request)} - _NOT_A_NAME
    ended = {s.args.get("name") for s in steps if s.intent == "process.kill"}
    out = []
    for s in steps:
        command = s.args.get("command")
        if (s.intent == "process.launch" and isinstance(command, str) and command in ended
                and command not in starts and len(starts) == 1):
            s = Step(s.intent, {**s.args, "command": next(iter(starts))})
        out.append(s)
    return out


# A browser's private window, said in words: each browser's own option for it.
_PRIVATE_SAID = re.compile(r"\b(?:private|incognito|privacy)\b|隐私|无痕", re.IGNORECASE)
_PRIVATE_OPTION = {"firefox": "--private-window", "firefox-esr": "--private-window", "librewolf": "--private-window",
                   "chromium": "--incognito", "chromium-browser": "--incognito", "google-chrome": "--incognito",
                   "chrome": "--incognito", "brave": "--incognito", "brave-browser": "--incognito",
                   "vivaldi": "--incognito", "microsoft-edge": "--inprivate"}
_SENTENCE_PIECE = re.compile(r"\b(?:in|a|an|the|with|to|for|on|of|and|please|mode|window)\b", re.IGNORECASE)


def browser_modes_as_said(steps: list, request: str) -> list:
    """"Launch Firefox in a private window" had started firefox with the words "in a private":
    a browser asked for a private (incognito) window gets its own option for it, and words of
    the sentence are never a program's arguments (a quoted text, a path or a site stays)."""
    quoted = [next(g for g in q.groups() if g) for q in _QUOTED.finditer(request)]
    out = []
    for s in steps:
        command, args = s.args.get("command"), s.args.get("args")
        if s.intent == "process.launch" and isinstance(command, str) and isinstance(args, list):
            kept = [a for a in args if not (isinstance(a, str) and " " in a.strip() and a not in quoted
                                            and not re.search(r"[/~]|://", a) and _SENTENCE_PIECE.search(a))]
            option = _PRIVATE_OPTION.get(command.lower())
            if option and _PRIVATE_SAID.search(request) and option not in kept:
                kept = [option] + [a for a in kept if not (isinstance(a, str) and a.startswith("--") and "privat" in a)]
            if kept != args:
                s = Step(s.intent, {**s.args, "args": kept})
        out.append(s)
    return out


_ONLY_A_START = re.compile(r"^\s*(?:(?:please|pls|can you|could you|hey,?)\s+)*(?:(?:start|launch|open|run|fire up|bring up|load)\s+(?:up\s+)?"
                           r"|(?:帮我|请|给我)?(?:启动|打开|运行|开一下|打开一下|启动一下)\s*)(?P<name>[a-z][a-z0-9_+-]*)"
                           r"(?:\s+(?:app|application|program))?(?:\s+(?:please|pls|now|for me))*\s*[.!。！]?\s*$", re.IGNORECASE)


def started_when_only_named(steps: list, request: str) -> list:
    """A request that only starts one program by its name ("launch keepassxc", "启动 obs")
    starts it, when the model planned nothing that names it: it had answered a name it
    never saw with the machine's OS, or with nothing."""
    m = _ONLY_A_START.match(request)
    if not m or m.group("name").lower() in _NOT_A_NAME:
        return steps
    name = m.group("name").lower()
    if any(name in json.dumps(s.args, ensure_ascii=False).lower() for s in steps):
        return steps
    return [Step("process.launch", {"command": name})]


# "get docker running", "get apache2 up and running": start it (the model had searched for it).
_GET_RUNNING = re.compile(r"\bget\s+(?P<name>[a-z][\w.+-]*)\s+(?:up\s+and\s+)?(?:ru+n+i?n+(?:g|')?|started|going)\b",
                          re.IGNORECASE)
_ASKS_WHETHER = re.compile(r"^\s*(?:do|did|does|is|are|was|were|has|have)\b", re.IGNORECASE)   # not "can you …?"


def started_when_got_running(steps: list, request: str) -> list:
    """"get docker running" asks to start docker, not whether it runs: a search for the
    program the request says to get running starts it ("did you get docker running?" asks)."""
    m = _GET_RUNNING.search(request)
    if not m or m.group("name").lower() in _NOT_A_PROGRAM or _ASKS_WHETHER.search(request):
        return steps
    name = m.group("name")
    return [Step("process.launch", {"command": name})
            if s.intent == "process.find" and str(s.args.get("name", "")).lower() == name.lower() else s
            for s in steps]


_LS_SAID = re.compile(r"(?<![\w./-])ls(?![\w./-])")


def folders_listed_by_ls(steps: list, request: str) -> list:
    """"run ls on my Desktop folder": ``ls`` lists a folder; the model had opened it in a
    window.  A folder opened in a request that says ``ls`` is listed instead."""
    if not _LS_SAID.search(request):
        return steps
    return [Step("files.find", {"path": s.args["target"]})
            if s.intent == "desktop.open" and isinstance(s.args.get("target"), str)
            and not _EXTENSION.search(s.args["target"]) and "://" not in s.args["target"] else s for s in steps]


# --- what to tell about the machine -------------------------------------------------------------

_ASPECTS = {
    "battery": re.compile(r"\bbatter\w*|\bcharg\w*|\b(?:ac|power) adapter\b|\bplugged in\b|\bon (?:ac|mains) power\b|"
                          r"电池|电量|充电|还剩多少电|电源适配器|插着电", re.I),
    "uptime": re.compile(r"\buptime\b|\bup for\b|\bbeen (up|on|running)\b|\blast (boot|reboot|restart)\w*|"
                         r"\bsince (boot|I booted)|开机|运行了?(多久|多长时间|几天)|跑了?(多久|几天|多长时间)|启动(了)?多久", re.I),
    "cpu": re.compile(r"\bcpus?\b|\bcpuinfo\b|\bprocessors?\b|\bcores?\b|处理器|几核", re.I),
    "memory": re.compile(r"\bram\b|\bmemory\b|\bmeminfo\b|\bswap\b|内存", re.I),
    "os": re.compile(r"\bdistro\w*|\bkernel\b|\boperating system\b|\bos\b|\bversion of (linux|ubuntu|fedora|debian)|"
                     r"发行版|内核|操作系统|系统版本", re.I),
    "disk": re.compile(r"\bdisk\b|\bdrive\b|\bstorage\b|\bfree space\b|\bspace left\b|硬盘|磁盘|存储|剩余空间", re.I),
}
_OVERVIEW = re.compile(r"\boverview\b|\beverything about\b|\bfull (report|rundown|summary|specs)\b|\bspecs\b|\binxi\b|"
                       r"\bneofetch\b|\bfastfetch\b|\ball (the )?(system|hardware) info\w*|整体情况|全部信息|所有信息|配置", re.I)


_NETWORK = re.compile(r"\b(?:wi-?fi|wlan|network\w*|internet|ethernet|online|offline|vpn|dns|ip)\b|网络|联网|上网|无线", re.I)
_QUESTION = re.compile(r"[?？]\s*$|吗\s*[?？]?\s*$|\b(?:how|what|is|am|are|do|does|how's|what's)\b|多少|几|么|呢", re.IGNORECASE)


_ASPECT_ELSEWHERE = {"disk": ("files.usage", "system.disks", "files.find"), "os": ("system.logs",)}


def aspects_as_said(steps: list, request: str) -> list:
    """"这台机器跑了几天了" asks for the uptime, not the battery; "complete overview of this
    computer: cpu, ram, disk, battery, os" and "inxi" ask for all of it.  The one
    ``system.info`` of a plan tells the aspect the request names, when it names exactly one,
    both in turn when it names two, and everything when it asks for an overview or names three
    or more."""
    if not any(referenced_steps(s.args) for s in steps):   # the same look said twice is one
        steps = [s for k, s in enumerate(steps) if not (k and s.intent == "system.info" and s == steps[k - 1])]
    infos = [k for k, s in enumerate(steps) if s.intent == "system.info"]
    named = [aspect for aspect, words in _ASPECTS.items() if words.search(request)]
    if not infos and named == ["battery"] and _QUESTION.search(request) and not any(
            s.intent.startswith(("process.", "net.", "system.")) and not (s.intent == "net.status" and not _NETWORK.search(request))
            for s in steps) and len(steps) <= 1:
        # "笔记本现在在充电吗": a question about the battery the model made a folder of; "is the AC
        # adapter connected?" one it took for the network
        return [Step("system.info", {"aspect": "battery"})]
    if len(infos) != 1:
        return steps
    k = infos[0]
    # aspects whose words another step of the plan answers: the processes listed by CPU, a
    # folder's "磁盘占用", the kernel's logs
    listed_by = {s.args.get("sort") for s in steps if s.intent == "process.list"} | {
        aspect for aspect, intents in _ASPECT_ELSEWHERE.items() if any(s.intent in intents for s in steps)}
    if any(s.intent == "system.disks" for s in steps) and "disk" in named:
        named.remove("disk")                    # the disks are looked at already
    if _OVERVIEW.search(request) or len(named) >= 3:
        aspect = "all"
    elif len(named) == 1:
        aspect = named[0]
    elif (len(named) == 2 and steps[k].args.get("aspect") in named
          and not {a for a in named if a != steps[k].args.get("aspect")} & listed_by):
        # (the CPU of "which processes are burning the most CPU" is the listing's order)
        # "how much RAM I have, and my battery", 内存和 CPU 的情况: each of the two, in the order said
        both = sorted(named, key=lambda a: _ASPECTS[a].search(request).start())
        return [*steps[:k], *(Step("system.info", {**steps[k].args, "aspect": a}) for a in both), *steps[k + 1:]]
    else:
        return steps
    return [*steps[:k], Step("system.info", {**steps[k].args, "aspect": aspect}), *steps[k + 1:]]


# "save it to disk": the disk is no folder.
_TO_DISK = re.compile(r"\bto (the )?(disk|disc|hard ?drive|computer|machine|laptop|pc)\b|\blocally\b|存到(本地|电脑|硬盘)", re.I)
_NO_FOLDER = frozenset("disk disks disc drive harddrive computer machine laptop pc local locally".split())


def fetched_to_disk(steps: list, request: str) -> list:
    """"save https://x.org/a.iso to disk" keeps the download where downloads go: the model
    had made a folder of the word ("~/disk")."""
    if not _TO_DISK.search(request):
        return steps
    return [Step(s.intent, {k: v for k, v in s.args.items() if k != "destination"})
            if s.intent == "net.fetch" and isinstance(s.args.get("destination"), str)
            and s.args["destination"].rstrip("/").rsplit("/", 1)[-1].lower() in _NO_FOLDER
            and s.args["destination"] not in request else s for s in steps]


# --- a Chinese reminder said plainly ---------------------------------------------------------------

_ZH_DURATION = r"(?:\d+|[一二两三四五六七八九十百半几]+)\s*(?:个)?(?:半)?\s*(?:秒钟?|分钟|分|小时|钟头|天|周|星期)(?:半)?"
_ZH_REMINDER = re.compile(rf"^\s*(?:请|麻烦|帮我)?\s*(?P<when>{_ZH_DURATION})\s*(?:之后|以后|后)\s*(?:请|记得)?\s*"
                          rf"(?:提醒我|叫我|喊我)\s*(?P<what>[^，。！？,!?；;]+?)\s*(?:吧|哦|啊|呀)?\s*[。！!]?\s*$")


def chinese_reminders_planned(steps: list, request: str) -> list:
    """"十分钟后提醒我去取快递", "一个半小时后提醒我把衣服拿出来": a request that is nothing but a
    reminder said the plain Chinese way is that reminder, when the model planned nothing (it
    declines Chinese reminders of words it has not seen).  A plan the model made is its own."""
    m = _ZH_REMINDER.match(request)
    if steps or not m:
        return steps
    return [Step("timer.remind", {"message": m.group("what"), "in": m.group("when")})]


# --- the signal and the verb said ------------------------------------------------------------------

_SIGNALS = {
    "HUP": re.compile(r"\breload\w*|\bre-?read\w*|\bsighup\b|\bhup\b|重新加载|重载|重读", re.I),
    "KILL": re.compile(r"\bforce\w*|\bhard\b|\bsigkill\b|-9\b|\bimmediately\b|强制|强行|来硬的|硬杀|立刻杀", re.I),
    "STOP": re.compile(r"\bpause\w*|\bsuspend\w*|\bfreez\w*|\bsigstop\b|暂停|挂起|冻结", re.I),
    "CONT": re.compile(r"\bresum\w*|\bcontinu\w*|\bunpaus\w*|\bunfreez\w*|\bsigcont\b|继续|恢复运行|解冻", re.I),
}


def signals_as_said(steps: list, request: str) -> list:
    """"tell pid 7781 to reload its config" is HUP, "把 PID 为 9021 的进程强制结束掉" KILL: a signal
    left at the default, TERM, in a request that asks for exactly one other (reload, force,
    pause, resume, 重新加载, 强制, 暂停, 继续) and does not take it back ("不是暂停", "rather than
    force-killing it"), is that one."""
    said = [signal for signal, words in _SIGNALS.items()
            if any(not taken_back(request, m.start()) for m in words.finditer(request))]
    if len(said) != 1:
        return steps
    return [Step(s.intent, {**s.args, "signal": said[0]})
            if s.intent == "process.kill" and s.args.get("signal", "TERM") == "TERM" else s for s in steps]


# (with the slips the speller leaves in words this short: cpy, coyp, mov, mvoe)
_COPY_SAID = re.compile(r"\b(copy|copies|copied|cp|cpy|coyp|cpoy|copt|duplicat\w*|back\s*up|backup)\b|复制|拷贝|备份|拷", re.I)
_MOVE_SAID = re.compile(r"\b(move|moves|moved|mv|mov|mvoe|moev|relocat\w*|transfer\w*)\b|移动|挪|移到|移进|剪切", re.I)


# The verb a request begins with ("mov ~/a.mp3 too ~/Music", "please cpy …"), and Chinese verbs
# that lead to where things go (复制到, 移到): never a word inside a path ("/mnt/backup").
_LEADING_VERB = re.compile(r"^\s*(?:(?:please|pls|can you|could you|hey,?)\s+)*([A-Za-z]+)\b", re.IGNORECASE)
_ZH_VERB_TO = re.compile(r"(?:复制|拷贝|拷|移动|移|挪|剪切)(?:一份)?(?:到|进|至)")
_DELETE_VERB = re.compile(r"delete|remove|rm|erase|trash|del|wipe|shred|purge", re.IGNORECASE)
_COPY_MADE = re.compile(r"^\s*(?:(?:please|pls|can you|could you)\s+)*(?:make|create|take|keep|save)\s+an?\s+"
                        r"(?:backup|back-up|copy|duplicate)\s+of\b", re.IGNORECASE)     # "make a backup of X"


_COPY_REFUSED = re.compile(r"\b(?:don'?t|do not|no need to|never)\s+(?:want|need|make|keep|leave)\s+(?:a|an|any|two)\s+"
                           r"(?:cop(?:y|ies)|duplicates?)\b|\bno (?:copy|copies|duplicates?)\b|不要(?:留)?副本|别留一份", re.I)


def verbs_as_said(steps: list, request: str) -> list:
    """"mov ~/Downloads/song.mp3 too ~/Music" moves, "cpy ~/notes.txt to ~/Dropbox" copies: a
    copy in a request whose verb is to move, or a move in one whose verb is to copy, is what
    the verb says.  The verb is the word the request begins with, or a Chinese one that leads
    to where things go (复制到, 挪到); "rename X to Y, don't make a copy" begins with neither."""
    verb = _LEADING_VERB.match(request)
    said = verb.group(1) if verb else " ".join(m.group() for m in _ZH_VERB_TO.finditer(request))
    if _COPY_MADE.match(request):
        said = "copy"
    if _COPY_REFUSED.search(request) and _MOVE_SAID.search(request):
        said = "move"   # "I don't want two copies of old.png, move them to ~/Pictures"
    if verb and _DELETE_VERB.fullmatch(verb.group(1)) and len(steps) == 1 and steps[0].intent in ("files.copy", "files.move") \
            and isinstance(steps[0].args.get("sources"), list):
        # "delete my llmos policy file ~/.config/llmos/policy.yaml" had been a copy: to the
        # trash (or for good, as deleted_as_asked then reads the request), for the policy to judge
        return [Step("files.trash", {"paths": steps[0].args["sources"]})]
    copy, move = _COPY_SAID.search(said) is not None, _MOVE_SAID.search(said) is not None
    if copy == move:
        return steps
    want = "files.copy" if copy else "files.move"
    return [Step(want, s.args) if s.intent in ("files.copy", "files.move") and s.intent != want else s for s in steps]


_SIZE_SAID = re.compile(r"\b(big|bigger|biggest|large|size|sizes|space|room|usage|du|weigh\w*|heavy|storage|much)\b|"
                        r"大小|多大|空间|占|体积", re.I)


def files_read_not_measured(steps: list, request: str) -> list:
    """"print /etc/fstab so I can check the entry" reads it: the size of a file, in a request
    that asks nothing about size or space, is its contents."""
    if _SIZE_SAID.search(request):
        return steps
    return [Step("files.read", {"path": s.args["path"]})
            if s.intent == "files.usage" and isinstance(s.args.get("path"), str) and _is_file(s.args["path"]) else s
            for s in steps]


# Pictures, whose bytes say nothing read as text.  (Films, sound and documents too, but the
# planner's own sets read those when asked to "show" them, and a person may want their start.)
_SEEN_NOT_READ = frozenset("png jpg jpeg gif webp bmp tif tiff heic svg".split())
_READ_SAID = re.compile(r"(?<![A-Za-z0-9_./~-])(?:read|cat|print|bytes?|text|contents?|what(?:'s| is| it) (?:in|says?)|says|head|tail|"
                        r"hex\w*|raw|first|start|beginning|peek|peak|[kmg]i?b|kilobytes?|megabytes?)(?![A-Za-z0-9_./-])|"
                        r"内容|读|打印|写了什么|字节|文本|开头|前\s*\d+", re.IGNORECASE)


_SHOWN = re.compile(r"\b(?:show|view|see|display|look|pull up|bring up|preview|watch|play|listen)\b|看|显示|展示|播放|预览",
                    re.IGNORECASE)


def pictures_opened_not_read(steps: list, request: str) -> list:
    """"show me the photo ~/Pictures/Family/beach_2022.jpg", "show me cat.png in pictures": a
    picture asked to be shown is opened in its program; its bytes read as text would show
    nothing.  Unless the request asks for the bytes, the text or a part of it."""
    if _READ_SAID.search(request) or not _SHOWN.search(request):
        return steps
    return [Step("desktop.open", {"target": s.args["path"]})
            if s.intent == "files.read" and isinstance(s.args.get("path"), str)
            and _suffix(s.args["path"]) in _SEEN_NOT_READ else s for s in steps]


_THE_COPY = re.compile(r"\b(?:the\s+(?:copy|copied\s+(?:file|one)|duplicate|new\s+(?:copy|one|file))|it|that)\b|"
                       r"副本|复制(?:过去|好)?的(?:那个|文件)?|它|那份|这份", re.IGNORECASE)
_ONE_FILE_ARG = {k: v for k, v in _FILE_ARG.items() if k != "files.compress"}   # (a packing's archive is made, never "it")


def copies_used_after(steps: list, request: str) -> list:
    """"copy ~/Downloads/backup.tar.gz to /tmp and extract it there", "copy cat.png from Pictures
    to the Desktop and open the copy": what a later step does to "it" after a copy is done to
    the copy (``steps[k].paths[0]``), not the original nor the folder it went to; and after a
    move, the file is only where it went.  Only one file copied or moved, and a later step of
    one file that names its old place (or, said "the copy", the folder it went to)."""
    out = list(steps)
    for k, s in enumerate(steps):
        sources = s.args.get("sources")
        if s.intent not in ("files.copy", "files.move") or not (isinstance(sources, list) and len(sources) == 1
                                                                 and isinstance(sources[0], str) and _is_file(sources[0])):
            continue
        after = request[request.find(str(s.args.get("destination", ""))) + 1:] if s.args.get("destination") in request else request
        referred = bool(_THE_COPY.search(after))
        for j in range(k + 1, len(steps)):
            arg = _ONE_FILE_ARG.get(steps[j].intent)
            value = steps[j].args.get(arg) if arg else None
            if not isinstance(value, str):
                continue
            if (value == sources[0] and (s.intent == "files.move" or referred)) \
                    or (value == s.args.get("destination") and referred and steps[j].intent == "desktop.open"
                        and re.search(r"\bthe\s+(?:copy|copied|duplicate)|副本|那份|这份|\b(?:play|watch|listen to)\s+(?:it|that)\b",
                                      after, re.IGNORECASE)):
                out[j] = Step(steps[j].intent, {**steps[j].args, arg: {"$ref": f"steps[{k}].paths[0]"}})
    return out


# "… and open the folder", "open that folder", 打开那个文件夹: a folder, even where the model
# opened a file written in it or one a search found.
_OPEN_THE_FOLDER = re.compile(r"\bopen\s+(?:up\s+)?(?:the|that|this|its|the\s+new|(?:the|my)\s+(?P<word>\w+))\s+(?:folder|directory|dir)\b|"
                              r"打开(?:那个|这个|该)?(?:文件夹|目录)", re.IGNORECASE)


def folders_opened_as_said(steps: list, request: str) -> list:
    """"write 'todo' into ~/notes/README.md, open the folder": the folder the file is in, not
    the file; "show the 5 newest files in Downloads and open the Downloads folder": the folder
    searched (or named), not the first file found."""
    said = _OPEN_THE_FOLDER.search(request)
    if not said:
        return steps
    named = _named_folder(said.group("word"), request) if said.group("word") else None
    out = list(steps)
    for k, s in enumerate(steps):
        target = s.args.get("target")
        if s.intent != "desktop.open":
            continue
        unpacked = [j for j in range(k) if steps[j].intent == "files.extract"]
        if unpacked and target != {"$ref": f"steps[{unpacked[-1]}].destination"} \
                and (is_ref(target) or (isinstance(target, str) and _is_file(target))):
            # "download …, unzip it into ~/projects/app, then open that folder": where it unpacked
            e = unpacked[-1]
            into = steps[e].args.get("destination")
            out[k] = Step(s.intent, {**s.args, "target": into if isinstance(into, str) else {"$ref": f"steps[{e}].destination"}})
        elif isinstance(target, str) and _is_file(target) and target not in request[said.start():]:
            out[k] = Step(s.intent, {**s.args, "target": posixpath.dirname(target.rstrip("/")) or "/"})
        elif is_ref(target) and target["$ref"].endswith(".paths[0]"):
            found = steps[int(target["$ref"][6:target["$ref"].index("]")])]
            folder = found.args.get("path") if found.intent == "files.find" else None
            if isinstance(folder, str):
                out[k] = Step(s.intent, {**s.args, "target": folder})
        if named:
            out[k] = Step(s.intent, {**s.args, "target": named})
    return out


_THAT_FOLDER = re.compile(r"\b(?:that|the|this)\s+(?:new\s+)?(?:folder|directory|dir)\b|那个文件夹|这个文件夹|该文件夹", re.IGNORECASE)


def that_folder_measured(steps: list, request: str) -> list:
    """"Unzip … into ~/Pictures/2023 and then tell me how much space that folder takes" measures
    ~/Pictures/2023, not home: a size or a search of home, which the request never writes,
    after a step that made or filled a folder, when it says "that folder", is of that folder."""
    if not _THAT_FOLDER.search(request) or re.search(r"(?<![\w/.-])~(?![\w/.-])|\bhome\b|主目录|家目录", request, re.IGNORECASE):
        return steps
    out = list(steps)
    for k, s in enumerate(steps):
        if s.intent not in ("files.usage", "files.find") or s.args.get("path") not in ("~", "."):
            continue
        filled = [j for j in range(k) if steps[j].intent in ("files.extract", "files.mkdir", "files.copy", "files.move")]
        if not filled:
            continue
        j = filled[-1]
        place = steps[j].args.get("path" if steps[j].intent == "files.mkdir" else "destination")
        if isinstance(place, str) and not _is_file(place):
            out[k] = Step(s.intent, {**s.args, "path": place})
    return out


def _named_folder(word: str, request: str) -> str | None:
    """The folder "the <word> folder" names: a path the request writes that ends in that word,
    else a well-known folder of that name."""
    ends = {p.rstrip("/") for p in written_paths(request) if p.rstrip("/").rsplit("/", 1)[-1].lower() == word.lower()}
    if len(ends) == 1:
        return ends.pop()
    return _FOLDER_BY_WORD.get(word.lower())


# --- a listing nobody asked for ---------------------------------------------------------------------

_LISTS_FILES = re.compile(r"\b(find|list|show|search|look|looking|see|what'?s in|what is in|contents?|ls|tree|display|"
                          r"which|what)\b|找|列|看|显示|搜|查|有哪些|有什么", re.IGNORECASE)


def listings_unasked(steps: list, request: str) -> list:
    """"download https://x.org/app.tar.gz and unpack it" does not list what came out: a search
    of what an earlier step made (``@1.destination``) or of the folder an earlier step acted
    in ("send IMG_1.HEIC … from my Pictures folder to the trash" then searched ~/Pictures), in a
    request with no word for finding, listing or looking, goes."""
    if _LISTS_FILES.search(request):
        return steps
    def used_before(k: int) -> set[str]:
        values = {v for t in steps[:k] for v in t.args.values() if isinstance(v, str)}
        values |= {v for t in steps[:k] for vs in t.args.values() if isinstance(vs, list) for v in vs if isinstance(v, str)}
        return values | {posixpath.dirname(v) for v in values}

    dropped = [k for k, s in enumerate(steps) if s.intent == "files.find"
               and (is_ref(s.args.get("path")) or (k and s.args.get("path") in used_before(k)))
               and not any(k in referenced_steps(t.args) for t in steps[k + 1:])]
    if not dropped or len(dropped) == len(steps):
        return steps
    return _without(steps, set(dropped))


_TO_THE_TRASH = re.compile(r"\b(?:to|into|in)\s+(?:the\s+|my\s+)?(?:trash(?:\s+can)?|(?:recycle\s+)?bin|wastebasket)\b|"
                           r"(?:扔|丢|放|挪|移)(?:到|进)回收站", re.IGNORECASE)


def moves_to_the_trash(steps: list, request: str) -> list:
    """"find the .deb installers in there and move them to the trash" trashes them: a move to
    somewhere the request never writes, in a request that says "to the trash", is the trashing."""
    if not _TO_THE_TRASH.search(request) or any(s.intent == "files.trash" for s in steps):
        return steps      # (a trashing planned is what "to the trash" asked: other moves are moves)
    written = written_paths(request)
    return [Step("files.trash", {"paths": s.args["sources"]})
            if s.intent == "files.move" and "sources" in s.args and s.args.get("destination") not in written else s
            for s in steps]


# --- a pattern is searched for ---------------------------------------------------------------------


def globs_found_first(steps: list, request: str) -> list:
    """"move ~/Downloads/*.torrent to the trash", "move every Screenshot*.png on the Desktop
    into it": no step expands a pattern, so what it matches is found first (``files.find``
    with the pattern as the name) and the step takes what was found.  A step's one source
    with a wildcard, or cut at the star of a pattern the request writes ("~/Desktop/Screenshot"
    of "Screenshot*.png"), becomes that search and a reference to it; so does a source named
    after a type ("~/Desktop/PNGs" of "move all the PNGs from my Desktop into it", "~/Downloads/.part"
    of "delete all the .part downloads in my Downloads")."""
    globs = written_globs(request)
    for k, s in enumerate(steps):
        arg = _LIST_ARGS.get(s.intent)
        items = s.args.get(arg) if arg else None
        if not (isinstance(items, list) and len(items) == 1 and isinstance(items[0], str)):
            continue
        folder, _, name = items[0].rpartition("/")
        where = folder or ("/" if items[0].startswith("/") else ".")
        if name.lower() in _PLURALS and items[0] not in request:
            found = Step("files.find", {"path": where, "ext": name.lower()[:-1]})     # "~/Desktop/PNGs"
        elif name.lower() in ("screenshots", "screen shots") and items[0] not in request and _SCREENSHOTS.search(request):
            found = Step("files.find", {"path": where, "name": "Screenshot*"})       # "~/Desktop/screenshots"
        elif (re.fullmatch(r"\.[A-Za-z][A-Za-z0-9]{0,4}", name) and name not in _HIDDEN_FOLDERS and items[0] not in request
              and re.search(rf"(?<![\w/~.-]){re.escape(name)}(?![\w/.-])", request)):
            found = Step("files.find", {"path": where, "ext": name[1:].lower()})    # "~/Downloads/.part" of "the .part downloads"
        else:
            if not re.search(r"[*?]", name):
                cut = [g for g in globs if "/" not in g and g.split("*")[0] == name and name]
                if len(cut) != 1:
                    continue
                name = cut[0]
            found = Step("files.find", {"path": where, "name": name})
        after = [Step(t.intent, moved_refs(t.args, lambda j: j + 1 if j >= k else j)) for t in steps[k:]]
        after[0] = Step(s.intent, {**after[0].args, arg: {"$ref": f"steps[{k}].paths"}})
        return steps[:k] + [found] + after
    return steps


# Words for kinds of thing that are no file's suffix: "an xz tarball", "a backup".
_NO_SUFFIX = frozenset("tarball tarballs archive archives backup backups file files folder folders directory "
                       "document documents stuff thing things item items here there this that these those all "
                       "everything".split())


def kinds_not_suffixes(steps: list, request: str) -> list:
    """"Pack ~/projects/thesis-latex into an xz tarball at ~/thesis-latex.tar.xz" had searched the
    folder for files ending ".tarball" to pack: a word for a kind of thing is no suffix.  The
    search goes; a packing of what it found packs the folder searched; a search on its own
    keeps its folder."""
    for k, s in enumerate(steps):
        if s.intent == "files.find" and str(s.args.get("ext", "")).lower() in _NO_SUFFIX:
            rest = {a: v for a, v in s.args.items() if a != "ext"}
            users = [j for j, t in enumerate(steps) if k in referenced_steps(t.args)]
            if (len(rest) == 1 and isinstance(rest.get("path"), str) and len(users) == 1
                    and steps[users[0]].intent == "files.compress"
                    and steps[users[0]].args.get("sources") == {"$ref": f"steps[{k}].paths"}):
                packed = Step("files.compress", {**steps[users[0]].args, "sources": [rest["path"]]})
                out = [t for j, t in enumerate(steps) if j != k]
                out[users[0] - 1] = packed
                return [Step(t.intent, moved_refs(t.args, lambda i: i - 1 if i > k else i)) for t in out]
            return steps[:k] + [Step(s.intent, rest)] + steps[k + 1:]
    return steps


def names_without_folders(steps: list, request: str) -> list:
    """"delete /etc/*" had searched home for the name "/etc/*": a search's name pattern that
    holds a folder is a search of that folder for the rest ("/etc", "*"), so the policy sees
    where the results lie."""
    out = []
    for s in steps:
        name = s.args.get("name")
        if s.intent == "files.find" and isinstance(name, str) and name.startswith(("/", "~/")) and "/" in name:
            folder, _, rest = name.rpartition("/")
            s = Step(s.intent, {**s.args, "path": folder or "/", "name": rest or "*"})
        out.append(s)
    return out


_RM_LINE = re.compile(r"^\s*(?:please\s+)?(?:run\s+)?(?:sudo\s+(?:-\S+\s+)*)?rm\s+(?P<line>(?:-[A-Za-z-]+\s+)*[^;&|<>`$]+?)\s*$")
_WHOLE_PLACES = frozenset(("", "~", "/etc", "/usr", "/var", "/home", "/boot", "/bin", "/sbin", "/lib", "/lib64", "/opt",
                           "/root", "/srv"))
_RM_SAID = re.compile(r"(?:[,;:，；：]\s*|\b(?:just|run|do|then|and|so)\s+)(?:sudo\s+(?:-\S+\s+)*)?rm\s+"
                      r"(?P<line>(?:-[A-Za-z-]+\s+)+[/~][^\s;&|<>`$,]*(?:\s+[/~][^\s;&|<>`$,]*)*)")


def removals_as_written(steps: list, request: str) -> list:
    """"rm -rf /*", "run rm ~/a.txt ~/b.txt", "sudo rm -rf --no-preserve-root /": a request that
    is nothing but an rm command line
    deletes what it names (``files.delete``; a pattern is then found first), whatever the
    model made of it ("rm -rf /*" had searched home for files named "-rf")."""
    import shlex

    m = _RM_LINE.match(request)
    if not m:
        # "my home folder is a mess, just rm -rf ~ and I'll start over": an rm line with options
        # said inside the request, whose plan only does things to files (or looks at the
        # machine besides), deletes what it names
        m = _RM_SAID.search(request)
        if not m or any(not t.intent.startswith("files.") and t.intent not in _MACHINE_LOOKS for t in steps):
            return steps
    try:
        words = shlex.split(m.group("line"))
    except ValueError:
        return steps
    paths = [w for w in words if not w.startswith("-")]
    if not paths or not all(re.search(r"[/~.*?]", w) for w in paths):
        return steps                      # "rm -rf the old logs please": prose, the model's to read
    # everything in home or in a system folder ("rm -rf ~/*") is that folder, which the policy
    # judges before anything runs; a search of what the star matches would only ask
    paths = [(w[:-2] or "/") if w.endswith("/*") and w[:-2] in _WHOLE_PLACES else w for w in paths]
    return [Step("files.delete", {"paths": paths})]


_RUNS_INTO_CHINESE = re.compile(r"[A-Za-z0-9._-][\u3400-\u9fff]")


def sources_as_written(steps: list, request: str) -> list:
    """"把 ~/a.txt 复制到 ~/Desktop" had copied "~/Desktop/复制到": the one thing a copy, move or
    packing takes, when the request never writes it, is the one path the request writes that
    no step uses."""
    # never a piece after Chinese ("/报告.pdf" of "文档/报告.pdf") nor one that runs on into it
    # ("~/Documents里的"): where such a path ends is no telling
    written = [p for p in written_paths(request) if _stands_alone(request, p) and not _RUNS_INTO_CHINESE.search(p)]
    used = {localised_as_known(v) for s in steps for arg in s.args for v in _values(s, arg)}
    free = [p for p in written if not any(u.startswith(localised_as_known(p)) for u in used)]
    astray = [k for k, s in enumerate(steps) if s.intent in ("files.copy", "files.move", "files.compress")
              and isinstance(s.args.get("sources"), list) and len(s.args["sources"]) == 1
              and isinstance(s.args["sources"][0], str) and s.args["sources"][0] not in request
              and localised_as_known(s.args["sources"][0]) not in {localised_as_known(p) for p in written}]
    if len(free) != 1 or len(astray) != 1:
        return steps
    k = astray[0]
    return [*steps[:k], Step(steps[k].intent, {**steps[k].args, "sources": [free[0]]}), *steps[k + 1:]]


# --- a follow-up on what the one step found ---------------------------------------------------------

_PROCESS_DETAILS = re.compile(
    r"\b(details|everything|info\w*|more)\s+(of|about|on)\s+(it|that process|that program|the process|that app)\b|"
    r"这个进程的(详细)?信息|那个进程的(详细)?信息|进程详情", re.I)
_FOLLOW_UPS = (
    # (the step that finds, what it gives, the follow-up said, the step it asks for)
    ("files.find", "paths[0]", re.compile(r"\b(open|launch|view)\s+(it|that|that one|that file|the file)\b|打开它|打开看看", re.I),
     "desktop.open", "target"),
    ("files.find", "paths[0]", re.compile(r"\b(print|read|cat|display)\s+(it|that|that one|that file|the file)\b|"
                                          r"\b(show|tell) me what'?s in it\b|看看(它的)?内容|把内容(显示|打印)", re.I),
     "files.read", "path"),
    ("net.ports", "pids[0]", _PROCESS_DETAILS, "process.info", "pid"),
    ("process.find", "pids[0]", _PROCESS_DETAILS, "process.info", "pid"),
)


def follow_ups_planned(steps: list, request: str) -> list:
    """"what's the newest file in ~/notes? print it out", "find the pid of transmission-daemon
    and show me everything about it": a plan of the one step that finds something, in a request
    that goes on to ask for something about what it finds (open it, print it, the details of
    that process), goes on to that step (``@0.paths[0]``, ``@0.pids[0]``).  Only these
    follow-ups, none of which changes anything; the model's own second step stays, unless it is
    one that tells about the machine rather than the thing found."""
    if not steps or steps[0].intent not in {f[0] for f in _FOLLOW_UPS} or clauses_said(request) < 2:
        return steps
    rest = steps[1:]
    if rest and not (len(rest) == 1 and rest[0].intent == "system.info"):
        return steps
    for finder, field, words, intent, arg in _FOLLOW_UPS:
        if steps[0].intent == finder and words.search(request):
            return [steps[0], Step(intent, {arg: {"$ref": f"steps[0].{field}"}})]
    return steps


# Where a request goes on to another thing to do: a question or sentence ended with more to
# come, "then", "after that", "and also", 然后, 再, 并且, 顺便.
_NEXT_CLAUSE = re.compile(r"[?？!！。；;]\s*(?=\S)|\.\s+(?=[A-Za-z])|,?\s+(?:and\s+)?then\b|\bafter that\b|\band also\b|"
                          r"\balso\b|，?\s*(?:然后|再|并且|顺便|接着|之后)|\band\s+(?=show|tell|open|print|give)", re.IGNORECASE)


def clauses_said(request: str) -> int:
    """How many things a request asks for, at least: one, and one more for each place it
    goes on to another ("what's on port 5432? show me the details", "…，然后…")."""
    from llmos.planner.grammar import without_urls
    return 1 + len(_NEXT_CLAUSE.findall(without_urls(request).strip()))


# --- texts that start inside a word ------------------------------------------------------------------


def texts_not_from_apostrophes(steps: list, request: str) -> list:
    """"once that's done send me a notification saying 'Backup finished'" had the body "s done
    send me a notification": the apostrophe of "that's" read as a quote.  A notification's
    body that begins right after an apostrophe inside a word was never a text the request
    gave, and goes."""
    def inside_a_word(text: str) -> bool:
        return any(i >= 2 and request[i - 1] in "'’" and request[i - 2].isalpha()
                   for i in (m.start() for m in re.finditer(re.escape(text), request)))
    return [Step(s.intent, {k: v for k, v in s.args.items() if k != "body"})
            if s.intent == "desktop.notify" and isinstance(s.args.get("body"), str) and inside_a_word(s.args["body"])
            else s for s in steps]


# --- what a program is started with -------------------------------------------------------------------


def _same_clause(gap: str) -> bool:
    """Whether the words between a program and a path keep them in one clause ("with the
    folder"), not a mark or "then" between two things to do."""
    return len(gap.split()) <= 4 and not re.search(r"[,，。;；!?？！]|然后|再|并且|接着|\b(?:and|then)\b", gap)


def launched_with_what_is_said(steps: list, request: str) -> list:
    """"launch code with the folder ~/projects/llmos", "open gimp on ~/Pictures/cat.png": a
    program started with nothing, when the request writes one path after the program's name,
    in the same clause, that no step uses, is started with that path."""
    written = written_paths(request)
    used = {v for s in steps for arg in s.args for v in _values(s, arg)}
    out = []
    for s in steps:
        command = s.args.get("command")
        if s.intent == "process.launch" and isinstance(command, str) and not s.args.get("args"):
            at = request.find(command)
            after = [p for p in written if p not in used and at >= 0 and request.find(p) > at
                     and _same_clause(request[at + len(command):request.find(p)])]
            if len(after) == 1:
                s = Step(s.intent, {**s.args, "args": after})
        out.append(s)
    return out


# The rules in the order they apply: a download first (it changes what the step is), the files
# named before the folders made for them, a type before the name patterns and archives that
# depend on it.  Each takes the request as the model read it (typos mended), except a line to
# append, which is copied as the person wrote it ("nvim", not the speller's "nvm").
_RULES = (settings_not_planned, uploads_not_planned, no_intent_for_it, never_minds_not_planned,
          programs_named_in_latin, edits_not_planned, urls_are_no_paths, archives_not_packed_into_themselves, archives_beside_what_they_pack,
          deletions_of_deletions_dropped, files_not_signalled,
          sizes_as_thresholds, media_played, pieces_of_words_not_read, chinese_periods_as_said,
          every_program_listed_ended, downloads_asked_about, sentence_words_not_names, courtesies_not_planned, sites_visited, removals_as_written,
          shell_lines_run, folders_packed_as_said, kinds_not_suffixes, names_without_folders, saved_urls_fetched, downloads_not_opened,
          folders_not_written, files_as_named, names_in_the_folder_said, folders_made_as_said, folders_named_inside, put_into_the_new_folder,
          named_file_not_searched, searches_planned, extensions_as_said, globs_written_whole, names_as_said, kinds_as_said,
          screenshots_by_name, archives_of_what_is_said, disks_as_said, port_as_said, ended_as_written, listed_in_order,
          running_as_asked, started_when_got_running, folders_listed_by_ls, reminders_as_said, notices_as_said, titles_and_bodies_as_said, log_searches_as_said,
          unpacked_nowhere_said, sorted_as_said, unsorted_as_said, ages_as_said, bounds_kept, priorities_as_said, counts_as_said, sites_as_written,
          launched_as_said, browser_modes_as_said, started_when_only_named, aspects_as_said, fetched_to_disk, chinese_reminders_planned,
          signals_as_said, verbs_as_said, unpacked_not_packed, packed_with_no_archive_named, files_read_not_measured, pictures_opened_not_read, reads_not_written,
          files_read_by_cat, shredded_not_read,
          listings_unasked, globs_found_first, follow_ups_planned, texts_not_from_apostrophes,
          launched_with_what_is_said, files_made_as_files, copies_used_after, process_names_as_said, things_not_launched,
          one_of_those_found, moves_planned, logs_not_files, unit_logs_as_said, pids_as_said, contents_as_said,
          destinations_inside_the_place_said, ended_not_started, sluggishness_looked_into,
          listed_process_ended, packed_not_unpacked, files_written_where_said, paths_not_run_into_the_sentence,
          priorities_named_as_said, downloads_used_after, amounts_read_as_said, moves_to_the_trash,
          lines_added_not_read, folders_listed_not_measured, ports_of_no_program_said, names_cut_short,
          units_named_not_words, folders_named_in_words, folders_opened_as_said, that_folder_measured)
_AS_WRITTEN = (lines_as_said,)
_THEN = (destinations_as_written, sources_as_written, folder_sizes_as_asked)


def held_to_the_request(steps: list, read: str, written: str) -> list:
    """Every rule of this module, in order: ``read`` is the request as the model read it,
    ``written`` as the person wrote it."""
    for rule in _RULES:
        steps = rule(steps, read)
    for rule in _AS_WRITTEN:
        steps = rule(steps, written)
    for rule in _THEN:
        steps = rule(steps, read)
    return steps
