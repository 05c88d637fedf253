"""Showing a window without taking the keyboard, and taking it when offered.

A break prompt that grabs focus mid-sentence eats keystrokes and breaks
trust. Tk never focuses a new toplevel by itself, but most window
managers focus every newly mapped window, unless it says it was not
asked for: EWMH's ``_NET_WM_USER_TIME`` set to 0 before mapping means
"do not focus me". Tk cannot set that property, so python-xlib does, on
Tk's wrapper window (the parent of ``winfo_id()``, the one that carries
the title). Without X11 or python-xlib the window is simply shown.

Called from the Tk thread only, like everything in :mod:`agent.ui`.
"""

from __future__ import annotations

import logging
import tkinter as tk

log = logging.getLogger("agent.ui")


def show_without_focus(top: tk.Toplevel) -> None:
    """Map ``top`` at its set geometry, asking the window manager not to focus it."""
    if top.state() != "withdrawn":
        # Only if needed: withdrawing a withdrawn window makes Tk forget its position.
        top.withdraw()
    top.update_idletasks()  # Tk creates the wrapper window now, still unmapped
    if top.tk.call("tk", "windowingsystem") == "x11":
        _ask_not_to_focus(top)
    top.deiconify()


def take_focus(top: tk.Toplevel, widget: tk.Widget) -> None:
    """Raise ``top`` and give ``widget`` the keyboard, even from another app."""
    if not top.winfo_exists() or not top.winfo_viewable():
        return
    top.lift()
    widget.focus_force()


def _ask_not_to_focus(top: tk.Toplevel) -> None:
    try:
        import Xlib.display
        import Xlib.Xatom
    except ImportError:
        log.debug("python-xlib missing: the window manager may focus new windows")
        return
    try:
        display = Xlib.display.Display(top.winfo_screen())
    except Exception as exc:  # noqa: BLE001 - a hint is not worth failing for
        log.debug("cannot reach the X server for the focus hint: %s", exc)
        return
    try:
        wrapper = display.create_resource_object("window", top.winfo_id()).query_tree().parent
        wrapper.change_property(
            display.intern_atom("_NET_WM_USER_TIME"), Xlib.Xatom.CARDINAL, 32, [0]
        )
        display.sync()  # set before Tk's own connection maps the window
    except Exception as exc:  # noqa: BLE001
        log.debug("could not set _NET_WM_USER_TIME: %s", exc)
    finally:
        display.close()
