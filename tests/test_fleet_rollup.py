"""deploy/fleet/*.sql on DuckDB over synthetic daily summaries: the answers IT asks for, checked by hand.

10,000 machines x 5 days, as the issue asks (about 25 s here); the benchmark reports the time and memory
of the same size (python -m benchmarks.fleet).
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from datetime import date, timedelta

import pytest

pytest.importorskip("duckdb", reason="needs duckdb (the test extra: bash scripts/install.sh --test)")

from benchmarks.fleet import run_queries, write_fleet  # noqa: E402
from tests.test_history_aggregate import VALIDATOR  # noqa: E402


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fleet")
    docs = write_fleet(folder, machines=10_000, days=5, first=date(2026, 12, 3))  # Thu..Mon: two weeks
    (folder / "notes.json").write_text('{"format": "something-else/1", "day": "2026-12-03"}')
    (folder / "half.json").write_text('{"format": "upright-aggregate/1", "day"')  # cut off mid-copy
    return folder, docs, run_queries(folder)


def week_of(day: str) -> date:
    d = date.fromisoformat(day)
    return d - timedelta(days=d.weekday())


def test_the_synthetic_files_are_valid(fleet):
    _, docs, _ = fleet
    assert 40_000 < len(docs) < 50_000  # not every machine reports every day
    for doc in docs[:200]:
        VALIDATOR.validate(doc)
    assert len({doc["token"] for doc in docs}) == len(docs)


def test_share_of_prompted_breaks_taken_by_week(fleet):
    _, docs, results = fleet
    sums = defaultdict(lambda: [0, 0])
    for doc in docs:
        sums[week_of(doc["day"])][0] += doc["breaks_prompted"]
        sums[week_of(doc["day"])][1] += doc["breaks_taken"]
    expected = [(week, prompted, taken, round(taken / prompted, 3)) for week, (prompted, taken) in sorted(sums.items())]
    got = [(week, int(p), int(t), float(share)) for week, p, t, share in results["share_taken_by_week.sql"]]
    assert [w for w, *_ in got] == [date(2026, 11, 30), date(2026, 12, 7)]
    assert got == expected


def test_median_longest_bout(fleet):
    _, docs, results = fleet
    rows = results["median_longest_bout.sql"]
    overall = rows[-1]
    assert overall[0] is None and overall[2] == len(docs)  # the ROLLUP row: every file
    assert overall[1] == statistics.median(doc["longest_bout_min"] for doc in docs)
    first_week = [d["longest_bout_min"] for d in docs if week_of(d["day"]) == date(2026, 11, 30)]
    assert rows[0][1] == statistics.median(first_week)


def test_machines_reporting_per_day_and_other_files_left_out(fleet):
    _, docs, results = fleet
    per_day = defaultdict(int)
    for doc in docs:
        per_day[doc["day"]] += 1
    got = {day.isoformat(): count for day, count, _, _ in results["machines_reporting.sql"]}
    assert got == per_day  # notes.json (another format) is not counted
    assert all(versions == ["0.1.0"] for *_, versions in results["machines_reporting.sql"])
    assert json.loads(next(iter(fleet[0].glob("upright-*.json"))).read_text())["format"] == "upright-aggregate/1"
