"""The spasm guide on a real X server: the cold/heat card, the pack timer on a fake clock, the red flags.

Screenshots: tests/artifacts/spasm_guide_timer_100, spasm_guide_timer_200, spasm_guide_heat_100,
spasm_guide_either_100 (cold or heat, from 48 h), spasm_guide_heat_timer_100.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from agent.clock import monotonic
from agent.content import texts as content
from agent.content.cold_heat import COLD, EITHER, HEAT
from agent.ui import strings
from agent.ui.spasm_guide import SpasmGuideWindow
from tests.reading_windows import clipped, fully_visible, shown_texts
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
)

MONITOR = (0, 0, 1280, 800)
NOW = datetime(2025, 3, 5, 14, 0)


class FakeClock:
    """Monotonic time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeWall:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def quick_ticks(monkeypatch):
    """The window looks at its (fake) clock every 50 ms instead of every second."""
    monkeypatch.setattr(SpasmGuideWindow, "MAX_TICK_MS", 50)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def wall():
    return FakeWall()


@pytest.fixture
def open_guide(root, clock, wall, shown):
    def _open(**options) -> SpasmGuideWindow:
        options = {"clock": clock, "now": wall, "geometry": MONITOR, **options}
        geometry = options.pop("geometry")
        return shown(SpasmGuideWindow(root, geometry, **options), "the guide")

    return _open


def advance(root, clock: FakeClock, seconds: float) -> None:
    clock.now += seconds
    pump(root, 0.15)


def test_titled_upright_with_every_section_and_the_disclaimer(root, open_guide):
    window = open_guide()
    assert window.top.title() == strings.GUIDE_TITLE and window.top.title().startswith("Upright")
    assert upright_windows() == [wrapper_id(window.top)]
    texts = shown_texts(window.top)
    guide = content.spasm_guide()
    for section in guide.sections:
        assert section.heading in texts and section.text in texts
    assert guide.intro.text in texts
    assert strings.NOT_MEDICAL_ADVICE in texts
    assert strings.PHASE_PICK in texts and strings.PACK_START in texts
    assert "This timer gives it 15 minutes; never more than 20." in texts


def test_the_pack_timer_counts_down_15_minutes_and_says_take_it_off(root, open_guide, clock):
    window = open_guide()
    click(root, find_button(window.top, strings.PACK_START))
    assert window.countdown.cget("text") == "Take the pack off in 15:00"
    assert find_button(window.top, strings.PACK_START) is None
    advance(root, clock, 0.5)
    assert window.countdown.cget("text") == "Take the pack off in 15:00", "14:59.5 still reads 15:00"
    advance(root, clock, 1)
    assert window.countdown.cget("text") == "Take the pack off in 14:59"
    advance(root, clock, 15 * 60 - 1.5 - 1)
    assert window.countdown.cget("text") == "Take the pack off in 0:01"
    advance(root, clock, 1)
    assert wait_until(root, lambda: window.countdown.cget("text") == strings.PACK_DUE)
    assert find_button(window.top, strings.PACK_START) is not None, "another pack can be started"
    assert find_button(window.top, strings.PACK_STOP) is None
    pump(root, 0.2)
    assert window._tick_id is None, "no ticking once the pack is off"
    assert clipped(window.top) == []


def test_stop_ends_the_countdown(root, open_guide, clock):
    window = open_guide()
    window.start_pack()
    advance(root, clock, 100)
    click(root, find_button(window.top, strings.PACK_STOP))
    assert not window.timer.running and window._tick_id is None
    assert strings.PACK_DUE not in shown_texts(window.top)
    assert find_button(window.top, strings.PACK_START) is not None


def test_no_timer_runs_before_start_or_after_close(root, open_guide, clock):
    window = open_guide()
    pump(root, 0.2)
    assert window._tick_id is None
    window.start_pack()
    advance(root, clock, 3)
    window.close()
    assert root.tk.splitlist(root.tk.call("after", "info")) == (), "a timer outlived the window"


def test_the_countdown_really_ticks_with_the_real_clock(root, open_guide, monkeypatch):
    monkeypatch.setattr(SpasmGuideWindow, "MAX_TICK_MS", 1000)
    window = open_guide(clock=monotonic)
    window.start_pack()
    assert wait_until(root, lambda: window.countdown.cget("text") == "Take the pack off in 14:59", timeout=2.5)


