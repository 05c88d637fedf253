"""`upright simulate`: replay a trace through the real engine in fast time."""

from __future__ import annotations

import json
from typing import IO, Iterable, Iterator

from agent.cli.trace import read_events
from agent.core import Decision, Engine, Rules
from agent.core import events as ev

SUMMARY_KEYS = (
    "sitting_s", "longest_bout_s", "standing_s", "prompts", "breaks_taken", "postponed", "skipped", "natural_breaks",
)
# What the user did, shown in the human timeline between the decisions.
ANSWERS = {ev.BREAK_START, ev.BREAK_END, ev.POSTPONE, ev.SKIP, ev.STANDING, ev.SITTING, ev.LOCK, ev.UNLOCK,
           ev.SLEEP, ev.WAKE}


def replay(lines: Iterable[bytes | str], path: str, rules: Rules, answers: bool = False) -> Iterator[Decision | dict]:
    """Decisions in time order, then the summary as a dict.

    With `answers`, the user's own accepted actions (break taken, postponed...)
    come in between as records of type `you:<event>`, for the human timeline.
    """
    engine, end = Engine(rules), 0.0
    for t, kind in read_events(lines, path):
        end = t
        if kind == ev.INPUT:
            yield from engine.input(t)
            continue
        decisions = engine.feed(t, kind)
        yield from decisions
        if answers and kind in ANSWERS and not any(d.type == ev.IGNORED for d in decisions):
            yield Decision(t, "you:" + kind)
    yield from engine.finish(end)
    yield {"type": "summary", **{key: engine.totals.as_dict()[key] for key in SUMMARY_KEYS}}


def write_json_lines(records: Iterable[Decision | dict], out: IO[str]) -> None:
    for record in records:
        fields = record.as_dict() if isinstance(record, Decision) else record
        out.write(json.dumps({key: _number(value) for key, value in fields.items()}) + "\n")


def _number(value):
    """Milliseconds are plenty; whole numbers print without a trailing .0."""
    if isinstance(value, float):
        value = round(value, 3)
        return int(value) if value.is_integer() else value
    return value


# --- the human timeline ------------------------------------------------------

_SAY = {
    ev.NATURAL_BREAK: lambda f: f"natural break: away {_clock(f['start'])} to {_clock(f['end'])}"
                                f" ({_duration(f['end'] - f['start'])}); sitting clock restarts",
    ev.BREAK_DUE: lambda f: f"BREAK DUE after {_duration(f['sitting_s'])} sitting — stand up and stretch"
                            + ("" if f["can_postpone"] else " (postpone no longer offered)"),
    ev.STAND_DUE: lambda f: f"STAND UP after {_duration(f['sitting_s'])} sitting",
    ev.MOVE_DUE: lambda f: f"MOVE: {_duration(f['standing_s'])} standing, time to walk a little",
    ev.SIT_DUE: lambda f: "sit down again",
    ev.POSITION_CHANGE_DUE: lambda f: f"CHANGE POSITION: standing {_duration(f['standing_s'])}",
    ev.IGNORED: lambda f: f"({f['event']} ignored: {f['reason']})",
}
_YOU = {
    ev.BREAK_START: "you start a break", ev.BREAK_END: "you are back from the break",
    ev.POSTPONE: "you postpone", ev.SKIP: "you skip this break", ev.STANDING: "you stand at the desk",
    ev.SITTING: "you sit down", ev.LOCK: "screen locked", ev.UNLOCK: "screen unlocked",
    ev.SLEEP: "computer asleep", ev.WAKE: "computer awake",
}


def write_timeline(records: Iterable[Decision | dict], out: IO[str]) -> None:
    """One line per decision or answer, then the day's summary in words."""
    for record in records:
        if isinstance(record, dict):
            out.write(_summary_text(record))
        elif record.type.startswith("you:"):
            out.write(f"  {_clock(record.t)}    {_YOU[record.type[4:]]}\n")
        else:
            out.write(f"  {_clock(record.t)}  » {_SAY[record.type](record.fields)}\n")


def _summary_text(summary: dict) -> str:
    return (
        "\nSummary\n"
        f"  sitting {_duration(summary['sitting_s'])}, longest bout {_duration(summary['longest_bout_s'])},"
        f" standing {_duration(summary['standing_s'])}\n"
        f"  {summary['prompts']} prompts: {summary['breaks_taken']} breaks taken, {summary['postponed']} postponed,"
        f" {summary['skipped']} skipped; {summary['natural_breaks']} natural breaks\n"
    )


def _clock(seconds: float) -> str:
    """Trace time as h:mm:ss from the start."""
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)  # whole minutes done: "after 30 min", never "after 29.9"
    if minutes < 1:
        return f"{round(seconds)} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
