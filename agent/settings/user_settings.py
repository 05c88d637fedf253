"""Changing one setting in the user's own config.toml, as a careful person would by hand.

The Settings window saves here. The file is the user's: written by hand,
with comments and an order of their own, or started by `upright config
init`, whose file lists every setting commented out. So a change touches
one line and leaves every other byte alone:

- ``name = value`` inside its ``[section]`` gets the new value (a comment
  after it stays); a ``section.name = value`` dotted key likewise;
- else a commented-out ``# name = ...`` line in that section becomes live;
- else the setting is added at the end of its section, or the section at
  the end of the file.

Resetting comments the line out again, showing the packaged default, as
`config init` writes it. A first change starts the file from that same
commented template, so the file explains the settings it does not set.

Nothing is written that would not load: a file that does not parse, or has
a mistake in it, is refused (naming the file and line: the user may be
editing it right now), and the result is parsed, checked with
`config.validate` and compared with the intended settings before it
atomically replaces the file. Line endings (CRLF), a missing final newline,
a byte-order mark, the file's permissions and a symlink to it are kept.
"""

from __future__ import annotations

import copy
import re
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.files import atomic, tomlfile
from agent.files.resources import config_file
from agent.files.tomlfile import FileProblems
from agent.settings import config, layers

BOM = "\ufeff"


class SettingsFileError(Exception):
    """The user's file cannot be changed safely; the message names the file and line."""


class InvalidValue(ValueError):
    """The value does not suit the setting; the message is the validator's."""


def set_value(dotted: str, value: Any, path: str | Path | None = None) -> Path:
    """Set one setting in the user's file (default: `layers.user_file()`); returns the file.

    Raises InvalidValue for a value the setting does not accept, and
    SettingsFileError when the file cannot be changed safely.
    """
    key = _key(dotted)
    problem = key.problem_with(value)
    if problem:
        raise InvalidValue(problem)
    path = Path(path) if path is not None else layers.user_file()
    try:
        document = _Document.read(path) if path.exists() else _Document.parse(_template(), path)
    except OSError as error:  # a folder closed to us: even asking whether the file is there fails
        raise SettingsFileError(cannot_write(path, error)) from None
    document.set(key, value)
    document.save()
    return path


def reset(dotted: str, path: str | Path | None = None) -> Path:
    """Take one setting out of the user's file, so the layer beneath supplies it again.

    Its line is commented out, showing the packaged default. Nothing is
    written when the file does not set it.
    """
    key = _key(dotted)
    path = Path(path) if path is not None else layers.user_file()
    try:
        there = path.exists()
    except OSError as error:  # a folder closed to us
        raise SettingsFileError(cannot_write(path, error)) from None
    if there:
        document = _Document.read(path)
        if document.unset(key):
            document.save()
    return path


def cannot_write(path: Path, error: OSError) -> str:
    """Why the settings file cannot be written, and the fix: open the folder in the way."""
    return (f"cannot write {path}: {error.strerror or error}.\n"
            f"Fix: chmod u+rwx {_nearest_folder(path)} (it must be yours), and try again")


def _nearest_folder(path: Path) -> Path:
    """The folder that stands in the way: the file's own if it exists, else the first one above that does."""
    for folder in path.parents:
        try:
            folder.stat()
            return folder
        except OSError:
            continue
    return path.parent


def _key(dotted: str) -> config.Key:
    section, _, name = dotted.partition(".")
    key = config.SECTIONS.get(section, {}).get(name)
    if key is None:
        raise KeyError(f"unknown setting {dotted!r}")
    return key


def _template() -> str:
    return commented_settings(layers.load())


# --- the file as lines ------------------------------------------------------------

