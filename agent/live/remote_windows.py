"""Window factories with the signatures `app.Windows` expects, drawn by the window process.

`App` calls these exactly as it calls the Tk classes of `agent.ui` (the
tests still hand it those, or fakes); here each call becomes an ``open``
message and the answers come back to the same callbacks. The agent's loop
is passed as `root` and ignored: the window process finds the monitor with
the pointer itself, so the agent never needs Tk to place a window.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from types import SimpleNamespace
from typing import Callable

from agent.live.window_process import RemoteWindow, WindowProcess

log = logging.getLogger("agent")

WALKTHROUGH_IGNORED_S = 600.0  # the first-run walk-through closes after 10 minutes untouched

class _AtPointer:
    def __repr__(self) -> str:
        return "AT_POINTER"


#: What `geometry(root)` returns here: the window process places windows on the monitor with the pointer.
AT_POINTER = _AtPointer()
#: What `other_monitors` returns when the other monitors should be dimmed (the process finds them).
DIM_OTHERS = ["the other monitors"]


class RemoteWindows:
    """The factories for `app.Windows`, all drawn in the window process."""

    def __init__(self, process: WindowProcess, rotation, values: Callable[[], dict]) -> None:
        """`values()`: the settings in force."""
        self.process, self.rotation, self.values = process, rotation, values

    def geometry(self, _root) -> _AtPointer:
        return AT_POINTER

    def other_monitors(self, _root, _monitor) -> list:
        return DIM_OTHERS

    def break_window(self, _root, exercises, on_choice: Callable[[str], None], *, can_postpone: bool,
                     can_skip: bool, break_s: float, postpone_min: float, postponed: int = 0, geometry=None,
                     marks=None, dim=(), spasm_guide: Callable[[], None] | None = None,
                     end_spasm: Callable[[], None] | None = None) -> RemoteWindow:
        """`spasm_guide`, `end_spasm`: the spasm note's links, called here when the window sends ``link``."""
        args = {"exercises": [exercise.id for exercise in exercises], "can_postpone": can_postpone,
                "can_skip": can_skip, "break_s": break_s, "postpone_min": postpone_min, "dim": bool(dim),
                "exercise_options": dict(self.values()["exercises"]),
                "marks": _marks_state(marks) if marks is not None else None, "postponed": int(postponed),
                "spasm_guide": spasm_guide is not None, "end_spasm": end_spasm is not None}
        window: RemoteWindow | None = None
        links = {"spasm_guide": spasm_guide, "end_spasm": end_spasm}

        def choice(message: dict) -> None:
            window.exercise = SimpleNamespace(id=message["exercise"])
            on_choice(message["choice"])

        def link(message: dict) -> None:
            follow = links[message["link"]]
            if follow is None:
                log.warning("window process: a break window sent the %s link it was not given", message["link"])
                return
            follow()

        window = self.process.open("break", args, choice=choice, mark=_marks_to(marks), link=link)
        return window

    def library(self, _root, marks, _geometry) -> RemoteWindow:
        """The exercises window: favourites and hidden ones come back as ``mark`` messages."""
        args = {"exercise_options": dict(self.values()["exercises"]), "marks": _marks_state(marks),
                "break_s": marks.break_s}
        return self.process.open("exercises", args, mark=_marks_to(marks))

    def notice(self, _root, text: str, _geometry, seconds: float, bell: bool = False) -> RemoteWindow:
        """`bell`: ring as it shows (sent only then, so an older window process reads the rest)."""
        return self.process.open("notice", {"text": text, "seconds": seconds, **({"bell": True} if bell else {})})

    def panel(self, _root, on_action: Callable[[str], None], _geometry, *, paused: bool, standing: bool,
              can_postpone: bool, postpone_min: float = 5.0, status: str = "") -> RemoteWindow:
        return self.process.open("panel", {"paused": paused, "standing": standing, "can_postpone": can_postpone,
                                           "postpone_min": postpone_min, "status": status},
                                 action=lambda message: on_action(message["action"]))

    def settings(self, _root, load: Callable[[], object], on_saved: Callable[[], None], _geometry) -> RemoteWindow:
        """The Settings window. It only asks: each change comes here as a ``setting`` message, and the
        agent writes it through the same validator as `upright config set`, refusing a setting the
        organisation enforces; the answer goes back as ``update`` (the settings in force, what was refused)."""
        from agent.it import autostart

        places = autostart.for_platform()
        window: RemoteWindow | None = None

        def setting(message: dict) -> None:
            refused = {}
            why = _write_setting(load(), message["key"], message["value"], message["reset"])
            if why:
                log.info("settings: %s not saved: %s", message["key"], why)
                refused[message["key"]] = why
            else:
                log.info("settings: %s changed", message["key"])
                on_saved()  # App re-reads the files, and refreshes this window (an update)
            window.update(settings_state(load(), places, refused=refused))

        def switch(message: dict) -> None:
            note, error = "", ""
            try:
                note = autostart.switch(places, message["on"])
                log.info("settings: autostart %s", "on" if message["on"] else "off")
            except (autostart.AutostartError, OSError) as problem:
                log.info("settings: autostart not changed: %s", problem)
                error = str(problem)
            window.update(settings_state(load(), places, note=note, error=error))

        window = self.process.open("settings", settings_state(load(), places), setting=setting, autostart=switch)
        window.refresh = lambda: window.update(settings_state(load(), places))  # a policy changed (App)
        return window

    def week(self, _root, directory, today: date, _geometry) -> RemoteWindow:
        """The "This week" window: the window process reads the history, read-only, and draws it.

        Reading it here would load SQLite into the agent for the rest of the day
        (1.6 MiB, over the 1 MiB a closed window may leave behind).
        """
        return self.process.open("week", {"directory": str(directory), "today": today.isoformat()})

    def today(self, _root, totals, _geometry) -> RemoteWindow:
        """The Today window, with the day's totals (`agent.core.totals.Totals`): times in seconds, counts
        as whole numbers (a session file edited by hand may hold 2.0)."""
        return self.process.open("today", {name: float(getattr(totals, name)) if name.endswith("_s")
                                           else int(getattr(totals, name)) for name in TODAY_FIELDS})


