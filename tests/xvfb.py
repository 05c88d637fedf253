"""A private, headless X server for tests: start Xvfb, wait until it answers, kill it.

Use the ready-made fixture by importing it into a test module:

    from tests.xvfb import xvfb_display    # noqa: F401  (pytest finds it by name)

    def test_something(xvfb_display):      # DISPLAY is set for the whole module
        ...

or build a variant, e.g. an X server without an extension:

    no_record = make_xvfb_fixture(extra_args=("-extension", "RECORD"))

The display number comes from `$UPRIGHT_TEST_DISPLAY` (default ":57") so that
parallel jobs on one machine can each pick their own. Only one server runs on
that number at a time, so fixtures are module- or function-scoped and pytest
stops one before the next module starts another. Tests skip, with the reason,
where Xvfb is not installed; CI installs it (Debian: apt-get install xvfb
xdotool x11-utils).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from typing import Iterator, Sequence

import pytest

DISPLAY = os.environ.get("UPRIGHT_TEST_DISPLAY", ":57")
SCREEN = "1280x800x24"
START_TIMEOUT_S = 10.0


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
    display: str = DISPLAY, extra_args: Sequence[str] = (), screen: str = SCREEN
) -> Iterator[str]:
    """Run `Xvfb display` for the duration of the block; yield the display name."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb)")
    if _answers(display):
        pytest.fail(f"another X server already uses {display}; set UPRIGHT_TEST_DISPLAY")
    with tempfile.TemporaryFile() as log:  # a file, so a chatty server never blocks
        server = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", screen, "-nolisten", "tcp", "-noreset", *extra_args],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            preexec_fn=_die_with_parent,
        )
        try:
            _wait_until_answering(server, display, log)
            yield display
        finally:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)


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
