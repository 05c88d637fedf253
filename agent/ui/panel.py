"""Upright's own menu, for tray icons that cannot show one.

pystray's X11 backend only reports a click; the agent then opens this
panel next to the pointer, with the same actions as the tray menu. Like
a menu it takes the keyboard (the user just clicked for it), closes when
an action is chosen, on Esc, and when the focus goes elsewhere. Up and
Down move between entries; Enter or Space chooses. Its first line says
where the user stands ("Sitting 18 min · next break in 12 min", "Paused
until 14:30"): on a tray host with no tooltip, this is where it is seen.

``on_action`` receives exactly one of :data:`ACTIONS`. Entries whose
content is not built yet (posture, lumbar, exercises, spasm_guide, lifting,
red_flags, today, settings) still report their action: the app decides what
they do. "red_flags" is the red-flags card, so it is one click from the tray.
Tk thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk
from typing import Callable, List, Optional, Sequence, Tuple

from agent.actions import MENU_ACTIONS
from agent.ui import strings, theme
from agent.ui.focus import show_without_focus, take_focus
from agent.ui.geometry import Rect, tallest, tk_geometry
from agent.ui.own_window import OwnWindow

log = logging.getLogger("agent.ui")

ACTIONS = MENU_ACTIONS

Entry = Tuple[str, str]  # (action, label)

#: Room left between the panel and the monitor's top and bottom edges.
MARGIN = 16


def entries(*, paused: bool, standing: bool, can_postpone: bool, postpone_min: float = 5.0) -> List[List[Entry]]:
    """The panel's entries in groups, for the current state."""
    now = [("break_now", strings.PANEL_BREAK_NOW)]
    if can_postpone:
        now.append(("postpone", strings.PANEL_POSTPONE.format(duration=strings.duration(postpone_min * 60))))
    if paused:
        pause = [("resume", strings.PANEL_RESUME)]
    else:
        pause = [
            ("pause_30", strings.PANEL_PAUSE_30),
            ("pause_60", strings.PANEL_PAUSE_60),
            ("pause_tomorrow", strings.PANEL_PAUSE_TOMORROW),
        ]
    position = [("sitting", strings.PANEL_SITTING) if standing else ("standing", strings.PANEL_STANDING)]
    learn = [
        ("posture", strings.PANEL_POSTURE),
        ("lumbar", strings.PANEL_LUMBAR),
        ("exercises", strings.PANEL_EXERCISES),
        ("spasm_guide", strings.PANEL_SPASM_GUIDE),
        ("walkthrough", strings.WALKTHROUGH_HEADING),
        ("lifting", strings.PANEL_LIFTING),
        ("red_flags", strings.PANEL_RED_FLAGS),
    ]
    app = [("today", strings.PANEL_TODAY), ("this_week", strings.PANEL_THIS_WEEK),
           ("settings", strings.PANEL_SETTINGS), ("quit", strings.PANEL_QUIT)]
    return [now, pause, position, learn, app]


