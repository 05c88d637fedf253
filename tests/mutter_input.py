"""Input for tests on headless mutter: a RemoteDesktop session, as GNOME's remote desktop uses.

The session lives as long as the connection that created it, so one object
keeps both. Keys go in by evdev code, pointer motion relative.

    with RemoteInput(address) as hands:
        hands.key()
        hands.nudge()
"""

from __future__ import annotations

import time

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import unwrap_msg

REMOTE = "org.gnome.Mutter.RemoteDesktop"
KEY_A = 30


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
