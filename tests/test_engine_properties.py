"""Properties of the engine over random days (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.core import Engine
from agent.core.events import EVENT_TYPES
from agent.settings.config import default_rules

# Mostly input, sometimes anything else; gaps from none to an hour.
kinds = st.one_of(st.just("input"), st.just("input"), st.just("input"), st.sampled_from(sorted(EVENT_TYPES)))
steps = st.lists(st.tuples(st.floats(0, 3600, allow_nan=False), kinds), max_size=120)
rules = st.builds(
    default_rules,
    sitting_limit_s=st.sampled_from([60.0, 600.0, 1800.0]),
    natural_break_s=st.sampled_from([30.0, 300.0]),
    prompt_idle_grace_s=st.sampled_from([0.0, 60.0]),
    postpone_s=st.sampled_from([10.0, 300.0]),
    max_postpones=st.integers(0, 3),
    standing_limit_s=st.sampled_from([120.0, 2700.0]),
    mode=st.sampled_from(["sitting-limit", "sit-stand-move"]),
    pattern_sit_s=st.sampled_from([60.0, 1200.0]),
)


def replay(rules, steps):
    engine, t, out = Engine(rules), 0.0, []
    for gap, kind in steps:
        t += gap
        out += engine.input(t) if kind == "input" else engine.feed(t, kind)
    end = t + 10.0
    out += engine.finish(end)
    return engine, out, end


@settings(max_examples=300, deadline=None)
@given(rules, steps)
def test_sitting_never_exceeds_elapsed_time(rules, steps):
    engine, out, end = replay(rules, steps)
    totals = engine.totals
    assert 0 <= totals.sitting_s <= end + 1e-6
    assert 0 <= totals.standing_s and totals.sitting_s + totals.standing_s <= end + 1e-6
    assert totals.longest_bout_s <= totals.sitting_s + 1e-6


@settings(max_examples=200, deadline=None)
@given(rules, steps)
def test_output_is_deterministic(rules, steps):
    _, first, _ = replay(rules, steps)
    _, second, _ = replay(rules, steps)
    assert first == second


@settings(max_examples=300, deadline=None)
@given(rules, steps)
def test_prompts_are_never_closer_than_the_postpone_interval_of_sitting(rules, steps):
    # Postpone waits postpone_s and skip a full limit, so the shorter of the two is the floor
    # (with the defaults, 5 min: the limit is 30).
    floor = min(rules.sit_limit_s, rules.postpone_s) - 1e-6
    _, out, _ = replay(rules, steps)
    prompts = [d for d in out if d.type in ("break_due", "stand_due")]
    for before, after in zip(prompts, prompts[1:]):
        if after.fields["bout_start"] == before.fields["bout_start"]:
            assert after.fields["sitting_s"] - before.fields["sitting_s"] >= floor
        else:
            assert after.fields["sitting_s"] >= floor


@settings(max_examples=300, deadline=None)
@given(rules, steps)
def test_decisions_come_in_time_order_and_natural_breaks_are_long_enough(rules, steps):
    _, out, end = replay(rules, steps)
    times = [d.t for d in out]
    assert times == sorted(times) and all(0 <= t <= end for t in times)
    for d in out:
        if d.type == "natural_break":
            assert d.fields["end"] - d.fields["start"] >= rules.natural_break_s - 1e-6


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0, 900, allow_nan=False), min_size=1, max_size=200))
def test_input_only_days_match_a_plain_reference(gaps):
    """Differential check: bouts split where the gap reaches the threshold."""
    rules = default_rules()
    times, t = [], 0.0
    for gap in gaps:
        t += gap
        times.append(t)
    end = t + 10.0
    engine = Engine(rules)
    for t in times:
        engine.input(t)
    engine.finish(end)

    bouts, start = [], times[0]
    for before, after in zip(times, times[1:]):
        if after - before >= rules.natural_break_s:
            bouts.append(before - start)
            start = after
    bouts.append(end - start)  # the last quiet 10 s count as sitting
    assert abs(engine.totals.sitting_s - sum(bouts)) < 1e-6
    assert abs(engine.totals.longest_bout_s - max(bouts)) < 1e-6
    assert engine.totals.natural_breaks == len(bouts) - 1
