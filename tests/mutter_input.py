"""Input for tests on headless mutter: a RemoteDesktop session, as GNOME's remote desktop uses.

The session lives as long as the connection that created it, so one object
keeps both. Keys go in by evdev code, pointer motion relative.

    with RemoteInput(address) as hands:
        hands.key()
        hands.nudge()
        hands.move_to(640, 400)
        hands.click()
"""

from __future__ import annotations

import time

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import unwrap_msg

REMOTE = "org.gnome.Mutter.RemoteDesktop"
KEY_A = 30
BTN_LEFT = 0x110  # evdev's left button


class RemoteInput:
    def __init__(self, bus_address: str) -> None:
        self.conn = open_dbus_connection(bus_address)
        manager = DBusAddress("/org/gnome/Mutter/RemoteDesktop", bus_name=REMOTE, interface=REMOTE)
        (path,) = self._call(new_method_call(manager, "CreateSession"))
        self.session = DBusAddress(path, bus_name=REMOTE, interface=f"{REMOTE}.Session")
        self._call(new_method_call(self.session, "Start"))

    def _call(self, msg):
        return unwrap_msg(self.conn.send_and_get_reply(msg, timeout=5))

    def key(self, code: int = KEY_A) -> None:
        for pressed in (True, False):
            self._call(new_method_call(self.session, "NotifyKeyboardKeycode", "ub", (code, pressed)))
            time.sleep(0.02)

    def nudge(self, dx: float = 3.0, dy: float = 2.0) -> None:
        self._call(new_method_call(self.session, "NotifyPointerMotionRelative", "dd", (dx, dy)))

    def move_to(self, x: int, y: int) -> None:
        """To a point of the screen: into its top-left corner first (motion stops at the edge), then on.

        Absolute motion needs a screen-cast stream in Mutter's API; relative motion of a virtual
        pointer is not accelerated, so corner-then-offset lands where asked.
        """
        self.nudge(-100000.0, -100000.0)
        time.sleep(0.05)
        self.nudge(float(x), float(y))

    def click(self) -> None:
        for pressed in (True, False):
            self._call(new_method_call(self.session, "NotifyPointerButton", "ib", (BTN_LEFT, pressed)))
            time.sleep(0.05)

    def close(self) -> None:
        try:
            self._call(new_method_call(self.session, "Stop"))
        except Exception:
            pass
        self.conn.close()

    def __enter__(self) -> "RemoteInput":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
