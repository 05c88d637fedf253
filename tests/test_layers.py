"""Where settings come from: defaults < recommended < user < enforced.

The precedence matrix covers each kind of setting in each combination of
layers; bad policies of every sort must be reported and worked around, never
stop the agent.
"""

from __future__ import annotations

import itertools
import os
import plistlib
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.settings import config, layers

# One setting of each kind, and a value for each layer that differs from the others.
KINDS = {
    "number": ("breaks.sitting_limit_min", [30, 40, 45.5, 50]),
    "integer": ("breaks.max_postpones", [3, 1, 5, 0]),
    "choice": ("pattern.mode", ["sitting-limit", "sit-stand-move", "sitting-limit", "sit-stand-move"]),
    "boolean": ("breaks.allow_skip", [True, False, True, False]),
    "text": ("exercises.folder", ["", "/srv/a", "/home/b", "/srv/c"]),
}
SET_BY = ("recommended", "user", "enforced")


def _toml(value) -> str:
    return str(value).lower() if isinstance(value, bool) else (f'"{value}"' if isinstance(value, str) else repr(value))


def write_policy(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def system_policy(text: str) -> Path:
    return write_policy(Path(os.environ["XDG_CONFIG_DIRS"].split(":")[0]) / "upright" / "policy.toml", text)


def user_settings(text: str) -> Path:
    return write_policy(layers.user_file(), text)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("present", [combo for n in range(4) for combo in itertools.combinations(SET_BY, n)],
                         ids=lambda combo: "+".join(combo) or "defaults-only")
def test_precedence_matrix(kind, present):
    dotted, values = KINDS[kind]
    section, name = dotted.split(".")
    by_layer = dict(zip(("default", *SET_BY), values))
    policy = "".join(f"[{layer}.{section}]\n{name} = {_toml(by_layer[layer])}\n"
                     for layer in ("recommended", "enforced") if layer in present)
    system_policy(policy)
    if "user" in present:
        user_settings(f"[{section}]\n{name} = {_toml(by_layer['user'])}\n")
    expected_layer = next((layer for layer in reversed(SET_BY) if layer in present), "default")
    effective = layers.load()
    assert effective.problems == []
    expected = config.defaults()[section][name] if expected_layer == "default" else by_layer[expected_layer]
    assert effective.values[section][name] == expected
    assert effective.origins[dotted] == expected_layer
    assert effective.locked(dotted) == ("enforced" in present)


@pytest.mark.parametrize("state, user_choice, value, locked", [
    ("off", None, False, True), ("off", True, False, True),
    ("required", None, True, True), ("required", False, True, True),
    ("opt-in", None, False, False), ("opt-in", True, True, False),
    ("opt-out", None, True, False), ("opt-out", False, False, False),
])
def test_feature_states_are_layers_the_user_may_or_may_not_override(state, user_choice, value, locked):
    system_policy(f'[features]\nstrict_breaks = "{state}"\n')
    if user_choice is not None:
        user_settings(f"[features]\nstrict_breaks = {_toml(user_choice)}\n")
    effective = layers.load()
    assert effective.values["features"]["strict_breaks"] is value
    assert effective.locked("features.strict_breaks") is locked


def test_the_merged_settings_are_never_written_into_the_users_file():
    path = user_settings("[breaks]\nsitting_limit_min = 40\n")
    system_policy("[enforced.breaks]\nallow_skip = false\n")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    layers.load()
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]


