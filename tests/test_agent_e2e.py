"""End to end: the real `upright run` under Xvfb with trayer, driven by xdotool.

Short test limits (20 s sitting, 8 s natural break) make a day pass in seconds.
Screenshots land in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.live.window_process import PING_S
from tests.ci import needs
from tests.xvfb import running_xvfb

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
# None: Xvfb picks a free display number (tests/xvfb.py); the variables pin one where someone wants to.
DISPLAY = os.environ.get("UPRIGHT_E2E_DISPLAY") or None
NO_RECORD_DISPLAY = os.environ.get("UPRIGHT_E2E_NO_RECORD_DISPLAY") or None
CONFIG = """
[checklists]
first_run_walkthrough = false

[breaks]
sitting_limit_min = 0.3333333   # 20 s
natural_break_min = 0.1333333   # 8 s
prompt_idle_grace_s = 6
postpone_min = 0.1666667        # 10 s
"""
BREAK_WINDOW = "^Upright.+stand and stretch"

pytestmark = needs(shutil.which("xdotool") is not None and shutil.which("trayer") is not None,
                   "needs xdotool and trayer (bash scripts/install.sh --test)")


class Session:
    """A desktop session: X server, tray host, the agent and a way to talk to it."""

    def __init__(self, display: str, runtime: Path, config: Path) -> None:
        self.display, self.runtime, self.config = display, runtime, config
        self.env = {**os.environ, "DISPLAY": display, "UPRIGHT_RUNTIME_DIR": str(runtime),
                    "UPRIGHT_DATA_DIR": str(runtime / "data"), "UPRIGHT_LOG_DIR": str(runtime / "logs")}
        self.env.pop("WAYLAND_DISPLAY", None)
        self.agent: subprocess.Popen | None = None
        self.log = runtime / "agent.log"

    def upright(self, *args: str, timeout: float = 15) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "agent", *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, cwd=ROOT)

    def start_agent(self, launcher: tuple[str, ...] = ("-m", "agent")) -> None:
        self.agent = subprocess.Popen([sys.executable, *launcher, "run", "--config", str(self.config)],
                                      env=self.env, stdout=self.log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT)
        wait_for(lambda: self.upright("status", "--json").returncode == 0, 15, "the agent to answer", self)

    def status(self) -> dict:
        result = self.upright("status", "--json")
        assert result.returncode == 0, result.stderr + (self.log.read_text()[-3000:] if self.log.exists() else "")
        return json.loads(result.stdout)

    def xdotool(self, *args: str) -> str:
        return subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True,
                              timeout=10).stdout.strip()

    def wiggle(self, seconds: float, every: float = 0.5) -> None:
        """A person at work: the pointer moves every `every` seconds."""
        end = time.monotonic() + seconds
        x = 100
        while time.monotonic() < end:
            x = 100 + (x + 37) % 400
            self.xdotool("mousemove", str(x), "300")
            time.sleep(every)

    def windows(self, pattern: str = BREAK_WINDOW) -> list[str]:
        """Viewable windows whose name matches (the hidden Tk root is named "upright" too)."""
        found = self.xdotool("search", "--name", pattern).split()
        return [w for w in found if "IsViewable" in subprocess.run(
            ["xwininfo", "-id", w], env=self.env, capture_output=True, text=True).stdout]

    def screenshot(self, name: str, box=None) -> Path:
        from PIL import ImageGrab

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        image = ImageGrab.grab(xdisplay=self.display)
        if box:
            image = image.crop(box)
        path = ARTIFACTS / name
        image.save(path)
        return path

    def primary_button(self) -> tuple[int, int]:
        """Centre of the break window's filled button (Start, then Done), found on screen.

        Text may share the accent colour; only the button has long horizontal runs of it.
        """
        from PIL import ImageGrab

        from agent.ui.theme import ACCENT, ACCENT_ACTIVE

        self.xdotool("mousemove", "5", "795")  # no hover colour
        time.sleep(0.2)
        fills = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (ACCENT, ACCENT_ACTIVE)}
        image = ImageGrab.grab(xdisplay=self.display).convert("RGB")
        pixels, centres = image.load(), []
        for y in range(0, image.height, 2):
            run = 0
            for x in range(image.width):
                run = run + 1 if pixels[x, y] in fills else 0
                if run == 40:
                    centres.append((x - 20, y))
        assert centres, "no primary button on screen"
        # Once started, the time-left bar above it is teal too: keep the lowest teal block only.
        bottom = max(y for _, y in centres)
        centres = [(x, y) for x, y in centres if y >= bottom - 40]
        return sum(x for x, _ in centres) // len(centres), sum(y for _, y in centres) // len(centres)

    def button_right_of_primary(self) -> tuple[int, int]:
        """A point inside the outlined button next to the filled one (Postpone, when offered).

        Walks right along the primary button's middle row: past its fill, past
        the window's background, to the next button's outline, then into it.
        """
        from PIL import ImageGrab

        from agent.ui.theme import ACCENT, ACCENT_ACTIVE

        _, y = self.primary_button()
        fills = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (ACCENT, ACCENT_ACTIVE)}
        image = ImageGrab.grab(xdisplay=self.display).convert("RGB")
        x = 4 + max(x for x in range(image.width) if image.getpixel((x, y)) in fills)  # past the fill's edge
        background = image.getpixel((x, y))
        while image.getpixel((x, y)) == background and x < image.width - 1:
            x += 1
        assert x < image.width - 30, "no button right of the primary one"
        return x + 12, y

    def press_primary(self, check, what: str, tries: int = 3) -> None:
        """Click the filled button until `check()` holds: a window still settling may miss the first click."""
        for _ in range(tries):
            self.click(self.primary_button())
            deadline = time.monotonic() + 5 * PATIENCE
            while time.monotonic() < deadline:
                if check():
                    return
                time.sleep(0.2)
        wait_for(check, 0, what, self)

    def click(self, where: tuple[int, int]) -> None:
        self.xdotool("mousemove", str(where[0]), str(where[1]), "click", "1")

    def stop(self) -> None:
        if self.agent and self.agent.poll() is None:
            self.upright("quit")
            try:
                self.agent.wait(10)
            except subprocess.TimeoutExpired:
                self.agent.kill()
                self.agent.wait()


#: Every wait's deadline is this many times what an idle machine needs: a wait ends as soon as its
#: condition holds, so a generous deadline costs nothing when things work, and a loaded 2-core CI
#: machine (or a parallel test run) does not turn slowness into failures.
PATIENCE = float(os.environ.get("UPRIGHT_TEST_PATIENCE", "3"))


def wait_for(check, timeout: float, what: str, session: Session | None = None):
    timeout *= PATIENCE
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    log = session.log.read_text() if session and session.log.exists() else ""
    pytest.fail(f"timed out after {timeout} s waiting for {what}\nagent log:\n{log[-3000:]}")


@pytest.fixture(scope="module")
def desktop(tmp_path_factory):
    """Xvfb + trayer, for the whole module."""
    with running_xvfb(DISPLAY) as display:
        env = {**os.environ, "DISPLAY": display}
        trayer = subprocess.Popen(["trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
                                   "--height", "24", "--transparent", "false", "--tint", "0xffffff",
                                   "--SetDockType", "true"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        yield display
        trayer.terminate()
        trayer.wait(5)


@pytest.fixture
def session(desktop, tmp_path):
    config = tmp_path / "short.toml"
    config.write_text(CONFIG)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    session = Session(desktop, runtime, config)
    session.start_agent()
    yield session
    session.stop()


def test_status_contract_and_private_socket(session):
    status = session.status()
    assert {"state", "sitting_s", "next_break_in_s", "standing", "paused_until"} <= set(status)
    assert status["state"] in ("working", "away")
    mode = stat.S_IMODE((session.runtime / "control.sock").stat().st_mode)
    assert mode == 0o600


def test_second_agent_says_one_is_running(session):
    result = session.upright("run", "--config", str(session.config))
    assert result.returncode == 0
    assert "already running" in result.stdout


def test_break_window_appears_after_the_sitting_limit_and_done_resets(session):
    session.wiggle(3)
    assert session.status()["state"] == "working"
    wait_for(lambda: session.wiggle(1) or session.windows(), 40, "the break window", session)
    assert session.status()["state"] == "break_due"
    session.screenshot("e2e_break_window.png")
    session.click(session.primary_button())  # Start
    wait_for(lambda: session.status()["state"] == "on_break", 5, "the break to start", session)
    session.screenshot("e2e_break_started.png")
    session.click(session.primary_button())  # Done
    wait_for(lambda: not session.windows(), 5, "the break window to close", session)
    session.wiggle(1)
    status = session.status()
    assert status["state"] == "working" and status["sitting_s"] < 5
    # Done within seconds of Start: an early end, counted apart from the breaks taken.
    assert status["today"]["breaks_taken"] == 0 and status["today"]["ended_early"] == 1


def test_keys_in_the_break_window_as_status_json_sees_them(session):
    """Real keys (XTEST, to the focused window) in the real agent's window: Esc postpones a due
    break; an asked-for break starts on Enter, ignores Esc once on, and Enter a moment later is an
    early end, not a break taken (tests/test_ui_break_keys.py drives every case on the App)."""
    wait_for(lambda: session.wiggle(1) or session.windows(), 40, "the break window", session)
    time.sleep(3)  # hands off: the window takes the keyboard once typing has paused
    session.xdotool("key", "Escape")
    wait_for(lambda: not session.windows(), 5, "Esc to postpone", session)
    status = session.status()
    assert status["state"] == "working" and status["today"]["postponed"] == 1
    assert session.upright("break").returncode == 0
    wait_for(session.windows, 10, "the break window", session)
    time.sleep(3)
    session.xdotool("key", "Return")  # the offered focus: Start
    wait_for(lambda: session.status()["state"] == "on_break", 5, "Enter to start the break", session)
    session.xdotool("key", "Escape")
    time.sleep(0.5)
    assert session.status()["state"] == "on_break" and session.windows()
    session.xdotool("key", "Return")  # Done, seconds into a 2-minute break
    wait_for(lambda: not session.windows(), 5, "Enter to finish", session)
    today = session.status()["today"]
    assert today["ended_early"] == 1 and today["breaks_taken"] == 0


def test_postpone_in_the_break_window_puts_the_prompt_off_by_the_postpone_time(session):
    """Postpone, pressed in a real break window, moves the next prompt 10 s out (a skip would make it 20 s)."""
    wait_for(lambda: session.wiggle(1) or session.windows(), 40, "the break window", session)
    assert session.status()["state"] == "break_due"
    postpone = session.button_right_of_primary()
    session.screenshot("e2e_break_postpone.png")
    session.click(postpone)
    pressed = time.monotonic()
    wait_for(lambda: not session.windows(), 5, "the break window to close", session)
    status = session.status()
    assert status["state"] == "working"
    assert 0 < status["next_break_in_s"] <= 10.5, status  # postpone_min = 10 s; the sitting limit is 20 s
    assert status["today"]["postponed"] == 1 and status["today"]["skipped"] == 0, status
    wait_for(lambda: session.wiggle(1) or session.windows(), 30, "the postponed break window", session)
    assert time.monotonic() - pressed >= 8  # not at once: after the postpone time
    assert session.status()["state"] == "break_due"


def tk_loaded(pid: int) -> bool:
    """Python's Tk module is mapped into the process (it brings libtk and libtcl)."""
    return "_tkinter" in Path(f"/proc/{pid}/maps").read_text()


