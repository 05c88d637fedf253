"""The Settings window on a real X server: changed by real clicks and keys, saved to the user's file.

Every test starts as a user without a settings file on a machine without a
policy (tests/conftest.py); a test that needs a policy writes one.
Screenshots: tests/artifacts/settings_100, settings_200, settings_200_end.
"""

from __future__ import annotations

import pytest

from agent.settings import layers
from agent.ui import strings
from agent.ui.settings_window import (
    DEFAULTS_NOTE, GROUPS, MANAGED, RECOMMENDED, RESET, SITTING_BEYOND, SettingsWindow
)
from tests.reading_windows import clipped, fully_visible, shown_texts
from tests.test_layers import system_policy, user_settings
from tests.ui_desktop import (
    click,
    press,
    pump,
    screen_rect,
    screenshot,
    type_text,
    upright_windows,
    wait_until,
    wrapper_id,
    xdotool,
)

MONITOR = (0, 0, 1280, 800)
POLICY = """\
[features]
strict_breaks = "required"
[recommended.breaks]
sitting_limit_min = 40
[enforced.breaks]
break_min = 3
"""


@pytest.fixture
def saves():
    """What the agent hears: one call per save."""
    return []


@pytest.fixture
def open_settings(root, shown, saves):
    def _open(**options) -> SettingsWindow:
        window = shown(SettingsWindow(root, layers.load, lambda: saves.append(1), MONITOR, **options),
                       "the settings window")
        assert wait_until(root, lambda: root.focus_get() is window.first_focus()), "it did not take the keyboard"
        return window

    return _open


def field_says(window, dotted) -> str:
    return window.row(dotted).entry.get()


def retype(root, window, dotted, text, then="Return"):
    """Click into a number field, clear it and type `text`, as a person would."""
    entry = window.row(dotted).entry
    window.scroller.see(entry)
    click(root, entry)
    assert wait_until(root, lambda: root.focus_get() is entry)
    press(root, wrapper_id(window.top), "End")
    for _ in entry.get():
        press(root, wrapper_id(window.top), "BackSpace")
    type_text(root, text)
    if then:
        press(root, wrapper_id(window.top), then)


def in_force(dotted):
    effective = layers.load()
    section, name = dotted.split(".")
    return effective.values[section][name], effective.origins[dotted]


def test_titled_upright_showing_each_setting_in_force(root, open_settings):
    window = open_settings()
    assert window.top.title().startswith("Upright") and upright_windows() == [wrapper_id(window.top)]
    texts = shown_texts(window.top)
    for title, settings in GROUPS:
        assert title in texts
        assert all(setting.label in texts for setting in settings)
    assert [field_says(window, d) for d in ("breaks.sitting_limit_min", "breaks.break_min",
                                             "breaks.postpone_min", "breaks.natural_break_min")] == ["30", "2", "5", "5"]
    assert window.row("pattern.mode").var.get() == "sitting-limit"
    assert window.row("do_not_disturb.camera").var.get() is True
    assert MANAGED not in texts and RECOMMENDED not in texts and RESET not in texts
    assert window.first_focus() is window.row("breaks.sitting_limit_min").entry
    assert window.scroller.canvas.yview()[0] == 0, "opened at the top, the first group's title in view"


def test_what_the_organisation_enforces_is_disabled_and_says_so(root, open_settings, saves):
    system_policy(POLICY)
    window = open_settings()
    limit, strict = window.row("breaks.break_min"), window.row("features.strict_breaks")
    assert limit.entry.cget("state") == "disabled" and field_says(window, "breaks.break_min") == "3"
    assert strict.controls[0].cget("state") == "disabled" and strict.var.get() is True
    for row in (limit, strict):
        assert row.note.cget("text") == "Managed by your organization" and row.note.winfo_ismapped()
        assert not row.reset_button.winfo_ismapped()
    recommended = window.row("breaks.sitting_limit_min")
    assert recommended.note.cget("text") == "Recommended by your organization"
    assert recommended.entry.cget("state") == "normal" and field_says(window, "breaks.sitting_limit_min") == "40"
    window.scroller.see(strict.controls[0])
    click(root, strict.controls[0])  # a click on a managed setting changes nothing
    assert strict.var.get() is True and saves == [] and not layers.user_file().exists()


