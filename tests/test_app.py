"""The live agent's own logic in fake time: wake-ups, clocks, prompts, control.

The real App runs against a fake Tk root (timers in fake time), the dummy
sensing backend, a dummy tray and recording windows, so a working day passes
in milliseconds and every wake-up is counted.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from agent.core import Rules
from agent.live.app import App, Windows
from agent.live.loop import WindowsUnavailable
from agent.sensing._base import SensingUnavailable
from agent.sensing._dummy import DummySensing
from agent.sensing.suspend import SuspendDetector
from agent.settings import config
from agent.settings.live_settings import LiveSettings
from agent.tray import DummyTray
from agent.ui import strings
from tests.test_layers import system_policy

MIN = 60.0


class FakeClock:
    """Monotonic and wall clocks that move only when told; the wall one can jump."""

    def __init__(self) -> None:
        self.mono = 1000.0
        self.boot = 1000.0
        self.wall_at = datetime(2026, 11, 23, 9, 0)

    def monotonic(self) -> float:
        return self.boot

    def wall(self) -> datetime:
        return self.wall_at

    def advance(self, seconds: float, asleep: bool = False) -> None:
        self.boot += seconds
        if not asleep:
            self.mono += seconds  # CLOCK_MONOTONIC stops during suspend; BOOTTIME does not
        self.wall_at += timedelta(seconds=seconds)


class FakeRoot:
    """Just enough of Tk: `after` timers in fake time, counted."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock, self.timers, self.next_id, self.fired = clock, {}, 0, 0

    def after(self, ms, fn):
        self.next_id += 1
        self.timers[self.next_id] = (self.clock.boot + ms / 1000, fn)
        return self.next_id

    def after_cancel(self, timer_id):
        self.timers.pop(timer_id, None)

    def quit(self):
        self.quitted = True

    def run_until(self, t: float) -> None:
        """Fire due timers in order until fake time `t`."""
        while True:
            due = [(when, tid) for tid, (when, _) in self.timers.items() if when <= t]
            if not due:
                break
            when, tid = min(due)
            _, fn = self.timers.pop(tid)
            self.clock.advance(max(0.0, when - self.clock.boot))
            self.fired += 1
            try:
                fn()
            except SensingUnavailable as exc:  # Tk hands a callback's exception to this hook
                self.report_callback_exception(type(exc), exc, exc.__traceback__)
        self.clock.advance(max(0.0, t - self.clock.boot))


class FakeMailbox:
    def __init__(self) -> None:
        self.queue = []

    def attach(self, root, handle):
        self.handle = handle

    def post(self, message):
        self.queue.append(message)

    def deliver(self):
        while self.queue:
            self.handle(self.queue.pop(0))


class Window:
    def __init__(self, kind, kwargs):
        self.kind, self.kwargs, self.open, self.focused = kind, kwargs, True, False

    def offer_focus(self):
        self.focused = True

    def destroy(self):
        self.open = False


class Agent:
    """An App in fake time, with a person that can type, leave and come back."""

    def __init__(self, live=None, history=None, session=None, guides=None, **overrides) -> None:
        """`guides(agent)`: makes the agent's Guides (the spasm guide's timer), if the test wants them."""
        settings = config.defaults() if live is None else live.values
        for dotted, value in overrides.items():
            section, key = dotted.split("__")
            settings[section][key] = value
        self.clock = FakeClock()
        self.root = FakeRoot(self.clock)
        self.mailbox = FakeMailbox()
        self.sensing = DummySensing(clock=self.clock.monotonic)
        self.shown: list[Window] = []
        self.display_gone = False  # Tk cannot open a window (the display went away)
        windows = Windows(self._window("break"), self._window("notice"), self._window("panel"),
                          lambda root: (0, 0, 1280, 800), lambda: ["exercise"])
        suspend = SuspendDetector(lambda: self.clock.mono, lambda: self.clock.boot)
        self.app = App(self.root, Rules.from_config(settings), settings, self.sensing, DummyTray, windows,
                       self.clock, self.mailbox, suspend=suspend, live=live,
                       history=history(self.clock) if history else None, session=session,
                       guides=guides(self) if guides else None)
        self.app.start()

    def _window(self, kind):
        def make(*args, **kwargs):
            if self.display_gone:
                raise WindowsUnavailable("Upright cannot open its windows on DISPLAY=:9: couldn't connect")
            window = Window(kind, {"args": args, **kwargs})
            self.shown.append(window)
            return window
        return make

    def work(self, seconds: float, every: float = 1.0) -> None:
        """Type every `every` seconds (armed listeners fire and post, as for real)."""
        end = self.clock.boot + seconds
        while self.clock.boot + every <= end:
            self.root.run_until(self.clock.boot + every)
            self.sensing.fire()
            self.mailbox.deliver()
        self.root.run_until(end)

    def away(self, seconds: float, asleep: bool = False) -> None:
        if asleep:
            self.clock.advance(seconds, asleep=True)
        self.root.run_until(self.clock.boot + (0 if asleep else seconds))
        self.mailbox.deliver()

    def windows(self, kind="break"):
        return [w for w in self.shown if w.kind == kind and w.open]

    def status(self):
        return self.app.control({"command": "status"})


