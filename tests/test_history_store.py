"""The history file: transactions, schema version, a bad file set aside, retention, forget."""

from __future__ import annotations

import logging
import sqlite3
import stat
from datetime import date, datetime

import pytest

from agent.history import store as store_module
from agent.history.days import NUMBERS, BreakRow, DayRow, combine
from agent.history.journal import Journal
from agent.history.store import APP_ID, VERSION, HistoryStore


def a_day(day="2026-12-01", **values) -> DayRow:
    return DayRow(day, **{"sitting_s": 3600.0, "longest_bout_s": 1800.0, "prompts": 2, "taken": 1, **values})


def test_rows_of_one_day_from_two_sessions_add_up(tmp_path):
    store = HistoryStore(tmp_path)
    store.write("a", [a_day(sitting_s=100.0, longest_bout_s=90.0, taken=1)], [BreakRow("2026-12-01T10:00:00", "taken", 120)])
    store.write("b", [a_day(sitting_s=50.0, longest_bout_s=40.0, taken=2)], [])
    store.write("a", [a_day(sitting_s=200.0, longest_bout_s=95.0, taken=1)], [])  # a session replaces its own row
    [day] = store.days()
    assert (day.sitting_s, day.longest_bout_s, day.taken) == (250.0, 95.0, 3)
    assert store.breaks() == [BreakRow("2026-12-01T10:00:00", "taken", 120.0)]


def test_the_file_is_private_and_says_what_it_is(tmp_path):
    store = HistoryStore(tmp_path)
    store.write("a", [a_day()], [])
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APP_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION


def test_a_failed_write_leaves_the_file_as_it_was(tmp_path):
    store = HistoryStore(tmp_path)
    store.write("a", [a_day(sitting_s=100.0)], [])
    with pytest.raises(sqlite3.IntegrityError):  # the second break is refused: the whole write is
        store.write("a", [a_day(sitting_s=999.0)], [BreakRow("2026-12-01T10:00:00", "taken"),
                                                     BreakRow("2026-12-01T10:01:00", "sneezed")])
    assert [d.sitting_s for d in store.days()] == [100.0]
    assert store.breaks() == []


