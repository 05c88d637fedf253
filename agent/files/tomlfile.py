"""Reading a TOML file a person edits, so that every problem points at a line.

Settings (:mod:`agent.settings.config`) and shipped content (:mod:`agent.content.texts`)
are both TOML that someone opens in an editor to fix. Both report what is
wrong the same way, ``FILE:LINE: key: problem``, one :class:`Problem` each,
all at once, and never a traceback: that is this module. It knows nothing
about what the files mean; their own modules check that.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

Parts = tuple  # a key path: names, and 0-based indexes into arrays of tables


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, worded for the person fixing it."""

    path: str
    line: int | None
    key: str  # dotted, like "breaks.postpone_min"; "" when about the whole file
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class FileProblems(Exception):
    """A file that cannot be used; ``problems`` holds every reason found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


def read(path: str | Path) -> tuple[dict, str]:
    """The parsed document and its raw text (for :func:`key_lines`).

    Whatever the bytes, the only exception is FileProblems.
    """
    text = _read_text(path)
    return _parse(text, path), text


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """In file order, those without a line last."""
    return sorted(problems, key=lambda problem: (problem.line is None, problem.line or 0))


# --- wording ----------------------------------------------------------------

_TOML_TYPES = {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array",
               dict: "a table"}


def describe(value: Any) -> str:
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


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to a misspelt one, if any is close."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return close[0] if close else None


def dotted(parts: Parts) -> str:
    """A key path for messages: ``("item", 2, "why")`` is "item[3].why" (items count from 1)."""
    text = ""
    for part in parts:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


# --- writing one value ---------------------------------------------------
# Settings files are edited line by line (never re-dumped, so comments stay);
# a new line needs only its value written the way tomllib will read it back.


def literal(value: Any) -> str:
    """A setting's value as TOML: ``true``, ``30``, ``0.5``, ``"sitting-limit"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        # JSON's escapes are TOML's too; DEL is the one control character JSON leaves raw.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    raise TypeError(f"no TOML form for {type(value).__name__}")


# --- finding lines ----------------------------------------------------------
# tomllib does not say where a value came from, so a light scan of the raw
# text does. It understands [table] and [[array]] headers (numbering the
# array's tables from 0), `key = value`, dotted and quoted keys, comments and
# multi-line strings. It does not follow multi-line arrays, whose inner
# lines it may misread; at worst a problem then points at the wrong line or
# none. tomllib remains the only parser.

_KEY_PART = re.compile(
    r"""[ \t]*(?:(?P<bare>[A-Za-z0-9_-]+)|"(?P<basic>(?:[^"\\\n]|\\.)*)"|'(?P<literal>[^'\n]*)')[ \t]*"""
)


def key_lines(text: str) -> dict[Parts, int]:
    """The first line on which each key path, and each table above it, appears.

    In ``[[item]]`` arrays the path carries the table's index, so the
    third item's ``why`` is ``("item", 2, "why")``; ``("item",)`` is the
    first header.
    """
    found: dict[Parts, int] = {}
    arrays: dict[Parts, int] = {}  # array-of-tables path -> index of its last table
    table: Parts = ()
    closing = None  # the delimiter ending a multi-line string being skipped
    for number, line in enumerate(text.split("\n"), start=1):  # tomllib counts "\n" only
        if closing:
            closing = None if closing in line else closing
            continue
        header = _header(line)
        if header is not None:
            names, is_array = header
            table = _resolve(names, arrays, is_array)
            _note(found, table, number)
            continue
        parsed = _parse_key(line, 0)
        if parsed and line.startswith("=", parsed[1]):
            _note(found, table + parsed[0], number)
            closing = _opens_multiline(line[parsed[1] + 1:])
    return found


def line_of(lines: dict[Parts, int], parts: Parts) -> int | None:
    """The line of a key path, else of its nearest enclosing table (an inline table)."""
    for end in range(len(parts), 0, -1):
        if parts[:end] in lines:
            return lines[parts[:end]]
    return None


def _resolve(names: Parts, arrays: dict[Parts, int], is_array: bool) -> Parts:
    """A header's names as a path: ``[item.picture]`` under the latest ``[[item]]``
    means that table's picture; ``[[item]]`` itself opens the next index."""
    path: Parts = ()
    for n, name in enumerate(names):
        path += (name,)
        last = n == len(names) - 1
        if last and is_array:
            arrays[path] = arrays.get(path, -1) + 1
            return path + (arrays[path],)
        if path in arrays:
            path += (arrays[path],)
    return path


def _note(found: dict[Parts, int], parts: Parts, number: int) -> None:
    # `breaks.postpone_min = 3` also brings [breaks] into being on that line.
    for end in range(1, len(parts) + 1):
        found.setdefault(parts[:end], number)


def _header(line: str) -> tuple[Parts, bool] | None:
    stripped = line.lstrip(" \t")
    for opener, closer in (("[[", "]]"), ("[", "]")):
        if stripped.startswith(opener):
            parsed = _parse_key(stripped, len(opener))
            if parsed and stripped.startswith(closer, parsed[1]):
                return parsed[0], opener == "[["
            return None
    return None


def _parse_key(line: str, pos: int) -> tuple[Parts, int] | None:
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


# --- reading ----------------------------------------------------------------

_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def _read_text(path: str | Path) -> str:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        reason = "no such file"
    except IsADirectoryError:
        reason = "is a directory, not a TOML file"
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = f"cannot be read ({getattr(error, 'strerror', None) or error})"
    else:
        return _decode(data, path)
    raise FileProblems([Problem(str(path), None, "", reason)])


def _decode(data: bytes, path: str | Path) -> str:
    """UTF-8 text, as TOML requires; a leading BOM (old Notepad) is forgiven."""
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        raise FileProblems([Problem(str(path), line, "", message)]) from None


def _parse(text: str, path: str | Path) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, message = _syntax_error(str(error), text)
    except ValueError as error:  # an integer too long for Python to convert
        line, message = None, f"not valid TOML: {error}"
    except RecursionError:  # tomllib recurses into nested arrays and tables
        line, message = None, "not valid TOML: arrays or tables nested too deeply"
    raise FileProblems([Problem(str(path), line, "", message)])


def _syntax_error(reason: str, text: str) -> tuple[int | None, str]:
    """The line tomllib blames, and its message reworded around that line."""
    if at := _AT_LINE.search(reason):
        return int(at[1]), f"TOML syntax error: {reason[:at.start()]} (column {at[2]})"
    if at := _AT_END.search(reason):
        return text.count("\n") + 1, f"TOML syntax error: {reason[:at.start()]} (at end of file)"
    return None, f"TOML syntax error: {reason}"
