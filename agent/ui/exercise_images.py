"""Pictures of the exercise library for people to review, written to a folder.

``upright exercises render`` calls this so that anyone (a reviewer, IT
checking their own exercises, a translator) can see every illustration
without opening the agent: each exercise's start and end pose as PNGs, the
two side by side with an arrow between (``<id>_pair.png``), an animated GIF of the movement, a contact sheet of them all, and an index
giving each its alt text. Plain Pillow: no display needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from agent.content.exercises import Exercise
from agent.content.pose import timeline
from agent.ui.exercise import draw_exercise, draw_exercise_pair
from agent.ui.theme import BACKGROUND, INK, INK_SOFT

SIZE = 240  # px at scale 1: the size the break window shows at 100 %
COLUMNS = 4


def write_review(exercises: Sequence[Exercise], out: str | Path, scale: int = 1) -> list[Path]:
    """Write every exercise's pictures, the contact sheet and the index into ``out``; the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    size = SIZE * scale
    written = []
    for exercise in exercises:
        for name, phase in (("start", 0.0), ("end", 1.0)):
            path = out / f"{exercise.id}_{name}.png"
            _save_png(flat(draw_exercise(exercise, size, phase)), path, exercise.alt_text)
            written.append(path)
        pair = out / f"{exercise.id}_pair.png"
        _save_png(flat(draw_exercise_pair(exercise, size)), pair, exercise.alt_text)
        written.append(pair)
        written.append(_save_gif(exercise, size, out / f"{exercise.id}.gif"))
    sheet = out / "contact_sheet.png"
    _save_png(contact_sheet(exercises, scale), sheet, "Every exercise, end pose over a faint start pose.")
    index = out / "index.md"
    index.write_text(_index(exercises), encoding="utf-8")
    return written + [sheet, index]


def flat(image: Image.Image) -> Image.Image:
    """``image`` on the window's background colour, as the break window shows it."""
    ground = Image.new("RGBA", image.size, BACKGROUND)
    ground.alpha_composite(image)
    return ground.convert("RGB")


def contact_sheet(exercises: Sequence[Exercise], scale: int = 1) -> Image.Image:
    """All exercises in a grid, each as the window shows it, with its name and position."""
    size, label = SIZE * scale, 46 * scale
    rows = max(1, -(-len(exercises) // COLUMNS))
    sheet = Image.new("RGB", (COLUMNS * size, rows * (size + label)), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    title, small = _font(15 * scale), _font(12 * scale)
    for n, exercise in enumerate(exercises):
        x, y = (n % COLUMNS) * size, (n // COLUMNS) * (size + label)
        sheet.paste(flat(draw_exercise(exercise, size, 1.0, ghost=0.0)), (x, y))
        draw.text((x + 10 * scale, y + size), exercise.name, fill=INK, font=title)
        detail = exercise.position + (" · adapted for the desk" if exercise.adapted_for_desk else "")
        draw.text((x + 10 * scale, y + size + 21 * scale), detail, fill=INK_SOFT, font=small)
    return sheet


def _save_png(image: Image.Image, path: Path, alt_text: str) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", alt_text)
    image.save(path, pnginfo=info)


def _save_gif(exercise: Exercise, size: int, path: Path) -> Path:
    steps = timeline(exercise.movement) if exercise.movement else [(0.0, 700), (1.0, 700)]
    drawn: dict[float, Image.Image] = {}  # the way back passes the same phases as the way there
    for phase, _ in steps:
        if phase not in drawn:
            drawn[phase] = flat(draw_exercise(exercise, size, phase)).quantize(64)
    frames = [drawn[phase] for phase, _ in steps]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=[ms for _, ms in steps], loop=0,
                   comment=exercise.alt_text.encode("utf-8"))
    return path


def _index(exercises: Sequence[Exercise]) -> str:
    lines = ["# Upright's exercises", ""]
    for e in exercises:
        adapted = f", adapted for the desk from `{e.adapted_from}`" if e.adapted_for_desk else ""
        lines += [f"## {e.name} (`{e.id}`, {e.position}{adapted})", "", f"![{e.alt_text}]({e.id}.gif)", "",
                  f"Alt text: {e.alt_text}", "", f"Sources: {', '.join(e.sources)}", ""]
    return "\n".join(lines)


def _font(px: int) -> ImageFont.ImageFont:
    for name in ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf"):
        try:
            return ImageFont.truetype(name, px)
        except OSError:
            continue
    return ImageFont.load_default(px)
