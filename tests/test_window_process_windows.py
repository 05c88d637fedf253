"""The window process's windows on a real X server: what main's windows gained (issues 16, 19)
carried through `agent.ui.host` — a gentle break's links, the postpones so far, the panel's status
line, the spasm guide's "My back is better now", the lifting and red-flags cards.

The host runs here in pytest's process, on the suite's one Tk root, with its stdout replaced by a
list, so its real messages can be read back; clicks are real (xdotool).
Screenshot: tests/artifacts/window_process_break_spasm.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from agent.ui import protocol, strings
from agent.ui.host import Host
from tests.ui_desktop import click, mapped_texts, move_pointer, screen_rect, screenshot, wait_until

OPTIONS = {"folder": "", "floor_at_desk": False}
BREAK = {"exercises": ["short_walk"], "can_postpone": True, "can_skip": True, "break_s": 120, "postpone_min": 5,
         "dim": False, "exercise_options": OPTIONS, "marks": {"favourites": [], "hidden": []}, "postponed": 0,
         "spasm_guide": False, "end_spasm": False}


@pytest.fixture
def host(root, shown):
    """A Host writing to a list; every window it opens is shown (and closed after the test)."""
    sent: list[dict] = []
    made = Host(root, lambda data: sent.append(protocol.decode(data)))
    made.sent = sent
    count = [0]

    def open_window(kind: str, args: dict):
        count[0] += 1
        made.handle_line(protocol.encode("open", id=count[0], kind=kind, args=args))
        assert count[0] in made.windows, f"the {kind} window did not open: {sent}"
        return shown(made.windows[count[0]], f"the {kind} window")

    made.open_window = open_window
    return made


def sent_of(host, message_type: str) -> list[dict]:
    return [m for m in host.sent if m["type"] == message_type]


def test_a_gentle_breaks_links_come_back_to_the_agent(root, host):
    move_pointer(600, 400)
    window = host.open_window("break", {**BREAK, "spasm_guide": True, "end_spasm": True})
    assert strings.GENTLE_BREAK_NOTE in mapped_texts(window.top)
    screenshot("window_process_break_spasm", screen_rect(window.top))
    click(root, window.spasm_guide_button)
    assert wait_until(root, lambda: sent_of(host, "link"))
    click(root, window.end_spasm_button)
    assert wait_until(root, lambda: len(sent_of(host, "link")) == 2)
    assert [m["link"] for m in sent_of(host, "link")] == ["spasm_guide", "end_spasm"]
    assert window.is_open  # neither link answers the break


def test_a_usual_break_has_no_spasm_note_and_says_how_often_it_was_postponed(root, host):
    window = host.open_window("break", {**BREAK, "can_postpone": False, "postponed": 3})
    texts = mapped_texts(window.top)
    assert strings.GENTLE_BREAK_NOTE not in texts and window.spasm_note is None
    assert strings.POSTPONED_TIMES.format(count=3) in texts


def test_the_panel_shows_the_status_line_and_the_postpone_setting(root, host):
    panel = host.open_window("panel", {"paused": False, "standing": False, "can_postpone": True,
                                       "postpone_min": 0.5, "status": "Paused until 14:30"})
    assert panel.status_label.cget("text") == "Paused until 14:30"
    assert panel.button("postpone").cget("text") == "Postpone 30 s"
    for action in ("lifting", "red_flags", "this_week", "walkthrough"):
        assert panel.button(action) is not None, action
    click(root, panel.button("this_week"))
    assert wait_until(root, lambda: sent_of(host, "action"))
    assert sent_of(host, "action")[0]["action"] == "this_week"


def test_my_back_is_better_in_the_spasm_guide_is_saved_by_the_agent(root, host):
    start = (datetime.now() - timedelta(hours=20)).replace(microsecond=0)
    guide = host.open_window("spasm_guide", {"spasm_start": start.isoformat(), "can_end": True})
    assert guide.end_spasm_button.winfo_ismapped()
    guide.end_spasm_button.invoke()
    assert [(m["what"], m["data"]) for m in sent_of(host, "save")] == [("spasm_end", {})]
    without = host.open_window("spasm_guide", {"spasm_start": start.isoformat(), "can_end": False})
    assert not without.end_spasm_button.winfo_ismapped()


def test_the_lifting_and_red_flags_cards_open_in_the_window_process(root, host):
    lifting = host.open_window("lifting", {})
    assert lifting.top.title() == strings.LIFTING_TITLE
    red_flags = host.open_window("red_flags", {})
    assert red_flags.top.title() == strings.RED_FLAGS_TITLE


def test_an_argument_the_window_does_not_take_is_dropped_and_logged(root, host, caplog):
    caplog.set_level(logging.WARNING, "agent.ui.host")
    host.open_window("red_flags", {"colour": "pink"})
    assert any("a red_flags window takes no colour; dropped" in r.getMessage() for r in caplog.records)


# --- Settings and This week: drawn by the window process, written and read by the agent -------------

class Loopback:
    """The agent's `WindowProcess`, wired to a `Host` in this process: each message is encoded, decoded
    and delivered on the next turn of Tk's loop, as over the pipe, in both directions."""

    def __init__(self, root) -> None:
        self.root, self.windows, self.to_agent, self.to_host = root, {}, [], []
        self.host = Host(root, lambda data: root.after_idle(self._arrived, data))

    def clock(self) -> float:
        return 0.0

    def open(self, kind: str, args: dict, **handlers):
        from agent.live.window_process import RemoteWindow

        window = RemoteWindow(self, len(self.windows) + 1, kind, handlers)
        self.windows[window.id] = window
        self.send("open", id=window.id, kind=kind, args=args)
        return window

    def send(self, message_type: str, /, **fields) -> None:
        line = protocol.encode(message_type, **fields)
        self.to_host.append(protocol.decode(line))
        self.root.after_idle(self.host.handle_line, line)

    def _arrived(self, data: bytes) -> None:
        message = protocol.decode(data)
        self.to_agent.append(message)
        handler = self.windows[message["id"]].handlers.get(message["type"]) if "id" in message else None
        if handler is not None:
            handler(message)


