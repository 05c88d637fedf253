"""Favouriting and hiding exercises, on a real X server: in the break window and the
exercises window, with real clicks and keys, saved for the next run.

Screenshots: tests/artifacts/break_marks_100, break_marks_200, exercises_100, exercises_200.
"""

from __future__ import annotations

from datetime import date

import pytest

from agent.content.exercise_choice import Rotation
from agent.content.exercise_state import ExerciseStateStore
from agent.content.exercises import load_library
from agent.ui import strings
from agent.ui.break_window import BreakWindow
from agent.ui.exercises_window import ExercisesWindow
from tests.reading_windows import clipped, fully_visible, shown_texts
from tests.ui_desktop import (
    click,
    clipped_widgets,
    press,
    pump,
    screen_rect,
    screenshot,
    type_text,
    typing_in_an_editor,
    upright_windows,
    wait_until,
    wrapper_id,
    x_focus,
)

MONITOR = (0, 0, 1280, 800)
LIBRARY = load_library()
TODAY = date(2025, 3, 4)


def by_id(exercise_id: str):
    return next(e for e in LIBRARY if e.id == exercise_id)


@pytest.fixture
def rotation(tmp_path):
    return Rotation(120, today=lambda: TODAY, load=lambda: LIBRARY, store=ExerciseStateStore(tmp_path))


def reloaded(tmp_path) -> Rotation:
    """The next run's rotation: a new store, reading only the file."""
    return Rotation(120, today=lambda: TODAY, load=lambda: LIBRARY, store=ExerciseStateStore(tmp_path))


@pytest.fixture
def open_break(root, shown, rotation):
    def _open(exercises=("standing_back_extension", "seated_cat_cow"), **options) -> BreakWindow:
        window = BreakWindow(root, [by_id(i) for i in exercises], lambda choice: None, can_postpone=True,
                             can_skip=True, break_s=120, geometry=MONITOR, marks=rotation, **options)
        return shown(window, "the break window")
    return _open


@pytest.fixture
def open_library(root, shown, rotation):
    def _open(**options) -> ExercisesWindow:
        window = shown(ExercisesWindow(root, rotation, options.pop("geometry", MONITOR), **options),
                       "the exercises window")
        if options.get("focus", True):
            assert wait_until(root, lambda: root.focus_get() is window.first_focus()), "it did not take the keyboard"
        return window
    return _open


# --- the break window ------------------------------------------------------------------


def test_each_exercise_in_a_break_has_a_favourite_toggle_and_dont_show_again(root, open_break, rotation, tmp_path):
    window = open_break()
    texts = shown_texts(window.top)
    assert strings.FAVOURITE in texts and strings.HIDE_EXERCISE in texts
    click(root, window.mark_row.favourite)
    assert wait_until(root, lambda: rotation.is_favourite("standing_back_extension"))
    assert reloaded(tmp_path).is_favourite("standing_back_extension"), "saved at once"
    click(root, window.mark_row.hide)
    assert rotation.is_hidden("standing_back_extension") and reloaded(tmp_path).is_hidden("standing_back_extension")
    assert window.mark_row.hide.cget("text") == strings.SHOW_AGAIN
    assert clipped_widgets(window.top) == []
    screenshot("break_marks_100", screen_rect(window.top))
    click(root, window.mark_row.hide)  # changed their mind, in the same window
    assert not rotation.is_hidden("standing_back_extension")
    assert window.mark_row.hide.cget("text") == strings.HIDE_EXERCISE
    window.next_button.invoke()  # the next exercise has its own marks
    assert window.mark_row.exercise_id == "seated_cat_cow" and not window.mark_row._favourite.get()


def test_the_marks_fit_at_200_percent(root, open_break, rotation):
    rotation.hide("standing_back_extension")
    window = open_break(exercises=["standing_back_extension"], font_scale=2.0)
    assert strings.SHOW_AGAIN in shown_texts(window.top)
    assert clipped_widgets(window.top) == []
    screenshot("break_marks_200", screen_rect(window.top))


def test_marking_never_takes_the_keyboard_from_someone_typing(root, open_break, rotation):
    entry = typing_in_an_editor(root)
    window = open_break()
    focus_before = x_focus()
    click(root, window.mark_row.favourite)
    click(root, window.mark_row.hide)
    assert rotation.is_favourite("standing_back_extension") and rotation.is_hidden("standing_back_extension")
    assert x_focus() == focus_before and root.focus_get() is entry
    type_text(root, "still typing")
    assert entry.get() == "still typing"


