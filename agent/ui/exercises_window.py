"""The exercise library in a window: favourite, hide, and show again what was hidden.

Opened from the tray's "Exercises" entry. Each exercise shows its picture
(the start pose, an arrow, the end pose, 96 px high at 100 %; the end pose
moves while the pointer is on the picture or the exercise's Favourite
toggle has the keyboard), its name, where it is done, why it
helps, its steps, its caution, the articles it comes from (by title), and
its marks (:class:`~agent.ui.exercise_marks.MarkRow`): hiding in a break
window, or "This hurts", is undone here. A floor exercise says so when the
settings keep floor exercises away from the desk. The red flags are one
click away, as from every window that gives health advice.

    ExercisesWindow(root, rotation, monitor_at_pointer(root))

Up and Down move between the exercises' Favourite toggles, Tab reaches
every control. Tk thread only.
"""

from __future__ import annotations

import tkinter as tk
from typing import Callable, Optional

from PIL import Image

from agent.content import texts
from agent.content.pose import timeline
from agent.ui import strings, theme
from agent.ui.exercise import STAND_AND_REACH, Exercise, draw_exercise, draw_exercise_pair, translated
from agent.ui.exercise_marks import Marks, MarkRow
from agent.ui.geometry import Rect
from agent.ui.info_window import InfoWindow, photo
from agent.ui.red_flags import RedFlagsOpener, red_flags_button

POSITIONS = {"seated": strings.POSITION_SEATED, "standing": strings.POSITION_STANDING,
             "floor": strings.POSITION_FLOOR}


