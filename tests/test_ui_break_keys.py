"""Every keyboard case of the break window, on the real App with a real window.

The App runs on the real Tk root of the test X server with the real
:class:`BreakWindow`; only time is fake (a working half hour passes in
milliseconds). Real key presses (XTEST, to the focused window, as a person
types) go to the window, and each case is judged by what ``upright status
--json`` would print: the App's own ``status`` control reply.
"""

from __future__ import annotations

import pytest

from agent.content.exercises import load_library
from agent.core import Rules
from agent.live.app import App, Windows
from agent.sensing._dummy import DummySensing
from agent.sensing.suspend import SuspendDetector
from agent.settings import config
from agent.tray import DummyTray
from agent.ui import strings
from agent.ui.break_window import BreakWindow
from tests.test_app import FakeClock, FakeMailbox
from tests.ui_desktop import mapped_texts, pump, screen_rect, screenshot, wait_until, xdotool

MONITOR = (0, 0, 1280, 800)
EXERCISE = next(e for e in load_library() if e.id == "standing_back_extension")
MIN = 60.0


class LiveAgent:
    """The App on a real Tk root; the person at the desk types through `work`."""

    def __init__(self, root) -> None:
        settings = config.defaults()
        self.clock = FakeClock()
        self.root = root
        self.sensing = DummySensing(clock=self.clock.monotonic)
        self.sensing.idle = 30.0  # the user has stopped typing: the window may take the keyboard
        self.mailbox = FakeMailbox()
        windows = Windows(BreakWindow, lambda *a, **k: None, lambda *a, **k: None, lambda root: MONITOR,
                          lambda: [EXERCISE])
        suspend = SuspendDetector(lambda: self.clock.mono, lambda: self.clock.boot)
        self.app = App(root, Rules.from_config(settings), settings, self.sensing, DummyTray, windows,
                       self.clock, self.mailbox, suspend=suspend)
        self.app.start()

    def work(self, seconds: float, every: float = 5.0) -> None:
        end = self.clock.boot + seconds
        while self.clock.boot + every <= end:
            self.clock.advance(every)
            self.app._receive(("input", self.clock.boot))
        self.clock.advance(end - self.clock.boot)
        self.status()

    def status(self) -> dict:
        reply = self.app.control({"command": "status"})
        assert reply["ok"]
        return reply

    @property
    def window(self) -> BreakWindow | None:
        window = self.app._prompt_window
        return window if window is not None and window.is_open else None

    def stop(self) -> None:
        self.app.stop()


@pytest.fixture
def agent(root):
    agent = LiveAgent(root)
    yield agent
    agent.stop()
    pump(root, 0.05)


def due(root, agent: LiveAgent) -> BreakWindow:
    """Sit until the break is due; its window is open and has the keyboard."""
    agent.work(31 * MIN)
    assert agent.status()["state"] == "break_due"
    window = agent.window
    assert window is not None
    assert wait_until(root, lambda: window.top.winfo_viewable() and root.focus_get() is window.primary)
    return window


def tab_to(root, widget) -> None:
    for _ in range(20):
        if root.focus_get() is widget:
            return
        xdotool("key", "Tab")
        pump(root, 0.05)
    raise AssertionError(f"Tab never reached {widget.cget('text')!r}")


def key(root, name: str) -> None:
    xdotool("key", name)
    pump(root, 0.2)


@pytest.mark.parametrize("name", ["Return", "space"])
def test_tab_to_this_hurts_then_enter_or_space_never_starts_the_break(root, agent, name):
    window = due(root, agent)
    tab_to(root, window.hurts_button)
    key(root, name)
    status = agent.status()
    assert status["state"] == "break_due", "the break started from 'This hurts'"
    assert window.in_caution and strings.CAUTION in mapped_texts(window.top)
    key(root, name)  # the focus is on Close now
    assert agent.window is None
    assert agent.status()["today"]["breaks_taken"] == 0


@pytest.mark.parametrize("name", ["Return", "space"])
@pytest.mark.parametrize("target, counter", [("postpone_button", "postponed"), ("skip_button", "skipped")])
def test_tab_to_postpone_or_skip_then_enter_or_space(root, agent, name, target, counter):
    window = due(root, agent)
    tab_to(root, getattr(window, target))
    key(root, name)
    status = agent.status()
    assert status["state"] == "working" and agent.window is None
    assert status["today"][counter] == 1
    assert status["today"]["breaks_taken"] == 0


@pytest.mark.parametrize("name", ["Return", "space"])
def test_done_right_after_start_is_an_early_end_not_a_break_taken(root, agent, name):
    window = due(root, agent)
    key(root, name)  # Start (the offered focus)
    assert agent.status()["state"] == "on_break"
    assert window.postpone_button is None and window.skip_button is None
    key(root, "Escape")  # no postponing a break that is on
    assert agent.status()["state"] == "on_break" and agent.window is window
    key(root, name)  # Done a second later
    today = agent.status()["today"]
    assert agent.window is None
    assert today["breaks_taken"] == 0 and today["ended_early"] == 1


def test_done_once_most_of_the_break_passed_counts_it_taken(root, agent):
    due(root, agent)
    key(root, "Return")
    agent.clock.advance(100)  # of a 2-minute break
    key(root, "Return")
    today = agent.status()["today"]
    assert agent.window is None and today["breaks_taken"] == 1 and today["ended_early"] == 0


def test_esc_postpones_while_postpones_remain_then_does_nothing(root, agent):
    for n in range(1, 4):
        window = due(root, agent) if n == 1 else _next_prompt(root, agent)
        assert window.postpone_button is not None
        key(root, "Escape")
        status = agent.status()
        assert agent.window is None and status["state"] == "working" and status["today"]["postponed"] == n
    window = _next_prompt(root, agent)
    assert window.postpone_button is None
    assert "Postponed 3 times" in mapped_texts(window.top)
    pump(root, 0.3)  # the figure is drawn just after the window is mapped: the screenshot shows it
    screenshot("break_keys_postponed_3_times", screen_rect(window.top))
    key(root, "Escape")
    status = agent.status()
    assert agent.window is window and status["state"] == "break_due"
    assert status["today"]["postponed"] == 3 and status["today"]["skipped"] == 0


def _next_prompt(root, agent: LiveAgent) -> BreakWindow:
    agent.work(5 * MIN + 10)  # the default postpone
    window = agent.window
    assert window is not None and agent.status()["state"] == "break_due"
    assert wait_until(root, lambda: window.top.winfo_viewable() and root.focus_get() is window.primary)
    return window
