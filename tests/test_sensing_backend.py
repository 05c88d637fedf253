"""Choosing a backend, the dummy backend, and the error every backend raises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.sensing import BACKENDS, ENV_VAR, Sensing, SensingUnavailable, backend
from agent.sensing import default_name
from agent.sensing._dummy import DummySensing


def test_env_var_chooses_the_backend(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "dummy")
    assert isinstance(backend(), DummySensing)


def test_name_argument_beats_the_env_var(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "no-such-backend")
    assert isinstance(backend("dummy"), DummySensing)


def test_unknown_backend_lists_the_known_ones(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "wayland-magic")
    with pytest.raises(SensingUnavailable) as caught:
        backend()
    assert "wayland-magic" in caught.value.message
    for name in BACKENDS:
        assert name in caught.value.fix


@pytest.mark.parametrize(
    "platform, name",
    [("linux", "xorg"), ("freebsd13", "xorg"), ("win32", "win32"), ("darwin", "darwin")],
)
def test_platform_default(platform, name):
    assert default_name(platform) == name


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="checks the error off that platform")
@pytest.mark.parametrize("name, needs", [("win32", "user32.dll"), ("darwin", "CoreGraphics")])
def test_another_platforms_backend_says_so_clearly(name, needs):
    with pytest.raises(SensingUnavailable) as caught:
        backend(name)
    assert needs in caught.value.message
    assert ENV_VAR in caught.value.fix


def test_error_reads_as_message_and_fix():
    error = SensingUnavailable("No display.", "Log in first.")
    assert (error.message, error.fix) == ("No display.", "Log in first.")
    assert str(error) == "No display.\nFix: Log in first."


def test_importing_the_package_needs_no_display():
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    code = "import agent.sensing, sys; assert 'pynput' not in sys.modules and 'Xlib' not in sys.modules"
    repo = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=repo)


# -- dummy ----------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_dummy_fires_once_then_is_disarmed():
    clock = FakeClock()
    sensing = backend("dummy", clock=clock)
    stamps: list[float] = []
    sensing.arm(stamps.append)
    assert sensing.armed
    clock.now = 130.0
    assert sensing.fire() is True
    assert sensing.fire() is False
    assert stamps == [130.0]
    assert not sensing.armed


def test_dummy_records_calls_and_answers_what_the_test_sets():
    clock = FakeClock()
    with DummySensing(clock=clock) as sensing:
        clock.now = 160.0
        assert sensing.idle_seconds() == 60.0  # since construction
        sensing.fire()
        assert sensing.idle_seconds() == 0.0
        sensing.idle, sensing.locked, sensing.fullscreen, sensing.camera = 5.0, True, True, True
        assert sensing.idle_seconds() == 5.0
        assert sensing.screen_locked() is True
        assert sensing.fullscreen_active() is True
        assert sensing.camera_in_use() is True
        sensing.arm(lambda stamp: None)
        sensing.disarm()
    assert sensing.closed
    assert sensing.calls == [
        "idle_seconds", "idle_seconds", "idle_seconds", "screen_locked",
        "fullscreen_active", "camera_in_use", "arm", "disarm", "close",
    ]


def test_every_backend_implements_the_interface():
    assert issubclass(DummySensing, Sensing)
    assert DummySensing.HAS_IDLE_QUERY and not Sensing.HAS_IDLE_QUERY


@pytest.mark.parametrize("env, name", [
    ({}, "xorg"),
    ({"XDG_SESSION_TYPE": "x11", "WAYLAND_DISPLAY": "wayland-0"}, "xorg"),
    ({"XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "sway"}, "wayland"),
    ({"XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "KDE"}, "wayland"),
    ({"XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, "mutter"),
    ({"XDG_SESSION_TYPE": "tty", "WAYLAND_DISPLAY": "wayland-1"}, "wayland"),  # sway started from a console
])
def test_the_session_chooses_on_linux(env, name):
    assert default_name("linux", env) == name


def test_an_automatic_wayland_choice_that_cannot_start_falls_back_to_xwayland(monkeypatch):
    """No compositor answers at WAYLAND_DISPLAY, but DISPLAY is set: the X11 backend is tried instead."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("WAYLAND_DISPLAY", "/nonexistent/wayland-9")
    monkeypatch.setenv("DISPLAY", ":6999")  # no X server either: the X11 backend's own error shows
    with pytest.raises(SensingUnavailable) as caught:
        backend()
    assert ":6999" in caught.value.message
