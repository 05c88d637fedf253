"""The Settings window: the settings people change, saved to their own file as they go.

Opened from the tray's "Settings". Each row shows the value in force and
where it came from: a setting the organisation enforces is disabled and
says "Managed by your organization"; one it recommends says so; one the
user set offers "Reset to default" (back to what the layers beneath say).
A tick or a choice is saved at once; a number on Enter, when its field
loses the keyboard, or on Close. A value the validator refuses is shown
under its field in the validator's words, and not saved; a settings file
with a mistake in it is never overwritten (:mod:`agent.settings.user_settings`).

    SettingsWindow(root, layers.load, app.settings_saved, monitor_at_pointer(root))

``load()`` gives the settings in force (:class:`agent.settings.layers.Effective`);
``on_saved()`` runs after each save, for the agent to take the change up at
once. Tab moves through the controls, Space ticks, Enter saves a number,
Ctrl+A selects a whole field, Esc closes (a number typed but not yet saved
is dropped). A number out of range is refused in plain words ("Choose
between 1 and 480 minutes"). "Start at login" is the same switch as
``upright autostart enable|disable`` (:mod:`agent.it.autostart`), for this
user only. Tk thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from PIL import Image, ImageDraw

from agent.it import autostart
from agent.settings import advice, config, layers, user_settings
from agent.ui import strings, theme
from agent.ui.checklist_window import tick_box
from agent.ui.geometry import Rect
from agent.ui.info_window import InfoWindow, photo
from agent.ui.scrolled import ScrolledFrame
from agent.ui.strings import _

log = logging.getLogger("agent.ui")

TITLE = _("Upright — settings")
HEADING = _("Settings")
INTRO = _("Changes are saved as you make them, in {file}.")
MANAGED = _("Managed by your organization")
RECOMMENDED = _("Recommended by your organization")
RESET = _("Reset to default")
UNIT_MINUTES = _("min")
FILE_PROBLEM = _("Your settings file has a mistake, so changes here cannot be saved until it is fixed: {problem}")
#: Which numbers are health advice and which are Upright's own (CONTENT.md, "Facts from outside the articles").
DEFAULTS_NOTE = _("The 30-minute sitting limit follows the health articles; the other numbers here are "
                  "Upright's own defaults, not health advice.")
#: 004 "every 30 minutes", 001 "every 30 minutes or so"; 000, the loosest: "Take breaks every hour".
SITTING_BEYOND = _("Longer than the health articles advise: a break every 30 minutes, at most every hour. "
                   "Allowed, but consider 60 min or less.")
POSTPONES_REACH = _("Postponing {count} times in a row puts a break at {minutes} min of sitting.")
#: A refused number, in the user's words rather than the validator's.
CHOOSE_MINUTES = _("Choose between 1 and {high} minutes (a fraction such as 0.5 is fine too).")
CHOOSE_BETWEEN = _("Choose between {low} and {high}.")
TYPE_A_NUMBER = _("Type a number, such as {example}.")
START_AT_LOGIN = _("Start Upright when I log in")


@dataclass(frozen=True)
class Setting:
    """One row: the setting, its label, and for a choice the label of each option."""

    dotted: str
    label: str
    unit: str = ""
    options: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> config.Key:
        section, name = self.dotted.split(".")
        return config.SECTIONS[section][name]


#: The settings shown, in groups. The rest (max postpones, the idle grace,
#: the log level, an exercise folder) are IT's, in the file or a policy.
GROUPS: tuple[tuple[str, tuple[Setting, ...]], ...] = (
    (_("Breaks"), (
        Setting("breaks.sitting_limit_min", _("Sitting limit"), UNIT_MINUTES),
        Setting("breaks.break_min", _("Break length"), UNIT_MINUTES),
        Setting("breaks.postpone_min", _("Postpone by"), UNIT_MINUTES),
        Setting("breaks.natural_break_min", _("Away this long counts as a break"), UNIT_MINUTES),
        Setting("pattern.mode", _("Rhythm"), options=(
            ("sitting-limit", _("A break after each sitting limit")),
            ("sit-stand-move", _("Sit, stand, move: Upright's cycle of sitting, standing, then moving")),
        )),
        Setting("features.strict_breaks", _("Strict breaks: no Postpone and no Skip")),
        Setting("breaks.dim_other_monitors", _("Dim my other monitors during a break")),
    )),
    (_("Do not disturb"), (
        Setting("do_not_disturb.fullscreen", _("Hold breaks while a full-screen window is open (slides, video)")),
        Setting("do_not_disturb.camera", _("Hold breaks while a camera is in use (a call)")),
        Setting("do_not_disturb.makeup_break", _("Make up a held break afterwards")),
    )),
    (_("More"), (
        Setting("features.standing_reminders", _("At a sit-stand desk, remind me to change position")),
        Setting("features.statistics", _("Keep statistics of my sitting and breaks (only on this computer)")),
        Setting("features.aggregate_export", _("Add an anonymous daily summary to my organisation's roll-up")),
        Setting("exercises.floor_at_desk", _("Offer floor exercises at the desk (on a mat)")),
    )),
    (_("Display"), (
        # On top of the desktop's own scale, which Upright follows (agent.ui.scale); from the next window.
        Setting("display.text_size", _("Text size in Upright's windows"), options=(
            ("small", _("Small")), ("normal", _("Normal: as the desktop sets it")), ("large", _("Large")),
            ("larger", _("Larger")), ("largest", _("Largest: twice normal")),
        )),
    )),
)


def shown_number(value: float) -> str:
    """30 as "30", 0.5 as "0.5": as the user would type it."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def typed_number(text: str) -> Any:
    """What the user typed, as a number if it reads as one ("1,5" too), else as typed.

    The validator then says what is wrong with anything else, in its words.
    """
    cleaned = text.strip().replace(",", ".")
    for kind in (int, float):
        try:
            return kind(cleaned)
        except ValueError:
            continue
    return text.strip()


