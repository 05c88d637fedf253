"""The control socket: private, one agent per session, bad requests answered, never fatal."""

import os
import socket
import stat

import pytest

from agent.live import control


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


# --- the pipe transport (Windows), with a Unix socket standing in for the pipe ----------


@pytest.fixture
def pipe_server(runtime, monkeypatch):
    monkeypatch.setenv(control.PIPE_ENV, "1")
    seen = []
    srv = control.Server()
    srv.start(lambda request: seen.append(request) or {"ok": True, "echo": request["command"]})
    srv.seen = seen
    yield srv
    srv.close()


def test_over_the_pipe_a_request_gets_its_reply(pipe_server):
    assert control.send("status") == {"ok": True, "echo": "status"}
    assert control.send("pause", minutes=5) == {"ok": True, "echo": "pause"}
    assert pipe_server.seen == [{"command": "status"}, {"command": "pause", "minutes": 5}]


def test_the_pipe_key_is_private_fresh_and_gone_with_the_agent(pipe_server, runtime, monkeypatch):
    key = control.key_path()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    pipe_server.close()
    assert not key.exists()
    with pytest.raises(control.NotRunning, match="not running"):
        control.send("status")


def test_a_caller_without_the_key_is_refused_and_the_agent_goes_on(pipe_server):
    from multiprocessing import AuthenticationError
    from multiprocessing.connection import Client

    address, family = control.pipe_address()
    with pytest.raises(AuthenticationError):
        Client(address, family=family, authkey=b"not the key")
    assert control.send("status")["ok"] is True
    assert pipe_server.seen == [{"command": "status"}]  # the stranger's words never reached the agent


def test_an_agent_that_cannot_prove_the_key_is_not_believed(pipe_server):
    control.key_path().write_bytes(b"a key from another agent, long gone")
    with pytest.raises(control.NotRunning, match="did not prove it knows"):
        control.send("status")
    assert pipe_server.seen == []


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b'{"command": 5}', b"\xff\xfe", b"x" * 10000])
def test_over_the_pipe_malformed_requests_get_an_answer(pipe_server, payload):
    from multiprocessing.connection import Client

    address, family = control.pipe_address()
    with Client(address, family=family, authkey=control.key_path().read_bytes()) as conn:
        conn.send_bytes(payload)
        try:
            answer = conn.recv_bytes() if conn.poll(5) else b""
        except (EOFError, ConnectionResetError):
            answer = b""
    assert answer == b'{"ok": false, "error": "malformed request"}'  # too long too: answered, unread
    assert control.send("status")["ok"] is True


def test_over_the_pipe_a_second_agent_is_refused(pipe_server):
    with pytest.raises(control.AlreadyRunning):
        control.Server()


def test_the_windows_pipe_is_named_for_the_user(monkeypatch):
    monkeypatch.setattr(control.sys, "platform", "win32")
    monkeypatch.setenv("USERDOMAIN", "CORP")
    monkeypatch.setattr(control.getpass, "getuser", lambda: "ann o'neil")
    assert control.pipe_address() == (r"\\.\pipe\upright-CORP-ann_o_neil", "AF_PIPE")


def test_the_folder_it_named_may_be_readable_by_others_the_others_may_not(tmp_path, monkeypatch):
    """A folder named in UPRIGHT_RUNTIME_DIR need only be closed to writers (IT may share it for
    reading); $XDG_RUNTIME_DIR/upright and the /tmp fallback must be closed to everyone else."""
    named = tmp_path / "named"
    named.mkdir(mode=0o750)
    named.chmod(0o750)
    monkeypatch.setenv(control.ENV_DIR, str(named))
    assert control.runtime_dir() == named
    named.chmod(0o770)
    with pytest.raises(control.FolderProblem, match="open to other users \\(mode 0770\\)"):
        control.runtime_dir()
    monkeypatch.delenv(control.ENV_DIR)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "xdg"))
    (tmp_path / "xdg" / "upright").mkdir(parents=True, mode=0o750)
    (tmp_path / "xdg" / "upright").chmod(0o750)
    with pytest.raises(control.FolderProblem, match="open to other users \\(mode 0750\\)"):
        control.runtime_dir()


