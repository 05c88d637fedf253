"""A private, headless X server for tests: start Xvfb, wait until it answers, kill it.

Use the ready-made fixture by importing it into a test module:

    from tests.xvfb import xvfb_display    # noqa: F401  (pytest finds it by name)

    def test_something(xvfb_display):      # DISPLAY is set for the whole module
        ...

or build a variant, e.g. an X server without an extension:

    no_record = make_xvfb_fixture(extra_args=("-extension", "RECORD"))

Xvfb picks a free display number itself (`-displayfd`: it tries numbers
until one is free and writes the one it took to a pipe), so tests never
collide with another X server on the machine, another job's or a desktop's.
`$UPRIGHT_TEST_DISPLAY` (and the other UPRIGHT_*_DISPLAY variables of the
modules that start servers) still pin a number where someone wants one.
Tests skip, with the reason, where Xvfb is not installed; CI installs it
(Debian: apt-get install xvfb xdotool x11-utils).
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator, Sequence

import pytest

DISPLAY = os.environ.get("UPRIGHT_TEST_DISPLAY") or None  # None: Xvfb picks a free one
SCREEN = "1280x800x24"
START_TIMEOUT_S = 30.0  # generous: a loaded 2-core machine starts a server in well under a second


def _answers(display: str) -> bool:
    """True once the server accepts a client connection."""
    if shutil.which("xdpyinfo"):
        probe = subprocess.run(
            ["xdpyinfo", "-display", display],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=5,
        )
        return probe.returncode == 0
    try:
        import Xlib.display

        Xlib.display.Display(display).close()
        return True
    except Exception:
        return False


@contextlib.contextmanager
def running_xvfb(
    display: str | None = DISPLAY, extra_args: Sequence[str] = (), screen: str = SCREEN
) -> Iterator[str]:
    """Run Xvfb for the duration of the block; yield its display name.

    `display` None lets Xvfb choose a free number (the default); a name such as
    ":57" pins it, and fails clearly if another server already has it.
    """
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb)")
    if display is not None and _answers(display):
        pytest.fail(f"another X server already uses {display}; unset the UPRIGHT_*_DISPLAY variable that pins it")
    with tempfile.TemporaryFile() as log:  # a file, so a chatty server never blocks
        read_end, write_end = os.pipe()
        where = [display] if display is not None else ["-displayfd", str(write_end)]
        try:
            server = subprocess.Popen(
                ["Xvfb", *where, "-screen", "0", screen, "-nolisten", "tcp", "-noreset", *extra_args],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                pass_fds=(write_end,),
                preexec_fn=_die_with_parent,
            )
        finally:
            os.close(write_end)
        try:
            if display is None:
                display = _chosen_display(server, read_end, log)
            _wait_until_answering(server, display, log)
            yield display
        finally:
            os.close(read_end)
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)


def _chosen_display(server: subprocess.Popen, pipe: int, log) -> str:
    """The number Xvfb writes to its -displayfd once it listens on it, as ":N"."""
    deadline = time.monotonic() + START_TIMEOUT_S
    text = b""
    while not text.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"Xvfb did not say which display it took within {START_TIMEOUT_S:.0f} s")
        ready, _, _ = select.select([pipe], [], [], min(left, 0.5))
        chunk = os.read(pipe, 64) if ready else b""
        if ready and not chunk:  # the pipe closed: the server died
            server.wait(timeout=5)
            log.seek(0)
            output = log.read().decode(errors="replace").strip()
            pytest.fail(f"Xvfb exited with {server.returncode} before taking a display: {output[-800:]}")
        text += chunk
    return f":{int(text)}"


def free_display() -> str:
    """A display number no X server uses now (no socket, no lock file), for tests that need an absent one."""
    start = random.randrange(600, 6000)
    for number in range(start, start + 1000):
        if not any(Path(path).exists() for path in (f"/tmp/.X11-unix/X{number}", f"/tmp/.X{number}-lock")):
            return f":{number}"
    pytest.fail("no free X display number between 600 and 7000")


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, so no Xvfb is left behind."""
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the fixture's own cleanup still applies


def _wait_until_answering(server: subprocess.Popen, display: str, log) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _answers(display):
        if server.poll() is not None:
            log.seek(0)
            output = log.read().decode(errors="replace").strip()
            pytest.fail(f"Xvfb {display} exited with {server.returncode}: {output[-800:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"Xvfb {display} did not answer within {START_TIMEOUT_S:.0f} s")
        time.sleep(0.05)


@contextlib.contextmanager
def display_env(display: str) -> Iterator[str]:
    """Point $DISPLAY at `display` for the block, then restore it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DISPLAY", display)
        yield display


def make_xvfb_fixture(scope: str = "module", extra_args: Sequence[str] = ()):
    """A fixture running its own Xvfb with `extra_args`, DISPLAY set to it."""

    @pytest.fixture(scope=scope)
    def _xvfb() -> Iterator[str]:
        with running_xvfb(extra_args=extra_args) as display, display_env(display):
            yield display

    return _xvfb


#: The default server: 1280x800, stock extensions (RECORD and MIT-SCREEN-SAVER on).
xvfb_display = make_xvfb_fixture()
