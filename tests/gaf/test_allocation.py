"""Sharing a product's cases among families: the issue's examples, then the properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaf.allocation import (
    Allocation,
    OrderEvent,
    PoolStatus,
    allocate,
    allocate_units,
    pool_status,
)

POLICIES = ["fifo", "proportional"]


def allocated(result):
    return {family_id: share.allocated for family_id, share in result.families.items()}


def firm_served(share):
    # Tolerance is only handed out once every firm unit is served, so under FIFO the
    # firm part of an allocation is whatever does not exceed the firm quantity.
    return min(share.allocated, share.firm_wanted)


# Examples from the issue (case size 6 unless said otherwise).


def test_tolerance_completes_the_case_of_a_single_family():
    result = allocate(6, [(1, 10, 4, 2)])
    assert result.families == {10: Allocation(firm_wanted=4, tolerance_wanted=2, allocated=6)}
    assert (result.cases, result.allocated_total) == (1, 6)


def test_tolerance_of_one_family_completes_the_case_with_another():
    result = allocate(6, [(1, 10, 4, 2), (2, 20, 1, 0)])
    assert allocated(result) == {10: 5, 20: 1}
    assert result.cases == 1


def test_without_enough_tolerance_the_partial_case_is_not_ordered():
    result = allocate(6, [(1, 10, 4, 0), (2, 20, 1, 0)])
    assert allocated(result) == {10: 0, 20: 0}
    assert (result.cases, result.allocated_total) == (0, 0)


def test_firm_units_are_served_first_come():
    result = allocate(6, [(1, 10, 4, 0), (2, 20, 4, 0)])
    assert allocated(result) == {10: 4, 20: 2}
    assert (result.cases, result.allocated_total) == (1, 6)


def test_tolerance_of_families_without_firm_units_opens_nothing():
    result = allocate(6, [(1, 10, 0, 6), (2, 20, 0, 12)])
    assert allocated(result) == {10: 0, 20: 0}
    assert result.cases == 0


def test_tolerance_does_not_open_a_case_after_the_full_ones():
    result = allocate(6, [(1, 10, 6, 0), (2, 20, 0, 6)])
    assert allocated(result) == {10: 6, 20: 0}
    assert result.cases == 1


def test_tolerance_fills_first_come():
    events = [(1, 10, 5, 0), (2, 30, 0, 3), (3, 20, 0, 3)]
    assert allocated(allocate(6, events)) == {10: 5, 20: 0, 30: 1}


def test_without_cases_everyone_gets_the_firm_quantity_and_tolerance_is_ignored():
    result = allocate(None, [(1, 10, 4, 2), (2, 20, 1, 5)])
    assert allocated(result) == {10: 4, 20: 1}
    assert (result.cases, result.allocated_total) == (None, 5)


def test_quantities_are_set_not_added():
    result = allocate(6, [(1, 10, 4, 0), (2, 10, 6, 0)])
    assert result.families[10] == Allocation(firm_wanted=6, tolerance_wanted=0, allocated=6)


def test_lowering_keeps_the_place_of_the_units_left():
    # Family 10 came first with 5, then went down to 4: it keeps its place.
    events = [(1, 10, 5, 0), (2, 20, 4, 0), (3, 10, 4, 0)]
    assert allocated(allocate(6, events)) == {10: 4, 20: 2}


def test_raising_queues_the_extra_units_at_the_back():
    # Family 10's first 2 units come before family 20's; the 3 added later come after.
    events = [(1, 10, 2, 0), (2, 20, 4, 0), (3, 10, 5, 0)]
    assert allocated(allocate(6, events)) == {10: 2, 20: 4}


def test_lowering_then_raising_loses_the_place_of_the_units_given_up():
    events = [(1, 10, 5, 0), (2, 20, 4, 0), (3, 10, 1, 0), (4, 10, 5, 0)]
    assert allocated(allocate(6, events)) == {10: 2, 20: 4}


def test_raising_tolerance_queues_only_the_extra_units():
    events = [(1, 10, 3, 0), (2, 20, 0, 1), (3, 30, 0, 2), (4, 20, 0, 3)]
    # Family 20's first tolerance unit (sequence 2) beats family 30; its extra 2 do not.
    assert allocated(allocate(6, events)) == {10: 3, 20: 1, 30: 2}


def test_events_are_replayed_in_sequence_order_whatever_the_input_order():
    events = [(3, 10, 4, 0), (1, 10, 5, 0), (2, 20, 4, 0)]
    assert allocated(allocate(6, events)) == {10: 4, 20: 2}


def test_order_events_and_tuples_are_equivalent():
    events = [(1, 10, 4, 2), (2, 20, 1, 0)]
    assert allocate(6, [OrderEvent(*event) for event in events]) == allocate(6, events)


def test_proportional_splits_the_cut_by_largest_remainder():
    result = allocate(6, [(1, 10, 4, 0), (2, 20, 4, 0)], policy="proportional")
    assert allocated(result) == {10: 3, 20: 3}


def test_proportional_ties_go_to_the_earliest_first_unit():
    # 6 of 7: exact shares 18/7, 18/7, 6/7. Family 30 has the largest remainder; 10 and 20
    # tie, and family 20 wins because its first unit (sequence 1) is older, even though
    # it raised its order after family 10.
    events = [(1, 20, 1, 0), (2, 10, 3, 0), (3, 30, 1, 0), (4, 20, 3, 0)]
    assert allocated(allocate(6, events, policy="proportional")) == {10: 2, 20: 3, 30: 1}


def test_proportional_tolerance_top_up_is_shared_by_tolerance():
    events = [(1, 10, 3, 0), (2, 20, 1, 4), (3, 30, 0, 2)]
    result = allocate(6, events, policy="proportional")
    # Firm 4 leaves 2 missing: shares of tolerance 2 × 4/6 = 1.33 and 2 × 2/6 = 0.67.
    assert allocated(result) == {10: 3, 20: 1 + 1, 30: 1}
    assert result.allocated_total == 6


def test_unknown_policy_is_rejected():
    with pytest.raises(ValueError, match="Criterio"):
        allocate(6, [(1, 10, 6, 0)], policy="lottery")


@pytest.mark.parametrize("case_size", [0, -6])
def test_case_size_below_one_is_rejected(case_size):
    with pytest.raises(ValueError, match="collo"):
        allocate(case_size, [(1, 10, 6, 0)])


def test_negative_quantities_are_rejected():
    with pytest.raises(ValueError, match="negative"):
        allocate(6, [(1, 10, -1, 0)])


def test_two_events_of_a_family_with_the_same_sequence_are_rejected():
    with pytest.raises(ValueError, match="sequenza"):
        allocate(6, [(1, 10, 4, 0), (1, 10, 5, 0)])


def test_pool_status_while_orders_come_in():
    assert pool_status(6, [(1, 10, 4, 1), (2, 20, 3, 0)]) == PoolStatus(
        firm=7, tolerance=1, full_cases=1, missing_to_next_case=5, tolerance_completes=False
    )
    assert pool_status(6, [(1, 10, 4, 2)]) == PoolStatus(
        firm=4, tolerance=2, full_cases=0, missing_to_next_case=2, tolerance_completes=True
    )
    assert pool_status(6, [(1, 10, 6, 6)]).tolerance_completes is False
    assert pool_status(None, [(1, 10, 4, 2)]) == PoolStatus(
        firm=4, tolerance=2, full_cases=None, missing_to_next_case=None, tolerance_completes=False
    )


# Properties.

case_sizes = st.none() | st.integers(min_value=1, max_value=12)
family_ids = st.integers(min_value=1, max_value=5)


@st.composite
def event_lists(draw, min_size=0):
    """Events with strictly increasing sequences, possibly with gaps."""
    orders = draw(
        st.lists(
            st.tuples(family_ids, st.integers(0, 10), st.integers(0, 6)),
            min_size=min_size,
            max_size=15,
        )
    )
    gaps = draw(st.lists(st.integers(1, 3), min_size=len(orders), max_size=len(orders)))
    sequence, events = 0, []
    for (family_id, firm, tolerance), gap in zip(orders, gaps, strict=True):
        sequence += gap
        events.append((sequence, family_id, firm, tolerance))
    return events


def last_sequence(events):
    return max((event[0] for event in events), default=0)


@given(case_sizes, event_lists(), st.sampled_from(POLICIES))
def test_each_family_gets_between_zero_and_what_it_accepts(case_size, events, policy):
    for share in allocate(case_size, events, policy).families.values():
        assert 0 <= share.allocated <= share.firm_wanted + share.tolerance_wanted


@given(case_sizes, event_lists(), st.sampled_from(POLICIES))
def test_whole_cases_are_allocated(case_size, events, policy):
    result = allocate(case_size, events, policy)
    pooled_firm = sum(share.firm_wanted for share in result.families.values())
    assert sum(allocated(result).values()) == result.allocated_total
    if case_size is None:
        assert result.allocated_total == pooled_firm
    else:
        assert result.allocated_total == result.cases * case_size
        # The full cases, plus at most one that only a partial case can become.
        full_cases, remainder = divmod(pooled_firm, case_size)
        assert result.cases in ({full_cases, full_cases + 1} if remainder else {full_cases})


@given(case_sizes, event_lists(), st.sampled_from(POLICIES))
def test_tolerance_alone_never_opens_a_case(case_size, events, policy):
    only_tolerance = [(seq, family_id, 0, tolerance) for seq, family_id, _, tolerance in events]
    result = allocate(case_size, only_tolerance, policy)
    assert result.allocated_total == 0
    assert set(allocated(result).values()) <= {0}


@given(st.integers(1, 12), event_lists(), st.sampled_from(POLICIES))
def test_firm_in_whole_cases_is_served_exactly(case_size, events, policy):
    result = allocate(case_size, events, policy)
    pooled_firm = sum(share.firm_wanted for share in result.families.values())
    if pooled_firm % case_size == 0:
        assert all(share.allocated == share.firm_wanted for share in result.families.values())


@given(case_sizes, event_lists(), st.sampled_from(POLICIES), st.randoms())
def test_replaying_the_same_events_gives_the_same_allocation(case_size, events, policy, rng):
    shuffled = list(events)
    rng.shuffle(shuffled)
    assert allocate(case_size, shuffled, policy) == allocate(case_size, events, policy)


@given(case_sizes, event_lists())
def test_proportional_orders_the_same_cases_as_fifo(case_size, events):
    fifo = allocate(case_size, events, "fifo")
    proportional = allocate(case_size, events, "proportional")
    assert (proportional.cases, proportional.allocated_total) == (
        fifo.cases,
        fifo.allocated_total,
    )


@given(case_sizes, event_lists(), st.data())
def test_pool_status_agrees_with_the_allocation(case_size, events, data):
    status = pool_status(case_size, events)
    result = allocate(case_size, events)
    assert status.firm == sum(share.firm_wanted for share in result.families.values())
    assert status.tolerance == sum(share.tolerance_wanted for share in result.families.values())
    if case_size is not None:
        assert status.full_cases + status.tolerance_completes == result.cases
        assert 1 <= status.missing_to_next_case <= case_size
        assert (status.firm + status.missing_to_next_case) % case_size == 0


@given(case_sizes, event_lists(min_size=1), family_ids, st.integers(0, 10), st.integers(0, 6))
def test_a_later_change_by_another_family_never_takes_firm_units_away(
    case_size, events, other_family, firm, tolerance
):
    """First come: units already served stay served while the cases ordered do not shrink."""
    before = allocate(case_size, events)
    change = (last_sequence(events) + 1, other_family, firm, tolerance)
    after = allocate(case_size, [*events, change])
    if case_size is not None and after.cases < before.cases:
        return  # the other family gave up units that were needed to fill a case
    for family_id, share in before.families.items():
        if family_id != other_family:
            assert firm_served(after.families[family_id]) >= firm_served(share)


@given(case_sizes, event_lists(min_size=1), st.integers(0, 10), st.integers(0, 6), st.data())
def test_raising_an_order_never_reduces_the_cases(case_size, events, extra_firm, extra, data):
    family_id = data.draw(st.sampled_from([event[1] for event in events]))
    before = allocate(case_size, events)
    share = before.families[family_id]
    change = (
        last_sequence(events) + 1,
        family_id,
        share.firm_wanted + extra_firm,
        share.tolerance_wanted + extra,
    )
    after = allocate(case_size, [*events, change])
    assert after.allocated_total >= before.allocated_total
    for other_id, other_share in before.families.items():
        assert firm_served(after.families[other_id]) >= firm_served(other_share)


@given(case_sizes, event_lists(min_size=1), st.data())
def test_lowering_an_order_keeps_the_units_still_wanted(case_size, events, data):
    """Lowering never loses a place: the family keeps every unit it still wants and had."""
    family_id = data.draw(st.sampled_from([event[1] for event in events]))
    before = allocate(case_size, events)
    share = before.families[family_id]
    lowered = data.draw(st.integers(0, share.firm_wanted))
    change = (last_sequence(events) + 1, family_id, lowered, share.tolerance_wanted)
    after = allocate(case_size, [*events, change])
    if case_size is not None and after.cases < before.cases:
        return  # the case it helped to fill is no longer ordered
    assert firm_served(after.families[family_id]) >= min(lowered, firm_served(share))


@settings(max_examples=50)
@given(case_sizes, event_lists(), st.randoms())
def test_renumbering_sequences_without_reordering_changes_nothing(case_size, events, rng):
    renumbered = [(seq * 10 + rng.randint(0, 9), *rest) for seq, *rest in events]
    assert allocate(case_size, renumbered) == allocate(case_size, events)


@given(case_sizes, event_lists(), st.sampled_from(POLICIES))
def test_events_in_replay_order_need_no_check(case_size, events, policy):
    """allocate_units(in_order=True), for a stored history (sequences increasing, each
    once, nothing negative), allocates as allocate does."""
    firm, tolerance, allocated_units, cases, total = allocate_units(
        case_size, events, policy, in_order=True
    )
    result = allocate(case_size, events, policy)
    assert (cases, total) == (result.cases, result.allocated_total)
    assert {
        family_id: Allocation(firm[family_id], tolerance[family_id], allocated_units[family_id])
        for family_id in firm
    } == result.families
