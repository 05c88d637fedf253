"""Waking the agent's loop from another thread (or a signal) without a timer.

A doorbell is rung from any thread with `ring()`; the loop's thread then runs
the callback it was made with, after swallowing the rings that piled up. Its
`fileno()` is a non-blocking socket that `signal.set_wakeup_fd` may write to,
so a signal wakes the loop too (Windows takes only sockets there).

Three kinds, one behaviour:

* `SocketBell`: a socket pair whose read end the loop watches (select() before
  Tk, Tk's file handlers after). Everywhere Tk can watch a descriptor.
* `TclBell`: Tk on Windows cannot watch a descriptor Python made, but Tcl can
  watch its own sockets. So Tcl listens on a localhost port, this end connects
  to it, and Tcl's `fileevent` calls back when bytes arrive. Only the
  connection this end made is accepted: another local program that dials the
  port first is hung up on.
* `HandOverBell` (Windows): a `SocketBell` until the first window needs Tk,
  a `TclBell` from then on. select() watches sockets on Windows too, so the
  agent need not load Tk (its DLLs, an interpreter: megabytes) for the
  hours before a window, just to be woken.

Run under Wine (tests/windows/) and on Linux, where they behave the same; NOT
RUN ON WINDOWS itself.
"""

from __future__ import annotations

import signal
import socket
from typing import Any, Callable


class SocketBell:
    """A socket pair: `ring` writes a byte to one end, the loop watches the other."""

    def __init__(self) -> None:
        self._read, self._write = socket.socketpair()
        for end in (self._read, self._write):
            end.setblocking(False)

    def ring(self) -> None:
        try:
            self._write.send(b"\0")
        except OSError:  # full of rings already (the loop will wake), or closed at exit
            pass

    def fileno(self) -> int:
        return self._write.fileno()

    @property
    def watched(self) -> int:
        """The descriptor the loop watches."""
        return self._read.fileno()

    def clear(self) -> None:
        """Swallow the rings so far (on the loop's thread, before running the callback)."""
        try:
            while self._read.recv(4096):
                pass
        except OSError:  # BlockingIOError: nothing more to read
            pass

    def close(self) -> None:
        self._read.close()
        self._write.close()


class TclBell:
    """Tcl listens on localhost and calls `on_ring` when this end writes: see the module docstring."""

    def __init__(self, root: Any, on_ring: Callable[[], None]) -> None:
        """`root`: a Tk root, on whose (the calling) thread everything but `ring` runs."""
        self._tk, self._on_ring = root.tk, on_ring
        self._channel: str | None = None
        self._commands = [root.register(self._accept), root.register(self._readable)]
        self._server = self._tk.call("socket", "-server", self._commands[0], "-myaddr", "127.0.0.1", 0)
        port = int(self._tk.splitlist(self._tk.call("fconfigure", self._server, "-sockname"))[2])
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self._sock.setblocking(False)
        self._port = self._sock.getsockname()[1]  # to know our own connection when Tcl accepts it

    def ring(self) -> None:
        try:
            self._sock.send(b"\0")
        except OSError:
            pass

    def fileno(self) -> int:
        return self._sock.fileno()

    def close(self) -> None:
        self._sock.close()
        for channel in (self._channel, self._server):
            if channel is not None:
                try:
                    self._tk.call("close", channel)
                except Exception:  # noqa: BLE001 - Tk may already be gone at exit
                    pass
        self._channel = None

    def _accept(self, channel: str, host: str, port: str) -> None:
        if self._channel is not None or int(port) != self._port:
            self._tk.call("close", channel)  # not the connection this bell made
            return
        self._channel = channel
        self._tk.call("fconfigure", channel, "-blocking", 0, "-translation", "binary")
        self._tk.call("fileevent", channel, "readable", f"{self._commands[1]} {channel}")
        self._tk.call("close", self._server)  # the one peer is here: nobody else may dial in
        self._server = None

    def _readable(self, channel: str) -> None:
        self._tk.call("read", channel)  # the rings so far
        if self._tk.getboolean(self._tk.call("eof", channel)):
            self._tk.call("close", channel)
            self._channel = None
            return
        self._on_ring()


class HandOverBell:
    """A `SocketBell` for the loop's select(), then, from `move_to_tk`, a `TclBell`: see the module docstring."""

    def __init__(self) -> None:
        self.first = SocketBell()
        self._current: SocketBell | TclBell = self.first

    def ring(self) -> None:
        self._current.ring()

    def fileno(self) -> int:
        return self._current.fileno()

    @property
    def watched(self) -> int:
        """The descriptor the loop's select() watches until Tk starts."""
        return self.first.watched

    def clear(self) -> None:
        self.first.clear()

    def move_to_tk(self, root: Any, on_ring: Callable[[], None]) -> None:
        """Ring Tcl's socket from now on (on the loop's thread, as Tk starts). No ring is lost:
        the new bell rings once, so whatever was posted before the move is handled after it.
        The first socket stays open until `close`, for a thread that is still ringing it."""
        tcl = TclBell(root, on_ring)
        self._current = tcl
        _move_wakeup_fd(self.first.fileno(), tcl.fileno())
        tcl.ring()

    def close(self) -> None:
        if self._current is not self.first:
            self._current.close()
        self.first.close()


def _move_wakeup_fd(old: int, new: int) -> None:
    """Signals wake the loop through the bell (Mailbox.attach): follow it to its new socket."""
    try:
        current = signal.set_wakeup_fd(-1)
    except ValueError:  # not the main thread, where no wakeup fd can be set anyway
        return
    signal.set_wakeup_fd(new if current == old else current, warn_on_full_buffer=False)
