import os
import signal

import pytest
from hypothesis import given, strategies as st

from llmos.errors import NormaliseError
from llmos.plan.normalise import (normalise_host, normalise_path, normalise_url, parse_duration,
                                  parse_signal, parse_size)


@pytest.mark.parametrize("text, expected", [
    ("100 MB", 100_000_000), ("1.5GiB", 1_610_612_736), ("500k", 512_000), ("2048", 2048),
    ("1G", 1024 ** 3), ("10 megabytes", 10_000_000), ("3 gigs", 3 * 1024 ** 3), ("100兆", 100 * 1024 ** 2),
    ("0", 0), ("1,024 bytes", 1024), (4096, 4096), ("2 TB", 2 * 1000 ** 4),
])
def test_sizes(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["lots", "100 parsecs", "-5 MB", "", "MB", True, "1e400"])
def test_bad_sizes_say_how_to_write_one(text):
    with pytest.raises(NormaliseError):
        parse_size(text)


@pytest.mark.parametrize("text, expected", [
    ("2h", 7200), ("90 minutes", 5400), ("a week", 604800), ("3 days", 259200), ("1:30", 5400),
    ("45", 45), ("half an hour", 1800), ("an hour and a half", 5400), ("2h30m", 9000),
    ("1.5 hours", 5400), ("in 5 mins", 300), ("couple of days", 172800), ("hour", 3600),
    ("两小时", 7200), ("一个半小时", 5400), ("半小时", 1800), ("10分钟", 600), ("一周", 604800),
    ("3天", 259200), ("十五分钟", 900), ("1 day 2 hours", 93600),
    # a period named relative to now: the span back to its start, in whole units
    ("today", 86400), ("since yesterday", 172800), ("this week", 604800), ("This month", 2592000),
    ("今天", 86400), ("从昨天", 172800), ("本周", 604800), ("今年", 31536000),
])
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["soon", "5 parsecs", "tomorrow-ish", "", "tomorrow", "next week"])
def test_bad_durations(text):
    with pytest.raises(NormaliseError, match="write it like"):
        parse_duration(text)


@pytest.mark.parametrize("text, expected", [
    ("SIGTERM", "TERM"), ("term", "TERM"), (9, "KILL"), ("kill", "KILL"), ("hup", "HUP"),
    ("Stop", "STOP"), ("SIGCONT", "CONT"), ("int", "INT"), ("15", "TERM"),
])
def test_signals(text, expected):
    assert parse_signal(text) == expected


def test_bad_signal():
    with pytest.raises(NormaliseError, match="TERM, KILL"):
        parse_signal("gently")


def test_urls_and_hosts():
    assert normalise_url("Example.com/a b".replace(" ", "%20")) == "https://example.com/a%20b"
    assert normalise_url("http://x.org") == "http://x.org/"
    with pytest.raises(NormaliseError):
        normalise_url("ftp://x.org/f")
    # a host is a name or an address: a path is no URL ("https://~/下载/a.tar.xz")
    with pytest.raises(NormaliseError, match="no host name"):
        normalise_url("~/下载/linux-6.9.tar.xz")
    assert normalise_url("http://192.168.1.10:8080/f") == "http://192.168.1.10:8080/f"
    assert normalise_url("http://[::1]:8080/") == "http://[::1]:8080/"
    assert normalise_url("bücher.de/x") == "https://bücher.de/x"
    assert normalise_host("Example.COM.") == "example.com"
    assert normalise_host("https://github.com/x") == "github.com"
    assert normalise_host("bücher.de") == "xn--bcher-kva.de"
    with pytest.raises(NormaliseError):
        normalise_host("evil\x00.ok.com")


def test_paths(tmp_path):
    home, cwd = "/home/u", "/srv/work"
    assert normalise_path("~", cwd, home) == home
    assert normalise_path("~/My Files/../x y", cwd, home) == "/home/u/x y"
    assert normalise_path("notes/a.txt", cwd, home) == "/srv/work/notes/a.txt"
    assert normalise_path("'~/quoted name'", cwd, home) == "/home/u/quoted name"
    assert normalise_path("$HOME/a", cwd, home) == "/home/u/a"
    assert normalise_path("/a//b/./c/", cwd, home) == "/a/b/c"
    assert normalise_path("文档/报告.txt", cwd, home) == "/srv/work/文档/报告.txt"
    with pytest.raises(NormaliseError):
        normalise_path("a\x00b", cwd, home)
    with pytest.raises(NormaliseError):
        normalise_path("~root/x", cwd, home)


def test_well_known_folder_maps_to_the_localised_one(tmp_path):
    home = tmp_path / "h"
    (home / "下载").mkdir(parents=True)
    assert normalise_path("~/Downloads/a.iso", "/", str(home)) == str(home / "下载" / "a.iso")
    (home / "Downloads").mkdir()
    assert normalise_path("~/Downloads", "/", str(home)) == str(home / "Downloads")
    assert normalise_path("~/Nowhere", "/", str(home)) == str(home / "Nowhere")


