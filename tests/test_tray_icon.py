"""The tray icon's picture and tooltip (pure Pillow, no display needed).

Also writes tests/artifacts/tray_icons.png, a contact sheet of every state at
every size (x4, nearest neighbour) on a light and a dark panel, for review.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from agent.tray.icon_image import STATES, draw_icon, tooltip_text

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SIZES = (16, 22, 32, 64)
PROGRESS = {"working": 0.4, "break_due": 1.0, "paused": 0.4, "standing": 0.4, "away": 0.0}


def _on(image: Image.Image, colour) -> Image.Image:
    base = Image.new("RGBA", image.size, tuple(colour) + (255,))
    base.alpha_composite(image)
    return base.convert("RGB")


def _differs(a: Image.Image, b: Image.Image, min_pixels: int) -> bool:
    """True if at least ``min_pixels`` pixels differ by more than a rounding step."""
    diff = ImageChops.difference(a.convert("RGBA"), b.convert("RGBA"))
    per_pixel = diff.convert("L").point(lambda v: 255 if v > 12 else 0)
    return ImageStat.Stat(per_pixel).sum[0] / 255 >= min_pixels


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", STATES)
def test_every_state_and_size_is_drawn(state, size):
    image = draw_icon(size, PROGRESS[state], state)
    assert image.size == (size, size)
    assert image.mode == "RGBA"
    alpha = image.getchannel("A")
    covered = sum(alpha.histogram()[129:])
    # A round badge covers about pi/4 of the square; demand a good part of it.
    assert covered >= 0.5 * size * size, f"{state}@{size}: only {covered} opaque pixels"
    # Not a flat blob: there is real contrast inside the icon.
    lo, hi = _on(image, (255, 255, 255)).convert("L").getextrema()
    assert hi - lo >= 80


@pytest.mark.parametrize("size", SIZES)
def test_states_differ_from_each_other(size):
    images = {state: draw_icon(size, 0.4, state) for state in STATES}
    for a, b in itertools.combinations(STATES, 2):
        assert _differs(images[a], images[b], min_pixels=max(6, size * size // 25)), (a, b, size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", ["working", "standing"])
def test_progress_shows(state, size):
    empty, half, full = (draw_icon(size, p, state) for p in (0.0, 0.5, 1.0))
    enough = max(4, size * size // 30)
    assert _differs(empty, half, enough)
    assert _differs(half, full, enough)
    assert _differs(empty, full, enough)


def test_ring_fills_clockwise_from_twelve():
    size = 64
    quarter = _on(draw_icon(size, 0.25, "working"), (255, 255, 255))
    empty = _on(draw_icon(size, 0.0, "working"), (255, 255, 255))
    # A point on the ring at 1:30 (top right) changes, one at 10:30 does not.
    ring_r = size / 2 - size * 0.16
    c = size / 2
    top_right = (int(c + ring_r * 0.7), int(c - ring_r * 0.7))
    top_left = (int(c - ring_r * 0.7), int(c - ring_r * 0.7))
    assert quarter.getpixel(top_right) != empty.getpixel(top_right)
    assert quarter.getpixel(top_left) == empty.getpixel(top_left)


def test_progress_is_clamped_and_tolerant():
    assert draw_icon(16, -3, "working").tobytes() == draw_icon(16, 0, "working").tobytes()
    assert draw_icon(16, 7, "working").tobytes() == draw_icon(16, 1, "working").tobytes()
    assert draw_icon(16, float("nan"), "working").tobytes() == draw_icon(16, 0, "working").tobytes()
    with pytest.raises(ValueError):
        draw_icon(16, 0.5, "sleeping")
    with pytest.raises(ValueError):
        draw_icon(4, 0.5, "working")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", STATES)
def test_opaque_mode_has_no_transparent_pixels(state, size):
    image = draw_icon(size, PROGRESS[state], state, opaque=True)
    assert image.getchannel("A").getextrema() == (255, 255)
    # The corners show the background, not black (what pasting RGBA onto RGB gives).
    assert image.getpixel((0, 0))[:3] != (0, 0, 0)
    dark = draw_icon(size, PROGRESS[state], state, opaque=True, background=(30, 30, 30))
    assert dark.getpixel((0, 0))[:3] == (30, 30, 30)
    named = draw_icon(size, PROGRESS[state], state, opaque=True, background="white")
    assert named.getpixel((0, 0))[:3] == (255, 255, 255)


def test_ring_is_visible_at_16px_on_light_and_dark_panels():
    for background in ((240, 240, 240), (35, 38, 41)):
        image = _on(draw_icon(16, 0.0, "working"), background)
        edge = image.convert("L")
        bg = ImageStat.Stat(Image.new("L", (1, 1), int(sum(background) / 3))).mean[0]
        # Walk the top row of the ring (y = 1): it must stand out from the panel.
        strongest = max(abs(edge.getpixel((x, 1)) - bg) for x in range(4, 12))
        assert strongest >= 40, (background, strongest)


def test_tooltip_texts():
    assert tooltip_text(18 * 60, 12 * 60, "working", False) == "Sitting 18 min \u00b7 next break in 12 min"
    # Countdowns round up, elapsed time rounds down.
    assert tooltip_text(18 * 60 + 59, 11 * 60 + 1, "working", False) == "Sitting 18 min \u00b7 next break in 12 min"
    assert tooltip_text(20, None, "working", False) == "Sitting 0 min"
    assert tooltip_text(29 * 60, 0, "working", False) == "Sitting 29 min \u00b7 break due now"
    assert tooltip_text(95 * 60, 5 * 60, "working", False) == "Sitting 1 h 35 min \u00b7 next break in 5 min"
    assert tooltip_text(120 * 60, 5 * 60, "working", False).startswith("Sitting 2 h \u00b7")
    assert tooltip_text(32 * 60, 0, "break_due", False) == "Break due \u00b7 sitting 32 min"
    assert tooltip_text(None, None, "break_due", False) == "Break due"
    assert tooltip_text(0, None, "away", False) == "Away"
    assert tooltip_text(0, None, "paused", False) == "Paused"
    assert tooltip_text(0, None, "paused", False, paused_until=dt.time(14, 30)) == "Paused until 14:30"
    now = dt.datetime(2024, 5, 6, 10, 0)
    assert tooltip_text(0, None, "paused", False, paused_until=dt.datetime(2024, 5, 6, 14, 30), now=now) == (
        "Paused until 14:30"
    )
    assert tooltip_text(0, None, "paused", False, paused_until=dt.datetime(2024, 5, 7, 8, 0), now=now) == (
        "Paused until tomorrow 08:00"
    )
    assert tooltip_text(0, None, "paused", False, paused_until=dt.datetime(2024, 5, 9, 8, 0), now=now) == (
        "Paused until Thu 08:00"
    )
    assert tooltip_text(5 * 60, 25 * 60, "standing", True, standing_s=10 * 60) == "Standing 10 min"
    assert tooltip_text(5 * 60, 25 * 60, "working", True) == "Standing"
    with pytest.raises(ValueError):
        tooltip_text(0, 0, "napping", False)


def test_tooltips_fit_an_x11_title():
    """WM_NAME is Latin-1: every text must encode."""
    for state in STATES:
        for standing in (False, True):
            tooltip_text(3600, 60, state, standing, standing_s=60).encode("latin-1")


# Draws text with Pillow's FreeType engine and prints the font's class and a checksum of the pixels.
TEXT = (
    "import zlib\n"
    "from PIL import Image, ImageDraw, ImageFont\n"
    "image = Image.new('L', (160, 40))\n"
    "font = ImageFont.load_default(24)\n"
    "ImageDraw.Draw(image).text((2, 2), 'Upright 30 min', font=font, fill=255)\n"
    "print(type(font).__name__, image.getbbox() is not None, zlib.crc32(image.tobytes()))\n"
)


def _python(code: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_icon_leaves_the_font_engine_unloaded_and_text_still_works():
    """Drawing the icon loads no FreeType (1.2 MiB resident); text drawn later in the
    same process gets the real engine: the same font and the same pixels as without the stand-in."""
    icon_first = _python(
        "import sys\n"
        "from agent.tray.icon_image import draw_icon\n"
        "draw_icon(22, 0.5, 'working'); draw_icon(22, 1.0, 'break_due')\n"
        "print('PIL._imagingft' in sys.modules)\n" + TEXT
    )
    text_only = _python(TEXT)
    assert icon_first[0] == "False"
    assert icon_first[1:] == text_only == ["FreeTypeFont", "True", text_only[2]]


def test_contact_sheet_for_review():
    """tests/artifacts/tray_icons.png: every state x size, x4, light and dark panel."""
    ARTIFACTS.mkdir(exist_ok=True)
    zoom, pad, label_w = 4, 8, 78
    sizes = (16, 22, 24, 32, 48, 64)
    rows = [("working", 0.0), ("working", 0.3), ("working", 0.75), ("working", 1.0),
            ("break_due", 1.0), ("paused", 0.4), ("standing", 0.5), ("away", 0.0)]
    panels = ((236, 238, 240), (45, 49, 56))
    cell_w = sum(s * zoom + pad for s in sizes)
    row_h = max(sizes) * zoom + pad
    sheet = Image.new("RGB", (label_w + cell_w * len(panels) + pad, pad + row_h * len(rows)), "white")
    draw = ImageDraw.Draw(sheet)
    placed = {}  # (row, panel, size) -> the box its icon was pasted into
    for r, (state, progress) in enumerate(rows):
        y = pad + r * row_h
        draw.text((4, y + 4), f"{state}\n{progress:.2f}", fill=(0, 0, 0))
        for p, panel in enumerate(panels):
            x = label_w + p * cell_w
            draw.rectangle((x, y - pad // 2, x + cell_w - 1, y + row_h - pad // 2 - 1), fill=panel)
            for size in sizes:
                icon = _on(draw_icon(size, progress, state), panel)
                tile = Image.new("RGB", (size * zoom + pad, size * zoom + pad), panel)
                tile.paste(icon.resize((size * zoom, size * zoom), Image.NEAREST), (pad // 2, pad // 2))
                sheet.paste(tile, (x, y - pad // 2))
                placed[r, p, size] = (x + pad // 2, y, x + pad // 2 + size * zoom, y + size * zoom)
                x += size * zoom + pad
    path = ARTIFACTS / "tray_icons.png"
    sheet.save(path)
    saved = Image.open(path).convert("RGB")
    assert saved.size == sheet.size and len(placed) == len(rows) * len(panels) * len(sizes)
    for (r, p, size), box in placed.items():
        cell = saved.crop(box)
        state, progress = rows[r]
        # Each cell holds the icon of its state at its size, drawn on its panel: not an empty tile.
        assert not _differs(cell, _on(draw_icon(size, progress, state), panels[p]).resize(cell.size, Image.NEAREST), 1)
        assert _differs(cell, Image.new("RGB", cell.size, panels[p]), size * zoom), f"no icon in {rows[r]} {size}"
    for p in range(len(panels)):  # the states read apart: no two rows show the same picture
        icons = [saved.crop(placed[r, p, 22]) for r in range(len(rows))]
        assert all(_differs(a, b, 4) for n, a in enumerate(icons) for b in icons[n + 1:])


# --- figures people recognise (issue 19) ----------------------------------------------

def _figure_pixels(image: Image.Image) -> Image.Image:
    """A mask of the little person's ink in the icon's white centre."""
    from agent.tray.icon_image import FIGURE

    rgb = _on(image, (255, 255, 255))
    return ImageChops.difference(rgb, Image.new("RGB", rgb.size, FIGURE)).convert("L").point(
        lambda v: 255 if v < 30 else 0)


@pytest.mark.parametrize("size", (16, 22, 48, 64))
def test_break_due_is_a_calm_amber_ring_not_an_alarm(size):
    image = _on(draw_icon(size, 1.0, "break_due"), (255, 255, 255))
    c, r = size / 2, size / 2 - max(1.0, size / 32) - max(2.5, size * 0.15) / 2  # the ring's middle
    for n in range(12):
        angle = 2 * math.pi * n / 12
        red, green, blue = image.getpixel((int(c + r * math.cos(angle)), int(c + r * math.sin(angle))))
        assert red > green > blue and 0.55 < green / red < 0.8, ("not amber", n, (red, green, blue))
    red, green, _ = image.split()
    alarm = ImageChops.multiply(red.point(lambda v: 255 if v > 180 else 0), green.point(lambda v: 255 if v < 110 else 0))
    assert alarm.getbbox() is None, "no alarm red in a break-due icon"


@pytest.mark.parametrize("size", (16, 22, 48))
def test_break_due_shows_a_person_standing_and_working_one_seated(size):
    standing = _figure_pixels(draw_icon(size, 1.0, "break_due"))
    box = standing.getbbox()
    assert box is not None, "no figure in the break-due icon"
    width, height = box[2] - box[0], box[3] - box[1]
    assert height >= size * 0.4 and height > width, f"a standing person is tall and narrow: {width}x{height}"
    mirrored = ImageChops.difference(standing, standing.transpose(Image.FLIP_LEFT_RIGHT))
    assert sum(mirrored.histogram()[128:]) <= max(2, size // 8), "seen from the front: left and right alike"
    if size < 20:
        return  # no figure in a 16 px working icon: the centre is too small to read
    seated = _figure_pixels(draw_icon(size, 0.3, "working"))
    box = seated.getbbox()
    assert box is not None and box[3] - box[1] >= size * 0.3, "a seated person in the working icon"
    mirrored = ImageChops.difference(seated, seated.transpose(Image.FLIP_LEFT_RIGHT))
    assert sum(mirrored.histogram()[128:]) >= size, "seen from the side: the knees point one way"


# --- the X11 tooltip's picture and place (agent/tray/x11_tooltip.py) ------------------------

def test_the_tooltip_has_a_line_per_line_and_grows_with_the_tray():
    from agent.tray.x11_tooltip import font_px, render

    one = render("Sitting 18 min · next break in 12 min", font_px(22))
    two = render("Sitting 18 min · next break in 12 min\nCold pack off at 14:35", font_px(22))
    big = render("Sitting 18 min · next break in 12 min", font_px(48))
    assert two.height > one.height * 1.6 and two.width == one.width
    assert font_px(22) == 13 and font_px(48) == 24
    assert big.height > one.height * 1.6 and big.width > one.width * 1.6


@pytest.mark.parametrize("icon, expected", [
    ((1000, 0, 24, 24), (1024 - 200, 28)),  # top right: below, pulled inside the screen
    ((500, 744, 24, 24), (412, 744 - 4 - 30)),  # bottom panel: above, centred
    ((0, 500, 24, 24), (0, 500 - 4 - 30)),  # a left panel's lower half: above, never off the left edge
])
def test_the_tooltip_sits_by_the_icon_inside_the_screen(icon, expected):
    from agent.tray.x11_tooltip import position

    assert position(icon, (200, 30), (1024, 768)) == expected
