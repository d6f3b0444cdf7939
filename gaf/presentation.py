"""What the coordinators' pages show, shaped from the selectors' reads.

Rows grouped and flagged for the templates; the numbers themselves are written by the
`|qty` and `|euro` template filters (hub.formatting), so every page writes them alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from gaf import exports
from gaf import rounds as round_rules
from gaf.models import OrderLine, Product, RoundProduct
from gaf.selectors import FamilyBreakdown, OrderSummary, ProductStatus
from hub import formatting

CENTS_ZERO = Decimal("0.00")

# The actions of gaf.rounds.coordinator_actions that need the rule can_manage_round.
MANAGER_ACTIONS = frozenset(
    {"edit", "open", "close", "extend", "reopen", "send", "settle", "cancel"}
)


def round_actions(state: str, *, may_manage: bool, may_record_delivery: bool) -> dict[str, bool]:
    """The round page's buttons: what the state allows (gaf.rounds) and this person may do."""
    possible = round_rules.coordinator_actions(state)
    mine = {"documents"}
    if may_manage:
        mine |= MANAGER_ACTIONS
    if may_record_delivery:
        mine.add("record_delivery")
    every = (*MANAGER_ACTIONS, "record_delivery", "documents")
    return {name: name in possible and name in mine for name in every}


@dataclass(frozen=True)
class ProductLine:
    """A product of the round page: its pool and, once delivered, the delivered total
    when it differs from the allocated one (else None)."""

    round_product: RoundProduct
    pool: round_rules.ProductPool
    delivered: Decimal | None


def product_lines(statuses: Iterable[ProductStatus]) -> list[ProductLine]:
    lines = []
    for status in statuses:
        product = status.round_product
        delivered = product.delivered_total
        if delivered == product.allocated_total:
            delivered = None
        lines.append(ProductLine(product, status.pool, delivered))
    return lines


def order_totals(summaries: Iterable[OrderSummary]) -> dict[str, Decimal]:
    """What the families' orders add up to: goods, fund, shared costs, total."""
    orders = [summary.order for summary in summaries]
    return {
        "goods": sum((order.goods_total for order in orders), CENTS_ZERO),
        "fund": sum((order.fund_share for order in orders), CENTS_ZERO),
        "shared": sum((order.shared_costs for order in orders), CENTS_ZERO),
        "total": sum((order.total for order in orders), CENTS_ZERO),
    }


def breakdown_total(rows: Iterable[FamilyBreakdown]) -> Decimal:
    """What the families of an open round would pay together if it closed now."""
    return sum((row.total for row in rows), CENTS_ZERO)


@dataclass
class DeliveryProduct:
    """A product of the delivery form, with (order line, its quantity field) per family."""

    product: RoundProduct
    rows: list[tuple[OrderLine, object]] = field(default_factory=list)


def delivery_products(lines: Iterable[OrderLine], field_of) -> list[DeliveryProduct]:
    """The delivery form's lines grouped by product; `field_of(line)` is its bound field."""
    products: dict[int, DeliveryProduct] = {}
    for line in lines:
        entry = products.setdefault(line.round_product_id, DeliveryProduct(line.round_product))
        entry.rows.append((line, field_of(line)))
    return list(products.values())


@dataclass(frozen=True)
class PreviewRow:
    """A row of an uploaded price list, and whether it adds a product or updates one."""

    row: object  # gaf.pricelist.PriceListRow
    is_new: bool


def price_list_preview(rows: Iterable, existing_codes: set[str]) -> list[PreviewRow]:
    return [PreviewRow(row, row.code.casefold() not in existing_codes) for row in rows]


def product_label(product: Product) -> str:
    """A product among a round's choices: "Mele (MEL-1) — 2,10 €/kg"."""
    price = formatting.money(product.unit_price, exports.unit_label(product.unit))
    return f"{product.name} ({product.code}) — {price}"
