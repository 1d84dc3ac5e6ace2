"""files.trash, following the freedesktop.org Trash specification (1.0), and its undo.

Home trash: ``$XDG_DATA_HOME/Trash`` (``~/.local/share/Trash``) with ``files/`` and
``info/NAME.trashinfo``.  A file on another filesystem goes to that filesystem's
``$topdir/.Trash/$uid`` (when an administrator made ``.Trash`` sticky) or
``$topdir/.Trash-$uid``; if neither can be used the call is refused — never a silent
delete.  The ``.trashinfo`` is created first with ``O_EXCL`` (it reserves the name),
then the file is renamed into ``files/``.

``restore`` and ``list_trash`` are plain helpers (for tests and a later undo intent).
"""

from __future__ import annotations

import errno
import os
import stat
import time
from contextlib import ExitStack
from urllib.parse import quote, unquote_to_bytes

from llmos.errors import ToolError
from llmos.tools import Context
from llmos.tools.fsutil import (
    describe_os_error,
    fsync_dir,
    is_within,
    lstat_at,
    normalise,
    open_dir,
    opened_dir,
    opened_parent,
    os_errors,
    protected_reason,
    rename_noreplace,
)

INFO_SUFFIX = ".trashinfo"
_MAX_NAME_BYTES = 255 - len(INFO_SUFFIX) - 8     # room for ".trashinfo" and a ".NNNNNN" counter


# --------------------------------------------------------------------------- locations

def home_trash_dir(ctx: Context) -> str:
    """``$XDG_DATA_HOME/Trash`` for the caller's home.

    ``XDG_DATA_HOME`` is honoured only when the environment's HOME is ``ctx.home`` —
    a variable inherited from another home must not send files there.
    """
    home = normalise(ctx.home)
    data_home = os.environ.get("XDG_DATA_HOME", "")
    env_home = os.environ.get("HOME", "")
    if not (data_home.startswith("/") and env_home and normalise(env_home) == home):
        data_home = os.path.join(home, ".local", "share")
    return os.path.join(normalise(data_home), "Trash")


def _mount_top(path: str) -> str:
    """The mount point of the filesystem holding ``path`` (the spec's $topdir)."""
    device = os.stat(path, follow_symlinks=False).st_dev
    current = normalise(path)
    while current != "/":
        parent = os.path.dirname(current)
        if os.stat(parent, follow_symlinks=False).st_dev != device:
            return current
        current = parent
    return "/"


def _prepare_trash(trash: str, ctx: Context, *, create_root: bool) -> None:
    """Make ``trash/files`` and ``trash/info`` (0700) if missing, refusing links on the way."""
    with opened_parent(trash, home=ctx.home, create=create_root) as (parent_fd, name), os_errors(trash):
        try:
            os.mkdir(name, 0o700, dir_fd=parent_fd)
        except FileExistsError:
            pass
        st = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != ctx.uid:
            raise ToolError(f"{trash} is not a folder owned by you; it cannot be used as a trash")
    with opened_dir(trash, home=ctx.home) as trash_fd, os_errors(trash):
        for sub in ("files", "info"):
            try:
                os.mkdir(sub, 0o700, dir_fd=trash_fd)
            except FileExistsError:
                pass


def _admin_trash(top: str, ctx: Context) -> str | None:
    """``$topdir/.Trash/$uid`` when ``.Trash`` is a real sticky folder (spec, method 1)."""
    shared = os.path.join(top, ".Trash")
    try:
        st = os.stat(shared, follow_symlinks=False)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or not st.st_mode & stat.S_ISVTX:
        return None         # the spec says: not usable (and an admin should be told)
    return os.path.join(shared, str(ctx.uid))


def _trash_for(path: str, device: int, ctx: Context) -> tuple[str, str | None]:
    """(trash folder, topdir or None for the home trash) for a file on ``device``."""
    home_trash = home_trash_dir(ctx)
    _prepare_trash(home_trash, ctx, create_root=True)
    if os.stat(home_trash, follow_symlinks=False).st_dev == device:
        return home_trash, None
    top = _mount_top(path)
    for candidate in (_admin_trash(top, ctx), os.path.join(top, f".Trash-{ctx.uid}")):
        if candidate is None:
            continue
        try:
            _prepare_trash(candidate, ctx, create_root=False)
            return candidate, top
        except ToolError:
            continue
    raise ToolError(f"cannot trash {path}: its filesystem ({top}) has no usable trash folder "
                    f"and {top}/.Trash-{ctx.uid} cannot be created; move it to your home first, "
                    f"or use files.delete to delete it permanently")


