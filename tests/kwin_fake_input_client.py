"""Input for tests on a headless KWin: a client of KWin's fake input protocol, run as the compositor's user.

KWin offers `org_kde_kwin_fake_input` (what KDE Connect and the virtual keyboard
use) only to programs it trusts: it reads the client's executable from
/proc/<pid>/exe and looks for a desktop file whose Exec is that program and
whose `X-KDE-Wayland-Interfaces` names the protocol. KWin runs as the test user
and may not read a root process's /proc entry, so this client runs as that user
too, as its own process, on its own copy of python3 (`tests.wayland_session.KwinInput` starts it): it reads one word a
line on stdin (`key`, `nudge`, `move_to X Y`, `press`, `release`), injects it, then answers `ok` once KWin has
processed the request (a roundtrip).

It is a script, not an import: it needs only pywayland (found through
PYTHONPATH) and a copy of the system's python3.
"""

from __future__ import annotations

import sys

from pywayland.client import Display
from pywayland.protocol_core import Argument, ArgumentType, Global, Interface, Proxy, Resource

KEY_A = 30  # evdev codes
BTN_LEFT = 0x110
PRESSED, RELEASED = 1, 0


class FakeInput(Interface):
    name = "org_kde_kwin_fake_input"
    version = 4


class FakeInputProxy(Proxy[FakeInput]):
    """The requests this client uses, at their opcodes in KWin's fake-input.xml."""

    interface = FakeInput

    @FakeInput.request(Argument(ArgumentType.String), Argument(ArgumentType.String))
    def authenticate(self, application: str, reason: str) -> None:
        self._marshal(0, application, reason)

    @FakeInput.request(Argument(ArgumentType.Fixed), Argument(ArgumentType.Fixed))
    def pointer_motion(self, dx: float, dy: float) -> None:
        self._marshal(1, dx, dy)

    # pywayland numbers requests by their order here: the ones between are declared, never sent.
    @FakeInput.request(Argument(ArgumentType.Uint), Argument(ArgumentType.Uint))
    def button(self, button: int, state: int) -> None:
        self._marshal(2, button, state)

    @FakeInput.request(Argument(ArgumentType.Uint), Argument(ArgumentType.Fixed))
    def axis(self, axis: int, value: float) -> None:
        self._marshal(3, axis, value)

    @FakeInput.request(Argument(ArgumentType.Uint), Argument(ArgumentType.Fixed), Argument(ArgumentType.Fixed))
    def touch_down(self, touch: int, x: float, y: float) -> None:
        self._marshal(4, touch, x, y)

    @FakeInput.request(Argument(ArgumentType.Uint), Argument(ArgumentType.Fixed), Argument(ArgumentType.Fixed))
    def touch_motion(self, touch: int, x: float, y: float) -> None:
        self._marshal(5, touch, x, y)

    @FakeInput.request(Argument(ArgumentType.Uint))
    def touch_up(self, touch: int) -> None:
        self._marshal(6, touch)

    @FakeInput.request()
    def touch_cancel(self) -> None:
        self._marshal(7)

    @FakeInput.request()
    def touch_frame(self) -> None:
        self._marshal(8)

    @FakeInput.request(Argument(ArgumentType.Fixed), Argument(ArgumentType.Fixed))
    def pointer_motion_absolute(self, x: float, y: float) -> None:
        self._marshal(9, x, y)

    @FakeInput.request(Argument(ArgumentType.Uint), Argument(ArgumentType.Uint))
    def keyboard_key(self, key: int, state: int) -> None:
        self._marshal(10, key, state)


FakeInput._gen_c()
FakeInput.proxy_class = FakeInputProxy
FakeInput.resource_class = type("FakeInputResource", (Resource,), {"interface": FakeInput})
FakeInput.global_class = type("FakeInputGlobal", (Global,), {"interface": FakeInput})


def connect(wayland_display: str) -> tuple[Display, FakeInputProxy]:
    """Bind the fake input global; exits with a message if KWin does not offer it to us."""
    display = Display(wayland_display)
    display.connect()
    offered: dict[str, tuple[int, int]] = {}
    registry = display.get_registry()
    registry.dispatcher["global"] = lambda _r, name, iface, version: offered.__setitem__(iface, (name, version))
    display.roundtrip()
    if FakeInput.name not in offered:
        display.disconnect()
        sys.exit(f"KWin does not offer {FakeInput.name} to this client (desktop file not found or not trusted)")
    name, version = offered[FakeInput.name]
    fake = registry.bind(name, FakeInput, min(version, FakeInput.version))
    fake.authenticate("Upright tests", "inject input to test idle sensing")
    display.roundtrip()
    return display, fake


def serve(display: Display, fake: FakeInputProxy) -> None:
    """Inject what each line of stdin asks for; answer `ok` after KWin has it."""
    print("ready", flush=True)
    for line in sys.stdin:
        word, *numbers = line.split()
        if word == "key":
            fake.keyboard_key(KEY_A, PRESSED)
            fake.keyboard_key(KEY_A, RELEASED)
        elif word == "nudge":
            fake.pointer_motion(3.0, 2.0)
        elif word == "move_to":  # x y, in the compositor's global coordinates
            fake.pointer_motion_absolute(float(numbers[0]), float(numbers[1]))
        elif word in ("press", "release"):
            fake.button(BTN_LEFT, PRESSED if word == "press" else RELEASED)
        else:
            print(f"unknown {word!r}", flush=True)
            continue
        display.roundtrip()
        print("ok", flush=True)
    display.disconnect()


if __name__ == "__main__":
    serve(*connect(sys.argv[1]))
