"""What the history holds: one row per day and agent session, one per break.

A day may have several sessions (the agent restarted, the user logged in
twice): each session writes only its own row, so a restart never has to
read the file before writing, and the rows of one day add up on reading
(:func:`combine`). Only *that* and *when*: numbers and times, no text a
user typed or saw.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date

#: What a break record's ``outcome`` may be.
OUTCOMES = ("taken", "ended_early", "postponed", "skipped", "natural", "held")


@dataclass
class DayRow:
    """One day's totals (of one session, or of all of them once combined)."""

    day: str  # local date, YYYY-MM-DD
    sitting_s: float = 0.0
    longest_bout_s: float = 0.0
    standing_s: float = 0.0
    prompts: int = 0  # prompted breaks (stand-up prompts in the sit-stand-move rhythm too)
    taken: int = 0  # breaks taken, prompted or asked for
    postponed: int = 0
    skipped: int = 0
    natural_breaks: int = 0
    natural_s: float = 0.0  # their total length
    held: int = 0  # prompts held for a presentation or a call
    sitting_limit_s: float = 0.0  # the limit in force (the report draws it as a line)
    ended_early: int = 0  # breaks started and ended before most of their time passed (not in `taken`)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def date(self) -> date:
        return date.fromisoformat(self.day)


NUMBERS = tuple(f.name for f in fields(DayRow) if f.name != "day")
_MAXED = ("longest_bout_s", "sitting_limit_s")  # the rest add up


def combine(rows) -> list[DayRow]:
    """Rows of the same day merged (sums, and the longest bout the longest), by date."""
    days: dict[str, DayRow] = {}
    for row in rows:
        seen = days.get(row.day)
        if seen is None:
            days[row.day] = DayRow(**row.as_dict())
            continue
        for name in NUMBERS:
            mine, theirs = getattr(seen, name), getattr(row, name)
            setattr(seen, name, max(mine, theirs) if name in _MAXED else mine + theirs)
    return [days[day] for day in sorted(days)]


@dataclass(frozen=True)
class BreakRow:
    """One break: when (local time, to the second), how it ended, how long it lasted."""

    at: str  # YYYY-MM-DDTHH:MM:SS
    outcome: str  # one of OUTCOMES
    length_s: float = 0.0

    @property
    def day(self) -> str:
        return self.at[:10]
