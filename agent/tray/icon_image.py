"""The tray icon's picture and tooltip, drawn with Pillow.

The icon is a progress ring: it fills clockwise from 12 o'clock as sitting
time approaches the limit, so the time left shows at a glance. Each state has
its own look, chosen to stay distinct at 16 px and for colour-blind users
(every state differs in shape, not only in colour):

* ``working``   teal arc on a light track, a small seated figure in the
  white centre from 20 px (Upright's own mark; below that it is a smudge);
* ``break_due`` a calm full amber ring round a small standing figure: time to
  get up (not an error: no red, no "!");
* ``paused``    grey track with two pause bars in the centre;
* ``standing``  blue arc with an upward arrow in the centre;
* ``away``      a pale, faded empty ring with a small crescent moon.

Everything is drawn supersampled (at least 256 px) and reduced with LANCZOS,
which gives smooth edges without blurring the ring away at 16 px: the ring is
kept at least 3 target pixels wide and its outer contour is darkened so it
stays visible on both light and dark panels.

Nothing here touches the display; it is plain Pillow and safe to call from
any thread.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import importlib.util
import math
import sys
import types
from typing import Optional, Tuple, Union

from PIL import Image


class _FreeTypeOnDemand(types.ModuleType):
    """Stands in for ``PIL._imagingft`` in ``PIL.ImageFont`` until a font is first used.

    A module, so ImageFont's ``isinstance(core, ModuleType)`` checks pass; the
    first attribute read imports the real engine and puts it in place.
    """

    def __getattr__(self, name: str):
        from PIL import ImageFont

        real = importlib.import_module("PIL._imagingft")
        ImageFont.core = real
        return getattr(real, name)


def _image_draw_without_freetype() -> types.ModuleType:
    """``PIL.ImageDraw``, without loading Pillow's font engine until a font is used.

    ImageDraw imports ImageFont, which loads ``_imagingft`` and with it
    FreeType, HarfBuzz and FriBiDi: 1.2 MiB resident in the agent (measured
    under Xvfb, see benchmarks/agent.py) for text the tray icon never draws.
    ImageFont is imported with the engine held back, then given a stand-in
    that loads the engine on first use, so fonts and text work as before
    (tests/test_tray_icon.py checks both). If Pillow ever imports its engine
    differently, this is a plain import.
    """
    if "PIL.ImageDraw" in sys.modules or "PIL._imagingft" in sys.modules:
        return importlib.import_module("PIL.ImageDraw")
    sys.modules["PIL._imagingft"] = None  # type: ignore[assignment]  # makes `import` raise ImportError
    try:
        draw_module = importlib.import_module("PIL.ImageDraw")
    finally:
        del sys.modules["PIL._imagingft"]
    from PIL import ImageFont, _util

    engine_installed = importlib.util.find_spec("PIL._imagingft") is not None  # found, not loaded
    if engine_installed and isinstance(getattr(ImageFont, "core", None), _util.DeferredError):
        ImageFont.core = _FreeTypeOnDemand("PIL._imagingft")
    return draw_module


ImageDraw = _image_draw_without_freetype()

STATES = ("working", "break_due", "paused", "standing", "away")

RGB = Tuple[int, int, int]

#: The calm palette. Warm colour only for "break due".
TEAL = (42, 157, 143)
AMBER = (232, 160, 40)  # "break due": warm and calm, not an alarm
FIGURE = (44, 62, 72)  # the little person in the centre
BLUE = (61, 126, 166)
GREY = (138, 148, 156)
GREY_DARK = (84, 96, 106)
TRACK = (218, 225, 230)
CENTRE = (255, 255, 255)
OUTLINE = (70, 82, 92)
#: Background used by ``opaque=True`` when none is given: a light neutral grey
#: close to the default of most panels, so the square corners do not glare.
DEFAULT_BACKGROUND = (236, 238, 240)

_MIN_SUPERSAMPLED = 256


def _parse_colour(colour: Union[RGB, str, None]) -> RGB:
    if colour is None:
        return DEFAULT_BACKGROUND
    if isinstance(colour, str):
        from PIL import ImageColor

        return ImageColor.getrgb(colour)[:3]
    return tuple(int(c) for c in colour[:3])  # type: ignore[return-value]


def draw_icon(
    size: int,
    progress: float,
    state: str,
    *,
    opaque: bool = False,
    background: Union[RGB, str, None] = None,
) -> Image.Image:
    """Draw the tray icon as a ``size`` x ``size`` RGBA image.

    ``progress`` is the fraction (clamped to 0..1) of the sitting limit used
    up; for ``standing`` it is the fraction of the standing limit. ``state``
    is one of :data:`STATES`.

    With ``opaque=True`` every pixel is fully opaque: the icon is composited
    onto ``background`` (an RGB tuple or a colour name, default
    :data:`DEFAULT_BACKGROUND`). Use it for backends that paste the image onto
    an RGB surface, where transparent pixels would otherwise turn black
    (pystray's X11 backend does exactly that).
    """
    if state not in STATES:
        raise ValueError(f"unknown tray state {state!r}; expected one of {STATES}")
    size = int(size)
    if size < 8:
        raise ValueError(f"icon size must be at least 8 px, not {size}")
    try:
        progress = float(progress)
    except (TypeError, ValueError):
        progress = 0.0
    if math.isnan(progress):
        progress = 0.0
    progress = min(1.0, max(0.0, progress))

    scale = max(4, math.ceil(_MIN_SUPERSAMPLED / size))
    big = size * scale
    layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)

    # Geometry in target pixels, converted to the supersampled canvas.
    # Outer edge on the pixel grid (no margin below 24 px: every pixel counts).
    margin = 0.0 if size < 24 else size / 32
    outer = size / 2 - margin
    ring = max(3.0, size * 0.2)
    outline = max(1.0, size / 24)
    inner = outer - ring
    c = big / 2

    def box(radius: float) -> Tuple[float, float, float, float]:
        r = radius * scale
        return (c - r, c - r, c + r - 1, c + r - 1)

    accent = {
        "working": TEAL,
        "break_due": AMBER,
        "paused": GREY,
        "standing": BLUE,
        "away": GREY,
    }[state]

    if state == "break_due":
        # A full warm ring, thicker than the working one, round a person standing
        # up: "time to stand" reads at a glance, and in shape as well as colour.
        due_inner = outer - max(2.5, size * 0.15)
        draw.ellipse(box(outer), fill=_shade(AMBER, 0.62))
        draw.ellipse(box(outer - outline), fill=AMBER)
        draw.ellipse(box(due_inner), fill=_shade(AMBER, 0.62))
        draw.ellipse(box(due_inner - outline * 0.75), fill=CENTRE)
        _standing_figure(draw, c, due_inner, scale)
    elif state == "away":
        # Nobody is sitting and the clock is reset: a pale, empty ring with a
        # small crescent moon, and the whole icon slightly faded.
        draw.ellipse(box(outer), fill=GREY)
        draw.ellipse(box(outer - outline), fill=_mix(TRACK, CENTRE, 0.5))
        draw.ellipse(box(inner), fill=GREY)
        draw.ellipse(box(inner - outline * 0.75), fill=CENTRE)
        _moon(draw, c, inner, scale)
        alpha = layer.getchannel("A").point(lambda a: a * 80 // 100)
        layer.putalpha(alpha)
    else:
        # Contour, light track, then the progress arc from 12 o'clock.
        draw.ellipse(box(outer), fill=OUTLINE)
        draw.ellipse(box(outer - outline), fill=TRACK)
        if state == "paused":
            # Frozen progress, shown in grey: the clock is not running.
            _arc(draw, box(outer - outline), progress, GREY)
        else:
            _arc(draw, box(outer - outline), progress, accent)
        draw.ellipse(box(inner), fill=_mix(OUTLINE, TRACK, 0.35))
        draw.ellipse(box(inner - outline * 0.75), fill=CENTRE)
        if state == "paused":
            _pause_bars(draw, c, inner, scale)
        elif state == "standing":
            _up_arrow(draw, c, inner, scale)
        elif size >= 20:  # working; below 20 px the centre is too small for a figure to read
            _seated_figure(draw, c, inner, scale)

    small = layer.resize((size, size), Image.LANCZOS)
    if opaque:
        base = Image.new("RGBA", (size, size), _parse_colour(background) + (255,))
        base.alpha_composite(small)
        return base
    return small


def _shade(colour: RGB, factor: float) -> RGB:
    return tuple(int(round(v * factor)) for v in colour)  # type: ignore[return-value]


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))  # type: ignore[return-value]


def _arc(draw: ImageDraw.ImageDraw, bbox, progress: float, colour: RGB) -> None:
    """A pie slice from 12 o'clock clockwise (Pillow angles go clockwise)."""
    if progress <= 0:
        return
    if progress >= 1:
        draw.ellipse(bbox, fill=colour)
        return
    draw.pieslice(bbox, start=-90, end=-90 + 360 * progress, fill=colour)


def _stroke(draw: ImageDraw.ImageDraw, points, width: float, colour: RGB) -> None:
    """A line with round ends and joints through ``points`` (supersampled px)."""
    draw.line(points, fill=colour, width=max(1, round(width)), joint="curve")
    for x, y in points:
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=colour)


