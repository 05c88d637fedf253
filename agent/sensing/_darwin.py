"""macOS sensing: not written yet.

The plan, for whoever writes it: `CGEventSourceSecondsSinceLastEventType`
(Quartz, via ctypes) gives the idle time, pynput's darwin listeners do the
arming (they need the Accessibility / Input Monitoring permission), and the
`com.apple.screenIsLocked` distributed notification reports locking.
"""

from __future__ import annotations

from typing import Any

from agent.sensing._base import SensingUnavailable


def DarwinSensing(*_args: Any, **_kwargs: Any) -> Any:
    """Raise: there is no macOS backend yet."""
    raise SensingUnavailable(
        "Activity sensing for macOS is not implemented yet.",
        "Upright cannot notice activity on macOS yet; to try it anyway set "
        "UPRIGHT_SENSING_BACKEND=dummy (breaks then follow the clock only).",
    )
