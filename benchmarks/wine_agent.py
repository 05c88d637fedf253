"""The MSI's agent under Wine: memory before and with a window, CPU and wake-ups while nobody is there.

    .venv/bin/python -m benchmarks.wine_agent [--idle 60]

Builds the MSI (deploy/windows/build-msi.sh), installs it silently into a fresh
Wine prefix on Xvfb, starts the installed `upright.exe run` with the first-run
walkthrough off (so no window opens), and reads from Linux's /proc the Windows
python.exe that runs the agent: its RSS once the agent answers `status` (and how long that took), then
its CPU and wake-ups (context switches of all its threads) over `--idle`
seconds without input, then the RSS of it and of the window process while
`upright break`'s window is open. The launcher (`upright.exe`, a stub that
waits for python.exe) and Wine's shared wineserver are reported apart, and a
bare python.exe for scale (Wine's own DLLs count in RSS).
A benchmark, not a test: figures go in the README by hand.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.agent import measure, rss_mib
from tests.windows.wine import DISPLAY, ROOT, Background, Wine, wait_for, wine_prefix, winpath
from tests.xvfb import running_xvfb

BARE = "import time; print('ready', flush=True); time.sleep(600)"
CONFIG = "[checklists]\nfirst_run_walkthrough = false\n"


def wine_pid(wine: Wine, image: str, *among: str) -> int:
    """The Linux pid of the process of this prefix whose command line starts with `image`
    (and has the words `among` in its arguments)."""
    for pid, args in wine.processes().items():
        if args[0].lower().endswith(image.lower()) and all(word in args for word in among):
            return pid
    raise LookupError(f"no {image} {' '.join(among)} in {wine.prefix}")


def _pid_or_none(wine: Wine, image: str, *among: str) -> int | None:
    try:
        return wine_pid(wine, image, *among)
    except LookupError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--idle", type=float, default=60.0,
                        help="seconds without input to measure CPU and wake-ups over")
    idle = parser.parse_args().idle
    with tempfile.TemporaryDirectory(prefix="upright-wine-bench-") as tmp_name:
        tmp = Path(tmp_name)
        msi = subprocess.run(["bash", str(ROOT / "deploy" / "windows" / "build-msi.sh"), "0.1.0", str(tmp)],
                             check=True, capture_output=True, text=True).stdout.strip()
        print(f"MSI: {Path(msi).stat().st_size / 2**20:.1f} MiB")
        with running_xvfb(DISPLAY) as display, wine_prefix(tmp, display) as wine:
            assert wine.run("msiexec", "/i", winpath(msi), "/qn", timeout=300).returncode == 0
            upright = wine.prefix / "drive_c" / "Program Files" / "Upright" / "upright.exe"
            config = tmp / "bench.toml"
            config.write_text(CONFIG)
            start = time.monotonic()
            agent = Background(wine, [str(upright), "run", "--config", winpath(config)], tmp / "agent.log")
            try:
                wait_for(lambda: wine.run(str(upright), "status", "--json").returncode == 0, 90, "the agent", agent)
                print(f"answers `status` {time.monotonic() - start:.1f} s after start")
                time.sleep(3)  # past start-up
                python = wine_pid(wine, "python.exe", "run")
                launcher = wine_pid(wine, "upright.exe")
                print(f"RSS before the first window: python.exe {rss_mib(python):.1f} MiB "
                      f"(launcher upright.exe {rss_mib(launcher):.1f} MiB)")
                cpu, wakes = measure({"agent": python}, idle)["agent"]
                print(f"while nobody is there, over {idle:.0f} s: CPU {cpu:.3f} % of a core, "
                      f"{wakes:.1f} wake-ups a minute; RSS after: {rss_mib(python):.1f} MiB")
                wine.run(str(upright), "break")
                windows = wait_for(lambda: _pid_or_none(wine, "python.exe", "agent.ui.host"), 60,
                                   "the window process")
                time.sleep(10)  # the window drawn
                print(f"RSS with the break window open: agent {rss_mib(python):.1f} MiB, "
                      f"window process {rss_mib(windows):.1f} MiB")
                wine.run(str(upright), "quit")
                agent.wait(30)
            finally:
                agent.kill()
            bare = Background(wine, [str(upright.with_name("python.exe")), "-c", BARE], tmp / "bare.log")
            try:
                wait_for(lambda: "ready" in bare.text(), 30, "the bare python")
                print(f"for scale, a bare Windows python.exe under Wine: "
                      f"{rss_mib(wine_pid(wine, 'python.exe')):.1f} MiB")
            finally:
                bare.kill()


if __name__ == "__main__":
    main()
