"""Headless Wayland compositors for tests: sway (wlroots), mutter (GNOME) and KWin (KDE), as a test user.

sway refuses to run as root ("Unable to drop root") and CI runs as root, so
when the tests run as root the compositor runs as the user `uprightwl`
(created here without a home or login shell). The test process itself stays
root and connects as a client: the socket lives in a private runtime folder.

    with running_sway() as session:      # session.env: WAYLAND_DISPLAY, XDG_RUNTIME_DIR, ...
        ...

Tests skip with the reason where a compositor is not installed; in CI, which
installs them (scripts/install.sh --test), they fail instead (tests/ci.py).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, TypeVar

import pytest

from tests.ci import IN_CI

TEST_USER = "uprightwl"
T = TypeVar("T")
START_TIMEOUT_S = 15.0
SWAY_ENV = {"WLR_BACKENDS": "headless", "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1"}


def missing(reason: str) -> None:
    """Skip the test for want of a program, or in CI, where everything is meant to be installed, fail it."""
    if IN_CI:
        pytest.fail(f"missing in CI: {reason}")
    pytest.skip(reason)


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

    def xwayland_env(self) -> dict[str, str]:
        """What an X11 client needs to reach this session's XWayland: its display, and its cookie if it has one."""
        return {key: self.extra[key] for key in ("DISPLAY", "XAUTHORITY") if key in self.extra}


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


def _until(check: Callable[[], T], log_path: str, failure: str, process: subprocess.Popen | None = None) -> T:
    """`check()`'s first truthy value, asked every 50 ms; else (the time is up, or `process`
    died first) RuntimeError with `failure` and the end of the compositor's log."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while not (found := check()):
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            with open(log_path, errors="replace") as handle:
                raise RuntimeError(f"{failure}:\n{handle.read()[-3000:]}")
        time.sleep(0.05)
    return found


def _wait_for(path: str, process: subprocess.Popen, log_path: str) -> None:
    _until(lambda: os.path.exists(path), log_path, "the compositor did not start", process)


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
        missing("sway is not installed (Debian: apt-get install sway)")
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
XWAYLAND_MARKER = 'xhost +si:localuser:root >/dev/null 2>&1; echo "$DISPLAY" > "$XDG_RUNTIME_DIR/x-display"'
XWAYLAND_CONFIG = f"xwayland force\nexec sh -c '{XWAYLAND_MARKER}'\n"


def _xwayland_display(session: Session) -> str:
    """The display the compositor's XWayland took, once the program it started wrote it down."""
    marker = os.path.join(session.runtime_dir, "x-display")
    display = _until(lambda: os.path.exists(marker) and open(marker).read().strip(), session.log_path,
                     "XWayland did not start")
    time.sleep(0.3)  # xhost ran before the file was written; give the server a moment
    return display


@contextlib.contextmanager
def running_sway_with_xwayland(config: str = "") -> Iterator[Session]:
    """sway with XWayland: `session.extra["DISPLAY"]` is XWayland's display, open to this process."""
    if shutil.which("Xwayland") is None or shutil.which("xhost") is None:
        missing("needs Xwayland and xhost (Debian: apt-get install xwayland x11-xserver-utils)")
    with running_sway(XWAYLAND_CONFIG + config) as session:
        session.extra["DISPLAY"] = _xwayland_display(session)
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
def running_mutter(xwayland: bool = False) -> Iterator[Session]:
    """A headless mutter (GNOME's compositor) on a private session bus both users may join.

    dbus-run-session would give a bus only its own user may use; the test process
    (root on CI) has to call Mutter too, so the bus is started here with a policy
    that lets every local user in. `session.env` carries DBUS_SESSION_BUS_ADDRESS.
    With `xwayland`, mutter starts its XWayland as GNOME does: its display and the
    cookie that lets a client in are in `session.extra` (DISPLAY, XAUTHORITY).
    """
    if shutil.which("mutter") is None or shutil.which("dbus-daemon") is None:
        missing("mutter or dbus-daemon is not installed (Debian: apt-get install mutter dbus-daemon)")
    if xwayland and shutil.which("Xwayland") is None:
        missing("needs Xwayland (Debian: apt-get install xwayland)")
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
                                    "mutter", "--headless", "--wayland", *([] if xwayland else ["--no-x11"]),
                                    "--virtual-monitor", "1280x800"],
                                   stdout=log, stderr=subprocess.STDOUT, cwd="/", start_new_session=True)
    try:
        _wait_for(os.path.join(runtime, "wayland-0"), process, log_path)
        _wait_for_bus_names(address, MUTTER_NAMES, log_path)
        # XDG_CONFIG_HOME: the session user's settings (GSettings' dconf database), not this process's.
        yield Session(runtime, {"WAYLAND_DISPLAY": os.path.join(runtime, "wayland-0"), "XDG_RUNTIME_DIR": runtime,
                                "XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "GNOME",
                                "DBUS_SESSION_BUS_ADDRESS": address,
                                "XDG_CONFIG_HOME": os.path.join(runtime, ".config")}, process, log_path,
                      _mutter_xwayland(runtime, log_path) if xwayland else {})
    finally:
        _stop(process)
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), 15)
        shutil.rmtree(runtime, ignore_errors=True)


