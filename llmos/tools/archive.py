"""files.compress and files.extract: zip and tar archives that cannot escape.

compress stores names relative to each source's parent, never follows a link (links,
devices, pipes and sockets inside the sources are skipped and listed), and writes the
archive to a temporary name that is renamed into place only when complete.

extract checks every member *before writing anything* and refuses the whole archive
if one member has an absolute name or a ``..`` component, is a link (symbolic or hard —
all links are refused, the simplest rule that is safe), a device, a FIFO, or if the
archive exceeds :data:`MAX_MEMBERS` or :data:`MAX_TOTAL_BYTES` (zip bombs).  It then
writes into a fresh hidden folder beside the destination, through directory fds with
``O_NOFOLLOW``/``O_EXCL``, and renames that folder into place: a failure leaves nothing.
"""

from __future__ import annotations

import os
import stat
import tarfile
import time
import zipfile
from contextlib import ExitStack
from typing import IO, Callable, NamedTuple

from llmos.errors import ToolError
from llmos.tools import Context
from llmos.tools.fsutil import (
    describe_os_error,
    fsync_dir,
    iter_tree,
    lstat_at,
    normalise,
    open_dir_at,
    opened_parent,
    os_errors,
    remove_entry_at,
    rename_noreplace,
    temp_name,
)

MAX_TOTAL_BYTES = 10 * 1024**3      # uncompressed bytes one extraction may write (10 GiB)
MAX_MEMBERS = 100_000               # entries one archive may have
_CHUNK = 1 << 20

# Longest suffix first, so .tar.gz is not mistaken for .gz.
_FORMATS = [(".tar.gz", "w:gz"), (".tgz", "w:gz"), (".tar.xz", "w:xz"), (".txz", "w:xz"),
            (".tar.bz2", "w:bz2"), (".tbz2", "w:bz2"), (".tar", "w"), (".zip", "zip")]


def archive_format(path: str) -> str:
    lower = path.lower()
    for suffix, mode in _FORMATS:
        if lower.endswith(suffix) and len(path) > len(suffix):
            return mode
    raise ToolError(f"cannot tell the archive format of {path}; name it .zip, .tar.gz, .tgz, "
                    f".tar.xz or .tar")


def archive_stem(path: str) -> str:
    """``/a/b.tar.gz`` → ``/a/b`` (the executor's default extraction folder)."""
    lower = path.lower()
    for suffix, _ in _FORMATS:
        if lower.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)]
    stem = os.path.splitext(path)[0]
    return stem if stem != path else path + ".extracted"


# --------------------------------------------------------------------------- compress

class _TarWriter:
    def __init__(self, fileobj: IO[bytes], mode: str) -> None:
        self.archive = tarfile.open(fileobj=fileobj, mode=mode, format=tarfile.PAX_FORMAT)

    def add_dir(self, name: str, st: os.stat_result) -> None:
        info = self._info(name, st, tarfile.DIRTYPE)
        self.archive.addfile(info)

    def add_file(self, name: str, st: os.stat_result, source: IO[bytes]) -> None:
        info = self._info(name, st, tarfile.REGTYPE)
        info.size = st.st_size
        self.archive.addfile(info, source)

    @staticmethod
    def _info(name: str, st: os.stat_result, kind: bytes) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.type = kind
        info.mode = stat.S_IMODE(st.st_mode) & 0o777
        info.mtime = int(st.st_mtime)
        info.uid, info.gid = st.st_uid, st.st_gid
        return info

    def close(self) -> None:
        self.archive.close()


class _ZipWriter:
    def __init__(self, fileobj: IO[bytes]) -> None:
        self.archive = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED)

    @staticmethod
    def _info(name: str, st: os.stat_result, kind: int) -> zipfile.ZipInfo:
        date = time.localtime(max(st.st_mtime, 315532800 + 86400))[:6]     # zip starts in 1980
        info = zipfile.ZipInfo(name, date_time=date)
        info.external_attr = (kind | stat.S_IMODE(st.st_mode) & 0o777) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def add_dir(self, name: str, st: os.stat_result) -> None:
        info = self._info(name + "/", st, stat.S_IFDIR)
        info.external_attr |= 0x10                      # MS-DOS directory flag
        self.archive.writestr(info, b"")

    def add_file(self, name: str, st: os.stat_result, source: IO[bytes]) -> None:
        info = self._info(name, st, stat.S_IFREG)
        info.file_size = st.st_size
        with self.archive.open(info, "w", force_zip64=st.st_size >= zipfile.ZIP64_LIMIT) as out:
            while chunk := source.read(_CHUNK):
                out.write(chunk)

    def close(self) -> None:
        self.archive.close()


