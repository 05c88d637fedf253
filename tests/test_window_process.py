"""The window process and its protocol: the real `python -m agent.ui.host` under Xvfb, and the
agent's side (`WindowProcess`) facing a real host, a crashing one, a hung one and one that talks garbage.

The end-to-end cases (the real agent, kill -9 mid-break, SIGSTOP) are in tests/test_agent_e2e.py.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from agent.live.window_process import PING_S, WindowProcess
from agent.ui import protocol
from tests.ci import needs
from tests.xvfb import xvfb_display  # noqa: F401  (pytest finds it by name)

ROOT = Path(__file__).resolve().parents[1]
HOST = [sys.executable, "-m", "agent.ui.host"]


# --- the protocol ----------------------------------------------------------------

def test_every_message_survives_encoding():
    line = protocol.encode("choice", id=3, choice="hurts", exercise="neck-tilt")
    assert line.endswith(b"\n") and b"\n" not in line[:-1]
    assert protocol.decode(line) == {"v": 1, "type": "choice", "id": 3, "choice": "hurts", "exercise": "neck-tilt"}


@pytest.mark.parametrize("line, why", [
    (b"hello there", "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (b'{"v": 2, "type": "pong", "seq": 1}', "protocol version 2"),
    (b'{"v": 1, "type": "explode"}', "unknown message type 'explode'"),
    (b'{"v": 1, "type": "pong"}', "field 'seq' missing"),
    (b'{"v": 1, "type": "pong", "seq": "1"}', "field 'seq' missing or not int"),
    (b'{"v": 1, "type": "pong", "seq": true}', "field 'seq' missing or not int"),
    (b'{"v": 1, "type": "choice", "id": 1, "choice": "dance", "exercise": "x"}', "unknown choice 'dance'"),
    (b'{"v": 1, "type": "open", "id": 1, "kind": "browser", "args": {}}', "unknown window kind 'browser'"),
    (b'{"v": 1, "type": "link", "id": 1, "link": "rm -rf"}', "unknown link 'rm -rf'"),
    (b'{"v": 1, "type": "link", "id": 1}', "field 'link' missing"),
    (b'{"v": 1, "type": "save", "id": 1, "what": "settings", "data": {}}', "unknown record 'settings'"),
    (b'{"v": 1, "type": "pack", "id": 1, "action": "start", "kind": "lava"}', "unknown timer 'start' 'lava'"),
    (b'{"v": 1, "type": "pack", "id": 1, "action": "explode", "kind": "cold"}', "unknown timer 'explode'"),
    (b"\xff\xfe", "not JSON"),
    (b'{"v": 1, "type": "setting", "id": 1, "key": "breaks.break_min", "reset": false}', "field 'value' missing"),
    (b'{"v": 1, "type": "setting", "id": 1, "key": "breaks.break_min", "value": null, "reset": false}',
     "setting: no value, and not a reset"),
    (b'{"v": 1, "type": "setting", "id": 1, "key": "breaks.break_min", "value": [1], "reset": false}',
     "field 'value' missing or not"),
    (b'{"v": 1, "type": "autostart", "id": 1, "on": "yes"}', "field 'on' missing or not bool"),
    (b'{"v": 1, "type": "update", "id": 1}', "field 'args' missing"),
    (b'{"v": 1, "type": "open", "id": 1, "kind": "week", "args": {"directory": "/x"}}', "field 'today' missing"),
])
def test_bad_lines_are_refused_with_a_reason(line, why):
    with pytest.raises(protocol.BadMessage, match=why.replace("(", r"\(")):
        protocol.decode(line)


def test_a_sender_cannot_send_a_bad_message():
    with pytest.raises(protocol.BadMessage):
        protocol.encode("choice", id=1, choice="maybe", exercise="x")


# --- the real window process ---------------------------------------------------------

BREAK_ARGS = {"exercises": [], "can_postpone": True, "can_skip": True, "break_s": 120, "postpone_min": 5,
              "dim": False, "exercise_options": {"folder": "", "floor_at_desk": False},
              "marks": {"favourites": [], "hidden": []}, "postponed": 0, "spasm_guide": False, "end_spasm": False}
PANEL_ARGS = {"paused": False, "standing": False, "can_postpone": False, "postpone_min": 5,
              "status": "Sitting 18 min \u00b7 next break in 12 min"}

TODAY_ARGS = {"sitting_s": 3600.0, "longest_bout_s": 1800.0, "standing_s": 0.0, "breaks_taken": 1,
              "ended_early": 0, "natural_breaks": 2}


def read_messages(pipe, until: str, timeout: float = 10) -> list[dict]:
    """Messages from the host's stdout up to and including the first of type `until`."""
    got, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = pipe.readline()
        if not line:
            break
        got.append(json.loads(line))
        if got[-1]["type"] == until:
            return got
    pytest.fail(f"no {until!r} from the window process; got {got}")


