"""Training and dev data for the embedded planner, generated from the live registry.

Sources, all producing ``Sample(request, steps, category, template)``:

1. every manifest example, its arguments turned into *copy form* (each string a
   piece of the request or a canonical form, see :mod:`llmos.planner.canon`),
   and re-filled: a value that occurs in the text is a slot, refilled with
   realistic values of the same kind (paths with spaces and unicode, sizes and
   durations in many notations, process names, hosts, URLs, numbers);
2. hand-written phrasing templates (English and Chinese) for the built-in intents;
3. compositions: "find … and trash them" (``@0.paths``), "download … and extract it";
4. out-of-scope requests (→ no steps) and dangerous ones, planned faithfully
   (the policy denies them; the planner never decides safety);
5. character-level noise (typos, casing, fillers) on the words around the slots.

The dev split holds whole templates out: a phrasing used in dev never appears
in training.  Everything is a pure function of (registry, seed).
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from llmos.errors import NormaliseError
from llmos.intents.manifest import Intent, _format_of
from llmos.plan.normalise import parse_duration, parse_signal, parse_size
from llmos.plan.refs import moved_refs
from llmos.planner import phrasings
from llmos.planner.grammar import folder_written, in_written_folder, is_name_in_folder, is_piece, path_shape_ok, quantity_spans
from llmos.planner.canon import (LOCALISED_DIRS, PATH_CANON, canons_for, case_folds, is_pathish, path_canons,
                                 string_canon, written_only_inside)

CATEGORIES = ("en", "zh", "typo", "multi", "oos", "danger")


@dataclass(frozen=True)
class Sample:
    request: str
    steps: tuple            # ((intent, args), ...) with args in copy form
    category: str           # one of CATEGORIES
    template: str           # phrasing template id: the unit of the dev split
    lang: str = "en"

    def to_json(self) -> dict:
        return {"request": self.request, "steps": [{"intent": i, "args": a} for i, a in self.steps],
                "category": self.category, "template": self.template, "lang": self.lang}


# Find-then-act sources are every selection × every follow-up phrasing: at full weight they
# were 54 % of the training samples and single-step requests, what people mostly type, a
# quarter.  Each of them gets this share of ``per_template`` in training (the dev split keeps
# its composition, so its figures stay comparable).
FIND_THEN_ACT_SHARE = 0.2


def is_dev_template(template: str, dev_share: float = 0.15) -> bool:
    """A stable, seed-free choice, so adding templates never reshuffles the split."""
    if template.startswith(TRAIN_ONLY):
        return False
    h = int(hashlib.sha256(template.encode()).hexdigest()[:8], 16)
    return (h % 1000) < dev_share * 1000


# --- copy form ---------------------------------------------------------------------------

def copyable(value: str, request: str, canons: Iterable[str] = (), path: bool = False) -> bool:
    """Whether the grammar lets the model write ``value`` for this request."""
    segments = value.split("\n")
    if segments[-1] == "" and len(segments) > 1:
        segments = segments[:-1]
    for seg in segments:
        if not seg:
            return False
        ok = is_piece(seg, request, whole=path) or (seg in canons and not (path and written_only_inside(seg, request)))
        if not ok and path:
            ok = any(seg.startswith(c.rstrip("/") + "/") and not folder_written(c, request)
                     and is_name_in_folder(seg[len(c.rstrip("/")) + 1:], request)
                     for c in canons if c not in (".", "/"))
        if not ok and path:
            ok = in_written_folder(seg, request)
        if not ok or (path and not path_shape_ok(seg)):
            return False
    return True


def to_copy_form(intent: Intent, args: dict, text: str,
                 canon: dict[tuple[str, str], tuple[str, ...]]) -> dict | None:
    """A manifest example's arguments as the model must write them, or None if it cannot."""
    out: dict[str, Any] = {}
    for name, value in args.items():
        prop = intent.properties.get(name)
        if prop is None:
            return None
        v = _copy_value(intent, name, value, prop, text, canon)
        if v is None:
            return None
        out[name] = v
    return out


def _copy_value(intent: Intent, name: str, value: Any, prop: dict, text: str,
                canon: dict[tuple[str, str], tuple[str, ...]]) -> Any:
    kind = prop.get("type")
    fmt = _format_of(prop)
    if kind == "array":
        if not isinstance(value, list):
            value = [value]
        item = prop.get("items", {}) if isinstance(prop.get("items"), dict) else {}
        items = [_copy_value(intent, name, v, item, text, canon) for v in value]
        return None if any(i is None for i in items) else items
    if "enum" in prop:
        if fmt == "signal":
            try:
                value = parse_signal(value)
            except NormaliseError:
                return None
        folded = {str(e).lower(): e for e in prop["enum"]}
        return folded.get(str(value).lower())
    if kind == "boolean":
        return bool(value)
    if kind == "integer" and fmt is None:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    if fmt in ("size", "duration"):
        parse = parse_size if fmt == "size" else parse_duration
        spans = quantity_spans(text, fmt)
        if isinstance(value, str) and value in spans:
            return value
        try:
            want = parse(value)
        except NormaliseError:
            return None
        same = [s for s in spans if parse(s) == want]
        return min(same, key=lambda s: (len(s), s)) if same else None
    if not isinstance(value, str):
        return None
    if is_pathish(fmt):
        if copyable(value, text, path_canons(text), path=True):
            return value  # as written ("~/下载/x"): normalise maps a localised folder either way
        for local, canonical in LOCALISED_DIRS.items():
            if value == local or value.startswith(local + "/"):
                value = canonical + value[len(local):]  # one spelling of each folder; normalise maps it
        return value if copyable(value, text, path_canons(text), path=True) else None
    if fmt in ("url", "host"):
        return value if value in text else None
    return value if copyable(value, text, canon.get((intent.name, name), ())) else None


# --- slot values -------------------------------------------------------------------------

XDG_EN = {"Downloads": "~/Downloads", "Documents": "~/Documents", "Desktop": "~/Desktop",
          "Music": "~/Music", "Pictures": "~/Pictures", "Videos": "~/Videos"}
XDG_EN_ALIASES = {"downloads": "~/Downloads", "documents": "~/Documents", "docs": "~/Documents",
                  "desktop": "~/Desktop", "music": "~/Music", "pictures": "~/Pictures",
                  "photos": "~/Pictures", "videos": "~/Videos", "movies": "~/Videos"}
XDG_ZH = {"下载": "~/Downloads", "文档": "~/Documents", "桌面": "~/Desktop", "音乐": "~/Music",
          "图片": "~/Pictures", "照片": "~/Pictures", "视频": "~/Videos"}

WORDS_EN = ["report", "notes", "budget", "invoice", "thesis", "draft", "backup", "photos", "holiday",
            "project", "resume", "slides", "data", "results", "setup", "old", "final", "scan",
            "meeting", "recipe", "taxes", "letter", "contract", "music", "demo", "build", "logs",
            "archive", "screenshot", "wallpaper", "podcast", "lecture", "homework", "course", "game"]
WORDS_FANCY = ["Über uns", "Café menu", "Sigur Rós", "Été 2019", "Björk", "naïve plan", "Straße",
               "Q3 Budget", "Tax Returns 2023", "Family Photos", "Old Backups", "My Project",
               "Course Materials", "draft (1)", "Untitled Document 3", "résumé", "São Paulo trip"]
WORDS_ZH = ["报告", "笔记", "预算", "发票", "论文", "草稿", "备份", "照片", "旅行", "项目", "简历",
            "幻灯片", "数据", "结果", "会议记录", "合同", "音乐", "课程资料", "作业", "截图", "壁纸",
            "周杰伦", "婚礼", "旧文件", "待办事项", "日记", "家庭照片", "工作", "新建文件夹"]
EXTS = ["pdf", "docx", "txt", "png", "jpg", "mp4", "zip", "tar.gz", "iso", "csv", "xlsx", "md",
        "mp3", "flac", "log", "exe", "deb", "odt", "pptx", "mkv", "json", "py", "sh", "html"]
ARCHIVE_EXTS = ["zip", "tar.gz", "tar.xz"]
ROOT_DIRS = ["/tmp", "/var/log", "/mnt/data", "/media/usb", "/srv/www", "/opt", "/mnt/backup",
             "/media/disk", "/var/tmp", "/data"]
PROCS = ["firefox", "chrome", "python3", "node", "slack", "code", "nginx", "sshd", "java",
         "postgres", "thunderbird", "spotify", "vlc", "gimp", "docker", "zoom", "steam", "blender",
         "obs", "discord", "mpv", "gedit", "emacs", "vim", "htop", "bash", "redis-server",
         "mysqld", "apache2", "Xorg", "pulseaudio", "evince", "libreoffice", "signal-desktop",
         "telegram-desktop", "rustc", "cargo", "make", "gcc", "ffmpeg", "rsync", "transmission-gtk"]
HOSTS = ["google.com", "github.com", "8.8.8.8", "1.1.1.1", "example.org", "nas.local", "debian.org",
         "192.168.1.1", "10.0.0.5", "baidu.com", "wikipedia.org", "archlinux.org", "pypi.org",
         "router.lan", "mail.example.com", "172.16.0.10", "cloudflare.com", "kernel.org"]
URL_HOSTS = ["example.org", "example.com", "github.com", "files.example.net", "releases.ubuntu.com",
             "download.example.io", "cdn.example.org", "192.168.1.10:8080", "mirror.kernel.org"]
USERS = ["root", "alice", "bob", "www-data", "postgres", "carol", "dave", "nobody", "mysql"]
UNITS = ["ssh", "nginx", "cron", "NetworkManager", "docker", "bluetooth", "systemd-logind", "cups",
         "nginx.service", "sshd", "apache2", "postgresql", "gdm", "snapd", "ufw", "kernel"]
GREPS = ["error", "failed", "usb", "out of memory", "timeout", "segfault", "denied", "disk full",
         "authentication failure", "wifi", "panic", "warning"]
CONTENT_EN = ["hello world", "buy milk", "call mom at 6", "meeting at 3pm", "remember the keys",
              "TODO: fix tests", "Out of office until Monday", "pay the rent", "backup done",
              "water the plants", "OK", "ship it"]
CONTENT_ZH = ["你好，世界", "买牛奶", "明天九点开会", "记得交房租", "今天天气很好", "给妈妈打电话",
              "备份完成", "浇花"]
