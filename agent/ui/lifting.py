"""The lifting card: how to lift without straining the back (000, 001).

A short list from ``assets/content/lifting.toml``, with the red flags one
click away and the "not medical advice" line, opened from the tray panel.

    LiftingCard(root, monitor_at_pointer(root))

Tk thread only.
"""

from __future__ import annotations

import tkinter as tk
from typing import Callable, Optional

from agent.content import texts
from agent.ui import strings, theme
from agent.ui.geometry import Rect
from agent.ui.info_window import InfoWindow
from agent.ui.red_flags import RedFlagsOpener, red_flags_button
from agent.ui.scrolled import ScrolledFrame
from agent.ui.strings import _


class LiftingCard(InfoWindow):
    """The heading, the sentence before the tips, the tips as a bulleted list."""

    WIDTH = 600

    def __init__(self, root: tk.Misc, geometry: Rect, *, font_scale: float | None = None,
                 card: Optional[texts.TipCard] = None, red_flags: Optional[texts.RedFlags] = None,
                 focus: bool = True, on_close: Optional[Callable[[], None]] = None) -> None:
        super().__init__(root, strings.LIFTING_TITLE, geometry, font_scale=font_scale, focus=focus,
                         on_close=on_close)
        card = card or texts.lifting()
        self.open_red_flags = RedFlagsOpener(self, red_flags)
        f, width = self.fonts, self.content_width
        theme.label(self.frame, _(card.heading), f.heading, wraplength=width).pack(anchor="w")
        theme.label(self.frame, _(card.intro), f.body, fg=theme.INK_SOFT, wraplength=width).pack(
            anchor="w", pady=(f.pad(0.25), f.pad(0.5)))
        # The tips scroll where large text makes them taller than the screen allows.
        self.scroller = ScrolledFrame(self.frame, theme.BACKGROUND, scale=f.scale)
        self.scroller.pack(fill="both", expand=True)
        table = tk.Frame(self.scroller.interior, bg=theme.BACKGROUND)
        table.pack(anchor="w", fill="x")
        width -= self.scroller.gutter
        bullet_w = f.body.measure("•") + f.pad(0.75)
        self.items = []
        for n, tip in enumerate(card.tips):
            theme.label(table, "•", f.body, fg=theme.ACCENT).grid(row=n, column=0, sticky="nw",
                                                                  pady=(f.pad(0.375), 0), padx=(f.pad(0.25), f.pad(0.5)))
            item = theme.label(table, _(tip.text), f.body, wraplength=width - bullet_w - f.pad(0.75))
            item.grid(row=n, column=1, sticky="nw", pady=(f.pad(0.375), 0))
            self.items.append(item)
        self.close_button = theme.button(self.frame, strings.CLOSE, self.close, f, "primary")
        self.close_button.bind("<Return>", lambda _e: self.close())
        self.red_flags_button = red_flags_button(self.frame, f, self.open_red_flags)
        self.footer([self.close_button, self.red_flags_button])
        self.top.update_idletasks()
        others = self.top.winfo_reqheight() - self.scroller.winfo_reqheight()
        self.scroller.fit(width, self.max_height - others)
        self.scroller.bind_keys(self.top)
        self.show()

    def first_focus(self) -> tk.Widget:
        return self.close_button

    def close(self) -> None:
        if self.is_open:
            self.open_red_flags.close()
        super().close()
