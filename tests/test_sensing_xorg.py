"""The X11 backend against a real (virtual) X server, driven by xdotool.

Everything here waits with deadlines: a listener that never fires or never
stops fails the test instead of hanging it.
"""

from __future__ import annotations

import gc
import importlib.util
import queue
import re
import shutil
import subprocess
import threading
import time
import types
import weakref

import pytest

from tests.xvfb import xvfb_display  # noqa: F401  (fixture, found by name)

pytest.importorskip("Xlib", reason="python-xlib is not installed")
if importlib.util.find_spec("pynput") is None:  # importing it needs a display already
    pytest.skip("pynput is not installed", allow_module_level=True)

from agent.sensing import SensingUnavailable, backend  # noqa: E402
from agent.sensing._xorg import XorgSensing  # noqa: E402

DEADLINE_S = 5.0


def xdotool(*args: str) -> None:
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt-get install xdotool)")
    subprocess.run(["xdotool", *args], check=True, timeout=DEADLINE_S)


def wait_until(predicate, timeout: float = DEADLINE_S) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def new_threads(before: set[threading.Thread]) -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t not in before and t.is_alive()}


@pytest.fixture
def sensing(xvfb_display):  # noqa: F811
    with XorgSensing() as backend_:
        yield backend_


@pytest.fixture
def notes():
    """A notify callback that only queues its arguments, as the agent's will."""
    received: queue.Queue = queue.Queue()

    def notify(*args):
        received.put(args)

    return types.SimpleNamespace(notify=notify, queue=received)


# -- arming ---------------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [("mousemove", "100", "200"), ("key", "a"), ("click", "1")],
    ids=["pointer", "key", "click"],
)
def test_first_input_notifies_once_and_disarms(sensing, notes, action):
    before = set(threading.enumerate())
    sensing.arm(notes.notify)
    assert sensing.armed
    assert len(new_threads(before)) == 1  # one listener hears keys, buttons and the pointer

    start = time.monotonic()
    xdotool(*action)
    (stamp,) = notes.queue.get(timeout=DEADLINE_S)

    assert isinstance(stamp, float) and start <= stamp <= time.monotonic()
    assert not sensing.armed
    assert wait_until(lambda: not new_threads(before)), "listener threads still running"
    xdotool("mousemove", "300", "300", "key", "b")
    time.sleep(0.3)
    assert notes.queue.empty(), "notified again after disarming itself"


def test_explicit_disarm_stops_listeners_at_once(sensing, notes):
    # pynput's own stop() on X11 lingers until the next event; ours must not.
    before = set(threading.enumerate())
    sensing.arm(notes.notify)
    started = time.monotonic()
    sensing.disarm()
    assert time.monotonic() - started < 1.0
    assert not new_threads(before)
    assert not sensing.armed
    xdotool("mousemove", "10", "10", "key", "c")
    time.sleep(0.3)
    assert notes.queue.empty()


def test_rearming_makes_fresh_listeners_each_time(sensing, notes):
    before = set(threading.enumerate())
    for round_ in range(5):
        sensing.arm(notes.notify)
        xdotool("mousemove", "50", str(60 + round_))
        notes.queue.get(timeout=DEADLINE_S)
        sensing.disarm()  # reaps the self-stopped listeners
        assert not new_threads(before)
    assert notes.queue.empty()


def test_a_new_round_frees_the_listener_that_fired(sensing, notes):
    """Its X connections are reference cycles: left to the collector, every away
    period would leave 0.7 MiB more resident. Automatic collection is off here,
    so only the trap's own collection can free it."""
    gc.disable()
    try:
        before = set(threading.enumerate())
        sensing.arm(notes.notify)
        fired = [weakref.ref(thread) for thread in new_threads(before)]
        xdotool("mousemove", "70", "80")
        notes.queue.get(timeout=DEADLINE_S)
        assert wait_until(lambda: not new_threads(before))
        sensing.arm(notes.notify)  # the next time the person is away
        assert fired and all(ref() is None for ref in fired)
    finally:
        gc.enable()


def test_own_connections_keep_neither_visuals_nor_keymap(sensing):
    """Parsed at connect, never read by Upright: 0.3 MiB per connection (agent.sensing.xconnection)."""
    from Xlib import X

    for connection in (sensing._display, sensing._control):
        assert [screen.allowed_depths for screen in connection.display.info.roots] == [[]]
        assert connection.keycode_to_keysym(38, 0) == X.NoSymbol
        assert connection.screen().root_depth == 24  # what windows are made with stays
    assert sensing.idle_seconds() >= 0 and sensing.fullscreen_active() is False


