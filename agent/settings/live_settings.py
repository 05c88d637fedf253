"""The settings of a running agent, picked up again when their files change.

IT changes a policy on thousands of machines; nobody restarts an agent for
that. Looking costs reading a few small files, and is done only when the agent is
awake anyway (a deadline, a control command), so it adds no wake-ups: a
change takes effect within one tray tick while someone is working.
"""

from __future__ import annotations

import logging
from pathlib import Path

from agent.core import Rules
from agent.settings import layers
from agent.settings.config import ConfigError

log = logging.getLogger("agent")


class LiveSettings:
    """The Effective settings, and whether they changed since last asked."""

    def __init__(self, extra: str | Path | None = None, load=layers.load) -> None:
        self.extra, self._load = extra, load
        self.effective = load(extra)
        self._seen = layers.fingerprint(self.effective)
        self._reported: set[str] = set()
        self.listeners: list = []  # called with the new values after each change (e.g. the log level)

    @property
    def values(self) -> dict:
        return self.effective.values

    def rules(self) -> Rules:
        return Rules.from_config(self.values)

    def locked(self, dotted: str) -> bool:
        return self.effective.locked(dotted)

    def changed(self) -> bool:
        """Re-read the layers if a file behind them changed; True if a value did."""
        seen = layers.fingerprint(self.effective)
        if seen == self._seen:
            return False
        self._seen = seen
        try:
            fresh = self._load(self.extra)
        except ConfigError as error:  # the --config file named at start broke: keep going as we are
            log.warning("settings not reloaded: %s", error)
            return False
        self.report(fresh)
        before, self.effective = self.effective, fresh
        if fresh.values == before.values and fresh.origins == before.origins:
            return False
        log.info("settings reloaded: %s", ", ".join(_differences(before, fresh)) or "origins changed")
        for listener in self.listeners:
            listener(fresh.values)
        return True

    def report(self, effective: layers.Effective | None = None) -> None:
        """Log each problem once: a bad policy is reported when seen, not at every look."""
        for problem in (effective or self.effective).problems:
            if str(problem) not in self._reported:
                self._reported.add(str(problem))
                log.warning("setting not used: %s", problem)


def _differences(before: layers.Effective, after: layers.Effective) -> list[str]:
    return [f"{section}.{name}" for section, table in after.values.items()
            for name, value in table.items() if before.values.get(section, {}).get(name) != value]
