"""The GNOME backend against a real headless mutter, input through Mutter's RemoteDesktop.

mutter runs with --no-x11: no X server exists, so what the backend hears came
through Mutter's own idle counter and watches.
"""

from __future__ import annotations

import queue
import time

import pytest

from agent.sensing import backend, default_name
from agent.sensing.gnome_dnd import KEY, SCHEMA, gnome_do_not_disturb
from tests.mutter_input import RemoteInput
from tests.wayland_session import gnome_settings, running_mutter, set_gsetting


@pytest.fixture(scope="module")
def mutter():
    with running_mutter() as session:
        yield session


@pytest.fixture
def gnome_env(mutter, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("UPRIGHT_SENSING_BACKEND", raising=False)
    for name, value in mutter.env.items():
        monkeypatch.setenv(name, value)
    return mutter


@pytest.fixture
def sensing(gnome_env):
    with backend() as chosen:
        yield chosen


@pytest.fixture
def hands(gnome_env):
    with RemoteInput(gnome_env.env["DBUS_SESSION_BUS_ADDRESS"]) as remote:
        yield remote


def test_a_gnome_session_picks_mutters_idle_monitor(sensing, gnome_env):
    assert default_name("linux", gnome_env.env) == "mutter"
    assert sensing.NAME == "mutter"


def test_the_idle_time_is_mutters_and_a_remote_key_resets_it(sensing, hands):
    hands.key()
    time.sleep(1.2)
    assert 1.0 <= sensing.idle_seconds() <= 2.0
    hands.key()
    assert sensing.idle_seconds() < 0.3


def test_armed_the_first_pointer_motion_notifies_once(sensing, hands):
    heard: queue.Queue = queue.Queue()
    sensing.arm(heard.put)
    assert sensing.armed
    time.sleep(0.4)
    assert heard.empty()
    before = time.monotonic()
    hands.nudge()
    at = heard.get(timeout=2)
    assert before <= at <= time.monotonic()
    assert not sensing.armed
    hands.nudge()
    time.sleep(0.3)
    assert heard.empty()


def test_disarmed_input_notifies_nobody(sensing, hands):
    heard: queue.Queue = queue.Queue()
    sensing.arm(heard.put)
    sensing.disarm()
    hands.key()
    time.sleep(0.3)
    assert heard.empty()


def test_no_inhibitor_no_hold(sensing):
    assert sensing.fullscreen_active() is False  # no gnome-session here: nobody says inhibited


def test_closing_stops_the_watch_thread(gnome_env):
    chosen = backend()
    thread = chosen._bus_thread.thread
    chosen.close()
    assert not thread.is_alive()


# -- GNOME's own Do Not Disturb switch ------------------------------------------------


@pytest.fixture
def dconf(gnome_env):
    with gnome_settings(gnome_env):
        yield gnome_env
        set_gsetting(gnome_env, SCHEMA, KEY, "true")  # the next test starts with the switch off


def test_gnomes_do_not_disturb_switch_is_read_from_its_settings(sensing, dconf):
    set_gsetting(dconf, SCHEMA, KEY, "true")
    assert gnome_do_not_disturb() is False
    assert sensing.fullscreen_active() is False
    set_gsetting(dconf, SCHEMA, KEY, "false")  # what the switch in GNOME's notification list does
    assert gnome_do_not_disturb() is True
    assert sensing.fullscreen_active() is True
    set_gsetting(dconf, SCHEMA, KEY, "true")
    assert sensing.fullscreen_active() is False


def test_do_not_disturb_holds_the_prompt_until_switched_off(sensing, dconf):
    """The App in fake time, asking the real GNOME backend whether now is a bad moment."""
    from tests.test_app import MIN, Agent

    agent = Agent()
    agent.sensing.fullscreen_active = sensing.fullscreen_active
    set_gsetting(dconf, SCHEMA, KEY, "false")
    agent.work(31 * MIN)
    assert agent.windows() == [] and agent.status()["state"] == "break_due"  # held
    set_gsetting(dconf, SCHEMA, KEY, "true")
    agent.work(31)
    assert len(agent.windows()) == 1  # released: the make-up prompt


def test_the_fullscreen_setting_off_lets_the_prompt_through_do_not_disturb(sensing, dconf):
    from tests.test_app import MIN, Agent

    agent = Agent(do_not_disturb__fullscreen=False)
    agent.sensing.fullscreen_active = sensing.fullscreen_active
    set_gsetting(dconf, SCHEMA, KEY, "false")
    agent.work(31 * MIN)
    assert len(agent.windows()) == 1


def test_without_gsettings_the_switch_is_unknown_and_holds_nothing(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert gnome_do_not_disturb() is None
