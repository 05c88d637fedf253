"""Input for tests on a headless wlroots compositor: a virtual keyboard and pointer.

The compositor treats them like devices plugged into its seat, so its idle
timers, and Upright's Wayland backend through them, see the input exactly as
they would see a person's. Only Wayland clients hear it: no X11 program runs
beside the tests, so when Upright notices, the Wayland backend heard it.

    with Injector(session.env["WAYLAND_DISPLAY"]) as hands:
        hands.key()          # press and release one key
        hands.nudge()        # move the pointer a little
"""

from __future__ import annotations

import os
import time

from pywayland.client import Display
from pywayland.protocol.wayland import WlSeat
from pywayland.protocol_core import Argument, ArgumentType, Global, Interface, Proxy, Resource

# A keymap with one key: the compositor compiles it with libxkbcommon.
KEYMAP = b"""xkb_keymap {
  xkb_keycodes "upright" { minimum = 8; maximum = 255; <AC01> = 38; };
  xkb_types "upright" { include "complete" };
  xkb_compatibility "upright" { include "complete" };
  xkb_symbols "upright" { key <AC01> { [ a, A ] }; };
};
\0"""
KEY_A = 30  # evdev code of <AC01> (38 - 8)
BTN_LEFT = 0x110


class VirtualKeyboard(Interface):
    name = "zwp_virtual_keyboard_v1"
    version = 1


class VirtualKeyboardManager(Interface):
    name = "zwp_virtual_keyboard_manager_v1"
    version = 1


class VirtualPointer(Interface):
    name = "zwlr_virtual_pointer_v1"
    version = 2


class VirtualPointerManager(Interface):
    name = "zwlr_virtual_pointer_manager_v1"
    version = 2


class VirtualKeyboardProxy(Proxy[VirtualKeyboard]):
    interface = VirtualKeyboard

    @VirtualKeyboard.request(Argument(ArgumentType.Uint), Argument(ArgumentType.FileDescriptor),
                             Argument(ArgumentType.Uint))
    def keymap(self, format_: int, fd: int, size: int) -> None:
        self._marshal(0, format_, fd, size)

    @VirtualKeyboard.request(Argument(ArgumentType.Uint), Argument(ArgumentType.Uint), Argument(ArgumentType.Uint))
    def key(self, time_ms: int, key: int, state: int) -> None:
        self._marshal(1, time_ms, key, state)


class VirtualKeyboardManagerProxy(Proxy[VirtualKeyboardManager]):
    interface = VirtualKeyboardManager

    @VirtualKeyboardManager.request(Argument(ArgumentType.Object, interface=WlSeat),
                                    Argument(ArgumentType.NewId, interface=VirtualKeyboard))
    def create_virtual_keyboard(self, seat) -> VirtualKeyboardProxy:
        return self._marshal_constructor(0, VirtualKeyboard, seat)


class VirtualPointerProxy(Proxy[VirtualPointer]):
    interface = VirtualPointer

    @VirtualPointer.request(Argument(ArgumentType.Uint), Argument(ArgumentType.Fixed), Argument(ArgumentType.Fixed))
    def motion(self, time_ms: int, dx: float, dy: float) -> None:
        self._marshal(0, time_ms, dx, dy)

    @VirtualPointer.request(*(Argument(ArgumentType.Uint),) * 5)
    def motion_absolute(self, time_ms: int, x: int, y: int, x_extent: int, y_extent: int) -> None:
        self._marshal(1, time_ms, x, y, x_extent, y_extent)

    @VirtualPointer.request(*(Argument(ArgumentType.Uint),) * 3)
    def button(self, time_ms: int, button: int, state: int) -> None:
        self._marshal(2, time_ms, button, state)

    @VirtualPointer.request(Argument(ArgumentType.Uint), Argument(ArgumentType.Uint), Argument(ArgumentType.Fixed))
    def axis(self, time_ms: int, axis: int, value: float) -> None:
        self._marshal(3, time_ms, axis, value)

    @VirtualPointer.request()
    def frame(self) -> None:
        self._marshal(4)


class VirtualPointerManagerProxy(Proxy[VirtualPointerManager]):
    interface = VirtualPointerManager

    @VirtualPointerManager.request(Argument(ArgumentType.Object, interface=WlSeat, nullable=True),
                                   Argument(ArgumentType.NewId, interface=VirtualPointer))
    def create_virtual_pointer(self, seat) -> VirtualPointerProxy:
        return self._marshal_constructor(0, VirtualPointer, seat)


for _iface, _proxy in ((VirtualKeyboard, VirtualKeyboardProxy), (VirtualKeyboardManager, VirtualKeyboardManagerProxy),
                       (VirtualPointer, VirtualPointerProxy), (VirtualPointerManager, VirtualPointerManagerProxy)):
    _iface._gen_c()
    _iface.proxy_class = _proxy
    _iface.resource_class = type(f"{_iface.__name__}Resource", (Resource,), {"interface": _iface})
    _iface.global_class = type(f"{_iface.__name__}Global", (Global,), {"interface": _iface})


class Injector:
    """A virtual keyboard and pointer on one compositor's seat."""

    def __init__(self, wayland_display: str) -> None:
        self.display = Display(wayland_display)
        self.display.connect()
        offered: dict[str, tuple[int, int]] = {}
        registry = self.display.get_registry()
        registry.dispatcher["global"] = lambda _r, name, iface, version: offered.__setitem__(iface, (name, version))
        self.display.roundtrip()
        self._registry = registry
        seat = registry.bind(offered["wl_seat"][0], WlSeat, 1)
        keyboards = registry.bind(offered[VirtualKeyboardManager.name][0], VirtualKeyboardManager, 1)
        pointers = registry.bind(offered[VirtualPointerManager.name][0], VirtualPointerManager, 1)
        self.keyboard = keyboards.create_virtual_keyboard(seat)
        self._upload_keymap()
        self.pointer = pointers.create_virtual_pointer(seat)
        self.display.roundtrip()
        self._start = time.monotonic()

    def _upload_keymap(self) -> None:
        fd = os.memfd_create("upright-keymap")
        os.write(fd, KEYMAP)
        self.keyboard.keymap(1, fd, len(KEYMAP))  # 1: XKB_V1
        self.display.roundtrip()
        os.close(fd)

    def _ms(self) -> int:
        return int((time.monotonic() - self._start) * 1000) & 0xFFFFFFFF

    def key(self, code: int = KEY_A) -> None:
        """Press and release one key."""
        self.keyboard.key(self._ms(), code, 1)
        self.keyboard.key(self._ms(), code, 0)
        self.display.roundtrip()

    def nudge(self, dx: float = 3.0, dy: float = 2.0) -> None:
        """Move the pointer by (dx, dy)."""
        self.pointer.motion(self._ms(), dx, dy)
        self.pointer.frame()
        self.display.roundtrip()

    def move_to(self, x: int, y: int, width: int, height: int) -> None:
        """Put the pointer at (x, y) of a width x height output."""
        self.pointer.motion_absolute(self._ms(), x, y, width, height)
        self.pointer.frame()
        self.display.roundtrip()

    def click(self, button: int = BTN_LEFT) -> None:
        """Press and release a pointer button, a human moment apart (X11 apps under XWayland need it)."""
        for state in (1, 0):
            self.pointer.button(self._ms(), button, state)
            self.pointer.frame()
            self.display.roundtrip()
            time.sleep(0.15)

    def close(self) -> None:
        self.display.disconnect()

    def __enter__(self) -> "Injector":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
