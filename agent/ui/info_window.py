"""What Upright's reading windows share: the checklists, the guide, the red flags.

Unlike the break prompt, these open because the user asked (a panel
entry, a button), so they take the keyboard once they are on screen,
unless told not to (the first-run walk-through opens by itself and must
not grab keys from someone typing). Each is titled "Upright — ...",
sized to its content within the monitor and centred on it, and closes on
Esc and on the window manager's close button. Tk thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk
from typing import Callable, Optional

from PIL import Image, ImageTk

from agent.ui import strings, theme
from agent.ui.focus import show_without_focus, take_focus
from agent.ui.geometry import Rect, centered, tallest, tk_geometry
from agent.ui.own_window import OwnWindow
from agent.ui.scrolled import ScrolledFrame

log = logging.getLogger("agent.ui")

#: Space kept between a window and the monitor's edges.
MARGIN = 24


class InfoWindow(OwnWindow):
    """A titled toplevel with fonts for ``font_scale``; subclasses fill :attr:`frame`."""

    #: Window width at font scale 1.0, in pixels (it grows with the text).
    WIDTH = 720

    def __init__(self, root: tk.Misc, title: str, geometry: Rect, *, font_scale: float | None = None,
                 focus: bool = True, on_close: Optional[Callable[[], None]] = None,
                 parent: Optional[tk.Toplevel] = None) -> None:
        self.root = root
        self.monitor = geometry
        self._focus = focus
        self._on_close = on_close
        self.top: Optional[tk.Toplevel] = tk.Toplevel(root, bg=theme.BACKGROUND)
        self.top.withdraw()
        self.top.title(title)
        self.top.resizable(False, False)
        if parent is not None:
            self.top.transient(parent)  # stays above the window it was opened from
        self.top.protocol("WM_DELETE_WINDOW", self.close)
        self.top.bind("<Escape>", lambda _e: self.close())
        self.fonts = theme.make_fonts(self.top, font_scale)
        f = self.fonts
        self.frame = tk.Frame(self.top, bg=theme.BACKGROUND, padx=f.pad(1.5), pady=f.pad(1.25))
        self.frame.pack(fill="both", expand=True)
        self._images: list = []  # PhotoImages must outlive the labels showing them

    # -- public ------------------------------------------------------------

    def _after_close(self) -> None:
        """``on_close`` runs once."""
        callback, self._on_close = self._on_close, None
        if callback is not None:
            try:
                callback()
            except Exception:  # noqa: BLE001 - a faulty handler must not break the Tk loop
                log.exception("%s: on_close raised", type(self).__name__)

    def focus(self) -> None:
        """Raise the window and give it the keyboard."""
        if self.top is not None:
            take_focus(self.top, self.first_focus())

    # -- for subclasses ----------------------------------------------------

    def _list_heading(self, heading: str, intro: str) -> None:
        """The top of a window listing things to tick or mark: a heading, a count
        line (`self.count`, for the subclass to fill) and an intro, over a
        scrolling area (`self.scroller`) for the list itself."""
        f, width = self.fonts, self.content_width
        theme.label(self.frame, heading, f.heading, wraplength=width).pack(anchor="w")
        self.count = theme.label(self.frame, "", f.body, fg=theme.ACCENT)
        self.count.pack(anchor="w", pady=(f.pad(0.25), 0))
        theme.label(self.frame, intro, f.body, fg=theme.INK_SOFT, wraplength=width).pack(
            anchor="w", pady=(f.pad(0.25), f.pad(1)))
        self.scroller = ScrolledFrame(self.frame, theme.BACKGROUND, scale=f.scale)
        self.scroller.pack(fill="both", expand=True)

    @property
    def content_width(self) -> int:
        """Width of the content, between the window's paddings."""
        f = self.fonts
        width = min(round(self.WIDTH * f.scale), self.monitor[2] - 2 * MARGIN)
        return width - 2 * f.pad(1.5)

    @property
    def max_height(self) -> int:
        """The tallest the window may be on its monitor (:func:`geometry.tallest`)."""
        return min(self.monitor[3] - 2 * MARGIN, tallest(self.monitor))

    def first_focus(self) -> tk.Widget:
        """The widget that gets the keyboard when the window does."""
        raise NotImplementedError

    def footer(self, buttons: list, *, note: bool = True) -> tk.Frame:
        """A rule, a row of ``buttons`` (children of the returned frame's parent
        are fine: they are re-parented with ``in_``) and the disclaimer."""
        f = self.fonts
        self.footer_rule = tk.Frame(self.frame, bg=theme.BORDER, height=1)
        self.footer_rule.pack(fill="x", pady=(f.pad(0.75), 0))
        row = tk.Frame(self.frame, bg=theme.BACKGROUND)
        row.pack(fill="x", pady=(f.pad(0.75), 0))
        theme.flow(row, buttons, self.content_width, f.pad(0.75))
        if note:
            theme.label(self.frame, strings.NOT_MEDICAL_ADVICE, f.small, fg=theme.INK_SOFT,
                        wraplength=self.content_width).pack(anchor="w", pady=(f.pad(0.75), 0))
        return row

    def place(self) -> None:
        """Size the window to its content and centre it on the monitor."""
        self.top.update_idletasks()
        mx, my, mw, mh = self.monitor
        rect = centered((mx + MARGIN, my + MARGIN, mw - 2 * MARGIN, mh - 2 * MARGIN),
                        self.top.winfo_reqwidth(), self.top.winfo_reqheight())
        self.top.geometry(tk_geometry(rect))

    def show(self) -> None:
        """Place and map the window; it takes the keyboard once mapped if ``focus``."""
        self.place()
        if self._focus:
            self.top.bind("<Map>", self._on_map, add="+")
        show_without_focus(self.top)

    def _on_map(self, event: tk.Event) -> None:
        if self.top is not None and event.widget is self.top:
            self.top.unbind("<Map>")
            self.focus()


def photo(image: Image.Image, background: str, master: tk.Misc) -> ImageTk.PhotoImage:
    """``image`` flattened onto ``background``, for a label (Tk builds differ in how
    they blend partial transparency). Keep a reference, or Tk drops the picture."""
    flat = Image.new("RGBA", image.size, background)
    flat.alpha_composite(image)
    return ImageTk.PhotoImage(flat.convert("RGB"), master=master)
