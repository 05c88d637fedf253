"""End to end on GNOME's compositor: the real `upright run` in a headless mutter with its XWayland.

The sway end-to-end tests (tests/test_wayland_e2e.py) run here unchanged, with
GNOME's session and hands: input comes from Mutter's RemoteDesktop API (as
GNOME's remote desktop sends it), the agent senses through Mutter's IdleMonitor
on the session bus (backend `mutter`, chosen from XDG_CURRENT_DESKTOP, no X11
listener) and its break window shows through the XWayland mutter started. mutter
offers no screen copy to other clients, so the screenshots are the break
window's own pixels read through X (tests/artifacts/mutter_*.png), as on KWin.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pywayland", reason="pywayland is not installed (pip install -e '.[test]')")

from tests.mutter_input import RemoteInput  # noqa: E402
from tests.test_kwin_e2e import KwinAgent  # noqa: E402
from tests.test_wayland_e2e import doctor_in  # noqa: E402
from tests.test_wayland_e2e import test_without_xwayland_run_says_so_and_exits_2 as exits_2  # noqa: E402
from tests.wayland_session import running_mutter  # noqa: E402

# The behaviour proved on sway, run against mutter: pytest gives these tests this module's `agent`.
from tests.test_wayland_e2e import (  # noqa: E402,F401
    test_break_window_shows_through_xwayland_and_a_click_starts_the_break,
    test_sitting_counts_wayland_input_and_a_quiet_stretch_is_a_natural_break,
)


@pytest.fixture(scope="module")
def mutter():
    with running_mutter(xwayland=True) as session:
        yield session


class MutterAgent(KwinAgent):
    """`upright run` in the GNOME session, its hands a RemoteDesktop session of Mutter's."""

    BACKEND = "mutter"
    SHOTS = "mutter_"

    def _hands(self) -> RemoteInput:
        return RemoteInput(self.sway.env["DBUS_SESSION_BUS_ADDRESS"])


@pytest.fixture
def agent(mutter, tmp_path):
    running = MutterAgent(mutter, tmp_path)
    yield running
    running.stop()


def test_doctor_reports_each_wayland_capability_on_gnome(mutter, tmp_path):
    _env, rows = doctor_in(mutter, tmp_path)  # display (XWayland), input source and activity OK
    assert "IdleMonitor" in rows["wayland activity"]["detail"]
    assert rows["wayland full screen"]["status"] == "OK"  # GNOME's inhibitors and Do Not Disturb switch


def test_without_xwayland_run_says_so_and_exits_2_on_gnome(mutter, tmp_path):
    exits_2(mutter, tmp_path)  # the session's clients get no DISPLAY: sensing could start, windows could not
