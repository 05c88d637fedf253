"""Windows sensing: `GetLastInputInfo` for the idle time, pynput's hooks while away.

NOT RUN ON WINDOWS. Written from the Win32 documentation and tested on Linux
with the two OS calls replaced by fakes: the tick arithmetic, the order of the
calls, the error on a failing call, and the ctypes declarations (against C
callbacks standing in for the DLLs) are tested; loading user32.dll and
kernel32.dll, and the failure path's WinError, have never been executed.

The idle time is the difference of two readings of the same millisecond tick
counter: `GetLastInputInfo` gives the tick of the last input (a 32-bit DWORD)
and `GetTickCount` the tick now. Both wrap to 0 after 2**32 ms (49.7 days of
uptime), so the difference is taken modulo 2**32. `GetTickCount64` does not
wrap, but the last-input tick does, so it would not help.

The screen lock comes from the session notifications (`win32_lock`). A
full-screen window, a presentation or a full-screen game is what
`SHQueryUserNotificationState` calls "busy": the state Windows itself keeps
its notifications back for, so Upright keeps its prompt back too. A camera in
use (a call) is read from the privacy records (`win32_camera`).
"""

from __future__ import annotations

import ctypes
import logging
import time
from typing import Any, Callable

from agent.sensing._base import SensingUnavailable
from agent.sensing._idle_query import IdleQuerySensing
from agent.sensing.win32_camera import camera_in_use, winreg_reader
from agent.sensing.win32_lock import SessionLockWatch

log = logging.getLogger(__name__)
_DEFAULT: Any = object()  # "the real one", where None means "none at all"

TICK_WRAP = 1 << 32  # GetTickCount and LASTINPUTINFO.dwTime are 32-bit milliseconds

#: (tick of the last input, tick now): the two OS calls, injectable for tests.
TickCalls = tuple[Callable[[], int], Callable[[], int]]

_FAILED_FIX = ("Upright must run inside the interactive desktop session (not as a service); "
               "to run without activity sensing set UPRIGHT_SENSING_BACKEND=dummy.")


def idle_from_ticks(last_input: int, now: int) -> float:
    """Seconds from tick `last_input` to tick `now`, across the 32-bit wrap.

    A last input *after* now (the counter read in the wrong order, or a
    reading from another processor) is no idle time at all, not 49 days.
    """
    elapsed = (now - last_input) % TICK_WRAP
    if elapsed >= TICK_WRAP // 2:
        return 0.0
    return elapsed / 1000.0


class WindowsIdle:
    """The idle query: reads the last-input tick first, then the tick now."""

    def __init__(self, last_input_tick: Callable[[], int], tick_count: Callable[[], int]) -> None:
        self._last_input_tick = last_input_tick
        self._tick_count = tick_count

    def __call__(self) -> float:
        try:
            last_input = self._last_input_tick()  # first: a later "now" is never older
        except OSError as err:
            raise SensingUnavailable(f"Windows did not say when input last happened (GetLastInputInfo "
                                     f"failed: {err}).", _FAILED_FIX) from err
        return idle_from_ticks(last_input, self._tick_count())


class LASTINPUTINFO(ctypes.Structure):
    _fields_ = [("cbSize", ctypes.c_uint32), ("dwTime", ctypes.c_uint32)]


def _user32_calls() -> TickCalls:
    """The real GetLastInputInfo and GetTickCount through ctypes (Windows only)."""
    try:
        user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
    except (AttributeError, OSError) as err:  # AttributeError: not Windows at all
        raise SensingUnavailable(
            f"The Windows backend needs Windows: cannot load user32.dll ({err}).",
            "Unset UPRIGHT_SENSING_BACKEND to use the backend for this system.",
        ) from err
    return _typed_calls(user32, kernel32)


def _typed_calls(user32: Any, kernel32: Any) -> TickCalls:
    """Declare the two functions' C types and wrap them as plain tick readers."""
    get_last_input_info = user32.GetLastInputInfo
    get_last_input_info.argtypes = [ctypes.POINTER(LASTINPUTINFO)]
    get_last_input_info.restype = ctypes.c_int  # BOOL
    get_tick_count = kernel32.GetTickCount
    get_tick_count.argtypes = []
    get_tick_count.restype = ctypes.c_uint32  # DWORD

    def last_input_tick() -> int:
        info = LASTINPUTINFO(cbSize=ctypes.sizeof(LASTINPUTINFO))
        if not get_last_input_info(ctypes.byref(info)):
            raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
        return int(info.dwTime)

    return last_input_tick, lambda: int(get_tick_count())


#: SHQueryUserNotificationState answers that mean "do not disturb now".
QUNS_BUSY = 2  # a full-screen application runs, or Presentation Settings are on
QUNS_RUNNING_D3D_FULL_SCREEN = 3
QUNS_PRESENTATION_MODE = 4
FULLSCREEN_STATES = frozenset({QUNS_BUSY, QUNS_RUNNING_D3D_FULL_SCREEN, QUNS_PRESENTATION_MODE})


class WindowsFullscreen:
    """The full-screen query: Windows' own notification state, a failing call read as "no"."""

    def __init__(self, notification_state: Callable[[], int]) -> None:
        self._notification_state = notification_state

    def __call__(self) -> bool:
        try:
            return self._notification_state() in FULLSCREEN_STATES
        except OSError as err:  # a prompt shown over a film beats none at all
            log.debug("full-screen query failed: %s", err)
            return False


def _notification_state_call(shell32: Any) -> Callable[[], int]:
    """SHQueryUserNotificationState, declared and wrapped to return the state."""
    query = shell32.SHQueryUserNotificationState
    query.argtypes = [ctypes.POINTER(ctypes.c_int)]
    query.restype = ctypes.c_long  # HRESULT

    def notification_state() -> int:
        state = ctypes.c_int(0)
        result = query(ctypes.byref(state))
        if result < 0:
            raise OSError(result, f"SHQueryUserNotificationState failed (HRESULT {result & 0xFFFFFFFF:#010x})")
        return state.value

    return notification_state


def _shell32_fullscreen() -> WindowsFullscreen | None:
    """The real full-screen query, or None where shell32 cannot be loaded."""
    try:
        return WindowsFullscreen(_notification_state_call(ctypes.WinDLL("shell32")))  # type: ignore[attr-defined]
    except (AttributeError, OSError) as err:
        log.debug("no full-screen query: %s", err)
        return None


def _registry_camera() -> Callable[[], bool] | None:
    """The camera-in-use query on this user's registry, or None without winreg (not Windows)."""
    try:
        read_key = winreg_reader()
    except ImportError:
        return None
    return lambda: camera_in_use(read_key)


class WindowsSensing(IdleQuerySensing):
    """Activity of the Windows desktop session Upright runs in."""

    NAME = "win32"

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, calls: TickCalls | None = None,
                 trap: Any = None, lock: Any = _DEFAULT, fullscreen: Any = _DEFAULT,
                 camera: Any = _DEFAULT) -> None:
        """`calls`, `trap`, `lock`, `fullscreen` and `camera` replace the OS calls, the
        pynput listeners, the session watch and the full-screen and camera queries
        in tests (None: none)."""
        idle = WindowsIdle(*(calls or _user32_calls()))
        idle()  # a failing call says so now, not at the first wake-up
        if lock is _DEFAULT:
            lock = SessionLockWatch()
        if fullscreen is _DEFAULT:
            fullscreen = _shell32_fullscreen()
        if camera is _DEFAULT:
            camera = _registry_camera()
        super().__init__(idle, clock, trap=trap, lock=lock, fullscreen=fullscreen, camera=camera)
