"""Upright's look: one calm palette, fonts scaled for the reader, styled buttons.

The palette is the tray icon's teal family, darkened where text sits on
it: every text/background pair below keeps a WCAG contrast of at least
4.5:1 (a test checks), so labels stay legible for tired eyes and on poor
screens. Fonts are created per window from ``font_scale`` (1.0 = Upright's
base sizes, a 16 px body, a little larger than most desktops' 10 pt at 96 dpi;
2.0 = twice that), in the desktop's own family, so a user who needs large text
gets it in every Upright window. Without a ``font_scale`` a window takes the
desktop's scale times the user's text size (:mod:`agent.ui.scale`): sizes are
in pixels from that, never Tk's points, which follow the X server's idea of
the screen and not the scale the person chose.

Buttons are classic Tk buttons rather than ttk ones: their colours are
the same under every desktop theme, which the contrast promise needs.
"""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from dataclasses import dataclass
from typing import Callable, Sequence

from agent.ui import scale as scales

# -- palette -------------------------------------------------------------------
BACKGROUND = "#F4F7F6"  # window: a very light, cool grey-green
SURFACE = "#FFFFFF"  # cards: the illustration and the notice
INK = "#1D2B30"  # body text
INK_SOFT = "#4A5A60"  # secondary text
ACCENT = "#1E6F66"  # the primary button; dark teal, white text on it
ACCENT_ACTIVE = "#175A53"
ACCENT_TINT = "#E3EEEC"  # illustration backdrop, hover in the panel
BORDER = "#B7C6C3"  # outline of secondary buttons
WARN = "#A8432A"  # "This hurts" link: a muted coral, not an alarm red
WARN_TINT = "#FBEDE8"  # caution view background
ON_ACCENT = "#FFFFFF"
FOCUS_RING = INK  # round the focused button; where it is drawn, the unfocused ring is the window's colour

#: (focused, unfocused) colours of the same ring pixels, for the 3:1 focus-ring test.
FOCUS_PAIRS = (
    (FOCUS_RING, BACKGROUND),  # primary and link buttons on a window
    (FOCUS_RING, SURFACE),
    (FOCUS_RING, WARN_TINT),
    (FOCUS_RING, BORDER),  # the secondary buttons' outline
)

#: (foreground, background) pairs that carry text, for the contrast test.
TEXT_PAIRS = (
    (INK, BACKGROUND),
    (INK_SOFT, BACKGROUND),
    (INK, SURFACE),
    (ON_ACCENT, ACCENT),
    (ON_ACCENT, ACCENT_ACTIVE),
    (WARN, BACKGROUND),
    (INK, WARN_TINT),
    (WARN, WARN_TINT),
    (INK, ACCENT_TINT),
)

#: Sizes in pixels at font_scale 1.0 (20, 15, 12 and 10 pt at 96 dpi).
_SIZES = {"heading": 27, "title": 20, "body": 16, "button": 16, "small": 13}
#: Headings are already large: they grow more slowly, leaving room for the text.
_DISPLAY = ("heading", "title")

#: Spacing unit in pixels at scale 1.0: generous padding is part of "calm".
PAD = 16


@dataclass
class Fonts:
    """The named fonts of one window; keep a reference or Tk deletes them."""

    heading: tkfont.Font
    title: tkfont.Font
    body: tkfont.Font
    button: tkfont.Font
    small: tkfont.Font
    link: tkfont.Font
    scale: float  # the text's: the desktop's scale times the text size
    display: float = 1.0  # the desktop's alone (2.0 on a 200 % screen)

    def pad(self, units: float = 1.0) -> int:
        """Padding in pixels. It grows with the desktop's scale but not with the text
        size: large text needs the room for itself, and the gaps stay generous next
        to normal text."""
        return round(PAD * units * self.display)

    def picture(self, size: float, most: float) -> int:
        """A picture ``size`` px wide at 100 %: grown with the desktop's scale, and with the
        text size up to ``most`` times (beyond that, the text needs the room)."""
        return round(size * self.display * min(self.scale / self.display, most))


def make_fonts(root: tk.Misc, scale: float | None = None) -> Fonts:
    """Named fonts for one window: ``scale`` times Upright's base sizes, in the desktop's family.

    ``scale`` None: the desktop's scale times the text size the window process
    was asked for (:func:`agent.ui.scale.current`).
    """
    display = 1.0
    if scale is None:
        display, scale = scales.current(root)
    if not scale > 0:
        raise ValueError(f"font_scale must be positive, not {scale!r}")
    family = tkfont.nametofont("TkDefaultFont", root=root).actual("family")

    def font(key: str, weight: str = "normal", underline: bool = False) -> tkfont.Font:
        text = scale / display  # headings grow more slowly with the text size, not with the screen
        grow = display * (text if key not in _DISPLAY else 1 + (text - 1) * 0.6)
        size = -max(8, round(_SIZES[key] * grow))  # negative: pixels
        return tkfont.Font(root=root, family=family, size=size, weight=weight, underline=underline)

    return Fonts(
        heading=font("heading", "bold"),
        title=font("title", "bold"),
        body=font("body"),
        button=font("button", "bold"),
        small=font("small"),
        link=font("button", "bold", underline=True),
        scale=scale,
        display=display,
    )