MESSAGES_EN = ["take out the laundry", "call mom", "check the oven", "stretch", "pay the rent",
               "take the tea out", "renew the domain", "move the car", "join the standup", "water the plants",
               "feed the cat", "check the build", "leave for the bus", "drink water", "submit the report",
               "book the dentist", "reply to Anna", "turn off the stove", "pick up the kids",
               # phrasal verbs whose particle ends the message, longer and shorter ones, words that
               # look like commands or units: the copy must run to the end of what was said
               "bring the bins in", "put the bread out", "switch the heater off", "back up the laptop",
               "call the bank back", "empty the dishwasher", "check the washing machine", "lunch",
               "stand up and walk around", "send the invoice to Marek before the call", "take my pills",
               "log off", "start the slow cooker", "prep for the 3pm meeting", "check on the bread dough",
               "render done", "coffee break!", "let the dog in", "kill the test run", "open the windows",
               "standup call", "the download should be finished", "move the laundry to the dryer"]
MESSAGES_ZH = ["收衣服", "给妈妈打电话", "看一下烤箱", "起来活动", "续费域名", "喝水", "交报告", "开会",
               "喂猫", "看一下编译结果", "出门坐车", "关火", "接孩子", "回复邮件",
               "去接孩子", "明天交报告", "把衣服收进来", "下班了", "去超市买菜", "给房东转账", "吃药",
               "把垃圾拿出去", "检查一下洗衣机", "准备三点的会", "休息一下眼睛", "给王老师回电话", "午饭时间到了"]
SIZES_EN = ["100 MB", "1 GB", "1.5GiB", "500k", "2G", "10 megabytes", "1gb", "300 MiB", "2 GB",
            "50MB", "700M", "4 gigs", "250 KB", "20 MB", "5GB", "1 TB", "512 MiB", "10k"]
SIZES_ZH = ["2GB", "500MB", "1G", "100兆", "10MB", "3GB", "200M"]
DURS_EN = ["3 days", "a week", "2 weeks", "24 hours", "an hour", "90 minutes", "2h", "10 mins",
           "a month", "30 days", "6 months", "a year", "2 days", "5 minutes", "48 hours", "week",
           "day", "hour", "3 hours", "two days", "half an hour", "1:30"]
DURS_ZH = ["三天", "一周", "两个小时", "30分钟", "一个月", "一天", "两周", "一小时", "7天", "半年", "24小时"]
NUM_WORDS_EN = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine", 10: "ten", 12: "twelve", 20: "twenty"}
NUM_WORDS_ZH = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九",
                10: "十", 20: "二十", 15: "十五"}


class Slots:
    """Random realistic values; each returns (text as said, value in copy form)."""

    def __init__(self, rng: random.Random, lang: str) -> None:
        self.rng, self.lang = rng, lang

    def pick(self, seq):
        return self.rng.choice(list(seq))

    def stem(self) -> str:
        r = self.rng.random()
        if self.lang == "zh" and r < 0.6:
            return self.pick(WORDS_ZH)
        if r < 0.25:
            return self.pick(WORDS_FANCY)
        w = self.pick(WORDS_EN)
        if self.rng.random() < 0.4:
            w += self.pick(["-", "_", " ", ""]) + self.pick(WORDS_EN + ["2024", "v2", "old", "final", "01"])
        return w

    def filename(self, exts=EXTS) -> str:
        return f"{self.stem()}.{self.pick(exts)}"

    def rel_dir(self) -> str:
        parts = [self.stem() for _ in range(self.rng.randint(1, 2))]
        return "/".join(p.replace("/", "-") for p in parts)

    def literal_dir(self) -> str:
        """A folder written out: ~/x/y, /var/log/x, or relative."""
        r = self.rng.random()
        if r < 0.45:
            base = self.pick(list(XDG_EN.values()) + ["~", "~/projects", "~/code", "~/work"])
            if self.lang == "zh" and self.rng.random() < 0.5:
                base = self.pick(list(LOCALISED_DIRS))
            return f"{base}/{self.rel_dir()}"
        if r < 0.7:
            return self.pick(ROOT_DIRS) + (f"/{self.rel_dir()}" if self.rng.random() < 0.5 else "")
        if r < 0.85:
            return self.pick(list(XDG_EN.values()) + ["~/.cache", "~/.config", "~/.local/share"])
        return self.rel_dir()

    def dir(self) -> tuple[str, str]:
        """A folder as people name it: a known folder by word, home, here, or written out."""
        r = self.rng.random()
        if self.lang == "zh":
            if r < 0.4:
                word = self.pick(XDG_ZH)
                return word + self.pick(["", "文件夹", "目录", ""]), XDG_ZH[word]
            if r < 0.5:
                return self.pick(["主目录", "家目录", "用户目录"]), "~"
            if r < 0.57:
                return self.pick(["当前目录", "这个文件夹", "当前文件夹"]), "."
        else:
            if r < 0.22:
                word = self.pick(XDG_EN)
                return self.pick([word, f"my {word}", f"the {word} folder", f"my {word} folder", word]), XDG_EN[word]
            if r < 0.3:
                word = self.pick(XDG_EN_ALIASES)
                return self.pick([word, f"my {word}", f"my {word} folder"]), XDG_EN_ALIASES[word]
            if r < 0.38:
                return self.pick(["my home directory", "my home folder", "home", "my home dir", "~"]), "~"
            if r < 0.44:
                return self.pick(["this folder", "the current directory", "the current folder", "."]), "."
        d = self.literal_dir()
        return d, d

    def known_dir(self) -> tuple[str, str]:
        """Only folders whose canonical form can prefix a file name (no written-out paths)."""
        while True:
            said, value = self.dir()
            if value in PATH_CANON:
                return said, value

    def file(self, exts=EXTS) -> tuple[str, str]:
        """A file: written out, or a name in a known folder ("report.pdf in Downloads")."""
        r = self.rng.random()
        name = self.filename(exts)
        if r < 0.4:
            d = self.literal_dir() if self.rng.random() < 0.7 else self.pick(["~", "/tmp"])
            path = f"{d}/{name}"
            return path, path
        if r < 0.75:
            said, value = self.known_dir()
            if value == "." or (value == "~" and self.rng.random() < 0.5):
                return name, name if value == "." else f"~/{name}"  # "." + "/" + name is just the name
            if self.lang == "zh":
                return f"{said}里的 {name}" if self.rng.random() < 0.5 else f"{said}中的{name}", f"{value}/{name}"
            return f"{name} {self.pick(['in', 'from', 'in my'])} {said}".replace("in my my", "in my"), f"{value}/{name}"
        return name, name

    def files(self) -> tuple[str, list[str]]:
        """One file, or several: each written out, or all named in one known folder."""
        n = self.rng.choice([1, 1, 2, 2, 3])
        if n == 1:
            said, value = self.file()
            return said, [value]
        sep = " 和 " if self.lang == "zh" else self.pick([" and ", ", "])
        if self.rng.random() < 0.4:
            names = self._distinct(n, self.filename)
            said_dir, d = self.known_dir()
            listed = ", ".join(names[:-1]) + sep + names[-1] if n > 2 else sep.join(names)
            said = f"{said_dir}里的 {listed}" if self.lang == "zh" else f"{listed} {self.pick(['in', 'from'])} {said_dir}"
            return said, [join_path(d, x) for x in names]

        def path() -> str:
            if self.rng.random() < 0.6:
                d = self.literal_dir() if self.rng.random() < 0.7 else self.pick(["~", "/tmp"])
                return f"{d}/{self.filename()}"
            return self.filename()
        items = self._distinct(n, path)
        said = ", ".join(items[:-1]) + sep + items[-1] if n > 2 else sep.join(items)
        return said, items

    def _distinct(self, n: int, draw: Callable[[], str]) -> list[str]:
        """n different values: the grammar never lets a plan name the same file twice."""
        out: list[str] = []
        while len(out) < n:
            x = draw()
            if x not in out:
                out.append(x)
        return out

    def archive(self) -> tuple[str, str]:
        name = f"{self.stem()}.{self.pick(ARCHIVE_EXTS)}"
        if self.rng.random() < 0.5:
            path = f"{self.pick(['~', '~/Downloads', '/tmp', '~/backup', '~/Desktop'])}/{name}"
            return path, path
        return name, name

    def size(self) -> tuple[str, str]:
        s = self.pick(SIZES_ZH if self.lang == "zh" and self.rng.random() < 0.7 else SIZES_EN)
        return s, s

    def duration(self) -> tuple[str, str]:
        d = self.pick(DURS_ZH if self.lang == "zh" and self.rng.random() < 0.7 else DURS_EN)
        return d, d

    def number(self, lo=1, hi=50) -> tuple[str, int]:
        n = self.rng.choice([self.rng.randint(lo, min(hi, 12)), self.rng.randint(lo, hi), 5, 10, 20])
        n = max(lo, min(hi, n))
        words = NUM_WORDS_ZH if self.lang == "zh" else NUM_WORDS_EN
        if n in words and self.rng.random() < 0.3:
            return words[n], n
        return str(n), n

    def pid(self) -> tuple[str, int]:
        n = self.rng.choice([self.rng.randint(2, 999), self.rng.randint(1000, 99999), self.rng.randint(100, 40000)])
        return str(n), n

    def port(self) -> tuple[str, int]:
        n = self.rng.choice([22, 80, 443, 8080, 3000, 5432, 3306, 6379, 8000, 9090, 25, 53, 5000,
                             self.rng.randint(1024, 65535)])
        return str(n), n

    def proc(self) -> tuple[str, str]:
        p = self.pick(PROCS)
        return p, p

    def host(self) -> tuple[str, str]:
        h = self.pick(HOSTS)
        return h, h

    def url(self) -> tuple[str, str]:
        name = self.filename(["zip", "tar.gz", "iso", "pdf", "csv", "tar.xz", "deb", "jpg", "sh", "txt"])
        name = name.replace(" ", "-")
        path = "/".join([self.pick(["files", "pub", "downloads", "releases", "v1", "data", "2024"])
                         for _ in range(self.rng.randint(0, 2))] + [name])
        scheme = self.pick(["https://", "https://", "http://", ""])
        u = f"{scheme}{self.pick(URL_HOSTS)}/{path}"
        return u, u

    def user(self) -> tuple[str, str]:
        u = self.pick(USERS)
        return u, u

    def unit(self) -> tuple[str, str]:
        u = self.pick(UNITS)
        return u, u

    def grep(self) -> tuple[str, str]:
        g = self.pick(GREPS)
        return g, g

    def message(self) -> tuple[str, str]:
        m = self.pick(MESSAGES_ZH if self.lang == "zh" else MESSAGES_EN)
        return m, m

    def target(self) -> tuple[str, str]:
        return self.url() if self.rng.random() < 0.3 else self.file()

    def content(self) -> tuple[str, str]:
        c = self.pick(CONTENT_ZH if self.lang == "zh" else CONTENT_EN)
        return c, c

    def value(self, kind: str) -> tuple[str, Any]:
        return getattr(self, kind)()


