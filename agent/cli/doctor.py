"""`upright doctor`: is this machine ready for Upright, and if not, what to do.

IT runs it on a machine before (or after) a rollout, a user runs it when the
icon is missing. Each check is one small function returning a :class:`Result`
(OK, WARN or FAIL, a detail, and the fix when not OK), so each can be tested
alone. The exit status sums them up for scripts: 0 all OK, 1 a WARN and no
FAIL, 2 a FAIL.

A doctor must never hang, whatever state the machine is in: an X server that
accepts the connection and never answers, an agent stuck in its loop, a hung
network folder. Every check therefore runs in a daemon thread that is waited
for at most `--timeout` seconds; one that takes longer is reported as such.

Checks only read, with one exception that leaves no trace: the data and log
folders are proved writable by creating (as the agent would) the folder and
a temporary file in it, both removed again.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Optional

OK, WARN, FAIL = "OK", "WARN", "FAIL"
EXIT_STATUS = {OK: 0, WARN: 1, FAIL: 2}
TIMEOUT_S = 5.0

DISPLAY, TRAY, INPUT, SETTINGS, DATA, LOGS, AUTOSTART, INSTANCE = (
    "display", "tray host", "input source", "settings", "data folder", "log folder", "autostart",
    "running agent")
WAYLAND_INPUT, WAYLAND_FULLSCREEN = "wayland activity", "wayland full screen"  # rows of Wayland sessions only
WAYLAND_LIMITS = ("Wayland session, seen through XWayland ({display}): the idle time and full-screen "
                  "windows are seen only for X11 apps, and input to Wayland apps may not be seen")
WAYLAND_FIX = ("For full activity sensing log in to an X11 session (e.g. \"GNOME on Xorg\" at the login "
               "screen); under Wayland Upright may prompt while you are busy in a Wayland app.")
NO_TRAY = "no system tray: Upright runs without an icon; use `upright status`"
NO_TRAY_FIX = ("Install or enable a system tray, e.g. on GNOME the \"AppIndicator and KStatusNotifierItem "
               "Support\" extension; on a bare window manager a panel such as trayer or stalonetray; on sway "
               "and other wlroots desktops a bar with a tray, such as waybar.")


@dataclass(frozen=True)
class Result:
    """One check's verdict. `detail` may hold several lines (the settings' problems)."""

    check: str
    status: str  # OK, WARN or FAIL
    detail: str
    fix: Optional[str] = None


# --- the checks -----------------------------------------------------------------


def display() -> tuple[Result, Any]:
    """DISPLAY set and the X server answering; and the open connection, for the next checks.

    On a platform without X11 there is nothing to check (and no connection).
    """
    from agent.live import run
    from agent.sensing import SensingUnavailable

    if sys.platform in ("win32", "darwin"):
        return Result(DISPLAY, OK, f"the {sys.platform} desktop; no X11 needed"), None
    try:
        run.check_display()
    except run.Missing as missing:
        return Result(DISPLAY, FAIL, missing.what, missing.fix), None
    from agent.sensing._xorg import open_display

    try:
        conn = open_display()
    except SensingUnavailable as error:
        return Result(DISPLAY, FAIL, error.message, error.fix), None
    name = os.environ["DISPLAY"]
    if _wayland():
        if isinstance(_wayland_sensing(), SensingUnavailable):
            return Result(DISPLAY, WARN, WAYLAND_LIMITS.format(display=name), WAYLAND_FIX), conn
        return Result(DISPLAY, OK, f"Wayland session; Upright's windows through XWayland ({name}, "
                                   f"{_vendor(conn)})"), conn
    return Result(DISPLAY, OK, f"X server {name} answers ({_vendor(conn)})"), conn


def _wayland() -> bool:
    from agent.sensing import wayland_session

    return wayland_session()


_probe: list[Any] = []


def _wayland_sensing() -> Any:
    """The Wayland backend this session would use, as `(name, details)`, or the SensingUnavailable it raised.

    Started once, asked what it can tell, and closed again; the answer is kept for the other checks.
    """
    if _probe:
        return _probe[0]
    from agent.sensing import ENV_VAR, SensingUnavailable, backend, default_name

    try:
        sensing = backend(os.environ.get(ENV_VAR) or default_name())
    except SensingUnavailable as error:
        _probe.append(error)
        return error
    try:
        details = {"protocol": getattr(sensing, "protocol", "org.gnome.Mutter.IdleMonitor"),
                   "fullscreen": sensing.HAS_FULLSCREEN_QUERY, "idle_s": sensing.idle_seconds() or 0.0}
    finally:
        sensing.close()
    _probe.append((sensing.NAME, details))
    return _probe[0]


def wayland_activity() -> Result:
    """Whether the compositor tells Upright about every app's input (not only X11 apps')."""
    from agent.sensing import SensingUnavailable

    found = _wayland_sensing()
    if isinstance(found, SensingUnavailable):
        if os.environ.get("DISPLAY"):
            return Result(WAYLAND_INPUT, WARN, f"{found.message} Upright falls back to XWayland, which sees "
                                               "input to X11 apps only.", found.fix)
        return Result(WAYLAND_INPUT, FAIL, found.message, found.fix)
    name, details = found
    return Result(WAYLAND_INPUT, OK, f"{name}: {details['protocol']} tells the idle time and the first touch "
                                     f"for every app (idle {details['idle_s']:.0f} s)")


def wayland_fullscreen() -> Result:
    """Whether a presentation or full-screen video can hold the prompt on this compositor."""
    from agent.sensing import SensingUnavailable

    found = _wayland_sensing()
    fix = ("This desktop does not tell other apps about full-screen windows; before presenting, use "
           "`upright pause MIN` (or Pause in the tray panel).")
    if isinstance(found, SensingUnavailable):
        return Result(WAYLAND_FULLSCREEN, WARN, "unknown: no Wayland sensing (see above)", fix)
    name, details = found
    if name == "mutter":
        return Result(WAYLAND_FULLSCREEN, OK, "GNOME idle inhibitors (held by presentation and video apps) "
                                              "and GNOME's Do Not Disturb switch hold the prompt")
    if details["fullscreen"]:
        return Result(WAYLAND_FULLSCREEN, OK, "the compositor lists windows (zwlr_foreign_toplevel_manager_v1): "
                                              "a focused full-screen window holds the prompt")
    return Result(WAYLAND_FULLSCREEN, WARN, "this compositor does not list windows; only apps that ask the "
                                            "desktop's power management not to sleep (KDE) hold the prompt", fix)


def _vendor(conn: Any) -> str:
    info = conn.display.info
    return f"{info.vendor}, release {info.release_number}"


def tray_host(conn: Any) -> Result:
    """Someone owns the XEMBED system tray selection, which the tray docks into (see agent/tray/_pystray.py).

    In a Wayland session a StatusNotifier host on the session bus (the tray Upright uses there) is
    asked first. On X11 only the X11 tray is asked: where pystray uses AppIndicator instead (PyGObject
    installed), a StatusNotifier host would do, and is not looked for.
    """
    if sys.platform in ("win32", "darwin"):
        return Result(TRAY, OK, "the notification area is part of this desktop")
    if _wayland() and _status_notifier_host():  # else an X11 tray through XWayland, as before
        return Result(TRAY, OK, "a panel shows StatusNotifier items (the Wayland tray)")
    if conn is None:
        return _not_checked(TRAY)
    name = f"_NET_SYSTEM_TRAY_S{conn.get_default_screen()}"
    owner = conn.get_selection_owner(conn.intern_atom(name))
    owner_id = getattr(owner, "id", owner)
    if not owner_id:
        return Result(TRAY, WARN, NO_TRAY, NO_TRAY_FIX)
    return Result(TRAY, OK, f"a system tray owns {name} (window {owner_id:#x})")


def _status_notifier_host() -> bool:
    """On Wayland the icon is a StatusNotifierItem: a watcher with a host (a panel) on the session bus."""
    try:
        from jeepney import DBusAddress, Properties
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import unwrap_msg

        watcher = DBusAddress("/StatusNotifierWatcher", bus_name="org.kde.StatusNotifierWatcher",
                              interface="org.kde.StatusNotifierWatcher")
        with open_dbus_connection("SESSION") as bus:
            ((_signature, hosted),) = unwrap_msg(bus.send_and_get_reply(
                Properties(watcher).get("IsStatusNotifierHostRegistered"), timeout=2))
    except Exception:  # no session bus, no watcher, no jeepney
        return False
    return bool(hosted)


def input_source(conn: Any) -> Result:
    """What Upright learns input from: X RECORD for the listeners, MIT-SCREEN-SAVER for the idle time."""
    if sys.platform == "darwin":
        return Result(INPUT, WARN, "the Accessibility / Input Monitoring permission cannot be checked from here",
                      "System Settings > Privacy & Security: allow the app that runs Upright under both "
                      "Accessibility and Input Monitoring.")
    if sys.platform == "win32":
        return Result(INPUT, OK, "Windows input hooks need no permission")
    if _wayland() and not isinstance(_wayland_sensing(), Exception):
        return Result(INPUT, OK, "the Wayland compositor (see 'wayland activity'); no X11 listener needed")
    if conn is None:
        return _not_checked(INPUT)
    from agent.sensing import SensingUnavailable
    from agent.sensing._xorg import require_record

    try:
        require_record(conn)
    except SensingUnavailable as error:
        return Result(INPUT, FAIL, error.message, error.fix)
    if importlib.util.find_spec("pynput") is None:
        return Result(INPUT, FAIL, "pynput, which listens for input, is not installed",
                      "Reinstall Upright (bash scripts/install.sh), or: pip install pynput")
    if not conn.has_extension("MIT-SCREEN-SAVER"):
        return Result(INPUT, WARN, "X RECORD present, but no MIT-SCREEN-SAVER idle query: Upright keeps its "
                                   "input listeners armed all the time (more CPU under heavy pointer use)",
                      "Enable the MIT-SCREEN-SAVER extension of the X server (it is on by default in Xorg; "
                      "for Xvfb pass '+extension MIT-SCREEN-SAVER').")
    idle_ms = conn.screen().root.screensaver_query_info().idle
    return Result(INPUT, OK, f"X RECORD present; the idle query answers (idle {idle_ms / 1000:.0f} s)")


def _not_checked(check: str) -> Result:
    return Result(check, WARN, "not checked: no X display to ask", "Fix the display first (see above).")


def settings() -> Result:
    """The settings in force (defaults, policy, the user's file): each problem found on the way."""
    from agent.settings import layers

    effective = layers.load()
    read = list(dict.fromkeys(place for layer in layers.LAYERS for place in effective.files[layer]))
    if not effective.problems:
        detail = f"read {', '.join(read)}" if read else "built-in defaults only (no policy, no user settings file)"
        return Result(SETTINGS, OK, detail)
    count = len(effective.problems)
    lines = [f"{count} problem{'s' * (count != 1)}; what they touch comes from the layer beneath:"]
    lines += [str(problem) for problem in effective.problems]
    places = dict.fromkeys(problem.path for problem in effective.problems)
    return Result(SETTINGS, WARN, "\n".join(lines), "; ".join(_settings_fix(place) for place in places))


def _settings_fix(place: str) -> str:
    from agent.settings.layers import POLICY_ENV

    if Path(place).is_file():
        return f"upright config validate {place}"
    if place.startswith("HKLM\\"):
        return f"correct the Group Policy settings under {place}"
    return f"create {place}, or point {POLICY_ENV} at an existing policy"


def data_folder() -> Result:
    """The user's own records (checklist ticks) can be kept."""
    from agent.content.checklist_state import data_dir

    folder = data_dir()
    return _writable(DATA, folder, FAIL,
                     f"Make {folder} writable for this user, or set UPRIGHT_DATA_DIR to a folder that is.")


def log_folder() -> Result:
    """The agent's log can be written; without it the agent runs on, logging to stderr only."""
    from agent.live.logs import ENV_VAR, log_dir

    folder = log_dir()
    return _writable(LOGS, folder, WARN,
                     f"Make {folder} writable for this user, or set {ENV_VAR} to a folder that is; "
                     f"until then the agent logs to stderr only.")


def _writable(check: str, folder: Path, status: str, fix: str) -> Result:
    """Make the folder as the agent would, write a file into it; then undo both."""
    made = [place for place in (folder, *folder.parents) if not place.exists()]
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".upright-doctor-"):
            pass
    except OSError as error:
        return Result(check, status, f"{folder} is not writable: {error.strerror or error}", fix)
    finally:
        for place in made:  # deepest first; a folder someone filled meanwhile stays
            with contextlib.suppress(OSError):
                place.rmdir()
    return Result(check, OK, f"{folder} {'can be made and written' if made else 'is writable'}")


