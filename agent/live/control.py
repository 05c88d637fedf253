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

Nothing a caller sends can stop the server: each connection has its own
short-lived thread (at most MAX_CLIENTS at once; more are told "busy"), a
deadline to send its request in and a size limit, and every malformed request
gets an error. Callers bound every step (connect, handshake, reply) and tell
"not running" apart from "did not answer in N s". The runtime folder is
trusted only when it is a real folder of our own with no access for others.
On Windows the pipe is made with a security descriptor granting access to
the user's SID alone (agent.live.win_pipe), so other accounts may not open
it. Run under Wine (the descriptor reads back as made); NOT RUN ON WINDOWS.
"""

from __future__ import annotations

import errno
import getpass
import json
import logging
import os
import re
import socket
import stat
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from agent.files import atomic

log = logging.getLogger("agent")

ENV_DIR = "UPRIGHT_RUNTIME_DIR"
PIPE_ENV = "UPRIGHT_CONTROL_PIPE"  # "1": the pipe transport on any system (tests)
REQUEST_LIMIT = 4096  # bytes; a control request is a few dozen
REPLY_LIMIT = 65536  # bytes; a status reply is a few hundred
TIMEOUT_S = 6.0  # a caller's whole wait: the agent's own bound on its answer (5 s) and a margin
READ_DEADLINE_S = 2.0  # a connection's time to send its request (and, over the pipe, prove the key)
MAX_CLIENTS = 32  # connections served at once; more are told "busy" at once
CHECK_S = 2.0  # how often the agent checks that its socket is still there, and still its own
SOCKET_PATH_LIMIT = 100  # bytes: AF_UNIX allows 107 on Linux, 103 on macOS
BUSY = {"ok": False, "error": "busy"}


class NotRunning(Exception):
    """No agent answers on the socket."""


class NoAnswer(NotRunning):
    """Something holds the socket but did not answer in time: an agent that is stuck or overloaded."""


class AlreadyRunning(Exception):
    """Another agent holds this session's lock."""


class ChannelLost(Exception):
    """The socket was removed or replaced under the running agent: nobody can reach it any more."""


class FolderProblem(OSError):
    """The runtime folder, or a file in it, cannot be used safely: what, where, and the fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --- where -------------------------------------------------------------------


def runtime_dir() -> Path:
    """The folder for the socket and lock: $UPRIGHT_RUNTIME_DIR, $XDG_RUNTIME_DIR/upright, or /tmp.

    A folder whose socket path would be longer than AF_UNIX allows gives way
    to the /tmp one. Raises FolderProblem when the folder cannot be made, or
    exists but is not a private folder of this user's.
    """
    folder = _chosen_dir()
    if len(os.fsencode(folder / "control.sock")) > SOCKET_PATH_LIMIT and sys.platform != "win32":
        folder = _fallback_dir()
    # A folder named in UPRIGHT_RUNTIME_DIR (IT, tests) may be readable by others, as before; never writable.
    chosen = bool(os.environ.get(ENV_DIR)) and folder == Path(os.environ[ENV_DIR])
    return _private(folder, closed=0o022 if chosen else 0o077)


def _chosen_dir() -> Path:
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    if os.environ.get("XDG_RUNTIME_DIR"):
        return Path(os.environ["XDG_RUNTIME_DIR"]) / "upright"
    return _fallback_dir()


def _fallback_dir() -> Path:
    if sys.platform == "win32":
        return Path(tempfile.gettempdir()) / "upright"  # %TEMP% is the user's own
    return Path(tempfile.gettempdir()) / f"upright-{os.getuid()}"


def _private(folder: Path, closed: int) -> Path:
    """`folder`, made 0700 if missing; refused unless it is our own real folder, its `closed` mode bits unset."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except FileExistsError:
        raise FolderProblem(f"Upright's runtime folder {folder} exists but is not a folder.\n"
                            f"Fix: remove it, or set {ENV_DIR} to a private folder.") from None
    except OSError as error:
        raise FolderProblem(f"Upright cannot make its runtime folder {folder}: {error.strerror or error}.\n"
                            f"Fix: make {folder.parent} writable for you, or set {ENV_DIR} (or XDG_RUNTIME_DIR) "
                            f"to a folder you own.") from None
    if sys.platform == "win32":
        return folder
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise FolderProblem(f"Upright's runtime folder {folder} is a symbolic link or not a folder; "
                            f"Upright will not use it.\nFix: remove it, or set {ENV_DIR} to a private folder.")
    if info.st_uid != os.getuid():
        raise FolderProblem(f"Upright's runtime folder {folder} belongs to another user (uid {info.st_uid}); "
                            f"Upright will not use it.\nFix: ask an administrator to remove it, or set "
                            f"{ENV_DIR} to a folder of your own.")
    if stat.S_IMODE(info.st_mode) & closed:
        raise FolderProblem(f"Upright's runtime folder {folder} is open to other users "
                            f"(mode {stat.S_IMODE(info.st_mode):04o}); Upright will not use it.\n"
                            f"Fix: chmod 700 {folder}, or remove it.")
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


