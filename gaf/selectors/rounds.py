"""Reads of order rounds: their products, orders and live pool, each with a fixed number
of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from gaf import rounds as rules

# The loader of a round's rows is still in the services (to move by issue 10 item 3).
from gaf.loading import compute, product_terms, round_changes
from gaf.models import (
    GroupMembership,
    Order,
    OrderChange,
    OrderLine,
    OrderRound,
    PurchaseGroup,
    RoundProduct,
    SharedCost,
)
from hub.models import Family, FamilyMember

ZERO = Decimal("0")
CENTS_ZERO = Decimal("0.00")


def round_detail(*, round_id: int) -> OrderRound:
    return (
        OrderRound.objects.select_related("group", "supplier", "referent")
        .prefetch_related("pickup_points")
        .get(pk=round_id)
    )


def round_products(*, round: OrderRound) -> QuerySet[RoundProduct]:
    return RoundProduct.objects.filter(round=round).order_by("position", "name")


def family_order(*, round: OrderRound, family: Family) -> Order | None:
    """The family's order in the round with its lines (two queries), or None."""
    return (
        Order.objects.filter(round=round, family=family)
        .select_related("pickup_point")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related("round_product").order_by(
                    "round_product__position", "round_product__name"
                ),
            )
        )
        .first()
    )


def family_orders(*, family: Family, group: PurchaseGroup | None = None) -> QuerySet[Order]:
    """The family's orders, newest round first (lines prefetched)."""
    orders = Order.objects.filter(family=family).select_related(
        "round", "round__group", "round__supplier", "pickup_point"
    )
    if group is not None:
        orders = orders.filter(round__group=group)
    return orders.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("round_product"))
    ).order_by("-round__closes_at")


# --- Live pool ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductStatus:
    """A product of an open round as the order page shows it (gaf.rounds.ProductPool)."""

    round_product: RoundProduct
    pool: rules.ProductPool
    family_firm: Decimal
    family_tolerance: Decimal


def round_pool_status(*, round: OrderRound, family: Family | None = None) -> list[ProductStatus]:
    """Per product: pooled quantities, progress to the next case and tier, and what
    `family` would receive if the round closed now (two queries, whatever the families)."""
    products = list(round_products(round=round))
    by_product: dict[int, list[tuple]] = defaultdict(list)
    current: dict[int, tuple[Decimal, Decimal]] = {}
    for change in round_changes(round.pk):
        _sequence, family_id, product_id, firm, tolerance = change
        by_product[product_id].append(change)
        if family is not None and family_id == family.pk:
            current[product_id] = (firm, tolerance)
    statuses = []
    for round_product in products:
        pool = rules.product_pool(
            product_terms(round_product),
            by_product.get(round_product.pk, ()),
            policy=round.allocation_policy,
            family_id=None if family is None else family.pk,
        )
        firm, tolerance = current.get(round_product.pk, (ZERO, ZERO))
        statuses.append(ProductStatus(round_product, pool, firm, tolerance))
    return statuses


def round_pickup_point_choices(*, group: PurchaseGroup, round: OrderRound | None = None):
    """The points a round can use: the group's active ones, and those it already uses."""
    points = group.pickup_points.filter(is_active=True)
    if round is not None:
        points = group.pickup_points.filter(Q(is_active=True) | Q(rounds=round)).distinct()
    return points.order_by("name")


def round_catalogue_ids(*, round: OrderRound) -> list[int]:
    """The catalogue products the round offers (their ids)."""
    return list(round.products.values_list("product_id", flat=True))


@dataclass(frozen=True)
class OrderSummary:
    order: Order
    products: int  # products with a quantity or a tolerance


def round_order_summaries(*, round: OrderRound) -> list[OrderSummary]:
    """The families who ordered something, with how many products (one query)."""
    ordered = Q(lines__firm__gt=0) | Q(lines__tolerance__gt=0)
    orders = (
        Order.objects.filter(round=round)
        .select_related("family", "pickup_point")
        .annotate(product_count=Count("lines", filter=ordered))
        .order_by("pickup_point__name", "family__name")
    )
    return [
        OrderSummary(order, order.product_count)
        for order in orders
        if order.product_count or order.total
    ]


