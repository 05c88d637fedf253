"""Choosing a break's exercises: a fair daily rotation that fills the break.

Pure functions: the date and the state go in, so a whole day of breaks
runs in a loop.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.content.exercise_choice import MOST, SLACK, choose, clean, favourite, fitting, hide, hurts, standing
from agent.content.exercises import Exercise, load_library

TODAY = date(2024, 5, 2)
LIBRARY = load_library()
DESK = [e for e in LIBRARY if e.at_desk]


def exercise(eid: str, position: str = "standing", takes_s: float = 40) -> Exercise:
    return Exercise(id=eid, name=eid, position=position, steps=["Move."], why="w", caution="c",
                    sources=["000_4e08601afce4377e.txt"], alt_text="a", takes_s=takes_s)


def day_of_breaks(library, breaks: int, state=None, **options) -> tuple[list[list[str]], dict]:
    shown, state = [], state if state is not None else {}
    for _ in range(breaks):
        picked, state = choose(library, state, TODAY, **options)
        shown.append([e.id for e in picked])
    return shown, state


def assert_covers_before_repeating(breaks: list[list[str]], pool: set[str], among: set[str] | None = None) -> None:
    """No exercise of ``among`` (default: the pool) comes round a second time before
    every one in the pool came once."""
    among = pool if among is None else among
    seen: list[str] = []
    for ids in breaks:
        for eid in ids:
            if eid in seen and eid in among:
                assert set(seen) >= pool, f"{eid} again before {pool - set(seen)}"
                return
            seen.append(eid)


def assert_fair(breaks: list[list[str]], pool: set[str], standing_ids: set[str]) -> None:
    """The day's rotation: a seated (or floor) exercise comes again only after the
    whole pool came once; the standing ones, which every break needs, take turns."""
    assert_covers_before_repeating(breaks, pool, pool - standing_ids)
    assert_covers_before_repeating(breaks, pool & standing_ids)


def test_the_library_is_covered_before_a_seated_exercise_repeats():
    breaks, _ = day_of_breaks(LIBRARY, 12)
    assert_fair(breaks, {e.id for e in DESK}, {e.id for e in DESK if standing(e)})
    assert {eid for ids in breaks[:7] for eid in ids} == {e.id for e in DESK}, "ten desk exercises in seven breaks"


def test_every_stand_and_stretch_break_has_a_standing_part():
    """The window's heading asks the user to stand: a whole day of breaks, each with one."""
    for break_s in (30, 60, 120, 180, 300):
        for state in ({}, favourite({}, "seated_knee_hug"), hide({}, "short_walk")):
            breaks, _ = day_of_breaks(LIBRARY, 24, state, break_s=break_s)
            by_id = {e.id: e for e in LIBRARY}
            assert all(any(standing(by_id[i]) for i in ids) for ids in breaks), (break_s, state, breaks)
            assert {i for ids in breaks for i in ids if standing(by_id[i])} >= \
                {e.id for e in DESK if standing(e) and e.takes_s <= break_s * SLACK} - set(state.get("hidden", []))


def test_without_a_standing_exercise_the_break_is_seated():
    state = {"hidden": [e.id for e in DESK if standing(e)]}
    breaks, _ = day_of_breaks(LIBRARY, 6, state)
    assert all(ids for ids in breaks)
    assert not any(standing(e) for e in LIBRARY if e.id in {i for ids in breaks for i in ids})


def test_a_break_gets_one_to_three_exercises_that_fit_it():
    for break_s in (60, 90, 120, 180, 300):
        breaks, _ = day_of_breaks(LIBRARY, 10, break_s=break_s)
        by_id = {e.id: e for e in LIBRARY}
        for ids in breaks:
            assert 1 <= len(ids) <= MOST and len(set(ids)) == len(ids)
            assert sum(by_id[i].takes_s for i in ids) <= break_s * SLACK


def test_a_break_too_short_for_anything_still_gets_the_shortest():
    picked, _ = choose(LIBRARY, {}, TODAY, break_s=10)
    assert [e.id for e in picked] == [min(DESK, key=lambda e: e.takes_s).id]


def test_floor_exercises_only_for_a_user_who_opted_in():
    breaks, _ = day_of_breaks(LIBRARY, 30)
    assert all(e.at_desk for e in LIBRARY if e.id in {i for ids in breaks for i in ids})
    breaks, _ = day_of_breaks(LIBRARY, 30, allow_floor=True, break_s=180)
    assert {i for ids in breaks for i in ids} == {e.id for e in LIBRARY}


def test_hidden_and_hurting_exercises_are_never_shown():
    state = hide({}, "short_walk")
    state = hurts(state, "seated_knee_hug")
    breaks, state = day_of_breaks(LIBRARY, 30, state)
    shown = {i for ids in breaks for i in ids}
    assert shown == {e.id for e in DESK} - {"short_walk", "seated_knee_hug"}
    assert state["hidden"] == ["short_walk", "seated_knee_hug"]
    assert "short_walk" in {i for ids in day_of_breaks(LIBRARY, 6, hide(state, "short_walk", on=False))[0]
                            for i in ids}


def test_everything_hidden_means_nothing_to_show():
    state = {}
    for e in DESK:
        state = hide(state, e.id)
    assert choose(LIBRARY, state, TODAY)[0] == []