MUTTER_NAMES = ("org.gnome.Mutter.IdleMonitor", "org.gnome.Mutter.RemoteDesktop")


def _wait_for_bus_names(address: str, names: tuple[str, ...], log_path: str) -> None:
    """Until mutter owns its D-Bus names: its Wayland socket comes first, its services a moment later."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    bus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus")
    with open_dbus_connection(address) as connection:
        _until(lambda: all(connection.send_and_get_reply(new_method_call(bus, "NameHasOwner", "s", (name,)),
                                                         timeout=5).body[0] for name in names),
               log_path, f"mutter did not offer {', '.join(names)} on its bus")


def _mutter_xwayland(runtime: str, log_path: str) -> dict[str, str]:
    """The X display mutter's XWayland took (its log names it) and the cookie file it wrote for clients."""
    def found() -> dict[str, str] | None:
        with open(log_path, errors="replace") as handle:
            display = re.search(r"Using public X11 display (:\d+)", handle.read())
        cookies = [name for name in os.listdir(runtime) if name.startswith(".mutter-Xwaylandauth.")]
        return {"DISPLAY": display.group(1), "XAUTHORITY": os.path.join(runtime, cookies[0])} \
            if display and cookies else None

    return _until(found, log_path, "mutter's XWayland did not start")


@contextlib.contextmanager
def shared_session_bus() -> Iterator[str]:
    """A private session bus the compositor's user and this process may both use; yields its address."""
    if shutil.which("dbus-daemon") is None:
        missing("dbus-daemon is not installed (Debian: apt-get install dbus-daemon)")
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
        missing("waybar is not installed (Debian: apt-get install waybar)")
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


# KWin trusts a client with its fake input protocol when a desktop file's Exec is the client's program.
KWIN_INPUT_DESKTOP = """[Desktop Entry]
Type=Application
Name=Upright test input
Exec={python}
NoDisplay=true
X-KDE-Wayland-Interfaces=org_kde_kwin_fake_input
"""
SYSTEM_PYTHON = "/usr/bin/python3"
INPUT_PYTHON = "upright-fake-input-python3"


def _plain_copy(program: str, folder: str, name: str) -> str:
    """`program` copied into `folder` as `name`, executable by all, without extended attributes.

    kwin_wayland carries a file capability (cap_sys_resource) that a container
    may not grant, which makes the original refuse to start ("Operation not
    permitted"); KWin only uses it to raise its priority, which a test does not
    need. The fake input client runs on its own copy of python3: KWin reads the
    interfaces from the *first* desktop file whose Exec is the client's program,
    and Debian's python3.X.desktop names /usr/bin/python3.X too.
    """
    copy = os.path.join(folder, name)
    shutil.copyfile(os.path.realpath(program), copy)
    os.chmod(copy, 0o755)
    return copy


