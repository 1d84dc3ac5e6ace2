"""Symlink-safe filesystem primitives shared by the file, trash and archive handlers.

The rule they enforce: never follow a symbolic link out of the paths a call names.
Paths are resolved one component at a time with ``O_NOFOLLOW`` relative to the
directory fd of the previous component (research/sandbox.md §6), so a link swapped
into a path between the policy check and the operation cannot redirect it.  All
later work happens relative to those directory fds (``dir_fd=``), never by
re-resolving a path string.

Two kinds of link on the way are followed, because refusing them would make a
normal machine unusable and an attacker cannot plant them:

* root-owned links in the first two levels of the tree — the system layout, such as
  ``/home -> var/home`` (Fedora Atomic) or ``/var/run -> ../run``;
* links on the way to the caller's own home (``/home/u -> /data/u``): the home is
  where the user says it is.

Every other link in a path is refused with a message naming it and its target.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
from contextlib import contextmanager
from datetime import datetime
from typing import Iterator, NamedTuple

from llmos.errors import ToolError

_PATH_DIR = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_SYSTEM_LAYOUT_DEPTH = 2        # links at /x and /x/y owned by root are the OS's layout
_COPY_CHUNK = 1 << 20
RENAME_NOREPLACE = 1            # from <linux/fs.h>


# --------------------------------------------------------------------------- messages

def describe_os_error(error: OSError, path: str) -> str:
    """A message for a person, saying what went wrong with ``path`` and what to do."""
    code = error.errno
    if code == errno.ENOENT:
        return f"no such file or folder: {path}"
    if code in (errno.EACCES, errno.EPERM):
        return f"permission denied: {path}"
    if code == errno.EEXIST:
        return f"{path} exists; choose another name"
    if code == errno.ENOTEMPTY:
        return f"{path} exists and is not empty; choose another name"
    if code == errno.ENOSPC:
        return f"no space left on the device holding {path}; free some space and try again"
    if code == errno.EROFS:
        return f"{path} is on a read-only filesystem"
    if code == errno.ELOOP:
        return f"{path} is a symbolic link; llmos does not follow links, name the real file instead"
    if code == errno.ENOTDIR:
        return f"not a folder: {path}"
    if code == errno.EISDIR:
        return f"{path} is a folder"
    if code == errno.ENAMETOOLONG:
        return f"name too long: {path}"
    if code == errno.EBUSY:
        return f"{path} is busy (a mount point or in use)"
    return f"{path}: {error.strerror or error}"


@contextmanager
def os_errors(path: str) -> Iterator[None]:
    """Turn an OSError raised inside the block into a ToolError about ``path``."""
    try:
        yield
    except ToolError:
        raise
    except OSError as error:
        raise ToolError(describe_os_error(error, path)) from error


# --------------------------------------------------------------------------- paths

def components(path: str) -> list[str]:
    """The names making up an absolute path, lexically normalised."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise ToolError(f"not an absolute path: {path!r}")
    if "\0" in path:
        raise ToolError(f"a path may not contain a NUL character: {path!r}")
    return [part for part in os.path.normpath(path).split("/") if part]


def normalise(path: str) -> str:
    return "/" + "/".join(components(path))