def autostart_state() -> Result:
    """Whether Upright will start at this user's next login."""
    from agent.it import autostart

    try:
        mine, _everyone = autostart.for_platform().status()
    except (autostart.AutostartError, OSError) as error:
        return Result(AUTOSTART, WARN, f"cannot tell: {error}", "upright autostart status")
    if mine.on:
        return Result(AUTOSTART, OK, f"on for this user: {mine.where}")
    return Result(AUTOSTART, WARN, f"{mine}: Upright will not start at the next login", "upright autostart enable")


def running_agent() -> Result:
    """Whether an agent answers in this session. Never a warning: doctor is often run before starting one."""
    from agent.live import control

    try:
        reply = control.send("ping")
    except control.NoAnswer as error:
        return Result(INSTANCE, WARN, f"{error}: an agent holds the socket but is stuck or overloaded",
                      "end the agent's process, then: upright run")
    except control.NotRunning as error:
        why = "" if str(error) == "Upright is not running" else f" ({error})"
        return Result(INSTANCE, OK, f"not running{why}; `upright run` starts it")
    except OSError as error:  # e.g. a runtime folder that cannot be made
        return Result(INSTANCE, OK, f"not reachable: {error}; `upright run` will say more")
    if isinstance(reply, dict) and reply.get("ok") and "pid" in reply:
        return Result(INSTANCE, OK, f"running (pid {reply['pid']})")
    return Result(INSTANCE, OK, f"something answers on the control socket, but not to ping: {reply}")


