"""The exercise pictures teach the right movement: checked on the pose data, not on pixels.

Issue 16's audit found figures that taught the opposite of their own steps:
a sit-to-stand rising leaning back with the feet ahead of the knees, a full
cobra on straight arms where 000 says "lift chest upward gently", and a
knees-side-to-side pair that read as someone on a stool. These tests put
each rule a physiotherapist would check into numbers on the skeleton
(:mod:`agent.ui.skeleton`), so that a wrong drawing fails CI, not a
reviewer. Units are the skeleton's: about 1.0 from ankle to the top of the
head; x is the figure's forward, y up.
"""

from __future__ import annotations

import math

import pytest

from agent.content.exercises import load_library
from agent.content.pose import movement as make_movement
from agent.ui.skeleton import MAT_H, SEAT_H, TORSO_W, Camera, Skeleton, dot, sub, unit

LIBRARY = {e.id: e for e in load_library()}
PHASES = [n / 40 for n in range(41)]


def frames(movement):
    skeleton = Skeleton(movement)
    return [(phase, movement.at(phase), skeleton.joints(phase)) for phase in PHASES]


def rise_above_horizontal(a, b) -> float:
    """Degrees the line from ``a`` to ``b`` rises above the floor."""
    d = sub(b, a)
    return math.degrees(math.atan2(d[1], math.hypot(d[0], d[2])))


def elbow_bend(joints, side: str = "r") -> float:
    """Degrees the elbow is bent: 0 for a straight arm."""
    upper = unit(sub(joints[f"elbow_{side}"], joints[f"shoulder_{side}"]))
    fore = unit(sub(joints[f"hand_{side}"], joints[f"elbow_{side}"]))
    return math.degrees(math.acos(max(-1.0, min(1.0, dot(upper, fore)))))


# --- sit to stand ----------------------------------------------------------------

def sit_to_stand_problems(movement) -> list[str]:
    """What is wrong with a sit-to-stand: feet ahead of the knees, rising without
    leaning forward, or leaning back (the way the audit found it)."""
    problems = []
    for phase, key, j in frames(movement):
        for side in "rl":
            if j[f"ankle_{side}"][0] > j[f"knee_{side}"][0] + 0.005:
                problems.append(f"{phase:.3f}: ankle_{side} ahead of the knee (feet must be under or behind the knees)")
        if key.angle("lean") < -0.5:
            problems.append(f"{phase:.3f}: trunk leans back ({key.angle('lean'):.0f} deg)")
        hips_up = j["hip"][1] - SEAT_H
        standing = hips_up > 0.23
        if 0.01 < hips_up and not standing:
            if key.angle("lean") < 15:
                problems.append(f"{phase:.3f}: hips rising with the trunk upright (lean {key.angle('lean'):.0f})")
            heel = min(j["heel_r"][0], j["heel_l"][0])
            if j["shoulders"][0] < heel:
                problems.append(f"{phase:.3f}: shoulders behind the heels while rising (would fall back)")
    first_up = next(key for _, key, j in frames(movement) if j["hip"][1] - SEAT_H > 0.01)
    if first_up.angle("lean") < 30:
        problems.append(f"the hips leave the seat with the trunk leaning only {first_up.angle('lean'):.0f} deg")
    return problems


@pytest.mark.parametrize("exercise_id", ["sit_to_stand", "change_position"])
def test_getting_up_feet_under_knees_lean_forward_rise_over_the_feet(exercise_id):
    assert sit_to_stand_problems(LIBRARY[exercise_id].movement) == []


OLD_SIT_TO_STAND = make_movement(  # the drawing issue 16 found: feet ahead, rising leaning back
    "seated", {"hip_r": 90, "hip_l": 90, "knee_r": 85, "knee_l": 85, "hand_r": "thigh_r", "hand_l": "thigh_l"},
    {"lean": 0, "hip_r": 0, "hip_l": 0, "knee_r": 0, "knee_l": 0, "hand_r": "free", "hand_l": "free"},
    via={"lean": 38, "hip_r": 85, "hip_l": 85, "knee_r": 60, "knee_l": 60}, anchor="feet")