def _standing_figure(draw: ImageDraw.ImageDraw, c: float, inner: float, scale: int) -> None:
    """A person standing, arms a little out, seen from the front: head, body, arms and legs."""
    r = inner * scale
    limb = max(1.1 * scale, r * 0.2)

    def at(x: float, y: float) -> tuple[float, float]:
        return (c + x * r, c + y * r)

    _stroke(draw, [at(-0.26, 0.78), at(0, 0.12), at(0.26, 0.78)], limb * 1.05, FIGURE)
    _stroke(draw, [at(0, 0.16), at(0, -0.3)], limb * 1.35, FIGURE)
    _stroke(draw, [at(-0.42, 0.18), at(0, -0.3), at(0.42, 0.18)], limb * 0.9, FIGURE)
    head = max(1.3 * scale, r * 0.23)
    hx, hy = at(0, -0.6)
    draw.ellipse((hx - head, hy - head, hx + head, hy + head), fill=FIGURE)


def _seated_figure(draw: ImageDraw.ImageDraw, c: float, inner: float, scale: int) -> None:
    """A person seated, seen from the side, facing right: head, back, thigh and shin."""
    r = inner * scale
    limb = max(1.0 * scale, r * 0.2)

    def at(x: float, y: float) -> tuple[float, float]:
        return (c + x * r, c + y * r)

    _stroke(draw, [at(-0.22, -0.28), at(-0.26, 0.22), at(0.32, 0.22), at(0.32, 0.74)], limb, FIGURE)
    _stroke(draw, [at(-0.2, -0.16), at(0.02, 0.06), at(0.3, 0.04)], limb * 0.8, FIGURE)
    head = max(1.2 * scale, r * 0.22)
    hx, hy = at(-0.14, -0.58)
    draw.ellipse((hx - head, hy - head, hx + head, hy + head), fill=FIGURE)