# --------------------------------------------------------------------------- trashing

def _info_text(original: str, top: str | None) -> bytes:
    # Home trash: absolute path; a topdir trash stores it relative to topdir (spec).
    stored = os.path.relpath(original, top) if top else original
    encoded = quote(os.fsencode(stored), safe="/")
    date = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime())
    return f"[Trash Info]\nPath={encoded}\nDeletionDate={date}\n".encode("ascii")


def _candidate_names(name: str):
    raw = os.fsencode(name)
    if len(raw) > _MAX_NAME_BYTES:
        name = os.fsdecode(raw[:_MAX_NAME_BYTES]).rstrip("\udc80\udcff")
    stem, ext = os.path.splitext(name)
    if not stem:
        stem, ext = name, ""
    yield name
    for counter in range(2, 1_000_000):
        yield f"{stem}.{counter}{ext}"


def _reserve_info(info_fd: int, name: str, text: bytes) -> str:
    """Create info/NAME.trashinfo with O_EXCL for the first free NAME; returns NAME."""
    for candidate in _candidate_names(name):
        try:
            fd = os.open(candidate + INFO_SUFFIX,
                         os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o600, dir_fd=info_fd)
        except FileExistsError:
            continue
        with ExitStack() as stack:
            stack.callback(os.close, fd)
            os.write(fd, text)
            os.fsync(fd)
        return candidate
    raise ToolError(f"could not find a free name in the trash for {name}")


def _trash_one(path: str, ctx: Context) -> dict:
    with opened_parent(path, home=ctx.home) as (parent_fd, name):
        st = lstat_at(parent_fd, name)
        if st is None:
            raise ToolError(f"no such file or folder: {path}")
        trash, top = _trash_for(path, st.st_dev, ctx)
        with opened_dir(os.path.join(trash, "info"), home=ctx.home) as info_fd, \
                opened_dir(os.path.join(trash, "files"), home=ctx.home) as files_fd:
            while True:
                trashed_name = _reserve_info(info_fd, name, _info_text(path, top))
                try:
                    rename_noreplace(parent_fd, name, files_fd, trashed_name)
                    break
                except OSError as error:
                    os.unlink(trashed_name + INFO_SUFFIX, dir_fd=info_fd)
                    if error.errno != errno.EEXIST:   # EEXIST: an orphan in files/, next name
                        raise ToolError(f"cannot trash {path}: {describe_os_error(error, path)}") \
                            from error
            fsync_dir(files_fd)
            fsync_dir(parent_fd)
    return {"path": path, "name": trashed_name, "trash": trash,
            "trashed": os.path.join(trash, "files", trashed_name),
            "info": os.path.join(trash, "info", trashed_name + INFO_SUFFIX)}


def trash(args: dict, ctx: Context) -> dict:
    """Move files and folders to the trash, restorable (``restore``, or a file manager).

    ``paths`` are the original paths (as the manifest says); ``entries`` say where each
    now lies in the trash (``trashed``) and its ``.trashinfo`` (``info``).
    """
    paths = [normalise(p) for p in args["paths"]]
    if not paths:
        raise ToolError("nothing to trash: no paths given")
    home_trash = home_trash_dir(ctx)
    for path in paths:
        reason = protected_reason(path, ctx.home)
        if reason:
            raise ToolError(reason.replace("remove", "trash"))
        in_a_trash = any(part == ".Trash" or part.startswith(".Trash-") for part in path.split("/"))
        if is_within(path, home_trash) or is_within(home_trash, path) or in_a_trash:
            raise ToolError(f"{path} is (or holds) a trash folder; it cannot be trashed itself")
    done = []
    for path in paths:
        try:
            done.append(_trash_one(path, ctx))
        except ToolError as error:
            if not done:
                raise
            raise ToolError(f"{error} (already in the trash: "
                            f"{', '.join(d['path'] for d in done)})") from error
    return {"paths": [d["path"] for d in done], "count": len(done), "entries": done}