def test_user_dirs_file_is_honoured(tmp_path, monkeypatch):
    home = tmp_path / "h"
    (home / "Stuff" / "dl").mkdir(parents=True)
    (home / ".config").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text('XDG_DOWNLOAD_DIR="$HOME/Stuff/dl"\n')
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    assert normalise_path("~/Downloads", "/", str(home)) == str(home / "Stuff" / "dl")


# --- properties ---------------------------------------------------------------------

units = st.sampled_from([("", 1), ("k", 1024), ("K", 1024), ("KiB", 1024), ("kB", 1000), ("MB", 10 ** 6),
                         ("MiB", 2 ** 20), ("M", 2 ** 20), ("G", 2 ** 30), ("GB", 10 ** 9), ("GiB", 2 ** 30),
                         (" bytes", 1), (" megabytes", 10 ** 6)])


@given(st.integers(0, 10 ** 6), units, st.sampled_from(["", " "]))
def test_size_property_integer_times_unit(n, unit, space):
    suffix, mult = unit
    assert parse_size(f"{n}{space}{suffix.strip() if space else suffix}") == n * mult


@given(st.integers(0, 10 ** 9))
def test_size_property_numbers_pass_through(n):
    assert parse_size(n) == n == parse_size(str(n))


@given(st.integers(0, 1000), st.sampled_from([("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
                                                (" seconds", 1), (" minutes", 60), (" hours", 3600),
                                                (" days", 86400), (" weeks", 604800), ("分钟", 60),
                                                ("小时", 3600), ("天", 86400)]))
def test_duration_property_integer_times_unit(n, unit):
    suffix, mult = unit
    assert parse_duration(f"{n}{suffix}") == n * mult


@given(st.lists(st.integers(0, 99), min_size=1, max_size=4))
def test_duration_property_parts_add_up(parts):
    names = ["d", "h", "m", "s"][-len(parts):]
    mults = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    text = "".join(f"{n}{u}" for n, u in zip(parts, names))
    assert parse_duration(text) == sum(n * mults[u] for n, u in zip(parts, names))


segment = st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
                  min_size=1, max_size=8).filter(lambda s: s.strip() == s and s not in (".", "..") and s[0] not in "~$'\"")


@given(st.lists(segment, min_size=1, max_size=5))
def test_path_property_absolute_and_normalised(parts):
    rel = "/".join(parts)
    out = normalise_path(rel, "/base dir", "/home/ü")
    assert out.startswith("/") and os.path.normpath(out) == out
    assert out == os.path.normpath("/base dir/" + rel)
    assert normalise_path("~/" + rel, "/x", "/home/ü") == os.path.normpath("/home/ü/" + rel)


@given(st.lists(segment, min_size=1, max_size=5))
def test_path_property_idempotent(parts):
    once = normalise_path("/".join(parts), "/c", "/h")
    assert normalise_path(once, "/elsewhere", "/h") == once


@given(st.sampled_from([s for s in signal.Signals if s.name.startswith("SIG") and "_" not in s.name]))
def test_signal_property_round_trips(sig):
    name = sig.name.removeprefix("SIG")
    assert parse_signal(sig.name) == parse_signal(name.lower()) == name
    assert parse_signal(int(sig)) == signal.Signals(int(sig)).name.removeprefix("SIG")


def test_path_or_url(tmp_path):
    from llmos.plan.normalise import normalise_path_or_url
    cwd, home = str(tmp_path), "/home/u"
    assert normalise_path_or_url("example.org", cwd, home) == "https://example.org/"
    assert normalise_path_or_url("http://Example.org/a", cwd, home) == "http://example.org/a"
    assert normalise_path_or_url("~/Documents/report.pdf", cwd, home) == "/home/u/Documents/report.pdf"
    assert normalise_path_or_url(".", cwd, home) == cwd
    # a bare name ending in a document's suffix is a file even before it exists
    assert normalise_path_or_url("report.pdf", cwd, home) == str(tmp_path / "report.pdf")
    assert normalise_path_or_url("example.com/report.pdf", cwd, home) == "https://example.com/report.pdf"
    (tmp_path / "notes.md").write_text("x")  # a file whose name looks like a domain stays a file
    assert normalise_path_or_url("notes.md", cwd, home) == str(tmp_path / "notes.md")
    with pytest.raises(NormaliseError):
        normalise_path_or_url("ftp://example.org/x", cwd, home)


def test_an_unsaid_sort_order_is_the_one_the_manifest_documents(tmp_path):
    """files.find: "sort: size" means biggest first, so it normalises as "order: desc" does;
    names sort A→Z; no sort, no order."""
    from llmos.intents import Registry
    from llmos.plan.normalise import normalise_args

    find = Registry().get("files.find")
    home = str(tmp_path)
    for sort, order in (("size", "desc"), ("mtime", "desc"), ("name", "asc")):
        assert normalise_args(find, {"path": "~", "sort": sort}, home, home)["order"] == order
        assert normalise_args(find, {"path": "~", "sort": sort, "order": "asc"}, home, home)["order"] == "asc"
    assert "order" not in normalise_args(find, {"path": "~"}, home, home)