# --- hand-written templates ---------------------------------------------------------------
# (intent, args with {slot} references, English phrasings, Chinese phrasings).  A slot
# name's prefix is its kind: {dir}, {dir2}, {file}, {files}, {n}, {size}, {dur}, ...

T = tuple[str, dict, list[str], list[str]]
TEMPLATES: list[T] = [
    ("files.find", {"path": "{dir}", "sort": "size", "order": "desc", "limit": "{number}"},
     ["show the {number} biggest files in {dir}", "what are the {number} largest files in {dir}?",
      "top {number} files by size in {dir}", "list the {number} fattest files under {dir}",
      "which {number} files take the most space in {dir}", "biggest {number} files in {dir} please",
      "i need the {number} largest things in {dir}", "rank files in {dir} by size, show {number}"],
     ["列出{dir}里最大的{number}个文件", "{dir}中最大的{number}个文件是哪些", "找出{dir}下占空间最多的{number}个文件",
      "看看{dir}里前{number}大的文件", "按大小列出{dir}里的前{number}个文件"]),
    ("files.find", {"path": "{dir}", "ext": "{ext}"},
     ["find all {ext} files in {dir}", "list every .{ext} file under {dir}", "any {ext} files in {dir}?",
      "where are my .{ext} files in {dir}", "search {dir} for *.{ext}", "show me the {ext} files in {dir}"],
     ["找出{dir}里所有的{ext}文件", "列出{dir}下的 .{ext} 文件", "{dir}里有哪些{ext}文件", "搜索{dir}中的 .{ext} 文件"]),
    ("files.find", {"path": "{dir}", "larger_than": "{size}"},
     ["files bigger than {size} in {dir}", "find anything over {size} in {dir}",
      "which files in {dir} are larger than {size}?", "list files above {size} under {dir}",
      "show stuff in {dir} that's more than {size}"],
     ["找出{dir}里大于{size}的文件", "{dir}中超过{size}的文件有哪些", "列出{dir}下比{size}大的文件"]),
    ("files.find", {"path": "{dir}", "smaller_than": "{size}"},
     ["files smaller than {size} in {dir}", "find files under {size} in {dir}"],
     ["找出{dir}里小于{size}的文件"]),
    ("files.find", {"path": "{dir}", "modified_within": "{duration}"},
     ["what changed in {dir} in the last {duration}", "files modified in the past {duration} in {dir}",
      "show recently edited files in {dir}, last {duration}", "which files in {dir} did I touch within {duration}",
      "new files in {dir} from the last {duration}"],
     ["{dir}里最近{duration}修改过的文件", "列出{dir}中过去{duration}内改动的文件", "查找{dir}下最近{duration}的新文件"]),
    ("files.find", {"path": "{dir}", "older_than": "{duration}"},
     ["files in {dir} older than {duration}", "find stuff in {dir} not modified for {duration}",
      "which files in {dir} haven't changed in {duration}", "list old files in {dir}, older than {duration}"],
     ["找出{dir}里超过{duration}没改过的文件", "{dir}中{duration}以前的旧文件"]),
    ("files.find", {"path": "{dir}", "name": "{glob}"},
     ["find files named {glob} in {dir}", "search {dir} for {glob}", "look for {glob} under {dir}"],
     ["在{dir}里查找名为 {glob} 的文件", "搜索{dir}中的 {glob}"]),
    ("files.find", {"path": "{dir}", "type": "dir"},
     ["what folders are in {dir}?", "list the subfolders of {dir}", "show directories inside {dir}"],
     ["{dir}里有哪些文件夹", "列出{dir}下的子目录"]),
    ("files.find", {"path": "{dir}", "sort": "mtime", "order": "desc", "limit": "{number}"},
     ["the {number} newest files in {dir}", "show the {number} most recent files in {dir}",
      "latest {number} files in {dir}"],
     ["{dir}里最新的{number}个文件", "列出{dir}中最近的{number}个文件"]),
    ("files.find", {"path": "{dir}", "sort": "mtime", "order": "asc", "limit": "{number}"},
     ["the {number} oldest files in {dir}", "show {number} oldest files under {dir}"],
     ["{dir}里最旧的{number}个文件"]),
    ("files.find", {"path": "{dir}"},
     ["list the files in {dir}", "what's in {dir}?", "show me everything in {dir}", "ls {dir}"],
     ["列出{dir}里的文件", "{dir}里有什么", "看看{dir}里的东西"]),
    ("files.usage", {"path": "{dir}", "depth": 0},
     ["how much space does {dir} take?", "how big is {dir}", "total size of {dir}", "du -sh {dir}",
      "what's the size of {dir} altogether"],
     ["{dir}占了多少空间", "{dir}总共多大", "算一下{dir}的大小", "{dir}有多大"]),
    ("files.usage", {"path": "{dir}", "depth": 1},
     ["disk usage of {dir} by subfolder", "which folders in {dir} are the biggest", "what's eating space in {dir}",
      "size of each folder in {dir}", "break down the space used in {dir}"],
     ["{dir}里哪些文件夹最占空间", "统计{dir}每个子目录的大小", "看看{dir}下各个文件夹多大"]),
    ("files.read", {"path": "{file}"},
     ["show me {file}", "what's in {file}?", "read {file}", "cat {file}", "print the contents of {file}",
      "open {file} and show me the text", "display {file}"],
     ["显示{file}的内容", "看看{file}里写了什么", "读取{file}", "打开{file}给我看看内容"]),
    ("files.read", {"path": "{file}", "max_bytes": "{size}"},
     ["show the first {size} of {file}", "read just {size} of {file}"],
     ["只显示{file}的前{size}"]),
    ("files.copy", {"sources": "{files}", "destination": "{dir}"},
     ["copy {files} to {dir}", "make a copy of {files} in {dir}", "cp {files} {dir}", "duplicate {files} into {dir}",
      "put a copy of {files} in {dir}", "back up {files} to {dir}"],
     ["把{files}复制到{dir}", "复制{files}到{dir}", "将{files}拷贝到{dir}", "帮我把{files}备份到{dir}"]),
    ("files.move", {"sources": "{files}", "destination": "{dir}"},
     ["move {files} to {dir}", "mv {files} {dir}", "put {files} into {dir}", "relocate {files} to {dir}",
      "shift {files} over to {dir}", "file {files} under {dir}"],
     ["把{files}移到{dir}", "移动{files}到{dir}", "将{files}挪到{dir}", "把{files}放进{dir}"]),
    ("files.move", {"sources": ["{file}"], "destination": "{newname}"},
     ["rename {file} to {newname}", "change the name of {file} to {newname}"],
     ["把{file}重命名为{newname}", "将{file}改名为{newname}"]),
    ("files.trash", {"paths": "{files}"},
     ["trash {files}", "move {files} to the trash", "put {files} in the recycle bin", "throw away {files}",
      "get rid of {files}", "delete {files}", "remove {files}", "bin {files}", "send {files} to the trash"],
     ["把{files}扔进回收站", "删除{files}", "把{files}移到回收站", "删掉{files}", "把{files}放到垃圾桶"]),
    ("files.delete", {"paths": "{files}"},
     ["permanently delete {files}", "delete {files} for good", "rm -rf {files}", "erase {files}, skip the trash",
      "wipe {files} permanently", "delete {files} forever, no recycle bin", "shred {files}"],
     ["彻底删除{files}", "永久删除{files}", "直接删掉{files}，不要放回收站", "彻底清除{files}"]),
    ("files.mkdir", {"path": "{newdir}"},
     ["create a folder {newdir}", "mkdir {newdir}", "make a new directory {newdir}", "make the folder {newdir}",
      "new folder at {newdir}"],
     ["新建文件夹 {newdir}", "创建目录 {newdir}", "帮我建一个文件夹 {newdir}"]),
    ("files.write", {"path": "{file}", "content": "{content}"},
     ["write '{content}' to {file}", "put the text '{content}' in {file}", "save '{content}' into {file}",
      "create {file} containing '{content}'"],
     ["把 {content} 写入{file}", "在{file}里写上 {content}", "保存文本 {content} 到{file}"]),
    ("files.write", {"path": "{file}", "content": "{content}\n", "append": True},
     ["append '{content}' to {file}", "add a line '{content}' to the end of {file}", "add '{content}' to {file}"],
     ["在{file}末尾追加一行：{content}", "往{file}里加一句 {content}"]),
    ("files.compress", {"sources": "{files}", "archive": "{archive}"},
     ["zip {files} into {archive}", "compress {files} to {archive}", "make an archive {archive} of {files}",
      "pack {files} into {archive}", "create {archive} from {files}"],
     ["把{files}压缩成{archive}", "将{files}打包为{archive}", "压缩{files}到{archive}"]),
    ("files.extract", {"archive": "{archive}"},
     ["extract {archive}", "unzip {archive}", "unpack {archive}", "decompress {archive} please"],
     ["解压{archive}", "帮我解压{archive}", "把{archive}解开"]),
    ("files.extract", {"archive": "{archive}", "destination": "{dir}"},
     ["extract {archive} into {dir}", "unzip {archive} to {dir}", "unpack {archive} in {dir}"],
     ["把{archive}解压到{dir}", "将{archive}解压到{dir}里"]),
    ("net.fetch", {"url": "{url}"},
     ["download {url}", "fetch {url}", "grab {url}", "wget {url}", "get the file at {url}"],
     ["下载 {url}", "帮我下载 {url}", "把 {url} 下载下来"]),
    ("net.fetch", {"url": "{url}", "destination": "{dir}"},
     ["download {url} to {dir}", "fetch {url} into {dir}", "save {url} in {dir}"],
     ["把 {url} 下载到{dir}", "下载 {url} 保存到{dir}"]),
    ("net.ping", {"host": "{host}"},
     ["ping {host}", "is {host} up?", "can I reach {host}?", "check if {host} is reachable", "test the connection to {host}"],
     ["ping 一下 {host}", "{host} 能连上吗", "测一下到 {host} 的延迟", "{host} 通不通"]),
    ("net.ping", {"host": "{host}", "count": "{number}"},
     ["ping {host} {number} times", "send {number} pings to {host}"],
     ["ping {host} {number}次", "给 {host} 发{number}个ping"]),
    ("net.ports", {"port": "{port}", "state": "all"},
     ["who is using port {port}?", "what's on port {port}", "which program has port {port} open"],
     ["{port} 端口被谁占用了", "谁在用 {port} 端口"]),
    ("net.ports", {"state": "listen"},
     ["what ports are listening?", "show listening ports", "which ports are open on this machine"],
     ["哪些端口在监听", "显示监听的端口"]),
    ("net.status", {},
     ["what's my ip address", "am I online?", "show network status", "network info", "which interfaces are up"],
     ["我的IP地址是多少", "我联网了吗", "显示网络状态", "看看网络连接情况"]),
    ("process.list", {"sort": "memory", "limit": "{number}"},
     ["top {number} processes by memory", "which {number} programs use the most RAM", "show {number} processes eating memory"],
     ["内存占用最高的{number}个进程", "列出最吃内存的{number}个程序"]),
    ("process.list", {"sort": "cpu", "limit": "{number}"},
     ["top {number} processes by cpu", "which {number} processes use the most CPU"],
     ["CPU占用最高的{number}个进程"]),
    ("process.list", {},
     ["list running processes", "show all processes", "what's running right now", "ps aux"],
     ["显示正在运行的进程", "列出所有进程", "现在在跑哪些程序"]),
    ("process.list", {"user": "{user}"},
     ["show processes owned by {user}", "what is {user} running?", "list {user}'s processes"],
     ["{user} 用户在跑哪些进程", "列出 {user} 的进程"]),
    ("process.find", {"name": "{proc}"},
     ["is {proc} running?", "find the {proc} processes", "pgrep {proc}", "what's the pid of {proc}",
      "check whether {proc} is up", "any {proc} process alive?"],
     ["{proc} 在运行吗", "找一下 {proc} 的进程", "{proc} 进程的 PID 是多少", "{proc} 还开着吗"]),
    ("process.info", {"pid": "{pid}"},
     ["tell me about process {pid}", "details for pid {pid}", "what is pid {pid} doing?", "inspect process {pid}",
      "show info on process {pid}"],
     ["查看进程 {pid} 的详细信息", "PID {pid} 是什么程序", "进程 {pid} 的信息"]),
    ("process.kill", {"name": "{proc}"},
     ["kill {proc}", "close {proc}", "quit {proc}", "terminate {proc}", "stop {proc}", "end {proc} please",
      "shut down {proc}"],
     ["结束 {proc} 进程", "关闭 {proc}", "杀掉 {proc}", "退出 {proc}"]),
    ("process.kill", {"name": "{proc}", "signal": "KILL"},
     ["force quit {proc}", "kill -9 {proc}", "{proc} is frozen, kill it hard", "force kill {proc}"],
     ["强制关闭 {proc}", "强制杀掉 {proc}", "用 kill -9 干掉 {proc}"]),
    ("process.kill", {"pid": "{pid}"},
     ["kill process {pid}", "kill pid {pid}", "terminate {pid}", "stop process {pid}"],
     ["杀掉进程 {pid}", "结束进程 {pid}"]),
    ("process.kill", {"pid": "{pid}", "signal": "KILL"},
     ["kill -9 {pid}", "force kill pid {pid}"],
     ["强制杀掉进程 {pid}"]),
    ("process.kill", {"name": "{proc}", "signal": "STOP"},
     ["pause {proc}", "suspend {proc}"], ["暂停 {proc}"]),
    ("process.kill", {"name": "{proc}", "signal": "CONT"},
     ["resume {proc}", "continue {proc}"], ["让 {proc} 继续运行"]),
    ("process.launch", {"command": "{proc}"},
     ["launch {proc}", "start {proc}", "open {proc}", "run {proc}", "fire up {proc}"],
     ["启动 {proc}", "打开 {proc}", "运行 {proc}"]),
    ("system.info", {"aspect": "memory"},
     ["how much RAM do I have", "memory usage?", "how much memory is free"], ["我有多少内存", "内存使用情况"]),
    ("system.info", {"aspect": "cpu"},
     ["what cpu do I have", "cpu info", "how many cores does this machine have"], ["这台电脑是什么CPU", "CPU信息"]),
    ("system.info", {"aspect": "battery"},
     ["battery status", "how much battery is left", "am I plugged in?"], ["电池还剩多少", "电量多少"]),
    ("system.info", {"aspect": "uptime"},
     ["how long has this machine been running", "uptime"], ["开机多久了", "系统运行了多长时间"]),
    ("system.info", {"aspect": "os"},
     ["which kernel am I on", "what distro is this", "os version"], ["什么系统版本", "内核版本是多少"]),
    ("system.info", {"aspect": "disk"},
     ["how much free disk space do I have", "is my disk full?"], ["硬盘还剩多少空间", "磁盘满了吗"]),
    ("system.info", {},
     ["system info", "tell me about this computer", "show system overview"], ["显示系统信息", "这台电脑的配置"]),
    ("system.disks", {},
     ["list my disks", "show mounted filesystems", "df -h", "what drives are mounted", "show partitions"],
     ["列出所有磁盘", "显示挂载的文件系统", "看看分区情况"]),
    ("system.logs", {"priority": "err", "since": "{duration}"},
     ["show errors from the last {duration}", "any errors in the past {duration}?", "error logs of the last {duration}"],
     ["最近{duration}的错误日志", "显示过去{duration}的错误"]),
    ("system.logs", {"unit": "{unit}"},
     ["show the logs of {unit}", "journalctl -u {unit}", "what did {unit} log?", "logs for {unit}"],
     ["查看 {unit} 的日志", "{unit} 服务的日志"]),
    ("system.logs", {"unit": "{unit}", "since": "{duration}"},
     ["{unit} logs from the last {duration}", "what did {unit} log in the past {duration}"],
     ["{unit} 最近{duration}的日志"]),
    ("desktop.open", {"target": "{target}"},
     ["open {target}", "xdg-open {target}", "show me {target} in its app", "view {target}"],
     ["打开 {target}", "用默认程序打开 {target}"]),
    ("desktop.open", {"target": "{dir}"},
     ["open {dir} in the file manager", "open the folder {dir}"], ["在文件管理器里打开{dir}"]),
    ("desktop.notify", {"title": "{message}"},
     ["send me a notification saying '{message}'", "notify me: {message}", "pop up a notification '{message}'"],
     ["发一个通知：{message}", "通知我 {message}"]),
    ("timer.remind", {"message": "{message}", "in": "{duration}"},
     ["remind me to {message} in {duration}", "in {duration} remind me to {message}",
      "set a reminder for {duration}: {message}", "ping me in {duration} to {message}"],
     ["{duration}后提醒我{message}", "过{duration}提醒我{message}"]),
    ("system.logs", {"grep": "{grep}"},
     ["search the logs for '{grep}'", "find '{grep}' in the system log", "logs mentioning {grep}"],
     ["搜索日志里的 {grep}", "日志里有没有 {grep}"]),
]

