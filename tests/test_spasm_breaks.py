"""Spasm-aware breaks: after the user tells the spasm guide their back went into
spasm, breaks offer only gentle movement for 72 hours, and the user can end that.

Pure: the chooser gets the time, the state and the library (issue 16; 001
"avoid twisted positions", "avoid lying on your stomach"; 000 "avoid heavy
lifting and strenuous activities temporarily").
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from agent.content.exercise_choice import (
    SPASM_GENTLE_HOURS,
    Rotation,
    choose,
    hide,
    in_spasm,
    spasm_over,
    spasm_started,
)
from agent.content.exercise_state import ExerciseStateStore, parse
from agent.content.exercises import load_library

LIBRARY = load_library()
BY_ID = {e.id: e for e in LIBRARY}
GENTLE = {"short_walk", "slow_breathing", "change_position"}
NOW = datetime(2025, 3, 4, 10, 0)
TODAY = NOW.date()


def breaks(state, now: datetime, count: int = 12, **options) -> set[str]:
    shown = set()
    for _ in range(count):
        picked, state = choose(LIBRARY, state, now.date(), now=now, **options)
        assert picked, "a break always offers something"
        shown |= {e.id for e in picked}
    return shown


def test_the_library_marks_exactly_the_gentle_movements():
    assert {e.id for e in LIBRARY if e.during_spasm} == GENTLE
    assert BY_ID["short_walk"].caution.startswith("If walking is too painful")  # 001


def test_for_72_hours_after_a_spasm_breaks_offer_only_gentle_movement():
    state = spasm_started({}, NOW)
    for hours in (0, 1, 24, 48, SPASM_GENTLE_HOURS - 0.1):
        shown = breaks(state, NOW + timedelta(hours=hours), allow_floor=True)
        assert shown <= GENTLE, f"{hours} h: {shown - GENTLE}"
        assert "seated_trunk_rotation" not in shown and "standing_back_extension" not in shown
    assert breaks(state, NOW + timedelta(hours=12)) == GENTLE, "every gentle one comes round"


def test_after_72_hours_or_when_the_user_ends_it_breaks_are_as_usual():
    state = spasm_started({}, NOW)
    later = NOW + timedelta(hours=SPASM_GENTLE_HOURS)
    assert not in_spasm(state, later)
    assert breaks(state, later) - GENTLE, "usual exercises again"
    ended = spasm_over(state)
    assert "spasm_start" not in ended and not in_spasm(ended, NOW)
    assert breaks(ended, NOW) - GENTLE


def test_without_a_time_or_a_recorded_spasm_the_choice_is_unchanged():
    state = spasm_started({}, NOW)
    picked, _ = choose(LIBRARY, state, TODAY)  # no `now`: callers that never heard of spasms
    plain, _ = choose(LIBRARY, {}, TODAY)
    assert [e.id for e in picked] == [e.id for e in plain]
    assert breaks({}, NOW) - GENTLE


def test_a_start_ahead_of_the_clock_counts_as_just_begun():
    assert in_spasm(spasm_started({}, NOW + timedelta(hours=5)), NOW)


def test_hidden_gentle_ones_stay_hidden_unless_every_one_is():
    state = hide(spasm_started({}, NOW), "slow_breathing")
    assert breaks(state, NOW) == GENTLE - {"slow_breathing"}
    for eid in GENTLE:
        state = hide(state, eid)
    assert breaks(state, NOW) <= GENTLE, "never the strenuous ones, even if every gentle one is hidden"


def test_the_rotation_records_and_ends_a_spasm_and_keeps_it_between_runs(tmp_path):
    clock = [NOW]
    rotation = Rotation(120, today=lambda: clock[0].date(), load=lambda: LIBRARY,
                        store=ExerciseStateStore(tmp_path), now=lambda: clock[0])
    assert not rotation.in_spasm
    rotation.spasm_started(NOW - timedelta(days=1))
    assert rotation.in_spasm and {e.id for e in rotation()} <= GENTLE
    saved = json.loads((tmp_path / "exercises.json").read_text())
    assert saved["spasm_start"] == "2025-03-03T10:00:00"
    again = Rotation(120, today=lambda: clock[0].date(), load=lambda: LIBRARY,
                     store=ExerciseStateStore(tmp_path), now=lambda: clock[0])
    assert again.in_spasm and again.spasm_start == NOW - timedelta(days=1)
    again.end_spasm()
    assert not again.in_spasm
    assert "spasm_start" not in json.loads((tmp_path / "exercises.json").read_text())


def test_a_bad_spasm_start_in_the_file_is_named_and_dropped():
    state, problems = parse(b'{"version": 1, "day": "", "spasm_start": 5}', "exercises.json")
    assert "spasm_start" not in state
    assert [(p.key, p.line) for p in problems] == [("spasm_start", 1)]


def test_the_guides_hand_the_start_the_spasm_guide_records_to_the_rotation(tmp_path):
    from agent.content.checklist_state import StateStore
    from agent.live.calendar_chores import CalendarChores
    from agent.live.guides import Guides

    rotation = Rotation(120, today=lambda: TODAY, load=lambda: LIBRARY, store=ExerciseStateStore(tmp_path),
                        now=lambda: NOW)
    guides = Guides(None, lambda root: (0, 0, 1280, 800), lambda text: None, store=StateStore(tmp_path),
                    chores=CalendarChores(), spasm=rotation)
    assert guides.spasm_start is None
    guides._remember_start(NOW - timedelta(hours=3))  # what SpasmGuideWindow calls on "Today"
    assert rotation.in_spasm and guides.spasm_start == NOW - timedelta(hours=3)


def test_opening_the_open_guide_again_brings_it_forward(tmp_path):
    """The gentle break's link opens the spasm guide; if it is open already (perhaps behind),
    it comes forward rather than doing nothing, and no twin opens."""
    from agent.content.checklist_state import StateStore
    from agent.live.calendar_chores import CalendarChores
    from agent.live.guides import Guides

    class OpenGuide:
        is_open, raised = True, 0

        def focus(self) -> None:
            self.raised += 1

    guides = Guides(None, lambda root: (0, 0, 1280, 800), lambda text: None, store=StateStore(tmp_path),
                    chores=CalendarChores())
    guides._open["spasm_guide"] = window = OpenGuide()
    guides.open("spasm_guide")  # would need a real Tk to make a new one
    assert window.raised == 1
