"""`upright autostart`: entries written and removed where each platform's session looks for them.

Linux runs the real command in a subprocess with a temporary HOME and
XDG folders; the entry it writes is checked by desktop-file-validate and
started through GLib's own launcher (`gio launch`), the code a desktop
session uses. macOS and Windows run the same logic on this machine: a
temporary home and root for the LaunchAgents, an in-memory registry.
"""

import json
import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agent import __version__
from agent.it import autostart
from agent.it.autostart import LABEL, RUN_KEY, NeedsAdmin

UPRIGHT = Path(sys.executable).parent / "upright"  # the installed console script: .venv/bin/upright


@pytest.fixture
def session(tmp_path):
    """Run `upright autostart ...` as a user whose HOME and system config folder are temporary."""
    home, system = tmp_path / "home", tmp_path / "etc-xdg"
    home.mkdir()
    system.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_CONFIG")}
    env.update(HOME=str(home), XDG_CONFIG_DIRS=f"{system}:{tmp_path / 'etc-xdg-vendor'}")

    def upright(*args, prefix=()):
        return subprocess.run([*prefix, str(UPRIGHT), "autostart", *args], env=env, capture_output=True,
                              text=True, timeout=60)

    upright.env = env
    upright.user_file = home / ".config" / "autostart" / "upright.desktop"
    upright.system_file = system / "autostart" / "upright.desktop"
    return upright


