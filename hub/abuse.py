"""Protection of public forms against floods and spam: a throttle per address and a honeypot.

Every form that a visitor can submit without signing in, and that stores something or sends an
e-mail, uses all three pieces (see associations.views.join):

    class JoinRequestForm(HoneypotFormMixin, forms.Form): ...  # + includes/honeypot.html

    def join(request):
        if refused := abuse.refuse_flood(request, scope="join"):   # per client address
            return refused
        form = JoinRequestForm(request.POST)
        if form.honeypot_filled():                                  # a bot: pretend, do nothing
            return redirect("associations:join_sent")
        if form.is_valid():
            if refused := abuse.refuse_recipients(
                request, scope="join", addresses=[form.cleaned_data["contact_email"]]
            ):                                                       # per e-mail address typed
                return refused
            ...

Counters live in the cache (Redis in production) in fixed windows. When the cache cannot be
reached the throttle fails closed: these forms are anonymous, and a flood is what the throttle
is for. E-mails to an address a visitor typed never carry the visitor's free text in their
subject (see the join request's templates).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.cache import count_each

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "homepage"
# A cache that does not answer is treated as "over the limit" for this long.
CACHE_DOWN_RETRY_SECONDS = 60

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    """At most `amount` events per `seconds`, written like allauth's rates: "5/10m", "3/d"."""

    amount: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = _RATE.match(text)
        if not match:
            raise ValueError(f"not a rate: {text!r} (expected e.g. '5/10m' or '3/d')")
        amount, count, unit = match.groups()
        return cls(int(amount), int(count or 1) * _UNIT_SECONDS[unit])


def _rates(kind: str) -> Rate:
    return Rate.parse(settings.HUB_PUBLIC_FORM_RATES[kind])


# --- Throttle -------------------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The client's address as allauth sees it (honours ALLAUTH_TRUSTED_PROXY_COUNT).

    IPv6 clients are counted per /64, the block one subscriber usually holds.
    """
    address = get_adapter().get_client_ip(request)
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def normalise_address(email: str) -> str:
    """One mailbox, one counter: lower case, without a "+tag" in the local part."""
    local, _at, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def _digest(value: str) -> str:
    # Keys name no address: neither client IPs nor e-mail addresses are stored in the cache.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def within_rate(key: str, rate: Rate) -> bool:
    """Count one event under `key`; True while the window's count is within the rate.

    Raises what the cache raises when it cannot be reached: each caller decides whether
    to fail open (signed-in people, e.g. the GAF chat) or closed (the public forms here).
    """
    return within_rates([(key, rate)])[0]


def within_rates(checks: list[tuple[str, Rate]]) -> list[bool]:
    """within_rate() for several keys at once: one round trip to Redis for all of them."""
    now = int(time.time())
    keys = [f"abuse:{key}:{now // rate.seconds}" for key, rate in checks]
    timeouts = {key: rate.seconds + 1 for key, (_key, rate) in zip(keys, checks, strict=True)}
    counter = getattr(cache, "count", None)  # hub.cache.ResilientRedisCache's
    counts = counter(timeouts) if counter is not None else count_each(cache, timeouts)
    return [counts[key] <= rate.amount for key, (_key, rate) in zip(keys, checks, strict=True)]


def too_many_requests(
    request: HttpRequest, exception=None, *, message: str = "", retry_after: int = 60
) -> HttpResponse:
    """The 429 page (also Django's handler429 for allauth's rate limits)."""
    response = render(
        request,
        "429.html",
        {
            "message": message
            or _("Troppe richieste in poco tempo. Attendi qualche minuto e riprova.")
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _check(request: HttpRequest, key: str, rate: Rate, message: str) -> HttpResponse | None:
    try:
        allowed = within_rate(key, rate)
    except Exception:
        logger.exception("public form throttle: cache unavailable, refusing %s", key.split(":")[0])
        return too_many_requests(
            request,
            message=_("Il servizio è momentaneamente sovraccarico. Riprova tra un minuto."),
            retry_after=CACHE_DOWN_RETRY_SECONDS,
        )
    if allowed:
        return None
    return too_many_requests(request, message=message, retry_after=rate.seconds)


def refuse_flood(request: HttpRequest, *, scope: str) -> HttpResponse | None:
    """Count a submission from this client; a 429 response once over HUB_PUBLIC_FORM_RATES."""
    rate = _rates("address")
    return _check(
        request,
        f"{scope}:ip:{_digest(client_address(request))}",
        rate,
        _(
            "Abbiamo ricevuto troppe richieste da questa connessione in poco tempo. "
            "Riprova tra %(minutes)s minuti."
        )
        % {"minutes": max(1, rate.seconds // 60)},
    )


def refuse_recipients(
    request: HttpRequest, *, scope: str, addresses: list[str]
) -> HttpResponse | None:
    """Count an e-mail to each address typed by the visitor; a 429 once one is over its rate."""
    rate = _rates("recipient")
    for address in dict.fromkeys(normalise_address(a) for a in addresses if a):
        refused = _check(
            request,
            f"{scope}:to:{_digest(address)}",
            rate,
            _(
                "Abbiamo già scritto più volte a questo indirizzo e-mail: per proteggerlo da "
                "invii indesiderati, riprova più tardi."
            ),
        )
        if refused:
            return refused
    return None


# --- Honeypot -------------------------------------------------------------------------------


class HoneypotFormMixin:
    """Adds a field that people never see (hidden by the `hub-hp` CSS class) and bots fill in.

    Render it with `{% include "includes/honeypot.html" %}` inside the <form>. A view that
    finds it filled answers as if the submission had succeeded, and stores and sends nothing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=gettext_lazy("Lascia vuoto questo campo"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )

    @property
    def honeypot(self):
        return self[HONEYPOT_FIELD]

    def honeypot_filled(self) -> bool:
        return bool(self.is_bound and str(self.data.get(HONEYPOT_FIELD, "")).strip())
