"""`upright run`: check the session, build the real pieces, run the agent's loop.

This is the composition root: the only place that knows which backend, tray
and windows are real. A missing piece (display, X RECORD, another agent) ends
here with a message and a fix, never a traceback.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import signal
import sys
from pathlib import Path

from agent import __version__
from agent.clock import SystemClock
from agent.live import control, heap, logs
from agent.settings import layers

log = logging.getLogger("agent")

EXIT_MISSING = 2
EXIT_SESSION_ENDED = 3  # the display went away: state saved, socket removed, lock released
EXIT_CONTROL_LOST = 4  # the control channel failed: an agent nobody can reach stops
SETTINGS_LEFTOVER_S = 600.0  # a settings save's temporary file this old is a crash's, not a save under way


class Missing(Exception):
    """The session lacks something Upright needs: what, and how to fix it."""

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(f"{what}\nFix: {fix}")
        self.what, self.fix = what, fix  # apart, for `upright doctor`'s table


def check_display(platform: str = sys.platform) -> None:
    """An X11 session is what Upright needs on Linux; Windows and macOS always have their desktop."""
    if os.environ.get("DISPLAY") or platform.startswith("win") or platform == "darwin":
        return
    if os.environ.get("WAYLAND_DISPLAY"):
        raise Missing("This is a Wayland session without X11 compatibility (no DISPLAY).",
                      "Enable XWayland, which Upright's windows need (Debian/Ubuntu: sudo apt install xwayland; "
                      "Fedora/RHEL: sudo dnf install xorg-x11-server-Xwayland; on GNOME and KDE it starts by "
                      "itself once installed), or log in to an X11 session, and start Upright from it.")
    raise Missing("No display: Upright is a desktop agent and needs a graphical session (DISPLAY is not set).",
                  "Start it from your desktop session (autostart does this), or set DISPLAY, e.g. DISPLAY=:0.")


def run(config_path: str | None) -> int:
    """Start the agent; returns the exit status."""
    from agent.settings.live_settings import LiveSettings

    live = LiveSettings(config_path)
    check_display()
    try:
        server = control.Server()
    except control.AlreadyRunning:
        print("Upright is already running in this session.")
        return 0
    logs.start(live.values["logging"]["level"])  # only the agent that runs writes the log
    _remove_leftovers(layers.user_file())
    live.report()
    live.listeners.append(lambda values: logs.set_level(values["logging"]["level"]))
    try:
        return _run_with(server, live)
    finally:
        server.close()


def _remove_leftovers(settings: Path) -> None:
    """Temporary files a crash in the middle of a save left in the data folder (we hold the lock)
    and beside the settings file (`upright config set` may be saving it: only old ones)."""
    from agent.content.checklist_state import data_dir
    from agent.files import atomic

    from agent.history.journal import FILE_NAME as PENDING

    removed = atomic.remove_leftovers(data_dir(), ["checklists.json", "exercises.json", "session.json", PENDING])
    removed += atomic.remove_leftovers(settings.parent, [settings.name], older_than_s=SETTINGS_LEFTOVER_S)
    if removed:
        log.info("removed %d temporary files left by an earlier crash", len(removed))


def _answer(mailbox, request: dict) -> dict:
    """The control socket's handler: answer pings here, hand the rest to the Tk thread."""
    if request.get("command") == "ping":
        return {"ok": True, "pid": os.getpid()}
    from agent.live.app import ask

    return ask(mailbox, request)


def _end_session(app, server: control.Server, reason: str) -> None:
    """The desktop went away: one line in the log, the state saved, the socket and lock let go, exit 3.

    The same whether or not Tk was started. It exits at once (os._exit):
    the tray's and Tk's own teardown would talk to an X server that is gone,
    and Xlib ends the process anyway when Tk's connection breaks. The next
    `upright run`, in a new session, starts afresh.
    """
    try:
        log.warning("the desktop session ended (%s): Upright saves its state and stops (exit status %d)",
                    reason, EXIT_SESSION_ENDED)
        app.save_session(force=True)
        server.close()
        logs.stop()
    finally:
        os._exit(EXIT_SESSION_ENDED)


