"""The first-run "Set up your workstation" walk-through.

Three steps in one window: the posture checklist, the lumbar-support
checklist, then the red flags. Back and Next move between them (Finish
on the last); ticks are saved as they happen, exactly as in the
checklist windows. However it closes (Finish, Esc, the close button),
``state.walkthrough_done`` is set to ``today()`` and saved, so it is shown
once; ``on_finish(completed)`` then says whether the user reached the end.

It opens by itself on the first run, so by default it does not take the
keyboard (``focus=False``): someone typing keeps typing. A click on it
gives it the keyboard like any window.

    Walkthrough(root, store.state, store.save, monitor_at_pointer(root), on_finish=...)

Tk thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk
from datetime import date
from typing import Callable, Optional, Sequence

from agent.content import texts
from agent.content.checklist_state import ChecklistState
from agent.ui import strings, theme
from agent.ui.checklist_window import TITLES, ChecklistView
from agent.ui.geometry import Rect
from agent.ui.info_window import InfoWindow
from agent.ui.red_flags import RedFlagsOpener, RedFlagsView, red_flags_button
from agent.ui.scrolled import ScrolledFrame

log = logging.getLogger("agent.ui")


class Walkthrough(InfoWindow):
    """Both checklists, then the red flags, one step at a time."""

    def __init__(self, root: tk.Misc, state: ChecklistState, on_change: Callable[[ChecklistState], None],
                 geometry: Rect, *, on_finish: Optional[Callable[[bool], None]] = None,
                 font_scale: float | None = None, today: Callable[[], date] = date.today, focus: bool = False,
                 checklists: Optional[Sequence[texts.Checklist]] = None,
                 red_flags: Optional[texts.RedFlags] = None) -> None:
        super().__init__(root, strings.WALKTHROUGH_TITLE, geometry, font_scale=font_scale, focus=focus,
                         on_close=self._closed)
        self.state, self._on_change, self._today = state, on_change, today
        self._on_finish = on_finish
        self.completed = False
        self.checklists = list(checklists) if checklists is not None else \
            [texts.checklist(name) for name in texts.CHECKLISTS]
        self.open_red_flags = RedFlagsOpener(self, red_flags)
        f, width = self.fonts, self.content_width

        head = tk.Frame(self.frame, bg=theme.BACKGROUND)
        head.pack(fill="x")
        theme.label(head, strings.WALKTHROUGH_HEADING, f.heading, wraplength=width).pack(anchor="w")
        self.step_label = theme.label(head, "", f.body, fg=theme.ACCENT)
        self.step_label.pack(anchor="w", pady=(f.pad(0.25), 0))
        theme.label(head, strings.WALKTHROUGH_INTRO, f.body, fg=theme.INK_SOFT, wraplength=width).pack(
            anchor="w", pady=(f.pad(0.25), f.pad(0.75)))

        self.pages: list[tuple[tk.Label, ScrolledFrame]] = []
        self.views: list[ChecklistView] = []
        for checklist in self.checklists:
            title = TITLES.get(checklist.id, (None, checklist.id))[1]
            scroller = self._page(title)
            view = ChecklistView(scroller.interior, f, width - scroller.gutter, checklist, state, on_change,
                                 today=today)
            view.pack(fill="x")
            self.views.append(view)
        scroller = self._page(None)
        self.red_flags_view = RedFlagsView(scroller.interior, f, width - scroller.gutter, red_flags)
        self.red_flags_view.pack(fill="x")

        self.back_button = theme.button(self.frame, strings.BACK, self.back, f)
        self.next_button = theme.button(self.frame, strings.NEXT, self.next, f, "primary")
        self.red_flags_button = red_flags_button(self.frame, f, self.open_red_flags)
        for button in (self.back_button, self.next_button):
            button.bind("<Return>", lambda _e, b=button: b.invoke())
        self.footer([self.back_button, self.next_button, self.red_flags_button])
        self._fit()
        self.index = 0
        self._show_page()
        self.show()

    # -- public ------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def next(self) -> None:
        """The next step, or Finish on the last."""
        if not self.is_open:
            return
        if self.index + 1 >= self.page_count:
            self.completed = True
            self.close()
            return
        self.index += 1
        self._show_page()

    def back(self) -> None:
        if self.is_open and self.index > 0:
            self.index -= 1
            self._show_page()

    def first_focus(self) -> tk.Widget:
        if self.index < len(self.views):
            return next(iter(self.views[self.index].boxes.values()))
        return self.next_button

    def close(self) -> None:
        if self.is_open:
            self.open_red_flags.close()
        super().close()

    # -- internals -----------------------------------------------------------

    def _page(self, title: Optional[str]) -> ScrolledFrame:
        """A step's frame: an optional title over a scrolling area."""
        f = self.fonts
        page = tk.Frame(self.frame, bg=theme.BACKGROUND)
        heading = theme.label(page, title or "", f.title, wraplength=self.content_width)
        if title:
            heading.pack(anchor="w", pady=(0, f.pad(0.75)))
        scroller = ScrolledFrame(page, theme.BACKGROUND, scale=f.scale)
        scroller.pack(fill="both", expand=True)
        scroller.bind_keys(self.top)
        page.scroller = scroller  # type: ignore[attr-defined]
        self.pages.append((page, scroller))
        return scroller

    def _fit(self) -> None:
        """Every step gets the same window size: the tallest step's, within the monitor."""
        self.top.update_idletasks()
        chrome = self.top.winfo_reqheight()  # heading and footer, no page packed yet
        tallest = max(page.winfo_reqheight() - scroller.winfo_reqheight() + scroller.interior.winfo_reqheight()
                      for page, scroller in self.pages)
        room = self.max_height - chrome
        for page, scroller in self.pages:
            title_h = page.winfo_reqheight() - scroller.winfo_reqheight()
            scroller.fit(self.content_width - scroller.gutter, min(tallest, room) - title_h)

    def _show_page(self) -> None:
        f = self.fonts
        for page, _scroller in self.pages:
            page.pack_forget()
        page, _scroller = self.pages[self.index]
        page.pack(fill="both", expand=True, before=self.footer_rule)
        self.step_label.configure(text=strings.STEP.format(number=self.index + 1, total=self.page_count))
        last = self.index + 1 >= self.page_count
        self.next_button.configure(text=strings.FINISH if last else strings.NEXT)
        self.back_button.configure(state="normal" if self.index else "disabled")
        # On the last step the red flags are the content: no need for the button too.
        theme.flow(self._footer_row, [self.back_button, self.next_button]
                   + ([] if last else [self.red_flags_button]), self.content_width, f.pad(0.75))
        if self.top is not None and self._has_focus():
            self.first_focus().focus_set()

    def footer(self, buttons: list, *, note: bool = True) -> tk.Frame:
        self._footer_row = super().footer(buttons, note=note)
        return self._footer_row

    def _has_focus(self) -> bool:
        try:
            focus = self.top.focus_get()
        except KeyError:
            return False
        return focus is not None and focus.winfo_toplevel() is self.top

    def _closed(self) -> None:
        self.state.walkthrough_done = self._today()
        try:
            self._on_change(self.state)
        except Exception:  # noqa: BLE001
            log.exception("walkthrough: on_change raised")
        if self._on_finish is not None:
            try:
                self._on_finish(self.completed)
            except Exception:  # noqa: BLE001
                log.exception("walkthrough: on_finish raised")
