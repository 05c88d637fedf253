"""What the fault tests share: the real `upright` command, timed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def upright(*args: str, env: dict | None = None, timeout: float = 30) -> tuple[subprocess.CompletedProcess, float]:
    """Run `python -m agent ARGS`; the result and the seconds it took."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "agent", *args], env={**os.environ, **(env or {})},
                            capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return result, time.monotonic() - started


def python_start_s() -> float:
    """How long the interpreter alone takes to start here: subtracted from a command's time."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "import agent.cli.command"], cwd=ROOT, check=True)
    return time.monotonic() - started

OTHER_USER = "upright-fault"  # a second real account, made by the tests when they run as root


def other_user() -> tuple[int, int] | None:
    """(uid, gid) of a second real user of this machine, made with useradd if need be; None unless root."""
    import pwd
    import shutil

    if os.geteuid() != 0 or shutil.which("useradd") is None:
        return None
    try:
        entry = pwd.getpwnam(OTHER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OTHER_USER],
                       check=True, capture_output=True)
        entry = pwd.getpwnam(OTHER_USER)
    return entry.pw_uid, entry.pw_gid


def as_user(uid: int, gid: int):
    """preexec_fn for a child that runs as another user."""
    def become() -> None:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    return become
