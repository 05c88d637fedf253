"""The exercises a break window teaches, as the windows see them: with their illustration.

The exercises themselves are data (``assets/exercises/``, loaded by
:mod:`agent.content.exercises`); each file's ``[pose]`` says how its figure moves.
This module draws that figure for a window, a review sheet or an
animation, and gives its words in the user's language (:func:`translated`).
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from PIL import Image

from agent.content.exercises import Exercise
from agent.content.pose import movement
from agent.i18n import gettext as _
from agent.ui.figure import draw_figure, draw_pair

__all__ = ["Exercise", "STAND_AND_REACH", "draw_exercise", "draw_exercise_pair", "translated"]

#: Drawn for an exercise that has no pose of its own (one built in code):
#: stand up and reach up.
STAND_AND_REACH = movement(
    "standing",
    {"shoulder_r": 15, "shoulder_l": 15, "elbow_r": 20, "elbow_l": 20},
    {"shoulder_r": 172, "shoulder_l": 168, "elbow_r": 5, "elbow_l": 5, "neck": -10},
)


def draw_exercise(exercise: Exercise, size: int, phase: float, *, ghost: Optional[float] = None) -> Image.Image:
    """The exercise's figure as a ``size`` x ``size`` RGBA image.

    ``phase`` 0 is the start pose, 1 the end pose; values between show the
    movement on its way. ``ghost`` adds a faint second pose (e.g. the start
    pose behind the end pose). Safe to call from any thread: it is plain
    Pillow and touches no display.
    """
    return draw_figure(exercise.movement or STAND_AND_REACH, size, phase, ghost)


def draw_exercise_pair(exercise: Exercise, size: int) -> Image.Image:
    """The start pose, an arrow and the end pose side by side, ``size`` px high
    (about 2.3 times as wide): the movement at a glance, in a list or a still picture."""
    return draw_pair(exercise.movement or STAND_AND_REACH, size)


def translated(exercise: Exercise) -> Exercise:
    """The exercise in the user's language, for showing: its words are data
    (``python -m agent.i18n.pot`` puts them in the template), looked up here, at
    display time, so the language in force when a window opens is the one it shows."""
    return dataclasses.replace(
        exercise, name=_(exercise.name), steps=tuple(_(step) for step in exercise.steps), why=_(exercise.why),
        short_break_steps=tuple(_(step) for step in exercise.short_break_steps),
        caution=_(exercise.caution), alt_text=_(exercise.alt_text),
        adapted_from_name=_(exercise.adapted_from_name) if exercise.adapted_from_name else None,
    )
