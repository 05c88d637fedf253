"""The wlroots/KDE Wayland backend against a real headless KWin, input through KWin's fake input protocol.

KWin 5.27 offers both idle protocols, so each activity test runs once per
protocol: the backend's own choice (`ext_idle_notifier_v1`, newest first) and
the older `org_kde_kwin_idle` (what it uses on a KWin without the new one).
KWin runs without XWayland and no X server is started: the backend can learn of
the injected input only through the compositor's idle protocol. The behaviour
checked is the same as on sway (tests/test_sensing_wayland.py), whose tests run
here with this module's compositor, backend and hands. The screen lock comes
from KDE's own locker, which KWin carries.
"""

from __future__ import annotations

import queue
import time

import pytest

pytest.importorskip("pywayland", reason="pywayland is not installed (pip install -e '.[test]')")

import agent.sensing._wayland as wayland_backend  # noqa: E402
from agent.sensing import backend, default_name  # noqa: E402
from tests.wayland_session import KwinInput, holding_idle_inhibitor, running_kwin  # noqa: E402

# The behaviour proved on sway, run here against KWin: pytest gives these tests this module's fixtures.
from tests.test_sensing_wayland import (  # noqa: E402,F401
    test_armed_the_first_pointer_motion_notifies_once,
    test_arming_again_after_a_notify_works,
    test_disarmed_input_notifies_nobody,
    test_idle_time_grows_while_quiet_and_drops_at_an_injected_key,
    test_while_an_app_holds_an_idle_inhibitor_the_timers_tell_no_quiet_and_no_input,
)

RESOLUTION_S = 0.5
PROTOCOLS = ("ext_idle_notifier_v1", "org_kde_kwin_idle")


@pytest.fixture(scope="module")
def kwin():
    with running_kwin() as session:
        yield session


@pytest.fixture(scope="module")
def hands(kwin):
    with KwinInput(kwin) as fake_input:
        yield fake_input


@pytest.fixture
def kde_env(kwin, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)  # no X11 anywhere: only Wayland can tell
    monkeypatch.delenv("UPRIGHT_SENSING_BACKEND", raising=False)
    for name, value in kwin.env.items():
        monkeypatch.setenv(name, value)
    return kwin


@pytest.fixture(params=PROTOCOLS)
def sensing(request, kde_env, monkeypatch):
    """The backend, speaking one protocol: the other is hidden from its list of known ones."""
    monkeypatch.setattr(wayland_backend, "IDLE_GLOBALS",
                        tuple(known for known in wayland_backend.IDLE_GLOBALS if known[0] == request.param))
    with backend(resolution_s=RESOLUTION_S) as chosen:
        assert chosen.protocol == request.param
        yield chosen


def test_a_kde_session_picks_the_wayland_backend_and_the_newest_idle_protocol(kde_env):
    assert default_name("linux", kde_env.env) == "wayland"
    with backend(resolution_s=RESOLUTION_S) as chosen:
        assert chosen.NAME == "wayland"
        assert chosen.protocol == "ext_idle_notifier_v1"  # KWin offers both: newest first
        assert not chosen.HAS_FULLSCREEN_QUERY  # KWin lists no windows to other clients


@pytest.fixture
def video(kde_env):
    with holding_idle_inhibitor(kde_env.env["WAYLAND_DISPLAY"]) as player:
        yield player


def test_kwins_own_screen_locker_is_seen_at_once(monkeypatch):
    """KWin 5.27 carries KDE's screen locker and serves org.freedesktop.ScreenSaver itself; locking it
    the way Plasma's lock shortcut does (ScreenSaver.Lock) reaches the Wayland backend's lock watch.
    The locker's greeter cannot draw here (no Qt Wayland plugin), so the screen is never unlocked."""
    import subprocess

    from tests.wayland_session import shared_session_bus

    with shared_session_bus() as bus, running_kwin(bus_address=bus) as session:
        monkeypatch.delenv("DISPLAY", raising=False)
        for name, value in session.env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent")  # the lock comes from KWin only
        changed: queue.Queue = queue.Queue()
        with backend(resolution_s=RESOLUTION_S) as sensing:
            sensing.watch_lock(lambda: changed.put(True))
            assert sensing._lock_watch.ready.wait(5)
            assert sensing.screen_locked() is False

            def screensaver(method: str) -> subprocess.CompletedProcess:
                return subprocess.run(["dbus-send", f"--bus={bus}", "--print-reply",
                                       "--dest=org.freedesktop.ScreenSaver", "/ScreenSaver",
                                       f"org.freedesktop.ScreenSaver.{method}"], capture_output=True, timeout=15)

            deadline = time.monotonic() + 15
            while screensaver("GetActive").returncode and time.monotonic() < deadline:
                time.sleep(0.2)  # KWin takes the name a moment after its socket is there
            assert screensaver("Lock").returncode == 0
            changed.get(timeout=10)
            assert sensing.screen_locked() is True
