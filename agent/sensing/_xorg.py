"""X11 sensing: the server's idle counter while active, RECORD listeners while away.

Connections to the X server:

* the *query* connection (`self._display`) answers `idle_seconds`,
  `screen_locked` and `fullscreen_active`. It belongs to the owner thread and
  never selects events, so it never wakes the process up;
* the *control* connection ends a listener's RECORD context from whichever
  thread disarms it (see `agent.sensing._listeners` for why that is needed).
  It is only touched under `self._control_lock`;
* each armed pynput listener opens two more of its own, while armed.

Extensions: RECORD is required (pynput's listeners use it). MIT-SCREEN-SAVER
gives the idle time and the screen-saver state; without it Upright falls back
to listeners that stay armed all the time, which costs more CPU under a
pointer storm but still works.

Screen lock: the X screen saver's state, and, once the agent calls
`watch_lock`, what the desktop's locker says over D-Bus
(`agent.sensing.dbus_lock`), since most desktop lockers leave the X screen
saver off. Either one saying locked is a lock.

Under Wayland, through XWayland, both the idle counter and RECORD only see
input aimed at X11 windows; a Wayland backend is a separate piece of work.

Note for readers of python-xlib's docs: the idle query is a method of the
root window, `root.screensaver_query_info()`, not of the display.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
from typing import Any, Callable

from agent.sensing._base import Sensing, SensingUnavailable, either_locked
from agent.sensing._listeners import TrapArming
from agent.sensing._record_listener import keyboard_and_pointer
from agent.sensing.do_not_disturb import Rect, covers_any
from agent.sensing.xconnection import lighten

log = logging.getLogger(__name__)

_RECORD_FIX = (
    "Enable the X RECORD extension: on Xorg add 'Section \"Module\" Load \"record\" "
    "EndSection' to xorg.conf (it is on by default in most distributions); "
    "for Xvfb or Xephyr pass '+extension RECORD'."
)


def _xlib() -> tuple[Any, Any]:
    """python-xlib's display and error modules, or a clear explanation."""
    try:
        import Xlib.display
        import Xlib.error
    except ImportError as err:
        raise SensingUnavailable(
            "python-xlib is not installed, so Upright cannot talk to the X server.",
            "Install it with: pip install python-xlib pynput",
        ) from err
    return Xlib.display, Xlib.error


def open_display() -> Any:
    """Connect to `$DISPLAY`, the display pynput will listen on as well."""
    name = os.environ.get("DISPLAY")
    if not name:
        raise SensingUnavailable(
            "No X11 display: the DISPLAY environment variable is not set.",
            "Start Upright from inside your graphical session, which sets DISPLAY "
            "(for example DISPLAY=:0). On Wayland make sure XWayland is running. "
            "To run without activity sensing set UPRIGHT_SENSING_BACKEND=dummy.",
        )
    display_mod, _error = _xlib()
    try:
        display = display_mod.Display(name)
    except Exception as err:  # DisplayNameError, DisplayConnectionError, OSError...
        raise SensingUnavailable(
            f"Cannot open the X display {name!r}: {err}",
            "Check that the X server is running and that this user may connect to "
            "it (XAUTHORITY points at the session's cookie, or "
            "'xhost +si:localuser:$USER').",
        ) from err
    return lighten(display)  # no visuals or keymap kept: Upright reads neither (agent.sensing.xconnection)


def require_record(display: Any) -> None:
    """Fail clearly now rather than let a listener thread die silently later."""
    if not display.has_extension("RECORD"):
        raise SensingUnavailable(
            "The X server lacks the RECORD extension, so Upright cannot notice "
            "keyboard and mouse activity.",
            _RECORD_FIX,
        )


def _ignore_x_error(*_args: Any) -> None:
    """Disabling a context that already ended is harmless; stay quiet about it."""
    return None


