"""The exercise library: loading the folders that hold the exercises.

Exercises are data, one TOML file each in ``assets/exercises/`` (see the
README there for the keys), so that the words can be held against the
source articles and IT can add a folder of their own without code. Every
fact a user reads comes from an article: ``sources`` names the files and
``quotes`` the articles' own words it rests on.

Loading never crashes the agent over a bad file: each problem is reported
as ``FILE:LINE: key: problem`` and that file is skipped; the rest of the
library still loads. Pure: no Tk, no Pillow.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Callable, Iterable, Optional

from agent.content.exercise import POSITIONS, Exercise
from agent.content.exercise_file import read_exercise
from agent.files.resources import asset
from agent.files.tomlfile import FileProblems, Problem

__all__ = ["POSITIONS", "Exercise", "load_library", "packaged_folder", "read_library"]

log = logging.getLogger("agent.content.exercises")

def packaged_folder() -> Path:
    """The exercises shipped with Upright."""
    return asset("exercises")


def read_library(folders: Optional[Iterable[str | Path]] = None) -> tuple[list[Exercise], list[Problem]]:
    """Every good exercise in ``folders`` (default: the packaged one), and every problem found.

    Files load in folder order, then name order. A later file whose id is
    already taken is a problem and is skipped, so IT's folder cannot
    silently replace a shipped exercise.
    """

    exercises: list[Exercise] = []
    problems: list[Problem] = []
    lines: dict[str, dict[str, int]] = {}
    for path in _files(packaged_folder() if folders is None else folders, problems):
        try:
            exercise, where = read_exercise(path)
        except FileProblems as error:
            problems += error.problems
            continue
        taken = next((e for e in exercises if e.id == exercise.id), None)
        if taken is not None:
            problems.append(Problem(str(path), where.get("id"), "id",
                                    f'"{exercise.id}" is already the id of {taken.path}'))
            continue
        exercises.append(exercise)
        lines[exercise.id] = where
    return _resolve_adaptations(exercises, lines, problems), problems


def load_library(folders: Optional[Iterable[str | Path]] = None,
                 warn: Optional[Callable[[Problem], None]] = None) -> list[Exercise]:
    """The usable exercises; each problem goes to ``warn`` (default: a logged warning)."""
    exercises, problems = read_library(folders)
    for problem in problems:
        (warn or (lambda p: log.warning("skipped an exercise file: %s", p)))(problem)
    return exercises


def _files(folders: Iterable[str | Path], problems: list[Problem]) -> list[Path]:
    found = []
    for folder in [folders] if isinstance(folders, (str, Path)) else folders:
        folder = Path(folder)
        if not folder.is_dir():
            problems.append(Problem(str(folder), None, "", "no such folder of exercises"))
            continue
        found += sorted(folder.glob("*.toml"))
    return found


def _resolve_adaptations(exercises: list[Exercise], lines: dict[str, dict[str, int]],
                         problems: list[Problem]) -> list[Exercise]:
    """Give each desk variant its original's name; skip one whose original is missing."""
    by_id = {e.id: e for e in exercises}
    resolved = []
    for exercise in exercises:
        original = by_id.get(exercise.adapted_from) if exercise.adapted_from else None
        if exercise.adapted_from and original is None:
            problems.append(Problem(exercise.path or "", lines[exercise.id].get("adapted_from"), "adapted_from",
                                    f'no exercise with id "{exercise.adapted_from}" in the library'))
            continue
        resolved.append(dataclasses.replace(exercise, adapted_from_name=original.name) if original else exercise)
    return resolved