def radio_dot(size: int, chosen: bool) -> Image.Image:
    """A round choice mark, drawn like the tick boxes so that it grows with the text."""
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    inset = big * 0.06
    ring = (inset, inset, big - inset, big - inset)
    if chosen:
        draw.ellipse(ring, fill=theme.ACCENT)
        draw.ellipse((big * 0.32, big * 0.32, big * 0.68, big * 0.68), fill=theme.ON_ACCENT)
    else:
        draw.ellipse(ring, fill=theme.SURFACE, outline=theme.INK_SOFT, width=round(big * 0.08))
    return image.resize((size, size), Image.Resampling.BOX)


class SettingRow:
    """One setting's control, its note (origin, reset) and its error line."""

    def __init__(self, window: SettingsWindow, parent: tk.Frame, setting: Setting) -> None:
        self.window, self.setting, self.key = window, setting, setting.key
        f, bg = window.fonts, parent.cget("bg")
        self.controls: list[tk.Widget] = []
        self.entry: Optional[tk.Entry] = None
        self.label: Optional[tk.Label] = None
        self.var: tk.Variable
        # A frame per row, a row tall: the scroll area brings a focused frame whole into view.
        self.frame = tk.Frame(parent, bg=bg)
        self.frame.pack(fill="x", anchor="w", pady=(f.pad(0.5), 0))
        if setting.options:
            self._choice(self.frame)
        elif self.key.kind == config.BOOLEAN:
            self._tick(self.frame)
        else:
            self._number(self.frame)
        # Under the control: where the value came from, Reset, and why a change was refused.
        self.notes = tk.Frame(self.frame, bg=bg)
        if self.entry is not None:
            self.notes.grid(row=1, column=1, columnspan=3, sticky="w", padx=(f.pad(1), 0))
            wrap = window.text_width - window.label_width - f.pad(1)
        else:
            self.notes.grid(row=1, column=0, columnspan=4, sticky="w", padx=(window.mark_indent, 0))
            wrap = window.text_width - window.mark_indent
        self.line = tk.Frame(self.notes, bg=bg)
        self.note = theme.label(self.line, "", f.small, fg=theme.INK_SOFT)
        self.reset_button = tk.Button(
            self.line, text=RESET, command=self.reset, font=window.small_link, fg=theme.ACCENT, bg=bg,
            activeforeground=theme.ACCENT_ACTIVE, activebackground=theme.ACCENT_TINT, relief="flat", bd=0,
            padx=0, pady=0, cursor="hand2", highlightthickness=max(2, round(2 * f.scale)),
            highlightbackground=bg, highlightcolor=theme.INK,
        )
        self.error = theme.label(self.notes, "", f.small, fg=theme.WARN, wraplength=wrap)
        # What the health articles say about the value in force (SettingsWindow.refresh fills it).
        self.advice = theme.label(self.notes, "", f.small, fg=theme.INK_SOFT, wraplength=wrap)
        self.displayed = ""  # the number last put in the field: anything else is the user's typing
        self.origin = "default"

    # -- building --------------------------------------------------------------

    def _number(self, parent: tk.Frame) -> None:
        f, ring = self.window.fonts, max(2, round(2 * self.window.fonts.scale))
        self.label = theme.label(parent, self.setting.label, f.body, wraplength=self.window.label_width)
        self.label.grid(row=0, column=0, sticky="w")
        parent.columnconfigure(3, weight=1)  # the notes below span the unit: room comes from here
        self.var = tk.StringVar(parent)
        self.entry = tk.Entry(
            parent, textvariable=self.var, width=6, justify="right", font=f.body, fg=theme.INK, bg=theme.SURFACE,
            disabledforeground=theme.INK_SOFT, disabledbackground=theme.BACKGROUND, insertbackground=theme.INK,
            relief="flat", bd=f.pad(0.25), highlightthickness=ring, highlightbackground=theme.BORDER,
            highlightcolor=theme.ACCENT,
        )
        self.entry.grid(row=0, column=1, sticky="w", padx=(f.pad(1), 0))
        theme.label(parent, self.setting.unit, f.body, fg=theme.INK_SOFT).grid(
            row=0, column=2, sticky="w", padx=(f.pad(0.5), 0))
        for key in ("<Return>", "<KP_Enter>"):
            self.entry.bind(key, lambda _e: (self.commit(), "break")[1])
        for key in ("<Control-a>", "<Control-A>"):  # Tk's own Ctrl+A goes to the line's start
            self.entry.bind(key, lambda _e: (_select_all(self.entry), "break")[1])
        self.entry.bind("<FocusOut>", lambda _e: self.commit())
        self.controls.append(self.entry)

    def _tick(self, parent: tk.Frame) -> None:
        self.var = tk.BooleanVar(parent)
        box = self._mark(parent, self.setting.label, self.window.boxes, tk.Checkbutton,
                         variable=self.var, command=lambda: self.save(self.var.get()))
        box.grid(row=0, column=0, columnspan=4, sticky="w")
        self.controls.append(box)

    def _choice(self, parent: tk.Frame) -> None:
        f = self.window.fonts
        self.var = tk.StringVar(parent)
        column = tk.Frame(parent, bg=parent.cget("bg"))
        column.grid(row=0, column=0, columnspan=4, sticky="w")
        theme.label(column, self.setting.label, f.body).pack(anchor="w")
        for value, text in self.setting.options:
            button = self._mark(column, text, self.window.dots, tk.Radiobutton, variable=self.var, value=value,
                                command=lambda: self.save(self.var.get()))
            button.pack(anchor="w")
            self.controls.append(button)

    def _mark(self, parent: tk.Misc, text: str, images: list, kind, **options) -> tk.Widget:
        return mark(self.window, parent, text, images, kind, **options)

    # -- showing -----------------------------------------------------------------

    def show(self, effective: layers.Effective, saved: bool = False) -> None:
        """The value in force and where it came from.


        A number the user is typing (or typed and had refused) stays in its
        field, unless this row was just saved or is now locked.
        """
        value = effective.values[self.key.section][self.key.name]
        self.origin = effective.origins[self.key.dotted]
        locked = effective.locked(self.key.dotted)
        if self.entry is None:
            self.var.set(value)
        elif saved or locked or self.var.get().strip() == self.displayed:
            self.displayed = shown_number(value)
            self.var.set(self.displayed)
            if locked:
                self.error.configure(text="")
        for control in self.controls:
            control.configure(state="disabled" if locked else "normal",
                              cursor="" if locked else ("xterm" if control is self.entry else "hand2"))
        note = {"enforced": MANAGED, "recommended": RECOMMENDED}.get(self.origin, "")
        self.note.configure(text=note)
        for widget in (self.line, self.note, self.reset_button, self.error, self.advice):
            widget.pack_forget()
        if note:
            self.note.pack(side="left", anchor="w")
        if self.origin == "user" and not locked:
            self.reset_button.pack(side="left", anchor="w", padx=(self.window.fonts.pad(0.5) if note else 0, 0))
        if self.line.pack_slaves():
            self.line.pack(anchor="w")
        if self.error.cget("text"):
            self.error.pack(anchor="w")
        if self.advice.cget("text"):
            self.advice.pack(anchor="w")

    def set_advice(self, text: str, warn: bool = False) -> None:
        """A note on the value in force; ``warn`` for one beyond what the articles advise."""
        self.advice.configure(text=text, fg=theme.WARN if warn else theme.INK_SOFT)

    def show_error(self, message: str) -> None:
        self.error.configure(text=message)
        self.show(self.window.effective)

    @property
    def locked(self) -> bool:
        return self.window.effective.locked(self.key.dotted)

    @property
    def pending(self) -> bool:
        """A number typed but not saved yet."""
        return self.entry is not None and self.var.get().strip() != self.displayed

    # -- changing ----------------------------------------------------------------

    def commit(self) -> bool:
        """Save a typed number if it changed; False if it was refused."""
        if self.entry is None or self.locked or not self.window.is_open:
            return True
        if not self.pending:
            if self.error.cget("text"):  # typed back to the value in force
                self.show_error("")
            return True
        value = typed_number(self.var.get())
        problem = self.key.problem_with(value)
        if problem is not None:
            log.info("settings: %s not saved: %s", self.key.dotted, problem)
            self.show_error(self.refusal(value))
            return False
        return self.save(value)

    def refusal(self, value: Any) -> str:
        """Why a typed number is refused, in words a person would use."""
        key = self.key
        if isinstance(value, str):
            return TYPE_A_NUMBER.format(example=shown_number(config.defaults()[key.section][key.name]))
        if self.setting.unit == UNIT_MINUTES and key.low == 0 and key.low_open and key.high is not None:
            return CHOOSE_MINUTES.format(high=shown_number(key.high))
        return CHOOSE_BETWEEN.format(low=shown_number(key.low or 0), high=shown_number(key.high))

    def save(self, value: Any) -> bool:
        return self.window.save(self, value)

    def reset(self) -> None:
        self.window.save(self, None, reset=True)