def _pause_bars(draw: ImageDraw.ImageDraw, c: float, inner: float, scale: int) -> None:
    h = inner * 1.2 * scale
    w = max(1.0, inner * 0.36) * scale
    gap = max(1.0, inner * 0.3) * scale
    for x0 in (c - gap / 2 - w, c + gap / 2):
        draw.rectangle((x0, c - h / 2, x0 + w - 1, c + h / 2 - 1), fill=GREY_DARK)


def _up_arrow(draw: ImageDraw.ImageDraw, c: float, inner: float, scale: int) -> None:
    r = inner * scale
    head_h = r * 0.85
    top = c - r * 0.8
    draw.polygon(
        [(c, top), (c + r * 0.78, top + head_h), (c - r * 0.78, top + head_h)], fill=BLUE
    )
    sw = max(1.2 * scale, r * 0.42)
    draw.rectangle((c - sw / 2, top + head_h - 1, c + sw / 2, c + r * 0.8), fill=BLUE)


def _moon(draw: ImageDraw.ImageDraw, c: float, inner: float, scale: int) -> None:
    """A crescent: a disc minus an offset disc, drawn through a mask so the
    bite never paints over the ring."""
    r = inner * 0.7 * scale
    off = r * 0.5
    size = draw.im.size
    mask = Image.new("L", size, 0)
    md = ImageDraw.Draw(mask)
    md.ellipse((c - r, c - r, c + r, c + r), fill=255)
    md.ellipse((c - r + off, c - r - off * 0.45, c + r + off, c + r - off * 0.45), fill=0)
    draw.bitmap((0, 0), mask, fill=GREY_DARK)


