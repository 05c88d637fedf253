"""A tray that shows nothing: used when no tray backend can run.

It keeps the last state so the agent (and tests) can see what would have
been shown, reports ``docked()`` False, and never fails.
"""

from __future__ import annotations

from typing import Optional, Tuple

from agent.tray._base import ActionCallback, BaseTray


class DummyTray(BaseTray):
    HAS_MENU = False
    BACKEND = "dummy"

    def __init__(self, on_action: ActionCallback, reason: str = "") -> None:
        super().__init__(on_action)
        #: Why there is no real tray (empty if chosen on purpose).
        self.reason = reason
        self.last: Optional[Tuple[float, str, str]] = None
        self.running = False

    def start(self) -> bool:
        self.running = True
        return False

    def update(self, progress: float, state: str, tooltip: str) -> None:
        self.last = (progress, state, tooltip)

    def stop(self) -> None:
        self.running = False

    def docked(self) -> bool:
        return False

    def wait_docked(self, timeout: float) -> bool:
        return False

    def click(self) -> None:
        """Act as if the user clicked the icon (for tests and headless use)."""
        self._emit("open_panel")
