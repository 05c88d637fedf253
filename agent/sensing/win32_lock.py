"""Screen lock on Windows: the session notifications, followed by one quiet thread.

NOT RUN ON WINDOWS. Written from the Win32 documentation and tested on Linux:
the notification logic runs against a fake message pump, and the ctypes
declarations against C callbacks standing in for the DLL functions; loading
user32, wtsapi32 and kernel32, and a real message loop, have never executed.

Windows tells a window about its session with WM_WTSSESSION_CHANGE once the
window is registered by `WTSRegisterSessionNotification(hwnd,
NOTIFY_FOR_THIS_SESSION)`; wParam says what happened. The window here is a
*message-only* window (its parent is HWND_MESSAGE): never shown, not listed
among the desktop's windows, it only receives messages. A window belongs to
the thread that made it and is served by that thread's message loop, so one
daemon thread makes the window and then blocks in GetMessageW: it costs
nothing until Windows has something to say. `close()` posts WM_QUIT to that
thread and joins it.

Only WTS_SESSION_LOCK and WTS_SESSION_UNLOCK change the answer. They are the
state itself (the lock screen came up, the password was accepted), unlike a
disconnect, after which a session may come back with or without the lock
screen; a missed lock costs only the minutes until the idle time says the
same, while a lock believed in wrongly would hide every break (the engine
ignores input while locked). Upright starts in the session it watches, at
login or by the person's hand, so it starts unlocked.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from typing import Any, Callable, Protocol

log = logging.getLogger(__name__)

WM_WTSSESSION_CHANGE = 0x02B1
WTS_SESSION_LOCK = 0x7
WTS_SESSION_UNLOCK = 0x8
NOTIFY_FOR_THIS_SESSION = 0
WM_QUIT = 0x0012
HWND_MESSAGE = -3
CLASS_NAME = "UprightSessionWatch"
JOIN_TIMEOUT_S = 1.0

#: Called with (message, wParam) for each message the window receives; True if handled.
Handler = Callable[[int, int], bool]


class MessageWindow(Protocol):
    """The few Win32 calls the watch needs, as the real API or a test's fake.

    `open` runs on the watch thread and makes the window there; `pump` serves
    that thread's messages until `post_quit` (from any thread) ends it.
    """

    def open(self, handler: Handler) -> int:
        """Create the message-only window and register it for session notifications; its thread id."""

    def pump(self) -> None:
        """Deliver messages to the handler until WM_QUIT."""

    def post_quit(self, thread_id: int) -> None:
        """Ask the watch thread's `pump` to return."""

    def close(self) -> None:
        """Unregister and destroy the window (on the watch thread)."""


class SessionLockWatch:
    """A `LockSource` that Windows tells: see the module docstring."""

    def __init__(self, window: MessageWindow | None = None) -> None:
        """`window` replaces the Win32 message-only window in tests; by default it is
        made of the real DLLs when the watch starts."""
        self._window = window
        self._on_change: Callable[[], None] = lambda: None
        self._locked: bool | None = None  # None: not registered (yet), so unknown
        self._thread: threading.Thread | None = None
        self._thread_id: int | None = None
        self.ready = threading.Event()  # set once the window is registered, or failed to be

    def locked(self) -> bool | None:
        return self._locked

    def watch(self, on_change: Callable[[], None]) -> None:
        """Start the thread; returns at once. A second call only replaces `on_change`."""
        self._on_change = on_change
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="upright-session-watch", daemon=True)
            self._thread.start()

    def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self.ready.wait(JOIN_TIMEOUT_S)
        if self._thread_id is not None and self._window is not None:
            self._window.post_quit(self._thread_id)
        thread.join(JOIN_TIMEOUT_S)
        self._locked = None

    # -- the watch thread -----------------------------------------------

    def _run(self) -> None:
        try:
            if self._window is None:
                self._window = Win32MessageWindow.load()
            self._thread_id = self._window.open(self._handle)
        except OSError as err:  # no session notifications: the idle time alone tells an absence
            log.debug("screen lock: no session notifications (%s)", err)
            self.ready.set()
            return
        self._locked = False
        self.ready.set()
        try:
            self._window.pump()
        finally:
            self._window.close()

    def _handle(self, message: int, wparam: int) -> bool:
        """Follow a lock or unlock; other messages are not ours."""
        if message != WM_WTSSESSION_CHANGE or wparam not in (WTS_SESSION_LOCK, WTS_SESSION_UNLOCK):
            return False
        locked = wparam == WTS_SESSION_LOCK
        if locked != self._locked:
            self._locked = locked
            self._on_change()
        return True


# -- the real Win32 calls -----------------------------------------------------

LRESULT = ctypes.c_ssize_t  # LONG_PTR
WPARAM = ctypes.c_size_t  # UINT_PTR
LPARAM = ctypes.c_ssize_t  # LONG_PTR
HANDLE = ctypes.c_void_p
# WINAPI is stdcall; on 64-bit Windows that is the one calling convention, which
# CFUNCTYPE also describes (and the only one the tests on Linux can build).
_FUNCTYPE = getattr(ctypes, "WINFUNCTYPE", ctypes.CFUNCTYPE)
WNDPROC = _FUNCTYPE(LRESULT, HANDLE, ctypes.c_uint, WPARAM, LPARAM)


class WNDCLASSW(ctypes.Structure):
    _fields_ = [("style", ctypes.c_uint), ("lpfnWndProc", WNDPROC), ("cbClsExtra", ctypes.c_int),
                ("cbWndExtra", ctypes.c_int), ("hInstance", HANDLE), ("hIcon", HANDLE), ("hCursor", HANDLE),
                ("hbrBackground", HANDLE), ("lpszMenuName", ctypes.c_wchar_p), ("lpszClassName", ctypes.c_wchar_p)]


