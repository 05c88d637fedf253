"""The errors every `upright` subcommand may raise, and the exit statuses they leave with.

Its own module so that the subcommands (`config`, `doctor`, ...) and the
command that dispatches to them can both use it without importing each other.
"""

from __future__ import annotations

EXIT_USAGE = 2  # bad input: config, trace, arguments; a session Upright cannot run in
EXIT_NOT_RUNNING = 1  # a control command with no agent to talk to


class UserError(Exception):
    """A problem the user can fix, with the exit status to leave with."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status
