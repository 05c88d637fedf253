"""The sitting/break engine: timed events in, decisions out.

Time is passed in with every call (seconds on a monotonic clock that keeps
counting through suspend), so the engine never reads a clock and a test can
replay a week in milliseconds. The model, in words:

* The user is *present* from each sign of them (input, unlock, or an action
  such as Postpone) until they go quiet. A quiet stretch, whatever its cause
  (no input, screen locked, system asleep), shorter than the natural-break
  threshold still counts as sitting: that is reading, thinking, a call.
* Once a quiet stretch reaches the threshold it is a *natural break*: the
  sitting bout ends at the last sign of the user and the clock restarts at
  the next one. Until then quiet time is counted tentatively and is taken back
  if the stretch becomes a natural break.
* Sitting accumulates in runs. A run starts at a change of state (bout start,
  standing, a break ending) and is added to the totals only at the next change
  or natural break, so a plain input costs two stores (`input` below).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import inf
from typing import Callable

from agent.core import events as ev
from agent.core.events import Decision
from agent.core.rules import SIT_STAND_MOVE, Rules
from agent.core.totals import Totals

NOTHING: tuple[Decision, ...] = ()

#: A break counts as taken once this share of its time has passed; "Done"
#: sooner ends it early, counted apart (so Enter, Enter is not a break taken).
TAKEN_SHARE = 0.75

# Runs the engine counts time into.
_SIT, _STAND = "sit", "stand"


@dataclass(frozen=True)
class Status:
    """What the user sees at a glance (tray tooltip, `upright status`)."""

    state: str  # working | away | break_due | on_break | paused
    sitting_s: float
    next_break_in_s: float | None
    standing: bool
    paused_until: float | None
    standing_s: float = 0.0  # in the current standing stretch


class Engine:
    """Turns activity and user/OS events into break decisions.

    Every method takes the monotonic time `t` of the call; times must not go
    backwards. Methods return the decisions due up to and at `t`, in order.
    Call `advance(t)` at `next_deadline()` so a decision is not late when no
    event arrives; events also advance the engine.
    """

    def __init__(self, rules: Rules, start: float = 0.0) -> None:
        self.rules = rules
        self.totals = Totals()
        self._nb = rules.natural_break_s
        self._pattern = rules.mode == SIT_STAND_MOVE
        self._now = start
        self._mark = start  # last sign of the user
        self._away = True  # confirmed away (or not seen yet): no bout running
        self._away_since: float | None = None  # None until the user is first seen
        self._locked = self._asleep = False
        self._standing = False
        self._standing_since = start
        self._on_break = False
        self._break_since = start
        self._sit_sent = False  # sit-stand-move: "sit down" already said this break
        self._run_start = start  # start of the run not yet added to the totals
        self._bout_start = start  # when the current sitting bout began
        self._bout_s = 0.0  # sitting of the current bout, up to _run_start
        self._stand_s = 0.0  # standing of the current stretch, up to _run_start
        self._sit_threshold = rules.sit_limit_s
        self._stand_threshold = rules.standing_limit_s
        self._move_sent = False
        self._prompt: str | None = None  # unanswered prompt
        self._pending: str | None = None  # decision due while nobody was there
        self._postpones = 0  # in a row
        self._paused_until: float | None = None
        self._due_at = inf  # next crossing that input does not move
        self._horizon = -inf  # input before this time needs no thought

    # --- events -----------------------------------------------------------

    def input(self, t: float) -> tuple[Decision, ...] | list[Decision]:
        """Keyboard or pointer activity at `t` (only *that* it happened)."""
        if self._now <= t < self._horizon:
            self._now = self._mark = t
            away_at = t + self._nb
            self._horizon = away_at if away_at < self._due_at else self._due_at
            return NOTHING
        return self.feed(t, ev.INPUT)

    def feed(self, t: float, kind: str) -> list[Decision]:
        """Any event of `events.EVENT_TYPES` at `t`."""
        handler = self._HANDLERS.get(kind)
        if handler is None:
            raise ValueError(f"unknown event type {kind!r}")
        out = self._advance(t)
        handler(self, t, out)
        out += self._advance(t)  # what the event itself made due now
        self._refresh()
        return out

    def advance(self, t: float) -> list[Decision]:
        """Let time pass to `t` with no event; returns what fell due."""
        out = self._advance(t)
        self._refresh()
        return out

    def pause(self, t: float, until: float) -> list[Decision]:
        """Hold all prompts until `until`; sitting is still counted."""
        out = self._advance(t)
        self._paused_until = until
        self._prompt = self._pending = None
        out += self._advance(t)
        self._refresh()
        return out

    def resume(self, t: float) -> list[Decision]:
        """End a pause early."""
        out = self._advance(t)
        self._paused_until = None
        out += self._advance(t)
        self._refresh()
        return out

    def set_rules(self, t: float, rules: Rules) -> list[Decision]:
        """Carry on under new thresholds (the user or the organisation changed them).

        The day is kept: sitting so far counts against the new limit, and a
        postponed or skipped prompt keeps its extra allowance. A limit
        lowered below the sitting already done makes the prompt due now.
        """
        out = self._advance(t)
        old, self.rules = self.rules, rules
        self._nb = rules.natural_break_s
        self._pattern = rules.mode == SIT_STAND_MOVE
        self._sit_threshold += rules.sit_limit_s - old.sit_limit_s
        self._stand_threshold += rules.standing_limit_s - old.standing_limit_s
        out += self._advance(t)
        self._refresh()
        return out

    def finish(self, t: float) -> list[Decision]:
        """End of a replay: close the open stretch so the totals are final."""
        out = self._advance(t)
        if self._away:
            if self._away_since is not None:
                self._natural_break(t, out)
        elif not self._on_break:
            self._commit(t)
        self._end_bout()
        self._horizon = -inf
        return out

    # --- queries ----------------------------------------------------------

    @property
    def now(self) -> float:
        """The latest time the engine has been told about."""
        return self._now

    @property
    def postpones(self) -> int:
        """Postpones in a row of the prompt now due (the break window says so when none are left)."""
        return self._postpones

    def next_deadline(self) -> float | None:
        """When the next decision could fall due if nothing else happens."""
        when, _ = self._next_crossing()
        return None if when == inf else when

    def status(self, t: float) -> Status:
        """The state at `t`; call after `advance(t)`."""
        paused = self._paused_until is not None and t < self._paused_until
        return Status(
            state=self._state_name(paused),
            sitting_s=self.sitting_s(t),
            next_break_in_s=self._next_break_in(t),
            standing=self._standing,
            paused_until=self._paused_until if paused else None,
            standing_s=self._stand_s + (t - self._run_start if self._run() == _STAND else 0.0),
        )

    def sitting_s(self, t: float) -> float:
        """Sitting in the current bout at `t`, quiet time included tentatively."""
        return self._bout_s + (t - self._run_start if self._run() == _SIT else 0.0)

    def totals_at(self, t: float) -> Totals:
        """Today's totals including the run in progress (which may be taken back)."""
        snapshot = Totals(**self.totals.as_dict())
        run = self._run()
        if run == _SIT:
            snapshot.sitting_s += t - self._run_start
            snapshot.longest_bout_s = max(snapshot.longest_bout_s, self.sitting_s(t))
        elif run == _STAND:
            snapshot.standing_s += t - self._run_start
        return snapshot

    def new_day(self, t: float) -> Totals:
        """Start a new day's totals (the calendar chore calls this at midnight).

        Returns the finished day's totals, counted up to the last sign of the
        user; quiet time after it goes to the new day if it turns out to be sitting.
        """
        self._advance(t)
        if not self._away:
            self._commit(self._mark)
        finished = self.totals
        finished.longest_bout_s = max(finished.longest_bout_s, self._bout_s)
        self.totals = Totals()
        self._refresh()
        return finished

    # --- handlers (presence first, then the event's own effect) -----------

    def _on_input(self, t: float, out: list[Decision]) -> None:
        if not (self._locked or self._asleep):
            self._presence(t, out)

    def _on_lock(self, t: float, out: list[Decision]) -> None:
        self._locked = True

    def _on_unlock(self, t: float, out: list[Decision]) -> None:
        self._locked = False
        self._presence(t, out)

    def _on_sleep(self, t: float, out: list[Decision]) -> None:
        self._asleep = True

    def _on_wake(self, t: float, out: list[Decision]) -> None:
        self._asleep = False

    def _on_standing(self, t: float, out: list[Decision]) -> None:
        self._presence(t, out)
        if self._standing:
            return
        self._standing, self._standing_since = True, t
        self._reset_standing_stretch()
        if self._prompt == ev.STAND_DUE:
            self._answered()
            self.totals.breaks_taken += 1

    def _on_sitting(self, t: float, out: list[Decision]) -> None:
        self._presence(t, out)
        if not self._standing:
            return
        self._standing = False
        if t - self._standing_since >= self._nb:
            # Standing as long as a natural break is a break from sitting.
            self._end_bout()
            self._bout_start = t
            self._answered()

    def _on_break_start(self, t: float, out: list[Decision]) -> None:
        self._presence(t, out)
        if self._on_break:
            out.append(_ignored(t, ev.BREAK_START, "already on a break"))
            return
        self._on_break, self._break_since, self._sit_sent = True, t, False
        self._end_bout()
        self._answered()
        self._pending = None
        self.totals.breaks_taken += 1  # tentatively: `_on_break_end` takes it back if the break ends early

    def _on_break_end(self, t: float, out: list[Decision]) -> None:
        self._presence(t, out)
        if not self._on_break:
            out.append(_ignored(t, ev.BREAK_END, "no break to end"))
            return
        self._on_break = False
        if t - self._break_since < TAKEN_SHARE * self.rules.break_s:
            self.totals.breaks_taken -= 1  # counted tentatively at its start
            self.totals.ended_early += 1
        self._run_start = self._bout_start = t
        self._reset_standing_stretch()

    def _on_postpone(self, t: float, out: list[Decision]) -> None:
        self._presence(t, out)
        if self._prompt not in ev.PROMPTS:
            out.append(_ignored(t, ev.POSTPONE, "no prompt to postpone"))
        elif self._postpones >= self.rules.max_postpones:
            out.append(_ignored(t, ev.POSTPONE, "postpone limit reached"))
        else:
            self._prompt = None
            self._postpones += 1
            self.totals.postponed += 1
            self._sit_threshold = self._bout_s + self.rules.postpone_s

    def _on_skip(self, t: float, out: list[Decision]) -> None:
        self._presence(t, out)
        if self._prompt not in ev.PROMPTS:
            out.append(_ignored(t, ev.SKIP, "no prompt to skip"))
            return
        self._answered()
        self.totals.skipped += 1
        self._sit_threshold = self._bout_s + self.rules.sit_limit_s

    _HANDLERS: dict[str, Callable[["Engine", float, list[Decision]], None]] = {
        ev.INPUT: _on_input,
        ev.LOCK: _on_lock,
        ev.UNLOCK: _on_unlock,
        ev.SLEEP: _on_sleep,
        ev.WAKE: _on_wake,
        ev.STANDING: _on_standing,
        ev.SITTING: _on_sitting,
        ev.BREAK_START: _on_break_start,
        ev.BREAK_END: _on_break_end,
        ev.POSTPONE: _on_postpone,
        ev.SKIP: _on_skip,
    }

    # --- presence and runs ------------------------------------------------

    def _presence(self, t: float, out: list[Decision]) -> None:
        """A sign of the user at `t`: ends a natural break, delivers what waited."""
        if self._away:
            if self._away_since is not None:
                self._natural_break(t, out)
            self._away = False
            self._run_start = self._bout_start = t
            self._reset_standing_stretch()
        else:
            self._commit(t)
        self._mark = t
        if self._pending is not None:
            kind, self._pending = self._pending, None
            self._emit(t, kind, out)

    def _run(self) -> str | None:
        """What the time since `_run_start` counts as."""
        if self._away or self._on_break:
            return None
        return _STAND if self._standing else _SIT

    def _commit(self, upto: float) -> None:
        """Add the run up to `upto` to the bout and the totals; start a new run."""
        run = self._run()
        spent = upto - self._run_start
        if run == _SIT:
            self._bout_s += spent
            self.totals.sitting_s += spent
        elif run == _STAND:
            self._stand_s += spent
            self.totals.standing_s += spent
        self._run_start = upto

    def _end_bout(self) -> None:
        """Close the sitting bout; the sitting clock starts again from zero."""
        self.totals.longest_bout_s = max(self.totals.longest_bout_s, self._bout_s)
        self._bout_s = 0.0
        self._sit_threshold = self.rules.sit_limit_s

    def _reset_standing_stretch(self) -> None:
        self._stand_s = 0.0
        self._stand_threshold = self.rules.standing_limit_s
        self._move_sent = False

    def _answered(self) -> None:
        """The prompt was acted on (or made moot): the postpone streak ends."""
        self._prompt = None
        self._postpones = 0

    # --- time passing -----------------------------------------------------

    def _advance(self, t: float) -> list[Decision]:
        """Apply every crossing up to and including `t`, in time order."""
        if t < self._now:
            raise ValueError(f"time went backwards: {t} < {self._now}")
        out: list[Decision] = []
        while True:
            when, step = self._next_crossing()
            if when > t:
                break
            step(self, when, out)
        self._now = t
        return out

    def _next_crossing(self) -> tuple[float, Callable]:
        """The earliest thing that happens by itself; a tie goes to the natural break."""
        best: tuple[float, Callable] = (inf, Engine._confirm_away)
        if not (self._away or self._on_break):
            best = (self._mark + self._nb, Engine._confirm_away)
        for when, step in self._threshold_crossings():
            if when < best[0]:
                best = (when, step)
        return best

    def _threshold_crossings(self):
        """Crossings that input does not move (so `_due_at` can cache them)."""
        if self._pending is not None:
            return
        run = self._run()
        if run == _SIT and self._prompt is None:
            yield self._held(self._run_start + self._sit_threshold - self._bout_s), Engine._sit_due
        elif run == _STAND:
            yield self._held(self._run_start + self._stand_threshold - self._stand_s), Engine._stand_due
            if self._pattern and not self._move_sent:
                yield self._held(self._run_start + self.rules.pattern_stand_s - self._stand_s), Engine._move_due
        elif self._on_break and self._pattern and not self._sit_sent:
            yield self._break_since + self.rules.pattern_move_s, Engine._sit_due_on_break

    def _held(self, when: float) -> float:
        """A prompt's time, held back to the end of a pause and never in the past."""
        if self._paused_until is not None and when < self._paused_until:
            when = self._paused_until
        return when if when > self._now else self._now

    def _refresh(self) -> None:
        """Recompute what `input` needs to take its fast path."""
        if self._away or self._locked or self._asleep or self._pending is not None:
            self._horizon = -inf
            return
        self._due_at = min((when for when, _ in self._threshold_crossings()), default=inf)
        away_at = self._mark + self._nb
        self._horizon = away_at if away_at < self._due_at else self._due_at

    # --- crossings --------------------------------------------------------

    def _confirm_away(self, when: float, out: list[Decision]) -> None:
        """The quiet stretch reached the threshold: it is a natural break."""
        self._commit(self._mark)  # the quiet time is taken back
        self._end_bout()
        self._away, self._away_since = True, self._mark
        self._answered()
        self._pending = None

    def _natural_break(self, t: float, out: list[Decision]) -> None:
        out.append(Decision(t, ev.NATURAL_BREAK, {"start": self._away_since, "end": t}))
        self.totals.natural_breaks += 1

    def _sit_due(self, when: float, out: list[Decision]) -> None:
        self._due_or_wait(when, ev.STAND_DUE if self._pattern else ev.BREAK_DUE, out)

    def _stand_due(self, when: float, out: list[Decision]) -> None:
        self._due_or_wait(when, ev.POSITION_CHANGE_DUE, out)

    def _move_due(self, when: float, out: list[Decision]) -> None:
        self._due_or_wait(when, ev.MOVE_DUE, out)

    def _sit_due_on_break(self, when: float, out: list[Decision]) -> None:
        self._sit_sent = True
        out.append(Decision(when, ev.SIT_DUE, {"break_s": when - self._break_since}))

    def _due_or_wait(self, when: float, kind: str, out: list[Decision]) -> None:
        """No prompt to an empty chair: hold it for the next sign of the user."""
        if self._locked or self._asleep or when - self._mark > self.rules.prompt_idle_grace_s:
            self._pending = kind
        else:
            self._emit(when, kind, out)

    def _emit(self, t: float, kind: str, out: list[Decision]) -> None:
        """Deliver a due decision and re-arm what it answers."""
        if kind in ev.PROMPTS:
            self._prompt = kind
            self.totals.prompts += 1
            can_postpone = self._postpones < self.rules.max_postpones
            fields = {"sitting_s": self.sitting_s(t), "can_postpone": can_postpone, "bout_start": self._bout_start}
            out.append(Decision(t, kind, fields))
            return
        standing_s = self._stand_s + (t - self._run_start)
        if kind == ev.MOVE_DUE:
            self._move_sent = True
        else:
            self._stand_threshold = standing_s + self.rules.standing_limit_s
        out.append(Decision(t, kind, {"standing_s": standing_s}))

    # --- status -----------------------------------------------------------

    def _state_name(self, paused: bool) -> str:
        if self._on_break:
            return "on_break"
        if paused:
            return "paused"
        if self._prompt is not None or self._pending in ev.PROMPTS:
            return "break_due"
        if self._away or self._locked or self._asleep:
            return "away"
        return "working"

    def _next_break_in(self, t: float) -> float | None:
        """Sitting left before the next prompt; None while no bout runs."""
        if self._away or self._on_break:
            return None
        return max(0.0, self._sit_threshold - self.sitting_s(t))


def _ignored(t: float, kind: str, reason: str) -> Decision:
    return Decision(t, ev.IGNORED, {"event": kind, "reason": reason})
