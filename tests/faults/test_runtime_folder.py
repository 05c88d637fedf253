"""The runtime folder, the log and the lock against other users and symbolic links (issue 17, cases 5, 6, 8).

Real folders, real links, and where the tests run as root (CI), a second real
user (made with useradd) who pre-creates the /tmp fallback and listens on it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import sys
import tempfile
import time
from pathlib import Path

import pytest

from agent.live import control, logs
from tests.faults.helpers import as_user, other_user, upright, upright_as


@pytest.fixture
def fallback(tmp_path, monkeypatch, request):
    """No XDG_RUNTIME_DIR: the /tmp/upright-<uid> fallback, with a private TMPDIR standing in for /tmp."""
    tmp = Path(tempfile.mkdtemp(prefix="upright-fault-", dir="/tmp" if os.path.isdir("/tmp") else None))
    tmp.chmod(0o1777)  # like /tmp: anyone may make a folder in it (and a second user can reach it)
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    monkeypatch.delenv(control.ENV_DIR, raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.delenv(control.PIPE_ENV, raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr("tempfile.tempdir", None)
    return tmp / f"upright-{os.getuid()}"


def env_without_runtime(**extra) -> dict:
    return {"XDG_RUNTIME_DIR": "", control.ENV_DIR: "", "DISPLAY": ":999", **extra}


def test_a_fallback_folder_open_to_others_is_refused(fallback):
    """Before: used as it was; status said 'not running', run started in it."""
    fallback.mkdir(mode=0o700)
    fallback.chmod(0o777)
    env = env_without_runtime(TMPDIR=str(fallback.parent))
    for command in ("status", "run", "quit"):
        result, _ = upright(command, env=env)
        assert result.returncode == 2, (command, result.stderr)
        assert f"runtime folder {fallback} is open to other users (mode 0777)" in result.stderr
        assert "Fix: chmod 700" in result.stderr and "Traceback" not in result.stderr


def test_another_users_fallback_folder_and_forged_socket_are_refused(fallback):
    """Before: another user who made /tmp/upright-<uid> first (0777) and listened on control.sock got
    `upright pause 60` and answered it with a forged reply; the real agent never paused."""
    user = other_user()
    if user is None:
        pytest.skip("needs root to act as a second user (CI runs as root)")
    uid, gid = user
    pid = os.fork()
    if pid == 0:  # the other user: makes the folder and listens on the victim's socket path
        try:
            as_user(uid, gid)()
            os.umask(0)
            fallback.mkdir(mode=0o777)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.bind(str(fallback / "control.sock"))
            sock.listen(1)
            (fallback / "ready").touch()
            sock.settimeout(20)
            conn, _ = sock.accept()
            conn.recv(4096)
            conn.sendall(json.dumps({"ok": True, "state": "paused", "paused_until": "forged"}).encode() + b"\n")
            conn.close()
        finally:
            os._exit(0)
    try:
        for _ in range(100):
            if (fallback / "ready").exists():
                break
            time.sleep(0.05)
        assert os.stat(fallback).st_uid == uid
        result, _ = upright("pause", "60", env=env_without_runtime(TMPDIR=str(fallback.parent)))
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "forged" not in result.stdout
    assert f"runtime folder {fallback} belongs to another user (uid {uid})" in result.stderr


def test_a_log_that_is_a_symbolic_link_is_not_followed(tmp_path, capsys):
    """Before: lines were appended to the link's target and its mode changed 0644 -> 0600."""
    target = tmp_path / "elsewhere.txt"
    target.write_text("someone's file\n")
    target.chmod(0o644)
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o700)
    (folder / logs.FILE_NAME).symlink_to(target)
    try:
        path = logs.start("info", folder)
        import logging
        logging.getLogger("agent").warning("a line that must not land in the target")
    finally:
        logs.stop()
    assert path is None
    assert target.read_text() == "someone's file\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert f"cannot write the log {folder / logs.FILE_NAME}: it is a symbolic link" in capsys.readouterr().err


