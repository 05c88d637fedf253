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


def upright_as(user: tuple[int, int] | None, args: list[str], env: dict[str, str], out: Path) -> tuple[int, str]:
    """`upright ARGS` with `env` set, as `user` (uid, gid), or as ourselves when `user` is None;
    its exit status and what it printed (stdout and stderr, in `out`, a file `user` may write).

    Another user cannot start our Python (it lives under /root), so the command runs in a forked
    child that has become that user. The child can no longer read our modules either: the same
    command first runs here once, in a throwaway config folder, to load every module it needs.
    """
    from agent.cli.command import main

    if user is None:
        result, _ = upright(*args, env=env)
        return result.returncode, result.stdout + result.stderr
    _preload(main, args, out.parent)
    return run_as(user, env, out, lambda: main(args))


def run_as(user: tuple[int, int], env: dict[str, str], out: Path, body) -> tuple[int, str]:
    """`body()` in a forked child that has become `user`, with `env` set; its exit status (a traceback
    is printed, status 70) and what it printed, in `out`. The modules `body` needs must be loaded."""
    pid = os.fork()
    if pid == 0:
        status = 70
        try:
            fd = os.open(out, os.O_WRONLY)
            os.dup2(fd, 1), os.dup2(fd, 2)
            as_user(*user)()
            os.environ.update(env)
            sys.stdout = open(1, "w", closefd=False)
            sys.stderr = open(2, "w", closefd=False)
            try:
                status = body()
            except BaseException:
                import traceback
                traceback.print_exc()
            sys.stdout.flush(), sys.stderr.flush()
        finally:
            os._exit(status if isinstance(status, int) else 70)
    _, wait = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(wait), out.read_text()


def _preload(main, args: list[str], scratch: Path) -> None:
    import contextlib
    import io
    import tempfile

    with tempfile.TemporaryDirectory(dir=scratch) as home, contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        saved = dict(os.environ)
        os.environ.update({"XDG_CONFIG_HOME": home, "XDG_CONFIG_DIRS": home})
        try:
            main(args)
        except SystemExit:
            pass
        finally:
            os.environ.clear()
            os.environ.update(saved)