def test_favourites_come_round_more_often():
    state = favourite({}, "standing_back_extension")
    breaks, _ = day_of_breaks(LIBRARY, 24, state)
    counts = Counter(i for ids in breaks for i in ids)
    others = [n for eid, n in counts.items() if eid != "standing_back_extension"]
    assert counts["standing_back_extension"] >= 1.5 * (sum(others) / len(others))
    # even so, everyone comes once before a seated one comes again
    assert_fair(breaks, {e.id for e in DESK}, {e.id for e in DESK if standing(e)})


def test_a_new_day_starts_afresh_and_elsewhere():
    _, state = day_of_breaks(LIBRARY, 3)
    tomorrow, new_state = choose(LIBRARY, state, TODAY + timedelta(days=1))
    assert new_state["day"] == "2024-05-03" and new_state["shown"] == [e.id for e in tomorrow]
    firsts = {tuple(e.id for e in choose(LIBRARY, {}, TODAY + timedelta(days=n))[0]) for n in range(9)}
    assert len(firsts) > 3, "each day starts with a different break"


def test_the_state_goes_in_and_out_as_json_untouched():
    state = favourite({"day": "2024-05-02", "shown": ["cat_cow"], "later": {"kept": True}}, "short_walk")
    before = json.dumps(state, sort_keys=True)
    picked, after = choose(LIBRARY, state, TODAY)
    assert json.dumps(state, sort_keys=True) == before, "the caller's state is not changed"
    assert json.loads(json.dumps(after)) == after
    assert after["later"] == {"kept": True} and after["favourites"] == ["short_walk"]
    assert after["shown"] == ["cat_cow"] + [e.id for e in picked]


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                 max_size=4), max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.one_of(JSON, st.fixed_dictionaries({}, optional={k: JSON for k in ("day", "shown", "favourites",
                                                                            "hidden")})))
def test_a_damaged_state_is_repaired_not_fatal(stored):
    picked, state = choose(LIBRARY, stored, TODAY)
    assert 1 <= len(picked) <= MOST or all(e.id in clean(stored)["hidden"] for e in DESK)
    assert clean(state) == state and state["day"] == TODAY.isoformat()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["seated", "standing", "floor"]), st.integers(10, 200)),
                min_size=1, max_size=12),
       st.integers(20, 400), st.booleans(), st.lists(st.integers(0, 11), max_size=3),
       st.lists(st.integers(0, 11), max_size=3))
def test_rotation_rules_hold_for_any_library(shape, break_s, allow_floor, hidden, favourites):
    library = [exercise(f"e{n}", position, takes) for n, (position, takes) in enumerate(shape)]
    state = {"hidden": [f"e{n}" for n in hidden], "favourites": [f"e{n}" for n in favourites]}
    usable = [e for e in library if (allow_floor or e.at_desk) and e.id not in state["hidden"]]
    budget = break_s * SLACK
    upright = {e.id for e in usable if e.position == "standing" and e.takes_s <= budget}
    room = budget - min((e.takes_s for e in usable if e.id in upright), default=0)
    # one longer than the break waits; so does one that leaves no room for a standing one
    fits = {e.id for e in usable if e.id in upright or e.takes_s <= room}
    assert fits == {e.id for e in fitting(usable, budget)}
    shortest = min([e for e in usable if e.position == "standing"] or usable, key=lambda e: e.takes_s, default=None)
    pool = fits or ({shortest.id} if shortest else set())
    breaks, _ = day_of_breaks(library, 2 * len(library) + 2, state, break_s=break_s, allow_floor=allow_floor)
    by_id = {e.id: e for e in library}
    for ids in breaks:
        assert set(ids) <= pool and len(set(ids)) == len(ids) <= MOST
        assert bool(ids) == bool(pool)
        if len(ids) > 1:
            assert sum(by_id[i].takes_s for i in ids) <= budget
        if upright:
            assert set(ids) & upright, "a stand-and-stretch break has a standing part"
    assert_fair(breaks, pool, upright)
    assert {i for ids in breaks for i in ids} == pool, "everyone gets a turn within the day"


def test_the_agents_rotation_moves_on_from_break_to_break():
    from datetime import date

    from agent.content.exercise_choice import Rotation
    from agent.content.exercises import load_library

    library = load_library()
    rotation = Rotation(120, today=lambda: date(2026, 11, 23), load=lambda: library)
    first, second = rotation(), rotation()
    assert first and second
    assert not {e.id for e in first} & {e.id for e in second}  # the next break shows others


def test_this_hurts_takes_the_exercise_out_of_the_agents_rotation():
    from datetime import date

    from agent.content.exercise_choice import Rotation
    from agent.content.exercises import load_library

    library = load_library()
    rotation = Rotation(120, today=lambda: date(2026, 11, 23), load=lambda: library)
    hurt = rotation()[0].id
    rotation.hurt(hurt)
    for _ in range(len(library)):
        assert hurt not in {e.id for e in rotation()}


def test_the_last_exercise_a_break_could_show_is_never_hidden():
    """Hiding (or "This hurts") everything would leave a break with nothing to offer."""
    from datetime import date

    from agent.content.exercise_choice import Rotation
    from agent.content.exercises import load_library

    library = load_library()
    rotation = Rotation(120, today=lambda: date(2026, 11, 23), load=lambda: library)
    at_desk = [e.id for e in library if e.at_desk]
    assert all(rotation.hide(i) for i in at_desk[:-1])
    assert rotation.hide(at_desk[-1]) is False and rotation.hurt(at_desk[-1]) is False
    assert [e.id for e in rotation()] == [at_desk[-1]]
    assert rotation.hide(at_desk[0], on=False) and rotation.hurt(at_desk[-1])  # another is back: now it may go
    assert [e.id for e in rotation()] == [at_desk[0]]