def keys(path):
    """The [Desktop Entry] group's keys, read the plain way."""
    lines = path.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def validate(path):
    if not shutil.which("desktop-file-validate"):
        pytest.skip("desktop-file-validate is missing: bash scripts/install.sh --test installs it")
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def gio_launch(desktop_file):
    """Start a desktop entry the way a GLib-based session does; the started program's output."""
    if not shutil.which("gio"):
        pytest.skip("gio is missing: bash scripts/install.sh --test installs it")
    result = subprocess.run(["gio", "launch", str(desktop_file)], capture_output=True, text=True, timeout=60,
                            env={k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")})
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- Linux, through the real command -----------------------------------------

def test_enable_writes_a_valid_entry_that_starts_this_installation(session, tmp_path):
    result = session("enable")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Autostart is on for this user: {session.user_file}\n"
    entry = keys(session.user_file)
    assert entry["Type"] == "Application" and "Hidden" not in entry
    assert entry["Exec"] == f"{UPRIGHT} run"
    assert session.user_file.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in session.user_file.parent.iterdir()) == ["upright.desktop"]  # no temp file left
    validate(session.user_file)
    # The session runs Exec; run it with --version in place of run, so it prints instead of starting an agent.
    probe = tmp_path / "probe.desktop"
    probe.write_text(session.user_file.read_text().replace(" run\n", " --version\n"))
    assert gio_launch(probe) == f"upright {__version__}\n"


def test_status_and_disable_per_user(session):
    off = session("status")
    assert (off.returncode, off.stdout) == (1, "This user: off\nAll users: off\n")
    session("enable")
    on = session("status")
    assert (on.returncode, on.stdout) == (0, f"This user: on ({session.user_file})\nAll users: off\n")
    assert session("status", "--all-users").returncode == 1
    assert session("enable").stdout.startswith("Autostart was already on for this user")
    disabled = session("disable")
    assert disabled.returncode == 0 and not session.user_file.exists()
    again = session("disable")
    assert (again.returncode, again.stdout) == (0, "Autostart was already off for this user.\n")
    assert session("status").returncode == 1


def test_xdg_config_home_is_honoured(session, tmp_path):
    session.env["XDG_CONFIG_HOME"] = str(tmp_path / "elsewhere")
    assert session("enable").returncode == 0
    assert (tmp_path / "elsewhere" / "autostart" / "upright.desktop").is_file()
    assert not session.user_file.exists()


def test_an_entry_gnome_turned_off_counts_as_off(session):
    assert session("enable").returncode == 0
    text = session.user_file.read_text()
    session.user_file.write_text(text + "X-GNOME-Autostart-enabled=false\n")  # what GNOME Tweaks writes
    status = session("status")
    assert (status.returncode, status.stdout.splitlines()[0]) == (1, f"This user: off (hidden by {session.user_file})")
    assert session("enable").returncode == 0  # enabling again writes a plain entry
    assert "X-GNOME-Autostart-enabled" not in keys(session.user_file)
    assert session("status").returncode == 0


def test_all_users_entry_and_a_user_who_opts_out(session):
    result = session("enable", "--all-users")
    assert result.returncode == 0, result.stderr
    assert session.system_file.stat().st_mode & 0o777 == 0o644  # every user's session must read it
    validate(session.system_file)
    assert session("status").stdout == (f"This user: on ({session.system_file})\n"
                                        f"All users: on ({session.system_file})\n")

    disabled = session("disable")  # this user only: a Hidden=true entry of their own, as the spec says
    assert disabled.returncode == 0 and "hides the all-users entry" in disabled.stdout
    assert keys(session.user_file)["Hidden"] == "true"
    validate(session.user_file)
    status = session("status")
    assert (status.returncode, status.stdout) == (
        1, f"This user: off (hidden by {session.user_file})\nAll users: on ({session.system_file})\n")
    assert session("status", "--all-users").returncode == 0
    assert session("disable").stdout == "Autostart was already off for this user.\n"

    assert session("enable").returncode == 0  # the hiding entry is replaced by a real one
    assert "Hidden" not in keys(session.user_file) and keys(session.user_file)["Exec"] == f"{UPRIGHT} run"
    assert session("status").returncode == 0

    removed = session("disable", "--all-users")
    assert removed.returncode == 0 and not session.system_file.exists()
    assert session("status", "--all-users").stdout.endswith("All users: off\n")
    assert session("disable", "--all-users").stdout == "Autostart was already off for all users.\n"


def test_a_leftover_hiding_entry_is_cleaned_up_once_the_system_entry_is_gone(session):
    session("enable", "--all-users")
    session("disable")
    session("disable", "--all-users")
    result = session("disable")
    assert result.returncode == 0 and not session.user_file.exists()


def test_all_users_entry_in_a_later_config_dir_counts_and_is_removed(session, tmp_path):
    vendor = tmp_path / "etc-xdg-vendor" / "autostart" / "upright.desktop"
    vendor.parent.mkdir(parents=True)
    vendor.write_text(autostart.desktop_entry([str(UPRIGHT), "run"]))
    assert session("status").stdout == f"This user: on ({vendor})\nAll users: on ({vendor})\n"
    assert session("disable", "--all-users").returncode == 0
    assert not vendor.exists()


def without_admin_rights():
    """A prefix that runs a command without root's power to write anywhere, or () if we are not root."""
    if os.geteuid() != 0:
        return ()
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot drop the right to write anywhere")
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner")


@pytest.mark.parametrize("folder_exists", [False, True])
def test_all_users_without_rights_says_so_without_a_traceback(session, folder_exists):
    locked = session.system_file.parent if folder_exists else session.system_file.parent.parent
    locked.mkdir(exist_ok=True)
    if folder_exists:
        session.system_file.write_text(autostart.desktop_entry(["/usr/bin/true"]))
    locked.chmod(0o555)
    try:
        action = "disable" if folder_exists else "enable"
        result = session(action, "--all-users", prefix=without_admin_rights())
    finally:
        locked.chmod(0o755)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (f"upright: changing autostart for all users needs administrator rights "
                             f"({session.system_file}): run it with sudo\n")


# --- the Exec line ------------------------------------------------------------

def test_plain_arguments_are_left_unquoted():
    assert autostart.desktop_exec(["/opt/upright/bin/upright", "run"]) == "/opt/upright/bin/upright run"


def test_exec_quoting_survives_the_desktop_launcher(tmp_path):
    """Awkward arguments come back exactly, as GLib's launcher parses the Exec line."""
    args = ["with space", 'double"quote', "single'quote", "$HOME", "100%", "back\\slash", "`tick`",
            "semi;colon", "", "tab\there", "star*", "new\nline"]
    printer = "import json, sys; print(json.dumps(sys.argv[1:]))"
    entry = tmp_path / "quoting.desktop"
    entry.write_text(autostart.desktop_entry([sys.executable, "-c", printer, *args]))
    validate(entry)
    assert json.loads(gio_launch(entry)) == args


def test_command_line_prefers_the_script_beside_the_interpreter(tmp_path):
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "upright"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert autostart.command_line("linux", str(bin_dir / "python"), search_path="") == [str(script), "run"]


def test_command_line_falls_back_to_path_then_to_python_m_agent(tmp_path):
    on_path = tmp_path / "path"
    on_path.mkdir()
    (on_path / "upright").write_text("#!/bin/sh\n")
    (on_path / "upright").chmod(0o755)
    python = str(tmp_path / "bare" / "python3")
    assert autostart.command_line("linux", python, search_path=str(on_path)) == [str(on_path / "upright"), "run"]
    assert autostart.command_line("linux", python, search_path=str(tmp_path / "empty")) == \
        [python, "-m", "agent", "run"]


def test_on_windows_the_windowed_agent_starts_not_the_console_one(tmp_path):
    scripts = tmp_path / "venv" / "Scripts"
    scripts.mkdir(parents=True)
    for name in ("upright.exe", "python.exe"):
        (scripts / name).write_text("")
        (scripts / name).chmod(0o755)
    python = str(scripts / "python.exe")
    assert autostart.command_line("win32", python, search_path="") == [str(scripts / "upright.exe"), "run"]
    (scripts / "upright-agent.exe").write_text("")
    (scripts / "upright-agent.exe").chmod(0o755)
    assert autostart.command_line("win32", python, search_path="") == [str(scripts / "upright-agent.exe"), "run"]
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "pythonw.exe").write_text("")
    assert autostart.command_line("win32", str(bare / "python.exe"), search_path="") == \
        [str(bare / "pythonw.exe"), "-m", "agent", "run"]
    assert autostart.command_line("linux", str(bare / "python.exe"), search_path="") == \
        [str(bare / "python.exe"), "-m", "agent", "run"]


