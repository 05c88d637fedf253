"""What an exercise is: the data one exercise file describes, once read and checked.

Its own module so that the file reader (:mod:`agent.content.exercise_file`)
and the library that gathers the files (:mod:`agent.content.exercises`) share
it without importing each other. Pure: no Tk, no Pillow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from agent.content.pose import Movement

POSITIONS = ("seated", "standing", "floor")


@dataclass(frozen=True)
class Exercise:
    """One illustrated micro-exercise.

    ``hold_s`` (seconds to hold the end pose; ``hold_max_s`` when the
    article gives a range) and ``reps`` are optional: Upright shows no
    number the sources do not give. ``position`` is "seated", "standing" or
    "floor"; only floor exercises need a mat. ``adapted_from`` is the id of
    the floor exercise a desk variant adapts, and the window labels it
    "Adapted for the desk". ``takes_s`` is Upright's estimate of how long
    the exercise takes, used to fill a break, never shown as advice.
    ``movement`` drives the illustration (:mod:`agent.content.pose`).
    ``during_spasm``: gentle enough to offer in the first days after the user
    records a spasm (:mod:`agent.content.exercise_choice`).
    ``short_break_steps``: the steps a break shorter than ``short_break_under_s``
    shows instead, for an exercise whose own steps name more time than such a
    break has ("walk around for a few minutes" in a 2-minute break).
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
    movement: Optional[Movement] = None
    region: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()
    hold_max_s: Optional[float] = None
    takes_s: float = 60.0
    adapted_from_name: Optional[str] = None  # the original's name, filled in by the library
    path: Optional[str] = None  # the file it came from, for messages
    during_spasm: bool = False
    short_break_under_s: Optional[float] = None
    short_break_steps: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("steps", "sources", "region", "quotes", "short_break_steps"):  # a list is welcome too
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.steps:
            raise ValueError(f"exercise {self.id!r} has no steps")
        if not self.sources:
            raise ValueError(f"exercise {self.id!r} names no source article")

    def steps_for(self, break_s: float) -> tuple[str, ...]:
        """The steps a break of ``break_s`` seconds shows: the short ones when it is too short
        for the exercise's own (so a 1-minute break never reads like a 5-minute routine)."""
        if self.short_break_steps and self.short_break_under_s is not None and break_s < self.short_break_under_s:
            return self.short_break_steps
        return self.steps

    @property
    def adapted_for_desk(self) -> bool:
        return self.adapted_from is not None

    @property
    def at_desk(self) -> bool:
        """Done at the desk (seated or standing), not on a floor mat."""
        return self.position != "floor"
