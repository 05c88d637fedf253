"""The layering in pyproject.toml holds, and a wrong import breaks it.

The contracts themselves are import-linter's (``[tool.importlinter]`` in
pyproject.toml); these tests run them as CI does and show that each kind of
wrong import a newcomer might add is caught, on a copy of the tree.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(cwd: Path) -> subprocess.CompletedProcess:
    if not LINT.exists():
        pytest.fail(f"{LINT} is missing: install the test extra (bash scripts/install.sh --test)")
    return subprocess.run([str(LINT), "--no-cache", "--config", str(cwd / "pyproject.toml")],
                          capture_output=True, text=True, cwd=cwd, env={"PATH": "/usr/bin:/bin"}, timeout=120)


def test_the_tree_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"(?m)^Contracts: \d+ kept, 0 broken\.$", result.stdout), result.stdout  # not "10 broken"


@pytest.fixture
def copy(tmp_path):
    shutil.copytree(ROOT / "agent", tmp_path / "agent", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def plant(tree: Path, module: str, line: str) -> None:
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("agent/core/engine.py", "from agent import clock", "The engine is pure"),
    ("agent/core/rules.py", "import tkinter", "The engine is pure"),
    ("agent/settings/layers.py", "from agent.ui import strings", "Settings and content know nothing"),
    ("agent/content/exercises.py", "from agent.live import mailbox", "Settings and content know nothing"),
    ("agent/ui/panel.py", "from agent.sensing import suspend", "the ui imports no sensing"),
    ("agent/ui/notice.py", "from agent.live import app", "One composition root"),
    ("agent/files/atomic.py", "from agent.settings import config", "each layer imports only the layers below it"),
    ("agent/content/pose.py", "from agent.content import exercises", "No import circles"),
])
def test_a_wrong_import_breaks_its_contract(copy, module, line, contract):
    plant(copy, module, line)
    result = lint(copy)
    assert result.returncode == 1, result.stdout
    broken = [row for row in result.stdout.splitlines() if " BROKEN" in row]
    assert any(contract in row for row in broken), result.stdout
