"""`upright config show|validate|init`: the settings, as users and IT see them.

`show` answers "why is my break every 45 minutes?" (each value and the layer
it came from); `validate` is what IT runs on a policy before rolling it out;
`init` gives a user a commented file to start from. `validate` also warns
(exit 0 all the same) when a sitting limit goes beyond the hour the health
articles allow at the loosest (:mod:`agent.settings.advice`).
"""

from __future__ import annotations

import argparse
import json

from agent.cli.errors import UserError
from agent.files import atomic, tomlfile
from agent.files.tomlfile import FileProblems
from agent.settings import advice, config, layers
from agent.settings.user_settings import cannot_write, commented_settings

EXIT_INVALID = 1  # `validate`: the file has problems


def add_parser(commands) -> None:
    """Register `upright config ...` on the top-level subcommands."""
    parser = commands.add_parser("config", help="show, check or start a settings file",
                                 description="Show the settings in force, check a settings or policy file, "
                                             "or write a commented settings file to start from.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="the settings in force, each with where it came from")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=show_command)
    validate = actions.add_parser(
        "validate", help="check a policy or settings file before using it",
        description="Exit 0 if FILE can be used as it is; otherwise print one line per problem "
                    "(FILE:LINE: key: problem) and exit 1. A sitting limit beyond 60 minutes (the "
                    "articles' loosest advice) gets a warning line, and still exits 0.")
    validate.add_argument("file", metavar="FILE")
    validate.add_argument("--as", dest="kind", choices=("policy", "user"),
                          help="how to read FILE (default: a policy if it has [recommended], [enforced] "
                               "or feature states, else a user's settings)")
    validate.set_defaults(handler=validate_command)
    init = actions.add_parser("init", help="write a commented settings file for this user")
    init.add_argument("--force", action="store_true", help="replace an existing file (kept as .bak)")
    init.set_defaults(handler=init_command)


# --- show -------------------------------------------------------------------------


def show_command(args: argparse.Namespace) -> int:
    effective = layers.load()
    if args.json:
        print(json.dumps(_as_json(effective), indent=2))
        return 0
    for line in _as_table(effective):
        print(line)
    return 0


def _as_json(effective: layers.Effective) -> dict:
    settings = {key.dotted: {"value": effective.values[key.section][key.name],
                             "origin": effective.origins[key.dotted],
                             "locked": effective.locked(key.dotted)} for key in config.SCHEMA}
    return {"settings": settings, "files": effective.files, "problems": [str(p) for p in effective.problems]}


def _as_table(effective: layers.Effective) -> list[str]:
    policy = ", ".join(effective.files["enforced"]) or "none"
    user = ", ".join(effective.files["user"]) or _no_user_file(effective)
    lines = [f"Policy: {policy}", f"User settings: {user}", ""]
    width = max(len(key.dotted) for key in config.SCHEMA)
    for key in config.SCHEMA:
        value = tomlfile.literal(effective.values[key.section][key.name])
        origin = effective.origins[key.dotted]
        origin = "enforced (managed by your organization)" if origin == "enforced" else origin
        lines.append(f"{key.dotted:<{width}}  {value:<16}  {origin}")
    if effective.problems:
        lines += ["", "Problems (each of these settings falls back to the layer beneath):"]
        lines += [f"  {problem}" for problem in effective.problems]
    return lines


def _no_user_file(effective: layers.Effective) -> str:
    """Why no user file is in force: missing, or there but out of reach (not "does not exist" then)."""
    path = str(layers.user_file())
    if any(problem.path == path and not problem.line for problem in effective.problems):
        return f"none ({path} cannot be read; see Problems below)"
    return f"none ({path} does not exist)"


# --- validate ----------------------------------------------------------------------


def validate_command(args: argparse.Namespace) -> int:
    problems, kind = check_file(args.file, args.kind)
    for problem in problems:
        print(problem)
    if problems:
        return EXIT_INVALID
    # Usable as it is; a sitting limit beyond the articles' hour is said, not refused.
    doc, text = tomlfile.read(args.file)
    for warning in advice.file_warnings(doc, text, args.file, kind):
        print(warning)
    print(f"{args.file}: OK ({'policy' if kind == 'policy' else 'user settings'})")
    return 0


def check_file(path: str, kind: str | None = None) -> tuple[list, str]:
    """Every problem in a policy or settings file, and which of the two it was read as."""
    try:
        doc, text = tomlfile.read(path)
    except FileProblems as error:
        return error.problems, kind or "policy"
    kind = kind or ("policy" if layers.is_policy(doc) else "user")
    if kind == "policy":
        problems: list = []
        layers.check_policy(doc, text, path, problems)
        return problems, kind
    return config.validate(doc, text, path), kind


# --- init --------------------------------------------------------------------------


def init_command(args: argparse.Namespace) -> int:
    path = layers.user_file()
    try:
        if path.exists() and not args.force:
            raise UserError(f"{path} already exists; edit it, or add --force to start again "
                            f"(the old file is kept)")
        effective = layers.load()
        if path.exists():
            path.replace(path.with_name(path.name + ".bak"))
        atomic.write_text(path, commented_settings(effective))
    except OSError as error:  # a folder closed or read-only: checking for the file fails too
        raise UserError(cannot_write(path, error)) from None
    print(f"Wrote {path}: remove the # in front of a setting to change it.")
    return 0
