"""The Today window on a real X server: one sentence a line, each count in its plural form.

Screenshots: tests/artifacts/today_window_100.png, today_window_200.png.
"""

from __future__ import annotations

import pytest

from agent.core.totals import Totals
from agent.ui import strings
from agent.ui.today_window import TodayWindow
from tests.reading_windows import clipped
from tests.ui_desktop import mapped_texts, press, screen_rect, screenshot, upright_windows, wait_until, wrapper_id

MONITOR = (0, 0, 1280, 800)
DAY = Totals(sitting_s=3 * 3600 + 12 * 60, longest_bout_s=48 * 60, standing_s=25 * 60, breaks_taken=1,
             ended_early=2, natural_breaks=3)


@pytest.fixture
def open_today(root, shown):
    def _open(totals=DAY, **options) -> TodayWindow:
        return shown(TodayWindow(root, totals, options.pop("geometry", MONITOR), **options), "the Today window")

    return _open


def test_one_sentence_a_line_each_count_in_its_plural(root, open_today):
    window = open_today()
    assert window.top.title() == strings.TODAY_TITLE
    assert upright_windows() == [wrapper_id(window.top)]
    texts = mapped_texts(window.top)
    assert [label.cget("text") for label in window.lines] == [
        "Sitting: 3 h 12 min", "Longest time seated in one go: 48 min", "1 break taken", "2 breaks ended early",
        "3 natural breaks (time away from the computer)", "Standing: 25 min"]
    assert all(line in texts for line in strings.today_lines(DAY))


def test_a_quiet_day_leaves_out_what_did_not_happen(root, open_today):
    window = open_today(Totals(sitting_s=20 * 60, longest_bout_s=20 * 60, breaks_taken=2, natural_breaks=1))
    assert [label.cget("text") for label in window.lines] == [
        "Sitting: 20 min", "Longest time seated in one go: 20 min", "2 breaks taken",
        "1 natural break (time away from the computer)"]


@pytest.mark.parametrize("seconds, text", [(0, "0 min"), (59 * 60, "59 min"), (3600, "1 h"), (3660, "1 h 1 min"),
                                           (3 * 3600 + 12 * 60 + 20, "3 h 12 min")])
def test_a_days_time_reads_in_hours_and_minutes(seconds, text):
    assert strings.long_duration(seconds) == text


def test_close_and_esc_close_it(root, open_today):
    window = open_today()
    assert wait_until(root, lambda: root.focus_get() is window.close_button)
    press(root, wrapper_id(window.top), "Escape")
    assert wait_until(root, lambda: not window.is_open)
    window = open_today()
    assert wait_until(root, lambda: root.focus_get() is window.close_button)
    press(root, wrapper_id(window.top), "Return")
    assert wait_until(root, lambda: not window.is_open)


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_nothing_is_clipped(root, open_today, scale):
    window = open_today(font_scale=scale)
    assert clipped(window.top) == []
    screenshot(f"today_window_{round(scale * 100)}", screen_rect(window.top))
