"""Text that scales: the desktop's scale (Xft.dpi, the X server's dpi, GDK_SCALE) times the text size.

The windows are opened the way the agent opens them, through the window
process's `Host` and an ``open`` message (with and without ``text_size``),
on the UI tests' real 1280x800 Xvfb whose ``Xft.dpi`` resource is set with
``xrdb`` as a desktop sets it. Each must stay on the screen and within 85 %
of its height, cut nothing off (what does not fit scrolls), and draw its
text larger at each step up.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from agent.settings import config
from agent.ui import protocol, scale
from agent.ui.host import Host
from tests.reading_windows import clipped
from tests.ui_desktop import SCREEN_H, SCREEN_W, pump, screen_rect, screenshot, wait_until
from tests.xvfb import running_xvfb

ROOT = Path(__file__).resolve().parents[1]


def tallest(monitor) -> int:
    """85 % of the monitor's height: written here, not taken from the code it checks."""
    return int(monitor[3] * 0.85)


MONITOR = (0, 0, SCREEN_W, SCREEN_H)
STATE = {"version": 1}  # a fresh checklist record, as the agent sends it

#: The break window's exercises are pinned: left to the rotation, they turn with the date, and a
#: test would judge a different window each day (one day's three overflowed by 4 px). Every
#: exercise of the library is fitted by test_each_exercise_fits_the_break_window.
BREAK_EXERCISES = ["short_walk"]
KINDS = {
    "break": {"exercises": BREAK_EXERCISES, "can_postpone": True, "can_skip": True, "break_s": 120, "postpone_min": 5,
              "dim": False, "exercise_options": {"folder": "", "floor_at_desk": False},
              "marks": {"favourites": [], "hidden": []}, "postponed": 0, "spasm_guide": False,
              "end_spasm": False},
    "notice": {"text": "Break in 1 min — finish your sentence", "seconds": 600},
    "panel": {"paused": False, "standing": False, "can_postpone": True, "postpone_min": 5,
              "status": "Sitting 18 min · next break in 12 min"},
    "walkthrough": {"state": STATE, "ignore_s": 0},
    "checklist": {"checklist": "posture", "state": STATE},
    "spasm_guide": {"spasm_start": None, "can_end": True},
    "exercises": {"exercise_options": {"folder": "", "floor_at_desk": False},
                  "marks": {"favourites": [], "hidden": []}, "break_s": 120},
    "lifting": {},
    "red_flags": {},
    "today": {"sitting_s": 3 * 3600 + 720.0, "longest_bout_s": 2880.0, "standing_s": 1500.0, "breaks_taken": 1,
              "ended_early": 2, "natural_breaks": 3},
}
#: Kinds whose args are read when the window opens (the settings in force, the history).
LATE_KINDS = ("settings", "week")
ALL_KINDS = (*KINDS, *LATE_KINDS)


def args_of(kind: str) -> dict:
    """An ``open`` message's args for ``kind``, as the agent sends them."""
    if kind == "settings":
        from agent.it import autostart
        from agent.live.remote_windows import settings_state
        from agent.settings import layers

        return settings_state(layers.load(), autostart.for_platform())
    if kind == "week":  # an empty history folder: the window reads it, read-only
        import tempfile
        from datetime import date

        return {"directory": tempfile.mkdtemp(prefix="upright-hidpi-week-"), "today": date.today().isoformat()}
    return dict(KINDS[kind])


# -- the desktop's scale, read -----------------------------------------------------


@pytest.mark.parametrize("xft, server, env, expected", [
    (96, 100, {}, 1.0),
    (144, 100, {}, 1.5),
    (192, 96, {}, 2.0),
    (120, 96, {}, 1.25),
    (None, 100.04, {}, 1.0),  # Xvfb's 1280x800 says 100 dpi: a rough 96
    (None, 192, {}, 2.0),
    (None, 141, {}, 1.5),
    (None, None, {}, 1.0),
    (96, 96, {"GDK_SCALE": "2"}, 2.0),  # GTK's window scale, when larger than the dpi says
    (192, 96, {"GDK_SCALE": "2"}, 2.0),  # not twice: the desktop's dpi already counts it
    (96, 96, {"GDK_DPI_SCALE": "1.5"}, 1.5),  # text only, on top
    (192, 96, {"GDK_DPI_SCALE": "0.5"}, 1.0),
    (96, 96, {"GDK_SCALE": "lots", "GDK_DPI_SCALE": "-1"}, 1.0),  # nonsense is ignored
    (2000, 96, {}, scale.HIGHEST),  # a misreading is bounded
])
def test_the_desktops_scale_is_read_as_gtk_reads_it(xft, server, env, expected):
    assert scale.desktop_scale(xft, server, env) == pytest.approx(expected)


