"""files.copy, files.move, files.delete, files.mkdir, files.write on real files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from llmos.errors import ToolError
from llmos.tools import files, fsutil


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def src(work: Path, make_file) -> Path:
    """work/src/ with a.txt, sub/b.txt, and an in-tree link sub/to_a -> ../a.txt."""
    folder = work / "src"
    make_file(folder / "a.txt", content=b"alpha", age=1000)
    make_file(folder / "sub" / "b.txt", content=b"beta")
    (folder / "sub" / "to_a").symlink_to("../a.txt")
    return folder


# --------------------------------------------------------------------------- copy

def test_copy_file_and_tree_into_existing_folder(src, work, ctx):
    dest = work / "dest"
    dest.mkdir()
    result = files.copy({"sources": [str(src / "a.txt"), str(src)], "destination": str(dest)}, ctx)
    assert result["paths"] == [str(dest / "a.txt"), str(dest / "src")] and result["count"] == 2
    assert result["entries"][0] == {"source": str(src / "a.txt"), "path": str(dest / "a.txt"), "size": 5}
    assert (dest / "a.txt").read_bytes() == b"alpha"
    assert (dest / "src" / "sub" / "b.txt").read_bytes() == b"beta"
    assert os.readlink(dest / "src" / "sub" / "to_a") == "../a.txt"      # a link stays a link
    assert (dest / "a.txt").stat().st_mtime == pytest.approx((src / "a.txt").stat().st_mtime)
    assert listing(dest) == ["a.txt", "src", "src/a.txt", "src/sub", "src/sub/b.txt", "src/sub/to_a"]


def test_copy_to_a_new_name_and_several_to_a_new_folder(src, work, ctx):
    files.copy({"sources": [str(src / "a.txt")], "destination": str(work / "renamed.txt")}, ctx)
    assert (work / "renamed.txt").read_bytes() == b"alpha"
    result = files.copy({"sources": [str(src / "a.txt"), str(src / "sub")],
                         "destination": str(work / "fresh")}, ctx)
    assert result["created_destination"] is True
    assert listing(work / "fresh") == ["a.txt", "sub", "sub/b.txt", "sub/to_a"]


def test_copy_clash_is_refused_and_nothing_is_lost(src, work, ctx, make_file):
    dest = work / "dest"
    make_file(dest / "a.txt", content=b"precious")
    with pytest.raises(ToolError, match=f"{dest / 'a.txt'} exists"):
        files.copy({"sources": [str(src / "sub"), str(src / "a.txt")], "destination": str(dest)}, ctx)
    assert (dest / "a.txt").read_bytes() == b"precious"
    assert listing(dest) == ["a.txt"]            # the other source was not copied either
    with pytest.raises(ToolError, match="exists"):
        files.copy({"sources": [str(src / "sub")], "destination": str(dest / "a.txt")}, ctx)


def test_copy_refuses_links_pointing_outside_and_leaves_nothing(src, work, ctx, tmp_path, make_file):
    make_file(tmp_path / "secret", content=b"do not copy")
    (src / "sub" / "leak").symlink_to(tmp_path / "secret")
    dest = work / "dest"
    dest.mkdir()
    with pytest.raises(ToolError, match="outside"):
        files.copy({"sources": [str(src)], "destination": str(dest)}, ctx)
    assert listing(dest) == []                   # no partial copy, no temporary left


def test_copy_refuses_a_named_link_and_copy_into_itself(src, work, ctx):
    (work / "link").symlink_to(src / "a.txt")
    with pytest.raises(ToolError, match="symbolic link"):
        files.copy({"sources": [str(work / "link")], "destination": str(work / "x")}, ctx)
    assert not (work / "x").exists()
    with pytest.raises(ToolError, match="into itself"):
        files.copy({"sources": [str(src)], "destination": str(src / "sub")}, ctx)


def test_copy_refuses_a_device_pipe(work, ctx):
    os.mkfifo(work / "pipe")
    with pytest.raises(ToolError, match="pipe"):
        files.copy({"sources": [str(work / "pipe")], "destination": str(work / "p2")}, ctx)
    assert not (work / "p2").exists()


def test_copy_across_filesystems(src, other_fs, ctx):
    result = files.copy({"sources": [str(src)], "destination": str(other_fs)}, ctx)
    assert result["paths"] == [str(other_fs / "src")]
    assert (other_fs / "src" / "sub" / "b.txt").read_bytes() == b"beta"


# --------------------------------------------------------------------------- move

def test_move_within_a_filesystem(src, work, ctx):
    dest = work / "dest"
    dest.mkdir()
    result = files.move({"sources": [str(src)], "destination": str(dest)}, ctx)
    assert result["paths"] == [str(dest / "src")]
    assert result["entries"] == [{"source": str(src), "path": str(dest / "src")}]
    assert not src.exists()
    assert os.readlink(dest / "src" / "sub" / "to_a") == "../a.txt"


def test_move_clash_is_refused_and_nothing_is_lost(src, work, ctx, make_file):
    make_file(work / "dest" / "a.txt", content=b"precious")
    with pytest.raises(ToolError, match="exists"):
        files.move({"sources": [str(src / "a.txt")], "destination": str(work / "dest")}, ctx)
    assert (src / "a.txt").read_bytes() == b"alpha"
    assert (work / "dest" / "a.txt").read_bytes() == b"precious"


def test_move_across_filesystems_copies_then_deletes(src, other_fs, ctx, tmp_path):
    (src / "abs_link").symlink_to(tmp_path / "anywhere")        # move keeps links verbatim
    files.move({"sources": [str(src)], "destination": str(other_fs / "moved")}, ctx)
    assert not src.exists()
    assert (other_fs / "moved" / "a.txt").read_bytes() == b"alpha"
    assert os.readlink(other_fs / "moved" / "abs_link") == str(tmp_path / "anywhere")
    back = files.move({"sources": [str(other_fs / "moved" / "a.txt")],
                       "destination": str(src.parent)}, ctx)
    assert back["paths"] == [str(src.parent / "a.txt")] and (src.parent / "a.txt").exists()


def test_move_refuses_home(ctx, work):
    with pytest.raises(ToolError, match="home"):
        files.move({"sources": [ctx.home], "destination": str(work)}, ctx)


# --------------------------------------------------------------------------- delete

def test_delete_files_folders_and_links(src, work, ctx, tmp_path, make_file):
    target = make_file(tmp_path / "target", content=b"keep me")
    (work / "link").symlink_to(target)
    result = files.delete({"paths": [str(src), str(work / "link")]}, ctx)
    assert result["count"] == 2 and result["paths"] == [str(src), str(work / "link")]
    assert result["entries"][0] == {"path": str(src), "type": "dir", "size": 9 + len("../a.txt")}
    assert result["entries"][1]["type"] == "symlink"
    assert not src.exists() and not os.path.lexists(work / "link")
    assert target.read_bytes() == b"keep me"                   # the link, not its target


@pytest.fixture
def no_removal(monkeypatch):
    """Make any actual removal fail the test: refusals must come first."""
    def explode(*args, **kwargs):
        if not kwargs.get("dry_run"):
            raise AssertionError("a protected path reached removal")
        return 0
    monkeypatch.setattr(files, "remove_entry_at", explode)


def test_delete_refuses_root_home_and_what_holds_home(ctx, tmp_path, no_removal):
    with pytest.raises(ToolError, match="root folder"):
        files.delete({"paths": ["/"]}, ctx)
    with pytest.raises(ToolError, match="home folder"):
        files.delete({"paths": [ctx.home]}, ctx)
    with pytest.raises(ToolError, match="contains your home"):
        files.delete({"paths": [str(tmp_path)]}, ctx)


def test_delete_refuses_mount_points(ctx, no_removal):
    assert fsutil.is_mount_point("/proc")
    with pytest.raises(ToolError, match="mount point"):
        files.delete({"paths": ["/proc"]}, ctx)


def test_delete_refuses_the_real_home_behind_a_linked_home(tmp_path, no_removal):
    from llmos.tools import Context
    real = tmp_path / "data" / "u"
    real.mkdir(parents=True)
    (tmp_path / "u").symlink_to(real)
    ctx = Context(cwd=str(real), home=str(tmp_path / "u"), uid=os.getuid())
    with pytest.raises(ToolError, match="home folder"):
        files.delete({"paths": [str(real)]}, ctx)
    with pytest.raises(ToolError, match="contains your home"):
        files.delete({"paths": [str(tmp_path / "data")]}, ctx)


def test_delete_checks_every_path_before_removing_any(src, work, ctx):
    with pytest.raises(ToolError, match="no such file"):
        files.delete({"paths": [str(src / "a.txt"), str(work / "missing")]}, ctx)
    assert (src / "a.txt").exists()


def test_delete_through_a_linked_parent_is_refused(src, work, ctx, tmp_path, make_file):
    victim = make_file(tmp_path / "elsewhere" / "victim", content=b"x")
    (work / "via").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ToolError, match="symbolic link"):
        files.delete({"paths": [str(work / "via" / "victim")]}, ctx)
    assert victim.exists()


# --------------------------------------------------------------------------- mkdir

def test_mkdir_makes_parents_and_is_idempotent(work, ctx):
    result = files.mkdir({"path": str(work / "x" / "y")}, ctx)
    assert (work / "x" / "y").is_dir()
    assert result["created"] is True and result["count"] == 2
    assert result["created_paths"] == [str(work / "x"), str(work / "x" / "y")]
    again = files.mkdir({"path": str(work / "x" / "y")}, ctx)
    assert again["created"] is False and again["paths"] == [str(work / "x" / "y")]


def test_mkdir_refuses_links_and_files_on_the_way(work, ctx, tmp_path, make_file):
    (tmp_path / "elsewhere").mkdir()
    (work / "via").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ToolError, match="symbolic link"):
        files.mkdir({"path": str(work / "via" / "new")}, ctx)
    assert not (tmp_path / "elsewhere" / "new").exists()
    make_file(work / "file")
    with pytest.raises(ToolError, match="not a folder"):
        files.mkdir({"path": str(work / "file" / "new")}, ctx)


# --------------------------------------------------------------------------- write

def test_write_creates_replaces_and_appends(work, ctx):
    path = work / "notes.txt"
    first = files.write({"path": str(path), "content": "one\n", "append": False}, ctx)
    assert first["created"] is True and first["bytes_written"] == 4 and first["size"] == 4
    assert path.read_text() == "one\n"
    os.chmod(path, 0o640)
    files.write({"path": str(path), "content": "two\n"}, ctx)
    assert path.read_text() == "two\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640         # replacing keeps the mode
    appended = files.write({"path": str(path), "content": "три\n", "append": True}, ctx)
    assert appended["size"] == 4 + len("три\n".encode())
    assert path.read_text() == "two\nтри\n"
    assert listing(work) == ["notes.txt"]                     # no temporary file left


def test_write_is_atomic_a_failure_leaves_the_old_content(work, ctx, monkeypatch):
    path = work / "notes.txt"
    path.write_text("old")
    real_fsync = os.fsync

    def failing_fsync(fd):
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".notes.txt.llmos"):
            raise OSError(28, "No space left on device")
        return real_fsync(fd)
    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(ToolError, match="no space"):
        files.write({"path": str(path), "content": "new"}, ctx)
    assert path.read_text() == "old" and listing(work) == ["notes.txt"]


def test_write_refuses_a_link_at_the_target(work, ctx, tmp_path, make_file):
    target = make_file(tmp_path / "bashrc", content=b"original")
    (work / "notes.txt").symlink_to(target)
    for append in (False, True):
        with pytest.raises(ToolError, match="symbolic link"):
            files.write({"path": str(work / "notes.txt"), "content": "evil", "append": append}, ctx)
    assert target.read_bytes() == b"original"
    assert os.path.islink(work / "notes.txt")


def test_write_refuses_a_link_in_the_parent_path(work, ctx, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (work / "via").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ToolError, match="symbolic link"):
        files.write({"path": str(work / "via" / "f.txt"), "content": "x"}, ctx)
    assert listing(tmp_path / "elsewhere") == []


def test_write_needs_an_existing_folder(work, ctx):
    with pytest.raises(ToolError, match="no such folder"):
        files.write({"path": str(work / "nope" / "f.txt"), "content": "x"}, ctx)


def test_link_swapped_in_after_opening_the_parent_cannot_redirect(work, ctx, tmp_path, monkeypatch):
    """The write resolves the target relative to the parent's fd, never by path again."""
    (work / "d").mkdir()
    (tmp_path / "elsewhere").mkdir()
    real_write_atomically = files._write_atomically

    def swap_then_write(parent_fd, name, path, data, mode):
        os.rename(work / "d", work / "d_moved")
        (work / "d").symlink_to(tmp_path / "elsewhere")          # the attacker's swap
        return real_write_atomically(parent_fd, name, path, data, mode)
    monkeypatch.setattr(files, "_write_atomically", swap_then_write)
    files.write({"path": str(work / "d" / "f.txt"), "content": "x"}, ctx)
    assert listing(tmp_path / "elsewhere") == []
    assert (work / "d_moved" / "f.txt").read_text() == "x"