def test_windows_open_in_a_child_process_and_tk_never_loads_in_the_agent(session):
    """Tk costs the agent about 15 MiB once loaded: the windows live in a child process instead,
    which ends when the last window closes."""
    session.wiggle(1)
    assert session.status()["state"] == "working"
    assert session.upright("break").returncode == 0
    wait_for(session.windows, 10, "the break window", session)
    child = window_process(session)
    assert child is not None and tk_loaded(child) and not tk_loaded(session.agent.pid)
    session.click(session.primary_button())  # Start, in the child: the choice reaches the agent's engine
    wait_for(lambda: session.status()["state"] == "on_break", 5, "the break to start", session)
    session.click(session.primary_button())  # Done, seconds into the break: an early end (issue 19)
    wait_for(lambda: window_process(session) is None, 10, "the window process to end", session)
    assert not tk_loaded(session.agent.pid)
    assert session.status()["today"]["ended_early"] == 1  # Done reached the engine too


#: Each panel entry that opens a window, and the kind of window the agent logs as mapped (the
#: walk-through opens by itself at first run: its entry would raise that one).
WINDOW_ENTRIES = {"posture": "checklist", "exercises": "exercises", "spasm_guide": "spasm_guide",
                  "lifting": "lifting", "red_flags": "red_flags", "today": "today",
                  "this_week": "week", "settings": "settings", "break_now": "break",
                  "pause_30": "notice"}  # last: pausing changes the panel (its notice confirms the pause)


