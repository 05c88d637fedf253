"""The agent's event loop: a few lines of `selectors` until a window needs Tk.

Tk costs about 7 MiB of memory (the Tcl and Tk libraries, an interpreter, a
root window), and most of a working day no Upright window is open. So the
agent starts on this `Loop`, which offers the few methods of a Tk root that
`agent.live.app.App` uses: `after`, `after_cancel`, `quit`, `mainloop`, and `watch`
for the mailbox's pipe. It sleeps in one select() call until a timer falls
due or the pipe is written, exactly as Tk's own loop would.

The first window asks for `tk_root()`. The real Tk root is then created, on
this same (main) thread, the pending timers and the watched pipe move over to
it, and `mainloop` carries on inside Tk's loop for the rest of the session.
After that every method is Tk's, so timers keep their order and a timer id
handed out before the move can still be cancelled.

Other threads wake the loop through a `doorbell` (`agent.live.doorbell`): a
socket pair that select() watches. Where Tk cannot watch a file descriptor
(Windows), the doorbell moves to Tcl's own socket when Tk starts, so there too
Tk waits for the first window.

Only the thread that runs `mainloop` may call these methods, as with Tk.
"""

from __future__ import annotations

import itertools
import os
import selectors
import sys
import time
import traceback
from typing import Any, Callable

from agent.live.doorbell import HandOverBell, SocketBell, TclBell

_READABLE = 2  # tkinter.READABLE, named here so that tkinter stays unloaded


class WindowsUnavailable(RuntimeError):
    """Tk cannot open a window (the display went away, or refuses the agent).

    The agent checks the display when it starts, but Tk only starts at the
    first window, maybe hours later. The message says what Tk said and where.
    """


class Loop:
    """Timers and watched file descriptors on one thread; Tk once a window needs it."""

    def __init__(self, class_name: str = "Upright", clock: Callable[[], float] = time.monotonic,
                 file_handlers: bool = sys.platform != "win32") -> None:
        """`file_handlers`: whether Tk can watch a file descriptor (not on Windows;
        tests turn it off to run the Windows way)."""
        self._class_name, self._clock = class_name, clock
        self._file_handlers = file_handlers
        self._selector: selectors.BaseSelector | None = selectors.DefaultSelector()
        self._timers: dict[str, tuple[float, Callable, tuple]] = {}  # id -> (deadline, func, args)
        self._ids = itertools.count(1)
        self._moved: dict[str, str] = {}  # our id of a timer pending when Tk took over -> Tk's id
        self._watched: dict[int, Callable[[], None]] = {}
        self._to_move: list[tuple[HandOverBell, Callable[[], None]]] = []  # bells Tcl takes over with Tk
        self._tk: Any = None
        self._running = False
        self._report: Callable[..., None] = _print_exception
        #: Called (with a reason) when Tk's X connection breaks; should not return (see _catch_lost_display).
        self.on_display_lost: Callable[[str], None] | None = None

    # --- what App uses of a Tk root ---------------------------------------

    @property
    def report_callback_exception(self) -> Callable[..., None]:
        """Called with (type, value, traceback) when a callback raises, as Tk does."""
        return self._report

    @report_callback_exception.setter
    def report_callback_exception(self, report: Callable[..., None]) -> None:
        self._report = report
        if self._tk is not None:
            self._tk.report_callback_exception = report

    def after(self, ms: int, func: Callable, *args: Any) -> str:
        """Call `func(*args)` once, `ms` milliseconds from now; returns an id for `after_cancel`."""
        if self._tk is not None:
            return self._tk.after(ms, func, *args)
        timer_id = f"loop-after#{next(self._ids)}"
        self._timers[timer_id] = (self._clock() + ms / 1000, func, args)
        return timer_id

    def after_cancel(self, timer_id: str) -> None:
        if self._timers.pop(timer_id, None) is None and self._tk is not None:
            self._tk.after_cancel(self._moved.pop(timer_id, timer_id))

    def watch(self, fd: int, callback: Callable[[], None]) -> None:
        """Call `callback()` whenever `fd` is readable (Tk's createfilehandler)."""
        self._watched[fd] = callback
        if self._tk is not None:
            self._tk.tk.createfilehandler(fd, _READABLE, lambda *_: callback())
        else:
            self._selector.register(fd, selectors.EVENT_READ, callback)

    def doorbell(self, on_ring: Callable[[], None]) -> SocketBell | TclBell | HandOverBell:
        """A bell other threads `ring()` to have `on_ring()` run on this loop's thread."""
        if not self._file_handlers and self._tk is not None:
            return TclBell(self._tk, on_ring)
        bell = SocketBell() if self._file_handlers else HandOverBell()
        self.watch(bell.watched, lambda: (bell.clear(), on_ring()))
        if isinstance(bell, HandOverBell):
            self._to_move.append((bell, on_ring))
        return bell

    def silence(self, bell: SocketBell | TclBell | HandOverBell) -> None:
        """Stop listening for `bell` and close it."""
        if not isinstance(bell, TclBell):
            self.unwatch(bell.watched)
        self._to_move = [(moving, on_ring) for moving, on_ring in self._to_move if moving is not bell]
        bell.close()

    def unwatch(self, fd: int) -> None:
        if self._watched.pop(fd, None) is None:
            return
        if self._tk is not None:
            import tkinter

            try:
                self._tk.tk.deletefilehandler(fd)
            except tkinter.TclError:
                pass  # Tk already gone
        elif self._selector is not None:
            self._selector.unregister(fd)

    def mainloop(self) -> None:
        """Run until `quit()`: here while no window has needed Tk, then in Tk's loop."""
        self._running = True
        while self._running and self._tk is None:
            self._run_once()
        if self._running:
            self._tk.mainloop()

    def quit(self) -> None:
        self._running = False
        if self._tk is not None:
            self._tk.quit()

    def destroy(self) -> None:
        """Tear down Tk if it was started, and the selector; safe to call twice."""
        if self._tk is not None:
            self._tk.destroy()
        if self._selector is not None:
            self._selector.close()
            self._selector = None

    # --- the switch to Tk -------------------------------------------------

    @property
    def has_tk(self) -> bool:
        """Tk has been started (a window needed it)."""
        return self._tk is not None

    def tk_root(self) -> Any:
        """The real Tk root, withdrawn, for windows to belong to; created on the first call.

        Raises WindowsUnavailable when Tk cannot open the display; the next
        call tries again.
        """
        if self._tk is None:
            import tkinter

            try:
                root = tkinter.Tk(className=self._class_name)
            except tkinter.TclError as err:
                raise WindowsUnavailable(_unavailable_text(err)) from err
            root.withdraw()
            root.report_callback_exception = self._report
            _catch_lost_display(lambda reason: self.on_display_lost and self.on_display_lost(reason))
            self._hand_over(root)
        return self._tk

    def _hand_over(self, root: Any) -> None:
        """Move the pending timers, in deadline order, and the watched descriptors to Tk."""
        now = self._clock()
        for timer_id, (deadline, func, args) in sorted(self._timers.items(), key=lambda item: item[1][0]):
            ms = max(0, round((deadline - now) * 1000))
            self._moved[timer_id] = root.after(ms, self._run_moved, timer_id, func, args)
        self._timers.clear()
        for bell, on_ring in self._to_move:  # Tk cannot watch their sockets: Tcl's own socket rings now
            self._watched.pop(bell.watched, None)
            self._selector.unregister(bell.watched)
            bell.move_to_tk(root, on_ring)
        self._to_move.clear()
        for fd, callback in self._watched.items():
            self._selector.unregister(fd)
            root.tk.createfilehandler(fd, _READABLE, lambda *_, callback=callback: callback())
        self._selector.close()
        self._selector = None
        self._tk = root

    def _run_moved(self, timer_id: str, func: Callable, args: tuple) -> None:
        self._moved.pop(timer_id, None)
        func(*args)

    # --- the loop itself --------------------------------------------------

    def _run_once(self) -> None:
        """Sleep until the next timer or a watched descriptor, then run what is due."""
        timeout = None
        if self._timers:
            timeout = max(0.0, min(deadline for deadline, _, _ in self._timers.values()) - self._clock())
        for key, _events in self._selector.select(timeout):
            self._call(key.data)
            if self._tk is not None:
                return  # the rest of the pipe's events are Tk's now
        now = self._clock()
        due = sorted((deadline, timer_id) for timer_id, (deadline, _, _) in self._timers.items()
                     if deadline <= now)
        for _deadline, timer_id in due:
            timer = self._timers.pop(timer_id, None)
            if timer is not None:  # else cancelled, or moved to Tk, by an earlier callback
                self._call(timer[1], *timer[2])

    def _call(self, func: Callable, *args: Any) -> None:
        try:
            func(*args)
        except Exception:  # noqa: BLE001 - like Tk: report and carry on
            self._report(*sys.exc_info())


