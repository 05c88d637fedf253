"""The recipes in deploy/ that IT uses as they are.

The Group Policy templates and the policy example are generated from the
settings schema; these tests keep the checked-in copies fresh and check
that they say what the agent's reader expects. The Linux installer (and,
where Ansible is installed, the playbook) run for real into temporary
folders, from a wheel built from this checkout.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from agent import __version__
from agent.files import tomlfile
from agent.it import admx, policy_example
from agent.settings import config, layers
from tests.ci import needs
from tests.test_packaging import wheel  # noqa: F401  (the fixture: a wheel built once per module)

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
ADMX = DEPLOY / "windows" / "upright.admx"
ADML = DEPLOY / "windows" / "en-US" / "upright.adml"
EXAMPLE = DEPLOY / "policy.example.toml"
INSTALLER = DEPLOY / "linux" / "install-all-users.sh"
PLAYBOOK = DEPLOY / "ansible" / "upright.yml"
NS = {"p": admx.NS}
POLICIES = "SOFTWARE\\Policies\\Upright"


# --- generated files -----------------------------------------------------------


def test_generated_files_match_the_schema():
    stale = [path.relative_to(ROOT).as_posix() for path in admx.outdated(DEPLOY)]
    assert not stale, f"out of date: {stale}; run: python -m agent.it.admx"


def test_out_writes_the_templates_into_a_policy_definitions_folder(tmp_path):
    assert admx.main(["--out", str(tmp_path)]) == 0
    assert (tmp_path / "upright.admx").read_text(encoding="utf-8") == ADMX.read_text(encoding="utf-8")
    assert (tmp_path / "en-US" / "upright.adml").read_text(encoding="utf-8") == ADML.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["upright.adml", "upright.admx"]


# --- the ADMX and ADML ---------------------------------------------------------


@pytest.fixture(scope="module")
def admx_root():
    return ET.parse(ADMX).getroot()


@pytest.fixture(scope="module")
def adml_root():
    return ET.parse(ADML).getroot()


def _policy_writing(root: ET.Element, key: str, value_name: str) -> ET.Element:
    """The one policy writing `value_name` under registry `key`."""
    found = [policy for policy in root.iterfind("p:policies/p:policy", NS)
             if policy.get("key") == key
             and (policy.get("valueName") == value_name
                  or any(e.get("valueName") == value_name for e in policy.iterfind("p:elements/*", NS)))]
    assert len(found) == 1, f"{len(found)} policies write {key}\\{value_name}"
    return found[0]


def test_templates_declare_the_group_policy_namespaces(admx_root, adml_root):
    assert admx_root.tag == f"{{{admx.NS}}}policyDefinitions"
    assert adml_root.tag == f"{{{admx.NS}}}policyDefinitionResources"
    for root in (admx_root, adml_root):
        assert root.get("revision") and root.get("schemaVersion")
    target = admx_root.find("p:policyNamespaces/p:target", NS)
    assert target.get("prefix") and target.get("namespace")
    supported = {d.get("name") for d in admx_root.iterfind("p:supportedOn/p:definitions/p:definition", NS)}
    categories = {c.get("name") for c in admx_root.iterfind("p:categories/p:category", NS)}
    for policy in admx_root.iterfind("p:policies/p:policy", NS):
        assert policy.get("class") == "Machine"
        assert policy.find("p:supportedOn", NS).get("ref") in supported
        assert policy.find("p:parentCategory", NS).get("ref") in categories


@pytest.mark.parametrize("subkey", ["Enforced", "Recommended"])
@pytest.mark.parametrize("key", [k for k in config.SCHEMA if k.section != "features"], ids=lambda k: k.dotted)
def test_every_setting_is_a_policy_under_both_layers(admx_root, subkey, key):
    policy = _policy_writing(admx_root, f"{POLICIES}\\{subkey}\\{key.section}", key.name)
    assert policy.find("p:parentCategory", NS).get("ref") == subkey
    if key.kind == config.BOOLEAN:  # REG_DWORD 1 / 0, as the reader turns back into true / false
        assert policy.find("p:enabledValue/p:decimal", NS).get("value") == "1"
        assert policy.find("p:disabledValue/p:decimal", NS).get("value") == "0"
        return
    [element] = policy.find("p:elements", NS)
    tag = element.tag.split("}")[1]
    if key.kind in (config.NUMBER, config.INTEGER):
        assert tag == "decimal"
        # NUMBER is REG_SZ (a decimal string), INTEGER a REG_DWORD.
        assert element.get("storeAsText") == ("true" if key.kind == config.NUMBER else None)
        low, high = int(element.get("minValue")), int(element.get("maxValue"))
        # The range offered is exactly the whole numbers the validator accepts.
        assert key.problem_with(low) is None and key.problem_with(high) is None
        assert key.problem_with(low - 1) is not None or low == 0
        assert key.problem_with(high + 1) is not None
    elif key.kind == config.CHOICE:
        assert tag == "enum"
        assert [s.text for s in element.iterfind("p:item/p:value/p:string", NS)] == list(key.choices)
    else:
        assert (tag, key.kind) == ("text", config.TEXT)


@pytest.mark.parametrize("key", list(config.SECTIONS["features"].values()), ids=lambda k: k.dotted)
def test_every_feature_is_a_state_policy_and_only_that(admx_root, key):
    policy = _policy_writing(admx_root, f"{POLICIES}\\Features", key.name)
    [enum] = policy.find("p:elements", NS)
    states = [s.text for s in enum.iterfind("p:item/p:value/p:string", NS)]
    assert sorted(states) == sorted(layers.FEATURE_STATES)
    # The reader refuses a feature set both as a state and as a boolean, so only one form is offered.
    for subkey in ("Enforced", "Recommended"):
        assert admx_root.find(f"p:policies/p:policy[@key='{POLICIES}\\{subkey}\\features']", NS) is None


def test_every_string_and_presentation_the_admx_names_is_in_the_adml(admx_root, adml_root):
    text = ADMX.read_text(encoding="utf-8")
    strings = {s.get("id") for s in adml_root.iterfind("p:resources/p:stringTable/p:string", NS)}
    presentations = {p.get("id"): p for p in adml_root.iterfind("p:resources/p:presentationTable/p:presentation", NS)}
    named = set(re.findall(r"\$\(string\.([^)]+)\)", text))
    assert named - strings == set()
    assert strings - named == set(), "strings nobody uses"
    for policy in admx_root.iterfind("p:policies/p:policy", NS):
        elements = {e.get("id") for e in policy.iterfind("p:elements/*", NS)}
        reference = policy.get("presentation")
        if not elements:
            assert reference is None
            continue
        presentation = presentations[re.fullmatch(r"\$\(presentation\.(.+)\)", reference).group(1)]
        assert {part.get("refId") for part in presentation} == elements


def test_explain_texts_say_where_the_value_goes(adml_root):
    strings = {s.get("id"): s.text for s in adml_root.iterfind("p:resources/p:stringTable/p:string", NS)}
    explain = strings["Enforced_breaks_sitting_limit_min_Explain"]
    assert explain.startswith(config.SECTIONS["breaks"]["sitting_limit_min"].description)
    assert "HKLM\\SOFTWARE\\Policies\\Upright\\Enforced\\breaks, value sitting_limit_min (REG_SZ)" in explain
    assert "greater than 0 and at most 480" in explain
    assert "Locked" in explain
    assert "users may change" in strings["Recommended_breaks_max_postpones_Explain"]
    assert "(REG_DWORD)" in strings["Recommended_breaks_max_postpones_Explain"]


# --- the policy example ----------------------------------------------------------


def test_policy_example_is_a_valid_policy_doing_only_its_small_example():
    problems = []
    recommended, enforced = layers.read_policy(EXAMPLE, problems)
    assert problems == []
    assert recommended == {"breaks": {"postpone_min": 10}, "features": {"strict_breaks": False}}
    assert enforced == {"do_not_disturb": {"camera": True}}


def test_policy_example_documents_every_key_in_its_section():
    text = EXAMPLE.read_text(encoding="utf-8")
    blocks = {re.match(r"\[(\w+)\]", block).group(1): block for block in text.split("# === ")[1:]}
    defaults = config.defaults()
    for key in config.SCHEMA:
        block = blocks[key.section]
        assert f"# {key.description}\n" in block, key.dotted
        assert re.search(rf"^(# )?{key.name} = ", block, re.M), key.dotted
        if key.section != "features":
            shown = tomlfile.literal(defaults[key.section][key.name])
            assert f"Built-in default: {shown}." in block, key.dotted


def test_policy_example_with_everything_uncommented_is_still_valid(tmp_path):
    """Each commented entry is a working line: the documented defaults pass the validator."""
    text = EXAMPLE.read_text(encoding="utf-8")
    opened = re.sub(r"^# (\[recommended\.\w+\]|\w+ = .*)$", r"\1", text, flags=re.M)
    assert opened.count("\n[") > text.count("\n[")
    path = tmp_path / "policy.toml"
    path.write_text(opened, encoding="utf-8")
    problems = []
    recommended, _ = layers.read_policy(path, problems)
    assert problems == []
    assert sum(len(table) for table in recommended.values()) == len(config.SCHEMA)
    tomllib.loads(opened)


# --- the Linux installer -----------------------------------------------------------


BAD_POLICY = "[enforced.breaks]\nallow_skp = false\n"


def _installer_env(root: Path) -> dict:
    """Every place the installer touches moved under `root`; no apt."""
    return {**os.environ, "PREFIX": str(root / "opt" / "upright"), "BIN_DIR": str(root / "bin"),
            "XDG_CONFIG_DIRS": str(root / "xdg"), "HOME": str(root / "home"),
            "XDG_CONFIG_HOME": str(root / "home" / ".config"), "PYTHON": sys.executable, "SKIP_APT": "1"}


def _install(env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(INSTALLER), *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):  # noqa: F811  (the imported fixture, by name)
    root = tmp_path_factory.mktemp("machine")
    env = _installer_env(root)
    result = _install(env, "--policy", EXAMPLE, wheel)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, env, wheel


def test_installer_links_a_working_command(installed):
    root, env, _ = installed
    link = root / "bin" / "upright"
    assert link.is_symlink() and link.resolve() == (root / "opt" / "upright" / "bin" / "upright").resolve()
    result = subprocess.run([link, "--version"], env=env, capture_output=True, text=True)
    assert result.stdout.strip() == f"upright {__version__}", result.stderr


def test_installer_drops_the_policy_where_the_agent_reads_it(installed):
    root, env, _ = installed
    dropped = root / "xdg" / "upright" / "policy.toml"
    assert dropped.read_bytes() == EXAMPLE.read_bytes()
    assert dropped.stat().st_mode & 0o777 == 0o644
    shown = subprocess.run([root / "bin" / "upright", "config", "show", "--json"], env=env,
                           capture_output=True, text=True, check=True).stdout
    settings = json.loads(shown)["settings"]
    assert settings["breaks.postpone_min"] == {"value": 10, "origin": "recommended", "locked": False}
    assert settings["do_not_disturb.camera"]["locked"] is True


def test_installer_turns_on_autostart_for_all_users(installed):
    root, env, _ = installed
    entry = (root / "xdg" / "autostart" / "upright.desktop").read_text(encoding="utf-8")
    assert f"Exec={root / 'opt' / 'upright' / 'bin' / 'upright'} run\n" in entry
    assert not (root / "home" / ".config" / "autostart").exists()
    status = subprocess.run([root / "bin" / "upright", "autostart", "status", "--all-users"], env=env,
                            capture_output=True, text=True)
    assert status.returncode == 0, status.stdout + status.stderr


def test_installer_refuses_a_bad_policy_and_keeps_the_one_in_force(installed, tmp_path):
    root, env, built = installed
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_POLICY, encoding="utf-8")
    result = _install(env, "--policy", bad, built)  # a second run, over the first: the venv is reused
    assert result.returncode != 0
    assert f"{bad}:2: enforced.breaks.allow_skp: unknown key" in result.stdout + result.stderr
    assert (root / "xdg" / "upright" / "policy.toml").read_bytes() == EXAMPLE.read_bytes()


def test_uninstall_removes_venv_link_and_autostart_and_keeps_the_policy(installed):
    """Last in this file: it takes down what the fixture installed."""
    root, env, _ = installed
    result = _install(env, "--uninstall")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (root / "opt" / "upright").exists()
    assert not (root / "bin" / "upright").is_symlink()
    assert not (root / "xdg" / "autostart" / "upright.desktop").exists()
    assert (root / "xdg" / "upright" / "policy.toml").is_file()
    assert "left the policy" in result.stdout


def test_installer_says_what_is_wrong_with_its_arguments(tmp_path):
    env = _installer_env(tmp_path)
    missing = _install(env, "--policy", tmp_path / "nope.toml", "upright")
    assert missing.returncode == 1 and f"no policy file at {tmp_path / 'nope.toml'}" in missing.stderr
    assert _install(env, "--frobnicate").returncode == 1
    assert not (tmp_path / "opt").exists()


@needs(shutil.which("shellcheck") is not None, "shellcheck is not installed (bash scripts/install.sh --test)")
def test_installer_passes_shellcheck():
    result = subprocess.run(["shellcheck", str(INSTALLER)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


# --- the Ansible playbook -------------------------------------------------------------


def _ansible_playbook() -> str | None:
    """$UPRIGHT_ANSIBLE_PLAYBOOK, else the one installed with the test extra beside this Python, else PATH's."""
    beside = Path(sys.executable).parent / "ansible-playbook"
    return (os.environ.get("UPRIGHT_ANSIBLE_PLAYBOOK") or (str(beside) if beside.is_file() else None)
            or shutil.which("ansible-playbook"))


