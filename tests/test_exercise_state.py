"""The exercise rotation across restarts, and the settings that shape it.

Persisting means: a new store and a new Rotation, reading only the file the
first one wrote. The day's showings start afresh on the next local date;
favourites and hidden exercises stay. A damaged file is reported, kept
aside and repaired, never a traceback.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.content.exercise_choice import Rotation, standing
from agent.content.exercise_state import ExerciseStateStore
from agent.content.exercises import load_library, packaged_folder
from agent.settings import config

LIBRARY = load_library()
STAMP = datetime(2025, 3, 4, 9, 30, 15)
DAY = date(2025, 3, 4)


class Calendar:
    """The local wall clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def today(self) -> date:
        return self.now.date()


def rotation_in(folder, today=lambda: DAY, **options) -> Rotation:
    return Rotation(120, today=today, load=lambda: LIBRARY, store=ExerciseStateStore(folder, now=lambda: STAMP),
                    **options)


def ids(exercises) -> list[str]:
    return [e.id for e in exercises]


# --- across restarts ---------------------------------------------------------------


def test_showings_favourites_and_hidden_survive_a_restart(tmp_path):
    first = rotation_in(tmp_path)
    morning = [ids(first()) for _ in range(2)]
    first.favourite("seated_cat_cow")
    first.hide("short_walk")
    again = rotation_in(tmp_path)  # the agent restarted: only the file carries over
    assert again.state["shown"] == [i for shown in morning for i in shown]
    assert again.is_favourite("seated_cat_cow") and again.is_hidden("short_walk")
    assert not again.is_favourite("short_walk") and not again.is_hidden("seated_cat_cow")
    afternoon = ids(again())
    assert not set(afternoon) & {i for shown in morning for i in shown}, "the rotation goes on, not from the start"
    assert "short_walk" not in afternoon


def test_the_rotation_after_a_restart_is_the_one_without(tmp_path):
    """Restarting between breaks changes nothing the user sees."""
    steady = Rotation(120, today=lambda: DAY, load=lambda: LIBRARY)
    expected = [ids(steady()) for _ in range(8)]
    seen = []
    for _ in range(8):
        seen.append(ids(rotation_in(tmp_path)()))  # a fresh agent for every break
    assert seen == expected


def test_this_hurts_survives_a_restart(tmp_path):
    first = rotation_in(tmp_path)
    hurt = ids(first())[0]
    first.hurt(hurt)
    again = rotation_in(tmp_path)
    assert all(hurt not in ids(again()) for _ in range(12))


def test_the_day_rolls_over_at_local_midnight_for_the_showings_only(tmp_path):
    clock = Calendar(datetime(2025, 3, 4, 23, 58))
    first = rotation_in(tmp_path, today=clock.today)
    evening = ids(first())
    first.favourite("slow_breathing")
    first.hide("seated_knee_hug")
    clock.now += timedelta(minutes=1)  # 23:59, after a restart: still the same day
    late = rotation_in(tmp_path, today=clock.today)
    assert not set(ids(late())) & set(evening)
    assert late.state["day"] == "2025-03-04" and len(late.state["shown"]) > len(evening)
    clock.now += timedelta(minutes=2)  # 00:01: a new day
    morning = rotation_in(tmp_path, today=clock.today)
    picked = ids(morning())
    assert morning.state["day"] == "2025-03-05" and morning.state["shown"] == picked
    assert morning.is_favourite("slow_breathing") and morning.is_hidden("seated_knee_hug")
    assert rotation_in(tmp_path).state == morning.state


def test_the_agents_rotation_uses_the_local_date():
    assert Rotation(120).state == {"day": "", "shown": [], "favourites": [], "hidden": []}
    assert Rotation(120)._today() == datetime.now().date()  # local time: the day turns at the user's midnight


def test_the_file_is_the_documented_json(tmp_path):
    rotation = rotation_in(tmp_path)
    picked = ids(rotation())
    rotation.favourite("short_walk")
    path = tmp_path / "exercises.json"
    assert json.loads(path.read_text()) == {"version": 1, "day": "2025-03-04", "shown": picked,
                                            "favourites": ["short_walk"], "hidden": []}
    assert sorted(os.listdir(tmp_path)) == ["exercises.json"], "no temporary file is left behind"


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch, caplog):
    rotation = rotation_in(tmp_path)
    rotation.favourite("short_walk")
    before = (tmp_path / "exercises.json").read_text()

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with caplog.at_level(logging.WARNING):
        rotation.hide("cobra")  # still takes effect while the agent runs
    assert rotation.is_hidden("cobra")
    assert (tmp_path / "exercises.json").read_text() == before
    assert "could not save the exercise rotation" in caplog.text
    assert sorted(os.listdir(tmp_path)) == ["exercises.json"]


