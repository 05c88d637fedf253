"""Small pictures for the checklists and the spasm guide, drawn with Pillow.

One friendly side view of a person at a desk, in the palette of
:mod:`agent.ui.theme`: the person in the exercise figures' deep teal,
furniture in soft grey-green, and the one thing an item is about in the
accent colour, so a glance says what to look at (the feet, the screen,
the cushion...). The guide's positions are people lying down, drawn the
same way. Pictures hold no words: nothing to translate.

Drawn four times larger and averaged down (a box filter) for smooth
edges. Plain Pillow, no display: safe from any thread.
"""

from __future__ import annotations

import math
from typing import Callable, Dict, Sequence, Tuple

from PIL import Image, ImageDraw

Point = Tuple[float, float]
Colour = Tuple[int, int, int, int]

BACKDROP: Colour = (227, 238, 236, 255)  # theme.ACCENT_TINT
FLOOR: Colour = (200, 214, 211, 255)
FURNITURE: Colour = (160, 184, 180, 255)  # between theme.BORDER and the ink
PERSON: Colour = (36, 83, 92, 255)  # the exercise figures' body colour
PERSON_FAR: Colour = (132, 168, 170, 255)
FOCUS: Colour = (40, 150, 131, 255)  # theme.ACCENT, lightened to stand out from the person
FOCUS_SOFT: Colour = (255, 255, 255, 255)  # a white halo behind what the item is about

SUPERSAMPLE = 4
LIMB = 0.045  # limb width, in picture units (the picture is 1 x 1)


class _Pen:
    """A supersampled square drawing in units: (0, 0) top left, (1, 1) bottom right."""

    def __init__(self, size: int) -> None:
        self.big = size * SUPERSAMPLE
        self.image = Image.new("RGBA", (self.big, self.big), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)

    def px(self, p: Point) -> Point:
        return (p[0] * self.big, p[1] * self.big)

    def w(self, units: float) -> int:
        return max(1, round(units * self.big))

    def backdrop(self) -> None:
        r = 0.16 * self.big
        self.draw.rounded_rectangle((0, 0, self.big - 1, self.big - 1), radius=r, fill=BACKDROP)

    def dot(self, p: Point, radius: float, colour: Colour) -> None:
        x, y = self.px(p)
        r = radius * self.big
        self.draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)

    def line(self, points: Sequence[Point], width: float, colour: Colour) -> None:
        """A thick line with round ends and joints."""
        self.draw.line([self.px(p) for p in points], fill=colour, width=self.w(width), joint="curve")
        for p in points:
            self.dot(p, width / 2, colour)

    def box(self, a: Point, b: Point, colour: Colour, radius: float = 0.015) -> None:
        (x0, y0), (x1, y1) = self.px(a), self.px(b)
        self.draw.rounded_rectangle((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)),
                                    radius=radius * self.big, fill=colour)

    def oval(self, a: Point, b: Point, colour: Colour) -> None:
        (x0, y0), (x1, y1) = self.px(a), self.px(b)
        self.draw.ellipse((x0, y0, x1, y1), fill=colour)

    def dashes(self, a: Point, b: Point, width: float, colour: Colour, dash: float = 0.04) -> None:
        length = math.dist(a, b)
        steps = max(1, int(length / dash))
        for n in range(0, steps, 2):
            t0, t1 = n / steps, min(1.0, (n + 1) / steps)
            self.line([_lerp(a, b, t0), _lerp(a, b, t1)], width, colour)

    def arrow(self, points: Sequence[Point], width: float, colour: Colour) -> None:
        """A line ending in an arrowhead at its last point."""
        self.line(points, width, colour)
        (x0, y0), (x1, y1) = points[-2], points[-1]
        angle = math.atan2(y1 - y0, x1 - x0)
        head = width * 2.6
        left = (x1 - head * math.cos(angle - 0.5), y1 - head * math.sin(angle - 0.5))
        right = (x1 - head * math.cos(angle + 0.5), y1 - head * math.sin(angle + 0.5))
        self.draw.polygon([self.px(points[-1]), self.px(left), self.px(right)], fill=colour)
        self.line([left, points[-1], right], width * 0.8, colour)

    def halo(self, centre: Point, radius: float) -> None:
        """A soft white disc behind what the picture is about."""
        self.dot(centre, radius, FOCUS_SOFT)

    def done(self, size: int) -> Image.Image:
        return self.image.resize((size, size), Image.Resampling.BOX)


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _arc(centre: Point, radius: float, start_deg: float, end_deg: float, steps: int = 16) -> list:
    return [(centre[0] + radius * math.cos(math.radians(a)), centre[1] + radius * math.sin(math.radians(a)))
            for a in (start_deg + (end_deg - start_deg) * n / steps for n in range(steps + 1))]


