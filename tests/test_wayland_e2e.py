"""End to end on Wayland: the real `upright run` in a headless sway, input from virtual devices.

The agent senses through the compositor's idle protocol (backend `wayland`,
chosen from the session) and shows its Tk windows through XWayland. Input comes
from a virtual pointer on sway's seat. No X11 input listener runs (the log
names the backend, which has none), so what the agent counts, the Wayland
backend heard. Screenshots (grim) land in tests/artifacts/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pywayland", reason="pywayland is not installed (pip install -e '.[test]')")

from tests.wayland_input import Injector  # noqa: E402
from tests.wayland_session import running_sway_with_xwayland, screenshot, swaymsg  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CONFIG = """
[logging]
level = "info"  # the start line names the sensing backend

[checklists]
first_run_walkthrough = false

[breaks]
sitting_limit_min = 0.3333333   # 20 s
natural_break_min = 0.1333333   # 8 s
prompt_idle_grace_s = 6
postpone_min = 0.1666667        # 10 s
"""
BREAK_WINDOW = "^Upright.+stand and stretch"


@pytest.fixture(scope="module")
def sway():
    with running_sway_with_xwayland() as session:
        yield session


class Agent:
    """`upright run` in the sway session, and the hands that use the desktop."""

    BACKEND = "wayland"  # the sensing backend the session must choose

    def __init__(self, sway, tmp_path: Path) -> None:
        self.sway = sway
        self.env = sway.client_env()
        self.hands = self._hands()
        self.env.update(sway.xwayland_env())
        self.env.update({"UPRIGHT_RUNTIME_DIR": str(tmp_path / "run"),
                         "UPRIGHT_DATA_DIR": str(tmp_path / "data"), "UPRIGHT_LOG_DIR": str(tmp_path / "logs")})
        self.env.pop("UPRIGHT_SENSING_BACKEND", None)
        (tmp_path / "run").mkdir(mode=0o700)
        self.config = tmp_path / "short.toml"
        self.config.write_text(CONFIG)
        self.log = tmp_path / "agent.log"
        self.log_dir = tmp_path / "logs"
        self.process = subprocess.Popen([sys.executable, "-m", "agent", "run", "--config", str(self.config)],
                                        env=self.env, stdout=self.log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT)
        wait_for(lambda: self.upright("status", "--json").returncode == 0, 20, "the agent to answer", self)

    def _hands(self):
        """A virtual keyboard and pointer on sway's seat; the output's size, for the pointer."""
        output = json.loads(swaymsg(self.sway, "-t", "get_outputs", "-r"))[0]["rect"]
        self.size = (output["width"], output["height"])
        return Injector(self.env["WAYLAND_DISPLAY"])

    def upright(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "agent", *args], env=self.env, capture_output=True, text=True,
                              timeout=15, cwd=ROOT)

    def status(self) -> dict:
        done = self.upright("status", "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def work(self, seconds: float, every: float = 0.5) -> None:
        """A person at work: the pointer moves every `every` seconds."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.hands.nudge()
            time.sleep(every)

    def break_windows(self) -> list[str]:
        """Viewable XWayland windows named like the break window (the hidden Tk root is named too)."""
        found = subprocess.run(["xdotool", "search", "--name", BREAK_WINDOW], env=self.env,
                               capture_output=True, text=True, timeout=10).stdout.split()
        return [w for w in found if "IsViewable" in subprocess.run(
            ["xwininfo", "-id", w], env=self.env, capture_output=True, text=True, timeout=10).stdout]

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        return Path(screenshot(self.sway, str(ARTIFACTS / name)))

    def primary_button(self, name: str) -> tuple[int, int]:
        """Centre of the break window's filled button, found on a screenshot of the output."""
        self.hands.move_to(2, self.size[1] - 2, *self.size)  # no hover colour
        time.sleep(0.3)
        return filled_button_centre(self.shot(name))

    def click(self, where: tuple[int, int]) -> None:
        self.hands.move_to(where[0] - 1, where[1], *self.size)
        time.sleep(0.3)
        self.hands.nudge(1, 0)  # a motion inside the button: Tk sees the pointer enter it
        time.sleep(0.3)
        self.hands.click()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.upright("quit")
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.hands.close()


