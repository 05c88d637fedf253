"""Platform sensing: is the person at the keyboard, is the screen locked, is now a bad moment.

Pick a backend with `backend()`; see `agent.sensing._base.Sensing` for what it
offers and from which thread to call it. Platform modules are imported only
when chosen, so importing this package never needs an X server.

    with backend() as sensing:
        sensing.idle_seconds()

Choosing: the `name` argument, else `$UPRIGHT_SENSING_BACKEND`, else the
platform (Linux and the BSDs: xorg, Windows: win32, macOS: darwin) and, on
Linux, the session: a Wayland session (`XDG_SESSION_TYPE=wayland` or
`WAYLAND_DISPLAY` set) uses Mutter's IdleMonitor on GNOME (`mutter`) and the
compositor's idle protocols elsewhere (`wayland`: KDE, sway and other wlroots
desktops). When that automatic Wayland choice cannot start and an X display
is there (XWayland), Upright falls back to `xorg`, which sees X11 apps only.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import Any

from agent.sensing._base import Notify, Sensing, SensingUnavailable

log = logging.getLogger(__name__)

__all__ = ["BACKENDS", "ENV_VAR", "Notify", "Sensing", "SensingUnavailable", "backend", "default_name",
           "wayland_session"]

#: Environment variable naming the backend, overriding the platform default.
ENV_VAR = "UPRIGHT_SENSING_BACKEND"

#: Backend name -> (module, class or factory).
BACKENDS = {
    "xorg": ("agent.sensing._xorg", "XorgSensing"),
    "dummy": ("agent.sensing._dummy", "DummySensing"),
    "win32": ("agent.sensing._win32", "WindowsSensing"),
    "darwin": ("agent.sensing._darwin", "DarwinSensing"),
    "wayland": ("agent.sensing._wayland", "WaylandSensing"),
    "mutter": ("agent.sensing._mutter", "MutterSensing"),
}
WAYLAND_BACKENDS = ("wayland", "mutter")


def default_name(platform: str | None = None, env: dict[str, str] | None = None) -> str:
    """The backend that fits `platform` (a `sys.platform` value) and the session in `env` (default: this one)."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if platform == "win32":
        return "win32"
    if platform == "darwin":
        return "darwin"
    if wayland_session(env):
        return "mutter" if "GNOME" in env.get("XDG_CURRENT_DESKTOP", "").upper().split(":") else "wayland"
    return "xorg"


def wayland_session(env: dict[str, str] | None = None) -> bool:
    """True in a Wayland session, by what the session manager or the compositor set."""
    env = os.environ if env is None else env
    kind = env.get("XDG_SESSION_TYPE", "")
    # A compositor started from a text console runs in a "tty" session: WAYLAND_DISPLAY tells then.
    return kind == "wayland" or (bool(env.get("WAYLAND_DISPLAY")) and kind != "x11")


def backend(name: str | None = None, **options: Any) -> Sensing:
    """A ready backend instance; raises SensingUnavailable with a fix if none fits.

    `options` go to the backend's constructor (for example `clock=`).
    """
    explicit = name or os.environ.get(ENV_VAR)
    chosen = (explicit or default_name()).strip().lower()
    if not explicit and chosen in WAYLAND_BACKENDS:
        try:
            return _make(chosen, options)
        except SensingUnavailable as error:
            if not os.environ.get("DISPLAY"):
                raise
            log.warning("Wayland sensing (%s) cannot start, falling back to X11 through XWayland, which sees "
                        "X11 apps only: %s", chosen, error)
            return _make("xorg", options)
    if chosen not in BACKENDS:
        raise SensingUnavailable(
            f"Unknown sensing backend {chosen!r}.",
            f"Set {ENV_VAR} to one of: {', '.join(sorted(BACKENDS))}, or unset it.",
        )
    return _make(chosen, options)


def _make(name: str, options: dict[str, Any]) -> Sensing:
    module_name, attribute = BACKENDS[name]
    factory = getattr(importlib.import_module(module_name), attribute)
    return factory(**options)