@contextlib.contextmanager
def running_kwin(xwayland: bool = False, bus_address: str | None = None) -> Iterator[Session]:
    """A headless KWin (`--virtual`) with its own session bus, as the test user.

    KWin's data folder holds a desktop file that lets a copy of the system's
    python3 use the fake input protocol (see tests/kwin_fake_input_client.py).
    `xwayland`: KWin starts XWayland, lets the test process in and names its
    display in `session.extra["DISPLAY"]`, as `running_sway_with_xwayland` does.
    `bus_address`: a session bus this process may join too (`shared_session_bus`), instead of
    dbus-run-session's private one; `session.env` then names it.
    """
    if shutil.which("kwin_wayland") is None or shutil.which("dbus-run-session") is None:
        missing("kwin_wayland is not installed (Debian: apt-get install --no-install-recommends kwin-wayland)")
    prefix, uid = _user()
    runtime = _runtime_dir(uid)
    applications = os.path.join(runtime, "share", "applications")
    os.makedirs(applications)
    binary_folder = tempfile.mkdtemp(prefix="wayland-up6-kwin-")
    os.chmod(binary_folder, 0o755)
    kwin = _plain_copy(shutil.which("kwin_wayland"), binary_folder, "kwin_wayland")
    python = _plain_copy(SYSTEM_PYTHON, binary_folder, INPUT_PYTHON)
    with open(os.path.join(applications, "upright-test-input.desktop"), "w") as handle:
        handle.write(KWIN_INPUT_DESKTOP.format(python=python))
    for folder, _dirs, files in os.walk(runtime):
        os.chown(folder, uid, -1)
        for name in files:
            os.chown(os.path.join(folder, name), uid, -1)
    log_path = os.path.join(runtime, "kwin.log")
    env = {"PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": runtime, "HOME": runtime,
           "XDG_DATA_HOME": os.path.join(runtime, "share")}
    options = []
    if xwayland:  # the program KWin starts once XWayland is up (a file: KWin would read "-c" as its own option)
        marker = os.path.join(runtime, "x-marker.sh")
        with open(marker, "w") as handle:
            handle.write(f"#!/bin/sh\n{XWAYLAND_MARKER}\n")
        os.chmod(marker, 0o755)
        options = ["--xwayland", marker]
    bus = ["dbus-run-session", "--"]
    if bus_address:
        env["DBUS_SESSION_BUS_ADDRESS"] = bus_address
        bus = []
    with open(log_path, "w") as log:
        if shutil.which("kbuildsycoca5"):  # KWin finds desktop files through this cache; else it builds it late
            subprocess.run([*prefix, "env", "-i", *(f"{k}={v}" for k, v in env.items()), "kbuildsycoca5"],
                           stdout=log, stderr=subprocess.STDOUT, cwd="/", timeout=60)
        process = subprocess.Popen([*prefix, "env", "-i", *(f"{k}={v}" for k, v in env.items()),
                                    *bus, kwin, "--virtual",
                                    "--socket", "wayland-0", *options],
                                   stdout=log, stderr=subprocess.STDOUT, cwd="/", start_new_session=True)
    try:
        socket = os.path.join(runtime, "wayland-0")
        _wait_for(socket, process, log_path)
        session = Session(runtime, {"WAYLAND_DISPLAY": socket, "XDG_RUNTIME_DIR": runtime,
                                    "XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "KDE"}, process, log_path,
                          {"USER_PREFIX": " ".join(prefix), "INPUT_PYTHON": python})
        if xwayland:
            session.extra["DISPLAY"] = _xwayland_display(session)
        if bus_address:
            session.env["DBUS_SESSION_BUS_ADDRESS"] = bus_address
        yield session
    finally:
        _stop_group(process)
        shutil.rmtree(runtime, ignore_errors=True)
        shutil.rmtree(binary_folder, ignore_errors=True)


def _stop_group(process: subprocess.Popen) -> None:
    """Stop a compositor started under dbus-run-session: the whole process group it leads."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
    _stop(process)


def _readable_client(folder: str) -> tuple[str, str]:
    """The fake input client and the packages it imports (pywayland, cffi's backend), copied into `folder`.

    The test user runs them, and the checkout and its venv may sit where only
    root may enter (/root on CI). Returns the script's path and the PYTHONPATH.
    """
    import _cffi_backend
    import pywayland

    site = os.path.dirname(os.path.dirname(pywayland.__file__))
    packages = os.path.join(folder, "packages")
    for name in ("pywayland", "pywayland.libs"):  # .libs: the libwayland its wheel carries
        if os.path.isdir(os.path.join(site, name)):
            shutil.copytree(os.path.join(site, name), os.path.join(packages, name), dirs_exist_ok=True)
    shutil.copy(_cffi_backend.__file__, packages)
    client = shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), "kwin_fake_input_client.py"),
                         folder)
    for path in (folder, packages):
        os.chmod(path, 0o755)
    return client, packages


class KwinInput:
    """Keys and pointer motion on KWin's seat, through tests/kwin_fake_input_client.py run as the test user."""

    def __init__(self, session: Session) -> None:
        client, packages = _readable_client(os.path.join(session.runtime_dir, "input-client"))
        prefix = session.extra["USER_PREFIX"].split()
        self.process = subprocess.Popen(
            [*prefix, "env", "-i", f"XDG_RUNTIME_DIR={session.runtime_dir}", f"PYTHONPATH={packages}",
             session.extra["INPUT_PYTHON"], client, session.env["WAYLAND_DISPLAY"]],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd="/")
        ready = self.process.stdout.readline().strip()
        if ready != "ready":
            self.process.wait(5)
            raise RuntimeError(f"the fake input client did not start: {ready} {self.process.stdout.read()}")

    def _do(self, word: str) -> None:
        self.process.stdin.write(word + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"the fake input client said {answer!r} to {word!r}")

    def key(self) -> None:
        """Press and release one key."""
        self._do("key")

    def nudge(self) -> None:
        """Move the pointer a little."""
        self._do("nudge")

    def move_to(self, x: int, y: int) -> None:
        """Put the pointer at (x, y) of the compositor's space."""
        self._do(f"move_to {x} {y}")

    def click(self) -> None:
        """Press and release the left button, a human moment apart (X11 apps under XWayland need it)."""
        for word in ("press", "release"):
            self._do(word)
            time.sleep(0.15)

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> "KwinInput":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@contextlib.contextmanager
def gnome_settings(session: Session) -> Iterator[None]:
    """GSettings for a running mutter's user: dconf-service on its session bus, as a GNOME login has.

    `set_gsetting` then changes a key the way GNOME's switches do; readers with
    the session's environment (XDG_CONFIG_HOME) see the change.
    """
    service = "/usr/libexec/dconf-service"
    if not os.path.exists(service) or shutil.which("gsettings") is None:
        missing("needs dconf-service and gsettings (Debian: apt-get install dconf-service libglib2.0-bin)")
    process = subprocess.Popen([*_user()[0], *_user_env(session), service], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, cwd="/", start_new_session=True)
    try:
        yield
    finally:
        _stop_group(process)


def _user_env(session: Session) -> list[str]:
    """`env -i` and the variables a program of the compositor's user needs in this session."""
    return ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={session.runtime_dir}", f"XDG_RUNTIME_DIR={session.runtime_dir}",
            f"DBUS_SESSION_BUS_ADDRESS={session.env['DBUS_SESSION_BUS_ADDRESS']}"]


def set_gsetting(session: Session, schema: str, key: str, value: str, timeout: float = 15.0) -> None:
    """`gsettings set` as the session's user: written by dconf-service into the user's database.

    `gsettings set` exits 0 even when its write is lost: before a just-started
    dconf-service owns its bus name the write goes nowhere (seen on a loaded CI
    machine). So the value is read back, and the set repeated until it holds.
    """
    gsettings = [*_user()[0], *_user_env(session), "gsettings"]
    deadline = time.monotonic() + timeout
    while True:
        subprocess.run([*gsettings, "set", schema, key, value], check=True, capture_output=True, timeout=15, cwd="/")
        now = subprocess.run([*gsettings, "get", schema, key], check=True, capture_output=True, text=True,
                             timeout=15, cwd="/").stdout.strip()
        if now == value:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"gsettings set {schema} {key} {value} did not hold (reads {now!r})")
        time.sleep(0.1)


@contextlib.contextmanager
def holding_idle_inhibitor(wayland_display: str) -> Iterator[subprocess.Popen]:
    """A Wayland window holding an idle inhibitor, as a video player keeps one while it plays
    (tests/wayland_idle_inhibitor_client.py, a process of its own)."""
    import sys

    client = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wayland_idle_inhibitor_client.py")
    player = subprocess.Popen([sys.executable, client, wayland_display], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert player.stdout.readline().strip() == "inhibiting", "the idle inhibitor client did not start"
        yield player
    finally:
        player.stdin.close()
        try:
            player.wait(5)
        except subprocess.TimeoutExpired:
            player.kill()
            player.wait()
