"""Upright's windows: the break prompt, the pre-break notice, the panel, and the
reading windows (the checklists, the first-run walk-through, the spasm guide,
the red-flags card, the lifting card and the exercise library), and the Settings window.

    from agent.ui.break_window import BreakWindow
    from agent.ui.geometry import monitor_at_pointer
    window = BreakWindow(root, default_exercises(), choices.put, can_postpone=True, can_skip=True,
                         break_s=120, geometry=monitor_at_pointer(root))
    ...                               # once the user has been idle ~2 s:
    window.offer_focus()

Every class here is a plain Tk class: create and call it from the Tk
(main) thread only. Other threads hand their requests to that thread
through a queue; the callbacks (``on_choice``, ``on_action``) run in the
Tk thread. Words live in :mod:`agent.ui.strings`, colours and fonts in
:mod:`agent.ui.theme`. Nothing here is imported by the engine
(:mod:`agent.core`), which stays free of GUI code.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public names, and the module each lives in. They load on first use, so
#: ``import agent.ui.strings`` (e.g. for translation tools) needs neither
#: Tk nor Pillow.
_EXPORTS = {
    "BreakWindow": "agent.ui.break_window",
    "Notice": "agent.ui.notice",
    "Panel": "agent.ui.panel",
    "monitor_at_pointer": "agent.ui.geometry",
    "other_monitors": "agent.ui.geometry",
    "centered": "agent.ui.geometry",
    "Exercise": "agent.ui.exercise",
    "draw_exercise": "agent.ui.exercise",
    "ChecklistWindow": "agent.ui.checklist_window",
    "Walkthrough": "agent.ui.walkthrough",
    "SpasmGuideWindow": "agent.ui.spasm_guide",
    "RedFlagsCard": "agent.ui.red_flags",
    "LiftingCard": "agent.ui.lifting",
    "ExercisesWindow": "agent.ui.exercises_window",
    "SettingsWindow": "agent.ui.settings_window",
    "WeekWindow": "agent.ui.week_window",
    "TodayWindow": "agent.ui.today_window",
}

__all__ = [*_EXPORTS, "default_exercises"]


def default_exercises() -> list:
    """Today's next exercises for a default-length break, from the packaged library.

    For a quick look (no state: the rotation turns with the date only); the
    agent's own rotation, with favourites, hidden exercises and today's
    showings kept between runs, is :class:`agent.content.exercise_choice.Rotation`.
    """
    from datetime import date

    from agent.content.exercise_choice import choose
    from agent.content.exercises import load_library

    return choose(load_library(), {}, date.today())[0]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'agent.ui' has no attribute {name!r}")
