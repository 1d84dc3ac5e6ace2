"""A handler module whose import itself tries a side effect: llmos imports modules
outside llmos only inside the worker's sandbox, so this must be refused."""

PROBE = "/etc/llmos-sbx-import-probe"

try:
    with open(PROBE, "w") as f:
        f.write("imported unconfined")
    AT_IMPORT = "written"
except OSError as e:
    AT_IMPORT = f"refused:{e.errno}"


def run(args: dict, ctx) -> dict:
    return {"at_import": AT_IMPORT}
