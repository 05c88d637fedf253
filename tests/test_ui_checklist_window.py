"""The checklist windows on a real X server: ticked by real clicks and keys, saved, readable at 200 %.

Screenshots: tests/artifacts/checklist_posture_100, checklist_posture_200, checklist_lumbar_100.
"""

from __future__ import annotations

from datetime import date

import pytest

from agent.content import texts as content
from agent.content.checklist_state import StateStore
from agent.ui import strings
from agent.ui.checklist_window import ChecklistWindow
from tests.reading_windows import clipped, fully_visible, shown_texts
from tests.ui_desktop import (
    click,
    move_pointer,
    press,
    screen_rect,
    screenshot,
    upright_windows,
    wait_until,
    wrapper_id,
    xdotool,
)

MONITOR = (0, 0, 1280, 800)
TODAY = date(2025, 3, 4)


@pytest.fixture
def store(tmp_path):
    return StateStore(tmp_path)


@pytest.fixture
def open_checklist(root, store, shown):
    def _open(name="posture", **options) -> ChecklistWindow:
        window = shown(ChecklistWindow(root, name, store.state, store.save, options.pop("geometry", MONITOR),
                                       today=lambda: TODAY, **options), "the checklist")
        if options.get("focus", True):
            assert wait_until(root, lambda: root.focus_get() is window.first_focus()), "it did not take the keyboard"
        return window

    return _open


@pytest.mark.parametrize("name, title", [("posture", strings.POSTURE_TITLE), ("lumbar", strings.LUMBAR_TITLE)])
def test_titled_upright_and_showing_every_item_with_its_why(root, open_checklist, name, title):
    window = open_checklist(name)
    assert window.top.title() == title and title.startswith("Upright")
    assert upright_windows() == [wrapper_id(window.top)]
    texts = shown_texts(window.top)
    for item in content.checklist(name).items:
        assert item.text in texts and item.why in texts
    assert strings.NOT_MEDICAL_ADVICE in texts
    assert f"0 of {len(content.checklist(name).items)} ticked" in texts


def test_ticking_with_the_mouse_saves_the_tick_and_its_date(root, open_checklist, store, tmp_path):
    window = open_checklist()
    box = window.view.boxes["spine_aligned"]
    click(root, box)
    assert wait_until(root, lambda: store.state.is_ticked("posture", "spine_aligned"))
    assert StateStore(tmp_path).state.ticked_on("posture", "spine_aligned") == TODAY, "saved at once"
    assert window.view.dates["spine_aligned"].cget("text") == strings.TICKED_TODAY
    assert "1 of 7 ticked" in shown_texts(window.top)
    click(root, box)
    assert wait_until(root, lambda: not store.state.is_ticked("posture", "spine_aligned"))
    assert not StateStore(tmp_path).state.is_ticked("posture", "spine_aligned")
    assert not window.view.dates["spine_aligned"].winfo_ismapped()


