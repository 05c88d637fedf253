"""The whole history as the reports see it: the history file and the pending file together.

While the agent has not loaded SQLite yet, today's minutes are in the pending
file (:mod:`agent.history.journal`); a report leaves them out of nothing.
A session's pending row replaces that session's row of the same day in the
file (it is newer), and the rows of each day add up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from agent.history import summary
from agent.history.days import BreakRow, DayRow, combine
from agent.history.journal import Journal
from agent.history.store import HistoryStore

log = logging.getLogger(__name__)


@dataclass
class History:
    """Days (sessions combined) and breaks, in time order; ``problems``: files set aside on the way."""

    days: list[DayRow]
    breaks: list[BreakRow]
    problems: list[str]


def read(directory: str | Path, first: date | None = None, last: date | None = None, *,
         read_only: bool = False) -> History:
    """The history from ``first`` to ``last`` (inclusive; None: no bound).

    ``read_only``: write nothing, not even a migration or a file set aside
    (the window process reads; the agent alone writes).
    """
    store = HistoryStore(directory, read_only=read_only)
    rows = {(session, row.day): row for session, row in store.session_rows(first, last)}
    breaks = store.breaks(first, last)
    pending = Journal(directory).load()
    inside = lambda day: (first is None or day >= first.isoformat()) and (last is None or day <= last.isoformat())  # noqa: E731
    for session, session_rows in pending.rows.items():
        rows.update({(session, row.day): row for row in session_rows if inside(row.day)})
    breaks = sorted([*breaks, *(b for b in pending.breaks if inside(b.day))], key=lambda b: b.at)
    return History(combine(rows.values()), breaks, store.problems)


def report(directory: str | Path, span: str, today: date, *, read_only: bool = False) -> summary.Report:
    """The last 7 ("week") or 30 ("month") days, for the window; a file that cannot be read is an empty
    chart and a log line saying why (a report is never worth a crash)."""
    first, last = summary.span_dates(span, today)
    try:
        days = read(directory, first, last, read_only=read_only).days
    except Exception as error:  # noqa: BLE001 - e.g. busy, unreadable, an older schema: empty chart, say why
        log.warning("%s: history not read (%s)", directory, error)
        days = []
    return summary.build(span, today, days)
