"""A camera in use on Windows, read from the privacy records, with the registry faked.

Never run against a real registry: a dictionary of key paths stands in for
HKCU, shaped as Windows keeps the records (see agent.sensing.win32_camera).
"""

from __future__ import annotations

import types

import pytest

from agent.sensing._win32 import WindowsSensing
from agent.sensing.win32_camera import NON_PACKAGED, WEBCAM_STORE, camera_in_use

STOPPED = {"LastUsedTimeStart": 133_700_000_000_000_000, "LastUsedTimeStop": 133_700_000_600_000_000}
RUNNING = {"LastUsedTimeStart": 133_700_000_000_000_000, "LastUsedTimeStop": 0}
NEVER = {"Value": "Allow"}


def registry(apps: dict, programs: dict | None = None):
    """`read_key` over Store `apps` and NonPackaged `programs` ({name: values})."""
    keys = {WEBCAM_STORE: (list(apps) + ([NON_PACKAGED] if programs is not None else []), {"Value": "Allow"})}
    keys.update({f"{WEBCAM_STORE}\\{name}": ([], values) for name, values in apps.items()})
    if programs is not None:
        keys[f"{WEBCAM_STORE}\\{NON_PACKAGED}"] = (list(programs), {})
        keys.update({f"{WEBCAM_STORE}\\{NON_PACKAGED}\\{name}": ([], v) for name, v in programs.items()})
    read = []

    def read_key(path: str):
        read.append(path)
        if path not in keys:
            raise FileNotFoundError(2, "The system cannot find the file specified", path)
        return keys[path]

    read_key.read = read
    return read_key


@pytest.mark.parametrize("apps, programs, expected", [
    ({}, None, False),
    ({"Microsoft.WindowsCamera_8wekyb3d8bbwe": STOPPED}, None, False),
    ({"Microsoft.WindowsCamera_8wekyb3d8bbwe": RUNNING}, None, True),  # a Store app has it now
    ({"MSTeams_8wekyb3d8bbwe": NEVER}, {"C:#Program Files#Zoom#bin#Zoom.exe": STOPPED}, False),
    ({"MSTeams_8wekyb3d8bbwe": STOPPED}, {"C:#Program Files#Zoom#bin#Zoom.exe": RUNNING}, True),  # a program
])
def test_a_camera_is_in_use_while_some_app_started_and_has_not_stopped(apps, programs, expected):
    assert camera_in_use(registry(apps, programs)) is expected


def test_no_record_at_all_is_no_call():
    def missing(path):
        raise FileNotFoundError(2, "The system cannot find the file specified", path)

    assert camera_in_use(missing) is False


def test_an_app_removed_while_reading_is_skipped():
    read_key = registry({"Gone.App": RUNNING, "Zoom": RUNNING})
    listed = read_key(WEBCAM_STORE)
    vanished = registry({"Zoom": STOPPED})

    def racing(path):  # the store lists two apps, but one is gone by the time it is read
        return listed if path == WEBCAM_STORE else vanished(path)

    assert camera_in_use(racing) is False


def test_the_windows_backend_asks_its_camera_query():
    answers = [False, True]
    sensing = WindowsSensing(calls=(lambda: 0, lambda: 0), trap=types.SimpleNamespace(close=lambda: None),
                             lock=None, fullscreen=None, camera=lambda: answers.pop(0))
    assert [sensing.camera_in_use(), sensing.camera_in_use()] == [False, True]
    default = WindowsSensing(calls=(lambda: 0, lambda: 0), trap=types.SimpleNamespace(close=lambda: None),
                             lock=None, fullscreen=None)
    assert default._camera is None  # no winreg on this system: no registry query is made
