"""The QR token and the card number, on plain values."""

import datetime as dt
import time

import pytest
from django.core import signing

from carta import tokens

TODAY = dt.date(2026, 12, 6)


def test_a_token_carries_no_personal_data_and_reads_back():
    token = tokens.make_token(card_id=7, generation=2, expires_on=dt.date(2027, 12, 6))
    payload = signing.Signer(salt=tokens.SALT).unsign_object(token)
    assert set(payload) == {"c", "g", "x"}
    claims = tokens.read_token(token, today=TODAY)
    assert (claims.card_id, claims.generation, claims.expires_on) == (7, 2, dt.date(2027, 12, 6))


def test_the_same_card_row_always_gives_the_same_token():
    first = tokens.make_token(card_id=7, generation=2, expires_on=dt.date(2027, 12, 6))
    time.sleep(1.1)  # a timestamped signature would differ now
    assert tokens.make_token(card_id=7, generation=2, expires_on=dt.date(2027, 12, 6)) == first
    assert tokens.make_token(card_id=7, generation=3, expires_on=dt.date(2027, 12, 6)) != first


def test_the_last_day_is_still_valid_and_the_next_is_not():
    token = tokens.make_token(card_id=7, generation=1, expires_on=TODAY)
    assert tokens.read_token(token, today=TODAY).card_id == 7
    with pytest.raises(tokens.TokenError) as error:
        tokens.read_token(token, today=TODAY + dt.timedelta(days=1))
    assert error.value.code == tokens.EXPIRED


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # tampered signature
        lambda t: t.replace(
            t.split(":")[0], signing.dumps({"c": 8, "g": 1, "x": 800000}).split(":")[0]
        ),
        lambda t: "made-up",
        lambda t: signing.Signer(salt="another.salt").sign_object({"c": 7, "g": 1, "x": 800000}),
        lambda t: signing.Signer(salt=tokens.SALT).sign_object({"c": 7}),  # signed, incomplete
        lambda t: "",
    ],
)
def test_forged_or_tampered_tokens_are_refused(forge):
    token = tokens.make_token(card_id=7, generation=1, expires_on=dt.date(2027, 1, 1))
    with pytest.raises(tokens.TokenError) as error:
        tokens.read_token(forge(token), today=TODAY)
    assert error.value.code == tokens.FORGED


def test_card_numbers_have_a_check_digit():
    numbers = {tokens.new_card_number() for _ in range(200)}
    assert len(numbers) == 200
    assert all(tokens.is_well_formed_number(n) for n in numbers)
    number = numbers.pop()
    mistyped = number[:3] + str((int(number[3]) + 1) % 10) + number[4:]
    assert not tokens.is_well_formed_number(mistyped)
    assert tokens.normalise_number(tokens.grouped(number)) == number
    assert tokens.grouped("482177301195") == "4821 7730 1195"
