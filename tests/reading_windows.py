"""Helpers for the reading windows' UI tests (checklists, guide, red flags, walk-through).

Not a test module. These windows scroll their middle when it does not fit
(200 % text on a laptop screen), so "nothing clipped" means: the window
is on the screen, every widget gets the size it asks for, widgets outside
a scrolling area lie inside the window, and widgets inside one lie inside
its content, which is exactly as wide as the area (scrolling is only ever
vertical) and can be scrolled to its end.
"""

from __future__ import annotations

import tkinter as tk
from typing import List

from agent.ui.scrolled import ScrolledFrame
from tests.ui_desktop import descendants, screen_rect, window_problems


def scrollers(top: tk.Misc) -> List[ScrolledFrame]:
    return [w for w in descendants(top) if isinstance(w, ScrolledFrame) and w.winfo_viewable()]


def clipped(top: tk.Toplevel) -> List[str]:
    """Like ui_desktop.clipped_widgets, judging scrolled content against its scroll area."""
    problems = window_problems(top)
    tx, ty, tw, th = screen_rect(top)
    inside = {}
    for scroller in scrollers(top):
        interior = scroller.interior
        inside[str(interior)] = interior  # judged by its width and height, below
        for widget in descendants(interior):
            inside[str(widget)] = interior
        if interior.winfo_width() != scroller.canvas.winfo_width():
            problems.append(f"{interior} is {interior.winfo_width()} wide in a "
                            f"{scroller.canvas.winfo_width()} px area")
        if interior.winfo_height() < interior.winfo_reqheight():
            problems.append(f"{interior} is shorter than its content")
        region = [int(float(v)) for v in str(scroller.canvas.cget("scrollregion")).split()]
        if region and region[3] < interior.winfo_reqheight():
            problems.append(f"{scroller}: cannot scroll to the end of its content")
    for widget in descendants(top):
        # Viewable, not just mapped: a hidden page's scrolled content stays mapped
        # inside its unmapped canvas (the walk-through's other steps), yet is not shown.
        if not widget.winfo_viewable():
            continue
        x, y, w, h = screen_rect(widget)
        if w < widget.winfo_reqwidth() or h < widget.winfo_reqheight():
            problems.append(f"{widget} is {w}x{h}, asks {widget.winfo_reqwidth()}x{widget.winfo_reqheight()}")
        frame = inside.get(str(widget))
        bx, by, bw, bh = screen_rect(frame) if frame is not None else (tx, ty, tw, th)
        if x < bx or y < by or x + w > bx + bw or y + h > by + bh:
            where = "its scrolled content" if frame is not None else "the window"
            problems.append(f"{widget} at {w}x{h}+{x}+{y} pokes out of {where}")
    return problems


def fully_visible(widget: tk.Misc) -> bool:
    """True if ``widget`` is on screen and not scrolled out of its area."""
    widget.update_idletasks()
    x, y, w, h = screen_rect(widget)
    parent = widget.master
    while parent is not None:
        if isinstance(parent, tk.Canvas):
            cx, cy, cw, ch = screen_rect(parent)
            return cx <= x and cy <= y and x + w <= cx + cw and y + h <= cy + ch
        parent = parent.master
    return widget.winfo_viewable()


def shown_texts(top: tk.Misc) -> List[str]:
    """The texts of all mapped labels, buttons and tick boxes, top to bottom."""
    return [widget.cget("text") for widget in descendants(top)
            if widget.winfo_ismapped() and isinstance(widget, (tk.Label, tk.Button, tk.Checkbutton))
            and widget.cget("text")]
