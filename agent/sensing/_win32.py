"""Windows sensing: not written yet.

The plan, for whoever writes it: `GetLastInputInfo` (ctypes, user32) gives the
idle time, pynput's win32 listeners (low-level hooks, which stop at once from
any thread) do the arming, and `WTSRegisterSessionNotification` reports lock
and unlock. Until then the backend says clearly that it is missing.
"""

from __future__ import annotations

from typing import Any

from agent.sensing._base import SensingUnavailable


def WindowsSensing(*_args: Any, **_kwargs: Any) -> Any:
    """Raise: there is no Windows backend yet."""
    raise SensingUnavailable(
        "Activity sensing for Windows is not implemented yet.",
        "Upright cannot notice activity on Windows yet; to try it anyway set "
        "UPRIGHT_SENSING_BACKEND=dummy (breaks then follow the clock only).",
    )