def test_the_first_policy_along_xdg_config_dirs_wins(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    write_policy(second / "upright" / "policy.toml", "[enforced.breaks]\nmax_postpones = 1\n")
    monkeypatch.setenv("XDG_CONFIG_DIRS", f"{first}:{second}")
    assert layers.load().values["breaks"]["max_postpones"] == 1
    write_policy(first / "upright" / "policy.toml", "[enforced.breaks]\nmax_postpones = 2\n")
    effective = layers.load()
    assert effective.values["breaks"]["max_postpones"] == 2
    assert effective.files["enforced"] == [str(first / "upright" / "policy.toml")]


def test_the_environment_names_a_staging_policy_instead(tmp_path, monkeypatch):
    system_policy("[enforced.breaks]\nmax_postpones = 1\n")
    staged = write_policy(tmp_path / "staging.toml", "[enforced.breaks]\nmax_postpones = 7\n")
    monkeypatch.setenv("UPRIGHT_POLICY", str(staged))
    assert layers.load().values["breaks"]["max_postpones"] == 7
    monkeypatch.setenv("UPRIGHT_POLICY", str(tmp_path / "missing.toml"))
    effective = layers.load()
    assert effective.values["breaks"]["max_postpones"] == 3
    assert [p.message for p in effective.problems] == ["no such file"]


def test_each_bad_setting_falls_back_alone_and_is_reported_with_its_line():
    system_policy('[recommended.breaks]\nsitting_limit_min = 40\n'
                  '[enforced.breaks]\nallow_skip = "no"\nmax_postpones = 1\n'
                  '[features]\nstrict_break = "required"\n'
                  '[breaks]\npostpone_min = 2\n')
    user_settings("[breaks]\nsitting_limit_min = -5\nbreak_min = 3\n")
    effective = layers.load()
    assert effective.values["breaks"] == {**config.defaults()["breaks"], "sitting_limit_min": 40,
                                          "max_postpones": 1, "break_min": 3}
    found = {(Path(p.path).name, p.line, p.key) for p in effective.problems}
    assert found == {("policy.toml", 4, "enforced.breaks.allow_skip"),
                     ("policy.toml", 7, "features.strict_break"),
                     ("policy.toml", 8, "breaks"),
                     ("config.toml", 2, "breaks.sitting_limit_min")}
    messages = " ".join(p.message for p in effective.problems)
    assert "did you mean 'strict_breaks'" in messages and "[enforced.breaks] (locked)" in messages


def test_a_feature_set_twice_in_one_policy_is_reported():
    system_policy('[features]\nstrict_breaks = "required"\n[enforced.features]\nstrict_breaks = false\n')
    effective = layers.load()
    assert [p.key for p in effective.problems] == ["features.strict_breaks"]
    assert effective.values["features"]["strict_breaks"] is False  # the explicit table wins


def test_a_policy_that_is_not_toml_leaves_the_defaults_in_force():
    system_policy("[enforced.breaks\nallow_skip = false\n")
    effective = layers.load()
    assert effective.values == config.defaults()
    [problem] = effective.problems
    assert problem.line == 1 and "TOML syntax error" in problem.message


# --- any policy at all: reported, never a crash ------------------------------------

_scalars = st.one_of(st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                     st.text(max_size=8), st.lists(st.integers(), max_size=2))
_names = st.one_of(st.sampled_from([*config.SECTIONS, *layers.POLICY_TABLES,
                                    *(k.name for k in config.SCHEMA), "x"]), st.text(min_size=1, max_size=6))
_docs = st.recursive(_scalars, lambda inner: st.dictionaries(_names, inner, max_size=4), max_leaves=12)


def _dump(value, path=()) -> list[str]:
    """A nested dict as TOML tables (enough of a writer for the test's shapes)."""
    scalars = {k: v for k, v in value.items() if not isinstance(v, dict)}
    lines = [f"[{'.'.join(map(_quote, path))}]"] if path else []
    lines += [f"{_quote(k)} = {_literal(v)}" for k, v in scalars.items()]
    for k, v in value.items():
        if isinstance(v, dict):
            lines += _dump(v, (*path, k))
    return lines


def _quote(name: str) -> str:
    return '"' + name.encode("unicode_escape").decode().replace('"', '\\"') + '"'


def _literal(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return "nan" if value != value else ("inf" if value == float("inf") else
                                             "-inf" if value == float("-inf") else repr(value))
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(_literal, value)) + "]"
    return str(value)


def _only_valid(effective: layers.Effective) -> None:
    for key in config.SCHEMA:
        assert key.problem_with(effective.values[key.section][key.name]) is None, key.dotted
    assert set(effective.values) == set(config.SECTIONS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.dictionaries(_names, _docs, max_size=5))
def test_any_toml_policy_is_reported_and_the_layers_beneath_used(doc):
    text = "\n".join(_dump(doc))
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        pass  # the writer above is rough; unparsable text is a fine test case too
    path = system_policy(text)
    effective = layers.load()
    _only_valid(effective)
    assert all(p.path == str(path) for p in effective.problems)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=200))