class ExercisesWindow(InfoWindow):
    """Every exercise in the library, with its marks."""

    def __init__(self, root: tk.Misc, marks: Marks, geometry: Rect, *, font_scale: float | None = None,
                 focus: bool = True, on_close: Optional[Callable[[], None]] = None,
                 red_flags: Optional[texts.RedFlags] = None) -> None:
        super().__init__(root, strings.EXERCISES_TITLE, geometry, font_scale=font_scale, focus=focus,
                         on_close=on_close)
        self.marks = marks
        self.open_red_flags = RedFlagsOpener(self, red_flags)
        self.titles = texts.source_titles()
        # The ones that can come in a break first; floor exercises last unless they can too.
        self.library = sorted(marks.exercises(), key=lambda e: not (e.at_desk or marks.allow_floor))
        f, width = self.fonts, self.content_width
        self._list_heading(strings.EXERCISES_HEADING, strings.EXERCISES_INTRO)
        self.rows: dict[str, MarkRow] = {}
        self.pictures: dict[str, PairPicture] = {}
        for n, exercise in enumerate(self.library):
            self._row(n, translated(exercise), width - self.scroller.gutter)
        self._link_rows()
        self._show_count()
        self.red_flags_button = red_flags_button(self.frame, f, self.open_red_flags)
        self.close_button = theme.button(self.frame, strings.CLOSE, self.close, f, "primary")
        self.close_button.bind("<Return>", lambda _e: self.close())
        self.footer([self.close_button, self.red_flags_button])
        self.scroller.bind_keys(self.top)
        # Marks may change in a break window while this one is open: show them as they are.
        marks.listeners.append(self.refresh)
        self._fit()
        self.show()

    def first_focus(self) -> tk.Widget:
        return next(iter(self.rows.values())).favourite if self.rows else self.close_button

    def close(self) -> None:
        if self.is_open:
            self.open_red_flags.close()
            for picture in self.pictures.values():
                picture.stop()
        if self.refresh in self.marks.listeners:
            self.marks.listeners.remove(self.refresh)
        super().close()

    def refresh(self) -> None:
        """Show every exercise's marks as the rotation has them now."""
        if self.is_open:
            for row in self.rows.values():
                row.refresh()
            self._show_count()

    # -- building ----------------------------------------------------------

    def _row(self, n: int, exercise: Exercise, width: int) -> None:
        f = self.fonts
        row = tk.Frame(self.scroller.interior, bg=theme.BACKGROUND)
        row.pack(fill="x", pady=(f.pad(1) if n else 0, 0))
        picture = PairPicture(row, exercise, f.picture(PAIR_PX, 1.5))
        self.pictures[exercise.id] = picture
        picture.label.pack(side="left", anchor="n")
        text = tk.Frame(row, bg=theme.BACKGROUND)
        text.pack(side="left", anchor="n", fill="x", expand=True, padx=(f.pad(1), 0))
        text_w = width - picture.width - f.pad(1) - f.pad(0.5)
        theme.label(text, exercise.name, f.button, wraplength=text_w).pack(anchor="w")
        where = POSITIONS.get(exercise.position, exercise.position)
        if exercise.adapted_from:
            original = exercise.adapted_from_name or exercise.adapted_from
            where = f"{where} · {strings.ADAPTED.format(original=original)}"
        theme.label(text, where, f.small, fg=theme.INK_SOFT, wraplength=text_w).pack(anchor="w")
        theme.label(text, exercise.why, f.small, wraplength=text_w).pack(anchor="w", pady=(f.pad(0.25), 0))
        self._steps(text, exercise.steps, text_w)
        theme.label(text, strings.EXERCISE_CAUTION.format(caution=exercise.caution), f.small, fg=theme.WARN,
                    wraplength=text_w).pack(anchor="w", pady=(f.pad(0.25), 0))
        theme.label(text, self._sources(exercise), f.small, fg=theme.INK_SOFT,
                    wraplength=text_w).pack(anchor="w", pady=(f.pad(0.25), 0))
        if not exercise.at_desk and not self.marks.allow_floor:
            theme.label(text, strings.FLOOR_OFF, f.small, fg=theme.INK_SOFT, wraplength=text_w).pack(anchor="w")
        marks = MarkRow(text, f, self.marks, exercise.id, text_w, on_change=self._changed)
        marks.pack(anchor="w", pady=(f.pad(0.25), 0))
        self.rows[exercise.id] = marks
        picture.follow(marks.favourite)

    def _steps(self, parent: tk.Misc, steps, width: int) -> None:
        """The steps, numbered, with a hanging indent so wrapped lines align with the text."""
        f = self.fonts
        theme.label(parent, strings.EXERCISE_STEPS, f.small, fg=theme.INK_SOFT).pack(anchor="w", pady=(f.pad(0.25), 0))
        table = tk.Frame(parent, bg=theme.BACKGROUND)
        table.pack(anchor="w", fill="x")
        number_w = f.small.measure(f"{len(steps)}.") + f.pad(0.5)
        for n, step in enumerate(steps):
            theme.label(table, f"{n + 1}.", f.small).grid(row=n, column=0, sticky="nw")
            theme.label(table, step, f.small, wraplength=width - number_w).grid(row=n, column=1, sticky="nw")

    def _sources(self, exercise: Exercise) -> str:
        """"Source: <the article's title> (001)": the title the data carries, and the file's number."""
        titles = [f"{self.titles[name]} ({name[:3]})" if name in self.titles else name for name in exercise.sources]
        text = strings.EXERCISE_SOURCE if len(titles) == 1 else strings.EXERCISE_SOURCES
        return text.format(titles="; ".join(titles))

    def _link_rows(self) -> None:
        """Up and Down go from one exercise's Favourite toggle to the next one's."""
        toggles = [row.favourite for row in self.rows.values()]
        for n, toggle in enumerate(toggles):
            if n:
                toggle.bind("<Up>", lambda _e, w=toggles[n - 1]: (w.focus_set(), "break")[1])
            if n + 1 < len(toggles):
                toggle.bind("<Down>", lambda _e, w=toggles[n + 1]: (w.focus_set(), "break")[1])

    def _changed(self) -> None:
        self._show_count()
        self.scroller.fit(self.content_width - self.scroller.gutter, self._room)

    def _show_count(self) -> None:
        ids = [e.id for e in self.library]
        self.count.configure(text=strings.EXERCISES_COUNT.format(
            total=len(ids), favourites=sum(map(self.marks.is_favourite, ids)),
            hidden=sum(map(self.marks.is_hidden, ids))))

    def _fit(self) -> None:
        """Let the list scroll if the whole window would not fit the monitor."""
        self.top.update_idletasks()
        others = self.top.winfo_reqheight() - self.scroller.winfo_reqheight()
        self._room = self.max_height - others
        self.scroller.fit(self.content_width - self.scroller.gutter, self._room)


