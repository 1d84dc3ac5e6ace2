"""Normalisation: arguments as people say them → the canonical units plans carry.

Paths become absolute, sizes bytes, durations seconds, signals names without
``SIG``.  The parsers are pure functions; :func:`normalise_args` applies them
according to each property's ``format`` in the intent's schema.
"""

from __future__ import annotations

import math
import os
import posixpath
import re
import signal as _signal
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit

from llmos.errors import NormaliseError
from llmos.intents.manifest import Intent, _format_of
from llmos.plan.refs import is_ref

# --- numbers in words (English and Chinese) -------------------------------------------

_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100,
    "couple": 2, "few": 3, "several": 3, "dozen": 12, "half": 0.5, "quarter": 0.25,
}
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9, "半": 0.5, "几": 3}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def _zh_number(text: str) -> float | None:
    """Chinese numerals up to the ten-thousands: 十五 → 15, 两百 → 200, 半 → 0.5."""
    if not text or any(c not in _ZH_DIGITS and c not in _ZH_UNITS for c in text):
        return None
    total, current = 0.0, 0.0
    for c in text:
        if c in _ZH_DIGITS:
            current = _ZH_DIGITS[c]
        else:
            total += (current or 1) * _ZH_UNITS[c]
            current = 0
    return total + current


def _number(text: str) -> float | None:
    text = text.strip().lower().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if text in _EN_NUMBERS:
        return float(_EN_NUMBERS[text])
    if text.startswith("a couple"):
        return 2.0
    return _zh_number(text)


_NUM = r"(\d+(?:\.\d+)?|\.\d+|[a-z]+|[零〇一二两俩三四五六七八九十百千万半几]+)"

# --- sizes -------------------------------------------------------------------------------

_SIZE_UNITS: dict[str, int] = {"": 1, "b": 1, "byte": 1, "bytes": 1, "字节": 1}
for _i, _prefix in enumerate(("k", "m", "g", "t", "p"), start=1):
    _SIZE_UNITS[_prefix] = 1024 ** _i                 # ls/du style: 500k, 2G
    _SIZE_UNITS[_prefix + "ib"] = 1024 ** _i          # IEC: 1.5GiB
    _SIZE_UNITS[_prefix + "b"] = 1000 ** _i           # SI: 100 MB
for _word, _mult in {"kilobyte": 1000, "kilo": 1024, "megabyte": 1000 ** 2, "meg": 1024 ** 2,
                     "mega": 1024 ** 2, "gigabyte": 1000 ** 3, "gig": 1024 ** 3, "giga": 1024 ** 3,
                     "terabyte": 1000 ** 4, "tera": 1024 ** 4, "kibibyte": 1024, "mebibyte": 1024 ** 2,
                     "gibibyte": 1024 ** 3, "tebibyte": 1024 ** 4}.items():
    _SIZE_UNITS[_word] = _SIZE_UNITS[_word + "s"] = _mult
_SIZE_UNITS.update({"千字节": 1000, "兆": 1024 ** 2, "兆字节": 1000 ** 2, "吉": 1024 ** 3,
                    "吉字节": 1000 ** 3, "k字节": 1000, "m字节": 1000 ** 2, "g字节": 1000 ** 3})
_SIZE_RE = re.compile(r"^\s*" + _NUM + r"\s*([a-z\u4e00-\u9fff]*)\s*$")


def parse_size(value: object) -> int:
    """``"100 MB"`` → 100000000, ``"1.5GiB"`` → 1610612736, ``"500k"`` → 512000."""
    if isinstance(value, bool):
        raise NormaliseError(f"{value!r} is not a size")
    if isinstance(value, (int, float)):
        return _non_negative_int(value, "size")
    m = _SIZE_RE.match(str(value).lower().replace(",", ""))
    number = _number(m.group(1)) if m else None
    unit = m.group(2) if m else None
    if number is None or unit not in _SIZE_UNITS:
        raise NormaliseError(f"{value!r} is not a size; write it like 500k, 100 MB or 1.5GiB")
    return _non_negative_int(number * _SIZE_UNITS[unit], "size")


