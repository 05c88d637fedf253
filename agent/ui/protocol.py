"""The one message protocol between the agent and its window process.

The agent (`agent.live.window_process`) starts `python -m agent.ui.host`
when a window is needed and talks to it over the child's stdin and stdout:
one JSON object per line, UTF-8, each with the protocol version ``"v"``
and a ``"type"``. Every message is checked against `MESSAGES` on arrival
(`decode`); a line that is not JSON, has another version, an unknown type,
a missing field or a field of the wrong type raises `BadMessage`, which
both sides log and otherwise ignore: neither side ever crashes on the
other's words.

Agent -> window process:

* ``open``  {id, kind, args}: open window `id` of `kind` (`KINDS`) with `args` (checked too: `ARGS`,
  where every kind may have ``text_size``, the ``[display]`` setting);
* ``close`` {id}: close it, no choice reported (e.g. a natural break);
* ``focus`` {id}: give it the keyboard (the person paused typing) or raise it;
* ``ping``  {seq}: answer with ``pong`` (the agent's hang check);
* ``update`` {id, args}: new state for open window `id`, checked like its ``open`` args (so far only the
  Settings window takes one: after a change it asked for, or a new policy);
* ``quit``  {}: close everything and exit.

Window process -> agent:

* ``hello``  {pid}: started, Tk is up, ready for ``open``;
* ``opened`` {id, ms}: window `id` is mapped, `ms` after its ``open`` arrived;
* ``choice`` {id, choice, exercise}: a break window's Start, Done, Postpone, Skip, This hurts,
  and the exercise it showed;
* ``action`` {id, action}: a panel entry;
* ``link``   {id, link}: a break window's link that asks the agent (`LINKS`: during a spasm, "Open the
  spasm guide", which the agent opens in this process, and "My back is better now");
* ``mark``   {id, exercise, mark, on}: a favourite or hidden exercise (break and exercises windows);
* ``pack``   {id, action, kind}: the spasm guide's timer started or stopped (`PACK_ACTIONS`, a cold pack or
  heat: `PACK_KINDS`); the agent keeps it running once the guide closes;
* ``save``   {id, what, data}: a window's state to keep (`SAVES`: checklist ticks; the spasm guide's
  start of a spasm, or its end): the agent writes it;
* ``closed`` {id}: window `id` is gone (by the person, or after ``close``);
* ``expired`` {id}: window `id` closed itself, left untouched for its ``ignore_s`` (the walk-through);
* ``failed`` {id, error}: window `id` could not open, and why;
* ``pong``   {seq};
* ``setting`` {id, key, value, reset}: the Settings window asks to set setting `key` ("breaks.break_min")
  to `value`, or with `reset` to take it out of the user's file; the agent checks it (the validator, the
  policy's locks), writes it and answers with ``update`` (its `refused` names why it did not);
* ``autostart`` {id, on}: the Settings window's "Start Upright when I log in"; answered with ``update``.

The window process gets no input data (no keys, no pointer history) and
writes no file: whatever must be kept goes back to the agent in a message.
"""

from __future__ import annotations

import json
from typing import Any

VERSION = 1

KINDS = ("break", "notice", "panel", "walkthrough", "checklist", "spasm_guide", "exercises", "lifting",
         "red_flags", "today")
KINDS += ("settings", "week")  # the Settings and "This week" windows

#: type -> {field: the Python types its value may have}
MESSAGES: dict[str, dict[str, tuple[type, ...]]] = {
    # agent -> window process
    "open": {"id": (int,), "kind": (str,), "args": (dict,)},
    "close": {"id": (int,)},
    "focus": {"id": (int,)},
    "ping": {"seq": (int,)},
    "quit": {},
    # window process -> agent
    "hello": {"pid": (int,)},
    "opened": {"id": (int,), "ms": (int, float)},
    "choice": {"id": (int,), "choice": (str,), "exercise": (str,)},
    "action": {"id": (int,), "action": (str,)},
    "link": {"id": (int,), "link": (str,)},
    "mark": {"id": (int,), "exercise": (str,), "mark": (str,), "on": (bool,)},
    "save": {"id": (int,), "what": (str,), "data": (dict,)},
    "pack": {"id": (int,), "action": (str,), "kind": (str,)},
    "closed": {"id": (int,)},
    "expired": {"id": (int,)},
    "failed": {"id": (int,), "error": (str,)},
    "pong": {"seq": (int,)},
}
MESSAGES.update({  # the Settings window's: it asks, the agent writes and answers
    "update": {"id": (int,), "args": (dict,)},
    "setting": {"id": (int,), "key": (str,), "value": (bool, int, float, str, type(None)), "reset": (bool,)},
    "autostart": {"id": (int,), "on": (bool,)},
})

NUMBER = (int, float)
NONE = type(None)
OPTIONAL = type(...)  # in a field's types: the field may be left out (an older agent's message)

