"""glibc malloc settings: freed start-up memory goes back, threads share one arena.

Each check runs in a fresh interpreter, so the test process's own heap and
threads do not blur what is measured.
"""

from __future__ import annotations

import ctypes.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or "libc.so" not in str(ctypes.util.find_library("c")),
                                reason="glibc only")


def run(code: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


RSS = "def rss():\n    return int(open('/proc/self/statm').read().split()[1]) * 4096\n"


def test_freed_memory_goes_back_to_the_system():
    # 40 MB in blocks malloc keeps in its heap, pinned there by one block allocated after them:
    # freeing them leaves them resident until the trim.
    freed, trimmed = map(int, run(RSS + (
        "from agent.live import heap\n"
        "blocks = [bytes(100_000) for _ in range(400)]\n"
        "keeper = bytes(100_000)\n"
        "full = rss()\n"
        "del blocks\n"
        "freed = rss()\n"
        "assert heap.release_free_memory()\n"
        "print(full - freed, full - rss())\n"
    )))
    assert freed < 5_000_000 < 20_000_000 < trimmed


ARENAS = (
    "import threading\n"
    "from agent.live import heap\n"
    "share = {share}\n"
    "if share:\n"
    "    assert heap.share_one_arena()\n"
    "def work():\n"
    "    kept = [bytes(5_000) for _ in range(200)]\n"
    "threads = [threading.Thread(target=work) for _ in range(4)]\n"
    "for t in threads: t.start()\n"
    "for t in threads: t.join()\n"
    # A thread's own arena is a 64 MiB reservation, mostly inaccessible (---p).
    "reserved = 0\n"
    "for line in open('/proc/self/maps'):\n"
    "    span, perms = line.split()[:2]\n"
    "    start, end = (int(x, 16) for x in span.split('-'))\n"
    "    reserved += perms == '---p' and end - start > 16 * 2**20\n"
    "print(reserved)\n"
)


def test_threads_allocate_from_one_shared_arena():
    assert int(run(ARENAS.format(share=False))[0]) >= 1  # the default: arenas of their own
    assert int(run(ARENAS.format(share=True))[0]) == 0
