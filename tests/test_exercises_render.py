"""Every exercise's illustration: every frame drawn, the movement visible, crisp at 1x and 2x,
and `upright exercises render|list` for reviewers.

No display needed: the figures are plain Pillow. `upright exercises render
--out tests/artifacts/exercises` writes the same pictures for a person to look at.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

pytest.importorskip("PIL", reason="Pillow is not installed")

from PIL import Image, ImageChops, ImageFilter, ImageSequence  # noqa: E402

from agent.cli import main  # noqa: E402
from agent.content.exercises import load_library  # noqa: E402
from agent.content.pose import timeline  # noqa: E402
from agent.ui.exercise import draw_exercise  # noqa: E402
from agent.ui.exercise_images import SIZE, flat, write_review  # noqa: E402
from agent.ui.figure import BODY, FAR  # noqa: E402

LIBRARY = load_library()
ALL = pytest.mark.parametrize("exercise", LIBRARY, ids=lambda e: e.id)


def figure_share(image: Image.Image) -> float:
    """The share of the picture drawn in the figure's own colours (near or far limbs)."""
    rgb = image.convert("RGB")
    near = sum(ImageChops.difference(rgb, Image.new("RGB", rgb.size, colour[:3])).convert("L")
               .point(lambda v: 255 if v < 24 else 0).histogram()[255] for colour in (BODY, FAR))
    return near / (rgb.width * rgb.height)


def changed_share(a: Image.Image, b: Image.Image, threshold: int = 32) -> float:
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > threshold else 0)
    return diff.histogram()[255] / (a.width * a.height)


def steepness(image: Image.Image) -> int:
    """How sharp the edges are: the step in brightness between neighbouring
    pixels that 2 % of the edge steps reach. A crisp edge changes within a
    pixel (a large step); a blurred or enlarged one spreads over several."""
    grey = image.convert("L")
    w, h = grey.size
    across = ImageChops.difference(grey.crop((1, 0, w, h)), grey.crop((0, 0, w - 1, h))).histogram()
    down = ImageChops.difference(grey.crop((0, 1, w, h)), grey.crop((0, 0, w, h - 1))).histogram()
    steps = [0] * 8 + [a + b for a, b in zip(across[8:], down[8:])]  # edges only, not flat areas
    total, seen = sum(steps), 0
    for step in range(255, -1, -1):
        seen += steps[step]
        if seen >= total * 0.02:
            return step
    return 0


@ALL
def test_every_frame_is_drawn(exercise):
    for phase in sorted({phase for phase, _ in timeline(exercise.movement)}):
        image = draw_exercise(exercise, SIZE, phase)
        assert image.size == (SIZE, SIZE) and image.mode == "RGBA"
        assert figure_share(image) > 0.02, f"phase {phase}: no figure"
        alpha = image.getchannel("A")
        edges = [alpha.crop(box).getextrema()[1] for box in
                 ((0, 0, SIZE, 1), (0, SIZE - 1, SIZE, SIZE), (0, 0, 1, SIZE), (SIZE - 1, 0, SIZE, SIZE))]
        assert edges == [0, 0, 0, 0], f"phase {phase}: the drawing runs off the picture"


@ALL
def test_start_and_end_poses_differ(exercise):
    assert changed_share(draw_exercise(exercise, SIZE, 0.0), draw_exercise(exercise, SIZE, 1.0)) > 0.01


@ALL
def test_crisp_at_1x_and_2x(exercise):
    one, two = flat(draw_exercise(exercise, SIZE, 1.0)), flat(draw_exercise(exercise, 2 * SIZE, 1.0))
    assert two.size == (2 * SIZE, 2 * SIZE)
    # The same picture: twice the size, not another layout.
    assert changed_share(two.resize(one.size, Image.Resampling.LANCZOS), one, 64) < 0.01
    # Edges change within about a pixel at both sizes (the body against the backdrop is ~160 levels).
    assert steepness(one) >= 100 and steepness(two) >= 100
    # Drawn at 2x, not enlarged from 1x; and 1x clearly sharper than itself slightly blurred.
    assert steepness(two) > 1.4 * steepness(one.resize(two.size, Image.Resampling.BICUBIC))
    assert steepness(one) > 1.6 * steepness(one.filter(ImageFilter.GaussianBlur(1)))


