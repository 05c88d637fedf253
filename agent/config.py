"""Upright's settings: what they are, reading and checking TOML files, layering.

Every setting is declared once, in SCHEMA; checking, the completeness test of
the packaged defaults and any future documentation all read it from there.
A settings file is judged as a whole: every problem is reported at once, each
as `FILE:LINE: key: problem`, so one visit to the editor fixes them all. The
engine never sees any of this; it gets numbers through `Rules.from_config`.
"""

from __future__ import annotations

import copy
import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.resources import config_file

NUMBER = "number"  # an int or a float, never a boolean
INTEGER = "integer"  # an int, never a boolean
CHOICE = "choice"  # a string from a fixed set
BOOLEAN = "boolean"  # true or false, never 0 or "yes"


@dataclass(frozen=True)
class Key:
    """One setting: where it lives, what it accepts and what it is for."""

    section: str
    name: str
    kind: str
    description: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # True: the value must be above `low`, not equal to it
    choices: tuple[str, ...] = ()

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.name}"

    def problem_with(self, value: Any) -> str | None:
        """Why `value` cannot be used for this setting, or None if it can."""
        if self.kind == CHOICE:
            return self._choice_problem(value)
        if self.kind == BOOLEAN:
            return None if isinstance(value, bool) else f"expected true or false, got {_describe(value)}"
        wanted = (int,) if self.kind == INTEGER else (int, float)
        # bool is an int to Python, but `limit = true` is a mistake, not a 1.
        if isinstance(value, bool) or not isinstance(value, wanted):
            return f"expected {'an integer' if self.kind == INTEGER else 'a number'}, got {_describe(value)}"
        return self._range_problem(value)

    def _range_problem(self, value: float) -> str | None:
        # Written as "not in range" so that nan, which compares false, fails.
        above_low = self.low is None or (value > self.low if self.low_open else value >= self.low)
        below_high = self.high is None or value <= self.high
        if above_low and below_high:
            return None
        low = "" if self.low is None else f"{'greater than' if self.low_open else 'at least'} {self.low:g}"
        high = "" if self.high is None else f"at most {self.high:g}"
        return f"must be {' and '.join(filter(None, (low, high)))}, got {value}"

    def _choice_problem(self, value: Any) -> str | None:
        if isinstance(value, str) and value in self.choices:
            return None
        options = " or ".join(f'"{choice}"' for choice in self.choices)
        return f"expected {options}, got {_describe(value)}"


def _minutes(section: str, name: str, high: float, description: str) -> Key:
    """A duration in minutes: fractions welcome (tests shorten limits), zero not."""
    return Key(section, name, NUMBER, description, low=0, high=high, low_open=True)


SCHEMA: tuple[Key, ...] = (
    _minutes("breaks", "sitting_limit_min", 480, "Sitting that earns a stand-and-stretch prompt."),
    _minutes("breaks", "natural_break_min", 120, "Time away that counts as a break and restarts the sitting clock."),
    Key("breaks", "prompt_idle_grace_s", NUMBER, "Idle longer than this when a break is due, the prompt waits for input.",
        low=0, high=3600),
    _minutes("breaks", "postpone_min", 120, "More sitting before a postponed prompt asks again."),
    Key("breaks", "max_postpones", INTEGER, "Postpones in a row before Postpone is no longer offered.",
        low=0, high=20),
    _minutes("breaks", "break_min", 60, "Length of a prompted break."),
    _minutes("standing", "limit_min", 480, "Standing before a change of position is suggested."),
    Key("pattern", "mode", CHOICE, "sitting-limit: a break per sitting limit; sit-stand-move: the Cornell cycle.",
        choices=("sitting-limit", "sit-stand-move")),
    _minutes("pattern", "sit_min", 240, "Sitting part of the sit-stand-move cycle."),
    _minutes("pattern", "stand_min", 240, "Standing part of the sit-stand-move cycle."),
    _minutes("pattern", "move_min", 240, "Moving part of the sit-stand-move cycle."),
    Key("do_not_disturb", "fullscreen", BOOLEAN, "Hold prompts while a full-screen window (slides, video) is active."),
    Key("do_not_disturb", "camera", BOOLEAN, "Hold prompts while a camera is in use (a call)."),
    Key("do_not_disturb", "makeup_break", BOOLEAN, "Show a held prompt as a make-up break when the busy spell ends."),
)


