"""The trusted side's look-ups before a decision: canonical paths, programs, processes.

This is the only part of the policy that touches the filesystem and ``/proc``.
It runs in the process that decides (never in the sandboxed worker) and turns
the intents' effects into canonical ones with :class:`Facts` attached, so that
``decide`` can stay a pure string comparison.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
from typing import Iterable

from llmos.policy.engine import host_of
from llmos.policy.types import PATH_KINDS, UNRESOLVED_TARGET, Effect, Facts, Principal


def canonical_effects(effects: Iterable[Effect], *, daemon_pids: Iterable[int] = (),
                      proc: str = "/proc") -> tuple[Effect, ...]:
    """Resolve every effect's target and attach :class:`Facts`.

    - paths: ``os.path.realpath`` (symlinks and ``..`` resolved), plus whether
      the file exists and is world-readable;
    - programs: a bare name is looked up on ``PATH``, then realpath'd;
    - hosts: lower case, IDNA, no trailing dot (unparsable hosts stay as given
      and are denied by ``decide``);
    - signals: a pid, or a process name expanded to one effect per matching
      process, each with its owner uid and whether it is llmos itself
      (``daemon_pids`` plus this process).
    Relative paths are left alone (``decide`` denies them): resolving against
    this process's cwd would resolve against the wrong directory.
    """
    daemon = frozenset(daemon_pids) | {os.getpid()}
    out: list[Effect] = []
    for effect in effects:
        if effect.target == UNRESOLVED_TARGET:
            out.append(Effect(effect.kind, effect.target, effect.arg, within=tuple(
                os.path.realpath(p) if p.startswith("/") and "\0" not in p else p
                for p in effect.within)))
        elif effect.kind in PATH_KINDS:
            out.append(_canonical_path(effect))
        elif effect.kind == "exec":
            out.append(_canonical_program(effect))
        elif effect.kind == "network":
            host = host_of(effect.target)
            out.append(Effect(effect.kind, host or effect.target, effect.arg,
                              Facts(canonical=host is not None)))
        elif effect.kind == "signal":
            out.extend(_signal_targets(effect, daemon, proc))
        else:
            out.append(Effect(effect.kind, effect.target, effect.arg, Facts(canonical=True)))
    return tuple(out)


def _canonical_path(effect: Effect) -> Effect:
    if not effect.target.startswith("/") or "\0" in effect.target:
        return Effect(effect.kind, effect.target, effect.arg, Facts(canonical=False))
    path = os.path.realpath(effect.target)
    try:
        st = os.stat(path)
        exists, world = True, bool(st.st_mode & stat.S_IROTH)
    except OSError:
        exists, world = False, False
    return Effect(effect.kind, path, effect.arg,
                  Facts(canonical=True, exists=exists, world_readable=world))


def _canonical_program(effect: Effect) -> Effect:
    target = effect.target
    if "://" in target or target.endswith(".desktop") or "\0" in target:
        # URLs and desktop ids are opened by the desktop, not executed by path.
        return Effect(effect.kind, target, effect.arg, Facts(canonical=True))
    found = target if "/" in target else shutil.which(target)
    if found is None:
        return Effect(effect.kind, target, effect.arg, Facts(canonical=True, exists=False))
    if not found.startswith("/"):
        return Effect(effect.kind, target, effect.arg, Facts(canonical=False))
    path = os.path.realpath(found)
    return Effect(effect.kind, path, effect.arg,
                  Facts(canonical=True, exists=os.path.exists(path), aliases=_link_names(found, path)))


def _link_names(found: str, path: str) -> tuple[str, ...]:
    """The names a program was asked by on its way to ``path`` (pkill → pgrep): the
    program may act on the name it is run by, and a deny rule may name any of them."""
    names: list[str] = []
    current = found
    for _ in range(40):                      # the kernel's own limit on links followed
        if os.path.basename(current) != os.path.basename(path):
            names.append(os.path.basename(current))
        try:
            link = os.readlink(current)
        except OSError:              # not a link (or gone): the chain ends here
            break
        current = os.path.join(os.path.dirname(current), link)
    return tuple(dict.fromkeys(names))


def _signal_targets(effect: Effect, daemon: frozenset[int], proc: str) -> list[Effect]:
    target = effect.target.strip()
    if target.lstrip("-").isdigit():
        pid = int(target)
        if pid <= 0:
            return [Effect(effect.kind, str(pid), effect.arg, Facts(canonical=True, pid=pid))]
        owner = _process_owner(pid, proc)
        if owner is None:
            return [Effect(effect.kind, str(pid), effect.arg, Facts(canonical=True, pid=None))]
        return [Effect(effect.kind, str(pid), effect.arg,
                       Facts(canonical=True, pid=pid, owner_uid=owner,
                             is_daemon=pid in daemon or _comm(pid, proc) == "llmosd"))]
    pids = [pid for pid in _all_pids(proc) if _comm(pid, proc) == target[:15]]
    found = []
    for pid in pids:
        owner = _process_owner(pid, proc)
        if owner is not None:
            found.append(Effect(effect.kind, str(pid), effect.arg,
                                Facts(canonical=True, pid=pid, owner_uid=owner,
                                      is_daemon=pid in daemon or target == "llmosd")))
    return found or [Effect(effect.kind, target, effect.arg, Facts(canonical=True, pid=None))]


def _all_pids(proc: str) -> list[int]:
    try:
        return sorted(int(n) for n in os.listdir(proc) if n.isdigit())
    except OSError:
        return []


def _comm(pid: int, proc: str) -> str | None:
    try:
        with open(f"{proc}/{pid}/comm", encoding="utf-8", errors="replace") as f:
            return f.read().rstrip("\n")
    except OSError:
        return None


def _process_owner(pid: int, proc: str) -> int | None:
    """The real uid of ``pid`` (from /proc/PID/status), or None when it is gone."""
    try:
        with open(f"{proc}/{pid}/status", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def session_id() -> str:
    """This login/terminal session: boot id plus logind session or the session leader.

    Session grants hold only while this value stays the same; the boot id keeps
    a reused session number after a reboot from matching.
    """
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            boot = f.read().strip()
    except OSError:
        boot = "unknown-boot"
    logind = os.environ.get("XDG_SESSION_ID")
    if logind:
        return f"{boot}:logind:{logind}"
    sid = os.getsid(0)
    try:
        with open(f"/proc/{sid}/stat", encoding="ascii", errors="replace") as f:
            started = f.read().rsplit(")", 1)[1].split()[19]   # field 22: starttime
    except (OSError, IndexError):
        started = "0"
    return f"{boot}:sid:{sid}:{started}"


def current_principal(*, via: str = "cli", app_id: str | None = None) -> Principal:
    """The principal for this process's user, with canonical home and XDG dirs."""
    from llmos import xdg
    uid = os.getuid()
    try:
        user = pwd.getpwuid(uid).pw_name
    except KeyError:
        user = str(uid)
    return Principal(uid=uid, user=user, home=os.path.realpath(xdg.home()), pid=os.getpid(),
                     via=via, app_id=app_id, session=session_id(),
                     config_home=os.path.realpath(xdg.config_home()),
                     state_home=os.path.realpath(xdg.state_home()),
                     data_home=os.path.realpath(xdg.data_home()),
                     cache_home=os.path.realpath(xdg.cache_home()))
