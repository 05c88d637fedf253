"""A simulated person at a desk, driving the real engine in fake time.

Tests read like the behaviour they check: `desk.tick(active=True, minutes=29)`.
"""

from __future__ import annotations

from agent.core import Decision, Engine
from agent.settings.config import default_rules


class Desk:
    """Feeds an engine one input per `every` seconds while active; time is fake."""

    def __init__(self, **rules) -> None:
        self.rules = default_rules(**rules)
        self.engine = Engine(self.rules)
        self.t = 0.0
        self.decisions: list[Decision] = list(self.engine.input(0.0))  # the user sits down at 0

    def tick(self, active: bool = True, seconds: float = 0, minutes: float = 0, every: float = 1.0) -> list[Decision]:
        """Let time pass; while active the user gives input every `every` seconds."""
        end = self.t + seconds + minutes * 60
        new: list[Decision] = []
        if active:
            while self.t + every <= end:
                self.t += every
                new += self.engine.input(self.t)
        self.t = end
        new += self.engine.advance(end)
        self.decisions += new
        return new

    def do(self, kind: str) -> list[Decision]:
        """An event (`standing`, `postpone`, `lock`...) right now."""
        new = self.engine.feed(self.t, kind)
        self.decisions += new
        return new

    def finish(self) -> list[Decision]:
        new = self.engine.finish(self.t)
        self.decisions += new
        return new

    def types(self) -> list[str]:
        return [d.type for d in self.decisions]

    def of(self, kind: str) -> list[Decision]:
        return [d for d in self.decisions if d.type == kind]

    @property
    def status(self):
        return self.engine.status(self.t)
