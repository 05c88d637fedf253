"""The control socket: private, one agent per session, bad requests answered, never fatal."""

import os
import socket
import stat

import pytest

from agent import control


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    folder = tmp_path / "run"
    monkeypatch.setenv(control.ENV_DIR, str(folder))
    return folder


@pytest.fixture
def server(runtime):
    seen = []

    def handle(request):
        seen.append(request)
        return {"ok": True, "echo": request["command"]}

    srv = control.Server()
    srv.start(handle)
    srv.seen = seen
    yield srv
    srv.close()


def raw(payload: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(5)
        conn.connect(str(control.socket_path()))
        conn.sendall(payload)
        conn.shutdown(socket.SHUT_WR)
        return conn.recv(4096)


def test_round_trip(server):
    assert control.send("status") == {"ok": True, "echo": "status"}
    assert server.seen == [{"command": "status"}]


def test_socket_and_folder_are_private(server, runtime):
    assert stat.S_IMODE(os.stat(control.socket_path()).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(runtime).st_mode) == 0o700


@pytest.mark.parametrize("payload", [b"not json\n", b"[1, 2]\n", b'{"command": 5}\n', b"\xff\xfe\n", b"x" * 10000])
def test_malformed_requests_get_an_answer_and_the_server_lives_on(server, payload):
    assert raw(payload) == b'{"ok": false, "error": "malformed request"}\n'
    assert control.send("status")["ok"] is True
    assert server.seen == [{"command": "status"}]


def test_a_second_agent_is_refused(server):
    with pytest.raises(control.AlreadyRunning):
        control.Server()


def test_no_agent_means_not_running(runtime):
    with pytest.raises(control.NotRunning, match="not running"):
        control.send("status")


def test_a_stale_socket_from_a_crashed_agent_is_replaced(runtime):
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(control.socket_path()))  # bound, never listening, then abandoned
    stale.close()
    with pytest.raises(control.NotRunning):
        control.send("status")
    srv = control.Server()
    srv.start(lambda request: {"ok": True})
    try:
        assert control.send("status") == {"ok": True}
    finally:
        srv.close()
    assert not control.socket_path().exists()
