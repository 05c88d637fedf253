"""Choosing what a break shows: a few desk exercises that fill it, in a fair rotation.

A break of ``break_s`` seconds gets one to three exercises whose
estimated times (``takes_s``) add up to about that; one too long for the
break even on its own waits for a longer break (if none fits, the
shortest is shown). Over a day the rotation shows every exercise the user
can do at the desk in such a break before any comes round again;
favourites come round twice as often; hidden ones (including any the user
stopped with "This hurts") never. Floor exercises need a mat, so they are
offered only to a user who opted in.

The break window says "Time to stand and stretch", so a break that can
have a standing part has one: the most due standing exercise comes
first, and the rest of the break is filled as above. Standing exercises
take turns among themselves, so one may come round again before every
seated one has; a seated exercise too long to share a break with the
shortest standing one waits for a longer break.

After the user tells the spasm guide that their back went into spasm,
breaks for the next :data:`SPASM_GENTLE_HOURS` offer only the exercises
marked ``during_spasm`` (a gentle walk if it is not too painful, slow
breathing, a change of position): 001 says to "avoid twisted positions"
and to lie on the stomach no more, 000 to "avoid heavy lifting and
strenuous activities temporarily". The user can end that state sooner.

Pure: the date and the user's state come in, the choice and the new state
go out, and the caller persists the state (:class:`Rotation` does, through
:mod:`agent.content.exercise_state`), a small JSON-friendly dict:
``{"day": "2024-05-02", "shown": [ids shown today, in order],
"favourites": [ids], "hidden": [ids]}``, and ``"spasm_start"`` while a
spasm is recorded. A damaged state is repaired,
never fatal. The order of equally due exercises turns with the date, so
each day starts somewhere else.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Sequence

from agent.content.exercise_state import clean, spasm_start
from agent.content.exercises import Exercise, load_library

DEFAULT_BREAK_S = 120.0
MOST = 3  # exercises in one break: more is a list, not a break
SLACK = 1.15  # "about" the break: the exercises may run this much over it
FAVOURITE_WEIGHT = 2  # a favourite comes round this many times as often
#: How long after a spasm starts breaks stay gentle: the acute phase the
#: articles give ("the first 48 to 72 hours", and a professional "after 72
#: hours of consistent home treatment" without improvement, 002).
SPASM_GENTLE_HOURS = 72


def choose(library: Sequence[Exercise], state: Any, today: date, break_s: float = DEFAULT_BREAK_S,
           allow_floor: bool = False, now: datetime | None = None) -> tuple[list[Exercise], dict]:
    """The exercises for one break, and the state to keep for the next.

    With ``now`` (the local time) during a recorded spasm, only the gentle
    ones (:func:`gentle_pool`). Empty only when the user has hidden every
    exercise they could do.
    """
    state = _today(clean(state), today)
    gentle = gentle_pool(library, state) if now is not None and in_spasm(state, now) else []
    pool = gentle or [e for e in library if e.id not in state["hidden"] and (allow_floor or e.at_desk)]
    if not pool:
        return [], state
    picked = (_pick_gentle if gentle else _pick)(pool, state, today, break_s * SLACK)
    return picked, {**state, "shown": state["shown"] + [e.id for e in picked]}


def in_spasm(state: Any, now: datetime) -> bool:
    """Whether a spasm the user recorded began less than :data:`SPASM_GENTLE_HOURS` ago
    (a start ahead of ``now``, a clock set back, counts as just begun)."""
    started = spasm_start(clean(state))
    return started is not None and now - started < timedelta(hours=SPASM_GENTLE_HOURS)


def gentle_pool(library: Sequence[Exercise], state: dict) -> list[Exercise]:
    """What a break offers during a spasm: the ``during_spasm`` exercises not hidden,
    or all of them if the user hid every one (a break must offer something, and
    nothing else is gentle enough). Empty only if the library has none."""
    gentle = [e for e in library if e.during_spasm and e.at_desk]
    return [e for e in gentle if e.id not in state["hidden"]] or gentle


def spasm_started(state: Any, when: datetime) -> dict:
    """Record that the user's back went into spasm at ``when``."""
    return {**clean(state), "spasm_start": when.replace(microsecond=0).isoformat()}