@pytest.mark.parametrize("make, reason", [
    (lambda p: p.write_bytes(b"this is not a database at all, just some text" * 100), "not a readable SQLite file"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE invoices (n)"), "not Upright's history"),
    (lambda p: sqlite3.connect(p).executescript(f"PRAGMA application_id = {APP_ID}; PRAGMA user_version = 99;"
                                                "CREATE TABLE x (y)"), "written by a newer Upright"),
])
def test_a_bad_file_is_set_aside_named_and_a_fresh_history_started(tmp_path, caplog, make, reason):
    path = tmp_path / "history.sqlite3"
    make(path)
    original = path.read_bytes()
    store = HistoryStore(tmp_path, now=lambda: datetime(2026, 12, 4, 9, 30))
    with caplog.at_level(logging.WARNING, logger="agent.history"):
        store.write("a", [a_day()], [])
    aside = tmp_path / "history.sqlite3.bad-20261204T093000"
    assert aside.read_bytes() == original  # kept as it was
    [message] = [r.getMessage() for r in caplog.records]
    assert message.startswith(f"{path}: {reason}") and "kept as history.sqlite3.bad-20261204T093000" in message
    assert store.problems == [message]
    assert [d.day for d in store.days()] == ["2026-12-01"]  # the fresh one works


def test_a_damaged_file_fails_its_check_and_is_set_aside(tmp_path):
    store = HistoryStore(tmp_path)
    store.write("a", [a_day(day=f"2026-{m:02}-{d:02}") for m in range(1, 13) for d in range(1, 28)], [])
    data = bytearray(store.path.read_bytes())
    data[4096 * 2: 4096 * 3] = bytes(range(256)) * 16  # scribble over a page of rows
    store.path.write_bytes(bytes(data))
    assert store.days() == []  # set aside when read: a fresh, empty history
    assert "damaged" in store.problems[0] or "not a readable SQLite file" in store.problems[0]
    assert len(list(tmp_path.glob("history.sqlite3.bad-*"))) == 1


def test_an_old_schema_is_migrated_in_place(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:2])
    monkeypatch.setattr(store_module, "VERSION", 2)
    old = HistoryStore(tmp_path)  # a file as version 2 wrote it: no ended_early anywhere
    with old._open(create=True) as db:
        columns = ("day", "session", *(n for n in NUMBERS if n != "ended_early"))
        db.execute(f"INSERT INTO days ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                   ("2026-12-01", "a", *(1 for _ in columns[2:])))
        db.execute("INSERT INTO breaks (at, outcome, length_s) VALUES ('2026-12-01T10:00:00', 'taken', 120)")
    monkeypatch.undo()
    store = HistoryStore(tmp_path)
    [day] = store.days()  # kept through the migration
    assert (day.day, day.taken, day.ended_early) == ("2026-12-01", 1, 0)
    store.write("b", [], [BreakRow("2026-12-01T11:00:00", "ended_early", 30)])  # the new outcome is allowed
    assert [b.outcome for b in store.breaks()] == ["taken", "ended_early"]
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION == 3
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'breaks_at'").fetchone()  # index rebuilt


def test_retention_deletes_what_is_older(tmp_path):
    store = HistoryStore(tmp_path)
    store.write("a", [a_day("2025-12-04"), a_day("2025-12-05")], [BreakRow("2025-12-04T10:00:00", "taken")])
    store.write("b", [a_day("2026-12-04")], [], retention_days=365, today=date(2026, 12, 4))
    assert [d.day for d in store.days()] == ["2025-12-05", "2026-12-04"]  # 365 days, today included
    assert store.breaks() == []


def test_forget_deletes_the_history_and_nothing_else(tmp_path):
    store = HistoryStore(tmp_path)
    store.write("a", [a_day()], [])
    (tmp_path / "checklists.json").write_text("{}")
    assert store.forget() == [store.path]
    assert [p.name for p in tmp_path.iterdir()] == ["checklists.json"]
    assert store.days() == []


def test_a_bad_pending_file_is_set_aside(tmp_path, caplog):
    (tmp_path / "history-pending.json").write_text('{"version": 1, "rows": {"s": [{"day": "monday"}]}}')
    with caplog.at_level(logging.WARNING, logger="agent.history"):
        pending = Journal(tmp_path, now=lambda: datetime(2026, 12, 4)).load()
    assert not pending
    assert (tmp_path / "history-pending.json.bad-20261204T000000").exists()
    assert "history-pending.json: not a pending-history file" in caplog.text


def test_combine_keeps_the_longest_bout_and_adds_the_rest():
    days = combine([a_day(sitting_s=1.0, longest_bout_s=5.0), a_day(sitting_s=2.0, longest_bout_s=3.0),
                    a_day("2026-11-30")])
    assert [(d.day, d.sitting_s, d.longest_bout_s) for d in days] == [
        ("2026-11-30", 3600.0, 1800.0), ("2026-12-01", 3.0, 5.0)]


@pytest.mark.parametrize("make", [
    lambda p: p.write_bytes(b"this is not a database at all, just some text" * 100),
    lambda p: sqlite3.connect(p).execute("CREATE TABLE invoices (n)"),
    lambda p: sqlite3.connect(p).executescript(f"PRAGMA application_id = {APP_ID}; PRAGMA user_version = 2;"
                                               "CREATE TABLE days (day)"),
])
def test_a_read_only_reader_neither_sets_aside_nor_migrates(tmp_path, make):
    """The window process reads the history: a file it cannot read as it is stays exactly as it was."""
    path = tmp_path / "history.sqlite3"
    make(path)
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in tmp_path.iterdir()))
    with pytest.raises(store_module.Unusable):
        HistoryStore(tmp_path, read_only=True).days()
    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in tmp_path.iterdir())) == before


def test_a_read_only_reader_reads_a_current_file(tmp_path):
    HistoryStore(tmp_path).write("a", [a_day(taken=2)], [BreakRow("2026-12-01T10:00:00", "taken", 120)])
    reader = HistoryStore(tmp_path, read_only=True)
    assert [(d.day, d.taken) for d in reader.days()] == [("2026-12-01", 2)]
    assert [b.outcome for b in reader.breaks()] == ["taken"]
    assert HistoryStore(tmp_path / "none", read_only=True).days() == []  # no file: nothing, and none made
    assert not (tmp_path / "none").exists()
