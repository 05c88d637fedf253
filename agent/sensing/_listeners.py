"""pynput keyboard and mouse listeners that fire once, then get out of the way.

A pynput listener parses every event it receives, which is what makes it
costly under a pointer storm. Upright therefore only runs listeners while the
person is away, and the first event both reports and stops them. Callbacks take
`*args` and drop them at once: the key, its text and the pointer coordinates
never reach a variable that outlives the call. A round is pynput's keyboard
and mouse listeners, or whatever the backend's `listeners` builds instead (on
X11 one listener hears both: `agent.sensing._record_listener`).

pynput quirks handled here (pynput 1.8, X11 backend):

* A callback that returns False stops its listener. Ours return None
  explicitly so that can never happen by accident; stopping is done on purpose.
* `Listener.wait()` blocks until the listener is ready and never returns if the
  listener thread died first (for example without the X RECORD extension), and
  `Listener.stop()` calls `wait()` for a listener that is not ready yet. So this
  module only waits with a deadline and only stops listeners that are ready.
* On X11, `stop()` merely queues a request on the listener's own connection and
  the thread keeps blocking until the *next* event arrives. The backend passes
  a `kick` that ends the recording from another connection, so listeners really
  finish when disarmed, whichever thread stops them.
* Listeners are threads and cannot be restarted: every `arm` makes new ones.

Two private pynput attributes are read, both guarded with getattr: `_ready`
(set once the listener listens) and, in the X11 kick, `_context` (its RECORD
context). Re-check them when upgrading pynput past 1.8.

Memory: on X11 a round's listeners hold X connections, and python-xlib's
objects for a connection are tied in reference cycles, so a dropped round
frees nothing until Python's cyclic collector runs a full collection. In an
agent that allocates little that takes a dozen away periods or more, and the
resident memory grows all the while and stays grown (measured in the agent
under Xvfb: 9.2 MiB more than at start after 7 arms). So a new round first
collects the old one, holding no reference to it, and the new listeners reuse
its memory: 1.0 MiB more after 7 arms, nearly all of it from the first (in a
bare process: 0.6 MiB after one arm, 0.76 MiB after a hundred). A full
collection takes about 5 ms.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from typing import Any, Callable

from agent.sensing._base import Notify, SensingUnavailable

log = logging.getLogger(__name__)

Kick = Callable[[Any], None]
#: Builds one round's started-to-be listeners around the callback every event calls.
Listeners = Callable[[Callable[..., None]], "tuple[Any, ...]"]


def _no_kick(listener: Any) -> None:
    """Platforms whose `stop()` takes effect at once need no kick."""
    return None


def _pynput() -> tuple[Any, Any]:
    """Import pynput late: importing it already opens the display."""
    try:
        from pynput import keyboard, mouse
    except ImportError as err:  # also raised by pynput when it finds no display
        raise SensingUnavailable(
            f"pynput cannot watch input here: {err}".splitlines()[0],
            "Install pynput (pip install pynput) and run Upright inside the desktop session.",
        ) from err
    return keyboard, mouse


def keyboard_and_mouse(on_input: Callable[..., None]) -> tuple[Any, ...]:
    """pynput's keyboard and mouse listeners, as every platform has them."""
    keyboard, mouse = _pynput()
    return (
        keyboard.Listener(on_press=on_input, on_release=on_input),
        mouse.Listener(on_move=on_input, on_click=on_input, on_scroll=on_input),
    )


def _is_ready(listener: Any) -> bool:
    """Started, connected and not dead, so `stop()` will not block."""
    return bool(getattr(listener, "_ready", False)) and listener.is_alive()


class _Round:
    """One set of listeners and the notify still pending for it."""

    def __init__(self, notify: Notify | None, persistent: bool) -> None:
        self.notify = notify
        self.persistent = persistent
        self.listeners: tuple[Any, ...] = ()
        self.stopped: list[Any] = []


class TrapArming:
    """`arm`, `disarm` and `armed` of a sensing backend whose listeners are an ActivityTrap.

    Mixed in before `Sensing` by every backend that arms pynput listeners.
    """

    _trap: "ActivityTrap"

    def arm(self, notify: Notify) -> None:
        self._trap.arm(notify)

    def disarm(self) -> None:
        self._trap.disarm()

    @property
    def armed(self) -> bool:
        return self._trap.armed