def test_plain_garbage_as_a_policy_is_reported(data):
    path = Path(os.environ["XDG_CONFIG_DIRS"]) / "upright" / "policy.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    effective = layers.load()
    _only_valid(effective)
    assert all(str(p).startswith(str(path)) for p in effective.problems)


def test_a_policy_path_that_is_a_folder_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("UPRIGHT_POLICY", str(tmp_path))
    effective = layers.load()
    assert effective.values == config.defaults()
    assert "is a directory" in effective.problems[0].message


# --- Windows registry and macOS profiles ---------------------------------------------


def test_group_policy_values_in_the_registry_are_converted_and_checked():
    values = {
        r"Enforced\breaks": {"allow_skip": 0, "sitting_limit_min": "45", "max_postpones": 2},
        r"Recommended\breaks": {"break_min": "2.5", "postpone_min": "soon"},
        r"Recommended\logging": {"level": "info"},
        "Features": {"standing_reminders": "off"},
    }
    effective = layers.load(platform="win32", registry=lambda subkey: values.get(subkey, {}))
    assert effective.values["breaks"] | {} == {**config.defaults()["breaks"], "allow_skip": False,
                                               "sitting_limit_min": 45, "max_postpones": 2, "break_min": 2.5}
    assert effective.locked("breaks.allow_skip") and not effective.locked("breaks.break_min")
    assert effective.values["features"]["standing_reminders"] is False
    assert effective.locked("features.standing_reminders")
    assert effective.values["logging"]["level"] == "info"
    [problem] = effective.problems
    assert problem.path == r"HKLM\SOFTWARE\Policies\Upright" and problem.key == "recommended.breaks.postpone_min"


def test_a_macos_configuration_profile_is_a_policy(tmp_path, monkeypatch):
    profile = tmp_path / "org.upright.agent.plist"
    profile.write_bytes(plistlib.dumps({"enforced": {"breaks": {"allow_skip": False}},
                                        "features": {"strict_breaks": "opt-out"}}))
    monkeypatch.setattr(layers, "MANAGED_PLIST", profile)
    effective = layers.load(platform="darwin")
    assert effective.values["breaks"]["allow_skip"] is False and effective.locked("breaks.allow_skip")
    assert effective.values["features"]["strict_breaks"] is True
    profile.write_bytes(b"not a plist")
    assert layers.load(platform="darwin").problems[0].path == str(profile)


# --- noticing a change -----------------------------------------------------------------


def test_the_fingerprint_changes_when_a_policy_appears_changes_or_goes():
    first = layers.fingerprint(layers.load())
    path = system_policy("[enforced.breaks]\nmax_postpones = 1\n")
    second = layers.fingerprint(layers.load())
    assert second != first
    path.write_text("[enforced.breaks]\nmax_postpones = 22\n")
    assert layers.fingerprint(layers.load()) != second
    path.unlink()
    assert layers.fingerprint(layers.load()) == first


def test_a_group_policy_change_in_the_registry_changes_the_fingerprint():
    values = {r"Enforced\breaks": {"allow_skip": 0}}
    read = lambda subkey: values.get(subkey, {})  # noqa: E731
    effective = layers.load(platform="win32", registry=read)
    before = layers.fingerprint(effective, platform="win32", registry=read)
    assert layers.fingerprint(effective, platform="win32", registry=read) == before
    values[r"Enforced\breaks"] = {"allow_skip": 1}
    assert layers.fingerprint(effective, platform="win32", registry=read) != before
