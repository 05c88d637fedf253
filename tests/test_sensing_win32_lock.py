"""Windows screen lock and full-screen state, tested on any system with the OS faked.

None of this has run on real Windows: a fake message window stands in for
the Win32 message loop, and C callbacks made with ctypes stand in for the DLL
functions so the declared argument and result types are exercised for real.
"""

from __future__ import annotations

import ctypes
import queue
import threading
import types

import pytest

from agent.sensing._win32 import (QUNS_BUSY, QUNS_PRESENTATION_MODE, QUNS_RUNNING_D3D_FULL_SCREEN,
                                  WindowsFullscreen, WindowsSensing, _notification_state_call)
from agent.sensing.win32_lock import (CLASS_NAME, HWND_MESSAGE, MSG, WM_QUIT, WM_WTSSESSION_CHANGE, WNDCLASSW, WNDPROC,
                                      WTS_SESSION_LOCK, WTS_SESSION_UNLOCK, SessionLockWatch, Win32MessageWindow)

WTS_CONSOLE_DISCONNECT = 0x2
WM_TIMER = 0x0113
WAIT_S = 5.0


class FakeWindow:
    """A message window whose 'Windows' is a queue the test writes to."""

    def __init__(self, fail: OSError | None = None) -> None:
        self.messages: queue.Queue = queue.Queue()
        self.fail = fail
        self.handler = None
        self.threads: dict[str, int] = {}
        self.handled: list[bool] = []
        self.quit_posted_to: list[int] = []
        self.closed = threading.Event()

    def open(self, handler) -> int:
        self.threads["open"] = threading.get_ident()
        if self.fail is not None:
            raise self.fail
        self.handler = handler
        return 4242

    def pump(self) -> None:
        while (item := self.messages.get()) != WM_QUIT:
            self.handled.append(self.handler(*item))

    def post_quit(self, thread_id: int) -> None:
        self.quit_posted_to.append(thread_id)
        self.messages.put(WM_QUIT)

    def close(self) -> None:
        self.threads["close"] = threading.get_ident()
        self.closed.set()

    def send(self, message: int, wparam: int) -> None:
        """Deliver one message and wait until the watch thread has handled it."""
        count = len(self.handled)
        self.messages.put((message, wparam))
        for _ in range(500):
            if len(self.handled) > count:
                return
            threading.Event().wait(0.01)
        raise AssertionError("the watch thread did not handle the message")


@pytest.fixture
def watched():
    window, changes = FakeWindow(), []
    watch = SessionLockWatch(window)
    watch.watch(lambda: changes.append(watch.locked()))
    assert watch.ready.wait(WAIT_S)
    yield watch, window, changes
    watch.close()


def test_unknown_until_registered_then_unlocked(watched):
    assert SessionLockWatch(FakeWindow()).locked() is None
    watch, window, changes = watched
    assert watch.locked() is False and changes == []
    assert window.threads["open"] != threading.get_ident()  # the window belongs to the watch thread


