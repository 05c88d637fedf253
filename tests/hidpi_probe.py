"""Open every kind of window on this process's DISPLAY, as the agent does, and report how each fits.

Not a test module: tests/test_ui_hidpi.py runs it in a process of its own
on an X server of a HiDPI size (one Tk per display and process: see
tests/ui_desktop.py), as

    python -m tests.hidpi_probe NAME TEXT_SIZE...

and reads one JSON object from its stdout: for each kind and text size,
the problems `tests.reading_windows.clipped` finds, the window's size, the
monitor's, the scale and the body text's pixel size. Screenshots go to
tests/artifacts/hidpi_<NAME>_<kind>_<text size>.png.
"""

from __future__ import annotations

import json
import sys
import time
import tkinter as tk

from agent.ui import protocol
from agent.ui.geometry import monitor_at_pointer
from agent.ui.host import Host


def _pump(root: tk.Misc, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        root.update()
        time.sleep(0.01)


def probe(root: tk.Tk, name: str, kinds: dict, text_sizes: list[str]) -> dict:
    """``kinds``: kind -> its ``open`` args."""
    from tests import ui_desktop
    from tests.reading_windows import clipped
    from tests.ui_desktop import ARTIFACTS

    # "On the screen" is judged against this server's screen, not the UI tests' 1280x800.
    ui_desktop.SCREEN_W, ui_desktop.SCREEN_H = root.winfo_screenwidth(), root.winfo_screenheight()

    from PIL import ImageGrab

    host, found = Host(root, lambda _line: None), {}
    for number, (kind, args) in enumerate(((k, a) for k in kinds for a in [kinds[k]] * len(text_sizes)), 1):
        text_size = text_sizes[(number - 1) % len(text_sizes)]
        host.handle_line(protocol.encode("open", id=number, kind=kind, args={**args, "text_size": text_size}))
        window = host.windows[number]
        deadline = time.monotonic() + 20
        while not window.top.winfo_viewable() and time.monotonic() < deadline:
            _pump(root, 0.02)
        top = window.top
        # Tk lays a window out in steps (a scroll area is fitted once its content is measured):
        # judge it once it has settled, within a generous limit on a loaded machine.
        deadline = time.monotonic() + 10
        while clipped(top) and time.monotonic() < deadline:
            _pump(root, 0.1)
        _pump(root, 0.1)
        found[f"{kind} {text_size}"] = {
            "problems": clipped(top), "height": top.winfo_height(), "width": top.winfo_width(),
            "monitor": list(monitor_at_pointer(root)), "scale": window.fonts.scale,
            "body_px": -int(window.fonts.body.cget("size")),
            "picture": window.picture.winfo_reqwidth() if kind == "break" else None,
        }
        x, y, w, h = top.winfo_rootx(), top.winfo_rooty(), top.winfo_width(), top.winfo_height()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        ImageGrab.grab(xdisplay=root.winfo_screen()).crop((x, y, x + w, y + h)).save(
            ARTIFACTS / f"hidpi_{name}_{kind}_{text_size}.png")
        window.destroy()
        _pump(root, 0.05)
    return found


def main() -> int:
    from tests.test_ui_hidpi import ALL_KINDS, args_of

    name, *text_sizes = sys.argv[1:]
    root = tk.Tk()
    root.withdraw()
    print(json.dumps(probe(root, name, {kind: args_of(kind) for kind in ALL_KINDS}, text_sizes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
