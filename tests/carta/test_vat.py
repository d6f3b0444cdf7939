"""The partita IVA check digit, on plain values."""

import pytest

from carta import vat


@pytest.mark.parametrize(
    "number",
    [
        "01234567897",
        "IT01234567897",
        "0123 4567 897",
        "00743110157",  # a real company's number, as published
    ],
)
def test_valid_numbers(number):
    assert vat.is_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "01234567890",  # wrong check digit
        "1234567897",  # ten digits
        "012345678970",  # twelve
        "0123456789A",
        "00000000000",
        "",
    ],
)
def test_invalid_numbers(number):
    assert not vat.is_valid(number)


def test_any_single_digit_changed_is_caught():
    number = "01234567897"
    for position in range(11):
        for digit in "0123456789":
            if digit == number[position]:
                continue
            changed = number[:position] + digit + number[position + 1 :]
            assert not vat.is_valid(changed), changed
