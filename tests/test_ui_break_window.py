"""The break window on a real X server: real clicks, real keys, real focus.

Screenshots land in tests/artifacts/ (break_100, break_200, break_caution).
"""

from __future__ import annotations

import dataclasses
import time

import pytest

from agent.content.exercises import Exercise, load_library
from agent.ui import strings, theme
from agent.ui.break_window import BreakWindow
from tests.ui_desktop import (
    click,
    clipped_widgets,
    find_button,
    mapped_texts,
    move_pointer,
    press,
    pump,
    screen_rect,
    screenshot,
    split_screen,
    type_text,
    typing_in_an_editor,
    upright_windows,
    wait_until,
    wrapper_id,
    x_focus,
    xdotool,
)

MONITOR = (0, 0, 1280, 800)
STANDING_BACK_EXTENSION = next(e for e in load_library() if e.id == "standing_back_extension")


@pytest.fixture
def choices():
    return []


@pytest.fixture
def open_window(root, choices, shown):
    """Open a break window with the given options; closes whatever is left afterwards."""
    def _open(**options) -> BreakWindow:
        options = {"can_postpone": True, "can_skip": True, "break_s": 120, "geometry": MONITOR, **options}
        exercise = options.pop("exercise", STANDING_BACK_EXTENSION)
        return shown(BreakWindow(root, exercise, choices.append, **options))

    return _open


def test_opens_titled_upright_and_placed_inside_its_monitor(root, open_window):
    monitor = (640, 0, 640, 800)  # the right half, as if it were the second monitor
    window = open_window(geometry=monitor)
    assert upright_windows() == [wrapper_id(window.top)]
    assert window.top.title().startswith("Upright")
    x, y, w, h = screen_rect(window.top)
    assert 640 <= x and x + w <= 1280 and 0 <= y and y + h <= 800
    assert window.top.attributes("-topmost") == 1
    assert not window.top.overrideredirect()


def test_does_not_take_focus_when_it_opens(root, open_window):
    window = open_window()
    assert root.focus_get() is None
    assert x_focus() not in (wrapper_id(window.top), window.top.winfo_id())


def test_asks_the_window_manager_not_to_focus_it(root, open_window):
    """EWMH: _NET_WM_USER_TIME 0 on a new window means "do not give me the focus"."""
    import Xlib.display
    import Xlib.Xatom

    window = open_window()
    display = Xlib.display.Display(root.winfo_screen())  # the UI tests' own server
    try:
        wrapper = display.create_resource_object("window", wrapper_id(window.top))
        prop = wrapper.get_full_property(display.intern_atom("_NET_WM_USER_TIME"), Xlib.Xatom.CARDINAL)
    finally:
        display.close()
    assert prop is not None and list(prop.value) == [0]


def test_typing_elsewhere_goes_on_undisturbed(root, open_window, choices):
    """Keys typed in another window before, during and after the prompt all land there."""
    entry = typing_in_an_editor(root)
    type_text(root, "sitting ")
    window = open_window()
    type_text(root, "still")
    xdotool("key", "Return")  # to the focused window: it must not start the break
    pump(root, 0.1)
    assert entry.get() == "sitting still"
    assert root.focus_get() is entry
    assert choices == []
    window.offer_focus()
    assert wait_until(root, lambda: root.focus_get() is window.primary)


def test_offer_focus_gives_it_the_keyboard(root, open_window):
    window = open_window()
    window.offer_focus()
    assert wait_until(root, lambda: root.focus_get() is window.primary)
    assert x_focus() in (wrapper_id(window.top), window.top.winfo_id())


def test_start_then_done_with_the_mouse(root, open_window, choices):
    window = open_window()
    assert window.primary.cget("text") == strings.START
    click(root, window.primary)
    assert wait_until(root, lambda: choices == ["start"])
    assert window.primary.cget("text") == strings.DONE
    click(root, window.primary)
    assert wait_until(root, lambda: choices == ["start", "done"])
    assert not window.is_open
    assert wait_until(root, lambda: upright_windows() == [])


@pytest.mark.parametrize("label, choice", [(strings.SKIP, "skip"), ("Postpone 5 min", "postpone")])
def test_skip_and_postpone_with_the_mouse(root, open_window, choices, label, choice):
    window = open_window()
    click(root, find_button(window.top, label))
    assert wait_until(root, lambda: choices == [choice])
    assert not window.is_open


def test_postpone_label_takes_its_minutes(root, open_window):
    window = open_window(postpone_min=10)
    assert find_button(window.top, "Postpone 10 min") is not None


