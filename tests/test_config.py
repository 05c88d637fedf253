"""The settings layer: schema, checking with line numbers, reading, layering."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.core.rules import MODES, Rules
from agent.files.resources import config_file
from agent.settings import config
from agent.settings.config import SCHEMA, ConfigError, Problem


def write(tmp_path, text, name="upright.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path):
    """The problems read_file reports; fails the test if it reports none."""
    with pytest.raises(ConfigError) as caught:
        config.read_file(path)
    assert caught.value.problems, "ConfigError without problems"
    return caught.value.problems


def only_problem(path):
    problems = problems_of(path)
    assert len(problems) == 1, problems
    return problems[0]


# --- defaults and schema ----------------------------------------------------


def test_defaults_load_and_drive_the_engine_rules():
    rules = Rules.from_config(config.defaults())
    assert rules.sitting_limit_s == 1800
    assert rules.max_postpones == 3
    assert rules.mode == "sitting-limit"


def test_every_schema_key_is_in_the_defaults_file_and_vice_versa():
    shipped = tomllib.loads(config_file("defaults.toml").read_text(encoding="utf-8"))
    in_file = {(section, name) for section, table in shipped.items() for name in table}
    in_schema = {(key.section, key.name) for key in SCHEMA}
    assert in_file == in_schema


def test_schema_declares_each_key_once_with_a_description():
    dotted = [key.dotted for key in SCHEMA]
    assert len(dotted) == len(set(dotted))
    assert all(key.description.strip() for key in SCHEMA)


def test_mode_choices_are_the_engine_modes():
    assert config.SECTIONS["pattern"]["mode"].choices == MODES


def test_load_without_a_path_is_the_defaults():
    assert config.load() == config.defaults()


# --- a user file that is fine ------------------------------------------------


def test_fractional_override_is_accepted_and_merged(tmp_path):
    path = write(tmp_path, "[breaks]\nsitting_limit_min = 0.25\n")
    loaded = config.load(path)
    assert loaded["breaks"]["sitting_limit_min"] == 0.25
    assert loaded["breaks"]["postpone_min"] == 5  # untouched default
    assert loaded["pattern"]["mode"] == "sitting-limit"
    assert Rules.from_config(loaded).sitting_limit_s == 15


def test_an_empty_file_is_a_valid_partial_config(tmp_path):
    assert config.read_file(write(tmp_path, "# nothing set\n")) == {}


def test_a_leading_byte_order_mark_is_forgiven(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf[breaks]\npostpone_min = 7\n")
    assert config.read_file(path) == {"breaks": {"postpone_min": 7}}


def test_range_edges_that_are_allowed(tmp_path):
    path = write(tmp_path, "[breaks]\nsitting_limit_min = 480\nprompt_idle_grace_s = 0\nmax_postpones = 20\n"
                           "[pattern]\nmode = 'sit-stand-move'\nmove_min = 0.01\n")
    assert config.read_file(path)["breaks"]["max_postpones"] == 20


def test_merge_leaves_its_inputs_untouched():
    base = {"breaks": {"postpone_min": 5, "break_min": 2}, "pattern": {"mode": "sitting-limit"}}
    override = {"breaks": {"postpone_min": 0.5}}
    merged = config.merge(base, override)
    assert merged == {"breaks": {"postpone_min": 0.5, "break_min": 2}, "pattern": {"mode": "sitting-limit"}}
    assert base == {"breaks": {"postpone_min": 5, "break_min": 2}, "pattern": {"mode": "sitting-limit"}}
    assert override == {"breaks": {"postpone_min": 0.5}}
    merged["breaks"]["break_min"] = 99
    assert base["breaks"]["break_min"] == 2


# --- unknown and misplaced keys -----------------------------------------------


def test_unknown_key_suggests_the_closest_and_names_its_line(tmp_path):
    path = write(tmp_path, "[breaks]\nsitting_limit_min = 30\n\npostpone_mins = 3\n")
    problem = only_problem(path)
    assert problem == Problem(str(path), 4, "breaks.postpone_mins", "unknown key; did you mean 'postpone_min'?")
    assert str(problem) == f"{path}:4: breaks.postpone_mins: unknown key; did you mean 'postpone_min'?"


def test_unknown_section_is_reported_with_its_header_line(tmp_path):
    path = write(tmp_path, "[breaks]\npostpone_min = 3\n[braeks]\nbreak_min = 1\n")
    problem = only_problem(path)
    assert (problem.line, problem.key) == (3, "braeks")
    assert problem.message == "unknown section; did you mean 'breaks'?"


def test_unknown_section_without_a_close_match_lists_the_sections(tmp_path):
    problem = only_problem(write(tmp_path, "[network]\nproxy = 'x'\n"))
    assert (problem.line, problem.key) == (1, "network")
    assert "[breaks]" in problem.message and "[pattern]" in problem.message


def test_key_in_the_wrong_section_says_where_it_belongs(tmp_path):
    problem = only_problem(write(tmp_path, "[standing]\nsitting_limit_min = 30\n"))
    assert (problem.line, problem.key) == (2, "standing.sitting_limit_min")
    assert problem.message == "unknown key in [standing]; it belongs under [breaks]"


def test_key_outside_any_section_says_where_it_belongs(tmp_path):
    problem = only_problem(write(tmp_path, "# top\npostpone_min = 3\n"))
    assert (problem.line, problem.key) == (2, "postpone_min")
    assert "belongs under [breaks]" in problem.message


def test_a_section_that_is_not_a_table(tmp_path):
    problem = only_problem(write(tmp_path, "# oops\nbreaks = 5\n"))
    assert (problem.line, problem.key) == (2, "breaks")
    assert problem.message == "expected a [breaks] section, got an integer (5)"


# --- wrong types and ranges ---------------------------------------------------

NUMERIC_KEYS = [key for key in SCHEMA if key.kind in (config.NUMBER, config.INTEGER)]


@pytest.mark.parametrize("key", NUMERIC_KEYS, ids=lambda key: key.dotted)
def test_a_boolean_is_never_a_number(tmp_path, key):
    problem = only_problem(write(tmp_path, f"[{key.section}]\n# flag?\n{key.name} = true\n"))
    assert (problem.line, problem.key) == (3, key.dotted)
    assert "got a boolean (true)" in problem.message


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("breaks.sitting_limit_min", "0", "must be greater than 0 and at most 480, got 0"),
        ("breaks.sitting_limit_min", "480.5", "must be greater than 0 and at most 480, got 480.5"),
        ("breaks.natural_break_min", "-1", "must be greater than 0 and at most 120, got -1"),
        ("breaks.natural_break_min", "121", "must be greater than 0 and at most 120, got 121"),
        ("breaks.prompt_idle_grace_s", "-0.5", "must be at least 0 and at most 3600, got -0.5"),
        ("breaks.prompt_idle_grace_s", "3601", "must be at least 0 and at most 3600, got 3601"),
        ("breaks.postpone_min", "0.0", "must be greater than 0 and at most 120, got 0.0"),
        ("breaks.max_postpones", "-1", "must be at least 0 and at most 20, got -1"),
        ("breaks.max_postpones", "21", "must be at least 0 and at most 20, got 21"),
        ("breaks.break_min", "60.01", "must be greater than 0 and at most 60, got 60.01"),
        ("standing.limit_min", "inf", "must be greater than 0 and at most 480, got inf"),
        ("pattern.sit_min", "nan", "must be greater than 0 and at most 240, got nan"),
        ("pattern.move_min", "241", "must be greater than 0 and at most 240, got 241"),
    ],
)
def test_out_of_range_values_name_key_and_line(tmp_path, key, value, expected):
    section, name = key.split(".")
    path = write(tmp_path, f"[{section}]\n\n{name} = {value}\n")
    assert only_problem(path) == Problem(str(path), 3, key, expected)


def test_max_postpones_must_be_a_whole_number(tmp_path):
    problem = only_problem(write(tmp_path, "[breaks]\nmax_postpones = 2.5\n"))
    assert (problem.line, problem.message) == (2, "expected an integer, got a float (2.5)")


def test_a_quoted_number_is_the_wrong_type(tmp_path):
    problem = only_problem(write(tmp_path, "[breaks]\nbreak_min = \"2\"\n"))
    assert (problem.line, problem.message) == (2, 'expected a number, got a string ("2")')


@pytest.mark.parametrize(
    ("value", "described"),
    [("3", "an integer (3)"), ('"standing"', 'a string ("standing")'), ("[]", "an array")],
)
def test_mode_must_be_one_of_the_modes(tmp_path, value, described):
    path = write(tmp_path, f"[pattern]\nsit_min = 20\nmode = {value}\n")
    problem = only_problem(path)
    assert (problem.line, problem.key) == (3, "pattern.mode")
    assert problem.message == f'expected "sitting-limit" or "sit-stand-move", got {described}'


def test_all_problems_are_reported_in_line_order(tmp_path):
    # [breaks.later] reopens [breaks] after [pattern], so the parsed order is not the file's.
    text = "[breaks]\nbreak_min = 0\n[pattern]\nmode = 1\n[breaks.later]\n[extra]\n"
    problems = problems_of(write(tmp_path, text))
    assert [(p.line, p.key) for p in problems] == [
        (2, "breaks.break_min"), (4, "pattern.mode"), (5, "breaks.later"), (6, "extra")]


# --- finding lines in other TOML forms ---------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "breaks.postpone_min = 500",
        "breaks . postpone_min=500",
        "\"breaks\".'postpone_min' = 500",
        "\"breaks\".\"post\\u0070one_min\" = 500",
        "  breaks.postpone_min = 500  # too long",
    ],
)
def test_dotted_and_quoted_keys_get_their_line(tmp_path, statement):
    path = write(tmp_path, f"# Upright\nstanding.limit_min = 40\n\n{statement}\n")
    problem = only_problem(path)
    assert (problem.line, problem.key) == (4, "breaks.postpone_min")


def test_an_indented_key_under_a_quoted_header(tmp_path):
    problem = only_problem(write(tmp_path, "[ \"breaks\" ]  # mine\n    postpone_min   =   0\n"))
    assert (problem.line, problem.key) == (2, "breaks.postpone_min")


def test_an_inline_table_points_at_its_line(tmp_path):
    problem = only_problem(write(tmp_path, "\nbreaks = { postpone_min = 0 }\n"))
    assert (problem.line, problem.key) == (2, "breaks.postpone_min")


def test_lines_inside_a_multiline_string_are_not_read_as_headers(tmp_path):
    text = '[breaks]\nnote = """\n[pattern]\nmode = 1\n"""\npostpone_min = 0\n'
    problems = problems_of(write(tmp_path, text))
    assert [(p.line, p.key) for p in problems] == [(2, "breaks.note"), (6, "breaks.postpone_min")]


def test_an_array_of_tables_where_a_section_belongs(tmp_path):
    problem = only_problem(write(tmp_path, "\n[[breaks]]\npostpone_min = 3\n"))
    assert (problem.line, problem.key) == (2, "breaks")
    assert problem.message == "expected a [breaks] section, got an array"


# --- files that cannot be read or parsed --------------------------------------


def test_syntax_error_reports_the_line_tomllib_blames(tmp_path):
    path = write(tmp_path, "[breaks]\npostpone_min = 3\nbreak_min = = 2\n")
    problem = only_problem(path)
    assert (problem.line, problem.key) == (3, "")
    assert problem.message.startswith("TOML syntax error: ")
    assert "(column " in problem.message and "(at line" not in problem.message


def test_syntax_error_at_the_end_of_the_file(tmp_path):
    problem = only_problem(write(tmp_path, "[breaks]\npostpone_min ="))
    assert problem.line == 2
    assert problem.message.startswith("TOML syntax error: ")


def test_missing_file(tmp_path):
    path = tmp_path / "absent.toml"
    assert only_problem(path) == Problem(str(path), None, "", "no such file")


def test_directory(tmp_path):
    problem = only_problem(tmp_path)
    assert (problem.path, problem.line, problem.key) == (str(tmp_path), None, "")
    assert "directory" in problem.message


def test_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"[breaks]\n# caf\xe9\npostpone_min = 3\n")
    problem = only_problem(path)
    assert (problem.line, problem.key) == (2, "")
    assert "UTF-8" in problem.message and "0xe9" in problem.message


@pytest.mark.parametrize("text", ["x = " + "[" * 5000 + "]" * 5000, "x = " + "1" * 5000])
def test_inputs_that_break_tomllib_in_other_ways_are_problems(tmp_path, text):
    problem = only_problem(write(tmp_path, text))
    assert problem.message.startswith("not valid TOML")


# --- Problem and ConfigError --------------------------------------------------


def test_problem_str_format():
    assert str(Problem("a.toml", 7, "breaks.postpone_min", "too big")) == "a.toml:7: breaks.postpone_min: too big"
    assert str(Problem("a.toml", None, "breaks.postpone_min", "too big")) == "a.toml: breaks.postpone_min: too big"
    assert str(Problem("a.toml", 3, "", "bad syntax")) == "a.toml:3: bad syntax"
    assert str(Problem("a.toml", None, "", "no such file")) == "a.toml: no such file"


def test_config_error_lists_one_problem_per_line():
    problems = [Problem("a.toml", 1, "x", "one"), Problem("a.toml", None, "", "two")]
    error = ConfigError(problems)
    assert error.problems == problems
    assert str(error) == "a.toml:1: x: one\na.toml: two"


def test_validate_works_on_a_parsed_document_directly():
    text = "[breaks]\nmax_postpones = 100\n"
    problems = config.validate(tomllib.loads(text), text, "inline")
    assert [str(p) for p in problems] == ["inline:2: breaks.max_postpones: must be at least 0 and at most 20, got 100"]


# --- nothing but ConfigError, whatever the input -----------------------------

TOML_BITS = st.sampled_from([
    "[breaks]", "[standing]", "[pattern]", "[[breaks]]", "[", "]", "breaks.", "postpone_min", "mode",
    "sitting_limit_min", "max_postpones", "unknown", " = ", "=", "0", "0.25", "-1", "1e999", "nan", "true",
    '"sit-stand-move"', "'x'", '"""', "'''", "{", "}", "{ a = 1 }", ",", ".", "#", "\n", "\r\n", " ", "\\",
    "\u00e9", "1979-05-27", "[1, 2]",
])