# --- macOS ----------------------------------------------------------------------

@pytest.fixture
def mac(tmp_path):
    return autostart.for_platform("darwin", home=tmp_path / "Users" / "ann", root=tmp_path / "root")


ARGV = ["/Users/ann/.local/pipx/venvs/upright/bin/upright", "run"]


def test_launch_agent_plist_round_trips(mac, tmp_path):
    message = mac.enable(False, ARGV)
    path = tmp_path / "Users" / "ann" / "Library" / "LaunchAgents" / f"{LABEL}.plist"
    assert message == f"Autostart is on for this user: {path}"
    assert path.read_bytes().startswith(b"<?xml")
    with path.open("rb") as file:
        job = plistlib.load(file)
    assert job == {"Label": LABEL, "ProgramArguments": ARGV, "RunAtLoad": True,
                   "LimitLoadToSessionType": "Aqua", "ProcessType": "Interactive"}
    assert LABEL.count(".") >= 2 and " " not in LABEL  # reverse-DNS, as launchd expects


def test_launch_agents_per_user_and_all_users(mac, tmp_path):
    system = tmp_path / "root" / "Library" / "LaunchAgents" / f"{LABEL}.plist"
    assert [str(s) for s in mac.status()] == ["off", "off"]
    mac.enable(True, ARGV)
    assert system.is_file() and system.stat().st_mode & 0o777 == 0o644
    mine, everyone = mac.status()
    assert mine.on and everyone.on and mine.where == str(system)
    mac.enable(False, ARGV)
    assert mac.status()[0].where.startswith(str(tmp_path / "Users"))
    note = mac.disable(False)
    assert note.startswith("Autostart is off for this user: removed") and "still starts Upright" in note
    assert mac.status()[0].on  # the all-users agent still starts it
    assert mac.disable(True) == f"Autostart is off for all users: removed {system}"
    assert not system.exists() and mac.disable(True) == "Autostart was already off for all users."
    assert not mac.status()[0].on


# --- Windows --------------------------------------------------------------------

class MemoryRegistry:
    """The registry as a dict; hives listed in ``read_only`` refuse changes as winreg does without rights."""

    def __init__(self, read_only=()):
        self.values = {}
        self.read_only = set(read_only)

    def read(self, hive, key, name):
        return self.values.get((hive, key, name))

    def write(self, hive, key, name, value):
        if hive in self.read_only:
            raise PermissionError(13, "Access is denied")
        self.values[(hive, key, name)] = value

    def delete(self, hive, key, name):
        if hive in self.read_only:
            raise PermissionError(13, "Access is denied")
        return self.values.pop((hive, key, name), None) is not None


WIN_ARGV = [r"C:\Program Files\Upright\Scripts\upright.exe", "run"]


def test_run_keys_per_user_and_all_users():
    registry = MemoryRegistry()
    windows = autostart.for_platform("win32", registry=registry)
    assert windows.enable(False, WIN_ARGV) == rf"Autostart is on for this user: HKCU\{RUN_KEY}\Upright"
    assert registry.values == {("HKCU", RUN_KEY, "Upright"): r'"C:\Program Files\Upright\Scripts\upright.exe" run'}
    assert windows.enable(False, WIN_ARGV).startswith("Autostart was already on")
    windows.enable(True, WIN_ARGV)
    assert ("HKLM", RUN_KEY, "Upright") in registry.values
    assert [str(s) for s in windows.status()] == [rf"on (HKCU\{RUN_KEY}\Upright)", rf"on (HKLM\{RUN_KEY}\Upright)"]
    windows.disable(False)
    assert windows.status()[0].where == rf"HKLM\{RUN_KEY}\Upright"
    windows.disable(True)
    assert registry.values == {} and [s.on for s in windows.status()] == [False, False]
    assert windows.disable(True) == "Autostart was already off for all users."


def test_run_keys_without_admin_rights():
    registry = MemoryRegistry(read_only={"HKLM"})
    windows = autostart.for_platform("win32", registry=registry)
    with pytest.raises(NeedsAdmin, match=r"needs administrator rights .*Run as administrator"):
        windows.enable(True, WIN_ARGV)
    assert windows.enable(False, WIN_ARGV).startswith("Autostart is on for this user")  # HKCU needs no rights
    assert windows.disable(True) == "Autostart was already off for all users."  # nothing to remove: no rights asked