def test_working_steadily_costs_at_most_one_wake_up_a_minute():
    agent = Agent()
    agent.work(1)
    before = agent.root.fired
    agent.work(25 * MIN, every=2.0)
    assert (agent.root.fired - before) / 25 <= 1.0
    assert agent.status()["sitting_s"] == pytest.approx(25 * MIN + 1, abs=3)


def test_nobody_there_means_no_timer_at_all():
    agent = Agent()
    agent.work(60)
    agent.away(10 * MIN)
    assert agent.status()["state"] == "away"
    assert agent.sensing.armed  # the first touch will be seen at once
    assert agent.root.timers == {}  # and nothing polls meanwhile


def test_break_window_opens_at_the_limit_and_done_restarts_the_clock():
    agent = Agent()
    agent.work(30 * MIN + 5)
    [window] = agent.windows()
    assert window.kwargs["can_postpone"] is True and window.kwargs["can_skip"] is True
    window.kwargs["args"][2]("start")
    assert agent.status()["state"] == "on_break"
    agent.away(100)  # most of the 2-minute break: "Done" sooner is an early end (test_ui_break_keys)
    window.kwargs["args"][2]("done")
    assert agent.windows() == []
    agent.work(10)
    status = agent.status()
    assert status["state"] == "working" and status["sitting_s"] < 15
    assert status["today"]["breaks_taken"] == 1


def test_no_window_for_an_empty_chair_until_the_user_returns():
    agent = Agent()
    agent.work(28 * MIN)
    agent.away(3 * MIN)  # the break came due after 2 min of this: idle beyond the 60 s grace
    assert agent.windows() == []
    assert agent.status()["state"] == "break_due"
    agent.work(2)
    assert len(agent.windows()) == 1


def test_without_windows_the_agent_keeps_counting_and_says_why(caplog):
    agent = Agent()
    agent.display_gone = True
    with caplog.at_level(logging.DEBUG, logger="agent"):
        agent.work(30 * MIN + 5)  # the notice and the prompt both fail to open
        agent.work(60)
    assert agent.shown == [] and agent.status()["state"] == "break_due"
    assert agent.root.timers  # the clock still runs: no wake-up was lost to the failure
    assert agent.app.tray.last[1] == "break_due"  # the tray still shows the break is due
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in errors] == ["Upright cannot open its windows on DISPLAY=:9: couldn't connect"]
    assert not any(r.exc_info for r in caplog.records)  # a plain line, no traceback
    reply = agent.app.control({"command": "break"})
    assert reply == {"ok": False, "error": "Upright cannot open its windows on DISPLAY=:9: couldn't connect"}
    agent.display_gone = False  # the display is back: the next window opens
    assert agent.app.control({"command": "break"})["ok"] is True
    assert len(agent.windows()) == 1


@pytest.mark.parametrize("dim", [False, True])
def test_the_other_monitors_are_dimmed_only_when_set(dim):
    agent, asked = Agent(breaks__dim_other_monitors=dim), []
    agent.app.windows.other_monitors = lambda root, monitor: asked.append(monitor) or [(1280, 0, 1920, 1080)]
    agent.app.act("break_now")
    [window] = agent.windows()
    assert window.kwargs["dim"] == ([(1280, 0, 1920, 1080)] if dim else [])
    assert asked == ([(0, 0, 1280, 800)] if dim else [])  # the monitor the window is on is not dimmed


def test_pre_break_notice_a_minute_ahead():
    agent = Agent()
    agent.work(28 * MIN + 30)
    assert agent.windows("notice") == []
    agent.work(40)
    [notice] = agent.windows("notice")
    assert "Break in 1 min" in notice.kwargs["args"][1]
    assert agent.windows() == []


def test_a_wall_clock_jump_neither_creates_nor_destroys_sitting():
    agent = Agent()
    agent.work(10 * MIN)
    agent.clock.wall_at -= timedelta(hours=2)  # the user (or NTP) sets the clock back
    agent.work(5 * MIN)
    agent.clock.wall_at += timedelta(hours=5)
    agent.work(5 * MIN)
    assert agent.status()["sitting_s"] == pytest.approx(20 * MIN, abs=3)