def _by_section(schema: tuple[Key, ...]) -> dict[str, dict[str, Key]]:
    sections: dict[str, dict[str, Key]] = {}
    for key in schema:
        sections.setdefault(key.section, {})[key.name] = key
    return sections


SECTIONS: dict[str, dict[str, Key]] = _by_section(SCHEMA)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a settings file, worded for the person fixing it."""

    path: str
    line: int | None
    key: str  # dotted, like "breaks.postpone_min"; "" when about the whole file
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ConfigError(Exception):
    """Settings that cannot be used; `problems` holds every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


# --- checking ---------------------------------------------------------------


def validate(doc: dict, text: str, path: str | Path) -> list[Problem]:
    """Everything wrong with a parsed file, each pinned to the line showing it.

    `text` is the raw file, only used to find lines; a partial file is fine,
    as settings it leaves out come from the layer below.
    """
    lines = _key_lines(text)
    problems = [
        Problem(str(path), _line_of(lines, parts), ".".join(parts), message)
        for parts, message in _findings(doc)
    ]
    return sorted(problems, key=lambda problem: (problem.line is None, problem.line or 0))


def _findings(doc: dict):
    """(key path, message) for each unknown, misplaced or unusable setting."""
    for section, table in doc.items():
        keys = SECTIONS.get(section)
        if keys is None:
            yield (section,), _unknown_section(section, table)
        elif not isinstance(table, dict):
            yield (section,), f"expected a [{section}] section, got {_describe(table)}"
        else:
            for name, value in table.items():
                key = keys.get(name)
                message = _unknown_key(section, name) if key is None else key.problem_with(value)
                if message:
                    yield (section, name), message


def _unknown_section(name: str, value: Any) -> str:
    homes = [section for section, keys in SECTIONS.items() if name in keys]
    if homes and not isinstance(value, dict):
        return f"setting outside any section; it belongs under [{homes[0]}]"
    close = difflib.get_close_matches(name, SECTIONS, n=1)
    if close:
        return f"unknown section; did you mean '{close[0]}'?"
    return f"unknown section; the sections are {', '.join(f'[{s}]' for s in SECTIONS)}"


def _unknown_key(section: str, name: str) -> str:
    # A key spelled right but put in the wrong section is the likelier slip.
    homes = [other for other, keys in SECTIONS.items() if name in keys]
    if homes:
        return f"unknown key in [{section}]; it belongs under [{homes[0]}]"
    close = difflib.get_close_matches(name, SECTIONS[section], n=1)
    if close:
        return f"unknown key; did you mean '{close[0]}'?"
    return f"unknown key; [{section}] has {', '.join(SECTIONS[section])}"


_TOML_TYPES = {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array",
               dict: "a table"}


def _describe(value: Any) -> str:
    """A value as the user wrote it, for messages: 'a boolean (true)'."""
    kind = _TOML_TYPES.get(type(value), "a date or time")
    if isinstance(value, bool):
        return f"{kind} ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"{kind} ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'{kind} ("{shown}")'
    return kind


# --- finding lines ----------------------------------------------------------
# tomllib does not say where a value came from, so a light scan of the raw
# text does. It understands [table] and [[array]] headers, `key = value`,
# dotted and quoted keys, comments and multi-line strings. It does not follow
# multi-line arrays, whose inner lines it may misread; at worst a problem then
# points at the wrong line or none. tomllib remains the only parser.

_KEY_PART = re.compile(
    r"""[ \t]*(?:(?P<bare>[A-Za-z0-9_-]+)|"(?P<basic>(?:[^"\\\n]|\\.)*)"|'(?P<literal>[^'\n]*)')[ \t]*"""
)


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The first line on which each key path, and each table above it, appears."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    closing = None  # the delimiter ending a multi-line string being skipped
    for number, line in enumerate(text.split("\n"), start=1):  # tomllib counts "\n" only
        if closing:
            closing = None if closing in line else closing
            continue
        header = _header(line)
        if header is not None:
            table = header
            _note(found, table, number)
            continue
        parsed = _parse_key(line, 0)
        if parsed and line.startswith("=", parsed[1]):
            _note(found, table + parsed[0], number)
            closing = _opens_multiline(line[parsed[1] + 1:])
    return found


def _line_of(lines: dict[tuple[str, ...], int], parts: tuple[str, ...]) -> int | None:
    """The line of a key path, else of its nearest enclosing table (an inline table)."""
    for end in range(len(parts), 0, -1):
        if parts[:end] in lines:
            return lines[parts[:end]]
    return None


