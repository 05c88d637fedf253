"""The X server dies under a running agent (issue 17, case 4).

Before: with no Tk window loaded the agent lived on, logging a traceback at
every wake-up, unreachable, holding the lock (a new `upright run` said
"already running"); with a window loaded it exited 1 at once with Xlib's
message, no line in its log, the socket left behind. After: either way one
line in the log, the state saved, the socket removed, the lock released,
exit status 3; a new `upright run` on the restarted server answers at once.
"""

from __future__ import annotations

import fcntl
import time

import pytest

from agent.history import reader
from agent.live.run import EXIT_SESSION_ENDED
from tests.faults.agent_session import DISPLAY, Agent, needs_xvfb, running_xvfb

pytestmark = needs_xvfb
STANDING_S = 2.0
NEW_AGENT_S = 10.0  # the figure: a working agent answers this soon after `upright run`


@pytest.mark.parametrize("tk_loaded", [False, True], ids=["no window yet", "a window open"])
def test_the_agent_stops_cleanly_with_the_display_and_a_new_one_starts(tmp_path, tk_loaded):
    agent = Agent(tmp_path)
    try:
        with running_xvfb(DISPLAY) as display:
            agent.on(display)
            agent.start()
            if tk_loaded:
                assert agent.command("break").returncode == 0  # the break window: Tk is up
                time.sleep(1)
            agent.command("standing")
            time.sleep(STANDING_S)  # counted since the command's own save: only the way out saves it
        # The server is gone (the block ended it).
        started = time.monotonic()
        status = agent.wait_exit(15)
        took = time.monotonic() - started
        assert status == EXIT_SESSION_ENDED, f"exit {status}\n{agent.output.read_text()[-1500:]}"
        assert took < 5, f"the agent took {took:.1f} s to notice"
        stopped = took
        log = agent.log.read_text()
        assert log.count("the desktop session ended") == 1, log[-2000:]
        assert "Traceback" not in log
        assert not (agent.runtime / "control.sock").exists()
        with open(agent.runtime / "agent.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released: no BlockingIOError
            fcntl.flock(lock, fcntl.LOCK_UN)
        assert '"standing": true' in (tmp_path / "data" / "session.json").read_text()
        [today] = reader.read(tmp_path / "data").days  # saved on the way out: the minutes since the last save
        assert today.standing_s >= STANDING_S - 0.5, today
        with running_xvfb(display):  # the same display number again, as after a restart of the desktop
            took = agent.start(answer_within=NEW_AGENT_S)
            assert agent.status()["standing"] is True  # taken up again: same day
            agent.stop()
        print(f"stopped {stopped:.2f} s after the X server; new agent answered {took:.2f} s after `upright run`")
    finally:
        agent.kill()
