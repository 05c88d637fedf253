"""The anonymous daily summary for IT: one small JSON file per user and day, into a folder IT collects.

Off unless the organisation turns the ``aggregate_export`` feature on and
names ``[aggregate] folder``. Each file says how one day went on one desk,
coarsely, and nothing that names or links it:

* counts (breaks prompted, taken, postponed, skipped; natural breaks; prompts
  held for a presentation) and durations rounded to 15 minutes;
* the Upright version and the *policy* in force (only what the organisation's
  policy sets: the same on every machine it covers, so it links nothing; a
  user's own settings are left out, as a rare combination could link days);
* a token drawn at random for that file alone (``os.urandom``), so two days
  of one machine cannot be linked; the file name is the day and the token.

No user name, host name, account, time of day or break times. The format is
``deploy/aggregate.schema.json``; `upright aggregate show` prints exactly what
was written (each file's text is kept in the history file, see
:meth:`agent.history.store.HistoryStore.record_sent`).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date, datetime, timedelta
from pathlib import Path

from agent.files import atomic
from agent.history.days import DayRow
from agent.history.store import HistoryStore

log = logging.getLogger("agent.history")

FORMAT = "upright-aggregate/1"
ROUND_MIN = 15
BACKFILL_DAYS = 7  # a share offline for a few days: the missed days still go, up to a week back
TRIED = "aggregate_tried"  # meta key: the date of the last attempt (one a day)


def summary(row: DayRow, version: str, policy: dict) -> dict:
    """The file's content for one day's (combined) row."""
    return {
        "format": FORMAT,
        "day": row.day,
        "token": os.urandom(16).hex(),
        "upright_version": version,
        "policy": {key: policy[key] for key in sorted(policy)},
        "sitting_min": _coarse(row.sitting_s),
        "longest_bout_min": _coarse(row.longest_bout_s),
        "standing_min": _coarse(row.standing_s),
        "natural_break_min": _coarse(row.natural_s),
        "breaks_prompted": row.prompts,
        "breaks_taken": min(row.taken, row.prompts),
        "breaks_postponed": row.postponed,
        "breaks_skipped": row.skipped,
        "natural_breaks": row.natural_breaks,
        "held_for_presentation": row.held,
    }


def file_name(doc: dict) -> str:
    return f"upright-{doc['day']}-{doc['token']}.json"


def due(store: HistoryStore, today: date) -> list[DayRow]:
    """The days before today, up to a week back, with a row and no file written yet."""
    first = today - timedelta(days=BACKFILL_DAYS)
    sent = {day for day, *_ in store.sent()}
    return [row for row in store.days(first, today - timedelta(days=1)) if row.day not in sent]


def export(store: HistoryStore, folder: str | Path, rows: list[DayRow], version: str, policy: dict,
           now=datetime.now) -> list[Path]:
    """Write a file per row into ``folder`` and note each; a failure is logged, the rest go on.

    May block on a network share: the agent calls it on a thread of its own.
    """
    written = []
    for row in rows:
        doc = summary(row, version, policy)
        text = json.dumps(doc, indent=1) + "\n"
        path = Path(folder) / file_name(doc)
        try:
            atomic.write_text(path, text, mode=0o644)
        except OSError as error:
            log.warning("aggregate for %s not written to %s (%s); tried again tomorrow",
                        row.day, folder, error.strerror or error)
            break  # the share is away: the rest would fail the same way
        store.record_sent(row.day, str(path), text, now().isoformat(timespec="seconds"))
        written.append(path)
    return written


def _coarse(seconds: float) -> int:
    """Minutes, rounded to the nearest ROUND_MIN."""
    return int(ROUND_MIN * round(seconds / 60 / ROUND_MIN))