def test_arming_twice_only_replaces_the_callback(sensing, notes):
    before = set(threading.enumerate())
    stale: list = []
    sensing.arm(stale.append)
    sensing.arm(notes.notify)
    assert len(new_threads(before)) == 1
    xdotool("key", "d")
    notes.queue.get(timeout=DEADLINE_S)
    assert stale == []


def test_a_raising_notify_still_disarms(sensing):
    before = set(threading.enumerate())
    called = threading.Event()

    def broken(_stamp):
        called.set()
        raise RuntimeError("agent bug")

    sensing.arm(broken)
    xdotool("key", "e")
    assert called.wait(DEADLINE_S)
    assert wait_until(lambda: not new_threads(before))


def test_close_while_armed_leaves_no_threads(xvfb_display, notes):  # noqa: F811
    before = set(threading.enumerate())
    sensing = XorgSensing()
    sensing.arm(notes.notify)
    sensing.close()
    sensing.close()  # idempotent
    assert not new_threads(before)


# -- idle time and screen saver ---------------------------------------------


def test_idle_seconds_grows_without_input_and_resets_on_input(sensing):
    xdotool("mousemove", "400", "400")
    first = sensing.idle_seconds()
    time.sleep(1.2)
    later = sensing.idle_seconds()
    assert later >= first + 1.0
    xdotool("mousemove", "401", "401")
    assert sensing.idle_seconds() < 0.5
    time.sleep(0.5)
    xdotool("key", "f")
    assert sensing.idle_seconds() < 0.5


def test_querying_idle_time_starts_no_thread(sensing):
    before = set(threading.enumerate())
    for _ in range(20):
        sensing.idle_seconds()
    assert not new_threads(before)
    assert sensing.HAS_IDLE_QUERY


def test_screen_saver_state_is_the_lock_hint(sensing):
    from Xlib import X
    from Xlib.display import Display

    other = Display()
    try:
        assert sensing.screen_locked() is False
        other.force_screen_saver(X.ScreenSaverActive)
        other.sync()
        assert wait_until(lambda: sensing.screen_locked() is True, 2.0)
        other.force_screen_saver(X.ScreenSaverReset)
        other.sync()
        assert wait_until(lambda: sensing.screen_locked() is False, 2.0)
    finally:
        other.force_screen_saver(X.ScreenSaverReset)
        other.close()


# -- errors ----------------------------------------------------------------


def test_no_display_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(SensingUnavailable) as caught:
        backend("xorg")
    assert "DISPLAY" in caught.value.message
    assert "DISPLAY" in caught.value.fix
    assert "Fix:" in str(caught.value)


def test_unreachable_display_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("DISPLAY", ":5757")
    with pytest.raises(SensingUnavailable) as caught:
        XorgSensing()
    assert ":5757" in caught.value.message
    assert caught.value.fix


# -- do not disturb ----------------------------------------------------------


@pytest.fixture
def window(xvfb_display):  # noqa: F811
    """A plain top-level X window on its own connection, closed afterwards.

    Not Tk: Tk never closes its X connection, and a later module's Xvfb
    restart would then kill the whole test process with an XIO error.
    """
    from Xlib import X
    from Xlib.display import Display

    client = Display()
    root = client.screen().root
    win = root.create_window(0, 0, 10, 10, 0, X.CopyFromParent, X.InputOutput, X.CopyFromParent)
    yield client, win
    client.close()


def show(window, geometry: str) -> None:
    client, win = window
    size, x, y = geometry.split("+")
    width, height = (int(v) for v in size.split("x"))
    win.configure(x=int(x), y=int(y), width=width, height=height)
    win.map()
    client.sync()
    from Xlib import X

    assert wait_until(lambda: win.get_attributes().map_state == X.IsViewable)


def test_no_window_is_not_fullscreen(sensing):
    assert sensing.fullscreen_active() is False


def test_small_window_is_not_fullscreen(sensing, window):
    show(window, "300x200+40+40")
    time.sleep(0.2)
    assert sensing.fullscreen_active() is False


def test_window_covering_the_screen_is_fullscreen(sensing, window):
    show(window, "1280x800+0+0")
    assert wait_until(sensing.fullscreen_active, 2.0)
    show(window, "640x400+0+0")
    assert wait_until(lambda: not sensing.fullscreen_active(), 2.0)


