"""The first-run walk-through on a real X server: both checklists, then the red flags.

Screenshots: tests/artifacts/walkthrough_1_posture, walkthrough_2_lumbar, walkthrough_3_red_flags,
walkthrough_200.
"""

from __future__ import annotations

from datetime import date

import pytest

from agent.content import texts as content
from agent.content.checklist_state import StateStore, needs_walkthrough
from agent.ui import strings
from agent.ui.walkthrough import Walkthrough
from tests.reading_windows import clipped, shown_texts
from tests.ui_desktop import (
    click,
    find_button,
    press,
    pump,
    screen_rect,
    screenshot,
    upright_windows,
    wait_until,
    wrapper_id,
    x_focus,
)

MONITOR = (0, 0, 1280, 800)
TODAY = date(2025, 3, 4)


@pytest.fixture
def store(tmp_path):
    return StateStore(tmp_path)


@pytest.fixture
def finished():
    return []


@pytest.fixture
def open_walkthrough(root, store, finished, shown):
    def _open(**options) -> Walkthrough:
        return shown(Walkthrough(root, store.state, store.save, options.pop("geometry", MONITOR),
                                 on_finish=finished.append, today=lambda: TODAY, **options), "the walk-through")

    return _open


def test_three_steps_checklists_then_red_flags(root, open_walkthrough, finished, store, tmp_path):
    window = open_walkthrough()
    assert window.top.title() == strings.WALKTHROUGH_TITLE and window.top.title().startswith("Upright")
    assert upright_windows() == [wrapper_id(window.top)]
    texts = shown_texts(window.top)
    assert strings.WALKTHROUGH_HEADING in texts and "Step 1 of 3" in texts and strings.POSTURE_HEADING in texts
    assert content.checklist("posture").items[0].text in texts
    assert strings.NOT_MEDICAL_ADVICE in texts
    assert find_button(window.top, strings.BACK).cget("state") == "disabled"
    screenshot("walkthrough_1_posture", screen_rect(window.top))

    click(root, window.views[0].boxes["feet_flat"])
    assert wait_until(root, lambda: store.state.is_ticked("posture", "feet_flat"))
    click(root, find_button(window.top, strings.NEXT))
    assert wait_until(root, lambda: "Step 2 of 3" in shown_texts(window.top))
    texts = shown_texts(window.top)
    assert strings.LUMBAR_HEADING in texts and content.checklist("lumbar").items[0].text in texts
    assert content.checklist("posture").items[0].text not in texts
    click(root, window.views[1].boxes["lumbar_support"])
    assert wait_until(root, lambda: store.state.is_ticked("lumbar", "lumbar_support"))
    screenshot("walkthrough_2_lumbar", screen_rect(window.top))

    click(root, find_button(window.top, strings.NEXT))
    assert wait_until(root, lambda: "Step 3 of 3" in shown_texts(window.top))
    texts = shown_texts(window.top)
    assert all(flag.text in texts for flag in content.red_flags().flags)
    assert find_button(window.top, strings.FINISH) is not None
    assert find_button(window.top, strings.RED_FLAGS_BUTTON) is None, "the red flags are the page itself"
    assert clipped(window.top) == []
    screenshot("walkthrough_3_red_flags", screen_rect(window.top))

    click(root, find_button(window.top, strings.FINISH))
    assert wait_until(root, lambda: not window.is_open)
    assert finished == [True]
    again = StateStore(tmp_path).state
    assert again.walkthrough_done == TODAY and not needs_walkthrough(again)
    assert again.is_ticked("posture", "feet_flat") and again.is_ticked("lumbar", "lumbar_support")


def test_back_returns_to_the_previous_step(root, open_walkthrough):
    window = open_walkthrough()
    window.next()
    pump(root, 0.05)
    click(root, find_button(window.top, strings.BACK))
    assert wait_until(root, lambda: "Step 1 of 3" in shown_texts(window.top))


def test_closing_early_still_counts_as_shown(root, open_walkthrough, finished, store):
    window = open_walkthrough(focus=True)
    assert wait_until(root, lambda: root.focus_get() is not None)
    press(root, wrapper_id(window.top), "Escape")
    assert wait_until(root, lambda: not window.is_open)
    assert finished == [False]
    assert store.state.walkthrough_done == TODAY


def test_it_opens_without_taking_the_keyboard(root, open_walkthrough):
    window = open_walkthrough()
    pump(root, 0.1)
    assert root.focus_get() is None
    assert x_focus() not in (wrapper_id(window.top), window.top.winfo_id())


def test_red_flags_are_one_click_away_on_every_checklist_step(root, open_walkthrough):
    window = open_walkthrough()
    click(root, find_button(window.top, strings.RED_FLAGS_BUTTON))
    assert wait_until(root, lambda: window.open_red_flags.card is not None
                      and window.open_red_flags.card.top.winfo_viewable())
    window.open_red_flags.close()
    window.next()
    pump(root, 0.05)
    assert find_button(window.top, strings.RED_FLAGS_BUTTON) is not None


def test_keyboard_ticks_and_moves_on(root, open_walkthrough, store):
    window = open_walkthrough(focus=True)
    wid = wrapper_id(window.top)
    assert wait_until(root, lambda: root.focus_get() is window.views[0].boxes["spine_aligned"])
    press(root, wid, "space")
    assert wait_until(root, lambda: store.state.is_ticked("posture", "spine_aligned"))


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_every_step_the_same_size_and_nothing_clipped(root, open_walkthrough, scale):
    window = open_walkthrough(font_scale=scale)
    size = screen_rect(window.top)[2:]
    for step in range(window.page_count):
        pump(root, 0.05)
        assert clipped(window.top) == [], f"step {step + 1}"
        assert screen_rect(window.top)[2:] == size, "the window does not jump between steps"
        if scale == 2.0 and step == 0:
            screenshot("walkthrough_200", screen_rect(window.top))
        if step + 1 < window.page_count:
            window.next()
