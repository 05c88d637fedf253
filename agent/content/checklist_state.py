"""What the user has ticked on the checklists, and when, kept between runs.

The dates matter: they drive a gentle monthly "still true?" re-check
(:func:`recheck_due`). The file is ``checklists.json`` in the user's data
folder (``$UPRIGHT_DATA_DIR``, else platformdirs' ``user_data_dir("upright")``):

    {"version": 1,
     "ticked": {"posture": {"feet_flat": "2025-03-02"}},
     "walkthrough_done": "2025-03-02",
     "reminded": null}

It is the user's own record, so it is never lost:

* writes are atomic (a temporary file in the same folder, then
  ``os.replace``): a crash or a full disk leaves the old file whole;
* a file that cannot be read is renamed ``checklists.json.bad-<time>``
  and kept; each problem is logged as ``FILE:LINE: key: problem`` and
  offered in :attr:`StateStore.problems`, what could be read is kept, the
  rest starts from defaults. No traceback reaches the user.

Pure apart from the file: no Tk. Dates are the local calendar's, passed in
by the caller (the wall clock is the caller's business).
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Optional

from agent.files import atomic
from agent.files.tomlfile import Problem

log = logging.getLogger("agent.checklists")

FILE_NAME = "checklists.json"
VERSION = 1
#: A state file larger than this is kept aside unread, like a damaged one: these records are a few KiB,
#: and reading a huge one would cost the agent its memory for the day.
MAX_BYTES = 256 * 1024
#: The re-check comes this many calendar months after the oldest tick.
RECHECK_MONTHS = 1


def data_dir() -> Path:
    """Where Upright keeps the user's data: ``$UPRIGHT_DATA_DIR`` or the platform's place."""
    override = os.environ.get("UPRIGHT_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs  # only here: reading the state in tests needs no platformdirs

    return Path(platformdirs.user_data_dir("upright", appauthor=False))


@dataclass
class ChecklistState:
    """Ticks by checklist and item id, each with the date it was ticked.

    Ids the content no longer has are kept (a newer or older Upright may
    know them); the windows show only the items they know.
    """

    ticked: dict[str, dict[str, date]] = field(default_factory=dict)
    walkthrough_done: Optional[date] = None  # the first-run walk-through was shown
    reminded: Optional[date] = None  # the last re-check reminder

    def ticked_on(self, checklist: str, item: str) -> Optional[date]:
        return self.ticked.get(checklist, {}).get(item)

    def is_ticked(self, checklist: str, item: str) -> bool:
        return self.ticked_on(checklist, item) is not None

    def set_ticked(self, checklist: str, item: str, ticked: bool, today: date) -> None:
        """Tick (dated ``today``) or untick one item."""
        if ticked:
            self.ticked.setdefault(checklist, {})[item] = today
        else:
            items = self.ticked.get(checklist, {})
            items.pop(item, None)
            if not items:
                self.ticked.pop(checklist, None)

    def to_json(self) -> dict:
        return {
            "version": VERSION,
            "ticked": {name: {item: day.isoformat() for item, day in sorted(items.items())}
                       for name, items in sorted(self.ticked.items())},
            "walkthrough_done": _iso(self.walkthrough_done),
            "reminded": _iso(self.reminded),
        }


def needs_walkthrough(state: ChecklistState) -> bool:
    """True until the first-run "Set up your workstation" walk-through has been shown."""
    return state.walkthrough_done is None


def recheck_due(state: ChecklistState, today: date, *, months: int = RECHECK_MONTHS) -> bool:
    """Is it time to ask "is everything you ticked still true?"

    Due ``months`` calendar months after the oldest tick, and never more
    often than that: a reminder (``state.reminded``) restarts the wait.
    Nothing ticked, nothing to re-check.
    """
    dates = [day for items in state.ticked.values() for day in items.values()]
    if not dates:
        return False
    since = min(dates)
    if state.reminded is not None and state.reminded > since:
        since = state.reminded
    return today >= add_months(since, months)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 = 28/29 Feb).

    datetime alone: the calendar module costs the running agent 0.4 MiB of memory.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)  # the first day of the month after
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


class StateStore:
    """The state file: :attr:`state` loads it once; :meth:`save` writes it atomically.

    Everyone (the windows, the daily re-check) shares the one
    :attr:`state` object, so nobody writes back an outdated copy.

    Another record of the user's is kept the same way by a subclass that
    names its file and says how to read and write it (:meth:`fresh`,
    :meth:`parse`, :meth:`to_json`), e.g. the exercise rotation's
    (:mod:`agent.content.exercise_state`).
    """

    file_name = FILE_NAME
    what = "the checklists"  # for log messages

    def __init__(self, directory: str | Path | None = None, *, now: Callable[[], datetime] = datetime.now) -> None:
        self.path = Path(directory if directory is not None else data_dir()) / self.file_name
        self._now = now  # only for naming a kept-aside file
        self._state: Any = None
        self.problems: list[Problem] = []
        self.kept_aside: Optional[Path] = None
        self._writable = True  # False: a file we could neither read nor move is never overwritten

    @property
    def state(self) -> Any:
        """The record (a :class:`ChecklistState` here), read from the file on first use."""
        if self._state is None:
            self._state = self.load()
        return self._state

    def fresh(self) -> Any:
        """The record of a first start."""
        return ChecklistState()

    def parse(self, data: bytes, path: str) -> tuple[Any, list[Problem]]:
        """The record in ``data``, as much as is sound, and what is wrong with the rest."""
        return _parse(data, path)

    def to_json(self, state: Any) -> dict:
        return state.to_json()

    def load(self) -> Any:
        """Read the file (a missing file is a fresh start); see the module docstring."""
        self.problems, self.kept_aside = [], None
        self._writable = True
        try:
            data = _read_bounded(self.path)
        except _TooLarge as error:
            self.problems = [Problem(str(self.path), None, "", f"is {error} bytes, more than the "
                                     f"{MAX_BYTES} such a file ever needs")]
            self.kept_aside = self._keep_aside()
            self._writable = self.kept_aside is not None
            log.warning("%s; %s start afresh (the file is %s)", self.problems[0], self.what,
                        f"kept as {self.kept_aside}" if self.kept_aside else "left as it is")
            self._state = self.fresh()
            return self._state
        except FileNotFoundError:
            self._state = self.fresh()
            return self._state
        except OSError as error:  # unreadable: leave it be, and never write over it
            self.problems = [Problem(str(self.path), None, "", f"cannot be read ({error.strerror})")]
            log.warning("%s; %s start afresh and will not be saved", self.problems[0], self.what)
            self._writable = False
            self._state = self.fresh()
            return self._state
        state, problems = self.parse(data, str(self.path))
        self._state = state
        if problems:
            self.problems = problems
            self.kept_aside = self._keep_aside()
            self._writable = self.kept_aside is not None
            where = f"kept as {self.kept_aside}" if self.kept_aside else "left as it is"
            for problem in problems:
                log.warning("%s (the file is %s; what could be read is used)", problem, where)
            if self._writable:
                self.save()  # what could be read, in a sound file
        return state

    def save(self, state: Any = None) -> bool:
        """Write ``state`` (default: :attr:`state`) atomically; False, logged, if it cannot be."""
        if state is not None:
            self._state = state
        if not self._writable:
            log.warning("not saving %s over %s, which could not be read or kept aside", self.what, self.path)
            return False
        data = json.dumps(self.to_json(self.state), indent=2, ensure_ascii=False) + "\n"
        try:
            atomic.write_text(self.path, data)
        except OSError as error:
            log.warning("could not save %s to %s: %s", self.what, self.path, error)
            return False
        return True

    def _keep_aside(self) -> Optional[Path]:
        stamp = self._now().strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.bad-{stamp}")
        n = 1
        while aside.exists():
            aside, n = self.path.with_name(f"{self.path.name}.bad-{stamp}-{n}"), n + 1
        try:
            os.replace(self.path, aside)
        except OSError as error:
            log.warning("could not rename %s aside: %s", self.path, error)
            return None
        return aside


# --- reading ------------------------------------------------------------------


class _TooLarge(Exception):
    """A state file over MAX_BYTES; the message is its size."""


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, or _TooLarge without reading more than MAX_BYTES of it."""
    with open(path, "rb") as file:
        data = file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise _TooLarge(os.fstat(file.fileno()).st_size)
    return data



