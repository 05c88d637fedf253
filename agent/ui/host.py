"""`python -m agent.ui.host`: the short-lived process that draws Upright's windows.

The agent starts it when a window is needed and ends it when the last one
has closed, so Tk (about 15 MiB with Pillow and the pictures) is loaded only
while a window is open, and pointer motion over a window wakes this process,
never the agent. It reads messages of `agent.ui.protocol` on stdin, opens
the window classes of `agent.ui` unchanged, and writes the person's choices
back on stdout. It has no other output: `print` goes to stderr, and
whatever must be kept (ticks, marks) travels to the agent, which writes it.

It exits when stdin closes (the agent quit or died), on ``quit``, or if Tk
cannot open the display (after saying so with ``failed``).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from types import SimpleNamespace
from typing import Any, Callable

from agent.ui import protocol

log = logging.getLogger("agent.ui.host")


class Host:
    """The windows of one window process, keyed by the agent's window id."""

    def __init__(self, root, write: Callable[[bytes], None]) -> None:
        self.root, self._write = root, write
        self.windows: dict[int, Any] = {}
        self.kinds: dict[int, str] = {}
        self.updates: dict[int, Callable[[dict], None]] = {}  # window id -> what takes its ``update``
        self._buffer = b""

    # --- the pipe -----------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Bytes from stdin: handle every complete line; b"" means the agent is gone."""
        if not data:
            self.quit()
            return
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        if len(self._buffer) > protocol.MAX_LINE:
            log.warning("window process: dropped %d bytes without a line end", len(self._buffer))
            self._buffer = b""
        for line in lines:
            if line.strip():
                self.handle_line(line)

    def handle_line(self, line: bytes) -> None:
        try:
            message = protocol.decode(line)
        except protocol.BadMessage as error:
            log.warning("window process: ignored a bad message %s: %s", protocol.summary(line), error)
            return
        try:
            self.handle(message)
        except Exception:  # noqa: BLE001 - one bad window must not take the others down
            log.exception("window process: %s failed", message["type"])
            if message["type"] == "open":
                self.send("failed", id=message["id"], error="the window could not be drawn")

    def send(self, message_type: str, /, **fields: Any) -> None:
        try:
            self._write(protocol.encode(message_type, **fields))
        except OSError:  # the agent is gone: nobody to tell
            self.quit()

    # --- messages -----------------------------------------------------------

    def handle(self, message: dict) -> None:
        kind = message["type"]
        if kind == "open":
            dropped = protocol.unknown_args(message)
            if dropped:
                log.warning("window process: a %s window takes no %s; dropped", message["kind"], ", ".join(dropped))
            self.open(message["id"], message["kind"], message["args"])
        elif kind == "close":
            window = self.windows.get(message["id"])
            if window is not None:
                window.destroy()
        elif kind == "focus":
            window = self.windows.get(message["id"])
            if window is not None:
                (getattr(window, "offer_focus", None) or getattr(window, "focus", None) or (lambda: None))()
        elif kind == "update":
            self.update(message["id"], message["args"])
        elif kind == "ping":
            self.send("pong", seq=message["seq"])
        elif kind == "quit":
            self.quit()
        else:
            log.warning("window process: %s is not a message for it", kind)

    def open(self, window_id: int, kind: str, args: dict) -> None:
        arrived = time.monotonic()
        from agent.ui import scale
        from agent.ui.geometry import monitor_at_pointer

        scale.use_text_size(self.root, args.get("text_size", "normal"))
        monitor = monitor_at_pointer(self.root)
        window = OPENERS[kind](self, window_id, args, monitor)
        self.windows[window_id], self.kinds[window_id] = window, kind
        top = window.top
        # The windows close first and report the choice next: say "closed" after that.
        top.bind("<Destroy>", lambda event: event.widget is top and self.root.after_idle(self._closed, window_id),
                 add="+")
        self._when_mapped(window_id, top, arrived)

    def update(self, window_id: int, args: dict) -> None:
        """New state from the agent for an open window (checked as its ``open`` args are)."""
        take = self.updates.get(window_id)
        if take is None:
            log.debug("window process: an update for window %d, which takes none or is closed", window_id)
            return
        try:
            protocol.check_args(self.kinds[window_id], args)
        except protocol.BadMessage as error:
            log.warning("window process: ignored an update: %s", error)
            return
        take(args)

    def _when_mapped(self, window_id: int, top, arrived: float) -> None:
        """Say ``opened`` once the window is mapped: at once if it is, else on its <Map> event (before
        anything the window left for later, such as the break window's figure)."""
        said = []

        def opened(event=None) -> None:
            if not said and (event is None or event.widget is top):
                said.append(True)
                self.send("opened", id=window_id, ms=round((time.monotonic() - arrived) * 1000, 1))

        try:
            mapped = bool(top.winfo_ismapped())
        except Exception:  # noqa: BLE001 - closed before it was mapped
            return
        if mapped:
            opened()
        else:
            top.bind("<Map>", opened, add="+")

    def _closed(self, window_id: int) -> None:
        self.updates.pop(window_id, None)
        self.kinds.pop(window_id, None)
        if self.windows.pop(window_id, None) is not None:
            self.send("closed", id=window_id)

    def quit(self) -> None:
        for window in list(self.windows.values()):
            try:
                window.destroy()
            except Exception:  # noqa: BLE001 - leaving anyway
                pass
        self.root.quit()