def test_xft_dpi_is_found_in_the_resource_database():
    assert scale.resource_dpi("Xcursor.size:\t24\nXft.dpi:\t144\nXft.antialias:\t1\n") == 144
    assert scale.resource_dpi("Xcursor.size: 24\n") is None
    assert scale.resource_dpi("Xft.dpi: lots\n") is None


def test_the_settings_choices_are_the_text_sizes_the_windows_know():
    assert config.SECTIONS["display"]["text_size"].choices == tuple(scale.TEXT_SIZES)
    factors = list(scale.TEXT_SIZES.values())
    assert factors == sorted(factors) and scale.TEXT_SIZES["normal"] == 1.0 and factors[-1] == 2.0
    assert scale.text_factor("enormous") == 1.0  # a newer agent's size draws as normal


def test_a_bad_text_size_in_a_settings_file_names_the_file_and_line(tmp_path):
    path = tmp_path / "upright.toml"
    path.write_text('[display]\ntext_size = "huge"\n')
    with pytest.raises(config.ConfigError) as error:
        config.read_file(path)
    assert str(error.value).count("\n") == 0
    assert f"{path}:2: display.text_size" in str(error.value) and '"largest"' in str(error.value)


def test_text_size_is_an_optional_arg_of_every_window_kind():
    for kind in ALL_KINDS:
        args = args_of(kind)
        protocol.decode(protocol.encode("open", id=1, kind=kind, args=args))  # without it
        message = protocol.decode(protocol.encode("open", id=1, kind=kind, args={**args, "text_size": "large"}))
        assert protocol.unknown_args(message) == []
    bad = json.dumps({"v": 1, "type": "open", "id": 1, "kind": "lifting", "args": {"text_size": 2}})
    with pytest.raises(protocol.BadMessage, match="text_size"):
        protocol.decode(bad)


def test_the_agent_sends_the_text_size_with_every_window():
    from agent.live.window_process import WindowProcess

    sent = []
    process = WindowProcess(None, lambda func: func(), every_window=lambda: {"text_size": "larger"})
    process._ensure_started = lambda: None  # no child: record what would be written
    process.send = lambda message_type, /, **fields: sent.append(protocol.decode(
        protocol.encode(message_type, **fields)))  # checked as the window process checks it
    process.open("lifting", {})
    process.open("notice", {"text": "hello", "seconds": 3})
    assert [fields["args"].get("text_size") for fields in sent] == ["larger", "larger"]


