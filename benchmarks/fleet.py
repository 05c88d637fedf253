"""The fleet roll-up (deploy/fleet/*.sql) on DuckDB over synthetic daily summaries.

`write_fleet` writes MACHINES x DAYS files in the real format (built by
:func:`agent.history.aggregate.summary`, so they match the schema); the
benchmark then runs the three queries in a fresh process and reports the
time and the peak memory of that process. Issue 13: 50,000 files "in seconds".

Run: python -m benchmarks.fleet [--machines 10000] [--days 5]   (needs duckdb: the test extra)
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from agent.history import aggregate
from agent.history.days import DayRow

FLEET = Path(__file__).resolve().parents[1] / "deploy" / "fleet"
QUERIES = ("share_taken_by_week.sql", "median_longest_bout.sql", "machines_reporting.sql")
POLICY = {"breaks.sitting_limit_min": 30, "features.aggregate_export": True, "features.statistics": True}


def write_fleet(folder: Path, machines: int, days: int, first: date = date(2026, 11, 30), seed: int = 13,
                absent: float = 0.1) -> list:
    """One file per machine and day (a machine is off on a share ``absent`` of days); returns the documents."""
    rng = random.Random(seed)
    docs = []
    for n in range(days):
        day = first + timedelta(days=n)
        for _ in range(machines):
            if rng.random() < absent:
                continue  # away that day: no file
            prompts = rng.randint(0, 16)
            row = DayRow(day.isoformat(), sitting_s=rng.uniform(1, 9) * 3600, longest_bout_s=rng.uniform(10, 120) * 60,
                         standing_s=rng.uniform(0, 2) * 3600, prompts=prompts, taken=rng.randint(0, prompts),
                         skipped=rng.randint(0, 3), postponed=rng.randint(0, 4), natural_breaks=rng.randint(0, 12),
                         natural_s=rng.uniform(0, 3) * 3600)
            doc = aggregate.summary(row, "0.1.0", POLICY)
            (folder / aggregate.file_name(doc)).write_text(json.dumps(doc, indent=1) + "\n")
            docs.append(doc)
    return docs


def run_queries(folder: Path) -> dict[str, list]:
    """Each query's rows, through DuckDB, as IT would run them."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET VARIABLE aggregate_files = '{folder.as_posix()}/*.json'")
    con.execute((FLEET / "summaries.sql").read_text())
    return {name: con.execute((FLEET / name).read_text()).fetchall() for name in QUERIES}


MEASURE = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from benchmarks.fleet import run_queries
start = time.perf_counter()
results = run_queries(Path({folder!r}))
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{took:.2f}} {{peak:.0f}} {{results['machines_reporting.sql'][0][1]}}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--machines", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        docs = write_fleet(Path(folder), args.machines, args.days, absent=0.0)
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        print(f"{len(docs):,} files ({size / 1024 / 1024:.1f} MiB) written in {time.perf_counter() - start:.1f} s")
        for run in (1, 2):  # the second run has the files in the page cache
            out = subprocess.run([sys.executable, "-c", MEASURE.format(root=str(Path(__file__).parents[1]),
                                                                      folder=folder)],
                                 capture_output=True, text=True, check=True).stdout.split()
            print(f"run {run}: the three queries in {out[0]} s, peak RSS {out[1]} MiB "
                  f"(first day: {int(out[2]):,} reporting)")


if __name__ == "__main__":
    main()
