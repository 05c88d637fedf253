"""macOS sensing: CoreGraphics for the idle time, pynput's event taps while away.

NOT RUN ON macOS. Written from Apple's documentation and tested on Linux with
the library loader and the OS call replaced by fakes: the choice of library,
the arguments passed and the error on an impossible answer are tested; the
real ctypes call has never been executed.

`CGEventSourceSecondsSinceLastEventType(kCGEventSourceStateCombinedSessionState,
kCGAnyInputEventType)` answers the seconds since the last input of any kind in
this login session, as a double. It needs no permission. pynput's listeners do
need one (Privacy & Security > Accessibility, or Input Monitoring); without it
they never start and arming fails after its deadline with a generic message.

The screen lock (the `com.apple.screenIsLocked` distributed notification needs
a run loop) and full-screen detection are not done here: see `_idle_query`.
"""

from __future__ import annotations

import ctypes
import math
import time
from typing import Any, Callable

from agent.sensing._base import SensingUnavailable
from agent.sensing._idle_query import IdleQuerySensing

COMBINED_SESSION_STATE = 0  # kCGEventSourceStateCombinedSessionState (a CGEventSourceStateID, int32)
ANY_INPUT_EVENT = 0xFFFFFFFF  # kCGAnyInputEventType, ~0 as a CGEventType (uint32)

#: Where the function lives: CoreGraphics itself, else the umbrella framework of older systems.
LIBRARIES = (
    "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics",
    "/System/Library/Frameworks/ApplicationServices.framework/ApplicationServices",
)

#: (state id, event type) -> seconds: the OS call, injectable for tests.
SecondsSince = Callable[[int, int], float]


def load_seconds_since(load: Callable[[str], Any] = ctypes.CDLL) -> SecondsSince:
    """The C function from the first library that has it, typed for ctypes."""
    failures = []
    for path in LIBRARIES:
        try:
            function = load(path).CGEventSourceSecondsSinceLastEventType
        except (OSError, AttributeError) as err:
            failures.append(f"{path}: {err}")
            continue
        function.argtypes = [ctypes.c_int32, ctypes.c_uint32]
        function.restype = ctypes.c_double  # CFTimeInterval
        return function
    raise SensingUnavailable(
        "Cannot load CoreGraphics, so Upright cannot read the macOS idle time ("
        + "; ".join(failures) + ").",
        "The macOS backend needs macOS; unset UPRIGHT_SENSING_BACKEND to use the backend for this system.",
    )


class DarwinIdle:
    """The idle query: one CoreGraphics call, its answer checked."""

    def __init__(self, seconds_since: SecondsSince) -> None:
        self._seconds_since = seconds_since

    def __call__(self) -> float:
        seconds = self._seconds_since(COMBINED_SESSION_STATE, ANY_INPUT_EVENT)
        if not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds < 0:
            raise SensingUnavailable(
                f"macOS gave an impossible idle time ({seconds!r} s) from "
                "CGEventSourceSecondsSinceLastEventType.",
                "Run Upright inside your logged-in desktop session; to run without activity "
                "sensing set UPRIGHT_SENSING_BACKEND=dummy.",
            )
        return float(seconds)


class DarwinSensing(IdleQuerySensing):
    """Activity of the macOS login session Upright runs in."""

    NAME = "darwin"

    def __init__(self, clock: Callable[[], float] = time.monotonic, *,
                 seconds_since: SecondsSince | None = None, trap: Any = None) -> None:
        """`seconds_since` and `trap` replace the OS call and the pynput listeners in tests."""
        idle = DarwinIdle(seconds_since or load_seconds_since())
        idle()  # an impossible answer says so now, not at the first wake-up
        super().__init__(idle, clock, trap=trap)