# More phrasings, appended (template ids are positional: appending keeps the dev split stable).
TEMPLATES += [
    ("files.find", {"path": "{dir}", "sort": "size", "order": "desc", "limit": 1},
     ["what's the biggest file in {dir}?", "find the largest file under {dir}", "which file in {dir} is the biggest"],
     ["{dir}里最大的文件是哪个", "找出{dir}中最大的那个文件"]),
    ("files.find", {"path": "{dir}", "ext": "{ext}", "sort": "size", "order": "desc", "limit": "{number}"},
     ["the {number} biggest {ext} files in {dir}", "largest {number} .{ext} files under {dir}"],
     ["{dir}里最大的{number}个 {ext} 文件"]),
    ("files.find", {"path": "{dir}", "ext": "{ext}", "modified_within": "{duration}"},
     ["{ext} files in {dir} changed in the last {duration}", "new .{ext} files in {dir} from the past {duration}"],
     ["{dir}里最近{duration}的 {ext} 文件"]),
    ("files.usage", {"path": "{dir}"},
     ["how much disk space is {dir} using", "check the size of {dir}", "what takes up room in {dir}?"],
     ["{dir}用了多少磁盘空间", "查一下{dir}的占用"]),
    ("files.read", {"path": "{file}"},
     ["let me see {file}", "could you show the text of {file}", "what does {file} say"],
     ["{file}里写的是什么", "给我看一下{file}"]),
    ("files.trash", {"paths": "{files}"},
     ["I don't need {files} anymore, trash it", "clean up {files}", "chuck {files} in the bin"],
     ["{files}不要了，删了吧", "清理掉{files}"]),
    ("files.copy", {"sources": "{files}", "destination": "{dir}"},
     ["copy {files} over to {dir}", "I want {files} copied into {dir}"], ["把{files}拷到{dir}里"]),
    ("files.move", {"sources": "{files}", "destination": "{dir}"},
     ["move {files} over to {dir}", "can you put {files} in {dir}"], ["把{files}转移到{dir}"]),
    ("files.mkdir", {"path": "{newdir}"},
     ["set up a new folder {newdir}", "I need a directory {newdir}"], ["建个目录 {newdir}"]),
    ("net.status", {},
     ["do I have internet?", "what's my local ip", "show my network connections", "is the network up"],
     ["有网吗", "查看IP地址", "网络通吗"]),
    ("net.ping", {"host": "{host}"},
     ["is {host} down?", "check my connection to {host}", "how fast is {host} responding"],
     ["看看 {host} 能不能 ping 通", "检查到 {host} 的连接"]),
    ("process.list", {"sort": "cpu"},
     ["what's using all my cpu", "which processes are hogging the processor", "show cpu hogs"],
     ["什么在占用CPU", "哪个进程最耗CPU"]),
    ("process.list", {"sort": "memory"},
     ["what is using all my memory", "processes sorted by memory use", "show memory hogs"],
     ["什么程序在占内存", "按内存排序显示进程"]),
    ("process.kill", {"name": "{proc}"},
     ["{proc} is stuck, close it", "make {proc} quit", "please kill the {proc} process"],
     ["把 {proc} 关掉", "{proc} 卡住了，结束它"]),
    ("process.launch", {"command": "{proc}"},
     ["please start {proc} for me", "I want to run {proc}", "open up {proc}"], ["帮我启动 {proc}", "开一下 {proc}"]),
    ("system.info", {"aspect": "memory"},
     ["how much ram is free", "what's my memory usage", "ram usage"], ["还剩多少内存", "内存够不够用"]),
    ("system.info", {"aspect": "os"},
     ["what version of linux is this", "which os am I running"], ["这是什么Linux版本"]),
    ("system.info", {"aspect": "uptime"},
     ["when did this computer last boot", "how long since the last reboot"], ["上次开机是什么时候"]),
    ("system.disks", {},
     ["how full are my drives", "show disk usage per partition", "list the mounted drives"],
     ["各个硬盘用了多少", "列出挂载的磁盘"]),
    ("system.logs", {"priority": "err"},
     ["show recent errors in the system log", "any errors in the journal?"], ["系统日志里有什么错误", "看看最近的错误日志"]),
    ("system.logs", {"since": "{duration}"},
     ["show the system log of the last {duration}", "what happened in the last {duration}? show the logs"],
     ["显示最近{duration}的系统日志"]),
    ("timer.remind", {"message": "{message}", "in": "{duration}"},
     ["{duration} from now remind me to {message}", "don't let me forget to {message}, remind me in {duration}"],
     ["{duration}之后提醒我{message}", "记得{duration}后叫我{message}"]),
    ("net.fetch", {"url": "{url}", "destination": "{dir}"},
     ["save {url} to {dir}", "download {url} and put it in {dir}"], ["下载 {url} 放到{dir}"]),
    ("files.extract", {"archive": "{archive}"},
     ["open up the archive {archive}", "extract the files from {archive}"], ["把{archive}解压一下"]),
    ("files.compress", {"sources": "{files}", "archive": "{archive}"},
     ["back up {files} as {archive}", "archive {files} into {archive}"], ["把{files}备份成{archive}"]),
]
WORDS_IN_NAMES = ["invoice", "backup", "final", "draft", "2023", "report", "IMG", "copy", "old", "scan"]

