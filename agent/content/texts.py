"""Upright's health content: the checklists, the spasm guide, the red flags and lifting.

The words live in ``assets/content/*.toml``, not in code, so a reviewer can
hold each claim against its article: every item names its ``sources``
(files listed in ``sources.toml``) and ``quotes`` the article's own words
(a test finds every quote in its article). Translators get the same words
through the template :mod:`agent.i18n.pot` builds.

Loading checks a whole file at once and reports every problem as
``FILE:LINE: key: problem`` (:mod:`agent.files.tomlfile`). A problem in a
shipped file is a packaging bug, so it raises :class:`ContentError`
rather than being shown to the user. Pure: no Tk, no Pillow.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

from agent.files import tomlfile
from agent.files.resources import asset
from agent.files.tomlfile import FileProblems, Problem, describe, did_you_mean

#: The checklists Upright ships, by id (the file name without ``.toml``).
CHECKLISTS = ("posture", "lumbar")

#: Fields whose text the user reads: these go to translators.
TRANSLATABLE = ("heading", "intro", "text", "why")


class ContentError(FileProblems):
    """A content file that cannot be used; ``problems`` says what to fix."""


@dataclass(frozen=True)
class ChecklistItem:
    """One thing to check at the desk, why it matters, and where that comes from."""

    id: str
    text: str
    why: str
    picture: str
    sources: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Checklist:
    id: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class Passage:
    """A sourced piece of text with no id of its own (the guide's intro)."""

    text: str
    sources: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class GuideSection:
    id: str
    heading: str
    text: str
    sources: tuple[str, ...]
    quotes: tuple[str, ...]
    picture: Optional[str] = None


@dataclass(frozen=True)
class ColdPack:
    """The cold/heat timer's numbers: a pack stays on ``pack_minutes`` (never
    more than ``pack_max_minutes``); heat may replace cold from
    ``heat_from_hours`` after the spasm began, and does by ``cold_until_hours``."""

    pack_minutes: float
    pack_max_minutes: float
    heat_from_hours: float
    cold_until_hours: float
    sources: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class SpasmGuide:
    intro: Passage
    cold_pack: ColdPack
    sections: tuple[GuideSection, ...]


@dataclass(frozen=True)
class RedFlag:
    id: str
    text: str
    sources: tuple[str, ...]
    quotes: tuple[str, ...]
    level: str = "now"


@dataclass(frozen=True)
class Level:
    """How urgent a group of red flags is: "now" (emergency care) or "soon" (call a doctor)."""

    id: str
    heading: str
    intro: str
    sources: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class RedFlags:
    """The card: a heading, one calm line, then the flags grouped by level, most urgent first."""

    heading: str
    intro: str
    flags: tuple[RedFlag, ...]
    sources: tuple[str, ...]
    quotes: tuple[str, ...]
    levels: tuple[Level, ...] = ()

    def at(self, level: str) -> tuple[RedFlag, ...]:
        """The flags of ``level``, in file order."""
        return tuple(flag for flag in self.flags if flag.level == level)


@dataclass(frozen=True)
class Tip:
    id: str
    text: str
    sources: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class TipCard:
    """A short card of sourced tips (lifting): a heading, a sentence, the tips."""

    heading: str
    intro: str
    tips: tuple[Tip, ...]
    sources: tuple[str, ...]
    quotes: tuple[str, ...]


# --- the shipped content ------------------------------------------------------


def content_dir() -> Path:
    return asset("content")


@functools.lru_cache(maxsize=None)
def sources() -> frozenset[str]:
    """The file names of the source articles (``sources.toml``)."""
    return load_sources(content_dir() / "sources.toml")


@functools.lru_cache(maxsize=1)
def source_titles() -> dict[str, str]:
    """The articles' titles by file name, so a window can say where advice comes from."""
    return load_source_titles(content_dir() / "sources.toml")


@functools.lru_cache(maxsize=None)
def checklist(name: str) -> Checklist:
    """The packaged checklist ``name``, one of :data:`CHECKLISTS`."""
    if name not in CHECKLISTS:
        raise KeyError(f"no checklist {name!r}; Upright has {', '.join(CHECKLISTS)}")
    return load_checklist(content_dir() / f"{name}.toml", sources())


@functools.lru_cache(maxsize=None)
def spasm_guide() -> SpasmGuide:
    return load_spasm_guide(content_dir() / "spasm_guide.toml", sources())


@functools.lru_cache(maxsize=None)
def red_flags() -> RedFlags:
    return load_red_flags(content_dir() / "red_flags.toml", sources())


@functools.lru_cache(maxsize=None)
def lifting() -> TipCard:
    return load_tip_card(content_dir() / "lifting.toml", sources())


# --- loading any file -----------------------------------------------------------
# A field's kind says what it accepts; a file's layout says which tables and
# arrays of tables it has, and their fields. Fields ending in "?" are optional.

ID, LINE, TEXT, SOURCES, QUOTES, AMOUNT, FILE, SHA256 = (
    "id", "line", "text", "sources", "quotes", "amount", "file", "sha256")

_CITED = {"sources": SOURCES, "quotes": QUOTES}
ITEM = {"id": ID, "text": LINE, "why": LINE, "picture": ID, **_CITED}
PASSAGE = {"text": TEXT, **_CITED}
COLD_PACK = {"pack_minutes": AMOUNT, "pack_max_minutes": AMOUNT, "heat_from_hours": AMOUNT,
             "cold_until_hours": AMOUNT, **_CITED}
SECTION = {"id": ID, "heading": LINE, "text": TEXT, "picture?": ID, **_CITED}
CARD = {"heading": LINE, "intro": LINE, **_CITED}
LEVEL = {"id": ID, "heading": LINE, "intro": LINE, **_CITED}
FLAG = {"id": ID, "level": ID, "text": LINE, **_CITED}
TIP = {"id": ID, "text": LINE, **_CITED}
SOURCE = {"file": FILE, "sha256": SHA256, "title?": LINE}

#: Layouts: top-level name -> ("table" | "array", fields).
CHECKLIST_FILE = {"item": ("array", ITEM)}
GUIDE_FILE = {"intro": ("table", PASSAGE), "cold_pack": ("table", COLD_PACK), "section": ("array", SECTION)}
RED_FLAGS_FILE = {"card": ("table", CARD), "level": ("array", LEVEL), "flag": ("array", FLAG)}
TIP_CARD_FILE = {"card": ("table", CARD), "tip": ("array", TIP)}
SOURCES_FILE = {"source": ("array", SOURCE)}

#: A "why" or a heading is read at a glance: one line, and a short one.
LINE_MAX = 120

_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


def load_sources(path: str | Path) -> frozenset[str]:
    doc = _read(path, SOURCES_FILE, frozenset())
    return frozenset(source["file"] for source in doc["source"])


def load_source_titles(path: str | Path) -> dict[str, str]:
    """File name -> the article's title, for the sources that give one."""
    doc = _read(path, SOURCES_FILE, frozenset())
    return {source["file"]: source["title"] for source in doc["source"] if "title" in source}


def load_checklist(path: str | Path, known_sources: frozenset[str]) -> Checklist:
    doc = _read(path, CHECKLIST_FILE, known_sources)
    return Checklist(Path(path).stem, tuple(_build(ChecklistItem, item) for item in doc["item"]))


def load_spasm_guide(path: str | Path, known_sources: frozenset[str]) -> SpasmGuide:
    doc = _read(path, GUIDE_FILE, known_sources)
    return SpasmGuide(
        intro=_build(Passage, doc["intro"]),
        cold_pack=_build(ColdPack, doc["cold_pack"]),
        sections=tuple(_build(GuideSection, section) for section in doc["section"]),
    )


def load_red_flags(path: str | Path, known_sources: frozenset[str]) -> RedFlags:
    doc = _read(path, RED_FLAGS_FILE, known_sources)
    card = doc["card"]
    levels = tuple(_build(Level, level) for level in doc["level"])
    order = [level.id for level in levels]
    flags = sorted((_build(RedFlag, flag) for flag in doc["flag"]), key=lambda flag: order.index(flag.level))
    return RedFlags(heading=card["heading"], intro=card["intro"], sources=tuple(card["sources"]),
                    quotes=tuple(card["quotes"]), flags=tuple(flags), levels=levels)


def load_tip_card(path: str | Path, known_sources: frozenset[str]) -> TipCard:
    doc = _read(path, TIP_CARD_FILE, known_sources)
    card = doc["card"]
    return TipCard(heading=card["heading"], intro=card["intro"], sources=tuple(card["sources"]),
                   quotes=tuple(card["quotes"]), tips=tuple(_build(Tip, tip) for tip in doc["tip"]))


def messages(path: str | Path) -> Iterator[tuple[str, int | None]]:
    """Every translatable text in a content file, with its line, in file order."""
    doc, text = _parse(path)
    lines = tomlfile.key_lines(text)

    def walk(value: Any, parts: tuple):
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in TRANSLATABLE and isinstance(inner, str):
                    yield inner, tomlfile.line_of(lines, parts + (key,))
                else:
                    yield from walk(inner, parts + (key,))
        elif isinstance(value, list):
            for n, inner in enumerate(value):
                yield from walk(inner, parts + (n,))

    yield from walk(doc, ())


def _build(cls, table: dict):
    return cls(**{key: tuple(value) if isinstance(value, list) else value for key, value in table.items()})


def _parse(path: str | Path) -> tuple[dict, str]:
    try:
        return tomlfile.read(path)
    except FileProblems as error:
        raise ContentError(error.problems) from None


def _read(path: str | Path, layout: dict, known_sources: frozenset[str]) -> dict:
    doc, text = _parse(path)
    lines = tomlfile.key_lines(text)
    problems = [
        Problem(str(path), tomlfile.line_of(lines, parts), tomlfile.dotted(parts), message)
        for parts, message in _findings(doc, layout, known_sources)
    ]
    if problems:
        raise ContentError(tomlfile.sorted_problems(problems))
    return doc


def _findings(doc: dict, layout: dict, known_sources: frozenset[str]):
    """(key path, message) for everything wrong with a parsed content file."""
    for name, value in doc.items():
        if name not in layout:
            close = did_you_mean(name, layout)
            yield (name,), f"unknown key; did you mean '{close}'?" if close else \
                f"unknown key; this file has {', '.join(layout)}"
    for name, (shape, fields) in layout.items():
        if name not in doc:
            header = f"[[{name}]]" if shape == "array" else f"[{name}]"
            yield (name,), f"missing: add a {header} table"
            continue
        value = doc[name]
        if shape == "table":
            if isinstance(value, dict):
                yield from _table_findings(value, fields, (name,), known_sources)
            else:
                yield (name,), f"expected a [{name}] table, got {describe(value)}"
            continue
        if not isinstance(value, list) or not all(isinstance(table, dict) for table in value):
            yield (name,), f"expected [[{name}]] tables, got {describe(value)}"
            continue
        if not value:
            yield (name,), f"needs at least one [[{name}]]"
        seen: dict[str, int] = {}
        for n, table in enumerate(value):
            yield from _table_findings(table, fields, (name, n), known_sources)
            ident = table.get("id")
            if isinstance(ident, str):
                if ident in seen:
                    yield (name, n, "id"), f'"{ident}" is already the id of {name}[{seen[ident] + 1}]'
                seen.setdefault(ident, n)
    yield from _cross_findings(doc)


def _table_findings(table: dict, fields: dict, parts: tuple, known_sources: frozenset[str]):
    kinds = {name.rstrip("?"): kind for name, kind in fields.items()}
    for key, value in table.items():
        kind = kinds.get(key)
        if kind is None:
            close = did_you_mean(key, kinds)
            yield parts + (key,), f"unknown key; did you mean '{close}'?" if close else \
                f"unknown key; expected {', '.join(kinds)}"
        elif message := _value_problem(kind, value, known_sources):
            yield parts + (key,), message
    for name in fields:
        if not name.endswith("?") and name not in table:
            yield parts, f"missing {name}"


def _value_problem(kind: str, value: Any, known_sources: frozenset[str]) -> str | None:
    """Why ``value`` does not fit a field of ``kind``, or None."""
    if kind in (SOURCES, QUOTES):
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            what = "source file names" if kind == SOURCES else "quotes from the sources"
            return f"expected a non-empty array of {what}, got {describe(value)}"
        if kind == QUOTES:
            return next((f"quote {n} is empty" for n, q in enumerate(value, 1) if not q.strip()), None)
        unknown = [v for v in value if v not in known_sources]
        if unknown:
            return f'"{unknown[0]}" is not listed in sources.toml'
        return "lists a source twice" if len(set(value)) < len(value) else None
    if kind == AMOUNT:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 10_000:
            return f"expected a positive number, got {describe(value)}"
        return None
    if not isinstance(value, str):
        return f"expected a string, got {describe(value)}"
    if kind == ID:
        return None if _ID.match(value) else f'"{value}" is not an id: use a-z, 0-9 and _, starting with a letter'
    if kind == SHA256:
        return None if _SHA256.match(value) else "expected 64 lowercase hexadecimal digits"
    if not value.strip():
        return "is empty"
    if value != value.strip():
        return "starts or ends with spaces"
    if kind == FILE:
        return "expected a file name, not a path" if "/" in value or "\\" in value else None
    if kind == LINE and "\n" in value:
        return "must be one line"
    if kind == LINE and len(value) > LINE_MAX:
        return f"too long for one line: {len(value)} characters, at most {LINE_MAX}"
    return None


def _cross_findings(doc: dict):
    """Checks between fields: each flag's level exists; the cold/heat numbers make sense together."""
    yield from _level_findings(doc)
    pack = doc.get("cold_pack")
    if not isinstance(pack, dict):
        return
    pairs = (("pack_minutes", "pack_max_minutes"), ("heat_from_hours", "cold_until_hours"))
    for low, high in pairs:
        a, b = pack.get(low), pack.get(high)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b)) and a > b:
            yield ("cold_pack", low), f"must not be more than {high} ({b:g}), got {a:g}"


def _level_findings(doc: dict):
    """A red flag must name one of the file's [[level]] ids (a typo would hide it)."""
    levels, flags = doc.get("level"), doc.get("flag")
    if not isinstance(levels, list) or not isinstance(flags, list):
        return
    known = [level.get("id") for level in levels if isinstance(level, dict)]
    for n, flag in enumerate(flags):
        level = flag.get("level") if isinstance(flag, dict) else None
        if isinstance(level, str) and level not in known:
            yield ("flag", n, "level"), f'"{level}" is not a [[level]] id; this file has {", ".join(map(str, known))}'