def test_clicking_the_text_ticks_too(root, open_checklist, store):
    window = open_checklist("lumbar")
    box = window.view.boxes["standing_desk"]
    root.update()
    move_pointer(box.winfo_rootx() + box.winfo_width() - 10, box.winfo_rooty() + box.winfo_height() // 2)
    xdotool("click", "1")
    assert wait_until(root, lambda: store.state.is_ticked("lumbar", "standing_desk"))


def test_ticking_with_the_keyboard(root, open_checklist, store):
    window = open_checklist()
    wid = wrapper_id(window.top)
    boxes = window.view.boxes
    assert root.focus_get() is boxes["spine_aligned"]
    press(root, wid, "space")
    assert wait_until(root, lambda: store.state.is_ticked("posture", "spine_aligned"))
    press(root, wid, "Down")
    press(root, wid, "Down")
    assert wait_until(root, lambda: root.focus_get() is boxes["feet_flat"])
    press(root, wid, "space")
    assert wait_until(root, lambda: store.state.is_ticked("posture", "feet_flat"))
    press(root, wid, "Up")
    assert wait_until(root, lambda: root.focus_get() is boxes["back_straight_head_up"])
    assert set(store.state.ticked["posture"]) == {"spine_aligned", "feet_flat"}


def test_the_keyboard_reaches_the_last_item_and_scrolls_it_into_view(root, open_checklist, store):
    window = open_checklist(font_scale=2.0)
    assert window.scroller.scrolls, "at 200 % the posture list needs to scroll"
    last = window.view.boxes["change_position"]
    assert not fully_visible(last)
    wid = wrapper_id(window.top)
    for _ in range(len(window.view.boxes) - 1):
        press(root, wid, "Down")
    assert wait_until(root, lambda: root.focus_get() is last)
    assert wait_until(root, lambda: fully_visible(last)), "the focused item must be scrolled into view"
    press(root, wid, "space")
    assert wait_until(root, lambda: store.state.is_ticked("posture", "change_position"))
    press(root, wid, "Home")
    assert wait_until(root, lambda: fully_visible(window.view.boxes["spine_aligned"]))


def test_the_mouse_wheel_scrolls(root, open_checklist):
    window = open_checklist(font_scale=2.0)
    canvas = window.scroller.canvas
    x, y, w, h = screen_rect(canvas)
    move_pointer(x + w // 2, y + h // 2)
    xdotool("click", "5")
    assert wait_until(root, lambda: canvas.yview()[0] > 0)


def test_ticks_made_earlier_show_their_date(root, open_checklist, store):
    store.state.set_ticked("posture", "feet_flat", True, date(2025, 2, 1))
    window = open_checklist()
    assert window.view.boxes["feet_flat"].cget("text") == "Feet flat on the floor."
    assert window.view._vars["feet_flat"].get() is True
    assert "Ticked on 2025-02-01" in shown_texts(window.top)
    assert "1 of 7 ticked" in shown_texts(window.top)


def test_red_flags_are_one_click_away(root, open_checklist):
    window = open_checklist()
    click(root, window.red_flags_button)
    assert wait_until(root, lambda: window.open_red_flags.card is not None
                      and window.open_red_flags.card.top.winfo_viewable())
    card = window.open_red_flags.card
    assert card.top.title() == strings.RED_FLAGS_TITLE
    texts = shown_texts(card.top)
    assert all(flag.text in texts for flag in content.red_flags().flags)
    click(root, window.red_flags_button)  # again: the same card comes forward, no second one
    assert window.open_red_flags.card is card
    window.close()
    assert not card.is_open, "closing the checklist closes its card"


def test_escape_closes_and_reports(root, store):
    closed = []
    window = ChecklistWindow(root, "posture", store.state, store.save, MONITOR, on_close=lambda: closed.append(1))
    assert wait_until(root, lambda: root.focus_get() is not None)
    press(root, wrapper_id(window.top), "Escape")
    assert wait_until(root, lambda: not window.is_open)
    assert closed == [1]
    window.close()
    assert closed == [1]


def test_a_failing_save_does_not_break_the_window(root, open_checklist, store, monkeypatch):
    def broken(_state):
        raise OSError("disk gone")

    window = ChecklistWindow(root, "posture", store.state, broken, MONITOR, today=lambda: TODAY)
    window.view.boxes["feet_flat"].invoke()
    assert store.state.is_ticked("posture", "feet_flat") and window.is_open
    window.close()


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_nothing_is_clipped(root, open_checklist, store, scale):
    store.state.set_ticked("posture", "spine_aligned", True, TODAY)
    store.state.set_ticked("posture", "feet_flat", True, date(2025, 2, 1))
    window = open_checklist(font_scale=scale)
    assert clipped(window.top) == []
    if scale == 2.0:
        assert window.fonts.body.cget("size") == -32  # pixels: twice the 16 px body
    screenshot(f"checklist_posture_{round(scale * 100)}", screen_rect(window.top))


def test_lumbar_screenshot(root, open_checklist, store):
    store.state.set_ticked("lumbar", "lumbar_support", True, TODAY)
    window = open_checklist("lumbar")
    assert clipped(window.top) == []
    screenshot("checklist_lumbar_100", screen_rect(window.top))


def test_fits_a_small_monitor(root, open_checklist):
    window = open_checklist(geometry=(0, 0, 800, 600), font_scale=1.5)
    x, y, w, h = screen_rect(window.top)
    assert w <= 800 and h <= 600
    assert clipped(window.top) == []
