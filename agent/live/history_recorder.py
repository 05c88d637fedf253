"""The live agent's side of the history: what the engine counted, written at wake-ups it has anyway.

The engine keeps the day's totals (:class:`agent.core.totals.Totals`); this
module turns them into the day's row, notes each break (taken, postponed,
skipped, natural, held for a presentation) with its time and length, and at
each of the agent's wake-ups writes what changed: into the history file once
Tk is loaded (a window has opened, so SQLite's 1.5 MiB no longer matter),
into the small pending file before that (:mod:`agent.history.journal`). No
timer of its own. Local midnight is noticed at the first wake-up or input
after it: the engine starts a new day there (``Engine.new_day``), so "Today"
starts afresh too.

With the ``statistics`` feature off nothing is noted or written, and the
files already there are left as they are. Tk thread only.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import date, datetime, timedelta
from typing import Callable

from agent import __version__

from pathlib import Path

from agent.core.totals import Totals
from agent.history.days import BreakRow, DayRow
from agent.history.journal import Journal, Pending

log = logging.getLogger("agent.history")

_ANSWERS = (("postponed", "postponed"), ("skipped", "skipped"))  # Totals counter -> break outcome


class HistoryRecorder:
    """Notes the day's totals and breaks; see the module docstring."""

    def __init__(self, directory: str | Path, wall: Callable[[], datetime], *,
                 may_load_sqlite: Callable[[], bool], session: str | None = None,
                 policy: Callable[[], dict] = dict) -> None:
        self.directory, self.wall = Path(directory), wall
        self.journal = Journal(directory)
        self._store = None  # the history file's module loads only when it is first written
        self.policy = policy  # the settings the organisation's policy sets, for the aggregate
        self.may_load_sqlite = may_load_sqlite
        self.session = session or os.urandom(8).hex()  # this run's rows; never leaves the machine
        self.enabled = False
        self.day: str | None = None
        self.rows: dict[str, DayRow] = {}  # this session's rows not yet final in the history file
        self.breaks: list[BreakRow] = []  # noted, not yet written
        self.earlier = self.journal.load()  # what a run that ended abruptly left pending
        self._offset = Totals()  # counted before recording began (statistics turned on, history forgotten)
        self._natural_s = 0.0
        self._held = 0
        self._seen = Totals()
        self._break_since: float | None = None  # a taken break in progress (monotonic)
        self._written: tuple | None = None
        self._write_failed = False
        self._aggregate_tried: str | None = None  # the day the aggregate export was last tried
        self.exporting: threading.Thread | None = None

    # --- called by the app ---------------------------------------------------

    def follow(self, settings: dict, now: float, engine) -> None:
        """Take up the statistics switch (and the rest of the settings) as they are now."""
        self.settings = settings
        enabled = bool(settings["features"]["statistics"])
        if enabled and not self.enabled:
            self._restart(engine.totals_at(now))
        elif self.enabled and not enabled:
            self.rows, self.breaks = {}, []  # nothing recorded while off; the files stay as they are
        self.enabled = enabled

    def roll_day(self, now: float, engine) -> None:
        """At local midnight (first noticed): finish yesterday's row, start today's."""
        today = self.wall().date().isoformat()
        if self.day is None:
            self.day = today
        if today == self.day:
            return
        finished = engine.new_day(now)
        if self.enabled:
            self.rows[self.day] = self._row(self.day, finished, finished.longest_bout_s, engine)
        self.day, self._offset, self._seen = today, Totals(), Totals()
        self._natural_s, self._held = 0.0, 0

    def natural_break(self, decision, now: float) -> None:
        """A natural break, from the engine's decision (its start and end)."""
        if self.enabled:
            start, end = decision.fields["start"], decision.fields["end"]
            self._natural_s += end - start
            self._note(start, now, "natural", end - start)

    def held(self, now: float) -> None:
        """A prompt held for a presentation or a call."""
        if self.enabled:
            self._held += 1
            self._note(now, now, "held", 0.0)

    def observe(self, now: float, engine, state: str) -> None:
        """After every event: breaks taken, postponed and skipped since the last look."""
        if not self.enabled:
            return
        totals = engine.totals
        for counter, outcome in _ANSWERS:
            for _ in range(getattr(totals, counter) - getattr(self._seen, counter)):
                self._note(now, now, outcome, 0.0)
        if totals.breaks_taken > self._seen.breaks_taken:
            self._close_break(now)
            self._break_since = now
        if self._break_since is not None and state != "on_break":
            early = totals.ended_early > self._seen.ended_early  # the engine took it back from `taken`
            self._close_break(now, "ended_early" if early else "taken")
        self._seen = Totals(**totals.as_dict())

    def wake(self, now: float, engine, final: bool = False) -> None:
        """A wake-up (or the agent stopping: ``final``): write the day so far if it changed."""
        if not self.enabled or self.day is None:
            return
        if final:
            self._close_break(now)
        self._update_row(now, engine)
        if final or self._state() != self._written:
            self.write(final)

    def write_now(self, now: float, engine) -> None:
        """Before the history is shown: the day so far where the reader finds it.

        Into the pending file unless SQLite is loaded already: the window
        process reads both, and the agent stays without SQLite.
        """
        if self.enabled and self.day is not None:
            self._update_row(now, engine)
            self.write()

    def _update_row(self, now: float, engine) -> None:
        totals = engine.totals_at(now)
        self.rows[self.day] = self._row(self.day, totals, totals.longest_bout_s, engine)

    def write(self, final: bool = False) -> None:
        """Into the history file when SQLite may load (or at the end), else into the pending file."""
        if not self.enabled:
            return
        if final or self.may_load_sqlite() or self._export_due():
            try:
                self._write_store()
                return
            except Exception as error:  # noqa: BLE001 - disk full, file locked, sqlite3.Error: keep it for later
                if not self._write_failed:
                    log.warning("%s: history not written (%s); kept in %s until it can be",
                                self.store.path, error, self.journal.path.name)
                self._write_failed = True
        self._write_journal()

    def forget(self, now: float, engine) -> None:
        """`upright history forget` while running: drop what is held, count afresh from now."""
        self.rows, self.breaks, self.earlier = {}, [], Pending()
        self._restart(engine.totals_at(now))

    @property
    def store(self):
        """The history file (:class:`agent.history.store.HistoryStore`), its module imported on first use."""
        if self._store is None:
            from agent.history.store import HistoryStore

            self._store = HistoryStore(self.directory)
        return self._store

    def counted_before(self, totals: Totals) -> None:
        """Totals the engine took up from an earlier run of today (the session file): that run's
        rows hold them already, so this run's rows count only what comes after."""
        if self.enabled:
            self._restart(totals)

    # --- inside --------------------------------------------------------------

    def _restart(self, counted: Totals) -> None:
        self._offset, self._seen = counted, Totals(**counted.as_dict())
        self._natural_s, self._held, self._break_since, self._written = 0.0, 0, None, None
        self.session = os.urandom(8).hex()

    def _state(self) -> tuple:
        return tuple(tuple(r.as_dict().values()) for r in self.rows.values()), len(self.breaks)

    def _row(self, day: str, totals: Totals, longest: float, engine) -> DayRow:
        """The day's row: the engine's totals less what was counted before recording began."""
        o = self._offset
        longest = min(longest, totals.sitting_s - o.sitting_s)  # no bout from before a forget
        return DayRow(
            day=day, sitting_s=round(totals.sitting_s - o.sitting_s, 1), longest_bout_s=round(max(0.0, longest), 1),
            standing_s=round(totals.standing_s - o.standing_s, 1), prompts=totals.prompts - o.prompts,
            taken=totals.breaks_taken - o.breaks_taken, postponed=totals.postponed - o.postponed,
            skipped=totals.skipped - o.skipped, natural_breaks=totals.natural_breaks - o.natural_breaks,
            natural_s=round(self._natural_s, 1), held=self._held, sitting_limit_s=engine.rules.sit_limit_s,
            ended_early=totals.ended_early - o.ended_early)

    def _note(self, t: float, now: float, outcome: str, length_s: float) -> None:
        at = self.wall() - timedelta(seconds=max(0.0, now - t))
        self.breaks.append(BreakRow(at.isoformat(timespec="seconds"), outcome, round(length_s, 1)))

    def _close_break(self, now: float, outcome: str = "taken") -> None:
        if self._break_since is not None:
            self._note(self._break_since, now, outcome, now - self._break_since)
            self._break_since = None

    def _retention(self) -> int:
        return int(self.settings["history"]["retention_days"])

    def _write_store(self) -> None:
        today = self.wall().date()
        for session, rows in self.earlier.rows.items():
            self.store.write(session, rows, [], retention_days=self._retention(), today=today)
        self.store.write(self.session, self.rows.values(), [*self.earlier.breaks, *self.breaks],
                         retention_days=self._retention(), today=today)
        self.earlier, self.breaks = Pending(), []
        self.journal.delete()
        self.rows = {self.day: self.rows[self.day]} if self.day in self.rows else {}  # past days are final
        self._written, self._write_failed = self._state(), False
        self._maybe_export(today)

    def _export_due(self) -> bool:
        """The organisation turned the aggregate on and today's export is not yet tried: it needs the
        history file, so SQLite loads once a day for it (IT's choice; off, the agent stays without it)."""
        aggregate = self.settings["features"]["aggregate_export"] and self.settings["aggregate"]["folder"]
        return bool(aggregate) and self._aggregate_tried != self.wall().date().isoformat()

    def _maybe_export(self, today: date) -> None:
        """Once a day, at a write: yesterday's (and missed days') anonymous summary, on a thread.

        A share that hangs never holds up the agent; a failed write is tried
        again the next day (the attempt is noted first).
        """
        folder = self.settings["aggregate"]["folder"]
        if not (self.settings["features"]["aggregate_export"] and folder):
            return
        from agent.history import aggregate

        if self._aggregate_tried == today.isoformat() or (self.exporting is not None and self.exporting.is_alive()):
            return
        self._aggregate_tried = today.isoformat()
        if self.store.get_meta(aggregate.TRIED) == today.isoformat():
            return
        self.store.set_meta(aggregate.TRIED, today.isoformat())
        rows = aggregate.due(self.store, today)
        if rows:
            self.exporting = threading.Thread(target=_export, args=(self.directory, folder, rows,
                                                                    self.policy()),
                                              name="upright-aggregate", daemon=True)
            self.exporting.start()

    def _write_journal(self) -> None:
        pending = Pending({**self.earlier.rows, self.session: list(self.rows.values())},
                          [*self.earlier.breaks, *self.breaks])
        try:
            self.journal.save(pending)
        except OSError as error:
            log.warning("%s: pending history not written (%s)", self.journal.path, error.strerror or error)
            return
        self._written = self._state()


def _export(directory, folder: str, rows: list, policy: dict) -> None:
    """The aggregate thread: its own connection to the history file; nothing it meets stops the agent."""
    from agent.history import aggregate
    from agent.history.store import HistoryStore

    try:
        # A file written but not noted would be sent again tomorrow: wait out the agent's own writes.
        aggregate.export(HistoryStore(directory, busy_timeout_s=30.0), folder, rows, __version__, policy)
    except Exception:  # noqa: BLE001 - e.g. the history file busy: tried again tomorrow
        log.warning("aggregate export failed; tried again tomorrow", exc_info=True)
