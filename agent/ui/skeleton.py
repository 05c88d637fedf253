"""Where the figure's joints are, for any moment of a movement, and how the camera sees them.

The figure is a small 3-D skeleton so that one model serves every
exercise: a side view shows most of them, and turning the camera shows
the sideways ones (a seated twist, knees lowered to one side) without a
second kind of drawing. Joints are computed from a :class:`~agent.content.pose.Keyframe`'s
angles (forward kinematics); a hand or foot with a target is placed by
two-bone inverse kinematics, so a hand stays on the knee it hugs and a
foot stays planted while the hips lift.

The figure is placed once, at its start pose: seated on the chair, or
resting on the floor. After that the movement's ``anchor`` (the hips, the
shoulders, the feet) keeps its place, so the picture moves the way the
body does. Units: about 1.0 from ankle to the top of the head; x forward,
y up, z towards the figure's right. Pure arithmetic: no Pillow, no Tk.
"""

from __future__ import annotations

import math
from typing import Dict, Iterable, Tuple

from agent.content.pose import Keyframe, Movement

Vec = Tuple[float, float, float]
Joints = Dict[str, Vec]

# Body proportions (the first figure's, kept).
SHIN, THIGH, FOOT, ANKLE_H = 0.25, 0.25, 0.11, 0.035
LOWER_TORSO, UPPER_TORSO, NECK, HEAD_R = 0.14, 0.17, 0.045, 0.072
UPPER_ARM, FOREARM = 0.16, 0.15
LIMB_W, TORSO_W = 0.056, 0.105
HIP_HALF, SHOULDER_HALF = 0.045, 0.07
SEAT_H = SHIN + ANKLE_H  # hip height when sitting with thighs level and feet flat
MAT_H = 0.018

X, Y, Z = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)
SIDES = {"r": 1.0, "l": -1.0}


# --- vectors ----------------------------------------------------------------

