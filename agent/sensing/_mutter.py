"""GNOME on Wayland: Mutter's IdleMonitor over the session bus, one quiet thread.

GNOME Shell offers no Wayland idle protocol to clients, but Mutter answers on
D-Bus (`org.gnome.Mutter.IdleMonitor`, object `/org/gnome/Mutter/IdleMonitor/Core`):

* `GetIdletime()`: milliseconds since the last input on any device, Wayland
  and X11 apps alike, the exact counterpart of X11's MIT-SCREEN-SAVER query.
  `idle_seconds()` asks it at the agent's deadlines, on the owner thread's own
  connection;
* `AddUserActiveWatch()`: a one-shot watch that fires `WatchFired(id)` at the
  next input. `arm` adds one; its signal is the first touch after an away
  stretch, seen at once, with no polling while the person is away.

Screen lock: what GNOME's locker says over D-Bus (`agent.sensing.dbus_lock`:
`org.gnome.ScreenSaver` ActiveChanged and logind's LockedHint). Full screen:
GNOME does not tell other clients about windows; instead `fullscreen_active`
says True while an app holds GNOME's idle inhibitor (`org.gnome.SessionManager`
`IsInhibited`), which presentation and video apps set while they play, and
while GNOME's own Do Not Disturb switch is on (`agent.sensing.gnome_dnd`), so
both hold prompts under the `do_not_disturb.fullscreen` setting.

Threading: the watch thread (`agent.bus_thread`) owns a second connection and
blocks in select() on it and a wake-up pipe, with no timeout; `arm` and
`disarm` hand it work.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import Any, Callable

from agent.bus_thread import BusThread, Link
from agent.sensing._base import Notify, Sensing, SensingUnavailable, either_locked

log = logging.getLogger(__name__)

IDLE_MONITOR = "org.gnome.Mutter.IdleMonitor"
IDLE_PATH = "/org/gnome/Mutter/IdleMonitor/Core"
CALL_TIMEOUT_S = 2.0

_FIX = ("Start Upright inside your GNOME session (which sets DBUS_SESSION_BUS_ADDRESS); on another Wayland "
        "desktop set UPRIGHT_SENSING_BACKEND=wayland. To run without activity sensing set "
        "UPRIGHT_SENSING_BACKEND=dummy.")


def _jeepney() -> Any:
    try:
        import jeepney
        import jeepney.io.blocking
    except ImportError as err:
        raise SensingUnavailable("jeepney is not installed, so Upright cannot ask GNOME about input.",
                                 "Install it with: pip install jeepney") from err
    return jeepney


def _address() -> Any:
    from jeepney import DBusAddress

    return DBusAddress(IDLE_PATH, bus_name=IDLE_MONITOR, interface=IDLE_MONITOR)


class MutterSensing(Sensing):
    """Activity from GNOME's Mutter, on Wayland or X11."""

    NAME = "mutter"
    HAS_IDLE_QUERY = True
    HAS_LOCK_QUERY = False  # what the locker says over D-Bus, once watch_lock is called
    HAS_FULLSCREEN_QUERY = False  # an idle inhibitor is the nearest GNOME tells

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, bus: str = "SESSION") -> None:
        super().__init__(clock)
        jeepney = _jeepney()
        self._bus = bus
        self._guard = threading.Lock()
        self._notify: Notify | None = None
        self._watch_id: int | None = None
        self._lock_watch: Any = None
        self._closed = False
        self._query = self._open(jeepney)
        try:
            self.idle_seconds()  # fail now, clearly, if Mutter does not answer
            self._watch = self._open(jeepney)
        except BaseException:
            self._query.close()
            raise
        self._signals: deque = deque()
        from jeepney import MatchRule, message_bus

        rule = MatchRule(type="signal", interface=IDLE_MONITOR, member="WatchFired", path=IDLE_PATH)
        self._watch.filter(rule, queue=self._signals)
        self._watch.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT_S)
        self._bus_thread = BusThread("upright-mutter", lambda: [Link(self._watch, self._on_signals)],
                                     self._run_command, on_exit=self._forget_notify)
        self._bus_thread.start()

    def _open(self, jeepney: Any) -> Any:
        try:
            return jeepney.io.blocking.open_dbus_connection(self._bus)
        except Exception as err:  # KeyError (no variable), OSError (no socket)...
            raise SensingUnavailable(f"Cannot reach the session bus to ask GNOME about input: {err}", _FIX) from err

    # -- activity (owner thread) ----------------------------------------

    def idle_seconds(self) -> float | None:
        """Mutter's idle counter."""
        from jeepney import new_method_call
        from jeepney.wrappers import DBusErrorResponse, unwrap_msg

        if self._closed:
            raise SensingUnavailable("This sensing backend is closed.", "Create a new one.")
        try:
            reply = self._query.send_and_get_reply(new_method_call(_address(), "GetIdletime"),
                                                   timeout=CALL_TIMEOUT_S)
            (idle_ms,) = unwrap_msg(reply)
        except (DBusErrorResponse, TimeoutError, OSError, ConnectionError) as err:
            raise SensingUnavailable(f"GNOME's Mutter did not tell the idle time: {err}",
                                     "Upright needs GNOME Shell (Mutter) on this session bus. " + _FIX) from err
        return idle_ms / 1000.0

    def arm(self, notify: Notify) -> None:
        with self._guard:
            rearm = self._notify is None
            self._notify = notify
        if rearm:
            added = threading.Event()
            self._bus_thread.send(("arm", added))
            if not added.wait(CALL_TIMEOUT_S):
                raise SensingUnavailable("GNOME's Mutter did not add an activity watch in time.",
                                         "Restart Upright; if it keeps happening, restart the session.")

    def disarm(self) -> None:
        with self._guard:
            self._notify = None
        if not self._closed:
            self._bus_thread.send(("disarm", None))

    @property
    def armed(self) -> bool:
        return self._notify is not None and self._bus_thread.is_alive()

    # -- context (owner thread) -----------------------------------------

    def screen_locked(self) -> bool | None:
        return either_locked(None if self._lock_watch is None else self._lock_watch.locked)

    def watch_lock(self, on_change: Callable[[], None]) -> None:
        """Follow GNOME's locker (org.gnome.ScreenSaver, logind LockedHint)."""
        if self._lock_watch is None:
            from agent.sensing.dbus_lock import LockWatch

            self._lock_watch = LockWatch(on_change, session_bus=self._bus)
            self._lock_watch.start()

    def fullscreen_active(self) -> bool:
        """An app holds GNOME's idle inhibitor (a presentation or a video is playing), or the person
        switched GNOME's Do Not Disturb on. Asked only when a prompt is due."""
        from agent.sensing.gnome_dnd import gnome_do_not_disturb
        from agent.sensing.inhibitors import gnome_idle_inhibited

        return bool(gnome_idle_inhibited(self._query) or gnome_do_not_disturb())

    # -- lifetime -------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self._guard:
            self._notify = None
        if self._lock_watch is not None:
            self._lock_watch.close()
        stopped = self._bus_thread.stop(("close", None))
        self._query.close()
        if not stopped:
            log.warning("the Mutter watch thread did not stop in time")
            return
        self._watch.close()

    # -- the watch thread -----------------------------------------------

    def _forget_notify(self) -> None:
        with self._guard:
            self._notify = None

    def _on_signals(self) -> None:
        while self._signals:
            self._on_signal(self._signals.popleft())

    def _on_signal(self, msg: Any) -> None:
        if msg.body != (self._watch_id,) or self._watch_id is None:
            return
        now = self._clock()
        self._watch_id = None  # user-active watches fire once and are gone
        with self._guard:
            notify, self._notify = self._notify, None
        if notify is not None:
            try:
                notify(now)
            except Exception:
                log.exception("activity notify callback failed")

    def _call(self, method: str, signature: str | None = None, body: tuple = ()) -> tuple:
        from jeepney import new_method_call
        from jeepney.wrappers import unwrap_msg

        reply = self._watch.send_and_get_reply(new_method_call(_address(), method, signature, body),
                                               timeout=CALL_TIMEOUT_S)
        return unwrap_msg(reply)

    def _run_command(self, command: tuple) -> bool:
        """One command from the owner thread; False for "close"."""
        name, event = command
        if self._watch_id is not None:
            self._call("RemoveWatch", "u", (self._watch_id,))
            self._watch_id = None
        if name == "close":
            return False
        if name == "arm":
            (self._watch_id,) = self._call("AddUserActiveWatch")
            event.set()
        return True
