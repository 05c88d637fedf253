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


# --- the log roll (the spasm guide's picture) ----------------------------------------

def angle_at(b, a, c) -> float:
    """Degrees of the angle a-b-c (at b), in the picture."""
    u, v = (a[0] - b[0], a[1] - b[1]), (c[0] - b[0], c[1] - b[1])
    cos = (u[0] * v[0] + u[1] * v[1]) / (math.hypot(*u) * math.hypot(*v))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def on_side_problems(at) -> list[str]:
    """Lying on the side, as a viewer sees it from above: curled (hips and knees bent, where
    a body face down lies straight), and facing the edge: nose, knees and the top hand all on
    the same side of the trunk (picture y grows downwards, towards the edge)."""
    problems = []
    if (hip := angle_at(at["hip"], at["shoulder"], at["knee"])) > 120:
        problems.append(f"hips nearly straight ({hip:.0f} deg): reads as lying face down")
    if (knee := angle_at(at["knee"], at["hip"], at["ankle"])) > 120:
        problems.append(f"knees nearly straight ({knee:.0f} deg)")
    trunk_y = (at["shoulder"][1] + at["hip"][1]) / 2
    for part in ("nose", "knee", "hand"):
        if at[part][1] <= trunk_y + 0.03:
            problems.append(f"the {part} is not towards the edge the person faces")
    return problems


def test_the_log_roll_starts_clearly_on_the_side_not_face_down():
    from agent.ui.desk_pictures import LOG_ROLL

    assert on_side_problems(LOG_ROLL["on_side"]) == []


def test_the_old_log_roll_picture_fails_as_side_lying():
    """The picture issue 16 found: a straight body tilted up from the bed on an arm under
    the shoulder, no face, legs off the foot end: a push-up from lying face down."""
    old = {"shoulder": (0.26, 0.38), "hip": (0.52, 0.48), "knee": (0.68, 0.56), "ankle": (0.70, 0.78),
           "nose": (0.17, 0.33), "hand": (0.30, 0.52)}
    assert any("reads as lying face down" in p for p in on_side_problems(old))


def test_the_log_roll_then_pushes_up_with_the_legs_over_the_edge():
    from agent.ui.desk_pictures import LOG_ROLL

    at = LOG_ROLL["push_up"]
    edge = at["bed_near"][1]
    assert at["ankle"][1] > edge + 0.08 and at["far_ankle"][1] > edge + 0.08, "the legs hang over the edge"
    assert at["shoulder"][1] < at["hip"][1] - 0.1, "the trunk rises from the bed"
    assert at["bed_far"][1] <= at["hand"][1] <= edge + 0.01, "the hands push on the bed"
    assert abs(at["hip"][1] - edge) < 0.02, "sitting at the edge"
