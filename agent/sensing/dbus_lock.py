"""Screen lock from D-Bus: what desktop lockers announce, followed by one quiet thread.

The X screen-saver state misses most desktop lockers (GNOME, KDE, Cinnamon,
light-locker lock the screen without turning the X screen saver on), but
they announce the lock on D-Bus:

* on the session bus, the screen saver service's `ActiveChanged(bool)` signal
  (`org.freedesktop.ScreenSaver`, and the same signal under the GNOME,
  Cinnamon, MATE and Xfce names);
* on the system bus, logind's `LockedHint` property of this user's session,
  which lockers set while the lock is up (announced by `PropertiesChanged`).

logind's `Lock` and `Unlock` signals are deliberately not used. They are
*requests* (from `loginctl lock-session`, say), not the state: when nothing
honours the request the screen never locks, and a locker that honours it
without setting `LockedHint` (xss-lock with i3lock) sends no `Unlock` when the
person types the password. Taking a request for the state would leave Upright
believing the screen locked while the person works; the engine ignores input
while locked, so no break would ever come. A missed lock costs only the few
minutes until the idle time tells the same story.

Threading: `start()` returns at once; one daemon thread (`agent.bus_thread`)
connects, subscribes and then blocks in select() on the bus sockets and a
wake-up pipe, with no timeout, so it costs nothing until a signal arrives. It calls `on_change()`
when `locked` flips; like the sensing backends' notify, `on_change` must only
post a message and return. A bus that is missing or refuses us is left out and
logged at debug level; with no bus at all `locked` stays None (unknown).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from jeepney import DBusAddress, HeaderFields, MatchRule, Properties, message_bus, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import unwrap_msg

from agent.bus_thread import BusThread, Link

log = logging.getLogger(__name__)

#: Interfaces whose `ActiveChanged(b)` signal says the screen saver (and lock) is up.
SCREENSAVER_INTERFACES = (
    "org.freedesktop.ScreenSaver",
    "org.gnome.ScreenSaver",
    "org.cinnamon.ScreenSaver",
    "org.mate.ScreenSaver",
    "org.xfce.ScreenSaver",
)
LOGIND = "org.freedesktop.login1"
LOGIND_SESSION = "org.freedesktop.login1.Session"
LOGIND_MANAGER = DBusAddress("/org/freedesktop/login1", bus_name=LOGIND, interface="org.freedesktop.login1.Manager")
PROPERTIES = "org.freedesktop.DBus.Properties"
LOGIND_SOURCE = "logind"
CALL_TIMEOUT_S = 2.0  # a bus that does not answer a setup call within this is left out


@dataclass
class _Bus:
    """One connection, the signals it caught, and what to do with them."""

    name: str
    conn: Any
    handle: Callable[["_Bus", Any], None]
    sources: tuple[str, ...]
    pending: deque = field(default_factory=deque)

    def __post_init__(self) -> None:
        # Every signal lands in `pending`, also those read while waiting for a
        # method reply (jeepney drops unfiltered messages then).
        self.conn.filter(MatchRule(type="signal"), queue=self.pending)


class LockWatch:
    """Whether the desktop's locker says the screen is locked, kept current."""

    def __init__(self, on_change: Callable[[], None], *, session_bus: str = "SESSION",
                 system_bus: str = "SYSTEM", session_id: str | None = None) -> None:
        """`session_bus`/`system_bus`: jeepney bus names or D-Bus addresses (tests
        pass private buses); `session_id`: the logind session, by default
        `$XDG_SESSION_ID`, else logind's "auto" (the caller's session)."""
        self._on_change = on_change
        self._addresses = (("session bus", session_bus), ("system bus", system_bus))
        self._session_id = session_id or os.environ.get("XDG_SESSION_ID") or "auto"
        self._session_path: str | None = None
        self._logind_name: str | None = None  # logind's unique name: only it may say LockedHint
        self._guard = threading.Lock()
        self._states: dict[str, bool] = {}  # source -> locked; written by the watch thread only
        self._watching = 0  # buses connected
        self._buses: list[_Bus] = []  # the watch thread's
        self._closed = False
        #: Set once the thread has connected (or given up on) every bus.
        self.ready = threading.Event()
        self._bus_thread = BusThread("upright-lock-watch", self._connect_all, on_exit=self._finish)

    # -- owner thread ---------------------------------------------------

    def start(self) -> None:
        """Connect and listen in the background; returns at once."""
        self._bus_thread.start()

    @property
    def locked(self) -> bool | None:
        """True if any watched source says locked; None while no bus is watched."""
        with self._guard:
            return self._locked()

    @property
    def thread(self) -> threading.Thread:
        """The watch thread, for tests and diagnostics."""
        return self._bus_thread.thread

    def close(self) -> None:
        """Stop the thread and drop the connections. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if not self._bus_thread.stop():
            log.warning("the D-Bus lock watch did not stop in time")

    # -- state ----------------------------------------------------------

    def _locked(self) -> bool | None:
        return any(self._states.values()) if self._watching else None

    def _update(self, change: Callable[[], None]) -> None:
        """Apply `change` to the state; tell the owner if `locked` flipped."""
        with self._guard:
            before = bool(self._locked())
            change()
            after = bool(self._locked())
        if before != after:
            try:
                self._on_change()
            except Exception:  # a broken callback must not end the watch
                log.exception("lock change callback failed")

    def _set(self, source: str, locked: bool) -> None:
        self._update(lambda: self._states.__setitem__(source, locked))

    def _count_bus(self) -> None:
        self._watching += 1

    def _forget(self, bus: _Bus) -> None:
        def drop() -> None:
            self._watching -= 1
            for source in bus.sources:
                self._states.pop(source, None)

        self._update(drop)

    # -- watch thread ---------------------------------------------------

    def _connect_all(self) -> list[Link]:
        """Connect to each bus there is; the links the bus thread then serves."""
        for name, address in self._addresses:
            bus = self._connect(name, address)
            if bus is not None:
                self._buses.append(bus)
                self._update(self._count_bus)
        self.ready.set()
        return [Link(bus.conn, lambda bus=bus: self._dispatch(bus), lambda bus=bus: self._forget(bus))
                for bus in self._buses]

    def _finish(self) -> None:
        self.ready.set()
        for bus in self._buses:
            bus.conn.close()

    def _connect(self, name: str, address: str) -> _Bus | None:
        """Open and subscribe one bus; None (logged at debug) if it is not there."""
        conn = None
        try:
            conn = open_dbus_connection(address)
            subscribe = self._subscribe_session if name == "session bus" else self._subscribe_system
            return subscribe(name, conn)
        except Exception as err:  # missing variable, no socket, refused, no logind...
            log.debug("screen lock: not watching the %s (%s: %s)", name, type(err).__name__, err)
            if conn is not None:
                conn.close()
            return None

    def _subscribe_session(self, name: str, conn: Any) -> _Bus:
        bus = _Bus(name, conn, self._on_screensaver, SCREENSAVER_INTERFACES)
        for interface in SCREENSAVER_INTERFACES:
            _call(conn, message_bus.AddMatch(MatchRule(type="signal", interface=interface, member="ActiveChanged")))
        return bus

    def _subscribe_system(self, name: str, conn: Any) -> _Bus:
        reply = conn.send_and_get_reply(new_method_call(LOGIND_MANAGER, "GetSession", "s", (self._session_id,)),
                                        timeout=CALL_TIMEOUT_S)
        (self._session_path,) = unwrap_msg(reply)
        self._logind_name = reply.header.fields.get(HeaderFields.sender)
        bus = _Bus(name, conn, self._on_logind, (LOGIND_SOURCE,))
        rule = MatchRule(type="signal", sender=LOGIND, interface=PROPERTIES, member="PropertiesChanged",
                         path=self._session_path)
        rule.add_arg_condition(0, LOGIND_SESSION)
        _call(conn, message_bus.AddMatch(rule))  # subscribe first, then read: no change falls in between
        self._read_locked_hint(conn)
        return bus

    def _read_locked_hint(self, conn: Any) -> None:
        session = DBusAddress(self._session_path, bus_name=LOGIND, interface=LOGIND_SESSION)
        ((_signature, value),) = _call(conn, Properties(session).get("LockedHint"))
        self._set(LOGIND_SOURCE, bool(value))

    def _dispatch(self, bus: _Bus) -> None:
        while bus.pending:
            bus.handle(bus, bus.pending.popleft())

    def _on_screensaver(self, bus: _Bus, msg: Any) -> None:
        fields = msg.header.fields
        interface = fields.get(HeaderFields.interface)
        if (interface in SCREENSAVER_INTERFACES and fields.get(HeaderFields.member) == "ActiveChanged"
                and fields.get(HeaderFields.signature) == "b"):
            self._set(interface, bool(msg.body[0]))

    def _on_logind(self, bus: _Bus, msg: Any) -> None:
        fields = msg.header.fields
        if (fields.get(HeaderFields.member) != "PropertiesChanged"
                or fields.get(HeaderFields.path) != self._session_path
                or fields.get(HeaderFields.sender) != self._logind_name  # a unicast impostor
                or fields.get(HeaderFields.signature) != "sa{sv}as"
                or msg.body[0] != LOGIND_SESSION):
            return
        _interface, changed, invalidated = msg.body
        if "LockedHint" in changed:
            self._set(LOGIND_SOURCE, bool(changed["LockedHint"][1]))
        elif "LockedHint" in invalidated:
            self._read_locked_hint(bus.conn)


def _call(conn: Any, msg: Any) -> tuple:
    """A method call with a deadline; raises DBusErrorResponse on an error reply."""
    return unwrap_msg(conn.send_and_get_reply(msg, timeout=CALL_TIMEOUT_S))
