"""A real `upright run` under a real Xvfb that the tests may kill and start again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ci import needs
from tests.faults.helpers import ROOT
from tests.xvfb import running_xvfb

#: None: each X server picks a free display number itself (-displayfd); a variable still pins one.
DISPLAY = os.environ.get("UPRIGHT_FAULT_DISPLAY") or os.environ.get("UPRIGHT_TEST_DISPLAY") or None
CONFIG = "[checklists]\nfirst_run_walkthrough = false\n"

needs_xvfb = needs(shutil.which("Xvfb") is not None, "needs Xvfb (bash scripts/install.sh --test)")


class Agent:
    """One user's session folders, and the agents started in them."""

    def __init__(self, folder: Path, display: str | None = None) -> None:
        self.folder = folder
        self.config = folder / "config.toml"
        self.config.write_text(CONFIG)
        runtime = folder / "run"
        runtime.mkdir(mode=0o700, exist_ok=True)
        self.env = {**os.environ, "DISPLAY": display or "", "UPRIGHT_RUNTIME_DIR": str(runtime),
                    "UPRIGHT_DATA_DIR": str(folder / "data"), "UPRIGHT_LOG_DIR": str(folder / "logs")}
        self.env.pop("WAYLAND_DISPLAY", None)
        self.env.pop("UPRIGHT_CONTROL_PIPE", None)
        self.runtime, self.log = runtime, folder / "logs" / "upright.log"
        self.process: subprocess.Popen | None = None
        self.output = folder / "agent.out"

    def on(self, display: str) -> None:
        """The agents started from now on, and the commands, use this X display."""
        self.env["DISPLAY"] = display

    def command(self, *args: str, timeout: float = 20) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "agent", *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout, cwd=ROOT)

    def start(self, answer_within: float = 15) -> float:
        """`upright run`; returns the seconds until `upright status` answered."""
        started = time.monotonic()
        self.process = subprocess.Popen([sys.executable, "-m", "agent", "run", "--config", str(self.config)],
                                        env=self.env, stdout=self.output.open("a"), stderr=subprocess.STDOUT,
                                        cwd=ROOT)
        while time.monotonic() - started < answer_within:
            if self.command("status", "--json").returncode == 0:
                return time.monotonic() - started
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"the agent did not answer within {answer_within} s\n{self.output.read_text()[-2000:]}")

    def status(self) -> dict:
        result = self.command("status", "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def wait_exit(self, within: float) -> int | None:
        try:
            return self.process.wait(within)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.command("quit")
            if self.wait_exit(10) is None:
                self.kill()


__all__ = ["Agent", "DISPLAY", "needs_xvfb", "running_xvfb"]
