"""The panel (Upright's own tray menu) on a real X server, clicked for real.

Screenshots land in tests/artifacts/ (panel_100, panel_200).
"""

from __future__ import annotations

import tkinter as tk

import pytest

from agent.ui import strings
from agent.ui.panel import ACTIONS, Panel, entries
from tests.ui_desktop import (
    click, clipped_widgets, mapped_texts, move_pointer, press, pump, screen_rect, screenshot, upright_windows,
    wait_until, wrapper_id
)

MONITOR = (0, 0, 1280, 800)


@pytest.fixture
def actions():
    return []


@pytest.fixture
def open_panel(root, actions, shown):
    def _open(paused=False, standing=False, can_postpone=True, **options) -> Panel:
        panel = shown(Panel(root, actions.append, options.pop("geometry", MONITOR), paused=paused,
                            standing=standing, can_postpone=can_postpone, **options), "the panel")
        assert wait_until(root, lambda: root.focus_get() is not None), "the panel did not take the keyboard"
        return panel

    return _open


def state_offering(action: str) -> dict:
    """Panel options under which ``action`` is on offer."""
    return {"paused": action == "resume", "standing": action == "sitting", "can_postpone": True}


def test_actions_match_the_tray_menu():
    tray = pytest.importorskip("agent.tray")
    assert set(ACTIONS) == set(tray.ACTIONS) - {"open_panel"}


@pytest.mark.parametrize("action", ACTIONS)
def test_each_entry_reports_its_action_when_clicked(root, open_panel, actions, action):
    panel = open_panel(**state_offering(action))
    click(root, panel.button(action))
    assert wait_until(root, lambda: actions == [action])
    assert not panel.is_open, "a chosen entry closes the panel, like a menu"
    assert upright_windows() == []


def test_working_and_sitting_offers_pause_and_standing(root, open_panel):
    texts = mapped_texts(open_panel(paused=False, standing=False).top)
    assert strings.PANEL_PAUSE_30 in texts and strings.PANEL_PAUSE_TOMORROW in texts
    assert strings.PANEL_RESUME not in texts
    assert strings.PANEL_STANDING in texts and strings.PANEL_SITTING not in texts
    assert "Postpone 5 min" in texts


def test_paused_and_standing_offers_resume_and_sitting(root, open_panel):
    panel = open_panel(paused=True, standing=True)
    texts = mapped_texts(panel.top)
    assert strings.PANEL_RESUME in texts
    assert not any(t.startswith("Pause") for t in texts)
    assert strings.PANEL_SITTING in texts and strings.PANEL_STANDING not in texts


def test_postpone_hidden_when_not_allowed(root, open_panel):
    panel = open_panel(can_postpone=False)
    assert not any(t.startswith("Postpone") for t in mapped_texts(panel.top))
    with pytest.raises(KeyError):
        panel.button("postpone")


def test_entries_offer_exactly_the_actions_for_the_state():
    offered = {a for group in entries(paused=False, standing=False, can_postpone=False) for a, _ in group}
    assert offered == set(ACTIONS) - {"resume", "sitting", "postpone"}


def test_escape_closes_without_an_action(root, open_panel, actions):
    panel = open_panel()
    assert upright_windows() == [wrapper_id(panel.top)]
    press(root, wrapper_id(panel.top), "Escape")
    assert wait_until(root, lambda: not panel.is_open)
    assert actions == []


def test_losing_the_focus_closes_it(root, open_panel, actions):
    panel = open_panel()
    other = tk.Toplevel(root)
    other.geometry("200x50+10+700")
    entry = tk.Entry(other)
    entry.pack()
    assert wait_until(root, other.winfo_viewable)
    entry.focus_force()  # the user clicked somewhere else
    assert wait_until(root, lambda: not panel.is_open)
    assert actions == []


def test_moving_between_entries_keeps_it_open(root, open_panel, actions):
    panel = open_panel()
    wid = wrapper_id(panel.top)
    assert root.focus_get() is panel.button("break_now")
    press(root, wid, "Down")
    assert wait_until(root, lambda: root.focus_get() is panel.button("postpone"))
    pump(root, 0.1)
    assert panel.is_open
    press(root, wid, "Return")
    assert wait_until(root, lambda: actions == ["postpone"])


def test_opens_at_the_pointer_inside_the_monitor(root, open_panel):
    move_pointer(1270, 790)  # near the corner: the panel must be pushed back on screen
    panel = open_panel()
    x, y, w, h = screen_rect(panel.top)
    assert 0 <= x and x + w <= 1280 and 0 <= y and y + h <= 800
    assert x + w >= 1270 - 1 and y + h >= 790 - 1, "it should open next to the pointer"


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_nothing_is_clipped(root, open_panel, scale):
    move_pointer(900, 40)  # where a tray icon would be
    panel = open_panel(font_scale=scale)
    assert clipped_widgets(panel.top) == []
    screenshot(f"panel_{round(scale * 100)}", screen_rect(panel.top))


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_the_status_line_is_at_the_top_and_postpone_says_its_setting(root, open_panel, scale):
    move_pointer(900, 40)
    status = "Sitting 18 min \u00b7 next break in 12 min"
    panel = open_panel(status=status, postpone_min=0.5, font_scale=scale)
    assert panel.status_label is not None and panel.status_label.cget("text") == status
    first = panel.button("break_now")
    assert panel.status_label.winfo_rooty() < first.winfo_rooty(), "the status line comes first"
    assert panel.button("postpone").cget("text") == "Postpone 30 s"
    assert "Postpone 5 min" not in mapped_texts(panel.top)
    assert clipped_widgets(panel.top) == []
    screenshot(f"panel_status_{round(scale * 100)}", screen_rect(panel.top))


def test_without_a_status_the_panel_has_no_empty_line(root, open_panel):
    panel = open_panel()
    assert panel.status_label is None


def test_a_running_cold_pack_is_a_second_status_line(root, open_panel):
    move_pointer(900, 40)
    status = "Sitting 18 min \u00b7 next break in 12 min\nCold pack off at 14:35"
    panel = open_panel(status=status)
    assert panel.status_label.cget("text") == status
    import tkinter.font as tkfont

    line = tkfont.Font(root=root, font=panel.status_label.cget("font")).metrics("linespace")
    assert panel.status_label.winfo_height() >= 2 * line, "both lines are shown"
    assert clipped_widgets(panel.top) == []
    screenshot("panel_status_cold_pack", screen_rect(panel.top))
