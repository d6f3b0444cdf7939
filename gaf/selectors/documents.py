"""The documents of a round (supplier order, family slips).

They come from the stored results of its close and delivery; for a round still open they
are what the close would produce now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q

from gaf import money
from gaf import rounds as rules
from gaf.bulk import gc_paused
from gaf.documents import (
    FamilySlip,
    RoundDocuments,
    SlipLine,
    SupplierOrder,
    SupplierOrderLine,
    VatSummaryLine,
)

# The loader of a round's rows is still in the services (to move by issue 10 item 3).
from gaf.loading import (
    AMOUNT_PLACES,
    PRICE_PLACES,
    QUANTITY_PLACES,
    TERMS_FIELDS,
    Decimals,
    compute,
    scaled,
    whole_rows,
)
from gaf.models import (
    Order,
    OrderLine,
    OrderRound,
    RoundProduct,
    RoundState,
)
from hub.models import Family

ZERO = Decimal("0")
CENTS_ZERO = Decimal("0.00")


class _Line(NamedTuple):
    family_id: int
    round_product_id: int
    quantity: Decimal
    unit_price: Decimal | None
    total: Decimal


@gc_paused()
def round_documents(round: OrderRound) -> RoundDocuments:
    """The supplier order and the family slips (four queries once the round is closed, six
    before, whatever the families).

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
    closed = round.state in rules.CHARGED_STATES or (
        round.state == RoundState.CANCELLED and round.closed_at is not None
    )
    if closed:
        quantity, price, amount = (
            Decimals(QUANTITY_PLACES),
            Decimals(PRICE_PLACES),
            Decimals(AMOUNT_PLACES),
        )
        lines = [
            _Line(
                family_id,
                product_id,
                quantity[allocated if delivered is None else delivered],
                price[unit_price],
                amount[total] or CENTS_ZERO,
            )
            for family_id, product_id, allocated, delivered, unit_price, total in whole_rows(
                OrderLine.objects.filter(order__round=round, allocated__isnull=False)
                .order_by()
                .values_list(
                    "order__family_id",
                    "round_product_id",
                    scaled("allocated", QUANTITY_PLACES),
                    scaled("delivered", QUANTITY_PLACES),
                    scaled("unit_price", PRICE_PLACES),
                    scaled("total", AMOUNT_PLACES),
                )
            )
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
    else:
        result = compute(round)
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
    # The orders are read last: an order placed meanwhile by a new family has its lines
    # and changes committed with it, so every family read above has its order here; one
    # withdrawn meanwhile is left out (_documents skips a family without its order).
    orders = {
        values["family_id"]: values
        for values in Order.objects.filter(round=round)
        .order_by()
        .values(
            "family_id",
            "family__name",
            "pickup_point__name",
            "goods_total",
            "fund_share",
            "shared_costs",
            "total",
        )
    }
    if closed:
        family_rows = {
            family_id: (v["goods_total"], v["fund_share"], v["shared_costs"], v["total"])
            for family_id, v in orders.items()
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
    # A slip lists its lines by the product's position, then name: each line is placed by
    # its product's rank, in one sort for all the families.
    order_of_products = sorted(
        products, key=lambda pk: (products[pk]["position"], products[pk]["name"])
    )
    rank = {pk: index for index, pk in enumerate(order_of_products)}
    lines_by_family: dict[int, list[_Line]] = defaultdict(list)
    for line in sorted(lines, key=lambda line: rank[line.round_product_id]):
        if line.quantity or line.total:
            lines_by_family[line.family_id].append(line)
    labels = {pk: (values["name"], values["unit"]) for pk, values in products.items()}
    slips = []
    for family_id, (goods, fund, shared, total) in family_rows.items():
        family_lines = lines_by_family.get(family_id, ())
        if not family_lines and not total:
            continue
        order = orders.get(family_id)
        if order is None:
            continue
        slips.append(
            FamilySlip(
                family_id=family_id,
                family_name=order["family__name"],
                pickup_point=order["pickup_point__name"] or "",
                lines=tuple(
                    SlipLine(*labels[line.round_product_id], *line[2:]) for line in family_lines
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


@dataclass(frozen=True)
class RoundOutcome:
    """What a round comes to, for a coordinator about to close, send or settle it: from the
    stored results once closed, before that what closing it now would give."""

    families_ordered: int  # families that asked for something
    families_served: int  # families that receive something (have a slip)
    supplier_lines: int
    supplier_total: Decimal
    families_total: Decimal
    fund_total: Decimal
    shared_costs_total: Decimal


def round_outcome(round: OrderRound) -> RoundOutcome:
    """The figures of round_documents, and how many families ordered (six queries)."""
    documents = round_documents(round)
    ordered = Order.objects.filter(round=round).filter(
        Q(lines__firm__gt=0) | Q(lines__tolerance__gt=0)
    )
    return RoundOutcome(
        families_ordered=ordered.values("family_id").distinct().count(),
        families_served=len(documents.slips),
        supplier_lines=len(documents.supplier_order.lines),
        supplier_total=documents.supplier_order.total,
        families_total=sum((slip.total for slip in documents.slips), CENTS_ZERO),
        fund_total=documents.fund_total,
        shared_costs_total=documents.shared_costs_total,
    )


def round_documents_for_family(
    round: OrderRound, family: Family
) -> tuple[FamilySlip | None, SupplierOrder]:
    """The family's own slip (for its receipt) and the supplier order's heading data."""
    documents = round_documents(round)
    slip = next((slip for slip in documents.slips if slip.family_id == family.pk), None)
    return slip, documents.supplier_order