# --- the caller's end ------------------------------------------------------------


def send(command: str, **args: Any) -> dict:
    """Send one command to the running agent and return its reply, within TIMEOUT_S.

    NotRunning: nothing listens. NoAnswer: something listens but did not
    answer in time. FolderProblem: the runtime folder cannot be trusted.
    """
    request = json.dumps({"command": command, **args}).encode()
    pipe = pipe_address()
    where = pipe[0] if pipe else socket_path()
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        try:
            reply = _ask_pipe(pipe, request, deadline) if pipe else _ask_socket(Path(where), request, deadline)
        except (FileNotFoundError, ConnectionRefusedError):
            raise NotRunning("Upright is not running") from None
        except _Busy:
            if time.monotonic() + 0.1 < deadline:
                time.sleep(0.1)
                continue
            raise NoAnswer(f"Upright did not answer on {where} in {TIMEOUT_S:g} s (it is busy)") from None
        except TimeoutError:
            raise NoAnswer(f"Upright did not answer on {where} in {TIMEOUT_S:g} s") from None
        except OSError as error:
            raise NotRunning(f"Upright did not answer on {where}: {error.strerror or error}") from None
        try:
            answer = json.loads(reply)
        except (ValueError, RecursionError):
            raise NotRunning(f"Upright answered nonsense on {where}") from None
        if answer == BUSY:
            if time.monotonic() + 0.1 < deadline:
                time.sleep(0.1)
                continue
            raise NoAnswer(f"Upright did not answer on {where} in {TIMEOUT_S:g} s (it is busy)")
        return answer


class _Busy(Exception):
    """The agent hung up before the conversation began: too many callers at once."""


def _ask_socket(path: Path, request: bytes, deadline: float) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(_left(deadline))
        try:
            conn.connect(str(path))
        except BlockingIOError:  # the listen queue is full for now
            raise _Busy() from None
        conn.settimeout(_left(deadline))
        try:
            conn.sendall(request + b"\n")
            reply = _read_line(conn, deadline, REPLY_LIMIT)
        except (BrokenPipeError, ConnectionResetError):  # turned away: too many callers at once
            raise _Busy() from None
    if not reply:
        raise _Busy()
    return reply


def _ask_pipe(pipe: tuple[str, str], request: bytes, deadline: float) -> bytes:
    """The pipe's exchange, on a helper thread so that no step (connect, key, reply) can outlast `deadline`."""
    key = key_path().read_bytes()  # none: no agent has started in this session
    outcome: list = []

    def exchange() -> None:
        try:
            outcome.append(_exchange_over_pipe(pipe, key, request, deadline))
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            outcome.append(error)

    helper = threading.Thread(target=exchange, name="upright-pipe-client", daemon=True)
    helper.start()
    helper.join(_left(deadline))
    if not outcome:
        raise TimeoutError()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _exchange_over_pipe(pipe: tuple[str, str], key: bytes, request: bytes, deadline: float) -> bytes:
    from multiprocessing import AuthenticationError
    from multiprocessing.connection import Client, answer_challenge, deliver_challenge

    conn = Client(pipe[0], family=pipe[1])  # no authkey: the key exchange below, within the deadline
    try:
        guarded = _Deadline(conn, deadline)
        try:
            answer_challenge(guarded, key)
            deliver_challenge(guarded, key)
        except AuthenticationError as error:  # a stale key, or someone else's pipe
            raise OSError(f"the agent did not prove it knows this session's key ({error})") from None
        except (EOFError, ConnectionResetError):
            raise _Busy() from None
        conn.send_bytes(request)
        return guarded.recv_bytes(REPLY_LIMIT)
    finally:
        conn.close()


