"""``history-pending.json``: what the agent has not put into the history file yet.

Loading SQLite costs the agent about 1.5 MiB; before its first window (Tk,
about 20 MiB) the agent is kept small, so until then it writes what it would
have written here instead: a few hundred bytes of JSON, replaced atomically at
each write, so a kill -9 loses only the minutes since. The next write into
the history file takes it up and deletes it; the reports read it too, so the
day so far is never missing from them.

    {"version": 1,
     "rows": {"SESSION": [{"day": "2026-12-04", "sitting_s": 1800.0, ...}]},
     "breaks": [{"at": "2026-12-04T10:31:05", "outcome": "taken", "length_s": 120.0}]}
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Callable

from agent.files import atomic
from agent.history.days import NUMBERS, OUTCOMES, BreakRow, DayRow

log = logging.getLogger("agent.history")

FILE_NAME = "history-pending.json"
VERSION = 1


class Pending:
    """Day rows by session and breaks, waiting for the history file."""

    def __init__(self, rows: dict[str, list[DayRow]] | None = None, breaks: list[BreakRow] | None = None) -> None:
        self.rows = rows or {}
        self.breaks = breaks or []

    def __bool__(self) -> bool:
        return bool(self.rows or self.breaks)

    def to_json(self) -> dict:
        return {"version": VERSION,
                "rows": {session: [row.as_dict() for row in rows] for session, rows in self.rows.items()},
                "breaks": [{"at": b.at, "outcome": b.outcome, "length_s": b.length_s} for b in self.breaks]}


class Journal:
    """The pending file in ``directory``."""

    def __init__(self, directory: str | Path, *, now: Callable[[], datetime] = datetime.now) -> None:
        self.path = Path(directory) / FILE_NAME
        self._now = now

    def load(self) -> Pending:
        """What an earlier run left; a file that cannot be read is set aside (logged) and ignored."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return Pending()
        except OSError as error:
            log.warning("%s: cannot be read (%s); ignored", self.path, error.strerror)
            return Pending()
        try:
            return _parse(json.loads(data))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            aside = self.path.with_name(f"{self.path.name}.bad-{self._now():%Y%m%dT%H%M%S}")
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            log.warning("%s: not a pending-history file (%s); kept as %s", self.path, error, aside.name)
            return Pending()

    def save(self, pending: Pending) -> None:
        """Replace the file with ``pending`` (atomic, 0600); OSError if it cannot be written."""
        atomic.write_text(self.path, json.dumps(pending.to_json(), separators=(",", ":")) + "\n", mode=0o600)

    def delete(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _parse(doc: dict) -> Pending:
    if doc.get("version") != VERSION:
        raise ValueError(f"version {doc.get('version')!r}, expected {VERSION}")
    rows = {str(session): [_day_row(row) for row in session_rows] for session, session_rows in doc["rows"].items()}
    breaks = []
    for item in doc["breaks"]:
        if item["outcome"] not in OUTCOMES:
            raise ValueError(f"unknown outcome {item['outcome']!r}")
        datetime.fromisoformat(item["at"])
        breaks.append(BreakRow(str(item["at"]), item["outcome"], float(item["length_s"])))
    return Pending(rows, breaks)


def _day_row(item: dict) -> DayRow:
    values = {name: float(item[name]) if name.endswith("_s") else int(item[name]) for name in NUMBERS}
    return DayRow(day=datetime.fromisoformat(item["day"]).date().isoformat(), **values)
