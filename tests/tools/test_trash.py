"""files.trash and restore, against the freedesktop.org Trash specification."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from llmos.errors import ToolError
from llmos.tools import Context, trash as trash_mod
from llmos.tools.trash import list_trash, parse_trashinfo, restore, trash


def home_trash(home: Path) -> Path:
    return home / ".local" / "share" / "Trash"


def read_info(trash_dir: Path, name: str) -> tuple[str, dict]:
    raw = (trash_dir / "info" / f"{name}.trashinfo").read_text(encoding="ascii")
    return raw, parse_trashinfo(raw)


def test_trash_and_restore_round_trip_with_a_valid_trashinfo(work, ctx, home, make_file):
    original = make_file(work / "my résumé 1.txt", content=b"cv")
    result = trash({"paths": [str(original)]}, ctx)
    trash_dir = home_trash(home)
    assert result["count"] == 1 and result["paths"] == [str(original)]
    assert result["entries"][0]["trashed"] == str(trash_dir / "files" / "my résumé 1.txt")
    assert result["entries"][0]["info"] == str(trash_dir / "info" / "my résumé 1.txt.trashinfo")
    assert not original.exists()
    assert (trash_dir / "files" / "my résumé 1.txt").read_bytes() == b"cv"

    raw, info = read_info(trash_dir, "my résumé 1.txt")
    lines = raw.splitlines()
    assert lines[0] == "[Trash Info]"
    assert "Path=" + str(work).replace(" ", "%20") + "/my%20r%C3%A9sum%C3%A9%201.txt" in lines
    assert re.fullmatch(r"DeletionDate=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", lines[2])
    assert info["path"] == str(original)
    assert stat_mode(trash_dir) == 0o700

    back = restore(str(original), ctx)
    assert back["path"] == str(original) and original.read_bytes() == b"cv"
    assert list(trash_dir.joinpath("info").iterdir()) == []
    assert list(trash_dir.joinpath("files").iterdir()) == []


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_name_collisions_get_unique_names(work, ctx, home, make_file):
    first = make_file(work / "one" / "a.txt", content=b"1")
    second = make_file(work / "two" / "a.txt", content=b"2")
    trash({"paths": [str(first)]}, ctx)
    result = trash({"paths": [str(second)]}, ctx)
    assert result["entries"][0]["name"] == "a.2.txt"
    items = {item["name"]: item["path"] for item in list_trash(ctx)}
    assert items == {"a.txt": str(first), "a.2.txt": str(second)}
    restore("a.2.txt", ctx)
    assert second.read_bytes() == b"2" and not first.exists()


def test_trash_a_folder_and_restore_by_its_trash_path(work, ctx, home, make_file):
    make_file(work / "proj" / "sub" / "f", content=b"f")
    result = trash({"paths": [str(work / "proj")]}, ctx)
    restore(result["entries"][0]["trashed"], ctx)
    assert (work / "proj" / "sub" / "f").read_bytes() == b"f"


def test_restore_refuses_to_overwrite_and_recreates_parents(work, ctx, home, make_file):
    original = make_file(work / "deep" / "x.txt", content=b"old")
    trash({"paths": [str(original)]}, ctx)
    make_file(original, content=b"newer")
    with pytest.raises(ToolError, match="exists"):
        restore(str(original), ctx)
    assert original.read_bytes() == b"newer" and len(list_trash(ctx)) == 1
    original.unlink()
    (work / "deep").rmdir()
    restore(str(original), ctx)
    assert original.read_bytes() == b"old"


def test_trash_a_link_trashes_the_link(work, ctx, home, tmp_path, make_file):
    target = make_file(tmp_path / "target", content=b"keep")
    (work / "link").symlink_to(target)
    trash({"paths": [str(work / "link")]}, ctx)
    assert os.path.islink(home_trash(home) / "files" / "link") and target.exists()


def test_trash_refuses_home_root_and_the_trash_itself(ctx, home, monkeypatch):
    monkeypatch.setattr(trash_mod, "_trash_one", lambda *a: pytest.fail("reached trashing"))
    with pytest.raises(ToolError, match="home folder"):
        trash({"paths": [str(home)]}, ctx)
    with pytest.raises(ToolError, match="root folder"):
        trash({"paths": ["/"]}, ctx)
    with pytest.raises(ToolError, match="trash folder"):
        trash({"paths": [str(home_trash(home))]}, ctx)


def test_missing_file_is_an_error(work, ctx):
    with pytest.raises(ToolError, match="no such file"):
        trash({"paths": [str(work / "missing")]}, ctx)


def test_xdg_data_home_is_used_only_for_the_callers_home(work, ctx, home, make_file, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg"))
    trash({"paths": [str(make_file(work / "a", 1))]}, ctx)
    assert (home / "xdg" / "Trash" / "files" / "a").exists()
    monkeypatch.setenv("HOME", "/somewhere/else")             # the variable is not ours
    trash({"paths": [str(make_file(work / "b", 1))]}, ctx)
    assert (home_trash(home) / "files" / "b").exists()


def test_other_filesystem_uses_its_topdir_trash(other_fs, ctx, make_file):
    original = make_file(other_fs / "far away.txt", content=b"far")
    top = trash_mod._mount_top(str(other_fs))
    topdir_trash = Path(top) / f".Trash-{ctx.uid}"
    existed = topdir_trash.exists()
    try:
        result = trash({"paths": [str(original)]}, ctx)
        entry = result["entries"][0]
        assert Path(entry["trash"]) == topdir_trash and not original.exists()
        raw, info = read_info(topdir_trash, entry["name"])
        assert info["path"] == os.path.relpath(original, top)        # relative to $topdir
        assert "far%20away.txt" in raw
        restore(entry["trashed"], ctx)
        assert original.read_bytes() == b"far"
    finally:
        if not existed:
            for sub in ("files", "info", ""):
                try:
                    (topdir_trash / sub).rmdir()
                except OSError:
                    pass


def test_refuses_clearly_when_no_trash_can_be_made(other_fs, ctx, make_file, monkeypatch):
    original = make_file(other_fs / "f", content=b"stay")
    (other_fs / f".Trash-{ctx.uid}").write_text("not a folder")
    monkeypatch.setattr(trash_mod, "_mount_top", lambda path: str(other_fs))
    with pytest.raises(ToolError, match="no usable trash folder.*files.delete"):
        trash({"paths": [str(original)]}, ctx)
    assert original.read_bytes() == b"stay"


def test_parse_trashinfo_rejects_garbage():
    with pytest.raises(ValueError):
        parse_trashinfo("Path=/x\n")
    assert parse_trashinfo("[Trash Info]\nPath=/a%20b\nDeletionDate=2024-01-02T03:04:05\n") == \
        {"path": "/a b", "deletion_date": "2024-01-02T03:04:05"}


def test_unrelated_context_home_gets_its_own_trash(tmp_path, make_file):
    other_home = tmp_path / "other_home"
    other_home.mkdir()
    ctx = Context(cwd=str(other_home), home=str(other_home), uid=os.getuid())
    f = make_file(other_home / "x", 1)
    trash({"paths": [str(f)]}, ctx)
    assert (home_trash(other_home) / "files" / "x").exists()
