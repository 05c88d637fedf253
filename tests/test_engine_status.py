"""The engine's queries, field by field: status() and totals_at() as the tray, `upright status` and
Today read them. Written against the mutation run (scripts/mutation.sh): each assertion pins a field
that a changed sign, bound or constant in the engine would otherwise leave unnoticed."""

from __future__ import annotations

from agent.core import Engine
from agent.settings.config import default_rules
from tests.desk import Desk

MIN = 60.0


def test_a_pause_shows_its_end_until_that_very_moment():
    desk = Desk()
    desk.tick(minutes=5)
    desk.engine.pause(desk.t, desk.t + 10 * MIN)
    end = desk.t + 10 * MIN
    assert desk.engine.status(desk.t).paused_until == end
    assert desk.engine.status(desk.t).state == "paused"
    just_before = desk.engine.status(end - 0.001)
    assert just_before.state == "paused" and just_before.paused_until == end
    at_end = desk.engine.status(end)
    assert at_end.state != "paused" and at_end.paused_until is None  # the pause is over at its end
    desk.engine.resume(desk.t)
    assert desk.engine.status(desk.t).paused_until is None and desk.engine.status(desk.t).state == "working"


def test_standing_time_counts_the_stretch_in_progress_and_stops_when_sitting():
    desk = Desk()
    desk.tick(minutes=3)
    desk.do("standing")
    assert desk.status.standing and desk.status.standing_s == 0
    desk.tick(minutes=7)
    assert desk.status.standing_s == 7 * MIN
    assert desk.engine.totals_at(desk.t).standing_s == 7 * MIN
    assert desk.status.sitting_s == 3 * MIN  # standing is not sitting
    desk.do("sitting")
    desk.tick(minutes=2)
    assert not desk.status.standing
    assert desk.status.standing_s == 7 * MIN  # the stretch's standing so far: it does not grow while sitting
    totals = desk.engine.totals_at(desk.t)
    assert totals.standing_s == 7 * MIN and totals.sitting_s == 5 * MIN


def test_totals_count_the_bout_in_progress_without_keeping_it():
    desk = Desk()
    desk.tick(minutes=12)
    first = desk.engine.totals_at(desk.t)
    assert (first.sitting_s, first.longest_bout_s, first.standing_s) == (12 * MIN, 12 * MIN, 0)
    assert desk.engine.totals.sitting_s == 0  # a snapshot: the engine's own totals are untouched
    desk.tick(active=False, minutes=6)  # a natural break ends the bout; its quiet time is taken back
    desk.tick(minutes=4)
    later = desk.engine.totals_at(desk.t)
    assert later.sitting_s == 16 * MIN - 1 and later.longest_bout_s == 12 * MIN  # back at the first input
    assert later.natural_breaks == 1


def test_status_of_a_fresh_engine_and_its_next_break():
    engine = Engine(default_rules())
    assert engine.status(0.0).standing_s == 0.0  # before any input: nobody has stood yet
    engine.input(0.0)
    status = engine.status(0.0)
    assert (status.state, status.sitting_s, status.standing, status.paused_until, status.standing_s) == (
        "working", 0.0, False, None, 0.0)
    assert status.next_break_in_s == 30 * MIN
    desk = Desk()
    desk.tick(minutes=10)
    assert desk.status.next_break_in_s == 20 * MIN and desk.status.sitting_s == 10 * MIN


# --- what the engine says when it ignores an event, and its counters ---------------


def test_ignored_events_say_which_and_why():
    desk = Desk()
    desk.tick(minutes=1)
    assert [d.as_dict() for d in desk.do("skip")] == [
        {"t": 60.0, "type": "ignored", "event": "skip", "reason": "no prompt to skip"}]
    assert [d.as_dict() for d in desk.do("break_end")] == [
        {"t": 60.0, "type": "ignored", "event": "break_end", "reason": "no break to end"}]
    desk.do("break_start")
    assert desk.status.state == "on_break"
    assert [d.as_dict() for d in desk.do("break_start")] == [
        {"t": 60.0, "type": "ignored", "event": "break_start", "reason": "already on a break"}]
    desk.do("break_end")
    assert desk.status.state == "working"
    assert [d.type for d in desk.do("break_end")] == ["ignored"]  # the break is over: nothing to end again


def test_counters_add_up_over_a_day():
    desk = Desk()
    for _ in range(2):
        desk.tick(minutes=30)
        assert desk.status.state == "break_due"
        desk.do("skip")
    assert desk.engine.totals_at(desk.t).skipped == 2 and desk.engine.totals_at(desk.t).prompts == 2


def test_a_decision_reads_as_its_time_type_and_fields():
    desk = Desk()
    [due] = desk.tick(minutes=30)
    assert due.as_dict() == {"t": 30 * MIN, "type": "break_due", "sitting_s": 30 * MIN, "can_postpone": True,
                             "bout_start": 0.0}


def test_what_fell_due_before_a_pause_or_a_resume_is_returned_by_it():
    desk = Desk()
    desk.tick(minutes=29, seconds=59)
    [due] = desk.engine.pause(30 * MIN + 5, 40 * MIN)  # the limit passed before the pause came in
    assert (due.type, due.t) == ("break_due", 30 * MIN)
    desk = Desk()
    desk.engine.pause(0.0, 100 * MIN)
    desk.tick(minutes=29, seconds=59)
    [held] = desk.engine.resume(30 * MIN + 5)  # the prompt the pause held comes as it ends
    assert (held.type, held.t) == ("break_due", 30 * MIN + 5)