def test_the_data_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("UPRIGHT_DATA_DIR", str(tmp_path / "data"))
    assert ExerciseStateStore().path == tmp_path / "data" / "exercises.json"
    rotation = Rotation.from_settings(config.defaults(), 120)
    rotation.favourite("short_walk")
    assert json.loads((tmp_path / "data" / "exercises.json").read_text())["favourites"] == ["short_walk"]


# --- a damaged file ------------------------------------------------------------------


def test_a_file_that_is_not_json_is_reported_kept_aside_and_replaced(tmp_path, caplog):
    path = tmp_path / "exercises.json"
    path.write_text('{"version": 1,\n "favourites": ["cobra",\n')
    with caplog.at_level(logging.WARNING):
        rotation = rotation_in(tmp_path)
        picked = rotation()
    assert picked, "the breaks go on"
    store = rotation.store
    assert [str(p) for p in store.problems] == [f"{path}:3: not valid JSON: Expecting value (column 1)"]
    assert store.kept_aside == tmp_path / "exercises.json.bad-20250304T093015"
    assert store.kept_aside.read_text().startswith('{"version": 1,'), "the damaged file is kept as it was"
    assert json.loads(path.read_text())["shown"] == ids(picked), "a sound file took its place"
    assert f"{path}:3" in caplog.text


def test_what_can_be_read_is_kept_and_each_problem_named(tmp_path):
    path = tmp_path / "exercises.json"
    path.write_text(json.dumps({"version": 1, "day": "4 March", "shown": "cobra",
                                "favourites": ["short_walk", 7], "hidden": ["cobra"], "colour": "red"}, indent=1))
    rotation = rotation_in(tmp_path)
    rotation.state  # read on first use
    problems = {(p.line, p.key, p.message) for p in rotation.store.problems}
    assert problems == {
        (3, "day", 'expected a date like "2025-03-02", got "4 March"'),
        (4, "shown", "expected an array of exercise ids, got a string"),
        (5, "favourites", "expected exercise ids (strings), got a number"),
        (12, "colour", "unknown key"),
    }
    assert rotation.is_favourite("short_walk") and rotation.is_hidden("cobra"), "the sound parts are kept"
    again = rotation_in(tmp_path)
    again.state
    assert again.store.problems == [], "the file was repaired"


def test_a_file_of_another_kind_starts_afresh(tmp_path):
    (tmp_path / "exercises.json").write_text("[1, 2, 3]")
    rotation = rotation_in(tmp_path)
    rotation.state  # read on first use
    assert [p.message for p in rotation.store.problems] == ["expected a JSON object, got an array"]
    assert rotation() and rotation.state["favourites"] == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode)
       | st.dictionaries(st.sampled_from(["version", "day", "shown", "favourites", "hidden", "x"]),
                         st.none() | st.integers() | st.text(max_size=12) | st.lists(st.text(max_size=12)
                                                                                       | st.integers(), max_size=3)
                         ).map(lambda d: json.dumps(d).encode()))
