"""Upright's settings: what they are, checking a settings file, layering.

Every setting is declared once, in SCHEMA; checking, the completeness test of
the packaged defaults and any future documentation all read it from there.
A settings file is judged as a whole: every problem is reported at once, each
as `FILE:LINE: key: problem`, so one visit to the editor fixes them all. The
engine never sees any of this; it gets numbers through `Rules.from_config`.
Reading the TOML and pinning problems to lines is :mod:`agent.files.tomlfile`,
shared with the shipped content (:mod:`agent.content.texts`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from agent.core.rules import Rules
from agent.files import tomlfile
from agent.files.resources import config_file
from agent.files.tomlfile import FileProblems, Problem, did_you_mean
from agent.files.tomlfile import describe as _describe

NUMBER = "number"  # an int or a float, never a boolean
INTEGER = "integer"  # an int, never a boolean
CHOICE = "choice"  # a string from a fixed set
BOOLEAN = "boolean"  # true or false, never 0 or "yes"
TEXT = "text"  # a string, e.g. a folder path; "" means none


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
        if self.kind == TEXT:
            return None if isinstance(value, str) else f"expected a string, got {_describe(value)}"
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
        return f"must be {self.range_text}, got {value}"

    @property
    def range_text(self) -> str:
        """The accepted range in words: 'greater than 0 and at most 480' ("" if unbounded).

        The validator and the documentation IT reads say it the same way.
        """
        low = "" if self.low is None else f"{'greater than' if self.low_open else 'at least'} {self.low:g}"
        high = "" if self.high is None else f"at most {self.high:g}"
        return " and ".join(filter(None, (low, high)))

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
    Key("breaks", "allow_skip", BOOLEAN, "Offer Skip on a break prompt."),
    Key("breaks", "dim_other_monitors", BOOLEAN, "Dim the other monitors while the break window is open."),
    _minutes("standing", "limit_min", 480, "Standing before a change of position is suggested."),
    Key("pattern", "mode", CHOICE, "sitting-limit: a break per sitting limit; sit-stand-move: Upright's sit, stand, move cycle.",
        choices=("sitting-limit", "sit-stand-move")),
    _minutes("pattern", "sit_min", 240, "Sitting part of the sit-stand-move cycle."),
    _minutes("pattern", "stand_min", 240, "Standing part of the sit-stand-move cycle."),
    _minutes("pattern", "move_min", 240, "Moving part of the sit-stand-move cycle."),
    Key("do_not_disturb", "fullscreen", BOOLEAN, "Hold prompts while a full-screen window (slides, video) is active."),
    Key("do_not_disturb", "camera", BOOLEAN, "Hold prompts while a camera is in use (a call)."),
    Key("do_not_disturb", "makeup_break", BOOLEAN, "Show a held prompt as a make-up break when the busy spell ends."),
    Key("checklists", "first_run_walkthrough", BOOLEAN, "On the first start, walk through the workstation checklists."),
    Key("exercises", "floor_at_desk", BOOLEAN, "Also offer floor exercises (on a mat) during breaks at the desk."),
    Key("exercises", "folder", TEXT, "A folder of extra exercise files (an organisation's own); empty for none."),
    Key("features", "strict_breaks", BOOLEAN, "Strict breaks: no Postpone and no Skip on a break prompt."),
    Key("features", "standing_reminders", BOOLEAN, "Suggest a change of position after standing a long time."),
    Key("features", "statistics", BOOLEAN,
        "Keep the day's sitting and break totals (Today) and a history of them on this machine (This week)."),
    Key("features", "aggregate_export", BOOLEAN,
        "Once a day, write an anonymous summary of the previous day into the [aggregate] folder for IT."),
    Key("history", "retention_days", INTEGER, "Days of history kept on this machine; older days are deleted.",
        low=1, high=3650),
    Key("aggregate", "folder", TEXT,
        "Where the anonymous daily summaries go (a share your organisation collects); empty for none."),
    Key("display", "text_size", CHOICE, "How large Upright's text is, on top of the desktop's own scale.",
        choices=("small", "normal", "large", "larger", "largest")),
    Key("logging", "level", CHOICE, "How much the agent writes to its log file.",
        choices=("error", "warning", "info", "debug")),
)


def _by_section(schema: tuple[Key, ...]) -> dict[str, dict[str, Key]]:
    sections: dict[str, dict[str, Key]] = {}
    for key in schema:
        sections.setdefault(key.section, {})[key.name] = key
    return sections


SECTIONS: dict[str, dict[str, Key]] = _by_section(SCHEMA)


class ConfigError(FileProblems):
    """Settings that cannot be used; `problems` holds every reason found."""


# --- checking ---------------------------------------------------------------


def validate(doc: dict, text: str, path: str | Path) -> list[Problem]:
    """Everything wrong with a parsed file, each pinned to the line showing it.

    `text` is the raw file, only used to find lines; a partial file is fine,
    as settings it leaves out come from the layer below.
    """
    return usable(doc, text, path)[1]


def usable(doc: dict, text: str | None, path: str | Path, under: tuple = ()) -> tuple[dict, list[Problem]]:
    """The settings of `doc` that can be used, and a problem for each that cannot.

    A running agent keeps the good settings of a file with one typo rather
    than dropping them all: each bad one falls back to the layer beneath.
    `under` is where `doc` sits in its file (a policy's ``("enforced",)``),
    for line numbers and key names; `text` None means no lines (a registry).
    """
    lines = tomlfile.key_lines(text) if text is not None else {}
    problems, bad = [], set()
    for parts, message in _findings(doc):
        bad.add(parts)
        full = under + parts
        problems.append(Problem(str(path), tomlfile.line_of(lines, full), ".".join(full), message))
    good = {section: {name: value for name, value in table.items() if (section, name) not in bad}
            for section, table in doc.items() if (section,) not in bad}
    return {section: table for section, table in good.items() if table}, tomlfile.sorted_problems(problems)


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
    close = did_you_mean(name, SECTIONS)
    if close:
        return f"unknown section; did you mean '{close}'?"
    return f"unknown section; the sections are {', '.join(f'[{s}]' for s in SECTIONS)}"


def _unknown_key(section: str, name: str) -> str:
    # A key spelled right but put in the wrong section is the likelier slip.
    homes = [other for other, keys in SECTIONS.items() if name in keys]
    if homes:
        return f"unknown key in [{section}]; it belongs under [{homes[0]}]"
    close = did_you_mean(name, SECTIONS[section])
    if close:
        return f"unknown key; did you mean '{close}'?"
    return f"unknown key; [{section}] has {', '.join(SECTIONS[section])}"


# --- reading and layering ---------------------------------------------------


def read_file(path: str | Path) -> dict:
    """A settings file, parsed and checked: the settings it sets, as nested dicts.

    Whatever the bytes, the only exception is ConfigError, whose problems say
    what to fix; a traceback would tell a user nothing.
    """
    try:
        doc, text = tomlfile.read(path)
    except FileProblems as error:
        raise ConfigError(error.problems) from None
    problems = validate(doc, text, path)
    if problems:
        raise ConfigError(problems)
    return doc


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


def default_rules(**overrides: Any) -> Rules:
    """The engine's rules as shipped (config/defaults.toml), with `overrides` (Rules fields) laid over them.

    The one way to get default rules: `Rules` itself has no defaults, so the
    numbers are written once, in the file users and IT read.
    """
    return replace(Rules.from_config(defaults()), **overrides)


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