def test_the_marks_are_reached_with_tab_and_toggled_with_space(root, open_break, rotation):
    window = open_break()
    window.offer_focus()
    assert wait_until(root, lambda: root.focus_get() is window.primary)
    wid = wrapper_id(window.top)
    for _ in range(12):
        if root.focus_get() is window.mark_row.favourite:
            break
        press(root, wid, "Tab")
    assert root.focus_get() is window.mark_row.favourite, "Tab never reached the Favourite toggle"
    press(root, wid, "space")
    assert wait_until(root, lambda: rotation.is_favourite("standing_back_extension"))
    press(root, wid, "Tab")
    assert root.focus_get() is window.mark_row.hide
    press(root, wid, "space")
    assert wait_until(root, lambda: rotation.is_hidden("standing_back_extension"))
    assert window.is_open and not window.started, "marking is not a choice: the break goes on"


# --- the exercises window ----------------------------------------------------------------


def test_lists_the_whole_library_with_its_marks(root, open_library, rotation):
    rotation.favourite("short_walk")
    rotation.hide("cobra")
    window = open_library()
    assert window.top.title() == strings.EXERCISES_TITLE and upright_windows() == [wrapper_id(window.top)]
    texts = shown_texts(window.top)
    for exercise in LIBRARY:
        assert exercise.name in texts and exercise.why in texts
    assert strings.EXERCISES_COUNT.format(total=len(LIBRARY), favourites=1, hidden=1) in texts
    assert window.rows["short_walk"]._favourite.get() and not window.rows["cobra"]._favourite.get()
    assert window.rows["cobra"].hide.cget("text") == strings.SHOW_AGAIN
    assert window.rows["cobra"].note.winfo_ismapped() and not window.rows["short_walk"].note.winfo_ismapped()
    assert window.rows["short_walk"].hide.cget("text") == strings.HIDE_EXERCISE
    assert strings.FLOOR_OFF in texts, "floor exercises say why they do not come at the desk"
    assert strings.NOT_MEDICAL_ADVICE in texts


def test_every_exercise_shows_its_steps_caution_and_source_and_red_flags_are_one_click_away(root, open_library):
    """Issue 16: the list showed a picture and "why" only; cobra's caution (001: avoid lying
    on your stomach) was nowhere. Every exercise now shows its steps, its caution and the
    title of each article it comes from, and the red-flags card opens from the window."""
    from agent.content import texts as content

    window = open_library()
    texts = shown_texts(window.top)
    titles = content.source_titles()
    for exercise in LIBRARY:
        assert all(step in texts for step in exercise.steps), exercise.id
        assert strings.EXERCISE_CAUTION.format(caution=exercise.caution) in texts, exercise.id
        named = [f"{titles[name]} ({name[:3]})" for name in exercise.sources]
        line = (strings.EXERCISE_SOURCE if len(named) == 1 else strings.EXERCISE_SOURCES).format(titles="; ".join(named))
        assert line in texts, exercise.id
    cobra = window.rows["cobra"].master.master  # the row: picture and texts
    window.scroller.see(window.rows["cobra"].hide)
    pump(root, 0.1)
    screenshot("exercises_details", screen_rect(cobra))
    assert window.red_flags_button.winfo_ismapped()
    click(root, window.red_flags_button)
    assert wait_until(root, lambda: window.open_red_flags.card is not None
                      and window.open_red_flags.card.top.winfo_viewable())
    card = window.open_red_flags.card
    assert card.top.title() == strings.RED_FLAGS_TITLE
    assert all(flag.text in shown_texts(card.top) for flag in content.red_flags().flags)
    window.close()
    assert not card.is_open, "closing the exercises window closes its card"


def test_unhiding_brings_an_exercise_back_into_the_breaks(root, open_library, rotation, tmp_path):
    rotation.hurt("seated_knee_hug")  # "This hurts" in an earlier break
    window = open_library()
    row = window.rows["seated_knee_hug"]
    window.scroller.see(row.hide)
    click(root, row.hide)
    assert not rotation.is_hidden("seated_knee_hug")
    again = reloaded(tmp_path)
    assert not again.is_hidden("seated_knee_hug")
    shown_ids = {e.id for _ in range(8) for e in again()}
    assert "seated_knee_hug" in shown_ids


def test_keyboard_favourites_from_the_list(root, open_library, rotation, tmp_path):
    window = open_library()
    wid = wrapper_id(window.top)
    first, second = list(window.rows)[:2]
    press(root, wid, "space")
    assert wait_until(root, lambda: rotation.is_favourite(first))
    press(root, wid, "Down")
    assert root.focus_get() is window.rows[second].favourite
    press(root, wid, "space")
    assert wait_until(root, lambda: rotation.is_favourite(second))
    assert strings.EXERCISES_COUNT.format(total=len(LIBRARY), favourites=2, hidden=0) in shown_texts(window.top)
    assert set(reloaded(tmp_path).state["favourites"]) == {first, second}
    press(root, wid, "Escape")
    assert wait_until(root, lambda: not window.is_open)


