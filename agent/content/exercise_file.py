"""Reading one exercise file, and saying exactly what is wrong with it.

A file is judged as a whole: every problem is reported at once, each as
``FILE:LINE: key: problem`` (the reading and line-finding are
:mod:`agent.files.tomlfile`'s, shared with settings and content), so whoever
writes an exercise fixes it in one visit to the editor. The keys are
described in ``assets/exercises/README.md``. Pure: no Tk, no Pillow.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from agent.content import pose
from agent.content.exercise import POSITIONS, Exercise
from agent.files import tomlfile
from agent.files.tomlfile import FileProblems, Problem, describe, did_you_mean

Check = Callable[[Any], Optional[str]]
Finding = tuple[tuple, str]

_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
#: Which base postures suit each position.
BASES_FOR = {"seated": ("seated",), "standing": ("standing",), "floor": ("supine", "prone", "all_fours")}


def read_exercise(path: str | Path, known_sources: Optional[frozenset[str]] = None) -> tuple[Exercise, dict[str, int]]:
    """The exercise in ``path``, and the line of each top-level key (for later problems).

    Raises FileProblems naming every problem in the file. ``known_sources``
    defaults to the articles listed in ``assets/content/sources.toml``.
    """
    if known_sources is None:
        from agent.content.texts import sources

        known_sources = sources()
    doc, text = tomlfile.read(path)
    lines = tomlfile.key_lines(text)
    findings = list(_findings(doc, known_sources))
    if findings:
        raise FileProblems(tomlfile.sorted_problems(
            Problem(str(path), tomlfile.line_of(lines, parts) or 1, tomlfile.dotted(parts), message)
            for parts, message in findings))
    where = {parts[0]: line for parts, line in lines.items() if len(parts) == 1}
    return _build(doc, str(path)), where


# --- what each key accepts ----------------------------------------------------------

def _text(limit: int, one_line: bool = True) -> Check:
    def check(value: Any) -> Optional[str]:
        if not isinstance(value, str):
            return f"expected a string, got {describe(value)}"
        if not value.strip():
            return "is empty"
        if one_line and "\n" in value:
            return "must be one line"
        return f"too long: {len(value)} characters, at most {limit}" if len(value) > limit else None
    return check


def _texts(limit: int, most: int) -> Check:
    item = _text(limit)

    def check(value: Any) -> Optional[str]:
        if not isinstance(value, list) or not value:
            return f"expected an array of strings, at least one, got {describe(value)}"
        if len(value) > most:
            return f"too many: {len(value)}, at most {most}"
        return next((f"item {n}: {problem}" for n, v in enumerate(value, 1) if (problem := item(v))), None)
    return check


def _choice(options: tuple[str, ...]) -> Check:
    def check(value: Any) -> Optional[str]:
        if isinstance(value, str) and value in options:
            return None
        return f"expected one of {', '.join(options)}, got {describe(value)}"
    return check


def _choices(options: tuple[str, ...]) -> Check:
    one = _choice(options)

    def check(value: Any) -> Optional[str]:
        if not isinstance(value, list):
            return f"expected an array, got {describe(value)}"
        if len(set(map(str, value))) < len(value):
            return "lists something twice"
        return next((problem for v in value if (problem := one(v))), None)
    return check


def _number(low: float, high: float, integer: bool = False) -> Check:
    def check(value: Any) -> Optional[str]:
        wanted = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, wanted):
            return f"expected {'an integer' if integer else 'a number'}, got {describe(value)}"
        return None if low <= value <= high else f"must be from {low:g} to {high:g}, got {value}"
    return check


def _boolean(value: Any) -> Optional[str]:
    return None if isinstance(value, bool) else f"expected true or false, got {describe(value)}"


def _ident(value: Any) -> Optional[str]:
    if not isinstance(value, str) or not _ID.match(value):
        return f"expected an id (a-z, 0-9 and _, starting with a letter), got {describe(value)}"
    return None


def _hold(value: Any) -> Optional[str]:
    """Seconds, or [shortest, longest] when the article gives a range (30 to 60 s)."""
    seconds = _number(1, 600)
    if isinstance(value, list):
        if len(value) != 2:
            return f"expected seconds or [shortest, longest], got {len(value)} numbers"
        problem = seconds(value[0]) or seconds(value[1])
        return problem or (None if value[0] <= value[1] else "the shortest hold comes first")
    return seconds(value)


def _sources(known: frozenset[str]) -> Check:
    names = _texts(100, 10)

    def check(value: Any) -> Optional[str]:
        problem = names(value)
        if problem:
            return problem
        unknown = [v for v in value if v not in known]
        if unknown:
            return f'"{unknown[0]}" is not an article listed in assets/content/sources.toml'
        return "lists a source twice" if len(set(value)) < len(value) else None
    return check


def _fields(known_sources: frozenset[str]) -> dict[str, tuple[Check, bool]]:
    """Top-level key -> (check, required)."""
    return {
        "id": (_ident, True),
        "name": (_text(60), True),
        "position": (_choice(POSITIONS), True),
        "region": (_texts(30, 4), True),
        "steps": (_texts(200, 8), True),
        "hold_s": (_hold, False),
        "reps": (_number(1, 100, integer=True), False),
        "why": (_text(400), True),
        "caution": (_text(400), True),
        "sources": (_sources(known_sources), True),
        "quotes": (_texts(1000, 20), True),
        "adapted_for_desk": (_boolean, True),
        "adapted_from": (_ident, False),
        "during_spasm": (_boolean, False),
        "alt_text": (_text(400), True),
        "takes_s": (_number(5, 600), True),
        "short_break_under_s": (_number(30, 3600), False),
        "short_break_steps": (_texts(200, 8), False),
        "pose": (lambda v: None if isinstance(v, dict) else f"expected a [pose] table, got {describe(v)}", True),
    }


POSE_FIELDS: dict[str, tuple[Check, bool]] = {
    "base": (_choice(pose.BASES), True),
    "props": (_choices(pose.PROPS), False),
    "view": (_number(-90, 90), False),
    "look_down": (_number(0, 80), False),
    "anchor": (_choice(pose.ANCHORS), False),
    "hold": (_boolean, False),
    "focus": (_choice(pose.FOCUS), False),
    "start": (lambda v: None if isinstance(v, dict) else f"expected a table, got {describe(v)}", True),
    "via": (lambda v: None if isinstance(v, dict) or (isinstance(v, list) and v and all(isinstance(t, dict) for t in v))
            else f"expected a table or a list of tables, got {describe(v)}", False),
    "end": (lambda v: None if isinstance(v, dict) else f"expected a table, got {describe(v)}", True),
}

KEYFRAME_FIELDS: dict[str, tuple[Check, bool]] = {
    **{name: (_number(low, high), False) for name, (low, high, _) in pose.ANGLES.items()},
    **{name: (_choice(options), False) for name, options in pose.TARGETS.items()},
}


# --- checking a whole file ------------------------------------------------------------

def _findings(doc: dict, known_sources: frozenset[str]) -> Iterator[Finding]:
    yield from _table(doc, _fields(known_sources), ())
    table = doc.get("pose")
    if isinstance(table, dict):
        yield from _table(table, POSE_FIELDS, ("pose",))
        for name in ("start", "via", "end"):
            value = table.get(name)
            for n, keyframe in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(keyframe, dict):
                    where = (name, n) if isinstance(value, list) else (name,)
                    yield from _table(keyframe, KEYFRAME_FIELDS, ("pose", *where))
    yield from _cross_findings(doc)


def _table(table: dict, fields: dict[str, tuple[Check, bool]], parts: tuple) -> Iterator[Finding]:
    for key, value in table.items():
        if key not in fields:
            close = did_you_mean(key, fields)
            yield parts + (key,), f"unknown key; did you mean '{close}'?" if close else "unknown key"
        elif problem := fields[key][0](value):
            yield parts + (key,), problem
    for key, (_, required) in fields.items():
        if required and key not in table:
            yield parts + (key,), "missing"


def _cross_findings(doc: dict) -> Iterator[Finding]:
    """Checks between keys: a desk adaptation names its original; the pose fits the position."""
    adapted, position = doc.get("adapted_for_desk"), doc.get("position")
    if adapted is True and "adapted_from" not in doc:
        yield ("adapted_for_desk",), "a desk adaptation names the exercise it adapts in adapted_from"
    if adapted is True and position == "floor":
        yield ("position",), 'an exercise adapted for the desk is "seated" or "standing", not "floor"'
    if adapted is not True and "adapted_from" in doc:
        yield ("adapted_from",), "only a desk adaptation has one; set adapted_for_desk = true"
    for key, other in (("short_break_under_s", "short_break_steps"), ("short_break_steps", "short_break_under_s")):
        if key in doc and other not in doc:
            yield (key,), f"comes with {other}: the steps a break shorter than that shows"
    table = doc.get("pose")
    if not isinstance(table, dict) or table.get("base") not in pose.BASES:
        return
    base = table["base"]
    if isinstance(position, str) and position in BASES_FOR and base not in BASES_FOR[position]:
        yield ("pose", "base"), f'a {position} exercise starts from {" or ".join(BASES_FOR[position])}, not "{base}"'
    start, end = table.get("start"), table.get("end")
    if isinstance(start, dict) and isinstance(end, dict) and "via" not in table:
        first = {**pose.BASE_POSES[base], **start}
        if {**first, **end} == first:
            yield ("pose", "end"), "the same as the start pose: the picture would not move"


# --- building ---------------------------------------------------------------------------

def _build(doc: dict, path: str) -> Exercise:
    hold = doc.get("hold_s")
    low, high = (hold if isinstance(hold, list) else [hold, None])
    table = doc["pose"]
    options = {key: table[key] for key in ("anchor", "view", "look_down", "hold", "focus") if key in table}
    if "props" in table:
        options["props"] = tuple(table["props"])
    return Exercise(
        id=doc["id"], name=doc["name"], position=doc["position"], steps=doc["steps"], why=doc["why"],
        caution=doc["caution"], sources=doc["sources"], alt_text=doc["alt_text"], hold_s=low,
        hold_max_s=high if high != low else None, reps=doc.get("reps"), adapted_from=doc.get("adapted_from"),
        region=doc["region"], quotes=doc["quotes"], takes_s=float(doc["takes_s"]), path=path,
        during_spasm=doc.get("during_spasm", False), short_break_under_s=doc.get("short_break_under_s"),
        short_break_steps=doc.get("short_break_steps", ()),
        movement=pose.movement(table["base"], table["start"], table["end"], table.get("via"), **options),
    )
