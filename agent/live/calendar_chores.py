"""Wall-clock chores: what Upright does once a day at a time of day.

Durations in Upright run on a monotonic clock (:mod:`agent.clock`); "once
a day, at 10:00" is a calendar matter and runs on the wall clock, here.
The first chore is the gentle monthly checklist re-check
(:class:`RecheckReminder`).

Chores live on their own ``schedule.Scheduler``, never the ``schedule``
module's global one, which any other code in the process could fill or
clear. Nothing polls: the app asks :meth:`CalendarChores.seconds_until_next`,
sets one Tk ``after`` for then, and calls :meth:`CalendarChores.run_pending`
(also after a wake from sleep). A chore missed while the computer slept
runs once at the next :meth:`~CalendarChores.run_pending`, not once per
missed day. Tk thread only, like the rest of the agent.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Callable, Optional

import schedule

from agent.content.checklist_state import StateStore, recheck_due

log = logging.getLogger("agent.chores")

#: When the re-check reminder is considered: mid-morning, once work is under way.
RECHECK_AT = "10:00"


class CalendarChores:
    """Daily chores at a time of day, on a private scheduler."""

    def __init__(self) -> None:
        self.scheduler = schedule.Scheduler()

    def daily(self, at: str, chore: Callable[[], object], name: str = "") -> schedule.Job:
        """Run ``chore`` every day at ``at`` ("HH:MM", local time).

        A chore that raises is logged and still runs again the next day.
        """
        label = name or getattr(chore, "__name__", repr(chore))

        def run() -> None:
            try:
                chore()
            except Exception:  # noqa: BLE001 - one failing chore must not stop the others
                log.exception("calendar chore %s failed", label)

        return self.scheduler.every().day.at(at).do(run).tag(label)

    def run_pending(self) -> None:
        """Run every chore whose time has come (each once, however late)."""
        self.scheduler.run_pending()

    def seconds_until_next(self) -> Optional[float]:
        """Seconds until the next chore is due (0 if overdue), or None if there are none."""
        idle = self.scheduler.idle_seconds
        return None if idle is None else max(0.0, idle)

    def cancel(self) -> None:
        self.scheduler.clear()


class RecheckReminder:
    """The daily question: is a checklist re-check due? If so, remind once and note it.

    ``on_due`` shows the reminder (the app's business: a notice, the
    checklist window...). The reminder's date is saved right away, so the
    next one comes a month later, whatever the user does with this one.
    """

    def __init__(self, store: StateStore, on_due: Callable[[], None], *,
                 today: Callable[[], date] = lambda: datetime.now().date()) -> None:
        self.store, self.on_due, self.today = store, on_due, today

    def __call__(self) -> bool:
        """Check now; True if the reminder was given."""
        state, today = self.store.state, self.today()
        if not recheck_due(state, today):
            return False
        state.reminded = today
        self.store.save()
        self.on_due()
        return True


def schedule_recheck(chores: CalendarChores, store: StateStore, on_due: Callable[[], None], *,
                     at: str = RECHECK_AT, today: Callable[[], date] = lambda: datetime.now().date()
                     ) -> RecheckReminder:
    """Check for a due re-check every day at ``at``; returns the check, which the
    app may also call once at start-up (a computer off at 10:00 every day would
    otherwise never be reminded)."""
    reminder = RecheckReminder(store, on_due, today=today)
    chores.daily(at, reminder, name="checklist re-check")
    return reminder
