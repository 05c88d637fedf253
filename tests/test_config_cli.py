"""`upright config show|validate|init`, run as users and IT run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.cli import command as cli
from agent.settings import config, layers
from tests.test_layers import system_policy, user_settings

UPRIGHT = [sys.executable, "-m", "agent"]


def run(capsys, *argv) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# --- validate ----------------------------------------------------------------------


def test_validate_accepts_a_good_policy(tmp_path, capsys):
    path = tmp_path / "policy.toml"
    path.write_text('[features]\nstrict_breaks = "opt-in"\n[enforced.breaks]\nallow_skip = false\n')
    assert run(capsys, "config", "validate", str(path)) == (0, f"{path}: OK (policy)\n", "")


def test_validate_prints_one_line_per_problem_and_exits_1(tmp_path, capsys):
    path = tmp_path / "policy.toml"
    path.write_text('[features]\nstrict_breaks = "mandatory"\n\n[enforced.breaks]\n'
                    'sitting_limt_min = 40\nmax_postpones = 2.5\n')
    status, out, err = run(capsys, "config", "validate", str(path))
    assert status == 1 and err == ""
    assert out.splitlines() == [
        f'{path}:2: features.strict_breaks: expected "off" or "opt-in" or "opt-out" or "required", '
        'got a string ("mandatory")',
        f"{path}:5: enforced.breaks.sitting_limt_min: unknown key; did you mean 'sitting_limit_min'?",
        f"{path}:6: enforced.breaks.max_postpones: expected an integer, got a float (2.5)",
    ]


def test_validate_reads_a_users_settings_file_as_such(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text("[breaks]\nsitting_limit_min = 0\n")
    status, out, _ = run(capsys, "config", "validate", str(path))
    assert (status, out) == (1, f"{path}:2: breaks.sitting_limit_min: must be greater than 0 and at most 480, "
                                "got 0\n")
    path.write_text("[breaks]\nsitting_limit_min = 45\n")
    assert run(capsys, "config", "validate", str(path))[:2] == (0, f"{path}: OK (user settings)\n")


def test_validate_warns_beyond_an_hour_of_sitting_but_accepts_it(tmp_path, capsys):
    """000's "take breaks every hour" is the loosest bound of the articles: beyond it, a warning, exit 0."""
    path = tmp_path / "config.toml"
    path.write_text("[breaks]\nsitting_limit_min = 60\n")
    assert run(capsys, "config", "validate", str(path)) == (0, f"{path}: OK (user settings)\n", "")
    path.write_text("[breaks]\nsitting_limit_min = 75\n")
    status, out, err = run(capsys, "config", "validate", str(path))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"{path}:2: breaks.sitting_limit_min: warning: 75 min is beyond what the health articles advise (a break "
        "every 30 minutes; at the loosest, every hour); with 3 postpones of 5 min a break can wait until 90 min "
        "of sitting. Allowed: a warning, not an error.",
        f"{path}: OK (user settings)",
    ]


def test_validate_warns_for_each_policy_layer_that_sets_a_long_limit(tmp_path, capsys):
    path = tmp_path / "policy.toml"
    path.write_text("[recommended.breaks]\nsitting_limit_min = 45\n\n"
                    "[enforced.breaks]\nsitting_limit_min = 90\nmax_postpones = 0\n")
    status, out, _ = run(capsys, "config", "validate", str(path))
    assert status == 0
    [warning, ok] = out.splitlines()
    assert warning.startswith(f"{path}:5: enforced.breaks.sitting_limit_min: warning: 90 min is beyond")
    assert "postpones" not in warning, "no postpones allowed: none to count"
    assert ok == f"{path}: OK (policy)"


def test_validate_can_be_told_how_to_read_the_file(tmp_path, capsys):
    path = tmp_path / "policy.toml"
    path.write_text("[breaks]\nsitting_limit_min = 45\n")
    status, out, _ = run(capsys, "config", "validate", "--as", "policy", str(path))
    assert status == 1 and "belong" not in out and "[enforced.breaks] (locked)" in out


def test_validate_a_missing_file(tmp_path, capsys):
    assert run(capsys, "config", "validate", str(tmp_path / "nope.toml"))[:2] == (
        1, f"{tmp_path / 'nope.toml'}: no such file\n")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=120),
                      st.text(alphabet='[]=."\'\n #abcdefgnrstu_0123456789-', max_size=120).map(str.encode)))
