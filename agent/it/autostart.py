"""Start Upright at login: for this user, or (for IT) for every user of the machine.

Each platform's own convention, one class each:

* Linux and other XDG desktops (:class:`XdgAutostart`): a desktop entry
  ``upright.desktop`` in ``$XDG_CONFIG_HOME/autostart`` (default
  ``~/.config``), or for all users in the first of ``$XDG_CONFIG_DIRS``
  (default ``/etc/xdg``). A user turns off an all-users entry with a
  same-named entry of their own saying ``Hidden=true``, as the XDG Autostart
  spec provides.
* Windows (:class:`RunKeys`): the value ``Upright`` under
  ``Software\\Microsoft\\Windows\\CurrentVersion\\Run`` in HKCU or HKLM.
* macOS (:class:`LaunchAgents`): ``<LABEL>.plist`` with ``RunAtLoad`` in
  ``~/Library/LaunchAgents`` or ``/Library/LaunchAgents``.

Entries take effect at the next login; nothing here starts or stops an agent.
The platform, home, root and registry are parameters (:func:`for_platform`),
so the tests run all three on Linux with temporary folders and an in-memory
registry. Files are written atomically and readable by everyone (0644): an
all-users entry is read by every user's session.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional, Protocol

from agent.files import atomic

NAME = "Upright"
DESKTOP_FILE = "upright.desktop"
#: The launchd label, also the plist's file name (reverse-DNS, as launchd expects).
LABEL = "org.upright.agent"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


class AutostartError(Exception):
    """An entry could not be read or written; the message names it and says why."""


class NeedsAdmin(AutostartError):
    """Changing the all-users entry needs administrator rights this process lacks."""


@dataclass(frozen=True)
class State:
    """Whether Upright starts at login in one scope, and which entry decides it."""

    on: bool
    where: Optional[str] = None  # the deciding entry: a path or a registry value
    hidden: bool = False  # an entry exists and turns it off (XDG Hidden=true)

    def __str__(self) -> str:
        if self.hidden:
            return f"off (hidden by {self.where})"
        return f"on ({self.where})" if self.on else "off"


# --- the command that is started ---------------------------------------------

def command_line(platform: str = sys.platform, executable: str = sys.executable,
                 search_path: Optional[str] = None) -> list[str]:
    """The argv that starts this installation's agent.

    The ``upright`` script next to the interpreter (a venv or pipx), else the
    one on PATH, else ``python -m agent run``: always absolute, since a login
    session's PATH need not be the shell's. On Windows the windowed
    ``upright-agent.exe`` (and ``pythonw.exe``) come first: the console
    ``upright.exe`` would open a console window at every login.
    """
    scripts = ("upright-agent.exe", "upright.exe") if platform == "win32" else ("upright",)
    for script in scripts:
        if executable:
            beside = Path(os.path.abspath(executable)).parent / script
            if beside.is_file() and os.access(beside, os.X_OK):
                return [str(beside), "run"]
        found = shutil.which(script, path=search_path)
        if found:
            return [os.path.abspath(found), "run"]
    return [_windowed(os.path.abspath(executable), platform), "-m", "agent", "run"]


def _windowed(python: str, platform: str) -> str:
    """pythonw.exe beside python.exe on Windows (no console window), else `python` itself."""
    pythonw = Path(python).with_name("pythonw.exe")
    return str(pythonw) if platform == "win32" and pythonw.is_file() else python


_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")  # Desktop Entry spec: these need quoting in Exec


def desktop_exec(argv: list[str]) -> str:
    """``argv`` as a desktop entry's ``Exec`` value, escaped as the Desktop Entry spec says.

    Two layers: an argument with a reserved character is double-quoted, with
    ``"`` `` ` `` ``$`` ``\\`` backslash-escaped inside, and ``%`` is doubled
    (field codes); then the whole value gets the string escapes (``\\\\``,
    ``\\n``, ``\\t``, ``\\r``), so a literal backslash ends up as four.
    """
    words = []
    for arg in argv:
        arg = arg.replace("%", "%%")
        if not arg or _RESERVED.intersection(arg):
            arg = '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'
        words.append(arg)
    value = " ".join(words)
    for char, escape in (("\\", "\\\\"), ("\n", "\\n"), ("\t", "\\t"), ("\r", "\\r")):
        value = value.replace(char, escape)
    return value


def desktop_entry(argv: list[str]) -> str:
    """The text of ``upright.desktop`` that starts ``argv`` at login."""
    return "\n".join(["[Desktop Entry]", "Type=Application", f"Name={NAME}",
                      "Comment=Reminds you to stand up and stretch after long sitting",
                      f"Exec={desktop_exec(argv)}", "Terminal=false"]) + "\n"


#: A user's own entry that turns off the all-users one for them (the spec needs no Exec here).
HIDDEN_ENTRY = f"""\
# Written by `upright autostart disable`: Upright does not start at login for this
# user, although an all-users entry exists. `upright autostart enable` replaces it.
[Desktop Entry]
Type=Application
Name={NAME}
Hidden=true
"""


def launch_agent(argv: list[str]) -> dict:
    """The launchd job: start once at login in the graphical session, never restart it."""
    return {"Label": LABEL, "ProgramArguments": list(argv), "RunAtLoad": True,
            "LimitLoadToSessionType": "Aqua", "ProcessType": "Interactive"}


# --- files -------------------------------------------------------------------

def _write_atomically(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` in one step, mode 0644; False if it already held exactly that."""
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:
            return False
    atomic.write_bytes(path, data, mode=0o644)  # every user's session reads an all-users entry
    return True


