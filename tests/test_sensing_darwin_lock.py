"""The macOS screen lock, tested on any system with CoreGraphics and CoreFoundation faked.

None of this has run on real macOS: a fake stands where the frameworks and the
session dictionary would be, and C callbacks made with ctypes stand in for the
framework functions so the declared argument and result types are exercised
for real.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import types

import pytest

from agent.sensing._darwin import LIBRARIES, DarwinSensing
from agent.sensing.darwin_lock import (CORE_FOUNDATION, LOCKED_KEY, UTF8, SessionDictionaryLock,
                                       load_session_lock)
from tests.test_sensing_idle_query import FakeTrap, loader

# Addresses above 32 bits: a pointer declared as a C int would come back cut short.
BASE = 0x7FFF_5000_0000
SESSION, KEY, TRUE, FALSE, NUMBER = (BASE + offset for offset in (0x10, 0x20, 0x30, 0x40, 0x50))
BOOLEAN_TYPE, NUMBER_TYPE = 21, 22
TYPES = {TRUE: BOOLEAN_TYPE, FALSE: BOOLEAN_TYPE, NUMBER: NUMBER_TYPE}

#: The C signatures, from Apple's headers (CGSession.h, CFString.h, CFDictionary.h, CFBase.h, CFNumber.h).
C_SIGNATURES = {
    "CGSessionCopyCurrentDictionary": ctypes.CFUNCTYPE(ctypes.c_void_p),
    "CFStringCreateWithCString": ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p,
                                                  ctypes.c_uint32),
    "CFDictionaryGetValue": ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p),
    "CFGetTypeID": ctypes.CFUNCTYPE(ctypes.c_ulong, ctypes.c_void_p),
    "CFBooleanGetTypeID": ctypes.CFUNCTYPE(ctypes.c_ulong),
    "CFBooleanGetValue": ctypes.CFUNCTYPE(ctypes.c_ubyte, ctypes.c_void_p),
    "CFRelease": ctypes.CFUNCTYPE(None, ctypes.c_void_p),
}


class FakeMac:
    """A login session's dictionary and the CF calls on it, logging what is made, read and released."""

    def __init__(self) -> None:
        self.value: int | None = None  # what the dictionary holds under the key; None: absent
        self.in_session = True
        self.key_made = True
        self.fail: Exception | None = None  # raised when the dictionary is read
        self.created: list[tuple] = []
        self.lookups: list[tuple[int, int]] = []
        self.released: list[int] = []
        self._callbacks: dict = {}

    def CGSessionCopyCurrentDictionary(self):
        return SESSION if self.in_session else None

    def CFStringCreateWithCString(self, allocator, text, encoding):
        self.created.append((allocator, text, encoding))
        return KEY if self.key_made else None

    def CFDictionaryGetValue(self, dictionary, key):
        self.lookups.append((dictionary, key))
        if self.fail is not None:
            raise self.fail
        return self.value

    def CFGetTypeID(self, value):
        return TYPES[value]

    def CFBooleanGetTypeID(self):
        return BOOLEAN_TYPE

    def CFBooleanGetValue(self, value):
        return {TRUE: 1, FALSE: 0}[value]

    def CFRelease(self, value):
        self.released.append(value)

    def calls(self) -> dict:
        """The functions as plain Python, for the reading logic."""
        return {name: getattr(self, name) for name in C_SIGNATURES}

    def libraries(self, graphics_path: str = LIBRARIES[0]) -> dict:
        """The functions as C callbacks in two fake libraries, by path, for a loader."""
        self._callbacks = {name: prototype(getattr(self, name)) for name, prototype in C_SIGNATURES.items()}
        graphics = {name: f for name, f in self._callbacks.items() if name.startswith("CG")}
        foundation = {name: f for name, f in self._callbacks.items() if name.startswith("CF")}
        return {graphics_path: types.SimpleNamespace(**graphics), CORE_FOUNDATION: types.SimpleNamespace(**foundation)}


def source(mac: FakeMac) -> SessionDictionaryLock:
    return SessionDictionaryLock(mac.calls())


# -- reading the session dictionary --------------------------------------------


@pytest.mark.parametrize("value, answer", [(TRUE, True), (FALSE, False), (None, False)],
                         ids=["locked", "unlocked", "key absent"])
def test_the_key_in_the_session_dictionary_says_whether_the_screen_is_locked(value, answer):
    mac = FakeMac()
    mac.value = value
    assert source(mac).locked() is answer
    assert mac.lookups == [(SESSION, KEY)]
    assert mac.released == [SESSION]


def test_outside_a_login_session_nobody_can_tell():
    mac = FakeMac()
    mac.in_session = False
    assert source(mac).locked() is None
    assert mac.lookups == [] and mac.released == []  # NULL is not released


def test_a_value_that_is_not_a_boolean_is_not_a_lock():
    mac = FakeMac()
    mac.value = NUMBER
    assert source(mac).locked() is None
    assert mac.released == [SESSION]