def test_fullscreen_holds_the_prompt_and_makes_it_up_afterwards():
    agent = Agent()
    agent.sensing.fullscreen = True
    agent.work(31 * MIN)
    assert agent.windows() == [] and agent.status()["state"] == "break_due"
    agent.sensing.fullscreen = False
    agent.work(31)
    assert len(agent.windows()) == 1


def test_camera_in_use_holds_the_prompt_unless_configured_off():
    agent = Agent()
    agent.sensing.camera = True
    agent.work(31 * MIN)
    assert agent.windows() == []
    other = Agent(do_not_disturb__camera=False)
    other.sensing.camera = True
    other.work(31 * MIN)
    assert len(other.windows()) == 1


def test_a_suspend_longer_than_a_natural_break_resets_the_clock():
    agent = Agent()
    agent.work(20 * MIN)
    agent.away(60 * MIN, asleep=True)  # lid closed for an hour
    agent.work(5)
    status = agent.status()
    assert status["sitting_s"] < 10 and status["today"]["natural_breaks"] == 1


def test_pause_holds_prompts_and_reports_when_it_ends():
    agent = Agent()
    agent.work(5)
    reply = agent.app.control({"command": "pause", "minutes": 60})
    assert reply["ok"] and reply["state"] == "paused"
    assert reply["paused_until"] == (agent.clock.wall_at + timedelta(minutes=60)).isoformat(timespec="seconds")
    agent.work(45 * MIN, every=5.0)
    assert agent.windows() == []
    agent.work(16 * MIN, every=5.0)
    assert len(agent.windows()) == 1


@pytest.mark.parametrize("minutes", [0, -5, "ten", True, 5000, None])
def test_bad_pause_requests_are_refused(minutes):
    agent = Agent()
    reply = agent.app.control({"command": "pause", "minutes": minutes})
    assert reply == {"ok": False, "error": "pause takes minutes between 0 and 1440"}


def test_unknown_control_command_is_refused():
    assert Agent().app.control({"command": "dance"}) == {"ok": False, "error": "unknown command 'dance'"}


def test_pause_until_tomorrow_ends_at_local_midnight():
    agent = Agent()
    agent.work(5)
    agent.app.act("pause_tomorrow")
    assert agent.status()["paused_until"] == "2026-11-24T00:00:00"


def test_break_window_takes_the_keyboard_only_after_typing_pauses():
    agent = Agent()
    agent.work(30 * MIN, every=0.5)
    [window] = agent.windows()
    assert window.focused is False  # opened mid-typing
    agent.away(3)
    assert window.focused is True


def test_a_break_the_user_asked_for_can_be_closed_without_counting_a_skip():
    agent = Agent()
    agent.work(5 * MIN)
    agent.app.act("break_now")
    [window] = agent.windows()
    assert window.kwargs["can_skip"] is True and window.kwargs["can_postpone"] is False
    window.kwargs["args"][2]("skip")
    assert agent.windows() == []
    assert agent.status()["today"]["skipped"] == 0


class FakeGuides:
    def __init__(self):
        self.opened, self.started, self.chores_run = [], None, 0

    def start(self, walkthrough):
        self.started = walkthrough

    def open(self, action):
        self.opened.append(action)

    def seconds_until_chore(self):
        return 3600.0

    def run_chores(self):
        self.chores_run += 1


def test_content_entries_and_chores_go_to_the_guides():
    guides = FakeGuides()
    agent = Agent()
    agent.app.guides = guides  # swap in the guides, then start again as the agent would
    agent.app.start()
    assert guides.started is True  # first-run walk-through on by default
    for action in ("posture", "lumbar", "spasm_guide", "lifting", "red_flags", "walkthrough"):
        agent.app.act(action)
    assert guides.opened == ["posture", "lumbar", "spasm_guide", "lifting", "red_flags", "walkthrough"]
    agent.away(90 * MIN)  # away: only the daily chore can wake the agent now
    assert guides.chores_run >= 1
    assert agent.root.timers  # a timer stays set for the next chore


def test_this_hurts_takes_the_shown_exercise_out_of_the_rotation():
    from types import SimpleNamespace

    class Rotation:
        def __init__(self):
            self.hurt_ids = []

        def __call__(self):
            return ["exercise"]

        def hurt(self, exercise_id):
            self.hurt_ids.append(exercise_id)

    agent = Agent()
    rotation = agent.app.windows.exercises = Rotation()
    agent.work(30 * MIN + 5)
    [window] = agent.windows()
    window.exercise = SimpleNamespace(id="seated_cat_cow")  # what the real window shows
    window.kwargs["args"][2]("hurts")
    assert rotation.hurt_ids == ["seated_cat_cow"]
    assert agent.status()["state"] == "break_due"  # the prompt stays until the caution is closed