# --- the desk scene -------------------------------------------------------------
# A person sitting upright on a chair, facing right, at a desk with a screen.

FLOOR_Y = 0.86
HIP, KNEE, ANKLE, TOE = (0.33, 0.575), (0.56, 0.575), (0.56, 0.845), (0.66, 0.845)
SHOULDER, HEAD = (0.335, 0.32), (0.35, 0.205)
EYE = (0.385, 0.195)
ELBOW, HAND = (0.40, 0.47), (0.58, 0.45)
DESK_Y = 0.47
SCREEN = ((0.80, 0.13), (0.835, 0.33))


def _floor(pen: _Pen, focus: bool = False) -> None:
    pen.line([(0.08, FLOOR_Y + 0.02), (0.92, FLOOR_Y + 0.02)], 0.02, FOCUS if focus else FLOOR)


def _chair(pen: _Pen, seat: Colour = FURNITURE, back: Colour = FURNITURE) -> None:
    pen.line([(0.20, 0.30), (0.23, 0.62)], 0.035, back)  # backrest
    pen.box((0.20, 0.595), (0.47, 0.635), seat)  # seat
    pen.line([(0.34, 0.635), (0.34, 0.80)], 0.03, FURNITURE)  # post
    pen.line([(0.22, 0.84), (0.46, 0.84)], 0.03, FURNITURE)  # base
    pen.dot((0.22, 0.85), 0.018, FURNITURE)
    pen.dot((0.46, 0.85), 0.018, FURNITURE)


def _desk(pen: _Pen, colour: Colour = FURNITURE, screen: Colour = FURNITURE) -> None:
    pen.box((0.55, DESK_Y), (0.97, DESK_Y + 0.035), colour)  # desk top
    pen.line([(0.92, DESK_Y + 0.03), (0.92, FLOOR_Y)], 0.03, colour)
    pen.line([(0.845, 0.33), (0.845, DESK_Y)], 0.02, screen)  # screen stand
    pen.box((0.79, DESK_Y - 0.01), (0.90, DESK_Y + 0.005), screen)
    pen.box(*SCREEN, screen, radius=0.008)


def _sitter(pen: _Pen, torso: Colour = PERSON, head: Colour = PERSON, feet: Colour = PERSON) -> None:
    pen.line([ELBOW, HAND], LIMB, PERSON_FAR)  # far arm, a little behind
    pen.line([(HIP[0], HIP[1]), KNEE, ANKLE], LIMB * 1.05, PERSON)
    pen.line([ANKLE, TOE], LIMB * 1.05, feet)
    pen.line([HIP, SHOULDER], LIMB * 1.9, torso)
    pen.line([SHOULDER, (0.345, 0.265)], LIMB, head)  # neck
    pen.dot(HEAD, 0.062, head)
    pen.dot((0.405, 0.205), 0.02, head)  # the nose: which way they face
    pen.line([(SHOULDER[0] + 0.01, SHOULDER[1] + 0.02), ELBOW, (HAND[0] - 0.02, HAND[1] - 0.005)], LIMB, PERSON)


