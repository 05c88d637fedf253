"""The Windows and macOS idle queries, tested on any system with their OS calls faked.

None of this has run on real Windows or macOS: the fakes stand where
user32/kernel32 and CoreGraphics would be, and C callbacks made with ctypes
stand in for the DLL functions so the declared argument and result types are
exercised for real.
"""

from __future__ import annotations

import ctypes
import math
import sys
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.sensing import ENV_VAR, SensingUnavailable, backend
from agent.sensing._darwin import (ANY_INPUT_EVENT, COMBINED_SESSION_STATE, LIBRARIES, DarwinIdle, DarwinSensing,
                                   load_seconds_since)
from agent.sensing._win32 import (LASTINPUTINFO, TICK_WRAP, WindowsIdle, WindowsSensing, _typed_calls,
                                  idle_from_ticks)


class FakeTrap:
    """Stands in for the pynput listeners: records what the backend asks of them."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.notify = None

    def arm(self, notify) -> None:
        self.calls.append("arm")
        self.notify = notify

    def disarm(self) -> None:
        self.calls.append("disarm")
        self.notify = None

    @property
    def armed(self) -> bool:
        return self.notify is not None

    def close(self) -> None:
        self.calls.append("close")
        self.notify = None


class Ticks:
    """GetLastInputInfo and GetTickCount over one fake tick counter, logging the order of reads."""

    def __init__(self, last_input: int, now: int) -> None:
        self.last_input, self.now, self.reads = last_input, now, []
        self.fail: OSError | None = None

    def last_input_tick(self) -> int:
        self.reads.append("last_input")
        if self.fail is not None:
            raise self.fail
        return self.last_input

    def tick_count(self) -> int:
        self.reads.append("now")
        return self.now

    @property
    def calls(self):
        return self.last_input_tick, self.tick_count


# -- Windows: tick arithmetic -----------------------------------------------


def test_idle_is_the_tick_difference_in_seconds():
    assert idle_from_ticks(10_000, 75_500) == 65.5
    assert idle_from_ticks(42, 42) == 0.0


def test_idle_across_the_49_day_wrap():
    # Last input 1.5 s before the counter wrapped, now 2 s after it.
    assert idle_from_ticks(TICK_WRAP - 1500, 2000) == 3.5


def test_a_last_input_just_after_now_is_no_idle_time():
    assert idle_from_ticks(5_001, 5_000) == 0.0
    assert idle_from_ticks(3, TICK_WRAP - 2) == 0.0  # and across the wrap


@given(start=st.integers(0, TICK_WRAP - 1), idle_ms=st.integers(0, TICK_WRAP // 2 - 1))
def test_any_idle_under_24_days_comes_back_exactly(start, idle_ms):
    assert idle_from_ticks(start, (start + idle_ms) % TICK_WRAP) == idle_ms / 1000


def test_the_last_input_is_read_before_the_clock():
    ticks = Ticks(last_input=1_000, now=4_000)
    assert WindowsIdle(*ticks.calls)() == 3.0
    assert ticks.reads == ["last_input", "now"]


def test_a_failing_get_last_input_info_is_a_clear_error():
    ticks = Ticks(0, 0)
    ticks.fail = OSError(5, "Access is denied")
    with pytest.raises(SensingUnavailable) as caught:
        WindowsIdle(*ticks.calls)()
    assert "GetLastInputInfo failed" in caught.value.message and "Access is denied" in caught.value.message
    assert ENV_VAR in caught.value.fix


# -- Windows: the ctypes declarations, against C callbacks ------------------


def test_the_declared_types_fill_and_read_lastinputinfo():
    seen = {}

    @ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(LASTINPUTINFO))
    def get_last_input_info(info):
        seen["cbSize"] = info.contents.cbSize
        info.contents.dwTime = 0xFFFFFF00  # a tick near the wrap: must come back unsigned
        return 1

    @ctypes.CFUNCTYPE(ctypes.c_uint32)
    def get_tick_count():
        return 0x100

    last_input_tick, tick_count = _typed_calls(types.SimpleNamespace(GetLastInputInfo=get_last_input_info),
                                               types.SimpleNamespace(GetTickCount=get_tick_count))
    assert (last_input_tick(), tick_count()) == (0xFFFFFF00, 0x100)
    assert seen["cbSize"] == ctypes.sizeof(LASTINPUTINFO) == 8  # UINT + DWORD, as Windows checks
    assert WindowsIdle(last_input_tick, tick_count)() == 0.512


# -- Windows: the backend -----------------------------------------------------


def test_windows_backend_answers_idle_and_hands_arming_to_the_listeners():
    ticks, trap = Ticks(last_input=0, now=90_000), FakeTrap()
    sensing = backend("win32", calls=ticks.calls, trap=trap)
    assert isinstance(sensing, WindowsSensing) and sensing.HAS_IDLE_QUERY
    assert sensing.idle_seconds() == 90.0
    sensing.arm(print)
    assert sensing.armed
    sensing.disarm()
    assert not sensing.armed
    assert sensing.screen_locked() is None and sensing.fullscreen_active() is False
    sensing.close()
    assert trap.calls == ["arm", "disarm", "close"]
    with pytest.raises(SensingUnavailable):
        sensing.idle_seconds()


def test_windows_backend_fails_at_once_when_the_call_fails():
    ticks = Ticks(0, 0)
    ticks.fail = OSError(1, "Incorrect function")
    with pytest.raises(SensingUnavailable, match="GetLastInputInfo"):
        WindowsSensing(calls=ticks.calls, trap=FakeTrap())


# -- macOS ----------------------------------------------------------------------


class Library:
    def __init__(self, function=None) -> None:
        if function is not None:
            self.CGEventSourceSecondsSinceLastEventType = function


def loader(libraries: dict):
    """A stand-in for ctypes.CDLL: a library by path, or OSError like dlopen's."""
    tried = []

    def load(path):
        tried.append(path)
        if path not in libraries:
            raise OSError(f"dlopen({path}): image not found")
        return libraries[path]

    return load, tried


