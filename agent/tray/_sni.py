"""The tray icon as a StatusNotifierItem: the D-Bus tray of KDE, waybar and GNOME's AppIndicator extension.

Wayland has no XEMBED system tray; panels there show items that register on
the session bus with `org.kde.StatusNotifierWatcher` and publish an object
`/StatusNotifierItem` (interface `org.kde.StatusNotifierItem`). The host reads
its properties (the icon as ARGB pixmaps, the tooltip) and calls `Activate`
or `ContextMenu` when the person clicks it.

Upright's item draws the same icon as the X11 tray (`icon_image.draw_icon`),
shows the same tooltip, and, like the X11 tray (HAS_MENU False), answers any
click with "open_panel": the agent's own panel holds every action, so no
D-Bus menu is needed. It registers again whenever a watcher or a host appears
(a panel restarting, or waybar, whose host starts after its watcher).

Threading: one daemon thread owns the bus connection, blocking in select() on
it and a wake-up pipe with no timeout; `update` and `stop` hand it work.
"""

from __future__ import annotations

import logging
import os
import queue
import selectors
import threading
from collections import deque
from typing import Any, Optional

from agent.tray._base import ActionCallback, BaseTray, TrayUnavailable

log = logging.getLogger("agent.tray")

ITEM_INTERFACE = "org.kde.StatusNotifierItem"
ITEM_PATH = "/StatusNotifierItem"
WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
ICON_SIZES = (16, 22, 24, 32, 48, 64)  # the host picks the nearest to its panel: drawn, never scaled
CALL_TIMEOUT_S = 2.0
JOIN_TIMEOUT_S = 1.0
CLICKS = ("Activate", "SecondaryActivate", "ContextMenu")

INTROSPECTION = f"""<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="{ITEM_INTERFACE}">
    <property name="Category" type="s" access="read"/>
    <property name="Id" type="s" access="read"/>
    <property name="Title" type="s" access="read"/>
    <property name="Status" type="s" access="read"/>
    <property name="WindowId" type="i" access="read"/>
    <property name="IconName" type="s" access="read"/>
    <property name="IconPixmap" type="a(iiay)" access="read"/>
    <property name="AttentionIconName" type="s" access="read"/>
    <property name="AttentionIconPixmap" type="a(iiay)" access="read"/>
    <property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
    <property name="ItemIsMenu" type="b" access="read"/>
    <method name="Activate"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
    <method name="SecondaryActivate"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
    <method name="ContextMenu"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
    <method name="Scroll"><arg name="delta" type="i" direction="in"/><arg name="orientation" type="s" direction="in"/></method>
    <signal name="NewIcon"/>
    <signal name="NewToolTip"/>
    <signal name="NewTitle"/>
    <signal name="NewStatus"><arg name="status" type="s"/></signal>
  </interface>
  <interface name="{PROPERTIES}">
    <method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="v" direction="out"/></method>
    <method name="GetAll"><arg type="s" direction="in"/><arg type="a{{sv}}" direction="out"/></method>
  </interface>
  <interface name="{INTROSPECTABLE}">
    <method name="Introspect"><arg type="s" direction="out"/></method>
  </interface>
</node>
"""


def watcher_present(bus: str = "SESSION") -> bool:
    """A StatusNotifierWatcher (a panel that shows items, or will) owns its name on the bus."""
    try:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import unwrap_msg

        with open_dbus_connection(bus) as conn:
            (owned,) = unwrap_msg(conn.send_and_get_reply(message_bus.NameHasOwner(WATCHER), timeout=CALL_TIMEOUT_S))
    except Exception as err:  # no session bus, no jeepney
        log.debug("tray: no StatusNotifier watcher (%s)", err)
        return False
    return bool(owned)


def argb_pixmap(image: Any) -> tuple[int, int, bytes]:
    """A PIL RGBA image as the SNI wants it: width, height, ARGB32 in network byte order."""
    rgba = image.convert("RGBA")
    data = rgba.tobytes()
    argb = bytearray(len(data))
    argb[0::4], argb[1::4], argb[2::4], argb[3::4] = data[3::4], data[0::4], data[1::4], data[2::4]
    return rgba.width, rgba.height, bytes(argb)


