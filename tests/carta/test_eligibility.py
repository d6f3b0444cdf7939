"""The Carta Famiglia's eligibility rule, on plain values."""

import pytest

from carta.eligibility import (
    ISEE_NOT_DECLARED,
    ISEE_TOO_HIGH,
    NOT_RESIDENT,
    TOO_FEW_MINORS,
    Conditions,
    assess,
    minor_children,
)


@pytest.mark.parametrize(
    ("birth_year", "year", "minor"),
    [
        (2008, 2026, True),  # turns 18 in 2026: a minor until 31 December 2026
        (2007, 2026, False),  # turned 18 in 2025: an adult from 1 January 2026
        (2026, 2026, True),  # born this year
        (2027, 2026, False),  # not born yet (a birth year in the future)
        (2008, 2027, False),  # the year after turning 18
    ],
)
def test_a_child_is_a_minor_until_the_end_of_the_year_they_turn_18(birth_year, year, minor):
    assert minor_children([birth_year], year=year) == int(minor)


def test_default_rule_is_the_hub_beneficiary_rule():
    assert assess(
        child_birth_years=[2008], resident_in_member_municipality=True, year=2026
    ).eligible
    on_new_year = assess(child_birth_years=[2008], resident_in_member_municipality=True, year=2027)
    assert not on_new_year.eligible
    assert on_new_year.reasons == (TOO_FEW_MINORS,)
    assert assess(
        child_birth_years=[], resident_in_member_municipality=True, year=2026
    ).reasons == (TOO_FEW_MINORS,)


def test_every_unmet_condition_is_named():
    result = assess(
        child_birth_years=[2000],
        resident_in_member_municipality=False,
        year=2026,
        conditions=Conditions(min_minor_children=3, max_isee_band="15000-30000"),
    )
    assert not result.eligible
    assert result.reasons == (NOT_RESIDENT, TOO_FEW_MINORS, ISEE_NOT_DECLARED)


def test_a_network_may_ask_for_more_minor_children():
    large = Conditions(min_minor_children=3)
    years = [2010, 2012, 2008]
    assert assess(
        child_birth_years=years, resident_in_member_municipality=True, year=2026, conditions=large
    ).eligible
    # In 2027 the eldest is an adult: two minors are not enough.
    later = assess(
        child_birth_years=years, resident_in_member_municipality=True, year=2027, conditions=large
    )
    assert later.minor_children == 2
    assert later.reasons == (TOO_FEW_MINORS,)


@pytest.mark.parametrize(
    ("declared", "eligible", "reasons"),
    [
        ("fino-15000", True, ()),
        ("15000-30000", True, ()),
        ("30000-40000", False, (ISEE_TOO_HIGH,)),
        ("", False, (ISEE_NOT_DECLARED,)),
        ("25000", False, (ISEE_NOT_DECLARED,)),  # a number is not a band
    ],
)
def test_isee_is_compared_as_a_declared_band(declared, eligible, reasons):
    result = assess(
        child_birth_years=[2020],
        resident_in_member_municipality=True,
        year=2026,
        conditions=Conditions(max_isee_band="15000-30000"),
        declared_isee_band=declared,
    )
    assert (result.eligible, result.reasons) == (eligible, reasons)


def test_conditions_refuse_nonsense():
    with pytest.raises(ValueError):
        Conditions(min_minor_children=0)
    with pytest.raises(ValueError):
        Conditions(max_isee_band="molto")