class _Deadline:
    """A multiprocessing connection whose every receive gives up at `deadline`."""

    def __init__(self, conn: Any, deadline: float) -> None:
        self._conn, self._deadline = conn, deadline

    def send_bytes(self, data: bytes) -> None:
        self._conn.send_bytes(data)

    def recv_bytes(self, maxlength: int | None = None) -> bytes:
        if not self._conn.poll(_left(self._deadline)):
            raise TimeoutError()
        return self._conn.recv_bytes(maxlength)


def _left(deadline: float) -> float:
    return max(0.001, deadline - time.monotonic())


def _read_line(conn: socket.socket, deadline: float, limit: int) -> bytes:
    """One line, without its newline, by `deadline`; TimeoutError after it, _TooLong past `limit` bytes.

    A caller that hangs up early gives what it sent.
    """
    data = b""
    while b"\n" not in data:
        if time.monotonic() >= deadline:
            raise TimeoutError()
        conn.settimeout(_left(deadline))
        chunk = conn.recv(limit + 1)
        if not chunk:
            break
        data += chunk
        if len(data.split(b"\n", 1)[0]) > limit:
            raise _TooLong()
    return data.split(b"\n", 1)[0]


class _TooLong(Exception):
    """A request longer than REQUEST_LIMIT."""


# --- the agent's end -------------------------------------------------------------