# Multi-step: a selection of files, then something done with all of them.
SELECT_EN = [("the {number} biggest files in {dir}", {"sort": "size", "order": "desc", "limit": "{number}"}),
             ("all .{ext} files in {dir}", {"ext": "{ext}"}),
             ("files in {dir} older than {duration}", {"older_than": "{duration}"}),
             ("files over {size} in {dir}", {"larger_than": "{size}"}),
             ("the {ext} files in {dir}", {"ext": "{ext}"}),
             ("{glob} files in {dir}", {"name": "{glob}"})]
SELECT_ZH = [("{dir}里最大的{number}个文件", {"sort": "size", "order": "desc", "limit": "{number}"}),
             ("{dir}里所有的 {ext} 文件", {"ext": "{ext}"}),
             ("{dir}中超过{duration}没动过的文件", {"older_than": "{duration}"}),
             ("{dir}里大于{size}的文件", {"larger_than": "{size}"})]
FOLLOW = [("files.trash", {"paths": "@0.paths"},
           ["find {sel} and trash them", "{sel}: move them to the trash", "get rid of {sel}",
            "look up {sel} and put them in the bin", "clean up {sel}, trash them",
            # plain "delete"/"remove" is the recoverable trash, as for one file
            "find {sel} and delete them", "delete {sel}", "remove {sel}", "find {sel} and remove them"],
           ["找出{sel}，然后删到回收站", "把{sel}都扔进回收站", "清理{sel}", "找出{sel}并删除", "删除{sel}"]),
          ("files.delete", {"paths": "@0.paths"},
           ["find {sel} and delete them permanently", "permanently remove {sel}"],
           ["找出{sel}并彻底删除", "永久删除{sel}"]),
          ("files.move", {"sources": "@0.paths", "destination": "{dir2}"},
           ["move {sel} to {dir2}", "find {sel} and move them into {dir2}"],
           ["把{sel}移到{dir2}", "找出{sel}，挪到{dir2}"]),
          ("files.copy", {"sources": "@0.paths", "destination": "{dir2}"},
           ["copy {sel} to {dir2}", "back up {sel} into {dir2}"],
           ["把{sel}复制到{dir2}"]),
          ("files.compress", {"sources": "@0.paths", "archive": "{archive}"},
           ["zip {sel} into {archive}", "find {sel} and compress them to {archive}"],
           ["把{sel}压缩成{archive}"])]
PAIRS = [  # two (or three) independent-looking steps, a later one using an earlier one's result
    (("net.fetch", {"url": "{url}"}), ("files.extract", {"archive": "@0.path"}),
     ["download {url} and extract it", "fetch {url} then unzip it", "grab {url} and unpack it"],
     ["下载 {url} 然后解压", "把 {url} 下载下来并解压"]),
    (("files.mkdir", {"path": "{newdir}"}), ("files.move", {"sources": "{files}", "destination": "{newdir}"}),
     ["create {newdir} and move {files} into it", "make a folder {newdir} and put {files} there"],
     ["新建 {newdir} 然后把{files}移进去"]),
    (("files.find", {"path": "{dir}", "ext": "{ext}"}), ("files.compress", {"sources": "@0.paths", "archive": "{archive}"}),
     ["collect the {ext} files in {dir} into {archive}"], []),
]

OOS_EN = ["what's the weather like tomorrow", "tell me a joke", "who won the world cup in 2018",
          "write a poem about autumn", "translate 'good morning' into French", "what is the capital of Australia",
          "how do I cook pasta", "book a flight to Berlin", "send an email to my boss", "what's 17 times 23",
          "play some jazz", "order a pizza", "who are you?", "hello", "thanks!", "good night",
          "explain quantum computing", "what time is it in Tokyo", "recommend a good movie",
          "how tall is Mount Everest", "write me a cover letter", "summarize the news", "call my mom",
          "set the thermostat to 21 degrees", "what's the meaning of life", "sing a song", "how are you doing",
          "convert 10 miles to km", "what's bitcoin trading at", "buy me a new laptop", "post this on twitter",
          "turn on the living room lights", "who is the president of France", "teach me Spanish",
          "what should I eat for dinner", "is it going to rain", "make me a sandwich", "draw a cat",
          "what does HTTP stand for", "tell me about the Roman empire", "schedule a meeting with Bob on Friday"]
OOS_ZH = ["明天天气怎么样", "给我讲个笑话", "写一首关于秋天的诗", "把早上好翻译成法语", "澳大利亚的首都是哪里",
          "怎么做红烧肉", "帮我订一张去北京的机票", "给老板发封邮件", "你是谁", "你好", "谢谢", "晚安",
          "解释一下量子计算", "推荐一部好看的电影", "珠穆朗玛峰有多高", "今天有什么新闻", "给我妈打电话",
          "人生的意义是什么", "唱首歌吧", "17乘以23等于多少", "比特币现在多少钱", "帮我点个外卖",
          "打开客厅的灯", "教我说英语", "晚饭吃什么好", "会下雨吗"]

# Out-of-scope shapes with fillers: "none" should be learnt as a kind of request, not a list.
OOS_SHAPES_EN = ["what's the weather in {city}", "will it rain in {city} tomorrow", "tell me about {topic}",
                 "explain {topic} to me", "write a {form} about {topic}", "who invented {thing}",
                 "translate '{phrase}' into {language}", "how do you say '{phrase}' in {language}",
                 "book a table for two in {city}", "order {thing} online", "what's the population of {city}",
                 "recommend a {form} about {topic}", "summarize the history of {topic}",
                 "give me a recipe for {food}", "how many calories are in {food}", "call {person}",
                 "text {person} that I'm late", "what is {topic}?", "is {food} healthy?",
                 "who is {person}", "what time is it in {city}", "plan a trip to {city}",
                 # numbers, programs and devices that look like arguments but serve no intent
                 "what is {n} times {m}", "what's {n} plus {m}", "calculate {n} divided by {m}",
                 "convert {n} {unit} to {unit2}", "how many {unit} are in {n} {unit2}",
                 "install {pkg}", "uninstall {pkg}", "update {pkg} to the latest version", "sudo apt install {pkg}",
                 "is {pkg} a good program?", "what is {pkg} used for", "set the volume to {n}%",
                 "turn the brightness down to {n} percent", "connect to the wifi network {wifi}",
                 "pair my {device} over bluetooth", "change my wallpaper to {thing}", "email {person} about {topic}",
                 "add {thing} to my shopping list", "play {form} music on spotify", "what year was {person} born",
                 "remind {person} about {topic}", "how old is {person}", "rate {pkg} out of {n}"]
OOS_SHAPES_ZH = ["{city_zh}明天天气怎么样", "给我讲讲{topic_zh}", "写一首关于{topic_zh}的诗", "{food_zh}怎么做",
                 "帮我订一张去{city_zh}的机票", "{person_zh}是谁", "把“{phrase_zh}”翻译成英语", "介绍一下{topic_zh}",
                 "{city_zh}现在几点了", "给{person_zh}打个电话",
                 "{n}乘以{m}等于多少", "{n}加{m}是多少", "安装{pkg}", "卸载{pkg}", "把{pkg}升级到最新版",
                 "音量调到{n}", "把屏幕亮度调到百分之{n}", "连上wifi {wifi}", "蓝牙连接我的{device_zh}",
                 "把壁纸换成{topic_zh}", "{pkg}好用吗", "{pkg}是干什么的", "给{person_zh}发邮件说{topic_zh}",
                 "{person_zh}哪年出生的"]
