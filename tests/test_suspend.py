"""Suspend detection from a clock that pauses and one that does not."""

from __future__ import annotations

import sys
import time

import pytest

from agent.sensing.suspend import SuspendDetector, default_clocks


class Clocks:
    """A machine's two clocks: `awake` pauses in suspend, `boot` keeps counting."""

    def __init__(self) -> None:
        self.awake = 1000.0
        self.boot = 1500.0  # already slept 500 s before we started

    def run(self, seconds: float) -> None:
        self.awake += seconds
        self.boot += seconds

    def suspend(self, seconds: float) -> None:
        self.boot += seconds


@pytest.fixture
def machine():
    clocks = Clocks()
    detector = SuspendDetector(lambda: clocks.awake, lambda: clocks.boot)
    return clocks, detector


def test_running_is_not_sleeping(machine):
    clocks, detector = machine
    clocks.run(3600)
    assert detector.check() == 0.0


def test_sleep_before_construction_is_not_reported(machine):
    _clocks, detector = machine
    assert detector.check() == 0.0


def test_reports_the_time_slept_once(machine):
    clocks, detector = machine
    clocks.run(60)
    clocks.suspend(45 * 60)
    clocks.run(5)
    assert detector.check() == 45 * 60
    assert detector.check() == 0.0


def test_sleeps_between_checks_add_up(machine):
    clocks, detector = machine
    clocks.suspend(100)
    clocks.run(10)
    clocks.suspend(200)
    assert detector.check() == 300


def test_clock_noise_is_not_sleep(machine):
    clocks, detector = machine
    clocks.suspend(0.004)
    assert detector.check() == 0.0
    clocks.boot -= 0.5  # a backwards step of the counting clock
    assert detector.check() == 0.0
    clocks.suspend(30)
    assert detector.check() == 30  # measured from the last check, not the first


def test_threshold_is_adjustable():
    clocks = Clocks()
    detector = SuspendDetector(lambda: clocks.awake, lambda: clocks.boot, min_sleep_s=120)
    clocks.suspend(90)
    assert detector.check() == 0.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux clocks")
def test_linux_pairs_monotonic_with_boottime():
    pauses, counts = default_clocks()
    assert abs(pauses() - time.clock_gettime(time.CLOCK_MONOTONIC)) < 1.0
    assert abs(counts() - time.clock_gettime(time.CLOCK_BOOTTIME)) < 1.0
    assert SuspendDetector().check() == 0.0


def test_windows_pairs_unbiased_interrupt_time_with_the_tick_count():
    """kernel32 stood in for by C callbacks: the declared types carry the 64-bit counts."""
    import ctypes
    import types

    from agent.sensing.suspend import windows_clocks

    clocks = Clocks()

    @ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_uint64))
    def query_unbiased_interrupt_time(count):
        count.contents.value = round(clocks.awake * 1e7)  # 100 ns units: beyond 32 bits
        return 1

    @ctypes.CFUNCTYPE(ctypes.c_uint64)
    def get_tick_count_64():
        return round(clocks.boot * 1e3)

    awake, boot = windows_clocks(types.SimpleNamespace(QueryUnbiasedInterruptTime=query_unbiased_interrupt_time,
                                                       GetTickCount64=get_tick_count_64))
    assert (awake(), boot()) == (1000.0, 1500.0)
    detector = SuspendDetector(awake, boot)
    clocks.run(60)
    assert detector.check() == 0.0
    clocks.suspend(3600)  # an hour in hibernation
    assert detector.check() == pytest.approx(3600, abs=0.01)
