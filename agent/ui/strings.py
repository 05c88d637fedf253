"""Every word Upright's windows show, in one place.

Each string goes through ``_()``, a gettext lookup (:mod:`agent.i18n`)
that falls back to the English written here; the health content from
``assets/content/`` goes through it too, as the windows show it. Strings
with numbers are ``str.format`` templates so that a translator can move
the number. After changing any text, run ``python -m agent.i18n.pot``: it
rebuilds the template ``assets/locale/upright.pot`` and the English
catalog, and a test fails until it is run.

Health wording here cites its source article in a comment, like the
content files do.
"""

from __future__ import annotations

from agent.i18n import gettext as _
from agent.i18n import ngettext

APP = _("Upright")

# -- break window ------------------------------------------------------------
BREAK_TITLE = _("Upright — time to stand and stretch")
BREAK_HEADING = _("Time to stand and stretch")
DIMMED = _("Break time: the break window is on another screen")
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
ADAPTED = _("Adapted for the desk from “{original}”")
EXERCISE_COUNT = _("Exercise {number} of {total}")
#: Under the buttons when no postpone is left (Esc then does nothing).
POSTPONED_ONCE = _("Postponed once")
POSTPONED_TIMES = _("Postponed {count} times")

# -- marking an exercise (break window and the exercises window) ----------------
FAVOURITE = _("Favourite")
HIDE_EXERCISE = _("Don't show this again")
SHOW_AGAIN = _("Show it again")
HIDDEN_NOTE = _("Hidden: it will not come round in a break.")

# -- the exercises window ----------------------------------------------------------
EXERCISES_TITLE = _("Upright — exercises")
EXERCISES_HEADING = _("Exercises")
EXERCISES_INTRO = _("Favourites come round more often. Hide any you never want in a break; "
                    "you can show it again here.")
EXERCISES_COUNT = _("{total} exercises: {favourites} favourite, {hidden} hidden")
POSITION_SEATED = _("Seated")
POSITION_STANDING = _("Standing")
POSITION_FLOOR = _("On the floor, on a mat")
FLOOR_OFF = _("Not offered at the desk: floor exercises are turned off in the settings.")
EXERCISE_STEPS = _("How to do it")
EXERCISE_CAUTION = _("Take care: {caution}")
#: Where an exercise's words come from: the articles' titles, and their numbers in the reference folder.
EXERCISE_SOURCE = _("Source: {titles}")
EXERCISE_SOURCES = _("Sources: {titles}")

# -- caution view --------------------------------------------------------------
CAUTION_HEADING = _("Stop here")
# 000: "Avoid any movement that increases pain"; 002: slowly, "without ... bouncing".
CAUTION = _("Stop any movement that increases pain. Move slowly; never bounce.")
# 001 lists "Worsening pain" among the signs to "seek emergency medical care" for
# (002 "significantly worsens", 004 "progressively worsens"); the red flags list the rest.
CAUTION_WORSE = _("If the pain keeps getting worse, get medical help now. The red flags list the other signs.")
CLOSE = _("Close")

#: Shown at the bottom of every window that gives health information.
NOT_MEDICAL_ADVICE = _("Upright gives general information, not medical advice.")
#: The same, short enough for a notice and the Settings window's foot.
NOT_MEDICAL_ADVICE_SHORT = _("General information, not medical advice.")

# -- notice --------------------------------------------------------------------
NOTICE_TITLE = _("Upright — notice")
BREAK_SOON = _("Break in {duration} — finish your sentence")
# The notices the agent itself gives (agent/live/app.py). The sit-stand-move
# ones follow the [pattern] settings, Upright's own defaults (README: The break rules).
STANDING_A_WHILE = _("You have been standing a while — sit for a bit or take a short walk")
TIME_TO_MOVE = _("Time to move: get up and walk around")
SIT_AGAIN = _("You can sit down again")
POSTPONING_OFF = _("Postponing a break is turned off.")
POSTPONING_OFF_MANAGED = _("Postponing a break is turned off (managed by your organization).")
SKIPPING_OFF = _("Skipping a break is turned off.")
SKIPPING_OFF_MANAGED = _("Skipping a break is turned off (managed by your organization).")
TODAY_OFF = _("Today's totals are turned off.")
HISTORY_OFF = _("The history is turned off.")
COMING_LATER = _("This part of Upright is coming in a later version.")

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
PANEL_LIFTING = _("Lifting safely")
PANEL_RED_FLAGS = _("When to get medical help")
PANEL_TODAY = _("Today")
PANEL_THIS_WEEK = _("This week")

