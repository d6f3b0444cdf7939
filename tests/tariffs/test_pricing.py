"""Tariff rules (tariffs.pricing): bands without overlaps or gaps, linear, exemption, cap."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tariffs.pricing import (
    BANDS,
    LINEAR,
    Band,
    TariffSpec,
    bands_from_data,
    monthly_price,
    validate,
)

D = Decimal
BANDS_OK = (
    Band(D("0"), D("5000"), D("20.00")),
    Band(D("5000"), D("15000"), D("45.00")),
    Band(D("15000"), None, D("80.00")),
)
LINEAR_RULE = TariffSpec(
    method=LINEAR,
    min_price=D("100.00"),
    max_price=D("500.00"),
    lower_threshold=D("6000"),
    upper_threshold=D("30000"),
)


@pytest.mark.parametrize(
    ("indicator", "price"),
    [
        ("0", "20.00"),
        ("4999.99", "20.00"),
        ("5000", "45.00"),
        ("15000", "80.00"),
        ("99999", "80.00"),
    ],
)
def test_bands_pick_the_band_of_the_indicator(indicator, price):
    assert monthly_price(TariffSpec(method=BANDS, bands=BANDS_OK), D(indicator)).price == D(price)


@pytest.mark.parametrize(
    ("indicator", "price"),
    [
        ("0", "100.00"),
        ("6000", "100.00"),
        ("18000", "300.00"),
        ("10000.01", "166.67"),
        ("40000", "500.00"),
    ],
)
def test_linear_between_thresholds_rounded_to_the_cent(indicator, price):
    assert monthly_price(LINEAR_RULE, D(indicator)).price == D(price)


def test_exemption_and_cap():
    spec = TariffSpec(method=BANDS, bands=BANDS_OK, exemption_threshold=D("3000"), cap=D("60.00"))
    exempt = monthly_price(spec, D("2999.99"))
    assert exempt.price == D("0.00")
    assert "esente" in exempt.steps[0]
    capped = monthly_price(spec, D("20000"))
    assert capped.price == D("60.00")
    assert capped.steps[-1] == "Tetto massimo applicato: 60,00\u00a0€ al mese."


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        (
            [
                {"from": "0", "to": "6000", "price": "1"},
                {"from": "5000", "to": None, "price": "2"},
            ],
            "Le fasce 1 e 2 si sovrappongono (da 5000 a 6000).",
        ),
        (
            [
                {"from": "0", "to": "5000", "price": "1"},
                {"from": "6000", "to": None, "price": "2"},
            ],
            "Tra le fasce 1 e 2 manca l'intervallo da 5000 a 6000.",
        ),
        ([{"from": "100", "to": None, "price": "1"}], "La prima fascia deve partire da 0."),
        (
            [{"from": "0", "to": "100", "price": "1"}],
            "L'ultima fascia non ha limite superiore (da 0 in su).",
        ),
        ([], "Serve almeno una fascia."),
    ],
)
def test_bands_that_overlap_or_leave_gaps_are_refused(bands, message):
    with pytest.raises(ValidationError) as error:
        validate(TariffSpec(method=BANDS, bands=bands_from_data(bands)))
    assert error.value.message_dict == {"bands": [message]}


def test_negative_band_price_is_refused():
    with pytest.raises(ValidationError, match="importo non negativo"):
        bands_from_data([{"from": "0", "to": None, "price": "-1"}])


def test_linear_needs_ordered_thresholds_and_prices():
    spec = TariffSpec(
        method=LINEAR,
        min_price=D("50"),
        max_price=D("10"),
        lower_threshold=D("9000"),
        upper_threshold=D("1000"),
    )
    with pytest.raises(ValidationError) as error:
        validate(spec)
    assert set(error.value.message_dict) == {"max_price", "upper_threshold"}


@given(
    low=st.decimals(min_value=0, max_value=100_000, places=2),
    high=st.decimals(min_value=0, max_value=100_000, places=2),
    spec=st.sampled_from([LINEAR_RULE, TariffSpec(method=BANDS, bands=BANDS_OK)]),
)
def test_price_never_falls_as_the_indicator_rises(low, high, spec):
    low, high = sorted((low, high))
    assert D("0") <= monthly_price(spec, low).price <= monthly_price(spec, high).price


@given(
    indicator=st.decimals(min_value=0, max_value=100_000, places=2),
    spec=st.sampled_from(
        [
            LINEAR_RULE,
            TariffSpec(method=BANDS, bands=BANDS_OK, cap=D("50"), exemption_threshold=D("1000")),
        ]
    ),
)
def test_without_explanation_the_same_price(indicator, spec):
    bare = monthly_price(spec, indicator, explain=False)
    assert bare.steps == ()
    assert bare.price == monthly_price(spec, indicator).price
