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