@ALL
def test_the_alt_text_describes_the_setting(exercise):
    words = {"floor": "mat", "seated": "chair", "standing": ""}[exercise.position]
    assert words in exercise.alt_text and exercise.alt_text.endswith(".")


def test_a_ghost_shows_where_the_movement_starts():
    exercise = LIBRARY[0]
    plain, ghosted = draw_exercise(exercise, SIZE, 1.0), draw_exercise(exercise, SIZE, 1.0, ghost=0.0)
    assert changed_share(plain, ghosted, 8) > 0.005


def test_write_review_at_2x(tmp_path):
    exercise = next(e for e in LIBRARY if e.id == "standing_back_extension")
    written = write_review([exercise], tmp_path, scale=2)
    names = {p.name for p in written}
    assert names == {"standing_back_extension_start.png", "standing_back_extension_end.png",
                     "standing_back_extension_pair.png", "standing_back_extension.gif", "contact_sheet.png",
                     "index.md"}
    with Image.open(tmp_path / "standing_back_extension_pair.png") as png:
        assert png.height == 2 * SIZE and png.width > 4 * SIZE, "start, arrow and end side by side"
        assert png.info["Description"] == exercise.alt_text
    for name in ("standing_back_extension_start.png", "standing_back_extension_end.png"):
        with Image.open(tmp_path / name) as png:
            assert png.size == (2 * SIZE, 2 * SIZE)
            assert png.info["Description"] == exercise.alt_text
    with Image.open(tmp_path / "standing_back_extension.gif") as gif:
        assert gif.size == (2 * SIZE, 2 * SIZE) and gif.n_frames == len(timeline(exercise.movement))
        assert gif.info["comment"].decode("utf-8") == exercise.alt_text


def test_the_render_command_writes_every_exercise(tmp_path, capsys):
    out = tmp_path / "review"
    assert main(["exercises", "render", "--out", str(out)]) == 0
    assert f"for {len(LIBRARY)} exercises" in capsys.readouterr().out
    index = (out / "index.md").read_text(encoding="utf-8")
    for exercise in LIBRARY:
        for name in (f"{exercise.id}_start.png", f"{exercise.id}_end.png"):
            with Image.open(out / name) as png:
                assert png.size == (SIZE, SIZE)
        with Image.open(out / f"{exercise.id}_pair.png") as pair, Image.open(out / f"{exercise.id}_end.png") as end:
            assert pair.height == SIZE
            right = pair.convert("RGB").crop((pair.width - SIZE, 0, pair.width, SIZE))
            assert changed_share(right, end.convert("RGB"), 8) < 0.001, "the pair ends with the end pose"
        with Image.open(out / f"{exercise.id}.gif") as gif:
            frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(gif)]
            assert len(frames) > 10 and changed_share(frames[0], frames[len(frames) // 2]) > 0.005
        assert exercise.alt_text in index and f"({exercise.id}.gif)" in index
    with Image.open(out / "contact_sheet.png") as sheet:
        assert sheet.width == 4 * SIZE and sheet.height >= 4 * SIZE


def test_the_list_command_checks_every_file(tmp_path, capsys):
    assert main(["exercises", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(LIBRARY)
    assert any(re.match(r"seated_knee_hug +seated +Seated knee hug +\(adapted for the desk from knee_to_chest\)",
                        line) for line in lines)
    bad = tmp_path / "it" / "bad.toml"
    bad.parent.mkdir()
    bad.write_text('id = "mine"\nnmae = "x"\n', encoding="utf-8")
    assert main(["exercises", "list", "--folder", str(bad.parent)]) == 2
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == len(LIBRARY), "the good ones are still listed"
    assert f"upright: skipped: {bad}:2: nmae: unknown key; did you mean 'name'?" in captured.err.splitlines()


def test_render_into_an_unwritable_place_is_a_message(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["exercises", "render", "--out", str(blocker / "out")]) == 2
    assert capsys.readouterr().err.startswith(f"upright: cannot write into {blocker / 'out'}")


def test_an_exercise_keeps_its_drawing_when_copied():
    exercise = LIBRARY[0]
    copy = dataclasses.replace(exercise, name="Another name")
    assert draw_exercise(copy, 64, 0.5).tobytes() == draw_exercise(exercise, 64, 0.5).tobytes()
