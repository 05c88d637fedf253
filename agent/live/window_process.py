"""The agent's side of the window process (`agent.ui.host`): start it, talk to it, watch it.

The agent keeps the engine, sensing, tray, control socket and stores; the
window process only draws and reports the person's choices. It starts when
a window is needed (the pre-break notice starts it, so the break window a
minute later appears at once) and is told to quit when the last window has
closed, so the agent itself never loads Tk and pointer motion over a window
never wakes it.

Messages (`agent.ui.protocol`) arrive on the agent's loop: where the loop can
watch a pipe (`Loop.watch`, not on Windows) it reads the child's stdout
itself, else a reader thread hands each line over through `post` (the
mailbox). Either way the agent wakes once per message, and the window
process sends one only when the person chooses something, never for
pointer motion. While the process runs, the agent pings it every `PING_S`; a
process that does not answer the next ping is hung and is ended.

A process that crashes, hangs or is killed never stops the counting: the
fault is logged once, its windows count as closed without an answer, the
agent hears of it through `on_fault` (tray, `upright break`), and the next
window starts a new process.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Sequence

from agent.ui import protocol

log = logging.getLogger("agent")

PING_S = 4.0  # a process that leaves a ping unanswered this long is hung (the agent wakes twice per ping)
QUIT_WAIT_S = 2.0  # how long a process asked to quit may take before it is killed
COMMAND = (sys.executable, "-m", "agent.ui.host")


class RemoteWindow:
    """A window drawn by the window process, as the agent sees it (the methods `App` uses)."""

    def __init__(self, process: "WindowProcess", window_id: int, kind: str,
                 handlers: dict[str, Callable[[dict], None]]) -> None:
        self.process, self.id, self.kind, self.handlers = process, window_id, kind, handlers
        self.is_open = True
        self.asked_at = process.clock()
        self.mapped_ms: float | None = None  # from the agent's request to the window mapped
        self.exercise: Any = None  # a break window: the exercise shown when the person said it hurts

    def offer_focus(self) -> None:
        if self.is_open:
            self.process.send("focus", id=self.id)

    focus = offer_focus

    def update(self, args: dict) -> None:
        """New state for the window (the Settings window after a change), in its ``open`` args' fields."""
        if self.is_open:
            self.process.send("update", id=self.id, args=args)

    def destroy(self) -> None:
        """Close it, no choice reported; again, or after the process died, is fine."""
        if self.is_open:
            self.is_open = False
            self.process.send("close", id=self.id)

    close = destroy


