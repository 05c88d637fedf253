"""The control channel against hostile and broken callers (issue 17, cases 1-3).

A real server (control.Server) with a stand-in handler, real sockets, and the
real `upright status` command as the caller. Each case ran on the code before
this fix and failed as described in its docstring.
"""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from agent.live import control
from tests.faults.helpers import upright

ANSWER_S = 1.5  # the figure: `upright status` answers within this while under attack
DEEP = b"[" * 5000 + b"\n"  # 5,001 bytes: a RecursionError in json.loads


@pytest.fixture(params=["socket", "pipe"])
def transport(request, tmp_path, monkeypatch):
    folder = tmp_path / "run"
    monkeypatch.setenv(control.ENV_DIR, str(folder))
    if request.param == "pipe":
        monkeypatch.setenv(control.PIPE_ENV, "1")
    else:
        monkeypatch.delenv(control.PIPE_ENV, raising=False)
    return request.param


@pytest.fixture
def server(transport):
    deaths = []
    srv = control.Server()
    srv.start(lambda request: {"ok": True, "state": "working", "sitting_s": 60.0, "next_break_in_s": 600.0,
                               "standing": False, "paused_until": None},
              on_death=lambda: deaths.append(True))
    srv.deaths = deaths
    yield srv
    srv.close()


