"""Wayland sensing for wlroots and KDE: the compositor's idle timers, one quiet thread.

A Wayland client cannot see other clients' input, and there is no "how long
idle?" query. What compositors offer instead is a timer per client: "tell me
when the seat has had no input for N ms, and tell me when input comes back".
Newer compositors speak `ext-idle-notify-v1` (wayland-protocols), KWin and
older wlroots compositors (sway 1.7) `org_kde_kwin_idle`; Upright uses the
first one offered, newest first. Both map onto the backend contract:

* **idle time**: one *resolution* timer of `resolution_s` seconds lives all
  the time. While it has not fired the person touched something within the
  last `resolution_s`, so `idle_seconds()` says at most that; once it fired at
  t, the last input was at t - `resolution_s`, exactly. Working costs nothing
  (no event while input keeps coming); each pause longer than `resolution_s`
  costs two events. `resolution_s` must stay below the natural break.
* **arm**: a second timer of 1 ms fires as soon as the seat is quiet (`arm`
  returns then), and its `resumed` is the first input after that: its time
  goes to `notify`.

Full screen: where the compositor offers `zwlr_foreign_toplevel_manager_v1`
(wlroots), the focused window's *fullscreen* state; elsewhere (KWin) whether an
app holds an idle inhibitor on D-Bus (`agent.sensing.inhibitors`).
Screen lock: what the desktop's locker says over D-Bus (`agent.sensing.dbus_lock`).

Threading: one daemon thread owns the Wayland connection. It blocks in select()
on the connection and a wake-up pipe with no timeout; the owner thread hands it
work (arm, disarm, close) through a queue and the pipe.
"""

from __future__ import annotations

import logging
import os
import queue
import selectors
import struct
import threading
import time
from typing import Any, Callable

from agent.sensing._base import Notify, Sensing, SensingUnavailable, either_locked

log = logging.getLogger(__name__)

#: The idle protocols Upright speaks, newest first: (global name, kind).
IDLE_GLOBALS = (("ext_idle_notifier_v1", "ext"), ("org_kde_kwin_idle", "kde"))
TOPLEVEL_GLOBAL = "zwlr_foreign_toplevel_manager_v1"
ARM_TIMEOUT_MS = 1  # 0 would disarm the timer on wlroots' kde-idle: 1 ms is "as soon as quiet"
READY_TIMEOUT_S = 2.0
JOIN_TIMEOUT_S = 1.0

_NO_IDLE_FIX = (
    "Use a compositor that offers ext-idle-notify-v1 or org_kde_kwin_idle (sway, Hyprland, KDE Plasma, "
    "labwc, river...); on GNOME Upright uses Mutter's IdleMonitor instead (UPRIGHT_SENSING_BACKEND=mutter). "
    "To run without activity sensing set UPRIGHT_SENSING_BACKEND=dummy."
)


def _pywayland() -> Any:
    """pywayland's client module, or a clear explanation."""
    try:
        import pywayland.client
    except ImportError as err:  # also OSError-like failures loading libwayland-client
        raise SensingUnavailable(
            "pywayland is not installed, so Upright cannot talk to the Wayland compositor.",
            "Install it with: pip install pywayland",
        ) from err
    return pywayland.client


def wayland_socket() -> str:
    """`$WAYLAND_DISPLAY`, or a clear explanation when it is not set."""
    name = os.environ.get("WAYLAND_DISPLAY")
    if not name:
        raise SensingUnavailable(
            "No Wayland display: the WAYLAND_DISPLAY environment variable is not set.",
            "Start Upright from inside your Wayland session, which sets WAYLAND_DISPLAY; "
            "in an X11 session use UPRIGHT_SENSING_BACKEND=xorg.",
        )
    if not os.path.isabs(name) and not os.environ.get("XDG_RUNTIME_DIR"):  # libwayland would only print this
        raise SensingUnavailable(
            f"Cannot find the Wayland display {name!r}: XDG_RUNTIME_DIR is not set.",
            "Start Upright from inside your desktop session, which sets XDG_RUNTIME_DIR.",
        )
    return name


