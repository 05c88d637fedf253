"""The spasm guide's cold-pack and heat timer, kept by the agent, not by the window.

The guide's window may close (or its process end) while a cold pack is on:
the timer goes on here, so "never more than 20 minutes" still holds. At its
end a notice says to take the pack off, with the bell; while it runs, the
tray's line says when ("Cold pack off at 14:35"). Closing the guide while a
timer runs says that it keeps running. A heat timer has no end (the articles
give heat no time): it only counts, and the tray says since when.

The agent saves the running pack in its session file (`agent.live.session_state`),
so a restarted agent still takes it off on time. Wall-clock times: a pack put on
before the laptop slept has been on all that while. Tk thread only.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable, Optional

from agent.content.cold_heat import COLD, Pack

log = logging.getLogger("agent")


class PackWatch:
    """The running pack, if any; `wall()` the wall clock, `notice(text, bell=False)` shows a notice."""

    def __init__(self, wall: Callable[[], datetime], notice: Callable[..., Any], minutes: Optional[float] = None
                 ) -> None:
        self.wall, self.notice = wall, notice
        self._minutes = minutes  # the cold pack's time, from the guide's content (read on first use)
        self.pack: Optional[Pack] = None
        self.on_change: Callable[[], None] = lambda: None  # the agent reschedules and saves

    @property
    def minutes(self) -> float:
        if self._minutes is None:
            from agent.content import texts

            self._minutes = texts.spasm_guide().cold_pack.pack_minutes
        return self._minutes

    def start(self, kind: str) -> None:
        """The guide's Start: a cold pack for the guide's minutes, or heat (no end)."""
        self.pack = Pack(kind, self.wall().replace(microsecond=0), self.minutes if kind == COLD else None)
        log.info("%s timer started%s", kind, f", off at {self.pack.off_at:%H:%M}" if self.pack.off_at else "")
        self.on_change()

    def stop(self) -> None:
        if self.pack is not None:
            log.info("%s timer stopped", self.pack.kind)
            self.pack = None
            self.on_change()

    def handle(self, action: str, kind: str) -> None:
        """A ``pack`` message from the guide's window: "start" or "stop"."""
        if action == "start":
            self.start(kind)
        elif self.pack is not None and self.pack.kind == kind:
            self.stop()

    def seconds_until_due(self) -> Optional[float]:
        """When the agent must wake to take a cold pack off (None: nothing to do)."""
        return self.pack.left_s(self.wall()) if self.pack is not None else None

    def run_due(self) -> None:
        """A cold pack whose time is up: say so, with the bell; the timer is done."""
        if self.pack is not None and self.pack.due(self.wall()):
            from agent.ui import strings

            log.info("the cold pack's time is up (started %s): notice with the bell", f"{self.pack.started:%H:%M}")
            self.pack = None
            self.notice(strings.PACK_DUE_NOTICE, bell=True)
            self.on_change()

    def window_closed(self) -> None:
        """The guide closed: a running timer goes on, and the person is told so."""
        line = self.status_line(keeps_running=True)
        if line is not None:
            self.notice(line)

    def for_window(self) -> dict:
        """The running pack as the guide's window shows it: kind and seconds left (cold) or on (heat)."""
        if self.pack is None:
            return {"pack_kind": None, "pack_s": None}
        now = self.wall()
        seconds = self.pack.left_s(now) if self.pack.kind == COLD else self.pack.on_s(now)
        return {"pack_kind": self.pack.kind, "pack_s": round(seconds, 1)}

    def status_line(self, keeps_running: bool = False) -> Optional[str]:
        """"Cold pack off at 14:35" (the tray's line), or the notice when the guide closes."""
        if self.pack is None:
            return None
        from agent.ui import strings

        if self.pack.kind == COLD:
            template = strings.PACK_KEEPS_RUNNING if keeps_running else strings.PACK_OFF_AT
            return template.format(time=f"{self.pack.off_at:%H:%M}")
        template = strings.HEAT_KEEPS_RUNNING if keeps_running else strings.HEAT_ON_SINCE
        return template.format(time=f"{self.pack.started:%H:%M}")

    # --- across a restart (the session file) -------------------------------------

    def to_json(self) -> Optional[dict]:
        return self.pack.to_json() if self.pack is not None else None

    def restore(self, data: Any) -> None:
        """Take up the pack a killed agent saved: a cold pack already due is announced at the next wake-up."""
        try:
            self.pack = Pack.from_json(data)
        except (ValueError, TypeError) as error:
            log.warning("the saved pack timer is not taken up: %s", error)
            return
        log.info("took up the %s timer started at %s", self.pack.kind, f"{self.pack.started:%H:%M}")