NEEDS_YAML = needs(importlib.util.find_spec("yaml") is not None, "PyYAML is not installed (pip install -e '.[test]')")
NEEDS_ANSIBLE = needs(_ansible_playbook() is not None,
                      "ansible-playbook is not installed (pip install -e '.[test]', or set UPRIGHT_ANSIBLE_PLAYBOOK)")


@NEEDS_YAML
def test_playbook_installs_checks_the_policy_and_enables_autostart():
    import yaml

    [play] = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    tasks = {task["name"]: task for task in play["tasks"]}
    modules = {next(k for k in task if k.startswith("ansible.builtin.")) for task in tasks.values()}
    assert modules <= {"ansible.builtin.apt", "ansible.builtin.file", "ansible.builtin.copy",
                       "ansible.builtin.pip", "ansible.builtin.command"}
    [policy] = [t for t in tasks.values() if "policy.toml" in str(t.get("ansible.builtin.copy", {}).get("dest"))]
    assert "config validate --as policy %s" in policy["ansible.builtin.copy"]["validate"]
    [autostart] = [t for t in tasks.values() if "ansible.builtin.command" in t]
    assert autostart["ansible.builtin.command"].endswith("autostart enable --all-users")
    assert "changed_when" in autostart


def _into(tmp_path: Path, wheel: Path | str, playbook: str) -> dict:
    """Playbook variables that keep every file it writes under `tmp_path`, as this user."""
    beside = Path(playbook).parent / "python"  # ansible's own Python has what its pip module needs
    return {"upright_wheel": str(wheel), "upright_prefix": str(tmp_path / "opt"),
            "upright_bin_dir": str(tmp_path / "bin"), "upright_config_dir": str(tmp_path / "xdg"),
            "upright_wheel_dir": str(tmp_path / "cache"), "upright_policy_file": str(EXAMPLE),
            "upright_python": sys.executable, "upright_apt": False, "ansible_become": False,
            **({"ansible_python_interpreter": str(beside)} if beside.is_file() else {})}