def test_the_old_sit_to_stand_fails_these_checks():
    problems = sit_to_stand_problems(OLD_SIT_TO_STAND)
    assert any("ahead of the knee" in p for p in problems)
    assert any("shoulders behind the heels" in p for p in problems)


# --- cobra -------------------------------------------------------------------------

def cobra_problems(movement) -> list[str]:
    """000: "lift chest upward gently": pelvis on the mat, elbows bent, chest a little up."""
    problems = []
    rest = None
    for phase, _, j in frames(movement):
        rest = j["hip"][1] if rest is None else rest
        if abs(j["hip"][1] - rest) > 0.005 or j["hip"][1] > MAT_H + TORSO_W:
            problems.append(f"{phase:.3f}: the pelvis leaves the mat")
        if (rise := rise_above_horizontal(j["waist"], j["shoulders"])) > 35:
            problems.append(f"{phase:.3f}: upper trunk rises {rise:.0f} deg (a gentle lift stays under 35)")
        for side in "rl":
            if elbow_bend(j, side) < 30:
                problems.append(f"{phase:.3f}: elbow_{side} straight ({elbow_bend(j, side):.0f} deg)")
    return problems


def test_cobra_is_a_gentle_lift_pelvis_down_elbows_bent():
    movement = LIBRARY["cobra"].movement
    assert cobra_problems(movement) == []
    start, end = Skeleton(movement).joints(0.0), Skeleton(movement).joints(1.0)
    assert end["shoulders"][1] - start["shoulders"][1] > 0.04, "the chest must visibly lift"


def test_the_old_full_cobra_fails_these_checks():
    old = make_movement("prone", {}, {"lean": 62, "spine": -56, "neck": -20})
    assert any("upper trunk rises" in p for p in cobra_problems(old))


# --- knees side to side ------------------------------------------------------------

def side_to_side_problems(movement) -> list[str]:
    """The end-over-start picture must read as lying on the back, knees tipping
    one way then the other: the trunk drawn lying (not upright, not foreshortened
    into a short stub over hanging legs, which reads as sitting on a stool), and
    the knees on opposite sides of it in the two poses."""
    camera = Camera(movement.view, movement.look_down)
    skeleton = Skeleton(movement)
    problems = []
    sides = []
    for phase in (0.0, 1.0):
        j = skeleton.joints(phase)
        hip, head = camera.flat(j["hip"]), camera.flat(j["head"])
        trunk = (head[0] - hip[0], head[1] - hip[1])
        length3d = math.dist(j["hip"], j["head"])
        if abs(trunk[1]) > abs(trunk[0]):
            problems.append(f"{phase}: the trunk is drawn nearer upright than lying")
        if math.hypot(*trunk) < 0.75 * length3d:
            problems.append(f"{phase}: the trunk is foreshortened to {math.hypot(*trunk) / length3d:.0%}")
        knee = camera.flat(j["knee_r"])
        sides.append(trunk[0] * (knee[1] - hip[1]) - trunk[1] * (knee[0] - hip[0]))
    if sides[0] * sides[1] >= 0:
        problems.append("the knees are on the same side of the trunk in both poses")
    return problems


def test_knees_side_to_side_reads_as_lying_knees_tipping_each_way():
    assert side_to_side_problems(LIBRARY["knees_side_to_side"].movement) == []


def test_the_old_view_from_the_feet_fails():
    movement = LIBRARY["knees_side_to_side"].movement
    import dataclasses
    old = dataclasses.replace(movement, view=90, look_down=65)
    assert side_to_side_problems(old) != []


@pytest.mark.parametrize("exercise_id", ["sit_to_stand", "cobra", "knees_side_to_side"])
def test_checked_exercises_are_in_the_library(exercise_id):
    assert exercise_id in LIBRARY
