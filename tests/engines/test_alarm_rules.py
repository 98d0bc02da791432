"""The vectorised alarm rule engine: every rule kind, hysteresis, boundaries, batch-split invariance."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.monitoring.rules import RuleSet, State, evaluate, offline


def run(sensors, readings, state=None):
    rules = RuleSet.build(sensors)
    state = state or State.fresh(len(sensors))
    s, t, v = (np.array(x) for x in zip(*readings, strict=True)) if readings else ([], [], [])
    return rules, state, evaluate(rules, state, s, t, v)


def test_levels_rising_and_the_threshold_itself_counts():
    _, _, r = run([{"thresholds": [5, 10]}], [(0, i, x) for i, x in enumerate([1, 5, 9.99, 10, 15, 4])])
    assert r.level.tolist() == [0, 1, 1, 2, 2, 0]
    assert [(e["kind"], e["level"]) for e in r.events] == [("raise", 1), ("escalate", 2), ("clear", 0)]


def test_levels_falling():
    _, _, r = run([{"thresholds": [2, 1], "rising": False}], [(0, i, x) for i, x in enumerate([3, 2, 1.5, 1, 0.5, 2.5])])
    assert r.level.tolist() == [0, 1, 1, 2, 2, 0]


def test_hysteresis_stops_flapping():
    values = [9, 10, 9.5, 9.1, 9.0, 8.9, 10, 10.5]
    _, _, r = run([{"thresholds": [10], "deadband": 1}], [(0, i, x) for i, x in enumerate(values)])
    assert r.level.tolist() == [0, 1, 1, 1, 0, 0, 1, 1]  # clears only at ≤ 9.0 (10 − 1)
    assert [e["kind"] for e in r.events] == ["raise", "clear", "raise"]
    jitter = [9.9, 10, 9.8, 10.1, 9.7, 10]  # a value wobbling around its threshold
    _, _, without = run([{"thresholds": [10]}], [(0, i, x) for i, x in enumerate(jitter)])
    assert [e["kind"] for e in without.events] == ["raise", "clear", "raise", "clear", "raise"]
    _, _, with_deadband = run([{"thresholds": [10], "deadband": 1}], [(0, i, x) for i, x in enumerate(jitter)])
    assert [e["kind"] for e in with_deadband.events] == ["raise"]
    _, _, falling = run([{"thresholds": [2], "rising": False, "deadband": 0.5}],
                        [(0, i, x) for i, x in enumerate([3, 2, 2.4, 2.5, 2.6])])
    assert falling.level.tolist() == [0, 1, 1, 0, 0]  # a low alarm clears at ≥ 2 + 0.5


def test_hysteresis_between_two_levels():
    values = [25, 19.5, 19, 18, 9.5, 8]
    _, _, r = run([{"thresholds": [10, 20], "deadband": 1}], [(0, i, x) for i, x in enumerate(values)])
    assert r.level.tolist() == [2, 2, 1, 1, 1, 0]
    assert [e["kind"] for e in r.events] == ["raise", "lower", "clear"]


def test_duration_confirms_only_after_the_time_and_a_dip_resets_it():
    sensor = [{"thresholds": [10], "min_duration_s": 30}]
    _, _, r = run(sensor, [(0, 0, 12), (0, 10, 12), (0, 29, 12), (0, 30, 12)])
    assert r.level.tolist() == [0, 0, 0, 1]
    _, _, r = run(sensor, [(0, 0, 12), (0, 20, 8), (0, 40, 12), (0, 69, 12), (0, 70, 12)])
    assert r.level.tolist() == [0, 0, 0, 0, 1]


def test_rate_of_change_per_minute_across_batches():
    sensor = [{"thresholds": [100], "max_rate_per_min": 5}]
    rules, state, r = run(sensor, [(0, 0, 10), (0, 60, 14)])
    assert r.rate_alarm.tolist() == [False, False]  # the first reading has nothing to compare with; 4/min
    r = evaluate(rules, state, np.array([0, 0]), np.array([120, 150]), np.array([20, 19]))
    assert r.rate_alarm.tolist() == [True, False]  # 6/min from the previous batch's 14; then 2/min


def test_offline_by_the_clock():
    rules, state, _ = run([{"interval_s": 60}, {"interval_s": 60}, {"interval_s": 60}], [(0, 1000, 1), (1, 1100, 1)])
    assert offline(rules, state, now=1181).tolist() == [True, False, False]  # 181 s > 3 × 60; never-seen is not


def test_interleaved_unsorted_input_keeps_input_order():
    readings = [(1, 5, 50), (0, 2, 12), (1, 1, 0), (0, 1, 1)]
    _, _, r = run([{"thresholds": [10]}, {"thresholds": [40]}], readings)
    assert r.level.tolist() == [1, 1, 0, 0]


def test_declarations_are_checked():
    with pytest.raises(ValueError, match="报警阈值应按严重程度依次升高"):
        RuleSet.build([{"thresholds": [10, 5]}])
    with pytest.raises(ValueError, match="报警阈值应按严重程度依次降低"):
        RuleSet.build([{"thresholds": [1, 2], "rising": False}])
    with pytest.raises(ValueError, match="超过 4 级"):
        RuleSet.build([{"thresholds": [1, 2, 3, 4, 5]}])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=30, allow_nan=False), min_size=1, max_size=60),
       st.lists(st.integers(min_value=1, max_value=59), max_size=4), st.sampled_from([0.0, 1.5]),
       st.sampled_from([0, 25]))
def test_splitting_a_stream_into_batches_changes_nothing(values, cuts, deadband, duration):
    sensors = [{"thresholds": [10, 20], "deadband": deadband, "min_duration_s": duration, "max_rate_per_min": 30},
               {"thresholds": [5], "rising": True}]
    readings = [(i % 2, 10.0 * i, x) for i, x in enumerate(values)]
    _, _, whole = run(sensors, readings)
    rules, state = RuleSet.build(sensors), State.fresh(2)
    levels, events = [], []
    bounds = sorted({c for c in cuts if c < len(readings)})
    for start, stop in zip([0, *bounds], [*bounds, len(readings)], strict=True):
        part = readings[start:stop]
        if not part:
            continue
        s, t, v = (np.array(x) for x in zip(*part, strict=True))
        r = evaluate(rules, state, s, t, v)
        levels += r.level.tolist()
        events += r.events
    assert levels == whole.level.tolist()
    assert events == whole.events


def test_a_batch_boundary_inside_the_deadband_keeps_a_pending_excursion():
    """An excursion awaiting its duration, then values inside the deadband: it stays at its level and
    is confirmed after 25 s, whether or not a batch ends after the first reading (the next batch used
    to start from the confirmed level 0, dropping the excursion)."""
    sensors = [{"thresholds": [10], "deadband": 2, "min_duration_s": 25}]
    readings = [(0, 0.0, 11.0), (0, 10.0, 9.0), (0, 20.0, 9.0), (0, 30.0, 9.0)]
    _, _, whole = run(sensors, readings)
    rules, state = RuleSet.build(sensors), State.fresh(1)
    split = [evaluate(rules, state, *(np.array(x) for x in zip(*part, strict=True)))
             for part in (readings[:1], readings[1:])]
    assert whole.level.tolist() == [0, 0, 0, 1]
    assert [lv for r in split for lv in r.level.tolist()] == [0, 0, 0, 1]
    assert [e["ts"] for r in split for e in r.events] == [e["ts"] for e in whole.events] == [30.0]