# --------------------------------------------------------------------------- reading the trash

def parse_trashinfo(text: str) -> dict:
    """{'path': str (percent-decoded, as stored), 'deletion_date': str} from a .trashinfo."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or lines[0] != "[Trash Info]":
        raise ValueError("not a .trashinfo file (no [Trash Info] header)")
    values = {}
    for line in lines[1:]:
        if line.startswith("["):
            break           # another group: the spec's keys live in the first one
        key, _, value = line.partition("=")
        values.setdefault(key.strip(), value.strip())
    if "Path" not in values:
        raise ValueError("a .trashinfo without Path")
    return {"path": os.fsdecode(unquote_to_bytes(values["Path"])),
            "deletion_date": values.get("DeletionDate", "")}


def _topdir_of(trash: str) -> str:
    parent = os.path.dirname(trash)
    return os.path.dirname(parent) if os.path.basename(parent) == ".Trash" else parent


def list_trash(ctx: Context, trash_dirs: list[str] | None = None) -> list[dict]:
    """Items in the home trash (and ``trash_dirs``), newest first.

    Each: {name, path (original, absolute), deletion_date, trash, trashed_path}.
    """
    items = []
    for trash in trash_dirs or [home_trash_dir(ctx)]:
        info_dir = os.path.join(trash, "info")
        try:
            info_fd = open_dir(info_dir, home=ctx.home)
        except ToolError:
            continue
        try:
            for entry in sorted(os.listdir(info_fd)):
                if not entry.endswith(INFO_SUFFIX):
                    continue
                try:
                    fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=info_fd)
                    with os.fdopen(fd, "rb") as handle:
                        info = parse_trashinfo(handle.read(65536).decode("utf-8", "replace"))
                except (OSError, ValueError):
                    continue        # unreadable or malformed: not ours to judge here
                name = entry[: -len(INFO_SUFFIX)]
                original = info["path"]
                if not original.startswith("/"):
                    original = os.path.join(_topdir_of(trash), original)
                items.append({"name": name, "path": normalise(original),
                              "deletion_date": info["deletion_date"], "trash": trash,
                              "trashed_path": os.path.join(trash, "files", name)})
        finally:
            os.close(info_fd)
    items.sort(key=lambda item: item["deletion_date"], reverse=True)
    return items


def _find_item(target: str, ctx: Context, trash_dirs: list[str] | None) -> dict:
    if target.startswith("/") and "/files/" in target:
        trash = os.path.dirname(os.path.dirname(normalise(target)))
        trash_dirs = [trash] + list(trash_dirs or [home_trash_dir(ctx)])
    items = list_trash(ctx, trash_dirs)
    as_path = normalise(target) if target.startswith("/") else None
    for key, wanted in (("trashed_path", as_path), ("name", target), ("path", as_path)):
        matches = [item for item in items if wanted is not None and item[key] == wanted]
        if matches:
            return matches[0]                           # newest first
    raise ToolError(f"{target} is not in the trash")


def restore(target: str, ctx: Context, trash_dirs: list[str] | None = None) -> dict:
    """Put a trashed item back where it was.

    ``target`` is the name in the trash, its path in ``files/``, or its original path
    (the most recently trashed one wins).  Refuses if something now occupies the
    original path; missing parent folders are recreated.
    """
    item = _find_item(target, ctx, trash_dirs)
    original = item["path"]
    with opened_dir(os.path.join(item["trash"], "files"), home=ctx.home) as files_fd, \
            opened_dir(os.path.join(item["trash"], "info"), home=ctx.home) as info_fd, \
            opened_parent(original, home=ctx.home, create=True) as (parent_fd, name):
        if lstat_at(files_fd, item["name"]) is None:
            raise ToolError(f"the trash entry {item['name']} has no file any more; it cannot be restored")
        try:
            rename_noreplace(files_fd, item["name"], parent_fd, name)
        except OSError as error:
            if error.errno == errno.EEXIST:
                raise ToolError(f"{original} exists; move it away first, then restore again") from error
            raise ToolError(describe_os_error(error, original)) from error
        fsync_dir(parent_fd)
        os.unlink(item["name"] + INFO_SUFFIX, dir_fd=info_fd)
    return {"path": original, "paths": [original], "count": 1, "name": item["name"]}