def test_a_log_with_a_second_name_is_neither_written_nor_narrowed(tmp_path, capsys):
    """A hard link is no symbolic link (O_NOFOLLOW opens it): the file has another name, maybe a
    file of the user's that must keep its mode, so the log is not written into it either."""
    target = tmp_path / "notes.txt"
    target.write_text("my notes\n")
    target.chmod(0o644)
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o700)
    os.link(target, folder / logs.FILE_NAME)
    try:
        path = logs.start("info", folder)
        import logging
        logging.getLogger("agent").warning("a line that must not land in the notes")
    finally:
        logs.stop()
    assert path is None
    assert target.read_text() == "my notes\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert f"cannot write the log {folder / logs.FILE_NAME}: not a plain file of this user's; logging to stderr only" \
        in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user (CI runs as root)")
def test_a_log_of_another_users_is_neither_written_nor_narrowed(tmp_path, capsys):
    """A plain file with one name, but not the user's: someone else's, left alone."""
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o700)
    theirs = folder / logs.FILE_NAME
    theirs.write_text("their lines\n")
    theirs.chmod(0o644)
    os.chown(theirs, 65534, 65534)
    try:
        path = logs.start("info", folder)
        import logging
        logging.getLogger("agent").warning("a line that must not land in their file")
    finally:
        logs.stop()
    assert path is None
    assert theirs.read_text() == "their lines\n" and stat.S_IMODE(theirs.stat().st_mode) == 0o644
    assert "not a plain file of this user's" in capsys.readouterr().err


def test_a_fallback_folder_that_is_a_symbolic_link_is_refused(fallback, tmp_path):
    """/tmp/upright-<uid> as a link, even to a private folder of one's own: refused, not followed
    (a link in /tmp may be swapped under the agent at any time)."""
    real = tmp_path / "elsewhere"
    real.mkdir(mode=0o700)
    fallback.symlink_to(real)
    with pytest.raises(control.FolderProblem, match="is a symbolic link"):
        control.runtime_dir()
    result, _ = upright("status", env=env_without_runtime(TMPDIR=str(fallback.parent)))
    assert result.returncode == 2 and "is a symbolic link" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not list(real.iterdir())


def test_a_lock_that_is_a_symbolic_link_is_not_followed(tmp_path, monkeypatch):
    """Before: an empty file was created at the link's (missing) target."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv(control.ENV_DIR, str(runtime))
    target = tmp_path / "made-by-upright"
    (runtime / "agent.lock").symlink_to(target)
    with pytest.raises(control.FolderProblem, match="agent.lock is a symbolic link"):
        control.Server()
    assert not target.exists()
    result, _ = upright("run", env={"DISPLAY": ":999"})
    assert result.returncode == 2 and "agent.lock is a symbolic link" in result.stderr
    assert "Traceback" not in result.stderr and not target.exists()


@pytest.mark.parametrize("name, why", [("agent.lock", "is a folder"),
                                       ("control.sock", "is in the way of Upright's control socket (it is not a socket)")])
def test_a_folder_in_place_of_the_lock_or_socket_gets_a_message(tmp_path, name, why):
    """Before: IsADirectoryError, a traceback."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    (runtime / name).mkdir()
    result, _ = upright("run", env={control.ENV_DIR: str(runtime), "DISPLAY": ":999"})
    assert result.returncode == 2, result.stderr
    assert f"{runtime / name} {why}" in result.stderr and "Fix: remove it" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_lock_file_is_made_private_whatever_the_umask_and_held_once(tmp_path):
    """Made 0600 at once (not widened by a permissive umask), and a second holder is told who has it."""
    path = tmp_path / "agent.lock"
    old = os.umask(0)
    try:
        held = control._take_lock(path)
    finally:
        os.umask(old)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with pytest.raises(control.AlreadyRunning, match="^Upright is already running in this session$"):
            control._take_lock(path)
    finally:
        held.close()
    control._take_lock(path).close()  # released with its holder


