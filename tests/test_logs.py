"""The agent's log file: where it goes, rotation, modes, level, and what it never holds.

The last tests run the real agent under Xvfb (the harness of test_agent_e2e),
type known words, point at known places and open a window with a known
title, then read every file the agent wrote (log, state, data, config, temp)
at debug level; and run pynput's own keyboard and mouse listeners, whose
callbacks get the key and the pointer position (the Windows and macOS path),
the same way.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import platformdirs
import pytest

from agent.live import logs
from agent.settings import config
from tests.privacy import leaks, written_files
from tests.test_agent_e2e import CONFIG, FULLSCREEN_WINDOW, Session, desktop, wait_for  # noqa: F401 (fixture)

log = logging.getLogger("agent.test")


@pytest.fixture(autouse=True)
def fresh_logger():
    """Each test starts and ends with the "agent" logger as the test process had it."""
    logs.stop()
    yield
    logs.stop()


def written(folder: Path) -> str:
    for handler in logging.getLogger("agent").handlers:
        handler.flush()
    return (folder / logs.FILE_NAME).read_text(encoding="utf-8")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- where, modes, rotation -------------------------------------------------


def test_the_folder_is_the_platform_log_dir_unless_the_environment_says_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv(logs.ENV_VAR, raising=False)
    assert logs.log_dir() == Path(platformdirs.user_log_dir("upright", appauthor=False))
    monkeypatch.setenv(logs.ENV_VAR, str(tmp_path / "it"))
    assert logs.log_dir() == tmp_path / "it"
    assert logs.start("warning") == tmp_path / "it" / "upright.log"


def test_file_is_private_in_a_private_folder_whatever_the_umask(tmp_path):
    folder = tmp_path / "state" / "upright" / "log"
    old = os.umask(0)  # open() and mkdir() alone would then make the file 0666 and the folder 0777
    try:
        path = logs.start("info", folder)
    finally:
        os.umask(old)
    assert path == folder / "upright.log"
    assert mode(folder) == 0o700
    assert mode(path) == 0o600


def test_an_existing_wider_file_is_made_private(tmp_path):
    (tmp_path / "upright.log").write_text("old\n")
    (tmp_path / "upright.log").chmod(0o644)
    logs.start("info", tmp_path)
    assert mode(tmp_path / "upright.log") == 0o600
    assert written(tmp_path).startswith("old\n")  # appended to, not truncated


def test_without_fchmod_as_on_windows_the_log_still_opens(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "fchmod")
    path = logs.start("info", tmp_path)
    logging.getLogger("agent").info("written without fchmod")
    assert "written without fchmod" in written(tmp_path) and path.exists()


def test_the_file_rotates_keeping_a_bounded_number_of_private_old_files(tmp_path):
    old = os.umask(0)
    try:
        logs.start("info", tmp_path, max_bytes=2000, backups=2)
        for number in range(200):
            log.info("line %03d %s", number, "-" * 60)
    finally:
        os.umask(old)
    files = sorted(path.name for path in tmp_path.iterdir())
    assert files == ["upright.log", "upright.log.1", "upright.log.2"]
    for name in files:
        assert (tmp_path / name).stat().st_size <= 2000
        assert mode(tmp_path / name) == 0o600
    assert "line 199" in written(tmp_path)
    assert "line 198" in (tmp_path / "upright.log.1").read_text() + written(tmp_path)
    everything = "".join((tmp_path / name).read_text() for name in files)
    assert "line 000" not in everything  # rotated out: the log does not grow without bound


def test_rotation_edges_exactly_full_none_kept_and_never(tmp_path):
    """A record that fills the file to exactly max_bytes stays; no backups means the file starts over;
    max_bytes 0 means never rotate."""
    logs.start("info", tmp_path / "exact", max_bytes=0, backups=1)
    [handler] = [h for h in logging.getLogger("agent").handlers if isinstance(h, logging.FileHandler)]
    line_bytes = len((handler.format(logging.LogRecord("agent.test", logging.INFO, "", 0, "x" * 40, (), None))
                      + "\n").encode())
    logs.start("info", tmp_path / "exact", max_bytes=2 * line_bytes, backups=1)
    log.info("x" * 40)
    log.info("x" * 40)  # exactly full: still one file
    assert sorted(p.name for p in (tmp_path / "exact").iterdir()) == ["upright.log"]
    log.info("x" * 40)
    assert sorted(p.name for p in (tmp_path / "exact").iterdir()) == ["upright.log", "upright.log.1"]

    logs.start("info", tmp_path / "none", max_bytes=200, backups=0)
    for number in range(20):
        log.info("line %02d %s", number, "-" * 40)
    assert sorted(p.name for p in (tmp_path / "none").iterdir()) == ["upright.log"]
    assert "line 19" in written(tmp_path / "none") and "line 00" not in written(tmp_path / "none")

    logs.start("info", tmp_path / "never", max_bytes=0, backups=2)
    for number in range(50):
        log.info("line %02d %s", number, "-" * 40)
    assert sorted(p.name for p in (tmp_path / "never").iterdir()) == ["upright.log"]
    assert "line 00" in written(tmp_path / "never")


def test_stderr_also_writes_home_as_tilde(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", "/home/ada")
    logs.start("warning", tmp_path)
    log.warning("cannot read %s", "/home/ada/.config/upright/config.toml")
    assert capsys.readouterr().err == "cannot read ~/.config/upright/config.toml\n"


def test_a_one_letter_home_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", "/")
    logs.start("info", tmp_path)
    log.info("saved to /tmp/x")
    assert "saved to /tmp/x" in written(tmp_path)  # "/" is every path's start: not replaced by ~


def test_home_is_written_as_tilde(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", "/home/ada")
    logs.start("info", tmp_path)
    log.warning("could not save to %s", "/home/ada/.local/share/upright/checklists.json")
    text = written(tmp_path)
    assert "~/.local/share/upright/checklists.json" in text
    assert "ada" not in text


# --- level ------------------------------------------------------------------


def test_level_comes_from_the_settings(tmp_path):
    assert config.load()["logging"]["level"] == "warning"
    logs.start(config.load()["logging"]["level"], tmp_path / "default")
    log.info("an info line")
    log.warning("a warning line")
    assert "a warning line" in written(tmp_path / "default")
    assert "an info line" not in written(tmp_path / "default")

    settings = tmp_path / "debug.toml"
    settings.write_text('[logging]\nlevel = "debug"\n')
    logs.start(config.load(settings)["logging"]["level"], tmp_path / "debug")
    log.debug("a debug line")
    assert "DEBUG agent.test: a debug line" in written(tmp_path / "debug")


def test_set_level_changes_the_file_at_run_time_and_stderr_keeps_warnings(tmp_path, capsys):
    logs.start("error", tmp_path)
    log.warning("first warning")
    log.info("first info")
    assert "first warning" not in written(tmp_path)
    assert capsys.readouterr().err == "first warning\n"  # stderr shows warnings whatever the file's level

    logs.set_level("info")
    log.info("second info")
    log.debug("second debug")
    text = written(tmp_path)
    assert "second info" in text and "first info" not in text and "second debug" not in text
    assert capsys.readouterr().err == ""  # info stays out of stderr

    with pytest.raises(ValueError, match="unknown log level 'loud'"):
        logs.set_level("loud")


def test_an_unwritable_folder_warns_once_and_logging_goes_on(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert logs.start("debug", blocker / "logs") is None  # under a file: not even root can create it
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the log" in err and "stderr only" in err
    log.warning("still heard")
    log.info("not on stderr")
    assert capsys.readouterr().err == "still heard\n"


def test_a_full_disk_is_reported_once_not_per_record(tmp_path, capsys):
    logs.start("info", tmp_path)
    [handler] = [h for h in logging.getLogger("agent").handlers if isinstance(h, logging.FileHandler)]
    kept = handler.setStream(open("/dev/full", "w"))  # every flush fails with ENOSPC
    try:
        for number in range(3):
            log.info("record %d", number)
    finally:
        full, handler.stream = handler.stream, kept
        with contextlib.suppress(OSError):
            full.close()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the log" in err and "No space left" in err, err


# --- the real agent -----------------------------------------------------------

TYPED = ("quokka", "zanzibar", "marmalade")
KEYS = ("ctrl", "F9", "Control_L")  # pressed as ctrl+s F9; also spelled as X keysyms
POINTER = (1117, 733)
TITLE = "Quarterly Wombat Forecast"
DECISIONS = (
    "started: version", "tray docked yes",
    "break prompt held: do not disturb", "do-not-disturb ended: make-up break",
    "break prompt shown (due)", "break window: break started", "break window: break done",
    "break ended early",  # Done a moment after Start
    "paused for 1.0 min", "action: resume", "decision natural_break",
)


def private_home(env: dict, folder: Path) -> None:
    """Home, XDG folders and the temp folder of a process all below `folder`, so every file it writes is there."""
    for name, sub in (("HOME", "home"), ("XDG_CONFIG_HOME", "home/.config"), ("XDG_DATA_HOME", "home/.local/share"),
                      ("XDG_STATE_HOME", "home/.local/state"), ("XDG_CACHE_HOME", "home/.cache"), ("TMPDIR", "tmp")):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(folder / sub)


@pytest.fixture
def debug_session(desktop, tmp_path):  # noqa: F811 (the fixture imported above)
    settings = tmp_path / "debug.toml"
    settings.write_text(CONFIG + '\n[logging]\nlevel = "debug"\n')
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    session = Session(desktop, runtime, settings)
    private_home(session.env, tmp_path)
    session.tmp_root = tmp_path
    yield session
    session.stop()


def test_log_of_a_real_day_holds_decisions_but_no_keys_text_pointer_or_titles(debug_session):
    session = debug_session
    session.start_agent()
    slides = subprocess.Popen([sys.executable, "-c", FULLSCREEN_WINDOW.replace('"Slides"', repr(TITLE))],
                              env=session.env)
    try:
        wait_for(lambda: session.xdotool("search", "--name", f"^{TITLE}$"), 5, "the full-screen window")
        session.xdotool("type", "--delay", "30", " ".join(TYPED))
        session.xdotool("key", "ctrl+s", "F9")
        session.xdotool("mousemove", *map(str, POINTER))
        wait_for(lambda: session.wiggle(1) or session.status()["state"] == "break_due", 40, "the break", session)
        session.wiggle(2)
        assert session.windows() == []  # held while the full-screen window is up
    finally:
        slides.terminate()
        slides.wait(5)
    wait_for(lambda: session.wiggle(1) or session.windows(), 15, "the make-up break window", session)
    session.click(session.primary_button())  # Start
    wait_for(lambda: session.status()["state"] == "on_break", 5, "the break to start", session)
    session.click(session.primary_button())  # Done
    wait_for(lambda: not session.windows(), 5, "the break window to close", session)
    assert session.upright("pause", "1").returncode == 0
    assert session.upright("resume").returncode == 0
    # Away past the 8 s natural break, twice: the listeners are armed by then, so the returns,
    # at known coordinates and with known words, reach the agent's own input callbacks.
    come_back = (lambda: session.xdotool("mousemove", *map(str, POINTER)),
                 lambda: session.xdotool("type", "--delay", "30", " ".join(TYPED)))
    for come_back_now in come_back:
        time.sleep(8.5)  # the idle poll can come late on a loaded machine: wait for it, do not assert at a fixed time
        wait_for(lambda: session.status()["state"] == "away", 10, "the quiet stretch to count as away", session)
        come_back_now()
        wait_for(lambda: session.status()["state"] == "working", 3, "the return to be seen", session)
    session.xdotool("key", "ctrl+s", "F9")
    session.stop()

    folder = session.runtime / "logs"
    text = (folder / "upright.log").read_text(encoding="utf-8")
    assert mode(folder) == 0o700 and mode(folder / "upright.log") == 0o600
    assert " DEBUG agent: " in text  # the level really was debug: the most there is to leak
    for line in DECISIONS:
        assert line in text, f"missing {line!r} in the log:\n{text}"
    wrote = written_files([session.tmp_root])
    assert folder / "upright.log" in wrote and session.log in wrote  # the scan sees the log and the output
    # Every file the agent wrote: log, its stdout and stderr, state, data, config, temp.
    assert leaks([session.tmp_root], TYPED + ("wombat", TITLE), KEYS, POINTER, skip=[session.config]) == []
    assert str(Path.home()) not in text and str(session.runtime) not in text, "a path in the log"


def test_agent_runs_with_one_warning_when_the_log_cannot_be_written(desktop, tmp_path):  # noqa: F811
    settings = tmp_path / "short.toml"
    settings.write_text(CONFIG)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    (tmp_path / "a-file").write_text("")
    session = Session(desktop, runtime, settings)
    session.env[logs.ENV_VAR] = str(tmp_path / "a-file" / "logs")
    try:
        session.start_agent()
        assert session.status()["state"] in ("working", "away")
    finally:
        session.stop()
    output = session.log.read_text()
    assert output.count("cannot write the log") == 1, output
    assert "Traceback" not in output


def test_pynput_callbacks_that_get_keys_and_positions_leave_nothing_in_any_file(desktop, tmp_path,  # noqa: F811
                                                                                 monkeypatch):
    """pynput's keyboard and mouse listeners, as Windows and macOS run them: the callbacks get the key,
    the button and the pointer position. Armed once per input and kept running (no idle query), at debug."""
    from agent.sensing._listeners import ActivityTrap, keyboard_and_mouse
    from agent.sensing._xorg import XorgSensing

    monkeypatch.setenv("DISPLAY", desktop)
    home: dict = {}
    private_home(home, tmp_path)
    for name, value in home.items():
        monkeypatch.setenv(name, value)
    logs.start("debug", tmp_path / "logs")
    env = {**os.environ}
    inputs = [("type", "--delay", "20", " ".join(TYPED)), ("key", "ctrl+s", "F9"),
              ("mousemove", *map(str, POINTER)), ("mousemove", "10", "10"), ("mousemove", *map(str, POINTER)),
              ("click", "1")]
    heard: list[float] = []
    with XorgSensing() as sensing:  # for its kick, which really ends an X11 listener when disarmed
        trap = ActivityTrap(kick=sensing._kick, listeners=keyboard_and_mouse)
        for action in inputs:
            fired = threading.Event()
            trap.arm(lambda now: heard.append(now) or fired.set())
            subprocess.run(["xdotool", *action], env=env, check=True, timeout=10)
            assert fired.wait(10), f"the listeners did not hear {action}"
        trap.close()
        always_on = ActivityTrap(kick=sensing._kick, listeners=keyboard_and_mouse, persistent=True)
        always_on.start()
        try:
            for action in inputs:
                before = always_on.last_input
                subprocess.run(["xdotool", *action], env=env, check=True, timeout=10)
                wait_for(lambda: always_on.last_input != before, 10, f"the persistent listeners to hear {action}")
        finally:
            always_on.close()
    logging.getLogger("agent.sensing").debug("the round is over")  # the debug level really reaches the file
    assert len(heard) == len(inputs) and all(type(now) is float for now in heard)
    assert "the round is over" in written(tmp_path / "logs")
    assert leaks([tmp_path], TYPED, KEYS, POINTER) == []
