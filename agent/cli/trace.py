"""Reading activity traces: JSON Lines, one event per line.

`{"t": <seconds from trace start>, "type": <event type>}`; times never go
backwards. A bad line stops the reading with a `TraceError` naming the file
and line: a replay of a half-read trace would print a wrong summary.
"""

from __future__ import annotations

import json
import math
from typing import Iterable, Iterator

from agent.core.events import EVENT_TYPES


class TraceError(Exception):
    """A line of a trace that cannot be replayed."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


def read_events(lines: Iterable[bytes | str], path: str) -> Iterator[tuple[float, str]]:
    """Yield `(t, type)` for each line; raise TraceError at the first bad one.

    The common case is checked inline (this loop runs a million times in a
    week's trace); the slow `_explain` finds the words only when it fails.
    """
    loads, types, previous = json.loads, EVENT_TYPES, 0.0
    for number, line in enumerate(lines, 1):
        try:
            event = loads(line)
            t, kind = event["t"], event["type"]
        except (ValueError, KeyError, TypeError):
            if not line.strip():
                continue  # blank lines, e.g. a trailing one, carry nothing
            raise TraceError(path, number, _explain(line, previous)) from None
        if (t.__class__ is float or t.__class__ is int) and previous <= t < math.inf and kind in types:
            previous = t
            yield t, kind
        else:
            raise TraceError(path, number, _explain(line, previous))


def _explain(line: bytes | str, previous: float) -> str:
    """Why a line was refused, in words a trace author can act on."""
    try:
        event = json.loads(line)
    except ValueError as error:
        return f"not valid JSON ({error})"
    if not isinstance(event, dict):
        return "expected a JSON object like {\"t\": 12.5, \"type\": \"input\"}"
    if "type" not in event:
        return 'missing "type"'
    if event["type"] not in EVENT_TYPES:
        return f"unknown event type {event['type']!r} (expected one of: {', '.join(sorted(EVENT_TYPES))})"
    if "t" not in event:
        return 'missing "t" (seconds from the start of the trace)'
    t = event["t"]
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
        return f'"t" must be a finite number of seconds, got {json.dumps(t)}'
    if t < 0:
        return f'"t" must not be negative, got {t}'
    return f"time goes backwards: t={t} after t={previous}"