@dataclass(frozen=True)
class FamilyBreakdown:
    """A family's order in an open round, for its coordinators."""

    order: Order  # with its family and pickup point
    products: int  # products with a quantity or a tolerance
    total: Decimal  # what the family would pay if the round closed now
    last_change_at: dt.datetime | None


def round_family_breakdown(*, round: OrderRound) -> list[FamilyBreakdown]:
    """Each family that ordered something in the round: its products, what it would pay if
    the round closed now and when it last changed its order (four queries, whatever the
    families: one for the orders, three for the computation of the close)."""
    ordered = Q(lines__firm__gt=0) | Q(lines__tolerance__gt=0)
    last_change = (
        OrderChange.objects.filter(order=OuterRef("pk"))
        .order_by("-sequence")
        .values("created_at")[:1]
    )
    orders = [
        order
        for order in Order.objects.filter(round=round)
        .select_related("family", "pickup_point")
        .annotate(
            product_count=Count("lines", filter=ordered), last_change_at=Subquery(last_change)
        )
        .order_by("pickup_point__name", "family__name")
        if order.product_count
    ]
    if not orders:
        return []
    result = compute(round)
    return [
        FamilyBreakdown(
            order=order,
            products=order.product_count,
            total=(
                result.families[order.family_id].total
                if order.family_id in result.families
                else CENTS_ZERO
            ),
            last_change_at=order.last_change_at,
        )
        for order in orders
    ]


def delivery_lines(*, round: OrderRound) -> list[OrderLine]:
    """The lines that were allocated something, by product then family (one query)."""
    return list(
        OrderLine.objects.filter(order__round=round, allocated__gt=0)
        .select_related("round_product", "order__family", "order__pickup_point")
        .order_by("round_product__position", "round_product__name", "order__family__name")
    )


def round_shared_costs(*, round: OrderRound) -> list[SharedCost]:
    return list(round.shared_costs.all())


def round_shared_cost(*, round: OrderRound, cost_id: int) -> SharedCost | None:
    return round.shared_costs.filter(pk=cost_id).first()


# --- Who hears about a round, and what their e-mail shows ------------------------------------


def round_recipients(
    *, round: OrderRound, to_all_members: bool, family_ids: list[int] | None = None
) -> list[int]:
    """The people (user ids) of the families concerned by a round event (one query): the
    given families, else every member family, or those that ordered something."""
    if family_ids is None:
        if to_all_members:
            family_ids = GroupMembership.objects.filter(group=round.group_id).values("family_id")
        else:
            # EXISTS: one probe of the lines' index per order, where joining the lines
            # and removing the duplicates read every line of the round.
            family_ids = Order.objects.filter(
                Exists(OrderLine.objects.filter(order=OuterRef("pk"))), round=round
            ).values("family_id")
    return list(
        FamilyMember.objects.filter(family_id__in=family_ids)
        .order_by("family_id", "user_id")
        .values_list("user_id", flat=True)
    )


def families_of_people(*, user_ids: list[int]) -> dict[int, int]:
    """Each person's family id (one query); people without a family are left out."""
    return dict(
        FamilyMember.objects.filter(user_id__in=user_ids).values_list("user_id", "family_id")
    )


def family_email_details(*, round: OrderRound, family_ids: list[int]) -> dict[int, dict]:
    """Each family's lines and totals in the round, as plain data for the e-mail templates
    (two queries)."""
    details = {
        order.family_id: {
            "family": order.family.name,
            "pickup_point": order.pickup_point.name if order.pickup_point else "",
            "goods_total": order.goods_total,
            "fund_share": order.fund_share,
            "shared_costs": order.shared_costs,
            "total": order.total,
            "lines": [],
        }
        for order in Order.objects.filter(round=round, family_id__in=family_ids).select_related(
            "family", "pickup_point"
        )
    }
    for line in (
        OrderLine.objects.filter(order__round=round, order__family_id__in=family_ids)
        .select_related("round_product", "order")
        .order_by("round_product__position", "round_product__name")
    ):
        details[line.order.family_id]["lines"].append(
            {
                "product": line.round_product.name,
                "unit": line.round_product.unit,
                "firm": line.firm.normalize(),
                "tolerance": line.tolerance.normalize(),
                "allocated": None if line.allocated is None else line.allocated.normalize(),
                "delivered": None if line.delivered is None else line.delivered.normalize(),
                "total": line.total,
            }
        )
    return details
