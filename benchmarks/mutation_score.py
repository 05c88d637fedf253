"""The mutation score per area, from `mutmut results --all true` (scripts/mutation.sh runs both).

    python -m benchmarks.mutation_score mutants/results.txt

Each line of the results names a mutant (`agent.core.engine.x_Engine_feed__mutmut_3: killed`).
Killed, timed-out and type-caught mutants count as caught; survived ones do not, and are listed
with the file (tests/mutation-survivors.md) that says for each why it is equivalent or accepted.
Exit 1 when agent/core or the atomic writer catch fewer than TARGET of their mutants, or when a
survivor is not explained in that file.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

AREAS = {"agent.core": "agent/core", "agent.files.atomic": "agent/files/atomic.py",
         "agent.live.logs": "agent/live/logs.py", "agent.live.control": "agent/live/control.py"}
TARGETED = ("agent.core", "agent.files.atomic")
TARGET = 0.90
CAUGHT = {"killed", "timeout", "caught by type check"}
EXPLAINED = Path(__file__).resolve().parents[1] / "tests" / "mutation-survivors.md"


def area(mutant: str) -> str:
    return next((name for name in AREAS if mutant == name or mutant.startswith(name + ".")), "other")


def main(argv: list[str]) -> int:
    lines = Path(argv[0]).read_text(encoding="utf-8").splitlines()
    results = [tuple(part.strip() for part in line.rsplit(":", 1)) for line in lines if ":" in line]
    counts: dict[str, Counter] = {}
    survivors = []
    for mutant, status in results:
        counts.setdefault(area(mutant), Counter())[status] += 1
        if status == "survived":
            survivors.append(mutant)
    failed = False
    print(f"{'area':28} {'mutants':>8} {'caught':>8} {'survived':>9} {'score':>7}")
    for name, count in sorted(counts.items()):
        total = sum(count.values())
        caught = sum(n for status, n in count.items() if status in CAUGHT)
        score = caught / total if total else 1.0
        mark = " (below target)" if name in TARGETED and score < TARGET else ""
        failed |= bool(mark)
        print(f"{AREAS.get(name, name):28} {total:8} {caught:8} {count['survived']:9} {score:7.1%}{mark}")
        other = {status: n for status, n in count.items() if status not in CAUGHT | {"survived"}}
        if other:
            print(f"{'':28} also: {other}")
    explained = set(re.findall(r"`([\w.]+__mutmut_\d+)`", EXPLAINED.read_text(encoding="utf-8"))) \
        if EXPLAINED.exists() else set()
    unexplained = [mutant for mutant in survivors if mutant not in explained]
    print(f"\n{len(survivors)} survivors; {len(unexplained)} not explained in {EXPLAINED.name}")
    for mutant in unexplained:
        print(f"  {mutant}   (see: .venv/bin/mutmut show {mutant})")
    return 1 if failed or unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
