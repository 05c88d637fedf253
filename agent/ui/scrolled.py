"""A vertically scrolling area, for content that may not fit the screen.

A checklist at 200 % text, or a translation twice as long, is taller than
a laptop screen: rather than clip it, the window keeps its header and
buttons in view and scrolls the middle. Keyboard users are not left
behind: whatever widget takes the focus (Tab, the arrow keys) is scrolled
into view, and Page Up / Page Down / Home / End scroll when bound to the
window with :meth:`ScrolledFrame.bind_keys`. The mouse wheel works over
any part of the area. The scroll bar shows only when there is something
to scroll. Tk thread only.
"""

from __future__ import annotations

import tkinter as tk

from agent.ui import theme


class ScrolledFrame(tk.Frame):
    """Put content in :attr:`interior`; then call :meth:`fit` with the size to show."""

    def __init__(self, parent: tk.Misc, bg: str, *, scale: float = 1.0) -> None:
        super().__init__(parent, bg=bg)
        bar_w = max(12, round(12 * scale))
        self.gutter = bar_w + round(8 * scale)  # room kept beside the content for the bar
        self.side = tk.Frame(self, bg=bg, width=self.gutter)
        self.side.pack(side="right", fill="y")
        self.side.pack_propagate(False)
        self.canvas = tk.Canvas(self, bg=bg, highlightthickness=0, bd=0, takefocus=0)
        self.bar = tk.Scrollbar(self.side, orient="vertical", command=self.canvas.yview, takefocus=0,
                                width=bar_w, troughcolor=theme.BACKGROUND,
                                bg=theme.BORDER, activebackground=theme.INK_SOFT, bd=0,
                                highlightthickness=0, relief="flat", elementborderwidth=0)
        self.interior = tk.Frame(self.canvas, bg=bg)
        self._item = self.canvas.create_window(0, 0, window=self.interior, anchor="nw")
        self.canvas.configure(yscrollcommand=self.bar.set)
        self.canvas.pack(side="left", fill="both", expand=True)
        self.interior.bind("<Configure>", lambda _e: self._update())
        # The content is exactly as wide as the area shows, even where the window gives the
        # area a few pixels more than `fit` asked (a wider row elsewhere at 200 %).
        self.canvas.bind("<Configure>", lambda e: self.canvas.itemconfigure(self._item, width=e.width), add="+")
        self._bound: set = set()

    def fit(self, width: int, max_height: int) -> None:
        """Show the content ``width`` px wide and at most ``max_height`` px tall.

        The content is laid out for ``width`` (its wrap lengths are the
        caller's); the scroll bar's room is added beside it.
        """
        self.interior.update_idletasks()
        height = max(1, min(self.interior.winfo_reqheight(), max_height))
        self.canvas.configure(width=width, height=height)
        self.canvas.itemconfigure(self._item, width=width)
        self._hook_descendants()
        self._update()

    @property
    def scrolls(self) -> bool:
        """True when the content is taller than the area."""
        return self.interior.winfo_reqheight() > int(self.canvas.cget("height"))

    def see(self, widget: tk.Misc) -> None:
        """Scroll so that ``widget`` (inside :attr:`interior`) is in view."""
        if not self.scrolls:
            return
        self.update_idletasks()
        total = max(1, self.interior.winfo_height())
        top = widget.winfo_rooty() - self.interior.winfo_rooty()
        bottom = top + widget.winfo_height()
        view_h = self.canvas.winfo_height()
        first = self.canvas.canvasy(0)
        if top < first:
            self.canvas.yview_moveto(max(0, top - 8) / total)
        elif bottom > first + view_h:
            self.canvas.yview_moveto(min(total - view_h, bottom + 8 - view_h) / total)

    def bind_keys(self, top: tk.Misc) -> None:
        """Page Up / Page Down / Home / End on ``top`` scroll this area."""
        for key, move in (("<Prior>", lambda: self.canvas.yview_scroll(-1, "pages")),
                          ("<Next>", lambda: self.canvas.yview_scroll(1, "pages")),
                          ("<Home>", lambda: self.canvas.yview_moveto(0)),
                          ("<End>", lambda: self.canvas.yview_moveto(1))):
            top.bind(key, lambda _e, move=move: (move(), "break")[1], add="+")

    # -- internals -----------------------------------------------------------

    def _update(self) -> None:
        self.canvas.configure(scrollregion=(0, 0, self.interior.winfo_reqwidth(), self.interior.winfo_reqheight()))
        if self.scrolls and not self.bar.winfo_manager():
            self.bar.pack(side="right", fill="y")
        elif not self.scrolls and self.bar.winfo_manager():
            self.bar.pack_forget()
            self.canvas.yview_moveto(0)

    def _hook_descendants(self) -> None:
        """Wheel and focus bindings on every widget inside, once each."""
        stack = [self.canvas, self.interior]
        while stack:
            widget = stack.pop()
            stack.extend(widget.winfo_children())
            if str(widget) in self._bound:
                continue
            self._bound.add(str(widget))
            widget.bind("<Button-4>", lambda _e: self._wheel(-1), add="+")
            widget.bind("<Button-5>", lambda _e: self._wheel(1), add="+")
            widget.bind("<MouseWheel>", lambda e: self._wheel(-1 if e.delta > 0 else 1), add="+")
            if widget is not self.canvas and widget is not self.interior:
                widget.bind("<FocusIn>", lambda e: self.see(e.widget), add="+")

    def _wheel(self, direction: int) -> None:
        if self.scrolls:
            self.canvas.yview_scroll(direction * 2, "units")
