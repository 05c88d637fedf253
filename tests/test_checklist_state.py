"""The checklist state file: it persists, it is never half-written, a bad one is kept and reported."""

from __future__ import annotations

import json
import logging
import os
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.content import checklist_state
from agent.content.checklist_state import ChecklistState, StateStore, add_months, needs_walkthrough, recheck_due

DAY = date(2025, 3, 2)
STAMP = datetime(2025, 3, 4, 9, 30, 15)


def store_in(path) -> StateStore:
    return StateStore(path, now=lambda: STAMP)


def ticked(*entries) -> ChecklistState:
    state = ChecklistState()
    for checklist, item, day in entries:
        state.set_ticked(checklist, item, True, day)
    return state


# --- persisting ---------------------------------------------------------------------


def test_a_missing_file_is_a_fresh_start(tmp_path):
    store = store_in(tmp_path / "nowhere")
    assert store.state == ChecklistState() and store.problems == []
    assert needs_walkthrough(store.state)


def test_ticks_and_dates_survive_a_restart(tmp_path):
    first = store_in(tmp_path)
    first.state.set_ticked("posture", "feet_flat", True, DAY)
    first.state.set_ticked("lumbar", "lumbar_support", True, date(2025, 3, 3))
    first.state.walkthrough_done = DAY
    assert first.save()
    again = store_in(tmp_path)  # a new agent, a new store: only the file carries over
    assert again.state.ticked_on("posture", "feet_flat") == DAY
    assert again.state.is_ticked("lumbar", "lumbar_support")
    assert not again.state.is_ticked("posture", "screen_eye_level")
    assert again.state.walkthrough_done == DAY and not needs_walkthrough(again.state)
    assert again.problems == []


def test_unticking_removes_the_date(tmp_path):
    store = store_in(tmp_path)
    store.state.set_ticked("posture", "feet_flat", True, DAY)
    store.state.set_ticked("posture", "feet_flat", False, DAY)
    store.save()
    assert json.loads(store.path.read_text())["ticked"] == {}


def test_the_file_is_readable_json(tmp_path):
    store = store_in(tmp_path)
    store.state.set_ticked("posture", "feet_flat", True, DAY)
    store.save()
    assert json.loads(store.path.read_text()) == {
        "version": 1, "ticked": {"posture": {"feet_flat": "2025-03-02"}}, "walkthrough_done": None, "reminded": None}


def test_the_data_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("UPRIGHT_DATA_DIR", str(tmp_path / "data"))
    store = StateStore()
    assert store.path == tmp_path / "data" / "checklists.json"
    store.save()
    assert store.path.is_file()


def test_without_the_override_it_is_the_platform_data_folder(monkeypatch):
    import platformdirs

    monkeypatch.delenv("UPRIGHT_DATA_DIR", raising=False)
    assert checklist_state.data_dir() == checklist_state.Path(platformdirs.user_data_dir("upright", appauthor=False))


# --- atomic writes ----------------------------------------------------------------


def test_a_failed_write_leaves_the_old_file_whole_and_no_debris(tmp_path, monkeypatch, caplog):
    store = store_in(tmp_path)
    store.state.set_ticked("posture", "feet_flat", True, DAY)
    store.save()
    before = store.path.read_bytes()

    def crash(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checklist_state.os, "replace", crash)
    store.state.set_ticked("posture", "screen_eye_level", True, DAY)
    with caplog.at_level(logging.WARNING):
        assert store.save() is False
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checklists.json"]
    assert "No space left on device" in caplog.text


def test_a_crash_mid_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    store = store_in(tmp_path)
    store.state.set_ticked("posture", "feet_flat", True, DAY)
    store.save()
    before = store.path.read_bytes()
    real_fsync = os.fsync

    def die_after_half(fd):  # the new bytes are in the temporary file, then the power goes
        raise KeyboardInterrupt

    store.state.set_ticked("posture", "screen_eye_level", True, DAY)  # new state: new bytes to lose
    monkeypatch.setattr(checklist_state.os, "fsync", die_after_half)
    with pytest.raises(KeyboardInterrupt):
        store.save()
    monkeypatch.setattr(checklist_state.os, "fsync", real_fsync)
    assert store.path.read_bytes() == before
    reread = store_in(tmp_path).state  # the old state, whole
    assert reread.is_ticked("posture", "feet_flat") and not reread.is_ticked("posture", "screen_eye_level")
    assert [p.name for p in tmp_path.iterdir()] == ["checklists.json"]


def test_writes_go_through_a_temporary_file_in_the_same_folder(tmp_path, monkeypatch):
    store = store_in(tmp_path)
    seen = []
    real_replace = os.replace

    def spy(source, target):
        seen.append((os.path.dirname(source), os.path.basename(source), str(target)))
        assert json.loads(open(source, encoding="utf-8").read())["version"] == 1  # complete before it lands
        real_replace(source, target)

    monkeypatch.setattr(checklist_state.os, "replace", spy)
    store.save()
    [(folder, name, target)] = seen
    assert folder == str(tmp_path) and name.startswith(".checklists.json.") and target == str(store.path)


# --- bad files: kept aside, reported, defaults used ----------------------------------