# --- running them ------------------------------------------------------------------


def run_checks(timeout: float = TIMEOUT_S) -> list[Result]:
    """Every check, in the order a person fixes things, none taking more than `timeout` seconds."""
    first = _bounded(DISPLAY, display, timeout,
                     Result(DISPLAY, FAIL, f"the X server {os.environ.get('DISPLAY')} did not answer "
                                           f"within {timeout:g} s",
                            "Check that the X server of this session is running and not stuck."))
    shown, conn = first if isinstance(first, tuple) else (first, None)
    results = [shown,
               _bounded(TRAY, lambda: tray_host(conn), timeout),
               _bounded(INPUT, lambda: input_source(conn), timeout),
               _bounded(SETTINGS, settings, timeout),
               _bounded(DATA, data_folder, timeout),
               _bounded(LOGS, log_folder, timeout),
               _bounded(AUTOSTART, autostart_state, timeout),
               _bounded(INSTANCE, running_agent, timeout,
                        Result(INSTANCE, OK, f"an agent holds the control socket but did not answer within "
                                             f"{timeout:g} s; `upright quit` or ending its process stops it"))]
    if sys.platform.startswith("linux") and _wayland():
        results[3:3] = [_bounded(WAYLAND_INPUT, wayland_activity, timeout),
                        _bounded(WAYLAND_FULLSCREEN, wayland_fullscreen, timeout)]
    if conn is not None:
        threading.Thread(target=conn.close, daemon=True).start()  # closing talks to the server too
    return results