def test_every_kind_of_window_opens_in_the_child_and_the_agent_never_loads_tk(desktop, tmp_path):
    """Each window the agent can show, opened as a person would (the tray's panel, then an entry), is drawn
    by the window process: Tk and its libraries are never mapped into the agent, on X11, all day."""
    from agent.ui import panel
    from agent.ui.protocol import KINDS

    assert set(WINDOW_ENTRIES.values()) | {"panel", "walkthrough"} == set(KINDS)
    (tmp_path / "every.toml").write_text("[breaks]\nsitting_limit_min = 30\n[logging]\nlevel = \"info\"\n")
    session = Session(desktop, tmp_path / "run", tmp_path / "every.toml")
    session.runtime.mkdir(mode=0o700)
    session.start_agent()
    log = session.runtime / "logs" / "upright.log"

    def mapped(kind: str) -> int:
        return log.read_text().count(f"{kind} window mapped") if log.exists() else 0

    try:
        wait_for(lambda: mapped("walkthrough"), 10, "the first-run walk-through", session)
        session.wiggle(1)
        entries = [key for group in panel.entries(paused=False, standing=False, can_postpone=False)
                   for key, _text in group]
        for entry, kind in WINDOW_ENTRIES.items():
            before, panels = mapped(kind), mapped("panel")
            session.click(tray_icon_centre(session))
            wait_for(lambda: mapped("panel") > panels, 5, "the panel", session)
            [window] = wait_for(lambda: session.windows("^Upright$"), 5, "the panel", session)
            for _ in range(entries.index(entry)):
                session.xdotool("key", "--window", window, "Down")
            session.xdotool("key", "--window", window, "Return")
            session.xdotool("keyup", "Return")  # else the server auto-repeats Return into the next window
            wait_for(lambda: mapped(kind) > before, 10, f"the {kind} window ({entry})", session)
        session.screenshot("e2e_every_window.png")
        maps = Path(f"/proc/{session.agent.pid}/maps").read_text()
        assert "_tkinter" not in maps and "libtk" not in maps and "libtcl" not in maps
        assert "_sqlite3" not in maps  # This week read the history in the window process, not here
        assert window_process(session) is not None and "Traceback" not in log.read_text()
    finally:
        session.stop()


