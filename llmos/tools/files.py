"""Handlers for the file intents: find, usage, read, copy, move, delete, mkdir, write.

Every path is opened through :mod:`llmos.tools.fsutil`, which walks it component by
component without following links (see there), and every tree is walked relative to
directory fds.  Nothing silently replaces an existing file: a name clash is an error
that names the file, raised before anything is written.
"""

from __future__ import annotations

import codecs
import errno
import fnmatch
import heapq
import os
import stat
import time
from contextlib import ExitStack

from llmos.errors import ToolError
from llmos.tools import Context
from llmos.tools.fsutil import (
    CopyStats,
    copy_entry_at,
    describe_os_error,
    fsync_dir,
    is_within,
    iso_time,
    iter_tree,
    kind_of,
    lstat_at,
    normalise,
    open_dir,
    opened_dir,
    opened_parent,
    os_errors,
    protected_reason,
    remove_entry_at,
    rename_noreplace,
    temp_name,
)

DEFAULT_FIND_LIMIT = 50
DEFAULT_READ_BYTES = 65536
USAGE_MAX_ENTRIES = 1000        # the breakdown is for a person; the total always counts all


def _entry(path: str, st: os.stat_result) -> dict:
    return {"path": path, "size": st.st_size, "mtime": iso_time(st.st_mtime), "type": kind_of(st.st_mode)}


# --------------------------------------------------------------------------- find

def _find_filter(args: dict, now: float):
    """A predicate over (name, lstat) built from the find arguments."""
    pattern = args.get("name")
    ext = args.get("ext")
    suffix = "." + ext.lower().lstrip(".") if ext else None
    wanted_type = args.get("type")
    larger, smaller = args.get("larger_than"), args.get("smaller_than")
    within, older = args.get("modified_within"), args.get("older_than")

    def matches(name: str, st: os.stat_result) -> bool:
        kind = kind_of(st.st_mode)
        if wanted_type and kind != wanted_type:
            return False
        if pattern and not fnmatch.fnmatchcase(name.lower(), pattern.lower()):
            return False
        if suffix and not name.lower().endswith(suffix):
            return False
        # A folder's own size says nothing about its contents: size filters select files.
        if (larger is not None or smaller is not None) and kind != "file":
            return False
        if larger is not None and not st.st_size > larger:
            return False
        if smaller is not None and not st.st_size < smaller:
            return False
        if within is not None and st.st_mtime < now - within:
            return False
        if older is not None and st.st_mtime >= now - older:
            return False
        return True

    return matches


def _find_order(args: dict):
    """(key function, descending) for the requested sort; path order when none."""
    sort = args.get("sort")
    order = args.get("order") or ("asc" if sort in (None, "name") else "desc")
    keys = {
        "size": lambda item: (item[1].st_size, item[0]),
        "mtime": lambda item: (item[1].st_mtime, item[0]),
        "name": lambda item: (os.path.basename(item[0]).lower(), item[0]),
        None: lambda item: item[0],
    }
    return keys[sort], order == "desc"


def find(args: dict, ctx: Context) -> dict:
    """Files and folders below ``path`` matching the filters, sorted, at most ``limit``."""
    root = normalise(args["path"])
    limit = int(args.get("limit") or DEFAULT_FIND_LIMIT)
    matches = _find_filter(args, time.time())
    key, descending = _find_order(args)
    skipped: list[str] = []
    total = 0

    def candidates():
        nonlocal total
        for entry in iter_tree(root_fd, root, errors=skipped):
            if matches(entry.name, entry.st):
                total += 1
                yield entry.path, entry.st

    with opened_dir(root, home=ctx.home) as root_fd:
        pick = heapq.nlargest if descending else heapq.nsmallest
        best = pick(limit, candidates(), key=key)
    return {
        "path": root,
        "paths": [path for path, _ in best],
        "entries": [_entry(path, st) for path, st in best],
        "total": total,
        "truncated": total > len(best),
        **({"skipped": skipped} if skipped else {}),     # unreadable folders, named
    }


# --------------------------------------------------------------------------- usage

