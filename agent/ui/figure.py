"""A friendly stick figure doing an exercise, drawn with Pillow.

The exercise file says how the figure moves (:mod:`agent.content.pose`); the
skeleton says where every joint is at a moment of it
(:mod:`agent.ui.skeleton`); this module draws that moment: the backdrop,
the floor or mat, the chair or desk, the figure, and a soft glow on the
muscles an exercise tightens without moving much.

Limbs are thick lines with round ends and the trunk a tapered shape that
bends with the spine, drawn four times larger and scaled down with a
Lanczos filter, so edges are smooth and crisp at 1x and 2x. Far-side limbs
are paler, which reads as depth without any shading; the near arm and leg
have a thin gap round them, so an arm hanging beside the trunk still reads
as an arm. :func:`draw_pair` puts the start pose, an arrow and the end pose
side by side, for a list or a still picture.
Every exercise is scaled the same way as long as it fits, so figures are
the same size from one exercise to the next. Nothing here touches the
display; it is safe from any thread.
"""

from __future__ import annotations

import math
from typing import Iterable, Optional, Sequence

from PIL import Image, ImageDraw, ImageFilter

from agent.content.pose import Movement
from agent.ui.skeleton import (
    HEAD_R,
    LIMB_W,
    MAT_H,
    SEAT_H,
    SIDES,
    TORSO_W,
    Camera,
    Joints,
    Skeleton,
    Vec,
    add,
)

BODY = (36, 83, 92, 255)  # deep teal-slate, the palette's ink
FAR = (132, 168, 170, 255)  # far arm and leg: the same hue, paler
GHOST = (36, 83, 92, 60)  # the other pose, faint, to show the movement
BACKDROP = (227, 238, 236, 255)  # theme.ACCENT_TINT
SURROUND = (244, 247, 246, 255)  # theme.BACKGROUND: the window around the picture
SHADOW = (200, 214, 211, 255)
FURNITURE = (176, 196, 193, 255)  # chair and desk: quiet, behind the figure
FURNITURE_FAR = (196, 212, 209, 255)
MAT = (190, 214, 208, 255)
MAT_EDGE = (160, 190, 184, 255)
GLOW = (240, 176, 64)  # warm: "tighten here"
ARROW = (30, 111, 102, 255)  # theme.ACCENT: "from this pose to that one"
ARROW_GAP = 0.3  # the arrow's room between the two poses, as a share of their size

SUPERSAMPLE = 4
NECK_W = LIMB_W * 0.95  # the neck, between the trunk and the head
#: Half the trunk's depth at each point: chest deeper than the waist, a trunk and not a tube.
TRUNK_R = {"hip": TORSO_W * 0.55, "waist": TORSO_W * 0.48, "chest": TORSO_W * 0.62, "shoulders": TORSO_W * 0.5}
ARM_W = LIMB_W * 0.86  # arms a little slimmer than legs
HAND_R = LIMB_W * 0.58  # a hand: a round end a little wider than the forearm
OUTLINE_W = LIMB_W * 0.22  # the gap drawn round the near limbs
UNIT = 0.66  # a figure unit (about its standing height) as a fraction of the picture, when it fits
FIT_W, FIT_H = 0.86, 0.78  # the most of the picture the drawing may fill
SAMPLES = (0.0, 0.25, 0.5, 0.75, 1.0)  # phases that together bound the movement


def draw_figure(movement: Movement, size: int, phase: float, ghost: Optional[float] = None) -> Image.Image:
    """A ``size`` px square RGBA image of ``movement`` at ``phase`` (0 start .. 1 end).

    With ``ghost`` (a phase), that pose is drawn faintly behind, so one
    still picture shows where the movement starts and where it goes.
    """
    size = int(size)
    if size < 32:
        raise ValueError(f"figure size must be at least 32 px, not {size}")
    scene = Scene(movement, size * SUPERSAMPLE)
    scene.backdrop()
    scene.ground()
    scene.furniture()
    if ghost is not None:
        scene.ghost(ghost)
    joints = scene.skeleton.joints(phase)
    scene.figure(joints, BODY, FAR)
    scene.glow(joints, phase)
    return _downscale(scene.image, size)


