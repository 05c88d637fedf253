"""The break prompt: one illustrated micro-exercise and the user's choice.

What ``on_choice`` receives, in order, for one window:

* ``"start"``    at most once: the user began the break (Start or Enter);
* ``"hurts"``    at most once: the user stopped the exercise because it
  hurts; the window then shows the caution text, a Close button and the
  red flags (which open the red-flags card, as the link under an exercise does);
* then exactly one of ``"done"`` (Done, Enter after Start, or Close after
  "hurts"), ``"postpone"`` or ``"skip"``, after which the window closes.

So every prompt ends with one terminal choice the engine understands;
"start" and "hurts" are progress reports (break started; log the pain).
:meth:`BreakWindow.close` (e.g. a natural break cleared the prompt)
closes it with no choice at all.

With ``marks`` (the agent's rotation), each exercise has a "Favourite"
toggle and "Don't show this again" under its picture
(:mod:`agent.ui.exercise_marks`): they act at once, report no choice,
and never take the keyboard.

Keyboard, once the window has focus: Enter and Space press the focused
control, whatever it is (Tab to "This hurts — stop" and Enter stops; it
never starts the break); the offered focus is on Start, which becomes
Done. Esc postpones while a postpone is offered and otherwise does
nothing (the window says "Postponed 3 times" when none is left); in the
caution view it closes. Once the break has started, Postpone and Skip go
away and a bar shows the time left. The window manager's close button
acts like Esc, and like Done once the break has started. The window
opens *without* focus, so a user typing elsewhere never presses one of
these by accident; the app calls :meth:`BreakWindow.offer_focus` once
the user has been idle for a moment.

With ``spasm_guide`` (the user's back is in spasm, and the rotation offers
only gentle movement), the heading says "a gentle break", a note says why,
and the spasm guide is one click away; ``end_spasm`` adds "My back is
better", which turns the usual breaks back on.

Tk thread only. The countdown runs on ``after`` callbacks that exist
only while the window is open.
"""

from __future__ import annotations

import logging
import math
import time
import tkinter as tk
from typing import Callable, Optional, Sequence, Union

from PIL import Image, ImageTk

from agent.ui import strings, theme
from agent.ui.dimmer import Dimmer
from agent.ui.exercise import Exercise, draw_exercise, translated
from agent.ui.exercise_marks import Marks, MarkRow
from agent.ui.focus import show_without_focus, take_focus
from agent.ui.geometry import Rect, centered, tallest, tk_geometry
from agent.ui.own_window import OwnWindow
from agent.ui.red_flags import RedFlagsOpener, red_flags_button
from agent.ui.scrolled import ScrolledFrame

log = logging.getLogger("agent.ui")

CHOICES = ("start", "done", "postpone", "skip", "hurts")
TERMINAL = ("done", "postpone", "skip")

TICK_MS = 200
#: Space kept between the window and the monitor's edges.
MARGIN = 24


