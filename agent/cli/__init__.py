"""The `upright` command and its subcommands.

:mod:`~agent.cli.command` parses the arguments and turns every known error
(:mod:`~agent.cli.errors`) into one line and an exit status; the subcommands
that are more than a few lines have a module each: ``config``
(:mod:`~agent.cli.config_cli`), ``doctor``, ``simulate`` with its trace reader.
``upright run`` itself is :func:`agent.live.run.run`.

``agent.cli:main`` stays the entry point the installed ``upright`` and
``upright-agent`` scripts call, as before the code moved into this package.
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """The `upright` command (:func:`agent.cli.command.main`)."""
    from agent.cli.command import main as command

    return command(argv)