#: An ``open`` message's args, by window kind: {field: types}. Other fields are dropped
#: (`unknown_args`; the window process logs them).
ARGS: dict[str, dict[str, tuple[type, ...]]] = {
    # postponed: postpones so far; spasm_guide / end_spasm: the spasm note's links (each sends ``link``)
    "break": {"exercises": (list,), "can_postpone": (bool,), "can_skip": (bool,), "break_s": NUMBER,
              "postpone_min": NUMBER, "dim": (bool,), "exercise_options": (dict,), "marks": (dict, NONE),
              "postponed": (int,), "spasm_guide": (bool,), "end_spasm": (bool,)},
    "notice": {"text": (str,), "seconds": NUMBER, "bell": (bool, OPTIONAL)},
    "panel": {"paused": (bool,), "standing": (bool,), "can_postpone": (bool,), "postpone_min": NUMBER,
              "status": (str,)},
    # focus: take the keyboard (opened from the tray or panel); at first run it waits to be clicked
    "walkthrough": {"state": (dict,), "ignore_s": NUMBER, "focus": (bool, OPTIONAL)},
    "checklist": {"checklist": (str,), "state": (dict,)},
    # can_end: "My back is better now" is offered (it sends ``save`` spasm_end); pack_kind, pack_s: the
    # timer the agent keeps running (cold: seconds left; heat: seconds on), None if none
    "spasm_guide": {"spasm_start": (str, NONE), "can_end": (bool,), "pack_kind": (str, NONE, OPTIONAL),
                    "pack_s": NUMBER + (NONE, OPTIONAL)},
    "exercises": {"exercise_options": (dict,), "marks": (dict,), "break_s": NUMBER},
    "lifting": {},
    "red_flags": {},
    # the day's totals the agent counts (agent.core.totals.Totals' fields)
    "today": {"sitting_s": NUMBER, "longest_bout_s": NUMBER, "standing_s": NUMBER, "breaks_taken": (int,),
              "ended_early": (int,), "natural_breaks": (int,)},
}
ARGS.update({
    # effective: the settings in force (values, origins, problems); autostart: {on, note, error};
    # refused: {setting: why} for the change just asked for, if the agent did not write it
    "settings": {"effective": (dict,), "autostart": (dict,), "refused": (dict,)},
    # the history's folder and the agent's today: the window process reads the history, read-only
    "week": {"directory": (str,), "today": (str,)},
})

for _fields in ARGS.values():  # any kind may have it (the [display] setting); an older agent leaves it out
    _fields["text_size"] = (str, OPTIONAL)

#: Values some fields must take.
CHOICES = ("start", "done", "postpone", "skip", "hurts")
MARKS = ("favourite", "hidden")
LINKS = ("spasm_guide", "end_spasm")
SAVES = ("checklists", "spasm_start", "spasm_end")
PACK_ACTIONS = ("start", "stop")
PACK_KINDS = ("cold", "heat")
MAX_LINE = 1 << 20  # no message of ours comes near a mebibyte; a longer line is garbage


class BadMessage(ValueError):
    """A line that is not a valid message of this protocol; says why, for the log."""


def encode(message_type: str, /, **fields: Any) -> bytes:
    """One message as a line of JSON; checked like an arriving one, so a bug shows at the sender."""
    message = {"v": VERSION, "type": message_type, **fields}
    check(message)
    return (json.dumps(message, separators=(",", ":"), ensure_ascii=False) + "\n").encode()


def decode(line: bytes | str) -> dict:
    """The message on `line`, checked; raises BadMessage."""
    if len(line) > MAX_LINE:
        raise BadMessage(f"line of {len(line)} bytes is too long")
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadMessage(f"not JSON: {error}") from None
    check(message)
    return message


def check(message: Any) -> None:
    """Raise BadMessage unless `message` is a message of this protocol and version."""
    if not isinstance(message, dict):
        raise BadMessage("not a JSON object")
    if message.get("v") != VERSION:
        raise BadMessage(f"protocol version {message.get('v')!r}, expected {VERSION}")
    kind = message.get("type")
    fields = MESSAGES.get(kind) if isinstance(kind, str) else None
    if fields is None:
        raise BadMessage(f"unknown message type {kind!r}")
    _check_fields(kind, message, fields)
    if kind == "open" and message["kind"] not in KINDS:
        raise BadMessage(f"open: unknown window kind {message['kind']!r}")
    if kind == "open":
        check_args(message["kind"], message["args"])
    if kind == "choice" and message["choice"] not in CHOICES:
        raise BadMessage(f"choice: unknown choice {message['choice']!r}")
    if kind == "mark" and message["mark"] not in MARKS:
        raise BadMessage(f"mark: unknown mark {message['mark']!r}")
    if kind == "link" and message["link"] not in LINKS:
        raise BadMessage(f"link: unknown link {message['link']!r}")
    if kind == "save" and message["what"] not in SAVES:
        raise BadMessage(f"save: unknown record {message['what']!r}")
    if kind == "pack" and (message["action"] not in PACK_ACTIONS or message["kind"] not in PACK_KINDS):
        raise BadMessage(f"pack: unknown timer {message['action']!r} {message['kind']!r}")
    if kind == "setting" and not message["reset"] and message["value"] is None:
        raise BadMessage("setting: no value, and not a reset")


def check_args(kind: str, args: dict) -> None:
    """Raise BadMessage unless `args` has the fields a `kind` window takes (an ``open``'s, an ``update``'s)."""
    _check_fields(f"open {kind}", args, ARGS[kind])


def unknown_args(message: dict) -> list[str]:
    """The fields of a checked ``open`` message's args that its window kind does not take
    (a newer agent's, say): the window process drops them and logs their names."""
    return sorted(set(message["args"]) - set(ARGS[message["kind"]]))


def _check_fields(where: str, message: dict, fields: dict[str, tuple[type, ...]]) -> None:
    for name, types in fields.items():
        value = message.get(name, ...)  # a missing field is no type at all: None may be a value
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            names = "/".join(t.__name__ for t in types if t is not OPTIONAL)
            raise BadMessage(f"{where}: field {name!r} {'not' if OPTIONAL in types else 'missing or not'} {names}")


def summary(line: bytes | str, most: int = 80) -> str:
    """A short, printable start of a bad line, for the log."""
    text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
    text = text.strip()
    return repr(text[:most] + ("…" if len(text) > most else ""))