# --- settings and policy ---------------------------------------------------------


def test_strict_breaks_offer_neither_postpone_nor_skip_and_say_who_decided():
    system_policy('[features]\nstrict_breaks = "required"\n')
    agent = Agent(live=LiveSettings())
    agent.work(30 * MIN + 5)
    [window] = agent.windows()
    assert window.kwargs["can_postpone"] is False and window.kwargs["can_skip"] is False
    window.kwargs["args"][2]("skip")  # a stale key press still cannot skip
    assert agent.status()["state"] == "break_due" and agent.windows() == [window]
    agent.app.act("postpone")
    assert agent.status()["state"] == "break_due"
    assert agent.windows("notice")[-1].kwargs["args"][1] == (
        "Postponing a break is turned off (managed by your organization).")


def test_skip_forbidden_by_policy_leaves_postpone():
    system_policy("[enforced.breaks]\nallow_skip = false\n")
    agent = Agent(live=LiveSettings())
    agent.work(30 * MIN + 5)
    [window] = agent.windows()
    assert window.kwargs["can_postpone"] is True and window.kwargs["can_skip"] is False


def test_a_policy_change_takes_effect_without_a_restart():
    path = system_policy("[enforced.breaks]\nsitting_limit_min = 30\n")
    agent = Agent(live=LiveSettings())
    agent.work(20 * MIN)
    path.write_text("[enforced.breaks]\nsitting_limit_min = 45\n")
    agent.work(15 * MIN)  # the old limit has passed: the new one counts the 20 min already sat
    assert agent.windows() == []
    assert agent.status()["next_break_in_s"] == pytest.approx(10 * MIN, abs=5)
    path.write_text("[enforced.breaks]\nsitting_limit_min = 45\n[enforced.features]\nstatistics = false\n")
    assert "today" not in agent.status()  # a control command looks too
    agent.work(10 * MIN + 5)
    assert len(agent.windows()) == 1


def test_a_broken_policy_edit_keeps_the_agent_on_the_defaults(caplog):
    path = system_policy("[enforced.breaks]\nsitting_limit_min = 40\n")
    agent = Agent(live=LiveSettings())
    agent.work(5 * MIN)
    path.write_text("[enforced.breaks\nsitting_limit_min = 40\n")
    agent.work(3 * MIN)
    assert agent.status()["next_break_in_s"] == pytest.approx(22 * MIN, abs=5)
    assert f"setting not used: {path}:1: TOML syntax error" in caplog.text


@pytest.mark.parametrize("reminders", [True, False])
def test_standing_reminders_can_be_turned_off(reminders):
    agent = Agent(features__standing_reminders=reminders, standing__limit_min=1)
    agent.work(5)
    agent.app.act("standing")
    agent.work(3 * MIN)
    said = [notice.kwargs["args"][1] for notice in agent.windows("notice")]
    assert set(said) == ({"You have been standing a while — sit for a bit or take a short walk"} if reminders else set())


def test_settings_listeners_hear_each_change_once():
    path = system_policy("[enforced.logging]\nlevel = \"error\"\n")
    live = LiveSettings()
    heard = []
    live.listeners.append(lambda values: heard.append(values["logging"]["level"]))
    assert live.changed() is False and heard == []
    path.write_text("[enforced.logging]\nlevel = \"debug\"\n")
    assert live.changed() is True and live.changed() is False
    assert heard == ["debug"]


def test_a_window_process_fault_shows_in_the_tray_and_in_upright_break():
    agent = Agent()
    agent.work(30 * MIN + 5)
    [window] = agent.windows()
    window.is_open = False  # what the window process's end does to its windows
    agent.app.window_fault("the window process was killed (SIGKILL)")
    assert "Windows: the window process was killed (SIGKILL)" in agent.app.tray.last[2]
    agent.work(60)
    assert agent.status()["state"] == "break_due"  # unanswered, and the clock runs on
    reply = agent.app.control({"command": "break"})
    assert reply["ok"] and reply["window_fault"] == "the window process was killed (SIGKILL)"
    agent.app.window_fault(None)  # a new process said hello
    assert "Windows:" not in agent.app.tray.last[2]
    assert "window_fault" not in agent.app.control({"command": "break"})


