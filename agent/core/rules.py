"""The engine's rules as plain numbers in seconds.

The config layer deals in TOML, minutes and validation; the engine only ever
sees this frozen record, so it never parses or guesses. The record has no
defaults of its own: the one place they are written is config/defaults.toml,
and `agent.settings.config.default_rules()` builds a `Rules` from it, so a
default can never differ between the file users read and the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

SITTING_LIMIT = "sitting-limit"
SIT_STAND_MOVE = "sit-stand-move"
MODES = (SITTING_LIMIT, SIT_STAND_MOVE)


@dataclass(frozen=True)
class Rules:
    """Thresholds of the break rules, all durations in seconds."""

    sitting_limit_s: float
    natural_break_s: float
    prompt_idle_grace_s: float
    postpone_s: float
    max_postpones: int
    break_s: float
    standing_limit_s: float
    mode: str
    pattern_sit_s: float
    pattern_stand_s: float
    pattern_move_s: float

    @classmethod
    def from_config(cls, config: Mapping[str, Mapping[str, Any]]) -> "Rules":
        """Build from a validated config mapping (sections of TOML keys)."""
        breaks, standing, pattern = config["breaks"], config["standing"], config["pattern"]
        return cls(
            sitting_limit_s=breaks["sitting_limit_min"] * 60,
            natural_break_s=breaks["natural_break_min"] * 60,
            prompt_idle_grace_s=float(breaks["prompt_idle_grace_s"]),
            postpone_s=breaks["postpone_min"] * 60,
            max_postpones=int(breaks["max_postpones"]),
            break_s=breaks["break_min"] * 60,
            standing_limit_s=standing["limit_min"] * 60,
            mode=pattern["mode"],
            pattern_sit_s=pattern["sit_min"] * 60,
            pattern_stand_s=pattern["stand_min"] * 60,
            pattern_move_s=pattern["move_min"] * 60,
        )

    @property
    def sit_limit_s(self) -> float:
        """Sitting that earns a prompt in the current mode."""
        return self.pattern_sit_s if self.mode == SIT_STAND_MOVE else self.sitting_limit_s
