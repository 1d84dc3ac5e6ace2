"""Handlers used by tests of the plan machinery (real functions, called for real)."""


def echo(args: dict, ctx) -> dict:
    return {"args": args, "paths": [args["path"]] if "path" in args else []}


def fail(args: dict, ctx) -> dict:
    from llmos.errors import ToolError
    raise ToolError("this handler always fails")


def touch(args: dict, ctx) -> dict:
    open(args["path"], "x").close()
    return {"paths": [args["path"]]}
