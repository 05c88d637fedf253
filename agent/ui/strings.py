"""Every word Upright's windows show, in one place.

Each string goes through ``_()``, today an identity function. The
translation issue only has to make ``_`` a gettext lookup (and mark this
module for extraction); no window needs to change. Strings with numbers
are ``str.format`` templates so that a translator can move the number.
"""

from __future__ import annotations


def _(text: str) -> str:
    """Mark ``text`` for translation; returns it unchanged until gettext lands."""
    return text


APP = _("Upright")

# -- break window ------------------------------------------------------------
BREAK_TITLE = _("Upright — time to stand and stretch")
BREAK_HEADING = _("Time to stand and stretch")
START = _("Start")
DONE = _("Done")
POSTPONE = _("Postpone {duration}")
SKIP = _("Skip")
NEXT_EXERCISE = _("Next exercise")
HURTS = _("This hurts — stop")
HOLD = _("Hold {seconds} s")
HOLD_OVER = _("Release slowly")
BREAK_LEFT = _("Break {clock}")
BREAK_OVER = _("Break over")
REPS = _("Repeat {reps} times")
ADAPTED = _("Adapted for the desk from {original}")
EXERCISE_COUNT = _("Exercise {number} of {total}")

# -- caution view --------------------------------------------------------------
CAUTION_HEADING = _("Stop here")
# 000: "Avoid any movement that increases pain"; 002: slowly, "without ... bouncing".
CAUTION = _("Stop any movement that increases pain. Move slowly; never bounce.")
# Worsening pain is a reason for care in 001, 002 and 004.
CAUTION_WORSE = _("If the pain keeps getting worse, seek medical care.")
CLOSE = _("Close")

#: Shown at the bottom of every window that gives health information.
NOT_MEDICAL_ADVICE = _("Upright gives general information, not medical advice.")

# -- notice --------------------------------------------------------------------
NOTICE_TITLE = _("Upright — notice")
BREAK_SOON = _("Break in {duration} — finish your sentence")

# -- panel ---------------------------------------------------------------------
PANEL_TITLE = _("Upright")
PANEL_BREAK_NOW = _("Take a break now")
PANEL_POSTPONE = _("Postpone {duration}")
PANEL_PAUSE_30 = _("Pause for 30 min")
PANEL_PAUSE_60 = _("Pause for 1 hour")
PANEL_PAUSE_TOMORROW = _("Pause until tomorrow")
PANEL_RESUME = _("Resume")
PANEL_STANDING = _("I'm standing")
PANEL_SITTING = _("I'm sitting")
PANEL_POSTURE = _("Posture checklist")
PANEL_LUMBAR = _("Lumbar support")
PANEL_EXERCISES = _("Exercises")
PANEL_SPASM_GUIDE = _("My back is in spasm now")
PANEL_TODAY = _("Today")
PANEL_SETTINGS = _("Settings")
PANEL_QUIT = _("Quit Upright")

# -- durations -----------------------------------------------------------------
MINUTES = _("{n} min")
SECONDS = _("{n} s")


def duration(seconds: float) -> str:
    """A short duration for labels: whole minutes as "5 min", else "30 s"."""
    seconds = max(0, round(seconds))
    if seconds >= 60 and seconds % 60 == 0:
        return MINUTES.format(n=seconds // 60)
    if seconds >= 60:
        return MINUTES.format(n=f"{seconds / 60:.1f}".rstrip("0").rstrip("."))
    return SECONDS.format(n=seconds)


def clock(seconds: float) -> str:
    """Time left as m:ss, the way a kitchen timer shows it."""
    seconds = max(0, int(seconds + 0.999))  # 0.2 s left still reads 0:01
    return f"{seconds // 60}:{seconds % 60:02d}"
