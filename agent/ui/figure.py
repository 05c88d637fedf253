"""A friendly side-view stick figure, posed for an exercise, drawn with Pillow.

The figure is a small skeleton: angles for the legs, the two halves of
the torso (so the back can arch) and the head, with the hands placed by
two-bone inverse kinematics on a point of the body (the lower back, over
the head...). A pose is those numbers; ``phase`` blends a start pose into
an end pose, so the same code draws any moment of the movement.

Limbs are thick lines with round ends, drawn four times larger and
averaged down (a box filter) for smooth, crisp edges. Far-side limbs are paler,
which reads as depth without any shading. Nothing here touches the
display; it is safe from any thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Dict, Optional, Tuple

from PIL import Image, ImageDraw

Point = Tuple[float, float]

# Body proportions in figure units (about 1.0 from ankle to the top of the head).
SHIN, THIGH, FOOT = 0.25, 0.25, 0.11
LOWER_TORSO, UPPER_TORSO, NECK, HEAD_R = 0.14, 0.17, 0.045, 0.072
UPPER_ARM, FOREARM = 0.16, 0.15
LIMB_W, TORSO_W = 0.056, 0.105

BODY = (36, 83, 92, 255)  # deep teal-slate, the palette's ink
FAR = (132, 168, 170, 255)  # far arm and leg: the same hue, paler
GHOST = (36, 83, 92, 60)  # the other pose, faint, to show the movement
BACKDROP = (227, 238, 236, 255)  # theme.ACCENT_TINT
SHADOW = (200, 214, 211, 255)

SUPERSAMPLE = 4


@dataclass(frozen=True)
class Hand:
    """Where the hands go: ``along`` a body segment from its lower end, and
    ``across`` it (positive = in front). ``elbow_back`` bends the elbow backwards."""

    segment: str
    along: float
    across: float
    elbow_back: bool = True


@dataclass(frozen=True)
class Pose:
    """Segment angles in degrees from vertical; positive leans backwards."""

    shin: float = 0.0
    thigh: float = 0.0
    lower_torso: float = 0.0
    upper_torso: float = 0.0
    head: float = 0.0
    hand: Hand = Hand("lower_torso", 0.0, 0.0)


_UPRIGHT_HANDS_ON_BACK = Pose(hand=Hand("lower_torso", 0.09, -0.075))

#: Start and end pose of each movement, by name.
POSES: Dict[str, Tuple[Pose, Pose]] = {
    # Hips ease forward, the chest lifts and the back arches; eyes follow.
    "standing_back_extension": (
        _UPRIGHT_HANDS_ON_BACK,
        replace(_UPRIGHT_HANDS_ON_BACK, shin=-5, thigh=-6, lower_torso=7, upper_torso=17, head=20),
    ),
    # Fallback for exercises without a drawing yet: stand up and reach up.
    "stand_and_reach": (
        Pose(hand=Hand("upper_torso", -0.22, 0.06, elbow_back=False)),
        Pose(head=8, hand=Hand("upper_torso", UPPER_TORSO + 0.30, 0.03, elbow_back=False)),
    ),
}


def draw_figure(movement: str, size: int, phase: float, ghost: Optional[float] = None) -> Image.Image:
    """A ``size`` px square RGBA image of ``movement`` at ``phase`` (0..1).

    With ``ghost`` (a phase), that pose is drawn faintly behind, so one
    still picture shows where the movement starts and where it goes.
    """
    size = int(size)
    if size < 32:
        raise ValueError(f"figure size must be at least 32 px, not {size}")
    big = size * SUPERSAMPLE
    canvas = _Canvas(big)
    canvas.backdrop()
    if ghost is not None:
        layer = _Canvas(big)
        layer.figure(_pose_at(movement, ghost), GHOST[:3] + (255,), GHOST[:3] + (255,))
        faint = layer.image.getchannel("A").point(lambda a: a * GHOST[3] // 255)
        layer.image.putalpha(faint)
        canvas.image.alpha_composite(layer.image)
    canvas.figure(_pose_at(movement, phase), BODY, FAR)
    # A box filter averages each 4x4 block: smooth edges, and unlike LANCZOS no
    # ringing (a bright halo) where the backdrop meets transparency.
    return canvas.image.resize((size, size), Image.Resampling.BOX)


def _pose_at(movement: str, phase: float) -> Pose:
    start, end = POSES.get(movement, POSES["stand_and_reach"])
    return _blend(start, end, min(1.0, max(0.0, float(phase))))


class _Canvas:
    """A supersampled square to draw a figure on, in figure units."""

    def __init__(self, big: int) -> None:
        self.big = big
        self.image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)
        self.unit = big * 0.68  # pixels per figure unit
        self.ground = big * 0.87

    def px(self, p: Point) -> Point:
        return (self.big * 0.55 + p[0] * self.unit, self.ground - p[1] * self.unit)

    def backdrop(self) -> None:
        big, r = self.big, self.big * 0.45
        self.draw.ellipse((big / 2 - r, big * 0.49 - r, big / 2 + r, big * 0.49 + r), fill=BACKDROP)
        g = self.ground
        self.draw.ellipse((big * 0.30, g - big * 0.02, big * 0.80, g + big * 0.035), fill=SHADOW)

    def dot(self, p: Point, radius: float, colour) -> None:
        x, y = self.px(p)
        r = radius * self.unit
        self.draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)

    def limb(self, points, width: float, colour) -> None:
        """A thick line through ``points`` with round ends and joints."""
        self.draw.line([self.px(p) for p in points], fill=colour, width=round(width * self.unit), joint="curve")
        for p in points:
            self.dot(p, width / 2, colour)

    def figure(self, pose: Pose, near, far) -> None:
        """Far limbs first, then torso and head, then the near limbs on top."""
        joints = _skeleton(pose)
        behind = (-0.02, 0.0)  # the far limbs peek out a little behind the near ones
        self.limb(_shift(joints["arm"], behind), LIMB_W, far)
        self.limb(_shift(joints["leg"], behind), LIMB_W, far)
        self.limb(joints["torso"], TORSO_W, near)
        self.dot(joints["head"], HEAD_R, near)
        self.dot(joints["nose"], HEAD_R * 0.36, near)  # shows which way the figure faces
        self.limb(joints["leg"], LIMB_W, near)
        self.limb(joints["arm"], LIMB_W, near)


def _blend(a: Pose, b: Pose, t: float) -> Pose:
    """The pose a fraction ``t`` of the way from ``a`` to ``b`` (eased in and out)."""
    if a.hand.segment != b.hand.segment:
        raise ValueError("a movement keeps its hands on one segment")
    t = t * t * (3 - 2 * t)

    def mix(x: float, y: float) -> float:
        return x + (y - x) * t

    hand = replace(a.hand, along=mix(a.hand.along, b.hand.along), across=mix(a.hand.across, b.hand.across))
    angles = {f: mix(getattr(a, f), getattr(b, f)) for f in ("shin", "thigh", "lower_torso", "upper_torso", "head")}
    return Pose(hand=hand, **angles)


def _skeleton(pose: Pose) -> Dict[str, list]:
    """Joint positions (figure units, y up, facing +x) for ``pose``."""
    ankle = (0.0, 0.035)
    knee = _step(ankle, SHIN, pose.shin)
    hip = _step(knee, THIGH, pose.thigh)
    waist = _step(hip, LOWER_TORSO, pose.lower_torso)
    shoulder = _step(waist, UPPER_TORSO, pose.upper_torso)
    neck = _step(shoulder, NECK, pose.head)
    head = _step(neck, HEAD_R * 0.9, pose.head)
    nose = _step(head, HEAD_R, pose.head - 80)
    base, angle = {"lower_torso": (hip, pose.lower_torso), "upper_torso": (waist, pose.upper_torso)}[
        pose.hand.segment
    ]
    along, across = _direction(angle), _direction(angle - 90)  # across points forward
    target = (
        base[0] + along[0] * pose.hand.along + across[0] * pose.hand.across,
        base[1] + along[1] * pose.hand.along + across[1] * pose.hand.across,
    )
    elbow = _elbow(shoulder, target, pose.hand.elbow_back)
    toe = (ankle[0] + FOOT, 0.0)
    heel = (ankle[0] - 0.015, 0.0)
    return {
        "leg": [toe, heel, ankle, knee, hip],
        "torso": [hip, waist, shoulder, neck],
        "head": head,
        "nose": nose,
        "arm": [shoulder, elbow, target],
    }


def _direction(angle_deg: float) -> Point:
    """Unit vector ``angle_deg`` from straight up, positive turning backwards (-x)."""
    a = math.radians(angle_deg)
    return (-math.sin(a), math.cos(a))


def _step(origin: Point, length: float, angle_deg: float) -> Point:
    d = _direction(angle_deg)
    return (origin[0] + d[0] * length, origin[1] + d[1] * length)


def _elbow(shoulder: Point, hand: Point, back: bool) -> Point:
    """Two-bone inverse kinematics: the elbow that lets the hand reach ``hand``."""
    dx, dy = hand[0] - shoulder[0], hand[1] - shoulder[1]
    reach = math.hypot(dx, dy)
    reach = min(max(reach, abs(UPPER_ARM - FOREARM) + 1e-6), UPPER_ARM + FOREARM - 1e-6)
    ux, uy = (dx / reach, dy / reach) if reach else (0.0, -1.0)
    cos_a = (UPPER_ARM**2 + reach**2 - FOREARM**2) / (2 * UPPER_ARM * reach)
    sin_a = math.sqrt(max(0.0, 1 - cos_a * cos_a))
    px, py = uy, -ux  # a perpendicular; turn it towards the back (-x) or the front
    if (px > 0) == back:
        px, py = -px, -py
    return (
        shoulder[0] + UPPER_ARM * (cos_a * ux + sin_a * px),
        shoulder[1] + UPPER_ARM * (cos_a * uy + sin_a * py),
    )


def _shift(points, offset: Point) -> list:
    return [(x + offset[0], y + offset[1]) for x, y in points]
