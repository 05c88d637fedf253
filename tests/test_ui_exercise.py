"""An exercise's illustration, and the promises of the palette and strings.

(The library itself is tested in tests/test_exercises*.py.)

No display needed: the figure is plain Pillow.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

pytest.importorskip("PIL", reason="Pillow is not installed")

from PIL import ImageChops  # noqa: E402

from agent.content.exercises import load_library  # noqa: E402
from agent.ui import strings, theme  # noqa: E402
from agent.ui.exercise import STAND_AND_REACH, Exercise, draw_exercise  # noqa: E402

SOURCE_NAME = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")  # as in the content brief's reference/
STANDING_BACK_EXTENSION = next(e for e in load_library() if e.id == "standing_back_extension")


def test_the_standing_back_extension_keeps_its_sources():
    ex = STANDING_BACK_EXTENSION
    assert ex.sources and all(SOURCE_NAME.match(name) for name in ex.sources)
    assert "000_4e08601afce4377e.txt" in ex.sources  # the cobra stretch it adapts
    assert ex.adapted_from == "cobra" and ex.adapted_from_name == "Cobra stretch"
    assert ex.position == "standing"
    assert ex.hold_s is None and ex.reps is None, "the sources give no hold or count for it"
    assert ex.alt_text and ex.why and ex.caution
    assert "never bounce" in ex.caution and "increases pain" in ex.caution


def test_exercise_needs_steps_and_a_source():
    with pytest.raises(ValueError):
        dataclasses.replace(STANDING_BACK_EXTENSION, steps=[])
    with pytest.raises(ValueError):
        dataclasses.replace(STANDING_BACK_EXTENSION, sources=[])


def test_steps_may_be_given_as_a_list():
    ex = Exercise(
        id="x", name="X", position="standing", steps=["one", "two"], why="w", caution="c",
        sources=["000_4e08601afce4377e.txt"], alt_text="a",
    )
    assert ex.steps == ("one", "two")


@pytest.mark.parametrize("movement", [STANDING_BACK_EXTENSION.movement, STAND_AND_REACH],
                         ids=["back-extension", "stand-and-reach"])
def test_start_and_end_poses_differ_and_are_not_empty(movement):
    ex = dataclasses.replace(STANDING_BACK_EXTENSION, movement=movement)
    start, end = draw_exercise(ex, 240, 0.0), draw_exercise(ex, 240, 1.0)
    assert start.size == end.size == (240, 240) and start.mode == "RGBA"
    for image in (start, end):
        assert image.getchannel("A").getbbox() is not None, "nothing drawn"
        dark = image.convert("L").point(lambda v: 255 if v < 120 else 0)
        assert dark.histogram()[255] > 240 * 240 * 0.03, "no figure on the backdrop"
    diff = ImageChops.difference(start, end).convert("L").point(lambda v: 255 if v > 64 else 0)
    assert diff.histogram()[255] > 240 * 240 * 0.01, "the two poses look the same"


def same(a, b) -> bool:
    return a.size == b.size and a.tobytes() == b.tobytes()


def test_phase_is_clamped_and_a_ghost_adds_the_other_pose():
    ex = STANDING_BACK_EXTENSION
    assert same(draw_exercise(ex, 120, -1), draw_exercise(ex, 120, 0))
    assert same(draw_exercise(ex, 120, 2), draw_exercise(ex, 120, 1))
    assert not same(draw_exercise(ex, 120, 1, ghost=0), draw_exercise(ex, 120, 1))


def test_an_exercise_without_a_drawing_gets_a_generic_one():
    ex = dataclasses.replace(STANDING_BACK_EXTENSION, id="not-drawn-yet", movement=None)
    assert same(draw_exercise(ex, 120, 1), draw_exercise(dataclasses.replace(ex, movement=STAND_AND_REACH), 120, 1))
    assert not same(draw_exercise(ex, 120, 0), draw_exercise(ex, 120, 1))


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("fg, bg", theme.TEXT_PAIRS)
def test_every_text_colour_has_aa_contrast(fg, bg):
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


def test_the_disclaimer_reads_exactly():
    assert strings.NOT_MEDICAL_ADVICE == "Upright gives general information, not medical advice."
    assert strings.BREAK_TITLE.startswith("Upright")
    assert strings.NOTICE_TITLE.startswith("Upright") and strings.PANEL_TITLE.startswith("Upright")


@pytest.mark.parametrize(
    "seconds, text", [(300, "5 min"), (60, "1 min"), (90, "1.5 min"), (30, "30 s"), (0, "0 s")]
)
def test_duration(seconds, text):
    assert strings.duration(seconds) == text


@pytest.mark.parametrize("seconds, text", [(120, "2:00"), (119.2, "2:00"), (59, "0:59"), (0.2, "0:01"), (-3, "0:00")])
def test_clock(seconds, text):
    assert strings.clock(seconds) == text
