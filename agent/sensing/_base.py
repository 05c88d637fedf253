"""What every sensing backend offers, and the rules for calling it.

Upright needs to know *that* the person touched the keyboard or mouse, never
*what* they typed or where the pointer went. Sensing must also be nearly free:
the agent sits in the background all day, so it avoids a per-event cost while
the person is working and a fast polling tick while they are away.

The resulting split, which every backend follows:

* **While the user is active** the agent asks the operating system how long
  input has been idle (`idle_seconds`) at deadlines it computes itself. No
  listener runs, so typing and pointer storms cost nothing.
* **While the user is away** the agent `arm`s listeners. The first input event
  records a timestamp, disarms the listeners and calls `notify(timestamp)`
  once. Only that timestamp leaves the backend.

Threading contract
------------------
* One *owner* thread (the agent's) calls every method: the queries
  (`idle_seconds`, `screen_locked`, `fullscreen_active`, `camera_in_use`),
  `arm`, `disarm` and `close`. Backends keep their query connection private to
  that thread, so the methods are not safe to call from several threads.
* `notify(timestamp)` is called at most once per `arm`, from a listener
  thread. It must return quickly and must not block or call back into the
  backend (put a message on a `queue.Queue` and return). By the time it runs
  the backend has already disarmed itself, so `armed` is False.
* `armed` is cheap and may be read from any thread.
* `on_change()`, given to `watch_lock`, is called from a backend thread when
  the lock state may have flipped, under the same rules as `notify`; the agent
  then asks `screen_locked()` on its own thread.
"""

from __future__ import annotations

import abc
import sys
import time
from typing import Callable

#: Called with the `clock()` reading of the first input event after `arm`.
Notify = Callable[[float], None]


def either_locked(*readings: bool | None) -> bool | None:
    """Locked if any source says so; unlocked if one knows and none says locked.

    Two sources that agree make one lock, not two: the agent turns only the
    change of this combined answer into the engine's lock and unlock events.
    """
    if any(readings):
        return True
    return False if any(reading is not None for reading in readings) else None


class SensingUnavailable(RuntimeError):
    """The platform cannot tell Upright about activity, and how to fix that.

    `message` says what is missing in plain words, `fix` what the person can do
    about it; the agent shows both instead of a traceback.
    """

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message, fix)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message}\nFix: {self.fix}"


class Sensing(abc.ABC):
    """A source of activity events for one desktop session.

    Capability flags tell the agent which strategy it can use. Read them on
    the instance: a backend may lower one when the session lacks a feature
    (for example an X server without MIT-SCREEN-SAVER).
    """

    #: Short name, as accepted by `agent.sensing.backend(name)`.
    NAME = "abstract"
    #: `idle_seconds()` asks the OS, so listeners can stay disarmed while active.
    HAS_IDLE_QUERY = False
    #: `screen_locked()` can answer True/False rather than always None.
    HAS_LOCK_QUERY = False
    #: `fullscreen_active()` really looks at windows rather than saying False.
    HAS_FULLSCREEN_QUERY = False

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock

    # -- activity -------------------------------------------------------

    @abc.abstractmethod
    def idle_seconds(self) -> float | None:
        """Seconds since the last keyboard or pointer input, None if unknown.

        Cheap enough to call at each deadline the agent computes, but not
        meant for a fast polling loop.
        """

    @abc.abstractmethod
    def arm(self, notify: Notify) -> None:
        """Watch for the next input event and report it once via `notify`.

        Returns when listening has started, so no event after the return is
        missed. Arming while already armed only replaces `notify`.
        Raises SensingUnavailable if listening cannot start.
        """

    @abc.abstractmethod
    def disarm(self) -> None:
        """Stop watching; `notify` will not be called afterwards.

        Idempotent, bounded in time, and also reaps listeners that disarmed
        themselves after firing.
        """

    @property
    @abc.abstractmethod
    def armed(self) -> bool:
        """True while listeners are up and waiting for the first event.

        False after they fired, after `disarm`, and also if a listener died
        on its own (the agent should then `arm` again).
        """

    # -- context --------------------------------------------------------

    @abc.abstractmethod
    def screen_locked(self) -> bool | None:
        """True if the session's screen saver or lock is active, None if unknown."""

    def watch_session(self, on_end: Callable[[str], None]) -> None:
        """Call `on_end(reason)` once, from any thread, when the desktop session goes away.

        Lets the agent stop at once when the display dies instead of at its
        next wake-up, which may be minutes away (or never, while nothing is
        due). Backends that cannot tell do nothing here.
        """
        return None

    def watch_lock(self, on_change: Callable[[], None]) -> None:
        """Call `on_change()` whenever the lock may have changed, from any thread.

        Lets the agent follow a lock at once instead of at its next wake-up.
        Backends that can only be asked (`screen_locked`) do nothing here.
        """
        return None

    @abc.abstractmethod
    def fullscreen_active(self) -> bool:
        """True if a full-screen window has the focus (presenting, video call)."""

    def camera_in_use(self) -> bool:
        """True if some process has a camera open: someone is in a call.

        Only Linux can tell cheaply (via /proc); elsewhere this says False.
        """
        if sys.platform.startswith("linux"):
            from agent.sensing.do_not_disturb import camera_in_use

            return camera_in_use()
        return False

    # -- lifetime -------------------------------------------------------

    @abc.abstractmethod
    def close(self) -> None:
        """Disarm and release every connection. Idempotent."""

    def __enter__(self) -> "Sensing":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
