"""Every rule of the sitting/break engine, in fake time, edges at exact thresholds."""

import pytest

from agent.core import Engine
from agent.settings.config import default_rules
from tests.desk import Desk

MIN = 60.0


# --- sitting limit -----------------------------------------------------------


def test_break_is_due_after_exactly_thirty_minutes_of_sitting():
    desk = Desk()
    assert desk.tick(minutes=29, seconds=59) == []
    [due] = desk.tick(seconds=1)
    assert (due.type, due.t, due.fields["sitting_s"]) == ("break_due", 30 * MIN, 30 * MIN)
    assert due.fields["can_postpone"] is True


def test_the_due_decision_comes_on_time_without_any_event():
    desk = Desk()
    desk.tick(minutes=29, seconds=30)
    assert desk.engine.next_deadline() == 30 * MIN
    [due] = desk.engine.advance(30 * MIN)  # quiet for 30 s: still at the desk
    assert (due.type, due.t) == ("break_due", 30 * MIN)


def test_sitting_limit_is_configurable_in_fractions_of_a_minute():
    desk = Desk(sitting_limit_s=15)
    desk.tick(seconds=15)
    assert desk.types() == ["break_due"]


# --- short idle and natural breaks -------------------------------------------


def test_short_idle_counts_as_sitting():
    desk = Desk()
    desk.tick(minutes=20)
    desk.tick(active=False, minutes=4, seconds=58)
    desk.tick(seconds=1)  # back after 4:59 quiet, before it became a natural break
    desk.tick(minutes=6)
    assert desk.of("break_due")[0].t == 30 * MIN
    assert desk.of("natural_break") == []


def test_idle_of_exactly_the_threshold_is_a_natural_break_that_resets_the_clock():
    desk = Desk()
    desk.tick(minutes=20)  # last input at 20:00
    desk.tick(active=False, minutes=5)
    assert desk.status.state == "away"
    assert desk.status.sitting_s == 0
    desk.tick(minutes=30)
    [nb] = desk.of("natural_break")
    assert (nb.fields["start"], nb.fields["end"]) == (20 * MIN, 25 * MIN + 1)
    assert desk.of("break_due") == []  # the new bout started at the first input back
    desk.tick(seconds=1)
    assert desk.of("break_due")[0].t == 55 * MIN + 1


def test_a_tie_between_the_sitting_limit_and_a_natural_break_goes_to_the_natural_break():
    """Quiet from 25 min: at 30 min the sitting limit and the 5-minute natural break fall at the same
    instant. The person has been away five minutes, so it is a natural break, not a prompt.
    (The idle grace is as long as the natural break, so a prompt that won the tie would show.)"""
    desk = Desk(prompt_idle_grace_s=5 * MIN)
    desk.tick(minutes=25)
    assert desk.engine.next_deadline() == 30 * MIN  # both crossings at once
    assert desk.engine.advance(30 * MIN) == []  # one call reaches both: no prompt
    assert desk.engine.status(30 * MIN).state == "away" and desk.engine.status(30 * MIN).sitting_s == 0
    desk.t = 30 * MIN
    desk.tick(minutes=10, active=False)
    desk.tick(seconds=1)
    assert desk.types() == ["natural_break"]  # said on the return; never a prompt


def test_a_tie_seen_through_input_also_goes_to_the_natural_break():
    """The same tie, found by the input fast path rather than by advance()."""
    desk = Desk(prompt_idle_grace_s=5 * MIN)
    desk.tick(minutes=25)
    desk.t = 30 * MIN
    new = desk.engine.input(30 * MIN)
    assert "break_due" not in [d.type for d in new] and "natural_break" in [d.type for d in new], new
    assert desk.engine.status(30 * MIN).sitting_s == 0


def test_quiet_time_is_taken_back_when_it_becomes_a_natural_break():
    desk = Desk()
    desk.tick(minutes=10)
    desk.tick(active=False, minutes=8)
    desk.tick(minutes=2)
    desk.finish()
    assert desk.engine.totals.sitting_s == 10 * MIN + 2 * MIN - 1
    assert desk.engine.totals.natural_breaks == 1


