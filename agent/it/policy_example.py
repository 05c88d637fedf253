"""The documented policy example IT starts from: `deploy/policy.example.toml`.

Written from the settings schema (:data:`agent.settings.config.SCHEMA`) and the
packaged defaults, so that it documents every key the validator knows,
with the same ranges, and cannot fall behind them (a test compares the
checked-in file with a fresh one). :mod:`agent.it.admx` writes it, beside the
Windows templates, and uses :func:`accepts` for their explain texts too.

Everything is commented out but a small, realistic example, so the file
parses as it is and does only what that example says.
"""

from __future__ import annotations

from agent.files.tomlfile import literal
from agent.settings import config

# Live in the example as shipped: one of each kind of statement a policy makes.
EXAMPLE = {
    "features": {"strict_breaks": "opt-in"},
    "recommended": {"breaks": {"postpone_min": 10}},
    "enforced": {"do_not_disturb": {"camera": True}},
}

# What each feature state means to the user, in the order an admin reads them.
FEATURE_MEANINGS = {
    "off": "locked off",
    "opt-in": "off until the user turns it on",
    "opt-out": "on until the user turns it off",
    "required": "locked on",
}

HEADER = """\
# Upright policy: what an organisation sets for every user of a machine.
# Made by `python -m agent.it.admx` from the settings schema (agent/settings/config.py):
# edit the schema, not this file.
#
# Where it goes:
#   Linux    /etc/xdg/upright/policy.toml (the first upright/ along $XDG_CONFIG_DIRS)
#   Windows  %ProgramData%\\Upright\\policy.toml (or Group Policy: deploy/windows/)
#   macOS    /Library/Application Support/Upright/policy.toml
#   anywhere $UPRIGHT_POLICY=/path/to/policy.toml, for staging a policy before rollout
# Check it before rolling it out:  upright config validate policy.toml
# A running agent notices a changed policy; there is no need to restart it.
#
# Three kinds of table:
#   [features]               a feature's state: "off", "opt-in", "opt-out" or "required"
#   [recommended.SECTION]    defaults the user may change in their own settings
#   [enforced.SECTION]       locked: the user cannot change these
# Layers, weakest first: built-in defaults < recommended < the user's settings < enforced.
#
# Everything below is commented out except a small example: the strict-breaks
# feature offered as opt-in, Postpone asking again after 10 minutes (users
# may change that), and prompts always held during a video call (locked).
"""


def unit(key: config.Key) -> str:
    """The unit a duration is counted in, from the name (as config/defaults.toml says)."""
    if key.name.endswith("_min"):
        return "minutes"
    if key.name.endswith("_s"):
        return "seconds"
    return ""


def accepts(key: config.Key) -> str:
    """What a setting accepts, in one phrase: 'a number of minutes, greater than 0 and at most 480'."""
    if key.kind == config.BOOLEAN:
        return "true or false"
    if key.kind == config.CHOICE:
        return "one of " + ", ".join(f'"{choice}"' for choice in key.choices)
    if key.kind == config.TEXT:
        return 'a string ("" for none)'
    noun = "a whole number" if key.kind == config.INTEGER else "a number"
    of = f" of {unit(key)}" if unit(key) else ""
    limits = key.range_text
    return f"{noun}{of}, {limits}" if limits else f"{noun}{of}"


def text() -> str:
    """The whole example file."""
    defaults = config.defaults()
    blocks = [HEADER, _features(defaults)]
    blocks += [_section(section, keys, defaults[section])
               for section, keys in config.SECTIONS.items() if section != "features"]
    return "\n".join(blocks)


def _features(defaults: dict) -> str:
    lines = ["# === [features] " + "=" * 60, "# Each feature's state:",
             *(f'#   "{state}"{" " * (9 - len(state))}{meaning}' for state, meaning in FEATURE_MEANINGS.items()),
             "# Without a policy a feature has its built-in default, and the user may change it.",
             "[features]"]
    for key in config.SECTIONS["features"].values():
        default = "on" if defaults["features"][key.name] else "off"
        lines += ["", f"# {key.description}", f"# Built-in default: {default}."]
        lines.append(_entry(key.name, EXAMPLE["features"].get(key.name), '"opt-out"' if default == "on" else '"opt-in"'))
    return "\n".join(lines) + "\n"


def _section(section: str, keys: dict[str, config.Key], defaults: dict) -> str:
    """One section's keys, documented under [recommended.SECTION], then any locked ones."""
    recommended = EXAMPLE["recommended"].get(section, {})
    enforced = EXAMPLE["enforced"].get(section, {})
    lines = [f"# === [{section}] " + "=" * max(4, 70 - len(section)),
             f"# Under [recommended.{section}] users may change these; under [enforced.{section}] they are locked.",
             f"[recommended.{section}]" if recommended else f"# [recommended.{section}]"]
    for key in keys.values():
        lines += ["", f"# {key.description}",
                  f"# Accepts {accepts(key)}. Built-in default: {literal(defaults[key.name])}."]
        lines.append(_entry(key.name, recommended.get(key.name), literal(defaults[key.name])))
    if enforced:
        lines += ["", f"[enforced.{section}]"]
        lines += [f"{name} = {literal(value)}" for name, value in enforced.items()]
    return "\n".join(lines) + "\n"


def _entry(name: str, live, commented: str) -> str:
    """The key's line: set, if the example sets it, else commented out with `commented`."""
    return f"{name} = {literal(live)}" if live is not None else f"# {name} = {commented}"