# --- the windows, built from an `open` message's args ------------------------

def _break(host: Host, window_id: int, args: dict, monitor) -> Any:
    from agent.ui.break_window import BreakWindow
    from agent.ui.geometry import other_monitors

    marks = _marks(host, window_id, args)
    by_id = {exercise.id: exercise for exercise in marks.exercises()}
    exercises = [by_id[i] for i in args["exercises"] if i in by_id] or marks()
    dim = other_monitors(host.root, monitor) if args.get("dim") else []
    shown: list = []  # the window, once made: a choice names the exercise it was made on

    def choose(choice: str) -> None:
        host.send("choice", id=window_id, choice=choice, exercise=shown[0].exercise.id if shown else "")

    def link(name: str) -> Callable[[], None] | None:
        """During a spasm: the note's link, which the agent answers (it opens the guide, ends the spasm)."""
        return (lambda: host.send("link", id=window_id, link=name)) if args[name] else None

    shown.append(BreakWindow(host.root, exercises, choose,
                             can_postpone=bool(args["can_postpone"]), can_skip=bool(args["can_skip"]),
                             break_s=float(args["break_s"]), postpone_min=float(args["postpone_min"]),
                             postponed=int(args["postponed"]), geometry=monitor,
                             marks=marks if args.get("marks") is not None else None, dim=dim,
                             spasm_guide=link("spasm_guide"), end_spasm=link("end_spasm")))
    return shown[0]


def _marks(host: Host, window_id: int, args: dict):
    """The agent's rotation as this window needs it: the same library, the marks as the agent sent
    them, changes kept here for the window and sent to the agent, which stores them."""
    from agent.content.exercise_choice import Rotation

    state = dict(args.get("marks") or {})
    rotation = Rotation(float(args["break_s"]), store=SimpleNamespace(state=state, save=lambda _state: None))
    rotation.follow({"exercises": args["exercise_options"]}, float(args["break_s"]))
    rotation.library = _library(rotation, str(args["exercise_options"].get("folder", "")))
    favourite, hide = rotation.favourite, rotation.hide

    def tell(exercise_id: str, mark: str, on: bool) -> None:
        host.send("mark", id=window_id, exercise=exercise_id, mark=mark, on=on)

    def favourite_and_tell(exercise_id: str, on: bool = True) -> None:
        favourite(exercise_id, on)
        tell(exercise_id, "favourite", on)

    def hide_and_tell(exercise_id: str, on: bool = True) -> bool:
        done = hide(exercise_id, on)
        if done:
            tell(exercise_id, "hidden", on)
        return done

    rotation.favourite, rotation.hide = favourite_and_tell, hide_and_tell
    return rotation


_LIBRARIES: dict[str, list] = {}  # exercise folder setting -> the library read from it, once per process


def _library(rotation, folder: str) -> list:
    if folder not in _LIBRARIES:
        _LIBRARIES[folder] = rotation.exercises()
    return _LIBRARIES[folder]


def _warm_up() -> None:
    """While nothing is asked: load what a break window needs (100 ms of imports, 40 ms of library),
    so that the break window that follows a pre-break notice appears at once."""
    from agent.content.exercise_choice import Rotation
    from agent.ui import break_window  # noqa: F401 - imported for later

    rotation = Rotation(60.0, store=SimpleNamespace(state={}, save=lambda _state: None))
    rotation.follow({"exercises": {"folder": "", "floor_at_desk": False}}, 60.0)
    _library(rotation, "")


def _exercises(host: Host, window_id: int, args: dict, monitor) -> Any:
    from agent.ui.exercises_window import ExercisesWindow

    return ExercisesWindow(host.root, _marks(host, window_id, args), monitor)