@pytest.mark.parametrize("command", ["status", "break", "quit", "run"])
def test_an_unwritable_runtime_folder_gets_a_message(command):
    """Before: PermissionError, a traceback. /sys refuses even root."""
    result, _ = upright(command, env={control.ENV_DIR: "", "XDG_RUNTIME_DIR": "/sys/fs", "DISPLAY": ":999"})
    assert result.returncode == 2, result.stderr
    assert "cannot make its runtime folder /sys/fs/upright" in result.stderr and "Fix:" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_over_long_runtime_path_falls_back_to_a_short_private_one(fallback, tmp_path, monkeypatch):
    """Before: OSError 'AF_UNIX path too long', a traceback."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True, mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    assert control.runtime_dir() == fallback
    srv = control.Server()
    srv.start(lambda request: {"ok": True})
    try:
        assert control.send("status") == {"ok": True}
    finally:
        srv.close()
    assert stat.S_IMODE(fallback.stat().st_mode) == 0o700


def test_status_on_an_ascii_only_stdout_prints_a_line(tmp_path, monkeypatch):
    """Before: UnicodeEncodeError on '\\xb7', a traceback."""
    runtime = tmp_path / "run"
    monkeypatch.setenv(control.ENV_DIR, str(runtime))
    srv = control.Server()
    srv.start(lambda request: {"ok": True, "state": "working", "sitting_s": 600.0, "next_break_in_s": 1200.0,
                               "standing": False, "paused_until": None})
    try:
        result, _ = upright("status", env={control.ENV_DIR: str(runtime), "PYTHONIOENCODING": "ascii",
                                           "LANG": "C", "LC_ALL": "C"})
    finally:
        srv.close()
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Sitting 10 min - next break in 20 min\n"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_an_unreadable_settings_folder_gets_a_message(tmp_path, monkeypatch):
    """Before: PermissionError from Path.exists(), a traceback. Where the tests run as root (who reads
    any folder) the command runs in a forked child that has become the second user."""
    user = other_user()
    top = Path(tempfile.mkdtemp(prefix="upright-fault-", dir="/tmp"))
    try:
        home, out = top / "cfg", top / "out.txt"
        (home / "upright").mkdir(parents=True)
        out.touch()
        if user is not None:
            os.chown(home, *user), os.chown(home / "upright", *user), os.chown(out, *user)
            top.chmod(0o755)
        (home / "upright").chmod(0)
        status, text = _config_show_as(user, home, out)
    finally:
        (top / "cfg" / "upright").chmod(0o700)
        shutil.rmtree(top, ignore_errors=True)
    assert "Traceback" not in text, text
    assert f"{home / 'upright' / 'config.toml'}: cannot be read (Permission denied)" in text
    assert f"Fix: chmod u+rwx {home / 'upright'}" in text
    assert status != 0 or "defaults" in text


def _config_show_as(user, home: Path, out: Path) -> tuple[int, str]:
    """`upright config show` with XDG_CONFIG_HOME=home, as `user` (uid, gid) or as ourselves."""
    return upright_as(user, ["config", "show"], {"XDG_CONFIG_HOME": str(home),
                                                 "XDG_CONFIG_DIRS": str(home.parent / "system")}, out)


def test_a_folder_named_in_upright_runtime_dir_may_be_readable_but_not_writable_by_others(tmp_path, monkeypatch):
    """UPRIGHT_RUNTIME_DIR keeps working with a 0755 folder of one's own, as before; 0777 is refused."""
    folder = tmp_path / "it-chosen"
    folder.mkdir()
    folder.chmod(0o755)
    monkeypatch.setenv(control.ENV_DIR, str(folder))
    assert control.runtime_dir() == folder
    folder.chmod(0o777)
    with pytest.raises(control.FolderProblem, match="open to other users"):
        control.runtime_dir()
