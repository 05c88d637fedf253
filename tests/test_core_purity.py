"""The core stays pure: no GUI, input library, clock or thread gets into it."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "agent" / "core"
FORBIDDEN_MODULES = ("tkinter", "pystray", "pynput", "PIL", "Xlib", "threading", "schedule")


def test_importing_the_core_loads_no_gui_or_input_module():
    probe = (
        "import sys, agent.core, agent.core.engine\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN_MODULES!r}]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=CORE.parents[1], check=True
    )
    # threading may be pulled in by the interpreter itself; the GUI/input ones must not be.
    loaded = {m.split(".")[0] for m in result.stdout.strip().split(",") if m}
    assert loaded <= {"threading"}, loaded


def test_core_source_imports_no_clock_os_or_thread_module():
    allowed = {"__future__", "dataclasses", "math", "typing"}
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                ours = name == "agent.core" or name.startswith("agent.core.")
                assert ours or name.split(".")[0] in allowed, f"{path.name} imports {name}"
