"""The agent's teaching side: checklists, the spasm guide, the lifting and red-flags
cards, the first-run walk-through and the monthly re-check reminder, opened from
the tray or panel.

Kept apart from `app.App` (which times breaks) so each stays small. Lives on
the Tk thread; windows and Pillow load on first use.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from agent.content.checklist_state import StateStore, needs_walkthrough
from agent.live.calendar_chores import CalendarChores, schedule_recheck
from agent.live.pack_watch import PackWatch

log = logging.getLogger("agent")

ACTIONS = ("posture", "lumbar", "spasm_guide", "lifting", "red_flags", "walkthrough")


class Guides:
    """Opens the content windows and runs the wall-clock chores that belong to them."""

    def __init__(self, root, geometry: Callable, notice: Callable[[str], None], *,
                 store: StateStore | None = None, chores: CalendarChores | None = None, spasm=None,
                 ui=None, packs: PackWatch | None = None) -> None:
        """``spasm``: the exercise rotation, which keeps when a spasm began (so that breaks
        turn gentle, :mod:`agent.content.exercise_choice`); without it the start lives here.
        ``ui``: what makes the windows: :mod:`agent.ui` in this process (the default), or
        :class:`agent.live.remote_windows.RemoteGuideWindows` (the window process).
        ``packs``: the spasm guide's cold-pack and heat timer, which outlives its window."""
        self.root, self.geometry, self.notice, self.ui = root, geometry, notice, ui
        self.spasm = spasm
        self.store = store or StateStore()
        self.chores = chores or CalendarChores()
        self._spasm_start: datetime | None = None
        self.packs = packs or PackWatch(datetime.now, notice)
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
        """A tray or panel entry: one of :data:`ACTIONS` (walkthrough: "Set up your workstation")."""
        if action == "walkthrough":
            self._show(action, lambda ui: ui.Walkthrough(self._tk(), self.store.state, self.store.save,
                                                         self.geometry(self.root), focus=True))
        elif action in ("lifting", "red_flags"):
            make = {"lifting": "LiftingCard", "red_flags": "RedFlagsCard"}[action]
            self._show(action, lambda ui: getattr(ui, make)(self._tk(), self.geometry(self.root)))
        elif action == "spasm_guide":
            self._show(action, lambda ui: ui.SpasmGuideWindow(
                self._tk(), self.geometry(self.root), spasm_start=self.spasm_start,
                on_spasm_start=self._remember_start,
                on_spasm_end=self.spasm.end_spasm if self.spasm is not None else None,
                pack=self.packs.for_window(), on_pack=self.packs.handle, on_close=self.packs.window_closed))
        else:
            self._show(action, lambda ui: ui.ChecklistWindow(self._tk(), action, self.store.state, self.store.save,
                                                             self.geometry(self.root)))

    def seconds_until_chore(self) -> float | None:
        """The next calendar chore, or a cold pack coming off, whichever is first."""
        waits = [w for w in (self.chores.seconds_until_next(), self.packs.seconds_until_due()) if w is not None]
        return min(waits, default=None)

    def run_chores(self) -> None:
        self.chores.run_pending()
        self.packs.run_due()

    def _show(self, name: str, make) -> None:
        """One window of each kind: a second click brings no twin, but the open one forward
        (it may be behind the break window, whose gentle-break link opens the spasm guide)."""
        window = self._open.get(name)
        if window is not None and getattr(window, "is_open", False):
            raise_window = getattr(window, "focus", None)
            if raise_window is not None:
                raise_window()
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

    @property
    def spasm_start(self) -> datetime | None:
        """When the user said their back went into spasm, if they did."""
        return self.spasm.spasm_start if self.spasm is not None else self._spasm_start

    def _remember_start(self, when: datetime) -> None:
        self._spasm_start = when
        if self.spasm is not None:
            self.spasm.spasm_started(when)

    def _remind(self) -> None:
        from agent.ui import strings

        self.notice(strings.RECHECK_REMINDER)