def _remove(path: Path) -> bool:
    """Delete ``path``; False if there was nothing to delete."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _desktop_keys(path: Path) -> dict[str, str]:
    """The ``[Desktop Entry]`` group's keys. Hand-read: configparser would also split on ':'."""
    keys: dict[str, str] = {}
    group = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if line.startswith("["):
            group = line
        elif group == "[Desktop Entry]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            keys[key.strip()] = value.strip()
    return keys


# --- the places, per platform ------------------------------------------------

class _Entries:
    """One entry for this user and one for all users, independent of each other.

    Subclasses say where an entry lives and how to read, write and remove it;
    the messages and the handling of missing rights are shared.
    """

    admin_hint = "run it with sudo"

    def where(self, all_users: bool) -> str:
        raise NotImplementedError

    def _exists(self, all_users: bool) -> bool:
        raise NotImplementedError

    def _write(self, all_users: bool, argv: list[str]) -> bool:
        raise NotImplementedError

    def _delete(self, all_users: bool) -> str:
        """Remove the entry; returns where it was."""
        raise NotImplementedError

    def status(self) -> tuple[State, State]:
        """(will it start for this user, is there an all-users entry)."""
        mine, everyone = (State(True, self.where(scope)) if self._exists(scope) else State(False)
                          for scope in (False, True))
        return (mine if mine.on else everyone), everyone  # either entry starts it; neither can hide the other

    def enable(self, all_users: bool, argv: list[str]) -> str:
        changed = self._change(all_users, self._write, all_users, argv)
        return f"Autostart {'is' if changed else 'was already'} on {_scope(all_users)}: {self.where(all_users)}"

    def disable(self, all_users: bool) -> str:
        if not self._exists(all_users):
            return f"Autostart was already off {_scope(all_users)}."
        removed = self._change(all_users, self._delete, all_users)
        message = f"Autostart is off {_scope(all_users)}: removed {removed}"
        if not all_users and self.status()[1].on:
            message += (f"\nThe all-users entry {self.where(True)} still starts Upright at login; "
                        "an administrator can remove it with: upright autostart disable --all-users")
        return message

    def _change(self, all_users: bool, change: Callable, *args):
        """Run ``change``, turning missing rights and OS errors into one clear message."""
        try:
            return change(*args)
        except PermissionError as error:
            if all_users:
                raise NeedsAdmin(f"changing autostart for all users needs administrator rights "
                                 f"({self.where(True)}): {self.admin_hint}") from None
            raise AutostartError(f"cannot change {self.where(False)}: {error.strerror or error}") from None
        except OSError as error:
            raise AutostartError(f"cannot change {self.where(all_users)}: {error.strerror or error}") from None