def test_validate_never_shows_a_traceback(tmp_path, capsys, data):
    path = tmp_path / "policy.toml"
    path.write_bytes(data)
    status, out, err = run(capsys, "config", "validate", str(path))
    assert status in (0, 1) and err == ""
    if status == 1:
        assert all(line.startswith(str(path)) for line in out.splitlines())


# --- show ----------------------------------------------------------------------------


def test_show_json_gives_every_setting_with_its_origin(capsys):
    policy = system_policy('[recommended.breaks]\nsitting_limit_min = 40\n[enforced.breaks]\nallow_skip = false\n'
                           '[features]\nstrict_breaks = "opt-in"\n')
    user = user_settings("[breaks]\nsitting_limit_min = 45\n[logging]\nlevel = \"loud\"\n")
    status, out, _ = run(capsys, "config", "show", "--json")
    shown = json.loads(out)
    assert status == 0
    assert set(shown["settings"]) == {key.dotted for key in config.SCHEMA}
    assert shown["settings"]["breaks.sitting_limit_min"] == {"value": 45, "origin": "user", "locked": False}
    assert shown["settings"]["breaks.allow_skip"] == {"value": False, "origin": "enforced", "locked": True}
    assert shown["settings"]["features.strict_breaks"] == {"value": False, "origin": "recommended", "locked": False}
    assert shown["settings"]["logging.level"] == {"value": "warning", "origin": "default", "locked": False}
    assert shown["files"] == {"default": [], "recommended": [str(policy)], "user": [str(user)],
                              "enforced": [str(policy)]}
    assert shown["problems"] == [f'{user}:4: logging.level: expected "error" or "warning" or "info" or "debug", '
                                 'got a string ("loud")']


def test_show_as_a_table_says_what_is_managed(capsys):
    system_policy("[enforced.breaks]\nallow_skip = false\n")
    status, out, _ = run(capsys, "config", "show")
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert status == 0
    assert lines["breaks.allow_skip"].split()[1:] == ["false", "enforced", "(managed", "by", "your", "organization)"]
    assert lines["breaks.sitting_limit_min"].split()[1:] == ["30", "default"]


# --- init -----------------------------------------------------------------------------


def test_init_writes_a_commented_file_that_changes_nothing_until_edited(capsys):
    system_policy("[enforced.breaks]\nallow_skip = false\n")
    status, out, _ = run(capsys, "config", "init")
    path = layers.user_file()
    assert status == 0 and str(path) in out
    text = path.read_text()
    assert tomllib.loads(text) == {key.section: {} for key in config.SCHEMA}  # all commented out
    for key in config.SCHEMA:
        assert f"# {key.name} = " in text
    assert "# Managed by your organization: a value here is not used.\n# allow_skip = true" in text
    assert layers.load().values == {**config.defaults(), "breaks": {**config.defaults()["breaks"],
                                                                     "allow_skip": False}}
    path.write_text(text.replace("# sitting_limit_min = 30", "sitting_limit_min = 50"))
    assert run(capsys, "config", "validate", str(path))[0] == 0
    assert layers.load().values["breaks"]["sitting_limit_min"] == 50


def test_init_keeps_an_existing_file(capsys):
    path = user_settings("[breaks]\nsitting_limit_min = 50\n")
    status, _, err = run(capsys, "config", "init")
    assert status == 2 and "already exists" in err and "--force" in err
    assert path.read_text() == "[breaks]\nsitting_limit_min = 50\n"
    assert run(capsys, "config", "init", "--force")[0] == 0
    assert path.with_name("config.toml.bak").read_text() == "[breaks]\nsitting_limit_min = 50\n"


def test_the_commands_run_as_a_program():
    """The installed entry point, in a fresh process: exit codes as scripts see them."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    shown = subprocess.run([*UPRIGHT, "config", "show", "--json"], env=env, capture_output=True, text=True)
    assert shown.returncode == 0 and json.loads(shown.stdout)["problems"] == []
    bad = subprocess.run([*UPRIGHT, "config", "validate", "/nonexistent/policy.toml"], env=env,
                         capture_output=True, text=True)
    assert (bad.returncode, bad.stderr) == (1, "")


@pytest.mark.parametrize("argv", [["config"], ["config", "validate"], ["config", "frob"]])
def test_usage_mistakes_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as leaving:
        cli.main(argv)
    assert leaving.value.code == 2
