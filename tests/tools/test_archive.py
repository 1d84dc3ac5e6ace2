"""files.compress and files.extract: clean round trips, and hostile archives refused whole."""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from llmos.errors import ToolError
from llmos.tools import archive
from llmos.tools.archive import compress, extract


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def project(work: Path, make_file) -> Path:
    folder = work / "project"
    make_file(folder / "readme.md", content=b"# hi\n")
    make_file(folder / "src" / "main.py", content=b"print('hi')\n")
    make_file(folder / "données" / "naïve file.txt", content="é".encode() * 1000)
    (folder / "empty").mkdir()
    return folder


FORMATS = [".zip", ".tar.gz", ".tgz", ".tar.xz", ".tar"]


@pytest.mark.parametrize("suffix", FORMATS)
def test_clean_archive_round_trips(project, work, ctx, make_file, suffix):
    loose = make_file(work / "loose.txt", content=b"loose")
    target = work / f"out{suffix}"
    made = compress({"sources": [str(project), str(loose)], "archive": str(target)}, ctx)
    assert made["paths"] == [str(target)] and made["size"] == target.stat().st_size
    assert made["count"] == 8 and "skipped" not in made
    result = extract({"archive": str(target), "destination": str(work / "unpacked")}, ctx)
    unpacked = work / "unpacked"
    assert result["paths"] == [str(unpacked / "loose.txt"), str(unpacked / "project")]
    assert result["destination"] == str(unpacked) and result["files"] == 4
    unpacked = work / "unpacked"
    assert listing(unpacked) == ["loose.txt"] + ["project/" + p if p else "project"
                                                for p in [""] + listing(project)]
    for relative in listing(project):
        original = project / relative
        if original.is_file():
            assert (unpacked / "project" / relative).read_bytes() == original.read_bytes()
    assert [p.name for p in work.iterdir() if p.name.startswith(".")] == []   # no temporaries


def test_compress_skips_links_and_never_stores_their_targets(project, work, ctx, tmp_path, make_file):
    make_file(tmp_path / "secret", content=b"secret data")
    (project / "leak").symlink_to(tmp_path / "secret")
    made = compress({"sources": [str(project)], "archive": str(work / "p.tar.gz")}, ctx)
    assert made["skipped"] == [str(project / "leak")]
    with tarfile.open(work / "p.tar.gz") as tar:
        assert "project/leak" not in tar.getnames()
        assert all(not m.issym() for m in tar.getmembers())


def test_compress_refuses_existing_archive_and_unknown_suffix(project, work, ctx, make_file):
    make_file(work / "p.zip", content=b"old")
    with pytest.raises(ToolError, match="exists"):
        compress({"sources": [str(project)], "archive": str(work / "p.zip")}, ctx)
    assert (work / "p.zip").read_bytes() == b"old"
    with pytest.raises(ToolError, match="format"):
        compress({"sources": [str(project)], "archive": str(work / "p.rar")}, ctx)


def test_compress_into_the_folder_being_compressed(project, ctx):
    compress({"sources": [str(project)], "archive": str(project / "self.zip")}, ctx)
    with zipfile.ZipFile(project / "self.zip") as z:
        assert not any("self.zip" in n or ".llmos-" in n for n in z.namelist())


def test_extract_default_destination_and_existing_folders(project, work, ctx):
    packed = work / "p.tar.gz"
    compress({"sources": [str(project)], "archive": str(packed)}, ctx)
    result = extract({"archive": str(packed)}, ctx)
    assert result["destination"] == str(work / "p") and (work / "p" / "project" / "readme.md").exists()
    (work / "empty_dest").mkdir()
    extract({"archive": str(packed), "destination": str(work / "empty_dest")}, ctx)
    assert (work / "empty_dest" / "project" / "readme.md").exists()
    with pytest.raises(ToolError, match="not empty"):
        extract({"archive": str(packed), "destination": str(work / "p")}, ctx)


def test_extract_refuses_linked_archive_or_destination_parent(project, work, ctx, tmp_path):
    packed = work / "p.zip"
    compress({"sources": [str(project)], "archive": str(packed)}, ctx)
    (work / "link.zip").symlink_to(packed)
    with pytest.raises(ToolError, match="symbolic link"):
        extract({"archive": str(work / "link.zip"), "destination": str(work / "x")}, ctx)
    (tmp_path / "elsewhere").mkdir()
    (work / "via").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ToolError, match="symbolic link"):
        extract({"archive": str(packed), "destination": str(work / "via" / "x")}, ctx)
    assert listing(tmp_path / "elsewhere") == []


# --------------------------------------------------------------------------- hostile archives

def tar_with(path: Path, hostile: tarfile.TarInfo, data: bytes = b"") -> Path:
    """A tar whose first member is harmless and whose second is ``hostile``."""
    with tarfile.open(path, "w") as tar:
        good = tarfile.TarInfo("good.txt")
        good.size = 4
        tar.addfile(good, io.BytesIO(b"good"))
        hostile.size = len(data) if hostile.isreg() else 0
        tar.addfile(hostile, io.BytesIO(data) if data else None)
    return path