@pytest.mark.parametrize("away", ["lock", "sleep"])
def test_lock_or_sleep_of_five_minutes_is_a_natural_break(away):
    desk = Desk()
    desk.tick(minutes=20)
    desk.do(away)
    desk.tick(active=False, minutes=5)
    desk.do("unlock" if away == "lock" else "wake")
    desk.tick(seconds=1)
    assert len(desk.of("natural_break")) == 1
    assert desk.status.sitting_s <= 1


def test_input_while_locked_is_not_presence():
    desk = Desk()
    desk.tick(minutes=20)
    desk.do("lock")
    desk.tick(active=True, minutes=10)  # e.g. a cat on the keyboard
    assert desk.status.state == "away"
    desk.do("unlock")
    assert len(desk.of("natural_break")) == 1


def test_short_lock_counts_as_sitting_like_any_short_away():
    desk = Desk()
    desk.tick(minutes=20)
    desk.do("lock")
    desk.tick(active=False, minutes=3)
    desk.do("unlock")
    desk.tick(minutes=7)
    assert desk.of("break_due")[0].t == 30 * MIN
    assert desk.of("natural_break") == []


def test_wake_alone_is_not_a_sign_of_the_user():
    desk = Desk()
    desk.tick(minutes=10)
    desk.do("sleep")
    desk.tick(active=False, minutes=2)
    desk.do("wake")
    desk.tick(active=False, minutes=3)
    assert desk.status.state == "away"


# --- no prompt to an empty chair ---------------------------------------------


def test_prompt_waits_for_the_next_input_when_the_chair_is_empty():
    desk = Desk()
    desk.tick(minutes=28, seconds=58)  # last input at 28:58
    desk.tick(active=False, minutes=1, seconds=3)  # due at 30:00 with 62 s idle
    assert desk.of("break_due") == []
    assert desk.status.state == "break_due"
    desk.tick(seconds=1)
    [due] = desk.of("break_due")
    assert due.t == 30 * MIN + 2


def test_prompt_shows_when_idle_is_exactly_the_grace():
    desk = Desk()
    desk.tick(minutes=29)  # last input at 29:00, due at 30:00 after exactly 60 s idle
    desk.tick(active=False, minutes=1)
    [due] = desk.of("break_due")
    assert due.t == 30 * MIN


def test_waiting_prompt_is_dropped_when_the_idle_becomes_a_natural_break():
    desk = Desk()
    desk.tick(minutes=28)
    desk.tick(active=False, minutes=6)
    desk.tick(minutes=1)
    assert desk.types() == ["natural_break"]


def test_no_prompt_to_a_locked_screen_even_right_after_input():
    desk = Desk()
    desk.tick(minutes=29, seconds=50)
    desk.do("lock")
    desk.tick(active=False, seconds=30)
    assert desk.of("break_due") == []
    desk.do("unlock")
    assert [d.t for d in desk.of("break_due")] == [30 * MIN + 20]


# --- one prompt at a time ----------------------------------------------------


def test_only_one_prompt_while_it_is_unanswered():
    desk = Desk()
    desk.tick(minutes=180)
    assert len(desk.of("break_due")) == 1
    assert desk.status.state == "break_due"


def test_a_natural_break_clears_the_unanswered_prompt():
    desk = Desk()
    desk.tick(minutes=40)
    desk.tick(active=False, minutes=5)
    desk.tick(minutes=30, seconds=1)  # back at 45:01
    assert desk.types() == ["break_due", "natural_break", "break_due"]
    second = desk.of("break_due")[1]
    assert (second.t, second.fields["sitting_s"], second.fields["bout_start"]) == (75 * MIN + 1, 30 * MIN, 45 * MIN + 1)


# --- prompted break ----------------------------------------------------------


def test_sitting_clock_restarts_at_break_end():
    desk = Desk()
    desk.tick(minutes=30)
    desk.do("break_start")
    desk.tick(active=False, minutes=2)
    desk.do("break_end")
    assert desk.status.sitting_s == 0
    desk.tick(minutes=30)
    assert [d.t for d in desk.of("break_due")] == [30 * MIN, 62 * MIN]
    assert desk.engine.totals.breaks_taken == 1