def test_marks_set_in_a_break_show_in_the_open_list(root, open_library, open_break, rotation):
    window = open_library()
    prompt = open_break()
    click(root, prompt.mark_row.favourite)
    click(root, prompt.mark_row.hide)
    assert window.rows["standing_back_extension"]._favourite.get()
    assert window.rows["standing_back_extension"].hide.cget("text") == strings.SHOW_AGAIN
    assert strings.EXERCISES_COUNT.format(total=len(LIBRARY), favourites=1, hidden=1) in shown_texts(window.top)
    window.close()
    assert rotation.listeners == [], "a closed window listens no more"


def test_a_floor_exercise_has_no_warning_when_the_floor_is_allowed(root, open_library, rotation):
    rotation.allow_floor = True
    window = open_library()
    assert strings.FLOOR_OFF not in shown_texts(window.top)


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_readable_at_100_and_200_percent(root, open_library, scale):
    window = open_library(font_scale=scale)
    assert clipped(window.top) == []
    assert window.scroller.scrolls, "sixteen exercises do not fit a laptop screen: the list scrolls"
    last = list(window.rows.values())[-1]
    window.scroller.see(last.hide)
    pump(root, 0.1)
    assert fully_visible(last.hide)
    window.scroller.canvas.yview_moveto(0)
    pump(root, 0.1)
    screenshot(f"exercises_{round(scale * 100)}", screen_rect(window.top))


# --- in the user's language --------------------------------------------------------------


@pytest.fixture
def shouting(tmp_path):
    from agent import i18n
    from tests.test_ui_strings import shouting_catalog

    i18n.install(i18n.load(["xx"], shouting_catalog(tmp_path / "locale")))
    yield
    i18n.install(None)


def test_the_windows_show_the_exercises_words_translated(root, shouting, open_break, open_library):
    exercise = by_id("standing_back_extension")
    texts = shown_texts(open_break(exercises=[exercise.id]).top)
    assert exercise.name.upper() in texts and exercise.name not in texts
    assert all(step.upper() in texts for step in exercise.steps)
    assert exercise.caution.upper() in texts
    assert f"Adapted for the desk from “{exercise.adapted_from_name.upper()}”" in texts
    texts = shown_texts(open_library().top)
    assert all(e.name.upper() in texts and e.why.upper() in texts for e in LIBRARY)


# --- the pictures: start -> end pairs that move when pointed at ---------------------------


def test_each_exercise_shows_its_start_and_end_96_px_high(root, open_library):
    from agent.ui.exercises_window import PAIR_PX

    window = open_library()
    assert set(window.pictures) == set(window.rows)
    for picture in window.pictures.values():
        assert picture.label.winfo_reqheight() == PAIR_PX == 96
        assert picture.label.winfo_reqwidth() > 2 * PAIR_PX, "two poses and an arrow side by side"
    assert clipped(window.top) == []


def test_the_picture_moves_while_pointed_at_or_focused_and_rests_after(root, open_library):
    from tests.ui_desktop import move_pointer

    window = open_library()
    first, second = list(window.rows)[:2]
    focused, other = window.pictures[first], window.pictures[second]
    # The first Favourite toggle has the keyboard: its picture moves, the next one rests.
    seen = set()
    assert wait_until(root, lambda: seen.add(focused.shown_phase) or len(seen - {None}) >= 3), (
        "the focused exercise's end pose does not move")
    assert not other.moving and other.shown_phase is None
    press(root, wrapper_id(window.top), "Down")
    assert wait_until(root, lambda: other.moving and not focused.moving)
    assert focused.shown_phase is None, "back to the still pair"
    window.scroller.canvas.yview_moveto(0)
    pump(root, 0.2)
    screenshot("exercises_pairs_100", screen_rect(window.top))  # the first row still, the second moving
    # The real pointer on a picture moves it; off it, it rests (the keyboard is elsewhere).
    window.scroller.canvas.yview_moveto(0)
    pump(root, 0.2)
    x, y, w, h = screen_rect(focused.label)
    move_pointer(x + w // 2, y + h // 2)
    assert wait_until(root, lambda: focused.moving)
    move_pointer(x + w // 2, y + h + 400)
    assert wait_until(root, lambda: not focused.moving and focused.shown_phase is None)
    window.close()
    assert not other.moving, "closing the window stops the animation"
