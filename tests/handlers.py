"""Handlers used by tests of the plan machinery (real functions, called for real)."""


def echo(args: dict, ctx) -> dict:
    return {"args": args, "paths": [args["path"]] if "path" in args else []}


def fail(args: dict, ctx) -> dict:
    from llmos.errors import ToolError
    raise ToolError("this handler always fails")


def touch(args: dict, ctx) -> dict:
    open(args["path"], "x").close()
    return {"paths": [args["path"]]}


def confinement(args: dict, ctx) -> dict:
    """What the process running this handler is allowed: read from the kernel, not assumed."""
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("NoNewPrivs", "Seccomp", "CapEff", "Uid"):
                fields[key] = value.split()[0]
    return fields
