"""A tooltip of Upright's own for the X11 tray icon, where the tray host shows none.

pystray's X11 backend docks a bare window into an XEmbed tray (trayer, many
panels): the icon's title is its ``WM_NAME``, which no tray host shows, so
"Sitting 18 min · next break in 12 min" was never seen. So the icon shows it
itself: when the pointer rests on the icon for `HOVER_DELAY_S`, a small
override-redirect window (not decorated, never focused, like any tooltip)
appears just below the icon (above it when the panel is at the bottom),
within the screen, and goes when the pointer leaves or clicks.

The text is drawn with Pillow (anti-aliased DejaVu Sans, sized to the tray:
bigger in a 48 px panel than in a 22 px one) and put into the window as an
image, as pystray puts the icon: no X core fonts. Everything here runs in
the tray's X thread, on the icon's own X connection (:mod:`agent.tray._pystray`).
"""

from __future__ import annotations

import logging
import time
from typing import Optional, Tuple

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger("agent.tray")

#: How long the pointer rests on the icon before the tooltip shows (desktops use 0.4-0.8 s).
HOVER_DELAY_S = 0.5
#: The tooltip's name, as window tools see it.
NAME = "Upright tooltip"
INK, PAPER, EDGE = (28, 38, 43), (255, 255, 255), (91, 107, 115)
GAP = 4  # between the icon and the tooltip
FONT_FILE = "DejaVuSans.ttf"

Rect = Tuple[int, int, int, int]


def font_px(icon_side: int) -> int:
    """The text size for an icon this big: 13 px in a 22-24 px tray, 24 px in a 48 px one."""
    return max(13, round(icon_side / 2))


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_FILE, size)
    except OSError:  # no DejaVu on this system: Pillow's own font, still scalable
        return ImageFont.load_default(size)


def render(text: str, size: int) -> Image.Image:
    """The tooltip: ``text`` (one line per line) in ``size`` px type on white, with a 1 px edge."""
    font = _font(size)
    lines = text.split("\n") or [""]
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    boxes = [probe.textbbox((0, 0), line or " ", font=font) for line in lines]
    line_h = round(size * 1.35)
    pad_x, pad_y = round(size * 0.6), round(size * 0.35)
    width = max(box[2] for box in boxes) + 2 * pad_x
    height = line_h * len(lines) + 2 * pad_y
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((pad_x, pad_y + n * line_h + (line_h - size) // 2 - 1), line, font=font, fill=INK)
    draw.rectangle((0, 0, width - 1, height - 1), outline=EDGE)
    return image


def position(icon: Rect, size: Tuple[int, int], screen: Tuple[int, int]) -> Tuple[int, int]:
    """Where the tooltip goes: below an icon in the screen's top half, above one in the bottom
    half, centred on it and kept inside the screen."""
    x, y, w, h = icon
    width, height = size
    screen_w, screen_h = screen
    left = min(max(0, x + w // 2 - width // 2), max(0, screen_w - width))
    top = y + h + GAP if y + h / 2 < screen_h / 2 else y - GAP - height
    return left, min(max(0, top), max(0, screen_h - height))


class Tooltip:
    """The tooltip window of one tray icon; call from the icon's X thread only."""

    def __init__(self, display) -> None:
        self.display = display
        self.window = None
        self.text: Optional[str] = None  # shown now, or None
        self.shown_at: Optional[float] = None  # time.monotonic() it last appeared
        self.image: Optional[Image.Image] = None

    @property
    def visible(self) -> bool:
        return self.text is not None

    def show(self, text: str, icon_window) -> None:
        """Show ``text`` next to ``icon_window`` (the docked icon), or redraw it there."""
        import Xlib.X as X

        if not text:
            self.hide()
            return
        root = self.display.screen().root
        geometry = icon_window.get_geometry()
        at = icon_window.translate_coords(root, 0, 0)
        icon = (-at.x, -at.y, geometry.width, geometry.height)
        self.image = render(text, font_px(self._panel_thickness(icon_window, root) or min(icon[2:])))
        screen = self.display.screen()
        x, y = position(icon, self.image.size, (screen.width_in_pixels, screen.height_in_pixels))
        window = self._window()
        window.configure(x=x, y=y, width=self.image.width, height=self.image.height, stack_mode=X.Above)
        if not self.visible:
            window.map()
            self.shown_at = time.monotonic()
        self.text = text
        self._draw()

    @staticmethod
    def _panel_thickness(icon_window, root) -> int:
        """The height of a horizontal panel (width of a vertical one) holding the icon: the text
        follows the tray's size, which follows the screen's scale, whatever size the icon is drawn."""
        window = icon_window
        while True:
            parent = window.query_tree().parent
            if parent.id == root.id:
                break
            window = parent
        if window.id == icon_window.id:
            return 0  # not docked in a panel
        g, screen = window.get_geometry(), root.get_geometry()
        if g.y <= 0 or g.y + g.height >= screen.height:  # along the top or bottom edge: its height
            return g.height
        if g.x <= 0 or g.x + g.width >= screen.width:  # along a side: its width
            return g.width
        return min(g.width, g.height)

    def on_expose(self, event) -> bool:
        """Redraw after an Expose of the tooltip; True if the event was the tooltip's."""
        if self.window is None or event.window.id != self.window.id:
            return False
        if self.visible and event.count == 0:
            self._draw()
        return True

    def hide(self) -> None:
        if self.window is not None and self.visible:
            self.window.unmap()
            self.display.flush()
        self.text = None

    def destroy(self) -> None:
        if self.window is not None:
            try:
                self.window.destroy()
                self.display.flush()
            except Exception:  # noqa: BLE001 - the display may be gone already
                pass
        self.window, self.text = None, None

    def _window(self):
        import Xlib.X as X

        if self.window is None:
            screen = self.display.screen()
            self.window = screen.root.create_window(
                0, 0, 1, 1, 0, screen.root_depth, X.InputOutput, X.CopyFromParent,
                override_redirect=True, background_pixel=screen.white_pixel,
                event_mask=X.ExposureMask)
            self.window.set_wm_name(NAME)
            self.window.set_wm_class("upright", "Upright")
            kind = self.display.intern_atom("_NET_WM_WINDOW_TYPE")
            tooltip = self.display.intern_atom("_NET_WM_WINDOW_TYPE_TOOLTIP")
            self.window.change_property(kind, self.display.intern_atom("ATOM"), 32, [tooltip])
            self._gc = self.window.create_gc()
        return self.window

    def _draw(self) -> None:
        if self.window is not None and self.image is not None:
            self.window.put_pil_image(self._gc, 0, 0, self.image)
            self.display.flush()
