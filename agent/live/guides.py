"""The agent's teaching side: checklists, the spasm guide, the first-run walk-through
and the monthly re-check reminder, opened from the tray or panel.

Kept apart from `app.App` (which times breaks) so each stays small. Lives on
the Tk thread; windows and Pillow load on first use.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from agent.content.checklist_state import StateStore, needs_walkthrough
from agent.live.calendar_chores import CalendarChores, schedule_recheck

log = logging.getLogger("agent")

ACTIONS = ("posture", "lumbar", "spasm_guide", "walkthrough")


class Guides:
    """Opens the content windows and runs the wall-clock chores that belong to them."""

    def __init__(self, root, geometry: Callable, notice: Callable[[str], None], *,
                 store: StateStore | None = None, chores: CalendarChores | None = None, ui=None) -> None:
        """`ui`: what makes the windows: `agent.ui` in this process (the default), or
        `agent.live.remote_windows.RemoteGuideWindows` (the window process)."""
        self.root, self.geometry, self.notice, self.ui = root, geometry, notice, ui
        self.store = store or StateStore()
        self.chores = chores or CalendarChores()
        self._spasm_start: datetime | None = None
        self._open: dict[str, object] = {}
        self._recheck = schedule_recheck(self.chores, self.store, self._remind)

    def start(self, walkthrough: bool) -> None:
        """At start-up: the first-run walk-through, else a re-check if one is due."""
        self.store.load()
        for problem in self.store.problems:
            log.warning("%s", problem)
        if walkthrough and needs_walkthrough(self.store.state):
            self._show("walkthrough", lambda ui: ui.Walkthrough(self._tk(), self.store.state, self.store.save,
                                                                self.geometry(self.root)))
        else:
            self._recheck()

    def open(self, action: str) -> None:
        """A tray or panel entry: posture, lumbar, spasm_guide or walkthrough ("Set up your workstation")."""
        if action == "walkthrough":
            self._show(action, lambda ui: ui.Walkthrough(self._tk(), self.store.state, self.store.save,
                                                         self.geometry(self.root), focus=True))
        elif action == "spasm_guide":
            self._show(action, lambda ui: ui.SpasmGuideWindow(
                self._tk(), self.geometry(self.root), spasm_start=self._spasm_start,
                on_spasm_start=self._remember_start))
        else:
            self._show(action, lambda ui: ui.ChecklistWindow(self._tk(), action, self.store.state, self.store.save,
                                                             self.geometry(self.root)))

    def seconds_until_chore(self) -> float | None:
        return self.chores.seconds_until_next()

    def run_chores(self) -> None:
        self.chores.run_pending()

    def _show(self, name: str, make) -> None:
        """One window of each kind: a second click brings no twin."""
        window = self._open.get(name)
        if window is not None and getattr(window, "is_open", False):
            return
        if self.ui is not None:
            self._open[name] = make(self.ui)
            return
        from agent import ui

        self._open[name] = make(ui)

    def _tk(self):
        """The Tk root a window belongs to: the agent's loop starts Tk for the first window
        (not when the window process draws them: it has its own)."""
        return self.root if self.ui is not None else self.root.tk_root()

    def _remember_start(self, when: datetime) -> None:
        self._spasm_start = when

    def _remind(self) -> None:
        from agent.ui import strings

        self.notice(strings.RECHECK_REMINDER)
