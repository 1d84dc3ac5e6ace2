"""One cgroup per call: limits (pids, memory) and a whole-tree kill.

Hybrid hosts (v1 controllers plus a controller-less cgroup2 at
/sys/fs/cgroup/unified) are the common case here: cgroup2 then contributes
only ``cgroup.kill`` and membership, v1 ``pids``/``memory`` the limits and v1
``freezer`` the fallback kill.  A job cgroup is made beneath the caller's own
cgroup in each hierarchy, so nesting (and any delegation) is respected.
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from dataclasses import dataclass, field

_counter = itertools.count()


class CgroupError(OSError):
    pass


@dataclass(frozen=True)
class Hierarchy:
    mount: str               # mount point
    own: str                 # this process's cgroup path within it
    controllers: frozenset   # v1: controllers bound there; v2: cgroup.controllers of `own`
    v2: bool

    @property
    def base(self) -> str:
        return os.path.join(self.mount, self.own.lstrip("/"))


def discover() -> list[Hierarchy]:
    """The cgroup hierarchies this process can see, from mountinfo and /proc/self/cgroup."""
    own_v1, own_v2 = {}, None
    with open("/proc/self/cgroup") as f:
        for line in f:
            hid, ctrls, path = line.rstrip("\n").split(":", 2)
            if hid == "0" and ctrls == "":
                own_v2 = path
            else:
                for c in ctrls.split(","):
                    own_v1[c] = path
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            mount = left.split()[4]
            fstype, _src, opts = right.split()[:3]
            if fstype == "cgroup2" and own_v2 is not None:
                try:
                    with open(os.path.join(mount, own_v2.lstrip("/"), "cgroup.controllers")) as c:
                        ctrls = frozenset(c.read().split())
                except OSError:
                    ctrls = frozenset()
                found.append(Hierarchy(mount, own_v2, ctrls, True))
            elif fstype == "cgroup":
                ctrls = frozenset(o for o in opts.split(",") if o in ("pids", "memory", "freezer"))
                if ctrls:
                    own = own_v1.get(next(iter(ctrls)), "/")
                    found.append(Hierarchy(mount, own, ctrls, False))
    return found


@dataclass
class Job:
    """A created job cgroup set.  ``procs_fds`` let a forked child join by writing "0"."""
    dirs: list = field(default_factory=list)       # every directory made, for removal
    procs_fds: list = field(default_factory=list)
    kill_file: str | None = None                   # cgroup2 cgroup.kill
    freezer: str | None = None                     # v1 freezer dir
    pids_dir: str | None = None
    memory_dir: str | None = None

    def join(self) -> None:
        """Move the calling process into every hierarchy of the job."""
        for fd in self.procs_fds:
            os.write(fd, b"0")

    def close_fds(self) -> None:
        for fd in self.procs_fds:
            os.close(fd)
        self.procs_fds = []

    def pids(self) -> set[int]:
        out: set[int] = set()
        for d in self.dirs:
            try:
                with open(os.path.join(d, "cgroup.procs")) as f:
                    out.update(int(x) for x in f.read().split())
            except FileNotFoundError:
                pass
        return out

    def hit_limit(self) -> str | None:
        """'pids' or 'memory' when that limit refused something during the job."""
        for d, name, fname, key in ((self.pids_dir, "pids", "pids.events", "max"),
                                    (self.memory_dir, "memory", "memory.events", "oom_kill"),
                                    (self.memory_dir, "memory", "memory.oom_control", "oom_kill")):
            try:
                with open(os.path.join(d, fname)) as f:
                    for line in f:
                        k, _, v = line.partition(" ")
                        if k == key and int(v) > 0:
                            return name
            except (TypeError, OSError, ValueError):
                continue
        return None

    def kill(self) -> None:
        """SIGKILL every process of the job, including ones that called setsid or double-forked."""
        if self.kill_file:
            with open(self.kill_file, "w") as f:
                f.write("1")
            return
        if self.freezer:
            # Freeze first so nothing forks between reading the list and killing it.
            state = os.path.join(self.freezer, "freezer.state")
            with open(state, "w") as f:
                f.write("FROZEN")
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:
                with open(state) as f:
                    if f.read().strip() == "FROZEN":
                        break
                time.sleep(0.001)
        for _ in range(100):   # without a freezer, pids.max bounds how many rounds forks can win
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if self.freezer:
                break
        if self.freezer:
            with open(os.path.join(self.freezer, "freezer.state"), "w") as f:
                f.write("THAWED")

    def remove(self, timeout: float = 2.0) -> None:
        """Kill what is left, wait for the cgroups to empty, remove them."""
        self.close_fds()
        if self.pids():
            self.kill()
        deadline = time.monotonic() + timeout
        pending = list(reversed(self.dirs))
        while pending:
            d = pending[-1]
            try:
                os.rmdir(d)
                pending.pop()
            except FileNotFoundError:
                pending.pop()
            except OSError:   # EBUSY until the killed tasks have exited
                if time.monotonic() > deadline:
                    raise CgroupError(f"cgroup {d} did not empty; processes {sorted(self.pids())}")
                if self.pids():
                    self.kill()
                time.sleep(0.002)
        self.dirs = []


def _hierarchy_of(path: str, found: list[Hierarchy]) -> Hierarchy:
    path = os.path.abspath(path)
    if not os.path.isfile(os.path.join(path, "cgroup.procs")):
        raise CgroupError(f"{path} is not a cgroup directory")
    for h in sorted(found, key=lambda h: -len(h.mount)):
        if path == h.mount or path.startswith(h.mount + "/"):
            return Hierarchy(h.mount, "/" + os.path.relpath(path, h.mount), h.controllers, h.v2)
    raise CgroupError(f"{path} is not in a mounted cgroup hierarchy")


def _enable_v2(base: str, wanted: frozenset) -> frozenset:
    """Delegate controllers to children; fails (EBUSY) if ``base`` itself holds processes."""
    try:
        _write(os.path.join(base, "cgroup.subtree_control"), " ".join("+" + c for c in wanted))
    except OSError:
        return frozenset()
    return wanted


def _write(path: str, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


def create(*, pids_max: int | None, memory_max: int | None,
           parents: tuple[str, ...] = (), hierarchies: list[Hierarchy] | None = None) -> Job:
    """Make the job cgroups.  Raises CgroupError naming what is missing; never half-made.

    ``parents`` overrides discovery with explicit parent directories (each in a
    cgroup filesystem); every one must work.
    """
    name = f"kernelspace-{os.getpid()}-{next(_counter)}"
    job = Job()
    try:
        found = hierarchies if hierarchies is not None else discover()
        if parents:
            found = [_hierarchy_of(p, found) for p in parents]
        targets = []
        for h in sorted(found, key=lambda h: not h.v2):   # cgroup2 first: its cgroup.kill beats a freezer
            ctrls = h.controllers
            if h.v2 and ctrls & {"pids", "memory"}:
                ctrls = _enable_v2(h.base, ctrls & {"pids", "memory"})
            targets.append((h.base, ctrls, h.v2))
        for base, ctrls, v2 in targets:
            if v2:
                if job.kill_file:
                    continue
            elif not (ctrls - {c for c, d in (("pids", job.pids_dir), ("memory", job.memory_dir),
                                               ("freezer", job.freezer or job.kill_file)) if d}):
                continue   # every controller here is already covered
            d = os.path.join(base, name)
            os.mkdir(d, 0o755)
            job.dirs.append(d)
            if v2:
                if os.path.exists(os.path.join(d, "cgroup.kill")):   # Linux 5.14
                    job.kill_file = os.path.join(d, "cgroup.kill")
            if "pids" in ctrls and not job.pids_dir:
                job.pids_dir = d
            if "memory" in ctrls and not job.memory_dir:
                job.memory_dir = d
            if "freezer" in ctrls and not v2 and not job.freezer:
                job.freezer = d
            job.procs_fds.append(os.open(os.path.join(d, "cgroup.procs"), os.O_WRONLY | os.O_CLOEXEC))
        if pids_max is not None:
            if not job.pids_dir:
                raise CgroupError("no pids controller available (needed for the process limit)")
            _write(os.path.join(job.pids_dir, "pids.max"), str(pids_max))
        if memory_max is not None:
            if not job.memory_dir:
                raise CgroupError("no memory controller available (needed for the memory limit)")
            v2mem = os.path.join(job.memory_dir, "memory.max")
            if os.path.exists(v2mem):
                _write(v2mem, str(memory_max))
                _write(os.path.join(job.memory_dir, "memory.swap.max"), "0")
            else:
                _write(os.path.join(job.memory_dir, "memory.limit_in_bytes"), str(memory_max))
        if not (job.kill_file or job.freezer or job.pids_dir):
            raise CgroupError("no cgroup can hold the job (no cgroup2, freezer or pids hierarchy)")
        return job
    except CgroupError:
        job.remove()
        raise
    except OSError as e:
        job.remove()
        raise CgroupError(e.errno, f"cannot create job cgroup: {e}") from e