@pytest.mark.parametrize("label, days, phase", [
    (strings.STARTED_TODAY, 0, COLD), (strings.STARTED_YESTERDAY, 1, COLD),
    (strings.STARTED_2_DAYS, 2, EITHER), (strings.STARTED_3_DAYS, 3, HEAT),
])
def test_when_it_started_says_cold_or_heat(root, open_guide, wall, label, days, phase):
    started = []
    window = open_guide(on_spasm_start=started.append)
    click(root, find_button(window.top, label))
    assert started == [NOW - timedelta(days=days)]
    assert window.phase == phase
    text = window.phase_label.cget("text")
    if phase == COLD:
        assert text == "Still the cold phase: a cold pack wrapped in a towel, 15 to 20 minutes at a time."
        assert find_button(window.top, strings.PACK_START) is not None
    elif phase == EITHER:
        assert text == "More than 48 hours have passed: you can switch to heat now, or once the swelling lessens."
        assert find_button(window.top, strings.PACK_START) is not None
    else:
        assert text == strings.PHASE_HEAT
        assert "No better after 72 hours of home care? Consult a healthcare provider." in shown_texts(window.top)
        assert find_button(window.top, strings.PACK_START) is None, "no cold pack once it is time for heat"
    chosen = find_button(window.top, label)
    assert chosen.cget("bg") == "#1E6F66", "the chosen day is marked"


def test_a_remembered_start_is_shown_and_moves_on_with_the_clock(root, open_guide, wall):
    window = open_guide(spasm_start=NOW - timedelta(hours=47, minutes=59))
    assert window.phase == COLD
    assert find_button(window.top, strings.STARTED_YESTERDAY).cget("bg") == "#1E6F66"
    wall.now += timedelta(minutes=1)
    window.choose_start(2)
    assert window.phase == EITHER


def test_keyboard_picks_the_day_and_starts_the_pack(root, open_guide, clock):
    window = open_guide()
    wid = wrapper_id(window.top)
    assert wait_until(root, lambda: root.focus_get() is window.day_buttons[0])
    press(root, wid, "Tab")
    assert wait_until(root, lambda: root.focus_get() is window.day_buttons[1])
    press(root, wid, "space")  # Tk presses a button for 0.1 s before it acts
    assert wait_until(root, lambda: window.phase == COLD)
    assert window.spasm_start == NOW - timedelta(days=1)
    for _ in range(3):
        press(root, wid, "Tab")
    assert wait_until(root, lambda: root.focus_get() is window.start_button)
    press(root, wid, "Return")
    assert wait_until(root, lambda: window.timer.running)


def test_red_flags_are_one_click_away(root, open_guide):
    window = open_guide()
    click(root, window.red_flags_button)
    assert wait_until(root, lambda: window.open_red_flags.card is not None
                      and window.open_red_flags.card.top.winfo_viewable())
    card = window.open_red_flags.card
    assert card.top.title().startswith("Upright")
    assert content.red_flags().flags[0].text in shown_texts(card.top)
    press(root, wrapper_id(card.top), "Escape")
    assert wait_until(root, lambda: not card.is_open)
    assert window.is_open


def test_page_down_scrolls_the_guide(root, open_guide):
    window = open_guide()
    assert window.scroller.scrolls
    last = window.sections["see_a_professional"]
    assert not fully_visible(last)
    press(root, wrapper_id(window.top), "End")
    assert wait_until(root, lambda: fully_visible(last))


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_nothing_is_clipped_with_the_timer_running(root, open_guide, clock, scale):
    window = open_guide(font_scale=scale)
    window.choose_start(1)
    window.start_pack()
    advance(root, clock, 4 * 60 + 18.5)
    assert window.countdown.cget("text") == "Take the pack off in 10:42"
    assert clipped(window.top) == []
    screenshot(f"spasm_guide_timer_{round(scale * 100)}", screen_rect(window.top))
    window.choose_start(3)
    advance(root, clock, 11 * 60)
    assert clipped(window.top) == []


def test_heat_screenshot(root, open_guide):
    window = open_guide()
    window.choose_start(3)
    pump(root, 0.1)
    assert clipped(window.top) == []
    screenshot("spasm_guide_heat_100", screen_rect(window.top))


