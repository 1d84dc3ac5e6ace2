"""The worker's life: deadlines, limits, crashes and the fork-server itself."""

from __future__ import annotations

import os
import signal
import time

import pytest

from llmos.errors import LlmosError, SandboxError, ToolError
from llmos.sandbox import sandboxed_runner
from llmos.sandbox.runner import _SERVER


def probe(call, space, intent, *actions, **args):
    return call(space, intent, actions=[list(a) for a in actions], **args)["results"]


@pytest.fixture
def root_space(space):
    if space.user != "root":
        pytest.skip("identity does not matter here")
    return space


def test_timeout_kills_the_whole_tree(root_space, call):
    quick = sandboxed_runner(timeout=1.0)
    started = time.monotonic()
    with pytest.raises(SandboxError, match="did not finish within 1 s") as e:
        probe(call, root_space, "test.probe.processes", ("setsid_sleep", 300), ("sleep", 30), using=quick)
    assert e.value.mechanism == "timeout" and time.monotonic() - started < 10
    r = probe(call, root_space, "test.probe.none", ("sleep", 0.01), using=quick)     # twin
    assert r == ["ok"]


def test_output_limit(root_space, call):
    small = sandboxed_runner(output_limit=100_000)
    with pytest.raises(SandboxError, match="more than 100000 bytes") as e:
        probe(call, root_space, "test.probe.none", ("big", 1_000_000), using=small)
    assert e.value.mechanism == "output"
    assert len(probe(call, root_space, "test.probe.none", ("big", 50_000), using=small)[0]) == 50_000


def test_a_worker_that_dies_is_a_sandbox_error_and_the_next_call_works(root_space, call):
    with pytest.raises(SandboxError, match=r"ended without a result \(exit status 3\)") as e:
        probe(call, root_space, "test.probe.none", ("die",))
    assert e.value.mechanism == "worker"
    assert probe(call, root_space, "test.probe.none", ("host_pid",))[0] > 1


def test_handler_exceptions_are_tool_errors(root_space, call):
    with pytest.raises(ToolError, match="test.marker failed: KeyError") as e:
        call(root_space, "test.marker")                 # its handler needs 'path'
    assert not isinstance(e.value, SandboxError)


def test_the_fork_server_is_restarted_after_it_dies_and_its_jobs_go_with_it(root_space, call):
    import glob
    probe(call, root_space, "test.probe.none", ("host_pid",))
    old = _SERVER.pid
    spares = [h.pid for pool in _SERVER.spares.values() for h in pool]
    os.kill(old, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while _SERVER.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    for _ in range(3):          # a spare forked before the death may still take a call; then a new server
        try:
            assert probe(call, root_space, "test.probe.none", ("host_pid",))[0] > 1
        except SandboxError as e:
            assert e.mechanism == "server"
    assert _SERVER.pid != old
    assert glob.glob(f"/sys/fs/cgroup/**/kernelspace-{old}-*", recursive=True) == []
    assert all(not os.path.exists(f"/proc/{p}") or open(f"/proc/{p}/stat").read().split()[2] == "Z"
               for p in spares)


def test_an_unloadable_handler_is_reported(root_space, call, registry, runner, tmp_path):
    from dataclasses import replace
    intent = replace(registry.get("test.probe.none"), handler="builtin:tests.sandbox.nope:probe")
    with pytest.raises(LlmosError, match="cannot be loaded") as e:
        runner(intent, {}, root_space.ctx)
    assert not isinstance(e.value, SandboxError)


def test_a_handler_outside_llmos_is_imported_only_inside_the_sandbox(root_space, call):
    PROBE = "/etc/llmos-sbx-import-probe"      # (importing the import_time probe here would write it)
    try:
        r = call(root_space, "test.import")
        assert r["at_import"].startswith("refused:") and not os.path.exists(PROBE)
    finally:
        if os.path.exists(PROBE):
            os.unlink(PROBE)


def test_grant_for_explains_itself(space, registry, runner):
    intent = registry.get("files.write")
    grant = runner.grant_for(intent, {"path": str(space.home / "a.txt"), "content": "x"}, space.ctx)
    assert any(str(space.home) in line and "creates or replaces" in line for line in grant.describe())


def test_no_descriptor_of_the_sandbox_leaks_into_programs_llmos_runs(root_space, call):
    import stat
    probe(call, root_space, "test.probe.none", ("host_pid",))
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
        except OSError:
            continue
        assert not os.get_inheritable(fd), f"socket fd {fd} would be inherited by a program llmos runs"