def _add_file_at(writer, dir_fd: int, name: str, arcname: str, st: os.stat_result, path: str) -> None:
    with os_errors(path):
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    with os.fdopen(fd, "rb") as source:
        if not os.path.samestat(os.fstat(fd), st):
            raise ToolError(f"{path} changed while being archived; try again")
        writer.add_file(arcname, st, source)


def _add_source(writer, source: str, ctx: Context, exclude: tuple[int, int],
                skipped: list[str]) -> int:
    """Add one named source (file or folder tree); returns the number of members added."""
    with opened_parent(source, home=ctx.home) as (parent_fd, name):
        st = lstat_at(parent_fd, name)
        if st is None:
            raise ToolError(f"no such file or folder: {source}")
        if stat.S_ISREG(st.st_mode):
            _add_file_at(writer, parent_fd, name, name, st, source)
            return 1
        if not stat.S_ISDIR(st.st_mode):
            raise ToolError(f"{source} is not a file or folder (a link, device or pipe); "
                            f"llmos archives only files and folders")
        writer.add_dir(name, st)
        added = 1
        with os_errors(source):
            root_fd = open_dir_at(parent_fd, name)
        try:
            for entry in iter_tree(root_fd, source, errors=skipped):
                arcname = f"{name}/{entry.relative}"
                if (entry.st.st_dev, entry.st.st_ino) == exclude:
                    continue                    # the archive being written, inside a source
                if stat.S_ISDIR(entry.st.st_mode):
                    writer.add_dir(arcname, entry.st)
                elif stat.S_ISREG(entry.st.st_mode):
                    _add_file_at(writer, entry.dir_fd, entry.name, arcname, entry.st, entry.path)
                else:
                    skipped.append(entry.path)  # links are never followed nor stored
                    continue
                added += 1
        finally:
            os.close(root_fd)
        return added


def compress(args: dict, ctx: Context) -> dict:
    """Pack ``sources`` into ``archive`` (format from its suffix); never replaces a file."""
    sources = [normalise(s) for s in args["sources"]]
    archive = normalise(args["archive"])
    mode = archive_format(archive)
    if not sources:
        raise ToolError("nothing to compress: no sources given")
    top_names = [os.path.basename(s) for s in sources]
    if len(set(top_names)) != len(top_names):
        raise ToolError("two sources have the same name; an archive cannot hold both at its top level")
    skipped: list[str] = []
    with opened_parent(archive, home=ctx.home) as (parent_fd, name):
        if lstat_at(parent_fd, name) is not None:
            raise ToolError(f"{archive} exists; choose another name")
        scratch = temp_name(name, "archive")
        with os_errors(archive):
            fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o666, dir_fd=parent_fd)
        try:
            with os.fdopen(fd, "wb") as out:
                st = os.fstat(fd)
                writer = _ZipWriter(out) if mode == "zip" else _TarWriter(out, mode)
                members = sum(_add_source(writer, s, ctx, (st.st_dev, st.st_ino), skipped)
                              for s in sources)
                writer.close()
                out.flush()
                os.fsync(fd)
            with os_errors(archive):
                rename_noreplace(parent_fd, scratch, parent_fd, name)
            fsync_dir(parent_fd)
            size = os.stat(name, dir_fd=parent_fd, follow_symlinks=False).st_size
        except BaseException:
            if lstat_at(parent_fd, scratch) is not None:
                os.unlink(scratch, dir_fd=parent_fd)
            raise
    return {"archive": archive, "paths": [archive], "count": members, "size": size,
            **({"skipped": skipped} if skipped else {})}      # links and specials left out


# --------------------------------------------------------------------------- extract: checking

class _Member(NamedTuple):
    parts: tuple[str, ...]      # safe relative path components
    is_dir: bool
    size: int
    mode: int
    mtime: float
    open: Callable[[], IO[bytes]] | None


def _safe_parts(name: str, archive: str) -> tuple[str, ...]:
    """The components of a member name, or ToolError if it could land outside."""
    if "\0" in name:
        raise ToolError(f"{archive} is refused: a member name contains a NUL character")
    drive = len(name) > 1 and name[0].isalpha() and name[1] == ":" and name[2:3] in ("", "/", "\\")
    if name.startswith(("/", "\\")) or drive:                  # C:\ names, from Windows zips
        raise ToolError(f"{archive} is refused: member {name!r} has an absolute name; "
                        f"nothing was extracted")
    raw_parts = name.replace("\\", "/").split("/")
    if ".." in raw_parts:
        raise ToolError(f"{archive} is refused: member {name!r} climbs out with '..'; "
                        f"nothing was extracted")
    return tuple(part for part in name.split("/") if part not in ("", "."))


