"""A launched command seen whole: when the program's name hides what really runs.

Rules judge an ``exec`` effect by its program, and the person is asked about that
program.  Two shapes of command make the program a cover for something else:

- code handed to a shell or an interpreter as text: ``bash -c 'rm -rf ~'``,
  ``python3 -c …``, ``perl -e …``.  A launched command is "never a shell command
  line" (process.launch's manifest), and a command line is what this is;
- a wrapper that starts another program: ``env rm -rf ~``, ``nohup``, ``xargs``,
  ``timeout``.  The rules would judge ``env`` and never see ``rm``.

Such a call is denied, with a reason that says what to ask for instead.  Pure: the
call's effects and arguments in, a reason (or None) out.
"""

from __future__ import annotations

import posixpath
import re
from typing import Mapping, Sequence

from llmos.policy.types import Effect

SHELLS = frozenset("sh bash dash zsh ksh mksh fish csh tcsh ash yash".split())
# interpreters and the options that hand them code as text (a versioned name counts too);
# a one-letter option counts inside a cluster ("-ne"), a word is a subcommand ("deno eval")
INLINE_CODE = {"python": ("-c",), "pypy": ("-c",), "perl": ("-e", "-E"), "ruby": ("-e",),
               "node": ("-e", "-p", "--eval", "--print"), "nodejs": ("-e", "-p", "--eval", "--print"),
               "bun": ("-e", "-p", "--eval", "--print"), "deno": ("eval",), "php": ("-r",),
               "lua": ("-e",), "luajit": ("-e",), **{shell: ("-c",) for shell in SHELLS}}
# programs whose first argument is a program text unless -f names a file of it
TEXT_PROGRAMS = frozenset("awk gawk mawk nawk sed".split())
WRAPPERS = frozenset(
    "env nohup setsid timeout nice ionice stdbuf xargs chrt taskset flock unshare nsenter chroot "
    "script watch time strace ltrace gdb parallel busybox runuser systemd-run".split())
# everything above runs what it is given, and so do these (sudo and friends are denied by rule)
RUNS_WHAT_IT_IS_GIVEN = (SHELLS | frozenset(INLINE_CODE) | TEXT_PROGRAMS | WRAPPERS
                         | frozenset("tclsh sudo su pkexec doas run0 sudoedit".split()))
_VERSION = re.compile(r"(?<=[a-z])[\d.]+$")
_CLUSTER = re.compile(r"-[A-Za-z]+$")


def program_name(target: str) -> str:
    """The program a path or name runs, without its version: /usr/bin/python3.12 → python."""
    return _VERSION.sub("", posixpath.basename(target))


def hides_what_runs(effects: Sequence[Effect], args: Mapping) -> str | None:
    """Why a call's program must not be launched as it is, or None.

    ``args["args"]`` is the launched program's argument list, as process.launch
    declares it; a call that runs a program without one passes no arguments."""
    argv = args.get("args")
    argv = [str(a) for a in argv] if isinstance(argv, list) else []
    for effect in effects:
        if effect.kind != "exec":
            continue
        name = posixpath.basename(effect.target)
        program = program_name(name)
        if program in WRAPPERS:
            return (f"runs {name}, which starts another program the policy would not see; "
                    "ask for that program itself")
        if _code_as_text(program, argv):
            return (f"hands {name} code as text, which the policy cannot check; "
                    "ask for what it should do instead")
    return None


def _code_as_text(program: str, argv: list[str]) -> bool:
    if program in TEXT_PROGRAMS:
        return bool(argv) and "-f" not in argv and not any(a.startswith("--file") for a in argv)
    options = INLINE_CODE.get(program, ())
    letters = {o[1] for o in options if len(o) == 2 and o[0] == "-"}
    for k, arg in enumerate(argv):
        if arg in options and (arg.startswith("-") or k == 0):
            return True
        if arg.startswith("--") and arg.split("=", 1)[0] in options:
            return True
        if _CLUSTER.match(arg) and letters & set(arg[1:]):
            return True
    return False