class SniTray(BaseTray):
    """Upright's icon as a StatusNotifierItem on the session bus."""

    HAS_MENU = False
    BACKEND = "sni"

    def __init__(self, on_action: ActionCallback, *, bus: str = "SESSION", title: str = "Upright", **_ignored) -> None:
        super().__init__(on_action)
        try:
            from jeepney.io.blocking import open_dbus_connection
        except ImportError as err:
            raise TrayUnavailable(f"jeepney is not installed: {err}") from err
        try:
            self._conn = open_dbus_connection(bus)
        except Exception as err:  # no session bus
            raise TrayUnavailable(f"no session bus for a StatusNotifierItem: {err}") from err
        self._title = title
        self._tooltip = ""
        self._pixmaps: list[tuple[int, int, bytes]] = []
        self._drawn_key: tuple = ()
        self._calls: deque = deque()
        self._signals: deque = deque()  # a watcher or host appearing: register (again)
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._wake_read, self._wake_write = os.pipe()
        self._registered = False
        self._thread: Optional[threading.Thread] = None
        self._stopped = False
        self.service = f"org.kde.StatusNotifierItem-{os.getpid()}-1"
        self.update(0.0, "working", title)

    # -- owner thread ---------------------------------------------------

    def start(self) -> bool:
        """Take the item's name, register with the watcher, then serve in the background."""
        from jeepney import MatchRule, message_bus

        self._conn.filter(MatchRule(type="method_call"), queue=self._calls)
        self._conn.filter(MatchRule(type="signal"), queue=self._signals)
        owner_changed = MatchRule(type="signal", interface="org.freedesktop.DBus", member="NameOwnerChanged")
        owner_changed.add_arg_condition(0, WATCHER)
        for rule in (MatchRule(type="signal", interface=WATCHER, member="StatusNotifierHostRegistered"),
                     owner_changed):
            self._conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT_S)
        self._conn.send_and_get_reply(message_bus.RequestName(self.service), timeout=CALL_TIMEOUT_S)
        self._registered = self._register()
        self._signals.clear()  # what came while registering needs no second registration
        self._thread = threading.Thread(target=self._run, name="upright-sni", daemon=True)
        self._thread.start()
        return self._registered

    def _register(self) -> bool:
        from jeepney import DBusAddress, new_method_call
        from jeepney.wrappers import DBusErrorResponse, unwrap_msg

        watcher = DBusAddress(WATCHER_PATH, bus_name=WATCHER, interface=WATCHER)
        try:
            unwrap_msg(self._conn.send_and_get_reply(
                new_method_call(watcher, "RegisterStatusNotifierItem", "s", (self.service,)),
                timeout=CALL_TIMEOUT_S))
        except (DBusErrorResponse, TimeoutError, OSError) as err:
            log.warning("No StatusNotifier watcher (a panel with a tray) on the session bus: %s", err)
            return False
        return True

    def update(self, progress: float, state: str, tooltip: str) -> None:
        from agent.tray.icon_image import draw_icon

        # Six sizes take about 15 ms to draw: only when the picture can have changed
        # (the same steps of progress as the X11 icon), not on every tick.
        key = (state, _step(progress))
        if key != self._drawn_key:
            self._drawn_key = key
            pixmaps = [argb_pixmap(draw_icon(size, progress, state)) for size in ICON_SIZES]
        else:
            pixmaps = self._pixmaps
        changed = (pixmaps != self._pixmaps, tooltip != self._tooltip)
        self._pixmaps, self._tooltip = pixmaps, tooltip
        if self._thread is not None and any(changed):
            self._send(("signal", changed))

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._thread is not None and self._thread.is_alive():
            self._send(("stop", None))
            self._thread.join(JOIN_TIMEOUT_S)
        if self._thread is None or not self._thread.is_alive():
            self._conn.close()
            os.close(self._wake_read)
            os.close(self._wake_write)

    def docked(self) -> Optional[bool]:
        """Registered with a watcher: a panel shows (or will show) the item."""
        return self._registered

    def wait_docked(self, timeout: float) -> Optional[bool]:
        return self._registered

    def _send(self, command: tuple) -> None:
        self._commands.put(command)
        try:
            os.write(self._wake_write, b"\0")
        except OSError:
            pass

    # -- the bus thread -------------------------------------------------

    def _run(self) -> None:
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self._wake_read, selectors.EVENT_READ, "wake")
                selector.register(self._conn.sock, selectors.EVENT_READ, "bus")
                while self._drain():  # jeepney may hold whole messages read with a reply: handle them first
                    for key, _events in selector.select():
                        if key.data == "wake":
                            os.read(self._wake_read, 64)
                            if not self._run_commands():
                                return
        except Exception:
            log.exception("tray: the StatusNotifierItem stopped")

    def _drain(self) -> bool:
        try:
            while True:
                self._conn.recv_messages(timeout=0)
        except TimeoutError:
            pass
        except Exception as err:
            log.warning("tray: lost the session bus: %s", err)
            return False
        self._answer_calls()
        if self._signals:
            self._signals.clear()
            # A panel (re)started: hosts that came up after our first registration never heard of us.
            self._registered = self._register() or self._registered
            self._answer_calls()
        return True

    def _run_commands(self) -> bool:
        from jeepney import DBusAddress, new_signal

        item = DBusAddress(ITEM_PATH, interface=ITEM_INTERFACE)
        while True:
            try:
                command, detail = self._commands.get_nowait()
            except queue.Empty:
                return True
            if command == "stop":
                return False
            icon, tooltip = detail
            if icon:
                self._conn.send(new_signal(item, "NewIcon"))
            if tooltip:
                self._conn.send(new_signal(item, "NewToolTip"))

    def _answer_calls(self) -> None:
        while self._calls:
            msg = self._calls.popleft()
            try:
                self._conn.send(self._answer(msg))
            except Exception:
                log.exception("tray: could not answer %s", msg.header.fields)

    def _answer(self, msg: Any) -> Any:
        from jeepney import HeaderFields, new_error, new_method_return

        fields = msg.header.fields
        interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
        if interface == PROPERTIES and member == "GetAll":
            return new_method_return(msg, "a{sv}", (self._properties() if msg.body[0] == ITEM_INTERFACE else {},))
        if interface == PROPERTIES and member == "Get":
            properties = self._properties()
            if msg.body[1] in properties:
                return new_method_return(msg, "v", (properties[msg.body[1]],))
            return new_error(msg, "org.freedesktop.DBus.Error.UnknownProperty", "s", (msg.body[1],))
        if member == "Introspect":
            return new_method_return(msg, "s", (INTROSPECTION,))
        if member in CLICKS:
            self._emit("open_panel")  # the agent's panel holds every action, as with the X11 tray
            return new_method_return(msg)
        if member == "Scroll":
            return new_method_return(msg)
        return new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"no method {member}",))

    def _properties(self) -> dict[str, tuple[str, Any]]:
        return {
            "Category": ("s", "ApplicationStatus"),
            "Id": ("s", "upright"),
            "Title": ("s", self._title),
            "Status": ("s", "Active"),
            "WindowId": ("i", 0),
            "IconName": ("s", ""),
            "IconPixmap": ("a(iiay)", self._pixmaps),
            "AttentionIconName": ("s", ""),
            "AttentionIconPixmap": ("a(iiay)", []),
            "ToolTip": ("(sa(iiay)ss)", ("", [], self._title, self._tooltip)),
            "ItemIsMenu": ("b", False),
        }


def _step(progress) -> int:
    """``progress`` in 1/240 steps, as the icon can show it; anything not a number counts as 0."""
    try:
        value = float(progress)
    except (TypeError, ValueError):
        return 0
    return 0 if value != value else round(min(1.0, max(0.0, value)) * 240)
