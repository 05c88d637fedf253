"""Synthetic activity traces: the shipped example workday and the benchmark week.

A trace is a script of segments: work (input every few seconds), quiet time,
and single events. `python -m benchmarks.traces` rewrites the shipped example.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

EXAMPLE = Path(__file__).resolve().parents[1] / "assets" / "examples" / "workday.jsonl"

# A day at the office, in minutes. Each line exercises a rule the README names.
WORKDAY = [
    ("work", 31),                   # 0:30 break due after 30 min of sitting
    ("do", "break_start"), ("quiet", 2), ("do", "break_end"),
    ("work", 30.5),                 # due again 30 min after the break ended
    ("do", "postpone"), ("work", 5),  # asked again after 5 more minutes
    ("do", "break_start"), ("quiet", 2.5), ("do", "break_end"),
    ("work", 12), ("quiet", 3), ("work", 10),  # a 3-minute coffee chat counts as sitting
    ("do", "lock"), ("quiet", 40), ("do", "unlock"),  # a meeting: a natural break
    ("work", 15), ("do", "standing"), ("work", 25), ("do", "sitting"),  # sit-stand desk
    ("work", 31), ("do", "skip"),   # skipped: next prompt a full 30 min later
    ("work", 20), ("do", "sleep"), ("quiet", 45), ("do", "wake"), ("do", "unlock"),  # lunch
    ("work", 28), ("quiet", 3), ("work", 0.5),  # due while reading: waits for the next input
    ("do", "postpone"), ("work", 5), ("do", "postpone"), ("work", 5), ("do", "postpone"),
    ("work", 5.5),                  # after three postpones in a row, postpone is no longer offered
    ("do", "break_start"), ("quiet", 3), ("do", "break_end"),
    ("work", 50),
]


def events(script, every: float = 10.0) -> Iterator[tuple[float, str]]:
    """(t, type) pairs for a script; work gives input every `every` seconds."""
    t = 0.0
    for what, value in script:
        if what == "do":
            yield t, value
        elif what == "quiet":
            t += value * 60
        else:
            end = t + value * 60
            yield t, "input"
            while t + every <= end:
                t += every
                yield t, "input"
            t = end


def week(every: float = 1.0) -> Iterator[tuple[float, str]]:
    """Five workdays back to back, input every second, nights as sleep."""
    offset = 0.0
    for _ in range(5):
        last = offset
        for t, kind in events(WORKDAY, every):
            last = offset + t
            yield last, kind
        yield last, "sleep"
        offset = last + 15 * 3600
        yield offset, "wake"


def write(pairs, path: Path) -> None:
    with path.open("w") as out:
        for t, kind in pairs:
            out.write(json.dumps({"t": round(t, 3), "type": kind}) + "\n")


if __name__ == "__main__":
    EXAMPLE.parent.mkdir(parents=True, exist_ok=True)
    write(events(WORKDAY), EXAMPLE)
    print(f"wrote {EXAMPLE}")