def _parse(data: bytes, path: str) -> tuple[ChecklistState, list[Problem]]:
    """The state in ``data``, as much of it as is sound, and what is wrong with the rest."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return ChecklistState(), [Problem(path, line, "", f"not UTF-8 text (byte 0x{data[error.start]:02x})")]
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        return ChecklistState(), [Problem(path, error.lineno, "", f"not valid JSON: {error.msg} (column {error.colno})")]
    except ValueError as error:  # e.g. a number too long for Python to convert
        return ChecklistState(), [Problem(path, None, "", f"not valid JSON: {error}")]
    except RecursionError:
        return ChecklistState(), [Problem(path, None, "", "not valid JSON: nested too deeply")]
    state, findings = ChecklistState(), []
    if not isinstance(doc, dict):
        return state, [Problem(path, 1, "", f"expected a JSON object, got {_kind(doc)}")]
    for key, value in doc.items():
        if key == "version":
            if value != VERSION:
                findings.append(((key,), f"expected {VERSION}, got {json.dumps(value)}"))
        elif key == "ticked":
            state.ticked = _ticks(value, findings)
        elif key in ("walkthrough_done", "reminded"):
            day = _date(value, (key,), findings, optional=True)
            setattr(state, key, day)
        else:
            findings.append(((key,), "unknown key"))
    if "version" not in doc:
        findings.append(((), "missing version"))
    return state, [Problem(path, _json_line(text, parts), ".".join(parts), message) for parts, message in findings]


def _ticks(value: Any, findings: list) -> dict[str, dict[str, date]]:
    if not isinstance(value, dict):
        findings.append((("ticked",), f"expected an object, got {_kind(value)}"))
        return {}
    ticked: dict[str, dict[str, date]] = {}
    for name, items in value.items():
        if not isinstance(items, dict):
            findings.append((("ticked", name), f"expected an object of dates, got {_kind(items)}"))
            continue
        for item, day in items.items():
            parsed = _date(day, ("ticked", name, item), findings)
            if parsed is not None:
                ticked.setdefault(name, {})[item] = parsed
    return ticked


def _date(value: Any, parts: tuple, findings: list, optional: bool = False) -> Optional[date]:
    if value is None and optional:
        return None
    try:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    findings.append((parts, f"expected a date like \"2025-03-02\", got {json.dumps(value)[:40]}"))
    return None


def _json_line(text: str, parts: tuple) -> Optional[int]:
    """The line where the key path ``parts`` is written (each key searched after the one before).

    A light scan, like the TOML one in :mod:`agent.files.tomlfile`: good enough
    to send the reader to the right place in a hand-edited file.
    """
    pos, line = 0, 1 if text.strip() else None
    for part in parts:
        match = re.compile(re.escape(json.dumps(part, ensure_ascii=False)) + r"\s*:").search(text, pos)
        if match is None:
            match = re.compile(re.escape(json.dumps(part)) + r"\s*:").search(text, pos)
        if match is None:
            break
        pos = match.end()
        line = text.count("\n", 0, match.start()) + 1
    return line


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), "a value")


def _iso(day: Optional[date]) -> Optional[str]:
    return None if day is None else day.isoformat()