class MSG(ctypes.Structure):
    _fields_ = [("hwnd", HANDLE), ("message", ctypes.c_uint), ("wParam", WPARAM), ("lParam", LPARAM),
                ("time", ctypes.c_uint32), ("pt_x", ctypes.c_long), ("pt_y", ctypes.c_long),
                ("lPrivate", ctypes.c_uint32)]


def _declare(dlls: dict[str, Any]) -> dict[str, Any]:
    """The functions used, with their C types declared, by name."""
    signatures = {
        ("kernel32", "GetModuleHandleW"): (HANDLE, [ctypes.c_wchar_p]),
        ("kernel32", "GetCurrentThreadId"): (ctypes.c_uint32, []),
        ("user32", "RegisterClassW"): (ctypes.c_uint16, [ctypes.POINTER(WNDCLASSW)]),
        ("user32", "UnregisterClassW"): (ctypes.c_int, [ctypes.c_wchar_p, HANDLE]),
        ("user32", "CreateWindowExW"): (HANDLE, [ctypes.c_uint32, ctypes.c_wchar_p, ctypes.c_wchar_p,
                                                 ctypes.c_uint32, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                                 ctypes.c_int, HANDLE, HANDLE, HANDLE, ctypes.c_void_p]),
        ("user32", "DestroyWindow"): (ctypes.c_int, [HANDLE]),
        ("user32", "DefWindowProcW"): (LRESULT, [HANDLE, ctypes.c_uint, WPARAM, LPARAM]),
        ("user32", "GetMessageW"): (ctypes.c_int, [ctypes.POINTER(MSG), HANDLE, ctypes.c_uint, ctypes.c_uint]),
        ("user32", "DispatchMessageW"): (LRESULT, [ctypes.POINTER(MSG)]),
        ("user32", "PostThreadMessageW"): (ctypes.c_int, [ctypes.c_uint32, ctypes.c_uint, WPARAM, LPARAM]),
        ("wtsapi32", "WTSRegisterSessionNotification"): (ctypes.c_int, [HANDLE, ctypes.c_uint32]),
        ("wtsapi32", "WTSUnRegisterSessionNotification"): (ctypes.c_int, [HANDLE]),
    }
    functions = {}
    for (dll, name), (restype, argtypes) in signatures.items():
        function = getattr(dlls[dll], name)
        function.restype, function.argtypes = restype, argtypes
        functions[name] = function
    return functions


class Win32MessageWindow:
    """A message-only window registered for this session's notifications."""

    def __init__(self, dlls: dict[str, Any], last_error: Callable[[], int] = lambda: 0) -> None:
        """`dlls`: "user32", "wtsapi32" and "kernel32" (tests pass C callbacks in their place)."""
        self._call = _declare(dlls)
        self._last_error = last_error
        self._proc: Any = None  # the C callback must outlive the window
        self._hwnd: int | None = None
        self._instance: int | None = None

    @classmethod
    def load(cls) -> "Win32MessageWindow":
        """The window made of the real DLLs; OSError where they are missing."""
        try:
            dlls = {name: ctypes.WinDLL(name, use_last_error=True)  # type: ignore[attr-defined]
                    for name in ("user32", "wtsapi32", "kernel32")}
        except AttributeError as err:  # not Windows at all
            raise OSError(f"not Windows: {err}") from err
        return cls(dlls, ctypes.get_last_error)  # type: ignore[attr-defined]

    def open(self, handler: Handler) -> int:
        call = self._call

        def window_proc(hwnd, message, wparam, lparam):
            if handler(message, wparam):
                return 0
            return call["DefWindowProcW"](hwnd, message, wparam, lparam)

        self._proc = WNDPROC(window_proc)
        self._instance = call["GetModuleHandleW"](None)
        window_class = WNDCLASSW(lpfnWndProc=self._proc, hInstance=self._instance, lpszClassName=CLASS_NAME)
        if not call["RegisterClassW"](ctypes.byref(window_class)):
            raise self._error("RegisterClassW")
        self._hwnd = call["CreateWindowExW"](0, CLASS_NAME, "Upright", 0, 0, 0, 0, 0, HWND_MESSAGE,
                                             None, self._instance, None)
        if not self._hwnd:
            raise self._error("CreateWindowExW")
        if not call["WTSRegisterSessionNotification"](self._hwnd, NOTIFY_FOR_THIS_SESSION):
            error = self._error("WTSRegisterSessionNotification")
            self.close()
            raise error
        return int(call["GetCurrentThreadId"]())

    def pump(self) -> None:
        message = MSG()
        while self._call["GetMessageW"](ctypes.byref(message), None, 0, 0) > 0:  # 0: WM_QUIT, -1: error
            self._call["DispatchMessageW"](ctypes.byref(message))

    def post_quit(self, thread_id: int) -> None:
        self._call["PostThreadMessageW"](thread_id, WM_QUIT, 0, 0)

    def close(self) -> None:
        if self._hwnd:
            self._call["WTSUnRegisterSessionNotification"](self._hwnd)
            self._call["DestroyWindow"](self._hwnd)
            self._hwnd = None
        if self._instance is not None:
            self._call["UnregisterClassW"](CLASS_NAME, self._instance)
            self._instance = None

    def _error(self, function: str) -> OSError:
        code = self._last_error()
        return OSError(code, f"{function} failed (Windows error {code})")
