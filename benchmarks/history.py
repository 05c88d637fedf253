"""A year of history: read and drawn into the week and month reports (issue 13: under 200 ms).

`synthetic_year` fills a history file with 365 days of 20 breaks each (also
used by the tests); the benchmark then times what the "This week" window and
`upright report` do: read the span from the file, build the report, draw it.

Run: python -m benchmarks.history
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from agent.history.days import BreakRow, DayRow
from agent.history.store import HistoryStore

OUTCOMES = ("taken", "taken", "taken", "postponed", "skipped", "natural", "natural")


def synthetic_day(day: date, rng: random.Random, breaks: int = 20) -> tuple[DayRow, list[BreakRow]]:
    """A plausible working day (a weekend day is short), with ``breaks`` breaks."""
    weekend = day.weekday() >= 5
    sitting = rng.uniform(0.2, 1.5) * 3600 if weekend else rng.uniform(4.5, 8) * 3600
    times = sorted(rng.uniform(8 * 3600, 18 * 3600) for _ in range(breaks))
    rows = [BreakRow((datetime.combine(day, datetime.min.time()) + timedelta(seconds=round(t))).isoformat(),
                     rng.choice(OUTCOMES), rng.uniform(0, 900)) for t in times]
    count = lambda o: sum(1 for b in rows if b.outcome == o)  # noqa: E731
    prompts = count("taken") + count("skipped") + count("postponed")
    return DayRow(day.isoformat(), sitting_s=round(sitting), longest_bout_s=rng.uniform(25, 95) * 60,
                  standing_s=rng.uniform(0, 3600), prompts=prompts, taken=count("taken"),
                  postponed=count("postponed"), skipped=count("skipped"), natural_breaks=count("natural"),
                  natural_s=sum(b.length_s for b in rows if b.outcome == "natural"), held=0,
                  sitting_limit_s=1800.0), rows


def synthetic_year(folder: Path, today: date, days: int = 365, seed: int = 13) -> None:
    """``days`` days ending ``today`` into the history file in ``folder``, one write per day."""
    rng = random.Random(seed)
    store = HistoryStore(folder)
    for n in range(days - 1, -1, -1):
        row, breaks = synthetic_day(today - timedelta(days=n), rng)
        store.write(f"{n:016x}", [row], breaks)


def main() -> None:
    from agent.cli.history_cli import read_history
    from agent.history import summary
    from agent.ui.history_chart import draw

    today = date.today()
    with tempfile.TemporaryDirectory() as folder:
        synthetic_year(Path(folder), today)
        print(f"history file: {(Path(folder) / 'history.sqlite3').stat().st_size / 1024:.0f} KiB for 365 days "
              "x 20 breaks")
        for span in ("week", "month"):
            times = []
            for _ in range(5):
                start = time.perf_counter()
                first, last = summary.span_dates(span, today)
                report = summary.build(span, today, read_history(Path(folder), first, last).days)
                draw(report, 1)
                draw(report, 2)
                times.append(time.perf_counter() - start)
            print(f"{span}: read + build + draw at 1x and 2x: best {min(times) * 1000:.1f} ms, "
                  f"worst {max(times) * 1000:.1f} ms (first run loads the fonts) (target < 200 ms)")


if __name__ == "__main__":
    main()