def label(parent: tk.Misc, text: str, font: tkfont.Font, *, fg: str = INK, **options) -> tk.Label:
    """A plain label on the parent's background, left-aligned for wrapped text."""
    options.setdefault("bg", parent.cget("bg"))
    options.setdefault("justify", "left")
    options.setdefault("anchor", "w")
    return tk.Label(parent, text=text, font=font, fg=fg, **options)


def wrap_within(widget: tk.Label, width: int) -> tk.Label:
    """Wrap the label's text so that the whole label fits ``width`` px.

    Tk's wraplength measures the text alone; the label's own border and padding
    come on top, so a text that fills its lines would poke out of its column by
    those few pixels (seen: a caution 4 px wider than the break window's steps).
    """
    chrome = 2 * (widget.winfo_pixels(widget.cget("borderwidth")) + widget.winfo_pixels(widget.cget("padx")))
    widget.configure(wraplength=max(1, width - chrome))
    return widget


def button(
    parent: tk.Misc, text: str, command: Callable[[], None], fonts: Fonts, kind: str = "secondary"
) -> tk.Button:
    """A button of ``kind`` "primary" (filled), "secondary" (outlined) or "link".

    Every kind shows a focus ring ``focus_ring(fonts)`` px wide, so keyboard users
    see where Enter and Space will act: dark ink where, unfocused, the
    window's own colour (or the outline) is, at least 3:1 against it
    (:data:`FOCUS_PAIRS`). On the teal button the ring sits outside the
    fill, so its change shows against the window, not against the teal.
    """
    pad_x, pad_y = fonts.pad(1.25), fonts.pad(0.5)
    common = dict(
        text=text,
        command=command,
        font=fonts.button,
        relief="flat",
        bd=0,
        cursor="hand2",
        padx=pad_x,
        pady=pad_y,
        highlightthickness=focus_ring(fonts),
        highlightcolor=FOCUS_RING,
    )
    bg = parent.cget("bg")
    if kind == "primary":
        return tk.Button(
            parent, fg=ON_ACCENT, bg=ACCENT, activeforeground=ON_ACCENT,
            activebackground=ACCENT_ACTIVE, highlightbackground=bg, **common,
        )
    if kind == "link":
        common.update(font=fonts.link, padx=fonts.pad(0.25))
        return tk.Button(
            parent, fg=WARN, bg=bg, activeforeground=WARN, activebackground=WARN_TINT,
            highlightbackground=bg, **common,
        )
    if kind == "secondary":
        # The outline is the highlight ring's unfocused colour; focus darkens it.
        return tk.Button(
            parent, fg=INK, bg=SURFACE, activeforeground=INK, activebackground=ACCENT_TINT,
            highlightbackground=BORDER, **common,
        )
    raise ValueError(f"unknown button kind {kind!r}")


def focus_ring(fonts: Fonts) -> int:
    """The focus ring's width: 2 px at Upright's base size, growing with the text."""
    return max(2, round(2 * fonts.scale))


def flow(parent: tk.Frame, widgets: Sequence[tk.Widget], width: int, gap: int) -> None:
    """Lay ``widgets`` (children of ``parent``) out in rows no wider than ``width`` px.

    Buttons wrap to a new row instead of being clipped when the text is
    large or a translation is long. Calling it again re-flows them.
    """
    for old_row in parent.pack_slaves():
        if getattr(old_row, "_upright_flow_row", False):
            old_row.destroy()
    row, used, above = None, 0, None
    for widget in widgets:
        need = widget.winfo_reqwidth()
        if row is None or (used and used + gap + need > width):
            row = tk.Frame(parent, bg=parent.cget("bg"))
            row._upright_flow_row = True  # type: ignore[attr-defined]
            row.pack(side="top", anchor="w", pady=(gap if used else 0, 0))
            used, above = 0, row
        widget.pack(in_=row, side="left", padx=(gap if used else 0, 0))
        # Stacked above its row frame, or the frame hides it; and each above the
        # one before it, because Tab follows the stacking order.
        widget.lift(above)
        above = widget
        used += (gap if used else 0) + need