class XorgSensing(TrapArming, Sensing):
    """Activity, screen saver and full-screen state of one X11 session."""

    NAME = "xorg"
    HAS_IDLE_QUERY = True
    HAS_LOCK_QUERY = True
    HAS_FULLSCREEN_QUERY = True

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        ready_timeout: float = 2.0,
        join_timeout: float = 1.0,
    ) -> None:
        super().__init__(clock)
        self._display: Any = None
        self._control: Any = None
        self._control_lock = threading.Lock()
        self._atoms: dict[str, int] = {}
        self._lock_watch: Any = None  # agent.sensing.dbus_lock.LockWatch, once watch_lock is called
        self._display = open_display()
        try:
            require_record(self._display)
            from agent.sensing._listeners import ActivityTrap, _pynput

            _pynput()  # fail now, not at the first arm
            self._control = open_display()
            self._control.set_error_handler(_ignore_x_error)
        except BaseException:
            self.close()
            raise
        self._root = self._display.screen().root
        if not self._display.has_extension("MIT-SCREEN-SAVER"):
            log.warning(
                "X server lacks MIT-SCREEN-SAVER: keeping input listeners armed "
                "(more CPU under heavy pointer use)"
            )
            self.HAS_IDLE_QUERY = False
            self.HAS_LOCK_QUERY = False
        self._trap = ActivityTrap(
            clock,
            kick=self._kick,
            listeners=keyboard_and_pointer,  # one listener for keys and pointer: 0.7 MiB less away
            persistent=not self.HAS_IDLE_QUERY,
            ready_timeout=ready_timeout,
            join_timeout=join_timeout,
        )
        self._started = clock()
        if not self.HAS_IDLE_QUERY:
            self._trap.start()

    # -- activity -------------------------------------------------------

    def idle_seconds(self) -> float | None:
        """The server's idle counter; in fallback mode, time since the last event."""
        if not self.HAS_IDLE_QUERY:
            if not self._trap.running:
                self._trap.start()  # a listener died: restart, then measure anew
            since = self._trap.last_input
            return max(0.0, self._clock() - (self._started if since is None else since))
        return self._saver_info().idle / 1000.0

    def _kick(self, listener: Any) -> None:
        """End a stopped listener's RECORD context from outside its thread.

        pynput's stop only queues a request on the listener's own connection,
        which is blocked reading; disabling the context from the control
        connection makes the server end the recording, so the thread exits.
        """
        context = getattr(listener, "_context", None)
        if context is None or not listener.is_alive():
            return
        with self._control_lock:
            if self._control is None:
                return
            try:
                self._control.record_disable_context(context)
                self._control.sync()
            except Exception:  # the server went away: the listener dies anyway
                log.debug("could not disable a RECORD context", exc_info=True)

    # -- context --------------------------------------------------------

    def screen_locked(self) -> bool | None:
        """True while the X screen saver is on or the locker says so over D-Bus.

        Without `watch_lock`, a locker that leaves the X screen saver off goes
        unnoticed.
        """
        saver = None
        if self.HAS_LOCK_QUERY:
            from Xlib.ext import screensaver

            saver = self._saver_info().state in (screensaver.StateOn, screensaver.StateCycle)
        return either_locked(saver, None if self._lock_watch is None else self._lock_watch.locked)

    def watch_session(self, on_end: Callable[[str], None]) -> None:
        """Watch the X connection for the server hanging up (poll's POLLRDHUP: no byte is read,
        so the replies the agent's own thread waits for are left alone)."""
        if self._display is None or not hasattr(select, "POLLRDHUP") or getattr(self, "_session_watch", None):
            return
        self._session_watch = _HangUpWatch(self._display.fileno(), on_end)

    def watch_lock(self, on_change: Callable[[], None]) -> None:
        """Follow the desktop's locker over D-Bus too, where a bus is there."""
        if self._lock_watch is not None:
            return
        try:
            from agent.sensing.dbus_lock import LockWatch
        except ImportError as err:  # jeepney missing: the X screen saver alone
            log.debug("screen lock: no D-Bus client (%s)", err)
            return
        self._lock_watch = LockWatch(on_change)
        self._lock_watch.start()

    def fullscreen_active(self) -> bool:
        """The focused window is full screen (EWMH), or, with no window manager,
        a mapped top-level window covers a whole monitor."""
        try:
            if self._root_property("_NET_SUPPORTING_WM_CHECK") is not None:
                return self._active_window_fullscreen()
            return self._any_window_covers_a_monitor()
        except self._errors():
            log.debug("full-screen check failed", exc_info=True)
            return False

    # -- lifetime -------------------------------------------------------

    def close(self) -> None:
        watch = getattr(self, "_session_watch", None)
        if watch is not None:
            watch.close()
        trap = getattr(self, "_trap", None)
        if trap is not None:
            trap.close()
        if self._lock_watch is not None:
            self._lock_watch.close()
        with self._control_lock:
            control, self._control = self._control, None
        for display in (control, self._display):
            if display is not None:
                try:
                    display.close()
                except Exception:
                    pass
        self._display = None

    # -- X helpers ------------------------------------------------------

    def _errors(self) -> tuple[type[BaseException], ...]:
        _display, error = _xlib()
        return (error.XError, error.ConnectionClosedError)

    def _saver_info(self) -> Any:
        """One MIT-SCREEN-SAVER round trip: idle milliseconds and saver state."""
        if self._display is None:
            raise SensingUnavailable("This sensing backend is closed.", "Create a new one.")
        try:
            return self._root.screensaver_query_info()
        except self._errors() as err:
            raise SensingUnavailable(
                f"Lost the X display while asking for the idle time: {err}",
                "Upright stops with the desktop session; start it again after logging in.",
            ) from err

    def _atom(self, name: str) -> int:
        if name not in self._atoms:
            self._atoms[name] = self._display.intern_atom(name)
        return self._atoms[name]

    def _root_property(self, name: str) -> list[int] | None:
        from Xlib import X

        prop = self._root.get_full_property(self._atom(name), X.AnyPropertyType)
        return list(prop.value) if prop is not None and len(prop.value) else None

    def _active_window_fullscreen(self) -> bool:
        from Xlib import Xatom

        active = self._root_property("_NET_ACTIVE_WINDOW")
        if not active or not active[0]:
            return False
        window = self._display.create_resource_object("window", active[0])
        state = window.get_full_property(self._atom("_NET_WM_STATE"), Xatom.ATOM)
        return state is not None and self._atom("_NET_WM_STATE_FULLSCREEN") in state.value

    def _any_window_covers_a_monitor(self) -> bool:
        from Xlib import X

        monitors = self._monitors()
        for window in self._root.query_tree().children:
            attrs = window.get_attributes()
            if (
                attrs.map_state != X.IsViewable
                or attrs.win_class != X.InputOutput
                or attrs.override_redirect  # menus, tooltips, the saver itself
            ):
                continue
            geo = window.get_geometry()
            border = 2 * geo.border_width
            if covers_any(Rect(geo.x, geo.y, geo.width + border, geo.height + border), monitors):
                return True
        return False

    def _monitors(self) -> list[Rect]:
        """Monitor rectangles from Xinerama, else the whole root window."""
        if self._display.has_extension("XINERAMA"):
            try:
                if self._display.xinerama_is_active():
                    screens = self._display.xinerama_query_screens().screens
                    if screens:
                        return [Rect(s.x, s.y, s.width, s.height) for s in screens]
            except self._errors():
                pass
        geo = self._root.get_geometry()
        return [Rect(0, 0, geo.width, geo.height)]


class _HangUpWatch:
    """A thread that sleeps in poll() until the X server closes the connection `fd`, then says so once."""

    def __init__(self, fd: int, on_end: Callable[[str], None]) -> None:
        self._poll = select.poll()
        self._poll.register(fd, select.POLLRDHUP)  # POLLHUP and POLLERR come without asking
        self._wake_r, self._wake_w = os.pipe()
        self._poll.register(self._wake_r, select.POLLIN)
        self._on_end = on_end
        threading.Thread(target=self._watch, args=(fd,), name="upright-x-hangup", daemon=True).start()

    def _watch(self, fd: int) -> None:
        events = dict(self._poll.poll())
        os.close(self._wake_r)
        if events.get(fd) and not events.get(self._wake_r):
            self._on_end(f"the X server {os.environ.get('DISPLAY', '')} closed the connection".replace("  ", " "))

    def close(self) -> None:
        if self._wake_w is None:
            return
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass  # the watch already ended
        os.close(self._wake_w)
        self._wake_w = None