def switch(places: _Entries, on: bool) -> str:
    """Turn this user's entry on or off, as the Settings window's "Start Upright when I log in" does.

    Returns what still needs saying (an all-users entry that starts Upright
    anyway), else ""; raises AutostartError or OSError.
    """
    said = places.enable(False, command_line()) if on else places.disable(False)
    return said.split("\n", 1)[1] if "\n" in said else ""


def _scope(all_users: bool) -> str:
    return "for all users" if all_users else "for this user"


class XdgAutostart(_Entries):
    """XDG autostart: ``upright.desktop`` in the user's or the system's ``autostart`` folder."""

    def __init__(self, config_home: Path, config_dirs: list[Path]) -> None:
        self.user_file = config_home / "autostart" / DESKTOP_FILE
        self.system_files = [folder / "autostart" / DESKTOP_FILE for folder in config_dirs]

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], home: Path) -> "XdgAutostart":
        """The folders the spec names; relative paths in the variables are ignored, as it says."""
        config_home = environ.get("XDG_CONFIG_HOME", "")
        dirs = [Path(d) for d in environ.get("XDG_CONFIG_DIRS", "").split(":") if os.path.isabs(d)]
        return cls(Path(config_home) if os.path.isabs(config_home) else home / ".config",
                   dirs or [Path("/etc/xdg")])

    def where(self, all_users: bool) -> str:
        return str(self.system_files[0] if all_users else self.user_file)

    def status(self) -> tuple[State, State]:
        """The first entry found decides, the user's before the system's, as a session reads them."""
        system = next((self._state(f) for f in self.system_files if f.exists()), State(False))
        mine = self._state(self.user_file) if self.user_file.exists() else system
        return mine, system

    def _state(self, path: Path) -> State:
        try:
            keys = _desktop_keys(path)
        except OSError as error:
            raise AutostartError(f"cannot read {path}: {error.strerror or error}") from None
        # GNOME's Startup Applications turns an entry off with its own key instead of Hidden.
        hidden = keys.get("Hidden") == "true" or keys.get("X-GNOME-Autostart-enabled") == "false"
        return State(not hidden, str(path), hidden)

    def _exists(self, all_users: bool) -> bool:
        if all_users:
            return any(f.exists() for f in self.system_files)
        return self.user_file.exists()

    def _write(self, all_users: bool, argv: list[str]) -> bool:
        return self._write_text(all_users, desktop_entry(argv))

    def _write_text(self, all_users: bool, text: str) -> bool:
        return _write_atomically(Path(self.where(all_users)), text.encode("utf-8", "surrogateescape"))

    def _delete(self, all_users: bool) -> str:
        """The user's entry; for all users, every system folder's (a session reads them all)."""
        files = self.system_files if all_users else [self.user_file]
        return ", ".join(str(f) for f in files if _remove(f))

    def disable(self, all_users: bool) -> str:
        """For a user while an all-users entry is on: a ``Hidden=true`` entry of their own."""
        mine, system = self.status()
        if all_users or not system.on:
            return super().disable(all_users)
        if mine.hidden:
            return "Autostart was already off for this user."
        self._change(False, self._write_text, False, HIDDEN_ENTRY)
        return f"Autostart is off for this user: {self.user_file} hides the all-users entry {system.where}"