_KEPT: list = []  # the ctypes callback must outlive the call that installs it


def _catch_lost_display(on_lost: Callable[[str], None]) -> None:
    """Have Xlib call `on_lost` before it ends the process when Tk's X connection breaks.

    Xlib's default is to print "X connection ... broken" and exit(1) from
    inside Tk's loop: no line in the log, the socket and lock left behind.
    Xlib exits anyway when the handler returns, so `on_lost` should do what
    must be done and exit with its own status. X11 only (not Windows, macOS).
    """
    if sys.platform == "win32" or sys.platform == "darwin" or _KEPT:
        return
    import ctypes

    try:
        x11 = ctypes.CDLL("libX11.so.6")  # the one Tk draws with, already loaded
    except OSError:
        return
    handler_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)

    def lost(_display: int) -> int:
        display = os.environ.get("DISPLAY", "")
        on_lost(f"the X server {display} closed Tk's connection".replace("  ", " "))
        return 0

    handler = handler_type(lost)
    x11.XSetIOErrorHandler.argtypes = [handler_type]
    x11.XSetIOErrorHandler.restype = ctypes.c_void_p
    x11.XSetIOErrorHandler(handler)
    _KEPT.append(handler)


def _unavailable_text(err: Exception) -> str:
    """Tk's complaint, with the display it was asked to use."""
    display = os.environ.get("DISPLAY")
    where = f" on DISPLAY={display}" if display else " (DISPLAY is not set)"
    return f"Upright cannot open its windows{where}: {err}"


def _print_exception(kind, value, tb) -> None:
    """Tk's default report: the traceback on standard error."""
    print("Exception in a loop callback:", file=sys.stderr)
    traceback.print_exception(kind, value, tb)