def draw_pair(movement: Movement, size: int) -> Image.Image:
    """The start pose, an arrow, then the end pose: one RGBA picture ``size`` px
    high, so the movement reads at a glance, from left to right, without
    animation. Both poses share one scale and place, so what moves is what changed."""
    size = int(size)
    gap = max(12, round(size * ARROW_GAP))
    image = Image.new("RGBA", (2 * size + gap, size), (0, 0, 0, 0))
    image.alpha_composite(draw_figure(movement, size, 0.0), (0, 0))
    image.alpha_composite(_arrow(gap, size), (size, 0))
    image.alpha_composite(draw_figure(movement, size, 1.0), (size + gap, 0))
    return image


def _arrow(width: int, height: int) -> Image.Image:
    """A short arrow pointing right, centred where the figures' backdrops are."""
    big = Image.new("RGBA", (width * SUPERSAMPLE, height * SUPERSAMPLE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    w, h = big.size
    y, stroke = h * 0.49, max(2 * SUPERSAMPLE, h * 0.022)
    left, tip, head = w * 0.14, w * 0.86, min(w * 0.36, h * 0.09)
    draw.line([(left, y), (tip - head * 0.6, y)], fill=ARROW, width=round(stroke))
    draw.polygon([(tip, y), (tip - head, y - head * 0.8), (tip - head, y + head * 0.8)], fill=ARROW)
    return _downscale(big, (width, height))


def _downscale(big: Image.Image, size) -> Image.Image:
    """Lanczos keeps lines crisp, but it rings where the backdrop meets transparency
    (a bright halo). So the colours are scaled over the window's colour, and the
    picture's outline (its alpha) with a box filter, which cannot ring.
    ``size``: a side in px, or (width, height)."""
    box = (size, size) if isinstance(size, int) else tuple(size)
    ground = Image.new("RGBA", big.size, SURROUND)
    ground.alpha_composite(big)
    image = ground.convert("RGB").resize(box, Image.Resampling.LANCZOS).convert("RGBA")
    image.putalpha(big.getchannel("A").resize(box, Image.Resampling.BOX))
    return image


class Scene:
    """One supersampled picture of a movement: the camera, the scale and what is drawn."""

    def __init__(self, movement: Movement, big: int) -> None:
        self.movement, self.big = movement, big
        self.skeleton = Skeleton(movement)
        self.camera = Camera(movement.view, movement.look_down)
        self.image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)
        self.moments = [self.skeleton.joints(p) for p in SAMPLES]
        self.outline = True  # the gap round the near limbs; not on the faint ghost
        self._fit()

    # -- placing -----------------------------------------------------------------

    def _fit(self) -> None:
        """Scale and centre so that every moment of the movement, and its props, fit."""
        points = [self.camera.flat(p) for p in self._extent_points()]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        width, height = max(xs) - min(xs) + 0.1, max(ys) - min(ys) + 0.1
        self.unit = self.big * min(UNIT, FIT_W / width, FIT_H / height)
        self.centre = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)

    def _extent_points(self) -> Iterable[Vec]:
        for joints in self.moments:
            yield from joints.values()
            yield add(joints["head"], (0, HEAD_R, 0))
        yield from self._ground_outline()
        for part in self._furniture_parts():
            yield from part[0]

    def px(self, p: Vec) -> tuple[float, float]:
        x, y = self.camera.flat(p)
        return (self.big / 2 + (x - self.centre[0]) * self.unit, self.big * 0.5 - (y - self.centre[1]) * self.unit)

    # -- background --------------------------------------------------------------

    def backdrop(self) -> None:
        big, r = self.big, self.big * 0.45
        self.draw.ellipse((big / 2 - r, big * 0.49 - r, big / 2 + r, big * 0.49 + r), fill=BACKDROP)

    def _span(self) -> tuple[float, float]:
        """The stretch of floor the figure uses over the whole movement: (min x, max x)."""
        xs = [p[0] for joints in self.moments for p in joints.values()]
        return min(xs), max(xs)

    def _ground_outline(self) -> list[Vec]:
        low, high = self._span()
        if "mat" in self.movement.props:
            return [(low - 0.09, MAT_H, -0.17), (high + 0.09, MAT_H, -0.17), (high + 0.09, MAT_H, 0.17),
                    (low - 0.09, MAT_H, 0.17)]
        half = max(0.2, (high - low) / 2 + 0.05)
        centre = (low + high) / 2
        return [(centre + half * math.cos(a), 0.0, 0.16 * math.sin(a)) for a in _angles(40)]

    def ground(self) -> None:
        """A mat under a figure on the floor, else a soft shadow under its feet."""
        outline = [self.px(p) for p in self._ground_outline()]
        if "mat" not in self.movement.props:
            self.draw.polygon(outline, fill=SHADOW)
            return
        near = [p for p in self._ground_outline() if p[2] > 0]
        edge = [self.px(p) for p in near] + [self.px((x, 0.0, z)) for x, _, z in reversed(near)]
        self.draw.polygon(edge, fill=MAT_EDGE)
        self.draw.polygon(outline, fill=MAT)

    def _furniture_parts(self) -> list[tuple[Sequence[Vec], float, tuple]]:
        """(points, thickness, colour) of the chair and desk: polygons if thickness is 0."""
        parts = []
        if "chair" in self.movement.props:
            seat = SEAT_H - LIMB_W / 2 - 0.01
            for z, colour in ((-0.12, FURNITURE_FAR), (0.12, FURNITURE)):
                parts += [([(-0.1, 0.0, z), (-0.1, seat + 0.34, z)], 0.035, colour),
                          ([(0.17, 0.0, z), (0.17, seat, z)], 0.03, colour)]
            parts.append(([(-0.12, seat, -0.13), (0.2, seat, -0.13), (0.2, seat, 0.13), (-0.12, seat, 0.13)],
                          0.0, FURNITURE))
        if "desk" in self.movement.props:  # in front of the chair, the knees under it, a screen on it
            top, front, back = 0.47, 0.3, 0.72
            for z, colour in ((-0.3, FURNITURE_FAR), (0.3, FURNITURE)):
                parts.append(([(back - 0.03, 0.0, z), (back - 0.03, top, z)], 0.035, colour))
            parts.append(([(front, top, -0.32), (back, top, -0.32), (back, top, 0.32), (front, top, 0.32)],
                          0.0, FURNITURE))
            parts.append(([(back - 0.1, top + 0.06, 0.0), (back - 0.1, top + 0.2, 0.0)], 0.045, FURNITURE))
        return parts

    def furniture(self) -> None:
        for points, thickness, colour in self._furniture_parts():
            if thickness:
                self._limb(points, thickness, colour)
            else:
                self.draw.polygon([self.px(p) for p in points], fill=colour)

    # -- the figure --------------------------------------------------------------

    def ghost(self, phase: float) -> None:
        """The pose at ``phase``, faint, on its own layer so overlaps do not darken."""
        layer = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        canvas, self.draw = self.draw, ImageDraw.Draw(layer)
        solid = GHOST[:3] + (255,)
        self.outline = False
        try:
            self.figure(self.skeleton.joints(phase), solid, solid)
        finally:
            self.draw, self.outline = canvas, True
        layer.putalpha(layer.getchannel("A").point(lambda a: a * GHOST[3] // 255))
        self.image.alpha_composite(layer)

    def figure(self, joints: Joints, near, far) -> None:
        """Far limbs first, then torso and head, then the near limbs on top.

        Of each pair (arms, legs) the one nearer the camera on the whole is
        the near one: the right side from the side, whichever lies on top
        when the knees drop to one side, seen from above.
        """
        behind, front = [], []
        for limb in (_arm, _leg):
            pair = sorted(([joints[name] for name in limb(side)] for side in SIDES), key=self._mean_depth)
            behind.append(pair[0])
            front.append(pair[1])
        for points in sorted(behind, key=self._mean_depth):
            self._limb(points, _width(points), far, hand=_hand(points))
        # A neck thinner than the trunk, so the head sits on shoulders, not on a post.
        self._limb([joints["shoulders"], joints["neck"], joints["head"]], NECK_W, near)
        self._trunk(joints, near)
        # Shoulder and hip girdles: hidden in the trunk from the side, they show
        # the body's width, and which way the shoulders turn, from the front.
        self._limb([joints["shoulder_l"], joints["shoulder_r"]], TORSO_W * 0.9, near)
        self._limb([joints["hip_l"], joints["hip_r"]], TORSO_W * 0.9, near)
        self._dot(joints["head"], HEAD_R, near)
        if self.camera.depth(joints["nose"]) > self.camera.depth(joints["head"]) - HEAD_R * 0.3:
            self._dot(joints["nose"], HEAD_R * 0.36, near)  # shows which way the figure faces
        for points in sorted(front, key=self._mean_depth):
            # A thin gap in the backdrop's colour around the near arm and leg: an
            # arm hanging beside the trunk, or a thigh across it, still reads as a limb.
            if self.outline:
                self._limb(points, _width(points) + 2 * OUTLINE_W, BACKDROP, hand=_hand(points),
                           hand_extra=OUTLINE_W)
            self._limb(points, _width(points), near, hand=_hand(points))

    def glow(self, joints: Joints, phase: float) -> None:
        """A warm glow on the muscles the exercise tightens, strongest at the end pose."""
        focus = self.movement.focus
        strength = min(1.0, max(0.0, phase))
        if focus is None or strength == 0:
            return
        x, y = self.px(joints[focus])
        r = 0.075 * self.unit
        mask = Image.new("L", self.image.size, 0)
        ImageDraw.Draw(mask).ellipse((x - r, y - r, x + r, y + r), fill=round(190 * strength))
        mask = mask.filter(ImageFilter.GaussianBlur(r * 0.45))
        colour = Image.new("RGBA", self.image.size, GLOW + (255,))
        colour.putalpha(mask)
        # Only over what is already drawn: the glow stays on the body and backdrop.
        inside = Image.composite(colour, Image.new("RGBA", self.image.size), self.image.getchannel("A"))
        self.image.alpha_composite(inside)

    # -- primitives --------------------------------------------------------------

    def _mean_depth(self, points: Sequence[Vec]) -> float:
        return sum(self.camera.depth(p) for p in points) / len(points)

    def _dot(self, p: Vec, radius: float, colour) -> None:
        x, y = self.px(p)
        r = radius * self.unit
        self.draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)

    def _trunk(self, joints: Joints, colour) -> None:
        """Hips, waist, chest and shoulders as one smooth tapered shape (each
        stretch the hull of two circles), so the trunk bends with the spine."""
        rings = [(joints[name], TRUNK_R[name]) for name in ("hip", "waist", "chest", "shoulders")]
        for (p, r), (q, t) in zip(rings, rings[1:]):
            self._taper(p, r, q, t, colour)
        self._dot(joints["belly"], TRUNK_R["waist"], colour)

    def _taper(self, p: Vec, r: float, q: Vec, t: float, colour) -> None:
        """The convex hull of a circle of radius ``r`` at ``p`` and one of ``t`` at ``q``."""
        outline = []
        for centre, radius in ((self.px(p), r * self.unit), (self.px(q), t * self.unit)):
            outline += [(centre[0] + radius * math.cos(a), centre[1] + radius * math.sin(a)) for a in _angles(48)]
        self.draw.polygon(_hull(outline), fill=colour)

    def _limb(self, points: Sequence[Vec], width: float, colour, hand: Optional[Vec] = None,
              hand_extra: float = 0.0) -> None:
        """A thick line through ``points`` with round ends and joints; ``hand``
        gets a rounder end, a little wider than the wrist, so a hand reads as one."""
        self.draw.line([self.px(p) for p in points], fill=colour, width=round(width * self.unit), joint="curve")
        for p in points:
            self._dot(p, width / 2, colour)
        if hand is not None:
            self._dot(hand, HAND_R + hand_extra, colour)


def _width(points: Sequence[Vec]) -> float:
    """Arms (three points) a little slimmer than legs (five)."""
    return ARM_W if len(points) == 3 else LIMB_W


def _hand(points: Sequence[Vec]) -> Optional[Vec]:
    return points[-1] if len(points) == 3 else None


def _arm(side: str) -> tuple[str, ...]:
    return (f"shoulder_{side}", f"elbow_{side}", f"hand_{side}")


def _leg(side: str) -> tuple[str, ...]:
    return (f"toe_{side}", f"heel_{side}", f"ankle_{side}", f"knee_{side}", f"hip_{side}")


def _angles(count: int) -> list[float]:
    return [2 * math.pi * n / count for n in range(count)]



def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull of ``points``, anticlockwise (Andrew's monotone chain)."""
    points = sorted(set(points))

    def turn(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for chain, ordered in ((lower, points), (upper, reversed(points))):
        for point in ordered:
            while len(chain) >= 2 and turn(chain[-2], chain[-1], point) <= 0:
                chain.pop()
            chain.append(point)
    return lower[:-1] + upper[:-1]
