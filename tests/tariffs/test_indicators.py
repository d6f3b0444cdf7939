"""The equivalence scales (tariffs.indicators): worked examples and properties."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tariffs.indicators import (
    EXAMPLE_FATTORE_FAMIGLIA,
    ISEE_SCALE,
    Household,
    compute,
    scale_from_data,
)

SCALES = [ISEE_SCALE, EXAMPLE_FATTORE_FAMIGLIA]


def test_single_person_indicator_is_the_ise():
    result = compute(Household(adults=1, ise=Decimal("12345.678")), ISEE_SCALE)
    assert result.parameter == Decimal("1.00")
    assert result.value == Decimal("12345.68")


def test_isee_couple_with_three_children_one_under_three_both_working():
    household = Household(
        adults=2, children_ages=(1, 6, 10), all_parents_work=True, ise=Decimal("30000")
    )
    result = compute(household, ISEE_SCALE)
    # 5 members 2,85 + three children 0,20 + a child under 3 with working parents 0,30
    assert result.parameter == Decimal("3.35")
    assert result.value == Decimal("8955.22")  # 30000 / 3,35 = 8955,223...
    labels = [step.label for step in result.steps]
    assert labels[0] == "Parametro di base per 5 componenti"
    assert "Maggiorazione per 3 figli" in labels
    assert result.steps[-1].amount == result.value


def test_beyond_five_members_each_adds_035_and_disability_050():
    household = Household(adults=2, children_ages=(20, 19, 18, 17), disabled_members=1)
    result = compute(household, ISEE_SCALE)
    # 6 members: 2,85 + 0,35; four children 0,35; one disabled member 0,50
    assert result.parameter == Decimal("4.05")


def test_example_fattore_famiglia_weighs_children_more():
    household = Household(
        adults=2, children_ages=(2, 5), all_parents_work=True, ise=Decimal("25000")
    )
    isee = compute(household, ISEE_SCALE)
    ff = compute(household, EXAMPLE_FATTORE_FAMIGLIA)
    assert isee.parameter == Decimal("2.76")  # 2,46 + 0,30
    assert ff.parameter == Decimal("3.06")  # 2,46 + 0,40 + 2 x 0,10
    assert ff.value < isee.value


@pytest.mark.parametrize(
    ("household", "field", "message"),
    [
        (
            Household(adults=0, children_ages=(5,)),
            "adults",
            "Il nucleo deve avere almeno un adulto.",
        ),
        (
            Household(adults=1, ise=Decimal("-1")),
            "ise",
            "L'ISE o il reddito dichiarato non può essere negativo.",
        ),
        (
            Household(adults=1, children_ages=(-2,)),
            "children_ages",
            "L'età di un figlio va da 0 a 120 anni.",
        ),
        (
            Household(adults=1, disabled_members=3),
            "disabled_members",
            "I componenti con disabilità vanno da 0 al numero dei componenti (1).",
        ),
    ],
)
def test_bad_households_are_refused_with_a_precise_message(household, field, message):
    with pytest.raises(ValidationError) as error:
        compute(household, ISEE_SCALE)
    assert error.value.message_dict == {field: [message]}


def test_scale_round_trips_through_its_data():
    for scale in SCALES:
        assert scale_from_data(scale.as_data()) == scale


@pytest.mark.parametrize(
    "data",
    [
        {"base": []},
        {"base": ["1", "0.9"], "extra_member": "0.35"},
        {"base": ["1", "1.5"], "extra_member": "0"},
        {"base": ["1", "1.5"], "extra_member": "0.3", "large_family": [[3, "0.5"], [4, "0.2"]]},
        {"base": ["1", "x"], "extra_member": "0.3"},
        {
            "base": ["1"],
            "extra_member": "0.3",
            "minors_working_parents": "0.3",
            "young_child_working_parents": "0.1",
        },
        {"base": ["1"], "extra_member": "-0.3"},
    ],
)
def test_scales_that_could_raise_the_indicator_with_more_children_are_refused(data):
    with pytest.raises(ValidationError):
        scale_from_data(data)


amounts = st.decimals(min_value=0, max_value=10_000_000, places=2)
ages = st.lists(st.integers(min_value=0, max_value=30), max_size=8)


def households(ise=amounts):
    return st.builds(
        Household,
        adults=st.integers(min_value=1, max_value=4),
        children_ages=ages.map(tuple),
        disabled_members=st.integers(min_value=0, max_value=1),
        all_parents_work=st.booleans(),
        ise=ise,
    )


@given(household=households(), more=amounts, scale=st.sampled_from(SCALES))
def test_monotone_in_income(household, more, scale):
    richer = Household(**{**household.__dict__, "ise": household.ise + more})
    assert compute(richer, scale).value >= compute(household, scale).value


@given(household=households(), scale=st.sampled_from(SCALES))
def test_never_negative(household, scale):
    assert compute(household, scale).value >= 0


@given(
    household=households(),
    age=st.integers(min_value=0, max_value=30),
    scale=st.sampled_from(SCALES),
)
def test_another_child_never_raises_the_indicator(household, age, scale):
    bigger = Household(**{**household.__dict__, "children_ages": (*household.children_ages, age)})
    assert compute(bigger, scale).value <= compute(household, scale).value
    assert compute(bigger, scale).parameter > compute(household, scale).parameter


@given(household=households(), scale=st.sampled_from(SCALES))
def test_without_explanation_the_same_figures_and_no_words(household, scale):
    explained = compute(household, scale)
    bare = compute(household, scale, explain=False)
    assert (bare.parameter, bare.value, bare.steps) == (explained.parameter, explained.value, ())
