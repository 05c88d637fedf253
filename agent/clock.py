"""The agent's clocks: one for durations, one for the calendar.

Durations use a monotonic clock that keeps counting through suspend
(CLOCK_BOOTTIME on Linux), so a night asleep is a long natural break and a
wall-clock change neither creates nor destroys sitting time. The wall clock is
read only for calendar matters: "pause until tomorrow", the day's totals.
"""

from __future__ import annotations

import time
from datetime import datetime

_BOOTTIME = getattr(time, "CLOCK_BOOTTIME", None)


def monotonic() -> float:
    """Seconds on a clock that never jumps and keeps counting while asleep."""
    if _BOOTTIME is not None:
        return time.clock_gettime(_BOOTTIME)
    return time.monotonic()


def wall() -> datetime:
    """Local date and time, for calendar matters only."""
    return datetime.now()


class SystemClock:
    """The real clocks, injected into the agent so tests can pass fakes."""

    monotonic = staticmethod(monotonic)
    wall = staticmethod(wall)