def filled_button_centre(shot: Path) -> tuple[int, int]:
    """Centre of the filled (primary) button on a screenshot, in the screenshot's pixels."""
    from PIL import Image

    from agent.ui.theme import ACCENT, ACCENT_ACTIVE

    fills = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (ACCENT, ACCENT_ACTIVE)}
    image = Image.open(shot).convert("RGB")
    pixels, centres = image.load(), []
    for y in range(0, image.height, 2):
        run = 0
        for x in range(image.width):
            run = run + 1 if pixels[x, y] in fills else 0
            if run == 40:
                centres.append((x - 20, y))
    assert centres, "no primary button on screen"
    return sum(x for x, _ in centres) // len(centres), sum(y for _, y in centres) // len(centres)


def wait_for(check, timeout: float, what: str, agent: Agent | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    log = agent.log.read_text() if agent and agent.log.exists() else ""
    if agent:
        log += "".join(path.read_text() for path in agent.log_dir.glob("*.log"))
        log += f"\nstatus: {agent.status()}"
    pytest.fail(f"timed out after {timeout} s waiting for {what}\nagent log:\n{log[-5000:]}")


@pytest.fixture
def agent(sway, tmp_path):
    running = Agent(sway, tmp_path)
    yield running
    running.stop()


def no_x_listener(agent: Agent) -> None:
    """The agent senses through Wayland: the `wayland` (and `mutter`) backend has no X11 listener at all."""
    written = "".join(path.read_text() for path in agent.log_dir.glob("*.log"))
    assert f"sensing {agent.BACKEND}" in written


def test_sitting_counts_wayland_input_and_a_quiet_stretch_is_a_natural_break(agent):
    agent.work(6)
    assert agent.status()["state"] == "working"
    assert agent.status()["sitting_s"] >= 5
    no_x_listener(agent)
    time.sleep(8.5)  # quiet past the 8 s natural break; the compositor's idle event may come a little later
    wait_for(lambda: agent.status()["state"] == "away", 6, "the quiet stretch to count as away", agent)
    agent.hands.nudge()
    wait_for(lambda: agent.status()["state"] == "working", 3, "the return to be seen", agent)
    status = agent.status()
    assert status["sitting_s"] < 2 and status["today"]["natural_breaks"] == 1


def test_break_window_shows_through_xwayland_and_a_click_starts_the_break(agent):
    agent.work(3)
    wait_for(lambda: agent.work(1) or agent.break_windows(), 40, "the break window", agent)
    assert agent.status()["state"] == "break_due"
    agent.click(agent.primary_button("wayland_break_window.png"))  # Start
    wait_for(lambda: agent.status()["state"] == "on_break", 5, "the break to start", agent)
    agent.shot("wayland_break_started.png")
    no_x_listener(agent)


def test_without_xwayland_run_says_so_and_exits_2(sway, tmp_path):
    env = sway.client_env()
    env.update({"UPRIGHT_RUNTIME_DIR": str(tmp_path)})
    done = subprocess.run([sys.executable, "-m", "agent", "run"], env=env, capture_output=True, text=True,
                          timeout=30, cwd=ROOT)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "XWayland" in done.stderr and "Fix:" in done.stderr
    assert "Traceback" not in done.stderr
    assert os.environ.get("DISPLAY") is None or "DISPLAY" not in env


def doctor(env: dict) -> tuple[subprocess.CompletedProcess, dict]:
    """`upright doctor --json` in `env`: what it printed, and its rows by check."""
    done = subprocess.run([sys.executable, "-m", "agent", "doctor", "--json"], env=env, capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert "Traceback" not in done.stderr, done.stderr
    return done, {row["check"]: row for row in json.loads(done.stdout)}


def doctor_in(session, tmp_path: Path) -> tuple[dict, dict]:
    """The session's client environment with XWayland's display, and what the doctor says there."""
    env = session.client_env()
    env.update(session.xwayland_env())
    env["UPRIGHT_RUNTIME_DIR"] = str(tmp_path)
    env.pop("UPRIGHT_SENSING_BACKEND", None)
    _done, rows = doctor(env)
    assert rows["display"]["status"] == "OK" and "XWayland" in rows["display"]["detail"]
    assert rows["input source"]["status"] == "OK"
    assert rows["wayland activity"]["status"] == "OK"
    return env, rows


def test_doctor_reports_each_wayland_capability(sway, tmp_path):
    env, rows = doctor_in(sway, tmp_path)
    assert "org_kde_kwin_idle" in rows["wayland activity"]["detail"]
    assert rows["wayland full screen"]["status"] == "OK"
    env.pop("DISPLAY")  # XWayland gone: windows cannot show; sensing still could
    done, rows = doctor(env)
    assert done.returncode == 2
    assert rows["display"]["status"] == "FAIL" and "apt install xwayland" in rows["display"]["fix"]
    assert rows["wayland activity"]["status"] == "OK"


FULLSCREEN_WINDOW = """
import tkinter
root = tkinter.Tk()
root.title("Slides")
root.attributes("-fullscreen", True)
root.configure(bg="#202020")
root.mainloop()
"""


def slides(env: dict) -> subprocess.Popen:
    """A full-screen X11 app (a presentation) in the sway session; sway lists it with its Wayland windows."""
    return subprocess.Popen([sys.executable, "-c", FULLSCREEN_WINDOW], env=env)


def sway_window(sway, title: str) -> dict | None:
    """The node sway lists for a window of this title (its `focused` and `fullscreen_mode`), if mapped."""
    stack = [json.loads(swaymsg(sway, "-t", "get_tree"))]
    while stack:
        node = stack.pop()
        if node.get("name") == title and node.get("type") == "con":
            return node
        stack.extend(node.get("nodes", []) + node.get("floating_nodes", []))
    return None


def test_the_compositors_window_list_tells_a_focused_full_screen_window(sway, monkeypatch):
    from agent.sensing import backend

    for name, value in sway.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DISPLAY", raising=False)  # the backend asks sway only, never X11
    env = {**sway.client_env(), "DISPLAY": sway.extra["DISPLAY"]}
    with backend("wayland") as sensing:
        assert sensing.fullscreen_active() is False
        presenting = slides(env)
        try:
            # Tk starting through XWayland can take a while on a loaded machine; the window list is
            # what is tested, so wait for sway to have mapped the window first, then for the list.
            node = wait_for(lambda: sway_window(sway, "Slides"), 60, "sway to map the full-screen window")
            if not (node.get("focused") and node.get("fullscreen_mode")):
                node = wait_for(lambda: (n := sway_window(sway, "Slides")) and n.get("focused")
                                and n.get("fullscreen_mode") and n, 10, "the window to be focused and full screen")
            wait_for(sensing.fullscreen_active, 10,
                     f"the window list to say a full-screen window has the focus (sway: {node})")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            screenshot(sway, str(ARTIFACTS / "wayland_fullscreen_slides.png"))
            swaymsg(sway, "fullscreen", "disable")
            wait_for(lambda: not sensing.fullscreen_active(), 5, "the window to leave full screen")
        finally:
            presenting.terminate()
            presenting.wait(5)


def test_a_full_screen_window_holds_the_prompt_until_it_closes(agent):
    presenting = slides(agent.env)
    try:
        wait_for(lambda: (n := sway_window(agent.sway, "Slides")) and n.get("focused") and n.get("fullscreen_mode"),
                 60, "sway to show the presentation full screen", agent)
        wait_for(lambda: agent.work(1) or agent.status()["state"] == "break_due", 40, "the break", agent)
        agent.work(3)
        assert agent.break_windows() == []  # held: no window over the presentation
        agent.shot("wayland_presenting.png")
    finally:
        presenting.terminate()
        presenting.wait(5)
    wait_for(lambda: agent.work(1) or agent.break_windows(), 15, "the make-up break window", agent)