def test_window_manager_fullscreen_state_is_trusted(sensing):
    """With an EWMH window manager the focused window's state decides."""
    from Xlib import X, Xatom
    from Xlib.display import Display

    wm = Display()
    root = wm.screen().root
    atom = wm.intern_atom
    window = root.create_window(0, 0, 50, 50, 0, X.CopyFromParent)
    try:
        root.change_property(atom("_NET_SUPPORTING_WM_CHECK"), Xatom.WINDOW, 32, [window.id])
        root.change_property(atom("_NET_ACTIVE_WINDOW"), Xatom.WINDOW, 32, [window.id])
        window.change_property(
            atom("_NET_WM_STATE"), Xatom.ATOM, 32, [atom("_NET_WM_STATE_FULLSCREEN")]
        )
        wm.sync()
        assert sensing.fullscreen_active() is True
        window.change_property(atom("_NET_WM_STATE"), Xatom.ATOM, 32, [])
        wm.sync()
        assert sensing.fullscreen_active() is False
    finally:
        for name in ("_NET_SUPPORTING_WM_CHECK", "_NET_ACTIVE_WINDOW"):
            root.delete_property(atom(name))
        window.destroy()
        wm.close()


# -- privacy ---------------------------------------------------------------

TYPED = "hunterzwq"
ATOM_NAME = re.compile(r"_NET_[A-Z_]+")
POINTS = [(1237, 787), (1111, 799)]
OPAQUE_MODULES = ("Xlib", "threading", "_thread", "queue", "logging")
THREAD_BOOKKEEPING = set(vars(threading.Thread()))  # name, ident, native id...


def reachable_leaves(root):
    """Every non-container value reachable from `root`, walking objects too.

    X connections and thread machinery are not walked (they hold server and
    lock state, not input); pynput objects are, in case a listener kept a key.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        module = getattr(type(obj), "__module__", "") or ""
        if module.startswith(OPAQUE_MODULES) or isinstance(obj, types.ModuleType):
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif isinstance(obj, types.FunctionType):
            stack.extend(cell.cell_contents for cell in obj.__closure__ or () if _filled(cell))
        elif isinstance(obj, types.MethodType):
            stack.append(obj.__self__)
        elif hasattr(obj, "__dict__") and not isinstance(obj, type):
            skip = THREAD_BOOKKEEPING if isinstance(obj, threading.Thread) else ()
            stack.extend(v for k, v in vars(obj).items() if k not in skip)
            yield obj
        else:
            yield obj
        for slot in getattr(type(obj), "__slots__", ()):
            if hasattr(obj, slot):
                stack.append(getattr(obj, slot))


def _filled(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def assert_holds_no_input(obj, pynput_types) -> None:
    for leaf in reachable_leaves(obj):
        assert not isinstance(leaf, pynput_types), f"kept a {type(leaf).__name__}"
        if isinstance(leaf, (str, bytes, bytearray)):
            # The only text the backend holds is its cache of X atom names.
            assert isinstance(leaf, str) and ATOM_NAME.fullmatch(leaf), f"kept {leaf!r}"
        if isinstance(leaf, (int, float)) and not isinstance(leaf, bool):
            assert leaf not in {v for point in POINTS for v in point}, f"kept {leaf}"


def test_nothing_typed_or_pointed_at_is_retained(sensing):
    from pynput import keyboard, mouse

    pynput_types = (keyboard.Key, keyboard.KeyCode, mouse.Button)
    received: list = []
    got = threading.Event()

    def notify(*args):
        received.append(args)
        got.set()

    actions = [
        ("type", "--delay", "5", TYPED),
        ("mousemove", str(POINTS[0][0]), str(POINTS[0][1])),
        ("key", "q", "w", "z"),
        ("mousemove", str(POINTS[1][0]), str(POINTS[1][1]), "click", "1"),
    ]
    for action in actions:
        got.clear()
        sensing.arm(notify)
        xdotool(*action)
        assert got.wait(DEADLINE_S)
        assert_holds_no_input(sensing, pynput_types)  # listeners may still wind down
        sensing.disarm()
        assert_holds_no_input(sensing, pynput_types)

    assert len(received) == len(actions)
    for args in received:
        assert len(args) == 1 and type(args[0]) is float
