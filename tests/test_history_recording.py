"""The live agent records its days: the real App and recorder in fake time, real files.

The recorder writes into the small pending file until SQLite may load (in
the agent: once Tk has), then into the history file; midnight starts a new
row; the statistics feature off writes nothing and leaves the files alone.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from agent.history import reader
from agent.history.store import HistoryStore
from agent.live.history_recorder import HistoryRecorder
from agent.live.session_state import SessionStore
from agent.settings.live_settings import LiveSettings
from tests.test_app import MIN, Agent
from tests.test_history_store import a_day
from tests.test_layers import system_policy, user_settings


class Recording:
    """A recorder in ``folder`` whose permission to load SQLite the test flips."""

    def __init__(self, folder) -> None:
        self.folder, self.sqlite = folder, False
        self.recorder: HistoryRecorder | None = None

    def __call__(self, clock) -> HistoryRecorder:
        self.recorder = HistoryRecorder(self.folder, clock.wall, may_load_sqlite=lambda: self.sqlite)
        return self.recorder


def answer(agent, choice):
    [window] = agent.windows()
    window.kwargs["args"][2](choice)


def a_morning(agent):
    """30 min work, a break taken (2 min), a natural break, a prompt skipped, one postponed."""
    agent.work(30 * MIN + 5)
    answer(agent, "start")
    agent.clock.advance(2 * MIN)
    answer(agent, "done")
    agent.work(10 * MIN)
    agent.away(12 * MIN)  # a natural break
    agent.work(30 * MIN + 5)
    answer(agent, "skip")
    agent.work(30 * MIN + 5)
    answer(agent, "postpone")
    agent.work(3 * MIN)  # a wake-up writes it


def test_a_morning_goes_to_the_pending_file_then_into_the_history(tmp_path):
    recording = Recording(tmp_path)
    agent = Agent(history=recording)
    a_morning(agent)
    store = HistoryStore(tmp_path)
    assert not store.path.exists()  # SQLite not loaded yet: only the pending file
    pending = json.loads((tmp_path / "history-pending.json").read_text())
    [[row]] = pending["rows"].values()
    totals = agent.app.engine.totals_at(agent.app.engine.now)
    assert row["day"] == "2026-11-23"
    assert row["sitting_s"] == pytest.approx(totals.sitting_s, abs=130)  # written at the last wake-up
    assert (row["prompts"], row["taken"], row["skipped"], row["postponed"], row["natural_breaks"]) == (3, 1, 1, 1, 1)

    recording.sqlite = True  # a window has loaded Tk
    agent.work(3 * MIN)
    assert not (tmp_path / "history-pending.json").exists()
    [day] = store.days()
    totals = agent.app.engine.totals_at(agent.app.engine.now)
    assert day.sitting_s == pytest.approx(totals.sitting_s, abs=130)
    assert day.longest_bout_s == pytest.approx(totals.longest_bout_s, abs=130)
    assert day.longest_bout_s > 60 * MIN  # a skip does not end the bout
    assert day.natural_s == pytest.approx(12 * MIN, abs=2)  # from the last input to the return
    assert day.sitting_limit_s == 30 * MIN
    outcomes = [(b.outcome, round(b.length_s)) for b in store.breaks()]
    assert outcomes[0] == ("taken", 120)
    assert [o for o, _ in outcomes] == ["taken", "natural", "skipped", "postponed"]
    assert store.breaks()[0].at == "2026-11-23T09:30:05"


def test_a_break_ended_early_is_kept_apart_from_those_taken(tmp_path):
    recording = Recording(tmp_path)
    recording.sqlite = True
    agent = Agent(history=recording)
    agent.work(30 * MIN + 5)
    answer(agent, "start")
    agent.clock.advance(20)  # Done after 20 s of a 2-minute break
    answer(agent, "done")
    agent.work(3 * MIN)
    store = HistoryStore(tmp_path)
    [day] = store.days()
    assert (day.prompts, day.taken, day.ended_early) == (1, 0, 1)
    assert [(b.outcome, round(b.length_s)) for b in store.breaks()] == [("ended_early", 20)]


def test_stopping_writes_the_last_minutes_into_the_history(tmp_path):
    recording = Recording(tmp_path)
    agent = Agent(history=recording)
    agent.work(5 * MIN)
    agent.app.stop()  # quitting: SQLite may load now, whatever the windows did
    [day] = HistoryStore(tmp_path).days()
    assert day.sitting_s == pytest.approx(5 * MIN, abs=2)


def test_statistics_off_records_nothing_and_leaves_the_history_alone(tmp_path):
    recording = Recording(tmp_path)
    recording.sqlite = True
    agent = Agent(history=recording)
    agent.work(5 * MIN)
    agent.app.stop()
    before = (tmp_path / "history.sqlite3").read_bytes()
    recording2 = Recording(tmp_path)
    recording2.sqlite = True
    off = Agent(history=recording2, features__statistics=False)
    a_morning(off)
    off.app.stop()
    assert (tmp_path / "history.sqlite3").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite3"]


@pytest.mark.parametrize("enforced", [True, False])
def test_a_retention_the_organisation_enforces_is_kept_whatever_the_user_asks(tmp_path, enforced):
    if enforced:
        system_policy("[enforced.history]\nretention_days = 30\n")
    user_settings("[history]\nretention_days = 365\n")
    HistoryStore(tmp_path).write("older run", [a_day("2026-10-01"), a_day("2026-10-30")], [])
    recording = Recording(tmp_path)
    recording.sqlite = True
    agent = Agent(live=LiveSettings(), history=recording)  # today is 2026-11-23
    agent.work(5 * MIN)
    agent.app.stop()
    kept = [day.day for day in HistoryStore(tmp_path).days()]
    # 30 days, today included, start on 2026-10-25; the user's 365 would keep both older days
    assert kept == (["2026-10-30", "2026-11-23"] if enforced else ["2026-10-01", "2026-10-30", "2026-11-23"])


def test_midnight_starts_a_new_row_and_a_new_today(tmp_path):
    recording = Recording(tmp_path)
    recording.sqlite = True
    agent = Agent(history=recording)
    agent.clock.wall_at = agent.clock.wall_at.replace(hour=23, minute=40)
    agent.work(40 * MIN)  # 23:40 to 00:20, a break due at 00:10 left unanswered
    days = HistoryStore(tmp_path).days()
    assert [d.day for d in days] == ["2026-11-23", "2026-11-24"]
    assert days[0].sitting_s == pytest.approx(20 * MIN, abs=130)  # split at the first wake-up after midnight
    assert days[0].sitting_s + days[1].sitting_s == pytest.approx(40 * MIN, abs=5)
    assert agent.status()["today"]["sitting_s"] == pytest.approx(days[1].sitting_s, abs=5)


def test_a_killed_run_loses_only_the_minutes_since_its_last_write(tmp_path):
    first = Recording(tmp_path)
    agent = Agent(history=first)
    agent.work(20 * MIN)  # then kill -9: no stop(), only the pending file remains
    assert (tmp_path / "history-pending.json").exists()
    second = Recording(tmp_path)
    second.sqlite = True
    again = Agent(history=second)
    again.work(10 * MIN)
    [day] = HistoryStore(tmp_path).days()  # two sessions of one day add up
    assert day.sitting_s == pytest.approx(30 * MIN, abs=130)
    assert not (tmp_path / "history-pending.json").exists()


def test_an_unwritable_history_never_stops_the_agent(tmp_path, caplog):
    recording = Recording(tmp_path)
    recording.sqlite = True
    (tmp_path / "history.sqlite3").mkdir()  # cannot be opened as a file
    agent = Agent(history=recording)
    with caplog.at_level(logging.WARNING, logger="agent.history"):
        agent.work(31 * MIN)
    assert len(agent.windows()) == 1  # the break still came
    assert "history not written" in caplog.text and str(tmp_path / "history.sqlite3") in caplog.text
    assert json.loads((tmp_path / "history-pending.json").read_text())["rows"]  # kept for later


def test_forget_while_running_counts_afresh(tmp_path):
    recording = Recording(tmp_path)
    recording.sqlite = True
    agent = Agent(history=recording)
    agent.work(20 * MIN)
    HistoryStore(tmp_path).forget()
    recording.recorder.forget(agent.app.engine.now, agent.app.engine)
    agent.work(5 * MIN)
    [day] = HistoryStore(tmp_path).days()
    assert day.sitting_s == pytest.approx(5 * MIN, abs=130)
    assert day.longest_bout_s <= day.sitting_s


def test_the_times_are_local_wall_times_to_the_second(tmp_path):
    recording = Recording(tmp_path)
    recording.sqlite = True
    agent = Agent(history=recording)
    agent.work(10 * MIN)
    agent.away(20 * MIN)
    agent.work(3 * MIN)
    [natural] = HistoryStore(tmp_path).breaks()
    started = agent.clock.wall_at - timedelta(seconds=3 * MIN + 20 * MIN)
    assert natural.outcome == "natural"
    assert natural.at == started.isoformat(timespec="seconds") == "2026-11-23T09:10:00"
    assert natural.length_s == pytest.approx(20 * MIN, abs=1)  # to the first keystroke back


def test_this_week_opens_the_window_with_the_day_so_far(tmp_path):
    recording = Recording(tmp_path)  # SQLite not yet allowed: the day so far is only in the pending file
    agent = Agent(history=recording)
    opened = []
    agent.app.windows.week = lambda root, folder, today, geometry: opened.append(
        reader.report(folder, "week", today, read_only=True)) or object()
    agent.work(10 * MIN)
    agent.app.act("this_week")
    [report] = opened
    assert report.span == "week" and report.last.isoformat() == "2026-11-23"
    assert report.days[-1].sitting_s == pytest.approx(10 * MIN, abs=2)  # written just before, not 2 min ago
    # Into the pending file, which the window process reads too: the agent stays without SQLite.
    assert not HistoryStore(tmp_path).path.exists()


def test_this_week_with_statistics_off_says_so(tmp_path):
    agent = Agent(history=Recording(tmp_path), features__statistics=False)
    agent.app.windows.week = lambda *a: pytest.fail("no history window with statistics off")
    agent.app.act("this_week")
    assert [w.kwargs["args"][1] for w in agent.windows("notice")] == ["The history is turned off."]


def test_the_history_adds_no_wake_ups(tmp_path):
    """The same morning with and without the recorder: the same timers fire, no more."""
    plain, recorded = Agent(), Agent(history=Recording(tmp_path))
    for agent in (plain, recorded):
        a_morning(agent)
        agent.away(60 * MIN)
    assert recorded.root.fired == plain.root.fired
    assert recorded.root.timers == plain.root.timers == {}  # away: nothing polls, with a history or without


def test_this_week_with_an_unreadable_history_shows_an_empty_week(tmp_path, caplog):
    recording = Recording(tmp_path)
    agent = Agent(history=recording)
    (tmp_path / "history.sqlite3").mkdir()  # cannot be opened
    opened = []
    agent.app.windows.week = lambda root, folder, today, geometry: opened.append(
        reader.report(folder, "week", today, read_only=True)) or object()
    with caplog.at_level(logging.WARNING, logger="agent"):
        agent.app.act("this_week")
    assert opened[0].sentence == "No sitting recorded this week."
    assert "history not read" in caplog.text


def test_totals_taken_up_after_a_crash_are_not_counted_twice(tmp_path):
    """The history gives a restarted agent today's totals for "Today" (the session file holds
    none); the killed run's own rows hold them already, so the new run's rows count only what
    comes after."""
    first = Agent(history=Recording(tmp_path / "data"))
    first.work(20 * MIN)  # then killed: no quit, only what its wake-ups wrote
    again = Agent(history=Recording(tmp_path / "data"), session=SessionStore(tmp_path / "run"))
    assert again.app.engine.totals_at(again.app.engine.now).sitting_s >= 18 * MIN  # taken up
    again.work(5 * MIN)
    pending = json.loads((tmp_path / "data" / "history-pending.json").read_text())
    rows = [row for session in pending["rows"].values() for row in session]
    assert sum(row["sitting_s"] for row in rows) == pytest.approx(25 * MIN, abs=3 * MIN)