def test_a_typed_number_is_saved_on_enter_and_the_settings_in_force_follow(root, open_settings, saves):
    window = open_settings()
    retype(root, window, "breaks.sitting_limit_min", "45")
    assert wait_until(root, lambda: saves == [1])
    assert in_force("breaks.sitting_limit_min") == (45, "user")
    assert "\nsitting_limit_min = 45\n" in layers.user_file().read_text()
    row = window.row("breaks.sitting_limit_min")
    assert field_says(window, "breaks.sitting_limit_min") == "45" and row.reset_button.winfo_ismapped()
    retype(root, window, "breaks.postpone_min", "2,5", then="Tab")  # leaving the field saves too
    assert wait_until(root, lambda: saves == [1, 1])
    assert in_force("breaks.postpone_min") == (2.5, "user")
    assert root.focus_get() is window.row("breaks.natural_break_min").entry


def test_beyond_an_hour_of_sitting_it_warns_and_still_saves(root, open_settings, saves):
    """000's "take breaks every hour" is the articles' loosest bound: a warning, not a refusal."""
    window = open_settings()
    row = window.row("breaks.sitting_limit_min")
    postpone = window.row("breaks.postpone_min")
    assert not row.advice.winfo_ismapped()
    assert postpone.advice.cget("text") == "Postponing 3 times in a row puts a break at 45 min of sitting."
    retype(root, window, "breaks.sitting_limit_min", "75")
    assert wait_until(root, lambda: saves == [1])
    assert in_force("breaks.sitting_limit_min") == (75, "user"), "a warning, not a refusal"
    assert wait_until(root, lambda: row.advice.winfo_ismapped())
    assert row.advice.cget("text") == SITTING_BEYOND and row.error.cget("text") == ""
    assert postpone.advice.cget("text") == "Postponing 3 times in a row puts a break at 90 min of sitting."
    window.scroller.canvas.yview_moveto(0)  # the sitting limit is the first row
    pump(root, 0.1)
    screenshot("settings_sitting_warning", screen_rect(window.top))
    retype(root, window, "breaks.sitting_limit_min", "60")
    assert wait_until(root, lambda: not row.advice.winfo_ismapped())


def test_it_says_what_is_advice_and_what_is_upright_s_own_and_is_not_medical_advice(root, open_settings):
    texts = shown_texts(open_settings().top)
    assert strings.NOT_MEDICAL_ADVICE in texts
    assert DEFAULTS_NOTE in texts
    assert not any("Cornell" in text for text in texts), "no outside source shown without its citation"


@pytest.mark.parametrize("typed, says", [
    ("0", "Choose between 1 and 480 minutes (a fraction such as 0.5 is fine too)."),
    ("soon", "Type a number, such as 30."),
])
def test_an_invalid_number_is_refused_where_it_was_typed(root, open_settings, saves, typed, says):
    window = open_settings()
    retype(root, window, "breaks.sitting_limit_min", typed)
    row = window.row("breaks.sitting_limit_min")
    assert wait_until(root, lambda: row.error.winfo_ismapped())
    assert row.error.cget("text") == says
    assert field_says(window, "breaks.sitting_limit_min") == typed  # kept, to correct
    press(root, wrapper_id(window.top), "Tab")
    assert saves == [] and not layers.user_file().exists() and in_force("breaks.sitting_limit_min") == (30, "default")
    retype(root, window, "breaks.sitting_limit_min", "25")
    assert wait_until(root, lambda: not row.error.winfo_ismapped())
    assert saves == [1] and in_force("breaks.sitting_limit_min") == (25, "user")


