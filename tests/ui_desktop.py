"""A real X desktop for the UI tests, driven the way a user drives it.

A pytest plugin (tests/conftest.py loads it), not a test module: its
fixtures ``ui_display``, ``root`` and ``shown`` are there for every test,
and the UI test modules import its helpers. Tk runs in the test's main thread on a private
Xvfb; the helpers move the real pointer and press real keys with xdotool,
and pump ``root.update()`` while they wait, so Tk sees exactly the events a
user's session would deliver. Every wait has a deadline.

The display is one Xvfb picks free (``-displayfd``, tests/xvfb.py), or
``$UPRIGHT_UI_TEST_DISPLAY`` where set: never the sensing tests'
``$UPRIGHT_TEST_DISPLAY``, whose server restarts per module (see
``_shared_server`` for why this one must not).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import tkinter as tk
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Tuple

import pytest

from tests.xvfb import display_env, running_xvfb

UI_DISPLAY = os.environ.get("UPRIGHT_UI_TEST_DISPLAY") or None  # None: Xvfb picks a free number
if UI_DISPLAY is not None and UI_DISPLAY == os.environ.get("UPRIGHT_TEST_DISPLAY"):
    # Never share a number with the per-module servers: see _shared_server.
    UI_DISPLAY = f":{int(UI_DISPLAY.lstrip(':').split('.')[0]) + 1}"
SCREEN_W, SCREEN_H = 1280, 800
DEADLINE_S = 3.0
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"



def _skip_without_tools() -> None:
    """Skip, not fail, on a machine without what the UI tests drive the desktop with."""
    pytest.importorskip("Xlib", reason="python-xlib is not installed")
    pytest.importorskip("PIL.ImageTk", reason="Pillow's Tk support is not installed")
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt-get install xdotool)")


_SERVER: dict = {}


def _shared_server(config: pytest.Config) -> str:
    """Start the UI tests' Xvfb once per pytest run; it stops when pytest ends.

    Once per run, not per module: Tk keeps its connection to a display
    until the process exits, so a new Tk root on a *restarted* server with
    the same number would talk through the dead connection, and Tk would
    end the whole process with a fatal X error.
    """
    if "display" not in _SERVER:
        stack = contextlib.ExitStack()
        _SERVER["display"] = stack.enter_context(running_xvfb(UI_DISPLAY, screen=f"{SCREEN_W}x{SCREEN_H}x24"))
        config.add_cleanup(stack.close)
    return _SERVER["display"]


def _display() -> str:
    """The UI tests' display, once `ui_display` has started it."""
    return _SERVER["display"]


@pytest.fixture(scope="module")
def ui_display(request: pytest.FixtureRequest) -> Iterator[str]:
    """The UI tests' private 1280x800 X server, with DISPLAY set for the module."""
    _skip_without_tools()
    with display_env(_shared_server(request.config)) as display:
        yield display


_ROOT: dict = {}


@pytest.fixture
def root(ui_display) -> Iterator[tk.Tk]:
    """The hidden Tk root, as the agent has: one for the whole run.

    One, like the agent: Tk keeps per-display focus records that can point
    into an interpreter destroyed by an earlier test, and a later
    focus_force() then crashes the process. Every window a test opened is
    destroyed after it, and its pending timers cancelled.
    """
    move_pointer(2, 2)  # out of the way: under Xvfb the pointer's window gets the keys
    if "root" not in _ROOT:
        _ROOT["root"] = tk.Tk()
        _ROOT["root"].withdraw()
    app = _ROOT["root"]
    yield app
    for child in app.winfo_children():
        try:
            child.destroy()
        except tk.TclError:
            pass
    for timer in app.tk.call("after", "info"):
        try:
            app.after_cancel(timer)
        except TypeError:  # Tk's own script (a button's press animation), not a Python callback
            app.tk.call("after", "cancel", timer)
    app.focus_set()
    app.update()


@pytest.fixture
def shown(root) -> Iterator[Callable]:
    """``shown(window, "the card")``: wait until a window a test opened is on screen.

    Every window passed through it is closed after the test (closing runs its
    own clean-up: timers, ``on_close``), whatever the test left open.
    """
    windows = []

    def show(window, what: str = "the window"):
        windows.append(window)
        assert wait_until(root, lambda: window.top.winfo_viewable()), f"{what} never appeared"
        pump(root, 0.05)
        return window

    yield show
    for window in windows:
        window.close()


# -- waiting ------------------------------------------------------------------


def pump(root: tk.Misc, seconds: float = 0.05) -> None:
    """Let Tk process events for ``seconds``."""
    end = time.monotonic() + seconds
    while True:
        root.update()
        if time.monotonic() >= end:
            return
        time.sleep(0.005)


def wait_until(root: tk.Misc, predicate: Callable[[], bool], timeout: float = DEADLINE_S) -> bool:
    """Pump Tk until ``predicate()`` holds; False if it still fails at the deadline."""
    end = time.monotonic() + timeout
    while True:
        root.update()
        if predicate():
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.005)


# -- the user's hands -----------------------------------------------------------


def xdotool(*args: str) -> str:
    done = subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=DEADLINE_S, check=True
    )
    return done.stdout


def pointer() -> Tuple[int, int]:
    fields = dict(item.split(":") for item in xdotool("getmouselocation").split())
    return int(fields["x"]), int(fields["y"])


def move_pointer(x: int, y: int) -> None:
    """Move the pointer and wait until it is there (--sync alone waits forever
    when the pointer is already in place)."""
    if pointer() != (x, y):
        xdotool("mousemove", "--sync", str(x), str(y))