def mark(window: SettingsWindow, parent: tk.Misc, text: str, images: list, kind, **options) -> tk.Widget:
    """A tick box or a choice drawn large enough for the text, with a focus ring."""
    f, bg, ring = window.fonts, parent.cget("bg"), max(2, round(2 * window.fonts.scale))
    return kind(
        parent, text=text, image=images[0], selectimage=images[1], compound="left", indicatoron=False,
        font=f.body, fg=theme.INK, bg=bg, activebackground=bg, activeforeground=theme.INK, selectcolor=bg,
        disabledforeground=theme.INK_SOFT, relief="flat", offrelief="flat", overrelief="flat", bd=0,
        padx=f.pad(0.25), pady=f.pad(0.125), anchor="w", justify="left", cursor="hand2",
        highlightthickness=ring, highlightbackground=bg, highlightcolor=theme.ACCENT, takefocus=1,
        wraplength=window.text_width - images[0].width() - 3 * f.pad(0.25) - 2 * ring, **options,
    )


def _select_all(entry: tk.Entry) -> None:
    entry.select_range(0, "end")
    entry.icursor("end")


class AutostartRow:
    """The "Start Upright when I log in" tick: this user's autostart entry, changed at once.

    An entry IT made for all users still starts Upright; turning this off then
    says so under the tick, in :mod:`agent.it.autostart`'s words.
    """

    def __init__(self, window: SettingsWindow, parent: tk.Frame, places) -> None:
        f, bg = window.fonts, parent.cget("bg")
        self.places, self.indent = places, window.mark_indent
        self.var = tk.BooleanVar(parent)
        self.frame = tk.Frame(parent, bg=bg)
        self.frame.pack(fill="x", anchor="w", pady=(f.pad(0.5), 0))
        self.box = mark(window, self.frame, START_AT_LOGIN, window.boxes, tk.Checkbutton, variable=self.var,
                        command=self.toggle)
        self.box.pack(anchor="w")
        wrap = window.text_width - window.mark_indent
        self.note = theme.label(self.frame, "", f.small, fg=theme.INK_SOFT, wraplength=wrap)
        self.error = theme.label(self.frame, "", f.small, fg=theme.WARN, wraplength=wrap)
        self.show()

    def show(self, note: str = "", error: str = "") -> None:
        try:
            self.var.set(self.places.status()[0].on)
        except (autostart.AutostartError, OSError) as problem:
            error = error or str(problem)
        for label, text in ((self.note, note), (self.error, error)):
            label.configure(text=text)
            label.pack_forget()
            if text:
                label.pack(anchor="w", padx=(self.indent, 0))

    def toggle(self) -> None:
        try:
            still = autostart.switch(self.places, self.var.get())  # an all-users entry still starts it
        except (autostart.AutostartError, OSError) as problem:
            log.info("settings: autostart not changed: %s", problem)
            self.show(error=str(problem))
            return
        log.info("settings: autostart %s", "on" if self.var.get() else "off")
        self.show(note=still)


