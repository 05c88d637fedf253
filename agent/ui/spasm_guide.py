""""My back is in spasm now": what to do, with a cold/heat timer.

At the top, a card answers the two questions that come first. *Cold or
heat?* The user says when the spasm started (today, yesterday, 2 or 3
days ago) and :func:`agent.content.cold_heat.phase` says which. *How long does
the pack stay on?* "Start a cold pack" counts down 15 minutes (the
articles say 15 to 20; the card says "never more than 20") and says when
to take it off. Below, the guide's sections from
``assets/content/spasm_guide.toml`` scroll; the red-flags card is a
click away.

The countdown reads an injected monotonic clock and the phase an
injected wall clock, so tests run them in no time. It wakes once a
second, and only while a pack is on. ``on_spasm_start(datetime)`` tells
the app when the user set the start, should it want to remember it
(``spasm_start=`` gives it back next time). With ``on_spasm_end``, once a
start is set the card says that breaks are gentle for the first hours and
offers "My back is better", which calls it and clears the start.

From 48 hours on (heat may replace cold) it offers a heat timer too, which
has no end (the articles give heat no time): it counts how long heat has
been on. With ``on_pack(action, kind)`` the agent keeps the timer
(:mod:`agent.live.pack_watch`): Start and Stop tell it, ``pack`` gives back
the one running ({"pack_kind": "cold", "pack_s": seconds left}), and the
agent, not this window, rings the bell when a cold pack is due.

    SpasmGuideWindow(root, monitor_at_pointer(root))

Tk thread only.
"""

from __future__ import annotations

import logging
import math
import tkinter as tk
from datetime import datetime
from typing import Callable, Optional

from agent.clock import monotonic
from agent.content import cold_heat, texts as content
from agent.content.exercise_choice import SPASM_GENTLE_HOURS
from agent.ui import desk_pictures, strings, theme
from agent.ui.geometry import Rect
from agent.ui.info_window import InfoWindow, photo
from agent.ui.red_flags import RedFlagsOpener, red_flags_button
from agent.ui.scrolled import ScrolledFrame
from agent.ui.strings import _

log = logging.getLogger("agent.ui")

#: The answers to "When did it start?", in days ago.
STARTED = {0: strings.STARTED_TODAY, 1: strings.STARTED_YESTERDAY, 2: strings.STARTED_2_DAYS,
           3: strings.STARTED_3_DAYS}


