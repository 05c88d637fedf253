"""Which monitor a window goes to: RandR monitors on a real X server, and the fallback."""

from __future__ import annotations

import contextlib

from agent.ui import geometry
from agent.ui.geometry import centered, monitor_at_pointer, tk_geometry
from tests.ui_desktop import UI_DISPLAY, move_pointer


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


def _set_monitor_request():
    """RandR 1.5 SetMonitor, flattened: python-xlib 0.33's own cannot pack its argument."""
    from Xlib.protocol import rq

    class SetMonitor(rq.Request):
        _request = rq.Struct(
            rq.Card8("opcode"), rq.Opcode(43), rq.RequestLength(), rq.Window("window"),
            rq.Card32("name"), rq.Bool("primary"), rq.Bool("automatic"), rq.LengthOf("outputs", 2),
            rq.Int16("x"), rq.Int16("y"), rq.Card16("width"), rq.Card16("height"),
            rq.Card32("width_mm"), rq.Card32("height_mm"), rq.List("outputs", rq.Card32Obj),
        )

    return SetMonitor


@contextlib.contextmanager
def split_screen():
    """Two RandR monitors side by side on the Xvfb screen, as a dual-head desk; removed afterwards."""
    import Xlib.display

    display = Xlib.display.Display(UI_DISPLAY)
    screen_root = display.screen().root
    names = [display.intern_atom(f"UPRIGHT-TEST-{n}") for n in range(2)]
    try:
        opcode = display.query_extension("RANDR").major_opcode
        for n, name in enumerate(names):
            _set_monitor_request()(
                display=display.display, opcode=opcode, window=screen_root, name=name, primary=n == 0,
                automatic=False, outputs=[], x=640 * n, y=0, width=640, height=800, width_mm=160, height_mm=200,
            )
        display.sync()
        yield
    finally:
        for name in names:
            screen_root.xrandr_delete_monitor(name)
        display.sync()
        display.close()


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