# The "This week" window (the chart itself is drawn in English for now, like `upright report`).
WEEK_TITLE = _("Upright — This week")
WEEK_SHOW_WEEK = _("Last 7 days")
WEEK_SHOW_MONTH = _("Last 30 days")
WEEK_PRIVACY = _("Kept only on this computer. Settings → statistics turns it off; "
                 "`upright history forget` deletes it.")
PANEL_SETTINGS = _("Settings")
PANEL_QUIT = _("Quit Upright")
#: Shown for two seconds after the action, so the user sees it took.
CONFIRM_POSTPONED = _("Postponed: next break in {duration}")
CONFIRM_SKIPPED = _("Break skipped: next break in {duration}")

# -- checklists ------------------------------------------------------------------
POSTURE_TITLE = _("Upright — posture checklist")
POSTURE_HEADING = _("Posture checklist")
LUMBAR_TITLE = _("Upright — lumbar support checklist")
LUMBAR_HEADING = _("Lumbar support")
CHECKLIST_INTRO = _("Tick what is already true for you; the rest is worth changing when you can.")
TICKED_COUNT = _("{ticked} of {total} ticked")
TICKED_TODAY = _("Ticked today")
TICKED_ON = _("Ticked on {date}")
RED_FLAGS_BUTTON = _("Red flags: when to get medical help")
# Shown by the monthly re-check reminder (agent/live/calendar_chores.py).
RECHECK_REMINDER = _("A month since you checked your workstation: is everything you ticked still true?")

# -- first-run walk-through ------------------------------------------------------
WALKTHROUGH_TITLE = _("Upright — set up your workstation")
WALKTHROUGH_HEADING = _("Set up your workstation")
WALKTHROUGH_INTRO = _("Two short checklists, then the signs that need medical help.")
STEP = _("Step {number} of {total}")
BACK = _("Back")
NEXT = _("Next")
FINISH = _("Finish")

# -- red flags -------------------------------------------------------------------
RED_FLAGS_TITLE = _("Upright — red flags: when to get medical help")

# -- lifting ---------------------------------------------------------------------
LIFTING_TITLE = _("Upright — lifting safely")

# -- spasm guide -------------------------------------------------------------------
GUIDE_TITLE = _("Upright — my back is in spasm")
GUIDE_HEADING = _("My back is in spasm")
# -- spasm-aware breaks ------------------------------------------------------------
# 001: "avoid twisted positions", "if walking is too painful"; 000: "avoid heavy lifting and
# strenuous activities temporarily".
GENTLE_BREAK_HEADING = _("Time for a gentle break")
GENTLE_BREAK_NOTE = _("Your back is in spasm: gentle movement only. Avoid twisted positions and heavy lifting.")
OPEN_SPASM_GUIDE = _("Open the spasm guide")
SPASM_END = _("My back is better now")
GUIDE_GENTLE_BREAKS = _("For {hours} hours after it started, breaks offer only gentle movement: "
                        "a short walk if it is not too painful, slow breathing or a change of position.")
