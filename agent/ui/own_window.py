"""What every Upright window object shares: one Toplevel, closed once.

The app keeps window objects after the person closed them (to raise the
open one on a second click, or to close a prompt that is no longer due), so
closing must be safe twice and after the window closed itself, and
`is_open` must tell. `destroy` is the same as `close`, under Tk's name, so
the app can treat any window object like a Tk widget.
"""

from __future__ import annotations

import tkinter as tk
from typing import Optional


class OwnWindow:
    """A window object owning `top`, which is None once it is closed."""

    top: Optional[tk.Toplevel]

    @property
    def is_open(self) -> bool:
        return self.top is not None

    def close(self) -> None:
        """Close the window; again is fine."""
        if self.top is None:
            return
        self._before_close()
        top, self.top = self.top, None
        top.destroy()
        self._after_close()

    def destroy(self) -> None:
        self.close()

    def _before_close(self) -> None:
        """Stop what the window runs (timers, animations) while `top` is still there."""

    def _after_close(self) -> None:
        """Tell whoever asked to know, once the window is gone."""