class WindowProcess:
    """At most one window process at a time, started on demand; see the module docstring."""

    def __init__(self, loop, post: Callable[[Callable[[], None]], None], *,
                 command: Sequence[str] = COMMAND, clock: Callable[[], float] = time.monotonic,
                 on_fault: Callable[[str | None], None] = lambda _text: None,
                 after_end: Callable[[], Any] = lambda: None, every_window: Callable[[], dict] = dict) -> None:
        """`loop`: the agent's loop (`after`, `after_cancel`, and `watch` where it can watch a pipe);
        `post(func)` runs func on it, from any thread; `after_end()` runs once a process is gone
        (the agent gives back the memory talking to it took); `every_window()`: args that go
        with every ``open`` (the text size, read at each opening so a new setting shows at once)."""
        self.loop, self.post, self.command, self.clock = loop, post, list(command), clock
        self.every_window = every_window
        self.on_fault, self.after_end = on_fault, after_end
        self.fault: str | None = None  # what went wrong last, until a new process says hello
        self.windows: dict[int, RemoteWindow] = {}
        self._proc: subprocess.Popen | None = None
        self._generation = 0  # which process a message came from: a dead one's are ignored
        self._next_id = 1
        self._pinged: int | None = None  # the unanswered ping's seq
        self._pinged_at = 0.0
        self._seq = 0
        self._timer: str | None = None
        self._keep_until = 0.0
        self._watched: int | None = None  # the child's stdout, when the loop watches it
        self._quitting = False
        self.started_at: float | None = None

    # --- what the agent asks ------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc is not None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def open(self, kind: str, args: dict, **handlers: Callable[[dict], None]) -> RemoteWindow:
        """Ask for a window; `handlers` by message type ("choice", "action", "link", "mark", "save",
        "setting", "autostart")."""
        self._ensure_started()
        window = RemoteWindow(self, self._next_id, kind, handlers)
        self._next_id += 1
        self.windows[window.id] = window
        self.send("open", id=window.id, kind=kind, args={**self.every_window(), **args})
        return window

    def keep_ready(self, seconds: float) -> None:
        """Start the process now and keep it, windows or not, for `seconds` (a break is about to fall due)."""
        self._keep_until = max(self._keep_until, self.clock() + seconds)
        self._ensure_started()

    def send(self, message_type: str, /, **fields: Any) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            return
        try:
            proc.stdin.write(protocol.encode(message_type, **fields))
            proc.stdin.flush()
        except OSError:  # it died; the reader thread reports that
            pass

    def stop(self) -> None:
        """The agent is quitting: ask the process to quit, kill it if it does not."""
        self._keep_until = 0.0
        if self._proc is not None:
            self._quit_process()

    # --- the process --------------------------------------------------------

    def _ensure_started(self) -> None:
        if self._proc is not None:
            return
        self._generation += 1
        self._quitting, self._pinged = False, None
        self.started_at = self.clock()
        self._proc = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      close_fds=True)
        log.info("window process started (pid %d)", self._proc.pid)
        if hasattr(self.loop, "watch") and sys.platform != "win32":
            self._watch(self._proc, self._generation)
        else:  # Windows: Tk cannot watch a pipe
            threading.Thread(target=self._read, args=(self._proc, self._generation),
                             name="upright-windows", daemon=True).start()
        self._arm(PING_S)

    def _watch(self, proc: subprocess.Popen, generation: int) -> None:
        """Read the child's stdout on the loop's own thread when it is readable: no thread, no mailbox."""
        fd = proc.stdout.fileno()
        os.set_blocking(fd, False)
        pending = [b""]

        def readable() -> None:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self.loop.unwatch(fd)
                self._ended(generation, proc)
                return
            *lines, pending[0] = (pending[0] + data).split(b"\n")
            for line in lines:
                self._arrived(generation, line)

        self._watched = fd
        self.loop.watch(fd, readable)

    def _read(self, proc: subprocess.Popen, generation: int) -> None:
        """The reader thread: every line, then the end, to the agent's loop."""
        for line in proc.stdout:
            self.post(lambda line=line: self._arrived(generation, line))
        self.post(lambda: self._ended(generation, proc))

    def _arm(self, seconds: float) -> None:
        if self._timer is not None:
            self.loop.after_cancel(self._timer)
        self._timer = self.loop.after(int(seconds * 1000), self._tick)

    def _tick(self) -> None:
        """Every PING_S while a process runs: hung if the last ping is unanswered, else ping; quit if idle."""
        self._timer = None
        if self._proc is None:
            return
        now = self.clock()
        if self._pinged is not None and now - self._pinged_at >= PING_S:
            self._fail(f"the window process stopped answering (nothing for {PING_S:g} s); it was ended",
                       kill=True)
            return
        if not self.windows and now >= self._keep_until:
            self._quit_process()
            return
        if self._pinged is None:
            self._seq += 1
            self._pinged, self._pinged_at = self._seq, now
            self.send("ping", seq=self._seq)
        self._arm(PING_S)

    def _quit_process(self) -> None:
        """Ask it to go; its end arrives through the reader thread."""
        self._quitting = True
        self.send("quit")
        proc = self._proc
        try:
            proc.wait(QUIT_WAIT_S)
        except subprocess.TimeoutExpired:
            log.warning("window process (pid %d) did not quit; killed", proc.pid)
            proc.kill()
            proc.wait()
        self._forget()

    def _forget(self) -> None:
        """No process any more: its windows are closed, unanswered."""
        if self._timer is not None:
            self.loop.after_cancel(self._timer)
            self._timer = None
        proc, self._proc = self._proc, None
        if self._watched is not None:
            self.loop.unwatch(self._watched)
            self._watched = None
        if proc is not None:
            for pipe in (proc.stdin, proc.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass
        self._generation += 1  # whatever the old one still said is stale
        lost, self.windows = list(self.windows.values()), {}
        for window in lost:
            window.is_open = False
        if proc is not None:
            self.after_end()

    def _fail(self, text: str, kill: bool = False) -> None:
        """Log once (the same fault again, e.g. the display still gone, only at debug level), end the
        process, close its windows unanswered, tell the agent."""
        (log.debug if text == self.fault else log.error)("%s", text)
        proc = self._proc
        if kill and proc is not None:
            proc.kill()
            proc.wait()
        lost = [w for w in self.windows.values() if w.kind == "break"]
        self._forget()
        if lost:
            log.info("the open break prompt counts as unanswered")
        self.fault = text
        self.on_fault(text)

    def _ended(self, generation: int, proc: subprocess.Popen) -> None:
        if generation != self._generation:
            return  # already dealt with (asked to quit, or killed as hung)
        try:
            code = proc.wait(QUIT_WAIT_S)
        except subprocess.TimeoutExpired:  # closed its stdout but lives on: end it
            proc.kill()
            code = proc.wait()
        if code == 0 and (self._quitting or not self.windows):
            self._forget()
            return
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            self._fail(f"the window process was killed ({name})")
        elif self.fault is None or "cannot open its windows" not in self.fault:
            self._fail(f"the window process stopped unexpectedly (exit status {code})")
        else:
            self._forget()

    # --- messages -----------------------------------------------------------

    def _arrived(self, generation: int, line: bytes) -> None:
        if generation != self._generation or not line.strip():
            return
        try:
            message = protocol.decode(line)
        except protocol.BadMessage as error:
            log.warning("window process: ignored a bad message %s: %s", protocol.summary(line), error)
            return
        try:
            self._handle(message)
        except Exception:  # noqa: BLE001 - a window's handler must not stop the agent
            log.exception("window process: handling %s failed", message["type"])

    def _handle(self, message: dict) -> None:
        kind = message["type"]
        if kind == "pong":
            if message["seq"] == self._pinged:
                self._pinged = None
            return
        if kind == "hello":
            log.info("window process ready in %.0f ms", (self.clock() - (self.started_at or self.clock())) * 1000)
            if self.fault is not None:
                self.fault = None
                self.on_fault(None)
            return
        if kind == "failed" and message["id"] == 0:  # Tk could not start at all
            self._fail(message["error"])
            return
        window = self.windows.get(message.get("id"))
        if window is None:
            log.debug("window process: %s for a window no longer open", kind)
            return
        if kind == "opened":
            window.mapped_ms = round((self.clock() - window.asked_at) * 1000, 1)
            log.info("%s window mapped %.0f ms after it was asked for (%.0f ms in the window process)",
                     window.kind, window.mapped_ms, message["ms"])
        elif kind in ("closed", "failed"):
            if kind == "failed":
                log.error("a %s window could not open: %s", window.kind, message["error"])
            window.is_open = False
            del self.windows[window.id]
            if not self.windows:
                self._arm(0.05)  # quit soon, unless kept ready
        handler = window.handlers.get(kind)
        if handler is not None:
            handler(message)
        elif kind in ("choice", "action", "link", "mark", "save", "setting", "autostart"):
            log.warning("window process: a %s window sent %s, which it does not send", window.kind, kind)