def spasm_over(state: Any) -> dict:
    """The user says their back is better: breaks are as usual again."""
    state = clean(state)
    state.pop("spasm_start", None)
    return state


def standing(exercise: Exercise) -> bool:
    """Done standing up: what a stand-and-stretch break needs at least one of."""
    return exercise.position == "standing"


def fitting(pool: Sequence[Exercise], budget: float) -> list[Exercise]:
    """The exercises a break of ``budget`` seconds can show: each standing one that
    fits on its own, each other one that fits beside the shortest of those."""
    upright = [e.takes_s for e in pool if standing(e) and e.takes_s <= budget]
    room = budget - min(upright, default=0.0)
    return [e for e in pool if e.takes_s <= (budget if standing(e) else room)]


def _pick(pool: list[Exercise], state: dict, today: date, budget: float) -> list[Exercise]:
    """The break's exercises: its standing part first, if it can have one, then the most due."""
    usable = fitting(pool, budget)
    if not usable:  # nothing fits: the shortest, standing if one can be
        return [min([e for e in pool if standing(e)] or pool, key=lambda e: e.takes_s)]
    order = _by_turn(usable, state, today)
    first = next((e for _, e in order if standing(e)), None)
    if first is None:
        return _fill(order, budget, MOST)
    rest = [(round_, e) for round_, e in order if e is not first]
    return [first] + _fill(rest, budget - first.takes_s, MOST - 1)


def _pick_gentle(pool: list[Exercise], state: dict, today: date, budget: float) -> list[Exercise]:
    """A gentle break's exercises: the most due that fit, in turn. No standing part
    is required: a walk may be too painful, and getting up is one of the choices."""
    return _fill(_by_turn(pool, state, today), budget, MOST) or [min(pool, key=lambda e: e.takes_s)]


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


def _fill(order: list[tuple[float, Exercise]], budget: float, most: int) -> list[Exercise]:
    """At most ``most`` of the most due exercises that fit ``budget`` seconds together.

    One too long for what is left of the break waits for the next, and
    nothing from a later round may take its place: the day's rotation
    reaches every exercise before any comes round again.
    """
    picked, total, waiting = [], 0.0, float("inf")
    for round_, exercise in order:
        if len(picked) == most or round_ > waiting:
            break
        if total + exercise.takes_s <= budget:
            picked.append(exercise)
            total += exercise.takes_s
        else:
            waiting = min(waiting, round_)
    return picked


def _mark(state: dict, key: str, exercise_id: str, on: bool) -> dict:
    marked = [i for i in state[key] if i != exercise_id] + ([exercise_id] if on else [])
    return {**state, key: marked}