def _notice(host: Host, window_id: int, args: dict, monitor) -> Any:
    from agent.ui.notice import Notice

    return Notice(host.root, str(args["text"]), monitor, float(args["seconds"]), bell=bool(args.get("bell")))


def _panel(host: Host, window_id: int, args: dict, monitor) -> Any:
    from agent.ui.panel import Panel

    return Panel(host.root, lambda action: host.send("action", id=window_id, action=action), monitor,
                 paused=bool(args["paused"]), standing=bool(args["standing"]),
                 can_postpone=bool(args["can_postpone"]), postpone_min=float(args["postpone_min"]),
                 status=str(args["status"]))


def _walkthrough(host: Host, window_id: int, args: dict, monitor) -> Any:
    from agent.ui.walkthrough import Walkthrough

    window = Walkthrough(host.root, _checklist_state(args["state"]), _saver(host, window_id), monitor,
                         focus=bool(args.get("focus")))
    _expire_when_ignored(host, window_id, window, float(args.get("ignore_s") or 0))
    return window


def _checklist(host: Host, window_id: int, args: dict, monitor) -> Any:
    from agent.ui.checklist_window import ChecklistWindow

    return ChecklistWindow(host.root, str(args["checklist"]), _checklist_state(args["state"]),
                           _saver(host, window_id), monitor)


def _spasm_guide(host: Host, window_id: int, args: dict, monitor) -> Any:
    from datetime import datetime

    from agent.ui.spasm_guide import SpasmGuideWindow

    start = args.get("spasm_start")
    return SpasmGuideWindow(host.root, monitor, spasm_start=datetime.fromisoformat(start) if start else None,
                            on_spasm_start=lambda when: host.send("save", id=window_id, what="spasm_start",
                                                                  data={"at": when.isoformat()}),
                            on_spasm_end=(lambda: host.send("save", id=window_id, what="spasm_end", data={}))
                            if args["can_end"] else None,
                            pack={"pack_kind": args.get("pack_kind"), "pack_s": args.get("pack_s")},
                            on_pack=lambda action, kind: host.send("pack", id=window_id, action=action, kind=kind))


def _lifting(host: Host, window_id: int, args: dict, monitor) -> Any:
    from agent.ui.lifting import LiftingCard

    return LiftingCard(host.root, monitor)


def _red_flags(host: Host, window_id: int, args: dict, monitor) -> Any:
    from agent.ui.red_flags import RedFlagsCard

    return RedFlagsCard(host.root, monitor)


def _today(host: Host, window_id: int, args: dict, monitor) -> Any:
    from agent.ui.today_window import TodayWindow

    return TodayWindow(host.root, SimpleNamespace(**args), monitor)


def _settings(host: Host, window_id: int, args: dict, monitor) -> Any:
    """The Settings window, asking the agent for each change: the agent checks and writes it (a setting the
    organisation enforces is refused there too) and answers with ``update``, the settings now in force."""
    from agent.ui.settings_window import SettingsWindow

    state = {"args": args}
    places = _AskedAutostart(host, window_id, args["autostart"])

    def ask(dotted: str, value: Any, reset: bool) -> None:
        host.send("setting", id=window_id, key=dotted, value=None if reset else value, reset=reset)

    window = SettingsWindow(host.root, lambda: _effective(state["args"]["effective"]), lambda: None, monitor,
                            autostart_places=places, ask=ask)

    def take(new: dict) -> None:
        state["args"] = new
        places.state = new["autostart"]
        window.answered({str(k): str(v) for k, v in new["refused"].items()})
        window.autostart_row.show(note=str(places.state.get("note", "")), error=str(places.state.get("error", "")))

    host.updates[window_id] = take
    return window


class _AskedAutostart:
    """The autostart entries as the Settings window's tick sees them, kept by the agent: the tick asks
    with an ``autostart`` message (and shows the change at once); the agent's ``update`` says how it went."""

    def __init__(self, host: Host, window_id: int, state: dict) -> None:
        self.host, self.id, self.state = host, window_id, state

    def status(self) -> list:
        from agent.it.autostart import AutostartError

        if self.state.get("error") and "on" not in self.state:
            raise AutostartError(str(self.state["error"]))
        return [SimpleNamespace(on=bool(self.state.get("on")))]

    def enable(self, _all_users: bool, _argv: list[str]) -> str:
        return self._ask(True)

    def disable(self, _all_users: bool) -> str:
        return self._ask(False)

    def _ask(self, on: bool) -> str:
        self.state = {**self.state, "on": on}
        self.host.send("autostart", id=self.id, on=on)
        return ""