def usage(args: dict, ctx: Context) -> dict:
    """Bytes used below ``path`` (apparent sizes, hard links once, one filesystem).

    ``entries`` break the total down to ``depth`` levels, largest first.
    """
    root = normalise(args["path"])
    depth = int(args.get("depth", 1))
    with opened_parent(root, home=ctx.home) as (parent_fd, name):
        with os_errors(root):
            st = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
    if not stat.S_ISDIR(st.st_mode):
        return {"path": root, "total": st.st_size, "total_bytes": st.st_size, "files": 1,
                "paths": [], "entries": [], "truncated": False}

    sizes: dict[str, int] = {}
    depths: dict[str, int] = {}
    seen_inodes: set[tuple[int, int]] = set()
    skipped: list[str] = []
    total = files = 0
    with opened_dir(root, home=ctx.home) as root_fd:
        for entry in iter_tree(root_fd, root, errors=skipped):
            if entry.depth <= depth:
                sizes.setdefault(entry.path, 0)
                depths[entry.path] = entry.depth
            if stat.S_ISDIR(entry.st.st_mode):
                continue
            inode = (entry.st.st_dev, entry.st.st_ino)
            if entry.st.st_nlink > 1:
                if inode in seen_inodes:
                    continue
                seen_inodes.add(inode)
            files += 1
            total += entry.st.st_size
            parts = entry.relative.split("/")
            for level in range(1, min(depth, len(parts)) + 1):
                sizes[f"{root.rstrip('/')}/{'/'.join(parts[:level])}"] += entry.st.st_size

    ranked = sorted(sizes.items(), key=lambda item: (-item[1], item[0]))
    shown = ranked[:USAGE_MAX_ENTRIES]
    return {
        "path": root,
        "total": total,
        "total_bytes": total,
        "files": files,
        "paths": [path for path, _ in shown],
        "entries": [{"path": path, "size": size, "depth": depths[path]} for path, size in shown],
        "truncated": len(ranked) > len(shown),
        **({"skipped": skipped} if skipped else {}),
    }


# --------------------------------------------------------------------------- read

