"""What the running agent must not forget when it is killed: a pause, standing, a cold pack on the back.

`session.json` in the user's data folder, beside `checklists.json`, written
atomically (through `StateStore`) whenever a pause or standing changes:

    {"version": 1, "day": "2026-12-04", "paused_until": "2026-12-04T15:30:00", "standing": false,
     "pack": {"kind": "cold", "started": "2026-12-04T15:10:00", "minutes": 15}}

`day` is the day the agent started. A new agent takes up a pause until its
wall-clock end (also "until tomorrow") whenever it starts before that end;
standing only when `day` is today; the spasm guide's pack timer (`pack`, only
while one runs) whatever the day (one long due is announced at once). Today's
totals are not kept here: they come from the history (:meth:`agent.live.history_recorder.HistoryRecorder.counted_today`),
which holds each run's rows once; a `today` field an older Upright wrote is
ignored. A damaged or over-large file is kept aside like the other state
files, and the agent starts afresh.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from agent.content.checklist_state import StateStore, _json_line, _kind
from agent.content.cold_heat import Pack
from agent.files.tomlfile import Problem

FILE_NAME = "session.json"
VERSION = 1


class SessionStore(StateStore):
    """The session's state file; `state` is a plain dict of the fields above (empty: nothing saved)."""

    file_name = FILE_NAME
    what = "the session state"

    def fresh(self) -> dict:
        return {}

    def parse(self, data: bytes, path: str) -> tuple[dict, list[Problem]]:
        return parse(data, path)

    def to_json(self, state: Any) -> dict:
        return {"version": VERSION, **state}


def parse(data: bytes, path: str) -> tuple[dict, list[Problem]]:
    """The sound fields of a session file, and a problem for each one that is not."""
    try:
        text = data.decode("utf-8")
        raw = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        return {}, [Problem(path, None, "", f"is not JSON ({error})")]
    if not isinstance(raw, dict):
        return {}, [Problem(path, None, "", f"holds {_kind(raw)}, not an object")]
    state, problems = {}, []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(path, _json_line(text, (key,)), key, message))

    for key, check, expected in (("day", _is_day, "a date like 2026-12-04"),
                                 ("paused_until", _is_time, "a time like 2026-12-04T15:30:00, or null"),
                                 ("standing", lambda v: isinstance(v, bool), "true or false"),
                                 ("pack", _is_pack, "a pack timer like {\"kind\": \"cold\", \"started\": ...}")):
        if key in raw:
            if check(raw[key]):
                state[key] = raw[key]
            else:
                bad(key, f"expected {expected}, found {_kind(raw[key])}")
    return state, problems


def _is_day(value: Any) -> bool:
    try:
        return isinstance(value, str) and datetime.strptime(value, "%Y-%m-%d") is not None
    except ValueError:
        return False


def _is_time(value: Any) -> bool:
    if value is None:
        return True
    try:
        return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is None
    except ValueError:
        return False


def _is_pack(value: Any) -> bool:
    try:
        Pack.from_json(value)
    except (ValueError, TypeError):
        return False
    return True


def snapshot(day: str, paused_until: datetime | None, standing: bool, pack: dict | None = None) -> dict:
    """The dict to save."""
    return {"day": day, "paused_until": None if paused_until is None else paused_until.isoformat(timespec="seconds"),
            "standing": standing, **({"pack": pack} if pack is not None else {})}
