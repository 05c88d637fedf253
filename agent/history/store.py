"""The history file: ``history.sqlite3`` in the user's data folder.

SQLite from the standard library, imported only when the file is opened (it
costs the agent about 1.5 MiB, so the agent opens it only once a window has
loaded Tk anyway; see :mod:`agent.live.history_recorder`). Every write is one
transaction: a crash leaves the file as it was before or after it, never half.

The file says what it is: ``PRAGMA application_id`` is :data:`APP_ID`, and
``PRAGMA user_version`` the schema version, raised by :data:`MIGRATIONS` one
step at a time. A file that is not SQLite, fails SQLite's own check, belongs
to another program or comes from a newer Upright is renamed
``history.sqlite3.bad-<time>`` (kept, never deleted), the reason is logged
naming the file, and a fresh history starts. Mode 0600, like the log.
"""

from __future__ import annotations

import contextlib
import logging
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Iterable

from agent.history.days import NUMBERS, BreakRow, DayRow, combine

log = logging.getLogger("agent.history")

FILE_NAME = "history.sqlite3"
APP_ID = 0x55505254  # "UPRT"
BUSY_TIMEOUT_S = 1.0  # another process (a report) holding the file: give up, retry at the next write

#: Schema changes, in order; the file's user_version counts how many ran.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: days by session, breaks
        """CREATE TABLE days (
            day TEXT NOT NULL, session TEXT NOT NULL,
            sitting_s REAL NOT NULL, longest_bout_s REAL NOT NULL, standing_s REAL NOT NULL,
            prompts INTEGER NOT NULL, taken INTEGER NOT NULL, postponed INTEGER NOT NULL,
            skipped INTEGER NOT NULL, natural_breaks INTEGER NOT NULL, natural_s REAL NOT NULL,
            held INTEGER NOT NULL, sitting_limit_s REAL NOT NULL,
            PRIMARY KEY (day, session))""",
        """CREATE TABLE breaks (
            at TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('taken', 'postponed', 'skipped', 'natural', 'held')),
            length_s REAL NOT NULL)""",
        "CREATE INDEX breaks_at ON breaks (at)",
    ),
    (  # 2: what the anonymous daily summary for IT sent, and when it was last tried
        """CREATE TABLE aggregate_sent (
            day TEXT PRIMARY KEY, file TEXT NOT NULL, json TEXT NOT NULL, sent_at TEXT NOT NULL)""",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    (  # 3: breaks ended early, kept apart from those taken (SQLite changes a CHECK only by copying)
        "ALTER TABLE days ADD COLUMN ended_early INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE breaks_3 (
            at TEXT NOT NULL,
            outcome TEXT NOT NULL
                CHECK (outcome IN ('taken', 'ended_early', 'postponed', 'skipped', 'natural', 'held')),
            length_s REAL NOT NULL)""",
        "INSERT INTO breaks_3 (at, outcome, length_s) SELECT at, outcome, length_s FROM breaks",
        "DROP TABLE breaks",
        "ALTER TABLE breaks_3 RENAME TO breaks",
        "CREATE INDEX breaks_at ON breaks (at)",
    ),
)
VERSION = len(MIGRATIONS)


class Unusable(Exception):
    """The file cannot be Upright's history: why, in a few words."""


class HistoryStore:
    """Reads and writes the history file in ``directory``."""

    def __init__(self, directory: str | Path, *, now: Callable[[], datetime] = datetime.now,
                 busy_timeout_s: float = BUSY_TIMEOUT_S, read_only: bool = False) -> None:
        self.path = Path(directory) / FILE_NAME
        self.busy_timeout_s = busy_timeout_s
        self.read_only = read_only  # the window process reads; only the agent migrates or sets aside
        self._now = now  # names a file set aside
        self.problems: list[str] = []  # what was set aside, and why, in this process

    # --- writing ------------------------------------------------------------

    def write(self, session: str, rows: Iterable[DayRow], breaks: Iterable[BreakRow], *,
              retention_days: int | None = None, today: date | None = None) -> None:
        """This session's day rows (replacing its earlier ones) and new breaks, in one transaction.

        Raises OSError or sqlite3.Error when the file cannot be written (disk
        full, another process holding it): the caller keeps its data for later.
        """
        columns = ("day", "session", *NUMBERS)
        insert = (f"INSERT OR REPLACE INTO days ({', '.join(columns)}) "
                  f"VALUES ({', '.join('?' for _ in columns)})")
        with self._open(create=True) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(insert, [(r.day, session, *(getattr(r, n) for n in NUMBERS)) for r in rows])
                db.executemany("INSERT INTO breaks (at, outcome, length_s) VALUES (?, ?, ?)",
                               [(b.at, b.outcome, round(b.length_s, 1)) for b in breaks])
                if retention_days is not None and today is not None:
                    _forget_before(db, today - timedelta(days=retention_days - 1))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def record_sent(self, day: str, file: str, text: str, sent_at: str) -> None:
        """An aggregate file written for ``day``: where, and exactly what (for `upright aggregate show`)."""
        with self._open(create=True) as db:
            db.execute("INSERT OR REPLACE INTO aggregate_sent (day, file, json, sent_at) VALUES (?, ?, ?, ?)",
                       (day, file, text, sent_at))

    def sent(self) -> list[tuple[str, str, str, str]]:
        """(day, file, json, sent_at) of every aggregate file written, oldest first."""
        with self._open(create=False) as db:
            if db is None:
                return []
            return list(db.execute("SELECT day, file, json, sent_at FROM aggregate_sent ORDER BY day"))

    def get_meta(self, key: str) -> str | None:
        with self._open(create=False) as db:
            if db is None:
                return None
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._open(create=True) as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def forget(self) -> list[Path]:
        """Delete the history (and SQLite's side files); returns what was deleted."""
        gone = []
        for path in (self.path, *_side_files(self.path)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                gone.append(path)
        return gone

    # --- reading ------------------------------------------------------------

    def days(self, first: date | None = None, last: date | None = None) -> list[DayRow]:
        """The days from ``first`` to ``last`` (inclusive; None: no bound), sessions combined."""
        return combine(row for _, row in self.session_rows(first, last))

    def session_rows(self, first: date | None = None, last: date | None = None) -> list[tuple[str, DayRow]]:
        """(session, row) for each session of each day from ``first`` to ``last``."""
        where, args = _between("day", first, last)
        with self._open(create=False) as db:
            if db is None:
                return []
            rows = db.execute(f"SELECT session, day, {', '.join(NUMBERS)} FROM days {where} ORDER BY day", args)
            return [(row[0], DayRow(*row[1:])) for row in rows]

    def breaks(self, first: date | None = None, last: date | None = None) -> list[BreakRow]:
        """The breaks from ``first`` to ``last`` (inclusive), in time order."""
        where, args = _between("substr(at, 1, 10)", first, last)
        with self._open(create=False) as db:
            if db is None:
                return []
            return [BreakRow(*row) for row in
                    db.execute(f"SELECT at, outcome, length_s FROM breaks {where} ORDER BY at", args)]

    # --- the file -----------------------------------------------------------

    @contextlib.contextmanager
    def _open(self, create: bool):
        """A checked connection (None if there is no file and ``create`` is false), closed after."""
        import sqlite3

        if not self.path.exists():
            if not create:
                yield None
                return
            _create_private(self.path)
        db = self._connect_read_only(sqlite3) if self.read_only else self._connect(sqlite3)
        try:
            yield db
        finally:
            db.close()

    def _connect(self, sqlite3):
        """Connect and check; a bad file is set aside once and a fresh one made."""
        db = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
        try:
            _check_and_migrate(db)
            return db
        except (Unusable, sqlite3.DatabaseError) as error:
            db.close()
            reason = str(error) if isinstance(error, Unusable) else f"not a readable SQLite file ({error})"
            if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
                raise  # busy, not bad: the caller retries
            self._set_aside(reason)
        _create_private(self.path)
        db = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
        _check_and_migrate(db)
        return db

    def _connect_read_only(self, sqlite3):
        """Open without writing a byte: a file this version cannot read as it is raises Unusable."""
        db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=self.busy_timeout_s)
        try:
            if _check(db) != VERSION:
                raise Unusable("an older schema; the agent brings it up to date at its next write")
            return db
        except sqlite3.DatabaseError as error:
            db.close()
            raise Unusable(f"not a readable SQLite file ({error})") from None
        except Unusable:
            db.close()
            raise

    def _set_aside(self, reason: str) -> None:
        stamp = self._now().strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.bad-{stamp}")
        n = 1
        while aside.exists():
            aside, n = self.path.with_name(f"{self.path.name}.bad-{stamp}-{n}"), n + 1
        os.replace(self.path, aside)
        for side in _side_files(self.path):  # a journal belongs to the file it came with
            with contextlib.suppress(FileNotFoundError):
                os.replace(side, aside.with_name(aside.name + side.name[len(self.path.name):]))
        message = f"{self.path}: {reason}; kept as {aside.name}, and a fresh history started"
        log.warning("%s", message)
        self.problems.append(message)


def _check_and_migrate(db) -> None:
    """Raise Unusable unless the file is (or can become) Upright's history of this version."""
    version = _check(db)
    for step in range(version, VERSION):
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[step]:
                db.execute(statement)
            db.execute(f"PRAGMA application_id = {APP_ID}")
            db.execute(f"PRAGMA user_version = {step + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _check(db) -> int:
    """The file's schema version; Unusable if it is another program's, newer, or damaged."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app_id != APP_ID and (app_id or tables):
        raise Unusable("not Upright's history (another program's database)")
    if version > VERSION:
        raise Unusable(f"written by a newer Upright (schema {version}; this one knows up to {VERSION})")
    if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
        raise Unusable("damaged (SQLite's quick_check failed)")
    return version


def _forget_before(db, first_kept: date) -> None:
    cutoff = first_kept.isoformat()
    db.execute("DELETE FROM days WHERE day < ?", (cutoff,))
    db.execute("DELETE FROM breaks WHERE at < ?", (cutoff,))
    db.execute("DELETE FROM aggregate_sent WHERE day < ?", (cutoff,))


def _between(column: str, first: date | None, last: date | None) -> tuple[str, list]:
    tests, args = [], []
    if first is not None:
        tests.append(f"{column} >= ?")
        args.append(first.isoformat())
    if last is not None:
        tests.append(f"{column} <= ?")
        args.append(last.isoformat())
    return ("WHERE " + " AND ".join(tests) if tests else ""), args


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm")]


def _create_private(path: Path) -> None:
    """An empty file only the user can read, in a folder only the user can enter."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
