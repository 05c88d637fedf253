"""The posture and lumbar-support checklists: tick what is true at your desk.

Each item shows a small picture, the thing to check (a tick box: click
it, or Space when it has the keyboard), why it matters in one line, and
the day it was ticked. Ticks go straight into the shared
:class:`~agent.content.checklist_state.ChecklistState`, dated ``today()``, and
``on_change(state)`` runs after each, for the app to save it
(``store.save``). Up and Down move between items, Tab reaches the
buttons; the red-flags card is one click (or key) away.

    ChecklistWindow(root, "posture", store.state, store.save, monitor_at_pointer(root))

Tk thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk
from datetime import date
from typing import Callable, Optional

from PIL import Image, ImageDraw

from agent.content import texts
from agent.content.checklist_state import ChecklistState
from agent.ui import desk_pictures, strings, theme
from agent.ui.geometry import Rect
from agent.ui.info_window import InfoWindow, photo
from agent.ui.red_flags import RedFlagsOpener, red_flags_button
from agent.ui.strings import _

log = logging.getLogger("agent.ui")

#: Window title and heading of each checklist.
TITLES = {
    "posture": (strings.POSTURE_TITLE, strings.POSTURE_HEADING),
    "lumbar": (strings.LUMBAR_TITLE, strings.LUMBAR_HEADING),
}


def tick_box(size: int, ticked: bool) -> Image.Image:
    """A rounded tick box: an outline when empty, filled with a white tick when ticked."""
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    inset, radius = big * 0.06, big * 0.2
    box = (inset, inset, big - inset, big - inset)
    if ticked:
        draw.rounded_rectangle(box, radius=radius, fill=theme.ACCENT)
        draw.line([(big * 0.27, big * 0.52), (big * 0.44, big * 0.69), (big * 0.75, big * 0.33)],
                  fill=theme.ON_ACCENT, width=round(big * 0.11), joint="curve")
    else:
        draw.rounded_rectangle(box, radius=radius, fill=theme.SURFACE, outline=theme.INK_SOFT,
                               width=round(big * 0.08))
    return image.resize((size, size), Image.Resampling.BOX)


def ticked_text(day: Optional[date], today: date) -> str:
    if day is None:
        return ""
    return strings.TICKED_TODAY if day == today else strings.TICKED_ON.format(date=day.isoformat())


class ChecklistView(tk.Frame):
    """One checklist's items, ``width`` px wide, ticking into ``state``.

    Used by :class:`ChecklistWindow` and the first-run walk-through.
    """

    def __init__(self, parent: tk.Misc, fonts: theme.Fonts, width: int, checklist: texts.Checklist,
                 state: ChecklistState, on_change: Callable[[ChecklistState], None], *,
                 today: Callable[[], date] = date.today, bg: str = theme.BACKGROUND) -> None:
        super().__init__(parent, bg=bg)
        self.fonts, self.checklist, self.state = fonts, checklist, state
        self._on_change, self._today, self._bg = on_change, today, bg
        self._images: list = []
        f = fonts
        box = max(16, round(f.body.metrics("linespace") * 0.95))
        self._boxes = [photo(tick_box(box, ticked), bg, self) for ticked in (False, True)]
        self.picture_size = f.picture(76, 1.5)
        # Labels add a few pixels of border and padding around their wrap length.
        self.text_width = width - self.picture_size - f.pad(1) - f.pad(0.5)
        self.boxes: dict[str, tk.Checkbutton] = {}
        self.dates: dict[str, tk.Label] = {}
        self._vars: dict[str, tk.BooleanVar] = {}
        for n, item in enumerate(checklist.items):
            self._row(n, item)
        order = list(self.boxes.values())
        for n, box_widget in enumerate(order):
            if n:
                box_widget.bind("<Up>", lambda _e, w=order[n - 1]: (w.focus_set(), "break")[1])
            if n + 1 < len(order):
                box_widget.bind("<Down>", lambda _e, w=order[n + 1]: (w.focus_set(), "break")[1])

    @property
    def ticked_count(self) -> int:
        return sum(self.state.is_ticked(self.checklist.id, item.id) for item in self.checklist.items)

    def _row(self, n: int, item: texts.ChecklistItem) -> None:
        f, bg = self.fonts, self._bg
        row = tk.Frame(self, bg=bg)
        row.pack(fill="x", pady=(f.pad(0.75) if n else 0, 0))
        image = photo(desk_pictures.draw(item.picture, self.picture_size), bg, self)
        self._images.append(image)
        tk.Label(row, image=image, bg=bg, bd=0).pack(side="left", anchor="n")
        text = tk.Frame(row, bg=bg)
        text.pack(side="left", anchor="n", fill="x", expand=True, padx=(f.pad(1), 0))
        ring = max(2, round(2 * f.scale))
        # A compound button is image + padx + text, padx either side, and its focus ring.
        var = tk.BooleanVar(self, value=self.state.is_ticked(self.checklist.id, item.id))
        box = tk.Checkbutton(
            text, text=_(item.text), variable=var, image=self._boxes[0], selectimage=self._boxes[1],
            compound="left", indicatoron=False, font=f.body, fg=theme.INK, bg=bg, activebackground=bg,
            activeforeground=theme.INK, selectcolor=bg, relief="flat", offrelief="flat", overrelief="flat",
            bd=0, padx=f.pad(0.25), pady=f.pad(0.125), anchor="w", justify="left", cursor="hand2",
            highlightthickness=ring, highlightbackground=bg, highlightcolor=theme.ACCENT,
            wraplength=self.text_width - self._boxes[0].width() - 3 * f.pad(0.25) - 2 * ring,
            command=lambda item=item: self._toggle(item), takefocus=1,
        )
        box.pack(anchor="w")
        indent = self._boxes[0].width() + f.pad(0.5) + ring
        why = theme.label(text, _(item.why), f.small, fg=theme.INK_SOFT, wraplength=self.text_width - indent)
        why.pack(anchor="w", padx=(indent, 0))
        when = theme.label(text, "", f.small, fg=theme.ACCENT)
        self._vars[item.id], self.boxes[item.id], self.dates[item.id] = var, box, when
        self._show_date(item, pack_padx=indent)

    def _show_date(self, item: texts.ChecklistItem, pack_padx: Optional[int] = None) -> None:
        label = self.dates[item.id]
        text = ticked_text(self.state.ticked_on(self.checklist.id, item.id), self._today())
        label.configure(text=text)
        if text and not label.winfo_manager():
            padx = pack_padx if pack_padx is not None else label._upright_padx  # type: ignore[attr-defined]
            label.pack(anchor="w", padx=(padx, 0))
        elif not text and label.winfo_manager():
            label.pack_forget()
        if pack_padx is not None:
            label._upright_padx = pack_padx  # type: ignore[attr-defined]

    def _toggle(self, item: texts.ChecklistItem) -> None:
        ticked = self._vars[item.id].get()
        self.state.set_ticked(self.checklist.id, item.id, ticked, self._today())
        self._show_date(item)
        self.event_generate("<<ChecklistChanged>>")
        try:
            self._on_change(self.state)
        except Exception:  # noqa: BLE001 - a failing save must not break the window
            log.exception("checklist: on_change raised")


class ChecklistWindow(InfoWindow):
    """One checklist in its own window: heading, items, red flags and Close."""

    def __init__(self, root: tk.Misc, checklist: str | texts.Checklist, state: ChecklistState,
                 on_change: Callable[[ChecklistState], None], geometry: Rect, *, font_scale: float | None = None,
                 today: Callable[[], date] = date.today, focus: bool = True,
                 on_close: Optional[Callable[[], None]] = None,
                 red_flags: Optional[texts.RedFlags] = None) -> None:
        self.checklist = texts.checklist(checklist) if isinstance(checklist, str) else checklist
        title, heading = TITLES.get(self.checklist.id, (strings.POSTURE_TITLE, strings.POSTURE_HEADING))
        super().__init__(root, title, geometry, font_scale=font_scale, focus=focus, on_close=on_close)
        f, width = self.fonts, self.content_width
        self.open_red_flags = RedFlagsOpener(self, red_flags)

        self._list_heading(heading, strings.CHECKLIST_INTRO)
        self.view = ChecklistView(self.scroller.interior, f, width - self.scroller.gutter, self.checklist,
                                  state, on_change, today=today)
        self.view.pack(fill="x")
        self.view.bind("<<ChecklistChanged>>", lambda _e: self._show_count())
        self._show_count()

        self.red_flags_button = red_flags_button(self.frame, f, self.open_red_flags)
        self.close_button = theme.button(self.frame, strings.CLOSE, self.close, f, "primary")
        self.close_button.bind("<Return>", lambda _e: self.close())
        self.footer([self.close_button, self.red_flags_button])
        self.scroller.bind_keys(self.top)
        self._fit()
        self.show()

    def first_focus(self) -> tk.Widget:
        return next(iter(self.view.boxes.values()))

    def close(self) -> None:
        if self.is_open:
            self.open_red_flags.close()
        super().close()

    def _show_count(self) -> None:
        self.count.configure(text=strings.TICKED_COUNT.format(ticked=self.view.ticked_count,
                                                              total=len(self.checklist.items)))

    def _fit(self) -> None:
        """Let the list scroll if the whole window would not fit the monitor."""
        self.top.update_idletasks()
        others = self.top.winfo_reqheight() - self.scroller.winfo_reqheight()
        self.scroller.fit(self.content_width - self.scroller.gutter, self.max_height - others)