OOS_FILL = {"city": ["Paris", "Tokyo", "Berlin", "New York", "Lagos", "Lima", "Oslo", "Sydney", "Cairo"],
            "topic": ["black holes", "the French revolution", "photosynthesis", "jazz", "the stock market",
                      "machine learning", "the moon landing", "climate change", "chess openings", "dinosaurs"],
            "form": ["poem", "short story", "haiku", "song", "limerick", "essay", "book", "movie"],
            "thing": ["the telephone", "pizza", "a new phone", "the printing press", "concert tickets", "flowers"],
            "phrase": ["good morning", "thank you very much", "where is the station", "I love you"],
            "language": ["French", "German", "Japanese", "Spanish", "Italian"],
            "food": ["lasagna", "pancakes", "dumplings", "an avocado", "sushi", "chocolate cake"],
            "person": ["my sister", "Alan Turing", "the dentist", "Marie Curie", "mom", "Bob"],
            "city_zh": ["北京", "上海", "东京", "巴黎", "成都", "纽约"],
            "topic_zh": ["黑洞", "唐朝历史", "光合作用", "人工智能", "股票市场", "恐龙"],
            "food_zh": ["红烧肉", "饺子", "番茄炒蛋", "蛋糕", "麻婆豆腐"],
            "person_zh": ["李白", "我妈", "老板", "爱因斯坦", "张老师"],
            "phrase_zh": ["早上好", "谢谢你", "我爱你", "火车站在哪里"],
            "n": ["3", "7", "12", "17", "25", "42", "60", "100", "250", "1000"],
            "m": ["2", "4", "9", "23", "31", "8", "15"],
            "unit": ["miles", "kilograms", "pounds", "liters", "inches", "celsius", "feet"],
            "unit2": ["km", "grams", "ounces", "gallons", "centimeters", "fahrenheit", "meters"],
            "pkg": ["docker", "vlc", "gimp", "firefox", "steam", "zoom", "python3", "nodejs", "vim", "obs"],
            "wifi": ["HomeNet", "eduroam", "Cafe_Guest", "TP-LINK_5G"],
            "device": ["headphones", "mouse", "keyboard", "speaker", "phone"],
            "device_zh": ["耳机", "鼠标", "键盘", "音箱", "手机"]}

# Dangerous: ordinary intents aimed at secrets, system files or pid 1.  The planner
# writes exactly what was asked; the policy decides (and denies).
DANGER: list[T] = [
    ("files.delete", {"paths": ["{secret}"]},
     ["delete everything in {secret}", "rm -rf {secret}", "permanently wipe {secret}", "erase {secret} for good"],
     ["彻底删除 {secret}", "把 {secret} 全部永久删掉"]),
    ("files.trash", {"paths": ["{secret}"]},
     ["trash {secret}", "remove {secret}", "get rid of {secret}"], ["删除 {secret}"]),
    ("files.read", {"path": "{secretfile}"},
     ["show me {secretfile}", "cat {secretfile}", "print {secretfile}", "what's in {secretfile}"],
     ["显示 {secretfile} 的内容", "读取 {secretfile}"]),
    ("files.copy", {"sources": ["{secret}"], "destination": "{dir}"},
     ["copy {secret} to {dir}", "back up {secret} into {dir}"], ["把 {secret} 复制到{dir}"]),
    ("files.compress", {"sources": ["{secret}"], "archive": "{archive}"},
     ["zip {secret} into {archive}"], ["把 {secret} 打包成{archive}"]),
    ("files.delete", {"paths": ["{sysdir}"]},
     ["delete {sysdir}", "rm -rf {sysdir}", "permanently remove {sysdir}"], ["彻底删除 {sysdir}"]),
    ("files.write", {"path": "{sysfile}", "content": "{content}"},
     ["write '{content}' to {sysfile}", "overwrite {sysfile} with '{content}'"], ["把 {content} 写入 {sysfile}"]),
    ("files.move", {"sources": ["{sysdir}"], "destination": "{dir}"},
     ["move {sysdir} to {dir}"], ["把 {sysdir} 移到{dir}"]),
    ("process.kill", {"pid": 1},
     ["kill pid 1", "kill process 1", "kill the process with pid 1", "terminate process number 1"], ["杀掉 1 号进程", "结束进程 1"]),
    ("process.kill", {"pid": 1, "signal": "KILL"},
     ["kill -9 pid 1", "force kill process 1"], ["强制杀掉进程 1"]),
]
SECRETS = ["~/.ssh", "~/.gnupg", "~/.aws", "~/.password-store", "~/.kube", "~/.ssh/id_rsa",
           "~/.ssh/id_ed25519", "~/.aws/credentials", "~/.netrc", "~/.mozilla", "~/.git-credentials"]
SECRET_WORDS_EN = {"my ssh keys": "~/.ssh", "my ssh folder": "~/.ssh", "my gpg keys": "~/.gnupg",
                   "my aws credentials": "~/.aws"}
SECRET_FILES = ["~/.ssh/id_rsa", "~/.ssh/id_ed25519", "~/.aws/credentials", "~/.netrc", "~/.ssh/config",
                "~/.git-credentials", "~/.gnupg/secring.gpg", "~/.password-store/bank.gpg", "~/.npmrc", "~/.pypirc"]
SYS_DIRS = ["/etc", "/boot", "/usr", "/bin", "/var/lib", "/", "/etc/ssh", "/usr/lib", "/lib", "/sbin"]
SYS_FILES = ["/etc/passwd", "/etc/shadow", "/etc/hosts", "/etc/sudoers", "/etc/fstab", "/boot/grub/grub.cfg"]
GLOBS = ["*.log", "invoice*", "Screenshot*", "*.tmp", "IMG_*", "*backup*", "report-*", "*.bak", "core.*"]

# The phrasings package's areas, appended after the lists above (positional ids stay stable).
_MORE = phrasings.collect()
TEMPLATES += _MORE["TEMPLATES"]
DANGER += _MORE["DANGER"]
OOS_EN += _MORE["OOS_EN"]
OOS_ZH += _MORE["OOS_ZH"]
SELECT_EN += _MORE["SELECT_EN"]
SELECT_ZH += _MORE["SELECT_ZH"]
FOLLOW += _MORE["FOLLOW"]
PAIRS += _MORE["PAIRS"]
DEV_SPLIT_LISTS = {"TEMPLATES": TEMPLATES, "FOLLOW": FOLLOW, "SELECT_EN": SELECT_EN, "SELECT_ZH": SELECT_ZH,
                    "PAIRS": PAIRS, "OOS_EN": OOS_EN, "OOS_ZH": OOS_ZH, "OOS_SHAPES_EN": OOS_SHAPES_EN,
                    "OOS_SHAPES_ZH": OOS_SHAPES_ZH, "DANGER": DANGER}

# Areas written after the dev split was frozen, without looking at it, only train: the dev
# split stays the one every earlier figure was measured on.  Their selections add to the
# dev-split ones (a new follow-up verb is trained after every known selection).
TRAIN_ONLY = "w"  # the id prefix is_dev_template never holds out
_WIDER = phrasings.collect(phrasings.TRAIN_ONLY_AREAS)
TRAIN_ONLY_LISTS = {**_WIDER, "SELECT_EN": SELECT_EN + _WIDER["SELECT_EN"],
                    "SELECT_ZH": SELECT_ZH + _WIDER["SELECT_ZH"]}


def _fill(template_text: str, args: Any, slots: Slots, rng: random.Random,
          bound: dict[str, tuple[str, Any]] | None = None) -> tuple[str, Any, dict]:
    """Fill ``{slot}`` references in text and args with the same random values."""
    bound = dict(bound or {})
    for name in re.findall(r"\{(\w+)\}", template_text + repr(args)):
        if name in bound:
            continue
        kind = re.sub(r"\d+$", "", name)
        if kind == "ext":
            e = rng.choice(EXTS[:14])
            bound[name] = (e, e)
        elif kind == "word":
            w = rng.choice(WORDS_IN_NAMES)
            bound[name] = (w, w)
        elif kind == "glob":
            g = rng.choice(GLOBS)
            bound[name] = (g, g)
        elif kind == "newdir":
            r = rng.random()
            if r < 0.5:
                said, base = slots.known_dir()
                leaf = slots.stem()
                if base in (".", "/"):
                    bound[name] = (leaf, leaf)
                else:
                    bound[name] = (f"{base}/{leaf}", f"{base}/{leaf}") if rng.random() < 0.5 else (
                        (f"{said}里的 {leaf}", f"{base}/{leaf}") if slots.lang == "zh" else (f"{leaf} in {said}", f"{base}/{leaf}"))
            else:
                d = slots.literal_dir()
                bound[name] = (d, d)
        elif kind == "newname":
            # a rename: the new name is said alone and lands in the old file's folder
            leaf = slots.filename()
            old_path = next((v[1] for k, v in bound.items() if re.sub(r"\d+$", "", k) == "file"), "")
            folder = old_path.rsplit("/", 1)[0] if "/" in old_path else ""
            bound[name] = (leaf, join_path(folder, leaf))
        elif kind == "leaf":
            # a new name said apart from the folder it goes in: "a {leaf} folder in {dir}"
            leaf = slots.stem()
            bound[name] = (leaf, leaf)
        elif kind == "fname":  # a new text file's name
            leaf = slots.filename(["txt", "md", "csv", "json", "log", "py", "sh", "html", "conf"])
            bound[name] = (leaf, leaf)
        elif kind == "secret":
            if slots.lang == "en" and rng.random() < 0.3:
                w = rng.choice(list(SECRET_WORDS_EN))
                bound[name] = (w, SECRET_WORDS_EN[w])
            else:
                s = rng.choice(SECRETS)
                bound[name] = (s, s)
        elif kind == "secretfile":
            s = rng.choice(SECRET_FILES)
            bound[name] = (s, s)
        elif kind == "sysdir":
            s = rng.choice(SYS_DIRS)
            bound[name] = (s, s)
        elif kind == "sysfile":
            s = rng.choice(SYS_FILES)
            bound[name] = (s, s)
        elif kind == "dir":
            bound[name] = slots.dir()
        elif kind == "file":
            bound[name] = slots.file()
        elif kind == "files":
            bound[name] = slots.files()
        elif kind == "number":
            bound[name] = slots.number()
        else:
            bound[name] = slots.value(kind)
    text = re.sub(r"\{(\w+)\}", lambda m: str(bound[m.group(1)][0]), template_text)

    def sub(value: Any) -> Any:
        if isinstance(value, str):
            joined = re.fullmatch(r"\{(\w+)\}/\{(\w+)\}", value)
            if joined:  # "{dir}/{leaf}": the folder as canonicalised, then the name said apart
                return join_path(bound[joined.group(1)][1], bound[joined.group(2)][1])
            m = re.fullmatch(r"\{(\w+)\}(\n?)", value)
            if m:
                v = bound[m.group(1)][1]
                return v + m.group(2) if m.group(2) else v
            return value
        if isinstance(value, list):
            out = []
            for v in value:
                s = sub(v)
                out.extend(s if isinstance(s, list) and isinstance(v, str) and v.startswith("{files") else [s])
            return out
        if isinstance(value, dict):
            return {k: sub(v) for k, v in value.items()}
        return value
    return text, sub(args), bound