def test_a_long_translation_grows_the_card_instead_of_clipping(root, open_guide, clock, monkeypatch):
    monkeypatch.setattr(strings, "PACK_DUE", "Time is up: take the cold pack off now, and give your skin a rest "
                                             "before the next one, whenever you are ready. " * 2)
    window = open_guide()
    window.start_pack()
    advance(root, clock, 15 * 60)
    assert wait_until(root, lambda: window.countdown.cget("text") == strings.PACK_DUE)
    pump(root, 0.1)
    assert clipped(window.top) == []


# --- the agent keeps the timer (agent.live.pack_watch) ------------------------------------

def test_from_48_hours_a_heat_timer_is_offered_and_it_only_counts(root, open_guide, clock):
    told = []
    window = open_guide(on_pack=lambda *what: told.append(what))
    window.choose_start(1)  # the cold phase: a cold pack only
    assert find_button(window.top, strings.HEAT_START) is None
    window.choose_start(2)  # 48 h: heat may replace cold, so both
    assert window.phase == EITHER
    assert find_button(window.top, strings.PACK_START) is not None
    assert clipped(window.top) == []
    screenshot("spasm_guide_either_100", screen_rect(window.top))
    click(root, find_button(window.top, strings.HEAT_START))
    assert told == [("start", HEAT)] and window.heat_running
    assert window.countdown.cget("text") == "Heat on for 0:00"
    assert strings.HEAT_NOTE in shown_texts(window.top)
    advance(root, clock, 12 * 60 + 34.5)
    assert wait_until(root, lambda: window.countdown.cget("text") == "Heat on for 12:34")
    assert clipped(window.top) == []
    screenshot("spasm_guide_heat_timer_100", screen_rect(window.top))
    click(root, find_button(window.top, strings.PACK_STOP))
    assert told[-1] == ("stop", HEAT) and not window.heat_running
    window.choose_start(3)  # 72 h: heat only
    assert find_button(window.top, strings.PACK_START) is None
    assert find_button(window.top, strings.HEAT_START) is not None


def test_a_pack_the_agent_keeps_is_shown_counting_and_the_agent_rings_not_the_window(root, open_guide, clock,
                                                                                    monkeypatch):
    told, rung = [], []
    monkeypatch.setattr("tkinter.Misc.bell", lambda self, *a, **k: rung.append(self))
    window = open_guide(pack={"pack_kind": COLD, "pack_s": 600.0}, on_pack=lambda *what: told.append(what))
    assert window.countdown.cget("text") == "Take the pack off in 10:00"
    advance(root, clock, 600)
    assert wait_until(root, lambda: window.countdown.cget("text") == strings.PACK_DUE)
    assert rung == [] and told == []
    window.start_pack()
    assert told == [("start", COLD)]


def test_alone_the_window_rings_when_the_pack_is_due(root, open_guide, clock, monkeypatch):
    rung = []
    monkeypatch.setattr("tkinter.Misc.bell", lambda self, *a, **k: rung.append(self))
    window = open_guide()
    window.start_pack()
    advance(root, clock, 15 * 60)
    assert wait_until(root, lambda: rung == [window.top])


def test_the_window_process_sends_the_timer_to_the_agent(root):
    """agent.ui.host: the guide's args carry the running pack in; Start and Stop go out as ``pack``."""
    from agent.ui import protocol
    from agent.ui.host import Host

    sent = []
    host = Host(root, sent.append)
    host.handle(protocol.decode(protocol.encode("open", id=7, kind="spasm_guide", args={
        "spasm_start": (NOW - timedelta(days=2)).isoformat(), "can_end": False, "pack_kind": HEAT, "pack_s": 65.0})))
    window = host.windows[7]
    assert window.heat_running and window.countdown.cget("text").startswith("Heat on for 1:0")
    window.stop_pack()
    window.start_pack()
    packs = [protocol.decode(line) for line in sent if b'"pack"' in line]
    assert [(m["action"], m["kind"]) for m in packs] == [("stop", HEAT), ("start", COLD)]
    window.close()


def test_a_notice_with_the_bell_rings_once_and_others_do_not(root, monkeypatch):
    from agent.ui.notice import Notice

    rung = []
    monkeypatch.setattr("tkinter.Misc.bell", lambda self, *a, **k: rung.append(self))
    quiet = Notice(root, "Break in 1 min", MONITOR, 5)
    loud = Notice(root, strings.PACK_DUE_NOTICE, MONITOR, 5, bell=True)
    assert rung == [loud.top]
    quiet.close()
    loud.close()
