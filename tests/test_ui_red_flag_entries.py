"""The red flags are one click away wherever pain happens: real windows on a real X server.

Each window that shows an exercise or advice carries a button that opens
the red-flags card (CONTENT.md: "Reachable in one click from every window
that shows an exercise or advice, including the break window and its 'This
hurts — stop' view, and from the tray panel"). If an entry disappears from
any of them, its case here fails. Screenshots: tests/artifacts/
red_flags_from_hurts (the card over the hurts view), break_head_link (the break
window with the link beside its heading), lifting_card, panel_red_flags.
"""

from __future__ import annotations

from datetime import date

import pytest

from agent.content import texts as content
from agent.content.checklist_state import StateStore
from agent.content.exercise_choice import Rotation
from agent.content.exercise_state import ExerciseStateStore
from agent.content.exercises import load_library
from agent.live.guides import Guides
from agent.ui import strings
from agent.ui.break_window import BreakWindow
from agent.ui.checklist_window import ChecklistWindow
from agent.ui.exercises_window import ExercisesWindow
from agent.ui.lifting import LiftingCard
from agent.ui.panel import Panel
from agent.ui.red_flags import RedFlagsCard
from agent.ui.spasm_guide import SpasmGuideWindow
from agent.ui.walkthrough import Walkthrough
from tests.reading_windows import clipped, shown_texts
from tests.ui_desktop import click, find_button, pump, screen_rect, screenshot, upright_windows, wait_until, wrapper_id

MONITOR = (0, 0, 1280, 800)
TODAY = date(2025, 3, 4)
EXERCISE = next(e for e in load_library() if e.id == "standing_back_extension")


def break_window(root, tmp_path):
    window = BreakWindow(root, EXERCISE, lambda _choice: None, can_postpone=True, can_skip=True, break_s=120,
                         geometry=MONITOR)
    return window, lambda: window.red_flags_button


def hurts_view(root, tmp_path):
    window, _entry = break_window(root, tmp_path)

    def entry():
        click(root, find_button(window.top, strings.HURTS))
        assert wait_until(root, lambda: window.in_caution)
        return window.caution_red_flags_button

    return window, entry


def checklist(root, tmp_path):
    store = StateStore(tmp_path)
    window = ChecklistWindow(root, "posture", store.state, store.save, MONITOR, today=lambda: TODAY)
    return window, lambda: window.red_flags_button


def spasm_guide(root, tmp_path):
    window = SpasmGuideWindow(root, MONITOR)
    return window, lambda: window.red_flags_button


def walkthrough(root, tmp_path):
    store = StateStore(tmp_path)
    window = Walkthrough(root, store.state, store.save, MONITOR, today=lambda: TODAY)
    return window, lambda: window.red_flags_button


def lifting(root, tmp_path):
    window = LiftingCard(root, MONITOR)
    return window, lambda: window.red_flags_button


def exercises(root, tmp_path):
    rotation = Rotation(120, today=lambda: TODAY, load=load_library, store=ExerciseStateStore(tmp_path))
    window = ExercisesWindow(root, rotation, MONITOR)
    return window, lambda: window.red_flags_button


#: Every window with a red-flags entry.
WINDOWS = {
    "break window": break_window,
    "this hurts view": hurts_view,
    "checklist": checklist,
    "spasm guide": spasm_guide,
    "walk-through": walkthrough,
    "lifting card": lifting,
    "exercises": exercises,
}


