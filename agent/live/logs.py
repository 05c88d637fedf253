"""The agent's log: a private, rotating file in the platform's log folder.

    logs.start(settings["logging"]["level"])   # once, in `upright run`
    logs.set_level("debug")                    # any time later, e.g. a policy reload

Everything under the "agent" logger goes to `upright.log` in
`platformdirs.user_log_dir("upright")` (`$UPRIGHT_LOG_DIR` overrides it, for
tests and IT), at the level the settings ask for; warnings and errors also go
to stderr whatever that level, as they did before there was a file. The file
is 0600 in a 0700 folder and rotates at 1 MiB, keeping 3 old files, so it
never grows without bound. The log says *that* something happened and when,
never keys, text, window titles or pointer positions (callers keep to that; a
test runs the real agent and reads the file). The home folder is written as
`~`, so tracebacks and paths do not carry the user's name. A log that cannot be
written is not a reason to stop: the agent says so once on stderr and runs on.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
from pathlib import Path

ENV_VAR = "UPRIGHT_LOG_DIR"
FILE_NAME = "upright.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 3
LEVELS = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}
LOGGER = "agent"  # every Upright module logs under it; other libraries' chatter stays out of the file
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_dir() -> Path:
    """Where the log goes: `$UPRIGHT_LOG_DIR`, else the platform's per-user log folder."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_log_dir("upright", appauthor=False))


def start(level: str, directory: Path | None = None, max_bytes: int = MAX_BYTES,
          backups: int = BACKUPS) -> Path | None:
    """Send the agent's log to the file and to stderr; returns the file, or None if it cannot be written.

    Calling it again replaces what an earlier call set up (tests, a restart in
    one process), so records are never written twice.
    """
    stop()
    logger = logging.getLogger(LOGGER)
    logger.addHandler(_Stderr())
    path = (directory or log_dir()) / FILE_NAME
    try:
        handler = _open_file(path, max_bytes, backups)
    except OSError as error:
        why = "it is a symbolic link (remove it)" if error.errno == errno.ELOOP else error.strerror or error
        print(f"upright: cannot write the log {path}: {why}; logging to stderr only", file=sys.stderr)
        path = None
    else:
        logger.addHandler(handler)
    set_level(level)
    return path


def set_level(name: str) -> None:
    """Write records of level `name` ("error", "warning", "info", "debug") and above to the file from now on."""
    if name not in LEVELS:
        raise ValueError(f"unknown log level {name!r}; expected one of {', '.join(LEVELS)}")
    level = LEVELS[name]
    logger = logging.getLogger(LOGGER)
    for handler in logger.handlers:
        if isinstance(handler, _PrivateFile):
            handler.setLevel(level)
    # The logger lets warnings through even at "error": stderr shows them as before.
    logger.setLevel(min(level, logging.WARNING))


def stop() -> None:
    """Close the file and undo `start`: warnings reach stderr through logging's last resort again."""
    logger = logging.getLogger(LOGGER)
    for handler in [h for h in logger.handlers if isinstance(h, (_PrivateFile, _Stderr))]:
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.NOTSET)


def _open_file(path: Path, max_bytes: int, backups: int) -> logging.FileHandler:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handler = _PrivateFile(path, max_bytes, backups)
    handler.setFormatter(_HomeAsTilde(FILE_FORMAT))
    return handler


class _PrivateFile(logging.FileHandler):
    """A file that rotates at `max_bytes`, keeping `backups` old ones, each created 0600.

    open() would follow the umask, hence our own `_open`. And our own rotation:
    `logging.handlers.RotatingFileHandler` does the same, but importing
    `logging.handlers` loads pickle and the network handlers too, 0.4 MiB
    resident in the agent all day (measured under Xvfb, benchmarks/agent.py).
    """

    _failed = False

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        super().__init__(path, mode="a", encoding="utf-8")
        self.max_bytes, self.backups = max_bytes, backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._would_overflow(record):
                self._rotate()
        except Exception:  # noqa: BLE001 - as logging's own handlers: report, never raise
            self.handleError(record)
            return
        super().emit(record)

    def _would_overflow(self, record: logging.LogRecord) -> bool:
        """Writing `record` would take a file that is not empty past `max_bytes` (0: never)."""
        if self.stream is None:
            self.stream = self._open()
        size = self.stream.seek(0, os.SEEK_END)  # the end, where O_APPEND writes, on Windows too
        line = (self.format(record) + self.terminator).encode(self.encoding or "utf-8", "replace")
        return self.max_bytes > 0 and size > 0 and size + len(line) > self.max_bytes

    def _rotate(self) -> None:
        """upright.log becomes upright.log.1, .1 becomes .2, ...; the oldest is dropped."""
        self.stream.close()
        self.stream = None
        base = self.baseFilename
        for number in range(self.backups, 0, -1):
            older = base if number == 1 else f"{base}.{number - 1}"
            if os.path.exists(older):
                os.replace(older, f"{base}.{number}")
        if self.backups == 0 and os.path.exists(base):
            os.remove(base)
        self.stream = self._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        """A full disk or a removed folder: say so once on stderr, not with a traceback per record."""
        if not self._failed:
            self._failed = True
            error = sys.exc_info()[1]
            print(f"upright: cannot write the log {self.baseFilename}: {error}; later failures are not reported",
                  file=sys.stderr)

    def _open(self):
        """The file for appending, never through a symbolic link (ELOOP), never anything but a plain
        file of this user's with one name; only such a file is narrowed to 0600."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self.baseFilename, flags, 0o600)
        try:
            if hasattr(os, "fchmod"):  # not on Windows, where the folder is the user's own
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_nlink != 1:
                    raise PermissionError(errno.EPERM, "not a plain file of this user's", self.baseFilename)
                if stat.S_IMODE(info.st_mode) & 0o077:
                    os.fchmod(fd, 0o600)  # a file left by an older version may be wider
            return open(fd, self.mode, encoding=self.encoding, errors=self.errors)
        except BaseException:
            os.close(fd)
            raise


class _Stderr(logging.Handler):
    """Warnings and errors on whatever `sys.stderr` is at the time, like logging's last resort."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.setFormatter(_HomeAsTilde("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - a closed stderr must not stop the agent
            self.handleError(record)


class _HomeAsTilde(logging.Formatter):
    """Writes the home folder as `~`: paths and tracebacks then hold no user name."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        home = str(Path.home())
        return text.replace(home, "~") if len(home) > 1 else text
