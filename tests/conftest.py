"""Every test runs as a user with no settings file and a machine with no policy.

Upright reads ~/.config/upright/config.toml and /etc/xdg/upright/policy.toml;
a developer's own files, or a policy on the CI machine, must not change what
a test sees. Tests that want them write them under these temporary folders.
"""

import pytest

from tests.ci import MARK

# The real X desktop's fixtures (ui_display, root, shown) for the UI tests.
pytest_plugins = ["tests.ui_desktop"]


def pytest_configure(config):
    config.addinivalue_line("markers", f"{MARK}(reason): what the test needs is missing in CI: fail (tests/ci.py)")


def pytest_runtest_setup(item):
    """In CI a test whose tool or data is missing fails, saying what is missing (tests/ci.py)."""
    mark = item.get_closest_marker(MARK)
    if mark is not None:
        pytest.fail(f"CI must provide what this test needs: {mark.args[0]}", pytrace=False)


@pytest.fixture(autouse=True)
def _no_settings_of_the_machine(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "user"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(home / "system"))
    monkeypatch.delenv("UPRIGHT_POLICY", raising=False)
