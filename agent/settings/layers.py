"""Where the settings in force come from: defaults, policy, the user.

Four layers, each overriding the one before: the packaged defaults, the
organisation's *recommended* values, the user's own file, the organisation's
*enforced* values, which the user cannot change. The organisation speaks
through one policy file (or, on Windows, the registry that Group Policy
writes; on macOS, a managed-preferences profile):

    [features]                # shorthand for the [features] switches
    strict_breaks = "opt-in"  # off | opt-in | opt-out | required
    [recommended.breaks]      # defaults the user may change
    sitting_limit_min = 30
    [enforced.breaks]         # locked
    allow_skip = false

A running agent never stops over a bad layer: each unusable setting is
reported (file and line) and the layer beneath supplies it. The merged
result is never written anywhere; the user's file stays theirs.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from agent.files import tomlfile
from agent.files.tomlfile import FileProblems, Problem, did_you_mean
from agent.files.tomlfile import describe as _describe
from agent.settings import config

LAYERS = ("default", "recommended", "user", "enforced")
POLICY_ENV = "UPRIGHT_POLICY"  # a policy file to use instead of the system one (IT staging, tests)
# A feature's state, as IT thinks of it, and what it means in layers.
FEATURE_STATES = {"off": ("enforced", False), "opt-in": ("recommended", False),
                  "opt-out": ("recommended", True), "required": ("enforced", True)}
POLICY_TABLES = ("features", "recommended", "enforced")
REGISTRY_KEY = r"SOFTWARE\Policies\Upright"
MANAGED_PLIST = Path("/Library/Managed Preferences/org.upright.agent.plist")


@dataclass
class Effective:
    """The settings in force, and for each where it came from."""

    values: dict
    origins: dict[str, str]  # "breaks.allow_skip" -> one of LAYERS
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)  # layer -> the places read for it

    def locked(self, dotted: str) -> bool:
        """True when the organisation fixed this setting: the UI shows it as managed."""
        return self.origins.get(dotted) == "enforced"


# --- locations ----------------------------------------------------------------


def user_file() -> Path:
    """The user's own settings: ~/.config/upright/config.toml on Linux."""
    import platformdirs

    return Path(platformdirs.user_config_dir(_app_name(), appauthor=False)) / "config.toml"


def policy_file(platform: str = sys.platform) -> Path | None:
    """The organisation's policy file, or None when there is none.

    `$UPRIGHT_POLICY` wins (even when missing: then the agent says so);
    on Linux the first ``upright/policy.toml`` along $XDG_CONFIG_DIRS.
    """
    if os.environ.get(POLICY_ENV):
        return Path(os.environ[POLICY_ENV])
    found = [place for place in system_dirs(platform) if _there(place / "policy.toml")]
    return found[0] / "policy.toml" if found else None


def system_dirs(platform: str = sys.platform) -> list[Path]:
    """The folders an administrator writes Upright's policy into, most important first."""
    if platform.startswith("win"):
        return [Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "Upright"]
    if platform == "darwin":
        return [Path("/Library/Application Support/Upright")]
    dirs = os.environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    return [Path(d) / "upright" for d in dirs.split(os.pathsep) if d]


def _app_name() -> str:
    return "upright" if sys.platform.startswith("linux") else "Upright"


# --- loading ------------------------------------------------------------------


def load(extra: str | Path | None = None, *, platform: str = sys.platform,
         registry: Callable[[str], dict] | None = None) -> Effective:
    """The settings in force, with every problem found on the way.

    `extra` is a file laid on the user's own (``upright run --config``);
    unlike the others it was named just now, so its problems raise
    ConfigError instead of being shown and worked around.
    `registry` reads one key's values (Windows only; injected in tests).
    """
    effective = Effective(config.defaults(), {key.dotted: "default" for key in config.SCHEMA},
                          files={layer: [] for layer in LAYERS})
    recommended, enforced = {}, {}
    for place, policy in _policies(platform, registry, effective.problems):
        effective.files["recommended"].append(place)
        effective.files["enforced"].append(place)
        recommended = config.merge(recommended, policy[0])
        enforced = config.merge(enforced, policy[1])
    user = _user_layer(effective)
    if extra is not None:
        user = config.merge(user, config.read_file(extra))
        effective.files["user"].append(str(extra))
    for layer, settings in (("recommended", recommended), ("user", user), ("enforced", enforced)):
        _lay(effective, layer, settings)
    return effective