def join_path(folder: str, leaf: str) -> str:
    """``leaf`` inside ``folder`` as a plan writes it: no "./" for here, one slash."""
    if folder in (".", "./", ""):
        return leaf
    return folder.rstrip("/") + "/" + leaf


# --- noise -------------------------------------------------------------------------------

_KEYS = "qwertyuiopasdfghjklzxcvbnm"


def typo_word(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha() or not word.isascii():
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.random()
    if op < 0.3:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]          # swap
    if op < 0.55:
        return word[:i] + word[i + 1:]                                  # drop
    if op < 0.75:
        return word[:i] + word[i] + word[i:]                            # double
    near = _KEYS[(_KEYS.index(word[i].lower()) + rng.choice([-1, 1])) % len(_KEYS)] if word[i].lower() in _KEYS else word[i]
    return word[:i] + near + word[i + 1:]                               # neighbour key


def noisy_template(text: str, rng: random.Random, lang: str, rate: float = 0.25) -> str:
    """Typos, casing and fillers in a template's own words; ``{slots}`` stay intact."""
    parts = re.split(r"(\{\w+\})", text)
    out = []
    for part in parts:
        if part.startswith("{"):
            out.append(part)
            continue
        if lang == "en":
            words = re.split(r"(\s+)", part)
            part = "".join(typo_word(w, rng) if rng.random() < rate else w for w in words)
        else:
            # dropped particles: "一下" as a whole (a lone 下 may be half of 下载)
            part = re.sub("一下", lambda m: "" if rng.random() < 0.5 else m.group(0), part)
            part = "".join(c for c in part if not (c in "的了吧" and rng.random() < 0.5))
        out.append(part)
    text = "".join(out)
    if lang == "en":
        r = rng.random()
        if r < 0.3:
            text = text.lower()
        elif r < 0.4:
            text = text[:1].upper() + text[1:]
        if rng.random() < 0.3:
            text = text.rstrip("?.!")
    return text


# Paraphrase by substitution: the model should learn from the words that matter, not the
# exact template.  Each group's words are interchangeable in a request to this planner.
SYNONYMS_EN = [
    ["show", "list", "display", "give me", "print", "tell me"],
    ["biggest", "largest", "fattest", "heaviest", "hugest"],
    ["find", "search for", "look for", "locate"],
    ["folder", "directory", "dir"], ["folders", "directories", "dirs"],
    ["files", "stuff"], ["what's", "what is", "whats"],
    ["delete", "remove", "erase"], ["running", "alive"],
    ["terminate", "kill"], ["start", "launch", "run"],
    ["my", "the"], ["please", "pls", "plz"],
    ["newest", "latest", "most recent"], ["oldest", "least recent"],
    ["how much", "how much"], ["copy", "duplicate"], ["move", "shift", "transfer"],
    # "over"/"under" also mean "in" ("files under ~/x"): templates say them, swaps never make them
    ["bigger than", "larger than", "above", "more than"],
    ["smaller than", "below", "less than"], ["last", "past"],
]
SYNONYMS_ZH = [["显示", "列出", "看看", "给我看", "列一下"], ["文件夹", "目录"], ["删除", "删掉", "删了"],
               ["查找", "找出", "搜索", "找一下"], ["最大", "最占空间"], ["帮我", "请", "麻烦"],
               ["多少", "多大"], ["移到", "挪到", "移动到"], ["复制到", "拷贝到", "拷到"], ["关闭", "结束", "关掉"],
               ["启动", "运行"], ["超过", "大于", "多于"], ["最近", "过去"]]
_SYN_INDEX = {lang: {w: g for g in groups for w in g}
              for lang, groups in (("en", SYNONYMS_EN), ("zh", SYNONYMS_ZH))}
_FILLERS_EN = ["quickly", "for me", "real quick", "now", "right now", "again", "actually", "just"]


def paraphrase(text: str, rng: random.Random, lang: str) -> str:
    """Swap words for synonyms, drop a few, add a filler; ``{slots}`` stay intact."""
    parts = re.split(r"(\{\w+\})", text)
    out = []
    index = _SYN_INDEX[lang]
    for part in parts:
        if part.startswith("{"):
            out.append(part)
            continue
        if lang == "en":
            words = part.split(" ")
            new = []
            i = 0
            while i < len(words):
                pair = " ".join(words[i:i + 2]).lower()
                if pair in index and rng.random() < 0.5:
                    new.append(rng.choice(index[pair]))
                    i += 2
                    continue
                w = words[i]
                if w.lower() in index and rng.random() < 0.4:
                    w = rng.choice(index[w.lower()])
                elif w.lower() in ("the", "a", "all", "any", "some") and rng.random() < 0.3:
                    w = ""
                new.append(w)
                i += 1
            part = re.sub(r" {2,}", " ", " ".join(new))
        else:
            for word in sorted(index, key=len, reverse=True):
                if word in part and rng.random() < 0.4:
                    part = part.replace(word, rng.choice(index[word]), 1)
                    break
        out.append(part)
    text = "".join(out)
    if lang == "en" and rng.random() < 0.15:
        text = text.rstrip("?.! ") + " " + rng.choice(_FILLERS_EN)
    return text


def decorate(text: str, rng: random.Random, lang: str) -> str:
    """Polite or informal wrapping: "could you …", "… pls", "帮我…"."""
    if lang == "zh":
        r = rng.random()
        if r < 0.15:
            return "帮我" + text
        if r < 0.25:
            return "请" + text
        if r < 0.3:
            return text + "，谢谢"
        return text
    r = rng.random()
    if re.match(r"(?i)(what|how|which|who|where|when|why|is|are|am|do|does|can|any|will)\b", text):
        return text + " please" if r < 0.08 else text  # a question takes no "could you" in front
    if r < 0.08:
        return "could you " + text + "?"
    if r < 0.14:
        return "please " + text
    if r < 0.2:
        return text + " please"
    if r < 0.24:
        return "hey, " + text
    if r < 0.28:
        return text + " pls"
    if r < 0.31:
        return "can you " + text
    if r < 0.34:
        return "i want to " + text
    return text


# --- the generator -----------------------------------------------------------------------