class Server:
    """The agent's end: accepts connections on a thread, answers each on its own, via `handle`.

    Made early (it takes the session's lock and binds the socket, so a second
    agent stops before loading anything), started once the agent can answer.
    `handle(request) -> reply` is called on a connection's thread and must
    hand the work to the agent's own thread (see `app.ask`), waiting for the
    answer with a timeout. If the accepting thread dies anyway, it logs why
    and calls `on_death`: an agent nobody can reach should stop, not linger. The
    same when its socket is removed or replaced (checked every CHECK_S): callers
    would find nothing, or another program, while this agent held the lock and
    no new one could start.
    """

    def __init__(self) -> None:
        self._handle: Callable[[dict], dict] | None = None
        self._on_death: Callable[[], None] = lambda: None
        folder = runtime_dir()
        self._lock_file = _take_lock(folder / "agent.lock")
        try:
            pipe = pipe_address()
            self._endpoint = _PipeEndpoint(pipe) if pipe else _SocketEndpoint(folder / "control.sock")
        except BaseException:
            self._lock_file.close()
            raise
        self._slots = threading.BoundedSemaphore(MAX_CLIENTS)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="upright-control", daemon=True)

    def start(self, handle: Callable[[dict], dict], on_death: Callable[[], None] | None = None) -> None:
        """Answer requests from now on; until then they wait in the listen queue."""
        self._handle = handle
        if on_death is not None:
            self._on_death = on_death
        self._thread.start()

    def close(self) -> None:
        """Stop listening, remove the socket, release the lock; safe to call twice, from any thread."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._endpoint.close()
        self._lock_file.close()

    def _serve(self) -> None:
        checked = time.monotonic()
        try:
            while not self._closed.is_set():
                self._accept_one()
                if time.monotonic() - checked >= CHECK_S:
                    self._endpoint.check()
                    checked = time.monotonic()
        except ChannelLost as lost:
            if not self._closed.is_set():
                log.error("%s; nobody can reach this agent, so it stops; `upright run` starts a new one", lost)
                self._on_death()
        except BaseException:  # noqa: BLE001 - whatever it was, the agent must not live on unreachable
            if not self._closed.is_set():
                log.exception("the control channel stopped; Upright stops too, `upright run` starts it again")
                self._on_death()

    def _accept_one(self) -> None:
        try:
            conn = self._endpoint.accept()
        except TimeoutError:  # nobody called for CHECK_S: time for the check
            return
        except OSError as error:
            if self._closed.is_set():
                return
            if error.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM, errno.ECONNABORTED,
                               errno.EINTR):
                time.sleep(0.1)  # out of descriptors or memory for a moment: callers wait in the queue
                return
            raise
        if self._closed.is_set():  # a caller that came in as the server closed is not answered
            self._endpoint.refuse(conn)
            return
        if not self._slots.acquire(blocking=False):
            self._endpoint.refuse(conn)
            return
        try:
            threading.Thread(target=self._converse, args=(conn,), name="upright-control-client",
                             daemon=True).start()
        except BaseException:
            self._slots.release()
            self._endpoint.refuse(conn)
            raise

    def _converse(self, conn: Any) -> None:
        try:
            self._endpoint.converse(conn, self._answer)
        except Exception:  # noqa: BLE001 - one caller's trouble is never the server's
            log.debug("a control connection failed", exc_info=True)
        finally:
            self._slots.release()

    def _answer(self, data: bytes | None) -> dict:
        """The reply to one request's bytes (None: longer than allowed); never raises."""
        if data is None:
            return {"ok": False, "error": "malformed request"}
        try:
            request = json.loads(data)
        except (ValueError, RecursionError):  # RecursionError: a few thousand nested brackets
            return {"ok": False, "error": "malformed request"}
        if not isinstance(request, dict) or not isinstance(request.get("command"), str):
            return {"ok": False, "error": "malformed request"}
        try:
            reply = self._handle(request)
            json.dumps(reply)
            return reply
        except Exception:  # noqa: BLE001 - a bug in one command must not close the channel
            log.exception("a control request failed")
            return {"ok": False, "error": "the agent failed to answer; see its log"}


