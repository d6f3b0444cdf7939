"""Reads of the purchase groups, each with a fixed number of queries.

The documents of a round (supplier order, family slips) come from the stored results of
its close and delivery; for a round still open they are what the close would produce now.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from gaf import money
from gaf import rounds as rules
from gaf.documents import (
    FamilySlip,
    RoundDocuments,
    SlipLine,
    SupplierOrder,
    SupplierOrderLine,
    VatSummaryLine,
)
from gaf.models import (
    FundEntry,
    FundEntryKind,
    GroupMembership,
    Order,
    OrderLine,
    OrderRound,
    Payment,
    PurchaseGroup,
    RoundProduct,
    RoundState,
)
from gaf.services._common import exact
from gaf.services.orders import available_credit
from gaf.services.rounds import TERMS_FIELDS, compute, product_terms, round_changes
from hub.models import Family

ZERO = Decimal("0")
CENTS_ZERO = Decimal("0.00")

# --- Groups and rounds ----------------------------------------------------------------------


def groups_of(user) -> QuerySet[PurchaseGroup]:
    """The groups the user's family belongs to."""
    return (
        PurchaseGroup.objects.filter(memberships__family__memberships__user=user)
        .select_related("municipality", "network")
        .distinct()
        .order_by("name")
    )


def group_members(*, group: PurchaseGroup) -> QuerySet[GroupMembership]:
    return (
        GroupMembership.objects.filter(group=group)
        .select_related("family", "default_pickup_point")
        .order_by("family__name")
    )


def group_rounds(*, group: PurchaseGroup, states=None) -> QuerySet[OrderRound]:
    rounds = OrderRound.objects.filter(group=group).select_related("supplier")
    if states is not None:
        rounds = rounds.filter(state__in=states)
    return rounds.order_by("-closes_at")


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
    by_product: dict[int, list[rules.QuantityChange]] = defaultdict(list)
    current: dict[int, tuple[Decimal, Decimal]] = {}
    for change in round_changes(round.pk):
        by_product[change.product_id].append(change)
        if family is not None and change.family_id == family.pk:
            current[change.product_id] = (change.firm, change.tolerance)
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


# --- Round documents ------------------------------------------------------------------------


@dataclass
class _Line:
    family_id: int
    round_product_id: int
    quantity: Decimal
    unit_price: Decimal | None
    total: Decimal


def round_documents(round: OrderRound) -> RoundDocuments:
    """The supplier order and the family slips (five queries, whatever the families).

    From the stored results once the round is closed; before, what closing it now gives.
    The slips' totals add up to the supplier's total + the fund + the shared costs.
    """
    round = OrderRound.objects.select_related("group", "supplier").get(pk=round.pk)
    products = {
        values["id"]: values
        for values in RoundProduct.objects.filter(round=round)
        .order_by("position", "name")
        .values(
            "code",
            "name",
            "unit",
            "position",
            "allocated_total",
            "cases",
            "applied_unit_price",
            "delivered_total",
            "total",
            *TERMS_FIELDS,
        )
    }
    orders = {
        values["family_id"]: values
        for values in Order.objects.filter(round=round).values(
            "family_id",
            "family__name",
            "pickup_point__name",
            "goods_total",
            "fund_share",
            "shared_costs",
            "total",
        )
    }
    closed = round.state in rules.CHARGED_STATES or (
        round.state == RoundState.CANCELLED and round.closed_at is not None
    )
    if closed:
        lines = [
            _Line(
                family_id=values["order__family_id"],
                round_product_id=values["round_product_id"],
                quantity=values["allocated"]
                if values["delivered"] is None
                else values["delivered"],
                unit_price=values["unit_price"],
                total=values["total"] or CENTS_ZERO,
            )
            for values in OrderLine.objects.filter(order__round=round).values(
                "order__family_id",
                "round_product_id",
                "allocated",
                "delivered",
                "unit_price",
                "total",
            )
            if values["allocated"] is not None
        ]
        product_rows = {
            pk: (
                values["allocated_total"]
                if values["delivered_total"] is None
                else values["delivered_total"],
                values["cases"],
                values["applied_unit_price"],
                values["total"],
            )
            for pk, values in products.items()
            if values["allocated_total"] is not None
        }
        family_rows = {
            family_id: (v["goods_total"], v["fund_share"], v["shared_costs"], v["total"])
            for family_id, v in orders.items()
        }
    else:
        result, _lines = compute(round)
        lines = [
            _Line(family_id, product_id, line.billed, line.unit_price, line.total)
            for (family_id, product_id), line in result.lines.items()
        ]
        product_rows = {
            pk: (p.billed_total, p.cases, p.unit_price, p.total)
            for pk, p in result.products.items()
        }
        family_rows = {
            family_id: (f.goods_total, f.fund_share, f.shared_costs, f.total)
            for family_id, f in result.families.items()
        }
    return _documents(round, products, orders, lines, product_rows, family_rows)


