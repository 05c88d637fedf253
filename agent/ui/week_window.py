"""The "This week" window: the history chart, from the panel's **This week** entry.

The chart is :func:`agent.ui.history_chart.draw`, the one `upright report`
writes, shown as an image (drawn at twice the size when the text is large,
so it stays sharp); two buttons switch between the last 7 and the last 30
days. ``load(span)`` gives the :class:`~agent.history.summary.Report` to show
(the app reads the history). Tk thread only.

    WeekWindow(root, load, monitor_at_pointer(root))
"""

from __future__ import annotations

import tkinter as tk
from typing import Callable, Optional

from PIL import Image

from agent.history.summary import Report
from agent.ui import history_chart, strings, theme
from agent.ui.geometry import Rect
from agent.ui.info_window import InfoWindow, photo


class WeekWindow(InfoWindow):
    """The chart, the span buttons and Close."""

    WIDTH = history_chart.WIDTH + 80

    def __init__(self, root: tk.Misc, load: Callable[[str], Report], geometry: Rect, *, font_scale: float | None = None,
                 on_close: Optional[Callable[[], None]] = None) -> None:
        super().__init__(root, strings.WEEK_TITLE, geometry, font_scale=font_scale, on_close=on_close)
        self.load = load
        f = self.fonts
        self.chart = tk.Label(self.frame, bg=theme.BACKGROUND, bd=0)
        self.chart.pack(anchor="w")
        self.week_button = theme.button(self.frame, strings.WEEK_SHOW_WEEK, lambda: self.show_span("week"), f,
                                        "secondary")
        self.month_button = theme.button(self.frame, strings.WEEK_SHOW_MONTH, lambda: self.show_span("month"), f,
                                         "secondary")
        self.close_button = theme.button(self.frame, strings.CLOSE, self.close, f, "primary")
        for button in (self.week_button, self.month_button, self.close_button):
            button.bind("<Return>", lambda _e, b=button: b.invoke())
        self.footer([self.week_button, self.month_button, self.close_button], note=False)
        theme.label(self.frame, strings.WEEK_PRIVACY, f.small, fg=theme.INK_SOFT,
                    wraplength=self.content_width).pack(anchor="w", pady=(f.pad(0.75), 0))
        self.report: Optional[Report] = None
        self.show_span("week")
        self.show()

    def show_span(self, span: str) -> None:
        """Draw the last 7 ("week") or 30 ("month") days."""
        if self.top is None:
            return
        self.report = self.load(span)
        image = history_chart.draw(self.report, 2 if self.fonts.scale >= 1.5 else 1)
        self.top.update_idletasks()
        others = self.top.winfo_reqheight() - self.chart.winfo_reqheight()
        fit = min(1.0, self.content_width / image.width, (self.max_height - others) / image.height)
        if fit < 1:  # a small monitor, or large text: shrink rather than cut off
            image = image.resize((round(image.width * fit), round(image.height * fit)), Image.LANCZOS)
        self._images = [photo(image.convert("RGBA"), theme.BACKGROUND, self.top)]
        self.chart.configure(image=self._images[0])
        if self.top.winfo_ismapped():
            self.place()

    def first_focus(self) -> tk.Widget:
        return self.close_button