class _Timer:
    """One idle timer of either protocol, with `idle` and `resumed` callbacks."""

    def __init__(self, kind: str, factory: Any, seat: Any, timeout_ms: int,
                 on_idle: Callable[[], None], on_resumed: Callable[[], None]) -> None:
        if kind == "ext":
            make = (factory.get_input_idle_notification  # ignores inhibitors: input only
                    if factory.user_data >= 2 else factory.get_idle_notification)
            self.proxy = make(timeout_ms, seat)
            self.proxy.dispatcher["idled"] = lambda _proxy: on_idle()
        else:
            self.proxy = factory.get_idle_timeout(seat, timeout_ms)
            self.proxy.dispatcher["idle"] = lambda _proxy: on_idle()
        self.proxy.dispatcher["resumed"] = lambda _proxy: on_resumed()
        self.kind = kind

    def destroy(self) -> None:
        if self.proxy.destroyed:
            return
        if self.kind == "ext":
            self.proxy.destroy()
        else:
            self.proxy.release()


class _Windows:
    """Each window's full-screen and focus state, from the wlroots window list."""

    def __init__(self, manager: Any) -> None:
        self._states: dict[int, set[int]] = {}
        self._pending: dict[int, set[int]] = {}
        self._guard = threading.Lock()
        manager.dispatcher["toplevel"] = self._on_toplevel
        self.manager = manager

    def _on_toplevel(self, _manager: Any, handle: Any) -> None:
        key = id(handle)
        handle.dispatcher["state"] = lambda _h, raw: self._pending.__setitem__(key, _states(raw))
        handle.dispatcher["done"] = lambda _h: self._commit(key)
        handle.dispatcher["closed"] = lambda h: self._closed(key, h)
        self._handles = getattr(self, "_handles", {})
        self._handles[key] = handle  # keep the proxy alive while the window lives

    def _commit(self, key: int) -> None:
        if key in self._pending:
            with self._guard:
                self._states[key] = self._pending.pop(key)

    def _closed(self, key: int, handle: Any) -> None:
        with self._guard:
            self._states.pop(key, None)
        self._pending.pop(key, None)
        self._handles.pop(key, None)
        handle.destroy()

    def close(self) -> None:
        """Destroy every window handle now, while the connection is up.

        pywayland ties a proxy the compositor creates (a new window's handle) to the first Display
        of the process, which in a process with several connections may be another, or a closed
        one; destroyed here, no handle is left for the garbage collector to free after its
        connection is gone.
        """
        for handle in list(getattr(self, "_handles", {}).values()):
            handle.destroy()
        self._handles = {}

    def fullscreen_focused(self) -> bool:
        from agent.sensing.wayland_protocols import STATE_ACTIVATED, STATE_FULLSCREEN

        with self._guard:
            return any({STATE_ACTIVATED, STATE_FULLSCREEN} <= states for states in self._states.values())


