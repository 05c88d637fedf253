"""Hands work from other threads to the Tk thread without polling.

A thread (tray, listener, control socket, signal) puts a message on a queue
and rings the loop's doorbell (`agent.live.doorbell`). The agent's loop
(`agent.live.loop.Loop`, Tk's once a window has opened) sleeps until the bell
rings, so no timer ticks while nothing happens, and no Tk call ever runs
outside the Tk thread.
"""

from __future__ import annotations

import queue
import signal
from typing import Any, Callable


class Mailbox:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._bell: Any = None  # the loop's doorbell, once attached

    def post(self, message: Any) -> None:
        """Queue `message` for the Tk thread; safe from any thread, never blocks."""
        self._queue.put(message)
        bell = self._bell
        if bell is not None:  # else `attach` delivers it
            bell.ring()

    def attach(self, loop, handle: Callable[[Any], None]) -> None:
        """Deliver messages to `handle` on the loop's thread as they arrive (`loop`: agent.live.loop.Loop)."""
        self._bell = loop.doorbell(lambda: self._drain(handle))
        # A signal's C handler writes here too, waking the loop so Python runs the handler.
        signal.set_wakeup_fd(self._bell.fileno(), warn_on_full_buffer=False)
        if not self._queue.empty():  # posted before there was a bell
            self._bell.ring()

    def _drain(self, handle: Callable[[Any], None]) -> None:
        while True:
            try:
                message = self._queue.get_nowait()
            except queue.Empty:
                return
            handle(message)

    def close(self, loop=None) -> None:
        signal.set_wakeup_fd(-1)
        bell, self._bell = self._bell, None
        if bell is not None and loop is not None:
            loop.silence(bell)
        elif bell is not None:
            bell.close()
