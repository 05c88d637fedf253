"""The tray's Settings entry, in fake time (the harness of tests/test_app.py): one window, and a
change saved there reaches the engine at once, without waiting for the next wake-up.
"""

from __future__ import annotations

import pytest

from agent.settings import user_settings
from agent.settings.live_settings import LiveSettings
from tests.test_app import MIN, Agent
from tests.test_layers import system_policy


class SettingsWindowSpy:
    """Stands in for agent.ui.settings_window.SettingsWindow: keeps what the app handed it."""

    def __init__(self, root, load, on_saved, geometry):
        self.root, self.load, self.on_saved, self.geometry = root, load, on_saved, geometry
        self.is_open, self.raised, self.refreshed = True, 0, 0

    def focus(self):
        self.raised += 1

    def refresh(self):
        self.refreshed += 1


@pytest.fixture
def agent():
    agent = Agent(live=LiveSettings())
    agent.opened = []
    agent.app.windows.settings = lambda *args: agent.opened.append(SettingsWindowSpy(*args)) or agent.opened[-1]
    return agent


def test_the_settings_entry_opens_one_window_and_a_second_click_raises_it(agent):
    agent.app.act("settings")
    [window] = agent.opened
    assert window.geometry == (0, 0, 1280, 800)
    assert window.load().values["breaks"]["sitting_limit_min"] == 30
    agent.app.act("settings")
    assert agent.opened == [window] and window.raised == 1
    assert agent.windows("notice") == []  # no "coming in a later version"
    window.is_open = False  # the user closed it: the next click opens a new one
    agent.app.act("settings")
    assert len(agent.opened) == 2


def test_a_change_saved_in_the_window_reaches_the_engine_at_once(agent):
    agent.work(10 * MIN)
    agent.app.act("settings")
    [window] = agent.opened
    user_settings.set_value("breaks.sitting_limit_min", 15)  # what the window does on Enter
    window.on_saved()
    # Asked of the engine directly: a status command would itself re-read the files.
    assert agent.app.rules.sit_limit_s == 15 * MIN
    status = agent.app.engine.status(agent.clock.monotonic())
    assert status.next_break_in_s == pytest.approx(5 * MIN, abs=3)
    assert window.load().origins["breaks.sitting_limit_min"] == "user"
    agent.work(5 * MIN + 5)
    assert len(agent.windows("break")) == 1


def test_a_policy_that_changes_while_the_window_is_open_is_shown_in_it(agent):
    agent.app.act("settings")
    [window] = agent.opened
    system_policy("[enforced.breaks]\nbreak_min = 3\n")
    agent.work(3 * MIN)  # the agent notices at its next wake-up
    assert window.refreshed >= 1 and window.load().locked("breaks.break_min")


def test_without_a_settings_window_the_entry_still_says_so():
    agent = Agent()
    agent.app.act("settings")
    assert agent.windows("notice")[-1].kwargs["args"][1] == "This part of Upright is coming in a later version."


def test_a_new_break_length_reaches_the_exercise_rotation():
    agent = Agent(live=LiveSettings())
    followed = []
    agent.app.windows.exercises.follow = lambda settings, break_s: followed.append(break_s)
    user_settings.set_value("breaks.break_min", 4)
    agent.app.settings_saved()
    assert agent.app.rules.break_s == 4 * 60 and followed == [4 * 60]
