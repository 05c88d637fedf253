"""The tray interface every backend implements.

Threading contract
------------------
A tray runs its own event loop in its own (daemon) thread. ``on_action`` is
called **from that thread**, with one of :data:`ACTIONS`. The callback must
only hand the action over (``queue.put(action)``, ``root.after(0, ...)``,
an ``Event``) and return at once: while it runs the tray can neither redraw
nor react to clicks, and calling back into the tray from it (``stop()``,
``update()``) is not supported. Exceptions it raises are logged and
swallowed so that they cannot kill the tray's loop.

``start()``, ``update()`` and ``stop()`` are called from the agent's own
thread; each returns within a bounded time, even if the tray host or the X
server misbehaves.
"""

from __future__ import annotations

import abc
import logging
from typing import Callable, Optional

from agent.actions import TRAY_ACTIONS

log = logging.getLogger("agent.tray")

#: Everything a tray can ask the agent to do.
ACTIONS = TRAY_ACTIONS

ActionCallback = Callable[[str], None]


class TrayUnavailable(RuntimeError):
    """No tray can be shown at all (no display, no usable backend)."""


class BaseTray(abc.ABC):
    """A system tray icon that shows progress and reports user actions.

    ``HAS_MENU`` is True when the backend shows a native menu offering every
    action; when False the icon has no menu and a click delivers
    ``"open_panel"``, for the agent to open its own panel.
    """

    HAS_MENU: bool = False
    #: Name of the backend, for logs and ``upright doctor`` style reports.
    BACKEND: str = "base"

    def __init__(self, on_action: ActionCallback) -> None:
        if not callable(on_action):
            raise TypeError("on_action must be callable")
        self._on_action = on_action

    def _emit(self, action: str) -> None:
        """Deliver ``action`` to the agent, never letting it raise into the loop."""
        if action not in ACTIONS:
            log.warning("tray: ignoring unknown action %r", action)
            return
        try:
            self._on_action(action)
        except Exception:  # noqa: BLE001 - the tray loop must survive
            log.exception("tray: on_action(%r) raised", action)

    @abc.abstractmethod
    def start(self) -> bool:
        """Show the icon. Returns ``docked()`` (True where that is unknowable)."""

    @abc.abstractmethod
    def update(self, progress: float, state: str, tooltip: str) -> None:
        """Redraw the icon for ``progress`` (0..1) and ``state``; set the tooltip."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Remove the icon and end the tray thread (bounded, idempotent)."""

    def docked(self) -> Optional[bool]:
        """Whether a tray host shows the icon: True/False, or None if unknowable."""
        return None

    def wait_docked(self, timeout: float) -> Optional[bool]:
        """Wait up to ``timeout`` s for the icon to dock; returns ``docked()``."""
        return self.docked()
