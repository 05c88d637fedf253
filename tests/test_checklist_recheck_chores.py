"""The daily wall-clock chores and the monthly re-check reminder, in fake calendar time.

``schedule`` reads ``datetime.datetime.now()`` itself; the tests hand it a
fake ``datetime`` module whose clock they move, and nothing waits.
"""

from __future__ import annotations

import datetime as real_datetime
import types
from datetime import date

import pytest
import schedule

from agent.content.checklist_state import ChecklistState, StateStore
from agent.live.calendar_chores import RECHECK_AT, CalendarChores, RecheckReminder, schedule_recheck


class FakeCalendar:
    """A wall clock that moves only when told, installed into ``schedule``."""

    def __init__(self, start: real_datetime.datetime) -> None:
        self.now = start
        calendar = self

        class FakeDatetime(real_datetime.datetime):
            @classmethod
            def now(cls, tz=None):
                return calendar.now if tz is None else calendar.now.replace(tzinfo=tz)

        self.module = types.SimpleNamespace(**{name: getattr(real_datetime, name) for name in dir(real_datetime)
                                               if not name.startswith("__")})
        self.module.datetime = FakeDatetime

    def set(self, *args) -> None:
        self.now = real_datetime.datetime(*args)

    def today(self) -> date:
        return self.now.date()


@pytest.fixture
def calendar(monkeypatch) -> FakeCalendar:
    fake = FakeCalendar(real_datetime.datetime(2025, 3, 2, 9, 0))
    monkeypatch.setattr(schedule, "datetime", fake.module)
    return fake


def test_a_daily_chore_runs_once_a_day_at_its_time(calendar):
    chores, runs = CalendarChores(), []
    chores.daily("10:00", lambda: runs.append(calendar.now))
    assert chores.seconds_until_next() == 3600
    chores.run_pending()
    assert runs == []
    calendar.set(2025, 3, 2, 10, 0)
    chores.run_pending()
    chores.run_pending()
    assert runs == [real_datetime.datetime(2025, 3, 2, 10, 0)]
    assert chores.seconds_until_next() == 24 * 3600
    calendar.set(2025, 3, 3, 10, 0, 5)
    chores.run_pending()
    assert len(runs) == 2


def test_days_slept_through_give_one_run_not_one_per_day(calendar):
    chores, runs = CalendarChores(), []
    chores.daily("10:00", lambda: runs.append(calendar.now))
    calendar.set(2025, 3, 6, 15, 30)  # the laptop was closed for four days
    assert chores.seconds_until_next() == 0
    chores.run_pending()
    chores.run_pending()
    assert len(runs) == 1
    assert chores.seconds_until_next() == (18 * 60 + 30) * 60  # tomorrow at 10:00


def test_chores_use_their_own_scheduler_never_the_global_one(calendar):
    chores = CalendarChores()
    chores.daily("10:00", lambda: None)
    assert schedule.jobs == [] and len(chores.scheduler.jobs) == 1
    schedule.clear()  # someone else clearing the global scheduler leaves ours alone
    assert len(chores.scheduler.jobs) == 1
    chores.cancel()
    assert chores.seconds_until_next() is None


def test_a_failing_chore_is_logged_and_runs_again_tomorrow(calendar, caplog):
    chores, runs = CalendarChores(), []

    def flaky():
        runs.append(calendar.now)
        raise RuntimeError("disk gone")

    chores.daily("10:00", flaky, name="flaky")
    calendar.set(2025, 3, 2, 10, 0)
    chores.run_pending()
    assert "calendar chore flaky failed" in caplog.text
    chores.run_pending()
    assert len(runs) == 1, "not retried in a loop"
    calendar.set(2025, 3, 3, 10, 0)
    chores.run_pending()
    assert len(runs) == 2


def ticked_store(tmp_path, day: date) -> StateStore:
    store = StateStore(tmp_path)
    store.state.set_ticked("posture", "feet_flat", True, day)
    store.save()
    return store


def test_the_recheck_reminder_comes_once_a_month(calendar, tmp_path):
    store = ticked_store(tmp_path, date(2025, 3, 2))
    reminders = []
    chores = CalendarChores()
    schedule_recheck(chores, store, lambda: reminders.append(calendar.today()), today=calendar.today)
    for day in range(1, 32):  # every day of a month at 10:00
        calendar.set(2025, 3, day, 10, 0)
        chores.run_pending()
    assert reminders == []
    for month, day in [(4, 1), (4, 2), (4, 3), (5, 1), (5, 2), (5, 3)]:
        calendar.set(2025, month, day, 10, 0)
        chores.run_pending()
    assert reminders == [date(2025, 4, 2), date(2025, 5, 2)]
    assert StateStore(tmp_path).state.reminded == date(2025, 5, 2), "the reminder's date is saved"


def test_the_recheck_runs_at_ten_and_can_be_asked_at_start_up(calendar, tmp_path):
    assert RECHECK_AT == "10:00"
    store = ticked_store(tmp_path, date(2025, 1, 15))
    reminders = []
    check = schedule_recheck(CalendarChores(), store, lambda: reminders.append(1), today=calendar.today)
    assert check() is True and reminders == [1]
    assert check() is False, "once a month, even when asked twice"


def test_nothing_ticked_no_reminder(calendar, tmp_path):
    reminders = []
    assert RecheckReminder(StateStore(tmp_path), lambda: reminders.append(1), today=calendar.today)() is False
    assert reminders == [] and StateStore(tmp_path).state == ChecklistState()
