"""Builds the translation template and the English catalog from the source.

    python -m agent.i18n.pot            rewrite assets/locale/upright.pot and the English catalog
    python -m agent.i18n.pot --check    exit 1, saying what to run, if either is out of date

Run it after changing any text the user reads. The messages are every
``_("...")`` and ``ngettext("...", "...", n)`` (a message with plural forms)
in the modules that show words, :data:`SOURCES` (the windows, the tray's
menu and tooltip, the command line's status line; read with :mod:`ast`, not
imported, so no display is needed), and ``N_("...")``, a text marked there
to be looked up later (the tray menu's table), the readable fields of ``assets/content/*.toml``
(:func:`agent.content.texts.messages`) and of the exercise files
``assets/exercises/*.toml`` (:data:`EXERCISE_TEXTS`; the windows look them
up as they show them). The English catalog translates each
message to itself, so it is complete by construction; other languages
start from the template (``msginit``) and follow it with ``msgmerge``.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from typing import Iterable, Optional, Union

from agent import i18n
from agent.content import texts
from agent.files import tomlfile
from agent.i18n import po

ROOT = Path(__file__).resolve().parents[2]  # the source tree
UI = Path(__file__).resolve().parents[1] / "ui"
#: The folders whose modules put words before a person: windows, tray, command line.
SOURCES = (UI, UI.parent / "tray", UI.parent / "cli")
_MARKERS = ("_", "N_")  # gettext now, and marked for gettext later

HEADER_COMMENT = (
    "# Upright's words: the windows', tray's and command line's (agent/ui/, agent/tray/, agent/cli/),\n"
    "# the health content's (assets/content/)\n"
    "# and the exercises' (assets/exercises/).\n"
    "# Made by `python -m agent.i18n.pot`: edit the sources, not this file.\n"
)
HEADER = ("Project-Id-Version: Upright\n"
          "MIME-Version: 1.0\n"
          "Content-Type: text/plain; charset=UTF-8\n"
          "Content-Transfer-Encoding: 8bit\n"
          "Plural-Forms: nplurals=2; plural=(n != 1);\n")

_BRACES = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
#: The keys of an exercise file that a user reads, in the order the template lists them.
EXERCISE_TEXTS = ("name", "steps", "short_break_steps", "why", "caution", "alt_text")


Message = Union[str, tuple[str, str]]  # a plain message, or (singular, plural)


def ui_messages(folders: Iterable[Path] = SOURCES) -> list[tuple[Message, str]]:
    """(message, "file:line") for each ``_("literal")``, ``N_("literal")`` and ``ngettext("one", "other", n)``
    in the modules of ``folders``; a plural message is the pair (singular, plural)."""
    found = []
    for path in (path for folder in folders for path in sorted(folder.glob("*.py"))):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and _literal_call(node)]
        for call in sorted(calls, key=lambda node: (node.lineno, node.col_offset)):
            words = tuple(arg.value for arg in call.args[:2 if call.func.id == "ngettext" else 1])
            found.append((words if len(words) == 2 else words[0], f"{_relative(path)}:{call.lineno}"))
    return found


def _literal_call(node: ast.Call) -> bool:
    """``_("text")``, ``N_("text")``, or ``ngettext("one", "other", n)``."""
    name = node.func.id if isinstance(node.func, ast.Name) else None
    wanted = {**{marker: (1, 1) for marker in _MARKERS}, "ngettext": (3, 2)}.get(name)
    return (wanted is not None and len(node.args) == wanted[0]
            and all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in node.args[:wanted[1]]))


def content_messages(folder: Optional[Path] = None) -> list[tuple[str, str]]:
    """(text, "file:line") for each readable field of the content files."""
    folder = folder or texts.content_dir()
    return [(text, f"{_relative(path)}:{line}")
            for path in sorted(folder.glob("*.toml"))
            for text, line in texts.messages(path)]


def exercise_messages(folder: Optional[Path] = None) -> list[tuple[str, str]]:
    """(text, "file:line") for each readable field of the exercise files (one per step).

    Read as data, not validated: ``upright exercises list`` judges the files.
    """
    from agent.content.exercises import packaged_folder

    found = []
    for path in sorted((folder or packaged_folder()).glob("*.toml")):
        doc, text = tomlfile.read(path)
        lines = tomlfile.key_lines(text)
        for key in EXERCISE_TEXTS:
            values = doc.get(key)
            line = tomlfile.line_of(lines, (key,))
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str):
                    found.append((value, f"{_relative(path)}:{_line_of_text(text, line, value)}"))
    return found


def _line_of_text(text: str, after: Optional[int], value: str) -> Optional[int]:
    """The line, from ``after`` on, where ``value`` is written (an array's item), else ``after``."""
    for number, line in enumerate(text.split("\n")[(after or 1) - 1:], start=after or 1):
        if value in line:
            return number
    return after


def entries(messages: Iterable[tuple[Message, str]]) -> list[po.Entry]:
    """One entry per distinct message, in order of first appearance, with all its places."""
    by_id: dict[Message, po.Entry] = {}
    for message, where in messages:
        if not message:
            continue
        singular, plural = message if isinstance(message, tuple) else (message, "")
        entry = by_id.setdefault(message, po.Entry(singular, msgid_plural=plural))
        entry.locations.append(where)
        if _BRACES.search(singular + plural) and "python-brace-format" not in entry.flags:
            entry.flags.append("python-brace-format")
    return list(by_id.values())


def template() -> str:
    messages = entries([*ui_messages(), *content_messages(), *exercise_messages()])
    return HEADER_COMMENT + po.render([po.Entry("", HEADER), *messages])


def english(template_text: str) -> str:
    """The English catalog: every message of the template, translated to itself."""
    entries = po.parse(template_text, "upright.pot")
    header = po.Entry("", entries[0].msgstr + "Language: en\n")
    translated = [po.Entry(e.msgid, "" if e.msgid_plural else e.msgid, e.locations, e.flags, e.msgid_plural,
                           [e.msgid, e.msgid_plural] if e.msgid_plural else []) for e in entries[1:]]
    return ("# English: the source text itself, so that every message has a translation.\n"
            + HEADER_COMMENT + po.render([header, *translated]))


def template_path() -> Path:
    return i18n.locale_dir() / f"{i18n.DOMAIN}.pot"


def english_path() -> Path:
    return i18n.locale_dir() / "en" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def outdated() -> list[Path]:
    """The generated files that differ from what the sources make now."""
    pot = template()
    wanted = {template_path(): pot, english_path(): english(pot)}
    return [path for path, text in wanted.items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def write() -> list[Path]:
    pot = template()
    written = []
    for path, text in ((template_path(), pot), (english_path(), english(pot))):
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.name


def main(argv: Optional[list[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--check"]:
        stale = outdated()
        for path in stale:
            print(f"{_relative(path)} is out of date: run python -m agent.i18n.pot", file=sys.stderr)
        return 1 if stale else 0
    if args:
        print("usage: python -m agent.i18n.pot [--check]", file=sys.stderr)
        return 2
    for path in write():
        print(f"wrote {_relative(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