class Rotation:
    """The agent's running rotation: each break takes the next exercises.

    The library loads on first use (it is data plus Pillow poses, not needed
    before). With a ``store`` (:class:`agent.content.exercise_state.ExerciseStateStore`)
    the state outlives the agent: every change (a break's showings, a
    favourite, a hidden exercise) is written at once. Without one it lives
    in memory, as long as the object. ``today`` is the local date, so the
    showings start afresh at local midnight; favourites and hidden ones stay.

    It is also what the windows mark exercises through (:meth:`favourite`,
    :meth:`hide` and the questions beside them); each of ``listeners`` is
    called after a mark changes, so an open window can show it.
    """

    def __init__(self, break_s: float, today: Callable[[], date] = date.today, load=None, *,
                 allow_floor: bool = False, store=None, now: Callable[[], datetime] = datetime.now) -> None:
        self.break_s, self._today, self._load, self._now = break_s, today, load, now
        self.allow_floor = allow_floor
        self.store = store
        self.library: list[Exercise] | None = None
        self.listeners: list[Callable[[], None]] = []
        self._state: dict | None = None
        self._folders: list[Path] | None = None  # where `load` reads, when made from settings

    @classmethod
    def from_settings(cls, settings: dict, break_s: float, store=None) -> "Rotation":
        """The agent's rotation: ``[exercises]`` settings, state kept in the data folder.

        ``folder`` (if not "") adds an organisation's exercise files to the
        packaged ones; a bad file there is logged and skipped (and so is a
        missing folder), never fatal. ``floor_at_desk`` lets floor exercises in.
        """
        from agent.content.exercise_state import ExerciseStateStore

        rotation = cls(break_s, store=store if store is not None else ExerciseStateStore())
        rotation.follow(settings, break_s)
        return rotation

    def follow(self, settings: dict, break_s: float) -> None:
        """Take up changed settings (a policy, the Settings window) from the next break on.

        A new folder is read again at the next break; the marks stay, since
        they name exercises, which a folder can only add to.
        """
        from agent.content.exercises import packaged_folder

        options = settings["exercises"]
        folder = str(options["folder"]).strip()
        folders = [packaged_folder()] + ([Path(folder).expanduser()] if folder else [])
        self.break_s, self.allow_floor = break_s, bool(options["floor_at_desk"])
        if folders != self._folders:
            self._folders, self._load, self.library = folders, lambda: load_library(folders), None

    @property
    def state(self) -> dict:
        """The chooser's state: read from the store on first use."""
        if self._state is None:
            self._state = clean(self.store.state if self.store is not None else {})
        return self._state

    def exercises(self) -> list[Exercise]:
        """The whole library, hidden ones too (for the window that lists it)."""
        if self.library is None:
            self.library = (self._load or load_library)()
        return self.library

    def __call__(self) -> list[Exercise]:
        picked, state = choose(self.exercises(), self.state, self._today(), self.break_s, self.allow_floor,
                               now=self._now())
        self._keep(state)
        return picked

    @property
    def in_spasm(self) -> bool:
        """Breaks are gentle now: a spasm was recorded less than 72 hours ago."""
        return in_spasm(self.state, self._now())

    @property
    def spasm_start(self) -> datetime | None:
        return spasm_start(self.state)

    def spasm_started(self, when: datetime) -> None:
        """The spasm guide heard when the spasm began: breaks turn gentle (kept between runs)."""
        self._mark(spasm_started(self.state, when))

    def end_spasm(self) -> None:
        """"My back is better": usual breaks from the next one on."""
        self._mark(spasm_over(self.state))

    def hurt(self, exercise_id: str) -> bool:
        """"This hurts": the exercise leaves the rotation (unless it is the last one left)."""
        if self._last_one(exercise_id):
            return False
        self._mark(hurts(self.state, exercise_id))
        return True

    def favourite(self, exercise_id: str, on: bool = True) -> None:
        self._mark(favourite(self.state, exercise_id, on))

    def hide(self, exercise_id: str, on: bool = True) -> bool:
        """Hide or show again; False when hiding would leave a break nothing to offer."""
        if on and self._last_one(exercise_id):
            return False
        self._mark(hide(self.state, exercise_id, on))
        return True

    def _last_one(self, exercise_id: str) -> bool:
        """Whether `exercise_id` is the only exercise a break at the desk could still show."""
        hidden = set(self.state["hidden"])
        left = [e.id for e in self.exercises() if e.id not in hidden and (self.allow_floor or e.at_desk)]
        return left == [exercise_id]

    def is_favourite(self, exercise_id: str) -> bool:
        return exercise_id in self.state["favourites"]

    def is_hidden(self, exercise_id: str) -> bool:
        return exercise_id in self.state["hidden"]

    def _keep(self, state: dict) -> None:
        self._state = state
        if self.store is not None:
            self.store.save(state)

    def _mark(self, state: dict) -> None:
        self._keep(state)
        for listener in list(self.listeners):
            listener()