def window_process(session) -> int | None:
    """The pid of the agent's window process (`python -m agent.ui.host`), if one runs."""
    for proc in Path("/proc").iterdir():
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (proc / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == session.agent.pid and b"agent.ui.host" in command:
            return int(proc.name)
    return None


FULLSCREEN_WINDOW = """
import tkinter
root = tkinter.Tk()
root.title("Slides")
root.attributes("-fullscreen", True)  # no window manager here: Tk also sizes it to the screen
root.geometry(f"{root.winfo_screenwidth()}x{root.winfo_screenheight()}+0+0")
root.configure(bg="#202020")
root.mainloop()
"""


def test_fullscreen_window_defers_the_prompt_until_it_closes(session):
    slides = subprocess.Popen([sys.executable, "-c", FULLSCREEN_WINDOW], env=session.env)
    try:
        wait_for(lambda: session.xdotool("search", "--name", "^Slides$"), 5, "the slides window")
        wait_for(lambda: session.wiggle(1) or session.status()["state"] == "break_due", 40, "the break", session)
        session.wiggle(3)
        assert session.windows() == []  # held: no window over the presentation
        session.screenshot("e2e_presenting.png")
    finally:
        slides.terminate()
        slides.wait(5)
    wait_for(lambda: session.wiggle(1) or session.windows(), 15, "the make-up break window", session)


def test_idle_as_long_as_a_natural_break_resets_the_clock(session):
    session.wiggle(6)
    assert session.status()["sitting_s"] >= 5
    time.sleep(9.5)  # quiet past the 8 s threshold
    assert session.status()["state"] == "away"
    session.xdotool("mousemove", "640", "400")
    wait_for(lambda: session.status()["state"] == "working", 3, "the return to be seen", session)
    status = session.status()
    assert status["sitting_s"] < 2 and status["today"]["natural_breaks"] == 1


def test_tray_icon_docks_in_trayer(session):
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env=session.env, capture_output=True, text=True).stdout
    assert "trayer" in tree.lower() or "panel" in tree.lower()
    session.wiggle(2)
    path = session.screenshot("e2e_tray.png", box=(1280 - 200, 0, 1280, 30))
    from PIL import Image

    strip = Image.open(path).convert("RGB")
    colours = {strip.getpixel((x, y)) for x in range(strip.width) for y in range(strip.height)}
    assert len(colours) > 3  # more than the tray's plain background: an icon is drawn


def tray_icon_centre(session) -> tuple[int, int]:
    """Where the docked icon is on screen, from the window tree (class uprightSystemTrayIcon)."""
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env=session.env, capture_output=True, text=True).stdout
    [line] = [row for row in tree.splitlines() if "uprightSystemTrayIcon" in row]
    size, absolute = line.split()[-2:]
    width, height = (int(v) for v in size.split("+")[0].split("x"))
    x, y = (int(v) for v in absolute.lstrip("+").split("+"))
    return x + width // 2, y + height // 2


