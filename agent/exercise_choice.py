"""Choosing what a break shows: a few desk exercises that fill it, in a fair rotation.

A break of ``break_s`` seconds gets one to three exercises whose
estimated times (``takes_s``) add up to about that; one too long for the
break even on its own waits for a longer break (if none fits, the
shortest is shown). Over a day the rotation shows every exercise the user
can do at the desk in such a break before any comes round again;
favourites come round twice as often; hidden ones (including any the user
stopped with "This hurts") never. Floor exercises need a mat, so they are
offered only to a user who opted in.

Pure: the date and the user's state come in, the choice and the new state
go out, and the caller persists the state (a small JSON-friendly dict):
``{"day": "2024-05-02", "shown": [ids shown today, in order],
"favourites": [ids], "hidden": [ids]}``. A damaged state is repaired,
never fatal. The order of equally due exercises turns with the date, so
each day starts somewhere else.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Sequence

from agent.exercises import Exercise, load_library

DEFAULT_BREAK_S = 120.0
MOST = 3  # exercises in one break: more is a list, not a break
SLACK = 1.15  # "about" the break: the exercises may run this much over it
FAVOURITE_WEIGHT = 2  # a favourite comes round this many times as often


def choose(library: Sequence[Exercise], state: Any, today: date, break_s: float = DEFAULT_BREAK_S,
           allow_floor: bool = False) -> tuple[list[Exercise], dict]:
    """The exercises for one break, and the state to keep for the next.

    Empty only when the user has hidden every exercise they could do.
    """
    state = _today(clean(state), today)
    pool = [e for e in library if e.id not in state["hidden"] and (allow_floor or e.at_desk)]
    if not pool:
        return [], state
    fitting = [e for e in pool if e.takes_s <= break_s * SLACK]
    picked = _fill(_by_turn(fitting, state, today), break_s) if fitting else [min(pool, key=lambda e: e.takes_s)]
    return picked, {**state, "shown": state["shown"] + [e.id for e in picked]}


def favourite(state: Any, exercise_id: str, on: bool = True) -> dict:
    """Mark (or unmark) an exercise the user likes: it comes round more often."""
    return _mark(clean(state), "favourites", exercise_id, on)


def hide(state: Any, exercise_id: str, on: bool = True) -> dict:
    """Never show (or show again) an exercise."""
    return _mark(clean(state), "hidden", exercise_id, on)


def hurts(state: Any, exercise_id: str) -> dict:
    """The user stopped an exercise because it hurts: it is hidden from now on
    (the window shows the caution; the user can show it again later)."""
    return hide(state, exercise_id)


def clean(state: Any) -> dict:
    """A usable state from whatever was stored: wrong or missing parts start afresh."""
    state = state if isinstance(state, dict) else {}

    def ids(key: str) -> list[str]:
        value = state.get(key)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    day = state.get("day")
    return {**state, "day": day if isinstance(day, str) else "", "shown": ids("shown"),
            "favourites": ids("favourites"), "hidden": ids("hidden")}


def _today(state: dict, today: date) -> dict:
    """A new day starts the rotation afresh."""
    day = today.isoformat()
    return state if state["day"] == day else {**state, "day": day, "shown": []}


def _by_turn(pool: list[Exercise], state: dict, today: date) -> list[tuple[float, Exercise]]:
    """(round, exercise), most due first: fewest showings today (a favourite's
    count as half), then shown longest ago, then the day's turn of the library order."""
    shown, favourites = state["shown"], set(state["favourites"])
    offset = today.toordinal() % len(pool)
    turn = {e.id: (n - offset) % len(pool) for n, e in enumerate(pool)}
    last = {exercise_id: n for n, exercise_id in enumerate(shown)}

    def due(e: Exercise) -> tuple:
        weight = FAVOURITE_WEIGHT if e.id in favourites else 1
        return shown.count(e.id) / weight, last.get(e.id, -1), turn[e.id]

    return [(due(e)[0], e) for e in sorted(pool, key=due)]


def _fill(order: list[tuple[float, Exercise]], break_s: float) -> list[Exercise]:
    """The most due exercises that fit the break together (each fits on its own).

    One too long for what is left of the break waits for the next, and
    nothing from a later round may take its place: the day's rotation
    reaches every exercise before any comes round again.
    """
    picked, total, waiting = [], 0.0, float("inf")
    for round_, exercise in order:
        if len(picked) == MOST or round_ > waiting:
            break
        if total + exercise.takes_s <= break_s * SLACK:
            picked.append(exercise)
            total += exercise.takes_s
        else:
            waiting = min(waiting, round_)
    return picked


def _mark(state: dict, key: str, exercise_id: str, on: bool) -> dict:
    marked = [i for i in state[key] if i != exercise_id] + ([exercise_id] if on else [])
    return {**state, key: marked}


class Rotation:
    """The agent's running rotation: each break takes the next exercises, in memory.

    The library loads on the first break (it is data plus Pillow poses, not needed
    before). The state lives as long as the agent; keeping it across restarts
    (with favourites and hidden exercises) is the settings work still to come.
    """

    def __init__(self, break_s: float, today: Callable[[], date] = date.today, load=None) -> None:
        self.break_s, self._today, self._load = break_s, today, load
        self.library: list[Exercise] | None = None
        self.state: dict = {}

    def __call__(self) -> list[Exercise]:
        if self.library is None:
            self.library = (self._load or load_library)()
        picked, self.state = choose(self.library, self.state, self._today(), self.break_s)
        return picked

    def hurt(self, exercise_id: str) -> None:
        """"This hurts": the exercise leaves the rotation."""
        self.state = hurts(self.state, exercise_id)