class SettingsWindow(InfoWindow):
    """The settings of :data:`GROUPS`, each row saved as it changes."""

    WIDTH = 760

    def __init__(self, root: tk.Misc, load: Callable[[], layers.Effective], on_saved: Callable[[], None],
                 geometry: Rect, *, font_scale: float | None = None, focus: bool = True,
                 on_close: Optional[Callable[[], None]] = None, autostart_places=None,
                 ask: Optional[Callable[[str, Any, bool], None]] = None) -> None:
        """`ask(setting, value, reset)`: in the window process, a change goes to the agent, which writes
        it and answers (`answered`); without it the window writes the user's file itself."""
        super().__init__(root, TITLE, geometry, font_scale=font_scale, focus=focus, on_close=on_close)
        self._load, self._on_saved, self._ask = load, on_saved, ask
        self._asked: Optional[SettingRow] = None  # the row whose change the agent has not answered yet
        self.effective = load()
        f, width = self.fonts, self.content_width
        size = max(16, round(f.body.metrics("linespace") * 0.95))
        self.boxes = [photo(tick_box(size, ticked), theme.BACKGROUND, self.top) for ticked in (False, True)]
        self.dots = [photo(radio_dot(size, chosen), theme.BACKGROUND, self.top) for chosen in (False, True)]
        ring = max(2, round(2 * f.scale))
        self.mark_indent = size + f.pad(0.5) + ring  # where a tick box's text starts
        self.small_link = f.small.copy()
        self.small_link.configure(underline=True)

        theme.label(self.frame, HEADING, f.heading, wraplength=width).pack(anchor="w")
        theme.label(self.frame, INTRO.format(file=_home_short(layers.user_file())), f.small, fg=theme.INK_SOFT,
                    wraplength=width).pack(anchor="w", pady=(f.pad(0.25), 0))
        self.defaults_note = theme.label(self.frame, DEFAULTS_NOTE, f.small, fg=theme.INK_SOFT, wraplength=width)
        self.defaults_note.pack(anchor="w")
        self.banner = theme.label(self.frame, "", f.body, fg=theme.INK, bg=theme.WARN_TINT, wraplength=width,
                                  padx=f.pad(0.75), pady=f.pad(0.5))
        self.banner_slot = tk.Frame(self.frame, bg=theme.BACKGROUND)
        self.banner_slot.pack(fill="x", pady=(f.pad(0.5), 0))
        self.scroller = ScrolledFrame(self.frame, theme.BACKGROUND, scale=f.scale)
        self.scroller.pack(fill="both", expand=True, pady=(f.pad(0.5), 0))
        self.text_width = width - self.scroller.gutter
        self.label_width = round(self.text_width * 0.5)
        self.rows: dict[str, SettingRow] = {}
        for n, (title, settings) in enumerate(GROUPS):
            self._group(n, title, settings)
        # Last in "More": not a setting in the file, the login entry itself.
        places = autostart_places if autostart_places is not None else autostart.for_platform()
        self.autostart_row = AutostartRow(self, self.scroller.interior, places)
        self._align_fields()

        self.close_button = theme.button(self.frame, strings.CLOSE, self.finish, f, "primary")
        self.close_button.bind("<Return>", lambda _e: self.finish())
        self.footer([self.close_button])  # with the "not medical advice" line
        self.scroller.bind_keys(self.top)
        self.refresh()
        self._fit()
        self.show()

    def _group(self, n: int, title: str, settings: tuple[Setting, ...]) -> None:
        f = self.fonts
        theme.label(self.scroller.interior, title, f.title, fg=theme.ACCENT).pack(
            anchor="w", pady=(f.pad(1.25) if n else 0, 0))
        for setting in settings:
            self.rows[setting.dotted] = SettingRow(self, self.scroller.interior, setting)

    # -- public ----------------------------------------------------------------

    def first_focus(self) -> tk.Widget:
        for row in self.rows.values():
            if not row.locked:
                return row.controls[0]
        return self.close_button

    def row(self, dotted: str) -> SettingRow:
        return self.rows[dotted]

    def refresh(self, saved: Optional[SettingRow] = None) -> None:
        """Show the settings in force again (after a save, or a policy that changed)."""
        if not self.is_open:
            return
        self.effective = self._load()
        self._advise(self.effective.values)
        for row in self.rows.values():
            row.show(self.effective, saved=row is saved)
        user_file = str(layers.user_file())
        problems = [problem for problem in self.effective.problems if problem.path == user_file]
        self.banner.configure(text=FILE_PROBLEM.format(problem=problems[0]) if problems else "")
        self.banner.pack_forget()
        if problems:
            self.banner.pack(in_=self.banner_slot, fill="x")

    def save(self, row: SettingRow, value: Any, reset: bool = False) -> bool:
        """Set `row`'s setting to `value` (or `reset` it): here, or asked of the agent."""
        dotted = row.key.dotted
        if self._ask is not None:
            self._asked = row
            self._ask(dotted, value, reset)
            return True
        return self.change(row, (lambda: user_settings.reset(dotted)) if reset
                           else (lambda: user_settings.set_value(dotted, value)))

    def answered(self, refused: dict[str, str]) -> None:
        """The agent's answer to `ask`: `load` now gives the settings in force; `refused` says which
        change it did not write, and why (a tick or a choice goes back to the value in force)."""
        row, self._asked = self._asked, None
        for dotted, why in refused.items():
            if dotted in self.rows:
                self.rows[dotted].error.configure(text=why)
        if row is not None and row.key.dotted not in refused:
            row.error.configure(text="")
            self.refresh(saved=row)
        else:
            self.refresh()

    def change(self, row: SettingRow, write: Callable[[], Any]) -> bool:
        """Write one change (``write``), tell the agent, show the result; False if refused."""
        try:
            write()
        except (user_settings.InvalidValue, user_settings.SettingsFileError) as refused:
            log.info("settings: %s not saved: %s", row.key.dotted, refused)
            row.show_error(str(refused))  # a tick or a choice goes back to the value in force
            return False
        row.error.configure(text="")
        log.info("settings: %s changed", row.key.dotted)
        try:
            self._on_saved()
        except Exception:  # noqa: BLE001 - a failing agent hook must not lose the window
            log.exception("settings: on_saved raised")
        self.refresh(saved=row)
        return True

    def _advise(self, values: dict) -> None:
        """Warn under the sitting limit beyond an hour; say where the postpones lead."""
        breaks = values["breaks"]
        limit = breaks["sitting_limit_min"]
        self.rows["breaks.sitting_limit_min"].set_advice(
            SITTING_BEYOND if advice.sitting_beyond_advice(limit) else "", warn=True)
        count = 0 if values["features"]["strict_breaks"] else breaks["max_postpones"]
        latest = advice.latest_break_min(limit, breaks["postpone_min"], count)
        self.rows["breaks.postpone_min"].set_advice(
            POSTPONES_REACH.format(count=count, minutes=shown_number(latest)) if count else "",
            warn=advice.sitting_beyond_advice(latest))

    def finish(self) -> None:
        """Close, saving a number still being typed; stay open if it is refused."""
        if all([row.commit() for row in self.rows.values()]):
            self.close()

    def _align_fields(self) -> None:
        """The number fields in one column, just right of the longest label."""
        labels = [row.label for row in self.rows.values() if row.label is not None]
        width = max(label.winfo_reqwidth() for label in labels)
        for label in labels:
            label.master.columnconfigure(0, minsize=width)

    def _fit(self) -> None:
        self.top.update_idletasks()
        others = self.top.winfo_reqheight() - self.scroller.winfo_reqheight()
        self.scroller.fit(self.text_width, self.max_height - others)


def _home_short(path: Path) -> str:
    """~/.config/upright/config.toml rather than the full path, where it is under home."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)
