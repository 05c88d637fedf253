"""`upright run`: check the session, build the real pieces, run the Tk loop.

This is the composition root: the only place that knows which backend, tray
and windows are real. A missing piece (display, X RECORD, another agent) ends
here with a message and a fix, never a traceback.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

from agent import config, control
from agent.clock import SystemClock
from agent.core import Rules

log = logging.getLogger("agent")

EXIT_MISSING = 2


class Missing(Exception):
    """The session lacks something Upright needs: what, and how to fix it."""

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(f"{what}\nFix: {fix}")


def check_display() -> None:
    if os.environ.get("DISPLAY"):
        return
    if os.environ.get("WAYLAND_DISPLAY"):
        raise Missing("This is a Wayland session without X11 compatibility (no DISPLAY).",
                      "Enable XWayland, or log in to an X11 session, and start Upright from it.")
    raise Missing("No display: Upright is a desktop agent and needs a graphical session (DISPLAY is not set).",
                  "Start it from your desktop session (autostart does this), or set DISPLAY, e.g. DISPLAY=:0.")


def run(config_path: str | None) -> int:
    """Start the agent; returns the exit status."""
    settings = config.load(config_path)
    rules = Rules.from_config(settings)
    check_display()
    try:
        server = control.Server()
    except control.AlreadyRunning:
        print("Upright is already running in this session.")
        return 0
    try:
        return _run_with(server, settings, rules)
    finally:
        server.close()


def _answer(mailbox, request: dict) -> dict:
    """The control socket's handler: answer pings here, hand the rest to the Tk thread."""
    if request.get("command") == "ping":
        return {"ok": True, "pid": os.getpid()}
    from agent.app import ask

    return ask(mailbox, request)


def _run_with(server: control.Server, settings: dict, rules: Rules) -> int:
    import tkinter

    from agent.app import App, Windows
    from agent.exercise_choice import Rotation
    from agent.mailbox import Mailbox
    from agent.sensing import SensingUnavailable, backend
    from agent.tray import Tray

    clock = SystemClock()
    try:
        sensing = backend(clock=clock.monotonic)
    except SensingUnavailable as error:
        raise Missing(error.message, error.fix) from None
    try:
        root = tkinter.Tk(className="Upright")
    except tkinter.TclError as error:
        sensing.close()
        raise Missing(f"Cannot open the display {os.environ.get('DISPLAY')}: {error}.",
                      "Check that the X server is running and that you may connect to it (xhost, XAUTHORITY).")
    root.withdraw()
    mailbox = Mailbox()
    windows = Windows(_on_first_use("BreakWindow"), _on_first_use("Notice"), _on_first_use("Panel"),
                      _on_first_use("monitor_at_pointer"), Rotation(rules.break_s))
    from agent.guides import Guides

    guides = Guides(root, windows.geometry, lambda text: windows.notice(root, text, windows.geometry(root), 12))
    app = App(root, rules, settings, sensing, Tray, windows, clock, mailbox, guides=guides)
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, lambda *_: mailbox.post(("quit",)))
    app.start()
    server.start(lambda request: _answer(mailbox, request))
    if app.tray.docked() is False:
        print("Upright: no system tray found; running without an icon (use `upright status`).", file=sys.stderr)
    print(f"Upright is running (pid {os.getpid()}); `upright status` tells how long you have been sitting.",
          flush=True)
    try:
        root.mainloop()
    finally:
        app.stop()
        mailbox.close(root)
        root.destroy()
    return 0


def _on_first_use(name: str):
    """A window factory that imports its module (Tk images, Pillow) only when first called.

    Most of a day no window is open; not loading them keeps the agent small.
    """
    def make(*args, **kwargs):
        from agent import ui

        return getattr(ui, name)(*args, **kwargs)

    return make

