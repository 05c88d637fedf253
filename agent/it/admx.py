"""Windows Group Policy templates (ADMX/ADML) made from the settings schema.

    python -m agent.it.admx               rewrite every generated file under deploy/
    python -m agent.it.admx --out DIR     write upright.admx and en-US/upright.adml into DIR
                                       (e.g. a PolicyDefinitions folder)
    python -m agent.it.admx --check       exit 1, saying what to run, if deploy/ is out of date

The templates come from :data:`agent.settings.config.SCHEMA`, the same declaration
the validator reads, so Group Policy offers exactly the keys, types and
ranges the agent accepts. Each setting is offered twice: under "Locked
settings" it writes ``HKLM\\SOFTWARE\\Policies\\Upright\\Enforced\\<section>``,
under "Defaults users can change" ``...\\Recommended\\<section>``, value
name = key name (the layout :func:`agent.settings.layers.registry_policy` reads).
The [features] switches are offered once, as IT thinks of them: an enum
off / opt-in / opt-out / required under ``...\\Features``; the reader
refuses a feature set both ways, so the boolean form is not offered.

Value types follow the contract: BOOLEAN and INTEGER as REG_DWORD; NUMBER,
CHOICE and TEXT as REG_SZ. A NUMBER is a decimal element stored as text, so
an admin sets whole minutes and the reader also takes "0.5" written by hand.
Output is deterministic: same schema, same bytes.
"""

from __future__ import annotations

import argparse
import math
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Optional

from agent import __version__
from agent.files import atomic, tomlfile
from agent.it import policy_example
from agent.settings import config
from agent.settings.layers import FEATURE_STATES, REGISTRY_KEY

NS = "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"
TARGET = "Upright.Policies.Upright"
SUPPORTED = "SUPPORTED_Upright"
ROOT = Path(__file__).resolve().parents[2]  # the source tree
DWORD_MAX = 4294967295

# (category name, registry subkey, display name, what it means to the user)
LAYERS = (
    ("Enforced", "Enforced", "Locked settings", "Locked: users cannot change this setting."),
    ("Recommended", "Recommended", "Defaults users can change",
     "A default: users may change it in their own settings."),
)
FEATURES = ("Features", "Features", "Features (off, opt-in, opt-out, required)", "")
NOT_SET = "Not configured or Disabled: this policy sets nothing here."


def settings() -> list[config.Key]:
    """The keys offered under both layers: every key but the [features] switches."""
    return [key for key in config.SCHEMA if key.section != "features"]


def features() -> list[config.Key]:
    return list(config.SECTIONS["features"].values())


def registry_key(subkey: str, section: str | None = None) -> str:
    return "\\".join(filter(None, (REGISTRY_KEY, subkey, section)))


def _id(*parts: str) -> str:
    """A string/presentation/policy id: letters, digits and underscores."""
    return "_".join(parts).replace("-", "_").replace(".", "_")


