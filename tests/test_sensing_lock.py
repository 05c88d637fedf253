"""Screen lock over D-Bus, against real private dbus-daemons.

Each test starts its own `dbus-daemon --session` for the session bus and a
second one standing in for the system bus, where a small fake logind owns
`org.freedesktop.login1`. Signals are sent from jeepney connections, exactly
as a desktop locker or logind would send them. Every wait has a deadline.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from agent.sensing._base import either_locked
from agent.sensing._dummy import DummySensing
from tests.xvfb import xvfb_display  # noqa: F401  (fixture, found by name)

pytest.importorskip("jeepney", reason="jeepney is not installed")
from jeepney import DBusAddress, HeaderFields, MessageType, message_bus, new_error, new_method_return, new_signal  # noqa: E402  # noqa: E402
from jeepney.io.blocking import open_dbus_connection  # noqa: E402

from agent.sensing.dbus_lock import LOGIND, LOGIND_SESSION, PROPERTIES, LockWatch  # noqa: E402

DEADLINE_S = 5.0
QUIET_S = 0.5  # long enough for a signal already sent to have arrived
SESSION_PATH = "/org/freedesktop/login1/session/_32"  # logind's path for session "2"
NO_BUS = "unix:path=/nonexistent/upright-test-bus"


@contextlib.contextmanager
def private_bus():
    """A dbus-daemon of our own; yields its address and pid, kills it afterwards."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (apt-get install dbus-daemon)")
    started = subprocess.run(
        ["dbus-daemon", "--session", "--print-address=1", "--print-pid=1", "--fork"],
        capture_output=True, text=True, check=True, timeout=10,
    )
    address, pid = started.stdout.split()
    try:
        yield address, int(pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGTERM)


@pytest.fixture
def session_bus():
    with private_bus() as (address, _pid):
        yield address


@pytest.fixture
def system_bus():
    with private_bus() as (address, _pid):
        yield address


class ScreenSaver:
    """A desktop locker on the session bus: it only announces ActiveChanged."""

    def __init__(self, address: str, interface: str = "org.freedesktop.ScreenSaver") -> None:
        self.conn = open_dbus_connection(address)
        self.emitter = DBusAddress("/org/freedesktop/ScreenSaver", interface=interface)

    def active(self, value: bool) -> None:
        self.conn.send(new_signal(self.emitter, "ActiveChanged", "b", (value,)))

    def close(self) -> None:
        self.conn.close()


class FakeLogind:
    """logind on the stand-in system bus: owns its name, answers GetSession and
    Get(LockedHint), and announces LockedHint changes with PropertiesChanged."""

    def __init__(self, address: str, locked_hint: bool = False) -> None:
        self.conn = open_dbus_connection(address)
        self.conn.send_and_get_reply(message_bus.RequestName(LOGIND), timeout=DEADLINE_S)
        self.locked_hint = locked_hint
        self.asked_for: list[str] = []  # GetSession's argument, each time
        self.lock_after_get = False  # announce LockedHint=True right after answering Get
        self.announced = threading.Event()
        self.calls: list[str] = []  # every method called, in order
        self._send_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _send(self, msg) -> None:
        with self._send_lock:
            self.conn.send(msg)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self.conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            except OSError:
                return
            if msg.header.message_type is MessageType.method_call:
                self._send(self._answer(msg))
                if self.lock_after_get and msg.header.fields.get(HeaderFields.member) == "Get":
                    self.set_locked_hint(True)
                    self.announced.set()

    def _answer(self, msg):
        member = msg.header.fields.get(HeaderFields.member)
        self.calls.append(member)
        if member == "GetSession":
            self.asked_for.append(msg.body[0])
            return new_method_return(msg, "o", (SESSION_PATH,))
        if member == "Get" and tuple(msg.body) == (LOGIND_SESSION, "LockedHint"):
            return new_method_return(msg, "v", (("b", self.locked_hint),))
        return new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod")

    def set_locked_hint(self, value: bool, path: str = SESSION_PATH) -> None:
        """Announce a change of the hint of this session (or of another one, at `path`)."""
        if path == SESSION_PATH:
            self.locked_hint = value
        emitter = DBusAddress(path, interface=PROPERTIES)
        body = (LOGIND_SESSION, {"LockedHint": ("b", value)}, [])
        self._send(new_signal(emitter, "PropertiesChanged", "sa{sv}as", body))

    def request(self, member: str) -> None:
        """logind's Lock or Unlock signal: a request to the locker, not the state."""
        self._send(new_signal(DBusAddress(SESSION_PATH, interface=LOGIND_SESSION), member))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(DEADLINE_S)
        self.conn.close()