@pytest.fixture
def agent(root, shown):
    """The agent's factories (`RemoteWindows`) over a Loopback; `agent.opened(kind)` is the host's window."""
    from agent.live.remote_windows import RemoteWindows

    loop = Loopback(root)
    made = RemoteWindows(loop, None, lambda: {"exercises": OPTIONS})
    made.loop, made.saved = loop, []

    def opened(number: int, what: str):
        assert wait_until(root, lambda: number in loop.host.windows), f"{what} did not open: {loop.to_agent}"
        return shown(loop.host.windows[number], what)

    made.opened = opened
    yield made
    for window in list(loop.host.windows.values()):
        window.destroy()


def test_a_setting_changed_in_the_window_process_is_written_by_the_agent(root, agent):
    from agent.settings import layers
    from tests.test_ui_settings_window import POLICY, in_force, retype
    from tests.test_layers import system_policy

    system_policy(POLICY)
    asked = agent.settings(None, layers.load, lambda: agent.saved.append(1), None)
    window = agent.opened(asked.id, "the settings window")
    assert window.row("breaks.break_min").entry.cget("state") == "disabled"  # enforced: 3
    retype(root, window, "breaks.sitting_limit_min", "45")
    assert wait_until(root, lambda: agent.saved == [1])
    assert in_force("breaks.sitting_limit_min") == (45, "user")
    assert [m["key"] for m in agent.loop.to_agent if m["type"] == "setting"] == ["breaks.sitting_limit_min"]
    row = window.row("breaks.sitting_limit_min")
    assert wait_until(root, lambda: row.reset_button.winfo_ismapped()), "the agent's answer shows: Reset"
    assert window.row("breaks.sitting_limit_min").entry.get() == "45"
    screenshot("window_process_settings", screen_rect(window.top))
    window.scroller.see(row.reset_button)
    click(root, row.reset_button)
    assert wait_until(root, lambda: in_force("breaks.sitting_limit_min") == (40, "recommended")), agent.loop.to_agent
    assert wait_until(root, lambda: row.entry.get() == "40" and not row.reset_button.winfo_ismapped())


