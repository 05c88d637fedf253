"""A backend for systems that answer "seconds since the last input" (Windows, macOS).

Such a system needs no X-style connections: the idle query is one OS call,
injected as a plain function so its arithmetic can be tested anywhere, and
pynput's listeners for the platform do the arming (via `ActivityTrap`, whose
`stop()` takes effect at once there, so no kick is needed).

The screen lock comes from a `LockSource` the platform module supplies:
Windows is *told* (session notifications, so `watch` starts a thread), macOS
is *asked* (the session dictionary, read when the agent wakes anyway). Without
one, `screen_locked` says None and only the idle time and suspend detection
notice an absence. Full-screen windows and a camera in use (a call) likewise
come from optional queries.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Protocol

from agent.sensing._base import Sensing, SensingUnavailable
from agent.sensing._listeners import TrapArming

#: Seconds since the last keyboard or pointer input; raises SensingUnavailable.
IdleQuery = Callable[[], float]


class LockSource(Protocol):
    """Where a platform learns whether the session's screen is locked."""

    def locked(self) -> bool | None:
        """True if locked, False if not, None if it cannot tell. Called on the owner thread."""

    def watch(self, on_change: Callable[[], None]) -> None:
        """Start calling `on_change()` (from any thread) when the lock may have flipped.

        A source that can only be asked does nothing here.
        """

    def close(self) -> None:
        """Stop watching and release what `watch` took. Idempotent."""


class IdleQuerySensing(TrapArming, Sensing):
    """An OS idle query while the user is active, pynput listeners while away."""

    HAS_IDLE_QUERY = True

    def __init__(self, idle_query: IdleQuery, clock: Callable[[], float] = time.monotonic, *,
                 trap: Any = None, lock: LockSource | None = None,
                 fullscreen: Callable[[], bool] | None = None, camera: Callable[[], bool] | None = None) -> None:
        """`trap` stands in for the pynput listeners in tests (an `ActivityTrap`);
        `lock`, `fullscreen` and `camera` are the platform's optional lock
        source, full-screen query and camera-in-use query."""
        super().__init__(clock)
        self._idle_query: IdleQuery | None = idle_query
        self._lock = lock
        self._fullscreen = fullscreen
        self._camera = camera
        self.HAS_LOCK_QUERY = lock is not None
        self.HAS_FULLSCREEN_QUERY = fullscreen is not None
        if trap is None:
            from agent.sensing._listeners import ActivityTrap, _pynput

            _pynput()  # fail now, not at the first arm
            trap = ActivityTrap(clock)
        self._trap = trap

    def idle_seconds(self) -> float | None:
        if self._idle_query is None:
            raise SensingUnavailable("This sensing backend is closed.", "Create a new one.")
        return self._idle_query()

    def screen_locked(self) -> bool | None:
        return None if self._lock is None else self._lock.locked()

    def watch_lock(self, on_change: Callable[[], None]) -> None:
        if self._lock is not None:
            self._lock.watch(on_change)

    def fullscreen_active(self) -> bool:
        return self._fullscreen is not None and self._fullscreen()

    def camera_in_use(self) -> bool:
        return self._camera() if self._camera is not None else super().camera_in_use()

    def close(self) -> None:
        self._trap.close()
        if self._lock is not None:
            self._lock.close()
        self._idle_query = None
