"""The red-flags card on a real X server. Screenshots: tests/artifacts/red_flags_100, red_flags_200."""

from __future__ import annotations

import pytest

from agent.content import texts as content
from agent.ui import strings, theme
from agent.ui.red_flags import RedFlagsCard
from tests.reading_windows import clipped, shown_texts
from tests.ui_desktop import click, press, screen_rect, screenshot, upright_windows, wait_until, wrapper_id

MONITOR = (0, 0, 1280, 800)


@pytest.fixture
def open_card(root, shown):
    def _open(**options) -> RedFlagsCard:
        return shown(RedFlagsCard(root, options.pop("geometry", MONITOR), **options), "the card")

    return _open


def test_every_red_flag_the_heading_and_the_disclaimer(root, open_card):
    card = open_card()
    assert card.top.title() == strings.RED_FLAGS_TITLE and card.top.title().startswith("Upright")
    assert upright_windows() == [wrapper_id(card.top)]
    texts = shown_texts(card.top)
    flags = content.red_flags()
    assert texts[:2] == [flags.heading, flags.intro]
    assert [text for text in texts if text in {f.text for f in flags.flags}] == [f.text for f in flags.flags]
    assert strings.NOT_MEDICAL_ADVICE in texts
    assert len(flags.flags) == 14
    headings = [level.heading for level in flags.levels]
    assert [text for text in texts if text in headings] == ["Get medical help now",
                                                            "Call your doctor or a nurse line soon"]
    assert card.view.level_headings["now"].cget("fg") == theme.WARN, "the emergency level stands out"


def test_on_a_wide_screen_the_two_levels_stand_side_by_side(root, open_card):
    card = open_card()
    now, soon = card.view.level_headings["now"], card.view.level_headings["soon"]
    assert now.winfo_rooty() == soon.winfo_rooty() and now.winfo_rootx() < soon.winfo_rootx()


def test_it_takes_the_keyboard_and_closes_on_enter_or_escape(root, open_card):
    closed = []
    card = open_card(on_close=lambda: closed.append(1))
    assert wait_until(root, lambda: root.focus_get() is card.close_button)
    press(root, wrapper_id(card.top), "Return")
    assert wait_until(root, lambda: not card.is_open) and closed == [1]
    other = open_card()
    assert wait_until(root, lambda: root.focus_get() is other.close_button)
    press(root, wrapper_id(other.top), "Escape")
    assert wait_until(root, lambda: not other.is_open)


def test_the_close_button(root, open_card):
    card = open_card()
    click(root, card.close_button)
    assert wait_until(root, lambda: not card.is_open)
    assert wait_until(root, lambda: upright_windows() == [])


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_nothing_is_clipped(root, open_card, scale):
    card = open_card(font_scale=scale)
    assert clipped(card.top) == []
    # 14 signs in two levels: whole at 100 %; at 200 % the levels stack and the card scrolls.
    assert card.scroller.scrolls == (scale > 1.5)
    screenshot(f"red_flags_{round(scale * 100)}", screen_rect(card.top))


def test_on_a_small_screen_it_scrolls_rather_than_clips(root, open_card):
    card = open_card(geometry=(0, 0, 640, 480), font_scale=2.0)
    x, y, w, h = screen_rect(card.top)
    assert w <= 640 and h <= 480
    assert card.scroller.scrolls
    assert clipped(card.top) == []
