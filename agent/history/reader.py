"""The whole history as the reports see it: the history file and the pending file together.

While the agent has not loaded SQLite yet, today's minutes are in the pending
file (:mod:`agent.history.journal`); a report leaves them out of nothing.
A session's pending row replaces that session's row of the same day in the
file (it is newer), and the rows of each day add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from agent.history.days import BreakRow, DayRow, combine
from agent.history.journal import Journal
from agent.history.store import HistoryStore


@dataclass
class History:
    """Days (sessions combined) and breaks, in time order; ``problems``: files set aside on the way."""

    days: list[DayRow]
    breaks: list[BreakRow]
    problems: list[str]


def read(directory: str | Path, first: date | None = None, last: date | None = None) -> History:
    """The history from ``first`` to ``last`` (inclusive; None: no bound)."""
    store = HistoryStore(directory)
    rows = {(session, row.day): row for session, row in store.session_rows(first, last)}
    breaks = store.breaks(first, last)
    pending = Journal(directory).load()
    inside = lambda day: (first is None or day >= first.isoformat()) and (last is None or day <= last.isoformat())  # noqa: E731
    for session, session_rows in pending.rows.items():
        rows.update({(session, row.day): row for row in session_rows if inside(row.day)})
    breaks = sorted([*breaks, *(b for b in pending.breaks if inside(b.day))], key=lambda b: b.at)
    return History(combine(rows.values()), breaks, store.problems)