# --- durations ---------------------------------------------------------------------------

_DURATION_UNITS: dict[str, int] = {}
for _names, _seconds in (
    (("s", "sec", "secs", "second", "seconds", "秒", "秒钟"), 1),
    (("m", "min", "mins", "minute", "minutes", "分", "分钟"), 60),
    (("h", "hr", "hrs", "hour", "hours", "小时", "个小时", "钟头", "个钟头", "时"), 3600),
    (("d", "day", "days", "天", "日"), 86400),
    (("w", "wk", "wks", "week", "weeks", "周", "星期", "个星期", "礼拜", "个礼拜"), 7 * 86400),
    (("mo", "month", "months", "月", "个月"), 30 * 86400),
    (("y", "yr", "yrs", "year", "years", "年"), 365 * 86400),
):
    for _n in _names:
        _DURATION_UNITS[_n] = _seconds
# A period named relative to now, as the span back to the start of it, rounded to whole units
# ("files I changed today" → the last day; "since yesterday" → the last two days, so that
# yesterday is all in it).
_PERIODS = {"today": 86400, "yesterday": 2 * 86400, "this week": 7 * 86400, "this month": 30 * 86400,
            "this year": 365 * 86400, "今天": 86400, "今日": 86400, "昨天": 2 * 86400, "这周": 7 * 86400,
            "本周": 7 * 86400, "这个星期": 7 * 86400, "这星期": 7 * 86400, "这个月": 30 * 86400,
            "本月": 30 * 86400, "今年": 365 * 86400}
_DURATION_PART = re.compile(_NUM + r"\s*(?:of\s+)?(?:an?\s+)?([a-z]+|[\u4e00-\u9fff]+)")
_CLOCK = re.compile(r"^\s*(\d+):([0-5]\d)(?::([0-5]\d))?\s*$")


def parse_duration(value: object) -> int:
    """``"2h"`` → 7200, ``"90 minutes"`` → 5400, ``"a week"`` → 604800, ``"1:30"`` → 5400,
    ``"today"`` → 86400 (a period back from now)."""
    if isinstance(value, bool):
        raise NormaliseError(f"{value!r} is not a duration")
    if isinstance(value, (int, float)):
        return _non_negative_int(value, "duration")
    text = str(value).strip().lower()
    period = re.sub(r"^(since|from)\s+|^自从?|^从", "", text)
    if period in _PERIODS:
        return _PERIODS[period]
    clock = _CLOCK.match(text)
    if clock:  # h:mm or h:mm:ss
        h, m, s = (int(g) if g else 0 for g in clock.groups())
        return h * 3600 + m * 60 + s
    and_a_half = bool(re.search(r"\band a half\b", text))
    text = re.sub(r"\band a half\b", " ", text)
    text = re.sub(r"\b(and|in|for|about|around|last|past|the|within)\b|[,，和又再过后内以]", " ", text)
    number = _number(text)
    if number is not None:
        return _non_negative_int(number, "duration")
    if text.strip() in _DURATION_UNITS:  # "hour", "week": a unit alone means one of it
        return _DURATION_UNITS[text.strip()]
    total, consumed, last_unit = 0.0, 0, 0
    for m in _DURATION_PART.finditer(text):
        if text[consumed:m.start()].strip():
            break
        amount, unit = _number(m.group(1)), m.group(2).removeprefix("个")
        if unit.startswith("半") and amount is not None:  # 一个半小时: one and a half hours
            amount, unit = amount + 0.5, unit[1:]
        if amount is None or unit not in _DURATION_UNITS:
            break
        last_unit = _DURATION_UNITS[unit]
        total += amount * last_unit
        consumed = m.end()
    if consumed and not text[consumed:].strip():
        return _non_negative_int(total + (0.5 * last_unit if and_a_half else 0), "duration")
    raise NormaliseError(f"{value!r} is not a duration; write it like 90s, 2h, 3 days or a week")


