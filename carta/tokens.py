"""The card's QR token and number, as pure functions (no models, no database).

A token is a signed payload that names no person: the card's row id, the token's
generation and the last day it is valid. The signature (HMAC with the site's secret, salted
for this use) makes it unforgeable; the generation lets the family replace a token that was
seen by someone else, which makes the old one worthless; the database keeps only a hash of
the current token (a copy of the database alone gives nobody a usable token). Because the
token is derived from the card's row and the secret, the card page can show it again
without ever storing it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "carta.card-token"

FORGED = "forged"
EXPIRED = "expired"


class TokenError(ValueError):
    """`claims` are given with EXPIRED: the signature is good, so they are the hub's own."""

    def __init__(self, code: str, claims: TokenClaims | None = None):
        super().__init__(code)
        self.code = code
        self.claims = claims


@dataclass(frozen=True)
class TokenClaims:
    card_id: int
    generation: int
    expires_on: dt.date


def make_token(*, card_id: int, generation: int, expires_on: dt.date) -> str:
    # A plain Signer, not dumps(): no timestamp, so the same card row always gives the same
    # token (the page shows it again; the hash stored at generation keeps matching).
    payload = {"c": card_id, "g": generation, "x": expires_on.toordinal()}
    return signing.Signer(salt=SALT).sign_object(payload)


def read_token(token: str, *, today: dt.date) -> TokenClaims:
    """The token's claims; TokenError FORGED for anything not signed by the hub (tampered,
    truncated, made up), EXPIRED once its last day is past."""
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token.strip())
        claims = TokenClaims(
            card_id=int(payload["c"]),
            generation=int(payload["g"]),
            expires_on=dt.date.fromordinal(int(payload["x"])),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        raise TokenError(FORGED) from None
    if claims.expires_on < today:
        raise TokenError(EXPIRED, claims)
    return claims


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def same_hash(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())


def card_hash(number: str) -> str:
    """What the verification log keeps of a card: a keyed hash, so that the log counts cards
    per shop without naming them to someone who reads the log alone."""
    key = f"{settings.SECRET_KEY}:carta.verification".encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:32]


# --- Card numbers -------------------------------------------------------------------------------

NUMBER_DIGITS = 12


def luhn_check_digit(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def new_card_number() -> str:
    """Twelve digits, the last a Luhn check digit (a mistyped digit is caught before any
    lookup), the others random (numbers say nothing about the family or the order of issue)."""
    body = f"{secrets.randbelow(10 ** (NUMBER_DIGITS - 1)):0{NUMBER_DIGITS - 1}d}"
    return body + str(luhn_check_digit(body))


def normalise_number(text: str) -> str:
    """The digits of a typed number ("4821 7730 1195" → "482177301195")."""
    return "".join(char for char in text if char.isdigit())


def is_well_formed_number(number: str) -> bool:
    return (
        len(number) == NUMBER_DIGITS
        and number.isdigit()
        and luhn_check_digit(number[:-1]) == int(number[-1])
    )


def grouped(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def invitation_token_hash(token: str) -> str:
    """What is stored of an operator's invitation token (carta.models.ShopInvitation)."""
    return hashlib.sha256(f"carta-invitation:{token}".encode()).hexdigest()
