"""Skips that hide nothing in CI.

On a laptop a test whose tool or data is missing skips and says why. In CI
(`CI=true`, as GitHub Actions, GitLab and most runners set it) everything a
test needs is meant to be installed, so a missing piece fails the test
instead of turning a whole area silently grey (tests/conftest.py does the
failing, before the test's body runs).

    NEEDS_X = needs(shutil.which("x") is not None, "x is not installed (bash scripts/install.sh --test)")

    @NEEDS_X
    def test_something(): ...
"""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
MARK = "missing_in_ci"


def needs(available: bool, reason: str, *, in_ci: bool | None = None) -> pytest.MarkDecorator:
    """Nothing where `available`; else skip with `reason`, or in CI fail with it."""
    if available:
        return pytest.mark.skipif(False, reason=reason)  # never skips: a mark that does nothing, quietly
    if IN_CI if in_ci is None else in_ci:
        return getattr(pytest.mark, MARK)(reason)
    return pytest.mark.skip(reason=reason)
