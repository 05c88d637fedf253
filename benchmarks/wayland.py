"""Live agent benchmark on Wayland: Upright in a headless sway, sensing through the compositor.

The Wayland counterpart of `benchmarks.agent` (which runs under Xvfb). In one
run, with the agent sensing through sway's idle protocol (backend `wayland`),
its windows through XWayland and its icon in waybar's tray, measures:
  * CPU % of one core and wake-ups (context switches of all threads) per
    minute while nobody is there, while working (a virtual-pointer move a
    second) and under a storm of pointer events;
  * the same while away, once the agent has armed its first-touch timer;
  * RSS before any window, while away, and after the phases.
Targets (issue 12, the X11 budgets): 0 wake-ups a minute while working beyond
the agent's own deadlines, none while away beyond the idle notifications.

Run as root or as a user: python -m benchmarks.wayland [--phase-seconds 60]
(needs sway, xwayland, waybar, dbus-daemon; as root the compositor runs as the
test user `uprightwl`, see tests/wayland_session.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.agent import measure, rss_mib
from tests.wayland_input import Injector
from tests.wayland_session import XWAYLAND_CONFIG, running_sway_with_waybar, shared_session_bus

ROOT = Path(__file__).resolve().parents[1]
ARM_AFTER_S = 60.0  # the agent's default: the first-touch timer is armed after a minute without input


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phase-seconds", type=float, default=60.0)
    parser.add_argument("--storm-rate", type=float, default=500.0, help="pointer events per second")
    args = parser.parse_args()
    phase = args.phase_seconds
    runtime = Path(tempfile.mkdtemp(prefix="upright-bench-"))
    with shared_session_bus() as bus, running_sway_with_waybar(bus, extra=XWAYLAND_CONFIG) as sway:
        display = _x_display(sway)
        env = {**sway.client_env(), "DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": bus,
               "UPRIGHT_RUNTIME_DIR": str(runtime), "UPRIGHT_DATA_DIR": str(runtime / "data"),
               "UPRIGHT_LOG_DIR": str(runtime / "log")}
        env.pop("UPRIGHT_SENSING_BACKEND", None)
        config = runtime / "bench.toml"
        config.write_text("[checklists]\nfirst_run_walkthrough = false\n[logging]\nlevel = \"info\"\n")
        time.sleep(3.0)  # waybar up
        agent = subprocess.Popen([sys.executable, "-m", "agent", "run", "--config", str(config)], env=env, cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        hands = Injector(env["WAYLAND_DISPLAY"])
        try:
            time.sleep(3.0)  # imports done, first wake-up past
            rss = rss_mib(agent.pid)
            pids = {"upright": agent.pid}

            def working(seconds: float) -> None:
                end = time.monotonic() + seconds
                while time.monotonic() < end:
                    hands.nudge(3 if int(time.monotonic()) % 2 else -3, 0)
                    time.sleep(1.0)

            def storm(seconds: float) -> None:
                end, pause = time.monotonic() + seconds, 1.0 / args.storm_rate
                sign = 1
                while time.monotonic() < end:
                    for _ in range(10):
                        sign = -sign
                        hands.pointer.motion(hands._ms(), 2.0 * sign, 0.0)
                        hands.pointer.frame()
                    hands.display.flush()
                    time.sleep(10 * pause)

            working(2.0)
            results = {"working (1 move/s)": measure(pids, phase, working),
                       f"storm ({args.storm_rate:.0f} moves/s)": measure(pids, phase, storm)}
            quiet_since = time.monotonic()
            results["idle (nobody there, first minute)"] = measure(pids, min(phase, ARM_AFTER_S - 5))
            time.sleep(max(0.0, ARM_AFTER_S + 15 - (time.monotonic() - quiet_since)))  # armed by now
            rss_away = rss_mib(agent.pid)
            results["away (first-touch timer armed)"] = measure(pids, phase)
            working(3.0)
            rss_after = rss_mib(agent.pid)
            tk_loaded = "_tkinter" in Path(f"/proc/{agent.pid}/maps").read_text()
            status = subprocess.run([sys.executable, "-m", "agent", "status", "--json"], env=env, cwd=ROOT,
                                    capture_output=True, text=True).stdout
        finally:
            hands.close()
            subprocess.run([sys.executable, "-m", "agent", "quit"], env=env, cwd=ROOT, capture_output=True)
            try:
                agent.wait(10)
            except subprocess.TimeoutExpired:
                agent.kill()
    started = next((line for line in _log(runtime).splitlines() if "started:" in line), "")
    print(f"headless sway 1.7 (wlroots); phases of {phase:.0f} s, one run; CPU as % of one core, "
          f"wake-ups as context switches per minute")
    print(started.split("agent: ", 1)[-1])
    print(f"{'phase':36} {'upright CPU':>12} {'wake/min':>9}")
    for name, values in results.items():
        cpu, wake = values["upright"]
        print(f"{name:36} {cpu:11.3f}% {wake:9.1f}")
    print(f"RSS before any window: {rss:.1f} MiB")
    print(f"RSS while away:        {rss_away:.1f} MiB")
    print(f"RSS after the phases:  {rss_after:.1f} MiB (Tk loaded: {'yes' if tk_loaded else 'no'})")
    if status:
        print("agent status after the run:", json.dumps(json.loads(status)))


def _x_display(sway) -> str:
    marker = os.path.join(sway.runtime_dir, "x-display")
    deadline = time.monotonic() + 15
    while not (os.path.exists(marker) and open(marker).read().strip()):
        if time.monotonic() > deadline:
            raise RuntimeError("XWayland did not start")
        time.sleep(0.1)
    time.sleep(0.3)
    return open(marker).read().strip()


def _log(runtime: Path) -> str:
    return "".join(path.read_text() for path in (runtime / "log").glob("*.log"))


if __name__ == "__main__":
    main()
