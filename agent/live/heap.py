"""Keep glibc's malloc from holding memory the agent no longer uses.

Two settings, each measured under Xvfb with the tray docked (one run each,
see benchmarks/agent.py; loading ctypes for them costs 0.6 MiB, included):

* `release_free_memory()`, once start-up is over: importing Upright and its
  libraries allocates much that is freed again at once, but malloc keeps the
  freed pages mapped, so they would stay resident all day. `malloc_trim(0)`
  hands them back: 1.2 MiB less resident memory.
* `share_one_arena()`, before any thread starts: by default each thread that
  allocates gets a malloc arena of its own, with pages of its own. Upright's
  threads (tray, control socket, the listeners armed while you are away) do
  almost nothing, so one shared arena costs no speed and saves 0.5 MiB while
  the listeners are armed (nothing measurable before that).

Nothing in use is freed; elsewhere than on glibc both do nothing.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

log = logging.getLogger("agent")

M_ARENA_MAX = -8  # mallopt parameter, from glibc's malloc.h


def release_free_memory() -> bool:
    """Return freed heap pages to the system; True if glibc did it."""
    libc = _glibc()
    return bool(libc is not None and libc.malloc_trim(0))


def share_one_arena() -> bool:
    """Let every thread allocate from the main arena; call before starting threads."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, 1))


def _glibc() -> Any:
    """The C library if it is glibc (it has malloc_trim and mallopt), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.malloc_trim.argtypes, libc.malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
        libc.mallopt.argtypes, libc.mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    except (ImportError, OSError, AttributeError) as error:  # no ctypes, or not glibc (musl)
        log.debug("malloc settings unavailable: %s", error)
        return None
    return libc
