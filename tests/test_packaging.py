"""An installed copy of Upright finds its shipped data (not only a source checkout)."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    [built] = out.glob("upright-*.whl")
    return built


def test_wheel_carries_config_and_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "agent/data/config/defaults.toml" in names
    assert "agent/data/assets/examples/workday.jsonl" in names
    assert "agent/core/engine.py" in names
    assert any(name.endswith("entry_points.txt") for name in names)


def test_installed_copy_replays_its_example_from_anywhere(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    scripts = [[venv / "bin" / "upright"], [venv / "bin" / "upright-agent"]]  # console and windowed
    for command in (*scripts, [venv / "bin" / "python", "-m", "agent"]):
        result = subprocess.run([*command, "simulate", "--example"], cwd=elsewhere, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[-1].startswith('{"type": "summary"')
    where = subprocess.run([venv / "bin" / "python", "-c", "import agent.files.resources as r; print(r.data_dir('config'))"],
                           cwd=elsewhere, capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(venv)) and where.endswith("agent/data/config")


def test_pipx_installs_the_wheel_with_its_dependencies_in_a_fresh_venv(wheel, tmp_path):
    """What a user or IT does: `pipx install upright-*.whl`, everything fetched, nothing shared."""
    env = {**os.environ, "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin"),
           "PIPX_MAN_DIR": str(tmp_path / "man")}
    installed = subprocess.run([sys.executable, "-m", "pipx", "install", str(wheel)], env=env,
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    upright = tmp_path / "bin" / "upright"
    version = subprocess.run([upright, "--version"], env=env, capture_output=True, text=True, check=True)
    assert version.stdout.startswith("upright ")
    shown = subprocess.run([upright, "config", "show", "--json"], cwd=tmp_path, env=env, capture_output=True,
                           text=True, check=True)
    assert json.loads(shown.stdout)["problems"] == []
    listed = subprocess.run([upright, "exercises", "list"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) >= 16, listed.stderr
    # pynput and pystray connect to a display on import: find them without importing
    probe = ("import importlib.util as u, PIL, schedule, platformdirs, Xlib, agent.live.run\n"
             "assert all(u.find_spec(m) for m in ('pynput', 'pystray', 'evdev'))\nprint(agent.live.run.__file__)")
    python = next((tmp_path / "pipx" / "venvs" / "upright" / "bin").glob("python"))
    where = subprocess.run([python, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(tmp_path / "pipx"))  # its own copy, not the test venv's


# --- the newcomer's path: `bash scripts/install.sh`, then the README's `upright ...` commands ---------


def _shell(command: str, home: Path, path: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"HOME": str(home), "PATH": path, "LANG": "C.UTF-8",
           "XDG_RUNTIME_DIR": str(home / "run"), "UPRIGHT_RUNTIME_DIR": str(home / "run")}
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "upright").exists(),
                    reason="runs the checkout's own install (bash scripts/install.sh made .venv)")
def test_after_the_install_command_upright_is_on_the_path(tmp_path):
    """A fresh home: the install links ~/.local/bin/upright and says so; the README's commands then work."""
    home = tmp_path / "home"
    (home / "run").mkdir(parents=True, mode=0o700)
    system_path = "/usr/local/bin:/usr/bin:/bin"
    user_path = f"{home}/.local/bin:{system_path}"  # what ~/.profile gives a login once ~/.local/bin exists
    installed = _shell("bash scripts/install.sh", home, user_path, ROOT)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    link = home / ".local" / "bin" / "upright"
    assert link.is_symlink() and link.resolve() == (ROOT / ".venv" / "bin" / "upright").resolve()
    assert f"Linked {link}" in installed.stdout
    assert "not on your PATH" not in installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for command in ("upright --version", "upright simulate --example --human", "upright config show --json",
                    "upright autostart enable", "upright autostart status"):  # status: 0 once enabled
        result = _shell(command, home, user_path, elsewhere)
        assert result.returncode == 0, f"{command}: {result.stderr}"
    status = _shell("upright status", home, user_path, elsewhere)  # no agent running: said, not "not found"
    assert status.returncode not in (0, 126, 127) and "command not found" not in status.stderr
    assert "not running" in (status.stdout + status.stderr).lower()


def test_the_link_warns_when_its_folder_is_not_on_the_path(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    for name in ("upright", "upright-agent"):
        (venv_bin / name).write_text("#!/bin/sh\necho upright 0\n")
        (venv_bin / name).chmod(0o755)
    result = _shell(f"bash {ROOT / 'scripts' / 'link_command.sh'} {venv_bin}", home, "/usr/bin:/bin", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (home / ".local" / "bin" / "upright").resolve() == venv_bin / "upright"
    assert f"{home}/.local/bin is not on your PATH" in result.stderr
    assert f"Until then: {venv_bin}/upright" in result.stderr


def test_the_link_never_replaces_a_file_of_someone_else(tmp_path):
    home = tmp_path / "home"
    own = home / ".local" / "bin" / "upright"
    own.parent.mkdir(parents=True)
    own.write_text("#!/bin/sh\necho mine\n")
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "upright").write_text("#!/bin/sh\n")
    (venv_bin / "upright").chmod(0o755)
    result = _shell(f"bash {ROOT / 'scripts' / 'link_command.sh'} {venv_bin}", home,
                    f"{own.parent}:/usr/bin:/bin", tmp_path)
    assert result.returncode == 0
    assert own.read_text() == "#!/bin/sh\necho mine\n" and not own.is_symlink()
    assert "Not linking" in result.stderr
