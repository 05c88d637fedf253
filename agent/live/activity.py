"""The activity monitor: when did the user last touch the machine, at least cost.

While the user works, no listener runs: the OS idle time is read at the
agent's wake-ups, which come at deadlines (minutes apart), not on a fast tick.
Once the user has been quiet for `arm_after_s`, the backend's listeners are
armed so the first touch is seen within milliseconds and nothing needs to
poll while nobody is there. The monitor only ever knows *times*.
"""

from __future__ import annotations

from typing import Callable

from agent.sensing import Sensing

# Readings of the same input differ by the query's own jitter; newer means newer than this.
_SAME_INPUT_S = 0.5


class ActivityMonitor:
    """Turns idle readings and listener hits into engine `input` times.

    Called only from the agent's thread. `notify` is what the armed listeners
    call from their thread (it must only post to the agent's queue).
    """

    def __init__(self, sensing: Sensing, notify: Callable[[float], None], arm_after_s: float = 60.0) -> None:
        self.sensing = sensing
        self._notify = notify
        self.arm_after_s = arm_after_s
        self.last_input: float | None = None

    def check(self, now: float, trust_idle: bool = True) -> float | None:
        """Read the idle time at `now`; return the time of input newer than known.

        After a suspend, `trust_idle` is False: the OS idle counter may have
        stopped while the machine slept, so its reading would place the last
        input too late. The listeners catch the real return instead.
        """
        idle = self.sensing.idle_seconds()
        if idle is None:
            self._arm()  # no idle query: the listeners are the only source
            return None
        seen = now - idle
        if idle >= self.arm_after_s or not trust_idle:
            self._arm()
        if trust_idle and (self.last_input is None or seen > self.last_input + _SAME_INPUT_S):
            self.last_input = seen
            return seen
        return None

    def hit(self, at: float) -> float:
        """An armed listener saw input at `at` (delivered through the queue)."""
        if self.last_input is None or at > self.last_input:
            self.last_input = at
        return self.last_input

    def _arm(self) -> None:
        if not self.sensing.armed:
            self.sensing.arm(self._notify)
