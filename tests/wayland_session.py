"""Headless Wayland compositors for tests: sway (wlroots) and mutter (GNOME), as a test user.

sway refuses to run as root ("Unable to drop root") and CI runs as root, so
when the tests run as root the compositor runs as the user `uprightwl`
(created here without a home or login shell). The test process itself stays
root and connects as a client: the socket lives in a private runtime folder.

    with running_sway() as session:      # session.env: WAYLAND_DISPLAY, XDG_RUNTIME_DIR, ...
        ...

Tests skip with the reason where sway or mutter is not installed; CI installs
them (scripts/install.sh --test).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Iterator

import pytest

TEST_USER = "uprightwl"
START_TIMEOUT_S = 15.0
SWAY_ENV = {"WLR_BACKENDS": "headless", "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1"}


@dataclass
class Session:
    """A running compositor: its environment for clients and its folder."""

    runtime_dir: str
    env: dict[str, str]
    process: subprocess.Popen
    log_path: str
    extra: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        with open(self.log_path, errors="replace") as handle:
            return handle.read()

    def client_env(self) -> dict[str, str]:
        """os.environ with this session's variables and no X11 display."""
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "XAUTHORITY")}
        env.update(self.env)
        return env


def _user() -> tuple[list[str], int]:
    """The command prefix that runs a program as the compositor's user, and that user's uid."""
    if os.geteuid() != 0:
        return [], os.getuid()
    try:
        uid = pwd.getpwnam(TEST_USER).pw_uid
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--home-dir", "/nonexistent", "--shell",
                        "/usr/sbin/nologin", TEST_USER], check=True)
        uid = pwd.getpwnam(TEST_USER).pw_uid
    return ["runuser", "-u", TEST_USER, "--"], uid


def _runtime_dir(uid: int) -> str:
    path = tempfile.mkdtemp(prefix="wayland-up6-")
    os.chown(path, uid, -1)
    os.chmod(path, 0o700)
    return path


def _wait_for(path: str, process: subprocess.Popen, log_path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not os.path.exists(path):
        if process.poll() is not None or time.monotonic() > deadline:
            with open(log_path, errors="replace") as handle:
                raise RuntimeError(f"the compositor did not start:\n{handle.read()[-3000:]}")
        time.sleep(0.05)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextlib.contextmanager
def running_sway(config: str = "xwayland disable\n") -> Iterator[Session]:
    """A headless sway with `config`; yields once its Wayland socket is there."""
    if shutil.which("sway") is None:
        pytest.skip("sway is not installed (Debian: apt-get install sway)")
    prefix, uid = _user()
    runtime = _runtime_dir(uid)
    config_path = os.path.join(runtime, "config")
    with open(config_path, "w") as handle:
        handle.write(config)
    os.chown(config_path, uid, -1)
    log_path = os.path.join(runtime, "sway.log")
    env = {"PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": runtime, "HOME": runtime, **SWAY_ENV}
    with open(log_path, "w") as log:
        process = subprocess.Popen([*prefix, "env", "-i", *(f"{k}={v}" for k, v in env.items()),
                                    "sway", "-c", config_path], stdout=log, stderr=subprocess.STDOUT,
                                   cwd="/", start_new_session=True)
    try:
        socket = os.path.join(runtime, "wayland-1")
        _wait_for(socket, process, log_path)
        yield Session(runtime, {"WAYLAND_DISPLAY": socket, "XDG_RUNTIME_DIR": runtime,
                                "XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "sway"},
                      process, log_path)
    finally:
        _stop(process)
        shutil.rmtree(runtime, ignore_errors=True)


def swaymsg(session: Session, *command: str) -> str:
    """Run `swaymsg` against the session's sway; returns its output."""
    sockets = [name for name in os.listdir(session.runtime_dir) if name.startswith("sway-ipc.")]
    out = subprocess.run(["swaymsg", "-s", os.path.join(session.runtime_dir, sockets[0]), *command],
                         capture_output=True, text=True, timeout=10)
    if out.returncode:
        raise RuntimeError(f"swaymsg {command}: {out.stdout}{out.stderr}")
    return out.stdout


# XWayland started at once; the test process (root on CI) is let in, and learns the display number
# (wlroots takes the first free one) from a file written by a program sway starts.
XWAYLAND_CONFIG = """xwayland force
exec sh -c 'xhost +si:localuser:root >/dev/null 2>&1; echo "$DISPLAY" > "$XDG_RUNTIME_DIR/x-display"'
"""


@contextlib.contextmanager
def running_sway_with_xwayland(config: str = "") -> Iterator[Session]:
    """sway with XWayland: `session.extra["DISPLAY"]` is XWayland's display, open to this process."""
    if shutil.which("Xwayland") is None or shutil.which("xhost") is None:
        pytest.skip("needs Xwayland and xhost (Debian: apt-get install xwayland x11-xserver-utils)")
    with running_sway(XWAYLAND_CONFIG + config) as session:
        marker = os.path.join(session.runtime_dir, "x-display")
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (os.path.exists(marker) and open(marker).read().strip()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"XWayland did not start:\n{session.log()[-3000:]}")
            time.sleep(0.05)
        time.sleep(0.3)  # xhost ran before the file was written; give the server a moment
        session.extra["DISPLAY"] = open(marker).read().strip()
        yield session


def screenshot(session: Session, path: str) -> str:
    """The whole output, Wayland and XWayland windows alike (grim, through wlr-screencopy)."""
    subprocess.run(["grim", path], env=session.client_env(), check=True, timeout=15)
    return path


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@contextlib.contextmanager
def running_mutter() -> Iterator[Session]:
    """A headless mutter (GNOME's compositor) on a private session bus both users may join.

    dbus-run-session would give a bus only its own user may use; the test process
    (root on CI) has to call Mutter too, so the bus is started here with a policy
    that lets every local user in. `session.env` carries DBUS_SESSION_BUS_ADDRESS.
    """
    if shutil.which("mutter") is None or shutil.which("dbus-daemon") is None:
        pytest.skip("mutter or dbus-daemon is not installed (Debian: apt-get install mutter dbus-daemon)")
    prefix, uid = _user()
    runtime = _runtime_dir(uid)
    config = os.path.join(runtime, "bus.conf")
    with open(config, "w") as handle:
        handle.write(BUS_CONFIG.format(dir=runtime))
    bus = subprocess.run(["dbus-daemon", f"--config-file={config}", "--print-address=1", "--print-pid=1",
                          "--fork"], capture_output=True, text=True, timeout=10, check=True)
    address, pid = bus.stdout.split()[:2]
    log_path = os.path.join(runtime, "mutter.log")
    env = {"PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": runtime, "HOME": runtime, "DBUS_SESSION_BUS_ADDRESS": address}
    with open(log_path, "w") as log:
        process = subprocess.Popen([*prefix, "env", "-i", *(f"{k}={v}" for k, v in env.items()),
                                    "mutter", "--headless", "--wayland", "--no-x11", "--virtual-monitor", "1280x800"],
                                   stdout=log, stderr=subprocess.STDOUT, cwd="/", start_new_session=True)
    try:
        _wait_for(os.path.join(runtime, "wayland-0"), process, log_path)
        yield Session(runtime, {"WAYLAND_DISPLAY": os.path.join(runtime, "wayland-0"), "XDG_RUNTIME_DIR": runtime,
                                "XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "GNOME",
                                "DBUS_SESSION_BUS_ADDRESS": address}, process, log_path)
    finally:
        _stop(process)
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), 15)
        shutil.rmtree(runtime, ignore_errors=True)


