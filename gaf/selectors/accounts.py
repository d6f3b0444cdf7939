"""Reads of the money: family balances and credit, the treasurer's view, the Fondo Solidale."""

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
from gaf.models import (
    FundDisbursement,
    FundDisbursementApproval,
    FundEntry,
    FundEntryKind,
    GroupMembership,
    Order,
    OrderLine,
    Payment,
    PurchaseGroup,
    RoundState,
)
from gaf.money import exact
from hub.models import Family

ZERO = Decimal("0")
CENTS_ZERO = Decimal("0.00")


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


def available_credit(*, group_id: int, family_id: int, exclude_round_id: int | None = None):
    """Payments − what closed rounds charge − what open orders may cost (three queries).

    Shared costs are not known while a round is open, so they are not reserved.
    """
    paid = exact(
        Payment.objects.filter(group_id=group_id, family_id=family_id).aggregate(
            total=Sum("amount")
        )["total"]
    )
    charged = exact(
        Order.objects.filter(
            round__group_id=group_id, family_id=family_id, round__state__in=rules.CHARGED_STATES
        ).aggregate(total=Sum("total"))["total"]
    )
    open_lines = OrderLine.objects.filter(
        order__family_id=family_id,
        order__round__group_id=group_id,
        order__round__state=RoundState.OPEN,
    )
    if exclude_round_id is not None:
        open_lines = open_lines.exclude(order__round_id=exclude_round_id)
    committed = sum(
        (
            money.commitment(firm, tolerance, price, percent)
            for firm, tolerance, price, percent in open_lines.values_list(
                "firm", "tolerance", "round_product__unit_price", "order__round__fund_percent"
            )
        ),
        ZERO,
    )
    return paid - charged - committed


def recent_payments(*, group: PurchaseGroup, limit: int = 20) -> list[Payment]:
    return list(
        group.payments.select_related("family", "recorded_by").order_by("-created_at")[:limit]
    )


def fund_disbursements(*, network, limit: int = 20) -> list[FundDisbursement]:
    """The latest disbursement requests with their approvals, in order (two queries)."""
    return list(
        FundDisbursement.objects.filter(network=network)
        .select_related("requested_by")
        .prefetch_related(
            Prefetch(
                "approvals",
                queryset=FundDisbursementApproval.objects.select_related("approver").order_by(
                    "created_at"
                ),
            )
        )
        .order_by("-requested_at")[:limit]
    )


def fund_disbursement(*, network_id: int, disbursement_id: int) -> FundDisbursement | None:
    return FundDisbursement.objects.filter(pk=disbursement_id, network_id=network_id).first()
