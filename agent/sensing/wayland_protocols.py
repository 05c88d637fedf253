"""Wayland protocols pywayland does not ship: KDE's idle timer and wlroots' window list.

pywayland carries the protocols of wayland-protocols (among them
`ext-idle-notify-v1`), but not two that compositors in use today offer:

* `org_kde_kwin_idle` (KWin, and wlroots compositors such as sway 1.7):
  "tell me when the seat has been idle for N ms, and when it is active again";
* `zwlr_foreign_toplevel_manager_v1` (wlroots): every window's state, among
  them *fullscreen* and *activated*, which is how Upright sees a presentation.

Each is declared here the way pywayland's scanner declares the protocols it
generates: requests and events in wire order (their position is the opcode),
with the argument types of the protocol's XML. Only what Upright uses has a
method; events it ignores are still declared so that later opcodes stay right.
"""

from __future__ import annotations

from pywayland.protocol.wayland import WlSeat, WlSurface
from pywayland.protocol_core import Argument, ArgumentType, Global, Interface, Proxy, Resource

# -- org_kde_kwin_idle (version 1) ----------------------------------------------


class KdeIdleTimeout(Interface):
    """One timer: `idle` after the timeout without input, `resumed` at the next input."""

    name = "org_kde_kwin_idle_timeout"
    version = 1


class KdeIdle(Interface):
    """The idle-timer factory global."""

    name = "org_kde_kwin_idle"
    version = 1


class KdeIdleTimeoutResource(Resource[KdeIdleTimeout]):
    interface = KdeIdleTimeout

    @KdeIdleTimeout.event()
    def idle(self) -> None:
        """No input for the timeout."""

    @KdeIdleTimeout.event()
    def resumed(self) -> None:
        """Input again after `idle`."""


class KdeIdleTimeoutProxy(Proxy[KdeIdleTimeout]):
    interface = KdeIdleTimeout

    @KdeIdleTimeout.request()
    def release(self) -> None:
        """Destroy the timer."""
        self._marshal(0)
        self._destroy()

    @KdeIdleTimeout.request()
    def simulate_user_activity(self) -> None:
        """Restart the timer as if there had been input (unused)."""
        self._marshal(1)


class KdeIdleResource(Resource[KdeIdle]):
    interface = KdeIdle


class KdeIdleProxy(Proxy[KdeIdle]):
    interface = KdeIdle

    @KdeIdle.request(
        Argument(ArgumentType.NewId, interface=KdeIdleTimeout),
        Argument(ArgumentType.Object, interface=WlSeat),
        Argument(ArgumentType.Uint),
    )
    def get_idle_timeout(self, seat, timeout: int) -> KdeIdleTimeoutProxy:
        """A timer that fires after `timeout` ms without input on `seat`."""
        return self._marshal_constructor(0, KdeIdleTimeout, seat, timeout)


# -- zwlr_foreign_toplevel_management_unstable_v1 (version 3) --------------------


class ToplevelHandle(Interface):
    """One window of any client: its title, app id, outputs and state."""

    name = "zwlr_foreign_toplevel_handle_v1"
    version = 3


class ToplevelManager(Interface):
    """The window-list global: announces every window as a handle."""

    name = "zwlr_foreign_toplevel_manager_v1"
    version = 3


#: Values in a handle's `state` array.
STATE_MAXIMIZED, STATE_MINIMIZED, STATE_ACTIVATED, STATE_FULLSCREEN = 0, 1, 2, 3


class ToplevelHandleResource(Resource[ToplevelHandle]):
    interface = ToplevelHandle

    @ToplevelHandle.event(Argument(ArgumentType.String))
    def title(self, title: str) -> None:
        """The window's title (Upright never reads it)."""

    @ToplevelHandle.event(Argument(ArgumentType.String))
    def app_id(self, app_id: str) -> None:
        """The window's application id (Upright never reads it)."""

    @ToplevelHandle.event(Argument(ArgumentType.Object))  # no interface: outputs are not looked up
    def output_enter(self, output) -> None:
        """The window is now on `output`."""

    @ToplevelHandle.event(Argument(ArgumentType.Object))
    def output_leave(self, output) -> None:
        """The window left `output`."""

    @ToplevelHandle.event(Argument(ArgumentType.Array))
    def state(self, state: bytes) -> None:
        """The window's states, an array of 32-bit STATE_* values."""

    @ToplevelHandle.event()
    def done(self) -> None:
        """The events since the last `done` form one consistent update."""

    @ToplevelHandle.event()
    def closed(self) -> None:
        """The window is gone; destroy the handle."""

    @ToplevelHandle.event(Argument(ArgumentType.Object, nullable=True), version=3)
    def parent(self, parent) -> None:
        """The window's parent window, if any."""


class ToplevelHandleProxy(Proxy[ToplevelHandle]):
    interface = ToplevelHandle

    @ToplevelHandle.request()
    def set_maximized(self) -> None:
        self._marshal(0)

    @ToplevelHandle.request()
    def unset_maximized(self) -> None:
        self._marshal(1)

    @ToplevelHandle.request()
    def set_minimized(self) -> None:
        self._marshal(2)

    @ToplevelHandle.request()
    def unset_minimized(self) -> None:
        self._marshal(3)

    @ToplevelHandle.request(Argument(ArgumentType.Object, interface=WlSeat))
    def activate(self, seat) -> None:
        self._marshal(4, seat)

    @ToplevelHandle.request()
    def close(self) -> None:
        self._marshal(5)

    @ToplevelHandle.request(
        Argument(ArgumentType.Object, interface=WlSurface),
        Argument(ArgumentType.Int), Argument(ArgumentType.Int), Argument(ArgumentType.Int), Argument(ArgumentType.Int),
    )
    def set_rectangle(self, surface, x: int, y: int, width: int, height: int) -> None:
        self._marshal(6, surface, x, y, width, height)

    @ToplevelHandle.request()
    def destroy(self) -> None:
        """Forget the handle (after `closed`)."""
        self._marshal(7)
        self._destroy()


class ToplevelManagerResource(Resource[ToplevelManager]):
    interface = ToplevelManager

    @ToplevelManager.event(Argument(ArgumentType.NewId, interface=ToplevelHandle))
    def toplevel(self, handle) -> None:
        """A window appeared (or existed when the manager was bound)."""

    @ToplevelManager.event()
    def finished(self) -> None:
        """The compositor stops sending window events."""


class ToplevelManagerProxy(Proxy[ToplevelManager]):
    interface = ToplevelManager

    @ToplevelManager.request()
    def stop(self) -> None:
        """Ask for no more window events; `finished` follows."""
        self._marshal(0)


def _register(interface, proxy, resource) -> None:
    """What the scanner's generated modules do at their end: build the C struct."""
    interface._gen_c()
    interface.proxy_class = proxy
    interface.resource_class = resource
    interface.global_class = type(f"{interface.__name__}Global", (Global,), {"interface": interface})


for _interface, _proxy, _resource in (
    (KdeIdleTimeout, KdeIdleTimeoutProxy, KdeIdleTimeoutResource),
    (KdeIdle, KdeIdleProxy, KdeIdleResource),
    (ToplevelHandle, ToplevelHandleProxy, ToplevelHandleResource),
    (ToplevelManager, ToplevelManagerProxy, ToplevelManagerResource),
):
    _register(_interface, _proxy, _resource)