def _scene(size: int, *, chair_seat=FURNITURE, chair_back=FURNITURE, desk=FURNITURE, screen=FURNITURE,
           torso=PERSON, head=PERSON, feet=PERSON, floor_focus=False,
           before: Callable[[_Pen], None] = lambda pen: None,
           after: Callable[[_Pen], None] = lambda pen: None) -> Image.Image:
    pen = _Pen(size)
    pen.backdrop()
    before(pen)
    _floor(pen, floor_focus)
    _desk(pen, desk, screen)
    _chair(pen, chair_seat, chair_back)
    _sitter(pen, torso, head, feet)
    after(pen)
    return pen.done(size)


def spine(size: int) -> Image.Image:
    """The back in line: the torso in the accent colour along a straight guide."""
    return _scene(size, torso=FOCUS, before=lambda pen: pen.halo((0.335, 0.45), 0.2),
                  after=lambda pen: pen.dashes((0.265, 0.12), (0.265, 0.62), 0.012, FOCUS))


def head_up(size: int) -> Image.Image:
    """Head up over the shoulders: the head in the accent colour."""
    return _scene(size, head=FOCUS, before=lambda pen: pen.halo(HEAD, 0.14),
                  after=lambda pen: pen.arrow([(0.20, 0.25), (0.20, 0.10)], 0.022, FOCUS))


def feet(size: int) -> Image.Image:
    """Feet flat on the floor."""
    return _scene(size, feet=FOCUS, floor_focus=True, before=lambda pen: pen.halo((0.60, 0.83), 0.13))


def screen(size: int) -> Image.Image:
    """The screen at eye level: a level line from the eye to the top of the screen."""
    return _scene(size, screen=FOCUS, before=lambda pen: pen.halo((0.815, 0.23), 0.15),
                  after=lambda pen: pen.dashes(EYE, (0.78, 0.195), 0.014, FOCUS, 0.035))


def firm_seat(size: int) -> Image.Image:
    """A firm seat, not a sagging couch."""
    return _scene(size, chair_seat=FOCUS, before=lambda pen: pen.halo((0.33, 0.62), 0.15))


def lumbar(size: int) -> Image.Image:
    """A cushion in the small of the back."""
    def cushion(pen: _Pen) -> None:
        pen.oval((0.225, 0.44), (0.305, 0.58), FOCUS)
    return _scene(size, before=lambda pen: pen.halo((0.27, 0.51), 0.14), after=cushion)


def adjust(size: int) -> Image.Image:
    """Chair and desk set to the body: up-and-down arrows on both."""
    def arrows(pen: _Pen) -> None:
        for x, top, bottom in ((0.12, 0.50, 0.76), (0.74, 0.56, 0.80)):
            pen.arrow([((x), (top + bottom) / 2), (x, top)], 0.02, FOCUS)
            pen.arrow([((x), (top + bottom) / 2), (x, bottom)], 0.02, FOCUS)
    return _scene(size, desk=FOCUS, chair_seat=FOCUS, chair_back=FOCUS, after=arrows)


def standing_desk(size: int) -> Image.Image:
    """A person standing at a raised desk."""
    pen = _Pen(size)
    pen.backdrop()
    pen.halo((0.70, 0.40), 0.2)
    _floor(pen)
    pen.box((0.55, 0.40), (0.95, 0.435), FOCUS)
    pen.line([(0.90, 0.43), (0.90, FLOOR_Y)], 0.03, FOCUS)
    pen.line([(0.84, 0.25), (0.84, 0.40)], 0.02, FURNITURE)
    pen.box((0.80, 0.08), (0.835, 0.26), FURNITURE, radius=0.008)
    _stander(pen, (0.38, FLOOR_Y - 0.005), PERSON, reach=(0.57, 0.385))
    return pen.done(size)


