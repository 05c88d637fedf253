"""Dimming the monitors the break window is not on (`breaks.dim_other_monitors`).

A break spent reading mail on the second screen is no break. Each other
monitor gets a veil: a borderless window (override-redirect, so no window
manager frames, moves or focuses it) covering the monitor, dark, and
see-through where a compositor can blend it (`-alpha`); without one it is
a plain dark cover. A short line on it says where the break window is.
The veils never take the keyboard and close with the break window.
"""

from __future__ import annotations

import tkinter as tk
from typing import List, Sequence

from agent.ui import strings, theme
from agent.ui.focus import show_without_focus
from agent.ui.geometry import Rect, tk_geometry

VEIL = "#0E1416"  # near-black, a shade of the theme's ink
VEIL_TEXT = "#C9D4D2"
VEIL_ALPHA = 0.8  # where a compositor blends it: the screen shows through, dimmed


class Dimmer:
    """One veil per monitor in `monitors`, until `close`."""

    def __init__(self, root: tk.Misc, monitors: Sequence[Rect], font_scale: float | None = None) -> None:
        self.veils: List[tk.Toplevel] = [self._veil(root, monitor, font_scale) for monitor in monitors]

    def close(self) -> None:
        """Lift the veils; again is fine."""
        veils, self.veils = self.veils, []
        for veil in veils:
            try:
                veil.destroy()
            except tk.TclError:  # already gone with its root
                pass

    @staticmethod
    def _veil(root: tk.Misc, monitor: Rect, font_scale: float) -> tk.Toplevel:
        veil = tk.Toplevel(root, bg=VEIL, cursor="arrow")
        veil.withdraw()
        veil.title(strings.DIMMED)  # not "Upright ...": no tool should take it for the break window
        veil.overrideredirect(True)
        veil.geometry(tk_geometry(monitor))
        try:
            veil.attributes("-alpha", VEIL_ALPHA)
        except tk.TclError:  # a Tk without the attribute: a plain cover
            pass
        fonts = theme.make_fonts(veil, font_scale)
        tk.Label(veil, text=strings.DIMMED, font=fonts.title, bg=VEIL, fg=VEIL_TEXT).place(
            relx=0.5, rely=0.5, anchor="center")
        show_without_focus(veil)
        return veil
