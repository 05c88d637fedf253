"""Upright's own python-xlib connections keep only what Upright reads from them.

Opening a python-xlib `Display` parses the server's whole description and
keeps it for the life of the connection: every visual of every screen (390
on Xvfb, often more on a real Xorg with GLX) and a copy of the keyboard map
(keycode -> keysym tables). Upright's own connections (the sensing queries,
the RECORD control connection, the tray icon and its waker) read neither: their
windows take the parent's visual and they never translate a key. `lighten`
drops both right after connecting: 0.3 MiB of Python objects per connection;
for the four, 0.8 MiB less resident memory at start and 1.2 MiB while away
(measured in the agent under Xvfb, three runs each way; see benchmarks/agent.py).

Not for connections that translate keys (pynput's own): on a lightened
connection `keycode_to_keysym` answers `NoSymbol` and `keysym_to_keycode` 0.
"""

from __future__ import annotations

from typing import Any


def lighten(display: Any) -> Any:
    """Forget `display`'s visuals and keyboard map; returns `display`."""
    for screen in display.display.info.roots:
        screen.allowed_depths = []  # the visuals; root_depth and root_visual stay
    # python-xlib's keysym caches, filled once at connect (private names, checked with python-xlib 0.33).
    display._keymap_codes = [()] * 256
    display._keymap_syms = {}
    return display