@pytest.mark.parametrize("name", WINDOWS)
def test_one_click_opens_the_red_flags_card(root, shown, tmp_path, name):
    window, entry = WINDOWS[name](root, tmp_path)
    shown(window, name)
    button = entry()
    assert button.winfo_viewable(), f"the {name} shows no red-flags entry"
    # The break window's link sits beside its heading, so it has the panel's shorter words.
    assert button.cget("text") == (strings.PANEL_RED_FLAGS if name == "break window" else strings.RED_FLAGS_BUTTON)
    click(root, button)
    assert wait_until(root, lambda: window.open_red_flags.card is not None
                      and window.open_red_flags.card.top.winfo_viewable()), f"the {name}'s entry opened nothing"
    card = window.open_red_flags.card
    texts = shown_texts(card.top)
    flags = content.red_flags()
    assert [level.heading for level in flags.levels] == [t for t in texts if t in {l.heading for l in flags.levels}]
    assert all(flag.text in texts for flag in flags.flags)
    if name == "this hurts view":
        screenshot("red_flags_from_hurts", (0, 0, 1280, 800), margin=0)
    window.open_red_flags.close()


def test_the_card_stays_above_the_break_window(root, shown, tmp_path):
    """The break prompt stays on top of everything; a card opened from it must not hide behind it."""
    window, entry = hurts_view(root, tmp_path)
    shown(window, "the break window")
    click(root, entry())
    assert wait_until(root, lambda: window.open_red_flags.card is not None
                      and window.open_red_flags.card.top.winfo_viewable())
    assert window.open_red_flags.card.top.attributes("-topmost") == 1
    window.open_red_flags.close()


def test_the_break_windows_head_has_the_link_and_the_hurts_view_moves_it_next_to_close(root, shown, tmp_path):
    window, _entry = break_window(root, tmp_path)
    shown(window, "the break window")
    assert window.red_flags_button.winfo_viewable() and not window.caution_red_flags_button.winfo_viewable()
    screenshot("break_head_link", screen_rect(window.top))
    click(root, find_button(window.top, strings.HURTS))
    assert wait_until(root, lambda: window.caution_red_flags_button.winfo_viewable())
    assert not window.red_flags_button.winfo_ismapped(), "one red-flags link in the hurts view, not two"
    assert strings.CAUTION_WORSE in shown_texts(window.top)
    assert clipped(window.top) == []


def test_enter_on_the_link_opens_the_card_and_does_not_start_the_break(root, shown, tmp_path):
    choices = []
    window = shown(BreakWindow(root, EXERCISE, choices.append, can_postpone=True, can_skip=True, break_s=120,
                               geometry=MONITOR), "the break window")
    window.offer_focus()
    assert wait_until(root, lambda: root.focus_get() is not None)
    window.red_flags_button.focus_set()
    window.red_flags_button.event_generate("<Return>")
    assert wait_until(root, lambda: window.open_red_flags.card is not None)
    pump(root, 0.1)
    assert choices == [] and not window.started
    window.open_red_flags.close()


def test_the_panel_has_an_entry_and_the_agent_opens_the_card_for_it(root, shown, tmp_path):
    actions = []
    panel = shown(Panel(root, actions.append, MONITOR, paused=False, standing=False, can_postpone=False),
                  "the panel")
    entry = panel.button("red_flags")
    assert entry.winfo_viewable() and entry.cget("text") == strings.PANEL_RED_FLAGS
    screenshot("panel_red_flags", screen_rect(panel.top))
    click(root, entry)
    assert wait_until(root, lambda: actions == ["red_flags"])

    class Loop:  # what the agent's loop gives the guides: its Tk root
        def tk_root(self):
            return root

    guides = Guides(Loop(), lambda _root: MONITOR, lambda _text: None, store=StateStore(tmp_path))
    guides.open("red_flags")
    card = guides._open["red_flags"]
    shown(card, "the red-flags card")
    assert isinstance(card, RedFlagsCard)
    assert upright_windows() == [wrapper_id(card.top)]
    guides.open("lifting")
    lifting_card = shown(guides._open["lifting"], "the lifting card")
    assert isinstance(lifting_card, LiftingCard)
    texts = shown_texts(lifting_card.top)
    assert all(tip.text in texts for tip in content.lifting().tips)
    assert strings.NOT_MEDICAL_ADVICE in texts
    assert clipped(lifting_card.top) == []
    screenshot("lifting_card", screen_rect(lifting_card.top))
