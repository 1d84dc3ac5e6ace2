"""Desktop intents: desktop.open, desktop.notify.

desktop.open hands a path or URL to the user's default application through
``xdg-open`` or ``gio open``; desktop.notify calls
``org.freedesktop.Notifications.Notify`` on the session D-Bus (dbus-fast).

``python -m llmos.tools.desktop notify TITLE [BODY]`` sends one notification;
timer.remind uses it for reminders that fire after llmos has exited.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import urllib.parse

from llmos.errors import MissingDependency, ToolError
from llmos.tools import Context
from llmos.tools.process import spawn_detached

NOTIFY_NAME = "org.freedesktop.Notifications"
NOTIFY_PATH = "/org/freedesktop/Notifications"
APP_NAME = "llmos"
DBUS_TIMEOUT_SECONDS = 10.0
#: How long desktop.open waits for the opener to report failure before leaving it running.
OPEN_WAIT_SECONDS = 3.0

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


# --------------------------------------------------------------------------- desktop.open

def open(args: dict, ctx: Context) -> dict:  # noqa: A001 - the verb is "open"
    """desktop.open: open a file, folder or URL with the user's default application.

    Result: target, opener (xdg-open | gio open), pid (of the opener).
    """
    target = str(args.get("target") or "").strip()
    if not target:
        raise ToolError("Say what to open: a file, a folder or a web address.")
    is_url = bool(_SCHEME.match(target)) and not target.startswith("/")
    if is_url:
        if target.lower().startswith("file:"):
            path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
            if not os.path.exists(path):
                raise ToolError(f"{path} does not exist, so there is nothing to open.")
    else:
        path = os.path.join(ctx.cwd, os.path.expanduser(target)) if not target.startswith("/") else target
        path = os.path.normpath(path)
        if not os.path.exists(path):
            raise ToolError(f"{path} does not exist, so there is nothing to open.")
        target = path
    xdg_open, gio = shutil.which("xdg-open"), shutil.which("gio")
    if xdg_open:
        argv, opener = [xdg_open, target], "xdg-open"
    elif gio:
        argv, opener = [gio, "open", target], "gio open"
    else:
        raise MissingDependency("desktop.open needs xdg-open (package xdg-utils) or gio (package "
                                "libglib2.0-bin); neither is installed.")
    if ctx.dry_run:
        return {"target": target, "kind": "url" if is_url else "path", "opener": opener, "pid": None,
                "dry_run": True}
    started = spawn_detached(argv, cwd=ctx.cwd if os.path.isdir(ctx.cwd) else None, wait=OPEN_WAIT_SECONDS)
    if started["exit_status"] not in (None, 0):
        detail = started["stderr"] or f"exit status {started['exit_status']}"
        raise ToolError(f"{opener} could not open {target}: {detail}")
    return {"target": target, "kind": "url" if is_url else "path", "opener": opener, "pid": started["pid"]}


# --------------------------------------------------------------------------- desktop.notify

def session_bus_address(ctx: Context | None = None) -> str | None:
    """The session bus address: $DBUS_SESSION_BUS_ADDRESS, else /run/user/UID/bus if present."""
    addr = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if addr:
        return addr
    uid = ctx.uid if ctx is not None else os.getuid()
    path = f"/run/user/{uid}/bus"
    if os.path.exists(path):
        return f"unix:path={path}"
    return None


async def _notify_async(address: str, title: str, body: str, timeout_ms: int,
                        probe_only: bool = False) -> int:
    from dbus_fast import Message, MessageType
    from dbus_fast.aio import MessageBus

    try:
        bus = await asyncio.wait_for(MessageBus(bus_address=address).connect(), DBUS_TIMEOUT_SECONDS)
    except Exception as e:  # noqa: BLE001 - any failure to connect means: no usable bus
        raise MissingDependency(f"desktop.notify cannot reach the session D-Bus at {address} ({e}). "
                                "Notifications need a desktop session.") from None
    try:
        async def call(msg: Message):
            reply = await asyncio.wait_for(bus.call(msg), DBUS_TIMEOUT_SECONDS)
            return reply

        dbus = dict(destination="org.freedesktop.DBus", path="/org/freedesktop/DBus",
                    interface="org.freedesktop.DBus")
        owned = await call(Message(**dbus, member="NameHasOwner", signature="s", body=[NOTIFY_NAME]))
        available = owned.message_type == MessageType.METHOD_RETURN and owned.body[0]
        if not available:
            act = await call(Message(**dbus, member="ListActivatableNames"))
            available = act.message_type == MessageType.METHOD_RETURN and NOTIFY_NAME in act.body[0]
        if not available:
            raise MissingDependency("desktop.notify needs a notification service "
                                    f"({NOTIFY_NAME}) on the session D-Bus and none is running. "
                                    "Start your desktop's notification daemon (e.g. dunst, mako, "
                                    "or the one built into GNOME/KDE).")
        if probe_only:
            return 0
        reply = await call(Message(destination=NOTIFY_NAME, path=NOTIFY_PATH, interface=NOTIFY_NAME,
                                   member="Notify", signature="susssasa{sv}i",
                                   body=[APP_NAME, 0, "", title, body, [], {}, timeout_ms]))
        if reply.message_type == MessageType.ERROR:
            detail = f"{reply.error_name}: {reply.body[0] if reply.body else ''}"
            if reply.error_name in ("org.freedesktop.DBus.Error.ServiceUnknown",
                                    "org.freedesktop.DBus.Error.NameHasNoOwner"):
                raise MissingDependency(f"desktop.notify: no notification service answered ({detail}).")
            raise ToolError(f"The notification service refused the notification ({detail}).")
        return int(reply.body[0])
    except asyncio.TimeoutError:
        raise ToolError(f"The session D-Bus did not answer within {DBUS_TIMEOUT_SECONDS:g} s.") from None
    finally:
        bus.disconnect()


def send_notification(title: str, body: str = "", ctx: Context | None = None, timeout_ms: int = -1) -> int:
    """Send one desktop notification; returns its id. Raises MissingDependency/ToolError."""
    address = session_bus_address(ctx)
    if not address:
        raise MissingDependency("desktop.notify needs a session D-Bus (DBUS_SESSION_BUS_ADDRESS is not "
                                "set and there is no /run/user/UID/bus); run it inside a desktop session.")
    return asyncio.run(_notify_async(address, title, body, timeout_ms))


def check_notifications(ctx: Context | None = None) -> str:
    """Raise MissingDependency unless a notification service is reachable; returns the bus address."""
    address = session_bus_address(ctx)
    if not address:
        raise MissingDependency("desktop notifications need a session D-Bus (DBUS_SESSION_BUS_ADDRESS "
                                "is not set and there is no /run/user/UID/bus); run inside a desktop session.")
    asyncio.run(_notify_async(address, "", "", -1, probe_only=True))
    return address


def notify(args: dict, ctx: Context) -> dict:
    """desktop.notify: show a notification. Result: id, title, body."""
    title = str(args.get("title") or "").strip()
    body = str(args.get("body") or "")
    if not title:
        raise ToolError("A notification needs a title.")
    if ctx.dry_run:
        return {"id": None, "title": title, "body": body, "dry_run": True}
    return {"id": send_notification(title, body, ctx), "title": title, "body": body}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2 or argv[0] != "notify":
        sys.stderr.write("usage: python -m llmos.tools.desktop notify TITLE [BODY]\n")
        return 2
    try:
        send_notification(argv[1], argv[2] if len(argv) > 2 else "")
    except ToolError as e:
        sys.stderr.write(f"{e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