def test_a_break_ended_before_most_of_it_passed_is_counted_apart():
    desk = Desk()  # breaks of 2 min: taken once 1:30 has passed
    desk.tick(minutes=30)
    desk.do("break_start")
    desk.tick(active=False, seconds=80)
    desk.do("break_end")
    assert desk.engine.totals.breaks_taken == 0 and desk.engine.totals.ended_early == 1
    desk.tick(minutes=30)
    desk.do("break_start")
    desk.tick(active=False, seconds=90)
    desk.do("break_end")
    assert desk.engine.totals.breaks_taken == 1 and desk.engine.totals.ended_early == 1
    desk.tick(minutes=30)
    desk.do("break_start")
    desk.tick(active=False, seconds=10)
    desk.do("break_end")  # a second early end is counted on top of the first
    assert desk.engine.totals.breaks_taken == 1 and desk.engine.totals.ended_early == 2


def test_postpones_in_a_row_are_known_until_the_prompt_is_answered():
    desk = Desk()
    desk.tick(minutes=30)
    assert desk.engine.postpones == 0
    desk.do("postpone")
    assert desk.engine.postpones == 1
    desk.tick(minutes=5)
    desk.do("break_start")
    assert desk.engine.postpones == 0


def test_time_on_a_break_is_not_sitting_nor_a_natural_break():
    desk = Desk()
    desk.tick(minutes=30)
    desk.do("break_start")
    desk.tick(active=False, minutes=10)
    desk.do("break_end")
    desk.finish()
    assert desk.engine.totals.sitting_s == 30 * MIN
    assert desk.engine.totals.natural_breaks == 0


def test_user_may_take_a_break_before_it_is_due():
    desk = Desk()
    desk.tick(minutes=10)
    desk.do("break_start")
    desk.do("break_end")
    desk.tick(minutes=30)
    assert [d.t for d in desk.of("break_due")] == [40 * MIN]


def test_break_end_without_a_break_is_ignored_and_said_so():
    desk = Desk()
    desk.tick(minutes=1)
    [ignored] = desk.do("break_end")
    assert ignored.type == "ignored" and ignored.fields["event"] == "break_end"


# --- postpone and skip -------------------------------------------------------


def test_postpone_asks_again_after_five_more_minutes_of_sitting():
    desk = Desk()
    desk.tick(minutes=31)  # answered a minute late
    desk.do("postpone")
    desk.tick(minutes=4, seconds=59)
    assert len(desk.of("break_due")) == 1
    desk.tick(seconds=1)
    assert [d.t for d in desk.of("break_due")] == [30 * MIN, 36 * MIN]
    assert desk.engine.totals.postponed == 1


def test_postpone_is_not_offered_after_three_in_a_row():
    desk = Desk()
    desk.tick(minutes=30)
    for _ in range(3):
        assert desk.of("break_due")[-1].fields["can_postpone"] is True
        desk.do("postpone")
        desk.tick(minutes=5)
    last = desk.of("break_due")[-1]
    assert last.fields["can_postpone"] is False
    [ignored] = desk.do("postpone")
    assert ignored.fields["reason"] == "postpone limit reached"
    assert desk.engine.totals.postponed == 3


def test_taking_a_break_resets_the_postpone_streak():
    desk = Desk()
    desk.tick(minutes=30)
    for _ in range(3):
        desk.do("postpone")
        desk.tick(minutes=5)
    desk.do("break_start")
    desk.do("break_end")
    desk.tick(minutes=30)
    assert desk.of("break_due")[-1].fields["can_postpone"] is True


def test_max_postpones_zero_never_offers_postpone():
    desk = Desk(max_postpones=0)
    desk.tick(minutes=30)
    assert desk.of("break_due")[0].fields["can_postpone"] is False


def test_skip_pushes_the_next_prompt_a_full_sitting_limit():
    desk = Desk()
    desk.tick(minutes=30)
    desk.do("skip")
    desk.tick(minutes=29, seconds=59)
    assert len(desk.of("break_due")) == 1
    desk.tick(seconds=1)
    assert [d.t for d in desk.of("break_due")] == [30 * MIN, 60 * MIN]
    assert desk.engine.totals.skipped == 1


def test_postpone_without_a_prompt_is_ignored():
    desk = Desk()
    desk.tick(minutes=3)
    [ignored] = desk.do("postpone")
    assert ignored.fields == {"event": "postpone", "reason": "no prompt to postpone"}
    desk.tick(minutes=27)
    assert [d.t for d in desk.of("break_due")] == [30 * MIN]


