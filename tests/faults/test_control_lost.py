"""The control socket removed or replaced under a running agent (issue 17: an agent nobody can reach stops).

Before: the agent lived on holding the lock, so `upright status` said "not
running" (socket removed) or talked to whatever now sat at the path (socket
replaced), and a new `upright run` said "already running": no working agent
until someone killed the old one. After: within CHECK_S the agent logs one
clear line and stops with exit status 4 (EXIT_CONTROL_LOST), releasing the
lock; a file put in the socket's place is left alone; a new agent starts.
"""

from __future__ import annotations

import fcntl
import os
import socket
import threading
import time

import pytest

from agent.live import control
from agent.live.run import EXIT_CONTROL_LOST
from tests.faults.agent_session import Agent, needs_xvfb, running_xvfb

NOTICE_S = control.CHECK_S + 3  # the check's period, and a margin for a loaded machine


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv(control.ENV_DIR, str(tmp_path / "run"))
    monkeypatch.delenv(control.PIPE_ENV, raising=False)
    srv = control.Server()
    srv.died = threading.Event()
    srv.start(lambda request: {"ok": True}, on_death=srv.died.set)
    yield srv
    srv.close()


def test_a_removed_socket_stops_the_server_with_a_clear_line(server, caplog):
    control.socket_path().unlink()
    assert server.died.wait(NOTICE_S), "the server did not notice its socket was removed"
    assert f"the control socket {control.socket_path()} was removed" in caplog.text
    assert "Traceback" not in caplog.text


def test_a_replaced_socket_stops_the_server_and_the_new_one_is_left_alone(server, caplog):
    path = control.socket_path()
    path.unlink()
    impostor = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    impostor.bind(str(path))  # another program's socket at our path
    impostor.listen(1)
    try:
        assert server.died.wait(NOTICE_S), "the server did not notice its socket was replaced"
        server.close()
        assert path.exists(), "closing removed a socket that is not the agent's"
    finally:
        impostor.close()
    assert "was replaced by another file" in caplog.text


def test_a_busy_channel_is_still_checked(server, tmp_path):
    """Callers arriving all the time never let accept time out: the check runs by the clock too.
    (They call through a second name of the same socket, which the removal leaves.)"""
    side_door = tmp_path / "side.sock"
    os.link(control.socket_path(), side_door)
    stop = threading.Event()

    def call_all_the_time() -> None:
        while not stop.is_set():
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(5)
                try:
                    conn.connect(str(side_door))
                    conn.sendall(b'{"command": "status"}\n')
                    conn.recv(100)
                except OSError:  # the server stopped (the test's end): nobody to call
                    return

    caller = threading.Thread(target=call_all_the_time, daemon=True)
    caller.start()
    try:
        time.sleep(0.5)
        control.socket_path().unlink()
        assert server.died.wait(NOTICE_S)
        assert caller.is_alive(), "the callers stopped: the test proved nothing"
    finally:
        stop.set()
        caller.join(10)


@needs_xvfb
@pytest.mark.parametrize("how", ["removed", "replaced"])
def test_the_agent_exits_4_when_its_socket_goes_and_a_new_one_starts(tmp_path, how):
    with running_xvfb(None) as display:
        agent = Agent(tmp_path, display)
        try:
            agent.start()
            path = agent.runtime / "control.sock"
            path.unlink()
            if how == "replaced":
                path.write_text("not a socket")
            status = agent.wait_exit(NOTICE_S + 10)  # + the agent's own way out
            assert status == EXIT_CONTROL_LOST, f"exit {status}\n{agent.output.read_text()[-1500:]}"
            log = agent.log.read_text()
            assert log.count(f"the control socket {path} was {how}") == 1, log[-2000:]
            assert "Traceback" not in log
            with open(agent.runtime / "agent.lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released: no BlockingIOError
                fcntl.flock(lock, fcntl.LOCK_UN)
            if how == "replaced":
                assert path.read_text() == "not a socket"  # not the agent's to remove
                path.unlink()  # what the user would do: `upright run` refuses a file in the way
            agent.start()
            assert agent.status()["state"]
            agent.stop()
        finally:
            agent.kill()
