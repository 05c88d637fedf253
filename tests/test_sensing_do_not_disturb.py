"""Camera and full-screen checks that need no X server."""

from __future__ import annotations

import os

from agent.sensing.do_not_disturb import Rect, camera_in_use, covers, covers_any


def fake_system(tmp_path, holders: dict[str, list[str]]) -> tuple[str, str]:
    """A /dev with two cameras and a /proc whose processes hold `holders` files."""
    dev = tmp_path / "dev"
    dev.mkdir()
    for name in ("video0", "video1", "null"):
        (dev / name).touch()
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "self").mkdir()  # not a pid: ignored
    for pid, targets in holders.items():
        fd = proc / pid / "fd"
        fd.mkdir(parents=True)
        for number, target in enumerate(targets):
            os.symlink(dev / target if target != "pipe" else "pipe:[4242]", fd / str(number))
    return str(proc), str(dev / "video*")


def test_a_process_holding_a_camera_means_in_use(tmp_path):
    proc, devices = fake_system(tmp_path, {"100": ["null", "pipe"], "2001": ["null", "video0"]})
    assert camera_in_use(proc_root=proc, device_glob=devices) is True


def test_no_process_holding_a_camera(tmp_path):
    proc, devices = fake_system(tmp_path, {"100": ["null", "pipe"], "2001": ["null"]})
    assert camera_in_use(proc_root=proc, device_glob=devices) is False


def test_no_camera_device_at_all(tmp_path):
    proc, _devices = fake_system(tmp_path, {"100": ["video0"]})
    assert camera_in_use(proc_root=proc, device_glob=str(tmp_path / "none*")) is False


def test_unreadable_or_vanished_processes_are_skipped(tmp_path):
    proc, devices = fake_system(tmp_path, {"300": ["video1"]})
    (tmp_path / "proc" / "150").mkdir()  # exited: no fd folder
    (tmp_path / "proc" / "160").mkdir()
    (tmp_path / "proc" / "160" / "fd").write_text("not a folder")  # unreadable
    assert camera_in_use(proc_root=proc, device_glob=devices) is True
    assert camera_in_use(proc_root=str(tmp_path / "no-proc"), device_glob=devices) is False


def test_real_proc_is_readable():
    assert camera_in_use() in (True, False)


def test_covering_a_monitor():
    screen = Rect(0, 0, 1280, 800)
    assert covers(Rect(0, 0, 1280, 800), screen)
    assert covers(Rect(-2, -2, 1284, 804), screen)  # borders off screen
    assert not covers(Rect(0, 0, 1280, 799), screen)
    assert not covers(Rect(40, 40, 300, 200), screen)
    right = Rect(1280, 0, 1920, 1080)
    assert covers_any(Rect(1280, 0, 1920, 1080), [screen, right])
    assert not covers_any(Rect(0, 0, 1920, 800), [Rect(0, 0, 1920, 1080)])
