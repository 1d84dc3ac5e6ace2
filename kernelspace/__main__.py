"""python -m kernelspace [--ro PATH]... [--rw PATH]... [--exec PATH]... [--net none|tcp:PORT[,PORT...]]
                         [--timeout SECONDS] [--user NAME] [--cwd DIR] [--env K=V]... -- CMD ARGS...

Exit status: that of CMD (128+N when killed by signal N), or
  124  the wall-clock timeout fired; the whole job was killed
  125  invalid request (relative or missing path, write grant on /, bad port ...)
  126  the sandbox refused: a required mechanism is missing or failed (named on
       stderr); or CMD is not executable.  Nothing ran unsandboxed.
  127  CMD was not found
The program's stdin/stdout/stderr are the caller's.  Default grants: read+exec on
/usr /bin /sbin /lib*, read on /etc/ld.so.*, /etc/passwd, /etc/group,
/etc/nsswitch.conf, /etc/localtime, /dev/{zero,urandom,random}, write on /dev/null.
"""

from __future__ import annotations

import argparse
import os
import sys

from .sandbox import Config, ConfigError, SandboxRefused, run


def _net(value: str) -> tuple[int, ...]:
    if value == "none":
        return ()
    if not value.startswith("tcp:"):
        raise argparse.ArgumentTypeError("expected none or tcp:PORT[,PORT...]")
    try:
        return tuple(int(p) for p in value[4:].split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad port list {value[4:]!r}") from None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kernelspace", description=__doc__.split("\n\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ro", action="append", default=[], metavar="PATH", help="read beneath PATH")
    ap.add_argument("--rw", action="append", default=[], metavar="PATH", help="read and write beneath PATH")
    ap.add_argument("--exec", action="append", default=[], metavar="PATH", help="read and execute beneath PATH")
    ap.add_argument("--net", type=_net, default=(), metavar="none|tcp:PORTS",
                    help="TCP ports the command may connect to (default none: no network at all)")
    ap.add_argument("--timeout", type=float, default=None, metavar="SECONDS")
    ap.add_argument("--user", default=None, help="as root: run as this user (default nobody)")
    ap.add_argument("--cwd", default=None, help="working directory, inside a grant")
    ap.add_argument("--env", action="append", default=[], metavar="K=V")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.print_usage(sys.stderr)
        print("kernelspace: no command given (put it after --)", file=sys.stderr)
        return 125
    absol = lambda ps: tuple(os.path.abspath(p) for p in ps)  # noqa: E731
    try:
        env = dict(e.split("=", 1) for e in args.env)
    except ValueError:
        print("kernelspace: --env takes K=V", file=sys.stderr)
        return 125
    config = Config(ro=absol(args.ro), rw=absol(args.rw), exec=absol(args.exec), tcp_connect=args.net,
                    timeout=args.timeout, user=args.user, env=env, inherit_stdio=True,
                    cwd=os.path.abspath(args.cwd) if args.cwd else None)
    try:
        result = run(config, cmd)
    except ConfigError as e:
        print(f"kernelspace: {e}", file=sys.stderr)
        return 125
    except SandboxRefused as e:
        print(f"kernelspace: {e}; nothing was run", file=sys.stderr)
        return 126
    sys.stderr.buffer.write(result.stderr)
    if result.killed_reason == "timeout":
        print(f"kernelspace: timed out after {args.timeout:g}s; the whole job was killed", file=sys.stderr)
        return 124
    if result.killed_reason == "memory":
        print("kernelspace: the job exceeded its memory limit and was killed", file=sys.stderr)
    if result.returncode < 0:
        return 128 - result.returncode
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
