"""A cold pack on the back survives kill -9 of the agent: the new agent still says to take it off.

The real `upright run` under a real Xvfb, and its real window process (which reports the notice
window mapped on the X server); the pack was
started 14 min 57 s before the agent starts, as a killed agent's session file keeps it.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

from tests.faults.agent_session import Agent, needs_xvfb, running_xvfb


def _mapped_after_due(agent: Agent) -> bool:
    """The window process reported the notice window mapped (its ``opened`` message) after the pack fell due."""
    log = _log(agent)
    due = log.find("the cold pack's time is up")
    return due >= 0 and "notice window mapped" in log[due:]


@needs_xvfb
def test_a_cold_pack_saved_by_a_killed_agent_is_still_taken_off_on_time(tmp_path):
    started = datetime.now() - timedelta(minutes=14, seconds=57)
    data = tmp_path / "data"
    data.mkdir()
    session = data / "session.json"
    session.write_text(json.dumps({"version": 1, "day": datetime.now().date().isoformat(), "paused_until": None,
                                   "standing": False,
                                   "pack": {"kind": "cold", "started": started.isoformat(timespec="seconds"),
                                            "minutes": 15}}))
    with running_xvfb(None) as display:
        agent = Agent(tmp_path, display=display)
        agent.config.write_text(agent.config.read_text() + '[logging]\nlevel = "info"\n')
        try:
            agent.start()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and "the cold pack's time is up" not in _log(agent):
                time.sleep(0.2)
            assert "took up the cold timer started at" in _log(agent)
            assert "the cold pack's time is up" in _log(agent)
            shown = time.monotonic() + 15
            while time.monotonic() < shown and not _mapped_after_due(agent):
                time.sleep(0.2)
            assert _mapped_after_due(agent), f"no notice on the screen\n{_log(agent)}"
            saved = time.monotonic() + 10
            while time.monotonic() < saved and "pack" in json.loads(session.read_text()):
                time.sleep(0.2)
            assert "pack" not in json.loads(session.read_text()), "the finished pack is still saved"
            agent.stop()
        finally:
            agent.kill()


def _log(agent: Agent) -> str:
    return agent.log.read_text(errors="replace") if agent.log.exists() else ""