def test_a_socket_path_of_exactly_the_limit_is_used_one_byte_more_falls_back(tmp_path, monkeypatch):
    monkeypatch.delenv(control.ENV_DIR, raising=False)
    monkeypatch.setattr(control.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    room = control.SOCKET_PATH_LIMIT - len(os.fsencode(tmp_path / "x" / "upright" / "control.sock"))
    for extra, expected in ((0, None), (1, tmp_path / "tmp" / f"upright-{os.getuid()}")):
        xdg = tmp_path / ("x" * (1 + room + extra))
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(xdg))
        assert len(os.fsencode(xdg / "upright" / "control.sock")) == control.SOCKET_PATH_LIMIT + extra
        assert control.runtime_dir() == (expected or xdg / "upright")


def test_where_the_socket_lock_and_key_live(tmp_path, monkeypatch):
    """The files other tools and IT scripts know by name, in the folder each platform gives."""
    monkeypatch.delenv(control.ENV_DIR, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "xdg"))
    assert control.runtime_dir() == tmp_path / "xdg" / "upright"
    assert (control.socket_path(), control.key_path()) == (tmp_path / "xdg" / "upright" / "control.sock",
                                                          tmp_path / "xdg" / "upright" / "control.key")
    monkeypatch.setenv(control.ENV_DIR, str(tmp_path / "own" / "deeper"))  # the override wins; folders made
    assert control.runtime_dir() == tmp_path / "own" / "deeper" and (tmp_path / "own" / "deeper").is_dir()
    monkeypatch.delenv(control.ENV_DIR)
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setattr(control.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    assert control.runtime_dir() == tmp_path / "tmp" / f"upright-{os.getuid()}"
    monkeypatch.setattr(control.sys, "platform", "win32")
    assert control.runtime_dir() == tmp_path / "tmp" / "upright"  # %TEMP% is already the user's own
    monkeypatch.setattr(control.sys, "platform", "linux")
    monkeypatch.setenv(control.PIPE_ENV, "1")
    assert control.pipe_address() == (str(tmp_path / "tmp" / f"upright-{os.getuid()}" / "control.pipe"), "AF_UNIX")


def _read_from(*chunks: bytes, hang_up: bool = True, limit: int = 8, wait: float = 2.0):
    """What the agent reads of one request sent in `chunks`, 50 ms apart, over a real socket pair."""
    import threading
    import time

    ours, theirs = socket.socketpair()

    def send():
        for chunk in chunks:
            theirs.sendall(chunk)
            time.sleep(0.05)
        if hang_up:
            theirs.shutdown(socket.SHUT_WR)

    sender = threading.Thread(target=send)
    with ours, theirs:
        sender.start()
        try:
            return control._read_line(ours, time.monotonic() + wait, limit)
        finally:
            sender.join()


def test_a_request_line_is_read_across_chunks_up_to_its_first_newline():
    assert _read_from(b"ab", b"cd", b"\nnext\n") == b"abcd"
    assert _read_from(b"one\ntwo\nthree\n") == b"one"


def test_a_caller_that_hangs_up_early_gives_what_it_sent():
    assert _read_from(b"sta", b"tus") == b"status"
    assert _read_from() == b""


def test_a_line_of_exactly_the_limit_is_read_one_byte_more_is_refused():
    assert _read_from(b"12345678\n") == b"12345678"
    with pytest.raises(control._TooLong):
        _read_from(b"1234", b"56789\n")


def test_a_caller_that_sends_nothing_in_time_is_dropped():
    with pytest.raises(TimeoutError):
        _read_from(b"stat", hang_up=False, wait=0.2)
