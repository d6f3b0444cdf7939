"""Shop operators write their own offers; every rule is checked before anything is saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carta.models import Category, Offer, Outlet, Shop


@dataclass(frozen=True)
class OfferData:
    title: str
    kind: str
    value: Decimal | None
    starts_on: dt.date
    ends_on: dt.date
    description: str = ""
    conditions: str = ""
    card_holders_only: bool = True
    outlets: tuple[Outlet, ...] = ()
    categories: tuple[Category, ...] = ()


def _errors(shop: Shop, data: OfferData) -> dict[str, str]:
    errors = {}
    if data.ends_on < data.starts_on:
        errors["ends_on"] = _("L'offerta non può finire prima di cominciare.")
    if data.kind == Offer.Kind.FREE:
        if data.value is not None:
            errors["value"] = _("Un'offerta gratuita non ha un valore: lascia vuoto il campo.")
    elif data.value is None or data.value <= 0:
        errors["value"] = _("Indica il valore dell'offerta (maggiore di zero).")
    elif data.kind == Offer.Kind.PERCENTAGE and data.value > 100:
        errors["value"] = _("Uno sconto in percentuale non può superare il 100 %.")
    foreign = [outlet for outlet in data.outlets if outlet.shop_id != shop.pk]
    if foreign:
        errors["outlets"] = _("Scegli solo punti vendita del tuo esercizio.")
    return errors


@transaction.atomic
def offer_save(*, shop: Shop, data: OfferData, offer: Offer | None = None) -> Offer:
    """Create the shop's offer, or change `offer` (which must be the shop's)."""
    if shop.status != Shop.Status.APPROVED:
        raise ValidationError(_("L'esercizio non è ancora approvato dalla rete."))
    if offer is not None and offer.shop_id != shop.pk:
        raise ValidationError(_("Questa offerta non è del tuo esercizio."))
    if errors := _errors(shop, data):
        raise ValidationError(errors)
    offer = offer or Offer(shop=shop)
    offer.title = data.title.strip()
    offer.description = data.description.strip()
    offer.kind = data.kind
    offer.value = data.value
    offer.conditions = data.conditions.strip()
    offer.starts_on = data.starts_on
    offer.ends_on = data.ends_on
    offer.card_holders_only = data.card_holders_only
    offer.save()
    offer.outlets.set(data.outlets)
    offer.categories.set(data.categories)
    return offer
