"""tables.progress: an objective's progress from its indicator or its actions, and a plan's
from its objectives, on plain values (no database)."""

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tables import progress
from tables.progress import (
    ACHIEVED,
    DROPPED,
    IN_PROGRESS,
    NOT_STARTED,
    Action,
    ObjectiveState,
    Weighed,
    actions_progress,
    indicator_progress,
    indicator_value_problem,
    objective_progress,
    plan_progress,
)

D = Decimal
values = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
percentages = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
# No deadline: tests never time things, and a busy machine would fail them for no bug.
untimed = settings(deadline=None)
statuses = st.sampled_from([NOT_STARTED, IN_PROGRESS, ACHIEVED, DROPPED])
weights = st.integers(min_value=1, max_value=100)


@pytest.mark.parametrize(
    ("baseline", "target", "value", "expected"),
    [
        ("0", "10", None, "0.00"),
        ("0", "10", "5", "50.00"),
        ("0", "10", "10", "100.00"),
        ("0", "10", "12", "100.00"),  # beyond the target: clamped
        ("4", "10", "2", "0.00"),  # below the baseline: clamped
        ("40", "10", "25", "50.00"),  # a falling target (a waiting list)
        ("40", "10", "5", "100.00"),
        ("40", "10", "45", "0.00"),
        ("0", "3", "1", "33.33"),
        ("0", "3", "2", "66.67"),  # rounded half up
        ("0", "1", "1", "100.00"),  # yes/no
        ("0", "1", "0", "0.00"),
        ("7", "7", "7", "100.00"),  # keep it where it is
        ("7", "7", "6", "0.00"),
    ],
    ids=lambda v: str(v),
)
def test_indicator_progress_table(baseline, target, value, expected):
    result = indicator_progress(
        baseline=D(baseline), target=D(target), value=None if value is None else D(value)
    )
    assert result == D(expected)
    assert result.as_tuple().exponent == -2


@untimed
@given(baseline=values, target=values, value=values)
def test_indicator_progress_is_a_percentage(baseline, target, value):
    result = indicator_progress(baseline=baseline, target=target, value=value)
    assert D(0) <= result <= D(100)


@untimed
@given(baseline=values, target=values)
def test_baseline_is_zero_and_target_is_a_hundred(baseline, target):
    assume(baseline != target)
    assert indicator_progress(baseline=baseline, target=target, value=baseline) == 0
    assert indicator_progress(baseline=baseline, target=target, value=target) == 100


@untimed
@given(baseline=values, target=values, low=values, high=values)
def test_moving_towards_the_target_never_loses_progress(baseline, target, low, high):
    """Monotone: a value closer to the target (in the target's direction) is no worse."""
    assume(baseline != target)
    if target < baseline:
        low, high = max(low, high), min(low, high)
    else:
        low, high = min(low, high), max(low, high)
    before = indicator_progress(baseline=baseline, target=target, value=low)
    after = indicator_progress(baseline=baseline, target=target, value=high)
    assert after >= before


@pytest.mark.parametrize(
    ("actions", "weighted", "expected"),
    [
        ([], False, None),
        ([Action(DROPPED)], False, None),
        ([Action(NOT_STARTED)], False, "0.00"),
        ([Action(IN_PROGRESS)], False, "50.00"),
        ([Action(ACHIEVED), Action(NOT_STARTED)], False, "50.00"),
        ([Action(ACHIEVED), Action(DROPPED)], False, "100.00"),  # dropped is left out
        ([Action(ACHIEVED, 3), Action(NOT_STARTED, 1)], False, "50.00"),
        ([Action(ACHIEVED, 3), Action(NOT_STARTED, 1)], True, "75.00"),
        ([Action(ACHIEVED, 1), Action(IN_PROGRESS, 1), Action(NOT_STARTED, 1)], True, "50.00"),
        ([Action(ACHIEVED, 1), Action(ACHIEVED, 1), Action(NOT_STARTED, 1)], False, "66.67"),
    ],
    ids=[
        "none",
        "only-dropped",
        "not-started",
        "in-progress",
        "half",
        "dropped-left-out",
        "average-ignores-weights",
        "weighted",
        "weighted-three",
        "rounded",
    ],
)
def test_actions_progress_table(actions, weighted, expected):
    result = actions_progress(actions, weighted=weighted)
    assert result == (None if expected is None else D(expected))


@untimed
@given(st.lists(st.tuples(statuses, weights), max_size=12), st.booleans())
def test_actions_progress_is_a_percentage_or_none(pairs, weighted):
    result = actions_progress([Action(s, w) for s, w in pairs], weighted=weighted)
    if all(status == DROPPED for status, _w in pairs):
        assert result is None
    else:
        assert D(0) <= result <= D(100)


@untimed
@given(st.lists(st.tuples(percentages, weights, statuses), max_size=12))
def test_plan_progress_lies_between_its_objectives(items):
    result = plan_progress(Weighed(p, w, s) for p, w, s in items)
    counted = [p for p, _w, s in items if s != DROPPED]
    if not counted:
        assert result is None
    else:
        assert min(counted) <= result <= max(counted)


@untimed
@given(st.lists(st.tuples(percentages, weights), min_size=1, max_size=12), percentages)
def test_a_dropped_objective_changes_nothing(items, dropped_progress):
    kept = [Weighed(p, w) for p, w in items]
    assert plan_progress([*kept, Weighed(dropped_progress, 50, DROPPED)]) == plan_progress(kept)


@untimed
@given(st.lists(st.tuples(percentages, weights), min_size=1, max_size=8))
def test_equal_weights_give_the_plain_average(items):
    same = plan_progress(Weighed(p, 1) for p, _w in items)
    expected = progress.rounded(sum(p for p, _w in items) / len(items))
    assert same == expected


def test_plan_progress_weights_objectives():
    assert plan_progress([Weighed(D(100), 3), Weighed(D(0), 1)]) == D("75.00")
    assert plan_progress([Weighed(None, 3), Weighed(D(40), 1)]) == D("40.00")
    assert plan_progress([]) is None


def test_objective_progress_follows_its_method():
    actions = (Action(ACHIEVED, 3), Action(NOT_STARTED, 1))
    state = dict(baseline=D(0), target=D(10), value=D(2), actions=actions)
    assert objective_progress(ObjectiveState(method="indicator", **state)) == D("20.00")
    assert objective_progress(ObjectiveState(method="actions_average", **state)) == D("50.00")
    assert objective_progress(ObjectiveState(method="actions_weighted", **state)) == D("75.00")
    with pytest.raises(ValueError):
        objective_progress(ObjectiveState(method="guess", **state))


@pytest.mark.parametrize(
    ("kind", "value", "problem"),
    [
        ("percentage", "0", None),
        ("percentage", "100", None),
        ("percentage", "35.5", None),
        ("percentage", "100.01", "percentage_range"),
        ("percentage", "-1", "percentage_range"),
        ("yes_no", "0", None),
        ("yes_no", "1", None),
        ("yes_no", "1.00", None),
        ("yes_no", "2", "yes_no"),
        ("yes_no", "0.5", "yes_no"),
        ("number", "1500", None),
        ("number", "-3", "negative"),
        ("number", "NaN", "not_a_number"),
        ("number", "Infinity", "not_a_number"),
    ],
    ids=lambda v: str(v),
)
def test_indicator_values_by_kind(kind, value, problem):
    assert indicator_value_problem(kind, D(value)) == problem