COLD_OR_HEAT = _("Cold or heat?")
STARTED_WHEN = _("When did it start?")
STARTED_TODAY = _("Today")
STARTED_YESTERDAY = _("Yesterday")
STARTED_2_DAYS = _("2 days ago")
STARTED_3_DAYS = _("3 days ago")
PHASE_PICK = _("Choose when it started, and Upright tells you whether it is time for cold or heat.")
# 002: cold "within the first 48 to 72 hours", "no more than 15 to 20 minutes at a time";
# 004: "An ice pack wrapped in a towel".
PHASE_COLD = _("Still the cold phase: a cold pack wrapped in a towel, {minutes} to {max_minutes} minutes at a time.")
# 002: "After 48 hours, or once acute swelling lessens, transition to heat therapy"; 000: "Switch to heat after 48 hours".
PHASE_EITHER = _("More than {hours} hours have passed: you can switch to heat now, or once the swelling lessens.")
# 000: "Warm compresses relax tight muscles"; 003: "heating pads, warm baths, or even hot compresses".
PHASE_HEAT = _("Time to switch to heat: a heating pad, a warm bath or a warm compress relaxes tight muscles.")
# 002: "If the pain fails to improve ... after 72 hours of consistent home treatment, consult a healthcare provider."
PHASE_HEAT_CHECK = _("No better after {hours} hours of home care? Consult a healthcare provider.")
PACK_START = _("Start a cold pack")
PACK_STOP = _("Stop the timer")
PACK_LEFT = _("Take the pack off in {clock}")
PACK_NOTE = _("This timer gives it {minutes} minutes; never more than {max_minutes}.")
PACK_DUE = _("Take the pack off now.")
# The agent keeps the timer (agent/live/pack_watch.py): the tray's line, the notice at its end and
# when the guide closes while it runs. 002: "no more than 15 to 20 minutes at a time".
PACK_OFF_AT = _("Cold pack off at {time}")
PACK_DUE_NOTICE = _("Take the cold pack off now.")
PACK_KEEPS_RUNNING = _("The cold pack timer keeps running: Upright tells you at {time} to take it off.")
# No article gives heat a time: the heat timer only counts how long it has been on.
HEAT_START = _("Start a heat timer")
HEAT_ON = _("Heat on for {clock}")
HEAT_NOTE = _("The articles give no time for heat: this timer only counts how long it has been on.")
HEAT_ON_SINCE = _("Heat on since {time}")
HEAT_KEEPS_RUNNING = _("The heat timer keeps running (heat on since {time}); stop it in the spasm guide.")

# -- the Today window (agent/ui/today_window.py) ------------------------------------
TODAY_TITLE = _("Upright — Today")
TODAY_HEADING = _("Today")
TODAY_SITTING = _("Sitting: {duration}")
TODAY_LONGEST = _("Longest time seated in one go: {duration}")
TODAY_STANDING = _("Standing: {duration}")
TODAY_PRIVACY = _("Counted on this computer only; the panel's This week entry shows the days before.")
HOURS_MINUTES = _("{hours} h {minutes} min")
HOURS = _("{n} h")


def breaks_taken(n: int) -> str:
    return ngettext("{n} break taken", "{n} breaks taken", n).format(n=n)


def breaks_ended_early(n: int) -> str:
    return ngettext("{n} break ended early", "{n} breaks ended early", n).format(n=n)


def natural_breaks(n: int) -> str:
    """Away from the computer long enough that the sitting clock restarted."""
    return ngettext("{n} natural break (time away from the computer)",
                    "{n} natural breaks (time away from the computer)", n).format(n=n)


def today_lines(totals) -> list[str]:
    """The Today window's lines for the day's `Totals`, each a sentence of its own;
    the counts in the right plural, the early ends and standing time only when there are some."""
    lines = [TODAY_SITTING.format(duration=long_duration(totals.sitting_s)),
             TODAY_LONGEST.format(duration=long_duration(totals.longest_bout_s)),
             breaks_taken(totals.breaks_taken)]
    if totals.ended_early:
        lines.append(breaks_ended_early(totals.ended_early))
    lines.append(natural_breaks(totals.natural_breaks))
    if totals.standing_s >= 60:
        lines.append(TODAY_STANDING.format(duration=long_duration(totals.standing_s)))
    return lines


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


def long_duration(seconds: float) -> str:
    """A day's time in whole minutes: "48 min", "3 h 12 min"."""
    minutes = max(0, round(seconds / 60))
    if minutes < 60:
        return MINUTES.format(n=minutes)
    if minutes % 60 == 0:
        return HOURS.format(n=minutes // 60)
    return HOURS_MINUTES.format(hours=minutes // 60, minutes=minutes % 60)


def clock(seconds: float) -> str:
    """Time left as m:ss, the way a kitchen timer shows it."""
    seconds = max(0, int(seconds + 0.999))  # 0.2 s left still reads 0:01
    return f"{seconds // 60}:{seconds % 60:02d}"
