"""Where a setting leaves what the health articles advise: warnings, never errors.

The articles ask for a break every 30 minutes of sitting (004: "stand and
stretch every 30 minutes"; 001: "every 30 minutes or so"); the loosest of
them says "Take breaks every hour" (000). A sitting limit beyond an hour is
still allowed (an organisation may have its reasons), but the Settings
window and ``upright config validate`` say that it goes beyond them. And
since each postpone adds sitting, they say where a break lands after the
postpones allowed in a row: 30 + 3 x 5 = 45 minutes with Upright's defaults.

Pure: numbers in, sentences out. The Settings window has its own words for
translators; these are the command line's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from agent.files import tomlfile
from agent.files.tomlfile import Problem
from agent.settings import config

#: 000: "Avoid prolonged sitting: Take breaks every hour to stand up and stretch."
LOOSEST_SITTING_MIN = 60.0


def sitting_beyond_advice(limit_min: float) -> bool:
    """True if a sitting limit goes beyond the articles' loosest bound (an hour)."""
    return limit_min > LOOSEST_SITTING_MIN


def latest_break_min(limit_min: float, postpone_min: float, max_postpones: int) -> float:
    """The sitting at which a break comes once every postpone allowed in a row is used."""
    return limit_min + max(0, max_postpones) * postpone_min


def file_warnings(doc: dict, text: Optional[str], path: str | Path, kind: str) -> list[Problem]:
    """A warning for each sitting limit set in a settings or policy file beyond an hour.

    ``kind`` is "user" or "policy" (where the policy's [recommended] and
    [enforced] tables may each set one). Values the file leaves out are
    Upright's defaults. Call it on a file that has no problems.
    """
    lines = tomlfile.key_lines(text) if text is not None else {}
    tables = [((), doc)] if kind == "user" else [((name,), doc.get(name)) for name in ("recommended", "enforced")]
    warnings = []
    for prefix, table in tables:
        breaks = table.get("breaks") if isinstance(table, dict) else None
        if not isinstance(breaks, dict) or not _number(breaks.get("sitting_limit_min")):
            continue
        values = {**config.defaults()["breaks"], **breaks}
        limit = values["sitting_limit_min"]
        if not sitting_beyond_advice(limit):
            continue
        parts = prefix + ("breaks", "sitting_limit_min")
        latest = latest_break_min(limit, values["postpone_min"], values["max_postpones"])
        message = (f"warning: {limit:g} min is beyond what the health articles advise (a break every 30 minutes; "
                   f"at the loosest, every hour)")
        if latest > limit:
            message += (f"; with {values['max_postpones']} postpones of {values['postpone_min']:g} min a break "
                        f"can wait until {latest:g} min of sitting")
        message += ". Allowed: a warning, not an error."
        warnings.append(Problem(str(path), tomlfile.line_of(lines, parts), tomlfile.dotted(parts), message))
    return warnings


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
