"""The red-flags card: the signs that need medical care now.

It is never more than one click away: the checklists, the walk-through
and the spasm guide each carry a button that opens it
(:func:`red_flags_button`). The list is ``assets/content/red_flags.toml``;
the card adds Upright's "general information, not medical advice" line.

    card = RedFlagsCard(root, monitor_at_pointer(root))

Tk thread only.
"""

from __future__ import annotations

import tkinter as tk
from typing import Callable, Optional

from agent.content import texts
from agent.ui import strings, theme
from agent.ui.geometry import Rect
from agent.ui.info_window import InfoWindow
from agent.ui.scrolled import ScrolledFrame
from agent.ui.strings import _


class RedFlagsView(tk.Frame):
    """The heading, the sentence before the list, and the list, on a warm tint.

    ``width`` is the card's outer width; texts wrap inside it.
    """

    def __init__(self, parent: tk.Misc, fonts: theme.Fonts, width: int,
                 red_flags: Optional[texts.RedFlags] = None) -> None:
        f = fonts
        super().__init__(parent, bg=theme.WARN_TINT, padx=f.pad(1.25), pady=f.pad(1))
        flags = red_flags or texts.red_flags()
        inner = width - 2 * f.pad(1.25) - f.pad(0.5)  # labels add a little border round their text
        self.heading = theme.label(self, _(flags.heading), f.heading, fg=theme.WARN, wraplength=inner)
        self.heading.pack(anchor="w", fill="x")
        theme.label(self, _(flags.intro), f.body, wraplength=inner).pack(anchor="w", fill="x", pady=(f.pad(0.5), 0))
        table = tk.Frame(self, bg=theme.WARN_TINT)
        table.pack(anchor="w", fill="x", pady=(f.pad(0.25), 0))
        bullet_w = f.body.measure("•") + f.pad(0.75)
        self.items = []
        for n, flag in enumerate(flags.flags):
            theme.label(table, "•", f.body, fg=theme.WARN).grid(row=n, column=0, sticky="nw", pady=(f.pad(0.375), 0),
                                                                padx=(f.pad(0.25), f.pad(0.5)))
            item = theme.label(table, _(flag.text), f.body, wraplength=inner - bullet_w - f.pad(0.25))
            item.grid(row=n, column=1, sticky="nw", pady=(f.pad(0.375), 0))
            self.items.append(item)


class RedFlagsCard(InfoWindow):
    """The red flags in a window of their own, with a Close button."""

    WIDTH = 640

    def __init__(self, root: tk.Misc, geometry: Rect, *, font_scale: float = 1.0,
                 red_flags: Optional[texts.RedFlags] = None, focus: bool = True,
                 on_close: Optional[Callable[[], None]] = None, parent: Optional[tk.Toplevel] = None) -> None:
        super().__init__(root, strings.RED_FLAGS_TITLE, geometry, font_scale=font_scale, focus=focus,
                         on_close=on_close, parent=parent)
        # It scrolls only if it must (very large text, a long translation).
        self.scroller = ScrolledFrame(self.frame, theme.BACKGROUND, scale=self.fonts.scale)
        self.scroller.pack(fill="both", expand=True)
        width = self.content_width - self.scroller.gutter
        self.view = RedFlagsView(self.scroller.interior, self.fonts, width, red_flags)
        self.view.pack(fill="x")
        self.close_button = theme.button(self.frame, strings.CLOSE, self.close, self.fonts, "primary")
        self.close_button.bind("<Return>", lambda _e: self.close())
        self.footer([self.close_button])
        self.scroller.bind_keys(self.top)
        self.top.update_idletasks()
        others = self.top.winfo_reqheight() - self.scroller.winfo_reqheight()
        self.scroller.fit(width, self.max_height - others)
        self.show()

    def first_focus(self) -> tk.Widget:
        return self.close_button


def red_flags_button(parent: tk.Misc, fonts: theme.Fonts, open_card: Callable[[], None]) -> tk.Button:
    """The link-style button that opens the red-flags card."""
    button = theme.button(parent, strings.RED_FLAGS_BUTTON, open_card, fonts, "link")
    button.bind("<Return>", lambda _e: open_card())
    return button


class RedFlagsOpener:
    """Opens the card for a window, one at a time: a second click brings it forward."""

    def __init__(self, owner: InfoWindow, red_flags: Optional[texts.RedFlags] = None) -> None:
        self.owner, self.red_flags = owner, red_flags
        self.card: Optional[RedFlagsCard] = None

    def __call__(self) -> RedFlagsCard:
        if self.card is not None and self.card.is_open:
            self.card.focus()
            return self.card
        owner = self.owner
        self.card = RedFlagsCard(owner.root, owner.monitor, font_scale=owner.fonts.scale,
                                 red_flags=self.red_flags, parent=owner.top)
        return self.card

    def close(self) -> None:
        if self.card is not None:
            self.card.close()
