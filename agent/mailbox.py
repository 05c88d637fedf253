"""Hands work from other threads to the Tk thread without polling.

A thread (tray, listener, control socket, signal) puts a message on a queue
and writes one byte to a pipe. The agent's loop (`agent.loop.Loop`, Tk's once
a window has opened) watches the pipe's read end, so the Tk thread sleeps in
select() until there is work: no timer ticks while nothing happens, and no Tk
call ever runs outside the Tk thread.
"""

from __future__ import annotations

import os
import queue
import signal
from typing import Any, Callable


class Mailbox:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def post(self, message: Any) -> None:
        """Queue `message` for the Tk thread; safe from any thread, never blocks."""
        self._queue.put(message)
        try:
            os.write(self._write, b"\0")
        except BlockingIOError:
            pass  # the pipe is full of wake-up bytes already: Tk will wake

    def attach(self, loop, handle: Callable[[Any], None]) -> None:
        """Deliver messages to `handle` on the loop's thread as they arrive (`loop`: agent.loop.Loop)."""
        loop.watch(self._read, lambda: self._drain(handle))
        # A signal's C handler writes here too, waking the loop so Python runs the handler.
        signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)

    def _drain(self, handle: Callable[[Any], None]) -> None:
        try:
            while os.read(self._read, 4096):
                pass
        except BlockingIOError:
            pass
        while True:
            try:
                message = self._queue.get_nowait()
            except queue.Empty:
                return
            handle(message)

    def close(self, loop=None) -> None:
        signal.set_wakeup_fd(-1)
        if loop is not None:
            loop.unwatch(self._read)
        os.close(self._read)
        os.close(self._write)
