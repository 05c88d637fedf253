"""Cold or heat, and when a pack comes off: the logic behind the spasm guide's timer.

The articles agree on a cold pack first, 15 to 20 minutes at a time, and
on heat later: "after 48 hours, or once acute swelling lessens" (002),
cold being "the first line of defense within the first 48 to 72 hours"
(002). So there are three phases, from the moment the spasm began:

* before 48 h, cold;
* from 48 h to 72 h, either: switch to heat once the swelling lessens;
* from 72 h, heat.

The numbers come from ``assets/content/spasm_guide.toml`` (``[cold_pack]``).
The articles give heat no time at all, so a heat timer has no end: it only
counts how long the heat has been on (:class:`Pack`).
Pure: the phase is a function of two datetimes, and :class:`PackTimer`
reads an injected monotonic clock, so tests need no waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Optional

from agent.clock import monotonic

COLD, EITHER, HEAT = "cold", "either", "heat"

#: The choices the guide offers for "When did it start?": days ago.
DAYS_AGO = (0, 1, 2, 3)


def phase(started: datetime, now: datetime, *, heat_from_hours: float = 48,
          cold_until_hours: float = 72) -> str:
    """:data:`COLD`, :data:`EITHER` or :data:`HEAT` for a spasm that began at ``started``.

    A start in the future (a wall clock set back) counts as just begun.
    """
    elapsed = now - started
    if elapsed < timedelta(hours=heat_from_hours):
        return COLD
    if elapsed < timedelta(hours=cold_until_hours):
        return EITHER
    return HEAT


def started_days_ago(days: int, now: datetime) -> datetime:
    """When a spasm began that the user says began ``days`` ago ("today" is 0).

    The user gives a day, not an hour, so it is taken as the same time of
    day: "2 days ago" is 48 hours, the articles' own unit.
    """
    if days < 0:
        raise ValueError(f"days ago must not be negative, not {days}")
    return now - timedelta(days=days)


def days_ago(started: datetime, now: datetime) -> int:
    """The inverse of :func:`started_days_ago`: whole days since ``started`` (0 if ahead)."""
    return max(0, (now - started) // timedelta(days=1))


class PackTimer:
    """One pack on the back: started, counting down, then due to come off.

    ``clock`` is a monotonic clock in seconds (Upright's keeps counting
    through suspend, so a pack put on before the laptop slept is still
    timed right).
    """

    def __init__(self, minutes: float, clock: Callable[[], float] = monotonic) -> None:
        if not minutes > 0:
            raise ValueError(f"a pack stays on for a positive time, not {minutes!r}")
        self.seconds = minutes * 60
        self._clock = clock
        self._end: Optional[float] = None

    @property
    def running(self) -> bool:
        """Started and not stopped (still true once the time is up, until stopped)."""
        return self._end is not None

    def start(self, seconds: Optional[float] = None) -> None:
        """Start counting down the pack's time (or ``seconds``: a pack already on, kept by the agent)."""
        self._end = self._clock() + (self.seconds if seconds is None else max(0.0, seconds))

    def stop(self) -> None:
        self._end = None

    def remaining(self) -> Optional[float]:
        """Seconds until the pack comes off (0 once due), or None when not running."""
        if self._end is None:
            return None
        return max(0.0, self._end - self._clock())

    @property
    def due(self) -> bool:
        """Time to take the pack off."""
        return self.remaining() == 0.0


#: The timers the guide offers: a cold pack (it ends), heat (it only counts).
PACK_KINDS = (COLD, HEAT)


@dataclass(frozen=True)
class Pack:
    """A cold pack or heat on the back, as the agent keeps it (across the guide's
    window closing, and an agent restart): what, since when on the wall clock, and
    for a cold pack how long. Heat has no ``minutes``: the articles give it none."""

    kind: str
    started: datetime
    minutes: Optional[float] = None

    def __post_init__(self) -> None:
        if self.kind not in PACK_KINDS:
            raise ValueError(f"a pack is cold or heat, not {self.kind!r}")
        if (self.kind == COLD) != (self.minutes is not None and self.minutes > 0):
            raise ValueError("a cold pack has a positive number of minutes, heat none")

    @property
    def off_at(self) -> Optional[datetime]:
        """When a cold pack comes off; None for heat."""
        return None if self.minutes is None else self.started + timedelta(minutes=self.minutes)

    def left_s(self, now: datetime) -> Optional[float]:
        """Seconds until a cold pack comes off (0 once due); None for heat."""
        off = self.off_at
        return None if off is None else max(0.0, (off - now).total_seconds())

    def on_s(self, now: datetime) -> float:
        """Seconds it has been on (0 if the clock went back)."""
        return max(0.0, (now - self.started).total_seconds())

    def due(self, now: datetime) -> bool:
        return self.left_s(now) == 0.0

    def to_json(self) -> dict:
        return {"kind": self.kind, "started": self.started.isoformat(timespec="seconds"),
                **({"minutes": self.minutes} if self.minutes is not None else {})}

    @classmethod
    def from_json(cls, data: Any) -> "Pack":
        """The pack a saved record holds; ValueError (saying why) if it holds none."""
        if not isinstance(data, dict) or set(data) - {"kind", "started", "minutes"}:
            raise ValueError("expected {kind, started[, minutes]}")
        minutes = data.get("minutes")
        if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, (int, float))):
            raise ValueError("minutes is not a number")
        started = datetime.fromisoformat(str(data.get("started")))
        if started.tzinfo is not None:
            raise ValueError("started is a local time, without a zone")
        return cls(str(data.get("kind")), started, None if minutes is None else float(minutes))
