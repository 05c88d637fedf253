"""The micro-exercises a break window teaches, and their illustration.

Every fact here comes from the source articles in the content brief
(``/work/shared/reference/``); ``sources`` names the files. A desk variant
of a floor exercise is an adaptation: ``adapted_from`` says so and the
window labels it "Adapted for the desk". Until the content issue ships a
library in ``assets/``, :data:`BUILT_IN` holds the one exercise Upright
knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from PIL import Image

from agent.ui.figure import draw_figure


@dataclass(frozen=True)
class Exercise:
    """One illustrated micro-exercise.

    ``hold_s`` (seconds to hold the end pose) and ``reps`` are both
    optional: the articles give a hold only for some stretches, and
    Upright shows no number the sources do not give. ``position`` is
    "standing" or "seated". ``pose`` names the figure's movement in
    :mod:`agent.ui.figure` (default: the exercise's ``id``).
    """

    id: str
    name: str
    position: str
    steps: tuple[str, ...]
    why: str
    caution: str
    sources: tuple[str, ...]
    alt_text: str
    hold_s: Optional[float] = None
    reps: Optional[int] = None
    adapted_from: Optional[str] = None
    pose: Optional[str] = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))  # a list is welcome too
        object.__setattr__(self, "sources", tuple(self.sources))
        if not self.steps:
            raise ValueError(f"exercise {self.id!r} has no steps")
        if not self.sources:
            raise ValueError(f"exercise {self.id!r} names no source article")


#: The cobra stretch (000) is done lying face down; standing up to do its
#: upright cousin is what a 30-minute break asks for (004, 001). The hands
#: on the lower back stand in for the palms on the floor.
STANDING_BACK_EXTENSION = Exercise(
    id="standing_back_extension",
    name="Standing back extension",
    adapted_from="the cobra stretch",
    position="standing",
    steps=(
        "Stand up, back straight and head up.",
        "Place your palms on your lower back.",
        "Slowly lift your chest and gently arch your back, only as far as is comfortable.",
        "Come back up just as slowly. Repeat gently, as comfort allows.",
    ),
    why=(
        "Standing to stretch every 30 minutes helps prevent muscle stiffness, "
        "and movement keeps blood flowing."
    ),
    caution="Move slowly; never bounce. Stop any movement that increases pain.",
    sources=(
        "000_4e08601afce4377e.txt",
        "001_e9d597a9e7b87c52.txt",
        "002_839ad09e255c9c90.txt",
        "004_ec9e1d02dfa3140f.txt",
    ),
    alt_text=(
        "A person standing with both palms on the lower back, "
        "lifting the chest and leaning gently backwards."
    ),
)

BUILT_IN: tuple[Exercise, ...] = (STANDING_BACK_EXTENSION,)


def draw_exercise(exercise: Exercise, size: int, phase: float, *, ghost: Optional[float] = None) -> Image.Image:
    """The exercise's figure as a ``size`` x ``size`` RGBA image.

    ``phase`` 0 is the start pose, 1 the end pose; values between blend
    the two, for a future animation. ``ghost`` adds a faint second pose
    (e.g. the start pose behind the end pose). Safe to call from any
    thread: it is plain Pillow and touches no display.
    """
    return draw_figure(exercise.pose or exercise.id, size, phase, ghost)