_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_KEY = rf"{_PART}(?:[ \t]*\.[ \t]*{_PART})*"
_HEADER = re.compile(rf"^[ \t]*\[(?!\[)[ \t]*(?P<key>{_KEY})[ \t]*\][ \t]*(?:#.*)?$")
_ARRAY_HEADER = re.compile(r"^[ \t]*\[\[")
_ASSIGNMENT = re.compile(rf"^(?P<indent>[ \t]*)(?P<key>{_KEY})[ \t]*=[ \t]*")
_COMMENTED = re.compile(r"^(?P<indent>[ \t]*)#[ \t]*(?P<name>[A-Za-z0-9_-]+)[ \t]*=")


@dataclass
class _Line:
    """One physical line, and what a TOML reader would make of it."""

    text: str  # without its line ending
    ending: str  # "\n", "\r\n", or "" for a last line without one
    table: str | None = None  # the [section] it is in; None above the first header
    kind: str = "blank"  # blank | comment | header | key | inside (a multi-line string's later lines)
    key: tuple = ()  # header: the table's path; key: the key's path within its table


class _Document:
    """A user's settings file being changed: its parsed settings and its lines."""

    def __init__(self, path: Path, text: str, doc: dict, bom: bool) -> None:
        self.path, self.doc, self.bom = path, doc, bom
        self.lines = _scan(text)
        self.expected = copy.deepcopy(doc)  # what the file must mean once changed
        endings = [line.ending for line in self.lines if line.ending]
        self.newline = endings[0] if endings else "\n"

    @classmethod
    def read(cls, path: Path) -> _Document:
        try:
            doc, text = tomlfile.read(path)
        except FileProblems as error:
            raise SettingsFileError(_refusal(error.problems)) from None
        problems = config.validate(doc, text, path)
        if problems:
            raise SettingsFileError(_refusal(problems))
        try:
            with open(path, "rb") as file:
                bom = file.read(3) == BOM.encode("utf-8")
        except OSError:
            bom = False
        return cls(path, text, doc, bom)

    @classmethod
    def parse(cls, text: str, path: Path) -> _Document:
        return cls(path, text, tomllib.loads(text), bom=False)

    # --- changing ---------------------------------------------------------------

    def set(self, key: config.Key, value: Any) -> None:
        self.expected.setdefault(key.section, {})[key.name] = value
        written = tomlfile.literal(value)
        live = self._live(key)
        if live is not None:
            self._replace_value(live, key, written)
            return
        header = self._header(key.section)
        if header is not None:
            commented = self._commented(header, key.name)
            if commented is not None:
                self._revive(commented, key.name, written)
            else:
                self._insert(self._end_of_table(header), f"{key.name} = {written}")
            return
        dotted = [n for n, line in enumerate(self.lines)
                  if line.table is None and line.kind == "key" and line.key[:1] == (key.section,)]
        if dotted:  # the section is written as dotted keys at the top: `breaks.postpone_min = 3`
            if any(len(self.lines[n].key) == 1 for n in dotted):
                raise SettingsFileError(f"{self.path}:{dotted[0] + 1}: {key.section}: written as an inline "
                                        f"table; edit this file by hand to change {key.dotted}")
            self._insert(self._after(dotted[-1]), f"{key.section}.{key.name} = {written}")
            return
        self._append_section(key.section, f"{key.name} = {written}")

    def unset(self, key: config.Key) -> bool:
        """Comment the setting's line out; False if the file does not set it."""
        live = self._live(key)
        if live is None:
            return False
        section = self.expected[key.section]
        del section[key.name]
        default = config.defaults()[key.section][key.name]
        self._replace_value(live, key, tomlfile.literal(default), comment_out=True)
        return True

    def save(self) -> None:
        text = "".join(line.text + line.ending for line in self.lines)
        self._check(text)
        target = self.path.resolve() if self.path.is_symlink() else self.path
        try:
            mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
            atomic.write_text(target, (BOM if self.bom else "") + text, mode=mode)
        except OSError as error:
            raise SettingsFileError(cannot_write(self.path, error)) from None

    # --- finding lines ------------------------------------------------------------

    def _live(self, key: config.Key) -> int | None:
        for n, line in enumerate(self.lines):
            if line.kind == "key" and _full_key(line) == (key.section, key.name):
                return n
        return None

    def _header(self, section: str) -> int | None:
        for n, line in enumerate(self.lines):
            if line.kind == "header" and line.key == (section,):
                return n
        return None

    def _commented(self, header: int, name: str) -> int | None:
        table = self.lines[header].table
        for n in range(header + 1, len(self.lines)):
            line = self.lines[n]
            if line.table != table or line.kind == "header":
                break
            match = _COMMENTED.match(line.text) if line.kind == "comment" else None
            if match and match["name"] == name:
                return n
        return None

    def _end_of_table(self, header: int) -> int:
        """Where a new setting goes: after the table's last setting (or its header)."""
        last = header
        for n in range(header + 1, len(self.lines)):
            line = self.lines[n]
            if line.kind == "header":
                break
            if line.kind in ("key", "inside"):
                last = n
        return last + 1

    def _after(self, n: int) -> int:
        """The line after setting `n`, past a multi-line value."""
        n += 1
        while n < len(self.lines) and self.lines[n].kind == "inside":
            n += 1
        return n

    # --- editing lines ------------------------------------------------------------

    def _replace_value(self, n: int, key: config.Key, written: str, comment_out: bool = False) -> None:
        """Give line `n` (and a multi-line value's other lines) a new value, keeping its comment."""
        end = self._after(n)
        first = self.lines[n]
        assignment = _ASSIGNMENT.match(first.text)
        rest = "\n".join([first.text[assignment.end():], *(line.text for line in self.lines[n + 1:end])])
        old = self.doc[key.section][key.name]
        value_end = _value_end(rest, old)
        if value_end is None:
            raise SettingsFileError(f"{self.path}:{n + 1}: {key.dotted}: cannot find where its value "
                                    f"ends; change it by hand")
        comment = rest[len(rest[:value_end].rstrip()):]
        prefix = first.text[:assignment.end()]
        if comment_out:
            indent = assignment["indent"]
            prefix = f"{indent}# {prefix[len(indent):]}"
        first.text = prefix + written + comment
        first.ending = self.lines[end - 1].ending
        del self.lines[n + 1:end]

    def _revive(self, n: int, name: str, written: str) -> None:
        """``# name = old  # note`` becomes ``name = new  # note``."""
        line = self.lines[n]
        match = _COMMENTED.match(line.text)
        rest = line.text[match.end():].lstrip(" \t")
        value_end = _value_end(rest)
        comment = rest[len(rest[:value_end].rstrip()):] if value_end is not None else ""
        line.text = f"{match['indent']}{name} = {written}{comment}"

    def _insert(self, at: int, text: str) -> None:
        ending = self.newline
        if at > 0 and not self.lines[at - 1].ending:  # the file ended without a newline: still so
            self.lines[at - 1].ending, ending = self.newline, ""
        self.lines.insert(at, _Line(text, ending, kind="key"))

    def _append_section(self, section: str, text: str) -> None:
        while self.lines and not self.lines[-1].text.strip() and not self.lines[-1].ending:
            self.lines.pop()  # "" after the final newline: the split's, not the user's
        if self.lines and not self.lines[-1].ending:
            self.lines[-1].ending = self.newline
        if self.lines and self.lines[-1].text.strip():
            self.lines.append(_Line("", self.newline))
        self.lines.append(_Line(f"[{section}]", self.newline, kind="header"))
        self.lines.append(_Line(text, self.newline, kind="key"))

    # --- checking the result ------------------------------------------------------

    def _check(self, text: str) -> None:
        """Never write a file that would not load, or would mean something else."""
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise SettingsFileError(f"{self.path}: cannot change this file safely ({error}); "
                                    f"edit it by hand") from None
        problems = config.validate(doc, text, self.path)
        if problems:
            raise SettingsFileError(str(problems[0]))
        if _without_empty(doc) != _without_empty(self.expected):
            raise SettingsFileError(f"{self.path}: cannot change this file safely; edit it by hand")