def _tar_kind(member: tarfile.TarInfo) -> str | None:
    """None when the member is a plain file or folder, else what it is."""
    if member.isreg() or member.isdir():
        return None
    if member.issym():
        return f"a symbolic link (to {member.linkname})"
    if member.islnk():
        return f"a hard link (to {member.linkname})"
    if member.ischr() or member.isblk():
        return "a device file"
    if member.isfifo():
        return "a FIFO"
    return "a special entry"


def _zip_kind(info: zipfile.ZipInfo) -> str | None:
    file_type = stat.S_IFMT(info.external_attr >> 16)
    if info.flag_bits & 0x1:
        return "encrypted"
    if file_type in (0, stat.S_IFREG, stat.S_IFDIR):
        return None
    if file_type == stat.S_IFLNK:
        return "a symbolic link"
    if file_type in (stat.S_IFCHR, stat.S_IFBLK):
        return "a device file"
    if file_type == stat.S_IFIFO:
        return "a FIFO"
    return "a special entry"


def _refuse_member(archive: str, name: str, kind: str) -> ToolError:
    return ToolError(f"{archive} is refused: member {name!r} is {kind}; llmos extracts only "
                     f"plain files and folders, so nothing was extracted")


def _tar_members(tar: tarfile.TarFile, archive: str) -> list[_Member]:
    members = []
    for count, member in enumerate(tar, start=1):
        if count > MAX_MEMBERS:
            raise ToolError(f"{archive} is refused: more than {MAX_MEMBERS} entries")
        kind = _tar_kind(member)
        if kind:
            raise _refuse_member(archive, member.name, kind)
        parts = _safe_parts(member.name, archive)
        opener = None if member.isdir() else (lambda m=member: tar.extractfile(m))
        members.append(_Member(parts, member.isdir(), 0 if member.isdir() else member.size,
                               member.mode, member.mtime, opener))
    return members


def _zip_members(archive_zip: zipfile.ZipFile, archive: str) -> list[_Member]:
    infos = archive_zip.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ToolError(f"{archive} is refused: more than {MAX_MEMBERS} entries")
    members = []
    for info in infos:
        kind = _zip_kind(info)
        if kind:
            raise _refuse_member(archive, info.filename, kind)
        parts = _safe_parts(info.filename, archive)
        mode = stat.S_IMODE(info.external_attr >> 16) or 0o644
        mtime = time.mktime(info.date_time + (0, 0, -1))
        opener = None if info.is_dir() else (lambda i=info: archive_zip.open(i))
        members.append(_Member(parts, info.is_dir(), 0 if info.is_dir() else info.file_size,
                               mode, mtime, opener))
    return members


def _check_layout(members: list[_Member], archive: str) -> list[_Member]:
    """Refuse duplicates and file/folder conflicts, and archives over the size cap."""
    total = sum(m.size for m in members)
    if total > MAX_TOTAL_BYTES:
        raise ToolError(f"{archive} is refused: it would unpack to {total} bytes, more than the "
                        f"limit of {MAX_TOTAL_BYTES}")
    files, folders = set(), set()
    for member in members:
        if not member.parts:
            continue
        for depth in range(1, len(member.parts)):
            folders.add(member.parts[:depth])
        if member.is_dir:
            folders.add(member.parts)
        elif member.parts in files:
            raise ToolError(f"{archive} is refused: {'/'.join(member.parts)} appears twice")
        else:
            files.add(member.parts)
    clash = files & folders
    if clash:
        raise ToolError(f"{archive} is refused: {'/'.join(sorted(clash)[0])} is both a file and a folder")
    return [m for m in members if m.parts]


# --------------------------------------------------------------------------- extract: writing

def _open_subdir(root_fd: int, parts: tuple[str, ...]) -> int:
    """Open (making as needed) the folder ``parts`` below ``root_fd``, refusing links."""
    fd = os.dup(root_fd)
    try:
        for part in parts:
            try:
                os.mkdir(part, 0o777, dir_fd=fd)
            except FileExistsError:
                pass
            next_fd = open_dir_at(fd, part)
            os.close(fd)
            fd = next_fd
        return fd
    except BaseException:
        os.close(fd)
        raise