# --- signals, urls, hosts --------------------------------------------------------------

_SIGNAL_WORDS = {"terminate": "TERM", "kill": "KILL", "force": "KILL", "hangup": "HUP",
                 "interrupt": "INT", "stop": "STOP", "pause": "STOP", "continue": "CONT",
                 "resume": "CONT", "reload": "HUP"}


def parse_signal(value: object) -> str:
    """``"SIGTERM"``, ``"term"``, ``15``, ``"kill"`` → ``"TERM"``, ``"TERM"``, ``"TERM"``, ``"KILL"``."""
    text = str(value).strip().upper()
    if text.lstrip("-").isdigit():
        try:
            return _signal.Signals(int(text)).name.removeprefix("SIG")
        except ValueError:
            raise NormaliseError(f"{value!r} is not a signal number") from None
    name = text.removeprefix("SIG")
    if hasattr(_signal, "SIG" + name) and not name.startswith("_"):
        return name
    if text.lower() in _SIGNAL_WORDS:
        return _SIGNAL_WORDS[text.lower()]
    raise NormaliseError(f"{value!r} is not a signal; use TERM, KILL, HUP, INT, STOP or CONT")


def normalise_url(value: object) -> str:
    """``example.com/x`` → ``https://example.com/x``; only http and https."""
    text = str(value).strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise NormaliseError(f"{value!r} is not an http(s) URL")
    if not (re.fullmatch(r"[\w.-]+", parts.hostname) or ":" in parts.hostname):   # a name, IPv4 or IPv6
        raise NormaliseError(f"{value!r} is not an http(s) URL: {parts.hostname!r} is no host name "
                             "(a path? use a path argument)")
    if any(c in text for c in "\x00\r\n\t "):
        raise NormaliseError(f"{value!r}: URLs cannot contain spaces or control characters")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       parts.query, parts.fragment))


def normalise_host(value: object) -> str:
    """Lower-case, no trailing dot, IDNA-encoded; no scheme, path or port tricks."""
    text = str(value).strip()
    if "://" in text:
        text = urlsplit(text).hostname or ""
    text = text.rstrip(".").lower()
    if not text or any(c in text for c in "\x00/@ \t\r\n") or len(text) > 253:
        raise NormaliseError(f"{value!r} is not a host name or address")
    try:
        return text.encode("idna").decode("ascii") if not text.isascii() else text
    except UnicodeError:
        raise NormaliseError(f"{value!r} is not a valid international host name") from None


# --- paths -------------------------------------------------------------------------------

# Well-known folders by the names people use, English and Chinese, mapped to XDG keys.
USER_DIR_NAMES = {
    "desktop": "DESKTOP", "桌面": "DESKTOP",
    "downloads": "DOWNLOAD", "download": "DOWNLOAD", "下载": "DOWNLOAD",
    "documents": "DOCUMENTS", "docs": "DOCUMENTS", "文档": "DOCUMENTS",
    "music": "MUSIC", "音乐": "MUSIC",
    "pictures": "PICTURES", "photos": "PICTURES", "图片": "PICTURES", "照片": "PICTURES",
    "videos": "VIDEOS", "movies": "VIDEOS", "视频": "VIDEOS",
    "templates": "TEMPLATES", "模板": "TEMPLATES",
    "public": "PUBLICSHARE", "公共": "PUBLICSHARE",
}
_XDG_DEFAULTS = {"DESKTOP": "Desktop", "DOWNLOAD": "Downloads", "DOCUMENTS": "Documents",
                 "MUSIC": "Music", "PICTURES": "Pictures", "VIDEOS": "Videos",
                 "TEMPLATES": "Templates", "PUBLICSHARE": "Public"}