def _decode(data: bytes, truncated: bool) -> tuple[str, bool]:
    """(text, binary?) — UTF-8 with replacement; a cut multi-byte tail is not 'binary'."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    binary = b"\0" in data
    try:
        text = decoder.decode(data, final=not truncated)
    except UnicodeDecodeError:
        binary = True
        text = data.decode("utf-8", errors="replace")
    return text, binary


def read(args: dict, ctx: Context) -> dict:
    """The first ``max_bytes`` of a regular file, as text; binary content is flagged."""
    path = normalise(args["path"])
    max_bytes = int(args.get("max_bytes") or DEFAULT_READ_BYTES)
    with opened_parent(path, home=ctx.home) as (parent_fd, name), os_errors(path):
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=parent_fd)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ToolError(f"{path} is a folder; use files.find to list it")
        if not stat.S_ISREG(st.st_mode):
            raise ToolError(f"{path} is not a regular file (a device, pipe or socket); it cannot be read")
        chunks, remaining = [], max_bytes + 1          # one more byte tells us it was cut
        with os_errors(path):
            while remaining and (chunk := os.read(fd, min(remaining, 1 << 20))):
                chunks.append(chunk)
                remaining -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    truncated = len(data) > max_bytes
    text, binary = _decode(data[:max_bytes], truncated)
    return {"path": path, "content": text, "size": st.st_size, "truncated": truncated,
            "binary": binary, "encoding": "utf-8", "paths": [path]}


# --------------------------------------------------------------------------- copy / move

def _refuse_protected(path: str, ctx: Context) -> None:
    reason = protected_reason(path, ctx.home)
    if reason:
        raise ToolError(reason)


def _plan_targets(sources: list[str], destination: str, ctx: Context, verb: str):
    """[(source, target dir, target name)] for copy/move, or ToolError before anything is done.

    An existing folder receives the sources inside it; a missing destination is the new
    name of a single source, or a folder to create for several; an existing file is a clash.
    """
    if not sources:
        raise ToolError(f"nothing to {verb}: no sources given")
    sources = [normalise(s) for s in sources]
    destination = normalise(destination)
    with opened_parent(destination, home=ctx.home) as (parent_fd, name):
        dest_st = lstat_at(parent_fd, name)
    if dest_st is not None and stat.S_ISLNK(dest_st.st_mode):
        raise ToolError(f"destination {destination} is a symbolic link; name the real folder instead")
    if dest_st is not None and not stat.S_ISDIR(dest_st.st_mode):
        raise ToolError(f"destination {destination} exists; choose another name")
    into_folder = dest_st is not None or len(sources) > 1
    plan, names = [], set()
    for source in sources:
        if into_folder:
            target_dir, target_name = destination, os.path.basename(source)
        else:
            target_dir, target_name = os.path.dirname(destination), os.path.basename(destination)
        target = f"{target_dir.rstrip('/')}/{target_name}"
        if is_within(target, source):
            raise ToolError(f"cannot {verb} {source} into itself ({destination})")
        if target_name in names:
            raise ToolError(f"two sources are named {target_name}; {verb} them separately")
        names.add(target_name)
        plan.append((source, target_dir, target_name))
    for source in sources if verb == "move" else []:      # moving the outer one moves both
        for other in sources:
            if other != source and is_within(other, source):
                raise ToolError(f"{other} is inside {source}, which is also being moved; "
                                f"name only {source}")
    return plan, destination, dest_st is None and into_folder


def _check_clashes(plan, ctx: Context) -> None:
    """Refuse before anything happens if a target name is taken or a source is missing."""
    for source, target_dir, target_name in plan:
        with opened_parent(source, home=ctx.home) as (parent_fd, name):
            if lstat_at(parent_fd, name) is None:
                raise ToolError(f"no such file or folder: {source}")
        target = f"{target_dir.rstrip('/')}/{target_name}"
        if target == source:
            raise ToolError(f"{source} is already there")
        if os.path.lexists(target):
            raise ToolError(f"{target} exists; choose another destination or name (nothing was changed)")


def _make_destination(destination: str, ctx: Context) -> None:
    with opened_parent(destination, home=ctx.home) as (parent_fd, name), os_errors(destination):
        os.mkdir(name, 0o777, dir_fd=parent_fd)


def _copy_into_place(src_parent_fd: int, src_name: str, source: str, dst_fd: int, target_name: str,
                     target: str, *, roots: list[str] | None, stats: CopyStats) -> None:
    """Copy to a hidden temporary name, then rename to the target without replacing anything."""
    scratch = temp_name(target_name, "copy")
    try:
        copy_entry_at(src_parent_fd, src_name, dst_fd, scratch, src_path=source,
                      roots=roots, stats=stats)
        with os_errors(target):
            rename_noreplace(dst_fd, scratch, dst_fd, target_name)
        fsync_dir(dst_fd)
    except BaseException:
        if lstat_at(dst_fd, scratch) is not None:
            remove_entry_at(dst_fd, scratch, path=f"{target}(partial)")
        raise


def _undo_created(created: list[str], ctx: Context) -> None:
    for path in reversed(created):
        try:
            with opened_parent(path, home=ctx.home) as (parent_fd, name):
                remove_entry_at(parent_fd, name, path=path)
        except (OSError, ToolError):
            pass        # best effort; the original error is what the person needs


def copy(args: dict, ctx: Context) -> dict:
    """Copy files and folders; links are copied as links and must stay inside the sources."""
    plan, destination, create_dest = _plan_targets(args["sources"], args["destination"], ctx, "copy")
    _check_clashes(plan, ctx)
    if create_dest:
        _make_destination(destination, ctx)
    stats, done, entries = CopyStats(), [], []
    source_roots = [os.path.realpath(source) for source, _, _ in plan]
    try:
        for source, target_dir, target_name in plan:
            target = f"{target_dir.rstrip('/')}/{target_name}"
            with opened_parent(source, home=ctx.home) as (src_parent_fd, src_name):
                st = lstat_at(src_parent_fd, src_name)
                if st is not None and stat.S_ISLNK(st.st_mode):
                    raise ToolError(f"{source} is a symbolic link; llmos copies no link named as a "
                                    f"source, name its target ({os.path.realpath(source)}) instead")
                bytes_before = stats.bytes
                with opened_dir(target_dir, home=ctx.home) as dst_fd:
                    _copy_into_place(src_parent_fd, src_name, source, dst_fd, target_name, target,
                                     roots=source_roots, stats=stats)
            done.append(target)
            entries.append({"source": source, "path": target, "size": stats.bytes - bytes_before})
    except BaseException:
        _undo_created(done + ([destination] if create_dest else []), ctx)
        raise
    return {"paths": done, "entries": entries, "count": len(done), "files": stats.files,
            "bytes": stats.bytes,
            "destination": destination, "created_destination": create_dest}


def _move_one(source: str, target_dir: str, target_name: str, ctx: Context) -> str:
    target = f"{target_dir.rstrip('/')}/{target_name}"
    with opened_parent(source, home=ctx.home) as (src_parent_fd, src_name), \
            opened_dir(target_dir, home=ctx.home) as dst_fd:
        try:
            rename_noreplace(src_parent_fd, src_name, dst_fd, target_name)
            fsync_dir(dst_fd)
            return target
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise ToolError(describe_os_error(error, target)) from error
        # Another filesystem: copy (fsynced) to the target, then remove the source.
        st = os.stat(src_name, dir_fd=src_parent_fd, follow_symlinks=False)
        remove_entry_at(src_parent_fd, src_name, path=source, device=st.st_dev, dry_run=True)
        _copy_into_place(src_parent_fd, src_name, source, dst_fd, target_name, target,
                         roots=None, stats=CopyStats())
        with os_errors(source):
            remove_entry_at(src_parent_fd, src_name, path=source, device=st.st_dev)
        fsync_dir(src_parent_fd)
    return target


def move(args: dict, ctx: Context) -> dict:
    """Move (rename) files and folders; across filesystems copy, fsync, then delete."""
    plan, destination, create_dest = _plan_targets(args["sources"], args["destination"], ctx, "move")
    for source, _, _ in plan:
        _refuse_protected(source, ctx)
    _check_clashes(plan, ctx)
    if create_dest:
        _make_destination(destination, ctx)
    done = []
    for source, target_dir, target_name in plan:
        try:
            done.append(_move_one(source, target_dir, target_name, ctx))
        except ToolError as error:
            if not done:
                raise
            raise ToolError(f"{error} (already moved: {', '.join(done)})") from error
    return {"paths": done, "count": len(done), "destination": destination,
            "entries": [{"source": source, "path": target}
                        for (source, _, _), target in zip(plan, done)],
            "created_destination": create_dest}


# --------------------------------------------------------------------------- delete

def delete(args: dict, ctx: Context) -> dict:
    """Permanently remove files and folders (recursively); links are removed, not followed.

    Refuses /, the home folder and what contains it, and mount points — and any folder
    holding a mount point, checked over the whole tree before anything is removed.
    """
    paths = [normalise(p) for p in args["paths"]]
    if not paths:
        raise ToolError("nothing to delete: no paths given")
    for path in paths:
        _refuse_protected(path, ctx)
    described = {}
    for path in paths:                       # check every tree before removing any of them
        with opened_parent(path, home=ctx.home) as (parent_fd, name), os_errors(path):
            st = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
            sizes: list[int] = []
            remove_entry_at(parent_fd, name, path=path, device=st.st_dev, dry_run=True, sizes=sizes)
            described[path] = {"path": path, "type": kind_of(st.st_mode), "size": sum(sizes)}
    removed, entries = [], 0
    for path in paths:
        with opened_parent(path, home=ctx.home) as (parent_fd, name), os_errors(path):
            st = lstat_at(parent_fd, name)
            if st is None:
                continue        # listed twice, or gone meanwhile: the goal is reached
            entries += remove_entry_at(parent_fd, name, path=path, device=st.st_dev)
            fsync_dir(parent_fd)
        removed.append(path)
    return {"paths": removed, "count": len(removed), "entries_removed": entries,
            "entries": [described[path] for path in removed]}


# --------------------------------------------------------------------------- mkdir / write

def mkdir(args: dict, ctx: Context) -> dict:
    """Create a folder and any missing parents; an existing folder is fine."""
    path = normalise(args["path"])
    created: list[str] = []
    fd = open_dir(path, home=ctx.home, create=True, created=created, readable=False)
    os.close(fd)
    return {"path": path, "paths": [path], "created": bool(created), "created_paths": created,
            "count": len(created)}


def _write_atomically(parent_fd: int, name: str, path: str, data: bytes, mode: int | None) -> None:
    """Temp file in the same folder, fsync, rename over the target, fsync the folder."""
    scratch = temp_name(name, "write")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o666, dir_fd=parent_fd)
    try:
        with ExitStack() as cleanup:
            cleanup.callback(os.close, fd)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if mode is not None:
                os.fchmod(fd, mode)
            os.fsync(fd)
        os.rename(scratch, name, src_dir_fd=parent_fd, dst_dir_fd=parent_fd)
    except BaseException:
        try:
            os.unlink(scratch, dir_fd=parent_fd)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(parent_fd)


def _append(parent_fd: int, name: str, path: str, data: bytes) -> None:
    fd = os.open(name, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
                 | os.O_CLOEXEC, 0o666, dir_fd=parent_fd)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ToolError(f"{path} is not a regular file; llmos writes only to files")
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def write(args: dict, ctx: Context) -> dict:
    """Write text to a file (replacing it atomically), or append with ``append``.

    The folder must exist; a link or anything but a regular file at the target is refused.
    """
    path = normalise(args["path"])
    data = str(args["content"]).encode("utf-8")
    append = bool(args.get("append", False))
    with opened_parent(path, home=ctx.home) as (parent_fd, name), os_errors(path):
        st = lstat_at(parent_fd, name)
        if st is not None and stat.S_ISLNK(st.st_mode):
            raise ToolError(f"{path} is a symbolic link; llmos does not write through links, "
                            f"name the real file ({os.path.realpath(path)}) instead")
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise ToolError(f"{path} exists and is not a regular file; choose another name")
        if append:
            _append(parent_fd, name, path, data)
        else:
            _write_atomically(parent_fd, name, path, data,
                              stat.S_IMODE(st.st_mode) if st is not None else None)
        size = os.stat(name, dir_fd=parent_fd, follow_symlinks=False).st_size
    return {"path": path, "paths": [path], "count": 1, "bytes_written": len(data), "size": size,
            "appended": append, "created": st is None}
