"""How an exercise's figure moves: the words of a pose, and blending one pose into the next.

An exercise file describes its illustration as joint angles of a simple
figure, so that a reviewer can read the movement ("knee_r = 110: the right
knee bent") and hold it against the steps, and a new exercise needs data,
not drawing code. This module is that vocabulary, and the blending of a
start pose (phase 0) through an optional ``via`` pose into an end pose
(phase 1). The geometry lives in :mod:`agent.ui.skeleton`, the drawing in
:mod:`agent.ui.figure`. Pure: no Pillow, no Tk.

Angles are degrees. The figure faces "forward"; positive angles bend the
way a body bends most: forward at the trunk, hip and shoulder, and the
knee and elbow bend the way they do. ``_r`` is the figure's right side,
the side the viewer sees (the near side); ``_l`` the far side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Union

#: name -> (lowest, highest, what it means). Also the validator's schema.
ANGLES: dict[str, tuple[float, float, str]] = {
    "lean": (-150, 150, "the line from hips to shoulders, from upright; + forward: 90 lies face down, -90 on the back"),
    "spine": (-70, 70, "+ rounds the back, - arches it"),
    "neck": (-60, 60, "+ chin down, - looks up"),
    "twist": (-90, 90, "+ turns the shoulders to the figure's right"),
    "legs_roll": (-90, 90, "+ tips both bent knees towards the figure's right"),
    "breath": (0, 1, "0 breathed out, 1 chest and belly full"),
    **{f"{joint}_{side}": limits for side in "rl" for joint, limits in {
        "hip": (-60, 150, "thigh forward of the base posture's trunk line: 90 sits, 0 stands"),
        "knee": (0, 160, "knee bend"),
        "ankle": (-30, 90, "+ points the toes"),
        "shoulder": (-90, 200, "arm raised forward from hanging: 90 points ahead, 180 overhead"),
        "elbow": (0, 160, "elbow bend"),
    }.items()},
}

#: Where a hand can rest instead of following its angles. "floor": on the
#: floor under the shoulder, where it stays; "planted": where the start pose's
#: angles put it, where it stays; "free": follow the angles.
HAND_TARGETS = ("free", "floor", "planted", "knee_r", "knee_l", "thigh_r", "thigh_l", "hips", "lower_back",
                "belly", "chest")
#: Feet follow their angles, or stay where the start pose put them.
FOOT_TARGETS = ("free", "planted")
TARGETS: dict[str, tuple[str, ...]] = {"hand_r": HAND_TARGETS, "hand_l": HAND_TARGETS,
                                       "foot_r": FOOT_TARGETS, "foot_l": FOOT_TARGETS}

BASES = ("standing", "seated", "supine", "prone", "all_fours")
PROPS = ("chair", "desk", "mat")
#: The point that stays still while the figure moves; "ground": each moment
#: rests on the floor (walking).
ANCHORS = ("hip", "shoulders", "feet", "knees", "ground")
#: Muscles an exercise tightens without moving much; drawn as a glow.
FOCUS = ("glutes", "belly", "lower_back")
#: The camera a little behind the figure's right side, so its far limbs peek out,
#: and a little above, so the floor shows as a band.
DEFAULT_VIEW = -12.0
DEFAULT_LOOK_DOWN = 9.0

_SEATED_HANDS = {"hand_r": "thigh_r", "hand_l": "thigh_l"}
_ARMS_DOWN = {"shoulder_r": 0, "shoulder_l": 0, "elbow_r": 10, "elbow_l": 10}

#: Each base posture's angles and hands, before a keyframe changes them.
BASE_POSES: dict[str, dict[str, object]] = {
    "standing": {**_ARMS_DOWN},
    "seated": {"hip_r": 90, "hip_l": 90, "knee_r": 90, "knee_l": 90, **_ARMS_DOWN, **_SEATED_HANDS},
    # Lying on the back: legs slope down from the hip to rest on the floor.
    "supine": {"lean": -90, "hip_r": -3, "hip_l": -3, "shoulder_r": -6, "shoulder_l": -6, "elbow_r": 0,
               "elbow_l": 0},
    # Face down, chin a little up: the chest, not the face, rests on the floor.
    "prone": {"lean": 90, "neck": -18, "hip_r": 3, "hip_l": 3, "ankle_r": 80, "ankle_l": 80, "hand_r": "floor",
              "hand_l": "floor"},
    "all_fours": {"lean": 90, "hip_r": 90, "hip_l": 90, "knee_r": 90, "knee_l": 90, "ankle_r": 80,
                  "ankle_l": 80, "hand_r": "floor", "hand_l": "floor"},
}

BASE_PROPS = {"standing": (), "seated": ("chair",), "supine": ("mat",), "prone": ("mat",), "all_fours": ("mat",)}
BASE_ANCHOR = {"standing": "feet", "seated": "hip", "supine": "hip", "prone": "hip", "all_fours": "hip"}


@dataclass(frozen=True)
class Keyframe:
    """One moment of the movement: every angle, and where each hand and foot goes.

    Between two keyframes whose targets differ, ``was`` holds the earlier
    target of each such limb and ``mix`` how far it has moved to the new one.
    """

    angles: Mapping[str, float]
    targets: Mapping[str, str]
    was: Mapping[str, str] = field(default_factory=dict)
    mix: float = 1.0

    def angle(self, name: str) -> float:
        return self.angles.get(name, 0.0)

    def target(self, limb: str) -> str:
        return self.targets.get(limb, "free")


@dataclass(frozen=True)
class Movement:
    """An exercise's illustration: a base posture, props, and its keyframes.

    ``hold``: the end pose is held (a stretch) rather than flowing straight
    back. ``view`` turns the camera, in degrees, from the figure's right side
    towards its front, and ``look_down`` tilts it down: sideways movements (a
    twist, knees lowered to one side) need a view from the front or the feet,
    and from above.
    """

    base: str
    start: Keyframe
    end: Keyframe
    via: Union[Keyframe, tuple[Keyframe, ...], None] = None
    props: tuple[str, ...] = ()
    anchor: str = "hip"
    view: float = DEFAULT_VIEW
    look_down: float = DEFAULT_LOOK_DOWN
    hold: bool = False
    focus: Optional[str] = None
    keys: tuple[Keyframe, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        vias = self.via if isinstance(self.via, tuple) else (self.via,)
        object.__setattr__(self, "keys", tuple(k for k in (self.start, *vias, self.end) if k is not None))

    @property
    def base_lean(self) -> float:
        """The base posture's trunk line, which the legs are measured from."""
        return float(BASE_POSES[self.base].get("lean", 0))

    def at(self, phase: float) -> Keyframe:
        """The pose ``phase`` of the way through (0 start, 1 end), eased in and out."""
        t = min(1.0, max(0.0, float(phase)))
        t = t * t * (3 - 2 * t)
        spans = len(self.keys) - 1
        index = min(int(t * spans), spans - 1)
        return _blend(self.keys[index], self.keys[index + 1], t * spans - index)


