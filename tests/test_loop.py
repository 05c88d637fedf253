"""The agent's loop: timers and a watched pipe without Tk, then Tk from the first window on.

The loop runs in real time here with timers a few milliseconds long; the
hand-over tests start a real Tk on a private Xvfb.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from agent.live.loop import Loop, WindowsUnavailable
from agent.live.mailbox import Mailbox
from tests.xvfb import xvfb_display  # noqa: F401  (a fixture, found by name)

ROOT = Path(__file__).resolve().parents[1]
TK_CHILD = "UPRIGHT_LOOP_TK_CHILD"
# A second Tk in the test process crashes the shared UI root later (a known Tk trap),
# so the hand-over tests, which make their own root, run in a child pytest.
in_child = pytest.mark.skipif(not os.environ.get(TK_CHILD), reason="run by test_tk_hand_over_in_a_child_process")


def test_tk_hand_over_in_a_child_process():
    if os.environ.get(TK_CHILD):
        pytest.skip("already the child")
    child = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__, "-k", "tk"],
                           env={**os.environ, TK_CHILD: "1"}, cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == 0, child.stdout[-3000:]
    summary = child.stdout.strip().splitlines()[-1]
    # six with Tk and the no-tkinter start; skipped: only this test itself, in the child. The whole
    # summary line, so "17 passed" or "7 passed, 1 failed" do not pass for it.
    assert re.fullmatch(r"7 passed, 1 skipped, \d+ deselected in [\d.]+s( \(\S+\))?", summary), child.stdout[-1000:]


@pytest.fixture
def loop():
    loop = Loop()
    yield loop
    loop.destroy()


def run_for(loop: Loop, seconds: float) -> None:
    """Run the loop's mainloop for `seconds`, then stop it."""
    loop.after(int(seconds * 1000), loop.quit)
    loop.mainloop()


def test_timers_fire_once_in_deadline_order(loop):
    fired = []
    loop.after(30, fired.append, "late")
    loop.after(10, fired.append, "early")
    loop.after(20, fired.append, "middle")
    run_for(loop, 0.1)
    assert fired == ["early", "middle", "late"]


def test_a_cancelled_timer_never_fires(loop):
    fired = []
    timer = loop.after(10, fired.append, "cancelled")
    loop.after(20, fired.append, "kept")
    loop.after_cancel(timer)
    run_for(loop, 0.08)
    assert fired == ["kept"]


def test_a_timer_waits_its_time(loop):
    fired = []
    start = time.monotonic()
    loop.after(60, lambda: fired.append(time.monotonic() - start))
    run_for(loop, 0.12)
    assert len(fired) == 1 and fired[0] >= 0.06


def test_a_watched_pipe_wakes_the_loop_and_quit_ends_it(loop):
    read, write = os.pipe()
    seen = []

    def drain():
        seen.append(os.read(read, 100))
        loop.quit()

    loop.watch(read, drain)
    loop.after(20, os.write, write, b"hello")
    loop.after(2000, loop.quit)  # a safety net: the pipe should end the loop long before
    start = time.monotonic()
    loop.mainloop()
    assert seen == [b"hello"] and time.monotonic() - start < 1.0
    loop.unwatch(read)
    os.close(read)
    os.close(write)


def test_a_failing_callback_is_reported_and_the_loop_carries_on(loop):
    reported, fired = [], []
    loop.report_callback_exception = lambda kind, value, tb: reported.append(value)
    loop.after(10, lambda: 1 / 0)
    loop.after(20, fired.append, "after the failure")
    run_for(loop, 0.08)
    assert [type(error) for error in reported] == [ZeroDivisionError]
    assert fired == ["after the failure"]


# Modules the agent must not load before its first window, and what each would cost it (measured).
HEAVY = {
    "tkinter": "Tk: about 7 MiB with its root window",
    "_hashlib": "OpenSSL: 3.6 MiB",
    "pyexpat": "an XML parser (with plistlib): 0.6 MiB",
    "PIL._imagingft": "Pillow's font engine (FreeType, HarfBuzz, FriBiDi): 1.2 MiB",
    "pickle": "with logging.handlers, for the rotating log: 0.4 MiB",
}