def _lay(effective: Effective, layer: str, settings: dict) -> None:
    effective.values = config.merge(effective.values, settings)
    for section, table in settings.items():
        for name in table:
            effective.origins[f"{section}.{name}"] = layer


def _there(path: Path) -> bool:
    """A file, or something we may not look at: reading it then says why (never a silent skip of policy)."""
    try:
        return path.is_file()
    except OSError:
        return True


def _user_layer(effective: Effective) -> dict:
    path = user_file()
    try:
        if not path.exists():
            return {}
    except OSError as error:  # e.g. ~/.config/upright that this user may not enter
        effective.problems.append(Problem(str(path), None, "", f"cannot be read ({error.strerror or error}); "
                                          f"using the defaults. Fix: chmod u+rwx {path.parent}"))
        return {}
    effective.files["user"].append(str(path))
    try:
        doc, text = tomlfile.read(path)
    except FileProblems as error:
        effective.problems.extend(error.problems)
        return {}
    settings, problems = config.usable(doc, text, path)
    effective.problems.extend(problems)
    return settings


def _policies(platform: str, registry, problems: list[Problem]):
    """(place, (recommended, enforced)) for each policy source there is, weakest first."""
    path = policy_file(platform)
    if path is not None:
        yield str(path), read_policy(path, problems)
    if platform == "darwin" and MANAGED_PLIST.is_file():
        yield str(MANAGED_PLIST), _managed_preferences(problems)
    if platform.startswith("win"):
        reader = registry or _winreg_reader()
        doc = registry_policy(reader)
        if doc:
            place = "HKLM\\" + REGISTRY_KEY
            yield place, check_policy(doc, None, place, problems)


# --- checking a policy --------------------------------------------------------


def read_policy(path: str | Path, problems: list[Problem]) -> tuple[dict, dict]:
    """A policy file's (recommended, enforced) settings; its problems appended.

    A file that cannot be read or parsed at all sets nothing.
    """
    try:
        doc, text = tomlfile.read(path)
    except FileProblems as error:
        problems.extend(error.problems)
        return {}, {}
    return check_policy(doc, text, path, problems)


def check_policy(doc: dict, text: str | None, path: str | Path,
                 problems: list[Problem]) -> tuple[dict, dict]:
    """The usable (recommended, enforced) settings of a parsed policy."""
    found: list[Problem] = []
    lines = tomlfile.key_lines(text) if text is not None else {}
    where = lambda *parts: tomlfile.line_of(lines, parts)  # noqa: E731
    layers = {}
    for name in ("recommended", "enforced"):
        table = doc.get(name, {})
        if not isinstance(table, dict):
            found.append(Problem(str(path), where(name), name, f"expected a table, got {_describe(table)}"))
            table = {}
        layers[name], bad = config.usable(table, text, path, under=(name,))
        found.extend(bad)
    _apply_features(doc.get("features", {}), layers, path, where, found)
    for name, value in doc.items():
        if name not in POLICY_TABLES:
            found.append(Problem(str(path), where(name), name, _stray(name, value)))
    problems.extend(tomlfile.sorted_problems(found))
    return layers["recommended"], layers["enforced"]


def _apply_features(table: Any, layers: dict, path, where, found: list[Problem]) -> None:
    """Turn ``strict_breaks = "opt-in"`` into the layered setting it stands for."""
    if not isinstance(table, dict):
        found.append(Problem(str(path), where("features"), "features", f"expected a table, got {_describe(table)}"))
        return
    known = config.SECTIONS["features"]
    states = " or ".join(f'"{state}"' for state in FEATURE_STATES)
    for name, state in table.items():
        if name not in known:
            close = did_you_mean(name, known)
            hint = f"did you mean '{close}'?" if close else f"the features are {', '.join(known)}"
            found.append(Problem(str(path), where("features", name), f"features.{name}", f"unknown feature; {hint}"))
        elif not isinstance(state, str) or state not in FEATURE_STATES:
            found.append(Problem(str(path), where("features", name), f"features.{name}",
                                 f"expected {states}, got {_describe(state)}"))
        elif any(name in layers[layer].get("features", {}) for layer in ("recommended", "enforced")):
            found.append(Problem(str(path), where("features", name), f"features.{name}",
                                 "also set under [recommended.features] or [enforced.features]; set it once"))
        else:
            layer, value = FEATURE_STATES[state]
            layers[layer].setdefault("features", {})[name] = value