def _stander(pen: _Pen, foot: Point, colour: Colour, reach: Point | None = None, scale: float = 1.0) -> None:
    """A person standing, feet at ``foot``, hands at ``reach`` (or by the sides)."""
    x, y = foot
    s = scale
    hip, shoulder, head = (x, y - 0.40 * s), (x, y - 0.64 * s), (x + 0.01 * s, y - 0.755 * s)
    pen.line([(x + 0.09 * s, y), (x, y), hip], LIMB * s, colour)
    pen.line([hip, shoulder], LIMB * 1.9 * s, colour)
    pen.line([shoulder, (x + 0.005 * s, y - 0.70 * s)], LIMB * s, colour)
    pen.dot(head, 0.062 * s, colour)
    pen.dot((head[0] + 0.055 * s, head[1]), 0.02 * s, colour)
    hand = reach or (x + 0.02 * s, y - 0.40 * s)
    elbow = ((shoulder[0] + hand[0]) / 2 + 0.01 * s, (shoulder[1] + hand[1]) / 2 + 0.06 * s) if reach \
        else (x + 0.01 * s, y - 0.52 * s)
    pen.line([(shoulder[0] + 0.01 * s, shoulder[1] + 0.02 * s), elbow, hand], LIMB * s, colour)


def shoes(size: int) -> Image.Image:
    """A flat, supportive shoe on the floor: heel and toe on one level."""
    pen = _Pen(size)
    pen.backdrop()
    pen.halo((0.50, 0.56), 0.3)
    pen.line([(0.08, 0.745), (0.92, 0.745)], 0.02, FLOOR)
    pen.box((0.14, 0.665), (0.86, 0.725), FOCUS, radius=0.025)  # the flat sole
    # The upper: heel counter at the back, the opening, laces, a rounded toe.
    outline = [(0.16, 0.67), (0.16, 0.50), (0.20, 0.46), (0.34, 0.47), (0.42, 0.50), (0.52, 0.52),
               (0.66, 0.55), (0.78, 0.59), (0.84, 0.63), (0.85, 0.67)]
    pen.draw.polygon([pen.px(p) for p in outline], fill=PERSON)
    pen.oval((0.70, 0.57), (0.86, 0.68), PERSON)  # round the toe
    pen.line([(0.22, 0.47), (0.34, 0.475)], 0.02, PERSON_FAR)  # the collar
    for n in range(3):  # laces
        x = 0.44 + n * 0.065
        pen.line([(x, 0.505 + n * 0.012), (x + 0.035, 0.54 + n * 0.012)], 0.016, BACKDROP)
    return pen.done(size)


def sit_stand(size: int) -> Image.Image:
    """Sitting and standing in turn: two people and arrows between them."""
    pen = _Pen(size)
    pen.backdrop()
    _floor(pen)
    # sitting, left
    pen.box((0.08, 0.60), (0.34, 0.64), FURNITURE)
    pen.line([(0.10, 0.64), (0.10, FLOOR_Y)], 0.025, FURNITURE)
    pen.line([(0.32, 0.64), (0.32, FLOOR_Y)], 0.025, FURNITURE)
    pen.line([(0.40, FLOOR_Y - 0.005), (0.33, FLOOR_Y - 0.005), (0.33, 0.58), (0.15, 0.58)], LIMB, PERSON)
    pen.line([(0.15, 0.58), (0.16, 0.34)], LIMB * 1.9, PERSON)
    pen.line([(0.16, 0.34), (0.165, 0.29)], LIMB, PERSON)
    pen.dot((0.175, 0.225), 0.062, PERSON)
    pen.dot((0.23, 0.225), 0.02, PERSON)
    pen.line([(0.17, 0.36), (0.21, 0.47), (0.30, 0.52)], LIMB, PERSON)
    # standing, right
    _stander(pen, (0.74, FLOOR_Y - 0.005), PERSON)
    # arrows: sit -> stand above, stand -> sit below
    pen.arrow(_arc((0.47, 0.34), 0.14, 215, 325, 10), 0.02, FOCUS)
    pen.arrow(_arc((0.50, 0.64), 0.10, 35, 145, 10), 0.02, FOCUS)
    return pen.done(size)