def _documents(round, products, orders, lines, product_rows, family_rows) -> RoundDocuments:
    supplier_lines = []
    for pk, values in products.items():
        if pk not in product_rows:
            continue
        quantity, cases, unit_price, total = product_rows[pk]
        if not quantity and not total:
            continue
        supplier_lines.append(
            SupplierOrderLine(
                product_code=values["code"],
                product_name=values["name"],
                unit=values["unit"],
                quantity=quantity,
                cases=cases,
                unit_price=unit_price,
                vat_rate=Decimal(values["vat_rate"]),
                total=total,
            )
        )
    vat = money.vat_breakdown((line.total, line.vat_rate) for line in supplier_lines)
    supplier_order = SupplierOrder(
        round_id=round.pk,
        round_title=round.title,
        group_name=round.group.name,
        supplier_name=round.supplier.name,
        supplier_email=round.supplier.email,
        closes_at=round.closes_at,
        pickup_date=round.pickup_date,
        lines=tuple(supplier_lines),
        vat=tuple(
            VatSummaryLine(rate=v.rate, base=v.base, vat=v.vat, gross=v.gross) for v in vat.values()
        ),
        total=sum((line.total for line in supplier_lines), CENTS_ZERO),
    )
    position = {pk: (values["position"], values["name"]) for pk, values in products.items()}
    lines_by_family: dict[int, list[_Line]] = defaultdict(list)
    for line in lines:
        if line.quantity or line.total:
            lines_by_family[line.family_id].append(line)
    slips = []
    for family_id, (goods, fund, shared, total) in family_rows.items():
        family_lines = sorted(
            lines_by_family.get(family_id, ()), key=lambda line: position[line.round_product_id]
        )
        if not family_lines and not total:
            continue
        order = orders[family_id]
        slips.append(
            FamilySlip(
                family_id=family_id,
                family_name=order["family__name"],
                pickup_point=order["pickup_point__name"] or "",
                lines=tuple(
                    SlipLine(
                        product_name=products[line.round_product_id]["name"],
                        unit=products[line.round_product_id]["unit"],
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        total=line.total,
                    )
                    for line in family_lines
                ),
                goods_total=goods,
                fund_share=fund,
                shared_costs=shared,
                total=total,
            )
        )
    slips.sort(key=lambda slip: (slip.pickup_point, slip.family_name, slip.family_id))
    return RoundDocuments(
        supplier_order=supplier_order,
        slips=tuple(slips),
        fund_total=sum((row[1] for row in family_rows.values()), CENTS_ZERO),
        shared_costs_total=sum((row[2] for row in family_rows.values()), CENTS_ZERO),
    )


def round_documents_for_family(
    round: OrderRound, family: Family
) -> tuple[FamilySlip | None, SupplierOrder]:
    """The family's own slip (for its receipt) and the supplier order's heading data."""
    documents = round_documents(round)
    slip = next((slip for slip in documents.slips if slip.family_id == family.pk), None)
    return slip, documents.supplier_order


# --- Balances -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """A family's account in a group: paid − charged; `available` subtracts open orders."""

    paid: Decimal
    charged: Decimal
    balance: Decimal
    available: Decimal


def family_balance(*, group: PurchaseGroup, family: Family) -> Balance:
    paid = exact(Payment.objects.filter(group=group, family=family).aggregate(t=Sum("amount"))["t"])
    charged = exact(
        Order.objects.filter(
            round__group=group, family=family, round__state__in=rules.CHARGED_STATES
        ).aggregate(t=Sum("total"))["t"]
    )
    return Balance(
        paid=paid,
        charged=charged,
        balance=paid - charged,
        available=available_credit(group_id=group.pk, family_id=family.pk),
    )


@dataclass(frozen=True)
class HistoryItem:
    day: dt.date
    kind: str  # "payment" or "round"
    description: str
    amount: Decimal  # + paid, − charged
    balance: Decimal  # running balance after this item