def _ansible_env(tmp_path: Path) -> dict:
    (tmp_path / "home").mkdir(exist_ok=True)
    return {**os.environ, "ANSIBLE_NOCOLOR": "1", "HOME": str(tmp_path / "home"),
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"), "ANSIBLE_REMOTE_TEMP": str(tmp_path / "ansible-remote")}


@NEEDS_ANSIBLE
def test_playbook_passes_ansibles_syntax_check(tmp_path):
    result = subprocess.run([_ansible_playbook(), "--syntax-check", "-i", "localhost,", str(PLAYBOOK)],
                            env=_ansible_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "playbook: " in result.stdout and "ERROR" not in result.stderr


@NEEDS_ANSIBLE
def test_playbook_check_mode_against_localhost_changes_nothing_on_disk(wheel, tmp_path):  # noqa: F811
    """--check: Ansible says what it would do on this machine and does none of it."""
    playbook = _ansible_playbook()
    where = _into(tmp_path, wheel, playbook)
    command = [playbook, "--check", "-i", "localhost,", "-c", "local", str(PLAYBOOK), "-e", json.dumps(where)]
    result = subprocess.run(command, env=_ansible_env(tmp_path), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"localhost\s*: ok=\d+\s+changed=[1-9]\d*\s+unreachable=0\s+failed=0", result.stdout), (
        result.stdout[-3000:])  # it would install: there is work to do, and nothing failed
    for name in ("upright_prefix", "upright_bin_dir", "upright_config_dir", "upright_wheel_dir"):
        assert not Path(where[name]).exists(), f"--check wrote {where[name]}"


@NEEDS_ANSIBLE
def test_playbook_runs_for_real_and_a_second_run_changes_nothing(wheel, tmp_path):  # noqa: F811
    playbook = _ansible_playbook()
    where = _into(tmp_path, wheel, playbook)
    command = [playbook, "-i", "localhost,", "-c", "local", str(PLAYBOOK), "-e", json.dumps(where)]
    env = _ansible_env(tmp_path)
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stdout[-3000:]
    assert re.search(r"changed=0\b", second.stdout), second.stdout[-3000:]
    assert (tmp_path / "xdg" / "upright" / "policy.toml").read_bytes() == EXAMPLE.read_bytes()
    assert (tmp_path / "xdg" / "autostart" / "upright.desktop").is_file()
    version = subprocess.run([tmp_path / "bin" / "upright", "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == f"upright {__version__}"

    bad = dict(where, upright_policy_file="", upright_policy=BAD_POLICY)
    refused = subprocess.run([*command[:-1], json.dumps(bad)], env=env, capture_output=True, text=True, timeout=600)
    assert refused.returncode != 0 and "allow_skp: unknown key" in refused.stdout
    assert (tmp_path / "xdg" / "upright" / "policy.toml").read_bytes() == EXAMPLE.read_bytes()