def test_the_host_ignores_garbage_and_keeps_answering(xvfb_display):
    host = subprocess.Popen(HOST, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        assert read_messages(host.stdout, "hello")[-1]["pid"] == host.pid
        host.stdin.write(b"garbage\n\xff\xfe\n{\"v\": 1, \"type\": \"explode\"}\n[]\n"
                         + b'{"v":1,"type":"close","id":"x"}\n' + protocol.encode("ping", seq=7))
        host.stdin.flush()
        assert read_messages(host.stdout, "pong")[-1] == {"v": 1, "type": "pong", "seq": 7}
        host.stdin.write(protocol.encode("open", id=1, kind="notice", args={"text": "Hello", "seconds": 0.3}))
        host.stdin.flush()
        messages = read_messages(host.stdout, "closed")  # the notice closes itself
        assert [m["type"] for m in messages] == ["opened", "closed"]
        assert 0 <= messages[0]["ms"] < 1000
        host.stdin.write(protocol.encode("quit"))
        host.stdin.flush()
        assert host.wait(5) == 0
        errors = host.stderr.read().decode()
        assert errors.count("ignored a bad message") == 5 and "Traceback" not in errors
    finally:
        host.kill()
        host.wait()


def test_the_host_exits_when_the_agent_goes(xvfb_display):
    host = subprocess.Popen(HOST, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    read_messages(host.stdout, "hello")
    host.stdin.write(protocol.encode("open", id=1, kind="notice", args={"text": "Hi", "seconds": 60}))
    host.stdin.close()  # the agent died: its end of the pipe closes
    assert host.wait(5) == 0


def test_without_a_display_the_host_says_why(tmp_path):
    env = {**os.environ, "DISPLAY": ":1999"}
    result = subprocess.run(HOST, env=env, capture_output=True, timeout=20, cwd=ROOT, stdin=subprocess.DEVNULL)
    message = protocol.decode(result.stdout)
    assert result.returncode == 1 and message["type"] == "failed" and message["id"] == 0
    assert "cannot open its windows on DISPLAY=:1999" in message["error"]


# --- the agent's side ---------------------------------------------------------------------

class FakeLoop:
    """The agent loop's `after` and `post`: timers are run by the test, posts go to a queue."""

    def __init__(self) -> None:
        self.timers: dict[str, tuple] = {}
        self.posted: queue.SimpleQueue = queue.SimpleQueue()
        self._ids = 0

    def after(self, ms, func, *args):
        self._ids += 1
        self.timers[f"t{self._ids}"] = (ms, func, args)
        return f"t{self._ids}"

    def after_cancel(self, timer_id):
        self.timers.pop(timer_id, None)

    def fire(self) -> None:
        """Run the pending timers (the ping check)."""
        due, self.timers = self.timers, {}
        for _ms, func, args in due.values():
            func(*args)

    def run_posts(self, until, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not until():
            self.posted.get(timeout=max(0.01, deadline - time.monotonic()))()


def make(loop: FakeLoop, command, clock=time.monotonic):
    faults = []
    process = WindowProcess(loop, loop.posted.put, command=command, clock=clock, on_fault=faults.append)
    return process, faults


SCRIPT = """
import sys, time
print('{"v":1,"type":"hello","pid":1}', flush=True)
%s
"""


def script(body: str) -> list[str]:
    return [sys.executable, "-c", SCRIPT % body]


def test_garbage_from_the_window_process_is_logged_and_ignored(caplog):
    loop = FakeLoop()
    body = """
for line in ['nonsense', '{"v":1,"type":"choice","id":1,"choice":"dance","exercise":""}',
             '{"v":9,"type":"pong","seq":1}', '{"v":1,"type":"choice","id":1,"choice":"start","exercise":"a"}']:
    print(line, flush=True)
sys.stdin.read()
"""
    process, faults = make(loop, script(body))
    choices = []
    window = process.open("panel", PANEL_ARGS,
                          choice=lambda m: choices.append(m["choice"]))
    loop.run_posts(lambda: choices)
    assert choices == ["start"] and window.is_open and faults == []
    bad = [r.getMessage() for r in caplog.records if "ignored a bad message" in r.getMessage()]
    assert len(bad) == 3
    process.stop()
    assert not process.running


def test_a_crash_is_a_fault_reported_once_and_its_windows_go_unanswered(caplog):
    caplog.set_level(logging.INFO, "agent")
    loop = FakeLoop()
    process, faults = make(loop, script("sys.stdin.readline(); sys.exit(3)"))
    window = process.open("break", BREAK_ARGS, choice=lambda m: pytest.fail("no choice was made"))
    loop.run_posts(lambda: faults)
    assert faults == ["the window process stopped unexpectedly (exit status 3)"]
    assert not window.is_open and not process.running
    assert [r.levelname for r in caplog.records if "stopped unexpectedly" in r.getMessage()] == ["ERROR"]
    assert "the open break prompt counts as unanswered" in caplog.text


def test_a_hung_process_is_ended_and_the_next_window_starts_a_new_one():
    now = [0.0]
    loop = FakeLoop()
    process, faults = make(loop, script("time.sleep(60)"), clock=lambda: now[0])  # never answers a ping
    window = process.open("notice", {"text": "x", "seconds": 1})
    first = process.pid
    loop.fire()  # the first ping
    now[0] += PING_S
    loop.fire()  # unanswered for PING_S: hung
    assert faults == [f"the window process stopped answering (nothing for {PING_S:g} s); it was ended"]
    assert not window.is_open and not process.running
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)
    process.command = script("sys.stdin.read()")
    process.open("notice", {"text": "again", "seconds": 1})
    assert process.pid != first
    loop.run_posts(lambda: faults[-1] is None)  # its hello: working again
    process.stop()


def test_an_idle_process_is_told_to_quit_once_its_last_window_closed():
    loop = FakeLoop()
    body = """
line = sys.stdin.readline()
print('{"v":1,"type":"closed","id":1}', flush=True)
for line in sys.stdin:
    if '"quit"' in line:
        sys.exit(0)
"""
    process, faults = make(loop, script(body))
    window = process.open("notice", {"text": "x", "seconds": 1})
    loop.run_posts(lambda: not window.is_open)
    loop.fire()  # the check after the last window closed
    assert not process.running and faults == []


# --- the walk-through's timeout, in the real window process ------------------------------

def xdotool(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=10).stdout.strip()


def open_walkthrough(host, ignore_s: float) -> None:
    from agent.content.checklist_state import ChecklistState

    host.stdin.write(protocol.encode("open", id=4, kind="walkthrough",
                                     args={"state": ChecklistState().to_json(), "ignore_s": ignore_s}))
    host.stdin.flush()
    assert read_messages(host.stdout, "opened")[-1]["id"] == 4


@needs(shutil.which("xdotool") is not None, "needs xdotool (bash scripts/install.sh --test)")
def test_an_ignored_walkthrough_closes_itself_and_a_touched_one_stays(xvfb_display):
    host = subprocess.Popen(HOST, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    try:
        read_messages(host.stdout, "hello")
        open_walkthrough(host, ignore_s=2.0)
        [window] = xdotool("search", "--onlyvisible", "--name", "set up your workstation").split()
        geometry = dict(line.split("=") for line in xdotool("getwindowgeometry", "--shell", window).split())
        x, y = int(geometry["X"]) + 20, int(geometry["Y"]) + 20  # a plain spot near its top-left corner
        opened = time.monotonic()
        for _ in range(6):  # touched every half second for 3 s: longer than 2 s, yet it stays
            xdotool("mousemove", str(x), str(y), "click", "1")
            time.sleep(0.5)
        assert xdotool("search", "--onlyvisible", "--name", "set up your workstation")
        messages = read_messages(host.stdout, "closed", timeout=10)  # then left alone: it closes
        untouched_for = time.monotonic() - opened - 3.0
        assert [m["type"] for m in messages] == ["expired", "save", "closed"]
        assert messages[1]["what"] == "checklists" and messages[1]["data"]["walkthrough_done"]
        assert 1.5 < untouched_for < 4.0
    finally:
        host.kill()
        host.wait()


def test_the_agent_lets_the_walkthrough_wait_ten_minutes():
    from agent.live.remote_windows import RemoteGuideWindows

    sent = []
    process = SimpleNamespace(open=lambda kind, args, **handlers: sent.append((kind, args)))
    from agent.content.checklist_state import ChecklistState

    RemoteGuideWindows(process).Walkthrough(None, ChecklistState(), print, None)
    assert sent[0][0] == "walkthrough" and sent[0][1]["ignore_s"] == 600


def test_every_kind_of_window_opens_in_the_window_process(xvfb_display, tmp_path):
    from datetime import date

    from agent.content.checklist_state import ChecklistState
    from agent.it import autostart
    from agent.live.remote_windows import settings_state
    from agent.settings import layers

    state = ChecklistState().to_json()
    options = {"folder": "", "floor_at_desk": False}
    kinds = {
        "break": BREAK_ARGS,
        "notice": {"text": "Break in 1 min — finish your sentence", "seconds": 30},
        "panel": PANEL_ARGS,
        "walkthrough": {"state": state, "ignore_s": 600},
        "checklist": {"checklist": "posture", "state": state},
        "spasm_guide": {"spasm_start": None, "can_end": True},
        "exercises": {"exercise_options": options, "marks": {"favourites": [], "hidden": []}, "break_s": 120},
        "lifting": {},
        "red_flags": {},
        "today": TODAY_ARGS,
        "settings": settings_state(layers.load(), autostart.for_platform()),
        "week": {"directory": str(tmp_path), "today": date.today().isoformat()},
    }
    assert set(kinds) == set(protocol.KINDS)
    host = subprocess.Popen(HOST, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    try:
        read_messages(host.stdout, "hello")
        for number, (kind, args) in enumerate(kinds.items(), 1):
            host.stdin.write(protocol.encode("open", id=number, kind=kind, args=args))
            host.stdin.flush()
            opened = read_messages(host.stdout, "opened")
            assert [m["type"] for m in opened if m["type"] not in ("closed",)] == ["opened"], (kind, opened)
            assert opened[-1]["id"] == number
        from PIL import ImageGrab

        artifacts = ROOT / "tests" / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).save(artifacts / "window_process_all_kinds.png")
    finally:
        host.kill()
        host.wait()


def test_the_same_fault_twice_is_logged_once(caplog):
    """E.g. the display is gone: each new process fails before its hello, the log says so once."""
    loop = FakeLoop()
    process, faults = make(loop, [sys.executable, "-c", "import sys; sys.stdin.readline(); sys.exit(3)"])
    for _ in range(2):
        process.open("notice", {"text": "x", "seconds": 1})
        count = len(faults)
        loop.run_posts(lambda: len(faults) > count)
    assert faults == ["the window process stopped unexpectedly (exit status 3)"] * 2
    assert [r.levelname for r in caplog.records if "stopped unexpectedly" in r.getMessage()] == ["ERROR"]


@pytest.mark.parametrize("kind, args, why", [
    ("notice", {"text": "x"}, "open notice: field 'seconds' missing"),
    ("panel", {**PANEL_ARGS, "paused": 1}, "field 'paused' missing or not bool"),
    ("panel", {**PANEL_ARGS, "status": None}, "field 'status' missing or not str"),
    ("break", {**BREAK_ARGS, "postponed": 1.5}, "field 'postponed' missing or not int"),
    ("break", {**BREAK_ARGS, "spasm_guide": "yes"}, "field 'spasm_guide' missing or not bool"),
    ("spasm_guide", {"spasm_start": None}, "field 'can_end' missing or not bool"),
    ("notice", {"text": "x", "seconds": True}, "field 'seconds' missing or not int/float"),
    ("spasm_guide", {}, "field 'spasm_start' missing"),
    ("today", {**TODAY_ARGS, "breaks_taken": 1.5}, "field 'breaks_taken' missing or not int"),
    ("notice", {"text": "x", "seconds": 1, "bell": "loud"}, "field 'bell' not bool"),
    ("spasm_guide", {"spasm_start": None, "can_end": True, "pack_kind": 3}, "field 'pack_kind' not str/NoneType"),
])
def test_an_open_messages_args_are_checked_too(kind, args, why):
    with pytest.raises(protocol.BadMessage, match=why):
        protocol.decode(json.dumps({"v": 1, "type": "open", "id": 1, "kind": kind, "args": args}))


# --- the factories App calls: messages in, the same callbacks out -----------------------------------

class RecordingProcess:
    """A WindowProcess stand-in that keeps what was asked and hands back each window's handlers."""

    def __init__(self) -> None:
        self.opened: list[tuple[str, dict, dict]] = []

    def open(self, kind, args, **handlers):
        sent = protocol.decode(protocol.encode("open", id=1, kind=kind, args=args))  # must be valid
        assert protocol.unknown_args(sent) == [], f"a {kind} window takes no {protocol.unknown_args(sent)}"
        self.opened.append((kind, args, handlers))
        return SimpleNamespace(exercise=None, is_open=True)


def test_a_break_windows_choices_and_marks_reach_app_and_rotation():
    from agent.live.remote_windows import DIM_OTHERS, RemoteWindows

    process, chosen, marked = RecordingProcess(), [], []
    rotation = SimpleNamespace(state={"favourites": ["a"], "hidden": [], "shown": ["b"]}, break_s=120,
                               favourite=lambda i, on: marked.append(("favourite", i, on)),
                               hide=lambda i, on: marked.append(("hidden", i, on)) or True)
    remote = RemoteWindows(process, rotation, lambda: {"exercises": {"folder": "", "floor_at_desk": False}})
    window = remote.break_window(None, [SimpleNamespace(id="neck"), SimpleNamespace(id="walk")], chosen.append,
                                 can_postpone=False, can_skip=True, break_s=120, postpone_min=5,
                                 geometry=remote.geometry(None), marks=rotation, dim=DIM_OTHERS)
    kind, args, handlers = process.opened[0]
    assert kind == "break" and args["exercises"] == ["neck", "walk"] and args["dim"] is True
    assert args["marks"] == {"favourites": ["a"], "hidden": []}  # not the day's showings: they stay here
    handlers["choice"]({"choice": "hurts", "exercise": "walk"})
    assert chosen == ["hurts"] and window.exercise.id == "walk"  # App reads it to take "walk" out
    handlers["mark"]({"exercise": "neck", "mark": "favourite", "on": False})
    handlers["mark"]({"exercise": "walk", "mark": "hidden", "on": True})
    assert marked == [("favourite", "neck", False), ("hidden", "walk", True)]


def test_ticks_from_the_window_process_are_checked_and_kept_by_the_agent():
    from datetime import date

    from agent.content.checklist_state import ChecklistState
    from agent.live.remote_windows import RemoteGuideWindows

    process, kept = RecordingProcess(), []
    RemoteGuideWindows(process).ChecklistWindow(None, "posture", ChecklistState(), kept.append, None)
    save = process.opened[0][2]["save"]
    ticked = ChecklistState()
    ticked.set_ticked("posture", "screen-height", True, date(2026, 12, 4))
    save({"what": "checklists", "data": ticked.to_json()})
    assert kept[0].is_ticked("posture", "screen-height")
    save({"what": "checklists", "data": {"version": 1, "ticked": "all of them"}})  # does not read: not kept
    assert len(kept) == 1


def test_the_walkthrough_from_the_tray_takes_the_keyboard_without_a_dropped_field():
    """From the tray the walk-through is opened with the keyboard (`focus`); the window process must
    know that field, not log it as dropped, and the host must hand it on."""
    from agent.content.checklist_state import ChecklistState
    from agent.live.remote_windows import RemoteGuideWindows

    process = RecordingProcess()
    RemoteGuideWindows(process).Walkthrough(None, ChecklistState(), print, None, focus=True)
    assert process.opened[0][1]["focus"] is True
    with pytest.raises(protocol.BadMessage):
        protocol.check_args("walkthrough", {**process.opened[0][1], "focus": "yes"})


def test_unknown_args_of_an_open_message_are_named_for_the_log():
    message = protocol.decode(protocol.encode("open", id=1, kind="panel", args={**PANEL_ARGS, "theme": "dark"}))
    assert protocol.unknown_args(message) == ["theme"]
    assert protocol.unknown_args(protocol.decode(protocol.encode("open", id=2, kind="lifting", args={}))) == []


def test_a_gentle_breaks_links_and_the_postpones_so_far_reach_the_agent():
    """During a spasm App hands the break window "Open the spasm guide" and "My back is better now":
    the window process gets flags, and its ``link`` messages call App's callables here."""
    from agent.live.remote_windows import RemoteWindows

    process, followed = RecordingProcess(), []
    remote = RemoteWindows(process, None, lambda: {"exercises": {"folder": "", "floor_at_desk": False}})
    remote.break_window(None, [SimpleNamespace(id="short_walk")], lambda choice: None, can_postpone=False,
                        can_skip=True, break_s=120, postpone_min=5, postponed=3,
                        spasm_guide=lambda: followed.append("guide"), end_spasm=lambda: followed.append("end"))
    _, args, handlers = process.opened[0]
    assert args["postponed"] == 3 and args["spasm_guide"] is True and args["end_spasm"] is True
    handlers["link"]({"link": "spasm_guide"})
    handlers["link"]({"link": "end_spasm"})
    assert followed == ["guide", "end"]
    remote.break_window(None, [SimpleNamespace(id="neck")], lambda choice: None, can_postpone=True,
                        can_skip=True, break_s=120, postpone_min=5)
    _, args, handlers = process.opened[1]
    assert args["spasm_guide"] is False and args["end_spasm"] is False and args["postponed"] == 0
    handlers["link"]({"link": "end_spasm"})  # not offered: nothing happens (logged)
    assert followed == ["guide", "end"]


def test_the_panels_status_line_and_postpone_setting_go_to_the_window_process():
    from agent.live.remote_windows import RemoteWindows

    process, acted = RecordingProcess(), []
    RemoteWindows(process, None, dict).panel(None, acted.append, None, paused=False, standing=False,
                                             can_postpone=True, postpone_min=0.5, status="Paused until 14:30")
    kind, args, handlers = process.opened[0]
    assert kind == "panel" and args["status"] == "Paused until 14:30" and args["postpone_min"] == 0.5
    handlers["action"]({"action": "this_week"})
    assert acted == ["this_week"]


def test_the_spasm_guides_start_and_end_come_back_to_the_rotation():
    from datetime import datetime

    from agent.live.remote_windows import RemoteGuideWindows

    process, heard = RecordingProcess(), []
    guides = RemoteGuideWindows(process)
    guides.SpasmGuideWindow(None, None, spasm_start=datetime(2026, 12, 3, 9, 30), on_spasm_start=heard.append,
                            on_spasm_end=lambda: heard.append("better"))
    guides.LiftingCard(None, None)
    guides.RedFlagsCard(None, None)
    assert [(kind, args) for kind, args, _ in process.opened] == [
        ("spasm_guide", {"spasm_start": "2026-12-03T09:30:00", "can_end": True}), ("lifting", {}), ("red_flags", {})]
    save = process.opened[0][2]["save"]
    save({"what": "spasm_start", "data": {"at": "2026-12-04T08:00:00"}})
    save({"what": "spasm_end", "data": {}})
    assert heard == [datetime(2026, 12, 4, 8, 0), "better"]
    guides.SpasmGuideWindow(None, None)
    assert process.opened[-1][1] == {"spasm_start": None, "can_end": False}


def test_the_today_window_gets_the_days_totals():
    from agent.core.totals import Totals
    from agent.live.remote_windows import RemoteWindows

    process = RecordingProcess()
    RemoteWindows(process, None, dict).today(None, Totals(sitting_s=3600.0, longest_bout_s=1800.0, breaks_taken=1,
                                                          natural_breaks=2, postponed=4), None)
    assert process.opened[0][:2] == ("today", TODAY_ARGS)
    protocol.encode("open", id=1, kind="today", args=process.opened[0][1])  # a valid message
    RemoteWindows(process, None, dict).today(None, Totals(breaks_taken=2.0, sitting_s=60), None)  # a hand-edited file
    protocol.encode("open", id=2, kind="today", args=process.opened[1][1])


def test_the_spasm_guides_timer_is_told_to_the_agent_and_a_notice_can_ring():
    from agent.live.remote_windows import RemoteGuideWindows, RemoteWindows

    process, heard = RecordingProcess(), []
    RemoteGuideWindows(process).SpasmGuideWindow(
        None, None, pack={"pack_kind": "cold", "pack_s": 600.0}, on_pack=lambda *told: heard.append(told),
        on_close=lambda: heard.append("closed"))
    kind, args, handlers = process.opened[0]
    assert args == {"spasm_start": None, "can_end": False, "pack_kind": "cold", "pack_s": 600.0}
    protocol.encode("open", id=1, kind=kind, args=args)  # a valid message
    handlers["pack"]({"action": "stop", "kind": "cold"})
    handlers["closed"]({})
    assert heard == [("stop", "cold"), "closed"]
    remote = RemoteWindows(process, None, dict)
    remote.notice(None, "Take the cold pack off now.", None, 12, bell=True)
    remote.notice(None, "Break in 1 min", None, 12)
    assert [args for _, args, _ in process.opened[1:]] == [
        {"text": "Take the cold pack off now.", "seconds": 12, "bell": True}, {"text": "Break in 1 min", "seconds": 12}]