def _el(parent: Optional[ET.Element], tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """An element; a root one declares the Group Policy namespace, which its children inherit."""
    if parent is None:
        element = ET.Element(tag, {"xmlns": NS, **attrs})
    else:
        element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


# --- the ADMX: what each policy writes --------------------------------------


def admx() -> str:
    root = _el(None, "policyDefinitions", revision="1.0", schemaVersion="1.0")
    namespaces = _el(root, "policyNamespaces")
    _el(namespaces, "target", prefix="upright", namespace=TARGET)
    _el(root, "resources", minRequiredRevision="1.0")
    definitions = _el(_el(root, "supportedOn"), "definitions")
    _el(definitions, "definition", name=SUPPORTED, displayName=f"$(string.{SUPPORTED})")
    categories = _el(root, "categories")
    _el(categories, "category", name="Upright", displayName="$(string.Upright)")
    for name, *_ in (*LAYERS, FEATURES):
        category = _el(categories, "category", name=name, displayName=f"$(string.Category_{name})")
        _el(category, "parentCategory", ref="Upright")
    policies = _el(root, "policies")
    for layer, subkey, *_ in LAYERS:
        for key in settings():
            _policy(policies, layer, subkey, key)
    for key in features():
        _feature_policy(policies, key)
    return _serialise(root)


def _policy(policies: ET.Element, layer: str, subkey: str, key: config.Key) -> None:
    name = _id(layer, key.section, key.name)
    attrs = dict(name=name, **{"class": "Machine"}, displayName=f"$(string.{_id(key.section, key.name)})",
                 explainText=f"$(string.{name}_Explain)", key=registry_key(subkey, key.section))
    if key.kind == config.BOOLEAN:
        attrs["valueName"] = key.name
    else:
        attrs["presentation"] = f"$(presentation.{_id(key.section, key.name)})"
    policy = _el(policies, "policy", **attrs)
    _el(policy, "parentCategory", ref=layer)
    _el(policy, "supportedOn", ref=SUPPORTED)
    if key.kind == config.BOOLEAN:
        _el(_el(policy, "enabledValue"), "decimal", value="1")
        _el(_el(policy, "disabledValue"), "decimal", value="0")
        return
    elements = _el(policy, "elements")
    if key.kind in (config.NUMBER, config.INTEGER):
        low, high = decimal_range(key)
        extra = {"storeAsText": "true"} if key.kind == config.NUMBER else {}
        _el(elements, "decimal", id=key.name, valueName=key.name, required="true",
            minValue=str(low), maxValue=str(high), **extra)
    elif key.kind == config.CHOICE:
        _enum(elements, key.name, [(_id("Choice", key.section, key.name, c), c) for c in key.choices])
    elif key.kind == config.TEXT:
        _el(elements, "text", id=key.name, valueName=key.name)
    else:
        raise ValueError(f"{key.dotted}: no Group Policy element for kind {key.kind!r}")


def _feature_policy(policies: ET.Element, key: config.Key) -> None:
    name = _id("Feature", key.name)
    policy = _el(policies, "policy", name=name, **{"class": "Machine"}, displayName=f"$(string.{name})",
                 explainText=f"$(string.{name}_Explain)", presentation=f"$(presentation.{name})",
                 key=registry_key(FEATURES[1]))
    _el(policy, "parentCategory", ref=FEATURES[0])
    _el(policy, "supportedOn", ref=SUPPORTED)
    _enum(_el(policy, "elements"), key.name, [(_id("State", state), state) for state in feature_states()])


def _enum(elements: ET.Element, name: str, items: list[tuple[str, str]]) -> None:
    """A drop-down writing one of `items` (string id, REG_SZ value)."""
    enum = _el(elements, "enum", id=name, valueName=name, required="true")
    for string_id, value in items:
        item = _el(enum, "item", displayName=f"$(string.{string_id})")
        _el(_el(item, "value"), "string", value)


def decimal_range(key: config.Key) -> tuple[int, int]:
    """The whole numbers Group Policy may offer within the key's range."""
    low = 0 if key.low is None else (math.floor(key.low) + 1 if key.low_open else math.ceil(key.low))
    high = DWORD_MAX if key.high is None else math.floor(key.high)
    return max(low, 0), min(high, DWORD_MAX)


def feature_states() -> list[str]:
    """The states in reading order; the reader's own table decides which exist."""
    return [state for state in policy_example.FEATURE_MEANINGS if state in FEATURE_STATES]


# --- the ADML: the words ----------------------------------------------------


def adml() -> str:
    root = _el(None, "policyDefinitionResources", revision="1.0", schemaVersion="1.0")
    _el(root, "displayName", "Upright")
    _el(root, "description", "Group Policy settings for Upright, the stand-and-stretch break agent.")
    resources = _el(root, "resources")
    strings = _el(resources, "stringTable")
    presentations = _el(resources, "presentationTable")
    defaults = config.defaults()
    for string_id, text in _strings(defaults):
        _el(strings, "string", text, id=string_id)
    for key in settings():
        if key.kind != config.BOOLEAN:
            _presentation(presentations, key, defaults[key.section][key.name])
    for key in features():
        # The drop-down first offers the state matching the built-in default.
        unmanaged = "opt-out" if defaults["features"][key.name] else "opt-in"
        presentation = _el(presentations, "presentation", id=_id("Feature", key.name))
        _el(presentation, "dropdownList", "State:", refId=key.name, noSort="true",
            defaultItem=str(feature_states().index(unmanaged)))
    return _serialise(root)


def _strings(defaults: dict):
    """(id, text) for every string the ADMX names, in a fixed order."""
    yield SUPPORTED, f"Upright {__version__} or later"
    yield "Upright", "Upright"
    for name, _subkey, display, _meaning in (*LAYERS, FEATURES):
        yield f"Category_{name}", display
    for key in settings():
        yield _id(key.section, key.name), f"{key.dotted} — {key.description.rstrip('.')}"
        for choice in key.choices:
            yield _id("Choice", key.section, key.name, choice), choice
    for layer, subkey, _display, meaning in LAYERS:
        for key in settings():
            yield _id(layer, key.section, key.name, "Explain"), _explain(key, subkey, meaning, defaults)
    for state in feature_states():
        yield _id("State", state), f"{state}: {policy_example.FEATURE_MEANINGS[state]}"
    for key in features():
        yield _id("Feature", key.name), f"features.{key.name} — {key.description.rstrip('.')}"
        yield _id("Feature", key.name, "Explain"), _feature_explain(key, defaults)


def _explain(key: config.Key, subkey: str, meaning: str, defaults: dict) -> str:
    where = f"HKLM\\{registry_key(subkey, key.section)}, value {key.name} ({_reg_type(key)})"
    if key.kind == config.BOOLEAN:
        how = (f"Enabled: true (REG_DWORD 1). Disabled: false (REG_DWORD 0). "
               f"Not configured: this policy sets nothing here.")
    else:
        how = f"Enabled: the value below. {NOT_SET}"
    lines = [key.description, "", meaning, "",
             f"Accepts {policy_example.accepts(key)}. "
             f"Built-in default: {tomlfile.literal(defaults[key.section][key.name])}.",
             how]
    if key.kind == config.NUMBER:
        lines.append("Group Policy offers whole numbers, stored as text; a fraction such as 0.5 "
                     "can be set in policy.toml or written as a string to the same registry value.")
    lines += ["", f"Registry: {where}.", f"Policy file: [{subkey.lower()}.{key.section}] {key.name}."]
    return "\n".join(lines)


def _feature_explain(key: config.Key, defaults: dict) -> str:
    default = "on" if defaults["features"][key.name] else "off"
    states = [f"{state}: {policy_example.FEATURE_MEANINGS[state]}." for state in feature_states()]
    return "\n".join([
        key.description, "",
        *states, "",
        f"{NOT_SET} The feature keeps its built-in default ({default}), which the user may change.",
        "",
        f"Registry: HKLM\\{registry_key(FEATURES[1])}, value {key.name} (REG_SZ).",
        f"Policy file: [features] {key.name}."])


def _reg_type(key: config.Key) -> str:
    return "REG_DWORD" if key.kind in (config.INTEGER, config.BOOLEAN) else "REG_SZ"


def _presentation(presentations: ET.Element, key: config.Key, default) -> None:
    """The policy's dialog: one field, labelled with the key, filled with its built-in default."""
    presentation = _el(presentations, "presentation", id=_id(key.section, key.name))
    label = f"{key.name} ({policy_example.unit(key)}):" if policy_example.unit(key) else f"{key.name}:"
    if key.kind in (config.NUMBER, config.INTEGER):
        attrs = {"defaultValue": str(int(default))} if float(default).is_integer() else {}
        _el(presentation, "decimalTextBox", label, refId=key.name, **attrs)
    elif key.kind == config.CHOICE:
        _el(presentation, "dropdownList", label, refId=key.name, noSort="true",
            defaultItem=str(key.choices.index(default)))
    else:
        box = _el(presentation, "textBox", refId=key.name)
        _el(box, "label", label)
        if default:
            _el(box, "defaultValue", default)


def _serialise(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- writing ------------------------------------------------------------------


def templates() -> dict[str, str]:
    """The Windows templates, by path relative to a PolicyDefinitions-like folder."""
    return {"upright.admx": admx(), "en-US/upright.adml": adml()}


def generated(deploy: Path) -> dict[Path, str]:
    """Every generated file under `deploy/`, with the text it should hold."""
    files = {deploy / "windows" / name: text for name, text in templates().items()}
    files[deploy / "policy.example.toml"] = policy_example.text()
    return files


def outdated(deploy: Path) -> list[Path]:
    return [path for path, text in generated(deploy).items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def write(files: dict[Path, str]) -> list[Path]:
    """Write the files that differ, each atomically; the paths written."""
    written = []
    for path, text in files.items():
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        atomic.write_text(path, text, mode=0o644)
        written.append(path)
    return written


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent.it.admx",
                                     description="Write Upright's Group Policy templates and policy example.")
    parser.add_argument("--out", metavar="DIR", help="write only upright.admx and en-US/upright.adml into DIR")
    parser.add_argument("--check", action="store_true", help="exit 1 if the files under deploy/ are out of date")
    args = parser.parse_args(argv)
    deploy = ROOT / "deploy"
    if args.out is None and not (ROOT / "pyproject.toml").is_file():
        parser.error("no source checkout here to write deploy/ into; pass --out DIR")
    if args.check:
        stale = outdated(deploy)
        for path in stale:
            print(f"{_relative(path)} is out of date: run python -m agent.it.admx", file=sys.stderr)
        return 1 if stale else 0
    files = ({Path(args.out) / name: text for name, text in templates().items()} if args.out
             else generated(deploy))
    try:
        written = write(files)
    except OSError as error:
        print(f"python -m agent.it.admx: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {_relative(path)}")
    return 0


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
