"""The anonymous daily summary for IT: content, schema, once a day at a write, retried, never blocking."""

from __future__ import annotations

import getpass
import json
import logging
import socket
import threading
from pathlib import Path

import jsonschema
import pytest

from agent.cli import main
from agent.history import aggregate
from agent.history.days import DayRow
from agent.history.store import HistoryStore
from tests.test_app import MIN, Agent
from tests.test_history_recording import Recording

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "deploy" / "aggregate.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_a_summary_is_coarse_valid_and_unlinkable():
    row = DayRow("2026-12-03", sitting_s=5 * 3600 + 8 * 60, longest_bout_s=52 * 60, prompts=9, taken=11,
                 skipped=1, natural_breaks=4, natural_s=47 * 60, sitting_limit_s=1800.0)
    one = aggregate.summary(row, "0.1.0", {"breaks.sitting_limit_min": 40, "features.strict_breaks": False})
    VALIDATOR.validate(one)
    assert (one["sitting_min"], one["longest_bout_min"], one["natural_break_min"]) == (315, 45, 45)  # nearest 15
    assert one["breaks_taken"] == 9  # capped at the prompts
    two = aggregate.summary(row, "0.1.0", {})
    assert one["token"] != two["token"]  # a fresh random token for every file
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate({**one, "user": "alice"})  # nothing beyond the listed fields is allowed
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate({**one, "sitting_min": 307})  # durations are coarse


def day_agent(tmp_path, folder, export=True, sqlite=True):
    recording = Recording(tmp_path / "data")
    recording.sqlite = sqlite  # False: as the agent is now, which never loads Tk (issue 14)
    agent = Agent(history=recording, features__aggregate_export=export, aggregate__folder=str(folder))
    return agent, recording


def next_day(agent):
    """Overnight away, then back at 9:00 the next day, working past the first write."""
    agent.away(24 * 60 * MIN - 6 * MIN)
    agent.work(5 * MIN)


def join(recording):
    if recording.recorder.exporting is not None:
        recording.recorder.exporting.join(10)


def test_yesterday_is_written_once_at_the_first_write_of_today(tmp_path):
    folder = tmp_path / "share"
    folder.mkdir()
    agent, recording = day_agent(tmp_path, folder)
    agent.work(40 * MIN)
    assert list(folder.iterdir()) == []  # nothing for today, nothing before
    next_day(agent)
    join(recording)
    [file] = list(folder.iterdir())
    doc = json.loads(file.read_text())
    VALIDATOR.validate(doc)
    assert file.name == f"upright-2026-11-23-{doc['token']}.json"
    assert doc["day"] == "2026-11-23" and doc["sitting_min"] == 45 and doc["breaks_prompted"] == 1
    text = file.read_text()
    for secret in {getpass.getuser(), socket.gethostname(), str(Path.home())} - {""}:
        assert secret not in text
    agent.work(30 * MIN)
    join(recording)
    assert len(list(folder.iterdir())) == 1  # once a day


def test_the_export_needs_no_window_to_have_loaded_sqlite(tmp_path):
    """The agent draws no window itself (issue 14), so nothing else loads SQLite all day: an organisation
    that turned the aggregate on still gets yesterday's file at the first write of today."""
    folder = tmp_path / "share"
    folder.mkdir()
    agent, recording = day_agent(tmp_path, folder, sqlite=False)
    agent.work(40 * MIN)
    next_day(agent)
    join(recording)
    assert [json.loads(f.read_text())["day"] for f in folder.iterdir()] == ["2026-11-23"]


def test_without_the_aggregate_the_agent_stays_without_sqlite(tmp_path):
    agent, recording = day_agent(tmp_path, tmp_path / "share", export=False, sqlite=False)
    agent.work(40 * MIN)
    next_day(agent)
    assert not (tmp_path / "data" / "history.sqlite3").exists()  # the pending file holds it until the end


def test_a_share_that_is_away_is_tried_again_the_next_day(tmp_path, caplog):
    folder = tmp_path / "share"  # not there yet: the writes fail
    agent, recording = day_agent(tmp_path, folder)
    agent.work(40 * MIN)
    (tmp_path / "share").write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="agent.history"):
        next_day(agent)
        join(recording)
    assert "aggregate for 2026-11-23 not written" in caplog.text
    assert len(agent.windows()) <= 1 and agent.status()["state"] == "working"  # the agent went on
    (tmp_path / "share").unlink()
    folder.mkdir()
    agent.work(30 * MIN)
    join(recording)
    assert list(folder.iterdir()) == []  # not again the same day
    next_day(agent)
    join(recording)
    assert sorted(json.loads(p.read_text())["day"] for p in folder.iterdir()) == ["2026-11-23", "2026-11-24"]


def test_a_hanging_share_never_holds_up_the_agent(tmp_path, monkeypatch):
    release = threading.Event()
    started = threading.Event()

    def hang(*args, **kwargs):
        started.set()
        release.wait(30)

    monkeypatch.setattr(aggregate, "export", hang)
    agent, recording = day_agent(tmp_path, tmp_path / "share")
    agent.work(40 * MIN)
    next_day(agent)
    assert started.wait(5)
    agent.work(31 * MIN)  # meanwhile the day goes on: a break comes due
    assert len(agent.windows()) == 1
    release.set()
    join(recording)


def test_nothing_is_written_unless_the_feature_is_on(tmp_path):
    folder = tmp_path / "share"
    folder.mkdir()
    agent, recording = day_agent(tmp_path, folder, export=False)
    agent.work(40 * MIN)
    next_day(agent)
    join(recording)
    assert list(folder.iterdir()) == []


def test_aggregate_show_prints_exactly_what_was_written(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "share"
    folder.mkdir()
    agent, recording = day_agent(tmp_path, folder)
    agent.work(40 * MIN)
    next_day(agent)
    join(recording)
    [file] = list(folder.iterdir())
    monkeypatch.setenv("UPRIGHT_DATA_DIR", str(tmp_path / "data"))
    assert main(["aggregate", "show"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Aggregate export is off")  # this user's settings: the feature is off by default
    assert file.read_text().rstrip() in out and str(file) in out
    assert main(["aggregate", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [json.loads(file.read_text())]
    assert HistoryStore(tmp_path / "data").sent()[0][0] == "2026-11-23"
