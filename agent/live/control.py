r"""Control of the running agent from the command line, over a per-user socket.

`upright status`, `upright break`... connect to a Unix socket in the user's
runtime directory (mode 0600, in a 0700 folder: other users cannot talk to
it), send one JSON request line and read one JSON reply line. The agent's
side runs in a thread that only hands requests to the agent's queue.

Windows has no Unix sockets here, so the same JSON travels over a named pipe
(`\\.\pipe\upright-DOMAIN-user`) through `multiprocessing.connection`. A
pipe's name is open to every process on the machine, so both ends prove
they know a random key kept in the user's own runtime folder (an HMAC
challenge each way) before a word is exchanged. NOT RUN ON WINDOWS: the pipe
code runs in the tests with a Unix socket standing in for the pipe (set
UPRIGHT_CONTROL_PIPE=1), which is the one thing that differs.

One agent per session: `run` holds an exclusive lock on a file beside the
socket for its whole life, so two agents starting at once cannot both win.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import socket
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

from agent.files import atomic

ENV_DIR = "UPRIGHT_RUNTIME_DIR"
PIPE_ENV = "UPRIGHT_CONTROL_PIPE"  # "1": the pipe transport on any system (tests)
REQUEST_LIMIT = 4096  # bytes; a control request is a few dozen
TIMEOUT_S = 5.0


class NotRunning(Exception):
    """No agent answers on the socket."""


class AlreadyRunning(Exception):
    """Another agent holds this session's lock."""


def runtime_dir() -> Path:
    """The folder for the socket and lock: $UPRIGHT_RUNTIME_DIR, $XDG_RUNTIME_DIR/upright, or /tmp."""
    if os.environ.get(ENV_DIR):
        folder = Path(os.environ[ENV_DIR])
    elif os.environ.get("XDG_RUNTIME_DIR"):
        folder = Path(os.environ["XDG_RUNTIME_DIR"]) / "upright"
    elif sys.platform == "win32":
        folder = Path(tempfile.gettempdir()) / "upright"  # %TEMP% is the user's own
    else:
        folder = Path(tempfile.gettempdir()) / f"upright-{os.getuid()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def socket_path() -> Path:
    return runtime_dir() / "control.sock"


def pipe_address() -> tuple[str, str] | None:
    """(address, multiprocessing family) when requests go over a pipe, else None."""
    if sys.platform == "win32":
        user = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{os.environ.get('USERDOMAIN', '')}-{getpass.getuser()}")
        return rf"\\.\pipe\upright-{user}", "AF_PIPE"
    if os.environ.get(PIPE_ENV) == "1":
        return str(runtime_dir() / "control.pipe"), "AF_UNIX"
    return None


def key_path() -> Path:
    return runtime_dir() / "control.key"


def send(command: str, **args: Any) -> dict:
    """Send one command to the running agent and return its reply."""
    request = json.dumps({"command": command, **args}).encode()
    pipe = pipe_address()
    where = pipe[0] if pipe else socket_path()
    try:
        reply = _ask_pipe(pipe, request) if pipe else _ask_socket(socket_path(), request)
    except (FileNotFoundError, ConnectionRefusedError):
        raise NotRunning("Upright is not running") from None
    except OSError as error:
        raise NotRunning(f"Upright did not answer on {where}: {error}") from None
    try:
        return json.loads(reply)
    except ValueError:
        raise NotRunning(f"Upright answered nonsense on {where}") from None


