"""A stand-in backend for tests and for platforms Upright cannot sense yet.

It records every call in `calls` (method names only) and lets the test decide
what the queries answer. `fire()` plays the part of the person touching the
keyboard: if armed, it disarms and notifies exactly like a real backend;
`set_locked()` plays a locker announcing itself to `watch_lock`.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from agent.sensing._base import Notify, Sensing


class DummySensing(Sensing):
    """Answers what the test sets; activity only happens through `fire()`."""

    NAME = "dummy"
    HAS_IDLE_QUERY = True
    HAS_LOCK_QUERY = True
    HAS_FULLSCREEN_QUERY = True

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(clock)
        self.calls: list[str] = []
        #: What `idle_seconds()` answers; None means "since the last fire()".
        self.idle: float | None = None
        self.locked: bool | None = False
        self.fullscreen = False
        self.camera = False
        self.closed = False
        self._notify: Notify | None = None
        self._on_lock_change: Callable[[], None] | None = None
        self._last_input = clock()
        self._lock = threading.Lock()

    def idle_seconds(self) -> float | None:
        self.calls.append("idle_seconds")
        if self.idle is not None:
            return self.idle
        return max(0.0, self._clock() - self._last_input)

    def arm(self, notify: Notify) -> None:
        self.calls.append("arm")
        self._notify = notify

    def disarm(self) -> None:
        self.calls.append("disarm")
        self._notify = None

    @property
    def armed(self) -> bool:
        return self._notify is not None

    def fire(self, at: float | None = None) -> bool:
        """Simulate one input event at `at` (default: now); True if it notified."""
        now = self._clock() if at is None else at
        self._last_input = now
        with self._lock:
            notify, self._notify = self._notify, None
        if notify is None:
            return False
        notify(now)
        return True

    def screen_locked(self) -> bool | None:
        self.calls.append("screen_locked")
        return self.locked

    def watch_lock(self, on_change: Callable[[], None]) -> None:
        self.calls.append("watch_lock")
        self._on_lock_change = on_change

    def set_locked(self, locked: bool | None) -> None:
        """Lock or unlock, telling the watcher (if any) as a real backend would."""
        changed, self.locked = locked != self.locked, locked
        if changed and self._on_lock_change is not None:
            self._on_lock_change()

    def fullscreen_active(self) -> bool:
        self.calls.append("fullscreen_active")
        return self.fullscreen

    def camera_in_use(self) -> bool:
        self.calls.append("camera_in_use")
        return self.camera

    def close(self) -> None:
        self.calls.append("close")
        self._notify = None
        self.closed = True
