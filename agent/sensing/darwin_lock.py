"""Screen lock on macOS: the login session's dictionary, asked when the agent wakes.

NOT RUN ON macOS. Written from Apple's documentation and tested on Linux: the
reading logic runs against fake CoreFoundation calls, and the ctypes
declarations against C callbacks standing in for the framework functions;
loading CoreGraphics and CoreFoundation, and a real session dictionary, have
never executed.

`CGSessionCopyCurrentDictionary()` returns a new CFDictionary describing the
login session Upright runs in (NULL outside one: then nobody can tell). While
the screen is locked it holds the key "CGSSessionScreenIsLocked" with the
value kCFBooleanTrue; when not locked the key is absent. That key is not among
the keys Apple's header documents, so anything but a CFBoolean under it is
read as "cannot tell", never as a lock: a lock believed in wrongly would hide
every break (the engine ignores input while locked), while a missed one costs
only the minutes until the idle time says the same.

macOS also announces the lock (`com.apple.screenIsLocked`), but only to a run
loop; asking needs no thread, and the agent already wakes at every deadline,
so `watch` does nothing here. Ownership follows Core Foundation's rules: what
a Create or Copy function returned is released here (the dictionary at each
call, the key string once at `close`), what a Get function returned is not.
"""

from __future__ import annotations

import ctypes
import logging
from typing import Any, Callable, Iterable, Mapping

log = logging.getLogger(__name__)

CORE_FOUNDATION = "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation"
LOCKED_KEY = b"CGSSessionScreenIsLocked"
UTF8 = 0x08000100  # kCFStringEncodingUTF8, a CFStringEncoding (UInt32)

#: The failures a ctypes call into a framework can raise instead of answering.
CALL_ERRORS = (OSError, ctypes.ArgumentError)

CFTypeRef = ctypes.c_void_p  # every CF object is passed as an opaque pointer
CFTypeID = ctypes.c_ulong  # unsigned long
Boolean = ctypes.c_ubyte  # Core Foundation's Boolean is an unsigned char

#: name -> (result type, argument types) of each function used.
SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "CGSessionCopyCurrentDictionary": (CFTypeRef, []),
    "CFStringCreateWithCString": (CFTypeRef, [CFTypeRef, ctypes.c_char_p, ctypes.c_uint32]),
    "CFDictionaryGetValue": (CFTypeRef, [CFTypeRef, CFTypeRef]),
    "CFGetTypeID": (CFTypeID, [CFTypeRef]),
    "CFBooleanGetTypeID": (CFTypeID, []),
    "CFBooleanGetValue": (Boolean, [CFTypeRef]),
    "CFRelease": (None, [CFTypeRef]),
}


class SessionDictionaryLock:
    """A `LockSource` that macOS is asked: see the module docstring."""

    def __init__(self, calls: Mapping[str, Callable[..., Any]]) -> None:
        """`calls`: the functions of `SIGNATURES` by name (tests pass fakes).

        The key string is made once here; OSError if Core Foundation cannot make it.
        """
        self._call = calls
        self._boolean_type = calls["CFBooleanGetTypeID"]()
        key = calls["CFStringCreateWithCString"](None, LOCKED_KEY, UTF8)
        if not key:  # ctypes turns a NULL pointer into None
            raise OSError("CFStringCreateWithCString returned NULL")
        self._key: int | None = key

    def locked(self) -> bool | None:
        if self._key is None:
            return None
        try:
            return self._ask(self._key)
        except CALL_ERRORS as err:  # without lock knowledge the idle time still tells an absence
            log.debug("screen lock: the session dictionary could not be read (%s)", err)
            return None

    def watch(self, on_change: Callable[[], None]) -> None:
        """Nothing to start: the agent asks `locked()` at the wake-ups it has anyway."""

    def close(self) -> None:
        key, self._key = self._key, None
        if key is not None:
            try:
                self._call["CFRelease"](key)
            except CALL_ERRORS as err:
                log.debug("screen lock: the key string could not be released (%s)", err)

    def _ask(self, key: int) -> bool | None:
        """Copy the session dictionary, read it, and release it whatever the reading did."""
        session = self._call["CGSessionCopyCurrentDictionary"]()
        if not session:  # not in a login session
            return None
        try:
            return self._read(session, key)
        finally:
            self._call["CFRelease"](session)

    def _read(self, session: int, key: int) -> bool | None:
        value = self._call["CFDictionaryGetValue"](session, key)  # not ours to release
        if not value:
            return False
        if self._call["CFGetTypeID"](value) != self._boolean_type:
            return None
        return bool(self._call["CFBooleanGetValue"](value))


def declare(graphics: Any, foundation: Any) -> dict[str, Any]:
    """The functions of `SIGNATURES`, found in the two libraries and typed for ctypes."""
    calls = {}
    for name, (restype, argtypes) in SIGNATURES.items():
        function = getattr(graphics if name.startswith("CG") else foundation, name)
        function.restype, function.argtypes = restype, argtypes
        calls[name] = function
    return calls


def _session_library(load: Callable[[str], Any], paths: Iterable[str]) -> Any:
    """The first library of `paths` that has CGSessionCopyCurrentDictionary."""
    failures = []
    for path in paths:
        try:
            library = load(path)
        except OSError as err:
            failures.append(f"{path}: {err}")
            continue
        if hasattr(library, "CGSessionCopyCurrentDictionary"):
            return library
        failures.append(f"{path}: no CGSessionCopyCurrentDictionary")
    raise OSError("; ".join(failures) or "no library to try")


def load_session_lock(graphics_paths: Iterable[str],
                      load: Callable[[str], Any] = ctypes.CDLL) -> SessionDictionaryLock | None:
    """The lock source made of the real frameworks, or None where they cannot be loaded.

    `graphics_paths` are where CoreGraphics may be, in order; `load` replaces
    ctypes.CDLL in tests. None is no error: the agent works without lock knowledge.
    """
    try:
        graphics = _session_library(load, graphics_paths)
        return SessionDictionaryLock(declare(graphics, load(CORE_FOUNDATION)))
    except (AttributeError, *CALL_ERRORS) as err:
        log.debug("screen lock: no session dictionary, so no lock knowledge (%s)", err)
        return None
