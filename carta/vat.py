"""The Italian partita IVA, as a pure function: eleven digits, the last a check digit.

The check digit is the Luhn-style one of the Agenzia delle Entrate: the digits in odd
positions (1st, 3rd, ... 9th) are added as they are, those in even positions are doubled (9
subtracted when the double exceeds 9), and the check digit brings the sum to a multiple of 10.
"""

from __future__ import annotations

LENGTH = 11


def normalise(text: str) -> str:
    """Without spaces and without a leading "IT" (as printed on invoices)."""
    value = "".join(text.split()).upper()
    return value[2:] if value.startswith("IT") else value


def check_digit(first_ten: str) -> int:
    total = 0
    for index, char in enumerate(first_ten):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def is_valid(text: str) -> bool:
    value = normalise(text)
    if len(value) != LENGTH or not value.isdigit() or value == "0" * LENGTH:
        return False
    return check_digit(value[:10]) == int(value[10])
