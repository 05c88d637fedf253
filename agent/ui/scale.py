"""How big Upright's text and windows are: the desktop's scale times the user's text size.

Tk sizes fonts in points from the X server's idea of the screen's size,
which on most Linux desktops says 96 dpi whatever the panel is: the scale
a person chose lives elsewhere. So Upright reads it where the desktops
put it, and sizes its fonts, windows and pictures in pixels from it:

* X11: the ``Xft.dpi`` resource (GNOME, KDE, Xfce and ``xrdb`` set it;
  96 is 100 %), else the X server's own dpi; ``GDK_SCALE`` (a whole
  window scale, as GTK takes it) when it is larger, and ``GDK_DPI_SCALE``
  (text only) on top;
* Windows: the effective dpi of the monitor the window opens on (per-monitor
  DPI; the window process declares itself per-monitor aware, so Windows
  does not blur it by stretching a 96-dpi bitmap).

The text size setting (``[display] text_size``) multiplies that. Tk thread only.
"""

from __future__ import annotations

import logging
import os
import sys
import tkinter as tk
from typing import Mapping, Optional

log = logging.getLogger("agent.ui")

#: The ``[display] text_size`` choices and the factor each puts on the desktop's scale.
TEXT_SIZES = {"small": 0.85, "normal": 1.0, "large": 1.25, "larger": 1.5, "largest": 2.0}
BASE_DPI = 96.0  # 100 % on every desktop
LOWEST, HIGHEST = 0.5, 4.0  # a scale outside these is a misreading, not a setting


def desktop_scale(xft_dpi: Optional[float], server_dpi: Optional[float], env: Mapping[str, str]) -> float:
    """The desktop's scale (1.0 = 96 dpi) from what an X desktop says, as GTK reads it."""
    if xft_dpi and xft_dpi > 0:
        scale = xft_dpi / BASE_DPI
    elif server_dpi and server_dpi > 0:
        # From the millimetres a monitor reports, which are rough (100 dpi for a 96-dpi
        # screen is common): to the nearest quarter, the steps desktops offer.
        scale = max(1, round(server_dpi / BASE_DPI * 4)) / 4
    else:
        scale = 1.0
    window_scale = _number(env.get("GDK_SCALE"))
    if window_scale is not None and window_scale >= 1:
        scale = max(scale, float(int(window_scale)))
    text = _number(env.get("GDK_DPI_SCALE"))
    if text is not None and text > 0:
        scale *= text
    return min(HIGHEST, max(LOWEST, scale))


def text_factor(text_size: str) -> float:
    """The factor of a ``text_size`` choice; an unknown one is "normal" (the window process
    must draw whatever a newer or broken agent asks)."""
    return TEXT_SIZES.get(text_size, 1.0)


def use_text_size(root: tk.Misc, text_size: str) -> None:
    """The text size for the windows opened on ``root`` from now on (the window process
    sets it from each ``open`` message, so a changed setting shows in the next window)."""
    root.nametowidget(".")._upright_text_size = text_size


def current(widget: tk.Misc) -> tuple[float, float]:
    """(the desktop's scale, the scale to draw text at) for a window opened now on
    ``widget``'s desktop: the second is the first times the text size in use."""
    display = desktop_scale_of(widget)
    return display, display * text_factor(getattr(widget.nametowidget("."), "_upright_text_size", "normal"))


def desktop_scale_of(root: tk.Misc) -> float:
    """The desktop's scale, asked of the system ``root`` draws on."""
    if sys.platform == "win32":
        return min(HIGHEST, max(LOWEST, _windows_dpi(root) / BASE_DPI))  # run under Wine only
    return desktop_scale(xft_dpi(root), server_dpi(root), os.environ)


def server_dpi(root: tk.Misc) -> float:
    """The X server's dpi as Tk sees it (its screen size in millimetres)."""
    return float(root.winfo_fpixels("1i"))


def xft_dpi(root: tk.Misc) -> Optional[float]:
    """The ``Xft.dpi`` resource on ``root``'s X screen, or None where unset or unreadable."""
    if root.tk.call("tk", "windowingsystem") != "x11":
        return None
    try:
        import Xlib.display
        import Xlib.X
        import Xlib.Xatom
    except ImportError:
        return None
    try:
        display = Xlib.display.Display(root.winfo_screen())
    except Exception as exc:  # noqa: BLE001 - no resources to read: the server's dpi stands
        log.debug("cannot reach the X server for Xft.dpi: %s", exc)
        return None
    try:
        prop = display.screen().root.get_full_property(Xlib.Xatom.RESOURCE_MANAGER, Xlib.Xatom.STRING)
        text = prop.value if prop is not None else b""
    finally:
        display.close()
    return resource_dpi(text.decode("latin-1") if isinstance(text, bytes) else str(text))


def resource_dpi(resources: str) -> Optional[float]:
    """``Xft.dpi`` in an X resource database's text (``xrdb -query``'s lines), or None."""
    for line in resources.splitlines():
        name, _, value = line.partition(":")
        if name.strip() in ("Xft.dpi", "*dpi", "Xft*dpi"):
            dpi = _number(value.strip())
            if dpi is not None and dpi > 0:
                return dpi
    return None


def make_dpi_aware() -> None:
    """Windows: ask for per-monitor DPI (before Tk starts), so windows are drawn sharp at
    the monitor's scale instead of stretched. Elsewhere, nothing to do."""
    if sys.platform != "win32":
        return
    import ctypes  # run under Wine (tests/windows/test_wine_dpi.py), never on Windows itself

    try:
        ctypes.windll.shcore.SetProcessDpiAwareness(2)  # PROCESS_PER_MONITOR_DPI_AWARE
    except (AttributeError, OSError):
        log.debug("per-monitor DPI awareness unavailable")


def _windows_dpi(root: tk.Misc) -> float:
    """The effective dpi of the monitor with the pointer, or the system dpi."""
    import ctypes  # run under Wine, which has one DPI for every monitor
    from ctypes import wintypes

    x, y = root.winfo_pointerxy()
    try:
        monitor = ctypes.windll.user32.MonitorFromPoint(wintypes.POINT(x, y), 2)  # MONITOR_DEFAULTTONEAREST
        dpi_x, dpi_y = wintypes.UINT(), wintypes.UINT()
        if ctypes.windll.shcore.GetDpiForMonitor(monitor, 0, ctypes.byref(dpi_x), ctypes.byref(dpi_y)) == 0:
            return float(dpi_y.value)
    except (AttributeError, OSError):
        pass
    return server_dpi(root)


def _number(text: Optional[str]) -> Optional[float]:
    try:
        return float(text) if text else None
    except ValueError:
        return None
