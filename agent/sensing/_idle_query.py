"""A backend for systems that answer "seconds since the last input" (Windows, macOS).

Such a system needs no X-style connections: the idle query is one OS call,
injected as a plain function so its arithmetic can be tested anywhere, and
pynput's listeners for the platform do the arming (via `ActivityTrap`, whose
`stop()` takes effect at once there, so no kick is needed).

Not known on these systems (yet): the screen lock (`screen_locked` says None,
so only the idle time and suspend detection notice an absence) and full-screen
windows (`fullscreen_active` says False).
"""

from __future__ import annotations

import time
from typing import Any, Callable

from agent.sensing._base import Sensing, SensingUnavailable
from agent.sensing._listeners import TrapArming

#: Seconds since the last keyboard or pointer input; raises SensingUnavailable.
IdleQuery = Callable[[], float]


class IdleQuerySensing(TrapArming, Sensing):
    """An OS idle query while the user is active, pynput listeners while away."""

    HAS_IDLE_QUERY = True

    def __init__(self, idle_query: IdleQuery, clock: Callable[[], float] = time.monotonic, *,
                 trap: Any = None) -> None:
        """`trap` stands in for the pynput listeners in tests (an `ActivityTrap`)."""
        super().__init__(clock)
        self._idle_query: IdleQuery | None = idle_query
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
        return None

    def fullscreen_active(self) -> bool:
        return False

    def close(self) -> None:
        self._trap.close()
        self._idle_query = None
