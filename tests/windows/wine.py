"""The Wine lane's harness: a fresh Wine prefix on Xvfb running the real Windows build of Upright.

The program folder is the one the MSI installs (deploy/windows/runtime.py):
the official embeddable CPython 3.11 for Windows, Tk, the Windows wheels and
Upright, started through its own `upright.exe`. Input comes from
`winput.py` under the same Windows python (SendInput: the only input Wine's
GetLastInputInfo sees). Nothing here fakes a Windows call.

Two Wine traps shape the code: the Windows python dies at start unless its
standard input AND output are pipes, so every process gets `input=""` or a
kept-open pipe and captured output; and the first `wine` call starts a
wineserver that would inherit those pipes, so the server is started alone
first and stopped (`wineserver -k`) at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.ci import needs

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
PROGRAM = ROOT / "build" / "windows" / "Upright"
DISPLAY = os.environ.get("UPRIGHT_WINE_DISPLAY") or None  # None: Xvfb picks a free one
WINPUT = Path(__file__).with_name("winput.py")

needs_wine = needs(shutil.which("wine") is not None and shutil.which("wineserver") is not None,
                   "needs Wine (bash scripts/install.sh --test installs it; CI does)")


def winpath(path: Path | str) -> str:
    """The Windows name Wine gives a Unix path (drive Z: is /)."""
    return "Z:" + str(path).replace("/", "\\")


def build_program() -> Path:
    """The Windows program folder, built fresh from this checkout (downloads are cached)."""
    subprocess.run([sys.executable, str(ROOT / "deploy" / "windows" / "runtime.py"), "--out", str(PROGRAM)],
                   check=True, capture_output=True, timeout=600)
    return PROGRAM


class Wine:
    """One Wine prefix with its server, on one X display."""

    def __init__(self, prefix: Path, display: str) -> None:
        self.prefix = prefix
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("XDG_", "UPRIGHT_", "WAYLAND"))}
        self.env.update(WINEPREFIX=str(prefix), WINEDEBUG="-all", DISPLAY=display,
                        WINEDLLOVERRIDES="mscoree,mshtml=")  # no Mono/Gecko install prompts

    def start(self) -> None:
        subprocess.Popen(["wineserver", "-p"], env=self.env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.run("wineboot", "-i", timeout=180)

    def stop(self) -> None:
        subprocess.run(["wineserver", "-k"], env=self.env, capture_output=True, timeout=30)
        subprocess.run(["wineserver", "-w"], env=self.env, capture_output=True, timeout=30)

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        """`wine ARGS` with standard input and output on pipes; the output as text.

        Done by hand, not with subprocess.run: a Wine helper process started on demand
        (the desktop, services) can inherit the pipes and hold them open long after
        the program itself has ended, so the end is the program's exit, not the pipes' EOF.
        """
        process = subprocess.Popen(["wine", *args], env=self.env, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdin.close()
        out, err = bytearray(), bytearray()
        readers = [threading.Thread(target=_drain, args=pair, daemon=True)
                   for pair in ((process.stdout, out), (process.stderr, err))]
        for reader in readers:
            reader.start()
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        for reader in readers:
            reader.join(1.0)
        return subprocess.CompletedProcess(args, code, bytes(out).decode(errors="replace"),
                                           bytes(err).decode(errors="replace"))

    def upright(self, *args: str, program: Path = PROGRAM, timeout: float = 60) -> subprocess.CompletedProcess:
        return self.run(str(program / "upright.exe"), *args, timeout=timeout)

    def python(self, *args: str, program: Path = PROGRAM, timeout: float = 60) -> subprocess.CompletedProcess:
        return self.run(str(program / "python.exe"), *args, timeout=timeout)

    def reg_query(self, key: str, name: str) -> str | None:
        """The data of one registry value as `reg query` prints it, or None when it is absent."""
        result = self.run("reg", "query", key, "/v", name)
        for line in result.stdout.splitlines():
            words = line.split(None, 2)
            if len(words) == 3 and words[0] == name:
                return words[2].strip()
        return None

    def processes(self) -> dict[int, list[str]]:
        """Linux pid -> arguments of each process of this prefix (Wine runs each Windows process as one)."""
        found = {}
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                args = (proc / "cmdline").read_bytes().decode(errors="replace").strip(" \0").split("\0")
                environ = (proc / "environ").read_bytes()
            except OSError:
                continue
            if f"WINEPREFIX={self.prefix}\0".encode() in environ + b"\0":
                found[int(proc.name)] = args
        return found

    def user_folder(self) -> Path:
        """The Unix path of C:\\users\\<user> in this prefix."""
        users = [p for p in (self.prefix / "drive_c" / "users").iterdir() if p.name not in ("Public",)]
        return next(p for p in users if (p / "AppData").is_dir())


def _drain(stream, into: bytearray) -> None:
    for chunk in iter(lambda: stream.read1(65536), b""):
        into.extend(chunk)


class Background:
    """A long-running Windows process whose output is copied to a log file as it comes."""

    def __init__(self, wine: Wine, args: list[str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(["wine", *args], env=wine.env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self._copier = threading.Thread(target=self._copy, daemon=True)
        self._copier.start()

    def _copy(self) -> None:
        with self.log.open("wb") as out:
            for line in self.process.stdout:
                out.write(line)
                out.flush()

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class Input:
    """The SendInput helper, one Windows process fed commands on its standard input."""

    def __init__(self, wine: Wine, log: Path) -> None:
        self.process = subprocess.Popen(["wine", str(PROGRAM / "python.exe"), winpath(WINPUT)], env=wine.env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)  # a file would be an invalid handle
        self.errors = bytearray()
        threading.Thread(target=_drain, args=(self.process.stderr.buffer, self.errors), daemon=True).start()
        assert self.process.stdout.readline().strip() == "ready", bytes(self.errors).decode(errors="replace")

    def do(self, *words: object) -> None:
        self.process.stdin.write(" ".join(map(str, words)) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline().strip()
        assert reply == "ok", f"input helper said {reply!r}"

    def buttons(self, title: str) -> list[dict] | None:
        """The buttons of the shown window whose title holds `title` (winput's `window`), or None."""
        self.process.stdin.write(f"window {title}\n")
        self.process.stdin.flush()
        found = json.loads(self.process.stdout.readline())
        reply = self.process.stdout.readline().strip()
        assert reply == "ok", f"input helper said {reply!r}"
        return found

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wait_for(check, timeout: float, what: str, log: Background | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout} s waiting for {what}\nagent output:\n{log.text()[-3000:] if log else ''}")


@contextlib.contextmanager
def wine_prefix(tmp: Path, display: str) -> Iterator[Wine]:
    wine = Wine(tmp / "prefix", display)
    wine.start()
    try:
        yield wine
    finally:
        wine.stop()