def test_the_agent_starts_without_loading_tk_or_other_heavy_modules():
    """The modules `upright run` loads before a window, and a running loop, bring none of HEAVY."""
    probe = (
        "import sys\n"
        "import agent.live.run, agent.live.app, agent.live.loop, agent.live.mailbox, agent.live.guides, agent.settings.live_settings\n"
        "import agent.content.exercise_choice, agent.live.logs, agent.live.heap, agent.sensing._xorg, agent.tray._pystray\n"
        "from agent.live.mailbox import Mailbox\n"
        "agent.settings.live_settings.LiveSettings(None)\n"
        "loop = agent.live.loop.Loop(); box = Mailbox(); box.attach(loop, print)\n"
        "loop.after(10, box.post, 'delivered'); loop.after(50, loop.quit); loop.mainloop()\n"
        f"print(sorted(name for name in {sorted(HEAVY)!r} if name in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    delivered, loaded = result.stdout.splitlines()
    assert delivered == "delivered"
    assert loaded == "[]", [HEAVY[name] for name in eval(loaded)]


def post_from_a_thread(box: Mailbox, message, after_s: float = 0.1) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(after_s), box.post(message)))
    thread.start()
    return thread


def test_a_post_from_another_thread_wakes_the_sleeping_loop_at_once(loop):
    box, seen = Mailbox(), []
    box.post("before the bell")  # delivered once the mailbox is attached
    box.attach(loop, lambda message: (seen.append((message, time.monotonic())), message == "wake" and loop.quit()))
    loop.after(5000, loop.quit)  # only if the bell never rang
    posted = time.monotonic()
    thread = post_from_a_thread(box, "wake")
    loop.mainloop()
    thread.join()
    box.close(loop)
    assert [message for message, _ in seen] == ["before the bell", "wake"]
    assert seen[-1][1] - posted < 1.0  # woken by the bell, not by the 5 s timer


def test_a_signal_wakes_the_loop_so_its_handler_runs(loop):
    box, seen = Mailbox(), []
    box.attach(loop, seen.append)
    previous = signal.signal(signal.SIGUSR1, lambda *_: (seen.append("signal"), loop.quit()))
    try:
        loop.after(5000, loop.quit)
        loop.after(50, os.kill, os.getpid(), signal.SIGUSR1)
        start = time.monotonic()
        loop.mainloop()
    finally:
        signal.signal(signal.SIGUSR1, previous)
        box.close(loop)
    assert seen == ["signal"] and time.monotonic() - start < 1.0


# --- the hand-over to Tk --------------------------------------------------


@in_child
def test_pending_timers_and_the_watched_pipe_move_to_tk(xvfb_display, loop):  # noqa: F811
    read, write = os.pipe()
    fired, seen = [], []
    loop.watch(read, lambda: seen.append(os.read(read, 100)))
    loop.after(150, fired.append, "moved")
    cancelled = loop.after(100, fired.append, "cancelled after the move")
    def open_first_window():
        root = loop.tk_root()
        assert loop.tk_root() is root  # one root for every window
        loop.after_cancel(cancelled)  # an id from before the move still cancels
        loop.after(20, os.write, write, b"ping")  # new timers are Tk's
        loop.after(300, loop.quit)

    loop.after(10, open_first_window)
    loop.mainloop()
    assert loop.has_tk and "tkinter" in sys.modules
    assert fired == ["moved"]
    assert seen == [b"ping"]
    loop.unwatch(read)
    os.close(read)
    os.close(write)


