"""Look through every file a run wrote for traces of what the person typed or where they pointed.

Upright keeps only *that* input came and when. A test drives input with
distinctive values (words, key names, pointer coordinates), then hands the
folders the agent could write to (log, state, data, config, temp) to `leaks`,
which reads every regular file below them and reports each trace it finds, in
any spelling it knows: the words in any case, single characters in quotes,
key and keysym names, the coordinates in decimal or hex (as numbers of their
own, after the timestamps that begin log lines), and the field names of a
dumped X or pynput event (`root_x`, `detail`, `keycode`...), which carry the
keycode even when its number is too common to look for.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

#: A log line's timestamp (logs.FILE_FORMAT's asctime): its digits are not a leak.
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ", re.MULTILINE)
#: Fields of a dumped X event (python-xlib) or pynput object, and key spellings.
_EVENT_FIELDS = re.compile(
    r"\b(?:root_x|root_y|event_x|event_y|same_screen|detail|keycode|keysym|vk|char|scan_?code"
    r"|KeyPress|KeyRelease|ButtonPress|ButtonRelease|MotionNotify|KeyCode|Button\.left|Key\.\w+)\b",
    re.IGNORECASE,
)
_QUOTED_CHARACTER = re.compile(r"""(?<![\w'"])['"][A-Za-z0-9]['"](?![\w'"])""")


def written_files(folders: Iterable[Path]) -> list[Path]:
    """Every regular file below `folders` (sockets and folders themselves hold no text)."""
    files = []
    for folder in folders:
        if folder.is_file():
            files.append(folder)
        elif folder.is_dir():
            files.extend(path for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink())
    return files


def leaks(folders: Iterable[Path], words: Iterable[str], key_names: Iterable[str],
          pointer: tuple[int, int], skip: Iterable[Path] = ()) -> list[str]:
    """What each file below `folders` (but the `skip` ones) holds of the input; [] when nothing."""
    skipped = {path.resolve() for path in skip}
    found = []
    for path in written_files(folders):
        if path.resolve() in skipped:
            continue
        text = path.read_bytes().decode("latin-1")
        found += [f"{path}: {trace}" for trace in _traces(text, words, key_names, pointer)]
    return found


def _traces(text: str, words: Iterable[str], key_names: Iterable[str], pointer: tuple[int, int]) -> list[str]:
    lower = _TIMESTAMP.sub("", text).lower()
    traces = [f"typed word {word!r}" for word in words if word.lower() in lower]
    traces += [f"key name {name!r}" for name in key_names if re.search(rf"\b{re.escape(name.lower())}\b", lower)]
    traces += [f"event field {m.group(0)!r}" for m in _EVENT_FIELDS.finditer(lower)]
    traces += [f"a typed character {m.group(0)}" for m in _QUOTED_CHARACTER.finditer(lower)]
    numbers = set(re.findall(r"(?<![\w.])(\d+|0x[0-9a-f]+)(?![\w.])", lower))
    for value in pointer:
        spellings = {str(value), hex(value), f"0x{value:04x}", f"0x{value:08x}"}
        traces += [f"pointer coordinate {value} as {spelling!r}" for spelling in sorted(spellings & numbers)]
    return traces
