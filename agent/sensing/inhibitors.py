"""Idle inhibitors: presentation and video apps ask the desktop not to go idle while they play.

On Wayland an app cannot see other apps' windows on GNOME, so the nearest
sign of "someone is presenting or watching" is the inhibitor such apps hold:

* GNOME: `org.gnome.SessionManager.IsInhibited(8)` (8: "do not mark the
  session idle"), which GNOME's own inhibitors and the freedesktop ScreenSaver
  inhibitors (forwarded by GNOME) both set;
* KDE and others: `org.freedesktop.PowerManagement.Inhibit.HasInhibit()`.

Each answers True/False, or None when the service is not there. Asked only
when a prompt is due, never on a tick.
"""

from __future__ import annotations

import logging
from typing import Any

from jeepney import DBusAddress, new_method_call
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

log = logging.getLogger(__name__)

GNOME_SESSION = DBusAddress("/org/gnome/SessionManager", bus_name="org.gnome.SessionManager",
                            interface="org.gnome.SessionManager")
POWER_INHIBIT = DBusAddress("/org/freedesktop/PowerManagement/Inhibit", bus_name="org.freedesktop.PowerManagement",
                            interface="org.freedesktop.PowerManagement.Inhibit")
INHIBIT_IDLE = 8
CALL_TIMEOUT_S = 1.0


def _ask(conn: Any, msg: Any) -> bool | None:
    try:
        (answer,) = unwrap_msg(conn.send_and_get_reply(msg, timeout=CALL_TIMEOUT_S))
    except (DBusErrorResponse, TimeoutError, OSError, ConnectionError, ValueError) as err:
        log.debug("idle inhibitors: no answer (%s)", err)
        return None
    return bool(answer)


def gnome_idle_inhibited(conn: Any) -> bool | None:
    """GNOME's session manager says an app keeps the session from going idle."""
    return _ask(conn, new_method_call(GNOME_SESSION, "IsInhibited", "u", (INHIBIT_IDLE,)))


def power_inhibited(conn: Any) -> bool | None:
    """The freedesktop PowerManagement service says an app holds an inhibitor (KDE)."""
    return _ask(conn, new_method_call(POWER_INHIBIT, "HasInhibit"))


def any_inhibited(conn: Any) -> bool:
    """Either service says an inhibitor is held."""
    return bool(gnome_idle_inhibited(conn) or power_inhibited(conn))
