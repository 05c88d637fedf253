"""Reading and writing gettext .po catalogs, and compiling them to .mo bytes.

Upright ships translations as .po text only (``assets/locale/``): they
diff and review like any other text, and nothing binary or generated sits
in the repository. :mod:`agent.i18n` compiles a catalog when it loads it,
which is what GNU ``msgfmt`` would do at build time, for the small subset
of the format Upright uses: ``msgid``/``msgstr`` pairs, comments and
flags, and plural forms (``msgid_plural``, ``msgstr[n]``: "1 break taken",
"2 breaks taken", chosen by the catalog's ``Plural-Forms`` header). Fuzzy
and untranslated entries are left out, as msgfmt does, so the English text
shows instead. Contexts are not used.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from typing import Iterable

MAGIC = 0x950412DE


class POError(ValueError):
    """A catalog that cannot be read; the message names the line."""


@dataclass
class Entry:
    msgid: str
    msgstr: str = ""
    locations: list[str] = field(default_factory=list)  # "agent/ui/strings.py:23"
    flags: list[str] = field(default_factory=list)  # "fuzzy", "python-brace-format"
    msgid_plural: str = ""  # set for a message with plural forms, whose translations are msgstr_plural
    msgstr_plural: list[str] = field(default_factory=list)


def parse(text: str, name: str = "<po>") -> list[Entry]:
    """The entries of a .po file, in order (the header is the entry with msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    keyword = None
    pending_flags: list[str] = []
    pending_locations: list[str] = []

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if current is not None and keyword == "msgstr":
                finish()
            if line.startswith("#,"):
                pending_flags += [flag.strip() for flag in line[2:].split(",") if flag.strip()]
            elif line.startswith("#:"):
                pending_locations += line[2:].split()
            continue  # translator and extracted comments, and obsolete (#~) entries
        match = re.match(r"(msgid|msgstr|msgctxt|msgid_plural|msgstr\[\d+\])\s+(\".*)$", line)
        if match:
            keyword, rest = match.groups()
            if keyword == "msgctxt":
                raise POError(f"{name}:{number}: {keyword}: not supported by Upright's catalogs")
            if keyword == "msgid":
                finish()
                current = Entry("", flags=pending_flags, locations=pending_locations)
                pending_flags, pending_locations = [], []
            elif current is None:
                raise POError(f"{name}:{number}: {keyword} without a msgid before it")
            _set(current, keyword, _unquote(rest, name, number), name, number)
        elif line.startswith('"') and current is not None and keyword:
            _set(current, keyword, _unquote(line, name, number), name, number, more=True)
        else:
            raise POError(f"{name}:{number}: cannot read {line[:40]!r}")
    finish()
    return entries


def _set(entry: Entry, keyword: str, text: str, name: str, number: int, more: bool = False) -> None:
    """Put ``text`` in ``entry``'s field ``keyword`` (after what is there if ``more``: a continued string)."""
    plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
    if plural is None:
        setattr(entry, keyword, (getattr(entry, keyword) if more else "") + text)
        return
    index = int(plural.group(1))
    if not more and index != len(entry.msgstr_plural):
        raise POError(f"{name}:{number}: {keyword} out of order (expected msgstr[{len(entry.msgstr_plural)}])")
    if more:
        entry.msgstr_plural[index] += text
    else:
        entry.msgstr_plural.append(text)


def translations(entries: Iterable[Entry]) -> dict[str, str]:
    """msgid -> msgstr for what msgfmt would compile: translated and not fuzzy.

    A plural message is keyed ``singular NUL plural`` and holds its forms NUL-separated,
    as in a .mo file; one with any form left empty is left out."""
    compiled = {}
    for entry in entries:
        if "fuzzy" in entry.flags and entry.msgid != "":
            continue
        if entry.msgid_plural and entry.msgstr_plural and all(entry.msgstr_plural):
            compiled[f"{entry.msgid}\0{entry.msgid_plural}"] = "\0".join(entry.msgstr_plural)
        elif not entry.msgid_plural and entry.msgstr:
            compiled[entry.msgid] = entry.msgstr
    return compiled


def compile_mo(catalog: dict[str, str]) -> bytes:
    """A GNU .mo file holding ``catalog``: a header, then two tables of
    (length, offset) pairs for the sorted msgids and their msgstrs, then
    the NUL-terminated strings themselves. No hash table (it is optional)."""
    if "" not in catalog:  # the header tells readers the strings are UTF-8
        catalog = {"": "Content-Type: text/plain; charset=UTF-8\n", **catalog}
    ids = sorted(catalog)
    originals = [message.encode("utf-8") for message in ids]
    translated = [catalog[message].encode("utf-8") for message in ids]
    count = len(ids)
    header_size = 7 * 4
    originals_table = header_size
    translations_table = originals_table + 8 * count
    strings_start = translations_table + 8 * count
    tables, blob = [], b""
    for group in (originals, translated):
        table = []
        for data in group:
            table.append((len(data), strings_start + len(blob)))
            blob += data + b"\0"
        tables.append(table)
    out = struct.pack("<7I", MAGIC, 0, count, originals_table, translations_table, 0, strings_start)
    for table in tables:
        out += b"".join(struct.pack("<2I", length, offset) for length, offset in table)
    return out + blob


def render(entries: Iterable[Entry]) -> str:
    """Entries as .po text (long strings split after spaces, as gettext tools do)."""
    blocks = []
    for entry in entries:
        lines = []
        for n in range(0, len(entry.locations), 4):
            lines.append("#: " + " ".join(entry.locations[n:n + 4]))
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        lines += _field("msgid", entry.msgid)
        if entry.msgid_plural:
            lines += _field("msgid_plural", entry.msgid_plural)
            for n, form in enumerate(entry.msgstr_plural or ["", ""]):
                lines += _field(f"msgstr[{n}]", form)
        else:
            lines += _field("msgstr", entry.msgstr)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _field(keyword: str, value: str) -> list[str]:
    if "\n" not in value.rstrip("\n") and len(value) + len(keyword) < 74:
        return [f"{keyword} {_quote(value)}"]
    pieces = re.findall(r"[^\n]*?(?:\n|\s|$)", value)
    lines, current = [f'{keyword} ""'], ""
    for piece in pieces:
        if not piece:
            continue
        if current and len(current) + len(piece) > 70:
            lines.append(_quote(current))
            current = ""
        current += piece
        if piece.endswith("\n"):
            lines.append(_quote(current))
            current = ""
    if current:
        lines.append(_quote(current))
    return lines


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}


def _quote(value: str) -> str:
    return '"' + "".join(_ESCAPES.get(char, char) for char in value) + '"'


def _unquote(token: str, name: str, number: int) -> str:
    if len(token) < 2 or not token.endswith('"'):
        raise POError(f"{name}:{number}: a string must be in double quotes")
    body, out, n = token[1:-1], [], 0
    while n < len(body):
        char = body[n]
        if char == "\\":
            if n + 1 >= len(body) or body[n + 1] not in _UNESCAPES:
                raise POError(f"{name}:{number}: unknown escape {body[n:n + 2]!r}")
            out.append(_UNESCAPES[body[n + 1]])
            n += 2
            continue
        if char == '"':
            raise POError(f"{name}:{number}: a quote inside a string must be written \\\"")
        out.append(char)
        n += 1
    return "".join(out)
