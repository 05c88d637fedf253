"""`upright doctor` for real: the installed command, run as a subprocess in a made-up session.

Each test gives the command a user of its own (HOME, the XDG folders from
conftest, runtime, data and log folders under tmp_path) and an X server
(one Xvfb picks free, or $UPRIGHT_TEST_DISPLAY; for the whole module), then changes one thing and
reads what the doctor says about it, in --json and as the table.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ci import needs
from tests.faults.helpers import other_user
from tests.test_agent_e2e import CONFIG, Session
from tests.test_tray_xorg import Trayer
from tests.xvfb import display_env, free_display, running_xvfb

UPRIGHT = Path(sys.executable).with_name("upright")  # the console script of this venv
# A second X server for one test at a time (no RECORD; one that never answers).
SPARE_DISPLAY = os.environ.get("UPRIGHT_E2E_NO_RECORD_DISPLAY") or None  # None: a free one, found when needed
CHECKS = ["display", "tray host", "input source", "settings", "data folder", "log folder", "autostart",
          "running agent"]

pytestmark = needs(all(shutil.which(tool) for tool in ("Xvfb", "trayer")) and UPRIGHT.exists(),
                   "needs Xvfb, trayer and the installed `upright` (bash scripts/install.sh --test)")


class Doctor:
    """What one `upright doctor` run said."""

    def __init__(self, env: dict, *args: str, timeout: float = 30) -> None:
        started = time.monotonic()
        done = subprocess.run([str(UPRIGHT), "doctor", *args], env=env, capture_output=True, text=True,
                              timeout=timeout)
        self.seconds = time.monotonic() - started
        self.status, self.stdout, self.stderr = done.returncode, done.stdout, done.stderr
        assert "Traceback" not in self.stderr, self.stderr
        self.results = {r["check"]: r for r in json.loads(self.stdout)} if "--json" in args else {}

    def __getitem__(self, check: str) -> dict:
        return self.results[check]

    def statuses(self) -> dict[str, str]:
        return {check: result["status"] for check, result in self.results.items()}


def all_ok_but(**statuses: str) -> dict[str, str]:
    """The statuses of every check: OK except those named (tray_host="WARN")."""
    return {check: statuses.get(check.replace(" ", "_"), "OK") for check in CHECKS}


@pytest.fixture(scope="module")
def xserver():
    with running_xvfb() as display, display_env(display):
        yield display


@pytest.fixture
def tray(xserver):
    """trayer owning the system tray selection (it waits until it does), killed afterwards."""
    import Xlib.display

    conn = Xlib.display.Display(xserver)
    host = Trayer(conn)
    host.start()
    yield host
    host.kill()
    conn.close()


@pytest.fixture
def session(xserver, tmp_path):
    """A user in a desktop session on `xserver`, with the e2e tests' harness to start the agent."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    config = tmp_path / "short.toml"
    config.write_text(CONFIG)
    session = Session(xserver, runtime, config)
    session.env["HOME"] = str(tmp_path / "home")
    for name in ("WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "UPRIGHT_SENSING_BACKEND", "UPRIGHT_POLICY"):
        session.env.pop(name, None)
    yield session
    session.stop()


def autostart(session: Session, action: str) -> None:
    done = subprocess.run([str(UPRIGHT), "autostart", action], env=session.env, capture_output=True, text=True,
                          timeout=15)
    assert done.returncode == 0, done.stderr


def test_a_ready_machine_is_all_ok_once_autostart_is_on(session, tray):
    user_config = Path(os.environ["XDG_CONFIG_HOME"]) / "upright" / "config.toml"
    user_config.parent.mkdir(parents=True)
    user_config.write_text("[breaks]\nsitting_limit_min = 45\n")
    data = Path(session.env["UPRIGHT_DATA_DIR"])

    before = Doctor(session.env, "--json")
    assert before.statuses() == all_ok_but(autostart="WARN")
    assert before.status == 1
    assert before["autostart"]["fix"] == "upright autostart enable"
    assert not data.exists()  # proved writable, and left as it was

    autostart(session, "enable")
    after = Doctor(session.env, "--json")
    assert after.statuses() == all_ok_but(), after.stdout
    assert after.status == 0
    assert "_NET_SYSTEM_TRAY_S0" in after["tray host"]["detail"]
    assert "RECORD" in after["input source"]["detail"] and "idle query answers" in after["input source"]["detail"]
    assert str(user_config) in after["settings"]["detail"]
    assert str(data) in after["data folder"]["detail"]
    assert after["running agent"]["detail"].startswith("not running")
    assert all(result["fix"] is None for result in after.results.values())

    table = Doctor(session.env)
    assert table.status == 0
    rows = table.stdout.splitlines()
    assert rows[0].split() == ["CHECK", "STATUS", "DETAIL"]
    assert [row[:15].strip() for row in rows[1:]] == CHECKS
    assert all(row[15:19] == "OK  " for row in rows[1:]) and "fix:" not in table.stdout


def test_without_a_tray_host_the_tray_warns_and_the_exit_status_is_1(session):
    autostart(session, "enable")
    doctor = Doctor(session.env, "--json")
    assert doctor.statuses() == all_ok_but(tray_host="WARN")
    assert doctor.status == 1
    assert doctor["tray host"]["detail"] == "no system tray: Upright runs without an icon; use `upright status`"
    assert "AppIndicator" in doctor["tray host"]["fix"]
    table = Doctor(session.env)
    assert table.status == 1
    assert "fix: Install or enable a system tray" in table.stdout


@pytest.mark.parametrize("text, line, what", [
    ("[recommended.breaks]\nsitting_limit_min = 30\nsittin_limit_min = 30\n", 3,
     "recommended.breaks.sittin_limit_min: unknown key; did you mean 'sitting_limit_min'?"),
    ("[enforced.breaks]\nallow_skip = maybe\n", 2, "TOML syntax error"),
])
def test_a_broken_policy_warns_with_each_problem_by_file_and_line(session, tmp_path, text, line, what):
    policy = tmp_path / "policy.toml"
    policy.write_text(text)
    session.env["UPRIGHT_POLICY"] = str(policy)
    doctor = Doctor(session.env, "--json")
    settings = doctor["settings"]
    assert settings["status"] == "WARN"
    [problem] = settings["detail"].splitlines()[1:]
    assert problem.startswith(f"{policy}:{line}: ") and what in problem
    assert settings["fix"] == f"upright config validate {policy}"
    table = Doctor(session.env)
    assert f"{policy}:{line}: " in table.stdout and f"fix: upright config validate {policy}" in table.stdout


@pytest.mark.parametrize("wayland, says, fix", [
    (None, "No display", "set DISPLAY"),
    ("wayland-0", "Wayland session without X11 compatibility", "Enable XWayland"),
])
def test_without_a_display_the_display_fails_and_the_exit_status_is_2(session, wayland, says, fix):
    del session.env["DISPLAY"]
    if wayland:
        session.env["WAYLAND_DISPLAY"] = wayland
    doctor = Doctor(session.env, "--json")
    assert doctor.status == 2
    assert doctor["display"]["status"] == "FAIL"
    assert says in doctor["display"]["detail"] and fix in doctor["display"]["fix"]
    assert doctor["tray host"]["detail"] == doctor["input source"]["detail"] == "not checked: no X display to ask"
    table = Doctor(session.env)
    assert table.status == 2 and says in table.stdout and table.stderr == ""


def test_xwayland_warns_about_what_upright_cannot_see(session, tray):
    autostart(session, "enable")
    session.env["WAYLAND_DISPLAY"] = "wayland-0"
    doctor = Doctor(session.env, "--json")
    wayland_rows = {"wayland activity": "WARN", "wayland full screen": "WARN"}  # no compositor answers
    assert doctor.statuses() == {**all_ok_but(display="WARN"), **wayland_rows}
    assert doctor.status == 1
    assert "falls back to XWayland" in doctor["wayland activity"]["detail"]
    assert "only for X11 apps" in doctor["display"]["detail"]
    assert "input to Wayland apps may not be seen" in doctor["display"]["detail"]
    assert "X11 session" in doctor["display"]["fix"]


def test_an_x_server_without_record_fails_the_input_source(session):
    with running_xvfb(SPARE_DISPLAY, extra_args=("-extension", "RECORD")) as display:
        session.env["DISPLAY"] = display
        doctor = Doctor(session.env, "--json")
    assert doctor.status == 2
    assert doctor["display"]["status"] == "OK"
    assert doctor["input source"]["status"] == "FAIL"
    assert "lacks the RECORD extension" in doctor["input source"]["detail"]
    assert "+extension RECORD" in doctor["input source"]["fix"]


def test_an_unwritable_data_folder_fails_and_an_unwritable_log_folder_warns(session, tmp_path):
    # Below a plain file no folder can be made, whoever we are (CI containers run tests as root,
    # whom permission bits do not stop).
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    session.env["UPRIGHT_DATA_DIR"] = str(blocker / "data")
    session.env["UPRIGHT_LOG_DIR"] = str(blocker / "logs")
    doctor = Doctor(session.env, "--json")
    assert doctor.status == 2
    assert doctor["data folder"]["status"] == "FAIL" and doctor["log folder"]["status"] == "WARN"
    assert doctor["data folder"]["detail"] == f"{blocker / 'data'} is not writable: Not a directory"
    assert "UPRIGHT_DATA_DIR" in doctor["data folder"]["fix"]
    assert "stderr only" in doctor["log folder"]["fix"]


def test_a_read_only_data_folder_fails(session, tmp_path, monkeypatch):
    """Root writes into a read-only folder anyway: where the tests run as root (CI), the check runs
    in a child that has become a second real user, who owns the folder (tests/faults/helpers.py)."""
    user = other_user()
    if user is None:
        data = Path(session.env["UPRIGHT_DATA_DIR"])
        data.mkdir(mode=0o500)
        try:
            row = Doctor(session.env, "--json")["data folder"]
        finally:
            data.chmod(0o700)
    else:
        row = _data_folder_check_as(user, monkeypatch)
    assert row["status"] == "FAIL", row
    assert row["detail"].endswith("is not writable: Permission denied"), row


def _data_folder_check_as(user: tuple[int, int], monkeypatch) -> dict:
    """`upright doctor`'s data folder check, run by `user` on a read-only folder of theirs."""
    import tempfile

    from agent.cli import doctor
    from tests.faults.helpers import as_user

    top = Path(tempfile.mkdtemp(prefix="upright-doctor-", dir="/tmp"))
    try:
        top.chmod(0o755)
        data, out = top / "data", top / "row.json"
        data.mkdir(mode=0o500)
        out.touch()
        os.chown(data, *user), os.chown(out, *user)
        monkeypatch.setenv("UPRIGHT_DATA_DIR", str(top / "scratch"))
        doctor.data_folder()  # imports what the check needs while we can read every module
        pid = os.fork()
        if pid == 0:
            try:
                as_user(*user)()
                os.environ["UPRIGHT_DATA_DIR"] = str(data)
                out.write_text(json.dumps(dataclasses.asdict(doctor.data_folder())))
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        return json.loads(out.read_text())
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_a_running_agent_is_reported_with_its_pid_and_neither_state_warns(session):
    before = Doctor(session.env, "--json")["running agent"]
    session.start_agent()
    after = Doctor(session.env, "--json")["running agent"]
    assert before["status"] == after["status"] == "OK"
    assert before["detail"] == "not running; `upright run` starts it"
    assert after["detail"] == f"running (pid {session.agent.pid})"


def test_a_stuck_x_server_and_a_stuck_agent_are_given_up_on_in_time(session):
    """An X server and an agent that accept a connection and never answer: no hang."""
    spare = SPARE_DISPLAY or free_display()
    number = int(spare.lstrip(":"))
    if Path(f"/tmp/.X11-unix/X{number}").exists():
        pytest.fail(f"another X server uses {spare}; set UPRIGHT_E2E_NO_RECORD_DISPLAY")
    with socket.socket(socket.AF_UNIX) as x_server, socket.socket(socket.AF_UNIX) as agent:
        x_server.bind(f"\0/tmp/.X11-unix/X{number}")  # where python-xlib looks when the file is absent
        x_server.listen(4)
        agent.bind(str(Path(session.env["UPRIGHT_RUNTIME_DIR"]) / "control.sock"))
        agent.listen(4)
        session.env["DISPLAY"] = spare
        doctor = Doctor(session.env, "--json", "--timeout", "1")
    assert doctor.seconds < 8, f"took {doctor.seconds:.1f} s"
    assert doctor.status == 2
    assert doctor["display"]["status"] == "FAIL"
    assert doctor["display"]["detail"] == f"the X server {spare} did not answer within 1 s"
    assert doctor["running agent"]["status"] == "OK"
    assert "did not answer within 1 s" in doctor["running agent"]["detail"]
