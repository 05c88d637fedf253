"""Hands work from other threads to the Tk thread without polling.

A thread (tray, listener, control socket, signal) puts a message on a queue
and writes one byte to a pipe. Tk watches the pipe's read end, so the Tk
thread sleeps in select() until there is work: no timer ticks while nothing
happens, and no Tk call ever runs outside the Tk thread.
"""

from __future__ import annotations

import os
import queue
import signal
import tkinter
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

    def attach(self, root: tkinter.Tk, handle: Callable[[Any], None]) -> None:
        """Deliver messages to `handle` on the Tk thread as they arrive."""
        root.tk.createfilehandler(self._read, tkinter.READABLE, lambda *_: self._drain(handle))
        # A signal's C handler writes here too, waking Tk so Python runs the handler.
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

    def close(self, root: tkinter.Tk | None = None) -> None:
        signal.set_wakeup_fd(-1)
        if root is not None:
            try:
                root.tk.deletefilehandler(self._read)
            except tkinter.TclError:
                pass
        os.close(self._read)
        os.close(self._write)