def test_a_tick_saves_at_once_and_reset_goes_back_to_the_default(root, open_settings, saves):
    window = open_settings()
    row = window.row("do_not_disturb.camera")
    window.scroller.see(row.controls[0])
    click(root, row.controls[0])
    assert wait_until(root, lambda: saves == [1])
    assert in_force("do_not_disturb.camera") == (False, "user") and row.var.get() is False
    assert wait_until(root, lambda: row.reset_button.winfo_ismapped())
    window.scroller.see(row.reset_button)  # it appears under the tick: near the area's edge, scroll it in
    click(root, row.reset_button)
    assert wait_until(root, lambda: saves == [1, 1])
    assert in_force("do_not_disturb.camera") == (True, "default") and row.var.get() is True
    assert not row.reset_button.winfo_ismapped()
    assert "# camera = true" in layers.user_file().read_text()


def test_reset_goes_back_to_what_the_organisation_recommends(root, open_settings):
    system_policy(POLICY)
    user_settings("[breaks]\nsitting_limit_min = 20\n")
    window = open_settings()
    row = window.row("breaks.sitting_limit_min")
    assert field_says(window, "breaks.sitting_limit_min") == "20" and row.note.cget("text") == ""
    click(root, row.reset_button)
    assert wait_until(root, lambda: field_says(window, "breaks.sitting_limit_min") == "40")
    assert row.note.cget("text") == RECOMMENDED and in_force("breaks.sitting_limit_min") == (40, "recommended")


def test_the_keyboard_reaches_and_changes_everything(root, open_settings, saves):
    window = open_settings()
    top = wrapper_id(window.top)
    first = window.row("pattern.mode").controls[0]
    while root.focus_get() is not first:  # Tab through the number fields to the first choice
        press(root, top, "Tab")
        assert len(saves) == 0
    press(root, top, "Tab")
    press(root, top, "space")  # the second choice: sit, stand, move
    assert wait_until(root, lambda: saves == [1])
    assert in_force("pattern.mode") == ("sit-stand-move", "user")
    assert fully_visible(root.focus_get())
    press(root, top, "Escape")
    assert wait_until(root, lambda: not window.is_open)


def test_close_saves_a_number_still_being_typed(root, open_settings, saves):
    window = open_settings()
    retype(root, window, "breaks.break_min", "3", then=None)
    click(root, window.close_button)
    assert wait_until(root, lambda: not window.is_open)
    assert in_force("breaks.break_min") == (3, "user")


def test_a_settings_file_with_a_mistake_is_left_alone(root, open_settings, saves):
    path = user_settings("[breaks]\nsitting_limit_min = 20\npostpone_min = \n")
    window = open_settings()
    assert window.banner.winfo_ismapped() and f"{path}:3" in window.banner.cget("text")
    row = window.row("features.statistics")
    window.scroller.see(row.controls[0])
    click(root, row.controls[0])
    assert wait_until(root, lambda: row.error.winfo_ismapped())
    assert f"{path}:3: TOML syntax error" in row.error.cget("text")
    assert row.var.get() is True, "the tick goes back: nothing was saved"
    assert path.read_text() == "[breaks]\nsitting_limit_min = 20\npostpone_min = \n" and saves == []


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_readable_at_100_and_200_percent(root, open_settings, scale):
    system_policy(POLICY)
    user_settings("[do_not_disturb]\ncamera = false\n")
    window = open_settings(font_scale=scale)
    assert window.scroller.canvas.yview()[0] == 0, "opened at the top, the first group's title in view"
    retype(root, window, "breaks.postpone_min", "0")
    assert window.row("breaks.postpone_min").error.winfo_ismapped()
    assert clipped(window.top) == []
    assert fully_visible(window.close_button)
    window.scroller.canvas.yview_moveto(0)
    root.update()
    screenshot(f"settings_{round(scale * 100)}", screen_rect(window.top))
    if window.scroller.scrolls:
        press(root, wrapper_id(window.top), "End")
        assert fully_visible(window.row("display.text_size").controls[-1])  # the last row
        screenshot(f"settings_{round(scale * 100)}_end", screen_rect(window.top))
    texts = shown_texts(window.top)
    assert strings.CLOSE in texts


