"""`upright history export --csv` and `upright history forget`: the user's own record, theirs to take or delete.

The history lives in the user's data folder (``history.sqlite3``, and
``history-pending.json`` until the agent has written it there). Export
prints it as CSV for a spreadsheet; forget deletes both files and tells a
running agent to drop what it holds, so nothing of the past comes back.
"""

from __future__ import annotations

import argparse
import csv
import sys

from agent.cli.errors import UserError


def add_parser(commands) -> None:
    """Register `upright history ...` on the top-level subcommands."""
    parser = commands.add_parser("history", help="export or delete your sitting history",
                                 description="Your history of sitting and breaks, kept on this machine.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="print the history as CSV, one row per day",
                                description="Print the history as CSV: one row per day (minutes, counts), "
                                            "or with --breaks one row per break.")
    export.add_argument("--csv", action="store_true", required=True, help="CSV (the one format there is)")
    export.add_argument("--breaks", action="store_true", help="one row per break instead of per day")
    export.set_defaults(handler=export_command)
    forget = actions.add_parser("forget", help="delete the history",
                                description="Delete the history file and the pending file; a running agent "
                                            "drops what it holds and counts afresh from now.")
    forget.set_defaults(handler=forget_command)

    aggregate = commands.add_parser("aggregate", help="what the anonymous daily summary for IT sent",
                                    description="Show, exactly, every anonymous daily summary this user's "
                                                "Upright wrote for the organisation (aggregate_export).")
    actions = aggregate.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="every file written, as it was written")
    show.add_argument("--json", action="store_true", help="a JSON list of the files' contents")
    show.set_defaults(handler=aggregate_show_command)


DAY_COLUMNS = ("day", "sitting_min", "longest_bout_min", "standing_min", "prompts", "taken", "postponed",
               "skipped", "natural_breaks", "natural_break_min", "held_for_presentation", "sitting_limit_min",
               "ended_early")  # new columns go at the end: spreadsheets that read by position keep working


def export_command(args: argparse.Namespace) -> int:
    from agent.content.checklist_state import data_dir

    history = read_history(data_dir())
    out = csv.writer(sys.stdout, lineterminator="\n")
    if args.breaks:
        out.writerow(("time", "outcome", "length_min"))
        out.writerows((b.at, b.outcome, _minutes(b.length_s)) for b in history.breaks)
        return 0
    out.writerow(DAY_COLUMNS)
    for d in history.days:
        out.writerow((d.day, _minutes(d.sitting_s), _minutes(d.longest_bout_s), _minutes(d.standing_s), d.prompts,
                      d.taken, d.postponed, d.skipped, d.natural_breaks, _minutes(d.natural_s), d.held,
                      _minutes(d.sitting_limit_s), d.ended_early))
    return 0


def forget_command(args: argparse.Namespace) -> int:
    from agent.content.checklist_state import data_dir
    from agent.history.journal import Journal
    from agent.history.store import HistoryStore
    from agent.live import control

    folder = data_dir()
    try:
        control.send("history_forget")  # first, so it does not write back what it holds
    except control.NotRunning:
        pass
    try:
        gone = HistoryStore(folder).forget()
        pending = Journal(folder).path
        if pending.exists():
            pending.unlink()
            gone.append(pending)
    except OSError as error:
        raise UserError(f"cannot delete {error.filename}: {error.strerror}") from None
    print("Deleted " + ", ".join(str(p) for p in gone) if gone else f"No history in {folder}")
    return 0


def aggregate_show_command(args: argparse.Namespace) -> int:
    import json
    import sqlite3

    from agent.content.checklist_state import data_dir
    from agent.history.store import HistoryStore
    from agent.settings import layers

    values = layers.load().values
    store = HistoryStore(data_dir())
    try:
        sent = store.sent()
    except (OSError, sqlite3.Error) as error:
        raise UserError(f"cannot read {store.path}: {error}") from None
    for problem in store.problems:
        print(f"upright: {problem}", file=sys.stderr)
    if args.json:
        print(json.dumps([json.loads(text) for _, _, text, _ in sent], indent=1))
        return 0
    folder = values["aggregate"]["folder"]
    if values["features"]["aggregate_export"] and folder:
        print(f"Aggregate export is on: one anonymous file a day into {folder}")
    else:
        print("Aggregate export is off" + ("" if sent else "; nothing has been written."))
    for day, file, text, sent_at in sent:
        print(f"\n{day}: {file} (written {sent_at})\n{text.rstrip()}")
    return 0


def read_history(folder, first=None, last=None):
    """The history; a file set aside on the way is said on stderr, never a traceback."""
    import sqlite3

    from agent.history import reader

    try:
        history = reader.read(folder, first, last)
    except (OSError, sqlite3.Error) as error:
        raise UserError(f"cannot read the history in {folder}: {error}") from None
    for problem in history.problems:
        print(f"upright: {problem}", file=sys.stderr)
    return history


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)