class BreakWindow(OwnWindow):
    """The break prompt for one due break; see the module docstring for the protocol."""

    def __init__(
        self,
        root: tk.Tk,
        exercise: Union[Exercise, Sequence[Exercise]],
        on_choice: Callable[[str], None],
        *,
        can_postpone: bool,
        can_skip: bool,
        break_s: float,
        geometry: Rect,
        postpone_min: float = 5.0,
        postponed: int = 0,
        font_scale: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        marks: Optional[Marks] = None,
        dim: Sequence[Rect] = (),
        spasm_guide: Optional[Callable[[], None]] = None,
        end_spasm: Optional[Callable[[], None]] = None,
    ) -> None:
        self.exercises = [exercise] if isinstance(exercise, Exercise) else list(exercise)
        if not self.exercises:
            raise ValueError("a break window needs at least one exercise")
        self._on_choice = on_choice
        self.root = root
        self.marks = marks
        self.mark_row: Optional[MarkRow] = None
        self._clock = clock  # a test passes a fake one to run a countdown in no time
        self.can_postpone, self.can_skip = can_postpone, can_skip
        self.break_s = break_s
        self.postponed = postponed  # postpones in a row before this prompt
        self.monitor = geometry
        self.open_red_flags = RedFlagsOpener(self)
        self.index = 0
        self.started = False
        self.in_caution = False
        self._break_end = self._hold_end = None  # monotonic deadlines once started
        self._tick_id: Optional[str] = None
        self._animate_id: Optional[str] = None
        self._images: list = []  # PhotoImages must outlive the labels showing them
        self._animation = Animation()
        self._spasm_guide, self._end_spasm = spasm_guide, end_spasm
        self.spasm_note: Optional[tk.Frame] = None
        self._fitted = 0  # the scrolling part's content height when last placed
        self._picture_cap: Optional[int] = None  # once the window scrolls: the picture's size that fits it

        self.top = tk.Toplevel(root, bg=theme.BACKGROUND)
        self.top.withdraw()
        self.top.title(strings.BREAK_TITLE)
        self.top.overrideredirect(False)
        self.top.attributes("-topmost", True)
        self.top.resizable(False, False)
        self.top.protocol("WM_DELETE_WINDOW", self._on_close)
        self.fonts = theme.make_fonts(self.top, font_scale)
        self._when_shown: list[Callable[[], None]] = []  # to run once the window is mapped
        self.top.bind("<Map>", self._mapped, add="+")

        self._build(postpone_min)
        self._show_exercise()
        # Space needs no binding: Tk's buttons and check buttons press themselves on it.
        self.top.bind("<Return>", self._on_enter)
        self.top.bind("<KP_Enter>", self._on_enter)
        self.top.bind("<Escape>", self._on_escape)
        show_without_focus(self.top)
        self.dimmer = Dimmer(root, dim, font_scale) if dim else None  # the monitors to dim

    # -- public ------------------------------------------------------------

    @property
    def exercise(self) -> Exercise:
        return self.exercises[self.index]

    def offer_focus(self) -> None:
        """Give the window the keyboard (call once the user has paused typing)."""
        if self.is_open:
            take_focus(self.top, self.close_button if self.in_caution else self.primary)

    def _before_close(self) -> None:
        """Closed without a choice (the app no longer needs the prompt): stop the clocks."""
        self._stop_ticking()
        self._stop_animating()
        if self.dimmer is not None:
            self.dimmer.close()

    # -- building ----------------------------------------------------------

    def _build(self, postpone_min: float) -> None:
        f = self.fonts
        self.frame = tk.Frame(self.top, bg=theme.BACKGROUND, padx=f.pad(2), pady=f.pad(1.5))
        self.frame.pack(fill="both", expand=True)
        # The top: the heading and, while an exercise shows, the red flags at its
        # right (the "This hurts" view has its own, next to its Close button).
        self.head = tk.Frame(self.frame, bg=theme.BACKGROUND)
        self.head.pack(fill="x")
        gentle = self._spasm_guide is not None
        self.heading = theme.label(self.head, strings.GENTLE_BREAK_HEADING if gentle else strings.BREAK_HEADING,
                                   f.heading)
        self.red_flags_button = red_flags_button(self.head, f, self.open_red_flags)
        # In the disclaimer's small type: the prompt must not grow taller for it.
        self._link_font = f.small.copy()
        self._link_font.configure(underline=True)
        self.red_flags_button.configure(font=self._link_font, pady=0, text=strings.PANEL_RED_FLAGS)  # short: beside the heading
        self._head_row = [self.heading, self.red_flags_button]

        self.exercise_view = tk.Frame(self.frame, bg=theme.BACKGROUND)
        self.exercise_view.pack(fill="both", expand=True, pady=(f.pad(1.25), 0))
        self._build_exercise_view(postpone_min)
        self.caution_view = tk.Frame(self.frame, bg=theme.WARN_TINT, padx=f.pad(1.5), pady=f.pad(1.25))
        self._build_caution_view()

        self.rule = tk.Frame(self.frame, bg=theme.BORDER, height=1)
        self.rule.pack(fill="x", pady=(f.pad(1), 0))
        theme.wrap_within(theme.label(self.frame, strings.NOT_MEDICAL_ADVICE, f.small, fg=theme.INK_SOFT),
                          self._window_width() - 2 * f.pad(2)).pack(anchor="w", pady=(f.pad(0.5), 0))

    def _build_spasm_note(self, parent: tk.Frame) -> None:
        """During a spasm: why the break is gentle, the guide one click away, and "My back is better"."""
        f = self.fonts
        wrap = self._column_widths()[0] - 2 * f.pad(0.75)
        self.spasm_note = note = tk.Frame(parent, bg=theme.ACCENT_TINT, padx=f.pad(0.75), pady=f.pad(0.375))
        note.pack(fill="x", pady=(f.pad(0.5), 0))
        self.spasm_text = theme.wrap_within(theme.label(note, strings.GENTLE_BREAK_NOTE, f.small), wrap)
        self.spasm_guide_button = theme.button(note, strings.OPEN_SPASM_GUIDE, self._on_spasm_guide, f, "link")
        parts = [self.spasm_text, self.spasm_guide_button]
        self.end_spasm_button = None
        if self._end_spasm is not None:
            self.end_spasm_button = theme.button(note, strings.SPASM_END, self._on_end_spasm, f, "link")
            parts.append(self.end_spasm_button)
        for link in parts[1:]:  # in the note's small type, like the red flags beside the heading
            link.configure(font=self._link_font, pady=0)
        self.top.update_idletasks()  # their sizes, for the flow
        theme.flow(note, parts, wrap, f.pad(0.25))

    def _on_spasm_guide(self) -> None:
        """Open the guide; the break window stops keeping itself on top, so the guide shows over it."""
        if self.is_open:
            self.top.attributes("-topmost", False)
        if self._spasm_guide is not None:
            self._spasm_guide()

    def _on_end_spasm(self) -> None:
        """The user's back is better: say so to the rotation, and drop the note."""
        if self._end_spasm is not None:
            self._end_spasm()
        if self.end_spasm_button is not None:
            self.end_spasm_button.pack_forget()

    def _build_exercise_view(self, postpone_min: float) -> None:
        f, view = self.fonts, self.exercise_view
        # The picture and the steps scroll when the text is too large for the screen;
        # the heading and the buttons stay in view.
        self.scroller = ScrolledFrame(view, theme.BACKGROUND, scale=f.scale)
        self.scroller.pack(fill="x")
        body = tk.Frame(self.scroller.interior, bg=theme.BACKGROUND)
        body.pack(fill="x")
        self.left = left = tk.Frame(body, bg=theme.BACKGROUND)
        left.pack(side="left", anchor="n")
        self.picture = tk.Label(left, bg=theme.BACKGROUND, bd=0)
        self.picture.pack()
        # The timers sit under the figure: they time what the figure shows.
        # The hold time, if the exercise has one, else the break time left:
        self.countdown = theme.label(left, "", f.title, fg=theme.ACCENT, anchor="center", justify="center")
        self.countdown.pack(fill="x", pady=(f.pad(0.5), 0))
        # and under a hold, the break time left in smaller type.
        self.break_clock = theme.label(left, "", f.body, fg=theme.INK_SOFT, anchor="center", justify="center")
        # The time left as a bar, once the break has started (Workrave shows one too).
        self.progress = tk.Canvas(left, bg=theme.ACCENT_TINT, height=f.pad(0.5), bd=0, highlightthickness=0)
        # Under them, the marks of the exercise shown (at the bottom, whatever is packed above).
        self.marks_slot = tk.Frame(left, bg=theme.BACKGROUND)
        if self.marks is not None:
            self.marks_slot.pack(side="bottom", fill="x", pady=(f.pad(0.75), 0))
        column = tk.Frame(body, bg=theme.BACKGROUND)
        column.pack(side="left", anchor="n", fill="x", expand=True, padx=(f.pad(1.5), 0))
        self.text = tk.Frame(column, bg=theme.BACKGROUND)
        self.text.pack(fill="x")
        if self._spasm_guide is not None:  # under the steps, where the picture's column leaves room
            self._build_spasm_note(column)

        self.buttons = tk.Frame(view, bg=theme.BACKGROUND)
        self.buttons.pack(fill="x", pady=(f.pad(1.25), 0))
        self.primary = theme.button(self.buttons, strings.START, self._on_primary, f, "primary")
        row = [self.primary]
        self.postpone_button = self.skip_button = self.next_button = None
        if self.can_postpone:
            text = strings.POSTPONE.format(duration=strings.duration(postpone_min * 60))
            self.postpone_button = theme.button(self.buttons, text, lambda: self._choose("postpone"), f)
            row.append(self.postpone_button)
        if self.can_skip:
            self.skip_button = theme.button(self.buttons, strings.SKIP, lambda: self._choose("skip"), f)
            row.append(self.skip_button)
        if len(self.exercises) > 1:
            self.next_button = theme.button(self.buttons, strings.NEXT_EXERCISE, self._next_exercise, f)
            row.append(self.next_button)
        self.hurts_button = theme.button(self.buttons, strings.HURTS, self._on_hurts, f, "link")
        self._button_row = row + [self.hurts_button]
        self.postponed_note = None
        if not self.can_postpone and self.postponed:
            text = (strings.POSTPONED_ONCE if self.postponed == 1
                    else strings.POSTPONED_TIMES.format(count=self.postponed))
            self.postponed_note = theme.label(view, text, f.small, fg=theme.INK_SOFT)
            self.postponed_note.pack(anchor="w", pady=(f.pad(0.5), 0))

    def _build_caution_view(self) -> None:
        f, view = self.fonts, self.caution_view
        self._caution_labels = [
            theme.label(view, text, f.body, bg=theme.WARN_TINT) for text in (strings.CAUTION, strings.CAUTION_WORSE)
        ]
        for n, lbl in enumerate(self._caution_labels):
            lbl.pack(anchor="w", pady=(f.pad(0.5) if n else 0, 0))
        self.caution_buttons = tk.Frame(view, bg=theme.WARN_TINT)
        self.caution_buttons.pack(fill="x", pady=(f.pad(1.25), 0))
        self.close_button = theme.button(self.caution_buttons, strings.CLOSE, lambda: self._choose("done"), f,
                                         "primary")
        self.caution_red_flags_button = red_flags_button(self.caution_buttons, f, self.open_red_flags)
        self._caution_row = [self.close_button, self.caution_red_flags_button]

    def _show_exercise(self) -> None:
        """Fill the text column and picture for the current exercise, then size the window."""
        f, ex = self.fonts, translated(self.exercise)
        for child in self.text.winfo_children():
            child.destroy()
        text_w, picture = self._column_widths()
        self._set_picture(picture)
        theme.wrap_within(self.countdown, picture)
        self.progress.configure(width=picture)
        theme.wrap_within(self.break_clock, picture)
        if ex.hold_s:
            self.break_clock.pack(fill="x", pady=(f.pad(0.25), 0))
        else:
            self.break_clock.pack_forget()

        def line(text: str, font, fg: str = theme.INK, gap: float = 0.25) -> tk.Label:
            lbl = theme.wrap_within(theme.label(self.text, text, font, fg=fg), text_w)
            lbl.pack(anchor="w", fill="x", pady=(f.pad(gap), 0))
            return lbl

        if len(self.exercises) > 1:
            line(strings.EXERCISE_COUNT.format(number=self.index + 1, total=len(self.exercises)),
                 f.small, theme.INK_SOFT, 0)
        line(ex.name, f.title, gap=0)
        if ex.adapted_from:
            line(strings.ADAPTED.format(original=ex.adapted_from_name or ex.adapted_from), f.small, theme.INK_SOFT)
        self._show_marks(ex.id, picture)
        self._show_steps(ex.steps_for(self.break_s), text_w)
        if ex.reps:
            line(strings.REPS.format(reps=ex.reps), f.body)
        line(ex.caution, f.body, theme.INK_SOFT, 0.75)
        self._update_countdown()
        self._place()

    def _show_marks(self, exercise_id: str, width: int) -> None:
        """Favourite and "Don't show this again" for the exercise shown, under its picture."""
        if self.mark_row is not None:
            self.mark_row.destroy()
            self.mark_row = None
        if self.marks is not None:
            self.mark_row = MarkRow(self.marks_slot, self.fonts, self.marks, exercise_id, width,
                                    on_change=self._place, stacked=True)
            self.mark_row.pack(anchor="w")

    def _show_steps(self, steps: Sequence[str], width: int) -> None:
        """Numbered steps with a hanging indent, so wrapped lines align with the text."""
        f = self.fonts
        table = tk.Frame(self.text, bg=theme.BACKGROUND)
        table.pack(anchor="w", fill="x", pady=(f.pad(0.75), 0))
        numbers = [theme.label(table, f"{n}.", f.body, fg=theme.ACCENT, anchor="ne")
                   for n in range(1, len(steps) + 1)]
        # The number column's real width, so the steps wrap inside `width` instead of being cut off.
        number_w = max(number.winfo_reqwidth() for number in numbers) + f.pad(0.5)
        for n, (number, step) in enumerate(zip(numbers, steps), start=1):
            number.grid(row=n, column=0, sticky="ne", padx=(0, f.pad(0.5)), pady=(f.pad(0.25), 0))
            text = theme.wrap_within(theme.label(table, step, f.body), width - number_w)
            text.grid(row=n, column=1, sticky="nw", pady=(f.pad(0.25), 0))

    def _column_widths(self) -> tuple[int, int]:
        """(text column width, picture size) for the window width this monitor allows."""
        f = self.fonts
        width = self._window_width()
        picture = min(f.picture(250, 1.3), round(self.monitor[3] * 0.35), self._picture_cap or 1 << 16)
        text_w = width - 2 * f.pad(2) - picture - f.pad(1.5) - self.scroller.gutter
        return text_w, picture

    def _window_width(self) -> int:
        return min(round(820 * self.fonts.scale), self.monitor[2] - 2 * MARGIN)

    def _set_picture(self, size: int) -> None:
        """The end pose over a faint start pose: the whole movement in one picture.

        Drawing it takes longer than the rest of the window (100-150 ms), so
        the first time, before the window is on screen, a blank of its size
        holds its place and the figure follows once the window is mapped and
        painted: the prompt appears at once, its picture a moment later.
        """
        self._stop_animating()
        self._animation = animation = Animation(size)
        if self.top.winfo_ismapped():
            self._draw_picture(animation)
            return
        blank = tk.PhotoImage(master=self.top, width=size, height=size)
        self._images = [blank]
        self.picture.configure(image=blank)
        self._when_shown.append(lambda: self.top.after(PAINT_MS, self._draw_picture, animation))

    def _draw_picture(self, animation: "Animation") -> None:
        if not self.is_open or animation is not self._animation:  # closed, or another exercise since
            return
        figure = draw_exercise(self.exercise, animation.size, 1.0, ghost=0.0)
        # Flattened onto the window colour here, so the edges blend exactly as
        # drawn, whatever the Tk build does with partial transparency.
        image = Image.new("RGBA", figure.size, theme.BACKGROUND)
        image.alpha_composite(figure)
        photo = ImageTk.PhotoImage(image.convert("RGB"), master=self.top)
        self._images = [photo]
        self.picture.configure(image=photo)
        self._animate_id = self.top.after(ANIMATION_MS * 4, self._animate)

    def _mapped(self, event) -> None:
        """The window is on screen: run what waited for that (the first picture)."""
        if event.widget is self.top:
            waiting, self._when_shown = self._when_shown, []
            for func in waiting:
                func()

    def _animate(self) -> None:
        """Show the next frame of the movement: start pose, to end pose, hold, back."""
        self._animate_id = None
        if not self.is_open or self.in_caution:
            return
        phase = self._animation.next_phase()
        photo = self._animation.frames.get(phase)
        if photo is None:  # drawn on first use: the window opens at once, the first loop fills the cache
            figure = draw_exercise(self.exercise, self._animation.size, phase)
            image = Image.new("RGBA", figure.size, theme.BACKGROUND)
            image.alpha_composite(figure)
            photo = self._animation.frames[phase] = ImageTk.PhotoImage(image.convert("RGB"), master=self.top)
        self.picture.configure(image=photo)
        self._animate_id = self.top.after(ANIMATION_MS, self._animate)

    def _stop_animating(self) -> None:
        if self._animate_id is not None and self.top is not None:
            self.top.after_cancel(self._animate_id)
        self._animate_id = None

    def _place(self) -> None:
        """Size the window to its content (within :func:`geometry.tallest`) and centre it:
        what does not fit scrolls, under the heading and over the buttons."""
        inner = self._window_width() - 2 * self.fonts.pad(2)
        theme.wrap_within(self.heading, inner)  # a long heading wraps at the largest sizes
        theme.flow(self.buttons, self._button_row, inner, self.fonts.pad(0.75))
        _flow_spread(self.head, self._head_row, inner, self.fonts.pad(1.5))
        if self.in_caution:
            theme.flow(self.caution_buttons, self._caution_row, inner - 2 * self.fonts.pad(1.5),
                       self.fonts.pad(0.75))
        self.top.update_idletasks()
        if not self.in_caution:
            others = self.top.winfo_reqheight() - self.scroller.winfo_reqheight()
            room = max(self.fonts.pad(4), tallest(self.monitor) - others)
            self.scroller.fit(inner - self.scroller.gutter, room)
            self._fitted = self.scroller.interior.winfo_reqheight()
            if self.scroller.scrolls and self._picture_cap is None and self._shrink_picture(room):
                return  # placed again, with the smaller picture
            self.top.update_idletasks()
        width = max(self._window_width(), self.top.winfo_reqwidth())
        height = self.top.winfo_reqheight()
        mx, my, mw, mh = self.monitor
        rect = centered((mx + MARGIN, my + MARGIN, mw - 2 * MARGIN, mh - 2 * MARGIN), width, height)
        self.top.geometry(tk_geometry(rect))

    def _shrink_picture(self, room: int) -> bool:
        """The steps scroll: first shrink the picture so that it and its timers show whole,
        rather than cut off at the bottom; but to 40 % at most, and never narrower than
        its timers' text on one line (Tk would break "Break" into "Brea" and "k").
        True if it was redrawn."""
        f, picture = self.fonts, self._column_widths()[1]
        fits = room - (self.left.winfo_reqheight() - picture)
        words = max(f.title.measure(text) for text in (strings.BREAK_LEFT.format(clock="10:00"),
                                                       strings.HOLD.format(seconds=30), strings.HOLD_OVER))
        self._picture_cap = max(round(picture * 0.4), words, min(picture, fits))
        if self._picture_cap >= picture:
            return False
        self._show_exercise()
        return True

    # -- behaviour ---------------------------------------------------------

    def _choose(self, choice: str) -> None:
        """Report ``choice``; a terminal one closes the window first."""
        if not self.is_open:
            return
        if choice in TERMINAL:
            self.close()
        try:
            self._on_choice(choice)
        except Exception:  # noqa: BLE001 - a faulty handler must not wedge the window
            log.exception("break window: on_choice(%r) raised", choice)

    def _on_primary(self) -> None:
        if self.started:
            self._choose("done")
            return
        self.started = True
        now = self._clock()
        self._break_end = now + self.break_s
        self._hold_end = now + self.exercise.hold_s if self.exercise.hold_s else None
        self.primary.configure(text=strings.DONE)
        # The break is on: putting it off or dropping it is no longer the question.
        for gone in (self.postpone_button, self.skip_button, self.postponed_note):
            if gone is not None:
                gone.destroy()
        self._button_row = [b for b in self._button_row if b not in (self.postpone_button, self.skip_button)]
        self.postpone_button = self.skip_button = self.postponed_note = None
        self.progress.pack(fill="x", pady=(self.fonts.pad(0.5), 0), after=self.countdown)
        self._place()  # "Done" may be wider than "Start" in some languages
        self._choose("start")
        self._tick()

    def _on_enter(self, _event=None) -> str:
        """Enter presses the focused control, as Space does: never one it is not on."""
        try:
            focus = self.top.focus_get()
        except KeyError:  # focus on a widget tkinter does not know
            focus = None
        if focus is not None and focus.winfo_toplevel() is self.top and hasattr(focus, "invoke"):
            focus.invoke()
        return "break"

    def _on_escape(self, _event=None) -> str:
        """Esc puts the break off while it may be put off, and otherwise does nothing."""
        if self.in_caution:
            self._choose("done")
        elif self.can_postpone and not self.started:
            self._choose("postpone")
        return "break"

    def _on_close(self) -> None:
        """The window manager's close button: like Esc, or Done once the break is on."""
        if self.started and not self.in_caution:
            self._choose("done")
        else:
            self._on_escape()

    def _on_hurts(self) -> None:
        """End the exercise at once and show what to do instead."""
        self._stop_ticking()
        self._stop_animating()
        self.in_caution = True
        self.heading.configure(text=strings.CAUTION_HEADING, fg=theme.WARN)
        self.exercise_view.pack_forget()
        wrap = self._window_width() - 2 * self.fonts.pad(2) - 2 * self.fonts.pad(1.5)
        for lbl in self._caution_labels:
            theme.wrap_within(lbl, wrap)
        self.caution_view.pack(fill="x", pady=(self.fonts.pad(1.25), 0), before=self.rule)
        self.red_flags_button.pack_forget()
        self._head_row = [self.heading]
        self._place()
        if self._has_focus():  # only move the keyboard if it was already here
            self.close_button.focus_set()
        self._choose("hurts")

    def _has_focus(self) -> bool:
        try:
            focus = self.top.focus_get()
        except KeyError:  # focus on a widget tkinter does not know
            return False
        return focus is not None and focus.winfo_toplevel() is self.top

    def _next_exercise(self) -> None:
        self.index = (self.index + 1) % len(self.exercises)
        if self.started:
            hold = self.exercise.hold_s
            self._hold_end = self._clock() + hold if hold else None
        self._show_exercise()

    # -- countdown ---------------------------------------------------------

    def _update_countdown(self) -> None:
        """Show the hold time if the exercise has one, and the break time left."""
        now = self._clock()
        left = self.break_s if not self.started else self._break_end - now
        clock = strings.BREAK_LEFT.format(clock=strings.clock(left)) if left > 0 else strings.BREAK_OVER
        hold = self.exercise.hold_s
        if hold:
            held = hold if not self.started else self._hold_end - now
            grew = _set_text(self.countdown, strings.HOLD.format(seconds=math.ceil(held)) if held > 0
                             else strings.HOLD_OVER)
            grew |= _set_text(self.break_clock, clock)
        else:
            grew = _set_text(self.countdown, clock)
        if self.started:
            self._draw_progress(max(0.0, left) / self.break_s if self.break_s > 0 else 0.0)
        # A label in the scrolling part gets its room at once: the part itself must grow.
        if grew or (not self.in_caution and self.scroller.interior.winfo_reqheight() != self._fitted):
            self._place()

    def _draw_progress(self, share_left: float) -> None:
        """The bar's filled part is the share of the break still to come."""
        width = int(self.progress.cget("width"))
        height = int(self.progress.cget("height"))
        self.progress.delete("all")
        filled = round(width * min(1.0, share_left))
        if filled > 0:
            self.progress.create_rectangle(0, 0, filled, height, fill=theme.ACCENT, width=0, tags="left")

    def _tick(self) -> None:
        self._tick_id = None
        if not self.is_open or self.in_caution:
            return
        self._update_countdown()
        self._tick_id = self.top.after(TICK_MS, self._tick)

    def _stop_ticking(self) -> None:
        if self._tick_id is not None and self.top is not None:
            self.top.after_cancel(self._tick_id)
        self._tick_id = None