def family_history(*, group: PurchaseGroup, family: Family) -> list[HistoryItem]:
    """Payments and round charges, oldest first, with the running balance (two queries)."""
    items = [
        (paid_on, 0, pk, "payment", method_label, amount)
        for pk, paid_on, method_label, amount in (
            (p.pk, p.paid_on, f"{p.get_method_display()} {p.reference}".strip(), p.amount)
            for p in Payment.objects.filter(group=group, family=family)
        )
    ]
    for order in Order.objects.filter(
        round__group=group, family=family, round__state__in=rules.CHARGED_STATES
    ).select_related("round"):
        day = timezone.localdate(order.round.closed_at or order.round.closes_at)
        items.append((day, 1, order.pk, "round", order.round.title, -order.total))
    items.sort()
    running = CENTS_ZERO
    history = []
    for day, _order, _pk, kind, description, amount in items:
        running += amount
        history.append(HistoryItem(day, kind, description, amount, running))
    return history


@dataclass(frozen=True)
class MemberBalance:
    family_id: int
    family_name: str
    paid: Decimal
    charged: Decimal
    balance: Decimal


def group_balances(*, group: PurchaseGroup) -> list[MemberBalance]:
    """Every member family's balance, for the treasurer (three queries)."""
    paid = dict(
        Payment.objects.filter(group=group)
        .values("family_id")
        .annotate(total=Sum("amount"))
        .values_list("family_id", "total")
    )
    charged = dict(
        Order.objects.filter(round__group=group, round__state__in=rules.CHARGED_STATES)
        .values("family_id")
        .annotate(total=Sum("total"))
        .values_list("family_id", "total")
    )
    return [
        MemberBalance(
            family_id=family_id,
            family_name=name,
            paid=exact(paid.get(family_id)),
            charged=exact(charged.get(family_id)),
            balance=exact(paid.get(family_id)) - exact(charged.get(family_id)),
        )
        for family_id, name in GroupMembership.objects.filter(group=group)
        .order_by("family__name")
        .values_list("family_id", "family__name")
    ]


# --- Fondo Solidale -------------------------------------------------------------------------


@dataclass(frozen=True)
class FundPeriod:
    """The fund's movements in one period; no family is named anywhere."""

    period: dt.date  # first day of the month, quarter or year
    contributions: Decimal  # from rounds, net of reversals
    donations: Decimal
    disbursements: Decimal  # positive: what was paid out
    net: Decimal


def fund_totals(*, network, period: str = "month") -> list[FundPeriod]:
    """Totals per month, quarter or year, oldest first (one query)."""
    trunc = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}[period]
    rows = (
        FundEntry.objects.filter(network=network)
        .annotate(period=trunc("occurred_on"))
        .values("period", "kind")
        .annotate(total=Sum("amount"))
        .order_by("period")
    )
    sums: dict[dt.date, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        sums[row["period"]][row["kind"]] = exact(row["total"])
    periods = []
    for start in sorted(sums):
        kinds = sums[start]
        contributions = kinds.get(FundEntryKind.CONTRIBUTION, CENTS_ZERO) + kinds.get(
            FundEntryKind.REVERSAL, CENTS_ZERO
        )
        donations = kinds.get(FundEntryKind.DONATION, CENTS_ZERO)
        disbursements = -kinds.get(FundEntryKind.DISBURSEMENT, CENTS_ZERO)
        periods.append(
            FundPeriod(
                period=start,
                contributions=contributions,
                donations=donations,
                disbursements=disbursements,
                net=contributions + donations - disbursements,
            )
        )
    return periods


def fund_balance(*, network) -> Decimal:
    return exact(FundEntry.objects.filter(network=network).aggregate(t=Sum("amount"))["t"])


def fund_entries(*, network) -> QuerySet[FundEntry]:
    """The ledger for coordinators (entries name rounds and groups, never families)."""
    return FundEntry.objects.filter(network=network).select_related("group", "round")


def open_rounds_for(user) -> QuerySet[OrderRound]:
    """Rounds taking orders in the user's groups, closing soonest first."""
    return (
        OrderRound.objects.filter(
            state=RoundState.OPEN, group__memberships__family__memberships__user=user
        )
        .select_related("group", "supplier")
        .distinct()
        .order_by("closes_at")
    )