def test_clicking_the_tray_icon_opens_the_panel_and_its_actions_work(session):
    session.wiggle(2)
    session.click(tray_icon_centre(session))
    panel = wait_for(lambda: session.windows("^Upright$"), 5, "the panel", session)
    session.screenshot("e2e_panel.png")
    session.xdotool("key", "--window", panel[0], "Return")  # the first entry: take a break now
    # xdotool pressed Return through XTEST (the panel had the keyboard) but, the panel gone, sent the release
    # to no one: the server would auto-repeat Return into the next test's windows.
    session.xdotool("keyup", "Return")
    wait_for(session.windows, 5, "the break window", session)
    assert session.windows("^Upright$") == []  # choosing an entry closes the panel


def choose_in_the_panel(session, action: str) -> None:
    """Click the tray icon, then reach the panel's `action` entry with Down and press Return."""
    from agent.ui import panel

    session.wiggle(2)
    status = session.status()
    entries = [key for group in panel.entries(paused=False, standing=status["standing"], can_postpone=False,
                                              postpone_min=10 / 60)
               for key, _text in group]
    session.click(tray_icon_centre(session))
    [window] = wait_for(lambda: session.windows("^Upright$"), 5, "the panel", session)
    for _ in range(entries.index(action)):
        session.xdotool("key", "--window", window, "Down")
    session.xdotool("key", "--window", window, "Return")
    session.xdotool("keyup", "Return")  # else the server auto-repeats Return into the next test's panel


def test_the_panels_settings_entry_opens_the_real_settings_window(session):
    """The wiring in agent.live.run names each window class; a wrong name only shows when that window opens."""
    choose_in_the_panel(session, "settings")
    wait_for(lambda: session.windows("^Upright.+settings$"), 10, "the settings window", session)
    session.screenshot("e2e_settings.png")
    assert session.agent.poll() is None
    assert "Traceback" not in session.log.read_text()


def test_the_panels_today_entry_opens_the_today_window_in_the_window_process(session):
    """Today is a small window (no more 5-second toast), drawn by the window process from the agent's totals."""
    choose_in_the_panel(session, "today")
    [today] = wait_for(lambda: session.windows("^Upright.+Today$"), 10, "the Today window", session)
    session.screenshot("e2e_today.png")
    session.xdotool("key", "--window", today, "Escape")
    session.xdotool("keyup", "Escape")  # the window is gone before the release: else Esc auto-repeats on
    wait_for(lambda: not session.windows("^Upright.+Today$"), 10, "the Today window closed", session)


def tray_title(session) -> str:
    """The tray icon's title, which is the tooltip's status line (Upright's own tooltip shows it)."""
    [icon] = session.xdotool("search", "--classname", "^uprightSystemTrayIcon$").split()
    return session.xdotool("getwindowname", icon)


def test_the_cold_pack_timer_outlives_the_spasm_guide(session):
    """Start a cold pack in the real guide (keys), close the guide: the agent's tray line still says when it comes off."""
    choose_in_the_panel(session, "spasm_guide")
    [guide] = wait_for(lambda: session.windows("^Upright.+spasm$"), 10, "the spasm guide", session)
    time.sleep(1)  # the guide takes the keyboard once mapped: Today, Yesterday, 2 and 3 days ago, then the pack
    for _ in range(4):
        session.xdotool("key", "--window", guide, "Tab")
    session.xdotool("key", "--window", guide, "Return")
    session.xdotool("keyup", "Return")
    line = wait_for(lambda: re.search(r"Cold pack off at \d\d:\d\d", tray_title(session)), 10,
                    "the tray's cold-pack line", session)
    session.screenshot("e2e_spasm_guide_pack.png")
    session.xdotool("key", "--window", guide, "Escape")
    session.xdotool("keyup", "Escape")
    wait_for(lambda: not session.windows("^Upright.+spasm$"), 10, "the guide closed", session)
    time.sleep(1)
    session.screenshot("e2e_spasm_guide_closed.png")  # the "keeps running" notice
    assert line.group(0) in tray_title(session), "the timer ended with its window"


def test_the_window_process_holds_no_network_socket_and_none_of_our_files(session):
    """Every socket the agent and its window process hold is a local Unix socket: no TCP, no UDP."""
    session.wiggle(2)
    assert session.upright("break").returncode == 0
    wait_for(session.windows, 10, "the break window", session)
    child = window_process(session)
    for pid in (session.agent.pid, child):
        inodes = socket_inodes(pid)
        assert inodes, "each holds at least its X connection"
        assert not inodes & network_inodes(pid)
    assert len(socket_inodes(child)) == 1  # its X connection: not the agent's control socket or listeners
    opened = [os.readlink(fd) for fd in Path(f"/proc/{child}/fd").iterdir() if int(fd.name) > 2]
    assert not [target for target in opened if target.startswith(str(session.runtime))]  # no file of ours


