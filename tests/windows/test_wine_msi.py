"""The MSI under Wine: silent install with POLICYFILE=, the installed agent runs, upgrade in place, uninstall.

Two MSIs are built from this checkout with deploy/windows/build-msi.sh (1.0.0
and 1.0.1: same UpgradeCode, higher version), then installed, upgraded and
removed with Wine's own msiexec, checking files and registry after each step.
The tests run in file order on one prefix.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest

from tests.ci import needs
from tests.windows.wine import DISPLAY, ROOT, Background, needs_wine, wait_for, wine_prefix, winpath
from tests.xvfb import running_xvfb

pytestmark = [needs_wine, needs(shutil.which("wixl") is not None,
                                "needs wixl (bash scripts/install.sh --test installs it; CI does)")]

RUN_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Run"
UNINSTALL_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"
UPGRADE_CODE = "{AF76DE3E-E4FA-4371-8A3B-CD3CA54E80F4}"
POLICY = "[enforced.breaks]\nsitting_limit_min = 40\n"


@pytest.fixture(scope="module")
def msis(tmp_path_factory):
    out = tmp_path_factory.mktemp("msi")
    for version in ("1.0.0", "1.0.1"):
        subprocess.run(["bash", str(ROOT / "deploy" / "windows" / "build-msi.sh"), version, str(out)],
                       check=True, capture_output=True, timeout=600)
    return out


@pytest.fixture(scope="module")
def wine(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wine-msi")
    with running_xvfb(DISPLAY) as display, wine_prefix(tmp, display) as wine:
        wine.tmp = tmp
        yield wine


def program(wine):
    return wine.prefix / "drive_c" / "Program Files" / "Upright"


def product_code(msi) -> str:
    table = subprocess.run(["msiinfo", "export", str(msi), "Property"], capture_output=True, text=True).stdout
    return next(line.split("\t")[1] for line in table.splitlines() if line.startswith("ProductCode\t"))


def msiexec(wine, *args: str) -> None:
    log = wine.tmp / f"msiexec-{time.monotonic_ns()}.log"
    result = wine.run("msiexec", *args, "/qn", "/l*v", winpath(log), timeout=300)
    text = log.read_bytes().decode(errors="replace") if log.exists() else ""  # UTF-8 from Wine
    assert result.returncode == 0, f"msiexec {args} exited {result.returncode}\n{text[-3000:]}"


def shortcuts(wine) -> list:
    return list((wine.prefix / "drive_c").rglob("Start Menu/Programs/Upright.lnk"))


def test_silent_install_with_a_policy_file(wine, msis):
    policy = wine.tmp / "policy.toml"
    policy.write_text(POLICY)
    msiexec(wine, "/i", winpath(msis / "upright-1.0.0.msi"), f"POLICYFILE={winpath(policy)}")
    installed = program(wine)
    for name in ("python.exe", "pythonw.exe", "python311.dll", "tk86t.dll", "upright.exe", "upright-agent.exe",
                 "Lib/site-packages/agent/cli/__init__.py", "Lib/site-packages/pystray/_win32.py"):
        assert (installed / name).is_file(), name
    assert wine.reg_query(RUN_KEY, "Upright") == r'"C:\Program Files\Upright\upright-agent.exe" run'
    assert shortcuts(wine), "no Start-menu entry"
    assert (wine.prefix / "drive_c" / "ProgramData" / "Upright" / "policy.toml").read_text() == POLICY
    code = product_code(msis / "upright-1.0.0.msi")
    assert wine.reg_query(rf"{UNINSTALL_KEY}\{code}", "DisplayVersion") == "1.0.0"


def test_the_installed_agent_runs_under_the_policy(wine):
    upright = program(wine) / "upright.exe"
    shown = wine.run(str(upright), "config", "show")
    line = next(line for line in shown.stdout.splitlines() if line.startswith("breaks.sitting_limit_min"))
    assert "40" in line and "enforced" in line, shown.stdout
    agent = Background(wine, [str(upright), "run"], wine.tmp / "installed-agent.log")
    try:
        wait_for(lambda: wine.run(str(upright), "status", "--json").returncode == 0, 90, "the agent", agent)
        status = json.loads(wine.run(str(upright), "status", "--json").stdout)
        assert status["state"] in ("working", "away")
        assert status["next_break_in_s"] > 30 * 60  # the policy's 40 min, not the default 30
        assert wine.run(str(upright), "quit").returncode == 0
        assert agent.wait(30) == 0
    finally:
        agent.kill()
    user_data = wine.user_folder() / "AppData" / "Local" / "upright"
    assert any(user_data.rglob("*.log")), "the agent wrote no log in the user's data folder"


def test_a_newer_msi_upgrades_in_place(wine, msis):
    msiexec(wine, "/i", winpath(msis / "upright-1.0.1.msi"))
    old, new = product_code(msis / "upright-1.0.0.msi"), product_code(msis / "upright-1.0.1.msi")
    assert old != new
    assert wine.reg_query(rf"{UNINSTALL_KEY}\{old}", "DisplayVersion") is None  # the old one is gone ...
    assert wine.reg_query(rf"{UNINSTALL_KEY}\{new}", "DisplayVersion") == "1.0.1"  # ... replaced by the new
    for name in ("python.exe", "pythonw.exe", "upright-agent.exe", "Lib/site-packages/agent/cli/__init__.py"):
        assert (program(wine) / name).is_file(), f"{name} lost in the upgrade"
    assert wine.reg_query(RUN_KEY, "Upright") is not None
    assert wine.run(str(program(wine) / "upright.exe"), "--version").returncode == 0


def test_uninstall_removes_the_program_and_run_entry_but_not_user_data(wine, msis):
    msiexec(wine, "/x", winpath(msis / "upright-1.0.1.msi"))
    leftovers = [p for p in program(wine).rglob("*") if p.is_file()] if program(wine).exists() else []
    assert leftovers == [], leftovers[:10]
    assert wine.reg_query(RUN_KEY, "Upright") is None
    assert not shortcuts(wine)
    assert any((wine.user_folder() / "AppData" / "Local" / "upright").rglob("*.log")), "user data was removed"
