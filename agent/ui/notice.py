"""A small toast in the corner of the monitor: "Break in 1 min — finish your sentence".

Under the text, in small type, Upright's "not medical advice" line.

It warns without interrupting: it never takes the keyboard (it is an
override-redirect window, which window managers neither decorate nor
focus), sits in the bottom-right corner, closes itself after ``seconds``
and on a click anywhere on it. With ``bell`` it rings the display's bell as
it shows (a cold pack's time is up). Tk thread only.
"""

from __future__ import annotations

import tkinter as tk
from typing import Optional

from agent.ui import strings, theme
from agent.ui.focus import show_without_focus
from agent.ui.geometry import Rect, tk_geometry
from agent.ui.own_window import OwnWindow

#: Gap between the toast and the monitor's edges, clear of most panels and docks.
MARGIN = 24


class Notice(OwnWindow):
    """A self-closing, click-to-dismiss, non-focusing notice."""

    def __init__(
        self, root: tk.Tk, text: str, geometry: Rect, seconds: float, *, font_scale: float | None = None,
        bell: bool = False,
    ) -> None:
        self.top: Optional[tk.Toplevel] = tk.Toplevel(root, bg=theme.BORDER)
        self.top.withdraw()
        self.top.title(strings.NOTICE_TITLE)
        self.top.overrideredirect(True)
        self.top.attributes("-topmost", True)
        self.fonts = theme.make_fonts(self.top, font_scale)
        self.label = self._build(text)
        self.top.update_idletasks()
        self.top.geometry(tk_geometry(_corner(geometry, self.top.winfo_reqwidth(), self.top.winfo_reqheight())))
        for widget in (self.top, *self._all_widgets()):
            widget.bind("<ButtonRelease-1>", lambda _e: self.close())
        self._timer = self.top.after(max(0, round(seconds * 1000)), self.close)
        show_without_focus(self.top)
        if bell:
            self.top.bell()

    def _before_close(self) -> None:
        self.top.after_cancel(self._timer)

    def _build(self, text: str) -> tk.Label:
        """A white card with a teal stripe on the left and a hairline border
        (the toplevel's colour), visible on light and dark desktops alike."""
        f = self.fonts
        tk.Frame(self.top, bg=theme.ACCENT, width=f.pad(0.375)).pack(side="left", fill="y", pady=1, padx=(1, 0))
        card = tk.Frame(self.top, bg=theme.SURFACE, padx=f.pad(1.25), pady=f.pad(0.75))
        card.pack(side="left", fill="both", expand=True, pady=1, padx=(0, 1))
        name = theme.label(card, strings.APP, f.small, fg=theme.ACCENT)
        name.pack(anchor="w")
        wrap = round(360 * f.scale)
        label = theme.label(card, text, f.body, wraplength=wrap)
        label.pack(anchor="w", pady=(f.pad(0.125), 0))
        # Notices speak of breaks and of the body: Upright's plain disclaimer, small.
        self.disclaimer = theme.label(card, strings.NOT_MEDICAL_ADVICE_SHORT, f.small, fg=theme.INK_SOFT,
                                      wraplength=wrap)
        self.disclaimer.pack(anchor="w", pady=(f.pad(0.25), 0))
        return label

    def _all_widgets(self):
        stack = list(self.top.winfo_children())
        while stack:
            widget = stack.pop()
            stack.extend(widget.winfo_children())
            yield widget


def _corner(monitor: Rect, w: int, h: int) -> Rect:
    """The bottom-right corner of ``monitor``, ``MARGIN`` in from its edges."""
    mx, my, mw, mh = monitor
    w, h = min(w, mw - 2 * MARGIN), min(h, mh - 2 * MARGIN)
    return (mx + mw - w - MARGIN, my + mh - h - MARGIN, w, h)
