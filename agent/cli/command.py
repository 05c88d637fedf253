"""The `upright` command: argument parsing and the one place errors become messages.

Each subcommand is a small function returning an exit status. Anything a user
can get wrong (a bad file, a missing trace) is raised as a known error and
printed as one line naming the file; a traceback is always a bug.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

from agent import __version__
from agent.cli import config_cli, doctor, history_cli, report_cli
from agent.cli.errors import EXIT_NOT_RUNNING, EXIT_USAGE, UserError
from agent.cli.simulate import replay, write_json_lines, write_timeline
from agent.cli.trace import TraceError
from agent.core import Rules
from agent.files.resources import asset, data_dir
from agent.i18n import gettext as _
from agent.settings import config


def main(argv: list[str] | None = None) -> int:
    _printable_anywhere()
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except UserError as error:
        return _fail(str(error), error.status)
    except (config.ConfigError, TraceError) as error:
        return _fail(str(error), EXIT_USAGE)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`); say nothing more, on a stdout that is gone.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _printable_anywhere() -> None:
    """A terminal or pipe that cannot show a character (LANG=C: ASCII) gets '?', not a traceback."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):  # not a text file, or already in use
            pass


def _fail(message: str, status: int) -> int:
    for line in message.splitlines():
        print(f"upright: {line}", file=sys.stderr)
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="upright", description="A calm stand-and-stretch break agent.")
    parser.add_argument("--version", action="version", version=f"upright {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    simulate = commands.add_parser(
        "simulate", help="replay an activity trace through the break engine",
        description="Replay a JSON Lines trace ({\"t\": seconds, \"type\": event}) in fast time "
                    "and print every decision, then a summary.",
    )
    source = simulate.add_mutually_exclusive_group(required=True)
    source.add_argument("trace", nargs="?", metavar="TRACE", help="trace file, or - for standard input")
    source.add_argument("--example", nargs="?", const="workday", metavar="NAME",
                        help="replay a trace shipped with Upright (default: workday)")
    simulate.add_argument("--config", metavar="FILE", help="settings file on top of the defaults")
    simulate.add_argument("--human", action="store_true", help="print a readable timeline instead of JSON Lines")
    simulate.set_defaults(handler=_simulate)

    run = commands.add_parser("run", help="start the agent in this desktop session",
                              description="Start Upright: tray icon, activity sensing, break prompts.")
    run.add_argument("--config", metavar="FILE", help="settings file on top of the usual ones (for trials and tests)")
    run.set_defaults(handler=_run)

    status = commands.add_parser("status", help="how long you have been sitting, and what comes next")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=_status)
    pause = commands.add_parser("pause", help="hold all prompts for MIN minutes")
    pause.add_argument("minutes", type=_minutes, metavar="MIN")
    pause.set_defaults(handler=lambda args: _act("pause", minutes=args.minutes))
    _exercises_parser(commands)
    _autostart_parser(commands)
    config_cli.add_parser(commands)
    doctor.add_parser(commands)
    history_cli.add_parser(commands)
    report_cli.add_parser(commands)
    for name, text in (("break", "take a break now"), ("resume", "end a pause"),
                       ("standing", "tell Upright you are standing at the desk"),
                       ("sitting", "tell Upright you are sitting again"), ("quit", "stop the agent")):
        commands.add_parser(name, help=text).set_defaults(handler=lambda args, name=name: _act(name))
    return parser


def _exercises_parser(commands) -> None:
    exercises = commands.add_parser("exercises", help="check and draw the exercise library",
                                    description="List or draw Upright's exercises, and any in FOLDERs of your own.")
    actions = exercises.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="check every exercise file and list the exercises")
    render = actions.add_parser("render", help="draw every exercise into a folder for review",
                                description="Write each exercise's start and end pose (PNG), the two side "
                                            "by side with an arrow (PNG), its movement (GIF), a contact sheet of all of them and an index with alt text.")
    render.add_argument("--out", required=True, metavar="DIR", help="folder to write the pictures into")
    render.add_argument("--scale", type=int, choices=(1, 2), default=1, help="1: 240 px pictures; 2: 480 px")
    for action in (listing, render):
        action.add_argument("--folder", action="append", default=[], metavar="FOLDER",
                            help="also load the exercise files in FOLDER (repeatable)")
    listing.set_defaults(handler=_exercises_list)
    render.set_defaults(handler=_exercises_render)