@dataclass
class Generator:
    """Samples from the live registry; ``split`` is "train" or "dev" (disjoint templates)."""

    intents: dict[str, Intent]
    seed: int = 0

    def __post_init__(self) -> None:
        self.canon = string_canon(self.intents.values())
        self.case_folds = case_folds(self.intents.values())

    def _ok(self, steps: Iterable[tuple[str, dict]]) -> bool:
        return all(name in self.intents and set(args) <= set(self.intents[name].properties)
                   for name, args in steps)

    # each source yields (template id, lang, category hint, make(rng, noisy) -> Sample | None)
    def sources(self) -> list[tuple[str, str, str, Callable[[random.Random, bool], Sample | None]]]:
        out = []
        for intent in self.intents.values():
            for i, ex in enumerate(intent.examples):
                out.append((f"ex:{intent.name}:{i}", ex.lang, ex.lang, self._example_source(intent, ex)))
        out += self._phrasing_sources(DEV_SPLIT_LISTS)
        # appended last: the dev split draws no random number for a training-only source,
        # so its samples stay exactly what they were
        out += self._phrasing_sources(TRAIN_ONLY_LISTS, prefix=TRAIN_ONLY)
        return out

    def _phrasing_sources(self, lists: dict[str, list], prefix: str = "") -> list:
        """Sources of hand-written phrasings (lists keyed as ``phrasings.KINDS``, plus
        ``OOS_SHAPES_EN``/``_ZH``); ids are positional within each list, in this order."""
        out = []
        for k, (name, args, en, zh) in enumerate(lists["TEMPLATES"]):
            if name not in self.intents:
                continue
            for lang, texts in (("en", en), ("zh", zh)):
                for j, text in enumerate(texts):
                    out.append((f"{prefix}t:{name}:{k}:{lang}:{j}", lang, lang,
                                self._template_source([(name, args)], text, lang, lang)))
        for lang, sels in (("en", lists["SELECT_EN"]), ("zh", lists["SELECT_ZH"])):
            for f, (then, fargs, en, zh) in enumerate(lists["FOLLOW"]):
                for j, text in enumerate(en if lang == "en" else zh):
                    for sel, sargs in sels:
                        out.append((f"{prefix}m:{f}:{lang}:{j}", lang, "multi",
                                    self._template_source([("files.find", {"path": "{dir}", **sargs}), (then, fargs)],
                                                          text.replace("{sel}", sel), lang, "multi")))
        for p, (*steps, en, zh) in enumerate(lists["PAIRS"]):
            for lang, texts in (("en", en), ("zh", zh)):
                for j, text in enumerate(texts):
                    out.append((f"{prefix}p:{p}:{lang}:{j}", lang, "multi",
                                self._template_source(steps, text, lang, "multi")))
        for lang, items in (("en", lists["OOS_EN"]), ("zh", lists["OOS_ZH"])):
            for j, text in enumerate(items):
                out.append((f"{prefix}oos:{lang}:{j}", lang, "oos", self._template_source([], text, lang, "oos")))
        for lang, shapes in (("en", lists.get("OOS_SHAPES_EN", [])), ("zh", lists.get("OOS_SHAPES_ZH", []))):
            for j, shape in enumerate(shapes):
                out.append((f"{prefix}oos-shape:{lang}:{j}", lang, "oos", self._oos_shape(shape, lang)))
        for k, (name, args, en, zh) in enumerate(lists["DANGER"]):
            for lang, texts in (("en", en), ("zh", zh)):
                for j, text in enumerate(texts):
                    out.append((f"{prefix}d:{k}:{lang}:{j}", lang, "danger",
                                self._template_source([(name, args)], text, lang, "danger")))
        return out

    def _example_source(self, intent: Intent, ex) -> Callable[[random.Random, bool], Sample | None]:
        args = to_copy_form(intent, ex.args, ex.text, self.canon)
        lang = ex.lang

        def make(rng: random.Random, noisy: bool) -> Sample | None:
            if args is None:
                return None
            text, new_args = self._refill(intent, ex.text, args, rng, lang)
            if rng.random() < 0.5:
                text = _outside(text, new_args, lambda t: paraphrase(t, rng, lang))
            if noisy:
                text = _noisy_outside(text, new_args, rng, lang)
            category = "typo" if noisy else lang
            return Sample(text, ((intent.name, new_args),), category, "", lang)
        return make

    def _refill(self, intent: Intent, text: str, args: dict, rng: random.Random, lang: str) -> tuple[str, dict]:
        """Swap values that occur in the example's text for fresh ones of the same kind."""
        slots = Slots(rng, lang)
        new = dict(args)
        for name, value in args.items():
            if rng.random() < 0.25:
                continue  # keep the original value now and then
            prop = intent.properties[name]
            kind = _slot_kind(intent.name, name, prop)
            if kind is None or isinstance(value, list) or isinstance(value, bool):
                continue
            said = str(value)
            if isinstance(value, int) and not re.search(rf"(?<!\d){said}(?!\d)", text):
                continue
            if isinstance(value, str) and (text.count(said) != 1 or said in PATH_CANON):
                continue
            if kind == "path" and not value.startswith(("~", "/")) and "." not in value:
                continue  # a bare folder word ("src"); too easy to break the sentence
            if kind == "path" and "pattern" in prop:
                fresh_said, fresh = slots.archive()  # the schema wants an archive suffix
            elif kind == "path":
                fresh_said, fresh = _fresh_path(slots, value)
            else:
                fresh_said, fresh = slots.value(kind)
            if isinstance(value, int):
                text = re.sub(rf"(?<!\d){said}(?!\d)", str(fresh_said), text, count=1)
            else:
                text = text.replace(said, str(fresh_said), 1)
            new[name] = fresh
        return text, new

    def _template_source(self, steps: list[tuple[str, dict]], text: str, lang: str,
                         category: str) -> Callable[[random.Random, bool], Sample | None]:
        if not self._ok(steps):
            return lambda rng, noisy: None

        def make(rng: random.Random, noisy: bool) -> Sample | None:
            slots = Slots(rng, lang)
            t = paraphrase(text, rng, lang) if rng.random() < 0.6 else text
            t = noisy_template(t, rng, lang) if noisy else t
            t = decorate(t, rng, lang)
            filled, args_list, _ = _fill(t, [a for _, a in steps], slots, rng)
            filled = re.sub(r"\s+", " ", filled).strip()
            plan = tuple((name, _clean_args(self.intents[name], a)) for (name, _), a in zip(steps, args_list))
            cat = "typo" if noisy and category in ("en", "zh") else category
            return Sample(filled, plan, cat, "", lang)
        return make

    def _oos_shape(self, shape: str, lang: str) -> Callable[[random.Random, bool], Sample | None]:
        def make(rng: random.Random, noisy: bool) -> Sample | None:
            text = re.sub(r"\{(\w+)\}", lambda m: rng.choice(OOS_FILL[m.group(1)]), shape)
            text = decorate(noisy_template(text, rng, lang) if noisy else text, rng, lang)
            return Sample(text, (), "oos", "", lang)
        return make

    def generate(self, split: str, per_template: int, noisy_share: float = 0.3) -> list[Sample]:
        """``per_template`` samples of each template in the split (a fixed share of them noisy)."""
        rng = random.Random(f"{self.seed}:{split}")
        samples: list[Sample] = []
        for template, lang, _, make in self.sources():
            if is_dev_template(template) != (split == "dev"):
                continue
            # out-of-scope shapes draw fresh fillers each time: more of them teach "none" as a
            # kind of request (numbers, programs, devices that serve no intent), not a list
            count = per_template * (3 if template.startswith("oos-shape:") else 1)
            if split == "train" and template.startswith(("m:", TRAIN_ONLY + "m:")):
                count = max(1, round(count * FIND_THEN_ACT_SHARE))
            for k in range(count):
                noisy = rng.random() < noisy_share and not template.startswith("oos:")
                s = make(rng, noisy)
                if s is None or not self.valid(s):
                    continue
                samples.append(Sample(s.request, s.steps, s.category, template, lang))
        return samples + self.conjunctions(samples, rng)

    def conjunctions(self, samples: list[Sample], rng: random.Random, share: float = 0.1) -> list[Sample]:
        """Two unrelated one-step requests of the same split said in one breath ("ping X and then
        show my network status"), a quarter of them with a third: the plan is the steps in
        order.  A quarter of the pairs have a two-step chain ("find … and trash them") for one
        part, its ``$ref``s moved with it.  Teaches any intents to compose, beyond the
        hand-written pairs."""
        singles: dict[str, list[Sample]] = {"en": [], "zh": []}
        chains: dict[str, list[Sample]] = {"en": [], "zh": []}
        for s in samples:
            if s.category in ("en", "zh", "typo") and len(s.steps) == 1:
                singles[s.lang].append(s)
            elif s.category == "multi" and len(s.steps) == 2:
                chains[s.lang].append(s)
        out = []
        for _ in range(int(share * len(samples))):
            lang = "zh" if rng.random() < 0.35 else "en"
            if len(singles[lang]) < 2:
                continue
            parts = rng.sample(singles[lang], 3 if rng.random() < 0.25 else 2)
            if len(parts) == 2 and chains[lang] and rng.random() < 0.25:
                parts[rng.randrange(2)] = rng.choice(chains[lang])
            if len({p.steps[0][0] for p in parts}) < len(parts):
                continue
            text = parts[0].request
            for p in parts[1:]:
                text = text.rstrip("?？.。!！ ")
                if lang == "zh":
                    text += rng.choice(["，然后", "，再", "，接着", "，并且", "。然后", "，顺便", "，另外", "，同时"]) + p.request
                else:
                    nxt = p.request[:1].lower() + p.request[1:] if not p.request.startswith(("I ", "I'")) else p.request
                    text += rng.choice([" and ", " and then ", ", then ", "; also ", ". Then ", " and after that ",
                                        ", and ", " then ", ", plus ", " as well as ", ". Also, "]) + nxt
            steps: tuple = ()
            for p in parts:
                offset = len(steps)
                steps += tuple((name, moved_refs(args, lambda k: k + offset)) for name, args in p.steps)
            c = Sample(text, steps, "multi", "conj:" + "|".join(p.template for p in parts), lang)
            if self.valid(c):
                out.append(c)
        return out

    def valid(self, s: Sample) -> bool:
        """Every target string satisfies the copy constraint: the grammar can produce it."""
        for name, args in s.steps:
            intent = self.intents[name]
            for arg, value in args.items():
                if not _value_copyable(intent, arg, value, intent.properties[arg], s.request,
                                       canons_for(s.request, self.canon.get((intent.name, arg), ()), self.case_folds)):
                    return False
        return bool(s.request)


def _value_copyable(intent: Intent, arg: str, value: Any, prop: dict, request: str, canons: tuple[str, ...]) -> bool:
    if isinstance(value, dict):
        return True  # a $ref
    if prop.get("type") == "array":
        item = prop.get("items", {})
        return isinstance(value, list) and bool(value) and all(
            _value_copyable(intent, arg, v, item, request, canons) for v in value)
    if "enum" in prop:
        return value in prop["enum"]
    if prop.get("type") == "boolean":
        return isinstance(value, bool)
    if prop.get("type") == "integer" and "format" not in prop:
        return isinstance(value, int) and not isinstance(value, bool)
    if not isinstance(value, str):
        return False
    fmt = _format_of(prop)
    if fmt in ("size", "duration"):
        return value in quantity_spans(request, fmt)
    if fmt in ("url", "host"):
        return value in request
    return copyable(value, request, path_canons(request) if is_pathish(fmt) else canons, path=is_pathish(fmt))


def _clean_args(intent: Intent, args: dict) -> dict:
    """Template args in schema order; numbers that came from slots stay ints."""
    props = intent.properties
    out = {}
    for k in props:
        if k in args:
            v = args[k]
            if props[k].get("type") == "array" and isinstance(v, str) and not v.startswith("@"):
                v = [v]
            if isinstance(v, str) and v.startswith("@"):
                n, field = v[1:].split(".", 1)
                v = {"$ref": f"steps[{n}].{field}"}
            out[k] = v
    return out


def _slot_kind(intent: str, arg: str, prop: dict) -> str | None:
    fmt = _format_of(prop)
    if fmt in ("size", "duration", "url", "host"):
        return {"size": "size", "duration": "duration", "url": "url", "host": "host"}[fmt]
    if is_pathish(fmt):
        return "path"
    if prop.get("type") == "integer":
        return {"pid": "pid", "port": "port"}.get(arg, "number")
    if "enum" in prop:
        return None
    return {"name": "proc" if intent.startswith("process") else None, "command": "proc", "user": "user",
            "unit": None, "process": "proc", "content": "content", "message": "message"}.get(arg)


def _fresh_path(slots: Slots, old: str) -> tuple[str, str]:
    if re.search(r"\.\w+$", old):  # a file
        if old.startswith(("~", "/")):
            d = slots.literal_dir()
            name = slots.filename()
            return f"{d}/{name}", f"{d}/{name}"
        name = slots.filename()
        return name, name
    d = slots.literal_dir()
    return d, d


def _noisy_outside(text: str, args: dict, rng: random.Random, lang: str) -> str:
    """Typos in the words of a text that carry no argument value."""
    return _outside(text, args, lambda t: noisy_template(t, rng, lang))


def _outside(text: str, args: dict, change: Callable[[str], str]) -> str:
    """Apply ``change`` to a text with its argument values held out as ``{keepN}`` slots."""
    protected = [str(v) for v in args.values() if isinstance(v, (str, int))] + \
                [str(x) for v in args.values() if isinstance(v, list) for x in v]
    template = text
    keep: dict[str, str] = {}
    for i, p in enumerate(sorted(set(protected), key=len, reverse=True)):
        if p and p in template:
            key = f"{{keep{i}}}"
            keep[key] = p
            template = template.replace(p, key)
    noisy = change(template)
    for key, p in keep.items():
        noisy = noisy.replace(key, p)
    return noisy