def _stray(name: str, value: Any) -> str:
    if name in config.SECTIONS:
        return (f"settings in a policy go under [recommended.{name}] (users may change them) "
                f"or [enforced.{name}] (locked)")
    close = did_you_mean(name, POLICY_TABLES)
    if close:
        return f"unknown table; did you mean '{close}'?"
    return "unknown table; a policy has [features], [recommended.SECTION] and [enforced.SECTION]"


def is_policy(doc: dict) -> bool:
    """Whether a parsed file is written as a policy rather than a user's settings."""
    features = doc.get("features")
    states = isinstance(features, dict) and any(isinstance(v, str) for v in features.values())
    return states or "recommended" in doc or "enforced" in doc


# --- Windows registry and macOS managed preferences -----------------------------


def registry_policy(read: Callable[[str], dict]) -> dict:
    """The policy Group Policy wrote, shaped like a policy file.

    `read(subkey)` gives the values under ``HKLM\\SOFTWARE\\Policies\\Upright\\subkey``
    ({} when absent). Every value arrives as DWORD or string; the schema says
    what it was meant to be, and a value that does not convert is kept as is
    so that checking reports it.
    """
    doc: dict = {}
    for layer, subkey in (("recommended", "Recommended"), ("enforced", "Enforced")):
        for section, keys in config.SECTIONS.items():
            values = read(f"{subkey}\\{section}")
            if values:
                doc.setdefault(layer, {})[section] = {
                    name: _from_registry(keys.get(name), value) for name, value in values.items()}
    features = read("Features")
    if features:
        doc["features"] = dict(features)
    return doc


def _from_registry(key: config.Key | None, value: Any) -> Any:
    if key is None:
        return value
    if key.kind == config.BOOLEAN and value in (0, 1):
        return bool(value)
    if key.kind == config.NUMBER and isinstance(value, str):
        try:
            return int(value) if value.strip().lstrip("-").isdigit() else float(value)
        except ValueError:
            return value
    return value


def _winreg_reader() -> Callable[[str], dict]:
    import winreg  # Windows only

    def read(subkey: str) -> dict:
        try:
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, f"{REGISTRY_KEY}\\{subkey}") as key:
                count = winreg.QueryInfoKey(key)[1]
                return {name: value for name, value, _ in (winreg.EnumValue(key, i) for i in range(count))}
        except OSError:
            return {}

    return read


def _managed_preferences(problems: list[Problem]) -> tuple[dict, dict]:
    """A configuration profile (MDM) on macOS: the same tables as a policy file."""
    import plistlib  # macOS only; it loads an XML parser the running agent elsewhere never needs

    try:
        doc = plistlib.loads(MANAGED_PLIST.read_bytes())
    except (OSError, ValueError, plistlib.InvalidFileException) as error:
        problems.append(Problem(str(MANAGED_PLIST), None, "", f"cannot be read ({error})"))
        return {}, {}
    return check_policy(doc if isinstance(doc, dict) else {}, None, MANAGED_PLIST, problems)


# --- noticing changes -----------------------------------------------------------


def fingerprint(effective: Effective, platform: str = sys.platform,
                registry: Callable[[str], dict] | None = None) -> tuple:
    """What the sources behind `effective` look like now; a change means reload.

    Reading a few small files is all a running agent spends on this, at
    wake-ups it has anyway. New files count too: a policy dropped in later, a user file
    created by `upright config init`. On Windows the Group Policy values are
    few and cheap to read, so they are compared whole.
    """
    places = {user_file(), *(Path(p) for p in effective.files.get("user", []))}
    policy = policy_file(platform)
    if policy is not None:
        places.add(policy)
    found = tuple(sorted((str(p), _stat(p)) for p in places))
    if platform.startswith("win"):
        found += (repr(registry_policy(registry or _winreg_reader())),)
    return found


def _stat(path: Path) -> bytes | None:
    """The file's bytes: a time stamp can miss two edits in one clock tick. Settings
    files are a few kilobytes, so keeping them whole costs less than a digest would:
    hashlib loads OpenSSL, 3.6 MiB of resident memory for the agent."""
    try:
        return path.read_bytes()
    except (OSError, ValueError):
        return None
