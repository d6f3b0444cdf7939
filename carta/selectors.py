"""Reads of the Carta Famiglia, each with a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from carta import tokens
from carta.eligibility import Conditions
from carta.models import (
    Badge,
    Card,
    CardRule,
    Category,
    Offer,
    Outlet,
    Shop,
    ShopInvitation,
)
from carta.rules import is_staff
from hub.models import Child, Municipality, Network
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


def operator_outlets(user) -> list[Outlet]:
    """The outlets of the approved shops the person operates, each with its shop and
    municipality, in the order of operator_shops (one query: the verification asks it on
    every scan). Empty for a person who operates no approved shop, or whose shops have no
    outlet yet."""
    if not (user.is_authenticated and user.pk is not None):  # an association token: no one
        return []
    return list(
        Outlet.objects.filter(shop__memberships__user=user, shop__status=Shop.Status.APPROVED)
        .select_related("shop__network", "municipality")
        .order_by("shop__business_name", "shop_id", *Outlet._meta.ordering)
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


def shops_for_staff() -> QuerySet[Shop]:
    """Pending requests first, then the most recent, with how many verifications each shop
    made and of how many distinct cards (one query): the network counts use per shop."""
    return (
        Shop.objects.select_related("network")
        .annotate(
            verifications_count=Count("verifications"),
            cards_count=Count(
                "verifications__card_hash",
                distinct=True,
                filter=~Q(verifications__card_hash=""),
            ),
            decided=Case(
                When(status=Shop.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("decided", "-created_at", "-pk")
    )


# --- Offers and the public directory ----------------------------------------------------------


def offer_of_operator(user, pk: int):
    """The offer if the person operates its shop (one query), else None."""
    return (
        Offer.objects.select_related("shop")
        .filter(pk=pk, shop__memberships__user=user, shop__status=Shop.Status.APPROVED)
        .first()
    )


def operator_offers(shop: Shop):
    return Offer.objects.filter(shop=shop).order_by("-starts_on", "pk")


def badges():
    return list(Badge.objects.order_by("min_percentage"))


def _not_ended(today: dt.date):
    return Offer.objects.filter(ends_on__gte=today)


def filter_shops(
    shops: QuerySet[Shop],
    *,
    today: dt.date,
    municipality: str = "",
    category: str = "",
    badge=None,
    valid_now: bool = False,
) -> QuerySet[Shop]:
    """The directory's filters: an outlet in the municipality (slug), a current offer in the
    category (slug), a started percentage offer reaching the badge, an offer valid today."""
    offers = _not_ended(today)
    if valid_now:
        offers = offers.filter(starts_on__lte=today)
    if municipality:
        shops = shops.filter(outlets__municipality__slug=municipality)
    if category:
        shops = shops.filter(Exists(offers.filter(shop=OuterRef("pk"), categories__slug=category)))
    if valid_now:
        shops = shops.filter(Exists(offers.filter(shop=OuterRef("pk"))))
    if badge is not None:
        shops = shops.filter(
            Exists(
                offers.filter(
                    shop=OuterRef("pk"),
                    starts_on__lte=today,
                    kind=Offer.Kind.PERCENTAGE,
                    value__gte=badge.min_percentage,
                )
            )
        )
    return shops.distinct()


def directory(
    *,
    today: dt.date,
    municipality: str = "",
    category: str = "",
    badge=None,
    valid_now: bool = False,
) -> QuerySet[Shop]:
    """Approved shops with their outlets and the offers not yet ended (a fixed number of
    queries whatever the number of shops). Offers past their end date never appear."""
    offers = _not_ended(today)
    if valid_now:
        offers = offers.filter(starts_on__lte=today)
    shops = filter_shops(
        Shop.objects.filter(status=Shop.Status.APPROVED).select_related("network"),
        today=today,
        municipality=municipality,
        category=category,
        badge=badge,
        valid_now=valid_now,
    )
    return shops.prefetch_related(
        Prefetch("outlets", queryset=Outlet.objects.select_related("municipality")),
        Prefetch(
            "offers",
            queryset=offers.prefetch_related(
                "categories", Prefetch("outlets", queryset=Outlet.objects.order_by("pk"))
            ).order_by("ends_on", "pk"),
            to_attr="public_offers",
        ),
    ).order_by("business_name", "pk")


def map_outlets(
    *,
    today: dt.date,
    municipality: str = "",
    category: str = "",
    badge=None,
    valid_now: bool = False,
) -> QuerySet[Outlet]:
    """The outlets of the shops the directory shows with the same filters, with their shop
    and municipality (one query whatever the number of shops), by municipality and shop.
    With a municipality, only the outlets in it."""
    shops = filter_shops(
        Shop.objects.filter(status=Shop.Status.APPROVED),
        today=today,
        municipality=municipality,
        category=category,
        badge=badge,
        valid_now=valid_now,
    )
    outlets = Outlet.objects.filter(shop__in=shops.values("pk"))
    if municipality:
        outlets = outlets.filter(municipality__slug=municipality)
    return outlets.select_related("shop", "municipality").order_by(
        "municipality__name", "shop__business_name", "shop_id", "name", "pk"
    )


def public_shop(pk: int, *, today: dt.date) -> Shop | None:
    return directory(today=today).filter(pk=pk).first()


def directory_filters():
    municipalities = (
        Municipality.objects.filter(outlets__shop__status=Shop.Status.APPROVED)
        .distinct()
        .order_by("name")
    )
    return {
        "municipalities": list(municipalities),
        "categories": list(Category.objects.order_by("sort_order", "name")),
    }


OPEN_DATA_FIELDS = [
    "shop_id",
    "business_name",
    "vat_number",
    "network",
    "outlets",
    "municipalities_istat",
    "offer_title",
    "offer_kind",
    "offer_value",
    "starts_on",
    "ends_on",
    "card_holders_only",
    "categories",
]


def open_data_items(*, today: dt.date) -> list[dict]:
    """One item per offer not yet ended (a shop without offers: one item without an offer),
    for the open-data export; a fixed number of queries."""
    items = []
    for shop in directory(today=today):
        outlets = list(shop.outlets.all())
        base = {
            "shop_id": shop.pk,
            "business_name": shop.business_name,
            "vat_number": shop.vat_number,
            "network": str(shop.network),
            "outlets": [
                f"{outlet.name}, {outlet.address}, {outlet.municipality.name}" for outlet in outlets
            ],
            "municipalities_istat": sorted({outlet.municipality.istat_code for outlet in outlets}),
        }
        empty = dict.fromkeys(OPEN_DATA_FIELDS[6:])
        if not shop.public_offers:
            items.append({**base, **empty})
        for offer in shop.public_offers:
            items.append(
                {
                    **base,
                    "offer_title": offer.title,
                    "offer_kind": offer.kind,
                    "offer_value": offer.value,
                    "starts_on": offer.starts_on,
                    "ends_on": offer.ends_on,
                    "card_holders_only": offer.card_holders_only,
                    "categories": [category.name for category in offer.categories.all()],
                }
            )
    return items


# --- The public API -----------------------------------------------------------------------------


def api_shops(*, today: dt.date) -> QuerySet[Shop]:
    """Approved shops for the API: the directory's rows, with the shop's categories too."""
    return directory(today=today).prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("sort_order", "name"))
    )


def api_outlets() -> QuerySet[Outlet]:
    return (
        Outlet.objects.filter(shop__status=Shop.Status.APPROVED)
        .select_related("municipality", "shop")
        .order_by("shop__business_name", "name", "pk")
    )


def api_offers(*, today: dt.date) -> QuerySet[Offer]:
    """Offers of approved shops not yet ended (an ended offer is never listed)."""
    return (
        _not_ended(today)
        .filter(shop__status=Shop.Status.APPROVED)
        .select_related("shop")
        .prefetch_related(
            Prefetch("outlets", queryset=Outlet.objects.order_by("pk")),
            Prefetch("categories", queryset=Category.objects.order_by("sort_order", "name")),
        )
        .order_by("ends_on", "pk")
    )


def filter_offers(
    offers: QuerySet[Offer],
    *,
    today: dt.date,
    shop=None,
    municipality: str = "",
    category: str = "",
    badge=None,
    valid_now: bool = False,
) -> QuerySet[Offer]:
    """An offer with no outlet of its own holds at every outlet of its shop."""
    if shop is not None:
        offers = offers.filter(shop=shop)
    if municipality:
        offers = offers.filter(
            Q(outlets__municipality__slug=municipality)
            | Q(outlets__isnull=True, shop__outlets__municipality__slug=municipality)
        )
    if category:
        offers = offers.filter(categories__slug=category)
    if valid_now:
        offers = offers.filter(starts_on__lte=today)
    if badge is not None:
        offers = offers.filter(
            shop__in=filter_shops(Shop.objects.all(), today=today, badge=badge).values("pk")
        )
    return offers.distinct()


# --- The shop's management (its operators and staff) -------------------------------------------


def managed_shop(user, pk: int) -> Shop | None:
    """The shop if `user` may manage it (carta.rules.may_manage_shop), found in one query;
    None for another shop's operator, so that the view answers 404."""
    shops = Shop.objects.select_related("network")
    if not is_staff(user):
        shops = shops.filter(memberships__user=user, status=Shop.Status.APPROVED)
    return shops.filter(pk=pk).first()


def shop_management_context(shop: Shop) -> dict:
    """What the management page shows: outlets, operators and pending invitations."""
    return {
        "outlets": list(shop.outlets.select_related("municipality").order_by("name", "pk")),
        "operators": list(shop.memberships.select_related("user").order_by("user__email", "pk")),
        "invitations": list(
            shop.invitations.filter(
                accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gte=timezone.now()
            ).order_by("-created_at")
        ),
    }


def invitation_for_token(token: str) -> ShopInvitation | None:
    return (
        ShopInvitation.objects.select_related("shop")
        .filter(token_hash=tokens.invitation_token_hash(token))
        .first()
    )
