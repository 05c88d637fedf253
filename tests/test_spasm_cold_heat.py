"""Cold or heat, at the 48 h and 72 h edges, and the pack timer on a fake clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from agent.content import cold_heat
from agent.content.cold_heat import COLD, EITHER, HEAT, PackTimer, days_ago, phase, started_days_ago

START = datetime(2025, 3, 2, 8, 30)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize("elapsed, expected", [
    (timedelta(0), COLD),
    (timedelta(hours=24), COLD),
    (timedelta(hours=48) - SECOND, COLD),
    (timedelta(hours=48), EITHER),
    (timedelta(hours=60), EITHER),
    (timedelta(hours=72) - SECOND, EITHER),
    (timedelta(hours=72), HEAT),
    (timedelta(days=10), HEAT),
    (-timedelta(hours=3), COLD),  # the wall clock went back: just begun
])
def test_phase_edges(elapsed, expected):
    assert phase(START, START + elapsed) == expected


def test_the_edges_come_from_the_content():
    assert phase(START, START + timedelta(hours=30), heat_from_hours=24, cold_until_hours=36) == EITHER
    assert phase(START, START + timedelta(hours=36), heat_from_hours=24, cold_until_hours=36) == HEAT


@pytest.mark.parametrize("days, expected", [(0, COLD), (1, COLD), (2, EITHER), (3, HEAT)])
def test_the_days_the_user_can_choose(days, expected):
    now = datetime(2025, 3, 5, 14, 0)
    started = started_days_ago(days, now)
    assert phase(started, now) == expected
    assert days_ago(started, now) == days


def test_days_ago_rounds_down_and_never_goes_negative():
    now = datetime(2025, 3, 5, 14, 0)
    assert days_ago(now - timedelta(hours=47), now) == 1
    assert days_ago(now + timedelta(hours=2), now) == 0
    with pytest.raises(ValueError):
        started_days_ago(-1, now)
    assert cold_heat.DAYS_AGO == (0, 1, 2, 3)


class FakeClock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def test_the_pack_timer_counts_down_and_says_when_to_take_it_off():
    clock = FakeClock()
    timer = PackTimer(15, clock)
    assert not timer.running and timer.remaining() is None and not timer.due
    timer.start()
    assert timer.running and timer.remaining() == 15 * 60
    clock.now += 60
    assert timer.remaining() == 14 * 60
    clock.now += 14 * 60 - 0.5
    assert timer.remaining() == 0.5 and not timer.due
    clock.now += 0.5
    assert timer.remaining() == 0 and timer.due
    clock.now += 600  # the user is late: still 0, not negative
    assert timer.remaining() == 0 and timer.due
    timer.stop()
    assert not timer.running and timer.remaining() is None


def test_restarting_the_timer_starts_over():
    clock = FakeClock()
    timer = PackTimer(15, clock)
    timer.start()
    clock.now += 300
    timer.start()
    assert timer.remaining() == 900


def test_a_pack_needs_a_positive_time():
    with pytest.raises(ValueError):
        PackTimer(0)


def test_by_default_the_timer_reads_the_agents_monotonic_clock():
    from agent.clock import monotonic

    timer = PackTimer(15)
    assert timer._clock is monotonic
