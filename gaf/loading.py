"""The loader of a round's rows into the pure computation's input (gaf.rounds).

Services (recomputing a round) and selectors (the live pool, the documents before the
close) both read a round this way, so it sits beside the selectors, below the services.
"""

from __future__ import annotations

from decimal import Decimal

from gaf import rounds as rules
from gaf import units
from gaf.models import OrderChange, OrderLine, OrderRound, RoundProduct, SharedCost

ZERO = Decimal("0")


def product_terms(round_product) -> rules.ProductTerms:
    """The frozen terms of a RoundProduct (instance or `.values()` dict) as plain values."""
    get = round_product.get if isinstance(round_product, dict) else round_product.__getattribute__
    unit = get("unit")
    weight = units.kg_each(unit) or get("unit_weight_kg") or ZERO
    return rules.ProductTerms(
        id=get("id"),
        multiple=get("multiple"),
        case_size=get("case_size"),
        max_total=get("max_total"),
        unit_price=get("unit_price"),
        tiers=tuple((Decimal(low), Decimal(price)) for low, price in get("price_tiers")),
        vat_rate=Decimal(get("vat_rate")),
        weight_per_unit=weight,
    )


TERMS_FIELDS = (
    "id",
    "unit",
    "unit_weight_kg",
    "multiple",
    "case_size",
    "max_total",
    "unit_price",
    "price_tiers",
    "vat_rate",
)


def round_changes(round_id: int) -> list[rules.QuantityChange]:
    """The round's order history, oldest first (one query)."""
    return [
        rules.QuantityChange(*row)
        for row in OrderChange.objects.filter(round_id=round_id)
        .order_by("sequence")
        .values_list("sequence", "family_id", "round_product_id", "firm", "tolerance")
    ]


def compute(round: OrderRound) -> tuple[rules.RoundResult, list[dict]]:
    """The round's results from the database (five queries), and its lines as loaded."""
    terms = [
        product_terms(values)
        for values in RoundProduct.objects.filter(round=round).values(*TERMS_FIELDS)
    ]
    lines = list(
        OrderLine.objects.filter(order__round=round).values(
            "pk", "order_id", "order__family_id", "round_product_id", "delivered"
        )
    )
    delivered = {
        (line["order__family_id"], line["round_product_id"]): line["delivered"]
        for line in lines
        if line["delivered"] is not None
    }
    costs = [
        rules.CostTerms(id=pk, amount=amount, basis=basis)
        for pk, amount, basis in SharedCost.objects.filter(round=round).values_list(
            "pk", "amount", "basis"
        )
    ]
    result = rules.compute_round(
        products=terms,
        changes=round_changes(round.pk),
        policy=round.allocation_policy,
        fund_percent=round.fund_percent,
        costs=costs,
        delivered=delivered,
    )
    return result, lines