def read_user_dirs(home: str) -> dict[str, str]:
    """XDG user dirs from ``~/.config/user-dirs.dirs`` (absolute paths), by key."""
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    dirs: dict[str, str] = {}
    try:
        with open(os.path.join(config, "user-dirs.dirs"), encoding="utf-8") as f:
            for line in f:
                m = re.match(r'^\s*XDG_([A-Z]+)_DIR\s*=\s*"(.*)"\s*$', line)
                if m:
                    dirs[m.group(1)] = m.group(2).replace("$HOME", home)
    except OSError:
        pass
    return dirs


def user_dir(key: str, home: str) -> str:
    """Where the user's folder for ``key`` really is (configured, localised, or default)."""
    configured = read_user_dirs(home).get(key)
    if configured:
        return posixpath.normpath(configured)
    default = os.path.join(home, _XDG_DEFAULTS[key])
    if not os.path.isdir(default):  # a localised home without user-dirs.dirs
        for name, k in USER_DIR_NAMES.items():
            if k == key and os.path.isdir(os.path.join(home, name)) and not name.isascii():
                return os.path.join(home, name)
    return default


def normalise_path(value: object, cwd: str, home: str) -> str:
    """Absolute, lexically normalised path; ``~`` is the caller's home.

    Symlinks are deliberately not resolved here: the policy engine canonicalises
    paths itself, so that what is shown and what is decided agree.  A well-known
    folder named the way people say it (``~/Downloads`` in a home whose download
    folder is ``~/下载``) is mapped to the folder that exists.
    """
    if not isinstance(value, str):
        raise NormaliseError(f"{value!r} is not a path")
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    if not text or "\x00" in text:
        raise NormaliseError("a path cannot be empty or contain NUL bytes")
    if text.startswith("file://"):
        text = text[len("file://"):]
    text = re.sub(r"^\$(HOME\b|\{HOME\})", "~", text)
    if text == "~" or text.startswith("~/"):
        text = home + text[1:]
    elif text.startswith("~"):
        raise NormaliseError(f"{value!r}: other users' homes (~name) are not supported")
    path = posixpath.normpath(text if text.startswith("/") else posixpath.join(cwd, text))
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    return _map_user_dir(path, home)


def _map_user_dir(path: str, home: str) -> str:
    rel = posixpath.relpath(path, home) if path.startswith(home.rstrip("/") + "/") else None
    if rel is None or os.path.exists(path):
        return path
    first, _, rest = rel.partition("/")
    key = USER_DIR_NAMES.get(first.lower())
    if key is None:
        return path
    real = user_dir(key, home)
    if not os.path.isdir(real):  # neither exists: keep what the person said
        return path
    return posixpath.join(real, rest) if rest else real


_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+(?P<tld>[a-z]{2,})(?::\d+)?(?P<rest>/\S*)?$", re.IGNORECASE)
# Suffixes of documents people open by name: "report.pdf" is a file, never the host of a site
# (a few, .zip and .mov, are top-level domains too; a bare name with one means the file).
_FILE_SUFFIXES = frozenset("pdf txt md rst doc docx odt ods odp rtf xls xlsx csv tsv ppt pptx epub png jpg jpeg gif "
                           "webp svg bmp tif tiff heic psd mp3 flac wav ogg m4a mp4 mkv avi mov webm zip tar gz tgz "
                           "xz bz2 7z rar iso img deb rpm log json yaml yml toml xml ini conf cfg py sh js ts html "
                           "htm css c h cpp rs go java rb php sql db sqlite torrent bak srt".split())


def normalise_path_or_url(value: object, cwd: str, home: str) -> str:
    """A URL stays a URL (``example.org`` becomes one unless such a file exists, or its last
    part is a document's suffix: "report.pdf"); else a path."""
    text = str(value).strip()
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) and not text.startswith("file://"):
        return normalise_url(text)
    domain = _DOMAIN.match(text)
    if (domain and not os.path.exists(os.path.join(cwd, text))
            and (domain.group("rest") or domain.group("tld").lower() not in _FILE_SUFFIXES)):
        return normalise_url(text)
    return normalise_path(text, cwd, home)


