"""Real, private D-Bus session buses for tests.

Fixtures:
  ``dbus_session_bus``   starts ``dbus-daemon --session --print-address --nofork``
                         and yields its address (skips the test if dbus-daemon is absent).
  ``notification_server`` exports a tiny org.freedesktop.Notifications service
                         (dbus-fast) on that bus and yields a :class:`NotificationServer`
                         whose ``received`` list records every Notify call.

Use them by importing into a test module (``from dbus_fixtures import
dbus_session_bus, notification_server``) or via ``pytest_plugins``.
No ``from __future__ import annotations`` here: dbus-fast reads the
D-Bus signatures from the (string) annotations of the service methods.
"""

import asyncio
import os
import select
import shutil
import subprocess
import threading
import time

import pytest

NOTIFY_NAME = "org.freedesktop.Notifications"
NOTIFY_PATH = "/org/freedesktop/Notifications"


def start_dbus_daemon(timeout: float = 10.0):
    """Start a private session dbus-daemon; returns (Popen, address)."""
    exe = shutil.which("dbus-daemon")
    if exe is None:
        pytest.skip("dbus-daemon is not installed (package dbus-daemon / dbus)")
    proc = subprocess.Popen([exe, "--session", "--print-address", "--nofork"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    buf = b""
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"dbus-daemon did not print its address: {proc.stderr.read().decode()!r}")
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                continue
            buf += chunk
    return proc, buf.split(b"\n", 1)[0].decode().strip()


def stop_dbus_daemon(proc) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


@pytest.fixture
def dbus_session_bus():
    """Address of a fresh private session bus (a real dbus-daemon), torn down afterwards."""
    proc, address = start_dbus_daemon()
    try:
        yield address
    finally:
        stop_dbus_daemon(proc)


def _make_interface(server):
    from dbus_fast.service import ServiceInterface, method

    class Notifications(ServiceInterface):
        def __init__(self):
            super().__init__(NOTIFY_NAME)

        @method()
        def Notify(self, app_name: "s", replaces_id: "u", app_icon: "s", summary: "s",  # noqa: F821
                   body: "s", actions: "as", hints: "a{sv}", expire_timeout: "i") -> "u":  # noqa: F821
            return server._record({"app_name": app_name, "replaces_id": replaces_id, "app_icon": app_icon,
                                   "title": summary, "body": body, "actions": actions,
                                   "expire_timeout": expire_timeout})

        @method()
        def GetCapabilities(self) -> "as":  # noqa: F821
            return ["body"]

        @method()
        def GetServerInformation(self) -> "ssss":  # noqa: F821
            return ["llmos-test", "llmos", "0", "1.2"]

        @method()
        def CloseNotification(self, id: "u"):  # noqa: F821,A002
            return None

    return Notifications()


class NotificationServer:
    """A notification daemon on a private bus, run in its own thread and event loop."""

    def __init__(self, address: str):
        self.address = address
        self.received: list[dict] = []
        self._cond = threading.Condition()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="notification-server", daemon=True)

    def _record(self, item: dict) -> int:
        with self._cond:
            self.received.append(item)
            self._cond.notify_all()
            return len(self.received)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(self._main())
        except BaseException as e:  # noqa: BLE001
            self._error = e
            self._ready.set()
        finally:
            self._loop.close()

    async def _main(self) -> None:
        from dbus_fast.aio import MessageBus

        self._stop = asyncio.Event()
        bus = await MessageBus(bus_address=self.address).connect()
        bus.export(NOTIFY_PATH, _make_interface(self))
        await bus.request_name(NOTIFY_NAME)
        self._ready.set()
        await self._stop.wait()
        bus.disconnect()

    def start(self) -> "NotificationServer":
        self._thread.start()
        if not self._ready.wait(10) or self._error:
            raise RuntimeError(f"notification server did not start: {self._error!r}")
        return self

    def stop(self) -> None:
        if self._loop and self._stop and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[dict]:
        """Block until ``count`` notifications arrived (or timeout); returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self.received)


@pytest.fixture
def notification_server(dbus_session_bus):
    """A NotificationServer owning org.freedesktop.Notifications on ``dbus_session_bus``."""
    server = NotificationServer(dbus_session_bus).start()
    try:
        yield server
    finally:
        server.stop()
