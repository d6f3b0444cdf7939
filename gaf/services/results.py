"""Writes of a round's computed results: every family's lines, totals, fund shares and shared
costs stored from the pure computation (gaf.rounds), in bulk; the close recomputes them
from the orders, a delivery reprices the stored allocation (gaf.services.rounds and
gaf.services.settlement call these)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from gaf import rounds as rules
from gaf.loading import (
    AMOUNT_PLACES,
    PRICE_PLACES,
    QUANTITY_PLACES,
    QUANTITY_UNIT,
    Decimals,
    StoredAllocation,
    load_round,
    round_costs,
    stored_allocation,
)
from gaf.models import (
    Order,
    OrderLine,
    OrderRound,
    RoundProduct,
)
from gaf.services._common import bulk_update_values

ZERO = Decimal("0")


def _store(
    round: OrderRound, priced: rules.PricedRound, products: list[rules.AllocatedProduct]
) -> None:
    """Write a closing round's results on its products, lines and orders (five queries).

    The lines are written by (order, product), so the close does not read them: a line
    the history mentions gets its share and price. Until the close no line has a result
    (the reopening clears them), so a line still without one afterwards is a line the
    history does not mention: it shares nothing (no price, nothing allocated).
    """
    bulk_update_values(
        RoundProduct,
        ["allocated_total", "cases", "applied_unit_price", "delivered_total", "total"],
        [
            (
                str(product.result.allocated_total),
                product.result.cases,
                str(product.result.unit_price),
                None,
                str(product.result.total),
                product.product_id,
            )
            for product in priced.products
        ],
    )
    orders = list(Order.objects.filter(round=round).order_by().values_list("pk", "family_id"))
    # Each product's values as text, each distinct one made once.
    columns = []
    for product in products:
        multiple = product.multiple
        columns.append(
            (
                product.priced.product_id,
                str(product.priced.result.unit_price),
                product.allocated,
                {steps: str(steps * multiple) for steps in set(product.allocated.values())},
                product.priced.cents,
                {cents: str(amount) for cents, amount in product.priced.amounts.items()},
            )
        )
    # The lines are written order by order: so the updates walk the table's pages in turn
    # (twice as fast as product by product), and the rows are made in the order they are
    # sent (each row's memory next to the one before).
    line_rows = []
    for order_id, family_id in sorted(orders):
        for product_id, unit_price, allocated, quantities, cents, amounts in columns:
            steps = allocated.get(family_id)
            if steps is not None:
                line_rows.append(
                    (quantities[steps], unit_price, amounts[cents[family_id]], order_id, product_id)
                )
    bulk_update_values(
        OrderLine,
        ["allocated", "unit_price", "total"],
        line_rows,
        key=("order_id", "round_product_id"),
    )
    # `order_id IN (the round's orders)` rather than a join: Django updates through a join
    # with `id IN (a subquery reading the lines again)`.
    OrderLine.objects.filter(
        order_id__in=Order.objects.filter(round=round).values("pk"), allocated__isnull=True
    ).update(allocated=ZERO, unit_price=None, total=ZERO)
    _store_families(priced.families, orders)


ORDER_RESULT_FIELDS = ["goods_total", "fund_share", "shared_costs", "total"]
NO_RESULT = rules.FamilyResult(ZERO, ZERO, ZERO, ZERO)


def _store_families(families: dict[int, rules.FamilyResult], orders) -> None:
    """Write the families' results on their orders, `(pk, family_id, ...)` rows."""
    bulk_update_values(
        Order,
        ORDER_RESULT_FIELDS,
        [
            (*map(str, _family_values(families.get(family_id, NO_RESULT))), pk)
            for pk, family_id, *_stored in orders
        ],
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _family_values(family: rules.FamilyResult) -> tuple:
    return (family.goods_total, family.fund_share, family.shared_costs, family.total)


def _clear_results(round: OrderRound) -> None:
    RoundProduct.objects.filter(round=round).update(
        allocated_total=None,
        cases=None,
        applied_unit_price=None,
        delivered_total=None,
        total=None,
    )
    OrderLine.objects.filter(order__round=round).update(
        allocated=None, delivered=None, unit_price=None, total=None
    )
    Order.objects.filter(round=round).update(
        goods_total=ZERO, fund_share=ZERO, shared_costs=ZERO, total=ZERO
    )


def recompute(round: OrderRound) -> None:
    """Allocate and price a round from its order history, and store every result (the close)."""
    loaded = load_round(round)
    priced, products = rules.allocate_and_price(
        products=loaded.terms,
        changes=loaded.history,
        policy=round.allocation_policy,
        fund_percent=round.fund_percent,
        costs=loaded.costs,
        # The stored history: by sequence, each sequence once, no quantity negative (the
        # database's constraints hold it so), in thousandths.
        in_order=True,
        unit=QUANTITY_UNIT,
    )
    _store(round, priced, products)


def reprice(
    round: OrderRound,
    *,
    loaded: StoredAllocation | None = None,
    delivered: Mapping[int, Decimal] | None = None,
) -> list[int]:
    """Price a closed round's stored allocation again and store what changed (a query for
    the costs, one for the orders, at most one write per table).

    The allocation depends only on the order history, which a closed round no longer
    takes: deliveries and shared costs change only what is billed. `delivered` are
    quantities to record (at most three places), by line id; `loaded` is
    `stored_allocation(round)` when the caller has read it already. Returns the families
    whose total changed.
    """
    delivered = delivered or {}
    terms, allocations, lines = loaded or stored_allocation(round)
    recording = {pk: int(quantity.scaleb(QUANTITY_PLACES)) for pk, quantity in delivered.items()}
    billed: dict[int, dict[int, int]] = defaultdict(dict)
    any_delivered = False
    for pk, family_id, product_id, allocated, quantity, unit_price, _total in lines:
        quantity = recording.get(pk, quantity)
        if quantity is not None:
            any_delivered = True
        if unit_price is not None and product_id in allocations:
            billed[product_id][family_id] = allocated if quantity is None else quantity
    prices = rules.price_round(
        products=terms,
        allocations=allocations,
        billed=billed,
        unit=QUANTITY_UNIT,
        families={family_id for units in billed.values() for family_id in units},
        fund_percent=round.fund_percent,
        costs=round_costs(round),
    )
    # The lines whose delivered quantity, price or total changed, compared as the database
    # has them (whole numbers of their places).
    by_product = {product.product_id: product for product in prices.products}
    price_units = {
        product_id: int(product.result.unit_price.scaleb(PRICE_PLACES))
        for product_id, product in by_product.items()
    }
    quantities, prices_of, amounts = (
        Decimals(QUANTITY_PLACES),
        Decimals(PRICE_PLACES),
        Decimals(AMOUNT_PLACES),
    )
    line_rows = []
    for pk, family_id, product_id, _allocated, quantity, unit_price, total in lines:
        new_quantity = recording.get(pk, quantity)
        new_price, new_total = unit_price, total
        if unit_price is not None and product_id in allocations:
            new_price, new_total = price_units[product_id], by_product[product_id].cents[family_id]
        if (new_quantity, new_price, new_total) != (quantity, unit_price, total):
            line_rows.append(
                (
                    _text(quantities[new_quantity]),
                    _text(prices_of[new_price]),
                    _text(amounts[new_total]),
                    pk,
                )
            )
    bulk_update_values(OrderLine, ["delivered", "unit_price", "total"], line_rows)
    bulk_update_values(
        RoundProduct,
        ["applied_unit_price", "delivered_total", "total"],
        [
            (
                str(product.result.unit_price),
                str(product.result.billed_total) if any_delivered else None,
                str(product.result.total),
                product.product_id,
            )
            for product in prices.products
            if product.product_id in allocations
        ],
    )
    orders = list(
        Order.objects.filter(round=round)
        .order_by()
        .values_list("pk", "family_id", *ORDER_RESULT_FIELDS)
    )
    changed_orders = [
        row
        for row in orders
        if _family_values(prices.families.get(row[1], NO_RESULT)) != tuple(row[2:])
    ]
    _store_families(prices.families, changed_orders)
    return sorted(
        family_id
        for _pk, family_id, *_values, total in orders
        if prices.families.get(family_id, NO_RESULT).total != total
    )