# --- sit-stand desks ---------------------------------------------------------


def test_standing_time_is_not_sitting_time():
    desk = Desk()
    desk.tick(minutes=20)
    desk.do("standing")
    desk.tick(minutes=4)
    desk.do("sitting")
    assert desk.status.sitting_s == 20 * MIN
    desk.tick(minutes=10)
    assert [d.t for d in desk.of("break_due")] == [34 * MIN]
    desk.finish()
    assert desk.engine.totals.standing_s == 4 * MIN


def test_standing_is_summed_across_events_that_close_a_stretch():
    """Any event closes the run so far (here a postpone with nothing to postpone, which is ignored):
    the standing before and after it add up, for the day and for the 45-minute position change."""
    desk = Desk()
    desk.tick(seconds=1)
    desk.do("standing")
    desk.tick(minutes=20)
    desk.do("postpone")
    desk.tick(minutes=20)
    desk.do("postpone")
    desk.tick(minutes=6)
    assert [d.t for d in desk.of("position_change_due")] == [45 * MIN + 1]
    desk.do("sitting")
    desk.finish()
    assert desk.engine.totals.standing_s == 46 * MIN


def test_standing_as_long_as_a_natural_break_restarts_the_sitting_clock():
    desk = Desk()
    desk.tick(minutes=25)
    desk.do("standing")
    desk.tick(minutes=5)
    desk.do("sitting")
    assert desk.status.sitting_s == 0
    desk.tick(minutes=30)
    assert [d.t for d in desk.of("break_due")] == [60 * MIN]


def test_position_change_is_due_after_45_minutes_standing_and_again_45_later():
    desk = Desk()
    desk.tick(seconds=1)
    desk.do("standing")
    desk.tick(minutes=44, seconds=59)
    assert desk.of("position_change_due") == []
    desk.tick(seconds=1)
    desk.tick(minutes=45)
    changes = desk.of("position_change_due")
    assert [(d.t, d.fields["standing_s"]) for d in changes] == [(45 * MIN + 1, 45 * MIN), (90 * MIN + 1, 90 * MIN)]
    assert desk.of("break_due") == []


def test_position_change_waits_for_the_user_too():
    desk = Desk(standing_limit_s=10 * MIN)
    desk.do("standing")
    desk.tick(minutes=8)
    desk.tick(active=False, minutes=4)
    assert desk.of("position_change_due") == []
    desk.tick(seconds=1)
    assert [d.t for d in desk.of("position_change_due")] == [12 * MIN + 1]


# --- sit-stand-move pattern --------------------------------------------------


def test_sit_stand_move_prompts_stand_then_move_then_sit():
    desk = Desk(mode="sit-stand-move")
    desk.tick(minutes=20)
    assert desk.types() == ["stand_due"]
    desk.do("standing")
    desk.tick(minutes=8)
    assert desk.types() == ["stand_due", "move_due"]
    desk.do("break_start")
    desk.tick(active=False, minutes=2)
    assert desk.types() == ["stand_due", "move_due", "sit_due"]
    desk.do("break_end")
    desk.do("sitting")
    desk.tick(minutes=20)
    assert desk.types()[-1] == "stand_due" and desk.of("stand_due")[-1].t == 50 * MIN
    assert desk.engine.totals.breaks_taken == 2  # stood when asked, moved when asked


def test_default_mode_has_no_pattern_prompts():
    desk = Desk()
    desk.do("standing")
    desk.tick(minutes=20)
    assert desk.types() == []


# --- pause -------------------------------------------------------------------


def test_pause_holds_prompts_until_it_ends():
    desk = Desk()
    desk.tick(seconds=1)
    desk.engine.pause(desk.t, until=desk.t + 60 * MIN)
    desk.tick(minutes=45)
    assert desk.of("break_due") == []
    assert desk.status.state == "paused"
    desk.tick(minutes=15)
    assert [d.t for d in desk.of("break_due")] == [60 * MIN + 1]


def test_resume_ends_a_pause_early():
    desk = Desk()
    desk.tick(seconds=1)
    desk.engine.pause(desk.t, until=desk.t + 60 * MIN)
    desk.tick(minutes=40)
    desk.decisions += desk.engine.resume(desk.t)
    assert [d.t for d in desk.of("break_due")] == [40 * MIN + 1]


