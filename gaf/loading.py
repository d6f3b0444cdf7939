"""The loader of a round's rows into the pure computation's input (gaf.rounds).

Services (recomputing a round) and selectors (the live pool, the documents before the
close) both read a round this way, so it sits beside the selectors, below the services.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.db import connections
from django.db.models import BigIntegerField, F, QuerySet
from django.db.models.functions import Cast, Round

from gaf import rounds as rules
from gaf import units
from gaf.models import OrderChange, OrderLine, OrderRound, RoundProduct, SharedCost

ZERO = Decimal("0")

# --- Decimals read as whole numbers -------------------------------------------------------
#
# A round's close reads tens of thousands of quantities and amounts. Read as decimals, each
# value goes through a conversion of its own (on SQLite, from a float and quantized back);
# read as a whole number of thousandths (cents, ...), it comes as a plain int, and each
# distinct value becomes a Decimal once: the same Decimal, with the field's places, that
# Django would have read. Exact: the fields hold at most 12 digits, and the database
# rounds the scaled value to the integer it is.


def scaled(field: str | F, places: int) -> Cast:
    """The decimal `field` read as a whole number of 10**-places (NULL stays NULL)."""
    expression = F(field) if isinstance(field, str) else field
    return Cast(Round(expression * 10**places), BigIntegerField())


class Decimals(dict):
    """Whole numbers of 10**-places to Decimals by subscript, each made once (None stays
    None): `Decimals(3)[1500] == Decimal("1.500")`."""

    def __init__(self, places: int) -> None:
        super().__init__({None: None})
        self.exponent = -places

    def __missing__(self, whole: int) -> Decimal:
        made = self[whole] = Decimal(whole).scaleb(self.exponent)
        return made


QUANTITY_PLACES, PRICE_PLACES, AMOUNT_PLACES = 3, 4, 2
QUANTITY_UNIT = Decimal(1).scaleb(-QUANTITY_PLACES)


def whole_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a `values_list()` of whole numbers (ids, `scaled` decimals) as the
    driver returns them, without Django's per-value conversion (one query)."""
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(*queryset.query.sql_with_params())
        return cursor.fetchall()


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


def round_changes(round_id: int) -> list[tuple[int, int, int, Decimal, Decimal]]:
    """The round's order history, oldest first (one query): `(sequence, family_id,
    product_id, firm, tolerance)` tuples, a `rules.QuantityChange`'s fields in its order
    (plain tuples: a round has tens of thousands)."""
    quantity = Decimals(QUANTITY_PLACES)
    return [
        (sequence, family_id, product_id, quantity[firm], quantity[tolerance])
        for sequence, family_id, product_id, firm, tolerance in whole_rows(
            OrderChange.objects.filter(round_id=round_id)
            .order_by("sequence")
            .values_list(
                "sequence",
                "family_id",
                "round_product_id",
                scaled("firm", QUANTITY_PLACES),
                scaled("tolerance", QUANTITY_PLACES),
            )
        )
    ]


def round_costs(round: OrderRound) -> list[rules.CostTerms]:
    return [
        rules.CostTerms(id=pk, amount=amount, basis=basis)
        for pk, amount, basis in SharedCost.objects.filter(round=round).values_list(
            "pk", "amount", "basis"
        )
    ]


def round_history(round_id: int) -> list[tuple[int, int, int, int, int]]:
    """`round_changes` with the quantities in thousandths (`QUANTITY_UNIT`), as the
    database gives them: what the close replays, tens of thousands of rows (one query)."""
    return whole_rows(
        OrderChange.objects.filter(round_id=round_id)
        .order_by("sequence")
        .values_list(
            "sequence",
            "family_id",
            "round_product_id",
            scaled("firm", QUANTITY_PLACES),
            scaled("tolerance", QUANTITY_PLACES),
        )
    )


class LoadedRound(NamedTuple):
    """A round's rows as the computation takes them (`load_round`)."""

    terms: list[rules.ProductTerms]
    history: list[tuple[int, int, int, int, int]]  # round_history: thousandths
    costs: list[rules.CostTerms]


def load_round(round: OrderRound) -> LoadedRound:
    """An open round's terms, order history and costs (three queries).

    Nothing is delivered before the close: deliveries are recorded from the sending on,
    and a sent round never reopens. So the computation bills what it allocates.
    """
    terms = [
        product_terms(values)
        for values in RoundProduct.objects.filter(round=round).values(*TERMS_FIELDS)
    ]
    return LoadedRound(terms, round_history(round.pk), round_costs(round))


def compute(round: OrderRound) -> rules.RoundResult:
    """What closing the round now would give (three queries)."""
    loaded = load_round(round)
    return rules.compute_round(
        products=loaded.terms,
        changes=loaded.history,
        policy=round.allocation_policy,
        fund_percent=round.fund_percent,
        costs=loaded.costs,
        unit=QUANTITY_UNIT,
    )


STORED_PRODUCT_FIELDS = (*TERMS_FIELDS, "allocated_total", "cases")


class StoredAllocation(NamedTuple):
    terms: list[rules.ProductTerms]
    allocations: dict[int, tuple[Decimal, int | None]]  # product_id → (allocated, cases)
    # (pk, family_id, round_product_id, allocated, delivered, unit_price, total), the
    # decimals as whole numbers of their places (`scaled`), as the database has them.
    lines: list[tuple]


def stored_allocation(round: OrderRound) -> StoredAllocation:
    """A closed round's allocation as its close stored it, and its lines (two queries).

    The close gives every line of the history an applied price (and an allocation, zero
    included); a line it left without a price had no history and shares nothing.
    """
    terms, allocations = [], {}
    for values in RoundProduct.objects.filter(round=round).values(*STORED_PRODUCT_FIELDS):
        terms.append(product_terms(values))
        if values["allocated_total"] is not None:
            allocations[values["id"]] = (values["allocated_total"], values["cases"])
    lines = whole_rows(
        OrderLine.objects.filter(order__round=round)
        .order_by()
        .values_list(
            "pk",
            "order__family_id",
            "round_product_id",
            scaled("allocated", QUANTITY_PLACES),
            scaled("delivered", QUANTITY_PLACES),
            scaled("unit_price", PRICE_PLACES),
            scaled("total", AMOUNT_PLACES),
        )
    )
    return StoredAllocation(terms, allocations, lines)
