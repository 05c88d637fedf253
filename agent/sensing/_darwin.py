"""macOS sensing: CoreGraphics for the idle time, pynput's event taps while away.

NOT RUN ON macOS. Written from Apple's documentation and tested on Linux with
the library loader and the OS calls replaced by fakes: the choice of library,
the arguments passed, the error on an impossible answer, the reading of the
screen lock and the ctypes declarations (against C callbacks standing in for
the framework functions) are tested; loading CoreGraphics and CoreFoundation
and every real ctypes call into them have never been executed.

`CGEventSourceSecondsSinceLastEventType(kCGEventSourceStateCombinedSessionState,
kCGAnyInputEventType)` answers the seconds since the last input of any kind in
this login session, as a double. It needs no permission. pynput's listeners do
need one (Privacy & Security > Accessibility, or Input Monitoring); without it
they never start and arming fails after its deadline with a generic message.

The screen lock is asked of the login session's dictionary whenever the agent
wakes (`darwin_lock`); if CoreFoundation cannot be loaded the backend works
without it and `screen_locked()` says None. Full-screen detection is not done
on macOS: see `_idle_query`.
"""

from __future__ import annotations

import ctypes
import math
import time
from typing import Any, Callable

from agent.sensing._base import SensingUnavailable
from agent.sensing._idle_query import IdleQuerySensing
from agent.sensing.darwin_lock import load_session_lock

_DEFAULT: Any = object()  # "the real one", where None means "none at all"

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
                 seconds_since: SecondsSince | None = None, trap: Any = None, lock: Any = _DEFAULT) -> None:
        """`seconds_since`, `trap` and `lock` replace the OS call, the pynput listeners
        and the session-dictionary lock source in tests (lock None: none)."""
        idle = DarwinIdle(seconds_since or load_seconds_since())
        idle()  # an impossible answer says so now, not at the first wake-up
        if lock is _DEFAULT:
            lock = load_session_lock(LIBRARIES)
        super().__init__(idle, clock, trap=trap, lock=lock)
