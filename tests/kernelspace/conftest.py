"""Fixtures for the kernelspace tests: a real unprivileged user, workspaces, leak checks."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile

import pytest

from tests.conftest import TEST_USER, test_user  # noqa: F401  (the shared unprivileged user)
PY = "/usr/bin/python3"   # a system interpreter the dropped user can execute (the venv's lives under /root)


@pytest.fixture(scope="session", autouse=True)
def _require_root():
    if os.geteuid() != 0:
        pytest.skip("the kernelspace suite tests the root → user drop path and needs root")




@pytest.fixture(params=["root", "llmos-test"])
def user(request, test_user):
    """Each identity-sensitive test runs as root (uid 0, no capabilities) and as a real user."""
    return request.param


@pytest.fixture
def ws(user):
    """A workspace owned by the sandbox user, plus an 'outside' dir it must never touch."""
    base = tempfile.mkdtemp(prefix="ks-", dir="/tmp")
    os.chmod(base, 0o755)
    work, outside = os.path.join(base, "ws"), os.path.join(base, "outside")
    os.mkdir(work)
    os.mkdir(outside)
    os.chmod(outside, 0o777)   # DAC would allow it: only the sandbox may stop the write
    pw = pwd.getpwnam(user)
    os.chown(work, pw.pw_uid, pw.pw_gid)
    with open(os.path.join(outside, "target"), "w") as f:
        f.write("original")
    os.chmod(os.path.join(outside, "target"), 0o666)
    yield work, outside
    shutil.rmtree(base)


def leftover_cgroups() -> list[str]:
    return [d for d in glob.glob(f"/sys/fs/cgroup/**/kernelspace-{os.getpid()}-*", recursive=True)]


@pytest.fixture(autouse=True)
def no_leftover_cgroups():
    yield
    assert leftover_cgroups() == []