def _effective(data: dict):
    """The settings in force as the agent sent them (`agent.live.remote_windows.settings_state`)."""
    from agent.files.tomlfile import Problem
    from agent.settings.layers import Effective

    problems = [Problem(str(p["path"]), p.get("line"), str(p.get("key", "")), str(p["message"]))
                for p in data.get("problems", [])]
    return Effective(data["values"], data["origins"], problems)


def _week(host: Host, window_id: int, args: dict, monitor) -> Any:
    """The history chart, read here without writing a byte (the agent alone writes the history)."""
    from datetime import date

    from agent.history import reader
    from agent.ui.week_window import WeekWindow

    today = date.fromisoformat(args["today"])
    return WeekWindow(host.root, lambda span: reader.report(args["directory"], span, today, read_only=True),
                      monitor)


def _checklist_state(data: dict):
    """The ticks as the agent sent them (its file's format): a bad record shows as a fresh one."""
    import json

    from agent.content.checklist_state import StateStore

    state, _problems = StateStore(directory=".").parse(json.dumps(data).encode(), "the agent's message")
    return state


def _saver(host: Host, window_id: int) -> Callable[[Any], None]:
    """A checklist window's `on_change`: the ticks go to the agent, which writes the file."""
    return lambda state: host.send("save", id=window_id, what="checklists", data=state.to_json())


def _expire_when_ignored(host: Host, window_id: int, window, seconds: float) -> None:
    """Close `window` once nobody has touched it for `seconds` (a key, a click, the wheel), and say so."""
    if seconds <= 0:
        return
    timer: list = [None]

    def expire() -> None:
        if window.is_open:
            host.send("expired", id=window_id)
            window.close()

    def touched(_event=None) -> None:
        if window.is_open:
            window.top.after_cancel(timer[0])
            timer[0] = window.top.after(round(seconds * 1000), expire)

    timer[0] = window.top.after(round(seconds * 1000), expire)
    for event in ("<KeyPress>", "<ButtonPress>", "<MouseWheel>"):
        window.top.bind(event, touched, add="+")


OPENERS: dict[str, Callable[[Host, int, dict, Any], Any]] = {
    "break": _break, "notice": _notice, "panel": _panel,
    "walkthrough": _walkthrough, "checklist": _checklist, "spasm_guide": _spasm_guide, "exercises": _exercises,
    "lifting": _lifting, "red_flags": _red_flags, "today": _today,
    "settings": _settings, "week": _week,
}


# --- the process ---------------------------------------------------------------

def main() -> int:
    logging.basicConfig(level=os.environ.get("UPRIGHT_HOST_LOG", "WARNING"), stream=sys.stderr,
                        format="%(asctime)s window process: %(levelname)s %(message)s")
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    sys.stdout = sys.stderr  # a stray print must not break the protocol
    import tkinter

    from agent.ui.scale import make_dpi_aware

    make_dpi_aware()  # before Tk: Windows draws a per-monitor aware process sharp

    def write(data: bytes) -> None:
        out.write(data)

    try:
        root = tkinter.Tk(className="Upright")
    except tkinter.TclError as error:
        display = os.environ.get("DISPLAY")
        where = f" on DISPLAY={display}" if display else " (DISPLAY is not set)"
        write(protocol.encode("failed", id=0, error=f"Upright cannot open its windows{where}: {error}"))
        return 1
    root.withdraw()
    root.report_callback_exception = lambda *exc: log.error("internal error", exc_info=exc)
    host = Host(root, write)
    _listen(root, host)
    host.send("hello", pid=os.getpid())
    root.after_idle(_warm_up)
    root.mainloop()
    return 0


def _listen(root, host: Host) -> None:
    """Hand stdin's bytes to `host` on the Tk thread: a file handler where Tk has them, else a thread."""
    fd = sys.stdin.fileno()
    if sys.platform != "win32":
        import tkinter

        root.tk.createfilehandler(fd, tkinter.READABLE, lambda *_: host.feed(_read(fd)))
        return
    import queue

    arrived: queue.SimpleQueue = queue.SimpleQueue()

    def reader() -> None:  # Windows: Tk cannot watch a pipe; NOT RUN ON WINDOWS
        while data := _read(fd):
            arrived.put(data)
        arrived.put(b"")

    def drain() -> None:
        while not arrived.empty():
            host.feed(arrived.get())
        root.after(100, drain)

    threading.Thread(target=reader, name="upright-host-stdin", daemon=True).start()
    drain()


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:
        return b""


if __name__ == "__main__":
    sys.exit(main())
