"""gaf.loading: decimals read as scaled whole numbers are the decimals the ORM reads."""

from decimal import Decimal

import pytest

from gaf.loading import (
    AMOUNT_PLACES,
    PRICE_PLACES,
    QUANTITY_PLACES,
    Decimals,
    scaled,
    whole_rows,
)
from gaf.models import OrderLine, RoundProduct
from hub.models import Family
from tests.gaf.factories import make_group, make_product, make_round, make_supplier

pytestmark = pytest.mark.django_db

D = Decimal

FIELDS = {
    "firm": QUANTITY_PLACES,
    "tolerance": QUANTITY_PLACES,
    "allocated": QUANTITY_PLACES,
    "delivered": QUANTITY_PLACES,
    "unit_price": PRICE_PLACES,
    "total": AMOUNT_PLACES,
}


def test_scaled_reads_give_the_decimals_the_orm_reads():
    setup = make_group()
    supplier = make_supplier(setup)
    round = make_round(setup, supplier, [make_product(supplier, multiple=D("0.001"))])
    round_product = RoundProduct.objects.get(round=round)
    values = [
        # SQLite keeps these as floating point: 0.1, 1.35 and 2.675 are not exact in binary.
        (D("0.1"), D("0"), D("1.35"), None, D("2.675"), D("0.01")),
        (D("999999999.999"), D("0.333"), D("0.001"), D("123.456"), D("999999.9999"), D("12.34")),
        (D("3"), D("0.5"), D("0"), D("0"), D("0.0001"), D("9999999999.99")),
    ]
    for index, (firm, tolerance, allocated, delivered, unit_price, total) in enumerate(values):
        family = Family.objects.create(name=f"F{index}", municipality=setup.municipality)
        OrderLine.objects.create(
            order=round.orders.create(family=family),
            round_product=round_product,
            firm=firm,
            tolerance=tolerance,
            allocated=allocated,
            delivered=delivered,
            unit_price=unit_price,
            total=total,
        )
    lines = OrderLine.objects.filter(order__round=round).order_by("pk")
    expected = list(lines.values_list(*FIELDS))
    decimals = [Decimals(places) for places in FIELDS.values()]
    read = [
        tuple(decimal[whole] for decimal, whole in zip(decimals, row, strict=True))
        for row in whole_rows(
            lines.values_list(*(scaled(name, places) for name, places in FIELDS.items()))
        )
    ]
    assert read == expected
    # The same places too, so the same text on documents and in the database.
    assert [tuple(map(str, row)) for row in read] == [tuple(map(str, row)) for row in expected]
    assert all(
        isinstance(whole, int)
        for row in whole_rows(
            lines.values_list(*(scaled(name, places) for name, places in FIELDS.items()))
        )
        for whole in row
        if whole is not None
    )