# --- status, totals, deadlines -----------------------------------------------


def test_status_reports_what_the_tray_needs():
    assert Engine(default_rules()).status(0.0).state == "away"  # nobody seen yet
    desk = Desk()
    desk.tick(minutes=18)
    status = desk.status
    assert (status.state, status.sitting_s, status.next_break_in_s, status.standing) == ("working", 1080, 720, False)
    desk.do("standing")
    assert desk.status.standing is True
    desk.do("break_start")
    assert desk.status.state == "on_break" and desk.status.next_break_in_s is None


def test_daily_totals_add_up():
    desk = Desk()
    desk.tick(minutes=40)  # bout 1: 40 min minus the first second
    desk.do("postpone")
    desk.tick(minutes=5)
    desk.do("break_start")
    desk.tick(active=False, minutes=2)
    desk.do("break_end")
    desk.tick(minutes=10)
    desk.do("standing")
    desk.tick(minutes=3)
    desk.do("sitting")
    desk.tick(minutes=1)
    desk.tick(active=False, minutes=10)
    desk.finish()
    totals = desk.engine.totals.as_dict()
    assert totals == {
        "sitting_s": 45 * MIN + 11 * MIN,
        "longest_bout_s": 45 * MIN,
        "standing_s": 3 * MIN,
        "prompts": 2,
        "breaks_taken": 1,
        "postponed": 1,
        "skipped": 0,
        "natural_breaks": 1,
        "ended_early": 0,
    }


def test_new_day_hands_over_the_totals_and_keeps_the_bout():
    desk = Desk()
    desk.tick(minutes=20)
    day = desk.engine.new_day(desk.t)
    assert day.sitting_s == 20 * MIN
    desk.tick(minutes=10)
    assert [d.t for d in desk.of("break_due")] == [30 * MIN]
    assert desk.engine.totals.prompts == 1


def test_time_going_backwards_is_refused():
    engine = Engine(default_rules())
    engine.input(100.0)
    with pytest.raises(ValueError, match="backwards"):
        engine.feed(50.0, "input")
    with pytest.raises(ValueError, match="backwards"):
        engine.input(50.0)


def test_unknown_event_is_refused():
    with pytest.raises(ValueError, match="unknown event"):
        Engine(default_rules()).feed(0.0, "dance")


# --- changing the rules while running (settings or policy reloaded) ---------


def test_a_longer_limit_set_mid_bout_counts_the_sitting_already_done():
    desk = Desk()
    desk.tick(minutes=20)
    assert desk.engine.set_rules(desk.t, default_rules(sitting_limit_s=45 * MIN)) == []
    assert desk.status.next_break_in_s == 25 * MIN
    desk.tick(minutes=25)
    assert [d.t for d in desk.of("break_due")] == [45 * MIN]


def test_a_limit_lowered_below_the_sitting_done_makes_the_prompt_due_at_once():
    desk = Desk()
    desk.tick(minutes=20)
    [due] = desk.engine.set_rules(desk.t, default_rules(sitting_limit_s=15 * MIN))
    assert (due.type, due.t) == ("break_due", 20 * MIN)


def test_a_postponed_prompt_keeps_its_allowance_under_new_rules():
    desk = Desk()
    desk.tick(minutes=30)
    desk.do("postpone")  # asks again after 5 more minutes of sitting
    desk.engine.set_rules(desk.t, default_rules(sitting_limit_s=40 * MIN))
    desk.tick(minutes=15)
    assert [d.t for d in desk.of("break_due")] == [30 * MIN, 45 * MIN]


def test_a_new_natural_break_threshold_applies_to_the_current_quiet_spell():
    desk = Desk()
    desk.tick(minutes=10)
    desk.engine.set_rules(desk.t, default_rules(natural_break_s=2 * MIN))
    desk.tick(active=False, minutes=2)
    assert desk.status.state == "away"


def test_setting_the_same_rules_changes_nothing():
    plain, reset = Desk(), Desk()
    for desk in (plain, reset):
        desk.tick(minutes=12)
    reset.engine.set_rules(reset.t, default_rules())
    for desk in (plain, reset):
        desk.tick(active=False, minutes=3)
        desk.tick(minutes=40)
        desk.do("postpone")
        desk.tick(minutes=10)
    assert plain.decisions == reset.decisions