@pytest.mark.parametrize(
    "can_postpone, can_skip", [(True, False), (False, True), (False, False)], ids=["no-skip", "no-postpone", "neither"]
)
def test_policy_hides_skip_and_postpone(root, open_window, can_postpone, can_skip):
    window = open_window(can_postpone=can_postpone, can_skip=can_skip)
    texts = mapped_texts(window.top)
    assert (strings.SKIP in texts) == can_skip
    assert any(t.startswith("Postpone") for t in texts) == can_postpone
    assert strings.START in texts and strings.HURTS in texts


def test_enter_starts_then_finishes(root, open_window, choices):
    window = open_window()
    window.offer_focus()
    assert wait_until(root, lambda: root.focus_get() is not None)
    wid = wrapper_id(window.top)
    press(root, wid, "Return")
    assert wait_until(root, lambda: choices == ["start"])
    press(root, wid, "Return")
    assert wait_until(root, lambda: choices == ["start", "done"])
    assert not window.is_open


@pytest.mark.parametrize(
    "can_postpone, can_skip, expected",
    [(True, True, ["postpone"]), (False, True, []), (False, False, [])],
    ids=["postpones", "nothing-when-no-postpone-even-with-skip", "nothing-when-neither"],
)
def test_escape(root, open_window, choices, can_postpone, can_skip, expected):
    window = open_window(can_postpone=can_postpone, can_skip=can_skip)
    window.offer_focus()
    assert wait_until(root, lambda: root.focus_get() is not None)
    press(root, wrapper_id(window.top), "Escape")
    assert wait_until(root, lambda: choices == expected)
    pump(root, 0.1)
    assert choices == expected
    assert window.is_open == (not expected)


def test_this_hurts_stops_and_shows_the_caution(root, open_window, choices):
    window = open_window()
    click(root, window.primary)
    click(root, find_button(window.top, strings.HURTS))
    assert wait_until(root, lambda: choices == ["start", "hurts"])
    texts = mapped_texts(window.top)
    assert strings.CAUTION in texts
    assert "Stop any movement that increases pain. Move slowly; never bounce." in texts
    assert "Upright gives general information, not medical advice." in texts
    assert strings.START not in texts and strings.DONE not in texts and strings.SKIP not in texts
    assert window._tick_id is None, "the countdown must stop with the exercise"
    assert clipped_widgets(window.top) == []
    screenshot("break_caution", screen_rect(window.top))
    click(root, find_button(window.top, strings.CLOSE))
    assert wait_until(root, lambda: choices == ["start", "hurts", "done"])
    assert not window.is_open


def test_escape_in_the_caution_view_closes_it_as_done(root, open_window, choices):
    window = open_window(can_postpone=False, can_skip=False)
    click(root, find_button(window.top, strings.HURTS))
    window.offer_focus()
    assert wait_until(root, lambda: root.focus_get() is window.close_button)
    press(root, wrapper_id(window.top), "Escape")
    assert wait_until(root, lambda: choices == ["hurts", "done"])