def breaks(size: int) -> Image.Image:
    """A clock with half its face lit: every 30 minutes."""
    pen = _Pen(size)
    pen.backdrop()
    centre, r = (0.5, 0.5), 0.33
    pen.dot(centre, r + 0.03, PERSON)
    pen.dot(centre, r, FOCUS_SOFT)
    x, y = pen.px(centre)
    rr = r * pen.big
    pen.draw.pieslice((x - rr, y - rr, x + rr, y + rr), -90, 90, fill=(196, 224, 219, 255))
    for n in range(12):
        a = math.radians(n * 30)
        inner = 0.80 if n % 3 else 0.72
        pen.line([(0.5 + r * inner * math.sin(a), 0.5 - r * inner * math.cos(a)),
                  (0.5 + r * 0.92 * math.sin(a), 0.5 - r * 0.92 * math.cos(a))], 0.016, PERSON)
    pen.line([centre, (0.5, 0.5 - r * 0.78)], 0.03, FOCUS)  # minute hand at 12
    pen.line([centre, (0.5, 0.5 + r * 0.78)], 0.03, FOCUS)  # ... and at half past
    pen.dot(centre, 0.035, PERSON)
    return pen.done(size)


def lying_positions(size: int) -> Image.Image:
    """On the back on a firm surface, knees bent, pillows under the knees."""
    pen = _Pen(size)
    pen.backdrop()
    pen.halo((0.60, 0.52), 0.2)
    pen.box((0.05, 0.66), (0.95, 0.72), FURNITURE)  # the firm surface
    pen.oval((0.06, 0.55), (0.24, 0.665), BACKDROP)  # pillow under the head
    pen.oval((0.07, 0.56), (0.23, 0.66), FURNITURE)
    pen.oval((0.48, 0.50), (0.74, 0.665), FOCUS)  # pillows under the knees
    pen.line([(0.22, 0.595), (0.50, 0.595)], LIMB * 1.9, PERSON)  # torso
    pen.line([(0.19, 0.58), (0.22, 0.595)], LIMB, PERSON)  # neck
    pen.dot((0.15, 0.535), 0.062, PERSON)
    pen.dot((0.15, 0.475), 0.02, PERSON)  # nose up: on the back
    pen.line([(0.50, 0.60), (0.62, 0.44), (0.79, 0.60), (0.88, 0.60)], LIMB * 1.05, PERSON)  # knees over the pillows
    pen.line([(0.27, 0.585), (0.36, 0.625), (0.46, 0.615)], LIMB, PERSON)  # arm resting
    return pen.done(size)


#: The log roll (002: "roll onto your side first, then use your arms to push yourself up while
#: swinging your legs off the bed") in two moments, one above the other. Above, the bed seen from
#: straight above: the person curled on their side in profile, facing the edge they will get out
#: on (down in the picture), knees drawn up, the top hand on the mattress in front of the chest,
#: which a face-down body (straight, symmetrical) never shows. Below, the bed seen from that
#: edge: pushing up on the arms while the legs swing down over it. Points in picture units; data,
#: so that tests can hold the drawing to this (tests/test_pose_geometry.py).
LOG_ROLL: Dict[str, Dict[str, Point]] = {
    "on_side": {
        "bed_top_left": (0.06, 0.07), "bed_bottom_right": (0.94, 0.45),
        "head": (0.165, 0.205), "nose": (0.178, 0.262), "neck": (0.215, 0.222),
        "shoulder": (0.265, 0.225), "waist": (0.385, 0.212), "hip": (0.505, 0.225),
        "knee": (0.560, 0.370), "ankle": (0.740, 0.330), "toe": (0.760, 0.385),
        "far_knee": (0.585, 0.350), "far_ankle": (0.770, 0.305), "far_toe": (0.790, 0.360),
        "elbow": (0.290, 0.330), "hand": (0.365, 0.385),
    },
    "push_up": {
        "bed_far": (0.06, 0.70), "bed_near": (0.94, 0.79), "bed_foot": (0.94, 0.96),
        "head": (0.270, 0.555), "nose": (0.305, 0.582), "neck": (0.300, 0.590),
        "shoulder": (0.330, 0.615), "waist": (0.400, 0.695), "hip": (0.470, 0.780),
        "knee": (0.565, 0.800), "ankle": (0.590, 0.935), "toe": (0.650, 0.940),
        "far_knee": (0.590, 0.790), "far_ankle": (0.625, 0.920), "far_toe": (0.685, 0.925),
        "elbow": (0.345, 0.700), "hand": (0.395, 0.780),
    },
}