def _run_with(server: control.Server, live) -> int:
    from agent.content.exercise_choice import Rotation
    from agent.live.app import App, Windows
    from agent.live.loop import Loop
    from agent.live.mailbox import Mailbox
    from agent.live.remote_windows import RemoteGuideWindows, RemoteWindows
    from agent.live.window_process import WindowProcess
    from agent.sensing import SensingUnavailable, backend
    from agent.tray import Tray

    settings, rules = live.values, live.rules()
    heap.share_one_arena()  # before the tray, socket and listener threads: 0.5 MiB while away
    clock = SystemClock()
    try:
        sensing = backend(clock=clock.monotonic)
    except SensingUnavailable as error:
        raise Missing(error.message, error.fix) from None
    if importlib.util.find_spec("_tkinter") is None:  # Tk itself starts with the first window
        sensing.close()
        raise Missing("Python's Tk support (tkinter), which draws Upright's windows, is not installed.",
                      "Install it (Debian/Ubuntu: sudo apt install python3-tk) and start Upright again.")
    root = Loop(class_name="Upright")
    mailbox = Mailbox()
    rotation = Rotation.from_settings(settings, rules.break_s)
    def text_size() -> str:
        return live.values["display"]["text_size"]

    process = WindowProcess(root, lambda func: mailbox.post(("call", func)), after_end=heap.release_free_memory,
                            every_window=lambda: {"text_size": text_size()})
    remote = RemoteWindows(process, rotation, lambda: live.values)
    windows = Windows(remote.break_window, remote.notice, remote.panel, remote.geometry, rotation,
                      library=remote.library, settings=remote.settings, other_monitors=remote.other_monitors,
                      keep_ready=process.keep_ready, week=remote.week, today=remote.today)
    from agent.live.guides import Guides

    from agent.live.pack_watch import PackWatch

    def notice(text: str, bell: bool = False):
        """A guide's notice; one with the bell (a cold pack's time is up) stays a minute: the person
        may be lying down, away from the screen, when it rings."""
        return windows.notice(root, text, windows.geometry(root), 60 if bell else 12, bell=bell)

    guides = Guides(root, remote.geometry, notice, spasm=rotation, ui=RemoteGuideWindows(process),
                    packs=PackWatch(clock.wall, notice))
    from agent.live.session_state import SessionStore

    app = App(root, rules, settings, sensing, Tray, windows, clock, mailbox, guides=guides, live=live,
              history=_history(root, clock, live), session=SessionStore())
    process.on_fault = app.window_fault
    # The agent's own X connection (sensing) ends the session;
    # the window process losing its display is only a window fault (process.on_fault).
    app.on_session_end = root.on_display_lost = lambda reason: _end_session(app, server, reason)
    outcome = [0]

    def control_lost() -> None:
        outcome[0] = EXIT_CONTROL_LOST
        mailbox.post(("quit",))
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):  # Windows has no SIGHUP
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: mailbox.post(("quit",)))
    app.start()
    server.start(lambda request: _answer(mailbox, request), on_death=control_lost)
    docked = app.tray.docked()
    if docked is False:
        print("Upright: no system tray found; running without an icon (use `upright status`).", file=sys.stderr)
    log.info("started: version %s, sensing %s, tray %s, tray docked %s",
             __version__, sensing.NAME, app.tray.BACKEND, {True: "yes", False: "no"}.get(docked, "unknown"))
    print(f"Upright is running (pid {os.getpid()}); `upright status` tells how long you have been sitting.",
          flush=True)
    heap.release_free_memory()  # what starting up freed: 1.2 MiB
    try:
        root.mainloop()
    finally:
        log.info("stopping")
        process.stop()
        app.stop()
        mailbox.close(root)
        root.destroy()
    return outcome[0]


def _history(root, clock, live):
    """The history recorder: SQLite loads only once something else loaded it (This week reads the history)."""
    from agent.content.checklist_state import data_dir
    from agent.live.history_recorder import HistoryRecorder

    def policy() -> dict:  # what the organisation sets: the same on every machine it covers
        effective = live.effective
        return {dotted: _value(effective.values, dotted) for dotted, layer in effective.origins.items()
                if layer in ("recommended", "enforced")}

    return HistoryRecorder(data_dir(), clock.wall, policy=policy,
                           may_load_sqlite=lambda: root.has_tk or "sqlite3" in sys.modules)


def _value(values: dict, dotted: str):
    section, name = dotted.split(".", 1)
    return values[section][name]