# --- arguments of one call -------------------------------------------------------------

def _non_negative_int(value: float, what: str) -> int:
    if not math.isfinite(value) or value < 0:
        raise NormaliseError(f"a {what} must be a non-negative number, not {value!r}")
    return int(round(value))


def _coerce(value: Any, prop: dict) -> Any:
    """Strings to the schema's scalar type (``"5"`` → 5, ``"yes"`` → True); others untouched."""
    kind = prop.get("type")
    if not isinstance(value, str):
        return value
    if kind == "integer" and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            return value
    if kind == "boolean" and value.lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return value.lower() in ("true", "yes", "on", "1")
    if "enum" in prop and value not in prop["enum"]:
        folded = {str(e).lower(): e for e in prop["enum"]}
        return folded.get(value.strip().lower(), value)
    return value


def _derived_default(expr: str, args: dict, ctx_home: str) -> Any:
    func, arg = expr[:-1].split("(")
    base = args.get(arg)
    if base is None or is_ref(base):
        return None
    if func == "dirname":
        return posixpath.dirname(base)
    if func == "archive_stem":
        name = posixpath.basename(base)
        for suffix in (".tar.gz", ".tar.xz", ".tar.bz2", ".tgz", ".txz", ".tbz2", ".tar", ".zip"):
            if name.lower().endswith(suffix):
                return posixpath.join(posixpath.dirname(base), name[: -len(suffix)] or "archive")
        return posixpath.join(posixpath.dirname(base), name + ".d")
    if func == "sort_order":       # the way a sort goes when unsaid: biggest and newest first, names A→Z
        return {"size": "desc", "mtime": "desc", "name": "asc"}.get(base)
    if func == "downloads_for":
        name = posixpath.basename(urlsplit(base).path) or "download"
        return posixpath.join(user_dir("DOWNLOAD", ctx_home), name)
    raise NormaliseError(f"unknown x-default function {func}")


def normalise_args(intent: Intent, args: dict, cwd: str, home: str) -> dict:
    """Normalise every argument of one call; ``$ref`` values are left for run time."""
    if not isinstance(args, dict):
        raise NormaliseError(f"{intent.name}: arguments must be an object, not {type(args).__name__}")
    props = intent.properties
    out: dict[str, Any] = {}
    for name, value in args.items():
        prop = props.get(name)
        if prop is None or is_ref(value):
            out[name] = value  # unknown names are reported by validation, with the intent's list
            continue
        out[name] = _normalise_value(intent.name, name, value, prop, cwd, home)
    for name, prop in props.items():
        if name in out:
            continue
        if "default" in prop:
            out[name] = prop["default"]
        elif "x-default" in prop:
            derived = _derived_default(prop["x-default"], out, home)
            if derived is not None:
                out[name] = derived
    return out


def _normalise_value(intent: str, name: str, value: Any, prop: dict, cwd: str, home: str) -> Any:
    fmt = _format_of(prop)
    if prop.get("type") == "array":
        items = value if isinstance(value, list) else [value]
        item_prop = prop.get("items", {}) if isinstance(prop.get("items"), dict) else {}
        return [v if is_ref(v) else _normalise_value(intent, name, v, item_prop, cwd, home) for v in items]
    parse: Callable[[Any], Any] | None = {
        "size": parse_size, "duration": parse_duration, "signal": parse_signal,
        "url": normalise_url, "host": normalise_host,
        "path": lambda v: normalise_path(v, cwd, home),
        "path-or-url": lambda v: normalise_path_or_url(v, cwd, home),
    }.get(fmt or "")
    try:
        return parse(value) if parse else _coerce(value, prop)
    except NormaliseError as e:
        raise NormaliseError(f"{intent}: argument '{name}': {e}") from None
