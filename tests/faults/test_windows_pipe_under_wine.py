"""The Windows control pipe under Wine (issue 17, case 3): only this user's SID may open it.

Runs the check with the Wine lane's own Windows interpreter (the program folder
tests/windows/wine.py builds: the embeddable CPython 3.11 the MSI ships), so it
needs nothing but Wine. What this proves: the pipe is made with a DACL naming
this user's SID alone, and serves status within seconds (not the 5 s stall or the hang) while 8 silent callers
hold instances, after garbage and after a deeply nested request, and that once
closed it answers nobody. What it
cannot: Wine does not enforce access checks between accounts, so another
account being refused is not shown.
"""

from __future__ import annotations

import re

from tests.faults.helpers import ROOT
from tests.windows.wine import build_program, needs_wine, wine_prefix, winpath
from tests.xvfb import running_xvfb

pytestmark = needs_wine


def test_the_pipe_is_this_users_alone_and_serves_under_attack(tmp_path):
    program = build_program()
    (tmp_path / "run").mkdir()
    with running_xvfb(None) as display, wine_prefix(tmp_path, display) as wine:
        result = wine.python(winpath(ROOT / "tests" / "faults" / "wine_pipe_check.py"),
                             winpath(ROOT), winpath(tmp_path / "run"), program=program, timeout=180)
    out = result.stdout.replace("\r\n", "\n")  # Windows line ends
    assert result.returncode == 0 and "done" in out, out + result.stderr
    sid = re.search(r"^sid (S-1-5-\S+)$", out, re.M).group(1)
    assert "listener UserOnlyPipeListener" in out
    assert re.search(r"^GetSecurityInfo 0 dacl (.*)$", out, re.M).group(1) == f"D:P(A;;GA;;;{sid})", out
    for line in ("status", "status with 8 silent", "status after garbage", "status after deep"):
        took = float(re.search(rf"^{line} {{'ok': True, 'echo': 'status'}} ([0-9.]+)$", out, re.M).group(1))
        # The faults were a 5 s stall and an unbounded hang; 3 s leaves room for a loaded CI machine.
        assert took < 3.0, out
    assert "garbage b'{\"ok\": false, \"error\": \"malformed request\"}'" in out, out
    assert "deep b'{\"ok\": false, \"error\": \"malformed request\"}'" in out, out
    # A closed server answers nobody, not even a caller that kept the key (it did, on the instance
    # its accepting thread still waited on, until the process ended).
    assert "after close refused" in out and "status after close NotRunning" in out, out
