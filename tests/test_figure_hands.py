"""Hands where the steps put them, and arms a viewer can see.

Issue 19 found figures that read as "a lumpy column with no arms": the arm
hanging beside the trunk was drawn in the trunk's colour, on top of it, and
vanished. These tests check, on the skeleton, that each hand is where the
exercise's steps say (above the head in an overhead reach, on the lower
back in a back extension, round the knee in a knee hug, on the knees or
thighs when seated) and, on the pixels, that the near arm stays visible
against the trunk and that the start-arrow-end picture is what it says.
Units are the skeleton's: about 1.0 from ankle to the top of the head; x
forward, y up.
"""

from __future__ import annotations

import math

import pytest

pytest.importorskip("PIL", reason="Pillow is not installed")

from PIL import Image, ImageChops  # noqa: E402

from agent.content.exercises import load_library  # noqa: E402
from agent.ui.exercise import STAND_AND_REACH, draw_exercise, draw_exercise_pair  # noqa: E402
from agent.ui.figure import ARROW, ARROW_GAP, BODY, SUPERSAMPLE, Scene, draw_figure, draw_pair  # noqa: E402
from agent.ui.skeleton import HEAD_R, TORSO_W, Skeleton, dot, sub, unit  # noqa: E402

LIBRARY = {e.id: e for e in load_library()}


def hand_problem(joints, side: str, place: str) -> str | None:
    """Why the hand on ``side`` is not at ``place``, or None if it is."""
    hand = joints[f"hand_{side}"]
    if place == "overhead":
        top = joints["head"][1] + HEAD_R
        return None if hand[1] > top + 0.02 else f"hand_{side} at {hand[1]:.2f}, not above the head ({top:.2f})"
    if place == "lower_back":
        # Behind the trunk's back surface, between the hips and the middle of the back.
        trunk = unit(sub(joints["shoulders"], joints["hip"]))
        back = (-trunk[1], trunk[0], 0.0)  # the trunk's line turned a quarter backwards
        behind = dot(sub(hand, joints["hip"]), back)
        height = dot(sub(hand, joints["hip"]), trunk) / math.dist(joints["hip"], joints["shoulders"])
        if behind < TORSO_W / 2 or behind > TORSO_W:
            return f"hand_{side} {behind:.3f} behind the trunk's line, not on its back"
        return None if 0.0 <= height <= 0.55 else f"hand_{side} {height:.0%} of the way up the trunk, not low"
    part, limb = place.split("_")
    if part == "knee":
        gap = math.dist(hand, joints[f"knee_{limb}"])
        return None if gap < 0.09 else f"hand_{side} {gap:.2f} from knee_{limb}"
    if part == "thigh":
        hip, knee = joints[f"hip_{limb}"], joints[f"knee_{limb}"]
        along = dot(sub(hand, hip), unit(sub(knee, hip))) / math.dist(hip, knee)
        above = hand[1] - (hip[1] + (knee[1] - hip[1]) * along)
        if not 0.3 <= along <= 1.05:
            return f"hand_{side} {along:.0%} along thigh_{limb}"
        return None if 0.0 < above < 0.08 else f"hand_{side} {above:.3f} above thigh_{limb}, not resting on it"
    raise ValueError(place)


CASES = [  # (exercise, phase, side, place): what the steps say
    ("standing_back_extension", 0.0, "r", "lower_back"),  # "Place your palms on your lower back."
    ("standing_back_extension", 0.0, "l", "lower_back"),
    ("standing_back_extension", 1.0, "r", "lower_back"),  # and keeps them there while arching
    ("standing_back_extension", 1.0, "l", "lower_back"),
    ("seated_knee_hug", 1.0, "r", "knee_r"),  # "pull it toward your chest with both hands"
    ("seated_knee_hug", 1.0, "l", "knee_r"),
    ("knee_to_chest", 1.0, "r", "knee_r"),
    ("seated_cat_cow", 0.0, "r", "knee_r"),  # "hands on your knees"
    ("seated_cat_cow", 1.0, "l", "knee_l"),
    ("seated_trunk_rotation", 0.0, "r", "knee_l"),  # "the opposite hand resting on your knee"
    ("seated_trunk_rotation", 1.0, "l", "knee_r"),
    ("sit_to_stand", 0.0, "r", "thigh_r"),  # seated, hands resting on the thighs
]


@pytest.mark.parametrize("exercise_id, phase, side, place", CASES)
def test_hands_are_where_the_steps_put_them(exercise_id, phase, side, place):
    joints = Skeleton(LIBRARY[exercise_id].movement).joints(phase)
    assert hand_problem(joints, side, place) is None


def test_the_generic_figure_reaches_over_its_head():
    end = Skeleton(STAND_AND_REACH).joints(1.0)
    assert hand_problem(end, "r", "overhead") is None and hand_problem(end, "l", "overhead") is None
    start = Skeleton(STAND_AND_REACH).joints(0.0)
    assert hand_problem(start, "r", "overhead") is not None, "the start pose has the arms down"