def test_the_x_servers_own_dpi_counts_where_no_xft_dpi_is_set():
    """A server started at 192 dpi (no Xft.dpi): Upright draws at 200 %, in a process of its own
    (Tk cannot open a second display in the UI tests' process safely)."""
    probe = textwrap.dedent("""
        import tkinter
        from agent.ui import scale
        root = tkinter.Tk()
        print(scale.xft_dpi(root), scale.current(root))
    """)
    with running_xvfb(None, extra_args=("-dpi", "192")) as display:
        out = subprocess.run([sys.executable, "-c", probe], env={**_env(), "DISPLAY": display}, cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["None", "(2.0,", "2.0)"]


def _env() -> dict:
    import os

    return {key: value for key, value in os.environ.items() if not key.startswith("GDK_")}


# -- real windows at 96, 144 and 192 dpi ---------------------------------------------


@pytest.fixture
def xft_dpi(root):
    """``xft_dpi(144)``: set the desktop's Xft.dpi as a desktop does (xrdb); the resources are
    put back after the test, so the other UI tests see the server as it was."""
    before = subprocess.run(["xrdb", "-query"], capture_output=True, text=True, check=True).stdout

    def set_dpi(dpi: int) -> None:
        subprocess.run(["xrdb", "-nocpp", "-merge"], input=f"Xft.dpi: {dpi}\n", text=True, check=True)
        assert scale.xft_dpi(root) == dpi

    yield set_dpi
    if before.strip():
        subprocess.run(["xrdb", "-nocpp", "-load"], input=before, text=True, check=True)
    else:
        subprocess.run(["xrdb", "-remove"], check=True)


@pytest.fixture
def host(root, monkeypatch):
    monkeypatch.delenv("GDK_SCALE", raising=False)
    monkeypatch.delenv("GDK_DPI_SCALE", raising=False)
    sent: list = []
    made = Host(root, sent.append)
    yield made
    for window in list(made.windows.values()):
        try:
            window.destroy()
        except Exception:  # noqa: BLE001 - closed by the test already
            pass
    scale.use_text_size(root, "normal")  # the root is shared: the next tests' windows are at 100 %
    pump(root, 0.05)


def open_kind(root, host: Host, kind: str, text_size: str | None = None, **changes):
    """Open a window of ``kind`` as the agent does (``changes`` to its args); wait until it is on screen."""
    args = {**args_of(kind), **changes}
    if text_size is not None:
        args["text_size"] = text_size
    number = len(host.windows) + 100
    host.handle_line(protocol.encode("open", id=number, kind=kind, args=args))
    window = host.windows[number]
    assert wait_until(root, lambda: window.top.winfo_viewable(), timeout=10), f"the {kind} window never appeared"
    pump(root, 0.1)
    return window


def body_px(window) -> int:
    return -int(window.fonts.body.cget("size"))


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("dpi, text_size", [(96, None), (96, "large"), (96, "largest"), (120, "normal")])
def test_every_window_fits_a_laptop_screen_at_each_text_size(root, host, xft_dpi, kind, dpi, text_size):
    """1280x800 at 100 % (and 125 %): up to twice the text, nothing is cut off and no window
    is taller than 85 % of the screen; what does not fit scrolls."""
    xft_dpi(dpi)
    window = open_kind(root, host, kind, text_size)
    factor = dpi / 96 * scale.text_factor(text_size or "normal")
    assert window.fonts.scale == pytest.approx(factor)
    assert body_px(window) == round(16 * factor)
    top = window.top
    wait_until(root, lambda: clipped(top) == [], timeout=10)  # laid out in steps: once it has settled
    assert clipped(top) == []
    assert top.winfo_height() <= tallest(MONITOR), f"{top.winfo_height()} px tall on a {SCREEN_H} px screen"
    if text_size is None:
        screenshot(f"hidpi_100_{kind}_normal", screen_rect(top))


def _break_sets() -> list[list[str]]:
    """Each exercise of the library alone, and the three the rotation gave on 2026-12-05 (the most text)."""
    from agent.content.exercises import load_library

    return [[exercise.id] for exercise in load_library()] + [
        ["standing_back_extension", "sit_to_stand", "standing_glute_squeeze"]]


@pytest.mark.parametrize("text_size", ["large", "largest"])
def test_each_exercise_fits_the_break_window(root, host, xft_dpi, text_size):
    """1280x800 at 100 %, large text: whatever the rotation picks, nothing pokes out of its column."""
    xft_dpi(96)
    problems = {}
    for exercises in _break_sets():
        window = open_kind(root, host, "break", text_size, exercises=exercises)
        top = window.top
        wait_until(root, lambda: clipped(top) == [], timeout=10)
        cut = clipped(top)
        if cut or top.winfo_height() > tallest(MONITOR):
            problems["+".join(exercises)] = (cut, top.winfo_height())
        window.destroy()
        pump(root, 0.02)
    assert problems == {}


#: HiDPI screens, each a server of its own: its size, how it says its dpi, the text sizes tried.
HIDPI = {
    # a 13-inch 2560x1600 laptop at 200 %: the X server's own dpi, no Xft.dpi
    "200": ("2560x1600x24", ("-dpi", "192"), None, ["normal", "larger", "largest"]),
    # a 1920x1200 screen at 150 %: Xft.dpi, as GNOME and KDE set it
    "150": ("1920x1200x24", (), 144, ["normal", "large"]),
}


@pytest.mark.parametrize("name", list(HIDPI))
def test_every_window_scales_with_a_hidpi_desktop(name):
    screen, server_args, xft, text_sizes = HIDPI[name]
    with running_xvfb(None, extra_args=server_args, screen=screen) as display:
        env = {**_env(), "DISPLAY": display}
        if xft is not None:
            subprocess.run(["xrdb", "-nocpp", "-merge"], input=f"Xft.dpi: {xft}\n", text=True, env=env, check=True)
        out = subprocess.run([sys.executable, "-m", "tests.hidpi_probe", name, *text_sizes], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    found = json.loads(out.stdout.splitlines()[-1])
    assert len(found) == len(ALL_KINDS) * len(text_sizes)
    desktop = int(name) / 100
    for what, seen in found.items():
        factor = desktop * scale.text_factor(what.split()[1])
        assert seen["scale"] == pytest.approx(factor), what
        assert seen["body_px"] == round(16 * factor), what
        assert seen["problems"] == [], what
        assert seen["height"] <= tallest(seen["monitor"]), f"{what}: {seen['height']} px on {seen['monitor']}"
        if what == "break normal":  # 250 px at 100 %: the picture grows with the screen, not to 1.3x at most
            assert seen["picture"] >= round(250 * desktop), seen
        if what.split()[0] in ("walkthrough", "checklist", "exercises", "spasm_guide", "break"):
            # no longer 720 px wide whatever the scale: these grow with it, to the screen's width
            assert seen["width"] >= min(700 * desktop, seen["monitor"][2] - 48) - 1, what


@pytest.mark.parametrize("kind", ["break", "walkthrough", "panel", "lifting"])
def test_text_grows_at_each_step_of_the_desktop_scale_and_the_text_size(root, host, xft_dpi, kind):
    sizes, widths = [], []
    for dpi, text_size in [(96, "small"), (96, "normal"), (96, "large"), (120, "large"), (120, "larger"),
                           (144, "larger"), (120, "largest")]:
        xft_dpi(dpi)
        window = open_kind(root, host, kind, text_size)
        sizes.append((body_px(window), window.fonts.body.metrics("linespace")))
        widths.append(window.top.winfo_width())
        window.destroy()
        pump(root, 0.05)
    assert sizes == sorted(set(sizes)), f"body text (px, line height) did not grow at every step: {sizes}"
    assert widths[-1] > widths[0], "the window did not grow with its text"


def test_pictures_grow_with_the_desktop_not_only_the_text(root, host, xft_dpi):
    xft_dpi(96)
    small = open_kind(root, host, "break")
    picture_1x = small.picture.winfo_reqwidth()
    small.destroy()
    xft_dpi(192)
    large = open_kind(root, host, "break")
    # 250 px at 100 %; at 200 % twice that, unless a third of the screen's height is less.
    assert large.picture.winfo_reqwidth() == min(2 * picture_1x, round(SCREEN_H * 0.35) + 2 * _border(large))
    assert large.fonts.pad() == 2 * small.fonts.pad()


def _border(window) -> int:
    return int(window.picture.cget("bd"))


def test_the_break_window_scrolls_its_steps_at_the_largest_text(root, host, xft_dpi):
    """At 120 dpi and the largest text (250 %) on a 1280x800 screen, the steps cannot fit: they scroll,
    under the heading and over the buttons, and the window stays within 85 % of the screen."""
    xft_dpi(120)
    window = open_kind(root, host, "break", "largest")
    assert window.scroller.scrolls
    assert clipped(window.top) == []
    assert window.top.winfo_height() <= tallest(MONITOR)
    bottom = window.top.winfo_rooty() + window.top.winfo_height()
    assert window.primary.winfo_rooty() + window.primary.winfo_height() <= bottom, "Start is out of view"
    screenshot("hidpi_break_250_percent_on_1280x800", screen_rect(window.top))


def test_the_panel_takes_a_third_column_rather_than_grow_past_85_percent(root, shown):
    """On a wide, low monitor (1280x600 here) 150 % text needs three columns to stay within 85 %;
    where three would be wider than the monitor (1280x800 at 250 %), it keeps two."""
    from agent.ui.panel import Panel

    low = (0, 0, SCREEN_W, 600)
    panel = shown(Panel(root, lambda _action: None, low, paused=False, standing=False, can_postpone=True,
                        font_scale=1.5, status="Sitting 18 min · next break in 12 min"), "the panel")
    assert len({button.winfo_parent() for button in panel.buttons.values()}) == 3
    assert panel.top.winfo_height() <= tallest(low) and clipped(panel.top) == []
    screenshot("hidpi_panel_three_columns", screen_rect(panel.top))
    panel.close()
    wide = shown(Panel(root, lambda _action: None, MONITOR, paused=False, standing=False, can_postpone=True,
                       font_scale=2.5, status="Sitting 18 min · next break in 12 min"), "the panel")
    assert len({button.winfo_parent() for button in wide.buttons.values()}) == 2
    assert wide.top.winfo_width() <= SCREEN_W and clipped(wide.top) == []


def test_the_text_size_is_a_choice_in_the_settings_window(root, shown):
    """Chosen there, it is saved in the user's file like every other setting, and in force."""
    from agent.settings import layers
    from agent.ui.settings_window import SettingsWindow
    from tests.ui_desktop import click

    window = shown(SettingsWindow(root, layers.load, lambda: None, MONITOR), "the settings window")
    row = window.row("display.text_size")
    assert [control.cget("value") for control in row.controls] == list(scale.TEXT_SIZES)
    assert row.var.get() == "normal"
    window.scroller.see(row.controls[3])
    pump(root, 0.1)
    click(root, row.controls[3])
    assert wait_until(root, lambda: layers.user_file().exists()
                      and 'text_size = "larger"' in layers.user_file().read_text())
    assert layers.load().values["display"]["text_size"] == "larger"

