"""The live agent: wires sensing, the engine, the tray and the windows together.

Everything here runs on the Tk thread. Other threads (tray, listeners, the
control socket, signals) only post messages through the `Mailbox`. The agent
wakes up at computed deadlines — the engine's next decision, the pre-break
notice, the next icon step — never on a fast tick, so it costs nothing while
the user works. Its `root` is `agent.live.loop.Loop`, which starts Tk only when the
first window opens (the window factories ask it for the real root).
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable

from agent.core import Decision, Engine, Rules
from agent.core import events as ev
from agent.live.activity import ActivityMonitor
from agent.live.guides import ACTIONS as GUIDE_ACTIONS
from agent.live.loop import WindowsUnavailable
from agent.live.mailbox import Mailbox
from agent.sensing import SensingUnavailable
from agent.sensing.suspend import SuspendDetector
from agent.tray import tooltip_text
from agent.ui import strings  # the words only: no Tk until the first window

if TYPE_CHECKING:
    import tkinter

    from agent.live.loop import Loop

log = logging.getLogger("agent")

TICK_S = 120.0  # longest sleep while a bout runs: the tray ring moves in steps this long
NOTICE_BEFORE_S = 60.0  # "Break in 1 min — finish your sentence"
DND_RECHECK_S = 30.0  # while a prompt is held for a presentation or a call (at most)
FOCUS_IDLE_S = 2.0  # the break window takes the keyboard only once typing has paused
SUSPEND_MIN_S = 5.0  # a clock gap longer than this was a suspend, not a slow wake-up
REPLY_TIMEOUT_S = 5.0
SENSING_RETRY_S = 5.0  # listeners slow to start (a loaded machine): the next try
CONFIRM_S = 2.0  # "Paused until 14:30", "Postponed: next break in 5 min": long enough to see it took
SAVE_TOTALS_EVERY_S = 60.0  # today's totals reach the history at most this often (at wake-ups too)


@dataclass
class Windows:
    """The Tk windows the agent shows; built by `agent.ui`, injected for tests."""

    break_window: Callable[..., Any]
    notice: Callable[..., Any]
    panel: Callable[..., Any]
    geometry: Callable[[tkinter.Tk], tuple[int, int, int, int]]
    exercises: Callable[[], list]  # the rotation: each call, the next break's exercises
    library: Callable[..., Any] | None = None  # the exercises window (favourite, hide, show again)
    settings: Callable[..., Any] | None = None  # the Settings window (agent.ui.settings_window)
    other_monitors: Callable[..., list] | None = None  # (root, monitor) -> the monitors to dim
    keep_ready: Callable[[float], None] | None = None  # seconds: have windows ready that soon (window process)
    week: Callable[..., Any] | None = None  # the "This week" window (agent.ui.week_window)
    today: Callable[..., Any] | None = None  # (root, totals, geometry): the Today window (agent.ui.today_window)


class App:
    """One user's agent session."""

    def __init__(self, root: Loop, rules: Rules, settings: dict, sensing, tray_factory, windows: Windows,
                 clock, mailbox: Mailbox, suspend: SuspendDetector | None = None, guides=None,
                 live=None, history=None, session=None) -> None:
        self.root, self.rules, self.settings = root, rules, settings
        self.live = live  # LiveSettings: re-read when a policy or settings file changes; None in some tests
        self.clock, self.mailbox, self.windows = clock, mailbox, windows
        self.engine = Engine(rules, start=clock.monotonic())
        self.sensing = sensing
        self.monitor = ActivityMonitor(sensing, lambda t: mailbox.post(("input", t)),
                                       arm_after_s=min(rules.prompt_idle_grace_s, rules.natural_break_s) or 1.0)
        self.suspend = suspend or SuspendDetector()
        self.guides = guides  # checklists, spasm guide, walk-through (agent.live.guides); None in some tests
        self.packs = getattr(guides, "packs", None)  # the spasm guide's cold-pack timer (agent.live.pack_watch)
        if self.packs is not None:
            self.packs.on_change = self._pack_changed
        self.tray = tray_factory(lambda action: mailbox.post(("action", action)))
        self._locked = False
        self._timer: str | None = None
        self._prompt_window = None  # the open break window
        self._started = False  # the user pressed Start in it
        self._held: Decision | None = None  # prompt held by do-not-disturb
        self._noticed_at_sitting: float | None = None  # the threshold the pre-notice was shown for
        self._panel = None
        self._library = None  # the open exercises window
        self._settings_window = None  # the open Settings window
        self._week = None  # the open "This week" window
        self._today = None  # the open Today window
        self._window_error: str | None = None  # why the last window could not open, if it could not
        self._window_fault: str | None = None  # what befell the window process last, until one works again
        self.on_quit: Callable[[], None] = root.quit
        self.history = history  # HistoryRecorder (agent.live.history_recorder); None in some tests
        if history is not None:
            history.follow(settings, self.engine.now, self.engine)
        self.session = session  # agent.live.session_state.SessionStore; None in some tests
        self._saved: tuple | None = None  # (paused_until, standing) as last saved
        self._saved_at = float("-inf")
        self._totals_day: str | None = None  # the calendar day the engine's totals began (the agent's start)
        #: The desktop went away (reason): `upright run` saves, removes the socket and exits.
        self.on_session_end: Callable[[str], None] = self._end_quietly

    # --- lifetime ---------------------------------------------------------

    def start(self) -> None:
        self.root.report_callback_exception = self._report
        self.mailbox.attach(self.root, self._receive)
        self._restore_session()
        self.sensing.watch_lock(lambda: self.mailbox.post(("lock",)))
        self.sensing.watch_session(lambda reason: self.mailbox.post(("session_end", reason)))
        self.tray.start()
        if self.guides is not None:
            walkthrough = self.settings["checklists"]["first_run_walkthrough"]
            self._window(lambda: self.guides.start(walkthrough=walkthrough))
        self._wake()

    def _report(self, kind, value, tb) -> None:
        """A callback raised: the display gone ends the session; anything else is logged, and life goes on."""
        if isinstance(value, SensingUnavailable) and value.transient:
            log.warning("%s Trying again in %.0f s.", value.message, SENSING_RETRY_S)
            if self._timer is None:  # the wake-up that raised set none
                self._timer = self.root.after(int(SENSING_RETRY_S * 1000), self._wake)
        elif isinstance(value, SensingUnavailable):
            self.on_session_end(value.message)
        else:
            log.error("internal error", exc_info=(kind, value, tb))

    def _end_quietly(self, reason: str) -> None:
        log.warning("the desktop session ended (%s); stopping", reason)
        self.on_quit()

    def stop(self) -> None:
        self.save_session(force=True)
        if self._timer is not None:
            self.root.after_cancel(self._timer)
            self._timer = None
        self._close_prompt()
        if self.history is not None:
            self.history.wake(self._engine_time(self.clock.monotonic()), self.engine, final=True)
        self.tray.stop()
        self.sensing.close()

    # --- messages from other threads --------------------------------------

    def _receive(self, message: tuple) -> None:
        kind = message[0]
        if kind == "input":
            self._roll_day(self._engine_time(self.clock.monotonic()))
            self._apply(self.engine.input(self._engine_time(self.monitor.hit(message[1]))))
            self._reschedule()
        elif kind == "lock":  # a locker announced a lock or unlock: follow it now, not at the next wake-up
            self._catch_up()
            self._reschedule()
        elif kind == "action":
            self.act(message[1])
        elif kind == "control":
            _, request, box = message
            box.reply = self.control(request)
            box.done.set()
        elif kind == "call":  # e.g. a message from the window process (agent.live.window_process)
            message[1]()
        elif kind == "quit":
            self.on_quit()
        elif kind == "session_end":
            self.on_session_end(message[1])

    # --- the one timer ----------------------------------------------------

    def _wake(self) -> None:
        """Read the sensors, let the engine catch up, show what fell due, sleep again."""
        self._timer = None
        now = self._catch_up()
        self._follow_settings(now)
        if self.guides is not None:
            self._window(self.guides.run_chores)
        if self._held is not None and not self._busy():
            held, self._held = self._held, None
            makeup = self.settings["do_not_disturb"]["makeup_break"]
            log.info("do-not-disturb ended: %s", "make-up break" if makeup else "the held prompt is dropped")
            if makeup:
                self._show_prompt(held)
        self._maybe_notice(self.engine.status(now))
        self._reschedule()
        if self.history is not None:
            self.history.wake(now, self.engine)
        self.save_session(now)

    def _roll_day(self, now: float) -> None:
        """Local midnight passed: the engine starts a new day's totals (and the history a new row)."""
        self._totals_day = self.clock.wall().date().isoformat()  # the session file's totals are the new day's
        if self.history is not None:
            self.history.roll_day(now, self.engine)

    def _catch_up(self) -> float:
        """Read the sensors and let the engine reach the present; returns now."""
        now = self.clock.monotonic()
        self._roll_day(self._engine_time(now))
        slept = self.suspend.check()
        seen = self.monitor.check(now, trust_idle=slept < SUSPEND_MIN_S)
        if seen is not None:
            self._apply(self.engine.input(self._engine_time(seen)))
        self._follow_lock(now)
        self._apply(self.engine.advance(now))
        return now

    def _reschedule(self) -> None:
        now = self.clock.monotonic()
        if self._timer is not None:
            self.root.after_cancel(self._timer)
            self._timer = None
        status = self.engine.status(now)
        if self.history is not None:
            self.history.observe(now, self.engine, status.state)
        wake = self._next_wake(now, status)
        log.debug("%s, sitting %.0f s; next wake-up in %.1f s", status.state, status.sitting_s, wake - now)
        if wake != float("inf"):  # else nothing can fall due: an armed listener or the user wakes us
            self._timer = self.root.after(int(max(0.05, wake - now) * 1000), self._wake)
        self._refresh_tray(now, status)

    def _next_wake(self, now: float, status) -> float:
        """The earliest moment something could change, at most a tick away while a bout runs."""
        deadline = self.engine.next_deadline()
        candidates = [float("inf") if deadline is None else deadline]
        if status.state == "working":
            candidates.append(now + TICK_S)
            if self._notice_pending(status):
                candidates.append(now + max(0.0, status.next_break_in_s - NOTICE_BEFORE_S))
        if self._held is not None:
            candidates.append(now + min(DND_RECHECK_S, self.rules.sit_limit_s / 4))
        if not self.sensing.armed and status.state != "working":
            candidates.append(now + TICK_S)  # e.g. a listener that could not arm
        chore_in = self.guides.seconds_until_chore() if self.guides is not None else None
        if chore_in is not None:
            candidates.append(now + chore_in)
        return max(now, min(candidates))

    def _engine_time(self, t: float) -> float:
        return max(t, self.engine.now)

    def _follow_lock(self, now: float) -> None:
        locked = bool(self.sensing.screen_locked())
        if locked != self._locked:
            self._locked = locked
            self._apply(self.engine.feed(now, ev.LOCK if locked else ev.UNLOCK))

    # --- decisions --------------------------------------------------------

    def _apply(self, decisions) -> None:
        for decision in decisions:
            log.info("decision %s %s", decision.type, decision.fields)
            if decision.type in ev.PROMPTS:
                self._noticed_at_sitting = None
                if self._busy():
                    log.info("break prompt held: do not disturb (full screen or camera)")
                    self._held = decision
                    if self.history is not None:
                        self.history.held(self.engine.now)
                else:
                    self._show_prompt(decision)
            elif decision.type == ev.NATURAL_BREAK:
                self._held = None
                if self.history is not None:
                    self.history.natural_break(decision, self.engine.now)
                if not self._started:
                    self._close_prompt()
            elif decision.type == ev.POSITION_CHANGE_DUE and not self._feature("standing_reminders"):
                log.info("standing reminder not shown: turned off")
            elif decision.type in (ev.POSITION_CHANGE_DUE, ev.MOVE_DUE, ev.SIT_DUE):
                self._notice(getattr(strings, _NOTICES[decision.type]))

    def _feature(self, name: str) -> bool:
        return bool(self.settings["features"][name])

    def _follow_settings(self, now: float) -> None:
        """Take up a changed policy or settings file: new limits count the sitting so far."""
        if self.live is None or not self.live.changed():
            return
        self.settings = self.live.values
        if self._settings_window is not None and self._settings_window.is_open:
            self._settings_window.refresh()  # e.g. a policy changed while it is open
        if self.history is not None:
            self.history.follow(self.settings, now, self.engine)
        rules = Rules.from_config(self.settings)
        if rules != self.rules:
            self.rules = rules
            self._apply(self.engine.set_rules(now, rules))
        follow = getattr(self.windows.exercises, "follow", None)  # a test's plain list has none
        if follow is not None:
            follow(self.settings, rules.break_s)

    def _busy(self) -> bool:
        """Do not disturb: a presentation, a video, a call."""
        dnd = self.settings["do_not_disturb"]
        return bool((dnd["fullscreen"] and self.sensing.fullscreen_active())
                    or (dnd["camera"] and self.sensing.camera_in_use()))

    def _notice_pending(self, status) -> bool:
        """A pre-break notice is still owed for the coming prompt.

        A minute's warning makes sense only before a limit several minutes long,
        and once per prompt: the prompt is known by the sitting it falls due at.
        """
        return (status.next_break_in_s is not None and self.rules.sit_limit_s >= 3 * NOTICE_BEFORE_S
                and self._noticed_at_sitting != _due_at_sitting(status))

    def _maybe_notice(self, status) -> None:
        if status.state != "working" or not self._notice_pending(status):
            return
        if 0 < status.next_break_in_s <= NOTICE_BEFORE_S + 0.5:
            self._noticed_at_sitting = _due_at_sitting(status)
            self._notice(break_soon_text())
            if self.windows.keep_ready is not None:  # the break window then opens at once
                self.windows.keep_ready(status.next_break_in_s + NOTICE_BEFORE_S)

    # --- windows ----------------------------------------------------------

    def _show_prompt(self, decision: Decision | None) -> None:
        """Open the break window (a due prompt, or the user asked for a break)."""
        self._close_prompt()
        log.info("break prompt shown (%s)", "due" if decision else "asked for")
        can_postpone = bool(decision and decision.fields.get("can_postpone")) and self._may("postpone")
        self._started = False
        postponed = self.engine.postpones if decision else 0
        self._prompt_window = self._window(lambda: self._open_break_window(can_postpone, postponed))
        if self._prompt_window is not None:
            self._offer_focus()

    def _open_break_window(self, can_postpone: bool, postponed: int = 0):
        """The break window on the monitor with the pointer, the others dimmed if so set.

        ``postponed``: the postpones in a row before it, which it shows when none is left.
        """
        monitor, dim = self.windows.geometry(self.root), []
        if self.windows.other_monitors is not None and self.settings["breaks"]["dim_other_monitors"]:
            dim = self.windows.other_monitors(self.root, monitor)
        return self.windows.break_window(
            self.root, self.windows.exercises(), self._choose, can_postpone=can_postpone,
            can_skip=self._may("skip"), break_s=self.rules.break_s, postpone_min=self.rules.postpone_s / 60,
            postponed=postponed, geometry=monitor, marks=self._marks(), dim=dim, **self._spasm_links())

    def _spasm_links(self) -> dict:
        """During a recorded spasm (the rotation then offers only gentle movement): the
        spasm guide one click from the break window, and "My back is better"."""
        rotation = self._marks()
        if rotation is None or self.guides is None or not getattr(rotation, "in_spasm", False):
            return {}
        return {"spasm_guide": lambda: self._window(lambda: self.guides.open("spasm_guide")),
                "end_spasm": rotation.end_spasm}

    def _window(self, open_window: Callable[[], Any]) -> Any:
        """The window `open_window` makes, or None when no window can open.

        Tk starts at the first window, maybe hours after the display was
        checked; if it cannot, the agent keeps counting, the tray still shows
        a due break, and the log says why, once until a window opens again.
        """
        try:
            window = open_window()
        except WindowsUnavailable as err:
            (log.debug if self._window_error == str(err) else log.error)("%s", err)
            self._window_error = str(err)
            return None
        self._window_error = None
        return window

    def window_fault(self, text: str | None) -> None:
        """The window process crashed, hung or was killed (`text`), or works again (None).

        Counting goes on; an open break window is gone unanswered, so the
        engine's prompt stays due, and the tray says what happened.
        """
        self._window_fault = text
        if text is not None and self._prompt_window is not None and not self._prompt_window.is_open:
            self._prompt_window, self._started = None, False
        self._reschedule()

    def _marks(self):
        """The rotation, if it keeps favourites and hidden exercises (a test's list does not)."""
        return self.windows.exercises if hasattr(self.windows.exercises, "favourite") else None

    def _open_library(self) -> None:
        """The exercises window; a second click raises the open one."""
        if self._library is not None and self._library.is_open:
            self._library.focus()
        elif self.windows.library is not None and self._marks() is not None:
            self._library = self._window(
                lambda: self.windows.library(self.root, self._marks(), self.windows.geometry(self.root)))

    def _may(self, answer: str) -> bool:
        """Whether the user may put a break off ("postpone") or drop it ("skip")."""
        if self._feature("strict_breaks"):
            return False
        return answer != "skip" or bool(self.settings["breaks"]["allow_skip"])

    def _refused(self, answer: str) -> str | None:
        """Why `answer` is not offered, in the user's words; None if it is."""
        if self._may(answer):
            return None
        managed = self.live is not None and (self.live.locked("features.strict_breaks")
                                             or (answer == "skip" and self.live.locked("breaks.allow_skip")))
        if answer == "postpone":
            return strings.POSTPONING_OFF_MANAGED if managed else strings.POSTPONING_OFF
        return strings.SKIPPING_OFF_MANAGED if managed else strings.SKIPPING_OFF

    def _offer_focus(self) -> None:
        """Take the keyboard only when the user has paused typing."""
        if self._prompt_window is None:
            return
        idle = self.sensing.idle_seconds()
        if idle is None or idle >= FOCUS_IDLE_S:
            self._prompt_window.offer_focus()
        else:
            self.root.after(int((FOCUS_IDLE_S - idle) * 1000) + 50, self._offer_focus)

    def _close_prompt(self) -> None:
        if self._prompt_window is not None:
            window, self._prompt_window = self._prompt_window, None
            _destroy(window)

    def _choose(self, choice: str) -> None:
        """The user's answer in the break window."""
        now = self._engine_time(self.clock.monotonic())
        log.info("break window: %s", _CHOICES_LOGGED.get(choice, "other choice"))
        if choice == "start":
            self._started = True
            self._apply(self.engine.feed(now, ev.BREAK_START))
        elif choice == "done":
            if not self._started:
                self._apply(self.engine.feed(now, ev.BREAK_START))
            early = self.engine.totals.ended_early
            self._apply(self.engine.feed(now, ev.BREAK_END))
            log.info("break %s", "ended early" if self.engine.totals.ended_early > early else "taken")
            self._started = False
            self._close_prompt()
        elif choice == "hurts":
            hurt = getattr(self.windows.exercises, "hurt", None)
            if hurt is not None and self._prompt_window is not None:
                hurt(self._prompt_window.exercise.id)  # never shown again; the window shows the caution
        elif choice in ("postpone", "skip") and self._refused(choice):
            log.info("break window: %s refused by settings", choice)
        elif choice in ("postpone", "skip"):
            if self.engine.status(now).state == "break_due":  # else a break the user asked for: just close
                decisions = self.engine.feed(now, choice)
                self._apply(decisions)
                self._confirm_answer(choice, decisions)
            self._close_prompt()
        self._reschedule()

    def _confirm_answer(self, answer: str, decisions) -> None:
        """Postpone or skip took: say when the next break comes (unless the engine refused it)."""
        if any(d.type == ev.IGNORED for d in decisions):
            return
        next_in = self.engine.status(self.engine.now).next_break_in_s
        if next_in is None:
            return
        template = strings.CONFIRM_POSTPONED if answer == "postpone" else strings.CONFIRM_SKIPPED
        self._confirm(template.format(duration=strings.duration(next_in)))

    def _confirm(self, text: str) -> None:
        """A notice for `CONFIRM_S`: the action the user just took, seen to take."""
        self._window(lambda: self.windows.notice(self.root, text, self.windows.geometry(self.root), CONFIRM_S))

    def _notice(self, text: str) -> None:
        self._window(lambda: self.windows.notice(self.root, text, self.windows.geometry(self.root), 8))

    # --- actions from the tray, the panel and the command line ------------

    def act(self, action: str) -> None:
        now = self._engine_time(self.clock.monotonic())
        log.info("action: %s", action)
        if action == "open_panel":
            self._open_panel(now)
        elif action == "break_now":
            self._show_prompt(None)
        elif action == "postpone" and (refusal := self._refused("postpone")):
            self._notice(refusal)
        elif action in ("today", "this_week") and not self._feature("statistics"):
            self._notice(strings.TODAY_OFF if action == "today" else strings.HISTORY_OFF)
        elif action in ("postpone", "standing", "sitting"):
            decisions = self.engine.feed(now, action)
            self._apply(decisions)
            if action == "postpone":
                self._close_prompt()
                self._confirm_answer(action, decisions)
        elif action.startswith("pause_"):
            self.pause(now, _pause_seconds(action[6:], self.clock.wall()))
        elif action == "resume":
            self._apply(self.engine.resume(now))
        elif action == "today":
            self._open_today(now)
        elif action == "exercises":
            self._open_library()
        elif action == "this_week" and self.windows.week is not None and self.history is not None:
            self._open_week(now)
        elif self.guides is not None and action in GUIDE_ACTIONS:
            self._window(lambda: self.guides.open(action))
        elif action == "settings" and self.windows.settings is not None:
            self._open_settings()
        elif action == "quit":
            self.on_quit()
        else:
            self._notice(strings.COMING_LATER)
        self._reschedule()
        self.save_session(now)

    def pause(self, now: float, seconds: float) -> None:
        log.info("paused for %.1f min", seconds / 60)
        self._close_prompt()
        self._held = None
        self._apply(self.engine.pause(now, now + seconds))
        status = self.engine.status(now)
        self._confirm(tooltip_text(None, None, "paused", paused_until=self._paused_until(status, now),
                                   now=self.clock.wall()))

    def _open_panel(self, now: float) -> None:
        status = self.engine.status(now)
        if self._panel is not None:
            _destroy(self._panel)
        self._panel = self._window(lambda: self.windows.panel(
            self.root, self.act, self.windows.geometry(self.root), paused=status.state == "paused",
            standing=status.standing, can_postpone=status.state == "break_due" and self._may("postpone"),
            postpone_min=self.rules.postpone_s / 60, status=self._status_line(now, status),
        ))

    def _pack_changed(self) -> None:
        """A cold pack or heat timer started or ended: the tray says so, the wake-up and the file follow."""
        self._reschedule()
        self.save_session()

    def _open_today(self, now: float) -> None:
        """The Today window, afresh at each click (the totals move on); a notice without one."""
        totals = self.engine.totals_at(now)
        if self.windows.today is None:
            self._notice(today_text(totals))
            return
        if self._today is not None:
            _destroy(self._today)
        self._today = self._window(lambda: self.windows.today(self.root, totals, self.windows.geometry(self.root)))

    def _open_week(self, now: float) -> None:
        """The "This week" window, one at a time; the day so far is written first, so it shows."""
        if self._week is not None and self._week.is_open:
            self._week.focus()
            return
        self.history.write_now(now, self.engine)
        self._week = self._window(lambda: self.windows.week(self.root, self.history.directory,
                                                            self.clock.wall().date(), self.windows.geometry(self.root)))

    def _open_settings(self) -> None:
        """The Settings window, one at a time: a second click raises it."""
        window = self._settings_window
        if window is not None and window.is_open:
            window.focus()
            return
        self._follow_settings(self._catch_up())  # show the files as they are now
        self._settings_window = self._window(lambda: self.windows.settings(
            self.root, lambda: self.live.effective if self.live is not None else _load_layers(),
            self.settings_saved, self.windows.geometry(self.root)))

    def settings_saved(self) -> None:
        """The Settings window wrote the user's file: take the change up now, not at the next wake-up."""
        self._follow_settings(self._catch_up())
        self._reschedule()

    def control(self, request: dict) -> dict:
        """A command from `upright status|break|pause|...`, on the Tk thread."""
        command = request["command"]
        now = self._catch_up()
        self._follow_settings(now)
        if command == "status":
            return {"ok": True, **self.status(now)}
        if command == "pause":
            minutes = request.get("minutes")
            if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not 0 < minutes <= 24 * 60:
                return {"ok": False, "error": "pause takes minutes between 0 and 1440"}
            self.pause(now, minutes * 60)
        elif command in _CONTROL_ACTIONS:
            self._window_error = None
            self.act(_CONTROL_ACTIONS[command])
            if command == "break" and self._window_error is not None:
                return {"ok": False, "error": self._window_error}
            if command == "break" and self._window_fault is not None:
                reply = {"ok": True, **self.status(now), "window_fault": self._window_fault}
                self._reschedule()
                self.save_session(now)
                return reply
        elif command == "history_forget":
            if self.history is not None:
                self.history.forget(now, self.engine)
        elif command == "quit":
            self.mailbox.post(("quit",))  # after this reply is sent
        else:
            return {"ok": False, "error": f"unknown command {command!r}"}
        self._reschedule()
        self.save_session(now)
        return {"ok": True, **self.status(now)}

    # --- what survives a restart (agent.live.session_state) ---------------

    def save_session(self, now: float | None = None, force: bool = False) -> None:
        """Write the pause and standing (the session file) and today's totals (the history): at once
        when the first two change (or `force`: the agent stops), else at most every
        SAVE_TOTALS_EVERY_S. Safe to call at any moment, never raises."""
        try:
            now = self.clock.monotonic() if now is None else now
            status = self.engine.status(now)
            pack = self.packs.to_json() if self.packs is not None else None
            key = (status.paused_until, status.standing, str(pack))
            if key == self._saved and now - self._saved_at < SAVE_TOTALS_EVERY_S and not force:
                return
            self._saved, self._saved_at = key, now  # a failed save (disk full) is tried again in a minute
            if self.history is not None:
                self.history.wake(now, self.engine)
            if self.session is not None:
                from agent.live.session_state import snapshot

                self.session.save(snapshot(self._totals_day or self.clock.wall().date().isoformat(),
                                           self._paused_until(status, now), status.standing, pack))
        except Exception:  # noqa: BLE001 - a lost save must never cost the session
            log.warning("could not save the session state", exc_info=True)

    def _restore_session(self) -> None:
        """Take up what a killed agent saved: today's totals from the history, a pause still running
        (whatever the day), and standing if its file began today (an agent that ran past midnight
        saved yesterday's)."""
        wall, now = self.clock.wall(), self.clock.monotonic()
        self._totals_day = wall.date().isoformat()
        counted = self.history.counted_today() if self.history is not None else None
        if counted is not None:  # the earlier runs of today, from the history (each counted once)
            self.engine.totals = counted
        if self.session is None:
            return
        saved = self.session.state
        same_day = saved.get("day") == self._totals_day
        if same_day and saved.get("standing"):
            self._apply(self.engine.feed(now, ev.STANDING))
        until = saved.get("paused_until")
        left = (datetime.fromisoformat(until) - wall).total_seconds() if until else 0.0
        if left > 0:
            self._apply(self.engine.pause(now, now + left))
        if saved.get("pack") and self.packs is not None:  # a cold pack still on: still taken off on time
            self.packs.restore(saved["pack"])
        if same_day or left > 0:
            log.info("took up the saved session: %s, %s", "paused" if left > 0 else "not paused",
                     "standing" if same_day and saved.get("standing") else "sitting")
        self._saved, self._saved_at = None, float("-inf")

    def _paused_until(self, status, now: float) -> datetime | None:
        """The end of a pause on the wall clock (the engine keeps it on the monotonic one)."""
        if status.paused_until is None:
            return None
        return self.clock.wall() + timedelta(seconds=status.paused_until - now)

    def status(self, now: float) -> dict:
        status = self.engine.status(now)
        paused_until = self._paused_until(status, now)
        if paused_until is not None:
            paused_until = paused_until.isoformat(timespec="seconds")
        return {
            "state": status.state,
            "sitting_s": round(status.sitting_s, 1),
            "next_break_in_s": None if status.next_break_in_s is None else round(status.next_break_in_s, 1),
            "standing": status.standing,
            "paused_until": paused_until,
            **({"today": {k: round(v, 1) for k, v in self.engine.totals_at(now).as_dict().items()}}
               if self._feature("statistics") else {}),
        }

    def _refresh_tray(self, now: float, status) -> None:
        limit = self.rules.sit_limit_s
        progress = min(1.0, status.sitting_s / limit) if limit else 0.0
        self.tray.update(progress, _tray_state(status), self._status_line(now, status))

    def _status_line(self, now: float, status) -> str:
        """The tray's tooltip, also the panel's top line (a tray host may show no tooltip).

        E.g. "Sitting 18 min · next break in 12 min", "Paused until 14:30".
        """
        line = tooltip_text(status.sitting_s, status.next_break_in_s, _tray_state(status), status.standing,
                            standing_s=status.standing_s, paused_until=self._paused_until(status, now),
                            now=self.clock.wall())
        pack = self.packs.status_line() if self.packs is not None else None
        if pack is not None:  # "Cold pack off at 14:35"
            line += f"\n{pack}"
        if self._window_fault is not None:  # the window process crashed, hung or was killed
            line += f"\nWindows: {self._window_fault}"
        return line


