"""Reads of the Carta Famiglia, each with a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from carta.eligibility import Conditions
from carta.models import Card, CardRule, Outlet, Shop
from hub.models import Child, Network
from hub.selectors import family_of


def network_of_family(family) -> Network | None:
    """The network of the family's municipality (the first by name, if it is in several)."""
    return (
        Network.objects.filter(municipalities=family.municipality_id)
        .select_related("card_rule")
        .order_by("name")
        .first()
    )


def rule_of(network: Network | None) -> CardRule:
    """The network's rule, or the defaults (an unsaved row) for a network without one."""
    if network is None:
        return CardRule()
    try:
        return network.card_rule
    except CardRule.DoesNotExist:
        return CardRule(network=network)


def conditions_of(rule: CardRule) -> Conditions:
    return Conditions(min_minor_children=rule.min_minor_children, max_isee_band=rule.max_isee_band)


def child_birth_years(family) -> list[int]:
    return list(Child.objects.filter(family=family).values_list("birth_year", flat=True))


def card_of_family(family) -> Card | None:
    if family is None:
        return None
    return Card.objects.select_related("network").filter(family=family).first()


def card_of_user(user) -> Card | None:
    """The signed-in person's own card: found through their family, never by an id in a URL."""
    return card_of_family(family_of(user))


def profile_context(request) -> dict:
    family = family_of(request.user)
    return {"family": family, "card": card_of_family(family)}


def minor_children_of(card: Card, *, year: int) -> int:
    from hub.families import ADULT_AGE

    return Child.objects.filter(
        family_id=card.family_id, birth_year__gte=year - ADULT_AGE, birth_year__lte=year
    ).count()


def card_for_verification(*, card_id: int | None = None, number: str = "") -> Card | None:
    cards = Card.objects.select_related("network__card_rule")
    if card_id is not None:
        return cards.filter(pk=card_id).first()
    return cards.filter(number=number).first()


def operator_shops(user) -> QuerySet[Shop]:
    """The approved shops the person operates, with their outlets (two queries)."""
    return (
        Shop.objects.filter(memberships__user=user, status=Shop.Status.APPROVED)
        .select_related("network")
        .prefetch_related("outlets__municipality")
        .order_by("business_name")
    )


def outlet_of(shop: Shop, outlet_id: int | None) -> Outlet | None:
    if outlet_id is None:
        return None
    return next((outlet for outlet in shop.outlets.all() if outlet.pk == outlet_id), None)


def cards_for_staff(*, query: str = "", status: str = "") -> QuerySet[Card]:
    cards = Card.objects.select_related("family__municipality", "network")
    if query:
        digits = "".join(c for c in query if c.isdigit())
        condition = Q(family__name__icontains=query)
        if digits:
            condition |= Q(number__startswith=digits)
        cards = cards.filter(condition)
    if status:
        cards = cards.filter(status=status)
    return cards.order_by("valid_until", "pk")


def cards_expiring(*, today: dt.date, within_days: int) -> QuerySet[Card]:
    return (
        Card.objects.filter(
            status=Card.Status.ACTIVE,
            valid_until__gt=today,
            valid_until__lte=today + dt.timedelta(days=within_days),
        )
        .select_related("network")
        .prefetch_related("family__memberships")
    )


def verification_counts(*, network: Network) -> QuerySet[Shop]:
    """Verifications per shop, for network staff (how much the card is used where)."""
    return (
        Shop.objects.filter(network=network)
        .annotate(
            verifications_count=Count("verifications"),
            cards_count=Count("verifications__card_hash", distinct=True),
        )
        .order_by("business_name")
    )


def shops_for_staff() -> QuerySet[Shop]:
    """Pending requests first, then the most recent (one query)."""
    from django.db.models import Case, IntegerField, Value, When

    return (
        Shop.objects.select_related("network")
        .annotate(
            decided=Case(
                When(status=Shop.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("decided", "-created_at", "-pk")
    )
