"""Noticing that the machine slept, from two clocks, without a thread or D-Bus.

A suspended laptop is not a person sitting: the engine needs `sleep`/`wake`
events. Rather than subscribe to power-management signals, compare a clock
that pauses during suspend with one that keeps counting: their difference
grows only while the machine sleeps. Reading two clocks at each of the
agent's own wake-ups costs nothing, and no extra wake-ups are needed.

* Linux: CLOCK_MONOTONIC pauses, CLOCK_BOOTTIME counts suspend too.
* macOS: CLOCK_UPTIME_RAW pauses, CLOCK_MONOTONIC counts sleep too.
* Windows: QueryUnbiasedInterruptTime pauses, GetTickCount64 counts sleep and
  hibernation too (through ctypes; NOT RUN ON WINDOWS, tested with C callbacks
  standing in for kernel32).
* Elsewhere: time.monotonic against the wall clock. That only helps where the
  monotonic clock pauses in sleep, and a wall-clock step forward looks like a
  sleep; `min_sleep_s` hides the small steps of time synchronisation.
"""

from __future__ import annotations

import ctypes
import sys
import time
from typing import Any, Callable

Clock = Callable[[], float]


def _clock(clock_id: int) -> Clock:
    return lambda: time.clock_gettime(clock_id)


def default_clocks() -> tuple[Clock, Clock]:
    """(pauses during suspend, keeps counting during suspend) for this OS."""
    if sys.platform.startswith("linux") and hasattr(time, "CLOCK_BOOTTIME"):
        return _clock(time.CLOCK_MONOTONIC), _clock(time.CLOCK_BOOTTIME)
    if sys.platform == "darwin" and hasattr(time, "CLOCK_UPTIME_RAW"):
        return _clock(time.CLOCK_UPTIME_RAW), _clock(time.CLOCK_MONOTONIC)
    if sys.platform == "win32":
        try:
            return windows_clocks(ctypes.WinDLL("kernel32"))  # type: ignore[attr-defined]
        except (AttributeError, OSError):
            pass
    return time.monotonic, time.time


def windows_clocks(kernel32: Any) -> tuple[Clock, Clock]:
    """Seconds of unbiased interrupt time (paused in sleep) and of ticks (not paused)."""
    unbiased = kernel32.QueryUnbiasedInterruptTime
    unbiased.argtypes, unbiased.restype = [ctypes.POINTER(ctypes.c_uint64)], ctypes.c_int
    ticks = kernel32.GetTickCount64
    ticks.argtypes, ticks.restype = [], ctypes.c_uint64

    def awake_s() -> float:
        count = ctypes.c_uint64(0)
        unbiased(ctypes.byref(count))  # fails only for a null pointer, which this never passes
        return count.value / 1e7  # in 100 ns units

    return awake_s, lambda: ticks() / 1e3  # in milliseconds


class SuspendDetector:
    """Tells, at each `check()`, how long the machine slept since the last one."""

    def __init__(
        self,
        monotonic: Clock | None = None,
        boottime: Clock | None = None,
        *,
        min_sleep_s: float = 1.0,
    ) -> None:
        """`monotonic` pauses during suspend, `boottime` does not (OS defaults).

        Gaps shorter than `min_sleep_s` are reported as 0: they are clock
        noise, and a sub-second suspend would not matter to a break anyway.
        """
        defaults = default_clocks()
        self._monotonic = monotonic or defaults[0]
        self._boottime = boottime or defaults[1]
        self._min_sleep_s = min_sleep_s
        self._gap = self._read_gap()

    def _read_gap(self) -> float:
        return self._boottime() - self._monotonic()

    def check(self) -> float:
        """Seconds slept since the previous check (or construction), else 0.0."""
        gap = self._read_gap()
        slept, self._gap = gap - self._gap, gap
        return slept if slept >= self._min_sleep_s else 0.0