def test_a_locked_screen_alone_reads_as_away_and_a_sleeping_machine_too():
    desk = Desk()
    desk.tick(minutes=1)
    desk.do("lock")
    assert desk.status.state == "away"
    desk.do("unlock")
    desk.tick(seconds=1)
    assert desk.status.state == "working"
    desk.do("sleep")
    assert desk.status.state == "away"
    desk.do("wake")
    desk.tick(seconds=1)
    assert desk.status.state == "working"


def test_an_overdue_prompt_has_no_time_left_not_a_negative_one():
    desk = Desk()
    desk.tick(minutes=31)
    assert desk.status.state == "break_due" and desk.status.next_break_in_s == 0.0


def test_a_new_day_hands_over_the_longest_bout_so_far():
    desk = Desk()
    desk.tick(minutes=12)
    finished = desk.engine.new_day(desk.t)
    assert finished.longest_bout_s == 12 * MIN and finished.sitting_s == 12 * MIN
    assert desk.engine.totals.sitting_s == 0


def test_standing_through_a_stand_prompt_is_a_break_each_time():
    desk = Desk(mode="sit-stand-move", pattern_sit_s=20 * MIN)
    for n in (1, 2):
        desk.tick(minutes=20)
        assert desk.status.state == "break_due"
        desk.do("standing")
        assert desk.engine.totals_at(desk.t).breaks_taken == n
        desk.tick(minutes=1)
        desk.do("sitting")


def test_sitting_after_a_long_stand_starts_a_new_bout_there():
    desk = Desk()
    desk.tick(minutes=10)
    desk.do("standing")
    desk.tick(minutes=6)  # longer than the 5-minute natural break
    desk.do("sitting")
    [due] = desk.tick(minutes=30)
    assert due.fields["bout_start"] == 16 * MIN and due.fields["sitting_s"] == 30 * MIN


def test_the_sit_down_notice_on_a_move_break_says_how_long_the_break_was():
    desk = Desk(mode="sit-stand-move", pattern_sit_s=20 * MIN, pattern_move_s=2 * MIN)
    desk.tick(minutes=20)
    desk.do("break_start")
    new = desk.tick(active=False, minutes=3)
    [sit] = [d for d in new if d.type == "sit_due"]
    assert sit.as_dict() == {"t": 22 * MIN, "type": "sit_due", "break_s": 2 * MIN}


def test_new_rules_mid_day_switch_the_rhythm_and_move_the_standing_limit():
    desk = Desk()
    desk.tick(minutes=10)
    desk.engine.set_rules(desk.t, default_rules(mode="sit-stand-move", pattern_sit_s=15 * MIN))
    [due] = desk.tick(minutes=5)
    assert due.type == "stand_due"  # the Cornell rhythm now: stand, not a break
    desk = Desk()
    desk.do("standing")
    desk.tick(minutes=20)
    desk.engine.set_rules(desk.t, default_rules(standing_limit_s=30 * MIN))
    assert [d.type for d in desk.tick(minutes=9, seconds=59)] == []
    [due] = desk.tick(seconds=1)
    assert (due.type, due.t) == ("position_change_due", 30 * MIN)


def test_sitting_again_reads_as_not_standing_in_the_status():
    desk = Desk()
    desk.do("standing")
    desk.tick(minutes=1)
    desk.do("sitting")
    assert desk.status.standing is False  # `upright status --json` says false, not null


def test_standing_adds_up_over_several_stretches():
    desk = Desk()
    desk.do("standing")
    desk.tick(minutes=4)
    desk.do("sitting")
    desk.tick(minutes=1)
    desk.do("standing")
    desk.tick(minutes=3)
    assert desk.engine.totals_at(desk.t).standing_s == 7 * MIN


def test_postpones_beyond_the_limit_are_ignored_and_said_so():
    desk = Desk(max_postpones=1, postpone_s=5 * MIN)
    desk.tick(minutes=30)
    assert desk.do("postpone") == []
    desk.tick(minutes=5)
    assert desk.status.state == "break_due"
    assert [d.as_dict() for d in desk.do("postpone")] == [
        {"t": 35 * MIN, "type": "ignored", "event": "postpone", "reason": "postpone limit reached"}]


def test_nobody_seen_yet_means_no_deadline():
    assert Engine(default_rules()).next_deadline() is None


def test_what_fell_due_before_new_rules_came_in_is_returned_by_set_rules():
    desk = Desk()
    desk.tick(minutes=29, seconds=59)
    [due] = desk.engine.set_rules(30 * MIN + 5, default_rules())
    assert (due.type, due.t) == ("break_due", 30 * MIN)


def test_input_itself_reports_the_prompt_that_fell_due():
    """The input fast path must not swallow a crossing: the input at the limit returns the prompt."""
    engine = Engine(default_rules())
    for second in range(0, 30 * 60):
        assert engine.input(float(second)) in ((), [])
    [due] = engine.input(30 * MIN)
    assert (due.type, due.t) == ("break_due", 30 * MIN)


def test_the_postpone_streak_starts_again_after_a_break():
    desk = Desk(max_postpones=2, postpone_s=1 * MIN)
    desk.tick(minutes=30)
    desk.do("postpone")
    desk.tick(minutes=1)
    desk.do("break_start")
    desk.tick(active=False, minutes=2)
    desk.do("break_end")
    for _ in range(2):  # both postpones are offered again
        desk.tick(minutes=30 if desk.status.state != "break_due" else 0)
        assert desk.status.state == "break_due"
        assert desk.do("postpone") == []
        desk.tick(minutes=1)