def _library(args: argparse.Namespace) -> tuple[list, int]:
    """The exercises, with each bad file reported on stderr; status 2 if there was one."""
    from agent.content.exercises import packaged_folder, read_library

    exercises, problems = read_library([packaged_folder(), *args.folder])
    for problem in problems:
        print(f"upright: skipped: {problem}", file=sys.stderr)
    return exercises, EXIT_USAGE if problems else 0


def _exercises_list(args: argparse.Namespace) -> int:
    """`upright exercises list`: one line per exercise; exit 2 if any file was skipped."""
    exercises, status = _library(args)
    for e in exercises:
        adapted = f"  (adapted for the desk from {e.adapted_from})" if e.adapted_for_desk else ""
        sources = ", ".join(name[:3] for name in e.sources)
        print(f"{e.id:<26} {e.position:<9} {e.name}{adapted}  [sources {sources}]")
    return status


def _exercises_render(args: argparse.Namespace) -> int:
    """`upright exercises render --out DIR`: pictures of every exercise for review."""
    from agent.ui.exercise_images import write_review

    exercises, status = _library(args)
    try:
        written = write_review(exercises, args.out, args.scale)
    except OSError as error:
        raise UserError(f"cannot write into {args.out}: {error.strerror or error}") from None
    print(f"Wrote {len(written)} files for {len(exercises)} exercises to {args.out}")
    return status


def _autostart_parser(commands) -> None:
    autostart = commands.add_parser(
        "autostart", help="start Upright when you log in",
        description="Turn starting Upright at login on or off, for you or (--all-users, as an administrator) "
                    "for everyone on this machine. `status` exits 0 when it is on, 1 when off.")
    actions = autostart.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("enable", "start Upright at every login"), ("disable", "stop starting it at login"),
                       ("status", "say whether it starts at login (exit 0: yes, 1: no)")):
        action = actions.add_parser(name, help=text)
        action.add_argument("--all-users", action="store_true",
                            help="every user of this machine, for IT (needs administrator rights)")
        action.set_defaults(handler=lambda args, name=name: _autostart(name, args.all_users))


def _autostart(action: str, all_users: bool) -> int:
    """`upright autostart enable|disable|status [--all-users]`."""
    from agent.it import autostart

    try:
        places = autostart.for_platform()
        if action == "status":
            mine, everyone = places.status()
            print(f"This user: {mine}\nAll users: {everyone}")
            return 0 if (everyone if all_users else mine).on else 1
        if action == "enable":
            print(places.enable(all_users, autostart.command_line()))
        else:
            print(places.disable(all_users))
    except autostart.AutostartError as error:
        raise UserError(str(error)) from None
    except OSError as error:  # e.g. an autostart folder that cannot be read
        where = f"{error.filename}: " if error.filename else ""
        raise UserError(f"autostart: {where}{error.strerror or error}") from None
    return 0


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of minutes: {text!r}") from None
    if not 0 < value <= 24 * 60:
        raise argparse.ArgumentTypeError("minutes must be between 0 and 1440")
    return value


def _run(args: argparse.Namespace) -> int:
    from agent.live.run import Missing, run

    from agent.live.control import FolderProblem

    try:
        return run(args.config)
    except (Missing, FolderProblem) as error:
        raise UserError(str(error)) from None


