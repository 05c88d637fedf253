"""The agent's exercise wiring, in fake time: the tray's Exercises entry, marks in the break window.

Builds on tests/test_app.py's Agent (the real App, a fake Tk root, recording windows).
"""

from __future__ import annotations

from datetime import date

from agent.content.exercise_choice import Rotation
from agent.content.exercise_state import ExerciseStateStore
from agent.content.exercises import load_library
from tests.test_app import MIN, Agent

LIBRARY = load_library()


class LibraryWindow:
    """Records how the exercises window was opened, and whether it was raised again."""

    def __init__(self, root, marks, geometry) -> None:
        self.marks, self.geometry, self.is_open, self.raised = marks, geometry, True, 0

    def focus(self) -> None:
        self.raised += 1


def agent_with_rotation(tmp_path) -> tuple[Agent, Rotation, list]:
    agent = Agent()
    rotation = Rotation(120, today=lambda: date(2026, 11, 23), load=lambda: LIBRARY,
                        store=ExerciseStateStore(tmp_path))
    opened: list[LibraryWindow] = []
    agent.app.windows.exercises = rotation
    agent.app.windows.library = lambda *args: opened.append(LibraryWindow(*args)) or opened[-1]
    return agent, rotation, opened


def test_the_exercises_entry_opens_the_library_once(tmp_path):
    agent, rotation, opened = agent_with_rotation(tmp_path)
    agent.app.act("exercises")
    assert [w.marks for w in opened] == [rotation] and opened[0].geometry == (0, 0, 1280, 800)
    assert agent.windows("break") == [], "the entry lists the exercises; it is not a break"
    agent.app.act("exercises")
    assert len(opened) == 1 and opened[0].raised == 1, "a second click raises the open window"
    opened[0].is_open = False
    agent.app.act("exercises")
    assert len(opened) == 2


def test_the_break_window_gets_the_rotation_to_mark_exercises(tmp_path):
    agent, rotation, _ = agent_with_rotation(tmp_path)
    agent.work(30 * MIN + 5)
    [window] = agent.windows()
    assert window.kwargs["marks"] is rotation
    exercises = window.kwargs["args"][1]
    assert exercises and all(e.id in rotation.state["shown"] for e in exercises)
    assert ExerciseStateStore(tmp_path).state["shown"] == [e.id for e in exercises], "kept for the next run"


def test_a_plain_list_of_exercises_has_no_marks():
    agent = Agent()  # test_app's windows: a lambda that returns ["exercise"]
    agent.work(30 * MIN + 5)
    [window] = agent.windows()
    assert window.kwargs["marks"] is None
    agent.app.act("exercises")  # no exercises window to open: nothing happens, nothing breaks
    assert len(agent.windows()) == 1


class FakeGuides:
    """The app's guides, recording which one was opened."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def open(self, action: str) -> None:
        self.opened.append(action)

    def run_chores(self) -> None:
        pass

    def seconds_until_chore(self):
        return None


def test_during_a_spasm_breaks_are_gentle_with_the_guide_one_click_away(tmp_path):
    """Issue 16: after the spasm guide records a start, breaks stop prompting trunk
    rotation and back extension; the break window links to the guide; the user can end it."""
    from datetime import datetime, timedelta

    now = datetime(2026, 11, 23, 10, 0)
    agent, _, _ = agent_with_rotation(tmp_path)
    rotation = Rotation(120, today=lambda: now.date(), load=lambda: LIBRARY, store=ExerciseStateStore(tmp_path),
                        now=lambda: now)
    agent.app.windows.exercises = rotation
    agent.app.guides = guides = FakeGuides()
    rotation.spasm_started(now - timedelta(hours=20))
    gentle = {"short_walk", "slow_breathing", "change_position"}
    shown = set()
    for _ in range(3):
        agent.work(30 * MIN + 5)
        window = agent.windows()[-1]
        shown |= {e.id for e in window.kwargs["args"][1]}
        assert set(window.kwargs) >= {"spasm_guide", "end_spasm"}
        window.kwargs["args"][2]("skip")
    assert shown == gentle
    window.kwargs["spasm_guide"]()
    assert guides.opened == ["spasm_guide"]
    window.kwargs["end_spasm"]()
    assert not rotation.in_spasm
    agent.work(30 * MIN + 5)
    window = agent.windows()[-1]
    assert "spasm_guide" not in window.kwargs, "usual breaks again"
