"""The red-flags card: the signs that need a doctor, now or soon.

It is never more than one click away: the checklists, the walk-through,
the spasm guide, the lifting card, the break window (and its "This hurts"
view) each carry a button that opens it (:func:`red_flags_button`), and
the tray panel has an entry for it. The list is
``assets/content/red_flags.toml``, in two levels as the articles have
them: "Get medical help now" (emergency care) and "Call your doctor or a
nurse line soon"; the card adds Upright's "not medical advice" line.

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
    """The heading, the calm line, then each level: its heading, its sentence, its list.

    On a warm tint; the most urgent level's heading is in the warning colour.
    ``width`` is the card's outer width; texts wrap inside it. With
    ``columns=2`` the levels stand side by side, most urgent on the left (a
    wide screen then shows the whole card without scrolling).
    """

    def __init__(self, parent: tk.Misc, fonts: theme.Fonts, width: int,
                 red_flags: Optional[texts.RedFlags] = None, columns: int = 1) -> None:
        f = self.fonts = fonts
        super().__init__(parent, bg=theme.WARN_TINT, padx=f.pad(1.25), pady=f.pad(1))
        flags = red_flags or texts.red_flags()
        self.inner = width - 2 * f.pad(1.25) - f.pad(0.5)  # labels add a little border round their text
        self.heading = theme.label(self, _(flags.heading), f.heading, fg=theme.WARN, wraplength=self.inner)
        self.heading.pack(anchor="w", fill="x")
        theme.label(self, _(flags.intro), f.body, wraplength=self.inner).pack(
            anchor="w", fill="x", pady=(f.pad(0.5), 0))
        self.items: list[tk.Label] = []
        self.level_headings: dict[str, tk.Label] = {}
        levels = tk.Frame(self, bg=theme.WARN_TINT)
        levels.pack(anchor="w", fill="x")
        gap = f.pad(1.5)
        self.column_width = (self.inner - gap * (columns - 1)) // columns
        for n, level in enumerate(flags.levels):
            column = tk.Frame(levels, bg=theme.WARN_TINT)
            column.grid(row=n // columns, column=n % columns, sticky="nw", padx=(gap if n % columns else 0, 0))
            self._level(column, level, flags.at(level.id), urgent=n == 0)

    def _level(self, parent: tk.Frame, level: texts.Level, flags: tuple, urgent: bool) -> None:
        f, width = self.fonts, self.column_width
        heading = theme.label(parent, _(level.heading), f.title, fg=theme.WARN if urgent else theme.INK,
                              wraplength=width)
        heading.pack(anchor="w", fill="x", pady=(f.pad(0.75), 0))
        self.level_headings[level.id] = heading
        theme.label(parent, _(level.intro), f.body, wraplength=width).pack(
            anchor="w", fill="x", pady=(f.pad(0.25), 0))
        table = tk.Frame(parent, bg=theme.WARN_TINT)
        table.pack(anchor="w", fill="x", pady=(f.pad(0.125), 0))
        bullet_w = f.body.measure("•") + f.pad(0.75)
        for n, flag in enumerate(flags):
            theme.label(table, "•", f.body, fg=theme.WARN, pady=0).grid(
                row=n, column=0, sticky="nw", pady=(f.pad(0.25), 0), padx=(f.pad(0.25), f.pad(0.5)))
            item = theme.label(table, _(flag.text), f.body, wraplength=width - bullet_w - f.pad(0.25), pady=0)
            item.grid(row=n, column=1, sticky="nw", pady=(f.pad(0.25), 0))
            self.items.append(item)


class RedFlagsCard(InfoWindow):
    """The red flags in a window of their own, with a Close button."""

    #: Wide enough for the two levels side by side; on a narrow screen or with
    #: large text (under :data:`TWO_COLUMNS` per unit of scale) they stack.
    WIDTH = 1040
    TWO_COLUMNS = 900

    def __init__(self, root: tk.Misc, geometry: Rect, *, font_scale: float | None = None,
                 red_flags: Optional[texts.RedFlags] = None, focus: bool = True,
                 on_close: Optional[Callable[[], None]] = None, parent: Optional[tk.Toplevel] = None,
                 topmost: bool = False) -> None:
        super().__init__(root, strings.RED_FLAGS_TITLE, geometry, font_scale=font_scale, focus=focus,
                         on_close=on_close, parent=parent)
        if topmost:  # opened from a window that stays on top (the break prompt): not hidden behind it
            self.top.attributes("-topmost", True)
        # It scrolls only if it must (very large text, a long translation).
        self.scroller = ScrolledFrame(self.frame, theme.BACKGROUND, scale=self.fonts.scale)
        self.scroller.pack(fill="both", expand=True)
        width = self.content_width - self.scroller.gutter
        columns = 2 if width / self.fonts.scale >= self.TWO_COLUMNS else 1
        self.view = RedFlagsView(self.scroller.interior, self.fonts, width, red_flags, columns)
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

    def on_enter(_event: tk.Event) -> str:
        open_card()
        return "break"  # not also the window's own Enter (the break window's "Start")

    button.bind("<Return>", on_enter)
    button.bind("<KP_Enter>", on_enter)
    return button


class RedFlagsOpener:
    """Opens the card for a window, one at a time: a second click brings it forward.

    ``owner`` is any Upright window with ``root``, ``monitor``, ``fonts`` and
    ``top``: the reading windows and the break window. Over a window that
    stays on top (the break prompt), the card stays on top too.
    """

    def __init__(self, owner, red_flags: Optional[texts.RedFlags] = None) -> None:
        self.owner, self.red_flags = owner, red_flags
        self.card: Optional[RedFlagsCard] = None

    def __call__(self) -> RedFlagsCard:
        if self.card is not None and self.card.is_open:
            self.card.focus()
            return self.card
        owner = self.owner
        topmost = owner.top is not None and bool(int(owner.top.attributes("-topmost")))
        # The owner's size: given outright, or (None) the desktop's scale and text size, read again.
        scale = owner.fonts.scale if owner.fonts.display == 1 else None
        self.card = RedFlagsCard(owner.root, owner.monitor, font_scale=scale,
                                 red_flags=self.red_flags, parent=owner.top, topmost=topmost)
        return self.card

    def close(self) -> None:
        if self.card is not None:
            self.card.close()
