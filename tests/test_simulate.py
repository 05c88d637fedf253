"""`upright simulate`: output contract, human timeline, and bad input never tracebacks."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.cli import command as cli
from benchmarks.traces import EXAMPLE, WORKDAY, events

ROOT = Path(__file__).resolve().parents[1]
SUMMARY_KEYS = {"type", "sitting_s", "longest_bout_s", "standing_s", "prompts", "breaks_taken", "postponed",
                "skipped", "natural_breaks"}


def upright(*args, stdin=None):
    """Run the real command in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "agent", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT)


def lines_of(result):
    return [json.loads(line) for line in result.stdout.splitlines()]


def write(tmp_path, text, name="trace.jsonl"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_shipped_example_is_what_the_generator_makes(tmp_path):
    expected = "".join(json.dumps({"t": round(t, 3), "type": k}) + "\n" for t, k in events(WORKDAY))
    assert EXAMPLE.read_text() == expected


def test_example_workday_json_lines():
    result = upright("simulate", "--example")
    assert result.returncode == 0, result.stderr
    records = lines_of(result)
    summary = records.pop()
    assert set(summary) == SUMMARY_KEYS
    assert [r["type"] for r in records] == ["break_due"] * 3 + ["natural_break", "break_due"] + \
        ["natural_break"] + ["break_due"] * 5
    assert summary["prompts"] == 9 and summary["postponed"] == 4 and summary["skipped"] == 1
    assert summary["natural_breaks"] == 2 and summary["breaks_taken"] == 3
    first = records[0]
    assert first == {"t": 1800, "type": "break_due", "sitting_s": 1800, "can_postpone": True, "bout_start": 0}
    nb = records[3]
    assert nb["end"] - nb["start"] == 40 * 60


def test_human_timeline_reads_like_a_day():
    result = upright("simulate", "--example", "--human")
    assert result.returncode == 0, result.stderr
    assert "0:30:00  » BREAK DUE after 30 min sitting" in result.stdout
    assert "natural break: away 1:36:00 to 2:16:00 (40 min)" in result.stdout
    assert "postpone no longer offered" in result.stdout
    assert re.search(r"(?<!\d)9 prompts: 3 breaks taken, 4 postponed, 1 skipped; 2 natural breaks", result.stdout)


def test_trace_from_standard_input():
    trace = "".join(json.dumps({"t": t, "type": "input"}) + "\n" for t in range(0, 1801, 10))
    records = lines_of(upright("simulate", "-", stdin=trace))
    assert records[0] == {"t": 1800, "type": "break_due", "sitting_s": 1800, "can_postpone": True, "bout_start": 0}


def test_config_file_shortens_the_limits(tmp_path):
    config = write(tmp_path, "[breaks]\nsitting_limit_min = 0.5\n", "short.toml")
    trace = write(tmp_path, "".join(json.dumps({"t": t, "type": "input"}) + "\n" for t in range(0, 31)))
    records = lines_of(upright("simulate", str(trace), "--config", str(config)))
    assert records[0]["type"] == "break_due" and records[0]["t"] == 30


def test_bad_config_names_file_line_and_key(tmp_path):
    config = write(tmp_path, "[breaks]\n\nsitting_limit_min = -3\n", "bad.toml")
    result = upright("simulate", "--example", "--config", str(config))
    assert result.returncode == 2
    assert f"{config}:3: breaks.sitting_limit_min:" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("{not json", "not valid JSON"),
        ('{"t": 5, "type": "dance"}', "unknown event type 'dance'"),
        ('{"type": "input"}', 'missing "t"'),
        ('{"t": "soon", "type": "input"}', '"t" must be a finite number'),
        ('{"t": true, "type": "input"}', '"t" must be a finite number'),
        ('{"t": 1, "type": "input"}', "time goes backwards: t=1 after t=10"),
        ('{"t": 20}', 'missing "type"'),
        ("[1, 2]", "expected a JSON object"),
        ('{"t": -1, "type": "input"}', "must not be negative"),
    ],
)
def test_malformed_line_stops_with_file_and_line(tmp_path, bad_line, message):
    trace = write(tmp_path, '{"t": 0, "type": "input"}\n{"t": 10, "type": "input"}\n' + bad_line + "\n")
    result = upright("simulate", str(trace))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"upright: {trace}:3: " + result.stderr.split(":3: ", 1)[1].strip()]
    assert message in result.stderr
    assert result.stdout == ""  # no half replay


def test_missing_trace_file_is_a_clear_error(tmp_path):
    result = upright("simulate", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"upright: cannot read trace {tmp_path / 'nope.jsonl'}: No such file or directory"


def test_unknown_example_lists_the_shipped_ones():
    result = upright("simulate", "--example", "holiday")
    assert result.returncode == 2 and "shipped: workday" in result.stderr


def test_blank_lines_are_allowed(tmp_path):
    trace = write(tmp_path, '{"t": 0, "type": "input"}\n\n{"t": 10, "type": "input"}\n\n')
    assert upright("simulate", str(trace)).returncode == 0


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_summary_or_a_clean_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "trace.jsonl"
    path.write_bytes(data)
    assert cli.main(["simulate", str(path)]) in (0, 2)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries({"t": st.one_of(st.floats(), st.integers(), st.text(), st.none()),
                                       "type": st.sampled_from(["input", "lock", "postpone", "nope"])})))
def test_any_json_events_give_a_summary_or_a_clean_error(tmp_path_factory, events_):
    path = tmp_path_factory.mktemp("fuzz") / "trace.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events_))
    assert cli.main(["simulate", str(path)]) in (0, 2)
