"""Writing a file so that a crash, a full disk or a reader never sees half of it."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from pathlib import Path


def write_text(path: str | Path, data: str, mode: int | None = None) -> None:
    """Replace `path` with `data` as UTF-8 text; see :func:`write_bytes`."""
    write_bytes(path, data.encode("utf-8"), mode)


def write_bytes(path: str | Path, data: bytes, mode: int | None = None) -> None:
    """Replace `path` with `data` in one step: readers see the old or the new file, never half.

    `mode` sets the permissions before the file appears under its name
    (the temporary file is 0600 until then).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            if mode is not None:  # Windows' os.chmod only knows read-only, and has no fchmod
                os.fchmod(file.fileno(), mode) if hasattr(os, "fchmod") else os.chmod(temporary, mode)
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable, where the OS allows
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def remove_leftovers(folder: str | Path, names: list[str], older_than_s: float = 0.0) -> list[Path]:
    """Remove the temporary files a crash in the middle of `write_bytes` left beside `names`.

    Only `.NAME.*.tmp` regular files of this user's are removed; returns them.
    Call it where no write can be under way (the agent, holding its lock, at start), or give
    `older_than_s` where one may be (another command saving the settings): a save takes
    milliseconds, so a file untouched that long is a crash's.
    """
    removed = []
    for name in names:
        for leftover in Path(folder).glob(f".{name}.*.tmp"):
            with contextlib.suppress(OSError):
                info = leftover.lstat()
                if not stat.S_ISREG(info.st_mode):  # lstat: a symbolic link is no regular file
                    continue
                if hasattr(os, "getuid") and info.st_uid != os.getuid():
                    continue
                if older_than_s and time.time() - info.st_mtime < older_than_s:
                    continue
                leftover.unlink()
                removed.append(leftover)
    return removed
