"""The verification's rate limit, shared by the page and the API: checks per client address
and per shop, counted in the cache (hub.abuse), so that an enumeration of card numbers is
refused whichever door it comes through."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from hub import abuse


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int


def _digest(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:carta:{value}".encode()).hexdigest()[:32]


def verification_refused(request, shop_id: int) -> Refusal | None:
    """Count one verification; a Refusal once the address or the shop is over its rate. A
    cache that cannot be reached refuses too (fail closed: this is what the limit is for)."""
    rates = settings.CARTA_VERIFY_RATES
    checks = [
        (f"carta-verify:ip:{_digest(abuse.client_address(request))}", rates["address"]),
        (f"carta-verify:shop:{shop_id}", rates["shop"]),
    ]
    for key, rate_text in checks:
        rate = abuse.Rate.parse(rate_text)
        try:
            allowed = abuse.within_rate(key, rate)
        except Exception:
            return Refusal(
                _("Il servizio è momentaneamente sovraccarico. Riprova tra un minuto."),
                abuse.CACHE_DOWN_RETRY_SECONDS,
            )
        if not allowed:
            return Refusal(
                _("Troppe verifiche in poco tempo da questo esercizio. Attendi un minuto."),
                rate.seconds,
            )
    return None