def _bounded(check: str, work: Callable[[], Any], timeout: float, late: Result | None = None) -> Any:
    """`work()`'s answer, or `late` when it takes over `timeout` s; a crash becomes a FAIL, not a traceback."""
    answer: list[Any] = []

    def target() -> None:
        try:
            answer.append(work())
        except Exception as error:  # noqa: BLE001 - one broken check must not hide the others
            answer.append(Result(check, FAIL, f"the check itself failed: {type(error).__name__}: {error}",
                                 "This is a bug in Upright; please report it with this line."))

    worker = threading.Thread(target=target, name=f"doctor-{check}", daemon=True)
    worker.start()
    worker.join(timeout)
    if answer:
        return answer[0]
    return late or Result(check, FAIL, f"no answer within {timeout:g} s", "Run `upright doctor` again.")


def exit_status(results: list[Result]) -> int:
    """0 all OK, 1 a WARN and no FAIL, 2 a FAIL."""
    return max((EXIT_STATUS[r.status] for r in results), default=0)


def as_table(results: list[Result]) -> list[str]:
    """A table a person reads: check, status, detail; continuation lines and the fix below the detail."""
    width = max(len("CHECK"), *(len(r.check) for r in results))
    indent = " " * (width + 2 + 6 + 2)
    lines = [f"{'CHECK':<{width}}  {'STATUS':<6}  DETAIL"]
    for result in results:
        first, *rest = result.detail.splitlines() or [""]
        lines.append(f"{result.check:<{width}}  {result.status:<6}  {first}")
        lines += [f"{indent}{line}" for line in rest]
        if result.fix and result.status != OK:
            lines.append(f"{indent}fix: {result.fix}")
    return lines


# --- the command ---------------------------------------------------------------------


def add_parser(commands) -> None:
    """Register `upright doctor` on the top-level subcommands."""
    parser = commands.add_parser(
        "doctor", help="check this machine and session for Upright",
        description="Check the display, the system tray, the input source, the settings and policy, "
                    "the data and log folders, autostart and whether an agent is running; each OK, WARN or "
                    "FAIL with the fix. Exit status: 0 all OK, 1 a WARN but no FAIL, 2 a FAIL.")
    parser.add_argument("--json", action="store_true",
                        help='machine-readable: a list of {"check", "status", "detail", "fix"}')
    parser.add_argument("--timeout", type=_seconds, default=TIMEOUT_S, metavar="S",
                        help=f"give up on a check (a stuck X server or agent) after S seconds (default {TIMEOUT_S:g})")
    parser.set_defaults(handler=command)


def command(args: argparse.Namespace) -> int:
    results = run_checks(args.timeout)
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        print("\n".join(as_table(results)))
    sys.stdout.flush()
    return exit_status(results)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError("seconds must be between 0 and 600")
    return value