def settings_state(effective, places, *, refused: dict | None = None, note: str = "", error: str = "") -> dict:
    """A ``settings`` window's args: the settings in force, the autostart tick, a refusal."""
    from agent.it.autostart import AutostartError

    tick: dict = {"note": note, "error": error}
    try:
        tick["on"] = bool(places.status()[0].on)
    except (AutostartError, OSError) as problem:
        tick["error"] = error or str(problem)
    problems = [{"path": p.path, "line": p.line, "key": p.key, "message": p.message} for p in effective.problems]
    return {"effective": {"values": effective.values, "origins": effective.origins, "problems": problems},
            "autostart": tick, "refused": refused or {}}


def _write_setting(effective, dotted: str, value, reset: bool) -> str:
    """Write one change the Settings window asked for; "" when written, else why not."""
    from agent.settings import user_settings

    if dotted not in effective.origins:
        return f"unknown setting {dotted!r}"
    if effective.locked(dotted):
        return "Managed by your organization: this setting cannot be changed here."
    try:
        if reset:
            user_settings.reset(dotted)
        else:
            user_settings.set_value(dotted, value)
    except (user_settings.InvalidValue, user_settings.SettingsFileError) as refused:
        return str(refused)
    return ""


#: The totals the Today window shows (its ``open`` args).
TODAY_FIELDS = ("sitting_s", "longest_bout_s", "standing_s", "breaks_taken", "ended_early", "natural_breaks")


