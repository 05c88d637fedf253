"""The StatusNotifierItem tray against a real host: waybar on a headless sway.

waybar is both the StatusNotifierWatcher the item registers with and the host
that draws it; the screenshot of its bar shows Upright's icon, and a click
from a virtual pointer comes back through waybar as `Activate`.
"""

from __future__ import annotations

import os
import queue
import time

import pytest

pytest.importorskip("pywayland", reason="pywayland is not installed (pip install -e '.[test]')")

from jeepney import DBusAddress, Properties  # noqa: E402
from jeepney.io.blocking import open_dbus_connection  # noqa: E402
from jeepney.wrappers import unwrap_msg  # noqa: E402

from agent.tray._sni import ITEM_INTERFACE, ITEM_PATH, SniTray  # noqa: E402
from agent.tray.icon_image import draw_icon  # noqa: E402
from tests.wayland_input import Injector  # noqa: E402
from tests.wayland_session import running_sway_with_waybar, screenshot, shared_session_bus  # noqa: E402

ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")
WATCHER = DBusAddress("/StatusNotifierWatcher", bus_name="org.kde.StatusNotifierWatcher",
                      interface="org.kde.StatusNotifierWatcher")


@pytest.fixture(scope="module")
def desk():
    with shared_session_bus() as address, running_sway_with_waybar(address) as session:
        yield session


@pytest.fixture
def bus(desk):
    conn = open_dbus_connection(desk.extra["DBUS_SESSION_BUS_ADDRESS"])
    deadline = time.monotonic() + 15
    while True:  # waybar takes the watcher's name once its bar is up
        try:
            unwrap_msg(conn.send_and_get_reply(Properties(WATCHER).get("IsStatusNotifierHostRegistered"),
                                               timeout=2))
            break
        except Exception:
            if time.monotonic() > deadline:
                pytest.fail("waybar never offered a StatusNotifierWatcher")
            time.sleep(0.2)
    bar_log = os.path.join(desk.runtime_dir, "waybar.log")
    while "Bar configured" not in open(bar_log).read():  # an item that comes before the bar is never drawn
        if time.monotonic() > deadline:
            pytest.fail("waybar never configured its bar")
        time.sleep(0.2)
    time.sleep(1.0)
    yield conn
    conn.close()


@pytest.fixture
def tray(desk, bus):
    actions: queue.Queue = queue.Queue()
    item = SniTray(actions.put, bus=desk.extra["DBUS_SESSION_BUS_ADDRESS"])
    item.actions = actions
    assert item.start() is True  # registered with waybar's watcher
    yield item
    item.stop()


def registered(bus) -> list[str]:
    (value,) = unwrap_msg(bus.send_and_get_reply(Properties(WATCHER).get("RegisteredStatusNotifierItems"),
                                                 timeout=2))
    return list(value[1])


def teal_pixels(path: str) -> int:
    """Pixels of the icon's progress colour in the bar's tray corner."""
    from PIL import Image

    ring = draw_icon(44, 1.0, "working").convert("RGB")
    colour = max(ring.getcolors(44 * 44), key=lambda c: c[0] if c[1] != (0, 0, 0) else -1)[1]
    corner = Image.open(path).convert("RGB").crop((1180, 0, 1280, 30))
    pixels = corner.load()
    return sum(1 for x in range(corner.width) for y in range(corner.height)
               if all(abs(a - b) < 16 for a, b in zip(pixels[x, y], colour)))


def test_the_item_registers_and_waybar_draws_its_icon(desk, bus, tray):
    assert any(tray.service in name for name in registered(bus))
    tray.update(1.0, "working", "Sitting 30 min")
    os.makedirs(ARTIFACTS, exist_ok=True)
    shot = os.path.join(ARTIFACTS, "wayland_sni_waybar.png")
    deadline = time.monotonic() + 10
    while teal_pixels(screenshot(desk, shot)) <= 20 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert teal_pixels(shot) > 20


def test_the_tooltip_and_icon_are_the_trays(desk, bus, tray):
    tray.update(0.5, "working", "Sitting 15 min · break in 15 min")
    item = DBusAddress(ITEM_PATH, bus_name=tray.service, interface=ITEM_INTERFACE)
    (tooltip,) = unwrap_msg(bus.send_and_get_reply(Properties(item).get("ToolTip"), timeout=2))
    assert tooltip[1][3] == "Sitting 15 min · break in 15 min"
    (pixmaps,) = unwrap_msg(bus.send_and_get_reply(Properties(item).get("IconPixmap"), timeout=2))
    sizes = [(width, height, len(data)) for width, height, data in pixmaps[1]]
    assert sizes == [(n, n, n * n * 4) for n in (16, 22, 24, 32, 48, 64)], "each drawn at a panel's size"


def test_clicking_the_icon_in_waybar_opens_the_panel(desk, tray):
    time.sleep(1.0)
    with Injector(desk.env["WAYLAND_DISPLAY"]) as hands:
        hands.move_to(1259, 15, 1280, 720)
        time.sleep(0.3)
        hands.nudge(1, 0)
        time.sleep(0.3)
        hands.click()
    assert tray.actions.get(timeout=5) == "open_panel"


def test_stopping_takes_the_item_off_the_bus(desk, bus):
    item = SniTray(lambda action: None, bus=desk.extra["DBUS_SESSION_BUS_ADDRESS"])
    item.start()
    item.stop()
    deadline = time.monotonic() + 5
    while any(item.service in name for name in registered(bus)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(item.service in name for name in registered(bus))


def test_a_wayland_session_with_a_watcher_gets_the_sni_tray(desk, bus, monkeypatch):
    from agent.tray import Tray

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", desk.extra["DBUS_SESSION_BUS_ADDRESS"])
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    tray = Tray(lambda action: None)
    try:
        assert tray.BACKEND == "sni"
    finally:
        tray.stop()


def test_doctor_finds_waybar_as_the_tray_host(desk, bus, tmp_path):
    import json
    import subprocess
    import sys

    env = {**desk.client_env(), "DBUS_SESSION_BUS_ADDRESS": desk.extra["DBUS_SESSION_BUS_ADDRESS"],
           "UPRIGHT_RUNTIME_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "agent", "doctor", "--json"], env=env, capture_output=True,
                          text=True, timeout=60, cwd=os.path.dirname(os.path.dirname(__file__)))
    rows = {row["check"]: row for row in json.loads(done.stdout)}
    assert rows["tray host"]["status"] == "OK" and "StatusNotifier" in rows["tray host"]["detail"]


def test_the_icon_is_drawn_again_only_when_it_can_look_different(tray):
    """Six sizes cost about 15 ms to draw: a tick that changes only the tooltip
    (or progress by less than the icon can show) keeps the pictures it has."""
    tray.update(0.5, "working", "Sitting 15 min")
    first = tray._pixmaps
    tray.update(0.5001, "working", "Sitting 15 min · next break in 15 min")
    assert tray._pixmaps is first
    tray.update(0.6, "working", "Sitting 18 min")
    assert tray._pixmaps is not first and tray._pixmaps != first
    tray.update(0.6, "break_due", "Break due")
    assert [w for w, _, _ in tray._pixmaps] == [16, 22, 24, 32, 48, 64]
    tray.update(float("nan"), "working", "Sitting 0 min")  # never raises
