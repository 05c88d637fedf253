"""The "This week" window on a real X server, opened from the panel's entry through the app.

Screenshots: tests/artifacts/week_window_100.png, week_window_200.png.
"""

from __future__ import annotations

import pytest
from PIL import ImageGrab

from agent.history import summary
from agent.ui import history_chart, strings
from agent.ui.geometry import tallest
from agent.ui.panel import Panel
from agent.ui.week_window import WeekWindow
from tests.reading_windows import clipped
from tests.test_history_report import TODAY, week_rows
from tests.ui_desktop import click, press, screen_rect, screenshot, upright_windows, wait_until, wrapper_id

MONITOR = (0, 0, 1280, 800)


def load(span):
    loaded.append(span)
    return summary.build(span, TODAY, week_rows())


loaded: list = []


@pytest.fixture
def open_week(root, shown):
    loaded.clear()

    def _open(**options) -> WeekWindow:
        return shown(WeekWindow(root, load, options.pop("geometry", MONITOR), **options), "the week window")

    return _open


def warn_pixels(rect) -> int:
    """Pixels of the over-the-limit colour on screen inside ``rect``."""
    warn = tuple(int(history_chart.WARN[i:i + 2], 16) for i in (1, 3, 5))
    image = ImageGrab.grab(bbox=rect).convert("RGB")
    pixels = image.load()
    return sum(1 for x in range(image.width) for y in range(image.height) if pixels[x, y] == warn)


def test_the_panel_entry_reports_this_week(root):
    chosen = []
    panel = Panel(root, chosen.append, MONITOR, paused=False, standing=False, can_postpone=False)
    entry = panel.button("this_week")
    assert entry.cget("text") == strings.PANEL_THIS_WEEK
    click(root, entry)
    assert wait_until(root, lambda: chosen == ["this_week"])


def test_the_chart_is_on_screen_and_the_buttons_switch_the_span(root, open_week):
    window = open_week()
    assert window.top.title() == strings.WEEK_TITLE
    assert upright_windows() == [wrapper_id(window.top)]
    assert loaded == ["week"]
    chart = screen_rect(window.chart)
    # Drawn at 1x for 100 % text, and shrunk only as far as the window's 85 % of the screen needs.
    assert window.top.winfo_height() <= tallest(MONITOR)
    assert chart[2] == history_chart.WIDTH or window.top.winfo_height() >= tallest(MONITOR) - 2
    assert chart[2] >= 0.9 * history_chart.WIDTH
    assert warn_pixels(chart) > 100  # Tuesday's stretch over the limit is really on the screen
    click(root, window.month_button)
    assert wait_until(root, lambda: loaded == ["week", "month"])
    assert window.report.span == "month" and len(window.report.days) == 30
    click(root, window.week_button)
    assert wait_until(root, lambda: loaded[-1] == "week")
    assert wait_until(root, lambda: root.focus_get() is not None)
    press(root, wrapper_id(window.top), "Escape")
    assert wait_until(root, lambda: not window.is_open)


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_nothing_is_clipped(root, open_week, scale):
    window = open_week(font_scale=scale)
    assert clipped(window.top) == []
    assert screen_rect(window.chart)[3] <= MONITOR[3] - 2 * 24  # shrunk to fit, never cut off
    screenshot(f"week_window_{round(scale * 100)}", screen_rect(window.top))
