"""Changing one setting in the user's config.toml: one line changes, the rest stays the user's.

Every test starts as a user without a settings file (tests/conftest.py).
"""

from __future__ import annotations

import os
import stat
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.files import tomlfile
from agent.settings import config, layers
from agent.settings.user_settings import InvalidValue, SettingsFileError, commented_settings, reset, set_value


def write(path, text: str | bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """(old, new) line pairs that differ, for files whose line count did not change."""
    old, new = before.split("\n"), after.split("\n")
    assert len(old) == len(new), f"lines added or removed:\n{after}"
    return [(a, b) for a, b in zip(old, new) if a != b]


HAND_WRITTEN = """\
# My Upright settings -- the nurse said 40 minutes.

[breaks]
# longer than the default
sitting_limit_min = 40   # was 30

postpone_min = 10

[do_not_disturb]
camera = false
"""


# --- where the value goes ------------------------------------------------------------


def test_a_first_change_starts_from_the_commented_template():
    path = set_value("breaks.sitting_limit_min", 45)
    assert path == layers.user_file()
    text = path.read_text()
    assert "\nsitting_limit_min = 45\n" in text
    assert "# postpone_min = 5" in text  # the others stay explained and commented out
    effective = layers.load()
    assert effective.values["breaks"]["sitting_limit_min"] == 45
    assert effective.origins["breaks.sitting_limit_min"] == "user"
    assert effective.origins["breaks.postpone_min"] == "default"
    assert effective.problems == []


def test_changing_a_set_value_changes_that_line_only_and_keeps_its_comment():
    path = write(layers.user_file(), HAND_WRITTEN)
    set_value("breaks.sitting_limit_min", 35)
    assert changed_lines(HAND_WRITTEN, path.read_text()) == [
        ("sitting_limit_min = 40   # was 30", "sitting_limit_min = 35   # was 30")]
    assert layers.load().values["breaks"]["sitting_limit_min"] == 35


def test_a_commented_out_line_from_config_init_becomes_live_in_place():
    template = commented_settings(layers.load())
    path = write(layers.user_file(), template)
    set_value("breaks.postpone_min", 10)
    set_value("features.strict_breaks", True)
    assert changed_lines(template, path.read_text()) == [
        ("# postpone_min = 5", "postpone_min = 10"),
        ("# strict_breaks = false", "strict_breaks = true"),
    ]


def test_a_missing_setting_goes_at_the_end_of_its_section():
    path = write(layers.user_file(), HAND_WRITTEN)
    set_value("breaks.break_min", 3)
    assert path.read_text() == HAND_WRITTEN.replace("postpone_min = 10\n", "postpone_min = 10\nbreak_min = 3\n")


def test_a_missing_section_goes_at_the_end_of_the_file():
    path = write(layers.user_file(), HAND_WRITTEN)
    set_value("pattern.mode", "sit-stand-move")
    assert path.read_text() == HAND_WRITTEN + '\n[pattern]\nmode = "sit-stand-move"\n'
    assert layers.load().values["pattern"]["mode"] == "sit-stand-move"


def test_dotted_keys_are_changed_and_extended_as_dotted_keys():
    text = "breaks.postpone_min = 3  # quick\nbreaks . 'max_postpones' = 1\n\n[standing]\nlimit_min = 20\n"
    path = write(layers.user_file(), text)
    set_value("breaks.postpone_min", 4)
    set_value("breaks.sitting_limit_min", 25)
    assert path.read_text() == ("breaks.postpone_min = 4  # quick\nbreaks . 'max_postpones' = 1\n"
                                "breaks.sitting_limit_min = 25\n\n[standing]\nlimit_min = 20\n")
    assert config.read_file(path)["breaks"] == {"postpone_min": 4, "max_postpones": 1, "sitting_limit_min": 25}


def test_quoted_keys_headers_with_spaces_and_hashes_inside_strings():
    text = '[ "exercises" ]  # mine\n"floor_at_desk" = false\nfolder = "/srv/#ergo" # IT\'s folder\n'
    path = write(layers.user_file(), text)
    set_value("exercises.folder", "/srv/new")
    set_value("exercises.floor_at_desk", True)
    assert path.read_text() == '[ "exercises" ]  # mine\n"floor_at_desk" = true\nfolder = "/srv/new" # IT\'s folder\n'


def test_a_multi_line_string_value_is_replaced_whole():
    path = write(layers.user_file(), '[exercises]\nfolder = """\n/srv/[ergo]\n""" # shared\nfloor_at_desk = true\n')
    set_value("exercises.folder", "/x")
    assert path.read_text() == '[exercises]\nfolder = "/x" # shared\nfloor_at_desk = true\n'


def test_crlf_line_endings_are_kept_for_old_and_new_lines():
    text = "# from Notepad\r\n[breaks]\r\npostpone_min = 3\r\n\r\n[standing]\r\nlimit_min = 20\r\n"
    path = write(layers.user_file(), text)
    set_value("breaks.sitting_limit_min", 25)
    set_value("pattern.mode", "sit-stand-move")
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") == 10
    assert data == (b"# from Notepad\r\n[breaks]\r\npostpone_min = 3\r\nsitting_limit_min = 25\r\n\r\n"
                    b"[standing]\r\nlimit_min = 20\r\n\r\n[pattern]\r\nmode = \"sit-stand-move\"\r\n")


def test_a_file_without_a_final_newline():
    path = write(layers.user_file(), "[breaks]\npostpone_min = 3")
    set_value("breaks.postpone_min", 4)
    assert path.read_text() == "[breaks]\npostpone_min = 4"
    set_value("breaks.break_min", 3)
    assert path.read_text() == "[breaks]\npostpone_min = 4\nbreak_min = 3"
    set_value("standing.limit_min", 30)
    assert config.read_file(path) == {"breaks": {"postpone_min": 4, "break_min": 3}, "standing": {"limit_min": 30}}


def test_an_empty_file_gets_the_section():
    path = write(layers.user_file(), "")
    set_value("features.statistics", False)
    assert path.read_text() == "[features]\nstatistics = false\n"


def test_a_byte_order_mark_permissions_and_a_symlink_are_kept(tmp_path):
    real = write(tmp_path / "dotfiles" / "upright.toml", b"\xef\xbb\xbf[breaks]\npostpone_min = 3\n")
    os.chmod(real, 0o640)
    link = layers.user_file()
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(real)
    set_value("breaks.postpone_min", 6)
    assert link.is_symlink(), "the user's dotfiles link is still a link"
    assert real.read_bytes() == b"\xef\xbb\xbf[breaks]\npostpone_min = 6\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


# --- what is refused ---------------------------------------------------------------------


@pytest.mark.parametrize("text, where, says", [
    ("[breaks]\nsitting_limit_min = 40\npostpone_min = \n", ":3:", "TOML syntax error"),
    ("[breaks]\nsitting_limit_min = 40\n\n[breaks]\npostpone_min = 3\n", ":4:", "TOML syntax error"),
    ("[breaks]\npostpone_mins = 3\n", ":2: breaks.postpone_mins:", "did you mean 'postpone_min'?"),
    ("[breaks]\nbreak_min = 0\n", ":2: breaks.break_min:", "must be greater than 0"),
], ids=["syntax", "section-twice", "typo", "out-of-range"])
def test_a_file_with_a_mistake_is_never_overwritten(text, where, says):
    path = write(layers.user_file(), text)
    before = path.stat()
    with pytest.raises(SettingsFileError) as error:
        set_value("breaks.sitting_limit_min", 45)
    message = str(error.value)
    assert f"{path}{where}" in message and says in message and "Fix this in the file first" in message
    with pytest.raises(SettingsFileError):
        reset("breaks.sitting_limit_min")
    assert path.read_text() == text
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_an_inline_table_is_left_to_the_user():
    path = write(layers.user_file(), "breaks = { postpone_min = 3 }\n")
    with pytest.raises(SettingsFileError, match=r":1: breaks: written as an inline table"):
        set_value("breaks.sitting_limit_min", 45)
    assert path.read_text() == "breaks = { postpone_min = 3 }\n"


@pytest.mark.parametrize("dotted, value, says", [
    ("breaks.sitting_limit_min", 0, "must be greater than 0 and at most 480, got 0"),
    ("breaks.break_min", -1.5, "must be greater than 0 and at most 60, got -1.5"),
    ("breaks.postpone_min", "ten", 'expected a number, got a string ("ten")'),
    ("breaks.postpone_min", float("nan"), "must be greater than 0 and at most 120, got nan"),
    ("features.strict_breaks", 1, "expected true or false, got an integer (1)"),
    ("pattern.mode", "sometimes", 'expected "sitting-limit" or "sit-stand-move", got a string ("sometimes")'),
])
def test_an_unusable_value_is_refused_with_the_validators_words(dotted, value, says):
    path = write(layers.user_file(), HAND_WRITTEN)
    with pytest.raises(InvalidValue) as error:
        set_value(dotted, value)
    assert str(error.value) == says
    assert path.read_text() == HAND_WRITTEN


def test_an_unusable_value_does_not_create_the_file():
    with pytest.raises(InvalidValue):
        set_value("breaks.sitting_limit_min", 0)
    assert not layers.user_file().exists()


def test_an_unknown_setting_is_a_programming_error():
    with pytest.raises(KeyError):
        set_value("breaks.sitting_limit", 30)


# --- reset ---------------------------------------------------------------------------------


def test_reset_comments_the_line_out_showing_the_default():
    path = write(layers.user_file(), HAND_WRITTEN)
    reset("breaks.sitting_limit_min")
    assert changed_lines(HAND_WRITTEN, path.read_text()) == [
        ("sitting_limit_min = 40   # was 30", "# sitting_limit_min = 30   # was 30")]
    effective = layers.load()
    assert effective.origins["breaks.sitting_limit_min"] == "default"
    set_value("breaks.sitting_limit_min", 50)  # and a later change revives the same line
    assert changed_lines(HAND_WRITTEN, path.read_text()) == [
        ("sitting_limit_min = 40   # was 30", "sitting_limit_min = 50   # was 30")]


def test_reset_falls_back_to_what_the_organisation_recommends():
    from tests.test_layers import system_policy

    system_policy("[recommended.breaks]\nsitting_limit_min = 40\n")
    set_value("breaks.sitting_limit_min", 20)
    assert layers.load().origins["breaks.sitting_limit_min"] == "user"
    reset("breaks.sitting_limit_min")
    effective = layers.load()
    assert (effective.values["breaks"]["sitting_limit_min"], effective.origins["breaks.sitting_limit_min"]) == (
        40, "recommended")


def test_resetting_what_the_file_does_not_set_writes_nothing():
    reset("breaks.sitting_limit_min")
    assert not layers.user_file().exists()
    path = write(layers.user_file(), HAND_WRITTEN)
    before = path.stat().st_ino
    reset("pattern.mode")
    assert path.stat().st_ino == before and path.read_text() == HAND_WRITTEN


# --- any value, any of these layouts --------------------------------------------------------

LAYOUTS = [
    "",
    HAND_WRITTEN,
    HAND_WRITTEN.replace("\n", "\r\n").rstrip("\r\n"),
    "breaks.postpone_min = 3\nfeatures.statistics = true\n",
    '# only a comment\n["pattern"]\n"mode" = \'sit-stand-move\' # cornell\n[exercises]\nfolder = "#x"',
]


def _valid(key: config.Key):
    if key.kind == config.BOOLEAN:
        return st.booleans()
    if key.kind == config.CHOICE:
        return st.sampled_from(key.choices)
    if key.kind == config.TEXT:
        return st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
    if key.kind == config.INTEGER:
        return st.integers(int(key.low), int(key.high))
    return st.one_of(st.integers(int(key.low) + 1, int(key.high)),
                     st.floats(key.low, key.high, exclude_min=key.low_open, allow_nan=False))


@st.composite
def changes(draw):
    key = draw(st.sampled_from(config.SCHEMA))
    return key, draw(_valid(key))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=st.sampled_from(LAYOUTS), change=changes(), then_reset=st.booleans())
def test_any_valid_change_loads_back_and_leaves_the_rest_alone(tmp_path, layout, change, then_reset):
    key, value = change
    path = write(tmp_path / "config.toml", layout)
    before = tomllib.loads(layout)
    set_value(key.dotted, value, path)
    after = config.read_file(path)
    expected = {**before, key.section: {**before.get(key.section, {}), key.name: value}}
    assert after == expected
    for line in layout.replace("\r\n", "\n").split("\n"):  # every other line is still there
        if line and key.name not in line:
            assert line in path.read_text(encoding="utf-8").replace("\r\n", "\n")
    if then_reset:
        reset(key.dotted, path)
        left = config.read_file(path)
        assert key.name not in left.get(key.section, {})
        assert {s: t for s, t in left.items() if t} == {
            s: {n: v for n, v in t.items() if (s, n) != (key.section, key.name)}
            for s, t in before.items() if {n for n in t if (s, n) != (key.section, key.name)}}


def test_toml_value_writes_what_toml_reads_back():
    for value in (True, False, 0, 45, 0.5, 1e-05, 12345.678, "sit-stand-move", 'a "quoted" \\ path\t\x7f\u00e9'):
        assert tomllib.loads(f"v = {tomlfile.literal(value)}")["v"] == value
