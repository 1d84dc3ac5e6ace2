"""files.find, files.usage, files.read on real files in temporary folders."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path

import pytest

from llmos.errors import ToolError
from llmos.tools import files

DAY = 86400


@pytest.fixture
def tree(work: Path, make_file) -> Path:
    """work/ with files of known sizes and ages:

    a.txt 100 B 10 days old, b.log 5000 B 1 hour, sub/c.txt 2000 B 2 days,
    sub/d.PDF 300000 B now, empty/ (a folder).
    """
    make_file(work / "a.txt", 100, age=10 * DAY)
    make_file(work / "b.log", 5000, age=3600)
    make_file(work / "sub" / "c.txt", 2000, age=2 * DAY)
    make_file(work / "sub" / "d.PDF", 300_000)
    (work / "empty").mkdir()
    return work


def names(result: dict) -> list[str]:
    return [os.path.basename(p) for p in result["paths"]]


# --------------------------------------------------------------------------- find

def test_find_biggest_files_sorted_and_limited(tree, ctx):
    result = files.find({"path": str(tree), "type": "file", "sort": "size", "order": "desc",
                         "limit": 2}, ctx)
    assert names(result) == ["d.PDF", "b.log"]
    assert result["total"] == 4 and result["truncated"] is True
    assert [e["size"] for e in result["entries"]] == [300_000, 5000]
    json.dumps(result)      # JSON all the way


def test_find_sort_defaults_desc_for_size_and_asc_for_name(tree, ctx):
    by_size = files.find({"path": str(tree), "type": "file", "sort": "size"}, ctx)
    assert names(by_size) == ["d.PDF", "b.log", "c.txt", "a.txt"]
    ascending = files.find({"path": str(tree), "type": "file", "sort": "size", "order": "asc"}, ctx)
    assert names(ascending) == ["a.txt", "c.txt", "b.log", "d.PDF"]
    by_name = files.find({"path": str(tree), "sort": "name"}, ctx)
    assert names(by_name) == ["a.txt", "b.log", "c.txt", "d.PDF", "empty", "sub"]
    newest = files.find({"path": str(tree), "type": "file", "sort": "mtime"}, ctx)
    assert names(newest) == ["d.PDF", "b.log", "c.txt", "a.txt"]


def test_find_by_extension_and_glob_ignore_case(tree, ctx):
    assert sorted(names(files.find({"path": str(tree), "ext": "txt"}, ctx))) == ["a.txt", "c.txt"]
    assert names(files.find({"path": str(tree), "ext": ".pdf"}, ctx)) == ["d.PDF"]
    assert names(files.find({"path": str(tree), "name": "*.LOG"}, ctx)) == ["b.log"]


def test_find_by_size_selects_files_only(tree, ctx):
    result = files.find({"path": str(tree), "larger_than": 1000, "smaller_than": 10_000,
                         "sort": "size"}, ctx)
    assert names(result) == ["b.log", "c.txt"]


def test_find_by_age(tree, ctx):
    recent = files.find({"path": str(tree), "type": "file", "modified_within": DAY}, ctx)
    assert sorted(names(recent)) == ["b.log", "d.PDF"]
    old = files.find({"path": str(tree), "older_than": DAY}, ctx)
    assert sorted(names(old)) == ["a.txt", "c.txt"]


def test_find_type_dir_and_entry_fields(tree, ctx):
    result = files.find({"path": str(tree), "type": "dir"}, ctx)
    assert names(result) == ["empty", "sub"]
    entry = files.find({"path": str(tree), "name": "a.txt"}, ctx)["entries"][0]
    assert entry["path"] == str(tree / "a.txt") and entry["type"] == "file" and entry["size"] == 100
    assert abs(datetime.fromisoformat(entry["mtime"]).timestamp()
               - (tree / "a.txt").stat().st_mtime) < 1


def test_find_does_not_follow_links_out_of_the_tree(tree, ctx, tmp_path, make_file):
    outside = tmp_path / "outside"
    make_file(outside / "secret.bin", 10_000_000)
    (tree / "to_outside").symlink_to(outside)
    (tree / "big_link").symlink_to(outside / "secret.bin")
    everything = files.find({"path": str(tree), "limit": 1000}, ctx)
    assert not any("secret" in p for p in everything["paths"])
    kinds = {os.path.basename(e["path"]): e["type"] for e in everything["entries"]}
    assert kinds["to_outside"] == "symlink" and kinds["big_link"] == "symlink"
    largest = files.find({"path": str(tree), "larger_than": 1_000_000}, ctx)
    assert largest["paths"] == []


def test_find_refuses_a_linked_or_missing_root(tree, ctx, tmp_path):
    (tmp_path / "link_to_tree").symlink_to(tree)
    with pytest.raises(ToolError, match="symbolic link"):
        files.find({"path": str(tmp_path / "link_to_tree")}, ctx)
    with pytest.raises(ToolError, match="no such folder"):
        files.find({"path": str(tree / "nope")}, ctx)


def test_find_follows_links_on_the_way_to_home(tmp_path, make_file):
    """A home that is itself a link (/home/u -> /data/u) still works."""
    from llmos.tools import Context
    real = tmp_path / "data" / "u"
    make_file(real / "x.txt", 10)
    linked = tmp_path / "homes_u"
    linked.symlink_to(real)
    ctx = Context(cwd=str(linked), home=str(linked), uid=os.getuid())
    assert names(files.find({"path": str(linked)}, ctx)) == ["x.txt"]


# --------------------------------------------------------------------------- usage

def test_usage_totals_and_breakdown(work, ctx, make_file, tmp_path):
    make_file(work / "a", 100)
    make_file(work / "sub" / "c", 2000)
    make_file(work / "sub" / "deep" / "e", 50)
    os.link(work / "sub" / "c", work / "sub" / "c_again")       # counted once
    make_file(tmp_path / "outside" / "huge", 1_000_000)
    (work / "link").symlink_to(tmp_path / "outside")            # not followed

    one = files.usage({"path": str(work), "depth": 1}, ctx)
    link_size = len(str(tmp_path / "outside"))
    assert one["total_bytes"] == one["total"] == 2150 + link_size
    assert one["entries"][0] == {"path": str(work / "sub"), "size": 2050, "depth": 1}
    assert [e["size"] for e in one["entries"]] == sorted((e["size"] for e in one["entries"]), reverse=True)
    assert one["paths"][0] == str(work / "sub")

    two = files.usage({"path": str(work), "depth": 2}, ctx)
    sizes = {e["path"]: e["size"] for e in two["entries"]}
    assert sizes[str(work / "sub" / "deep")] == 50
    assert files.usage({"path": str(work), "depth": 0}, ctx)["entries"] == []


def test_usage_of_a_file(work, ctx, make_file):
    make_file(work / "f", 1234)
    assert files.usage({"path": str(work / "f"), "depth": 1}, ctx)["total_bytes"] == 1234


# --------------------------------------------------------------------------- read

def test_read_text(work, ctx, make_file):
    make_file(work / "t.txt", content="hello world\n".encode())
    result = files.read({"path": str(work / "t.txt"), "max_bytes": 65536}, ctx)
    assert result["content"] == "hello world\n"
    assert result["size"] == 12 and result["truncated"] is False and result["binary"] is False


def test_read_truncates_without_breaking_a_character(work, ctx, make_file):
    make_file(work / "t.txt", content="héllo wörld".encode())
    cut = files.read({"path": str(work / "t.txt"), "max_bytes": 2}, ctx)
    assert cut["content"] == "h" and cut["truncated"] is True and cut["binary"] is False
    five = files.read({"path": str(work / "t.txt"), "max_bytes": 6}, ctx)
    assert five["content"] == "héllo" and five["size"] == len("héllo wörld".encode())


def test_read_flags_binary(work, ctx, make_file):
    make_file(work / "b.bin", content=b"\x00\x01\xff\xfeabc")
    result = files.read({"path": str(work / "b.bin")}, ctx)
    assert result["binary"] is True and "abc" in result["content"]
    json.dumps(result)


def test_read_refuses_links_folders_and_missing(work, ctx, make_file, tmp_path):
    make_file(tmp_path / "secret", content=b"top secret")
    (work / "link").symlink_to(tmp_path / "secret")
    with pytest.raises(ToolError, match="symbolic link"):
        files.read({"path": str(work / "link")}, ctx)
    with pytest.raises(ToolError, match="folder"):
        files.read({"path": str(work)}, ctx)
    with pytest.raises(ToolError, match="no such file"):
        files.read({"path": str(work / "missing")}, ctx)


def test_read_refuses_a_fifo_without_hanging(work, ctx):
    os.mkfifo(work / "pipe")
    with pytest.raises(ToolError, match="not a regular file"):
        files.read({"path": str(work / "pipe")}, ctx)


def test_iso_mtime_format(tree, ctx):
    entry = files.find({"path": str(tree), "name": "b.log"}, ctx)["entries"][0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", entry["mtime"])
