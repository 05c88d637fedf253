"""What goes into the engine (events) and what comes out (decisions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Events: things the user or the OS did, each at a monotonic time.
INPUT = "input"
LOCK, UNLOCK = "lock", "unlock"
SLEEP, WAKE = "sleep", "wake"
STANDING, SITTING = "standing", "sitting"
BREAK_START, BREAK_END = "break_start", "break_end"
POSTPONE, SKIP = "postpone", "skip"
EVENT_TYPES = frozenset(
    {INPUT, LOCK, UNLOCK, SLEEP, WAKE, STANDING, SITTING, BREAK_START, BREAK_END, POSTPONE, SKIP}
)

# Decisions: what the engine asks the rest of the agent to do or record.
BREAK_DUE = "break_due"  # prompt a stand-and-stretch break
NATURAL_BREAK = "natural_break"  # the user was away long enough; the sitting clock restarted
POSITION_CHANGE_DUE = "position_change_due"  # standing too long in one position
STAND_DUE, MOVE_DUE, SIT_DUE = "stand_due", "move_due", "sit_due"  # sit-stand-move mode
IGNORED = "ignored"  # an event that made no sense in the current state (e.g. skip with no prompt)
DECISION_TYPES = frozenset(
    {BREAK_DUE, NATURAL_BREAK, POSITION_CHANGE_DUE, STAND_DUE, MOVE_DUE, SIT_DUE, IGNORED}
)
# Prompts the user answers with break_start, postpone or skip; one at a time.
PROMPTS = frozenset({BREAK_DUE, STAND_DUE})


@dataclass(frozen=True)
class Event:
    """One thing that happened at monotonic time `t` (seconds)."""

    t: float
    type: str


@dataclass(frozen=True)
class Decision:
    """One decision at monotonic time `t`, with its type-specific fields."""

    t: float
    type: str
    fields: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """`{"t": .., "type": .., **fields}`, the shape written to JSON Lines."""
        return {"t": self.t, "type": self.type, **self.fields}