def _note(found: dict[tuple[str, ...], int], parts: tuple[str, ...], number: int) -> None:
    # `breaks.postpone_min = 3` also brings [breaks] into being on that line.
    for end in range(1, len(parts) + 1):
        found.setdefault(parts[:end], number)


def _header(line: str) -> tuple[str, ...] | None:
    stripped = line.lstrip(" \t")
    for opener, closer in (("[[", "]]"), ("[", "]")):
        if stripped.startswith(opener):
            parsed = _parse_key(stripped, len(opener))
            return parsed[0] if parsed and stripped.startswith(closer, parsed[1]) else None
    return None


def _parse_key(line: str, pos: int) -> tuple[tuple[str, ...], int] | None:
    """The parts of a (dotted, quoted) key starting at `pos`, and where it ends."""
    parts = []
    while match := _KEY_PART.match(line, pos):
        parts.append(_key_text(match))
        pos = match.end()
        if not line.startswith(".", pos):
            return tuple(parts), pos
        pos += 1
    return None


def _key_text(match: re.Match) -> str:
    if match["basic"] is None:
        return match["bare"] if match["bare"] is not None else match["literal"]
    try:  # let tomllib undo the escapes, so "post\u0070one_min" matches too
        return tomllib.loads(f'k = "{match["basic"]}"')["k"]
    except ValueError:
        return match["basic"]


def _opens_multiline(value: str) -> str | None:
    value = value.lstrip(" \t")
    for delimiter in ('"""', "'''"):
        if value.startswith(delimiter) and delimiter not in value[3:]:
            return delimiter
    return None


# --- reading and layering ---------------------------------------------------

_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def read_file(path: str | Path) -> dict:
    """A settings file, parsed and checked: the settings it sets, as nested dicts.

    Whatever the bytes, the only exception is ConfigError, whose problems say
    what to fix; a traceback would tell a user nothing.
    """
    text = _read_text(path)
    doc = _parse(text, path)
    problems = validate(doc, text, path)
    if problems:
        raise ConfigError(problems)
    return doc


def _read_text(path: str | Path) -> str:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        reason = "no such file"
    except IsADirectoryError:
        reason = "is a directory, not a settings file"
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = f"cannot be read ({getattr(error, 'strerror', None) or error})"
    else:
        return _decode(data, path)
    raise ConfigError([Problem(str(path), None, "", reason)])


def _decode(data: bytes, path: str | Path) -> str:
    """UTF-8 text, as TOML requires; a leading BOM (old Notepad) is forgiven."""
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        raise ConfigError([Problem(str(path), line, "", message)]) from None


def _parse(text: str, path: str | Path) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, message = _syntax_error(str(error), text)
    except ValueError as error:  # an integer too long for Python to convert
        line, message = None, f"not valid TOML: {error}"
    except RecursionError:  # tomllib recurses into nested arrays and tables
        line, message = None, "not valid TOML: arrays or tables nested too deeply"
    raise ConfigError([Problem(str(path), line, "", message)])


def _syntax_error(reason: str, text: str) -> tuple[int | None, str]:
    """The line tomllib blames, and its message reworded around that line."""
    if at := _AT_LINE.search(reason):
        return int(at[1]), f"TOML syntax error: {reason[:at.start()]} (column {at[2]})"
    if at := _AT_END.search(reason):
        return text.count("\n") + 1, f"TOML syntax error: {reason[:at.start()]} (at end of file)"
    return None, f"TOML syntax error: {reason}"


def defaults() -> dict:
    """The packaged defaults, checked and complete.

    A problem here is a packaging bug, not the user's doing, so it raises
    instead of being shown as something to fix in their file.
    """
    path = config_file("defaults.toml")
    config = read_file(path)
    missing = [key for key in SCHEMA if key.name not in config.get(key.section, {})]
    if missing:
        raise ConfigError([Problem(str(path), None, key.dotted, "missing from the packaged defaults")
                           for key in missing])
    return config


def merge(base: dict, override: dict) -> dict:
    """`base` with `override` laid over it, section by section; inputs untouched."""
    merged = copy.deepcopy(base)
    for name, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(name), dict):
            merged[name] = merge(merged[name], value)
        else:
            merged[name] = copy.deepcopy(value)
    return merged


def load(path: str | Path | None = None) -> dict:
    """The settings in force: the defaults, overridden by the file at `path` if given."""
    config = defaults()
    return config if path is None else merge(config, read_file(path))
