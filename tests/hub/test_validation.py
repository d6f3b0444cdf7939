"""The hub's shared bounds on input (hub.validation), as plain functions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from hub import validation

QUANTITY = {"max_digits": 12, "decimal_places": 3}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", Decimal("1")),
        (" 2 ", Decimal("2")),
        ("1,5", Decimal("1.5")),
        ("1.5", Decimal("1.5")),
        ("-0.5", Decimal("-0.5")),
        (".5", Decimal("0.5")),
        ("999999999.999", Decimal("999999999.999")),
        ("0.500", Decimal("0.5")),
    ],
)
def test_parse_decimal_reads_plain_ascii_numbers(text, expected):
    assert validation.parse_decimal(text, **QUANTITY) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1e9", "invalid"),
        ("1E+308", "invalid"),
        ("1_000", "invalid"),
        ("\uff11", "invalid"),
        ("\u0661", "invalid"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        ("1.000,5", "invalid"),
        ("", "invalid"),
        ("1\x00", "invalid"),
        ("12345678901234567890", "max_whole_digits"),
        ("1000000000", "max_whole_digits"),
        ("0.0001", "max_decimal_places"),
    ],
)
def test_parse_decimal_refuses_what_decimal_would_take(text, code):
    with pytest.raises(ValidationError) as error:
        validation.parse_decimal(text, **QUANTITY)
    assert error.value.code == code
    assert error.value.messages[0]


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9) + 1, max_value=10**9 - 1
    )
)
def test_every_number_the_column_holds_is_read_back(number):
    text = format(number, "f")
    assert validation.parse_decimal(text, **QUANTITY) == number


@given(st.text(alphabet=st.characters(min_codepoint=0x660, max_codepoint=0xFF19), min_size=1))
def test_no_non_ascii_text_is_a_number(text):
    with pytest.raises(ValidationError):
        validation.parse_decimal(text, **QUANTITY)


def test_date_bounds():
    assert validation.date_in_bounds(date(1900, 1, 1))
    assert validation.date_in_bounds(date(2100, 12, 31))
    assert validation.date_in_bounds(None)
    assert not validation.date_in_bounds(date(1899, 12, 31))
    assert not validation.date_in_bounds(date(2101, 1, 1))
    # Judged on the day in its own zone: no conversion that could overflow.
    assert not validation.date_in_bounds(datetime(1, 1, 1, tzinfo=UTC))
    assert not validation.date_in_bounds(datetime(9999, 12, 31, 23, 59, tzinfo=UTC))
    with pytest.raises(ValidationError) as error:
        validation.validate_date_in_bounds(date(9999, 12, 31))
    assert "01/01/1900" in error.value.messages[0]


@pytest.mark.parametrize(
    ("text", "multiline", "bad"),
    [
        ("Laboratorio di lettura", True, False),
        ("riga uno\r\nriga due\tcon tab", True, False),
        ("riga uno\nriga due", False, True),
        ("nul\x00", True, True),
        ("bell\x07", True, True),
        ("del\x7f", True, True),
        ("surrogate\ud800", True, True),
        ("àèìòù €", False, False),
    ],
)
def test_control_characters(text, multiline, bad):
    assert validation.has_control_characters(text, multiline=multiline) is bad


def test_strip_control_characters_keeps_the_text():
    assert validation.strip_control_characters("Fe\x00sta\x07 di\nprimavera") == (
        "Festa di\nprimavera"
    )