class _SocketEndpoint:
    """The Unix socket, born 0600; `check` raises ChannelLost once the file is not the one we bound."""

    def __init__(self, path: Path) -> None:
        self.path = path
        _remove_stale_socket(path)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_mask = os.umask(0o177)  # the socket is born 0600, with no window for others
        try:
            self._sock.bind(str(path))
            self._bound = _identity(path)
        except BaseException:
            self._sock.close()
            raise
        finally:
            os.umask(old_mask)
        self._sock.listen(64)
        self._sock.settimeout(CHECK_S)  # accept wakes up this often for `check`

    def check(self) -> None:
        now = _identity(self.path)
        if now != self._bound:
            raise ChannelLost(f"the control socket {self.path} was "
                              + ("removed" if now is None else "replaced by another file"))

    def accept(self) -> socket.socket:
        conn, _ = self._sock.accept()
        return conn

    def refuse(self, conn: socket.socket) -> None:
        """Too many callers: say so at once, without reading."""
        try:
            conn.settimeout(0.1)
            conn.sendall(json.dumps(BUSY).encode() + b"\n")
        except OSError:
            pass
        conn.close()

    def converse(self, conn: socket.socket, answer: Callable[[bytes | None], dict]) -> None:
        with conn:
            deadline = time.monotonic() + READ_DEADLINE_S
            try:
                data = _read_line(conn, deadline, REQUEST_LIMIT)
            except _TooLong:
                data = None
            except TimeoutError:
                return  # a silent caller: hang up
            reply = answer(data)
            conn.settimeout(READ_DEADLINE_S)
            conn.sendall(json.dumps(reply).encode() + b"\n")

    def close(self) -> None:
        try:
            if _identity(self.path) == self._bound:  # a file put in its place is not ours to remove
                self.path.unlink()
        except OSError:
            pass
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path` itself (a link not followed); None if there is none."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def _remove_stale_socket(path: Path) -> None:
    """A socket left by a crashed agent goes (we hold the lock); anything else there is not ours to remove."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(info.st_mode):
        raise FolderProblem(f"{path} is in the way of Upright's control socket (it is not a socket).\n"
                            f"Fix: remove it (rm -r {path}) and start Upright again.")
    path.unlink()


class _PipeEndpoint:
    """The named pipe (a Unix socket in tests), guarded by a fresh key for each agent.

    The key exchange runs on each connection's own thread within
    READ_DEADLINE_S, so a caller that stops half way holds nobody else up.
    """

    def __init__(self, pipe: tuple[str, str]) -> None:
        from multiprocessing.connection import Listener

        self._key = os.urandom(32)
        atomic.write_bytes(key_path(), self._key)  # 0600 where modes exist; %TEMP% is the user's own
        if pipe[1] == "AF_UNIX":
            _remove_stale_socket(Path(pipe[0]))
        self._listener = _pipe_listener(pipe) if pipe[1] == "AF_PIPE" else None
        if self._listener is None:
            self._listener = Listener(pipe[0], family=pipe[1], backlog=64)  # no authkey: see converse

    def accept(self) -> Any:
        return self._listener.accept()

    def refuse(self, conn: Any) -> None:
        conn.close()  # the caller sees the pipe close before the key exchange, and tries again

    def check(self) -> None:
        """Nothing to check: a Windows pipe has no file another program could remove (nor has the
        Unix socket standing in for it in tests, whose accept never wakes up to look)."""

    def converse(self, conn: Any, answer: Callable[[bytes | None], dict]) -> None:
        from multiprocessing import AuthenticationError
        from multiprocessing.connection import answer_challenge, deliver_challenge

        deadline = time.monotonic() + READ_DEADLINE_S
        guarded = _Deadline(conn, deadline)
        watchdog = threading.Timer(READ_DEADLINE_S + 0.5, _hang_up, (conn,))  # a caller stalled mid-message
        watchdog.daemon = True
        watchdog.start()
        try:
            try:
                deliver_challenge(guarded, self._key)
                answer_challenge(guarded, self._key)
            except (AuthenticationError, EOFError, OSError, TimeoutError):  # a wrong key, a caller gone or mute
                return
            try:
                data = guarded.recv_bytes(REQUEST_LIMIT)
            except TimeoutError:
                return
            except OSError:  # "bad message length": longer than allowed
                data = None
            conn.send_bytes(json.dumps(answer(data)).encode())
        finally:
            watchdog.cancel()
            conn.close()

    def close(self) -> None:
        self._listener.close()
        try:
            key_path().unlink(missing_ok=True)
        except OSError:
            pass


def _pipe_listener(pipe: tuple[str, str]) -> Any:
    """A Windows pipe only this user may open (agent.live.win_pipe); None, said in the log, if that fails."""
    try:
        from agent.live.win_pipe import UserOnlyPipeListener

        return UserOnlyPipeListener(pipe[0])
    except (OSError, AttributeError, ImportError) as error:
        log.warning("cannot restrict the control pipe to this user (%s); it keeps Windows' default access", error)
        return None


def _hang_up(conn: Any) -> None:
    """End a connection another thread is blocked reading: shut the socket down (the pipe: close it)."""
    try:
        if sys.platform == "win32":
            conn.close()  # NOT RUN ON WINDOWS: closing the handle ends the pending read
        else:
            with socket.socket(fileno=os.dup(conn.fileno())) as sock:
                sock.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass


def _take_lock(path: Path):
    """Hold an exclusive lock for the agent's life, or say who has it.

    The lock file is opened without following a symbolic link and is never
    re-moded: a link or a folder in its place is reported, not obeyed.
    """
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as error:
        what = ("is a symbolic link" if error.errno == errno.ELOOP else
                "is a folder" if error.errno == errno.EISDIR else f"cannot be opened: {error.strerror}")
        raise FolderProblem(f"Upright's lock file {path} {what}.\nFix: remove it (rm -r {path}) "
                            f"and start Upright again.") from None
    handle = os.fdopen(fd, "a+")
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