class SpasmGuideWindow(InfoWindow):
    """The relief guide; see the module docstring."""

    WIDTH = 760
    #: Longest wait between two looks at the clock while a pack is on.
    MAX_TICK_MS = 1000

    def __init__(self, root: tk.Misc, geometry: Rect, *, font_scale: float | None = None,
                 guide: Optional[content.SpasmGuide] = None, red_flags: Optional[content.RedFlags] = None,
                 clock: Callable[[], float] = monotonic, now: Callable[[], datetime] = datetime.now,
                 spasm_start: Optional[datetime] = None,
                 on_spasm_start: Optional[Callable[[datetime], None]] = None,
                 on_spasm_end: Optional[Callable[[], None]] = None,
                 pack: Optional[dict] = None, on_pack: Optional[Callable[[str, str], None]] = None,
                 focus: bool = True, on_close: Optional[Callable[[], None]] = None) -> None:
        super().__init__(root, strings.GUIDE_TITLE, geometry, font_scale=font_scale, focus=focus,
                         on_close=on_close)
        self.guide = guide or content.spasm_guide()
        self.pack = self.guide.cold_pack
        self.timer = cold_heat.PackTimer(self.pack.pack_minutes, clock)
        self._clock = clock
        self._on_pack = on_pack
        self._heat_since: Optional[float] = None  # the heat timer's start on `clock`, while it runs
        self._take_up(pack or {})
        self._now = now
        self.spasm_start = spasm_start
        self._on_spasm_start = on_spasm_start
        self._on_spasm_end = on_spasm_end
        self._tick_id: Optional[str] = None
        self._pack_due = False  # the last pack's time is up: "take it off now" shows
        self._announced_due = False
        self.open_red_flags = RedFlagsOpener(self, red_flags)
        f, width = self.fonts, self.content_width

        theme.label(self.frame, strings.GUIDE_HEADING, f.heading, wraplength=width).pack(anchor="w")
        theme.label(self.frame, _(self.guide.intro.text), f.body, fg=theme.INK_SOFT, wraplength=width).pack(
            anchor="w", pady=(f.pad(0.25), f.pad(0.75)))
        self.card = self._build_card(self.frame, width)
        self.scroller = ScrolledFrame(self.frame, theme.BACKGROUND, scale=f.scale)
        self.scroller.pack(fill="both", expand=True, pady=(f.pad(0.75), 0))
        self._build_sections(width - self.scroller.gutter)

        self.red_flags_button = red_flags_button(self.frame, f, self.open_red_flags)
        self.close_button = theme.button(self.frame, strings.CLOSE, self.close, f)
        self.close_button.bind("<Return>", lambda _e: self.close())
        self.footer([self.close_button, self.red_flags_button])
        self.scroller.bind_keys(self.top)
        self._show_phase()
        self._place_card()
        self._fit()
        self.show()

    # -- public ------------------------------------------------------------

    @property
    def phase(self) -> Optional[str]:
        """cold_heat.COLD, EITHER or HEAT; None until the user says when it started."""
        if self.spasm_start is None:
            return None
        return cold_heat.phase(self.spasm_start, self._now(), heat_from_hours=self.pack.heat_from_hours,
                               cold_until_hours=self.pack.cold_until_hours)

    def choose_start(self, days_ago: int) -> None:
        """The user says the spasm started ``days_ago`` days ago."""
        self.spasm_start = cold_heat.started_days_ago(days_ago, self._now())
        self._show_phase()
        if self._on_spasm_start is not None:
            try:
                self._on_spasm_start(self.spasm_start)
            except Exception:  # noqa: BLE001
                log.exception("spasm guide: on_spasm_start raised")

    def end_spasm(self) -> None:
        """"My back is better": the start is forgotten and breaks are as usual."""
        self.spasm_start = None
        if self._on_spasm_end is not None:
            try:
                self._on_spasm_end()
            except Exception:  # noqa: BLE001
                log.exception("spasm guide: on_spasm_end raised")
        self._show_phase()

    def start_pack(self) -> None:
        self.timer.start()
        self._heat_since = None
        self._pack_due = self._announced_due = False
        self._tell("start", cold_heat.COLD)
        self._show_timer()

    def start_heat(self) -> None:
        """A heat timer: it only counts how long the heat has been on."""
        self.timer.stop()
        self._heat_since = self._clock()
        self._pack_due = False
        self._tell("start", cold_heat.HEAT)
        self._show_timer()

    def stop_pack(self) -> None:
        kind = cold_heat.HEAT if self._heat_since is not None else cold_heat.COLD
        self.timer.stop()
        self._heat_since = None
        self._pack_due = False
        self._tell("stop", kind)
        self._show_timer()

    @property
    def heat_running(self) -> bool:
        return self._heat_since is not None

    def first_focus(self) -> tk.Widget:
        return self.day_buttons[0]

    def close(self) -> None:
        if self.is_open:
            self._stop_ticking()
            self.open_red_flags.close()
        super().close()

    def _take_up(self, pack: dict) -> None:
        """The timer the agent keeps running, as it was when this window opened."""
        seconds = pack.get("pack_s")
        if pack.get("pack_kind") == cold_heat.COLD and seconds is not None:
            self.timer.start(seconds)
        elif pack.get("pack_kind") == cold_heat.HEAT and seconds is not None:
            self._heat_since = self._clock() - seconds

    def _tell(self, action: str, kind: str) -> None:
        if self._on_pack is not None:
            try:
                self._on_pack(action, kind)
            except Exception:  # noqa: BLE001
                log.exception("spasm guide: on_pack raised")

    # -- building ----------------------------------------------------------

    def _place_card(self) -> None:
        """Keep the card in view above the guide, unless that leaves the guide too
        little room (large text, a small screen): then the card scrolls with it."""
        self.top.update_idletasks()
        others = self.top.winfo_reqheight() - self.scroller.winfo_reqheight()
        room = self.max_height - others
        if room >= min(self.scroller.interior.winfo_reqheight(), self.max_height * 0.4):
            return
        self.card.destroy()
        first = self.scroller.interior.winfo_children()[0]
        self.card = self._build_card(self.scroller.interior, self.content_width - self.scroller.gutter,
                                     before=first)
        first.pack_configure(pady=(self.fonts.pad(1), 0))
        self._show_phase()

    def _build_card(self, parent: tk.Misc, width: int, before: Optional[tk.Widget] = None) -> tk.Frame:
        f, tint = self.fonts, theme.ACCENT_TINT
        card = tk.Frame(parent, bg=tint, padx=f.pad(1.25), pady=f.pad(1))
        card.pack(fill="x", **({"before": before} if before is not None else {}))
        inner = width - 2 * f.pad(1.25) - f.pad(0.5)  # labels add a little border round their text
        theme.label(card, strings.COLD_OR_HEAT, f.title, wraplength=inner).pack(anchor="w")
        theme.label(card, strings.STARTED_WHEN, f.body, wraplength=inner).pack(anchor="w", pady=(f.pad(0.5), 0))
        days = tk.Frame(card, bg=tint)
        days.pack(fill="x", pady=(f.pad(0.5), 0))
        self.day_buttons = [self._day_button(days, n, text) for n, text in STARTED.items()]
        theme.flow(days, self.day_buttons, inner, f.pad(0.5))
        self.phase_label = theme.label(card, "", f.body, wraplength=inner)
        self.phase_label.pack(anchor="w", fill="x", pady=(f.pad(0.75), 0))
        self.phase_extra = theme.label(card, "", f.body, fg=theme.INK, wraplength=inner)
        timer = tk.Frame(card, bg=tint)
        timer.pack(fill="x", pady=(f.pad(0.75), 0))
        self.timer_row = timer
        self.start_button = theme.button(timer, strings.PACK_START, self.start_pack, f, "primary")
        self.heat_button = theme.button(timer, strings.HEAT_START, self.start_heat, f, "primary")
        self.stop_button = theme.button(timer, strings.PACK_STOP, self.stop_pack, f)
        for button in (self.start_button, self.heat_button, self.stop_button):
            button.bind("<Return>", lambda _e, b=button: b.invoke())
        self.countdown = theme.label(timer, "", f.title, fg=theme.ACCENT, wraplength=inner)
        self._cold_note = strings.PACK_NOTE.format(minutes=_number(self.pack.pack_minutes),
                                                   max_minutes=_number(self.pack.pack_max_minutes))
        self.note = theme.label(card, self._cold_note, f.small, fg=theme.INK_SOFT, wraplength=inner)
        self.note.pack(anchor="w", pady=(f.pad(0.5), 0))
        self.gentle_row = tk.Frame(card, bg=tint)
        hours = _number(SPASM_GENTLE_HOURS)  # the chooser's own figure, so the two never disagree
        theme.label(self.gentle_row, strings.GUIDE_GENTLE_BREAKS.format(hours=hours),
                    f.small, wraplength=inner).pack(anchor="w", fill="x")
        self.end_spasm_button = theme.button(self.gentle_row, strings.SPASM_END, self.end_spasm, f, "link")
        self.end_spasm_button.bind("<Return>", lambda _e: self.end_spasm())
        self.end_spasm_button.pack(anchor="w")
        self._card_inner = inner
        return card

    def _day_button(self, parent: tk.Frame, days_ago: int, text: str) -> tk.Button:
        button = theme.button(parent, text, lambda: self.choose_start(days_ago), self.fonts)
        button.configure(padx=self.fonts.pad(0.75))
        button.bind("<Return>", lambda _e: button.invoke())
        button.days_ago = days_ago  # type: ignore[attr-defined]
        return button

    def _build_sections(self, width: int) -> None:
        f = self.fonts
        self.sections: dict[str, tk.Frame] = {}
        picture = f.picture(110, 1.4)
        for n, section in enumerate(self.guide.sections):
            frame = tk.Frame(self.scroller.interior, bg=theme.BACKGROUND)
            frame.pack(fill="x", pady=(f.pad(1) if n else 0, 0))
            text_w = width - (picture + f.pad(1) if section.picture else 0) - f.pad(0.5)
            column = tk.Frame(frame, bg=theme.BACKGROUND)
            column.pack(side="left", anchor="n", fill="x", expand=True)
            theme.label(column, _(section.heading), f.title, wraplength=text_w).pack(anchor="w")
            theme.label(column, _(section.text), f.body, wraplength=text_w).pack(anchor="w", pady=(f.pad(0.25), 0))
            if section.picture:
                image = photo(desk_pictures.draw(section.picture, picture), theme.BACKGROUND, frame)
                self._images.append(image)
                tk.Label(frame, image=image, bg=theme.BACKGROUND, bd=0).pack(side="right", anchor="n",
                                                                            padx=(f.pad(1), 0))
            self.sections[section.id] = frame

    def _fit(self) -> None:
        self.top.update_idletasks()
        others = self.top.winfo_reqheight() - self.scroller.winfo_reqheight()
        self.scroller.fit(self.content_width - self.scroller.gutter, self.max_height - others)

    # -- showing the state -------------------------------------------------------

    def _show_phase(self) -> None:
        f, phase, pack = self.fonts, self.phase, self.pack
        chosen = None if self.spasm_start is None else cold_heat.days_ago(self.spasm_start, self._now())
        for button in self.day_buttons:
            selected = button.days_ago == min(chosen, 3) if chosen is not None else False  # type: ignore[attr-defined]
            button.configure(bg=theme.ACCENT if selected else theme.SURFACE,
                             fg=theme.ON_ACCENT if selected else theme.INK,
                             activebackground=theme.ACCENT_ACTIVE if selected else theme.ACCENT_TINT,
                             activeforeground=theme.ON_ACCENT if selected else theme.INK,
                             highlightbackground=theme.ACCENT if selected else theme.BORDER)
        texts = {
            None: strings.PHASE_PICK,
            cold_heat.COLD: strings.PHASE_COLD.format(minutes=_number(pack.pack_minutes),
                                                      max_minutes=_number(pack.pack_max_minutes)),
            cold_heat.EITHER: strings.PHASE_EITHER.format(hours=_number(pack.heat_from_hours)),
            cold_heat.HEAT: strings.PHASE_HEAT,
        }
        _set_text(self.phase_label, texts[phase])
        if self._on_spasm_end is not None and self.spasm_start is not None:
            self.gentle_row.pack(anchor="w", fill="x", pady=(f.pad(0.75), 0), after=self.note)
        else:
            self.gentle_row.pack_forget()
        self.phase_label.configure(font=f.body if phase is None else f.button)
        if phase == cold_heat.HEAT:
            self.phase_extra.configure(text=strings.PHASE_HEAT_CHECK.format(hours=_number(pack.cold_until_hours)))
            self.phase_extra.pack(anchor="w", fill="x", pady=(f.pad(0.5), 0), after=self.phase_label)
        else:
            self.phase_extra.pack_forget()
        self._show_timer()

    def _show_timer(self) -> None:
        """Start, or the countdown and Stop, then "take it off now"; no cold pack once it is time for heat."""
        if self.top is None:
            return
        f = self.fonts
        if self.timer.due:
            self.timer.stop()
            self._pack_due = True
            self._announce_due()
        widgets = []
        if self.timer.running:
            remaining = self.timer.remaining()
            _set_text(self.countdown, strings.PACK_LEFT.format(clock=strings.clock(remaining)))
            widgets += [self.countdown, self.stop_button]
            self._schedule_tick(remaining)
        elif self._heat_since is not None:
            on = max(0.0, self._clock() - self._heat_since)
            _set_text(self.countdown, strings.HEAT_ON.format(clock=strings.clock(math.floor(on))))
            widgets += [self.countdown, self.stop_button]
            self._schedule_tick(1.0 - on % 1.0)
        else:
            self._stop_ticking()
            if self.phase != cold_heat.HEAT:
                widgets.append(self.start_button)
            if self.phase in (cold_heat.EITHER, cold_heat.HEAT):  # from 48 h, heat may replace cold
                widgets.append(self.heat_button)
            if self._pack_due:
                _set_text(self.countdown, strings.PACK_DUE)
                widgets.append(self.countdown)
        theme.flow(self.timer_row, widgets, self._card_inner, f.pad(0.75))
        # An emptied frame keeps its old size in Tk: unpack it instead.
        last = self.phase_extra if self.phase_extra.winfo_manager() else self.phase_label
        if widgets:
            self.timer_row.pack(fill="x", pady=(f.pad(0.75), 0), after=last)
            last = self.timer_row
        else:
            self.timer_row.pack_forget()
        heat = self._heat_since is not None or (not self.timer.running and self.phase == cold_heat.HEAT)
        _set_text(self.note, strings.HEAT_NOTE if heat else self._cold_note)
        self.note.pack(anchor="w", pady=(f.pad(0.5), 0), after=last)
        self._grow_if_needed()

    def _announce_due(self) -> None:
        if self._announced_due:
            return
        self._announced_due = True
        if self._on_pack is None:  # else the agent keeps the timer, and its notice rings
            self.top.bell()
        self.top.lift()  # in front again, without taking the keyboard
        self._see_card()

    def _see_card(self) -> None:
        """Scroll the card into view (when it scrolls with the guide), once laid out."""
        if self.card.master is self.scroller.interior:
            self.top.after_idle(lambda: self.is_open and self.scroller.see(self.card))

    def _grow_if_needed(self) -> None:
        """A longer text (a translation, the "take it off" line) may need more room."""
        if not self.top.winfo_ismapped():
            return
        self.top.update_idletasks()
        if self.top.winfo_reqheight() > self.top.winfo_height() or self.top.winfo_reqwidth() > self.top.winfo_width():
            self._fit()
            self.place()

    # -- ticking -------------------------------------------------------------------

    def _schedule_tick(self, remaining: float) -> None:
        """Wake when the shown second changes (m:ss rounds up), no more often."""
        self._stop_ticking()
        fraction = remaining - math.floor(remaining)
        wait = round((fraction if fraction > 0 else 1.0) * 1000) + 5
        self._tick_id = self.top.after(max(10, min(wait, self.MAX_TICK_MS)), self._tick)

    def _tick(self) -> None:
        self._tick_id = None
        if self.is_open:
            self._show_timer()

    def _stop_ticking(self) -> None:
        if self._tick_id is not None and self.top is not None:
            self.top.after_cancel(self._tick_id)
        self._tick_id = None


def _number(value: float) -> str:
    """15.0 as "15", 17.5 as "17.5"."""
    return f"{value:g}"


def _set_text(label: tk.Label, text: str) -> None:
    if label.cget("text") != text:
        label.configure(text=text)
