"""One quiet thread serving D-Bus connections: the loop Upright's D-Bus watchers share.

The screen-lock watch and GNOME's idle watch need the same thing: a daemon
thread that owns its jeepney connections, sleeps in select() with no timeout
(no wake-up while nothing happens), hands every caught message to its owner's
handler, and takes work from the owner thread through a queue and a wake-up
pipe. Written once here, because one detail is easy to get wrong:

jeepney reads the socket in blocks, so a signal that came right behind a
method reply can already sit parsed in jeepney's buffer, and select() on the
socket never wakes for it. Before every select() the loop therefore empties
jeepney's buffer, and again after each handler run (a handler may itself call
a method, and read more with the reply).

    thread = BusThread("upright-x", setup=lambda: [Link(conn, handle)], on_command=run)
    thread.start()
    thread.send(("arm", event))     # owner thread: on_command(("arm", event)) runs on the bus thread
    thread.stop()                   # ends the loop, joins; True if the thread is gone
"""

from __future__ import annotations

import logging
import os
import queue
import selectors
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

log = logging.getLogger(__name__)

STOP = object()  #: the command that ends the loop without asking `on_command`
JOIN_TIMEOUT_S = 1.0


def _nothing() -> None:
    return None


@dataclass
class Link:
    """One connection served by the thread.

    `handle()` deals with whatever the connection's filters queued (jeepney's
    `conn.filter(rule, queue=...)`); `on_lost()` runs once if the bus goes away.
    """

    conn: Any
    handle: Callable[[], None]
    on_lost: Callable[[], None] = field(default=_nothing)


class BusThread:
    """A daemon thread that serves `Link`s until stopped or until every bus is lost."""

    def __init__(self, name: str, setup: Callable[[], list[Link]],
                 on_command: Callable[[Any], bool] | None = None, on_exit: Callable[[], None] = _nothing) -> None:
        """`setup()` runs first on the thread (it may connect, which can block) and returns the links;
        `on_command(command)` runs there for each `send`, False to stop; `on_exit()` runs there last."""
        self._setup = setup
        self._on_command = on_command or (lambda _command: True)
        self._on_exit = on_exit
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._wake_read, self._wake_write = os.pipe()
        self._pipe_open = True
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    # -- owner thread ---------------------------------------------------

    def start(self) -> None:
        self.thread.start()

    def is_alive(self) -> bool:
        return self.thread.is_alive()

    def send(self, command: Any) -> None:
        """Queue `command` for `on_command` and wake the thread."""
        self._commands.put(command)
        try:
            os.write(self._wake_write, b"\0")
        except OSError:  # stopped: the thread is gone anyway
            pass

    def stop(self, command: Any = STOP, timeout: float = JOIN_TIMEOUT_S) -> bool:
        """Send `command` (by default STOP), wait for the thread; True once it is gone.

        A thread that does not stop in time keeps its pipe, which it may still select on.
        """
        if self.thread.is_alive():
            self.send(command)
            self.thread.join(timeout)
            if self.thread.is_alive():
                return False
        if self._pipe_open:
            self._pipe_open = False
            os.close(self._wake_read)
            os.close(self._wake_write)
        return True

    # -- the bus thread -------------------------------------------------

    def _run(self) -> None:
        try:
            links = self._setup()
            if links:
                self._loop(links)
        except Exception:  # never let a watcher take the agent down
            log.exception("the D-Bus thread %s stopped", self.thread.name)
        finally:
            self._on_exit()

    def _loop(self, links: list[Link]) -> None:
        """Serve until a command says stop or every bus is gone; select() has no timeout."""
        with selectors.DefaultSelector() as selector:
            selector.register(self._wake_read, selectors.EVENT_READ, None)
            for link in links:
                selector.register(link.conn.sock, selectors.EVENT_READ, link)
            live = list(links)
            while True:
                for link in list(live):
                    if not _serve(link):
                        selector.unregister(link.conn.sock)
                        live.remove(link)
                        link.on_lost()
                if not live:
                    return
                for key, _events in selector.select():
                    if key.data is None and not self._run_commands():
                        return

    def _run_commands(self) -> bool:
        os.read(self._wake_read, 64)
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return True
            if command is STOP or not self._on_command(command):
                return False


def _serve(link: Link) -> bool:
    """Read every message jeepney can give now and let the owner handle them, until none is left.

    False if the bus went away (what was read before is still handled).
    """
    while True:
        count, alive = _read_all(link.conn)
        link.handle()
        if not alive:
            return False
        if not count:
            return True


def _read_all(conn: Any) -> tuple[int, bool]:
    """(messages read, bus still there): complete messages from jeepney's buffer, then from the socket."""
    count = 0
    try:
        while True:
            conn.recv_messages(timeout=0)
            count += 1
    except TimeoutError:
        return count, True
    except Exception as err:  # the daemon quit, or sent what we cannot parse
        log.debug("lost a D-Bus connection (%s: %s)", type(err).__name__, err)
        return count, False
