"""A pause, standing and today's totals survive kill -9 (issue 17, cases 7 and 9).

Before: the agent came back `working`, sitting, with today's totals at zero;
crash leftovers (`.checklists.json.*.tmp`) stayed for ever; a state file of
any size was read whole.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta

from agent.content.checklist_state import MAX_BYTES, StateStore
from tests.faults.agent_session import DISPLAY, Agent, needs_xvfb, running_xvfb


def close_to(text: str, when: datetime) -> bool:
    """The agent writes times to the second, from a monotonic clock: allow for the rounding."""
    return abs(datetime.fromisoformat(text) - when) <= timedelta(seconds=2)


@needs_xvfb
def test_a_pause_and_standing_survive_kill_9(tmp_path):
    agent = Agent(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    leftovers = [data / f".checklists.json.{n}abc.tmp" for n in range(3)] + [data / ".session.json.x.tmp"]
    for leftover in leftovers:
        leftover.write_text("{half a save")
    try:
        with running_xvfb(DISPLAY):
            agent.start()
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
        "standing": False, "today": {"sitting_s": 3600.0, "breaks_taken": 2}}))
    try:
        with running_xvfb(DISPLAY):
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


def test_only_our_own_leftovers_are_removed(tmp_path):
    from agent.files import atomic

    ours = tmp_path / ".exercises.json.k2j3.tmp"
    ours.write_text("{")
    other = tmp_path / ".notes.txt.k2j3.tmp"
    other.write_text("someone else's")
    target = tmp_path / "precious"
    target.write_text("keep")
    link = tmp_path / ".checklists.json.zz.tmp"
    os.symlink(target, link)
    removed = atomic.remove_leftovers(tmp_path, ["checklists.json", "exercises.json"])
    assert removed == [ours]
    assert other.exists() and target.read_text() == "keep" and link.is_symlink()


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
    try:
        with running_xvfb(DISPLAY):
            agent.start()
            status = agent.status()
            agent.stop()
    finally:
        agent.kill()
    assert status["state"] == "paused" and close_to(status["paused_until"], until)
    assert status["standing"] is False and status["today"]["breaks_taken"] == 0
