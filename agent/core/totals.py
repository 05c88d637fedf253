"""Running totals of a day (or of a replayed trace)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Totals:
    """Counters the engine keeps; the summary line and the Today view show them."""

    sitting_s: float = 0.0
    longest_bout_s: float = 0.0
    standing_s: float = 0.0
    prompts: int = 0
    breaks_taken: int = 0
    postponed: int = 0
    skipped: int = 0
    natural_breaks: int = 0
    ended_early: int = 0  # breaks started but ended before most of their time passed; not in breaks_taken

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)