class RemoteGuideWindows:
    """What `agent.live.guides.Guides` makes its windows with (the names of `agent.ui`), drawn by the
    window process. The ticks come back in ``save`` messages and go to the same `on_change` (the store)."""

    def __init__(self, process: WindowProcess, ignore_s: float = WALKTHROUGH_IGNORED_S) -> None:
        self.process, self.ignore_s = process, ignore_s

    def Walkthrough(self, _root, state, on_change, _geometry, *, focus: bool = False,  # noqa: N802
                    **_options) -> RemoteWindow:
        """At first run without the keyboard (`focus` False); from the tray or panel with it."""
        return self.process.open("walkthrough", {"state": state.to_json(), "ignore_s": self.ignore_s,
                                                 "focus": focus},
                                 save=_ticks_to(on_change), expired=self._expired)

    def ChecklistWindow(self, _root, checklist: str, state, on_change, _geometry,  # noqa: N802
                        **_options) -> RemoteWindow:
        return self.process.open("checklist", {"checklist": checklist, "state": state.to_json()},
                                 save=_ticks_to(on_change))

    def SpasmGuideWindow(self, _root, _geometry, *, spasm_start=None, on_spasm_start=None,  # noqa: N802
                         on_spasm_end=None, pack=None, on_pack=None, on_close=None, **_options) -> RemoteWindow:
        """The spasm's start and end come back in ``save`` messages, to the same callbacks; the timer's
        start and stop in ``pack`` messages, to `on_pack` (the agent keeps it); `on_close` when it closes."""
        def saved(message: dict) -> None:
            from datetime import datetime

            if message["what"] == "spasm_start" and on_spasm_start is not None:
                try:
                    on_spasm_start(datetime.fromisoformat(str(message["data"].get("at"))))
                except ValueError:
                    log.warning("window process: a spasm guide sent a start that is no time")
            elif message["what"] == "spasm_end" and on_spasm_end is not None:
                on_spasm_end()
            else:
                log.warning("window process: a spasm guide sent %s, which it was not asked for", message["what"])

        handlers = {"save": saved}
        if on_pack is not None:
            handlers["pack"] = lambda message: on_pack(message["action"], message["kind"])
        if on_close is not None:
            handlers["closed"] = lambda _message: on_close()
        return self.process.open("spasm_guide", {"spasm_start": spasm_start.isoformat() if spasm_start else None,
                                                 "can_end": on_spasm_end is not None, **(pack or {})},
                                 **handlers)

    def LiftingCard(self, _root, _geometry, **_options) -> RemoteWindow:  # noqa: N802
        """Its red-flags link opens the card in the window process itself."""
        return self.process.open("lifting", {})

    def RedFlagsCard(self, _root, _geometry, **_options) -> RemoteWindow:  # noqa: N802
        return self.process.open("red_flags", {})

    def _expired(self, _message: dict) -> None:
        log.info("the walk-through was left untouched for %.0f min and closed; "
                 "\"Set up your workstation\" in the tray menu opens it again", self.ignore_s / 60)


def _ticks_to(on_change) -> Callable[[dict], None]:
    """A ``save`` handler: the record the window sent, checked like the file, to `on_change` (the store)."""
    def save(message: dict) -> None:
        from agent.content.checklist_state import StateStore

        if message["what"] != "checklists":
            return
        state, problems = StateStore(directory=".").parse(json.dumps(message["data"]).encode(),
                                                          "the window process's message")
        if problems:
            log.warning("window process: ignored checklist ticks that do not read: %s", problems[0])
            return
        on_change(state)

    return save


def _marks_to(marks) -> Callable[[dict], None]:
    """A ``mark`` handler: the person's favourite or hidden exercise, kept by the agent's rotation."""
    def mark(message: dict) -> None:
        if marks is None:
            return
        if message["mark"] == "favourite":
            marks.favourite(message["exercise"], message["on"])
        elif not marks.hide(message["exercise"], message["on"]):
            log.info("not hidden: %s is the last exercise a break could show", message["exercise"])

    return mark


def _marks_state(marks) -> dict:
    """The favourites and hidden exercises, as the break window shows them."""
    state = marks.state
    return {"favourites": list(state.get("favourites", [])), "hidden": list(state.get("hidden", []))}