class Changes:
    """The on_change callback: counts calls, lets the test wait for the next."""

    def __init__(self) -> None:
        self.calls: queue.Queue = queue.Queue()

    def __call__(self) -> None:
        self.calls.put(time.monotonic())

    def wait(self) -> None:
        try:
            self.calls.get(timeout=DEADLINE_S)
        except queue.Empty:
            pytest.fail(f"no lock change reported within {DEADLINE_S} s")

    def none_more(self) -> bool:
        time.sleep(QUIET_S)
        return self.calls.empty()


@pytest.fixture
def changes():
    return Changes()


@contextlib.contextmanager
def watching(changes: Changes, session: str = NO_BUS, system: str = NO_BUS, session_id: str | None = "2"):
    watch = LockWatch(changes, session_bus=session, system_bus=system, session_id=session_id)
    watch.start()
    try:
        assert watch.ready.wait(DEADLINE_S), "the watch did not finish connecting"
        yield watch
    finally:
        watch.close()
    assert not watch.thread.is_alive()


@contextlib.contextmanager
def closing(thing):
    try:
        yield thing
    finally:
        thing.close()


# -- the combined answer --------------------------------------------------


@pytest.mark.parametrize("readings, answer", [
    ((None, None), None), ((False, None), False), ((None, False), False), ((False, False), False),
    ((True, None), True), ((None, True), True), ((True, False), True), ((True, True), True),
])
def test_either_source_saying_locked_is_a_lock(readings, answer):
    assert either_locked(*readings) is answer


# -- session bus: the screen saver's ActiveChanged ------------------------