def movement(base: str, start: Mapping[str, object], end: Mapping[str, object],
             via: Union[Mapping[str, object], Sequence[Mapping[str, object]], None] = None,
             **options) -> Movement:
    """A Movement from plain tables: the base posture's values, then the start
    pose's over them, then ``via`` and ``end`` over the start pose.

    ``via`` is one pose or a list of them, passed in order: a movement whose
    joints do not move in step (standing up: lean forward first, then rise)
    needs more than one moment between start and end."""
    first = {**BASE_POSES[base], **start}
    vias = () if via is None else (via,) if isinstance(via, Mapping) else tuple(via)
    middle = tuple(_keyframe({**first, **later}) for later in vias)
    options.setdefault("props", BASE_PROPS[base])
    options.setdefault("anchor", BASE_ANCHOR[base])
    return Movement(base, _keyframe(first), _keyframe({**first, **end}),
                    middle[0] if len(middle) == 1 else (middle or None), **options)


def _keyframe(values: Mapping[str, object]) -> Keyframe:
    return Keyframe(
        angles={k: float(v) for k, v in values.items() if k in ANGLES},
        targets={k: str(v) for k, v in values.items() if k in TARGETS},
    )


def _blend(a: Keyframe, b: Keyframe, t: float) -> Keyframe:
    """Angles mix linearly; a hand changing target glides from one to the other."""
    names = set(a.angles) | set(b.angles)
    angles = {n: a.angle(n) + (b.angle(n) - a.angle(n)) * t for n in names}
    was = {limb: a.target(limb) for limb in TARGETS if a.target(limb) != b.target(limb)}
    return Keyframe(angles, b.targets, was, t)


def timeline(movement: Movement, steps: int = 14) -> list[tuple[float, int]]:
    """(phase, milliseconds) frames of one loop of the movement, for an animation:
    a pause at the start, ease to the end, a pause there (longer for a held
    stretch), and back."""
    there = [(n / steps, 90) for n in range(1, steps + 1)]
    back = [((steps - n) / steps, 90) for n in range(1, steps)]
    there[-1] = (1.0, 1800 if movement.hold else 500)
    return [(0.0, 700)] + there + back
