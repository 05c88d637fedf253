"""Every shipped default, pinned, with the reason it has that value.

config/defaults.toml is the one source of the defaults: the engine's `Rules`
has none of its own and is built from the file (`config.default_rules()`).
A change to a default must change this table too, and its reason with it,
so it is never changed by accident. The reasons cite where the value comes
from: the project brief (a break every 30 minutes of sitting), the health
articles the content follows (../shared/reference, see CONTENT.md), or a
product choice the README states.
"""

from __future__ import annotations

import dataclasses

import pytest

from agent.core.rules import Rules
from agent.settings import config

#: dotted key -> (the shipped value, why it is that value)
SHIPPED = {
    "breaks.sitting_limit_min": (30, "the brief and the articles: stand and stretch every 30 minutes of sitting"),
    "breaks.natural_break_min": (5, "README: five minutes away (no input, locked, asleep) is a real break that "
                                    "restarts the sitting clock; shorter quiet (reading, a call) is still sitting"),
    "breaks.prompt_idle_grace_s": (60, "README: no prompt to an empty chair; a minute without input means the "
                                       "person may be gone, so the prompt waits for their return"),
    "breaks.postpone_min": (5, "README: a postponed break asks again after 5 more minutes of "
                               "sitting: time to finish a thought, not to drop the break"),
    "breaks.max_postpones": (3, "README: three postpones in a row, then Postpone is no longer offered, so "
                                "postponing cannot silently turn into never standing up"),
    "breaks.break_min": (2, "README: a prompted break is short (2 min), long enough to stand "
                              "and stretch, short enough to take at work"),
    "breaks.allow_skip": (True, "Skip is offered; an organisation may turn it off (strict breaks)"),
    "breaks.dim_other_monitors": (False, "dimming other screens is intrusive, so it is opt-in"),
    "standing.limit_min": (45, "README: at a sit-stand desk, suggest a change after 45 minutes standing"),
    "pattern.mode": ("sitting-limit", "the brief's rule (a break per 30 minutes of sitting) is the default; "
                                      "Upright's sit-stand-move cycle is opt-in"),
    "pattern.sit_min": (20, "Upright's own sit-stand-move cycle (no article gives one): 20 minutes sitting, "
                            "inside the articles' 30"),
    "pattern.stand_min": (8, "Upright's own sit-stand-move cycle: 8 minutes standing"),
    "pattern.move_min": (2, "Upright's own sit-stand-move cycle: 2 minutes moving, like a prompted break"),
    "do_not_disturb.fullscreen": (True, "never nag during a presentation or a video"),
    "do_not_disturb.camera": (True, "never nag during a call"),
    "do_not_disturb.makeup_break": (True, "a break held for a busy spell is not lost: it comes after"),
    "checklists.first_run_walkthrough": (True, "a new user sets up the workstation and learns the red flags first"),
    "exercises.floor_at_desk": (False, "floor exercises need a mat: not offered at a desk unless asked for"),
    "exercises.folder": ("", "no extra exercise folder unless an organisation names one"),
    "features.strict_breaks": (False, "Postpone and Skip are offered; strict breaks are an organisation's choice"),
    "features.standing_reminders": (True, "sit-stand desk users get reminded to change position"),
    "features.statistics": (True, "today's totals (kept only on this machine) are shown under Today"),
    "features.aggregate_export": (False, "nothing leaves the machine unless the organisation turns the "
                                         "anonymous summary on, and the user can see it"),
    "history.retention_days": (365, "a year of history answers 'how was this month compared with last year' "
                                    "and no more is kept"),
    "aggregate.folder": ("", "no summary is written anywhere until an organisation names its folder"),
    "display.text_size": ("normal", "the desktop's own scale already sizes the text; a person who needs more chooses it"),
    "logging.level": ("warning", "the log stays small and says only what went wrong unless asked for more"),
}


def test_every_key_of_the_schema_is_pinned_here():
    assert set(SHIPPED) == {key.dotted for key in config.SCHEMA}


@pytest.mark.parametrize("dotted", sorted(SHIPPED))
def test_the_shipped_default_is_the_pinned_value(dotted):
    section, name = dotted.split(".")
    value, why = SHIPPED[dotted]
    shipped = config.defaults()[section][name]
    assert shipped == value and type(shipped) is type(value), (
        f"{dotted} ships as {shipped!r}, pinned at {value!r} because: {why}")


def test_the_engine_rules_come_from_the_file():
    """Each Rules field is the file's value in seconds: nothing is repeated in code."""
    minutes = {dotted: value * 60 for dotted, (value, _why) in SHIPPED.items() if dotted.endswith("_min")}
    assert config.default_rules() == Rules(
        sitting_limit_s=minutes["breaks.sitting_limit_min"],
        natural_break_s=minutes["breaks.natural_break_min"],
        prompt_idle_grace_s=SHIPPED["breaks.prompt_idle_grace_s"][0],
        postpone_s=minutes["breaks.postpone_min"],
        max_postpones=SHIPPED["breaks.max_postpones"][0],
        break_s=minutes["breaks.break_min"],
        standing_limit_s=minutes["standing.limit_min"],
        mode=SHIPPED["pattern.mode"][0],
        pattern_sit_s=minutes["pattern.sit_min"],
        pattern_stand_s=minutes["pattern.stand_min"],
        pattern_move_s=minutes["pattern.move_min"],
    )
    assert config.default_rules().natural_break_s == 300 and config.default_rules().sitting_limit_s == 1800


def test_rules_has_no_defaults_of_its_own():
    """A default written in code could drift from the file; `Rules()` without values is an error."""
    assert all(field.default is dataclasses.MISSING for field in dataclasses.fields(Rules))
    with pytest.raises(TypeError):
        Rules()  # type: ignore[call-arg]


def test_overrides_change_only_what_they_name():
    rules = config.default_rules(natural_break_s=120.0)
    assert rules.natural_break_s == 120.0
    assert dataclasses.replace(rules, natural_break_s=300.0) == config.default_rules()