def add(a: Vec, b: Vec, k: float = 1.0) -> Vec:
    return (a[0] + b[0] * k, a[1] + b[1] * k, a[2] + b[2] * k)


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def scale(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def unit(a: Vec) -> Vec:
    length = math.sqrt(dot(a, a))
    return scale(a, 1 / length) if length > 1e-9 else a


def lerp(a: Vec, b: Vec, t: float) -> Vec:
    return add(a, sub(b, a), t)


def rotate(v: Vec, axis: Vec, degrees: float) -> Vec:
    """``v`` turned ``degrees`` about the unit ``axis``, anticlockwise seen from its tip (Rodrigues)."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return add(add(scale(v, c), cross(axis, v), s), axis, dot(axis, v) * (1 - c))


def pitch(v: Vec, degrees: float, right: Vec) -> Vec:
    """``v`` tipped forwards by ``degrees`` (up turns towards forward) about the ``right`` axis."""
    return rotate(v, scale(right, -1), degrees)


def turn(v: Vec, degrees: float, up: Vec) -> Vec:
    """``v`` turned about ``up`` so that forward moves towards the figure's right."""
    return rotate(v, scale(up, -1), degrees)


# --- one pose, hips at the origin -------------------------------------------

class Frames:
    """The body's axes for one pose: the trunk's, the upper body's (after the
    twist) and the legs' (after the roll)."""

    def __init__(self, key: Keyframe, base_lean: float) -> None:
        lean, spine = key.angle("lean"), key.angle("spine")
        self.up = pitch(Y, lean, Z)
        self.forward = pitch(X, lean, Z)
        self.right = Z
        self.lower = pitch(self.up, -spine / 2, Z)  # a rounded back bows out between hips and shoulders
        self.upper = pitch(self.up, spine / 2, Z)
        twist = key.angle("twist")
        self.chest_forward = turn(pitch(self.forward, spine / 2, Z), twist, self.upper)
        self.chest_right = turn(Z, twist, self.upper)
        # The legs hang from the base posture's trunk line: leaning forward on a
        # chair, or lifting the chest off the floor, leaves the thighs where they are.
        roll = key.angle("legs_roll")
        self.legs_up = pitch(Y, base_lean, Z)
        self.legs_forward = turn(pitch(X, base_lean, Z), roll, self.legs_up)
        self.legs_right = turn(Z, roll, self.legs_up)


def body_joints(key: Keyframe, base_lean: float = 0.0) -> tuple[Joints, Frames]:
    """Every joint of ``key`` by its angles alone, hips at the origin."""
    f = Frames(key, base_lean)
    j: Joints = {"hip": (0.0, 0.0, 0.0)}
    j["waist"] = add(j["hip"], f.lower, LOWER_TORSO)
    j["shoulders"] = add(j["waist"], f.upper, UPPER_TORSO)
    neck = pitch(f.upper, key.angle("neck"), f.chest_right)
    j["neck"] = add(j["shoulders"], neck, NECK)
    j["head"] = add(j["neck"], neck, HEAD_R * 0.9)
    face = pitch(f.chest_forward, key.angle("neck"), f.chest_right)
    j["nose"] = add(j["head"], face, HEAD_R)
    # Belly and chest fill out with a breath; the glow of a tightened muscle sits on these.
    breath = key.angle("breath")
    j["belly"] = add(add(j["hip"], f.lower, 0.09), f.forward, 0.075 * breath)
    j["chest"] = add(add(j["shoulders"], f.upper, -0.07), f.chest_forward, 0.045 * breath)
    j["glutes"] = add(add(j["hip"], f.lower, 0.02), f.forward, -TORSO_W * 0.4)
    j["lower_back"] = add(add(j["hip"], f.lower, 0.1), f.forward, -TORSO_W * 0.4)
    for side, sign in SIDES.items():
        _arm(j, key, f, side, sign)
        _leg(j, key, f, side, sign)
    return j, f


def _arm(j: Joints, key: Keyframe, f: Frames, side: str, sign: float) -> None:
    root = j[f"shoulder_{side}"] = add(j["shoulders"], f.chest_right, SHOULDER_HALF * sign)
    # A hanging limb swung forward turns the other way from an upright trunk leaning forward.
    upper = pitch(scale(f.upper, -1), -key.angle(f"shoulder_{side}"), f.chest_right)
    j[f"elbow_{side}"] = add(root, upper, UPPER_ARM)
    j[f"hand_{side}"] = add(j[f"elbow_{side}"], pitch(upper, -key.angle(f"elbow_{side}"), f.chest_right), FOREARM)


def _leg(j: Joints, key: Keyframe, f: Frames, side: str, sign: float) -> None:
    root = j[f"hip_{side}"] = add(j["hip"], Z, HIP_HALF * sign)
    thigh = pitch(scale(f.legs_up, -1), -key.angle(f"hip_{side}"), f.legs_right)
    j[f"knee_{side}"] = add(root, thigh, THIGH)
    shin = pitch(thigh, key.angle(f"knee_{side}"), f.legs_right)
    j[f"ankle_{side}"] = add(j[f"knee_{side}"], shin, SHIN)
    _foot(j, side, pitch(shin, key.angle(f"ankle_{side}") - 90, f.legs_right))


def _foot(j: Joints, side: str, direction: Vec) -> None:
    j[f"toe_{side}"] = add(j[f"ankle_{side}"], direction, FOOT)
    j[f"heel_{side}"] = add(j[f"ankle_{side}"], direction, -0.015)


# --- targets and inverse kinematics -------------------------------------------

def target_point(name: str, side: str, j: Joints, f: Frames, key: Keyframe) -> Vec:
    """Where a hand rests on the body: a knee, the thigh, the hips, the lower back..."""
    sign = SIDES[side]
    if name in ("knee_r", "knee_l", "thigh_r", "thigh_l"):
        # On the front of the shin just below the knee (hugging it), or on top of the thigh.
        limb = name[-1]
        knee = j[f"knee_{limb}"]
        start, end = (knee, j[f"ankle_{limb}"]) if name.startswith("knee") else (j[f"hip_{limb}"], knee)
        along = unit(sub(end, start))
        front = pitch(along, -90, f.legs_right)  # the top of a level thigh, the front of a shin
        spot = add(knee, along, 0.05) if name.startswith("knee") else lerp(start, end, 0.7)
        return add(add(spot, front, LIMB_W * 0.7), f.legs_right, 0.025 * sign if limb == side else 0.0)
    if name == "hips":
        return add(add(j["hip"], f.up, 0.07), f.right, (TORSO_W / 2 + 0.01) * sign)
    if name == "lower_back":
        return add(add(add(j["hip"], f.up, 0.09), f.forward, -TORSO_W / 2 - 0.02), f.right, 0.03 * sign)
    if name == "belly":
        return add(add(j["belly"], f.forward, TORSO_W / 2 + 0.02), f.right, 0.035 * sign)
    if name == "chest":
        return add(add(j["chest"], f.chest_forward, TORSO_W / 2 + 0.02), f.chest_right, 0.035 * sign)
    raise ValueError(f"unknown target {name!r}")


def two_bone(root: Vec, goal: Vec, first: float, second: float, bend: Vec) -> tuple[Vec, Vec]:
    """The middle joint and the end of a two-bone limb reaching for ``goal``,
    bending towards ``bend``; out of reach, the limb points at the goal, straight."""
    to_goal = sub(goal, root)
    distance = math.sqrt(dot(to_goal, to_goal))
    along = unit(to_goal) if distance > 1e-9 else scale(Y, -1)
    reach = min(max(distance, abs(first - second) + 1e-6), first + second - 1e-6)
    cos_a = (first * first + reach * reach - second * second) / (2 * first * reach)
    sin_a = math.sqrt(max(0.0, 1 - cos_a * cos_a))
    across = sub(bend, scale(along, dot(bend, along)))
    if dot(across, across) < 1e-12:  # bending straight along the limb: any perpendicular will do
        across = cross(along, Z if abs(along[2]) < 0.9 else X)
    middle = add(root, add(scale(along, cos_a), unit(across), sin_a), first)
    return middle, add(root, along, reach)


# --- placing the figure over the whole movement ---------------------------------

class Skeleton:
    """A movement's joints at any phase, placed in the room.

    The start pose sits on the chair (seated) or rests on the floor; every
    later moment keeps the ``anchor`` where the start put it, and hands
    and feet marked "floor" or "planted" stay where the start put them.
    """

    def __init__(self, movement: Movement) -> None:
        self.movement = movement
        self.floor = MAT_H if "mat" in movement.props else 0.0
        joints, frames = body_joints(movement.start, movement.base_lean)
        self.start_shift = self._rest(joints, movement.start, seated=movement.base == "seated")
        start = _moved(joints, self.start_shift)
        self.anchor = _anchor(start, movement.anchor)
        self.fixed = self._fixed_points(start)

    def joints(self, phase: float) -> Joints:
        key = self.movement.at(phase)
        joints, frames = body_joints(key, self.movement.base_lean)
        if self.movement.anchor == "ground":
            shift = self._rest(joints, key, seated=False)
        else:
            shift = sub(self.anchor, _anchor(joints, self.movement.anchor))
        joints = _moved(joints, shift)
        for side in SIDES:
            self._place_hand(joints, frames, key, side)
            self._place_foot(joints, frames, key, side)
        return joints

    def _rest(self, joints: Joints, key: Keyframe, seated: bool) -> Vec:
        """The shift that seats the hips on the chair, or rests the lowest point on the floor."""
        if seated:
            return (0.0, SEAT_H - joints["hip"][1], 0.0)
        lowest = min(p[1] - r for p, r in _resting_points(joints, key))
        return (-joints["hip"][0], self.floor - lowest, 0.0)

    def _fixed_points(self, start: Joints) -> dict[tuple[str, str], Vec]:
        """Each (limb, "floor" | "planted") any keyframe uses: its place in the start pose."""
        fixed = {}
        for key in self.movement.keys:
            for side in SIDES:
                if key.target(f"hand_{side}") == "floor":
                    shoulder = start[f"shoulder_{side}"]
                    fixed[(f"hand_{side}", "floor")] = (shoulder[0], self.floor + LIMB_W / 2, shoulder[2])
                for limb, end in ((f"hand_{side}", f"hand_{side}"), (f"foot_{side}", f"ankle_{side}")):
                    if key.target(limb) == "planted":
                        fixed[(limb, "planted")] = start[end]
        if any((f"foot_{s}", "planted") in fixed for s in SIDES):
            fixed.update({("toe", s): sub(start[f"toe_{s}"], start[f"ankle_{s}"]) for s in SIDES})
        return fixed

    def _goal(self, limb: str, name: str, joints: Joints, frames: Frames, key: Keyframe) -> Vec | None:
        if name == "free":
            return None
        if name in ("floor", "planted"):
            return self.fixed[(limb, name)]
        return target_point(name, limb[-1], joints, frames, key)

    def _blended_goal(self, limb: str, end: str, joints: Joints, frames: Frames, key: Keyframe) -> Vec | None:
        """Where the limb reaches now; between keyframes, part way from the old target to the new."""
        goal = self._goal(limb, key.target(limb), joints, frames, key)
        if limb not in key.was:
            return goal
        before = self._goal(limb, key.was[limb], joints, frames, key)
        return lerp(before or joints[end], goal or joints[end], key.mix)

    def _place_hand(self, joints: Joints, frames: Frames, key: Keyframe, side: str) -> None:
        goal = self._blended_goal(f"hand_{side}", f"hand_{side}", joints, frames, key)
        if goal is None:
            return
        # Elbows point back and a little out, as when hands rest on the knees or the floor.
        bend = unit(add(add(scale(frames.chest_forward, -1), frames.chest_right, 0.5 * SIDES[side]),
                        frames.upper, -0.3))
        joints[f"elbow_{side}"], joints[f"hand_{side}"] = two_bone(
            joints[f"shoulder_{side}"], goal, UPPER_ARM, FOREARM, bend)

    def _place_foot(self, joints: Joints, frames: Frames, key: Keyframe, side: str) -> None:
        goal = self._blended_goal(f"foot_{side}", f"ankle_{side}", joints, frames, key)
        if goal is None:
            return
        joints[f"knee_{side}"], joints[f"ankle_{side}"] = two_bone(
            joints[f"hip_{side}"], goal, THIGH, SHIN, frames.legs_forward)
        toe = self.fixed.get(("toe", side))
        if toe is not None:  # a planted foot keeps its angle on the floor
            joints[f"toe_{side}"] = add(joints[f"ankle_{side}"], toe)
            joints[f"heel_{side}"] = add(joints[f"ankle_{side}"], unit(toe), -0.015)


def _moved(joints: Joints, shift: Vec) -> Joints:
    return {name: add(p, shift) for name, p in joints.items()}


def _anchor(joints: Joints, anchor: str) -> Vec:
    if anchor in ("hip", "shoulders"):
        return joints[anchor]
    if anchor == "ground":
        return joints["hip"]
    part = {"feet": "ankle", "knees": "knee"}[anchor]
    return lerp(joints[f"{part}_r"], joints[f"{part}_l"], 0.5)


def _resting_points(joints: Joints, key: Keyframe) -> Iterable[tuple[Vec, float]]:
    """Points with their radius that may touch the floor: the body, the legs and
    any arm that follows its angles (one reaching for a target does not hold the body up)."""
    for name in ("hip", "waist", "shoulders", "neck"):
        yield joints[name], TORSO_W / 2
    yield joints["head"], HEAD_R
    for side in SIDES:
        for part in ("knee", "ankle", "toe", "heel"):
            yield joints[f"{part}_{side}"], LIMB_W / 2
        if key.target(f"hand_{side}") in ("free", "planted"):
            yield joints[f"elbow_{side}"], LIMB_W / 2
            yield joints[f"hand_{side}"], LIMB_W / 2


# --- the camera -----------------------------------------------------------------

class Camera:
    """An orthographic camera ``view`` degrees round from the figure's right side
    towards its front, looking down by ``look_down`` degrees."""

    def __init__(self, view: float, look_down: float) -> None:
        v, e = math.radians(view), math.radians(look_down)
        self.toward = (math.sin(v) * math.cos(e), math.sin(e), math.cos(v) * math.cos(e))
        self.across = (math.cos(v), 0.0, -math.sin(v))
        self.up = (-math.sin(v) * math.sin(e), math.cos(e), -math.cos(v) * math.sin(e))

    def flat(self, p: Vec) -> tuple[float, float]:
        """``p`` on the picture plane: x to the right, y up."""
        return dot(p, self.across), dot(p, self.up)

    def depth(self, p: Vec) -> float:
        """How near ``p`` is to the camera: larger is nearer."""
        return dot(p, self.toward)