def status_time() -> float:
    """Seconds `upright status` takes to answer; fails if it does not."""
    result, took = upright("status", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["state"] == "working"
    return took


def connect_raw() -> socket.socket:
    """A connection to whichever endpoint is in use, nothing sent."""
    pipe = control.pipe_address()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(pipe[0] if pipe else str(control.socket_path()))  # blocking: waits for room in the queue
    conn.settimeout(5)
    return conn


def keyed(conn_factory=None):
    """A pipe connection that has passed the key exchange (multiprocessing's own handshake)."""
    from multiprocessing.connection import Client

    address, family = control.pipe_address()
    return Client(address, family=family, authkey=control.key_path().read_bytes())


def test_a_5000_deep_request_is_answered_and_the_server_lives_on(server, transport):
    """Before: RecursionError killed the server thread; every later status failed after 5 s."""
    if transport == "socket":
        with connect_raw() as conn:
            conn.sendall(DEEP)
            conn.shutdown(socket.SHUT_WR)
            assert conn.recv(4096) == b'{"ok": false, "error": "malformed request"}\n'
        deep_but_short = b"[" * 3000 + b"\n"  # under the size cap: the parser itself recurses
        with connect_raw() as conn:
            conn.sendall(deep_but_short)
            assert conn.recv(4096) == b'{"ok": false, "error": "malformed request"}\n'
    else:
        for payload in (DEEP[:-1], b"[" * 3000):
            with keyed() as conn:
                conn.send_bytes(payload)
                assert conn.poll(5) and conn.recv_bytes() == b'{"ok": false, "error": "malformed request"}'
    assert status_time() < ANSWER_S
    assert server.deaths == []


def test_eight_half_open_clients_do_not_hold_up_status(server, transport):
    """Before: one connection at a time; 8 silent ones made status fail after 5.1 s, 'not running'."""
    held = [connect_raw() for _ in range(8)]
    for conn in held[:4]:
        conn.sendall(b'{"command": "sta')  # half a request, then silence
    try:
        took = status_time()
    finally:
        for conn in held:
            conn.close()
    assert took < ANSWER_S, f"status took {took:.2f} s with 8 half-open clients"


def test_two_hundred_idle_clients_do_not_lock_everyone_out(server, transport):
    """Before: 200 idle clients filled the listen queue. After: the extra ones are turned away at once,
    the rest hung up on after the read deadline; status answers meanwhile or right after."""
    held = []
    try:
        for _ in range(200):
            held.append(connect_raw())
        result, took = upright("status", "--json")
    finally:
        for conn in held:
            conn.close()
    assert result.returncode == 0, result.stderr
    assert took < control.READ_DEADLINE_S + 1.5


@pytest.mark.parametrize("transport", ["pipe"], indirect=True)
def test_garbage_after_the_key_exchange_is_answered_and_the_pipe_lives_on(server, transport):
    """Before (pipe): OSError('bad message length') was not caught and killed the server thread;
    then status hung with no limit."""
    with keyed() as conn:
        conn._send(b"\x7f\xff\xff\xff" + b"garbage")  # a length header of 2 GiB, then rubbish
        assert conn.poll(5) and conn.recv_bytes() == b'{"ok": false, "error": "malformed request"}'
    assert status_time() < ANSWER_S
    assert server.deaths == []


@pytest.mark.parametrize("transport", ["pipe"], indirect=True)
def test_garbage_in_place_of_the_key_answer_leaves_the_pipe_serving(server, transport):
    """Before (pipe): the server's challenge answered with a bad length header raised
    OSError('bad message length') in accept(), which ended the server thread for good."""
    with connect_raw() as conn:
        conn.recv(4096)  # the agent's challenge
        conn.sendall(b"\x7f\xff\xff\xff" + b"garbage")
        try:
            conn.recv(4096)  # hung up on
        except ConnectionResetError:
            pass
    assert status_time() < ANSWER_S
    assert server.deaths == []


@pytest.mark.parametrize("transport", ["pipe"], indirect=True)
def test_a_caller_that_stops_half_way_through_the_key_exchange_holds_nobody_up(server, transport):
    """Before (pipe): the handshake ran on the accepting thread without a limit: one mute caller
    made every later status hang."""
    with connect_raw() as mute, connect_raw() as partial:
        partial.sendall(b"\x00\x00\x01\x00" + b"#CHALLENGE#")  # a header for 256 bytes, 11 sent
        took = status_time()
        assert took < ANSWER_S
        mute.settimeout(control.READ_DEADLINE_S + 3)
        started = time.monotonic()
        while mute.recv(4096):  # the challenge, then the agent hangs up on the mute caller
            pass
        assert time.monotonic() - started < control.READ_DEADLINE_S + 2


def test_a_listener_that_never_answers_is_reported_as_not_answering(transport, monkeypatch):
    """Before: 'did not answer ... Start it with: upright run' (socket) or no limit at all (pipe).
    After: within TIMEOUT_S, saying it did not answer in that time, apart from 'not running'."""
    monkeypatch.setattr(control, "TIMEOUT_S", 1.0)
    pipe = control.pipe_address()
    if pipe:
        control.key_path().write_bytes(b"k" * 32)
    mute = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mute.bind(pipe[0] if pipe else str(control.socket_path()))
    mute.listen(8)  # accepted by the kernel, never by anyone
    try:
        started = time.monotonic()
        with pytest.raises(control.NoAnswer, match="did not answer .* in 1 s"):
            control.send("status")
        assert time.monotonic() - started < 1.5
    finally:
        mute.close()
    with pytest.raises(control.NotRunning, match="^Upright is not running$"):
        control.send("status")  # nothing listens any more


def test_the_command_tells_not_running_from_not_answering(transport, tmp_path):
    """The words a person reads, and the exit status, from the real command."""
    result, _ = upright("status")
    assert result.returncode == 1
    assert result.stderr.startswith("upright: Upright is not running.")
    pipe = control.pipe_address()
    if pipe:
        control.key_path().write_bytes(b"k" * 32)
    mute = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mute.bind(pipe[0] if pipe else str(control.socket_path()))
    mute.listen(8)
    try:
        result, took = upright("status")
    finally:
        mute.close()
    assert result.returncode == 1
    assert f"did not answer on {pipe[0] if pipe else control.socket_path()} in 6 s" in result.stderr
    assert "upright run" not in result.stderr.splitlines()[0]
    assert took < control.TIMEOUT_S + 2


def test_a_failing_command_is_answered_and_the_channel_stays(transport):
    """A bug in one command's handling (here: it raises) gives that caller an error, no one else."""
    calls = []

    def handle(request):
        calls.append(request)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return {"ok": True}

    srv = control.Server()
    srv.start(handle)
    try:
        assert control.send("status") == {"ok": False, "error": "the agent failed to answer; see its log"}
        assert control.send("status") == {"ok": True}
    finally:
        srv.close()


def test_if_the_server_dies_anyway_the_agent_is_told_and_it_is_logged(transport, caplog):
    """The accepting thread's last resort: log, then `on_death` (the agent stops with status 4)."""
    srv = control.Server()
    died = threading.Event()

    def broken_accept():
        raise RuntimeError("something nobody foresaw")

    srv._endpoint.accept = broken_accept
    srv.start(lambda request: {"ok": True}, on_death=died.set)
    try:
        assert died.wait(5)
    finally:
        srv.close()
    assert "the control channel stopped" in caplog.text and "something nobody foresaw" in caplog.text


def test_doctor_tells_a_stuck_agent_from_none(transport, monkeypatch):
    """Before: the issue's 'upright doctor reports the agent as fine' while nobody could reach it."""
    from agent.cli import doctor

    monkeypatch.setattr(control, "TIMEOUT_S", 1.0)
    pipe = control.pipe_address()
    if pipe:
        control.key_path().write_bytes(b"k" * 32)
    mute = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mute.bind(pipe[0] if pipe else str(control.socket_path()))
    mute.listen(8)
    try:
        result = doctor.running_agent()
    finally:
        mute.close()
    assert result.status == doctor.WARN and "did not answer" in result.detail
