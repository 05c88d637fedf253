"""X11: one pynput listener that hears the keyboard and the pointer together.

pynput gives a keyboard listener and a mouse listener; on X11 each is a
thread with two X connections of its own and one RECORD context. Upright only
needs to know *that* some input came, so while you are away it arms a single
listener whose RECORD context spans both kinds of device event: key press and
release, button press and release, pointer motion. Measured in the agent
under Xvfb (three runs each way, see benchmarks/agent.py): 0.7 MiB less
resident memory while away than two listeners, one thread and two X
connections fewer.

It is pynput's own X11 mouse listener, with the two hooks pynput's
`ListenerMixin` documents for its subclasses: `_EVENTS`, the device event
types to record (a first-last range of X event codes), and `_handle_message`,
which here calls the one callback with no arguments, without reading any
field of the event: no key, button or coordinates leave the X library's
parser. Re-check both hooks when upgrading pynput past 1.8.
"""

from __future__ import annotations

from typing import Any, Callable

_LISTENER_CLASS: Any = None


def keyboard_and_pointer(on_input: Callable[..., None]) -> tuple[Any, ...]:
    """The listeners for one round of `ActivityTrap`: here just one."""
    return (_listener_class()(on_input),)


def _listener_class() -> Any:
    """Built on first use: importing pynput already opens the display."""
    global _LISTENER_CLASS
    if _LISTENER_CLASS is None:
        import Xlib.X

        from agent.sensing._listeners import _pynput

        _keyboard, mouse = _pynput()

        class InputListener(mouse.Listener):
            """Calls `on_input()` for every key, button or pointer event."""

            # RECORD takes (first, last): KeyPress 2, KeyRelease 3, ButtonPress 4,
            # ButtonRelease 5, MotionNotify 6.
            _EVENTS = (Xlib.X.KeyPress, Xlib.X.MotionNotify)

            def __init__(self, on_input: Callable[..., None]) -> None:
                super().__init__(on_move=on_input)

            def _handle_message(self, display: Any, event: Any, injected: bool) -> None:
                self.on_move()

        _LISTENER_CLASS = InputListener
    return _LISTENER_CLASS