def test_the_agent_refuses_what_the_policy_locks_whatever_the_window_process_asks(root, agent):
    from agent.settings import layers
    from tests.test_ui_settings_window import POLICY, in_force
    from tests.test_layers import system_policy

    system_policy(POLICY)
    asked = agent.settings(None, layers.load, lambda: agent.saved.append(1), None)
    window = agent.opened(asked.id, "the settings window")
    agent.loop.host.send("setting", id=asked.id, key="breaks.break_min", value=10, reset=False)  # a rogue window
    agent.loop.host.send("setting", id=asked.id, key="breaks.sitting_limit_min", value=-5, reset=False)
    refused = {}

    def answered() -> bool:
        for message in agent.loop.to_host:
            if message["type"] == "update":
                refused.update(message["args"]["refused"])
        return len(refused) == 2

    assert wait_until(root, answered)
    assert refused["breaks.break_min"].startswith("Managed by your organization")
    assert "breaks.sitting_limit_min" in refused
    limit = window.row("breaks.sitting_limit_min")
    assert wait_until(root, lambda: limit.error.cget("text") == refused["breaks.sitting_limit_min"])
    assert in_force("breaks.break_min") == (3, "enforced") and agent.saved == []
    assert not layers.user_file().exists(), "nothing written"


def test_start_at_login_in_the_window_process_is_switched_by_the_agent(root, agent):
    import os
    from pathlib import Path

    from agent.settings import layers

    mine = Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / "upright.desktop"
    asked = agent.settings(None, layers.load, lambda: None, None)
    window = agent.opened(asked.id, "the settings window")
    tick = window.autostart_row
    assert tick.var.get() is False
    window.scroller.see(tick.box)
    click(root, tick.box)
    assert wait_until(root, lambda: mine.exists()), "the agent wrote the entry"
    assert tick.var.get() is True and [m["on"] for m in agent.loop.to_agent if m["type"] == "autostart"] == [True]
    click(root, tick.box)
    assert wait_until(root, lambda: not mine.exists())
    assert wait_until(root, lambda: tick.var.get() is False)


def test_this_week_in_the_window_process_reads_the_history_and_writes_nothing(root, agent, tmp_path):
    from datetime import date

    from agent.history import summary
    from agent.history.days import DayRow
    from agent.history.journal import Journal, Pending
    from agent.history.store import HistoryStore

    today = date.today()
    earlier = DayRow(today.isoformat(), sitting_s=5400, longest_bout_s=2700, prompts=4, taken=3,
                     sitting_limit_s=1800)
    now = DayRow(today.isoformat(), sitting_s=600, longest_bout_s=600, prompts=0, sitting_limit_s=1800)
    HistoryStore(tmp_path).write("an-earlier-run", [earlier], [])
    Journal(tmp_path).save(Pending({"this-run": [now]}, []))  # the agent's day so far, not yet in SQLite
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}

    asked = agent.week(None, tmp_path, today, None)
    window = agent.opened(asked.id, "the week window")
    expected = summary.build("week", today, [DayRow(today.isoformat(), sitting_s=6000, longest_bout_s=2700,
                                                    prompts=4, taken=3, sitting_limit_s=1800)])
    assert window.report.days[-1].sitting_s == 6000, "the history file and the pending file, added up"
    assert window.report.sentence == expected.sentence
    click(root, window.month_button)
    assert wait_until(root, lambda: window.report.span == "month") and len(window.report.days) == 30
    screenshot("window_process_week", screen_rect(window.top))
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    assert after == before, "the window process wrote to the history folder"
    window.destroy()
    (tmp_path / "history.sqlite3").write_bytes(b"not a database" * 100)  # the agent sets it aside, not the window
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    window = agent.opened(agent.week(None, tmp_path, today, None).id, "the week window, file unreadable")
    assert window.report.days[-1].sitting_s == 0  # an empty chart (the log says why)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_an_update_that_does_not_fit_the_window_is_logged_and_ignored(root, agent, caplog):
    from agent.settings import layers

    caplog.set_level(logging.WARNING, "agent.ui.host")
    asked = agent.settings(None, layers.load, lambda: None, None)
    window = agent.opened(asked.id, "the settings window")
    agent.loop.send("update", id=asked.id, args={"effective": "everything", "autostart": {}})
    assert wait_until(root, lambda: "ignored an update" in caplog.text)
    assert "field 'effective' missing or not dict" in caplog.text and window.is_open