def _flow_spread(parent: tk.Frame, widgets: Sequence[tk.Widget], width: int, gap: int) -> None:
    """Like :func:`theme.flow`, but a second widget that fits on the first row
    goes to its right edge, centred on the first one (the heading's link)."""
    theme.flow(parent, widgets, width, gap)
    row = widgets[0].pack_info()["in"]
    if len(widgets) > 1 and widgets[1].pack_info()["in"] == row:
        row.pack_configure(fill="x")
        widgets[1].pack_configure(side="right")


def _set_text(label: tk.Label, text: str) -> bool:
    """Change a label only when its text changes (no redraw each tick).

    True if the new text needs more room than the label has, e.g. a long
    translation wrapping to a second line: the window must grow.
    """
    if label.cget("text") == text:
        return False
    label.configure(text=text)
    if not label.winfo_ismapped():
        return False
    label.update_idletasks()
    return label.winfo_reqheight() > label.winfo_height() or label.winfo_reqwidth() > label.winfo_width()


ANIMATION_MS = 120  # about 8 frames a second: smooth enough for a slow, gentle movement
PAINT_MS = 30  # after the window is mapped: time for the X server's expose and Tk's painting, then the figure
_STEPS = 10  # distinct poses from start to end


class Animation:
    """The loop of a movement: start -> end (eased by the figure), hold, back, rest.

    Holds the rendered frames by phase, so each pose is drawn once per window.
    """

    def __init__(self, size: int = 0) -> None:
        self.size = size
        self.frames: dict[float, object] = {}
        forward = [i / (_STEPS - 1) for i in range(_STEPS)]
        self.loop = forward + [1.0] * 12 + forward[::-1] + [0.0] * 6
        self.step = 0

    def next_phase(self) -> float:
        phase = self.loop[self.step % len(self.loop)]
        self.step += 1
        return phase
