"""Fixtures for the sandboxed-intent tests: real kernel, real users, real files.

Every test that is sensitive to identity runs twice: as root (uid 0 without
capabilities) and as ``llmos-test``, a real unprivileged user — the trusted side
(this process) is root and the worker drops to ``ctx.uid``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from llmos.intents.registry import Registry, package_intents_dir
from llmos.plan.normalise import normalise_args
from llmos.tools import Context

from tests.conftest import TEST_USER, test_user  # noqa: F401  (the shared unprivileged user)

# The probe handlers run as the unprivileged test user too, who may not be able to enter the
# checkout (a clone inside a `mktemp -d` folder is root-only): they are imported from a
# world-readable copy, put on sys.path before any fork-server starts in this process.
PROBES_DIR = tempfile.mkdtemp(prefix="llmos-probes-")
PROBES_PACKAGE = "llmos_test_probes"


def _install_probe_package() -> None:
    package = os.path.join(PROBES_DIR, PROBES_PACKAGE)
    os.mkdir(package)
    here = os.path.dirname(os.path.abspath(__file__))
    open(os.path.join(package, "__init__.py"), "w").close()
    for module in ("handlers.py", "import_time.py"):
        shutil.copy(os.path.join(here, module), package)
    for root, dirs, files in os.walk(PROBES_DIR):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    sys.path.insert(0, PROBES_DIR)


_install_probe_package()

# Test-only intents: each a manifest with its own effects, all run the probe handler.
PROBES = {
    "test.probe.none": "{}",
    "test.probe.read": "{reads: [path]}",
    "test.probe.copy": "{reads: [sources], writes: [destination]}",
    "test.probe.fetch": "{network: {hosts: [url]}, writes: [destination]}",
    "test.probe.signal": "{signals: [pid]}",
    "test.probe.processes": "{system: [processes]}",
    "test.probe.desktop": "{desktop: [notify]}",
    "test.probe.write": "{writes: [destination]}",
}


def _manifest(name: str, effects: str, handler: str = f"builtin:{PROBES_PACKAGE}.handlers:probe") -> str:
    return textwrap.dedent(f"""\
        name: {name}
        title: A sandbox test probe
        description: Runs test actions inside the sandbox (test suite only).
        parameters:
          type: object
          properties:
            path: {{type: string, format: path}}
            sources: {{type: array, items: {{type: string, format: path}}}}
            destination: {{type: string, format: path}}
            url: {{type: string, format: url}}
            pid: {{type: integer}}
            actions: {{type: array}}
          additionalProperties: false
        effects: {effects}
        handler: {handler}
        """)


@pytest.fixture(scope="session", autouse=True)
def _require_root():
    if os.geteuid() != 0:
        pytest.skip("the sandbox suite tests the root → user drop path and needs root")
    yield
    shutil.rmtree(PROBES_DIR, ignore_errors=True)




@pytest.fixture(params=["root", TEST_USER])
def user(request, test_user):
    return request.param


@pytest.fixture(scope="session")
def registry(tmp_path_factory) -> Registry:
    d = tmp_path_factory.mktemp("intents")
    for name, effects in PROBES.items():
        (d / f"{name}.yaml").write_text(_manifest(name, effects))
    (d / "test.marker.yaml").write_text(_manifest("test.marker", "{writes: [path]}",
                                                  f"builtin:{PROBES_PACKAGE}.handlers:marker"))
    (d / "test.import.yaml").write_text(_manifest("test.import", "{}", f"builtin:{PROBES_PACKAGE}.import_time:run"))
    return Registry([package_intents_dir(), d])


@pytest.fixture(scope="session")
def runner():
    from llmos.sandbox import sandboxed_runner, shutdown
    from llmos.sandbox.runner import _SERVER
    r = sandboxed_runner()
    yield r
    server = _SERVER.pid
    shutdown()
    if server:
        assert glob.glob(f"/sys/fs/cgroup/**/kernelspace-{server}-*", recursive=True) == [], \
            "the fork-server left cgroups behind"


@pytest.fixture(autouse=True)
def _no_leftovers():
    yield
    from llmos.sandbox import LAUNCHED
    LAUNCHED.kill_all()
    assert glob.glob(f"/sys/fs/cgroup/**/kernelspace-{os.getpid()}-*", recursive=True) == []


@dataclass
class Space:
    """A home owned by the worker's user, and an 'outside' the worker must never touch
    (world-writable, so only the sandbox can stop a write there)."""
    base: Path
    home: Path
    outside: Path
    uid: int
    gid: int
    user: str
    ctx: Context

    def file(self, rel: str, content: str = "data", *, where: Path | None = None) -> Path:
        p = (where or self.home) / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
        self.chown(p)
        return p

    def dir(self, rel: str, *, where: Path | None = None) -> Path:
        p = (where or self.home) / rel
        p.mkdir(parents=True, exist_ok=True)
        self.chown(p)
        return p

    def chown(self, p: Path) -> None:
        root = self.home if str(p).startswith(str(self.home)) else None
        while root is not None and p != root.parent:
            os.chown(p, self.uid, self.gid, follow_symlinks=False)
            p = p.parent


@pytest.fixture
def space(user) -> Space:
    base = Path(tempfile.mkdtemp(prefix="sbx-", dir="/tmp"))
    os.chmod(base, 0o755)
    pw = pwd.getpwnam(user)
    home, outside = base / "home", base / "outside"
    home.mkdir()
    outside.mkdir()
    os.chown(home, pw.pw_uid, pw.pw_gid)
    os.chmod(outside, 0o777)
    target = outside / "target"
    target.write_text("original")
    os.chmod(target, 0o666)
    ctx = Context(cwd=str(home), home=str(home), uid=pw.pw_uid)
    yield Space(base, home, outside, pw.pw_uid, pw.pw_gid, user, ctx)
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def call(registry, runner):
    """call(space_or_ctx, intent, runner=None, **args): normalise like the executor, run sandboxed."""
    def run(where, _intent: str, *, using=None, **args):
        ctx = where.ctx if isinstance(where, Space) else where
        intent = registry.get(_intent)
        normalised = normalise_args(intent, args, ctx.cwd, ctx.home)
        return (using or runner)(intent, normalised, ctx)
    return run


def unique_sleeper(space: Space, seconds: int = 60) -> subprocess.Popen:
    """A sleep with a name no other process on this shared machine has, run as the space's user."""
    name = "sbx" + uuid.uuid4().hex[:10]
    exe = space.base / name
    shutil.copyfile("/bin/sleep", exe)
    os.chmod(exe, 0o755)
    argv = [str(exe), str(seconds)]
    if space.uid != 0:
        argv = ["setpriv", "--reuid", str(space.uid), "--regid", str(space.gid), "--clear-groups"] + argv
    p = subprocess.Popen(argv)
    p.comm = name
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:          # setpriv has exec'd it: the name is right
        try:
            with open(f"/proc/{p.pid}/comm") as f:
                if f.read().strip() == name:
                    break
        except OSError:
            pass
        time.sleep(0.005)
    return p