class FakeClock:
    """Monotonic time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def advance(root, clock: FakeClock, seconds: float) -> None:
    """Let ``seconds`` of fake time pass, and one real tick for the window to see it."""
    clock.now += seconds
    pump(root, 0.25)


def test_hold_countdown_runs_only_once_started_and_only_while_open(root, open_window):
    clock = FakeClock()
    held = dataclasses.replace(STANDING_BACK_EXTENSION, hold_s=20)
    window = open_window(exercise=held, break_s=90, clock=clock)
    assert window.countdown.cget("text") == "Hold 20 s"
    assert window.break_clock.cget("text") == "Break 1:30"
    advance(root, clock, 5)
    assert window.countdown.cget("text") == "Hold 20 s", "counting before Start"
    click(root, window.primary)
    advance(root, clock, 0.5)
    assert window.countdown.cget("text") == "Hold 20 s"  # 19.5 s left still reads 20
    advance(root, clock, 1)
    assert window.countdown.cget("text") == "Hold 19 s"
    assert window.break_clock.cget("text") == "Break 1:29"
    advance(root, clock, 18.5)
    assert window.countdown.cget("text") == strings.HOLD_OVER
    assert window.break_clock.cget("text") == "Break 1:10"
    advance(root, clock, 70)
    assert window.break_clock.cget("text") == strings.BREAK_OVER
    assert clipped_widgets(window.top) == []
    window.close()
    assert root.tk.splitlist(root.tk.call("after", "info")) == (), "a timer outlived the window"


def test_without_a_hold_the_break_itself_counts_down(root, open_window):
    clock = FakeClock()
    window = open_window(break_s=120, clock=clock)
    assert window.countdown.cget("text") == "Break 2:00"
    assert not window.break_clock.winfo_ismapped()
    click(root, window.primary)
    advance(root, clock, 61)
    assert window.countdown.cget("text") == "Break 0:59"
    advance(root, clock, 59)
    assert window.countdown.cget("text") == strings.BREAK_OVER


def test_a_long_translation_grows_the_window_instead_of_clipping(root, open_window, monkeypatch):
    long = "That was your break: thank you. Press Done whenever you are ready to sit down again. " * 2
    monkeypatch.setattr(strings, "BREAK_OVER", long)
    clock = FakeClock()
    window = open_window(break_s=60, clock=clock)
    height = window.top.winfo_height()
    click(root, window.primary)
    advance(root, clock, 61)
    assert window.countdown.cget("text") == strings.BREAK_OVER
    assert window.top.winfo_height() > height
    assert clipped_widgets(window.top) == []


def test_the_countdown_really_ticks(root, open_window):
    """With the real clock too: one second after Start, one second less."""
    window = open_window(break_s=60)
    click(root, window.primary)
    assert wait_until(root, lambda: window.countdown.cget("text") == "Break 0:59", timeout=2)


def test_next_exercise_only_with_more_than_one(root, open_window, choices):
    single = open_window()
    assert find_button(single.top, strings.NEXT_EXERCISE) is None
    single.close()
    other = dataclasses.replace(STANDING_BACK_EXTENSION, id="other", name="Another stretch", adapted_from=None)
    window = open_window(exercise=[STANDING_BACK_EXTENSION, other])
    assert "Exercise 1 of 2" in mapped_texts(window.top)
    click(root, find_button(window.top, strings.NEXT_EXERCISE))
    assert wait_until(root, lambda: "Another stretch" in mapped_texts(window.top))
    assert "Exercise 2 of 2" in mapped_texts(window.top)
    click(root, find_button(window.top, strings.NEXT_EXERCISE))
    assert wait_until(root, lambda: STANDING_BACK_EXTENSION.name in mapped_texts(window.top))
    assert choices == []
    assert clipped_widgets(window.top) == []


def test_shows_the_exercise_labelled_as_an_adaptation(root, open_window):
    window = open_window()
    texts = mapped_texts(window.top)
    for step in STANDING_BACK_EXTENSION.steps:
        assert step in texts
    assert "Adapted for the desk from “Cobra stretch”" in texts
    assert STANDING_BACK_EXTENSION.caution in texts
    assert strings.NOT_MEDICAL_ADVICE in texts


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_nothing_is_clipped(root, open_window, scale):
    window = open_window(font_scale=scale)
    assert clipped_widgets(window.top) == []
    screenshot(f"break_{round(scale * 100)}")
    click(root, find_button(window.top, strings.HURTS))
    assert clipped_widgets(window.top) == []
    if scale != 1.0:
        screenshot(f"break_caution_{round(scale * 100)}")


def test_nothing_is_clipped_on_a_narrow_monitor(root, open_window):
    window = open_window(geometry=(0, 0, 640, 800))  # e.g. 1280 px wide at 200 % scaling
    assert clipped_widgets(window.top) == []
    assert screen_rect(window.top)[2] <= 640


def test_200_percent_really_is_larger(root, open_window):
    small = open_window(font_scale=1.0)
    body_1x = small.fonts.body.metrics("linespace")
    small.close()
    large = open_window(font_scale=2.0)
    assert large.fonts.body.metrics("linespace") >= 1.8 * body_1x
    # Sizes are pixels (negative in Tk): Tk's point sizes round through the server's dpi.
    assert large.fonts.body.cget("size") == 2 * small.fonts.body.cget("size") < 0


def test_the_package_offers_what_the_app_wires(root):
    from agent import ui

    offered = ui.default_exercises()
    assert ui.BreakWindow is BreakWindow and 1 <= len(offered) <= 3
    assert all(isinstance(e, Exercise) and e.at_desk for e in offered)
    assert callable(ui.Notice) and callable(ui.Panel) and callable(ui.monitor_at_pointer)


def test_destroy_after_the_window_closed_itself_is_harmless(root, open_window, choices):
    window = open_window()
    window.primary.invoke()
    window.primary.invoke()
    assert choices == ["start", "done"] and not window.is_open
    window.destroy()  # the app closes its prompt after "done" too
    window.destroy()


def test_a_failing_handler_does_not_wedge_the_window(root):
    def explode(choice):
        raise RuntimeError(choice)

    window = BreakWindow(root, STANDING_BACK_EXTENSION, explode, can_postpone=True, can_skip=True, break_s=60, geometry=MONITOR)
    window.primary.invoke()
    assert window.primary.cget("text") == strings.DONE
    window.primary.invoke()
    assert not window.is_open


def test_the_picture_plays_the_movement_and_stops_with_the_window(root, open_window):
    window = open_window()
    seen = set()
    end = time.monotonic() + 3.0
    while time.monotonic() < end:
        pump(root, 0.05)
        seen.add(str(window.picture.cget("image")))
    assert len(seen) >= 5  # the start pose, steps towards the end pose, the end pose...
    drawn = window._animation.frames
    assert 0.0 in drawn and len(drawn) >= 5
    window.close()
    assert root.tk.splitlist(root.tk.call("after", "info")) == (), "the animation outlived the window"


def test_the_window_is_on_screen_before_its_figure_is_drawn(root, open_window, monkeypatch):
    """The figure is the slowest part of the window (100-150 ms): the prompt maps first, then draws it,
    in the place a blank of the same size kept, so that the window does not change size."""
    from agent.ui import break_window

    mapped_when_drawn, draw = [], break_window.draw_exercise

    def drawing(*args, **kwargs):  # called maybe before open_window returns: find the window in Tk's tree
        tops = [w for w in root.winfo_children() if w.winfo_class() == "Toplevel"]
        mapped_when_drawn.append(any(top.winfo_ismapped() for top in tops))
        return draw(*args, **kwargs)

    monkeypatch.setattr(break_window, "draw_exercise", drawing)
    window = open_window()
    size = (window.picture.winfo_reqwidth(), window.picture.winfo_reqheight())
    assert wait_until(root, lambda: mapped_when_drawn), "the figure was never drawn"
    assert mapped_when_drawn[0] is True, "the figure was drawn before the window was on screen"
    pump(root, 0.1)
    assert (window.picture.winfo_reqwidth(), window.picture.winfo_reqheight()) == size


def test_the_other_monitors_are_dimmed_while_the_window_is_open(root, open_window):
    from PIL import Image

    from agent.ui.geometry import monitor_at_pointer, other_monitors

    with split_screen():
        move_pointer(5, 5)  # on the left monitor, off the window (Xvfb's focus follows the pointer)
        monitor = monitor_at_pointer(root)
        window = open_window(geometry=monitor, dim=other_monitors(root, monitor))
        [veil] = window.dimmer.veils
        assert wait_until(root, veil.winfo_viewable)
        assert monitor == (0, 0, 640, 800) and screen_rect(veil) == (640, 0, 640, 800)
        x, _, w, _ = screen_rect(window.top)
        assert x + w <= 640  # the break window stays on the monitor with the pointer
        assert veil.overrideredirect() and root.focus_get() is None  # nothing took the keyboard
        assert upright_windows() == [wrapper_id(window.top)]  # tools looking for "Upright" find the window only
        shot = Image.open(screenshot("break_window_dimmed_other_monitor")).convert("RGB")
        assert sum(shot.getpixel((1200, 40))) < 3 * 40  # the right monitor is dark
        assert sum(shot.getpixel((x + 4, 400))) > 3 * 200  # the break window's light background
        window.close()
        assert window.dimmer.veils == [] and not veil.winfo_exists()


def test_one_monitor_dims_nothing(root, open_window):
    from agent.ui.geometry import other_monitors

    window = open_window(dim=other_monitors(root, MONITOR))
    assert window.dimmer is None


# --- the keyboard presses what has the focus, and only that --------------------------


def tab_to(root, window: BreakWindow, widget) -> None:
    """Press the real Tab key until ``widget`` has the focus, as a keyboard user would."""
    window.offer_focus()
    assert wait_until(root, lambda: root.focus_get() is not None)
    for _ in range(20):
        if root.focus_get() is widget:
            return
        xdotool("key", "Tab")
        pump(root, 0.05)
    raise AssertionError(f"Tab never reached {widget.cget('text')!r}")


@pytest.mark.parametrize("key", ["Return", "space"])
@pytest.mark.parametrize("target, expected", [
    ("primary", ["start"]), ("postpone_button", ["postpone"]), ("skip_button", ["skip"]),
    ("hurts_button", ["hurts"]),
])
def test_enter_and_space_press_the_focused_control(root, open_window, choices, key, target, expected):
    window = open_window()
    tab_to(root, window, getattr(window, target))
    xdotool("key", key)
    assert wait_until(root, lambda: choices == expected)
    pump(root, 0.1)
    assert choices == expected, "the key pressed a control that did not have the focus"
    if target == "hurts_button":
        assert window.in_caution and not window.started
        assert strings.CAUTION in mapped_texts(window.top)


def test_once_started_postpone_and_skip_go_and_a_bar_shows_the_time_left(root, open_window, choices):
    clock = FakeClock()
    window = open_window(break_s=120, clock=clock)
    assert not window.progress.winfo_ismapped()
    tab_to(root, window, window.primary)
    xdotool("key", "Return")
    assert wait_until(root, lambda: choices == ["start"])
    texts = mapped_texts(window.top)
    assert strings.SKIP not in texts and not any(t.startswith("Postpone") for t in texts)
    assert strings.DONE in texts and strings.HURTS in texts
    assert window.progress.winfo_ismapped()
    full = _bar_width(window)
    assert full == int(window.progress.cget("width"))
    advance(root, clock, 60)
    assert abs(_bar_width(window) - full / 2) <= 2
    xdotool("key", "Escape")  # no postponing a break that is on
    pump(root, 0.2)
    assert choices == ["start"] and window.is_open
    assert clipped_widgets(window.top) == []
    screenshot("break_started", screen_rect(window.top))
    advance(root, clock, 60)
    assert _bar_width(window) == 0


def _bar_width(window: BreakWindow) -> int:
    items = window.progress.find_withtag("left")
    if not items:
        return 0
    x0, _, x1, _ = window.progress.coords(items[0])
    return round(x1 - x0)


@pytest.mark.parametrize("postponed, note", [(3, "Postponed 3 times"), (1, "Postponed once")])
def test_without_postpones_left_esc_does_nothing_and_the_window_says_why(root, open_window, choices,
                                                                         postponed, note):
    window = open_window(can_postpone=False, postponed=postponed)
    assert note in mapped_texts(window.top)
    tab_to(root, window, window.primary)
    xdotool("key", "Escape")
    pump(root, 0.2)
    assert choices == [] and window.is_open
    assert clipped_widgets(window.top) == []
    if postponed == 3:
        screenshot("break_postponed_3_times", screen_rect(window.top))


def test_a_break_the_user_asked_for_says_nothing_about_postponing(root, open_window):
    window = open_window(can_postpone=False)
    assert not any(t.startswith("Postponed") for t in mapped_texts(window.top))


SHORT_WALK = next(e for e in load_library() if e.id == "short_walk")


@pytest.mark.parametrize("break_s, step", [
    (120, "Stand up and walk around until the break is over."),
    (300, "Stand up and walk around for a few minutes."),
])
def test_step_text_matches_the_break_length(root, open_window, break_s, step):
    window = open_window(exercise=SHORT_WALK, break_s=break_s)
    texts = mapped_texts(window.top)
    assert step in texts
    assert ("a few minutes" in " ".join(texts)) == (break_s >= SHORT_WALK.short_break_under_s)


def test_the_focus_ring_is_seen_round_the_teal_button(root, open_window, ui_display):
    """The ring's pixels change from the window's colour to dark ink: at least 3:1 (WCAG 2.4.13)."""
    from PIL import ImageGrab

    window = open_window()
    window.offer_focus()
    assert wait_until(root, lambda: root.focus_get() is window.primary)
    move_pointer(5, 795)  # no hover colour
    pump(root, 0.2)
    b = window.primary
    ring = theme.focus_ring(window.fonts)
    assert 2 <= ring <= 3
    x, y = b.winfo_rootx(), b.winfo_rooty() + b.winfo_height() // 2

    def edge():
        image = ImageGrab.grab(xdisplay=ui_display).convert("RGB")
        return [image.getpixel((x + i, y)) for i in range(ring)]

    focused = edge()
    window.hurts_button.focus_set()
    pump(root, 0.2)
    unfocused = edge()
    assert all(p == _rgb(theme.FOCUS_RING) for p in focused), focused
    assert all(p == _rgb(theme.BACKGROUND) for p in unfocused), unfocused
    assert _contrast(theme.FOCUS_RING, theme.BACKGROUND) >= 3


@pytest.mark.parametrize("focused, unfocused", theme.FOCUS_PAIRS)
def test_every_focus_ring_has_3_to_1_contrast(focused, unfocused):
    assert _contrast(focused, unfocused) >= 3


def _rgb(colour: str) -> tuple:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _contrast(a: str, b: str) -> float:
    def luminance(colour):
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in _rgb(colour))]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
