"""Platform sensing: is the person at the keyboard, is the screen locked, is now a bad moment.

Pick a backend with `backend()`; see `agent.sensing._base.Sensing` for what it
offers and from which thread to call it. Platform modules are imported only
when chosen, so importing this package never needs an X server.

    with backend() as sensing:
        sensing.idle_seconds()

Choosing: the `name` argument, else `$UPRIGHT_SENSING_BACKEND`, else the
platform (Linux and the BSDs: xorg, Windows: win32, macOS: darwin).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from agent.sensing._base import Notify, Sensing, SensingUnavailable

__all__ = ["BACKENDS", "ENV_VAR", "Notify", "Sensing", "SensingUnavailable", "backend", "default_name"]

#: Environment variable naming the backend, overriding the platform default.
ENV_VAR = "UPRIGHT_SENSING_BACKEND"

#: Backend name -> (module, class or factory).
BACKENDS = {
    "xorg": ("agent.sensing._xorg", "XorgSensing"),
    "dummy": ("agent.sensing._dummy", "DummySensing"),
    "win32": ("agent.sensing._win32", "WindowsSensing"),
    "darwin": ("agent.sensing._darwin", "DarwinSensing"),
}


def default_name(platform: str | None = None) -> str:
    """The backend that fits `platform` (a `sys.platform` value; default: this one)."""
    platform = platform or sys.platform
    if platform == "win32":
        return "win32"
    if platform == "darwin":
        return "darwin"
    return "xorg"


def backend(name: str | None = None, **options: Any) -> Sensing:
    """A ready backend instance; raises SensingUnavailable with a fix if none fits.

    `options` go to the backend's constructor (for example `clock=`).
    """
    chosen = (name or os.environ.get(ENV_VAR) or default_name()).strip().lower()
    if chosen not in BACKENDS:
        raise SensingUnavailable(
            f"Unknown sensing backend {chosen!r}.",
            f"Set {ENV_VAR} to one of: {', '.join(sorted(BACKENDS))}, or unset it.",
        )
    module_name, attribute = BACKENDS[chosen]
    factory = getattr(importlib.import_module(module_name), attribute)
    return factory(**options)
