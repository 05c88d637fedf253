"""`upright config` and the Settings window's set and reset with a settings folder that is closed or
cannot be written (issue 17, case 8).

Each case gets a message naming the file or folder and a fix, a non-zero
exit where nothing could be done, and never a traceback. Root reads and
writes any folder, so where the tests run as root each command runs as a
second real user (made with useradd), who owns the folders.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from agent.settings import user_settings
from tests.faults.helpers import other_user, run_as, upright_as

EXISTING = "[breaks]\nsitting_limit_min = 40\n"


@pytest.fixture
def home():
    """XDG_CONFIG_HOME for the case, owned by the user the commands run as; opened again afterwards."""
    top = Path(tempfile.mkdtemp(prefix="upright-fault-", dir="/tmp"))
    top.chmod(0o755)
    (top / "cfg").mkdir()
    yield top / "cfg"
    for folder in (top / "cfg", top / "cfg" / "upright"):
        if folder.exists():
            folder.chmod(0o700)
    shutil.rmtree(top, ignore_errors=True)


def run_as_owner(home: Path, *args: str) -> tuple[int, str]:
    """`upright ARGS` as the owner of `home` (the second user where the tests run as root)."""
    user = other_user()
    out = home.parent / "out.txt"
    out.touch()
    if user is not None:
        for path in (home, *home.rglob("*"), out):
            os.chown(path, *user, follow_symlinks=False)
    env = {"XDG_CONFIG_HOME": str(home), "XDG_CONFIG_DIRS": str(home.parent / "system")}
    return upright_as(user, list(args), env, out)


def settings_folder(home: Path, mode: int, with_file: bool = False) -> Path:
    folder = home / "upright"
    folder.mkdir()
    if with_file:
        (folder / "config.toml").write_text(EXISTING)
    folder.chmod(mode)
    return folder


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "Error:" not in text.replace("error:", ""), text


@pytest.mark.parametrize("mode", [0o500, 0o000], ids=["read-only folder", "closed folder"])
def test_init_into_a_folder_it_cannot_write_says_so(home, mode):
    folder = settings_folder(home, mode)
    status, text = run_as_owner(home, "config", "init")
    no_traceback(text)
    assert status != 0
    assert str(folder / "config.toml") in text and f"chmod u+rwx {folder}" in text, text
    folder.chmod(0o700)
    assert not (folder / "config.toml").exists()


def test_init_where_the_folder_cannot_be_made_says_so(home):
    home.chmod(0o500)
    status, text = run_as_owner(home, "config", "init")
    no_traceback(text)
    assert status != 0
    assert str(home / "upright" / "config.toml") in text and f"chmod u+rwx {home}" in text, text


@pytest.mark.parametrize("mode", [0o500, 0o000], ids=["read-only folder", "closed folder"])
def test_init_force_in_a_folder_it_cannot_write_keeps_the_old_file(home, mode):
    folder = settings_folder(home, mode, with_file=True)
    status, text = run_as_owner(home, "config", "init", "--force")
    no_traceback(text)
    assert status != 0
    assert str(folder / "config.toml") in text and f"chmod u+rwx {folder}" in text, text
    folder.chmod(0o700)
    assert (folder / "config.toml").read_text() == EXISTING
    assert not (folder / "config.toml.bak").exists()


def test_show_with_a_closed_folder_says_so_and_uses_the_defaults(home):
    """Before: a message among the problems, but the head line said the file "does not exist"."""
    folder = settings_folder(home, 0o000, with_file=True)
    status, text = run_as_owner(home, "config", "show")
    no_traceback(text)
    assert f"User settings: none ({folder / 'config.toml'} cannot be read; see Problems below)" in text, text
    assert f"{folder / 'config.toml'}: cannot be read (Permission denied)" in text, text
    assert f"chmod u+rwx {folder}" in text
    [line] = [line for line in text.splitlines() if line.startswith("breaks.sitting_limit_min")]
    assert line.split()[1:] == ["30", "default"]  # not the 40 of the file it could not read


def change_as_owner(home: Path, change: str) -> tuple[int, str]:
    """The Settings window's change of one setting ("set" or "reset", agent.settings.user_settings),
    as the owner of `home`; prints what the window would show under the setting."""
    def body() -> int:
        try:
            if change == "set":
                user_settings.set_value("breaks.sitting_limit_min", 45)
            else:
                user_settings.reset("breaks.sitting_limit_min")
        except user_settings.SettingsFileError as refused:  # what the window shows (agent.ui.settings_window)
            print(f"refused: {refused}")
            return 1
        return 0

    env = {"XDG_CONFIG_HOME": str(home), "XDG_CONFIG_DIRS": str(home.parent / "system")}
    user = other_user()
    if user is None:  # not root: we are the owner already
        saved = dict(os.environ)
        os.environ.update(env)
        try:
            import contextlib
            import io

            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                return body(), printed.getvalue()
        finally:
            os.environ.clear(), os.environ.update(saved)
    out = home.parent / "out.txt"
    out.touch()
    for path in (home, *home.rglob("*"), out):
        os.chown(path, *user, follow_symlinks=False)
    scratch = home.parent / "scratch"
    user_settings.set_value("breaks.sitting_limit_min", 45, scratch / "config.toml")  # load its modules
    user_settings.reset("breaks.sitting_limit_min", scratch / "config.toml")
    return run_as(user, env, out, body)


@pytest.mark.parametrize("change", ["set", "reset"])
@pytest.mark.parametrize("mode", [0o500, 0o000], ids=["read-only folder", "closed folder"])
def test_set_and_reset_in_a_folder_it_cannot_write_are_refused_with_the_fix(home, mode, change):
    """Before (closed folder): PermissionError from Path.exists() escaped the Settings window's
    refusal; (read-only) 'cannot write FILE: Permission denied' without a fix."""
    folder = settings_folder(home, mode, with_file=True)
    status, text = change_as_owner(home, change)
    no_traceback(text)
    assert status == 1, text
    assert f"refused: cannot write {folder / 'config.toml'}: Permission denied" in text, text
    assert f"Fix: chmod u+rwx {folder}" in text, text
    folder.chmod(0o700)
    assert (folder / "config.toml").read_text() == EXISTING
