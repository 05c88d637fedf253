"""The X11 backend on servers that lack an extension it relies on.

Each test runs its own Xvfb, started with one extension removed, so these
servers never overlap with the module-wide one of test_sensing_xorg.py.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import threading
import time

import pytest

from tests.xvfb import make_xvfb_fixture

pytest.importorskip("Xlib", reason="python-xlib is not installed")
if importlib.util.find_spec("pynput") is None:  # importing it needs a display already
    pytest.skip("pynput is not installed", allow_module_level=True)

from agent.sensing import SensingUnavailable  # noqa: E402
from agent.sensing._listeners import ActivityTrap  # noqa: E402
from agent.sensing._xorg import XorgSensing  # noqa: E402

DEADLINE_S = 5.0

no_record = make_xvfb_fixture(scope="function", extra_args=("-extension", "RECORD"))
no_saver = make_xvfb_fixture(scope="function", extra_args=("-extension", "MIT-SCREEN-SAVER"))


def bounded(function, seconds: float = 10.0):
    """Run `function` in a thread; fail (rather than hang) if it takes too long."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as err:  # handed back to the test thread
            outcome["error"] = err

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still blocked after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def new_threads(before):
    return {t for t in threading.enumerate() if t not in before and t.is_alive()}


def test_server_without_record_is_a_clear_error(no_record):
    with pytest.raises(SensingUnavailable) as caught:
        bounded(XorgSensing)
    assert "RECORD" in caught.value.message
    assert "+extension RECORD" in caught.value.fix


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_listeners_dying_at_start_do_not_hang_arm(no_record):
    """Without the up-front RECORD check pynput's thread dies and wait() would
    block forever; the trap notices the dead thread and says so in time."""
    before = set(threading.enumerate())
    trap = ActivityTrap(ready_timeout=3.0)
    started = time.monotonic()
    with pytest.raises(SensingUnavailable) as caught:
        bounded(lambda: trap.arm(lambda stamp: None))
    assert time.monotonic() - started < 3.0  # a dead thread is seen before the deadline
    assert "RECORD" in caught.value.fix
    assert not trap.armed
    assert not new_threads(before)


def xdotool(*args: str) -> None:
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt-get install xdotool)")
    subprocess.run(["xdotool", *args], check=True, timeout=DEADLINE_S)


def test_without_screen_saver_listeners_stay_armed(no_saver):
    before = set(threading.enumerate())
    sensing = XorgSensing()
    try:
        assert sensing.HAS_IDLE_QUERY is False and XorgSensing.HAS_IDLE_QUERY is True
        assert sensing.screen_locked() is None
        assert len(new_threads(before)) == 1  # listening from the start

        time.sleep(1.1)
        assert sensing.idle_seconds() >= 1.0
        xdotool("mousemove", "5", "5")
        assert _eventually(lambda: sensing.idle_seconds() < 0.5)

        stamps: list = []
        sensing.arm(stamps.append)
        assert sensing.armed
        xdotool("key", "a")
        assert _eventually(lambda: len(stamps) == 1)
        assert not sensing.armed
        assert len(new_threads(before)) == 1  # still listening, for idle_seconds

        xdotool("mousemove", "9", "9")
        sensing.disarm()
        xdotool("key", "b")
        time.sleep(0.3)
        assert len(stamps) == 1
    finally:
        sensing.close()
    assert not new_threads(before)


def _eventually(predicate, timeout: float = DEADLINE_S) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