def test_no_file_content_is_fatal(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("state")
    (folder / "exercises.json").write_bytes(data)
    rotation = rotation_in(folder)
    assert rotation(), "a break always gets its exercises"
    assert all(p.path == str(folder / "exercises.json") for p in rotation.store.problems)
    again = rotation_in(folder)
    again.state
    assert again.store.problems == [], "whatever was there, the file is sound now"


# --- settings: [exercises] ------------------------------------------------------------------


def exercise_file(folder, eid: str, extra: str = "") -> None:
    """A copy of a packaged exercise under a new id: an organisation's own."""
    text = (packaged_folder() / "standing_glute_squeeze.toml").read_text(encoding="utf-8")
    text = text.replace('id = "standing_glute_squeeze"', f'id = "{eid}"')
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{eid}.toml").write_text(extra + text, encoding="utf-8")


def with_exercises(**values) -> dict:
    settings_ = config.defaults()
    settings_["exercises"].update(values)
    return settings_


def test_floor_exercises_stay_off_the_desk_by_default(tmp_path):
    rotation = Rotation.from_settings(config.defaults(), 180, store=ExerciseStateStore(tmp_path))
    assert not rotation.allow_floor
    shown = {i for _ in range(20) for i in ids(rotation())}
    assert shown and all(e.at_desk for e in LIBRARY if e.id in shown)


def test_floor_at_desk_lets_floor_exercises_in(tmp_path):
    rotation = Rotation.from_settings(with_exercises(floor_at_desk=True), 180, store=ExerciseStateStore(tmp_path))
    shown = {i for _ in range(20) for i in ids(rotation())}
    assert {e.id for e in LIBRARY if not e.at_desk} <= shown


def test_an_organisations_folder_adds_its_exercises(tmp_path):
    folder = tmp_path / "ours"
    exercise_file(folder, "office_glute_squeeze")
    rotation = Rotation.from_settings(with_exercises(folder=str(folder)), 120, store=ExerciseStateStore(tmp_path))
    library = ids(rotation.exercises())
    assert library[:len(LIBRARY)] == ids(LIBRARY) and library[-1] == "office_glute_squeeze"
    assert "office_glute_squeeze" in {i for _ in range(10) for i in ids(rotation())}


def test_a_bad_file_in_the_folder_is_logged_and_skipped(tmp_path, caplog):
    folder = tmp_path / "ours"
    exercise_file(folder, "good_one")
    exercise_file(folder, "bad_one", extra='colour = "red"\n')
    exercise_file(folder, "standing_back_extension")  # an id already taken by a packaged one
    rotation = Rotation.from_settings(with_exercises(folder=str(folder)), 120, store=ExerciseStateStore(tmp_path))
    with caplog.at_level(logging.WARNING):
        library = ids(rotation.exercises())
    assert "good_one" in library and "bad_one" not in library
    assert library.count("standing_back_extension") == 1
    assert f"{folder / 'bad_one.toml'}:1: colour: unknown key" in caplog.text
    assert f"{folder / 'standing_back_extension.toml'}:" in caplog.text
    assert rotation(), "the breaks go on"


def test_a_missing_folder_is_logged_not_fatal(tmp_path, caplog):
    missing = tmp_path / "nowhere"
    rotation = Rotation.from_settings(with_exercises(folder=str(missing)), 120, store=ExerciseStateStore(tmp_path))
    with caplog.at_level(logging.WARNING):
        assert ids(rotation.exercises()) == ids(LIBRARY)
    assert f"{missing}: no such folder of exercises" in caplog.text


def test_the_folder_may_start_with_a_tilde(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    exercise_file(tmp_path / "upright-exercises", "home_squeeze")
    rotation = Rotation.from_settings(with_exercises(folder="~/upright-exercises"), 120,
                                      store=ExerciseStateStore(tmp_path))
    assert "home_squeeze" in ids(rotation.exercises())


def test_changed_settings_reach_the_next_break_and_keep_the_marks(tmp_path):
    rotation = Rotation.from_settings(config.defaults(), 120, store=ExerciseStateStore(tmp_path))
    rotation.favourite("standing_back_extension")
    assert "office_glute_squeeze" not in ids(rotation.exercises())
    folder = tmp_path / "ours"
    exercise_file(folder, "office_glute_squeeze")
    rotation.follow(with_exercises(folder=str(folder), floor_at_desk=True), 300)
    assert rotation.break_s == 300 and rotation.allow_floor
    assert ids(rotation.exercises())[-1] == "office_glute_squeeze"  # the folder is read again
    assert rotation.is_favourite("standing_back_extension")
    library = rotation.exercises()
    rotation.follow(with_exercises(folder=str(folder), floor_at_desk=True), 300)
    assert rotation.exercises() is library  # an unchanged folder is not read again
    rotation.follow(config.defaults(), 120)
    assert "office_glute_squeeze" not in ids(rotation.exercises()) and not rotation.allow_floor


def test_the_settings_keys_exist_with_their_defaults():
    assert config.defaults()["exercises"] == {"floor_at_desk": False, "folder": ""}


# --- stand and stretch -------------------------------------------------------------


@pytest.mark.parametrize("floor", [False, True])
def test_a_day_of_the_agents_breaks_each_has_a_standing_part(tmp_path, floor):
    """Every break window says "Time to stand and stretch": a day of them, restarts included."""
    rotation = Rotation.from_settings(with_exercises(floor_at_desk=floor), 120, store=ExerciseStateStore(tmp_path))
    for n in range(16):  # a working day of 30-minute breaks
        if n % 5 == 4:
            rotation = Rotation.from_settings(with_exercises(floor_at_desk=floor), 120,
                                              store=ExerciseStateStore(tmp_path))
        assert any(standing(e) for e in rotation())