def test_the_pre_break_notice_has_the_windows_made_ready_for_the_break():
    agent = Agent()
    ready = []
    agent.app.windows.keep_ready = ready.append
    agent.work(29 * MIN + 5)
    assert [w.kwargs["args"][1] for w in agent.windows("notice")] == ["Break in 1 min — finish your sentence"]
    assert len(ready) == 1 and 60 <= ready[0] <= 125  # until the break, and a minute more


# --- status you can see: the panel's top line, and two seconds of confirmation ----------------


def _notices(agent):
    return [(w.kwargs["args"][1], w.kwargs["args"][3]) for w in agent.shown if w.kind == "notice"]


def test_the_panel_opens_with_the_status_line_and_the_postpone_setting():
    agent = Agent(breaks__postpone_min=0.5)
    agent.work(10 * MIN)
    agent.app.act("open_panel")
    [panel] = agent.windows("panel")
    assert panel.kwargs["status"] == "Sitting 10 min \u00b7 next break in 20 min"
    assert panel.kwargs["postpone_min"] == 0.5
    agent.work(21 * MIN)
    agent.app.act("open_panel")
    panel = agent.windows("panel")[-1]
    assert panel.kwargs["status"].startswith("Break due") and panel.kwargs["can_postpone"] is True
    agent.app.act("pause_30")
    agent.app.act("open_panel")
    assert agent.windows("panel")[-1].kwargs["status"] == "Paused until 10:01"  # 9:00 + 31 min + 30 min


def test_pause_postpone_and_skip_are_confirmed_for_two_seconds():
    agent = Agent()
    agent.work(31 * MIN)
    [window] = agent.windows()
    agent.app.act("postpone")
    assert _notices(agent)[-1] == ("Postponed: next break in 5 min", 2.0)
    agent.work(5 * MIN + 5)
    window = agent.windows()[-1]
    window.kwargs["args"][2]("skip")
    assert _notices(agent)[-1] == ("Break skipped: next break in 30 min", 2.0)
    agent.app.act("pause_60")
    assert _notices(agent)[-1] == ("Paused until 10:36", 2.0)
    agent.app.act("pause_tomorrow")
    assert _notices(agent)[-1] == ("Paused until tomorrow 00:00", 2.0)


def test_a_refused_postpone_is_not_confirmed():
    agent = Agent(breaks__max_postpones=1)
    agent.work(31 * MIN)
    agent.app.act("postpone")
    agent.work(5 * MIN + 5)
    before = len(_notices(agent))
    agent.app.act("postpone")  # none left: the engine ignores it
    assert len(_notices(agent)) == before


def test_listeners_slow_to_start_are_tried_again_and_do_not_end_the_session():
    """A loaded machine: the listeners miss their start deadline once. The session is still
    there, so the agent says so, tries again a few seconds later and sees the person return."""
    agent = Agent()
    ended = []
    agent.app.on_session_end = ended.append
    arm, failed = agent.sensing.arm, []

    def slow_once(notify):
        if not failed:
            failed.append(True)
            raise SensingUnavailable("The keyboard and mouse listeners did not start in time.", "restart",
                                     transient=True)
        arm(notify)

    agent.sensing.arm = slow_once
    agent.work(10 * MIN)
    agent.away(6 * MIN)
    assert failed and ended == []
    assert agent.sensing.armed  # tried again: the first touch is seen at once
    agent.work(2 * MIN)
    status = agent.status()
    assert status["state"] == "working" and status["today"]["natural_breaks"] == 1
    assert status["sitting_s"] < 3 * MIN


def test_today_opens_its_window_with_the_days_totals_and_a_second_click_shows_them_afresh():
    agent = Agent()
    agent.app.windows.today = agent._window("today")
    agent.work(20 * MIN)
    agent.app.act("today")
    [first] = agent.windows("today")
    assert first.kwargs["args"][1].sitting_s == pytest.approx(20 * MIN, abs=3)
    agent.work(5 * MIN)
    agent.app.act("today")
    [second] = agent.windows("today")
    assert second is not first and second.kwargs["args"][1].sitting_s == pytest.approx(25 * MIN, abs=3)
    assert agent.windows("notice") == []


def test_without_a_today_window_the_lines_come_as_a_notice_and_statistics_off_says_so():
    agent = Agent()
    agent.work(5 * MIN)
    agent.app.act("today")
    [notice] = agent.windows("notice")
    assert notice.kwargs["args"][1].split("\n")[2:4] == ["0 breaks taken",
                                                        "0 natural breaks (time away from the computer)"]
    agent = Agent(features__statistics=False)
    agent.app.windows.today = agent._window("today")
    agent.app.act("today")
    assert agent.windows("today") == [] and agent.windows("notice")[0].kwargs["args"][1] == strings.TODAY_OFF
