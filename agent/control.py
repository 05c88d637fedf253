"""Control of the running agent from the command line, over a per-user socket.

`upright status`, `upright break`... connect to a Unix socket in the user's
runtime directory (mode 0600, in a 0700 folder: other users cannot talk to
it), send one JSON request line and read one JSON reply line. The agent's
side runs in a thread that only hands requests to the agent's queue.

One agent per session: `run` holds an exclusive lock on a file beside the
socket for its whole life, so two agents starting at once cannot both win.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

ENV_DIR = "UPRIGHT_RUNTIME_DIR"
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
    else:
        folder = Path(tempfile.gettempdir()) / f"upright-{os.getuid()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def socket_path() -> Path:
    return runtime_dir() / "control.sock"


def send(command: str, **args: Any) -> dict:
    """Send one command to the running agent and return its reply."""
    path = socket_path()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(TIMEOUT_S)
            conn.connect(str(path))
            conn.sendall(json.dumps({"command": command, **args}).encode() + b"\n")
            reply = _read_line(conn)
    except (FileNotFoundError, ConnectionRefusedError):
        raise NotRunning("Upright is not running") from None
    except OSError as error:
        raise NotRunning(f"Upright did not answer on {path}: {error}") from None
    try:
        return json.loads(reply)
    except ValueError:
        raise NotRunning(f"Upright answered nonsense on {path}") from None


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
        self.path = socket_path()
        self.path.unlink(missing_ok=True)  # a stale socket from a crashed agent: we hold the lock
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_mask = os.umask(0o177)  # the socket is born 0600, with no window for others
        try:
            self._sock.bind(str(self.path))
        finally:
            os.umask(old_mask)
        self._sock.listen(8)
        self._thread = threading.Thread(target=self._serve, name="upright-control", daemon=True)

    def start(self, handle: Callable[[dict], dict]) -> None:
        """Answer requests from now on; until then they wait in the listen queue."""
        self._handle = handle
        self._thread.start()

    def close(self) -> None:
        self.path.unlink(missing_ok=True)
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        self._lock_file.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed
            with conn:
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(TIMEOUT_S)
        try:
            request = json.loads(_read_line(conn))
            if not isinstance(request, dict) or not isinstance(request.get("command"), str):
                raise ValueError("not a command")
            reply = self._handle(request)
        except ValueError:
            reply = {"ok": False, "error": "malformed request"}
        except OSError:
            return
        try:
            conn.sendall(json.dumps(reply).encode() + b"\n")
        except OSError:
            pass


def _take_lock(path: Path):
    """Hold an exclusive lock for the agent's life, or say who has it."""
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise AlreadyRunning("Upright is already running in this session") from None
    return handle
