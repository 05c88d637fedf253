"""`upright history export --csv` and `upright history forget`, run as the command."""

from __future__ import annotations

import csv
import io

import pytest

from agent.cli import main
from agent.cli.history_cli import DAY_COLUMNS
from agent.history.days import BreakRow, DayRow
from agent.history.journal import Journal, Pending
from agent.history.store import HistoryStore
from agent.live import control


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("UPRIGHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    (tmp_path / "run").mkdir(mode=0o700)
    return tmp_path / "data"


def seed(folder):
    HistoryStore(folder).write("a", [DayRow("2026-12-01", sitting_s=5400.0, longest_bout_s=2220.0, prompts=3,
                                            taken=2, skipped=1, sitting_limit_s=1800.0)],
                               [BreakRow("2026-12-01T10:30:05", "taken", 120.0)])
    Journal(folder).save(Pending({"b": [DayRow("2026-12-02", sitting_s=600.0, sitting_limit_s=1800.0)]},
                                 [BreakRow("2026-12-02T09:12:00", "natural", 900.0)]))


def test_export_prints_a_day_per_row_from_both_files(folder, capsys):
    seed(folder)
    assert main(["history", "export", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["day"], r["sitting_min"], r["longest_bout_min"], r["taken"], r["skipped"]) for r in rows] == [
        ("2026-12-01", "90.0", "37.0", "2", "1"), ("2026-12-02", "10.0", "0.0", "0", "0")]
    assert main(["history", "export", "--csv", "--breaks"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "time,outcome,length_min", "2026-12-01T10:30:05,taken,2.0", "2026-12-02T09:12:00,natural,15.0"]


def test_export_of_a_damaged_history_names_the_file_and_goes_on(folder, capsys):
    folder.mkdir()
    (folder / "history.sqlite3").write_bytes(b"garbage" * 200)
    assert main(["history", "export", "--csv"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [",".join(DAY_COLUMNS)]
    assert f"upright: {folder / 'history.sqlite3'}: not a readable SQLite file" in err
    assert "Traceback" not in err


def test_forget_deletes_both_files_and_tells_a_running_agent(folder, capsys):
    seed(folder)
    asked = []
    server = control.Server()
    server.start(lambda request: asked.append(request["command"]) or {"ok": True})
    try:
        assert main(["history", "forget"]) == 0
    finally:
        server.close()
    assert asked == ["history_forget"]
    assert sorted(p.name for p in folder.iterdir()) == []
    assert "Deleted" in capsys.readouterr().out
    assert main(["history", "forget"]) == 0  # nothing left, no agent: still fine
    assert "No history in" in capsys.readouterr().out