PAIR_PX = 96  # the pictures' height at 100 %: a thumbnail people can read


class PairPicture:
    """An exercise's start -> end picture in a label; its end pose moves (start,
    to the end, a pause, back) while the pointer is on it or ``follow``'s widget
    has the keyboard, and rests as the still pair otherwise. Frames are drawn on
    first use, so the window opens at once, and dropped when it rests. Tk thread only."""

    def __init__(self, parent: tk.Misc, exercise: Exercise, size: int) -> None:
        self.exercise, self.size = exercise, size
        self.pair = draw_exercise_pair(exercise, size)
        self.width = self.pair.width
        self.still = photo(self.pair, theme.BACKGROUND, parent)
        self.label = tk.Label(parent, image=self.still, bg=theme.BACKGROUND, bd=0)
        self.steps = timeline(exercise.movement or STAND_AND_REACH)
        self.frames: dict[float, object] = {}
        self.shown_phase: Optional[float] = None  # None: the still pair
        self._reasons: set[str] = set()
        self._after: Optional[str] = None
        self._step = 0
        self.label.bind("<Enter>", lambda _e: self.want("pointer", True), add="+")
        self.label.bind("<Leave>", lambda _e: self.want("pointer", False), add="+")

    def follow(self, widget: tk.Widget) -> None:
        """Move while ``widget`` (the row's first control) has the keyboard."""
        widget.bind("<FocusIn>", lambda _e: self.want("focus", True), add="+")
        widget.bind("<FocusOut>", lambda _e: self.want("focus", False), add="+")

    @property
    def moving(self) -> bool:
        return self._after is not None

    def want(self, reason: str, on: bool) -> None:
        (self._reasons.add if on else self._reasons.discard)(reason)
        if self._reasons and not self.moving:
            # Begin at the end pose, where the still picture is: no jump, then back and forth.
            self._step = next(n for n, (phase, _) in enumerate(self.steps) if phase == 1.0)
            self._next()
        elif not self._reasons:
            self.stop()

    def stop(self) -> None:
        if self._after is not None:
            try:
                self.label.after_cancel(self._after)
            except tk.TclError:
                pass
            self._after = None
        self._reasons.clear()
        self.shown_phase = None
        self.frames.clear()  # about 1.2 MiB of frames per exercise: kept only while it moves
        try:
            self.label.configure(image=self.still)
        except tk.TclError:
            pass  # the window is already gone

    def _next(self) -> None:
        phase, ms = self.steps[self._step % len(self.steps)]
        self._step += 1
        if phase not in self.frames:
            self.frames[phase] = photo(self._frame(phase), theme.BACKGROUND, self.label)
        self.label.configure(image=self.frames[phase])
        self.shown_phase = phase
        self._after = self.label.after(ms, self._next)

    def _frame(self, phase: float) -> Image.Image:
        """The pair with its right-hand pose at ``phase``: the start stays, the end moves."""
        frame = self.pair.copy()
        right = self.width - self.size
        frame.paste((0, 0, 0, 0), (right, 0, self.width, self.size))
        frame.alpha_composite(draw_exercise(self.exercise, self.size, phase), (right, 0))
        return frame
