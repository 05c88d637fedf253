"""The wlroots/KDE Wayland backend against a real headless sway, input through virtual devices.

sway runs without XWayland here and no X server is started: the only way the
backend can learn of the injected key or pointer motion is the compositor's
idle protocol, so a pass proves the Wayland path heard it.
"""

from __future__ import annotations

import queue
import time

import pytest

pytest.importorskip("pywayland", reason="pywayland is not installed (pip install -e '.[test]')")

from agent.sensing import backend, default_name  # noqa: E402
from tests.wayland_input import Injector  # noqa: E402
from tests.wayland_session import holding_idle_inhibitor, running_sway  # noqa: E402

RESOLUTION_S = 0.5


@pytest.fixture(scope="module")
def sway():
    with running_sway() as session:
        yield session


@pytest.fixture
def wayland_env(sway, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)  # no X11 anywhere: only Wayland can tell
    monkeypatch.delenv("UPRIGHT_SENSING_BACKEND", raising=False)
    for name, value in sway.env.items():
        monkeypatch.setenv(name, value)
    return sway


@pytest.fixture
def sensing(wayland_env):
    with backend(resolution_s=RESOLUTION_S) as chosen:
        yield chosen


@pytest.fixture
def hands(wayland_env):
    with Injector(wayland_env.env["WAYLAND_DISPLAY"]) as injector:
        yield injector


def test_the_session_picks_the_wayland_backend_and_sways_idle_protocol(sensing, wayland_env):
    assert default_name("linux", wayland_env.env) == "wayland"
    assert sensing.NAME == "wayland"
    assert sensing.protocol == "org_kde_kwin_idle"  # sway 1.7 has no ext-idle-notify-v1
    assert sensing.HAS_FULLSCREEN_QUERY


def test_idle_time_grows_while_quiet_and_drops_at_an_injected_key(sensing, hands):
    hands.key()
    assert sensing.idle_seconds() <= RESOLUTION_S  # input within the resolution: at most that long ago
    time.sleep(RESOLUTION_S + 1.0)
    quiet = sensing.idle_seconds()
    assert RESOLUTION_S + 0.7 <= quiet <= RESOLUTION_S + 1.5
    hands.key()
    deadline = time.monotonic() + 2
    while sensing.idle_seconds() > 0.2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sensing.idle_seconds() <= 0.2  # the `resumed` came with the key


def test_while_working_the_idle_time_never_reaches_a_natural_break(sensing, hands):
    """Input every 0.2 s: the answer stays within the resolution, never a long quiet."""
    readings = []
    for _ in range(15):
        hands.nudge()
        time.sleep(0.2)
        readings.append(sensing.idle_seconds())
    assert max(readings) <= RESOLUTION_S


def test_armed_the_first_pointer_motion_notifies_once(sensing, hands):
    time.sleep(0.2)
    heard: queue.Queue = queue.Queue()
    sensing.arm(heard.put)
    assert sensing.armed
    time.sleep(0.5)
    assert heard.empty()  # quiet: nothing to tell
    before = time.monotonic()
    hands.nudge()
    at = heard.get(timeout=2)
    assert before <= at <= time.monotonic()
    assert not sensing.armed  # disarmed itself before notifying
    hands.nudge()
    time.sleep(0.3)
    assert heard.empty()  # once per arm


def test_disarmed_input_notifies_nobody(sensing, hands):
    heard: queue.Queue = queue.Queue()
    sensing.arm(heard.put)
    sensing.disarm()
    assert not sensing.armed
    hands.key()
    time.sleep(0.3)
    assert heard.empty()


def test_arming_again_after_a_notify_works(sensing, hands):
    heard: queue.Queue = queue.Queue()
    for _ in range(2):
        time.sleep(0.1)
        sensing.arm(heard.put)
        hands.key()
        heard.get(timeout=2)


@pytest.fixture
def video(wayland_env):
    with holding_idle_inhibitor(wayland_env.env["WAYLAND_DISPLAY"]) as player:
        yield player


def test_while_an_app_holds_an_idle_inhibitor_the_timers_tell_no_quiet_and_no_input(sensing, hands, video):
    """sway 1.7 and KWin 5.27 offer only inhibitor-bound timers (org_kde_kwin_idle, ext-idle-notify v1):
    while a video holds an inhibitor the quiet never counts as away, and the first input after `arm` is
    not reported (the README says so). With ext-idle-notify v2 Upright asks for input-only timers."""
    hands.key()
    time.sleep(RESOLUTION_S + 1.0)
    assert sensing.idle_seconds() <= RESOLUTION_S  # quiet, but the timer is held: still "present"
    heard: queue.Queue = queue.Queue()
    sensing.arm(heard.put)
    hands.nudge()
    time.sleep(0.5)
    assert heard.empty()
    sensing.disarm()


def test_closing_stops_the_wayland_thread(wayland_env):
    chosen = backend(resolution_s=RESOLUTION_S)
    thread = chosen._thread
    chosen.close()
    assert not thread.is_alive()
    chosen.close()  # idempotent


def test_a_locker_announcing_itself_on_the_session_bus_locks_the_wayland_session(wayland_env, monkeypatch):
    """The lock comes over D-Bus on Wayland too: the locker is a stand-in on a private bus (faked locker)."""
    from tests.test_sensing_lock import ScreenSaver, private_bus

    with private_bus() as (address, _pid):
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent")
        changed: queue.Queue = queue.Queue()
        with backend(resolution_s=RESOLUTION_S) as sensing:
            sensing.watch_lock(lambda: changed.put(True))
            assert sensing._lock_watch.ready.wait(5)
            assert sensing.screen_locked() is False
            locker = ScreenSaver(address)
            try:
                locker.active(True)
                changed.get(timeout=3)
                assert sensing.screen_locked() is True
                locker.active(False)
                changed.get(timeout=3)
                assert sensing.screen_locked() is False
            finally:
                locker.close()