def test_a_corrupt_file_is_kept_aside_and_reported_with_its_line(tmp_path, caplog):
    path = tmp_path / "checklists.json"
    text = '{\n  "version": 1,\n  "ticked": {"posture": {"feet_flat": "2025-03-02",}}\n}\n'
    path.write_text(text)
    store = store_in(tmp_path)
    with caplog.at_level(logging.WARNING):
        state = store.state
    assert state == ChecklistState()
    [problem] = store.problems
    assert str(problem).startswith(f"{path}:3: not valid JSON: ")
    aside = tmp_path / "checklists.json.bad-20250304T093015"
    assert store.kept_aside == aside and aside.read_text() == text, "the user's file is kept as it was"
    assert f"{path}:3: not valid JSON" in caplog.text and str(aside) in caplog.text
    assert json.loads(path.read_text())["ticked"] == {}, "a sound file replaces it"


def test_bad_entries_are_reported_and_the_good_ones_kept(tmp_path):
    path = tmp_path / "checklists.json"
    path.write_text(json.dumps({
        "version": 1,
        "ticked": {"posture": {"feet_flat": "2025-03-02", "screen_eye_level": "last tuesday"},
                   "lumbar": ["lumbar_support"]},
        "walkthrough_done": "2025-02-30",
        "colour": "teal",
    }, indent=2))
    store = store_in(tmp_path)
    state = store.state
    assert state.ticked == {"posture": {"feet_flat": DAY}}
    assert state.walkthrough_done is None
    assert [str(p) for p in store.problems] == [
        f'{path}:6: ticked.posture.screen_eye_level: expected a date like "2025-03-02", got "last tuesday"',
        f"{path}:8: ticked.lumbar: expected an object of dates, got an array",
        f'{path}:12: walkthrough_done: expected a date like "2025-03-02", got "2025-02-30"',
        f"{path}:13: colour: unknown key",
    ]
    assert store.kept_aside is not None and store.kept_aside.is_file()
    assert store_in(tmp_path).state.ticked == {"posture": {"feet_flat": DAY}}, "what was sound is saved"


@pytest.mark.parametrize("data", [b"", b"[]", b"\xff\xfe{", b'{"version": 7}', b"null", b"1" * 5000])
def test_anything_unreadable_gives_defaults_and_a_problem(tmp_path, data):
    (tmp_path / "checklists.json").write_bytes(data)
    store = store_in(tmp_path)
    assert store.state == ChecklistState()
    assert store.problems and all(str(p).startswith(str(store.path)) for p in store.problems)
    assert store.kept_aside.read_bytes() == data


def test_two_bad_files_in_one_second_are_both_kept(tmp_path):
    for n in range(2):
        (tmp_path / "checklists.json").write_text("{oops")
        store_in(tmp_path).load()
    assert len(list(tmp_path.glob("checklists.json.bad-*"))) == 2


def test_a_file_that_cannot_be_moved_aside_is_never_overwritten(tmp_path, monkeypatch):
    path = tmp_path / "checklists.json"
    path.write_text("{oops")

    def refuse(*_args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(checklist_state.os, "replace", refuse)
    store = store_in(tmp_path)
    assert store.state == ChecklistState() and store.kept_aside is None
    assert store.save() is False
    assert path.read_text() == "{oops"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12).map(lambda doc: json.dumps(doc).encode())))
def test_whatever_the_bytes_loading_never_raises(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "checklists.json").write_bytes(data)
    store = store_in(folder)
    state = store.state
    assert isinstance(state, ChecklistState)
    for problem in store.problems:
        assert str(problem).startswith(str(store.path))


# --- the monthly re-check -------------------------------------------------------------


def test_nothing_ticked_nothing_to_recheck():
    assert not recheck_due(ChecklistState(), date(2030, 1, 1))


def test_due_a_month_after_the_oldest_tick():
    state = ticked(("posture", "feet_flat", date(2025, 3, 2)), ("lumbar", "lumbar_support", date(2025, 3, 20)))
    assert not recheck_due(state, date(2025, 4, 1))
    assert recheck_due(state, date(2025, 4, 2))
    assert recheck_due(state, date(2025, 6, 1))


def test_a_reminder_restarts_the_month():
    state = ticked(("posture", "feet_flat", date(2025, 3, 2)))
    state.reminded = date(2025, 4, 2)
    assert not recheck_due(state, date(2025, 5, 1))
    assert recheck_due(state, date(2025, 5, 2))


def test_reticking_everything_restarts_the_month():
    state = ticked(("posture", "feet_flat", date(2025, 4, 10)))
    state.reminded = date(2025, 4, 2)
    assert not recheck_due(state, date(2025, 5, 9))
    assert recheck_due(state, date(2025, 5, 10))


def test_months_are_calendar_months():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert add_months(date(2025, 3, 2), 12) == date(2026, 3, 2)
    state = ticked(("posture", "feet_flat", date(2025, 1, 31)))
    assert not recheck_due(state, date(2025, 2, 27)) and recheck_due(state, date(2025, 2, 28))
    assert recheck_due(state, date(2025, 4, 1), months=2) and not recheck_due(state, date(2025, 3, 30), months=2)


def test_a_mode_is_set_without_fchmod_as_on_windows(tmp_path, monkeypatch):
    from agent.files import atomic

    monkeypatch.delattr(os, "fchmod")
    atomic.write_bytes(tmp_path / "entry.desktop", b"[Desktop Entry]\n", mode=0o644)
    assert (tmp_path / "entry.desktop").stat().st_mode & 0o777 == 0o644