@pytest.mark.parametrize("failure", [OSError("bus error"), ctypes.ArgumentError("argument 2: wrong type")])
def test_a_failing_read_is_no_answer_and_still_releases_the_dictionary(failure, caplog):
    mac = FakeMac()
    mac.fail = failure
    with caplog.at_level(logging.DEBUG, logger="agent.sensing.darwin_lock"):
        assert source(mac).locked() is None
    assert mac.released == [SESSION]
    assert str(failure) in caplog.text


def test_the_key_is_made_once_and_released_at_close():
    mac = FakeMac()
    lock = source(mac)
    for value in (TRUE, None, FALSE):
        mac.value = value
        lock.locked()
    assert mac.created == [(None, LOCKED_KEY, UTF8)] == [(None, b"CGSSessionScreenIsLocked", 0x08000100)]
    assert mac.released == [SESSION] * 3
    lock.close()
    lock.close()
    assert mac.released == [SESSION] * 3 + [KEY]
    assert lock.locked() is None and mac.lookups == [(SESSION, KEY)] * 3  # closed: not asked again


def test_watching_starts_nothing_and_never_calls_back():
    mac, changes = FakeMac(), []
    lock = source(mac)
    lock.watch(lambda: changes.append(1))
    mac.value = TRUE
    assert lock.locked() is True
    assert changes == []


# -- the ctypes declarations, against C callbacks ---------------------------------


@pytest.mark.parametrize("value, answer", [(TRUE, True), (FALSE, False), (None, False), (NUMBER, None)],
                         ids=["locked", "unlocked", "key absent", "not a boolean"])
def test_the_declared_types_carry_pointers_whole_and_read_the_boolean(value, answer):
    mac = FakeMac()
    mac.value = value
    load, tried = loader(mac.libraries())
    lock = load_session_lock(LIBRARIES, load)
    assert tried == [LIBRARIES[0], CORE_FOUNDATION]
    assert lock.locked() is answer
    assert mac.created == [(None, LOCKED_KEY, UTF8)]  # NULL allocator, the bytes, the encoding unsigned
    assert mac.lookups == [(SESSION, KEY)]
    lock.close()
    assert mac.released == [SESSION, KEY]


def test_a_null_dictionary_through_ctypes_is_no_session():
    mac = FakeMac()
    mac.in_session = False
    load, _ = loader(mac.libraries())
    assert load_session_lock(LIBRARIES, load).locked() is None
    assert mac.released == []


def test_the_umbrella_framework_is_the_fallback_for_the_session_dictionary():
    mac = FakeMac()
    mac.value = TRUE
    libraries = mac.libraries(LIBRARIES[1])
    libraries[LIBRARIES[0]] = types.SimpleNamespace()  # loads, but has no CGSessionCopyCurrentDictionary
    load, tried = loader(libraries)
    assert load_session_lock(LIBRARIES, load).locked() is True
    assert tried == [*LIBRARIES, CORE_FOUNDATION]


# -- loading failures: no lock source, never an error ----------------------------


def _without(mapping: dict, path: str) -> dict:
    return {key: value for key, value in mapping.items() if key != path}


@pytest.mark.parametrize("missing", ["coregraphics", "corefoundation", "a function", "the key"])
def test_what_cannot_be_loaded_leaves_no_lock_source(missing, caplog):
    mac = FakeMac()
    libraries = mac.libraries()
    if missing == "coregraphics":
        libraries = _without(libraries, LIBRARIES[0])
    elif missing == "corefoundation":
        libraries = _without(libraries, CORE_FOUNDATION)
    elif missing == "a function":
        del libraries[CORE_FOUNDATION].CFBooleanGetValue
    else:
        mac.key_made = False
    load, _ = loader(libraries)
    with caplog.at_level(logging.DEBUG, logger="agent.sensing.darwin_lock"):
        assert load_session_lock(LIBRARIES, load) is None
    assert [record.levelno for record in caplog.records] == [logging.DEBUG]
    assert "no lock knowledge" in caplog.text


# -- the backend -------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "darwin", reason="the real frameworks load on macOS")
def test_without_the_frameworks_the_backend_works_and_cannot_tell_the_lock():
    # The default lock source: ctypes.CDLL fails to open the macOS frameworks here.
    with DarwinSensing(seconds_since=lambda state, event_type: 5.0, trap=FakeTrap()) as sensing:
        assert sensing.idle_seconds() == 5.0
        assert sensing.screen_locked() is None
        assert sensing.HAS_LOCK_QUERY is False


def test_the_backend_answers_from_its_lock_source_and_closes_it():
    mac = FakeMac()
    sensing = DarwinSensing(seconds_since=lambda state, event_type: 5.0, trap=FakeTrap(), lock=source(mac))
    assert sensing.HAS_LOCK_QUERY is True
    assert sensing.screen_locked() is False
    mac.value = TRUE
    assert sensing.screen_locked() is True
    mac.in_session = False
    assert sensing.screen_locked() is None
    sensing.close()
    assert mac.released == [SESSION, SESSION, KEY]


def test_no_lock_source_means_no_lock_query():
    sensing = DarwinSensing(seconds_since=lambda state, event_type: 5.0, trap=FakeTrap(), lock=None)
    assert sensing.HAS_LOCK_QUERY is False and sensing.screen_locked() is None
    sensing.close()
