"""A pause, standing and today's totals survive kill -9 (issue 17, cases 7 and 9).

Before: the agent came back `working`, sitting, with today's totals at zero
(later: today's totals from the session file, beside the history that held
them too);
crash leftovers (`.checklists.json.*.tmp`) stayed for ever; a state file of
any size was read whole.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta
from pathlib import Path

from agent.content.checklist_state import MAX_BYTES, StateStore
from agent.history import reader
from agent.history.days import DayRow
from agent.history.journal import Journal, Pending
from agent.history.store import HistoryStore
from tests.faults.agent_session import DISPLAY, Agent, needs_xvfb, running_xvfb


def close_to(text: str, when: datetime) -> bool:
    """The agent writes times to the second, from a monotonic clock: allow for the rounding."""
    return abs(datetime.fromisoformat(text) - when) <= timedelta(seconds=2)


@needs_xvfb
def test_a_pause_and_standing_survive_kill_9(tmp_path):
    agent = Agent(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    leftovers = [data / f".checklists.json.{n}abc.tmp" for n in range(3)] + [data / ".session.json.x.tmp",
                                                                            data / ".history-pending.json.y.tmp"]
    for leftover in leftovers:
        leftover.write_text("{half a save")
    settings = tmp_path / "home-config" / "upright"  # the user's settings folder: `config set` may be saving
    settings.mkdir(parents=True)
    agent.env["XDG_CONFIG_HOME"] = str(settings.parent)
    crashed, saving = settings / ".config.toml.old1.tmp", settings / ".config.toml.now2.tmp"
    crashed.write_text("[breaks]\n")
    saving.write_text("[breaks]\n")
    os.utime(crashed, (time.time() - 3600, time.time() - 3600))
    try:
        with running_xvfb(DISPLAY) as display:
            agent.on(display)
            agent.start()
            assert not crashed.exists() and saving.exists()  # an hour old is a crash's; a fresh one is a save's
            assert agent.command("standing").returncode == 0
            assert agent.command("pause", "60").returncode == 0
            before = agent.status()
            agent.kill()  # SIGKILL: nothing runs on the way out
            agent.start()
            after = agent.status()
            agent.stop()
    finally:
        agent.kill()
    assert after["state"] == "paused"
    assert close_to(after["paused_until"], datetime.fromisoformat(before["paused_until"]))
    assert after["standing"] is True
    assert after["today"]["standing_s"] >= before["today"]["standing_s"] - 1
    assert not [p for p in leftovers if p.exists()]  # removed by the second start (the first, too)


@needs_xvfb
def test_pause_until_tomorrow_survives_a_restart(tmp_path):
    agent = Agent(tmp_path)
    now = datetime.now()
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "session.json").write_text(json.dumps({
        "version": 1, "day": now.date().isoformat(), "paused_until": midnight.isoformat(timespec="seconds"),
        "standing": False}))
    HistoryStore(tmp_path / "data").write("earlier", [DayRow(now.date().isoformat(), sitting_s=3600.0, taken=2)], [])
    try:
        with running_xvfb(DISPLAY) as display:
            agent.on(display)
            agent.start()
            status = agent.status()
            agent.stop()
    finally:
        agent.kill()
    if datetime.now().date() == now.date():  # not across midnight while the test ran
        assert status["state"] == "paused" and close_to(status["paused_until"], midnight)
        assert status["today"]["breaks_taken"] == 2 and status["today"]["sitting_s"] >= 3600


def test_an_oversized_state_file_is_kept_aside_unread(tmp_path, caplog):
    path = tmp_path / "checklists.json"
    path.write_text('{"version": 1, "ticked": {"posture": {' +
                    ", ".join(f'"id{n}": "2026-01-01"' for n in range(20000)) + "}}}")
    assert path.stat().st_size > MAX_BYTES
    store = StateStore(tmp_path)
    assert store.state.ticked == {}
    assert store.kept_aside is not None and store.kept_aside.exists()
    assert "more than the" in caplog.text
    assert store.save() and json.loads(path.read_text())["ticked"] == {}


@needs_xvfb
def test_yesterdays_totals_and_standing_are_not_taken_up_but_a_running_pause_is(tmp_path):
    agent = Agent(tmp_path)
    now = datetime.now()
    until = now + timedelta(minutes=30)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "session.json").write_text(json.dumps({
        "version": 1, "day": (now - timedelta(days=1)).date().isoformat(),
        "paused_until": until.isoformat(timespec="seconds"), "standing": True,
        "today": {"sitting_s": 3600.0, "breaks_taken": 2}}))
    yesterday = (now - timedelta(days=1)).date().isoformat()  # the history holds yesterday's rows
    HistoryStore(tmp_path / "data").write("yesterday", [DayRow(yesterday, sitting_s=3600.0, taken=2)], [])
    Journal(tmp_path / "data").save(Pending({"late": [DayRow(yesterday, sitting_s=600.0, taken=1)]}))
    try:
        with running_xvfb(DISPLAY) as display:
            agent.on(display)
            agent.start()
            status = agent.status()
            agent.stop()
    finally:
        agent.kill()
    assert status["state"] == "paused" and close_to(status["paused_until"], until)
    assert status["standing"] is False and status["today"]["breaks_taken"] == 0


@needs_xvfb
def test_todays_totals_after_kill_9_come_from_the_history_without_counting_twice(tmp_path):
    """Two earlier runs of today left rows (one in the history file, one killed before SQLite loaded,
    in the pending file) and a session file of an older Upright with other totals: the agent
    starts from the history's, ended-early breaks included; killed twice more, it neither loses
    them nor counts them again, and the history adds up to what `status` says."""
    today = datetime.now().date()
    data = tmp_path / "data"
    data.mkdir()
    HistoryStore(data).write("earlier", [DayRow(today.isoformat(), sitting_s=3600.0, longest_bout_s=1500.0,
                                                 prompts=4, taken=2, postponed=1, ended_early=1)], [])
    Journal(data).save(Pending({"killed": [DayRow(today.isoformat(), sitting_s=600.0, prompts=1, skipped=1)]}))
    (data / "session.json").write_text(json.dumps({
        "version": 1, "day": today.isoformat(), "paused_until": None, "standing": False,
        "today": {"sitting_s": 99999.0, "breaks_taken": 9, "ended_early": 7}}))  # ignored: not the history
    with running_xvfb(None) as display:
        agent = Agent(tmp_path, display)
        try:
            agent.start()
            first = agent.status()["today"]
            assert not sqlite_loaded(agent.process.pid)  # the history file was read by a child
            started = time.monotonic()
            assert agent.command("standing").returncode == 0
            time.sleep(2)
            assert agent.command("sitting").returncode == 0  # a change: the day so far is written at once
            counted = agent.status()["today"]
            for _ in range(2):
                agent.kill()
                agent.start()
                again = agent.status()["today"]
                assert not sqlite_loaded(agent.process.pid)
                elapsed = time.monotonic() - started
                assert {k: again[k] for k in COUNTS} == {k: counted[k] for k in COUNTS}, again
                assert counted["standing_s"] - 0.5 <= again["standing_s"] <= counted["standing_s"] + 0.5
                assert counted["sitting_s"] - 1 <= again["sitting_s"] <= 4200 + elapsed + 1, again
            agent.stop()
        finally:
            agent.kill()
    assert {k: first[k] for k in COUNTS} == {"prompts": 5, "breaks_taken": 2, "postponed": 1, "skipped": 1,
                                              "ended_early": 1, "natural_breaks": 0}
    assert 4200 <= first["sitting_s"] < 4200 + 60 and first["longest_bout_s"] >= 1500
    assert counted["standing_s"] >= 1.5
    [day] = reader.read(data, today, today).days  # every run's rows, each once
    assert (day.prompts, day.taken, day.postponed, day.skipped, day.ended_early) == (5, 2, 1, 1, 1)
    assert counted["standing_s"] - 0.5 <= day.standing_s <= counted["standing_s"] + 0.5
    assert 4200 <= day.sitting_s <= 4200 + (time.monotonic() - started) + 1


def sqlite_loaded(pid: int) -> bool:
    """SQLite's library is mapped into the process: 1.5 MiB the agent keeps for the rest of the day."""
    return "sqlite3" in Path(f"/proc/{pid}/maps").read_text()


COUNTS = ("prompts", "breaks_taken", "postponed", "skipped", "ended_early", "natural_breaks")