def _tray_state(status) -> str:
    state = _TRAY_STATE.get(status.state, "working")
    return "standing" if state == "working" and status.standing else state


class Reply:
    """A control request waiting for the Tk thread's answer."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.reply: dict | None = None


def ask(mailbox: Mailbox, request: dict) -> dict:
    """Called on the control socket's thread: hand over and wait, bounded."""
    box = Reply()
    mailbox.post(("control", request, box))
    if not box.done.wait(REPLY_TIMEOUT_S):
        return {"ok": False, "error": "the agent did not answer in time"}
    return box.reply


_CHOICES_LOGGED = {"start": "break started", "done": "break done", "postpone": "break postponed",
                   "skip": "break skipped", "hurts": "an exercise hurts; it leaves the rotation"}
_CONTROL_ACTIONS = {"break": "break_now", "resume": "resume", "standing": "standing", "sitting": "sitting"}
_TRAY_STATE = {"working": "working", "away": "away", "break_due": "break_due", "on_break": "standing",
               "paused": "paused"}
#: The notice for each decision that gives one: a name in agent.ui.strings, looked up when shown
#: (so the language in force then is the one used). Each notice also carries Upright's
#: "not medical advice" line (agent/ui/notice.py).
_NOTICES = {
    # 001: "avoid sitting or standing in one position for too long", "short walks several times a day";
    # when it comes ([standing] limit_min, 45 min) is Upright's own default.
    ev.POSITION_CHANGE_DUE: "STANDING_A_WHILE",
    # 001: "get up and walk around"; how long is the cycle's move_min, Upright's own default.
    ev.MOVE_DUE: "TIME_TO_MOVE",
    ev.SIT_DUE: "SIT_AGAIN",
}


def _destroy(window) -> None:
    """Close `window`; one Tk already destroyed is fine. Never imports tkinter: windows
    drawn by the window process (agent.live.window_process) leave it unloaded in the agent."""
    try:
        window.destroy()
    except Exception as error:
        tkinter = sys.modules.get("tkinter")
        if tkinter is None or not isinstance(error, tkinter.TclError):
            raise


def _load_layers():
    from agent.settings import layers

    return layers.load()


def _due_at_sitting(status) -> float:
    """The sitting (in the bout) at which the next prompt falls due."""
    return round(status.sitting_s + (status.next_break_in_s or 0.0))


def _pause_seconds(what: str, wall: datetime) -> float:
    """30, 60 (minutes) or "tomorrow": until the next local midnight."""
    if what == "tomorrow":
        midnight = (wall + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return (midnight - wall).total_seconds()
    return float(what) * 60


def break_soon_text() -> str:
    """The notice a minute before a break falls due."""
    return strings.BREAK_SOON.format(duration=strings.duration(NOTICE_BEFORE_S))


def today_text(totals) -> str:
    """The Today window's lines, for a notice where no window can show them."""
    return "\n".join(strings.today_lines(totals))