def check_read(path, data: bytes):
    path.write_bytes(data)
    try:
        result = config.read_file(path)
    except ConfigError as error:
        assert error.problems and all(isinstance(p, Problem) for p in error.problems)
        str(error)  # must render
    else:
        assert isinstance(result, dict)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.text())
def test_any_text_gives_a_dict_or_config_error(tmp_path, text):
    check_read(tmp_path / "fuzz.toml", text.encode("utf-8"))


@FUZZ
@given(st.binary())
def test_any_bytes_give_a_dict_or_config_error(tmp_path, data):
    check_read(tmp_path / "fuzz.toml", data)


@FUZZ
@given(st.lists(TOML_BITS, max_size=30).map("".join))
def test_toml_like_text_gives_a_dict_or_config_error(tmp_path, text):
    check_read(tmp_path / "fuzz.toml", text.encode("utf-8"))


@FUZZ
@given(st.sampled_from([key for key in SCHEMA if key.kind == config.NUMBER]),
       st.floats(allow_nan=True, allow_infinity=True))
def test_number_keys_accept_exactly_their_range(tmp_path, key, value):
    path = write(tmp_path, f"[{key.section}]\n{key.name} = {value!r}\n")  # repr is valid TOML, inf and nan too
    if (value > key.low if key.low_open else value >= key.low) and value <= key.high:
        assert config.read_file(path)[key.section][key.name] == value
    else:
        assert (only_problem(path).line, only_problem(path).key) == (2, key.dotted)