# --- tooltip -----------------------------------------------------------------


def _minutes(seconds: float, *, round_up: bool) -> str:
    """``"18 min"``, ``"1 h 05 min"``; countdowns round up, elapsed rounds down."""
    seconds = max(0.0, float(seconds))
    minutes = math.ceil(seconds / 60) if round_up else math.floor(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" if rest == 0 else f"{hours} h {rest:02d} min"


def tooltip_text(
    sitting_s: Optional[float],
    next_break_in_s: Optional[float],
    state: str,
    standing: bool = False,
    *,
    standing_s: Optional[float] = None,
    paused_until: Union[_dt.datetime, _dt.time, None] = None,
    now: Optional[_dt.datetime] = None,
) -> str:
    """One line for the tray tooltip / window title.

    Examples: ``"Sitting 18 min · next break in 12 min"``, ``"Break due ·
    sitting 32 min"``, ``"Paused until 14:30"``, ``"Standing 10 min"``,
    ``"Away"``.

    ``sitting_s`` is sitting time so far, ``next_break_in_s`` the time until
    the next prompt (``None`` if unknown). ``standing`` (or ``state ==
    "standing"``) says the user is at a standing desk position; pass
    ``standing_s`` for how long, else the text is just "Standing".
    ``paused_until`` is a datetime or time of day; ``now`` (default: local
    now) decides whether that is "tomorrow". Only Latin-1 characters are used,
    because X11 window titles (``WM_NAME``) are Latin-1.
    """
    if state not in STATES:
        raise ValueError(f"unknown tray state {state!r}; expected one of {STATES}")
    if state == "away":
        return "Away"
    if state == "paused":
        if paused_until is None:
            return "Paused"
        return "Paused until " + _until(paused_until, now)
    if state == "standing" or standing:
        if standing_s is None:
            return "Standing"
        return f"Standing {_minutes(standing_s, round_up=False)}"
    if state == "break_due":
        if sitting_s is None:
            return "Break due"
        return f"Break due \u00b7 sitting {_minutes(sitting_s, round_up=False)}"
    # working
    text = f"Sitting {_minutes(sitting_s or 0, round_up=False)}"
    if next_break_in_s is not None:
        if next_break_in_s <= 0:
            text += " \u00b7 break due now"
        else:
            text += f" \u00b7 next break in {_minutes(next_break_in_s, round_up=True)}"
    return text


def _until(when: Union[_dt.datetime, _dt.time], now: Optional[_dt.datetime]) -> str:
    if isinstance(when, _dt.time):
        return when.strftime("%H:%M")
    now = now or _dt.datetime.now(tz=when.tzinfo)
    days = (when.date() - now.date()).days
    if days <= 0:
        return when.strftime("%H:%M")
    if days == 1:
        return "tomorrow " + when.strftime("%H:%M")
    return when.strftime("%a %H:%M")
