"""Which monitor the user is looking at, and where a window goes on it.

A prompt belongs on the monitor with the pointer: that is where the
user's eyes are. RandR 1.5 lists the monitors (python-xlib); without it
(other systems, an old X server, no python-xlib) the whole screen Tk
reports stands in for the one monitor.
"""

from __future__ import annotations

import logging
import tkinter as tk
from typing import List, Tuple

log = logging.getLogger("agent.ui")

Rect = Tuple[int, int, int, int]  # x, y, width, height in screen pixels


def monitor_at_pointer(root: tk.Misc) -> Rect:
    """The monitor containing the pointer (or the nearest one, in a gap)."""
    monitors = _randr_monitors(root) or [(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())]
    px, py = root.winfo_pointerxy()
    if px < 0:  # the pointer is on another X screen: use the first monitor
        return monitors[0]
    # Nearest first; among monitors that overlap (a user-defined monitor over
    # its output's own), the smallest is the most specific.
    return min(monitors, key=lambda m: (_distance(m, px, py), m[2] * m[3]))


def other_monitors(root: tk.Misc, shown_on: Rect) -> List[Rect]:
    """The monitors a window on `shown_on` is not on: none at all on a single screen.

    A monitor that overlaps `shown_on` (a user-defined monitor over its
    output's own) shows part of the window, so it is not "other".
    """
    return [m for m in _randr_monitors(root) if not _overlap(m, shown_on)]


def _overlap(a: Rect, b: Rect) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def centered(monitor: Rect, w: int, h: int) -> Rect:
    """A ``w`` x ``h`` window centred on ``monitor``, shrunk to fit if needed."""
    mx, my, mw, mh = monitor
    w, h = min(w, mw), min(h, mh)
    return (mx + (mw - w) // 2, my + (mh - h) // 2, w, h)


#: The share of a monitor's height a window may take: with its title bar and the desktop's
#: panels, a window any taller pushes its title (and the way to move it) off the screen.
TALLEST_SHARE = 0.85


def tallest(monitor: Rect) -> int:
    """The tallest a window may be on ``monitor``, in pixels: its content scrolls beyond that."""
    return int(monitor[3] * TALLEST_SHARE)


def tk_geometry(rect: Rect) -> str:
    """``rect`` as a Tk geometry string, "WxH+X+Y"."""
    x, y, w, h = rect
    return f"{w}x{h}+{x}+{y}"


def _distance(monitor: Rect, px: int, py: int) -> int:
    """0 inside the monitor, else how far the point is outside it."""
    x, y, w, h = monitor
    dx = max(x - px, 0, px - (x + w - 1))
    dy = max(y - py, 0, py - (y + h - 1))
    return dx * dx + dy * dy


def _randr_monitors(root: tk.Misc) -> List[Rect]:
    """The active monitors from RandR 1.5, or [] where that cannot be asked."""
    if root.tk.call("tk", "windowingsystem") != "x11":
        return []
    try:
        import Xlib.display
    except ImportError:
        return []
    try:
        display = Xlib.display.Display(root.winfo_screen())
    except Exception as exc:  # noqa: BLE001 - fall back to the whole screen
        log.debug("cannot reach the X server to list monitors: %s", exc)
        return []
    try:
        if not display.has_extension("RANDR"):
            return []
        reply = display.screen().root.xrandr_get_monitors(is_active=True)
        return [(m.x, m.y, m.width_in_pixels, m.height_in_pixels) for m in reply.monitors]
    except Exception as exc:  # noqa: BLE001 - e.g. RandR older than 1.5
        log.debug("RandR monitor list unavailable: %s", exc)
        return []
    finally:
        display.close()
