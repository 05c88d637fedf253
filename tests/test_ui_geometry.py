"""Which monitor a window goes to: RandR monitors on a real X server, and the fallback."""

from __future__ import annotations

from agent.ui import geometry
from agent.ui.geometry import centered, monitor_at_pointer, other_monitors, tk_geometry
from tests.ui_desktop import move_pointer, split_screen


def test_centered_puts_the_window_in_the_middle():
    assert centered((0, 0, 1280, 800), 800, 500) == (240, 150, 800, 500)
    assert centered((1920, 0, 1280, 1024), 400, 200) == (2360, 412, 400, 200)


def test_centered_shrinks_a_window_larger_than_the_monitor():
    assert centered((100, 50, 640, 480), 800, 600) == (100, 50, 640, 480)


def test_tk_geometry():
    assert tk_geometry((10, 20, 300, 200)) == "300x200+10+20"


def test_one_monitor_is_the_whole_screen(root):
    move_pointer(700, 300)
    assert monitor_at_pointer(root) == (0, 0, 1280, 800)


def test_picks_the_monitor_with_the_pointer(root):
    with split_screen():
        move_pointer(900, 400)
        assert monitor_at_pointer(root) == (640, 0, 640, 800)
        move_pointer(100, 700)
        assert monitor_at_pointer(root) == (0, 0, 640, 800)
    assert monitor_at_pointer(root) == (0, 0, 1280, 800)


def test_without_randr_the_whole_screen_stands_in(root, monkeypatch):
    monkeypatch.setattr(geometry, "_randr_monitors", lambda _root: [])
    move_pointer(900, 400)
    assert monitor_at_pointer(root) == (0, 0, 1280, 800)


def test_a_pointer_between_monitors_gets_the_nearest(root, monkeypatch):
    monkeypatch.setattr(geometry, "_randr_monitors", lambda _root: [(0, 0, 600, 800), (700, 0, 580, 800)])
    move_pointer(690, 10)
    assert monitor_at_pointer(root) == (700, 0, 580, 800)
    move_pointer(610, 10)
    assert monitor_at_pointer(root) == (0, 0, 600, 800)


def test_the_other_monitors_are_those_a_window_is_not_on(root):
    assert other_monitors(root, (0, 0, 1280, 800)) == []  # one screen: nothing to dim
    with split_screen():
        assert other_monitors(root, (0, 0, 640, 800)) == [(640, 0, 640, 800)]
        assert other_monitors(root, (100, 100, 400, 300)) == [(640, 0, 640, 800)]  # a window on the left
        assert other_monitors(root, (600, 0, 80, 800)) == []  # across both: neither is "other"
