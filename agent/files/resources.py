"""Where Upright's shipped data lives.

`assets/` and `config/` sit at the top of the source tree and are copied into
the package by the wheel build (as `agent/data/...`), so one lookup serves an
installed copy and a source checkout.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # agent/


def data_dir(name: str) -> Path:
    """The folder `assets` or `config`, installed or in the source tree."""
    for candidate in (_PACKAGE / "data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Upright's {name}/ folder is missing: reinstall Upright")


def config_file(name: str) -> Path:
    """A file shipped in `config/`, such as `defaults.toml`."""
    return data_dir("config") / name


def asset(*parts: str) -> Path:
    """A file shipped in `assets/`, such as `examples/workday.jsonl`."""
    return data_dir("assets").joinpath(*parts)
