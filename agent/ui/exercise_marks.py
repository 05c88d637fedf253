"""Marking an exercise: a "Favourite" toggle and "Don't show this again" / "Show it again".

The break window shows a :class:`MarkRow` under each exercise's picture
and the exercises window one per exercise, so a mark set in one reads the
same in the other. Marks go straight to ``marks`` (the agent's
:class:`~agent.content.exercise_choice.Rotation`, which saves them at once).

Both controls are in the Tab order and act on Space, and neither takes
the keyboard when clicked: the break window opens without focus so that
a user typing elsewhere keeps typing there, and a click on a star must
not undo that. Tk thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk
from typing import Callable, Optional, Protocol, Sequence

from PIL import Image, ImageDraw

from agent.content.exercises import Exercise
from agent.ui import strings, theme
from agent.ui.info_window import photo

log = logging.getLogger("agent.ui")


class Marks(Protocol):
    """What the windows need of the rotation (:class:`agent.content.exercise_choice.Rotation` is one)."""

    allow_floor: bool
    listeners: list  # called after a mark changes

    def exercises(self) -> Sequence[Exercise]: ...
    def is_favourite(self, exercise_id: str) -> bool: ...
    def is_hidden(self, exercise_id: str) -> bool: ...
    def favourite(self, exercise_id: str, on: bool = True) -> None: ...
    def hide(self, exercise_id: str, on: bool = True) -> bool: ...


def star(size: int, on: bool) -> Image.Image:
    """A five-pointed star: outlined when off, filled with the accent colour when on."""
    from math import cos, pi, sin

    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    centre, outer, inner = big / 2, big * 0.47, big * 0.2
    points = [(centre + (outer if n % 2 == 0 else inner) * sin(n * pi / 5),
               centre + big * 0.04 - (outer if n % 2 == 0 else inner) * cos(n * pi / 5)) for n in range(10)]
    draw = ImageDraw.Draw(image)
    if on:
        draw.polygon(points, fill=theme.ACCENT)
    else:
        draw.polygon(points, fill=theme.SURFACE, outline=theme.INK_SOFT, width=round(big * 0.07))
    return image.resize((size, size), Image.Resampling.BOX)


class MarkRow(tk.Frame):
    """One exercise's marks, at most ``width`` px wide; ``on_change()`` runs after each.

    ``stacked`` puts the two controls one above the other, for a narrow column,
    and leaves out the line under them that says a hidden exercise will not
    come round (the control then reading "Show it again" says as much).
    """

    def __init__(self, parent: tk.Misc, fonts: theme.Fonts, marks: Marks, exercise_id: str, width: int, *,
                 on_change: Optional[Callable[[], None]] = None, stacked: bool = False) -> None:
        bg = parent.cget("bg")
        super().__init__(parent, bg=bg)
        self.marks, self.exercise_id, self._on_change = marks, exercise_id, on_change
        f = fonts
        size = max(14, round(f.small.metrics("linespace") * 1.1))
        self._stars = [photo(star(size, on), bg, self) for on in (False, True)]
        ring = max(2, round(2 * f.scale))
        self._favourite = tk.BooleanVar(self, value=marks.is_favourite(exercise_id))
        self.favourite = tk.Checkbutton(
            self, text=strings.FAVOURITE, variable=self._favourite, image=self._stars[0],
            selectimage=self._stars[1], compound="left", indicatoron=False, font=f.small, fg=theme.INK, bg=bg,
            activebackground=bg, activeforeground=theme.INK, selectcolor=bg, relief="flat", offrelief="flat",
            overrelief="flat", bd=0, padx=f.pad(0.25), pady=f.pad(0.125), cursor="hand2", takefocus=1,
            highlightthickness=ring, highlightbackground=bg, highlightcolor=theme.ACCENT,
            command=self._toggle_favourite,
        )
        self._link_font = f.small.copy()  # keep a reference, or Tk drops the font
        self._link_font.configure(underline=True)
        self.hide = tk.Button(
            self, text=strings.HIDE_EXERCISE, font=self._link_font, fg=theme.INK_SOFT, bg=bg,
            activeforeground=theme.INK, activebackground=theme.ACCENT_TINT, relief="flat", bd=0,
            padx=f.pad(0.25), pady=f.pad(0.125), cursor="hand2", takefocus=1, highlightthickness=ring,
            highlightbackground=bg, highlightcolor=theme.INK, command=self._toggle_hidden,
        )
        self.note = theme.label(self, strings.HIDDEN_NOTE, f.small, fg=theme.INK_SOFT, wraplength=width)
        # Large text in a narrow column (under the break's picture): the controls wrap, not widen it.
        chrome = 2 * (f.pad(0.25) + ring)
        self.favourite.configure(wraplength=max(1, width - chrome - size - 4), justify="left")
        self.hide.configure(wraplength=max(1, width - chrome), justify="left")
        self.favourite.grid(row=0, column=0, sticky="w")
        if stacked:
            self.hide.grid(row=1, column=0, sticky="w", pady=(f.pad(0.25), 0))
        else:
            self.hide.grid(row=0, column=1, sticky="w", padx=(f.pad(0.75), 0))
        self._note_row = None if stacked else 1
        self.refresh()

    @property
    def hidden(self) -> bool:
        return self.marks.is_hidden(self.exercise_id)

    def refresh(self) -> None:
        """Show the marks as they are now (another window may have changed them)."""
        self._favourite.set(self.marks.is_favourite(self.exercise_id))
        hidden = self.hidden
        text = strings.SHOW_AGAIN if hidden else strings.HIDE_EXERCISE
        if self.hide.cget("text") != text:
            self.hide.configure(text=text)
        if hidden and self._note_row is not None and not self.note.winfo_manager():
            self.note.grid(row=self._note_row, column=0, columnspan=2, sticky="w")
        elif not hidden and self.note.winfo_manager():
            self.note.grid_forget()

    def _toggle_favourite(self) -> None:
        self._mark(self.marks.favourite, self._favourite.get())

    def _toggle_hidden(self) -> None:
        self._mark(self.marks.hide, not self.hidden)

    def _mark(self, action: Callable[[str, bool], None], on: bool) -> None:
        try:
            action(self.exercise_id, on)
        except Exception:  # noqa: BLE001 - a failing save must not break the window
            log.exception("marking exercise %s failed", self.exercise_id)
        self.refresh()
        if self._on_change is not None:
            self._on_change()
