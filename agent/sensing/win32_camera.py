"""Whether a camera is in use on Windows: someone is in a call.

NOT RUN ON WINDOWS. Written from how Windows' privacy settings record camera
use, and tested on Linux with the registry replaced by a dictionary.

Windows notes, for its "apps that used your camera" privacy page, when each
app last started and stopped using the camera, under
``HKCU\\...\\CapabilityAccessManager\\ConsentStore\\webcam``: one subkey per
Store app, and one per program path under ``NonPackaged``, each with the
QWORD values ``LastUsedTimeStart`` and ``LastUsedTimeStop`` (FILETIMEs). An
app that started and has not stopped has ``LastUsedTimeStop`` 0: the camera
is on now. Only those two numbers are read, and only to answer yes or no;
which program it was is not kept.
"""

from __future__ import annotations

import logging
from typing import Callable, Iterator

log = logging.getLogger(__name__)

WEBCAM_STORE = r"Software\Microsoft\Windows\CurrentVersion\CapabilityAccessManager\ConsentStore\webcam"
NON_PACKAGED = "NonPackaged"

#: (key path under HKCU) -> (subkey names, {value name: value}); raises OSError if the key is missing.
ReadKey = Callable[[str], tuple[list[str], dict]]


def camera_in_use(read_key: ReadKey) -> bool:
    """True if some app's last use of the camera has started and not yet stopped."""
    try:
        return any(_in_use(values) for values in _apps(read_key))
    except OSError as err:  # no such store (an old Windows): no sign of a call
        log.debug("camera use unknown: %s", err)
        return False


def _apps(read_key: ReadKey) -> Iterator[dict]:
    """The values of each app's subkey, Store apps and NonPackaged programs alike."""
    names, _ = read_key(WEBCAM_STORE)
    for name in names:
        path = f"{WEBCAM_STORE}\\{name}"
        programs = _read(read_key, path)[0] if name == NON_PACKAGED else [None]
        for program in programs:
            yield _read(read_key, path if program is None else f"{path}\\{program}")[1]


def _read(read_key: ReadKey, path: str) -> tuple[list[str], dict]:
    """A key that vanished since it was listed (the app was removed) is an empty one."""
    try:
        return read_key(path)
    except OSError:
        return [], {}


def _in_use(values: dict) -> bool:
    return bool(values.get("LastUsedTimeStart")) and values.get("LastUsedTimeStop") == 0


def winreg_reader() -> ReadKey:
    """`ReadKey` on the current user's real registry (Windows only)."""
    import winreg  # type: ignore[import-not-found]

    def read_key(path: str) -> tuple[list[str], dict]:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, path) as key:
            subkeys, values, _ = winreg.QueryInfoKey(key)
            names = [winreg.EnumKey(key, i) for i in range(subkeys)]
            return names, {name: value for name, value, _ in (winreg.EnumValue(key, i) for i in range(values))}

    return read_key