def _send(command: str, **request) -> dict:
    """One request to the running agent; its reply, or a UserError saying why not."""
    from agent.live import control

    try:
        reply = control.send(command, **request)
    except control.FolderProblem as error:
        raise UserError(str(error)) from None
    except control.NoAnswer as error:
        raise UserError(f"{error}.\nFix: try again in a moment; if it stays so, end the agent's process "
                        f"and start Upright again (upright run).", EXIT_NOT_RUNNING) from None
    except control.NotRunning as error:
        raise UserError(f"{error}. Start it with: upright run", EXIT_NOT_RUNNING) from None
    if not reply.pop("ok", False):
        raise UserError(reply.get("error", "the agent refused"), EXIT_NOT_RUNNING)
    return reply


def _act(command: str, **request) -> int:
    """`upright break|pause|resume|standing|sitting|quit`: do it, say where things stand."""
    reply = _send(command, **request)
    print("Upright is stopping." if command == "quit" else _status_line(reply))
    if reply.get("window_fault"):
        print(f"Note: {reply['window_fault']}; the windows it showed went unanswered. A new one opens now.")
    return 0


def _status(args: argparse.Namespace) -> int:
    reply = _send("status")
    print(json.dumps(reply) if args.json else _status_line(reply))
    return 0


def _status_line(status: dict) -> str:
    """One line a person reads: "Sitting 18 min · next break in 12 min" ("-" where "·" cannot be shown)."""
    line = _status_words(status)
    try:
        line.encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        line = line.replace("·", "-")
    return line


def _status_words(status: dict) -> str:
    """The status in the user's language (gettext; the words are in the translation template)."""
    state = status.get("state")
    if state == "paused":
        return _("Paused until {when}").format(when=_clock_time(status["paused_until"]))
    if state == "on_break":
        return _("On a break")
    if state == "away":
        return _("Away")
    minutes = _("{minutes} min").format(minutes=round(status.get("sitting_s", 0) / 60))
    if state == "break_due":
        return _("Break due · sitting {duration}").format(duration=minutes)
    if status.get("standing"):
        return _("Standing")
    left = status.get("next_break_in_s")
    if left is None:
        return _("Sitting {duration}").format(duration=minutes)
    return _("Sitting {duration} · next break in {left}").format(
        duration=minutes, left=_("{minutes} min").format(minutes=round(left / 60)))


def _clock_time(stamp: str, today: date | None = None) -> str:
    """The status's ISO time as the tray shows it: "14:30" today, "2026-12-06 08:00" another day."""
    try:
        when = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp)
    return when.strftime("%H:%M" if when.date() == (today or date.today()) else "%Y-%m-%d %H:%M")


def _simulate(args: argparse.Namespace) -> int:
    rules = Rules.from_config(config.load(args.config))
    path = _example(args.example) if args.example else args.trace
    with _open_trace(path) as lines:
        records = list(replay(lines, str(path) if path != "-" else "<stdin>", rules, answers=args.human))
    if args.human:
        print(f"Replaying {path}: {_describe(rules)}\n")
        write_timeline(records, sys.stdout)
    else:
        write_json_lines(records, sys.stdout)
    return 0


def _example(name: str) -> Path:
    path = asset("examples", f"{name}.jsonl")
    if not path.is_file():
        known = sorted(p.stem for p in (data_dir("assets") / "examples").glob("*.jsonl"))
        raise UserError(f"no example trace named {name!r}; shipped: {', '.join(known)}")
    return path


def _open_trace(path):
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as error:
        raise UserError(f"cannot read trace {path}: {error.strerror}") from None


def _describe(rules: Rules) -> str:
    if rules.mode == "sit-stand-move":
        return (f"sit-stand-move cycle of {rules.pattern_sit_s / 60:g}/{rules.pattern_stand_s / 60:g}/"
                f"{rules.pattern_move_s / 60:g} min")
    return (f"a break every {rules.sitting_limit_s / 60:g} min of sitting, "
            f"away {rules.natural_break_s / 60:g} min counts as a natural break")