class ActivityTrap:
    """Keyboard and mouse listeners that report the first input once.

    In the normal mode each `arm` starts fresh listeners and the first event
    stops them. In `persistent` mode (no OS idle query available) the listeners
    run from `start()` to `close()`, every event only stores its timestamp in
    `last_input`, and `arm` merely sets the callback for the next event.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        kick: Kick = _no_kick,
        listeners: Listeners = keyboard_and_mouse,
        persistent: bool = False,
        ready_timeout: float = 2.0,
        join_timeout: float = 1.0,
    ) -> None:
        self._clock = clock
        self._kick = kick
        self._listeners = listeners
        self._persistent = persistent
        self._ready_timeout = ready_timeout
        self._join_timeout = join_timeout
        self._lock = threading.Lock()
        self._round: _Round | None = None
        #: Clock reading of the most recent input event seen, None before any.
        self.last_input: float | None = None

    # -- public ---------------------------------------------------------

    @property
    def armed(self) -> bool:
        """A notify is pending and every listener thread is still alive."""
        rnd = self._round
        return (
            rnd is not None
            and rnd.notify is not None
            and bool(rnd.listeners)
            and all(listener.is_alive() for listener in rnd.listeners)
        )

    @property
    def running(self) -> bool:
        """Listener threads of the current round are alive (persistent mode)."""
        rnd = self._round
        return rnd is not None and bool(rnd.listeners) and all(
            listener.is_alive() for listener in rnd.listeners
        )

    def start(self) -> None:
        """Persistent mode: start the long-lived listeners with nothing to notify."""
        if not self.running:
            self._begin(None)

    def arm(self, notify: Notify) -> None:
        """Report the next input event once through `notify`."""
        if self.running if self._persistent else self.armed:
            self._round.notify = notify  # type: ignore[union-attr]
            return
        self._begin(notify)  # holding no reference to the old round, which it frees

    def disarm(self) -> None:
        """Forget the pending notify; stop and reap listeners (not persistent ones)."""
        rnd = self._round
        if rnd is None:
            return
        with self._lock:
            rnd.notify = None
        if not rnd.persistent:
            self._end(rnd)

    def close(self) -> None:
        """Stop and reap every listener, persistent ones included."""
        rnd = self._round
        if rnd is not None:
            with self._lock:
                rnd.notify = None
            self._end(rnd)

    # -- rounds ---------------------------------------------------------

    def _begin(self, notify: Notify | None) -> None:
        """Reap the previous round, start new listeners, wait until they listen."""
        if self._round is not None:
            self._end(self._round)
            gc.collect()  # free the old round before the new one allocates: see "Memory" above
        rnd = _Round(notify, self._persistent)

        def on_input(*_dropped: Any) -> None:
            # The arguments (key, pointer position, button) are dropped unread.
            self._on_input(rnd)
            return None

        rnd.listeners = self._listeners(on_input)
        self._round = rnd
        for listener in rnd.listeners:
            listener.start()
        self._await_ready(rnd)
        if rnd.notify is None and not rnd.persistent:
            self._stop(rnd)  # fired while a sibling was still starting

    def _await_ready(self, rnd: _Round) -> None:
        """Wait, with a deadline, until both listeners listen; fail clearly if not."""
        deadline = time.monotonic() + self._ready_timeout
        while not all(_is_ready(listener) for listener in rnd.listeners):
            died = any(
                not listener.is_alive() and not getattr(listener, "_ready", False)
                for listener in rnd.listeners
            )
            if died or time.monotonic() > deadline:
                with self._lock:
                    rnd.notify = None
                self._end(rnd)
                raise SensingUnavailable(
                    "The keyboard and mouse listeners "
                    + ("stopped while starting." if died else "did not start in time."),
                    "On X11 the server needs the RECORD extension and must accept "
                    "new connections; restart the desktop session if it was restarted.",
                    transient=not died,
                )
            time.sleep(0.005)

    def _on_input(self, rnd: _Round) -> None:
        """Runs on a listener thread for every event: O(1) unless it must notify."""
        now = self._clock()
        self.last_input = now
        if rnd.notify is None:
            return
        with self._lock:
            notify, rnd.notify = rnd.notify, None
        if notify is None:
            return  # the sibling listener got there first
        if not rnd.persistent:
            self._stop(rnd)
        try:
            notify(now)
        except Exception:  # a broken notify must not kill the listener thread
            log.exception("activity notify callback failed")

    def _stop(self, rnd: _Round) -> None:
        """Stop every ready listener of `rnd` once; callable from any thread."""
        with self._lock:
            for listener in rnd.listeners:
                if listener in rnd.stopped or not _is_ready(listener):
                    continue
                rnd.stopped.append(listener)
                listener.stop()
                self._kick(listener)

    def _end(self, rnd: _Round) -> None:
        """Stop the round's listeners and join their threads, with a deadline."""
        self._stop(rnd)
        deadline = time.monotonic() + self._join_timeout
        for listener in rnd.listeners:
            if listener is threading.current_thread() or listener.ident is None:
                continue  # cannot join itself, nor a thread that never started
            # threading.Thread.join, not pynput's join, which re-raises
            # exceptions from the listener thread into this one.
            threading.Thread.join(listener, max(0.0, deadline - time.monotonic()))
            if listener.is_alive():
                log.warning("an input listener thread did not stop in time")
        if self._round is rnd:
            self._round = None
