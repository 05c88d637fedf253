"""End to end on KDE's compositor: the real `upright run` in a headless KWin with XWayland.

The sway end-to-end tests (tests/test_wayland_e2e.py) run here unchanged, with
KWin's session and hands: input comes from KWin's fake input protocol, the
agent senses through `ext_idle_notifier_v1` (backend `wayland`, chosen from the
session, no X11 listener) and its break window shows through the XWayland KWin
started. KWin offers no screen copy to other clients, so the screenshot is the
break window's own pixels read through X (tests/artifacts/kwin_*.png).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pywayland", reason="pywayland is not installed (pip install -e '.[test]')")

from tests.test_wayland_e2e import ARTIFACTS, Agent, doctor_in, filled_button_centre, wait_for  # noqa: E402
from tests.test_wayland_e2e import test_without_xwayland_run_says_so_and_exits_2 as exits_2  # noqa: E402
from tests.wayland_session import KwinInput, running_kwin  # noqa: E402

# The behaviour proved on sway, run against KWin: pytest gives these tests this module's `agent`.
from tests.test_wayland_e2e import (  # noqa: E402,F401
    test_break_window_shows_through_xwayland_and_a_click_starts_the_break,
    test_sitting_counts_wayland_input_and_a_quiet_stretch_is_a_natural_break,
)


GRAB_WINDOW = """
import sys
from PIL import Image
from Xlib import X, display
connection = display.Display(sys.argv[1])
window = connection.create_resource_object("window", int(sys.argv[2]))
size = window.get_geometry()
raw = window.get_image(0, 0, size.width, size.height, X.ZPixmap, 0xFFFFFFFF)
Image.frombytes("RGB", (size.width, size.height), raw.data, "raw", "BGRX").save(sys.argv[3])
origin = window.translate_coords(connection.screen().root, 0, 0)
print(-origin.x, -origin.y)
"""


@pytest.fixture(scope="module")
def kwin():
    with running_kwin(xwayland=True) as session:
        yield session


class KwinAgent(Agent):
    """`upright run` in the KWin session; clicks land where the break window's pixels say."""

    SHOTS = "kwin_"  # the screenshots' prefix in tests/artifacts

    def _hands(self) -> KwinInput:
        return KwinInput(self.sway)

    def shot(self, name: str) -> Path:
        """The break window's pixels, read through XWayland (in a process of its own: python-xlib keeps
        one table of extension events for every display a process opens, and XWayland's differ)."""
        [window_id] = wait_for(self.break_windows, 10, "the break window to shot", self)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.SHOTS}{name}"
        done = subprocess.run([sys.executable, "-c", GRAB_WINDOW, self.env["DISPLAY"], window_id, str(path)],
                              env=self.env, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, f"reading the break window's pixels failed:\n{done.stderr}"
        self.window_origin = tuple(int(n) for n in done.stdout.split())
        return path

    def primary_button(self, name: str) -> tuple[int, int]:
        """The filled button's centre in KWin's space: its place on the window plus the window's."""
        self.hands.move_to(1, 1)  # off the window: no hover colour
        time.sleep(0.3)
        x, y = filled_button_centre(self.shot(name))
        return x + self.window_origin[0], y + self.window_origin[1]

    def click(self, where: tuple[int, int]) -> None:
        self.hands.move_to(where[0] - 1, where[1])
        time.sleep(0.3)
        self.hands.move_to(*where)  # a motion inside the button: Tk sees the pointer enter it
        time.sleep(0.3)
        self.hands.click()


@pytest.fixture
def agent(kwin, tmp_path):
    running = KwinAgent(kwin, tmp_path)
    yield running
    running.stop()


def test_doctor_reports_each_wayland_capability_on_kwin(kwin, tmp_path):
    _env, rows = doctor_in(kwin, tmp_path)  # display, input source and activity OK
    assert "ext_idle_notifier_v1" in rows["wayland activity"]["detail"]
    assert rows["wayland full screen"]["status"] == "WARN"  # KWin lists no windows to other apps
    assert "upright pause" in rows["wayland full screen"]["fix"]


def test_without_xwayland_run_says_so_and_exits_2_on_kwin(kwin, tmp_path):
    exits_2(kwin, tmp_path)  # the session's clients get no DISPLAY: sensing could start, windows could not