@in_child
def test_tk_reports_failing_callbacks_through_the_same_hook(xvfb_display, loop):  # noqa: F811
    reported = []
    loop.report_callback_exception = lambda kind, value, tb: reported.append(value)
    root = loop.tk_root()
    assert root.report_callback_exception is loop.report_callback_exception
    loop.after(10, lambda: 1 / 0)
    run_for(loop, 0.1)
    assert [type(error) for error in reported] == [ZeroDivisionError]


@in_child
def test_quit_before_tk_takes_over_ends_the_loop_at_once(xvfb_display, loop):  # noqa: F811
    def window_then_quit():
        loop.tk_root()
        loop.quit()

    loop.after(10, window_then_quit)
    loop.after(5000, loop.quit)  # only reached if the first quit was lost in the hand-over
    start = time.monotonic()
    loop.mainloop()
    assert time.monotonic() - start < 2.0


@in_child
def test_tk_on_an_unreachable_display_is_a_clear_error_and_the_next_window_retries(
        xvfb_display, loop, monkeypatch):  # noqa: F811
    fired = []
    loop.after(50, fired.append, "still counting")
    with monkeypatch.context() as patch:
        patch.setenv("DISPLAY", ":197")  # no server there
        with pytest.raises(WindowsUnavailable, match=r"cannot open its windows on DISPLAY=:197: .*display"):
            loop.tk_root()
    assert not loop.has_tk
    run_for(loop, 0.1)  # the loop without Tk carries on
    assert fired == ["still counting"]
    assert loop.tk_root() is not None and loop.has_tk  # the display is back: Tk starts


@in_child
def test_tk_without_file_handlers_waits_for_a_window_then_tcls_own_socket_rings(xvfb_display):  # noqa: F811
    """The Windows way, on this system: select() watches the bell's socket, so no Tk is loaded
    until a window needs it; Tk cannot watch Python's descriptors, so then Tcl's socket rings."""
    loop = Loop(file_handlers=False)
    box, seen = Mailbox(), []
    box.post("before the bell")
    box.attach(loop, lambda message: (seen.append(message), message.startswith("wake") and loop.quit()))
    assert not loop.has_tk  # the doorbell needed no Tk
    loop.after(5000, loop.quit)
    posted = time.monotonic()
    thread = post_from_a_thread(box, "wake before Tk")
    loop.mainloop()
    thread.join()
    assert seen == ["before the bell", "wake before Tk"] and time.monotonic() - posted < 1.0
    bell = box._bell
    box._queue.put("queued as Tk starts")  # its ring went to the old socket: the move rings again
    loop.tk_root()
    run_for(loop, 0.3)
    assert seen[2:] == ["queued as Tk starts"]
    posted = time.monotonic()
    thread = post_from_a_thread(box, "wake with Tk")
    loop.after(5000, loop.quit)
    loop.mainloop()
    thread.join()
    assert seen[2:] == ["queued as Tk starts", "wake with Tk"] and time.monotonic() - posted < 1.0
    assert bell.fileno() != bell.first.fileno() and bell._current._server is None  # Tcl's, and only ours
    box.close(loop)
    loop.destroy()


@in_child
def test_tk_without_file_handlers_hangs_up_on_a_stranger(xvfb_display):  # noqa: F811
    import socket

    from agent.live.doorbell import TclBell

    loop = Loop(file_handlers=False)
    rang = []
    bell = TclBell(loop.tk_root(), lambda: rang.append(1))
    port = int(loop.tk_root().tk.splitlist(loop.tk_root().tk.call("fconfigure", bell._server, "-sockname"))[2])
    stranger = socket.create_connection(("127.0.0.1", port))  # dials in beside the bell's own connection
    stranger.sendall(b"\0")
    bell.ring()
    loop.after(300, loop.quit)
    loop.mainloop()
    assert rang == [1]  # one ring heard: the bell's own
    stranger.settimeout(2)
    try:
        assert stranger.recv(1) == b""  # hung up on
    except ConnectionResetError:
        pass  # hung up on, with its byte unread
    stranger.close()
    bell.close()
    loop.destroy()
