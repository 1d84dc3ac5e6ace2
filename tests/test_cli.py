"""llmosctl end to end, as a real subprocess on the shipped catalogue."""

import json
import os
import subprocess
import sys

import pytest

CATALOGUE = {
    "files.find", "files.usage", "files.read", "files.copy", "files.move", "files.trash",
    "files.delete", "files.mkdir", "files.write", "files.compress", "files.extract",
    "process.list", "process.find", "process.info", "process.kill", "process.launch",
    "system.info", "system.disks", "system.logs", "net.status", "net.ports", "net.ping",
    "net.fetch", "desktop.open", "desktop.notify", "timer.remind",
}


def llmosctl(*args, cwd=None, env=None, input=None):
    return subprocess.run([sys.executable, "-m", "llmos.cli.ctl", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, input=input, timeout=120)


@pytest.fixture
def env(home):
    return {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_CONFIG_HOME": str(home / ".config"), "XDG_STATE_HOME": str(home / ".local/state")}


def test_intents_list_json_has_the_whole_catalogue_with_schemas(env):
    out = llmosctl("intents", "list", "--json", env=env)
    assert out.returncode == 0, out.stderr
    intents = {i["name"]: i for i in json.loads(out.stdout)}
    assert set(intents) == CATALOGUE
    assert all(i["parameters"]["type"] == "object" for i in intents.values())
    assert intents["files.find"]["parameters"]["required"] == ["path"]


def test_intents_list_mcp(env):
    tools = json.loads(llmosctl("intents", "list", "--mcp", env=env).stdout)["tools"]
    assert {t["name"] for t in tools} == CATALOGUE
    assert all("inputSchema" in t and "annotations" in t for t in tools)


def test_intents_show_and_validate(env, tmp_path):
    out = llmosctl("intents", "show", "files.find", env=env)
    assert out.returncode == 0 and "larger_than" in out.stdout and "reads" in out.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x.y\ntitle: T\ndescription: A broken manifest here.\nparameters: {type: object}\n"
                   "effects: {reads: [nothing]}\nhandler: builtin:a:b\n")
    out = llmosctl("intents", "validate", str(bad), env=env)
    assert out.returncode == 2 and f"{bad}:5" in out.stderr and "effects.reads[0]" in out.stderr


def test_run_files_find_prints_a_table_of_the_largest_files(env, home):
    docs = home / "Documents"
    docs.mkdir()
    for name, size in (("small.txt", 10), ("big.bin", 5000), ("mid.dat", 700)):
        (docs / name).write_bytes(b"x" * size)
    out = llmosctl("run", "files.find", "path=~/Documents", "sort=size", "limit=2", env=env, cwd=str(home))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "PATH" in lines[0] and "SIZE" in lines[0]
    assert "big.bin" in lines[1] and "mid.dat" in lines[2] and "small.txt" not in out.stdout


def test_run_json_and_bad_arguments(env, home):
    (home / "a.txt").write_text("hello")
    out = llmosctl("run", "files.read", "path=a.txt", "--json", env=env, cwd=str(home))
    doc = json.loads(out.stdout)
    assert doc["steps"][0]["result"]["content"] == "hello"
    out = llmosctl("run", "files.find", "path=~", "limit=lots", env=env)
    assert out.returncode == 2 and "limit" in out.stderr
    out = llmosctl("run", "files.fnd", "path=~", env=env)
    assert out.returncode == 2 and "did you mean files.find" in out.stderr


def test_plan_run_from_stdin_with_ref_and_dry_run(env, home):
    (home / "Downloads").mkdir()
    (home / "Downloads" / "old.iso").write_bytes(b"0" * 100)
    plan = {"steps": [{"intent": "files.find", "args": {"path": "~/Downloads", "ext": "iso"}},
                      {"intent": "files.trash", "args": {"paths": {"$ref": "steps[0].paths"}}}]}
    out = llmosctl("plan", "run", "-", "--dry-run", "--json", env=env, input=json.dumps(plan))
    assert out.returncode == 0, out.stderr
    assert [s["status"] for s in json.loads(out.stdout)["steps"]] == ["dry-run", "dry-run"]
    assert (home / "Downloads" / "old.iso").exists()


def test_reading_a_secret_is_refused_even_with_yes_and_names_the_rule(env, home):
    (home / ".ssh").mkdir()
    (home / ".ssh" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    out = llmosctl("run", "files.read", "path=~/.ssh/id_rsa", "--yes", env=env)
    assert out.returncode == 3
    assert "rule default:" in out.stderr and "BEGIN" not in out.stdout


def test_a_link_cannot_smuggle_a_secret(env, home):
    (home / ".ssh").mkdir()
    (home / ".ssh" / "id_rsa").write_text("key")
    (home / "notes.txt").symlink_to(home / ".ssh" / "id_rsa")
    out = llmosctl("run", "files.read", "path=~/notes.txt", "--yes", env=env)
    assert out.returncode == 3 and "key" not in out.stdout


def test_positive_twin_an_ordinary_file_reads(env, home):
    (home / "notes.txt").write_text("plain")
    out = llmosctl("run", "files.read", "path=~/notes.txt", "--json", env=env)
    assert out.returncode == 0 and json.loads(out.stdout)["steps"][0]["result"]["content"] == "plain"


def test_llmosctl_runs_every_handler_confined(env, home):
    """A user-installed intent shows what its handler process may do: the kernel says confined."""
    d = home / ".local/share/llmos/intents"
    d.mkdir(parents=True)
    (d / "test.confinement.yaml").write_text(
        "name: test.confinement\ntitle: Confinement\ndescription: Reports the handler's own confinement.\n"
        "parameters: {type: object, properties: {}, additionalProperties: false}\n"
        "effects: {system: [processes]}\nhandler: builtin:tests.handlers:confinement\n")
    out = llmosctl("run", "test.confinement", "--json", env={**env, "PYTHONPATH": os.getcwd()})
    assert out.returncode == 0, out.stderr
    fields = json.loads(out.stdout)["steps"][0]["result"]
    assert fields["NoNewPrivs"] == "1" and fields["Seccomp"] == "2" and int(fields["CapEff"], 16) == 0