@pytest.mark.parametrize("interface", ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"])
def test_screensaver_active_changed_reports_lock_and_unlock(session_bus, changes, interface):
    with watching(changes, session=session_bus) as watch, closing(ScreenSaver(session_bus, interface)) as saver:
        assert watch.locked is False
        saver.active(True)
        changes.wait()
        assert watch.locked is True
        saver.active(False)
        changes.wait()
        assert watch.locked is False
        assert changes.none_more()


def test_other_signals_on_the_session_bus_change_nothing(session_bus, changes):
    with watching(changes, session=session_bus) as watch, closing(open_dbus_connection(session_bus)) as other:
        other.send(new_signal(DBusAddress("/org/example", interface="org.example.Player"), "ActiveChanged", "b",
                              (True,)))
        other.send(new_signal(DBusAddress("/org/freedesktop/ScreenSaver", interface="org.freedesktop.ScreenSaver"),
                              "WakeUpScreen"))
        assert changes.none_more()
        assert watch.locked is False


# -- system bus: logind's LockedHint ---------------------------------------


def test_logind_locked_hint_reports_lock_and_unlock(system_bus, changes):
    with closing(FakeLogind(system_bus)) as logind, watching(changes, system=system_bus) as watch:
        assert logind.asked_for == ["2"]  # $XDG_SESSION_ID, as passed
        assert watch.locked is False
        logind.set_locked_hint(True)
        changes.wait()
        assert watch.locked is True
        logind.set_locked_hint(False)
        changes.wait()
        assert watch.locked is False


def test_a_lock_announced_with_the_first_answer_is_not_lost(system_bus, changes, monkeypatch):
    """The signal right behind the reply to Get(LockedHint) can come in the same read from the socket
    (a busy machine reads late): jeepney then holds it parsed but unhandled, and select() on the socket
    would not wake for it. Here the watch reads late on purpose."""
    import agent.sensing.dbus_lock as dbus_lock

    logind = FakeLogind(system_bus)
    logind.lock_after_get = True

    def late_reader(address):
        conn = open_dbus_connection(address)
        receive = conn.receive

        def receive_late(*, timeout=None):
            logind.announced.wait(DEADLINE_S)
            time.sleep(QUIET_S)  # the reply and the signal are both in the socket now
            conn.receive = receive
            return receive(timeout=timeout)

        send_and_get_reply = conn.send_and_get_reply

        def ask(msg, *, timeout=None):
            if msg.header.fields.get(HeaderFields.member) == "Get":
                conn.receive = receive_late
            return send_and_get_reply(msg, timeout=timeout)

        conn.send_and_get_reply = ask
        return conn

    monkeypatch.setattr(dbus_lock, "open_dbus_connection", late_reader)
    with closing(logind), watching(changes, system=system_bus) as watch:
        changes.wait()
        assert watch.locked is True


def test_another_sessions_lock_is_not_ours(system_bus, changes):
    with closing(FakeLogind(system_bus)) as logind, watching(changes, system=system_bus) as watch:
        logind.set_locked_hint(True, path="/org/freedesktop/login1/session/c7")
        assert changes.none_more()
        assert watch.locked is False


def test_a_session_already_locked_at_start_is_reported(system_bus, changes):
    with closing(FakeLogind(system_bus, locked_hint=True)) as logind, watching(changes, system=system_bus) as watch:
        changes.wait()
        assert watch.locked is True
        assert logind.asked_for == ["2"]


def test_without_a_session_id_logind_is_asked_for_auto(system_bus, changes, monkeypatch):
    monkeypatch.delenv("XDG_SESSION_ID", raising=False)
    with closing(FakeLogind(system_bus)) as logind, watching(changes, system=system_bus, session_id=None):
        assert logind.asked_for == ["auto"]


def test_lock_requests_alone_are_not_a_lock(system_bus, changes):
    """Lock/Unlock are requests a locker may ignore; only LockedHint is the state."""
    with closing(FakeLogind(system_bus)) as logind, watching(changes, system=system_bus) as watch:
        logind.request("Lock")
        logind.set_locked_hint(False)  # after the request, in order on the same connection
        logind.set_locked_hint(True)
        changes.wait()  # exactly one change: the hint; counting Lock would make three
        assert watch.locked is True
        assert changes.none_more()
        logind.request("Unlock")
        assert changes.none_more() and watch.locked is True


def test_locked_hint_from_anyone_but_logind_is_ignored(system_bus, changes):
    """Any local user may send signals on the system bus: broadcast, or straight to us."""
    with closing(FakeLogind(system_bus)) as logind, watching(changes, system=system_bus) as watch, \
            closing(open_dbus_connection(system_bus)) as impostor:
        body = (LOGIND_SESSION, {"LockedHint": ("b", True)}, [])
        fake = new_signal(DBusAddress(SESSION_PATH, interface=PROPERTIES), "PropertiesChanged", "sa{sv}as", body)
        impostor.send(fake)
        [watcher] = _unique_names(impostor) - {impostor.unique_name, logind.conn.unique_name}
        fake.header.fields[HeaderFields.destination] = watcher  # a unicast signal skips match rules
        impostor.send(fake)
        assert changes.none_more()
        assert watch.locked is False


def _unique_names(conn) -> set[str]:
    (names,) = conn.send_and_get_reply(message_bus.ListNames(), timeout=DEADLINE_S).body
    return {name for name in names if name.startswith(":")}


# -- both buses -------------------------------------------------------------


def test_two_sources_agreeing_make_one_lock_and_one_unlock(session_bus, system_bus, changes):
    with closing(FakeLogind(system_bus)) as logind, closing(ScreenSaver(session_bus)) as saver, \
            watching(changes, session=session_bus, system=system_bus) as watch:
        saver.active(True)
        changes.wait()
        logind.set_locked_hint(True)
        assert changes.none_more(), "a second source agreeing must not lock again"
        saver.active(False)
        assert changes.none_more() and watch.locked is True  # logind still says locked
        logind.set_locked_hint(False)
        changes.wait()
        assert watch.locked is False
        assert changes.none_more()


def test_default_buses_come_from_the_environment(session_bus, system_bus, changes, monkeypatch):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", system_bus)
    monkeypatch.setenv("XDG_SESSION_ID", "2")
    with closing(FakeLogind(system_bus)) as logind, closing(ScreenSaver(session_bus)) as saver:
        watch = LockWatch(changes)
        watch.start()
        with closing(watch):
            assert watch.ready.wait(DEADLINE_S)
            assert logind.asked_for == ["2"]
            saver.active(True)
            changes.wait()
            assert watch.locked is True


# -- missing and lost buses, and the cost of waiting -------------------------


def test_no_bus_at_all_is_no_error(changes, monkeypatch, caplog):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", NO_BUS)
    caplog.set_level(logging.DEBUG, logger="agent.sensing.dbus_lock")
    watch = LockWatch(changes)
    watch.start()
    with closing(watch):
        assert watch.ready.wait(DEADLINE_S)
        watch.thread.join(DEADLINE_S)
        assert not watch.thread.is_alive()  # nothing to watch: the thread just ends
        assert watch.locked is None
    assert changes.none_more()
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("not watching the session bus" in line for line in debug)
    assert any("not watching the system bus" in line for line in debug)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_system_bus_without_logind_leaves_the_session_bus_watched(session_bus, system_bus, changes):
    with watching(changes, session=session_bus, system=system_bus) as watch, \
            closing(ScreenSaver(session_bus)) as saver:
        saver.active(True)
        changes.wait()
        assert watch.locked is True


def test_a_bus_that_goes_away_forgets_what_it_said(system_bus, changes):
    with private_bus() as (session, daemon_pid):
        with watching(changes, session=session, system=system_bus) as watch:
            saver = ScreenSaver(session)
            saver.active(True)
            changes.wait()
            saver.close()
            os.kill(daemon_pid, signal.SIGTERM)
            changes.wait()  # locked -> unknown: no bus is left
            assert watch.locked is None
            watch.thread.join(DEADLINE_S)  # and nothing left to wait for
            assert not watch.thread.is_alive()


def test_waiting_costs_no_wake_ups(session_bus, system_bus, changes):
    """The thread sleeps in select() with no timeout: no context switch while quiet."""
    with closing(FakeLogind(system_bus)), watching(changes, session=session_bus, system=system_bus) as watch:
        status = Path(f"/proc/self/task/{watch.thread.native_id}/status")
        if not status.exists():
            pytest.skip("needs Linux /proc")
        time.sleep(0.1)  # let it settle into select()
        before = _switches(status)
        time.sleep(1.0)
        assert _switches(status) == before


def _switches(status: Path) -> int:
    """Voluntary plus involuntary context switches of one thread so far."""
    lines = status.read_text().splitlines()
    return sum(int(line.split()[1]) for line in lines if line.split(":")[0].endswith("ctxt_switches"))


# -- the X11 backend ----------------------------------------------------------


def test_the_x11_backend_reports_a_desktop_lock(xvfb_display, session_bus, system_bus, changes,  # noqa: F811
                                                monkeypatch):
    """Xvfb's own screen saver stays off; the desktop's locker says locked over D-Bus."""
    pytest.importorskip("Xlib", reason="python-xlib is not installed")
    if importlib.util.find_spec("pynput") is None:
        pytest.skip("pynput is not installed")
    from agent.sensing._xorg import XorgSensing

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", system_bus)
    monkeypatch.setenv("XDG_SESSION_ID", "2")
    with closing(FakeLogind(system_bus)) as logind, closing(ScreenSaver(session_bus)) as saver:
        with XorgSensing() as sensing:
            assert sensing.screen_locked() is False
            sensing.watch_lock(changes)
            deadline = time.monotonic() + DEADLINE_S
            while "Get" not in logind.calls:  # LockedHint is read last, once both buses are subscribed
                assert time.monotonic() < deadline, "the backend never asked logind"
                time.sleep(0.01)
            saver.active(True)
            changes.wait()
            assert sensing.screen_locked() is True
            logind.set_locked_hint(True)
            assert changes.none_more()  # also orders it before the next signal, on the other bus
            saver.active(False)
            assert changes.none_more() and sensing.screen_locked() is True
            logind.set_locked_hint(False)
            changes.wait()
            assert sensing.screen_locked() is False
        assert not [t for t in threading.enumerate() if t.name == "upright-lock-watch"]


# -- the agent follows a lock at once ---------------------------------------


def test_the_agent_follows_an_announced_lock_at_once():
    from tests.test_app import MIN, Agent

    agent = Agent()
    agent.work(5 * MIN)
    assert "watch_lock" in agent.sensing.calls
    assert agent.app.tray.last[1] == "working"
    agent.sensing.set_locked(True)
    assert agent.mailbox.queue == [("lock",)]
    agent.mailbox.deliver()  # no time passes, no timer fires: the message alone does it
    assert agent.app.tray.last[1] == "away"
    agent.sensing.set_locked(False)
    agent.mailbox.deliver()
    assert agent.app.tray.last[1] == "working"
    assert agent.status()["state"] == "working"


def test_a_long_lock_is_a_natural_break():
    from tests.test_app import MIN, Agent

    agent = Agent()
    agent.work(20 * MIN)
    agent.sensing.set_locked(True)
    agent.mailbox.deliver()
    agent.away(6 * MIN)
    agent.sensing.set_locked(False)
    agent.mailbox.deliver()
    status = agent.status()
    assert status["state"] == "working" and status["sitting_s"] < 5
    assert status["today"]["natural_breaks"] == 1


def test_dummy_tells_the_watcher_only_about_changes():
    sensing = DummySensing()
    told: list[bool | None] = []
    sensing.watch_lock(lambda: told.append(sensing.screen_locked()))
    sensing.set_locked(True)
    sensing.set_locked(True)
    sensing.set_locked(False)
    assert told == [True, False]