def _states(raw: bytes) -> set[int]:
    """A `state` array (native-endian uint32 values) as a set."""
    return set(struct.unpack(f"={len(raw) // 4}I", raw[: len(raw) // 4 * 4]))


class WaylandSensing(Sensing):
    """Activity and full-screen state from a wlroots or KDE compositor."""

    NAME = "wayland"
    HAS_IDLE_QUERY = True
    HAS_LOCK_QUERY = False  # only what the locker says over D-Bus, once watch_lock is called
    HAS_FULLSCREEN_QUERY = False  # True where the compositor lists windows

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, resolution_s: float = 5.0,
                 ready_timeout: float = READY_TIMEOUT_S) -> None:
        super().__init__(clock)
        self.resolution_s = resolution_s
        self._ready_timeout = ready_timeout
        self._guard = threading.Lock()
        self._notify: Notify | None = None
        self._idle_since: float | None = None  # clock time of the last input, once the resolution timer fired
        self._back_at = clock()  # the last `resumed` (input then), or the start
        self._arm_timer: _Timer | None = None
        self._lock_watch: Any = None
        self._windows: _Windows | None = None
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._wake_read, self._wake_write = os.pipe()
        self._closed = False
        self._display = self._connect(_pywayland())
        try:
            self._bind_globals()
        except BaseException:
            self._display.disconnect()
            self._close_pipe()
            raise
        self._thread = threading.Thread(target=self._run, name="upright-wayland", daemon=True)
        self._thread.start()

    # -- setup (owner thread, before the Wayland thread starts) --------

    def _connect(self, client: Any) -> Any:
        name = wayland_socket()
        display = client.Display(name)
        try:
            display.connect()
        except Exception as err:  # ValueError from pywayland when the socket refuses
            self._close_pipe()
            raise SensingUnavailable(
                f"Cannot connect to the Wayland display {name!r}: {err}",
                "Check that the compositor is running and that XDG_RUNTIME_DIR is the session's.",
            ) from err
        return display

    def _bind_globals(self) -> None:
        offered: dict[str, tuple[int, int]] = {}
        registry = self._display.get_registry()
        registry.dispatcher["global"] = lambda _r, name, interface, version: offered.__setitem__(
            interface, (name, version))
        self._display.roundtrip()
        self._registry = registry  # pywayland finds the display of new windows through it
        kind = next((kind for name, kind in IDLE_GLOBALS if name in offered), None)
        if kind is None or "wl_seat" not in offered:
            raise SensingUnavailable("This Wayland compositor offers no idle notifications to Upright.",
                                     _NO_IDLE_FIX)
        from pywayland.protocol.wayland import WlSeat

        self._seat = self._bind(registry, offered, "wl_seat", WlSeat, 1)
        self.protocol = dict((kind, name) for name, kind in IDLE_GLOBALS)[kind]
        self._idle_kind = kind
        self._idle_factory = self._bind_idle(registry, offered, kind)
        self._resolution = _Timer(kind, self._idle_factory, self._seat, int(self.resolution_s * 1000),
                                  self._on_quiet, self._on_back)
        if TOPLEVEL_GLOBAL in offered:
            from agent.sensing.wayland_protocols import ToplevelManager

            self._windows = _Windows(self._bind(registry, offered, TOPLEVEL_GLOBAL, ToplevelManager, 3))
            self.HAS_FULLSCREEN_QUERY = True
        self._display.roundtrip()  # the window list as it is now

    def _bind_idle(self, registry: Any, offered: dict, kind: str) -> Any:
        if kind == "ext":
            from pywayland.protocol.ext_idle_notify_v1 import ExtIdleNotifierV1

            return self._bind(registry, offered, "ext_idle_notifier_v1", ExtIdleNotifierV1, 2)
        from agent.sensing.wayland_protocols import KdeIdle

        return self._bind(registry, offered, "org_kde_kwin_idle", KdeIdle, 1)

    @staticmethod
    def _bind(registry: Any, offered: dict, name: str, interface: Any, newest: int) -> Any:
        global_name, version = offered[name]
        proxy = registry.bind(global_name, interface, min(version, newest))
        proxy.user_data = min(version, newest)  # the bound version: which requests exist
        return proxy

    # -- activity (owner thread) ----------------------------------------

    def idle_seconds(self) -> float | None:
        """Since the input before the quiet, once the resolution timer fired; else the most it can be.

        Before the timer fires, the last input is somewhere in the last `resolution_s` (and not before
        the last `resumed`). Saying the oldest it can be matters: the agent wakes at deadlines, and
        answering 0 would space the inputs it learns of by its wake-ups, which look like natural breaks.
        """
        self._check_open()
        now = self._clock()
        with self._guard:
            since, back = self._idle_since, self._back_at
        if since is not None:
            return max(0.0, now - since)
        return max(0.0, min(self.resolution_s, now - back))

    def arm(self, notify: Notify) -> None:
        self._check_open()
        with self._guard:
            rearm = self._notify is None
            self._notify = notify
        if rearm:
            listening = threading.Event()
            self._send(("arm", listening))
            if not listening.wait(self._ready_timeout):  # input without a 1 ms pause: the next pause will do
                log.debug("the arm timer did not go idle within %s s", self._ready_timeout)

    def disarm(self) -> None:
        with self._guard:
            self._notify = None
        if not self._closed:
            self._send(("disarm", None))

    @property
    def armed(self) -> bool:
        return self._notify is not None and self._thread.is_alive()

    # -- context (owner thread) -----------------------------------------

    def screen_locked(self) -> bool | None:
        return either_locked(None if self._lock_watch is None else self._lock_watch.locked)

    def watch_lock(self, on_change: Callable[[], None]) -> None:
        """Follow the desktop's locker over D-Bus (logind LockedHint, ScreenSaver)."""
        if self._lock_watch is not None:
            return
        try:
            from agent.sensing.dbus_lock import LockWatch
        except ImportError as err:
            log.debug("screen lock: no D-Bus client (%s)", err)
            return
        self._lock_watch = LockWatch(on_change)
        self._lock_watch.start()

    def fullscreen_active(self) -> bool:
        """The focused window is full screen where the compositor lists windows (wlroots); elsewhere
        (KWin) an app holding an idle inhibitor on D-Bus, as presentation and video apps do."""
        if self._windows is not None:
            return self._windows.fullscreen_focused()
        return self._inhibited()

    def _inhibited(self) -> bool:
        try:
            from jeepney.io.blocking import open_dbus_connection

            from agent.sensing.inhibitors import any_inhibited

            with open_dbus_connection("SESSION") as conn:  # asked only when a prompt is due
                return any_inhibited(conn)
        except Exception as err:  # no session bus, no jeepney
            log.debug("idle inhibitors: cannot ask (%s)", err)
            return False

    # -- lifetime -------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self._guard:
            self._notify = None
        if self._lock_watch is not None:
            self._lock_watch.close()
        self._send(("close", None))
        self._thread.join(JOIN_TIMEOUT_S)
        if self._thread.is_alive():
            log.warning("the Wayland thread did not stop in time")
            return
        self._display.disconnect()
        self._close_pipe()

    def _close_pipe(self) -> None:
        for fd in (self._wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass

    def _check_open(self) -> None:
        if self._closed:
            raise SensingUnavailable("This sensing backend is closed.", "Create a new one.")
        if not self._thread.is_alive():
            raise SensingUnavailable("Lost the Wayland compositor.",
                                     "Upright stops with the desktop session; start it again after logging in.")

    def _send(self, command: tuple) -> None:
        self._commands.put(command)
        try:
            os.write(self._wake_write, b"\0")
        except OSError:  # closed: the thread is gone anyway
            pass

    # -- the Wayland thread ---------------------------------------------

    def _on_quiet(self) -> None:
        log.debug("wayland: quiet for %s s", self.resolution_s)
        with self._guard:
            self._idle_since = self._clock() - self.resolution_s

    def _on_back(self) -> None:
        log.debug("wayland: input again")
        with self._guard:
            self._idle_since, self._back_at = None, self._clock()

    def _on_first_input(self) -> None:
        """The arm timer resumed: the first input since `arm`."""
        now = self._clock()
        with self._guard:
            notify, self._notify = self._notify, None
        self._drop_arm_timer()
        if notify is not None:
            try:
                notify(now)
            except Exception:
                log.exception("activity notify callback failed")

    def _drop_arm_timer(self) -> None:
        if self._arm_timer is not None:
            self._arm_timer.destroy()
            self._arm_timer = None

    def _run(self) -> None:
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self._display.get_fd(), selectors.EVENT_READ, "wayland")
                selector.register(self._wake_read, selectors.EVENT_READ, "wake")
                while self._serve(selector):
                    pass
        except Exception:
            log.exception("the Wayland connection stopped")
        finally:
            with self._guard:
                self._notify = None

    def _serve(self, selector: selectors.BaseSelector) -> bool:
        """One round: flush, wait, read; False once closed or the compositor left."""
        self._display.dispatch(block=False)
        self._display.flush()
        for key, _events in selector.select():
            if key.data == "wake":
                os.read(self._wake_read, 64)
                if not self._run_commands():
                    return False
            else:
                self._display.read()  # raises when the compositor went away
        self._display.dispatch(block=False)
        return True

    def _run_commands(self) -> bool:
        while True:
            try:
                command, event = self._commands.get_nowait()
            except queue.Empty:
                return True
            log.debug("wayland: %s", command)
            if command == "close":
                self._drop_arm_timer()
                self._resolution.destroy()
                if self._windows is not None:
                    self._windows.close()
                self._display.flush()
                return False
            self._drop_arm_timer()
            if command == "arm":  # listening once the timer idled: its next `resumed` is the next input
                self._arm_timer = _Timer(self._idle_kind, self._idle_factory, self._seat, ARM_TIMEOUT_MS,
                                         event.set, self._on_first_input)
                self._display.flush()