class LaunchAgents(_Entries):
    """macOS launchd: ``<LABEL>.plist`` in ``~/Library/LaunchAgents`` or ``/Library/LaunchAgents``."""

    def __init__(self, home: Path, root: Path = Path("/")) -> None:
        self.files = {False: home / "Library" / "LaunchAgents" / f"{LABEL}.plist",
                      True: root / "Library" / "LaunchAgents" / f"{LABEL}.plist"}

    def where(self, all_users: bool) -> str:
        return str(self.files[all_users])

    def _exists(self, all_users: bool) -> bool:
        return self.files[all_users].exists()

    def _write(self, all_users: bool, argv: list[str]) -> bool:
        import plistlib  # an XML writer, 0.6 MiB: loaded only by the one who writes a plist

        return _write_atomically(self.files[all_users], plistlib.dumps(launch_agent(argv)))

    def _delete(self, all_users: bool) -> str:
        _remove(self.files[all_users])
        return self.where(all_users)


class Registry(Protocol):
    """String values in the Windows registry; ``hive`` is ``"HKCU"`` or ``"HKLM"``.

    Missing rights raise PermissionError, as winreg does.
    """

    def read(self, hive: str, key: str, name: str) -> Optional[str]: ...

    def write(self, hive: str, key: str, name: str, value: str) -> None: ...

    def delete(self, hive: str, key: str, name: str) -> bool: ...


class WindowsRegistry:
    """:class:`Registry` on the real registry, through winreg (imported only on Windows)."""

    def __init__(self) -> None:
        import winreg  # type: ignore[import-not-found]

        self.winreg = winreg

    def _hive(self, hive: str):
        return {"HKCU": self.winreg.HKEY_CURRENT_USER, "HKLM": self.winreg.HKEY_LOCAL_MACHINE}[hive]

    def read(self, hive: str, key: str, name: str) -> Optional[str]:
        try:
            with self.winreg.OpenKey(self._hive(hive), key, 0, self.winreg.KEY_QUERY_VALUE) as handle:
                return str(self.winreg.QueryValueEx(handle, name)[0])
        except FileNotFoundError:
            return None

    def write(self, hive: str, key: str, name: str, value: str) -> None:
        with self.winreg.CreateKeyEx(self._hive(hive), key, 0, self.winreg.KEY_SET_VALUE) as handle:
            self.winreg.SetValueEx(handle, name, 0, self.winreg.REG_SZ, value)

    def delete(self, hive: str, key: str, name: str) -> bool:
        try:
            with self.winreg.OpenKey(self._hive(hive), key, 0, self.winreg.KEY_SET_VALUE) as handle:
                self.winreg.DeleteValue(handle, name)
        except FileNotFoundError:
            return False
        return True


class RunKeys(_Entries):
    """Windows: the ``Upright`` value of the ``Run`` key, in HKCU or HKLM."""

    admin_hint = "run it from a command prompt opened with \"Run as administrator\""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    @staticmethod
    def _hive(all_users: bool) -> str:
        return "HKLM" if all_users else "HKCU"

    def where(self, all_users: bool) -> str:
        return f"{self._hive(all_users)}\\{RUN_KEY}\\{NAME}"

    def _exists(self, all_users: bool) -> bool:
        return self.registry.read(self._hive(all_users), RUN_KEY, NAME) is not None

    def _write(self, all_users: bool, argv: list[str]) -> bool:
        value = subprocess.list2cmdline(argv)
        if self.registry.read(self._hive(all_users), RUN_KEY, NAME) == value:
            return False
        self.registry.write(self._hive(all_users), RUN_KEY, NAME, value)
        return True

    def _delete(self, all_users: bool) -> str:
        self.registry.delete(self._hive(all_users), RUN_KEY, NAME)
        return self.where(all_users)


def for_platform(platform: str = sys.platform, environ: Mapping[str, str] = os.environ,
                 home: Optional[Path] = None, root: Path = Path("/"),
                 registry: Optional[Registry] = None) -> _Entries:
    """The autostart places of ``platform`` (default: this one)."""
    if platform == "win32":
        return RunKeys(registry if registry is not None else WindowsRegistry())
    home = home if home is not None else Path.home()
    if platform == "darwin":
        return LaunchAgents(home, root)
    return XdgAutostart.from_environ(environ, home)