@contextlib.contextmanager
def shared_session_bus() -> Iterator[str]:
    """A private session bus the compositor's user and this process may both use; yields its address."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (Debian: apt-get install dbus-daemon)")
    folder = tempfile.mkdtemp(prefix="wayland-up6-bus-")
    os.chmod(folder, 0o755)
    config = os.path.join(folder, "bus.conf")
    with open(config, "w") as handle:
        handle.write(BUS_CONFIG.format(dir=folder))
    started = subprocess.run(["dbus-daemon", f"--config-file={config}", "--print-address=1", "--print-pid=1",
                              "--fork"], capture_output=True, text=True, timeout=10, check=True)
    address, pid = started.stdout.split()[:2]
    try:
        yield address
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), 15)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def running_sway_with_waybar(bus_address: str, extra: str = "xwayland disable\n") -> Iterator[Session]:
    """sway with waybar at the top showing only its tray (waybar is the StatusNotifier watcher and host).

    `extra` starts the config (benchmarks pass XWAYLAND_CONFIG for XWayland)."""
    if shutil.which("waybar") is None:
        pytest.skip("waybar is not installed (Debian: apt-get install waybar)")
    folder = tempfile.mkdtemp(prefix="wayland-up6-bar-")
    os.chmod(folder, 0o755)
    bar = os.path.join(folder, "bar.json")
    with open(bar, "w") as handle:
        handle.write('{"layer": "top", "position": "top", "height": 30, "modules-right": ["tray"],'
                     ' "tray": {"icon-size": 22}}')
    address_file = os.path.join(folder, "bus")
    with open(address_file, "w") as handle:
        handle.write(bus_address)  # sway's config splits commands at commas, which addresses contain
    for path in (bar, address_file):
        os.chmod(path, 0o644)
    config = (f"{extra}exec sh -c 'DBUS_SESSION_BUS_ADDRESS=$(cat {address_file}) "
              f"waybar -c {bar} > \"$XDG_RUNTIME_DIR/waybar.log\" 2>&1'\n")
    try:
        with running_sway(config) as session:
            session.extra["DBUS_SESSION_BUS_ADDRESS"] = bus_address
            yield session
    finally:
        shutil.rmtree(folder, ignore_errors=True)