def split_columns(groups: Sequence[Sequence[Entry]], columns: int) -> List[List[List[Entry]]]:
    """The groups in order over ``columns`` columns of at most an equal share of the entries each:
    a long group (the guides) continues at the top of the next column rather than make one column tall."""
    share = -(-sum(len(group) for group in groups) // columns)
    split: List[List[List[Entry]]] = [[]]
    count = 0
    for group in groups:
        part: List[Entry] = []
        split[-1].append(part)
        for entry in group:
            if count == share and len(split) < columns:
                split.append([])
                part, count = [], 0
                split[-1].append(part)
            part.append(entry)
            count += 1
    return [[part for part in column if part] for column in split]


class Panel(OwnWindow):
    """A small menu window next to the pointer; see the module docstring."""

    def __init__(
        self,
        root: tk.Tk,
        on_action: Callable[[str], None],
        geometry: Rect,
        *,
        paused: bool,
        standing: bool,
        can_postpone: bool,
        postpone_min: float = 5.0,
        font_scale: float | None = None,
        status: str = "",
    ) -> None:
        self._on_action = on_action
        self.status = status
        self.status_label: Optional[tk.Label] = None
        self.top: Optional[tk.Toplevel] = tk.Toplevel(root, bg=theme.BORDER)
        self.top.withdraw()
        self.top.title(strings.PANEL_TITLE)
        self.top.overrideredirect(False)
        self.top.attributes("-topmost", True)
        self.top.resizable(False, False)
        self.fonts = theme.make_fonts(self.top, font_scale)
        groups = entries(paused=paused, standing=standing, can_postpone=can_postpone, postpone_min=postpone_min)
        self.buttons = self._fit_columns(groups, geometry)
        self.top.geometry(tk_geometry(_near_pointer(root, geometry, self.top.winfo_reqwidth(),
                                                    self.top.winfo_reqheight())))
        self.top.protocol("WM_DELETE_WINDOW", self.close)
        self.top.bind("<Escape>", lambda _e: self.close())
        self.top.bind("<FocusOut>", lambda _e: self.top.after_idle(self._close_if_unfocused))
        self.top.bind("<Map>", self._on_map)
        show_without_focus(self.top)  # the keyboard comes once it is mapped: see _on_map

    def button(self, action: str) -> tk.Button:
        """The entry for ``action`` (KeyError if the panel does not offer it)."""
        return self.buttons[action]

    # -- building ----------------------------------------------------------

    def _fit_columns(self, groups: Sequence[Sequence[Entry]], monitor: Rect) -> dict:
        """As many columns (up to 3) as large text needs to keep the panel within
        :func:`geometry.tallest`, but never wider than the monitor: there, one fewer."""
        for columns in (1, 2, 3):
            buttons = self._build(groups, columns=columns)
            self.top.update_idletasks()
            if columns > 1 and self.top.winfo_reqwidth() > monitor[2] - 2 * MARGIN:
                buttons = self._build(groups, columns=columns - 1)
                self.top.update_idletasks()
                break
            if self.top.winfo_reqheight() <= min(monitor[3] - 2 * MARGIN, tallest(monitor)):
                break
        return buttons

    def _build(self, groups: Sequence[Sequence[Entry]], columns: int) -> dict:
        """The header and the entries, the groups split over ``columns`` columns."""
        f = self.fonts
        for old in self.top.winfo_children():
            old.destroy()
        body = tk.Frame(self.top, bg=theme.SURFACE, padx=f.pad(0.25), pady=f.pad(0.5))
        body.pack(fill="both", expand=True, padx=1, pady=1)  # the toplevel's colour is the border
        ring = max(2, round(2 * f.scale))
        theme.label(body, strings.APP, f.title, fg=theme.ACCENT).pack(
            anchor="w", padx=f.pad(1) + ring, pady=(f.pad(0.25), f.pad(0.25) if self.status else f.pad(0.5)))
        if self.status:
            self.status_label = theme.label(body, self.status, f.body)
            self.status_label.pack(anchor="w", padx=f.pad(1) + ring, pady=(0, f.pad(0.5)))
        buttons = {}
        for c, column_groups in enumerate(split_columns(groups, columns)):
            column = tk.Frame(body, bg=theme.SURFACE)
            # expand: the entries span the panel, as wide as its status line
            column.pack(side="left", fill="both", expand=True, anchor="n", padx=(f.pad(0.5) if c else 0, 0))
            for n, group in enumerate(column_groups):
                if n:
                    tk.Frame(column, bg=theme.BORDER, height=1).pack(fill="x", padx=f.pad(0.5), pady=f.pad(0.375))
                for action, text in group:
                    buttons[action] = self._entry(column, action, text, tight=columns > 1)
        return buttons

    def _entry(self, parent: tk.Frame, action: str, text: str, tight: bool = False) -> tk.Button:
        """One entry; ``tight``: less room above and below, where large text needs columns."""
        f = self.fonts
        ink = theme.WARN if action == "red_flags" else theme.INK  # the red flags are easy to find
        entry = tk.Button(
            parent, text=text, command=lambda: self._choose(action), font=f.body, anchor="w",
            relief="flat", bd=0, padx=f.pad(1), pady=f.pad(0.25 if tight else 0.375), cursor="hand2",
            fg=ink, bg=theme.SURFACE, activeforeground=ink, activebackground=theme.ACCENT_TINT,
            highlightthickness=max(2, round(2 * f.scale)), highlightbackground=theme.SURFACE,
            highlightcolor=theme.ACCENT,
        )
        entry.pack(fill="x")
        entry.bind("<Enter>", lambda _e: entry.configure(bg=theme.ACCENT_TINT))
        entry.bind("<Leave>", lambda _e: entry.configure(bg=theme.SURFACE))
        entry.bind("<Return>", lambda _e: entry.invoke())
        entry.bind("<KP_Enter>", lambda _e: entry.invoke())
        entry.bind("<Down>", lambda _e: entry.tk_focusNext().focus_set())
        entry.bind("<Up>", lambda _e: entry.tk_focusPrev().focus_set())
        return entry

    # -- behaviour ---------------------------------------------------------

    def _choose(self, action: str) -> None:
        """Close like a menu does, then report ``action``."""
        if not self.is_open:
            return
        self.close()
        try:
            self._on_action(action)
        except Exception:  # noqa: BLE001 - a faulty handler must not break the Tk loop
            log.exception("panel: on_action(%r) raised", action)

    def _on_map(self, event: tk.Event) -> None:
        if self.top is not None and event.widget is self.top:
            self.top.unbind("<Map>")
            take_focus(self.top, next(iter(self.buttons.values())))

    def _close_if_unfocused(self) -> None:
        if self.top is None:
            return
        try:
            focus = self.top.focus_get()
        except KeyError:  # a widget tkinter does not know: not ours
            focus = None
        if focus is None or focus.winfo_toplevel() is not self.top:
            self.close()


def _near_pointer(root: tk.Misc, monitor: Rect, w: int, h: int) -> Rect:
    """Where a menu opens: at the pointer, pushed back inside ``monitor``."""
    mx, my, mw, mh = monitor
    w, h = min(w, mw), min(h, mh)
    px, py = root.winfo_pointerxy()
    x = min(max(px, mx), mx + mw - w)
    y = min(max(py, my), my + mh - h)
    return (x, y, w, h)