def _scan(text: str) -> list[_Line]:
    """The file's lines, each knowing its table and kind (a light reading, like a TOML parser's)."""
    lines, table, closing = [], None, None
    for piece in text.split("\n"):
        body, ending = (piece[:-1], "\r\n") if piece.endswith("\r") else (piece, "\n")
        line = _Line(body, ending, table)
        lines.append(line)
        stripped = body.strip()
        if closing:
            line.kind = "inside"
            closing = None if closing in body else closing
        elif stripped.startswith("#"):
            line.kind = "comment"
        elif header := _HEADER.match(body):
            line.kind, line.key = "header", _parts(header["key"])
            table = line.table = ".".join(line.key)
        elif _ARRAY_HEADER.match(body):
            table = line.table = body.strip()  # not a settings table: no key ever matches it
            line.kind = "header"
        elif assignment := _ASSIGNMENT.match(body):
            line.kind, line.key = "key", _parts(assignment["key"])
            closing = _opens_multiline(body[assignment.end():])
    lines[-1].ending = ""  # text.split leaves the text after the last newline (often "") last
    return lines


def _parts(key: str) -> tuple:
    """``breaks . "sitting_limit_min"`` as ("breaks", "sitting_limit_min")."""
    parts = []
    for part in re.findall(_PART, key):
        if part.startswith('"'):
            part = tomllib.loads(f"k = {part}")["k"]
        elif part.startswith("'"):
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def _full_key(line: _Line) -> tuple:
    return line.key if line.table is None else (line.table, *line.key)