def seconds_since(answer):
    calls = []

    def function(state, event_type):
        calls.append((state, event_type))
        return answer

    return function, calls


def test_coregraphics_is_tried_first():
    function, _ = seconds_since(1.0)
    load, tried = loader({LIBRARIES[0]: Library(function), LIBRARIES[1]: Library(lambda *a: 2.0)})
    assert load_seconds_since(load) is function
    assert tried == [LIBRARIES[0]]
    assert function.argtypes == [ctypes.c_int32, ctypes.c_uint32] and function.restype is ctypes.c_double


@pytest.mark.parametrize("first", [None, Library()], ids=["not loadable", "no such function"])
def test_the_umbrella_framework_is_the_fallback(first):
    function, _ = seconds_since(1.0)
    libraries = {LIBRARIES[1]: Library(function)}
    if first is not None:
        libraries[LIBRARIES[0]] = first
    load, tried = loader(libraries)
    assert load_seconds_since(load) is function
    assert tried == list(LIBRARIES)


def test_no_library_is_a_clear_error_naming_each_tried():
    load, _ = loader({})
    with pytest.raises(SensingUnavailable) as caught:
        load_seconds_since(load)
    assert "CoreGraphics" in caught.value.message
    assert all(path in caught.value.message for path in LIBRARIES)
    assert ENV_VAR in caught.value.fix


def test_the_idle_query_asks_for_any_input_in_the_session():
    function, calls = seconds_since(42.25)
    assert DarwinIdle(function)() == 42.25
    assert calls == [(COMBINED_SESSION_STATE, ANY_INPUT_EVENT)] == [(0, 0xFFFFFFFF)]


def test_the_declared_types_pass_any_input_as_unsigned_and_return_a_double():
    seen = []

    @ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_int32, ctypes.c_uint32)
    def native(state, event_type):
        seen.append((state, event_type))
        return 7.5

    load, _ = loader({LIBRARIES[0]: Library(native)})
    assert DarwinIdle(load_seconds_since(load))() == 7.5
    assert seen == [(0, 0xFFFFFFFF)]


@pytest.mark.parametrize("answer", [math.nan, math.inf, -1.0, None])
def test_an_impossible_answer_is_a_clear_error(answer):
    function, _ = seconds_since(answer)
    with pytest.raises(SensingUnavailable) as caught:
        DarwinIdle(function)()
    assert "impossible idle time" in caught.value.message
    assert "CGEventSourceSecondsSinceLastEventType" in caught.value.message


def test_darwin_backend_answers_idle_and_fails_at_once_on_a_bad_answer():
    function, _ = seconds_since(12.0)
    trap = FakeTrap()
    with backend("darwin", seconds_since=function, trap=trap) as sensing:
        assert isinstance(sensing, DarwinSensing)
        assert sensing.idle_seconds() == 12.0
    assert trap.calls == ["close"]
    broken, _ = seconds_since(-3.0)
    with pytest.raises(SensingUnavailable):
        DarwinSensing(seconds_since=broken, trap=FakeTrap())


# -- choosing by platform ----------------------------------------------------------


@pytest.mark.parametrize("platform, options, kind", [
    ("win32", {"calls": Ticks(0, 1000).calls}, WindowsSensing),
    ("darwin", {"seconds_since": seconds_since(1.0)[0]}, DarwinSensing),
])
def test_the_platform_picks_its_backend(monkeypatch, platform, options, kind):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(sys, "platform", platform)
    sensing = backend(trap=FakeTrap(), **options)
    assert type(sensing) is kind and sensing.NAME == platform
    assert sensing.idle_seconds() == 1.0
