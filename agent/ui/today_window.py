"""The Today window: the day's totals, one short sentence a line, from the panel's **Today** entry.

"Sitting: 3 h 12 min", "Longest time seated in one go: 48 min", "2 breaks
taken", "1 natural break (...)": each count in its right plural form
(:func:`agent.i18n.ngettext`), so no "1 breaks taken" in any language.
It shows the totals it is given (the agent counts them) and closes on
Close or Esc. Tk thread only.

    TodayWindow(root, Totals(sitting_s=3600, breaks_taken=1), monitor_at_pointer(root))
"""

from __future__ import annotations

import tkinter as tk
from typing import Callable, Optional

from agent.ui import strings, theme
from agent.ui.geometry import Rect
from agent.ui.info_window import InfoWindow


class TodayWindow(InfoWindow):
    """A heading, the day's lines, a privacy note and Close."""

    WIDTH = 460

    def __init__(self, root: tk.Misc, totals, geometry: Rect, *, font_scale: float | None = None,
                 on_close: Optional[Callable[[], None]] = None) -> None:
        super().__init__(root, strings.TODAY_TITLE, geometry, font_scale=font_scale, on_close=on_close)
        f, width = self.fonts, self.content_width
        theme.label(self.frame, strings.TODAY_HEADING, f.heading, wraplength=width).pack(anchor="w")
        self.lines = [theme.label(self.frame, line, f.body, wraplength=width)
                      for line in strings.today_lines(totals)]
        for n, label in enumerate(self.lines):
            label.pack(anchor="w", pady=(f.pad(0.75 if n == 0 else 0.25), 0))
        theme.label(self.frame, strings.TODAY_PRIVACY, f.small, fg=theme.INK_SOFT, wraplength=width).pack(
            anchor="w", pady=(f.pad(1), 0))
        self.close_button = theme.button(self.frame, strings.CLOSE, self.close, f, "primary")
        self.close_button.bind("<Return>", lambda _e: self.close())
        self.close_button.bind("<space>", lambda _e: self.close())
        self.footer([self.close_button], note=False)
        self.show()

    def first_focus(self) -> tk.Widget:
        return self.close_button