def is_within(path: str, folder: str) -> bool:
    """True if ``path`` is ``folder`` or lies below it (lexically)."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _link_is_trusted(walked: str, depth: int, link_stat: os.stat_result, home: str | None) -> bool:
    if depth < _SYSTEM_LAYOUT_DEPTH and link_stat.st_uid == 0:
        return True
    return home is not None and is_within(normalise(home), walked)


def _refuse_link(dir_fd: int, name: str, walked: str) -> ToolError:
    try:
        target = os.readlink(name, dir_fd=dir_fd)
    except OSError:
        target = "?"
    real = os.path.realpath(walked)
    return ToolError(f"{walked} is a symbolic link (to {target}); llmos does not follow links "
                     f"inside the paths it acts on, name the real folder ({real}) instead")


def _open_component(dir_fd: int, name: str, walked: str, depth: int, home: str | None,
                    create: bool, created: list[str] | None) -> int:
    """Open one directory component below ``dir_fd`` without following an untrusted link."""
    try:
        return os.open(name, _PATH_DIR, dir_fd=dir_fd)
    except FileNotFoundError:
        if not create:
            raise ToolError(f"no such folder: {walked}") from None
        with os_errors(walked):
            try:
                os.mkdir(name, 0o777, dir_fd=dir_fd)
                if created is not None:
                    created.append(walked)
            except FileExistsError:
                pass            # someone made it meanwhile; the open below checks what it is
        return _open_component(dir_fd, name, walked, depth, home, False, None)
    except (NotADirectoryError, OSError) as error:
        if isinstance(error, PermissionError):
            raise ToolError(f"permission denied: {walked}") from None
        if not isinstance(error, NotADirectoryError) and error.errno != errno.ELOOP:
            raise ToolError(describe_os_error(error, walked)) from None
    link_stat = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if not stat.S_ISLNK(link_stat.st_mode):
        raise ToolError(f"not a folder: {walked}")
    if not _link_is_trusted(walked, depth, link_stat, home):
        raise _refuse_link(dir_fd, name, walked)
    with os_errors(walked):
        return os.open(name, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=dir_fd)


def open_dir(path: str, *, home: str | None = None, readable: bool = True, create: bool = False,
             created: list[str] | None = None) -> int:
    """An fd for the directory ``path``, walked component by component (see module doc).

    ``readable`` gives an ``O_RDONLY`` fd (needed for listing and fsync) instead of an
    ``O_PATH`` one; ``create`` makes missing components (mkdir -p), appending each
    created path to ``created``.  The caller closes the fd.
    """
    parts = components(path)
    fd = os.open("/", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    walked = ""
    try:
        for depth, name in enumerate(parts):
            walked = f"{walked}/{name}"
            next_fd = _open_component(fd, name, walked, depth, home, create, created)
            os.close(fd)
            fd = next_fd
        if not readable:
            return fd
        with os_errors(walked or "/"):
            readable_fd = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=fd)
        os.close(fd)
        return readable_fd
    except BaseException:
        os.close(fd)
        raise


@contextmanager
def opened_dir(path: str, **kwargs) -> Iterator[int]:
    fd = open_dir(path, **kwargs)
    try:
        yield fd
    finally:
        os.close(fd)


@contextmanager
def opened_parent(path: str, *, home: str | None = None, create: bool = False) -> Iterator[tuple[int, str]]:
    """(fd of the parent directory, last name) for ``path``; ``/`` itself has no parent."""
    parts = components(path)
    if not parts:
        raise ToolError("this cannot be done to the root folder /")
    with opened_dir("/" + "/".join(parts[:-1]), home=home, create=create) as fd:
        yield fd, parts[-1]


def lstat_at(dir_fd: int, name: str) -> os.stat_result | None:
    """lstat of ``name`` in ``dir_fd``, or None if it does not exist."""
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def open_dir_at(dir_fd: int, name: str) -> int:
    """A readable fd for directory ``name`` in ``dir_fd``; a link there is refused (ELOOP/ENOTDIR)."""
    return os.open(name, _READ_DIR, dir_fd=dir_fd)


def kind_of(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISLNK(mode):
        return "symlink"
    return "other"


def iso_time(timestamp: float) -> str:
    """Local time, ISO 8601 with offset, to the second."""
    return datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")


def fsync_dir(dir_fd: int) -> None:
    try:
        os.fsync(dir_fd)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EBADF):   # some filesystems cannot
            raise


# --------------------------------------------------------------------------- rename

_renameat2 = None


def _libc_renameat2():
    global _renameat2
    if _renameat2 is None:
        libc = ctypes.CDLL(None, use_errno=True)
        function = getattr(libc, "renameat2", None)
        if function is not None:
            function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                 ctypes.c_uint]
            function.restype = ctypes.c_int
        _renameat2 = function or False
    return _renameat2


def rename_noreplace(src_dir_fd: int, src: str, dst_dir_fd: int, dst: str) -> None:
    """Rename that fails with FileExistsError instead of replacing ``dst``."""
    function = _libc_renameat2()
    if function:
        if function(src_dir_fd, os.fsencode(src), dst_dir_fd, os.fsencode(dst), RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(code, os.strerror(code), dst)
    # No renameat2 (old kernel, odd filesystem): check, then rename; a narrow race remains.
    if lstat_at(dst_dir_fd, dst) is not None:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), dst)
    os.rename(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)


def temp_name(final_name: str, purpose: str) -> str:
    """A hidden, unpredictable name next to ``final_name`` for build-then-rename."""
    stem = os.fsdecode(os.fsencode(final_name)[:100])
    return f".{stem}.llmos-{purpose}-{os.urandom(6).hex()}"


# --------------------------------------------------------------------------- walking

class TreeEntry(NamedTuple):
    path: str               # absolute path (root path joined with the relative one)
    relative: str           # path below the root, '/'-separated
    depth: int              # 1 for the root's children
    st: os.stat_result      # lstat
    dir_fd: int             # fd of the containing directory, valid only while handling this entry
    name: str


def iter_tree(root_fd: int, root_path: str, *, one_filesystem: bool = True,
              errors: list[str] | None = None) -> Iterator[TreeEntry]:
    """Every entry below the directory ``root_fd`` (not the root), never following links.

    Uses ``os.fwalk`` so each directory is opened relative to its parent's fd.  With
    ``one_filesystem`` it does not descend into other mounts (like ``find -xdev``), so
    ``/proc``-like trees never pollute sizes.  Unreadable folders are skipped and named
    in ``errors``.
    """
    root_dev = os.fstat(root_fd).st_dev

    def on_error(error: OSError) -> None:
        if errors is not None:
            errors.append(describe_os_error(error, error.filename or root_path))

    for dirpath, dirnames, filenames, dir_fd in os.fwalk(".", dir_fd=root_fd, topdown=True,
                                                        follow_symlinks=False, onerror=on_error):
        relative_dir = "" if dirpath == "." else dirpath[2:]
        depth = relative_dir.count("/") + 2 if relative_dir else 1
        descend = []
        for name in sorted(dirnames + filenames):
            st = lstat_at(dir_fd, name)
            if st is None:
                continue        # vanished while we looked
            relative = f"{relative_dir}/{name}" if relative_dir else name
            yield TreeEntry(f"{root_path.rstrip('/')}/{relative}", relative, depth, st, dir_fd, name)
            if stat.S_ISDIR(st.st_mode) and (st.st_dev == root_dev or not one_filesystem):
                descend.append(name)
        dirnames[:] = descend


# --------------------------------------------------------------------------- copy

def _copy_bytes(src_fd: int, dst_fd: int) -> int:
    copied = 0
    try:
        while True:
            count = os.copy_file_range(src_fd, dst_fd, _COPY_CHUNK)
            if count == 0:
                return copied
            copied += count
    except OSError as error:
        if error.errno not in (errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP) or copied:
            raise
    while chunk := os.read(src_fd, _COPY_CHUNK):
        view = memoryview(chunk)
        while view:
            view = view[os.write(dst_fd, view):]
        copied += len(chunk)
    return copied


def copy_file_at(src_dir_fd: int, src_name: str, dst_dir_fd: int, dst_name: str,
                 expected: os.stat_result, src_path: str) -> int:
    """Copy one regular file (never through a link), fsync it; returns bytes copied."""
    with os_errors(src_path):
        src_fd = os.open(src_name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                         dir_fd=src_dir_fd)
    try:
        if not os.path.samestat(os.fstat(src_fd), expected):
            raise ToolError(f"{src_path} changed while being copied; try again")
        dst_fd = os.open(dst_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o600, dir_fd=dst_dir_fd)
        try:
            copied = _copy_bytes(src_fd, dst_fd)
            os.fchmod(dst_fd, stat.S_IMODE(expected.st_mode) & 0o777)
            os.utime(dst_fd, ns=(expected.st_atime_ns, expected.st_mtime_ns))
            os.fsync(dst_fd)
            return copied
        finally:
            os.close(dst_fd)
    finally:
        os.close(src_fd)


def link_stays_inside(link_path: str, target: str, roots: list[str]) -> bool:
    """Whether a link at ``link_path`` with ``target`` resolves inside one of ``roots``.

    Only names are resolved (realpath); no content is read.  Used so that a copied
    link keeps meaning the same thing and cannot point the copy at outside data.
    """
    joined = target if target.startswith("/") else os.path.join(os.path.dirname(link_path), target)
    resolved = os.path.realpath(joined)
    return any(is_within(resolved, root) for root in roots)


class CopyStats:
    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0


def copy_entry_at(src_dir_fd: int, src_name: str, dst_dir_fd: int, dst_name: str, *,
                  src_path: str, roots: list[str] | None, stats: CopyStats) -> None:
    """Copy a file, folder (recursively) or link from one dir fd to another.

    Links are copied as links, never followed.  With ``roots`` (real paths of the named
    sources) set, a link whose target lies outside all of them is refused; with None links are kept verbatim (move).
    Devices, pipes and sockets are refused.
    """
    with os_errors(src_path):
        st = os.stat(src_name, dir_fd=src_dir_fd, follow_symlinks=False)
    if stat.S_ISREG(st.st_mode):
        stats.bytes += copy_file_at(src_dir_fd, src_name, dst_dir_fd, dst_name, st, src_path)
        stats.files += 1
    elif stat.S_ISLNK(st.st_mode):
        target = os.readlink(src_name, dir_fd=src_dir_fd)
        if roots is not None and not link_stays_inside(src_path, target, roots):
            raise ToolError(f"{src_path} is a symbolic link to {target}, outside what is being "
                            f"copied; llmos does not copy links that point outside the sources")
        os.symlink(target, dst_name, dir_fd=dst_dir_fd)
        stats.files += 1
    elif stat.S_ISDIR(st.st_mode):
        _copy_dir_at(src_dir_fd, src_name, dst_dir_fd, dst_name, st, src_path, roots, stats)
    else:
        raise ToolError(f"{src_path} is a device, pipe or socket; only files, folders and links "
                        f"can be copied")


def _copy_dir_at(src_dir_fd: int, src_name: str, dst_dir_fd: int, dst_name: str,
                 st: os.stat_result, src_path: str, roots: list[str] | None, stats: CopyStats) -> None:
    with os_errors(src_path):
        src_fd = open_dir_at(src_dir_fd, src_name)
    try:
        if not os.path.samestat(os.fstat(src_fd), st):
            raise ToolError(f"{src_path} changed while being copied; try again")
        os.mkdir(dst_name, 0o700, dir_fd=dst_dir_fd)
        dst_fd = open_dir_at(dst_dir_fd, dst_name)
        try:
            for name in sorted(os.listdir(src_fd)):
                copy_entry_at(src_fd, name, dst_fd, name, src_path=f"{src_path}/{name}",
                              roots=roots, stats=stats)
            os.fchmod(dst_fd, stat.S_IMODE(st.st_mode) & 0o777 | 0o700)
            os.utime(dst_fd, ns=(st.st_atime_ns, st.st_mtime_ns))
            fsync_dir(dst_fd)
        finally:
            os.close(dst_fd)
    finally:
        os.close(src_fd)


# --------------------------------------------------------------------------- removal

def remove_entry_at(dir_fd: int, name: str, *, path: str, device: int | None = None,
                    dry_run: bool = False, sizes: list[int] | None = None) -> int:
    """Remove a file, link or whole folder below ``dir_fd`` without following links.

    Refuses (ToolError) to enter another filesystem: with ``dry_run`` it only walks and
    checks, so callers can refuse before removing anything.  Returns entries seen;
    ``sizes`` collects the sizes of what is not a folder.
    """
    st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if not stat.S_ISDIR(st.st_mode):
        if sizes is not None:
            sizes.append(st.st_size)
        if not dry_run:
            os.unlink(name, dir_fd=dir_fd)
        return 1
    if device is not None and st.st_dev != device:
        raise ToolError(f"{path} is a mount point (another filesystem); unmount it first, "
                        f"llmos does not delete across filesystems")
    sub_fd = open_dir_at(dir_fd, name)
    count = 1
    try:
        if not os.path.samestat(os.fstat(sub_fd), st):
            raise ToolError(f"{path} changed while being removed; try again")
        for child in os.listdir(sub_fd):
            count += remove_entry_at(sub_fd, child, path=f"{path}/{child}", device=st.st_dev,
                                     dry_run=dry_run, sizes=sizes)
    finally:
        os.close(sub_fd)
    if not dry_run:
        os.rmdir(name, dir_fd=dir_fd)
    return count


def is_mount_point(path: str) -> bool:
    """True if ``path`` is where a filesystem is mounted (differs from its parent)."""
    if normalise(path) == "/":
        return True
    try:
        here = os.stat(path, follow_symlinks=False)
        parent = os.stat(os.path.dirname(normalise(path)), follow_symlinks=False)
    except OSError:
        return False
    if stat.S_ISLNK(here.st_mode):
        return False
    return here.st_dev != parent.st_dev or here.st_ino == parent.st_ino


def protected_reason(path: str, home: str) -> str | None:
    """Why ``path`` must never be deleted, moved or trashed whole, or None."""
    path = normalise(path)
    home = normalise(home)
    real_path, real_home = os.path.realpath(path), os.path.realpath(home)   # home may be a link
    if path == "/" or real_path == "/":
        return "refusing to remove the root folder /"
    if path == home or real_path == real_home:
        return f"refusing to remove your home folder {home}"
    if is_within(home, path) or is_within(real_home, real_path):
        return f"refusing to remove {path}: it contains your home folder {home}"
    if is_mount_point(path):
        return f"refusing to remove {path}: it is a mount point; unmount it first"
    return None
