"""Upright's system tray icon.

    from agent.tray import Tray
    actions = queue.Queue()
    tray = Tray(actions.put)          # on_action runs in the tray's thread:
    tray.start()                      #   only hand the action to a queue!
    tray.update(0.6, "working", tooltip_text(18 * 60, 12 * 60, "working"))
    ...
    tray.stop()                       # returns within 2 s

``Tray`` picks a backend: in a Wayland session with a StatusNotifier watcher
on the session bus, a StatusNotifierItem (``_sni``: KDE, waybar, GNOME with the
AppIndicator extension show it); otherwise pystray (AppIndicator/GTK when PyGObject is
importable, else X11 with Upright's fixes, see ``_pystray``), or a
:class:`DummyTray` that shows nothing when there is no display at all.
Nothing here imports pystray or touches the display until ``Tray()`` is
called.
"""

from __future__ import annotations

import logging
import os

from agent.tray._base import ACTIONS, ActionCallback, BaseTray, TrayUnavailable
from agent.tray._dummy import DummyTray
from agent.tray.icon_image import STATES, draw_icon, tooltip_text

log = logging.getLogger("agent.tray")

__all__ = [
    "ACTIONS",
    "STATES",
    "BaseTray",
    "DummyTray",
    "Tray",
    "TrayUnavailable",
    "draw_icon",
    "tooltip_text",
]


def Tray(on_action: ActionCallback, *, fallback: bool = True, **options) -> BaseTray:  # noqa: N802
    """The best tray for this session.

    ``options`` go to the pystray tray (``name``, ``title``, ``background``,
    ``dock_timeout``). If pystray cannot run (no display, no backend) this
    returns a :class:`DummyTray` whose ``reason`` says why, or raises
    :class:`TrayUnavailable` when ``fallback`` is False.
    """
    if _wayland_session():
        from agent.tray._sni import SniTray, watcher_present

        if watcher_present():
            try:
                return SniTray(on_action, **options)
            except TrayUnavailable as exc:
                log.warning("No StatusNotifierItem tray (%s); trying the X11 tray through XWayland", exc)
    from agent.tray._pystray import PystrayTray

    try:
        return PystrayTray(on_action, **options)
    except TrayUnavailable as exc:
        if not fallback:
            raise
        log.warning("No tray icon: %s", exc)
        return DummyTray(on_action, reason=str(exc))


def _wayland_session() -> bool:
    """A Wayland session (the same test as agent.sensing's, which the tray may not import)."""
    kind = os.environ.get("XDG_SESSION_TYPE", "")
    return kind == "wayland" or (bool(os.environ.get("WAYLAND_DISPLAY")) and kind != "x11")
