"""The pure sitting/break engine.

Nothing in this package reads a clock, touches the OS, starts a thread or
imports a GUI or input library: it takes timed events and returns decisions,
so the same code runs the live agent, replays traces and is tested in
simulated time. A test proves the import stays clean.
"""

from agent.core.engine import Engine, Status
from agent.core.events import DECISION_TYPES, EVENT_TYPES, Decision, Event
from agent.core.rules import Rules
from agent.core.totals import Totals

__all__ = ["DECISION_TYPES", "EVENT_TYPES", "Decision", "Engine", "Event", "Rules", "Status", "Totals"]
