"""Engine benchmark: a five-day week with input every second.

Reports, from one run on one machine (ratios, not absolute times, are what
carry between machines):
  * engine cost per event, in process, on pre-decoded events;
  * replay time of the whole trace (`upright simulate` minus printing)
    against plain JSON decoding of the same file.
Targets (issue 2): <= 1 us per event in process; replay/decode ratio <= 2.

Run: python -m benchmarks.engine [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from agent.cli.simulate import replay
from agent.core import Engine
from agent.settings.config import default_rules
from benchmarks.traces import week, write


def best_of(repeat: int, job) -> float:
    """Fastest of `repeat` runs: the least disturbed by the rest of the machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def engine_only(pairs: list[tuple[float, str]]) -> None:
    engine = Engine(default_rules())
    for t, kind in pairs:
        if kind == "input":
            engine.input(t)
        else:
            engine.feed(t, kind)
    engine.finish(pairs[-1][0])


def decode_only(path: Path) -> None:
    loads = json.loads
    with path.open("rb") as lines:
        for line in lines:
            loads(line)


def full_replay(path: Path) -> None:
    with path.open("rb") as lines:
        for _ in replay(lines, str(path), default_rules()):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    pairs = list(week(every=1.0))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "week.jsonl"
        write(pairs, path)
        size_mb = path.stat().st_size / 1e6
        engine_s = best_of(repeat, lambda: engine_only(pairs))
        decode_s = best_of(repeat, lambda: decode_only(path))
        replay_s = best_of(repeat, lambda: full_replay(path))
    n = len(pairs)
    print(f"trace: 5 workdays, {n:,} events, {size_mb:.1f} MB of JSON Lines (best of {repeat} runs)")
    print(f"engine in process:  {engine_s * 1e6 / n:6.3f} us/event   (target <= 1 us)")
    print(f"JSON decoding only: {decode_s * 1e6 / n:6.3f} us/event")
    print(f"full replay:        {replay_s * 1e6 / n:6.3f} us/event")
    print(f"replay / decoding:  {replay_s / decode_s:6.2f}            (target <= 2)")


if __name__ == "__main__":
    main()