def _ask_socket(path: Path, request: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(TIMEOUT_S)
        conn.connect(str(path))
        conn.sendall(request + b"\n")
        return _read_line(conn)


def _ask_pipe(pipe: tuple[str, str], request: bytes) -> bytes:
    from multiprocessing import AuthenticationError
    from multiprocessing.connection import Client

    key = key_path().read_bytes()  # none: no agent has started in this session
    try:
        with Client(pipe[0], family=pipe[1], authkey=key) as conn:
            conn.send_bytes(request)
            return _receive(conn)
    except AuthenticationError as error:  # a stale key, or someone else's pipe
        raise OSError(f"the agent did not prove it knows this session's key ({error})") from None


def _receive(conn: Any) -> bytes:
    """One message from a multiprocessing connection, within the time and size limits."""
    if not conn.poll(TIMEOUT_S):
        raise TimeoutError("no answer in time")
    return conn.recv_bytes(REQUEST_LIMIT)


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n") and len(data) <= REQUEST_LIMIT:
        chunk = conn.recv(REQUEST_LIMIT)
        if not chunk:
            break
        data += chunk
    return data


class Server:
    """The agent's end: accepts requests in a thread, answers via `handle`.

    Made early (it takes the session's lock and binds the socket, so a second
    agent stops before loading anything), started once the agent can answer.
    `handle(request) -> reply` is called on the server thread and must hand
    the work to the agent's own thread (see `app.ask`), waiting for the answer
    with a timeout.
    """

    def __init__(self) -> None:
        self._handle: Callable[[dict], dict] | None = None
        self._lock_file = _take_lock(runtime_dir() / "agent.lock")
        pipe = pipe_address()
        self._endpoint = _PipeEndpoint(pipe) if pipe else _SocketEndpoint(socket_path())
        self._thread = threading.Thread(target=self._serve, name="upright-control", daemon=True)

    def start(self, handle: Callable[[dict], dict]) -> None:
        """Answer requests from now on; until then they wait in the listen queue."""
        self._handle = handle
        self._thread.start()

    def close(self) -> None:
        self._endpoint.close()
        self._lock_file.close()

    def _serve(self) -> None:
        while True:
            try:
                conversation = self._endpoint.accept()
            except _Refused:
                continue
            except OSError:
                return  # closed
            with conversation:
                self._answer(conversation)

    def _answer(self, conversation: "_Conversation") -> None:
        try:
            request = json.loads(conversation.receive())
            if not isinstance(request, dict) or not isinstance(request.get("command"), str):
                raise ValueError("not a command")
            reply = self._handle(request)
        except ValueError:
            reply = {"ok": False, "error": "malformed request"}
        except OSError:
            return
        try:
            conversation.send(json.dumps(reply).encode())
        except OSError:
            pass


class _Refused(Exception):
    """A caller that could not prove it knows the key: not answered, the server goes on."""


class _Conversation:
    """One request and its reply on an accepted connection."""

    def __init__(self, conn: Any, receive: Callable[[], bytes], send: Callable[[bytes], None]) -> None:
        self._conn, self.receive, self.send = conn, receive, send

    def __enter__(self) -> "_Conversation":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._conn.close()


class _SocketEndpoint:
    """The Unix socket, born 0600."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)  # a stale socket from a crashed agent: we hold the lock
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_mask = os.umask(0o177)  # the socket is born 0600, with no window for others
        try:
            self._sock.bind(str(path))
        finally:
            os.umask(old_mask)
        self._sock.listen(8)

    def accept(self) -> _Conversation:
        conn, _ = self._sock.accept()
        conn.settimeout(TIMEOUT_S)
        return _Conversation(conn, lambda: _read_line(conn), lambda data: conn.sendall(data + b"\n"))

    def close(self) -> None:
        self.path.unlink(missing_ok=True)
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()


class _PipeEndpoint:
    """The named pipe (a Unix socket in tests), guarded by a fresh key for each agent."""

    def __init__(self, pipe: tuple[str, str]) -> None:
        from multiprocessing.connection import Listener

        self._key = os.urandom(32)
        atomic.write_bytes(key_path(), self._key)  # 0600 where modes exist; %TEMP% is the user's own
        if pipe[1] == "AF_UNIX":
            Path(pipe[0]).unlink(missing_ok=True)  # stale, from a crashed agent: we hold the lock
        self._listener = Listener(pipe[0], family=pipe[1], authkey=self._key)

    def accept(self) -> _Conversation:
        from multiprocessing import AuthenticationError

        try:
            conn = self._listener.accept()
        except (AuthenticationError, EOFError) as error:  # a wrong key, or a caller that hung up
            raise _Refused(str(error)) from None
        return _Conversation(conn, lambda: _receive(conn), conn.send_bytes)

    def close(self) -> None:
        self._listener.close()
        key_path().unlink(missing_ok=True)


def _take_lock(path: Path):
    """Hold an exclusive lock for the agent's life, or say who has it."""
    handle = open(path, "a+")
    try:
        _lock_exclusively(handle)
    except OSError:  # BlockingIOError on POSIX, PermissionError on Windows
        handle.close()
        raise AlreadyRunning("Upright is already running in this session") from None
    return handle


def _lock_exclusively(handle: Any) -> None:
    """Lock the whole file without waiting; OSError if another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
