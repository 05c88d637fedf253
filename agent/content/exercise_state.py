"""The exercise rotation's memory, kept between runs: today's showings, favourites, hidden.

The file is ``exercises.json`` beside the checklists (``$UPRIGHT_DATA_DIR``,
else the platform's data folder), and it is the chooser's state
(:mod:`agent.content.exercise_choice`) with a version:

    {"version": 1,
     "day": "2025-03-02",
     "shown": ["short_walk", "seated_cat_cow"],
     "favourites": ["standing_back_extension"],
     "hidden": ["cobra"],
     "spasm_start": "2025-03-01T09:30:00"}

Favourites and hidden exercises are the user's choices and are kept for
good; ``shown`` belongs to ``day`` and the chooser starts it afresh on the
next local date. ``spasm_start`` (optional, a local date and time) is when
the user told the spasm guide their back went into spasm: for the first
days after it, breaks offer only gentle movement; the user can end it. It is kept like the checklists
(:class:`~agent.content.checklist_state.StateStore`): atomic writes, and a file
that cannot be read is reported as ``FILE:LINE: key: problem``, kept
aside as ``exercises.json.bad-<time>`` and replaced by what could be read.
No Tk.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from agent.content.checklist_state import StateStore, _json_line, _kind
from agent.files.tomlfile import Problem

FILE_NAME = "exercises.json"
VERSION = 1
LISTS = ("shown", "favourites", "hidden")


class ExerciseStateStore(StateStore):
    """``exercises.json``: :attr:`state` is the chooser's state dict (see the module docstring)."""

    file_name = FILE_NAME
    what = "the exercise rotation"

    def fresh(self) -> dict:
        return fresh()

    def parse(self, data: bytes, path: str) -> tuple[dict, list[Problem]]:
        return parse(data, path)

    def to_json(self, state: Any) -> dict:
        state = clean(state)
        spasm = {"spasm_start": state["spasm_start"]} if state.get("spasm_start") else {}
        return {"version": VERSION, "day": state["day"], **{key: state[key] for key in LISTS}, **spasm}


def clean(state: Any) -> dict:
    """A usable state from whatever was stored: wrong or missing parts start afresh."""
    state = state if isinstance(state, dict) else {}

    def ids(key: str) -> list[str]:
        value = state.get(key)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    day = state.get("day")
    clean_state = {**state, "day": day if isinstance(day, str) else "", "shown": ids("shown"),
                   "favourites": ids("favourites"), "hidden": ids("hidden")}
    if spasm_start(clean_state) is None:
        clean_state.pop("spasm_start", None)
    return clean_state


def spasm_start(state: dict) -> datetime | None:
    """When the user's back went into spasm, as the state records it; None if not, or unreadable."""
    value = state.get("spasm_start")
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def fresh() -> dict:
    """The state of a first start: nothing shown, no favourites, nothing hidden."""
    return {"day": "", "shown": [], "favourites": [], "hidden": []}


def parse(data: bytes, path: str) -> tuple[dict, list[Problem]]:
    """The state in ``data``, as much of it as is sound, and what is wrong with the rest."""
    state = fresh()
    try:
        text = data.decode("utf-8")
        doc = json.loads(text)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return state, [Problem(path, line, "", f"not UTF-8 text (byte 0x{data[error.start]:02x})")]
    except json.JSONDecodeError as error:
        return state, [Problem(path, error.lineno, "", f"not valid JSON: {error.msg} (column {error.colno})")]
    except (ValueError, RecursionError) as error:  # a number too long to convert; nested too deeply
        return state, [Problem(path, None, "", f"not valid JSON: {type(error).__name__}")]
    if not isinstance(doc, dict):
        return state, [Problem(path, 1, "", f"expected a JSON object, got {_kind(doc)}")]
    findings: list[tuple[tuple, str]] = []
    for key, value in doc.items():
        if key == "version":
            if value != VERSION:
                findings.append(((key,), f"expected {VERSION}, got {json.dumps(value)[:40]}"))
        elif key == "day":
            if isinstance(value, str) and (value == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
                state["day"] = value
            else:
                findings.append(((key,), f'expected a date like "2025-03-02", got {json.dumps(value)[:40]}'))
        elif key in LISTS:
            state[key] = _ids(value, key, findings)
        elif key == "spasm_start":
            if spasm_start({key: value}) is not None:
                state[key] = value
            elif value is not None:
                findings.append(((key,), f'expected a date and time like "2025-03-02T09:30:00", '
                                         f'got {json.dumps(value)[:40]}'))
        else:
            findings.append(((key,), "unknown key"))
    if "version" not in doc:
        findings.append(((), "missing version"))
    return state, [Problem(path, _json_line(text, parts), ".".join(parts), message) for parts, message in findings]


def _ids(value: Any, key: str, findings: list) -> list[str]:
    """The exercise ids in a list; anything else is reported and left out."""
    if not isinstance(value, list):
        findings.append(((key,), f"expected an array of exercise ids, got {_kind(value)}"))
        return []
    bad = [item for item in value if not isinstance(item, str)]
    if bad:
        findings.append(((key,), f"expected exercise ids (strings), got {_kind(bad[0])}"))
    return [item for item in value if isinstance(item, str)]