def _write_member(root_fd: int, member: _Member, budget: list[int], archive: str) -> None:
    dir_fd = _open_subdir(root_fd, member.parts if member.is_dir else member.parts[:-1])
    try:
        if member.is_dir:
            return
        fd = os.open(member.parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                     | os.O_CLOEXEC, (member.mode & 0o777) | 0o600, dir_fd=dir_fd)
        with ExitStack() as stack:
            stack.callback(os.close, fd)
            source = stack.enter_context(member.open())
            while chunk := source.read(_CHUNK):
                budget[0] -= len(chunk)
                if budget[0] < 0:       # the headers lied about sizes
                    raise ToolError(f"{archive} is refused: it unpacks to more than "
                                    f"{MAX_TOTAL_BYTES} bytes")
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view):]
            os.utime(fd, (member.mtime, member.mtime))
            os.fsync(fd)
    finally:
        os.close(dir_fd)


def _read_members(handle: IO[bytes], archive: str) -> tuple[list[_Member], object]:
    try:
        if archive.lower().endswith(".zip") or (not archive_is_tar(archive) and zipfile.is_zipfile(handle)):
            handle.seek(0)
            opened = zipfile.ZipFile(handle)
            return _zip_members(opened, archive), opened
        handle.seek(0)
        opened = tarfile.open(fileobj=handle, mode="r:*")
        return _tar_members(opened, archive), opened
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        if isinstance(error, OSError) and error.errno:
            raise ToolError(describe_os_error(error, archive)) from error
        raise ToolError(f"{archive} is not a readable zip or tar archive ({error})") from error


def archive_is_tar(path: str) -> bool:
    try:
        return archive_format(path) != "zip"
    except ToolError:
        return False


def _check_destination(parent_fd: int, name: str, destination: str) -> bool:
    """True if an (empty) destination folder already exists; refuse anything else there."""
    st = lstat_at(parent_fd, name)
    if st is None:
        return False
    if not stat.S_ISDIR(st.st_mode):
        raise ToolError(f"destination {destination} exists; choose another name")
    fd = open_dir_at(parent_fd, name)
    try:
        if os.listdir(fd):
            raise ToolError(f"destination {destination} exists and is not empty; choose another name")
    finally:
        os.close(fd)
    return True


def extract(args: dict, ctx: Context) -> dict:
    """Unpack a zip or tar archive into ``destination`` (new or empty), all or nothing."""
    archive = normalise(args["archive"])
    destination = normalise(args.get("destination") or archive_stem(archive))
    with opened_parent(archive, home=ctx.home) as (archive_dir_fd, archive_name), os_errors(archive):
        fd = os.open(archive_name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     dir_fd=archive_dir_fd)
    with os.fdopen(fd, "rb") as handle, ExitStack() as stack:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ToolError(f"{archive} is not a regular file")
        members, opened = _read_members(handle, archive)
        stack.callback(opened.close)
        members = _check_layout(members, archive)
        parent_fd, name = stack.enter_context(opened_parent(destination, home=ctx.home))
        replace_empty = _check_destination(parent_fd, name, destination)
        scratch = temp_name(name, "extract")
        with os_errors(destination):
            os.mkdir(scratch, 0o777, dir_fd=parent_fd)
        try:
            root_fd = open_dir_at(parent_fd, scratch)
            try:
                budget = [MAX_TOTAL_BYTES]
                with os_errors(destination):
                    for member in members:
                        try:
                            _write_member(root_fd, member, budget, archive)
                        except (tarfile.TarError, zipfile.BadZipFile, EOFError) as error:
                            raise ToolError(f"{archive} is damaged ({error}); nothing was "
                                            f"extracted") from error
                fsync_dir(root_fd)
            finally:
                os.close(root_fd)
            with os_errors(destination):
                if replace_empty:       # rename(2) replaces an empty folder atomically
                    os.rename(scratch, name, src_dir_fd=parent_fd, dst_dir_fd=parent_fd)
                else:
                    rename_noreplace(parent_fd, scratch, parent_fd, name)
            fsync_dir(parent_fd)
        except BaseException:
            if lstat_at(parent_fd, scratch) is not None:
                remove_entry_at(parent_fd, scratch, path=f"{destination} (partial)")
            raise
    files = sum(1 for m in members if not m.is_dir)
    top_level = sorted({m.parts[0] for m in members})
    return {"archive": archive, "destination": destination,
            "paths": [f"{destination.rstrip('/')}/{name}" for name in top_level],
            "count": len(members), "files": files, "bytes": sum(m.size for m in members)}