def _opens_multiline(value: str) -> str | None:
    for delimiter in ('"""', "'''"):
        if value.startswith(delimiter) and delimiter not in value[3:]:
            return delimiter
    return None


_ANY = object()


def _value_end(rest: str, old: Any = _ANY) -> int | None:
    """Where the value written at the start of `rest` ends (before a comment).

    The value is the shortest start of `rest` (cut at a ``#`` or the end)
    that TOML reads as `old` (or as any value): a ``#`` inside a string is
    then not taken for a comment.
    """
    cuts = [m.start() for m in re.finditer("#", rest)] + [len(rest)]
    for cut in cuts:
        try:
            value = tomllib.loads(f"v = {rest[:cut]}")["v"]
        except tomllib.TOMLDecodeError:
            continue
        if old is _ANY or value == old:
            return cut
    return None


def _without_empty(doc: dict) -> dict:
    return {section: table for section, table in doc.items() if table != {}}


def _refusal(problems: list) -> str:
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{first}{more}. Fix this in the file first; until then Settings does not change it"


# --- a commented file to start from ---------------------------------------------

_DEFAULT_SETTING = re.compile(r"^(?P<name>[a-z_]+) = ")
_DEFAULT_SECTION = re.compile(r"^\[(?P<name>[a-z_]+)\]$")


def commented_settings(effective: layers.Effective) -> str:
    """The packaged defaults with every setting commented out, managed ones marked.

    Built from defaults.toml so that each setting's explanation is written once.
    """
    out = ["# Your Upright settings. Each line starting with a setting name is the",
           "# default; remove its # and change the value to use your own.",
           "# Check this file with: upright config validate " + str(layers.user_file()), ""]
    section = ""
    body = config_file("defaults.toml").read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(body) if _DEFAULT_SECTION.match(line))
    for line in body[start:]:
        if match := _DEFAULT_SECTION.match(line):
            section = match["name"]
        elif match := _DEFAULT_SETTING.match(line):
            dotted = f"{section}.{match['name']}"
            if effective.locked(dotted):
                out.append("# Managed by your organization: a value here is not used.")
            line = "# " + line
        out.append(line)
    return "\n".join(out).rstrip("\n") + "\n"