def click(root: tk.Misc, widget: tk.Widget) -> None:
    """Move the real pointer to the middle of ``widget`` and click it."""
    root.update()
    assert widget.winfo_viewable(), f"{widget} is not on screen"
    x = widget.winfo_rootx() + widget.winfo_width() // 2
    y = widget.winfo_rooty() + widget.winfo_height() // 2
    move_pointer(x, y)
    xdotool("click", "1")
    pump(root, 0.05)


def press(root: tk.Misc, window_id: int, key: str) -> None:
    """Press ``key`` (an X keysym such as Return or Escape) in ``window_id``."""
    xdotool("key", "--window", str(window_id), key)
    pump(root, 0.05)


def type_text(root: tk.Misc, text: str) -> None:
    """Type into whatever window has the keyboard, as a person would."""
    xdotool("type", "--delay", "5", text)
    pump(root, 0.05)


# -- looking at the screen -------------------------------------------------------


def upright_windows() -> List[int]:
    """Ids of the visible windows whose title starts with "Upright"."""
    try:
        out = xdotool("search", "--onlyvisible", "--name", "^Upright")
    except subprocess.CalledProcessError:  # xdotool exits 1 when nothing matches
        return []
    return [int(line) for line in out.split()]


def wrapper_id(top: tk.Toplevel) -> int:
    """The X window that carries a toplevel's title (Tk's wrapper, its parent)."""
    import Xlib.display

    display = Xlib.display.Display(_display())
    try:
        return display.create_resource_object("window", top.winfo_id()).query_tree().parent.id
    finally:
        display.close()


def x_focus() -> int:
    """The id of the window with the X keyboard focus (0 none, 1 PointerRoot)."""
    import Xlib.display

    display = Xlib.display.Display(_display())
    try:
        focus = display.get_input_focus().focus
        return focus if isinstance(focus, int) else focus.id
    finally:
        display.close()


def typing_in_an_editor(root: tk.Misc) -> tk.Entry:
    """Another app's text field, focused, as when a person is typing when a window opens."""
    editor = tk.Toplevel(root)
    editor.title("Editor")
    editor.geometry("300x60+10+10")
    entry = tk.Entry(editor)
    entry.pack(fill="both", expand=True)
    assert wait_until(root, editor.winfo_viewable)
    entry.focus_force()
    assert wait_until(root, lambda: root.focus_get() is entry)
    return entry


def screen_rect(widget: tk.Misc) -> Tuple[int, int, int, int]:
    return (widget.winfo_rootx(), widget.winfo_rooty(), widget.winfo_width(), widget.winfo_height())


def screenshot(name: str, rect: Optional[Tuple[int, int, int, int]] = None, margin: int = 24) -> Path:
    """Save the screen (or ``rect`` and a margin around it) to tests/artifacts/``name``.png."""
    from PIL import ImageGrab

    image = ImageGrab.grab(xdisplay=_display())
    if rect is not None:
        x, y, w, h = rect
        image = image.crop((max(0, x - margin), max(0, y - margin),
                            min(SCREEN_W, x + w + margin), min(SCREEN_H, y + h + margin)))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    image.save(path)
    return path


def descendants(widget: tk.Misc) -> Iterator[tk.Misc]:
    for child in widget.winfo_children():
        yield child
        yield from descendants(child)


def window_problems(top: tk.Toplevel) -> List[str]:
    """Whether the window itself is on the screen and got the size it asked for."""
    top.update_idletasks()
    problems = []
    tx, ty, tw, th = screen_rect(top)
    if tx < 0 or ty < 0 or tx + tw > SCREEN_W or ty + th > SCREEN_H:
        problems.append(f"window {tw}x{th}+{tx}+{ty} leaves the {SCREEN_W}x{SCREEN_H} screen")
    if tw < top.winfo_reqwidth() or th < top.winfo_reqheight():
        problems.append(f"window {tw}x{th} < requested {top.winfo_reqwidth()}x{top.winfo_reqheight()}")
    return problems


def clipped_widgets(top: tk.Toplevel) -> List[str]:
    """Every mapped widget that is smaller than it asks to be, or pokes out of ``top``.

    Empty means nothing is cut off: each widget got at least its requested
    size and lies entirely inside the window, and the window on the screen.
    """
    problems = window_problems(top)
    tx, ty, tw, th = screen_rect(top)
    for widget in descendants(top):
        if not widget.winfo_ismapped():
            continue
        x, y, w, h = screen_rect(widget)
        if w < widget.winfo_reqwidth() or h < widget.winfo_reqheight():
            problems.append(f"{widget} is {w}x{h}, asks {widget.winfo_reqwidth()}x{widget.winfo_reqheight()}")
        if x < tx or y < ty or x + w > tx + tw or y + h > ty + th:
            problems.append(f"{widget} at {w}x{h}+{x}+{y} pokes out of the window")
    return problems


def mapped_texts(top: tk.Misc) -> List[str]:
    """The texts of all visible labels and buttons, top to bottom."""
    texts = []
    for widget in descendants(top):
        if widget.winfo_ismapped() and isinstance(widget, (tk.Label, tk.Button)):
            text = widget.cget("text")
            if text:
                texts.append(text)
    return texts


def find_button(top: tk.Misc, text: str) -> Optional[tk.Button]:
    """The visible button labelled ``text``, or None."""
    for widget in descendants(top):
        if isinstance(widget, tk.Button) and widget.cget("text") == text and widget.winfo_ismapped():
            return widget
    return None


# -- monitors -----------------------------------------------------------------


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

    display = Xlib.display.Display(_display())
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
