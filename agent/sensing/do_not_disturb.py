"""Signs that a break prompt would interrupt something: a call or a full-screen app.

These checks run only when the agent is about to prompt, never on a tick, so
they may cost a few milliseconds but must never fail loudly: a process that
vanishes or a /proc entry we may not read simply does not count.
"""

from __future__ import annotations

import glob
import os
from typing import Iterable, NamedTuple

#: Video4Linux capture devices: webcams, and virtual cameras used for calls.
VIDEO_DEVICES = "/dev/video*"


class Rect(NamedTuple):
    """A screen area in root-window pixels."""

    x: int
    y: int
    width: int
    height: int


def covers(window: Rect, monitor: Rect) -> bool:
    """True if `window` spans the whole `monitor` (what full screen looks like)."""
    return (
        window.x <= monitor.x
        and window.y <= monitor.y
        and window.x + window.width >= monitor.x + monitor.width
        and window.y + window.height >= monitor.y + monitor.height
    )


def covers_any(window: Rect, monitors: Iterable[Rect]) -> bool:
    """True if `window` spans at least one whole monitor."""
    return any(covers(window, monitor) for monitor in monitors)


def camera_in_use(proc_root: str = "/proc", device_glob: str = VIDEO_DEVICES) -> bool:
    """True if any process holds a video device open, e.g. during a video call.

    Looks at the `/proc/<pid>/fd/*` symlinks, which needs no privileges for the
    user's own processes; other users' processes are skipped silently. Only the
    presence of an open camera is used, never what the process is.
    """
    devices = set(glob.glob(device_glob))
    if not devices:
        return False  # no camera at all: the common fast path
    for fd_dir in _fd_dirs(proc_root):
        if _holds_any(fd_dir, devices):
            return True
    return False


def _fd_dirs(proc_root: str) -> Iterable[str]:
    """The fd folders of every process listed under `proc_root`."""
    try:
        entries = os.listdir(proc_root)
    except OSError:
        return
    for entry in entries:
        if entry.isdigit():
            yield os.path.join(proc_root, entry, "fd")


def _holds_any(fd_dir: str, devices: set[str]) -> bool:
    """True if a file descriptor in `fd_dir` points at one of `devices`."""
    try:
        fds = os.listdir(fd_dir)
    except OSError:  # permission denied, or the process just exited
        return False
    for fd in fds:
        try:
            if os.readlink(os.path.join(fd_dir, fd)) in devices:
                return True
        except OSError:
            continue
    return False
