"""Windows' display scale, read by the real Windows build under Wine.

Wine keeps one DPI for every monitor (its LogPixels setting, which winecfg's
"Screen resolution" writes), so this proves the per-monitor call
(`GetDpiForMonitor` on the monitor with the pointer) and the DPI awareness
the window process asks for, not two monitors at different scales.
"""

from __future__ import annotations

import pytest

from tests.windows.wine import build_program, needs_wine, wine_prefix
from tests.xvfb import running_xvfb

pytestmark = needs_wine

PROBE = """
import ctypes
from ctypes import wintypes
from agent.ui import scale
scale.make_dpi_aware()
import tkinter
root = tkinter.Tk()
x, y = root.winfo_pointerxy()
monitor = ctypes.windll.user32.MonitorFromPoint(wintypes.POINT(x, y), 2)
dpi_x, dpi_y = wintypes.UINT(), wintypes.UINT()
result = ctypes.windll.shcore.GetDpiForMonitor(monitor, 0, ctypes.byref(dpi_x), ctypes.byref(dpi_y))
print(result, dpi_y.value, scale.desktop_scale_of(root), scale.current(root)[1])
"""
DPI_KEYS = (r"HKCU\Control Panel\Desktop", r"HKLM\System\CurrentControlSet\Hardware Profiles\Current\Software\Fonts")


@pytest.fixture(scope="module")
def wine(tmp_path_factory):
    build_program()
    with running_xvfb(None) as display, wine_prefix(tmp_path_factory.mktemp("wine_dpi"), display) as wine:
        yield wine


def probe(wine) -> list[str]:
    result = wine.python("-c", PROBE, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()


def test_the_monitors_dpi_sets_the_scale(wine):
    assert probe(wine) == ["0", "96", "1.0", "1.0"]
    for key in DPI_KEYS:  # 200 %, as Windows' display settings (winecfg here) set it
        assert wine.run("reg", "add", key, "/v", "LogPixels", "/t", "REG_DWORD", "/d", "192", "/f").returncode == 0
    assert probe(wine) == ["0", "192", "2.0", "2.0"]