def test_these_checks_catch_hands_in_the_wrong_place():
    """Each check fails on a pose that is wrong: hands hanging instead of on
    the back, the knee hug's hands left on the thighs, arms at shoulder height."""
    extension = Skeleton(LIBRARY["standing_back_extension"].movement).joints(0.0)
    hanging = Skeleton(LIBRARY["standing_glute_squeeze"].movement).joints(0.0)
    assert hand_problem(hanging, "r", "lower_back") is not None
    assert hand_problem(extension, "r", "knee_r") is not None
    seated = Skeleton(LIBRARY["seated_knee_hug"].movement).joints(0.0)
    assert hand_problem(seated, "r", "knee_r") is not None
    assert hand_problem(seated, "r", "thigh_r") is None
    assert hand_problem(extension, "r", "thigh_r") is not None
    from agent.content.pose import movement

    forward = Skeleton(movement("standing", {}, {"shoulder_r": 90, "elbow_r": 0})).joints(1.0)
    assert hand_problem(forward, "r", "overhead") is not None


# --- the arm shows against the trunk ---------------------------------------------------

def lighter_between(image: Image.Image, a, b, samples: int = 40) -> int:
    """The lightest step above the darkest, in grey, along the line a -> b of ``image``."""
    grey = image.convert("L")
    values = [grey.getpixel((round(a[0] + (b[0] - a[0]) * n / samples), round(a[1] + (b[1] - a[1]) * n / samples)))
              for n in range(samples + 1)]
    return max(values) - min(values)


@pytest.mark.parametrize("exercise_id", ["standing_glute_squeeze", "slow_breathing", "change_position"])
def test_an_arm_beside_the_trunk_stands_out_from_it(exercise_id):
    """Across the near upper arm and into the trunk behind it, a light gap
    separates them: the arm is not lost in a dark column."""
    size = 240
    movement = LIBRARY[exercise_id].movement
    scene = Scene(movement, size * SUPERSAMPLE)
    joints = scene.skeleton.joints(0.0)
    image = draw_figure(movement, size, 0.0)

    def at(name):
        x, y = scene.px(joints[name])
        return x / SUPERSAMPLE, y / SUPERSAMPLE

    elbow, shoulders, hip = at("elbow_r"), at("shoulders"), at("hip")
    upper_arm = ((elbow[0] + at("shoulder_r")[0]) / 2, (elbow[1] + at("shoulder_r")[1]) / 2)
    dark = image.convert("L").getpixel(tuple(map(round, upper_arm)))
    assert dark < 110, "the upper arm is drawn in the figure's ink"
    # Into the back half of the trunk at the arm's height: all ink (arm, then
    # trunk) unless a gap separates them.
    t = (upper_arm[1] - shoulders[1]) / (hip[1] - shoulders[1])
    spine = shoulders[0] + (hip[0] - shoulders[0]) * t
    assert abs(spine - upper_arm[0]) < size * 0.06, "the arm hangs beside the trunk in this pose"
    backwards = 1 if at("head")[0] > at("nose")[0] else -1
    inside_back = (spine + backwards * 0.045 * scene.unit / SUPERSAMPLE, upper_arm[1])
    assert image.convert("L").getpixel(tuple(map(round, inside_back))) < 110, "that point is in the trunk"
    assert lighter_between(image, upper_arm, inside_back) > 60, "no light gap between the arm and the trunk"


# --- start, arrow, end -------------------------------------------------------------------

def same(a: Image.Image, b: Image.Image) -> bool:
    """Equal as seen on a window (the colour of a fully transparent pixel does not
    count), but for rounding: pasting onto a transparent canvas may move a channel by one."""
    if a.size != b.size:
        return False
    a, b = (on_white(image) for image in (a, b))
    return max(high for _, high in ImageChops.difference(a, b).getextrema()) <= 2


def on_white(image: Image.Image) -> Image.Image:
    ground = Image.new("RGBA", image.size, (255, 255, 255, 255))
    ground.alpha_composite(image)
    return ground.convert("RGB")


@pytest.mark.parametrize("size", [96, 120])
def test_a_pair_is_the_start_an_arrow_and_the_end(size):
    movement = LIBRARY["standing_back_extension"].movement
    pair = draw_pair(movement, size)
    gap = round(size * ARROW_GAP)
    assert pair.size == (2 * size + gap, size)
    assert same(pair.crop((0, 0, size, size)), draw_figure(movement, size, 0.0))
    assert same(pair.crop((size + gap, 0, 2 * size + gap, size)), draw_figure(movement, size, 1.0))
    arrow = pair.crop((size, 0, size + gap, size)).convert("RGB")
    ink = ImageChops.difference(arrow, Image.new("RGB", arrow.size, ARROW[:3])).convert("L")
    solid = ink.point(lambda v: 255 if v < 30 else 0)
    box = solid.getbbox()
    assert box is not None, "no arrow between the poses"
    assert box[2] - box[0] > gap * 0.5, "the arrow spans the gap"
    assert abs((box[1] + box[3]) / 2 - size * 0.49) < size * 0.05, "level with the figures' middle"
    # It points right: more of it (the head) on the right half than on the left.
    left, right = (solid.crop((x0, 0, x1, size)).histogram()[255] for x0, x1 in ((0, gap // 2), (gap // 2, gap)))
    assert right > left * 1.3


def test_the_exercise_pair_draws_that_exercise():
    ex = LIBRARY["seated_knee_hug"]
    assert same(draw_exercise_pair(ex, 96).crop((0, 0, 96, 96)), draw_exercise(ex, 96, 0.0))
    assert not same(draw_exercise_pair(ex, 96), draw_exercise_pair(LIBRARY["bridge"], 96))
    assert BODY  # the ink the arm test above looks for