def tar_member(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
        info.devmajor, info.devminor = 1, 3
    return info


def zip_with(path: Path, name: str, data: bytes = b"evil", mode: int | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("good.txt", b"good")
        info = zipfile.ZipInfo(name)
        if mode is not None:
            info.external_attr = mode << 16
        z.writestr(info, data)
    return path


@pytest.fixture
def arena(tmp_path: Path) -> dict:
    """Where the archive lives (work), and an outside folder a hostile entry would reach."""
    work = tmp_path / "arena" / "work"
    work.mkdir(parents=True)
    outside = tmp_path / "arena" / "outside"
    outside.mkdir()
    (outside / "target").write_bytes(b"original")
    return {"work": work, "outside": outside, "before": listing(tmp_path / "arena")}


def hostile_tar_cases(outside: Path) -> dict:
    return {
        "dotdot": (tar_member("../outside/evil.txt"), b"evil"),
        "dotdot-deep": (tar_member("a/../../outside/evil.txt"), b"evil"),
        "absolute": (tar_member(str(outside / "abs.txt")), b"evil"),
        "symlink": (tar_member("link", tarfile.SYMTYPE, str(outside)), b""),
        "hardlink": (tar_member("hard", tarfile.LNKTYPE, str(outside / "target")), b""),
        "device": (tar_member("null", tarfile.CHRTYPE), b""),
        "block-device": (tar_member("disk", tarfile.BLKTYPE), b""),
        "fifo": (tar_member("pipe", tarfile.FIFOTYPE), b""),
    }


@pytest.mark.parametrize("case", ["dotdot", "dotdot-deep", "absolute", "symlink", "hardlink",
                                  "device", "block-device", "fifo"])
def test_hostile_tar_is_refused_with_nothing_written(arena, ctx, tmp_path, case):
    hostile, data = hostile_tar_cases(arena["outside"])[case]
    packed = tar_with(arena["work"] / "bad.tar", hostile, data)
    before = listing(tmp_path / "arena")
    with pytest.raises(ToolError, match="refused"):
        extract({"archive": str(packed), "destination": str(arena["work"] / "bad")}, ctx)
    assert listing(tmp_path / "arena") == before                 # nothing outside, nothing inside
    assert (arena["outside"] / "target").read_bytes() == b"original"


@pytest.mark.parametrize("name, mode", [
    ("../outside/evil.txt", None),
    ("a/../../outside/evil.txt", None),
    ("ABSOLUTE", None),
    ("..\\outside\\evil.txt", None),
    ("link", stat.S_IFLNK | 0o777),
    ("pipe", stat.S_IFIFO | 0o644),
    ("null", stat.S_IFCHR | 0o644),
])
def test_hostile_zip_is_refused_with_nothing_written(arena, ctx, tmp_path, name, mode):
    if name == "ABSOLUTE":
        name = str(arena["outside"] / "abs.txt")
    data = str(arena["outside"]).encode() if mode and stat.S_ISLNK(mode) else b"evil"
    packed = zip_with(arena["work"] / "bad.zip", name, data, mode)
    before = listing(tmp_path / "arena")
    with pytest.raises(ToolError, match="refused"):
        extract({"archive": str(packed), "destination": str(arena["work"] / "bad")}, ctx)
    assert listing(tmp_path / "arena") == before
    assert (arena["outside"] / "target").read_bytes() == b"original"


def test_hostile_tar_gz_is_refused_too(arena, ctx, tmp_path):
    packed = arena["work"] / "bad.tar.gz"
    with tarfile.open(packed, "w:gz") as tar:
        tar.addfile(tar_member("link", tarfile.SYMTYPE, "/etc/passwd"))
    before = listing(tmp_path / "arena")
    with pytest.raises(ToolError, match="symbolic link"):
        extract({"archive": str(packed)}, ctx)
    assert listing(tmp_path / "arena") == before


def test_zip_bomb_limits(arena, ctx, tmp_path, monkeypatch):
    packed = arena["work"] / "bomb.zip"
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros", b"\0" * 100_000)
        z.writestr("more", b"\0" * 100)
    before = listing(tmp_path / "arena")
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 50_000)
    with pytest.raises(ToolError, match="limit"):
        extract({"archive": str(packed)}, ctx)
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 10 * 1024**3)
    monkeypatch.setattr(archive, "MAX_MEMBERS", 1)
    with pytest.raises(ToolError, match="entries"):
        extract({"archive": str(packed)}, ctx)
    assert listing(tmp_path / "arena") == before


def test_lying_size_headers_are_caught_while_writing(arena, ctx, tmp_path, monkeypatch):
    """Sizes are counted as written, not trusted from headers; the partial folder is removed."""
    packed = arena["work"] / "liar.tar"
    with tarfile.open(packed, "w") as tar:
        info = tarfile.TarInfo("big")
        info.size = 1000
        tar.addfile(info, io.BytesIO(b"x" * 1000))
    before = listing(tmp_path / "arena")
    monkeypatch.setattr(archive, "_check_layout", lambda members, name: members)   # headers pass
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 10)
    with pytest.raises(ToolError, match="more than"):
        extract({"archive": str(packed)}, ctx)
    assert listing(tmp_path / "arena") == before


def test_conflicting_and_duplicate_members_are_refused(arena, ctx):
    packed = arena["work"] / "dup.zip"
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("a", b"file")
        z.writestr("a/b", b"under a file")
    with pytest.raises(ToolError, match="both a file and a folder"):
        extract({"archive": str(packed)}, ctx)
    assert not (arena["work"] / "dup").exists()


def test_not_an_archive(arena, ctx):
    junk = arena["work"] / "junk.tar.gz"
    junk.write_bytes(b"this is not gzip")
    with pytest.raises(ToolError, match="not a readable"):
        extract({"archive": str(junk)}, ctx)


def test_archive_stem():
    assert archive.archive_stem("/a/b.tar.gz") == "/a/b"
    assert archive.archive_stem("/a/b.TGZ") == "/a/b"
    assert archive.archive_stem("/a/b.zip") == "/a/b"
    assert archive.archive_stem("/a/b") == "/a/b.extracted"