def socket_inodes(pid: int) -> set[str]:
    """Inodes of every socket `pid` holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def network_inodes(pid: int) -> set[str]:
    network = set()
    for table in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        path = Path(f"/proc/{pid}/net/{table}")
        if path.exists():
            for line in path.read_text().splitlines()[1:]:
                network.add(line.split()[9])
    return network


def network_sockets(pid: int) -> set[str]:
    """Inodes of the sockets `pid` holds that are TCP, UDP or raw (its /proc view of the network tables)."""
    return socket_inodes(pid) & network_inodes(pid)


def test_nothing_leaves_the_machine(desktop, tmp_path):
    """Over the agent's whole run, start to quit, it only ever makes local Unix sockets and looks up no name.

    Python's audit hook records every socket the agent's Python code makes, connects, binds or sends on
    (tests/net_watch.py); /proc is sampled all along for sockets C libraries open. The run goes through a
    day: a break window, the panel, a pause, a natural break, quit.
    """
    import socket
    import threading

    (tmp_path / "short.toml").write_text(CONFIG)
    session = Session(desktop, tmp_path / "run", tmp_path / "short.toml")
    session.runtime.mkdir(mode=0o700)
    record = tmp_path / "net.jsonl"
    session.env["UPRIGHT_NET_WATCH"] = str(record)
    seen, samples, stop = set(), [], threading.Event()

    def sample():
        while not stop.is_set() and session.agent.poll() is None:
            try:
                seen.update(network_sockets(session.agent.pid))
                samples.append(1)
            except OSError:
                pass  # the process just ended
            stop.wait(0.1)

    session.start_agent(launcher=(str(ROOT / "tests" / "net_watch.py"),))
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        assert session.upright("break").returncode == 0
        wait_for(session.windows, 10, "the break window", session)
        session.press_primary(lambda: session.status()["state"] == "on_break", "the break to start")  # Start
        session.press_primary(lambda: not session.windows(), "the break window to close")  # Done
        session.click(tray_icon_centre(session))
        wait_for(lambda: session.windows("^Upright$"), 5, "the panel", session)
        session.xdotool("key", "Escape")
        assert session.upright("pause", "1").returncode == 0 and session.upright("resume").returncode == 0
        session.wiggle(1)
        time.sleep(9.5)  # a natural break: the input listeners are armed, then the return is heard
        session.xdotool("mousemove", "640", "400")
        wait_for(lambda: session.status()["state"] == "working", 3, "the return to be seen", session)
        assert session.upright("quit").returncode == 0
        assert session.agent.wait(15) == 0
    finally:
        stop.set()
        sampler.join(5)
        session.stop()
    events = [json.loads(line) for line in record.read_text().splitlines()]
    made = [e["args"][1] for e in events if e["event"] == "socket.__new__"]
    assert made, "the audit hook saw no socket at all: it did not watch the agent"
    assert set(made) == {int(socket.AF_UNIX)}, f"a socket that is not a local Unix socket: {events}"
    lookups = [e for e in events if e["event"].startswith(("socket.get", "socket.sendto", "socket.sendmsg"))]
    assert lookups == [], "the agent looked up a name or sent a datagram"
    connects = [e["args"][1] for e in events if e["event"] in ("socket.connect", "socket.bind")]
    assert connects and all(isinstance(address, str) for address in connects), connects  # paths, not hosts
    assert len(samples) > 50 and seen == set(), "a TCP, UDP or raw socket was open during the run"


TYPING_APP = """
import tkinter
root = tkinter.Tk(className="QuokkaLedger")
root.title("Quokka-Secret-Title")
entry = tkinter.Entry(root, width=40)
entry.pack()
entry.focus_force()
root.mainloop()
"""


def test_the_history_keeps_only_that_and_when(session):
    """After real typing in a titled app, a break and a natural break, the history holds no key, title or app."""
    app = subprocess.Popen([sys.executable, "-c", TYPING_APP], env=session.env)
    try:
        window = wait_for(lambda: session.xdotool("search", "--name", "^Quokka-Secret-Title$"), 10, "the app")
        session.xdotool("windowfocus", "--sync", window.split()[0])
        session.xdotool("type", "--delay", "40", "zebrapassword hunter2")
        assert session.upright("break").returncode == 0  # a window: Tk loads, so SQLite may
        wait_for(session.windows, 10, "the break window", session)
        session.click(session.primary_button())  # Start
        wait_for(lambda: session.status()["state"] == "on_break", 5, "the break to start", session)
        session.click(session.primary_button())  # Done
        wait_for(lambda: not session.windows(), 5, "the break window to close", session)
        time.sleep(9)  # away longer than the 8 s natural break
        session.xdotool("type", "--delay", "40", "zebrapassword again")
        wait_for(lambda: session.status()["today"]["natural_breaks"] == 1, 10, "the natural break", session)
    finally:
        app.terminate()
        app.wait(5)
    assert session.upright("quit").returncode == 0
    assert session.agent.wait(10) == 0
    data = session.runtime / "data"
    db_path = data / "history.sqlite3"
    blob = b"".join(p.read_bytes() for p in data.iterdir() if p.is_file())
    for secret in (b"zebra", b"hunter", b"Quokka", b"quokka", b"Secret", b"Ledger", b"python", b"Entry"):
        assert secret not in blob and secret.lower() not in blob.lower()
    import sqlite3

    db = sqlite3.connect(db_path)
    [(taken, natural)] = db.execute("SELECT sum(taken), sum(natural_breaks) FROM days").fetchall()
    # It did record (the scan above is not of an empty file): the natural break, and the break started;
    # Done seconds after Start ends it early, so the day counts no break taken (issue 19).
    assert (taken, natural) == (0, 1)
    assert db.execute("SELECT count(*) FROM breaks WHERE outcome = 'natural'").fetchone() == (1,)
    assert db.execute("SELECT sum(ended_early) FROM days").fetchone() == (1,)
    assert db.execute("SELECT count(*) FROM breaks WHERE outcome = 'ended_early'").fetchone() == (1,)
    texts = {value for table in ("days", "breaks") for row in db.execute(f"SELECT * FROM {table}")
             for value in row if isinstance(value, str)}

    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d)?|[0-9a-f]{16}|taken|natural|postponed|skipped|held|ended_early",
                            text) for text in texts), texts  # dates, times, session ids, outcomes: nothing else


def test_quit_stops_the_agent_and_removes_the_socket(session):
    assert session.upright("quit").returncode == 0
    assert session.agent.wait(10) == 0
    assert not (session.runtime / "control.sock").exists()
    result = session.upright("status")
    assert result.returncode == 1 and "not running" in result.stderr


def test_the_windows_pipe_transport_carries_every_command(desktop, tmp_path):
    """The named-pipe code path (Windows) end to end, a Unix socket standing in for the pipe."""
    (tmp_path / "short.toml").write_text(CONFIG)
    session = Session(desktop, tmp_path / "run", tmp_path / "short.toml")
    session.runtime.mkdir(mode=0o700)
    session.env["UPRIGHT_CONTROL_PIPE"] = "1"
    session.start_agent()
    try:
        assert not (session.runtime / "control.sock").exists() and (session.runtime / "control.key").exists()
        paused = session.upright("pause", "5")
        # the line a person reads says the clock time as the tray does, not the status's ISO stamp
        assert paused.returncode == 0 and re.fullmatch(r"Paused until (\d{4}-\d\d-\d\d )?\d\d:\d\d\n",
                                                        paused.stdout), paused.stdout
        assert session.status()["state"] == "paused"
        assert "already running" in session.upright("run", "--config", str(session.config)).stdout
        assert session.upright("quit").returncode == 0
        session.agent.wait(10)
        assert session.upright("status").returncode == 1  # no agent: said so, exit 1
    finally:
        session.stop()


def test_without_a_display_run_says_what_is_missing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["UPRIGHT_RUNTIME_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "agent", "run"], env=env, capture_output=True, text=True,
                            timeout=20, cwd=ROOT)
    assert result.returncode == 2
    assert "No display" in result.stderr and "Fix:" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_x_record_run_says_what_is_missing(tmp_path):
    with running_xvfb(NO_RECORD_DISPLAY, extra_args=("-extension", "RECORD")) as display:
        env = {**os.environ, "DISPLAY": display, "UPRIGHT_RUNTIME_DIR": str(tmp_path)}
        result = subprocess.run([sys.executable, "-m", "agent", "run"], env=env, capture_output=True, text=True,
                                timeout=30, cwd=ROOT)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "RECORD" in result.stderr and "Fix:" in result.stderr
    assert "Traceback" not in result.stderr


def test_kill_9_of_the_window_process_never_stops_counting(session):
    """The due prompt's window process dies: logged once, the prompt stays due (unanswered), counting goes
    on, `upright break` says what happened and a new process shows the window; its choice still counts."""
    wait_for(lambda: session.wiggle(1) or session.windows(), 40, "the break window", session)
    child = window_process(session)
    os.kill(child, 9)
    wait_for(lambda: not session.windows(), 5, "the killed process's window to go", session)
    wait_for(lambda: "window process was killed (SIGKILL)" in session.log.read_text(), 5, "the fault logged")
    before = session.status()
    session.wiggle(2)
    after = session.status()
    assert before["state"] == after["state"] == "break_due"  # unanswered: still due
    assert after["sitting_s"] > before["sitting_s"]  # and still counting
    result = session.upright("break")
    assert result.returncode == 0 and "Note: the window process was killed (SIGKILL)" in result.stdout
    wait_for(session.windows, 10, "the break window from a new process", session)
    assert window_process(session) not in (None, child)
    session.click(session.primary_button())  # Start
    wait_for(lambda: session.status()["state"] == "on_break", 5, "the break to start", session)
    session.click(session.primary_button())  # Done, seconds in: an early end (issue 19), counted
    wait_for(lambda: session.status()["today"]["ended_early"] == 1, 5, "the break to count", session)
    assert session.log.read_text().count("window process was killed") == 1
    assert "Note:" not in session.upright("break").stdout  # a process has worked since: nothing to report


def test_the_window_process_losing_its_display_is_a_window_fault_not_the_agents_end(session):
    """XKillClient on the break window cuts the window process's own X connection (Xlib then ends it),
    while the agent's stays up: a window fault, logged; the agent keeps counting and does not exit
    (issue 17 ends the agent, exit 3, only when its own connection goes)."""
    [window] = wait_for(lambda: session.wiggle(1) or session.windows(), 40, "the break window", session)
    child = window_process(session)
    session.xdotool("windowkill", window)
    wait_for(lambda: window_process(session) is None, 10, "the window process to end", session)
    wait_for(lambda: "window process stopped unexpectedly" in session.log.read_text(), 5, "the fault logged",
             session)
    assert session.agent.poll() is None, session.log.read_text()
    before = session.status()
    session.wiggle(2)
    after = session.status()
    assert before["state"] == after["state"] == "break_due" and after["sitting_s"] > before["sitting_s"]
    result = session.upright("break")
    assert result.returncode == 0 and "Note: the window process stopped unexpectedly" in result.stdout
    wait_for(session.windows, 10, "the break window from a new process", session)
    assert window_process(session) not in (None, child)
    assert "desktop session ended" not in session.log.read_text()


def test_a_hung_window_process_is_ended_within_seconds(session):
    session.wiggle(1)
    assert session.upright("break").returncode == 0
    wait_for(session.windows, 10, "the break window", session)
    child = window_process(session)
    os.kill(child, signal.SIGSTOP)  # alive, but answers nothing
    started = time.monotonic()
    wait_for(lambda: session.wiggle(0.5) or "window process stopped answering" in session.log.read_text(), 12,
             "the hang noticed", session)  # the person goes on working meanwhile
    assert time.monotonic() - started < 2 * PING_S + 1  # at worst a ping just answered, the next one not
    wait_for(lambda: window_process(session) is None, 5, "the hung process ended", session)
    assert session.status()["state"] == "working"  # the agent answers and counts throughout
    result = session.upright("break")
    assert "Note: the window process stopped answering" in result.stdout
    wait_for(session.windows, 10, "a new break window", session)


def test_first_run_walkthrough_and_a_break_share_one_window_process(desktop, tmp_path):
    (tmp_path / "first.toml").write_text(CONFIG.replace("first_run_walkthrough = false",
                                                        "first_run_walkthrough = true"))
    session = Session(desktop, tmp_path / "run", tmp_path / "first.toml")
    session.runtime.mkdir(mode=0o700)
    session.start_agent()
    try:
        wait_for(lambda: session.windows("set up your workstation"), 10, "the walk-through", session)
        child = window_process(session)
        assert child is not None and tk_loaded(child) and not tk_loaded(session.agent.pid)
        assert session.upright("break").returncode == 0
        wait_for(session.windows, 10, "the break window", session)
        assert window_process(session) == child  # one process draws both
        session.screenshot("e2e_walkthrough_and_break.png")
    finally:
        session.stop()
    wait_for(lambda: not Path(f"/proc/{child}").exists(), 5, "the window process to end with the agent")
