"""The Windows control pipe under Wine (issue 17, case 3): only this user's SID may open it.

Needs Wine and a Windows python: set UPRIGHT_WINE_PYTHON to its python.exe
(the Windows lane builds one: build/windows/Upright/python.exe). What this
proves: the pipe is made with a DACL naming this user's SID alone, and serves
status within a second while 8 silent callers hold instances and after a
deeply nested request. What it cannot: Wine does not enforce access checks
between accounts, so another account being refused is not shown.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.faults.helpers import ROOT
from tests.xvfb import running_xvfb

PYTHON = os.environ.get("UPRIGHT_WINE_PYTHON", "")
DISPLAY = os.environ.get("UPRIGHT_WINE_FAULT_DISPLAY", os.environ.get("UPRIGHT_BENCH_DISPLAY", ":66"))

pytestmark = pytest.mark.skipif(not (shutil.which("wine") and PYTHON and Path(PYTHON).is_file()),
                                reason="needs Wine and UPRIGHT_WINE_PYTHON (a Windows python.exe)")


def winpath(path: Path) -> str:
    return "Z:" + str(path).replace("/", "\\")


def test_the_pipe_is_this_users_alone_and_serves_under_attack(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("UPRIGHT_", "XDG_"))},
           "WINEPREFIX": str(tmp_path / "prefix"), "WINEDEBUG": "-all"}
    (tmp_path / "run").mkdir()
    with running_xvfb(DISPLAY) as display:
        env["DISPLAY"] = display
        try:
            subprocess.run(["wineboot", "-i"], env=env, capture_output=True, timeout=300, check=True)
            result = subprocess.run(["wine", PYTHON, winpath(ROOT / "tests" / "faults" / "wine_pipe_check.py"),
                                     winpath(ROOT), winpath(tmp_path / "run")],
                                    env=env, input="", capture_output=True, text=True, timeout=180)
        finally:
            subprocess.run(["wineserver", "-k"], env=env, capture_output=True, timeout=60)
    out = result.stdout
    assert result.returncode == 0 and "done" in out, out + result.stderr
    sid = re.search(r"^sid (S-1-5-\S+)$", out, re.M).group(1)
    assert "listener UserOnlyPipeListener" in out
    assert f"dacl D:P(A;;GA;;;{sid})" in out
    for line in ("status", "status with 8 silent", "status after deep"):
        took = float(re.search(rf"^{line} {{'ok': True, 'echo': 'status'}} ([0-9.]+)$", out, re.M).group(1))
        assert took < 1.5
    assert "deep b'{\"ok\": false, \"error\": \"malformed request\"}'" in out