def test_ctrl_a_selects_the_whole_field_so_typing_replaces_it(root, open_settings, saves):
    window = open_settings()
    entry = window.row("breaks.sitting_limit_min").entry
    window.scroller.see(entry)
    click(root, entry)
    assert wait_until(root, lambda: root.focus_get() is entry)
    xdotool("key", "ctrl+a")
    pump(root, 0.1)
    assert entry.selection_present() and entry.selection_get() == "30"
    type_text(root, "25")
    press(root, wrapper_id(window.top), "Return")
    assert wait_until(root, lambda: saves == [1])
    assert field_says(window, "breaks.sitting_limit_min") == "25" and in_force("breaks.sitting_limit_min") == (25, "user")


def _entry_file(scope_env: str):
    import os
    from pathlib import Path

    return Path(os.environ[scope_env].split(":")[0]) / "autostart" / "upright.desktop"


def test_start_at_login_is_a_tick_that_writes_and_removes_the_entry(root, open_settings, saves):
    mine = _entry_file("XDG_CONFIG_HOME")  # a temporary home (tests/conftest.py)
    window = open_settings()
    row = window.autostart_row
    assert row.var.get() is False and not mine.exists()
    window.scroller.see(row.box)
    click(root, row.box)
    assert wait_until(root, lambda: mine.exists())
    assert row.var.get() is True and "Exec=" in mine.read_text()
    assert saves == [], "not a setting in the file: the agent has nothing to take up"
    screenshot("settings_start_at_login", screen_rect(window.top))
    click(root, row.box)
    assert wait_until(root, lambda: not mine.exists())
    assert row.var.get() is False and row.note.cget("text") == ""


def test_start_at_login_says_when_an_all_users_entry_still_starts_it(root, open_settings):
    everyone = _entry_file("XDG_CONFIG_DIRS")
    everyone.parent.mkdir(parents=True, exist_ok=True)
    everyone.write_text("[Desktop Entry]\nType=Application\nName=Upright\nExec=upright run\n")
    window = open_settings()
    row = window.autostart_row
    assert row.var.get() is True, "IT's entry starts it: the tick says so"
    window.scroller.see(row.box)
    mine = _entry_file("XDG_CONFIG_HOME")
    click(root, row.box)  # off for me: a Hidden=true entry of my own (the XDG way)
    assert wait_until(root, lambda: mine.exists())
    assert "Hidden=true" in mine.read_text() and row.var.get() is False and row.error.cget("text") == ""
    click(root, row.box)  # on again
    assert wait_until(root, lambda: "Hidden=true" not in mine.read_text())
    assert row.var.get() is True


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_the_human_error_and_the_login_tick_fit(root, open_settings, scale):
    window = open_settings(font_scale=scale)
    retype(root, window, "breaks.break_min", "0")
    row = window.row("breaks.break_min")
    assert wait_until(root, lambda: row.error.winfo_ismapped())
    assert row.error.cget("text") == "Choose between 1 and 60 minutes (a fraction such as 0.5 is fine too)."
    assert clipped(window.top) == []
    window.scroller.see(row.frame)
    pump(root, 0.1)
    assert fully_visible(row.error) and fully_visible(row.entry)
    screenshot(f"settings_error_{round(scale * 100)}", screen_rect(window.top))
    window.scroller.see(window.autostart_row.box)
    pump(root, 0.1)
    assert fully_visible(window.autostart_row.box)
    screenshot(f"settings_login_{round(scale * 100)}", screen_rect(window.top))
