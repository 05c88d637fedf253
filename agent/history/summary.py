"""A week or a month of history, ready to draw or print: one bar per day and one sentence.

Pure: days in, a :class:`Report` out; no file, clock or drawing. A week is
the seven days ending today, a month the thirty: every bar is a real day,
days without a row (a weekend, a holiday) are shown empty, not left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from agent.history.days import DayRow

SPANS = {"week": 7, "month": 30}


@dataclass
class Report:
    """What the report shows: the span, its days (one per date), and the sentence."""

    span: str  # "week" | "month"
    first: date
    last: date
    days: list[DayRow]
    sentence: str

    @property
    def sitting_limit_s(self) -> float:
        """The limit drawn as a line: the one in force on the latest day that had one."""
        limits = [d.sitting_limit_s for d in self.days if d.sitting_limit_s]
        return limits[-1] if limits else 0.0

    def to_json(self) -> dict:
        return {"span": self.span, "first": self.first.isoformat(), "last": self.last.isoformat(),
                "summary": self.sentence, "sitting_limit_min": _min(self.sitting_limit_s),
                "days": [_day_json(d) for d in self.days]}


def span_dates(span: str, today: date) -> tuple[date, date]:
    """The first and last day of the ``span`` ending ``today``."""
    return today - timedelta(days=SPANS[span] - 1), today


def build(span: str, today: date, rows: list[DayRow]) -> Report:
    """The report of the ``span`` ("week" or "month") ending ``today`` from the history's ``rows``."""
    first, last = span_dates(span, today)
    by_day = {row.day: row for row in rows}
    days = [by_day.get(d.isoformat(), DayRow(d.isoformat()))
            for d in (first + timedelta(days=n) for n in range(SPANS[span]))]
    return Report(span, first, last, days, sentence(span, days))


def sentence(span: str, days: list[DayRow]) -> str:
    """One sentence: the longest stretch and when, and how many prompted breaks were taken."""
    sat = [d for d in days if d.sitting_s > 0]
    if not sat:
        return f"No sitting recorded this {span}."
    longest = max(sat, key=lambda d: d.longest_bout_s)
    when = longest.date.strftime("%A") if span == "week" else f"{longest.date.day} {longest.date.strftime('%B')}"
    prompts = sum(d.prompts for d in days)
    taken = min(prompts, sum(d.taken for d in days))
    breaks = f"; {taken} of {prompts} prompted breaks taken" if prompts else "; no break was due"
    return f"Longest stretch this {span}: {round(longest.longest_bout_s / 60)} min on {when}{breaks}."


def _day_json(d: DayRow) -> dict:
    return {"day": d.day, "sitting_min": _min(d.sitting_s), "longest_bout_min": _min(d.longest_bout_s),
            "standing_min": _min(d.standing_s), "prompts": d.prompts, "taken": d.taken, "postponed": d.postponed,
            "skipped": d.skipped, "natural_breaks": d.natural_breaks, "natural_break_min": _min(d.natural_s),
            "held_for_presentation": d.held, "sitting_limit_min": _min(d.sitting_limit_s),
            "ended_early": d.ended_early}


def _min(seconds: float) -> float:
    return round(seconds / 60, 1)