def test_lock_and_unlock_are_followed_and_each_flip_reported_once(watched):
    watch, window, changes = watched
    window.send(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    window.send(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert watch.locked() is True and changes == [True]
    window.send(WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK)
    assert watch.locked() is False and changes == [True, False]
    assert window.handled == [True, True, True]


def test_other_session_changes_and_other_messages_are_left_to_windows(watched):
    watch, window, changes = watched
    window.send(WM_WTSSESSION_CHANGE, WTS_CONSOLE_DISCONNECT)  # a disconnect is not the lock screen
    window.send(WM_TIMER, WTS_SESSION_LOCK)
    assert window.handled == [False, False]
    assert watch.locked() is False and changes == []


def test_close_ends_the_loop_on_the_watch_thread_and_forgets_the_state(watched):
    watch, window, _ = watched
    thread = watch._thread
    watch.close()
    assert window.quit_posted_to == [4242]
    assert window.closed.is_set() and window.threads["close"] == window.threads["open"]
    assert not thread.is_alive()
    assert watch.locked() is None
    watch.close()  # idempotent
    assert window.quit_posted_to == [4242]


def test_no_session_notifications_leaves_the_lock_unknown():
    watch = SessionLockWatch(FakeWindow(fail=OSError(5, "WTSRegisterSessionNotification failed")))
    watch.watch(lambda: None)
    assert watch.ready.wait(WAIT_S)
    watch._thread.join(WAIT_S)
    assert watch.locked() is None
    watch.close()


def test_the_windows_backend_follows_the_session_watch():
    window, changes = FakeWindow(), []
    sensing = WindowsSensing(calls=(lambda: 0, lambda: 1000), trap=types.SimpleNamespace(close=lambda: None),
                             lock=SessionLockWatch(window), fullscreen=None)
    assert sensing.HAS_LOCK_QUERY and not sensing.HAS_FULLSCREEN_QUERY
    assert sensing.screen_locked() is None
    sensing.watch_lock(lambda: changes.append(sensing.screen_locked()))
    assert sensing._lock.ready.wait(WAIT_S)
    window.send(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert sensing.screen_locked() is True and changes == [True]
    sensing.close()
    assert window.closed.wait(WAIT_S) and sensing.screen_locked() is None


# -- the Win32 calls, against C callbacks -----------------------------------


class FakeDlls:
    """user32, wtsapi32 and kernel32 as C callbacks, recording what they were given."""

    def __init__(self, *, register_class_ok: bool = True, register_session_ok: bool = True) -> None:
        self.calls: list[tuple] = []
        self.window_proc = None
        self.messages = [(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK), (WM_TIMER, 0)]
        record, dlls = self.calls.append, self

        def c(restype, *argtypes):
            return ctypes.CFUNCTYPE(restype, *argtypes)

        @c(ctypes.c_uint16, ctypes.POINTER(WNDCLASSW))
        def register_class(window_class):
            record(("RegisterClassW", window_class.contents.lpszClassName, window_class.contents.hInstance))
            # Windows copies the class; keep the procedure's address, not the caller's struct.
            dlls.window_proc = WNDPROC(ctypes.cast(window_class.contents.lpfnWndProc, ctypes.c_void_p).value)
            return 0xC001 if register_class_ok else 0

        @c(ctypes.c_void_p, ctypes.c_uint32, ctypes.c_wchar_p, ctypes.c_wchar_p, ctypes.c_uint32, ctypes.c_int,
           ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
           ctypes.c_void_p)
        def create_window(ex_style, class_name, title, style, x, y, width, height, parent, menu, instance, param):
            record(("CreateWindowExW", class_name, parent, instance))
            return 0x5150

        @c(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint32)
        def register_session(hwnd, flags):
            record(("WTSRegisterSessionNotification", hwnd, flags))
            return int(register_session_ok)

        @c(ctypes.c_int, ctypes.POINTER(MSG), ctypes.c_void_p, ctypes.c_uint, ctypes.c_uint)
        def get_message(msg, hwnd, low, high):
            if not dlls.messages:
                return 0  # WM_QUIT
            msg.contents.hwnd = 0x5150
            msg.contents.message, msg.contents.wParam = dlls.messages.pop(0)
            return 1

        @c(ctypes.c_ssize_t, ctypes.POINTER(MSG))
        def dispatch(msg):
            m = msg.contents
            return dlls.window_proc(m.hwnd, m.message, m.wParam, m.lParam)

        @c(ctypes.c_ssize_t, ctypes.c_void_p, ctypes.c_uint, ctypes.c_size_t, ctypes.c_ssize_t)
        def default_proc(hwnd, message, wparam, lparam):
            record(("DefWindowProcW", message))
            return 77

        def simple(name, restype, *argtypes, result=1):
            @c(restype, *argtypes)
            def call(*args):
                record((name, *args))
                return result
            return call

        self.user32 = types.SimpleNamespace(
            RegisterClassW=register_class, CreateWindowExW=create_window, GetMessageW=get_message,
            DispatchMessageW=dispatch, DefWindowProcW=default_proc,
            UnregisterClassW=simple("UnregisterClassW", ctypes.c_int, ctypes.c_wchar_p, ctypes.c_void_p),
            DestroyWindow=simple("DestroyWindow", ctypes.c_int, ctypes.c_void_p),
            PostThreadMessageW=simple("PostThreadMessageW", ctypes.c_int, ctypes.c_uint32, ctypes.c_uint,
                                      ctypes.c_size_t, ctypes.c_ssize_t))
        self.wtsapi32 = types.SimpleNamespace(
            WTSRegisterSessionNotification=register_session,
            WTSUnRegisterSessionNotification=simple("WTSUnRegisterSessionNotification", ctypes.c_int,
                                                    ctypes.c_void_p))
        self.kernel32 = types.SimpleNamespace(
            GetModuleHandleW=simple("GetModuleHandleW", ctypes.c_void_p, ctypes.c_wchar_p, result=0x400000),
            GetCurrentThreadId=simple("GetCurrentThreadId", ctypes.c_uint32, result=31337))

    def dlls(self) -> dict:
        return {"user32": self.user32, "wtsapi32": self.wtsapi32, "kernel32": self.kernel32}

    def names(self) -> list[str]:
        return [call[0] for call in self.calls]


def test_the_window_is_message_only_and_registered_for_this_session():
    fake = FakeDlls()
    window = Win32MessageWindow(fake.dlls())
    assert window.open(lambda message, wparam: False) == 31337
    assert ("RegisterClassW", CLASS_NAME, 0x400000) in fake.calls
    create = next(call for call in fake.calls if call[0] == "CreateWindowExW")
    assert create[1] == CLASS_NAME and create[2] == ctypes.c_void_p(HWND_MESSAGE).value and create[3] == 0x400000
    assert ("WTSRegisterSessionNotification", 0x5150, 0) in fake.calls  # NOTIFY_FOR_THIS_SESSION


def test_the_pump_dispatches_to_the_handler_and_the_rest_to_windows():
    fake, seen = FakeDlls(), []
    window = Win32MessageWindow(fake.dlls())
    window.open(lambda message, wparam: seen.append((message, wparam)) or message == WM_WTSSESSION_CHANGE)
    window.pump()  # returns when GetMessageW says WM_QUIT
    assert seen == [(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK), (WM_TIMER, 0)]
    assert [call for call in fake.calls if call[0] == "DefWindowProcW"] == [("DefWindowProcW", WM_TIMER)]
    assert fake.window_proc(0x5150, WM_TIMER, 0, 0) == 77  # Windows' answer goes back to Windows


def test_quit_and_close_undo_everything_open_did():
    fake = FakeDlls()
    window = Win32MessageWindow(fake.dlls())
    window.open(lambda message, wparam: False)
    window.post_quit(31337)
    window.close()
    window.close()
    assert ("PostThreadMessageW", 31337, WM_QUIT, 0, 0) in fake.calls
    assert fake.names()[-3:] == ["WTSUnRegisterSessionNotification", "DestroyWindow", "UnregisterClassW"]


@pytest.mark.parametrize("failing, function", [
    ({"register_class_ok": False}, "RegisterClassW"),
    ({"register_session_ok": False}, "WTSRegisterSessionNotification"),
])
def test_a_failing_call_is_an_oserror_naming_it_and_leaves_nothing_behind(failing, function):
    fake = FakeDlls(**failing)
    window = Win32MessageWindow(fake.dlls(), last_error=lambda: 1400)
    with pytest.raises(OSError, match=f"{function} failed .*1400"):
        window.open(lambda message, wparam: False)
    if function == "WTSRegisterSessionNotification":
        assert fake.names()[-2:] == ["DestroyWindow", "UnregisterClassW"]


def test_loading_outside_windows_is_an_oserror_the_watch_survives():
    watch = SessionLockWatch()  # the real DLLs: not on this system
    watch.watch(lambda: None)
    assert watch.ready.wait(WAIT_S)
    assert watch.locked() is None
    watch.close()


# -- full screen ----------------------------------------------------------------


@pytest.mark.parametrize("state, expected", [(1, False), (QUNS_BUSY, True), (QUNS_RUNNING_D3D_FULL_SCREEN, True),
                                             (QUNS_PRESENTATION_MODE, True), (5, False), (6, False), (7, False)])
def test_busy_presentation_and_games_are_full_screen(state, expected):
    assert WindowsFullscreen(lambda: state)() is expected


def test_the_notification_state_call_reads_the_state_and_reports_failure():
    answer = {"hr": 0, "state": QUNS_PRESENTATION_MODE}

    @ctypes.CFUNCTYPE(ctypes.c_long, ctypes.POINTER(ctypes.c_int))
    def query(state):
        state.contents.value = answer["state"]
        return answer["hr"]

    call = _notification_state_call(types.SimpleNamespace(SHQueryUserNotificationState=query))
    assert call() == QUNS_PRESENTATION_MODE
    assert WindowsFullscreen(call)() is True
    answer["hr"] = -2147467259  # E_FAIL
    with pytest.raises(OSError, match="0x80004005"):
        call()
    assert WindowsFullscreen(call)() is False  # a failing query never blocks a break
