"""A Wayland app that keeps the desktop awake, as a video player does: a window holding an idle inhibitor.

Run as its own process (pywayland ties some objects to a process's first
display): it maps a small window (an xdg_toplevel with a shared-memory
buffer), asks `zwp_idle_inhibit_manager_v1` to inhibit idleness while that
window is visible, prints `inhibiting` and keeps the window until stdin closes.

    python tests/wayland_idle_inhibitor_client.py $WAYLAND_DISPLAY
"""

from __future__ import annotations

import mmap
import os
import selectors
import sys

from pywayland.client import Display
from pywayland.protocol.idle_inhibit_unstable_v1 import ZwpIdleInhibitManagerV1
from pywayland.protocol.wayland import WlCompositor, WlShm
from pywayland.protocol.xdg_shell import XdgWmBase

SIZE = 64


def _buffer(shm):
    """A SIZE x SIZE grey buffer in shared memory."""
    stride = SIZE * 4
    fd = os.memfd_create("upright-inhibitor")
    os.ftruncate(fd, stride * SIZE)
    with mmap.mmap(fd, stride * SIZE) as pixels:
        pixels.write(b"\x80\x80\x80\xff" * SIZE * SIZE)
    pool = shm.create_pool(fd, stride * SIZE)
    buffer = pool.create_buffer(0, SIZE, SIZE, stride, WlShm.format.argb8888.value)
    os.close(fd)
    return buffer


def main(name: str) -> None:
    display = Display(name)
    display.connect()
    offered: dict[str, int] = {}
    registry = display.get_registry()
    registry.dispatcher["global"] = lambda _r, number, iface, _version: offered.__setitem__(iface, number)
    display.roundtrip()
    compositor = registry.bind(offered["wl_compositor"], WlCompositor, 4)
    shm = registry.bind(offered["wl_shm"], WlShm, 1)
    shell = registry.bind(offered["xdg_wm_base"], XdgWmBase, 1)
    inhibitors = registry.bind(offered["zwp_idle_inhibit_manager_v1"], ZwpIdleInhibitManagerV1, 1)
    shell.dispatcher["ping"] = lambda base, serial: base.pong(serial)

    surface = compositor.create_surface()
    window = shell.get_xdg_surface(surface)
    toplevel = window.get_toplevel()
    toplevel.set_title("Video")
    configured: list[int] = []
    window.dispatcher["configure"] = lambda _w, serial: configured.append(serial)
    surface.commit()
    while not configured:
        display.dispatch(block=True)
    window.ack_configure(configured[-1])
    surface.attach(_buffer(shm), 0, 0)
    surface.damage(0, 0, SIZE, SIZE)
    surface.commit()
    inhibitor = inhibitors.create_inhibitor(surface)
    display.roundtrip()
    print("inhibiting", flush=True)
    _serve_until_stdin_closes(display)
    inhibitor.destroy()
    display.roundtrip()
    display.disconnect()


def _serve_until_stdin_closes(display: Display) -> None:
    """Answer the compositor (pings) until the test closes our stdin."""
    with selectors.DefaultSelector() as selector:
        selector.register(display.get_fd(), selectors.EVENT_READ, "wayland")
        selector.register(sys.stdin, selectors.EVENT_READ, "stdin")
        while True:
            display.flush()
            for key, _events in selector.select():
                if key.data == "stdin":
                    return
                display.read()
                display.dispatch(block=False)


if __name__ == "__main__":
    main(sys.argv[1])