def _log_roller(pen: _Pen, at: Dict[str, Point], arm: Colour) -> None:
    """One moment of the log roll: the far leg paler, behind; the trunk kept in one line."""
    pen.line([at["hip"], at["far_knee"], at["far_ankle"], at["far_toe"]], LIMB * 1.05, PERSON_FAR)
    pen.line([at["hip"], at["knee"], at["ankle"], at["toe"]], LIMB * 1.05, PERSON)
    pen.line([at["shoulder"], at["waist"], at["hip"]], LIMB * 1.9, PERSON)
    pen.line([at["shoulder"], at["neck"]], LIMB, PERSON)
    pen.dot(at["head"], 0.055, PERSON)
    pen.dot(at["nose"], 0.02, PERSON)  # which way they face: the edge they will get out on
    pen.line([at["shoulder"], at["elbow"], at["hand"]], LIMB, arm)


def log_roll(size: int) -> Image.Image:
    """Above: on the side, facing the edge, knees drawn up (the bed from above). Below: pushing
    up with the arms while the legs swing down over the edge (the bed from that edge)."""
    pen = _Pen(size)
    pen.backdrop()
    side, up = LOG_ROLL["on_side"], LOG_ROLL["push_up"]
    pen.box(side["bed_top_left"], side["bed_bottom_right"], FURNITURE, radius=0.03)  # the mattress from above
    pen.box((0.075, 0.085), (0.925, 0.435), FLOOR, radius=0.025)
    pen.oval((0.09, 0.12), (0.24, 0.29), FURNITURE)  # the pillow
    _log_roller(pen, side, PERSON)
    (x0, y_far), (x1, y_near), (_, y_floor) = up["bed_far"], up["bed_near"], up["bed_foot"]
    pen.box((x0, y_far), (x1, y_near), FLOOR)  # the top of the mattress, receding
    pen.box((x0, y_near), (x1, y_near + 0.035), FURNITURE)  # its near face
    for x in (x0 + 0.04, x1 - 0.04):
        pen.line([(x, y_near + 0.03), (x, y_floor)], 0.025, FURNITURE)
    _log_roller(pen, up, FOCUS)
    pen.arrow(_arc((0.70, 0.80), 0.12, -80, 15, 10), 0.02, FOCUS)  # the legs swing down
    pen.arrow([(0.50, 0.49), (0.50, 0.62)], 0.02, FOCUS)  # then
    return pen.done(size)


PICTURES: Dict[str, Callable[[int], Image.Image]] = {
    "spine": spine,
    "head_up": head_up,
    "feet": feet,
    "screen": screen,
    "firm_seat": firm_seat,
    "shoes": shoes,
    "sit_stand": sit_stand,
    "lumbar": lumbar,
    "adjust": adjust,
    "standing_desk": standing_desk,
    "breaks": breaks,
    "lying_positions": lying_positions,
    "log_roll": log_roll,
}


def draw(name: str, size: int) -> Image.Image:
    """Picture ``name`` as a ``size`` px square RGBA image (KeyError if unknown)."""
    size = int(size)
    if size < 16:
        raise ValueError(f"picture size must be at least 16 px, not {size}")
    return PICTURES[name](size)
