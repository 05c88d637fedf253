"""tests/ci.py: in CI a test whose tool or data is missing fails; elsewhere it skips, saying why."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci import needs

ROOT = Path(__file__).resolve().parents[1]


def run_content_tests(tmp_path: Path, ci: str) -> subprocess.CompletedProcess:
    """The article tests of test_content.py with the articles' folder pointing at nothing."""
    env = {**os.environ, "CI": ci, "UPRIGHT_REFERENCE_DIR": str(tmp_path / "no-articles-here")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfs",
                           "tests/test_content.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_without_the_articles_a_plain_clone_skips_and_ci_fails(tmp_path):
    laptop = run_content_tests(tmp_path, "")
    assert laptop.returncode == 0 and re.search(r"\d+ skipped", laptop.stdout), laptop.stdout[-2000:]
    assert "the source articles are not in" in laptop.stdout
    ci = run_content_tests(tmp_path, "true")
    assert ci.returncode == 1 and re.search(r"\d+ errors?", ci.stdout), ci.stdout[-2000:]  # failed in setup
    assert "CI must provide what this test needs: the source articles are not in" in ci.stdout
    failed = int(re.search(r"(\d+) errors?", ci.stdout).group(1))
    skipped = int(re.search(r"(\d+) skipped", laptop.stdout).group(1))
    assert failed == skipped  # every test that skipped on the laptop fails in CI


def test_needs_never_skips_when_the_thing_is_there():
    for in_ci in (True, False):  # a skipif whose condition is False: it runs, and pytest warns of nothing
        assert (needs(True, "x", in_ci=in_ci).mark.name, needs(True, "x", in_ci=in_ci).mark.args) == ("skipif", (False,))
    assert needs(False, "x missing", in_ci=False).mark.name == "skip"
    assert needs(False, "x missing", in_ci=True).mark.args == ("x missing",)


@pytest.mark.skipif(os.environ.get("CI", "").lower() not in ("1", "true", "yes"), reason="only in CI")
def test_ci_has_the_articles():
    from tests.reference import REFERENCE

    assert REFERENCE.is_dir(), f"CI must check out the articles: {REFERENCE}"
