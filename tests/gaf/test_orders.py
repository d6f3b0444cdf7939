"""Ordering: the deadline, quantities, maximums, baskets, prepaid credit and the event log."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gaf import services
from gaf.models import Order, OrderChange, OrderLine, RoundProduct
from gaf.services import LineInput
from tests.gaf.factories import (
    make_group,
    make_member,
    make_product,
    make_round,
    make_supplier,
    rome,
)

pytestmark = pytest.mark.django_db

D = Decimal
DURING = rome(2026, 10, 22, 12)


def _rp(round, product):
    return RoundProduct.objects.get(round=round, product=product)


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


# --- The deadline -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closes_at", "last_second", "too_late"),
    [
        # 25 October 2026: clocks go back from 03:00 CEST to 02:00 CET.
        (rome(2026, 10, 25, 20), rome(2026, 10, 25, 19, 59, 59), rome(2026, 10, 25, 20, 0, 1)),
        # 29 March 2026: clocks go forward from 02:00 CET to 03:00 CEST.
        (rome(2026, 3, 29, 20), rome(2026, 3, 29, 19, 59, 59), rome(2026, 3, 29, 20, 0, 1)),
    ],
)
def test_deadline_to_the_second_on_daylight_saving_days(
    setup, supplier, closes_at, last_second, too_late
):
    product = make_product(supplier)
    family, user = make_member(setup)
    round = make_round(
        setup, supplier, [product], opens_at=closes_at - dt.timedelta(days=3), closes_at=closes_at
    )
    rp = _rp(round, product)
    services.order_set_quantity(
        round=round, family=family, round_product=rp, firm=2, by_user=user, now=last_second
    )
    # The scheduler has not run: the round is still "open", and the order is still refused.
    with pytest.raises(ValidationError) as error:
        services.order_set_quantity(
            round=round, family=family, round_product=rp, firm=3, by_user=user, now=too_late
        )
    assert error.value.code == "deadline_passed"
    assert error.value.messages == [
        f"Gli ordini si sono chiusi il {closes_at.day:02d}/{closes_at.month:02d}/2026 20:00."
    ]
    assert OrderLine.objects.get(round_product=rp).firm == 2
    round.refresh_from_db()
    assert round.state == "open"


def test_deadline_in_utc_terms(setup, supplier):
    """20:00 in Rome on 25 October 2026 is 19:00 UTC (CET), not 18:00 (CEST)."""
    product = make_product(supplier)
    family, user = make_member(setup)
    round = make_round(setup, supplier, [product], closes_at=rome(2026, 10, 25, 20))
    rp = _rp(round, product)
    services.order_set_quantity(
        round=round,
        family=family,
        round_product=rp,
        firm=1,
        by_user=user,
        now=dt.datetime(2026, 10, 25, 18, 30, tzinfo=dt.UTC),
    )
    with pytest.raises(ValidationError):
        services.order_set_quantity(
            round=round,
            family=family,
            round_product=rp,
            firm=2,
            by_user=user,
            now=dt.datetime(2026, 10, 25, 19, 0, 1, tzinfo=dt.UTC),
        )


def test_orders_before_opening_and_on_closed_rounds(setup, supplier):
    product = make_product(supplier)
    family, user = make_member(setup)
    round = make_round(setup, supplier, [product])
    rp = _rp(round, product)
    early = rome(2026, 10, 20, 7, 59)
    with pytest.raises(ValidationError) as error:
        services.order_set_quantity(
            round=round, family=family, round_product=rp, firm=1, by_user=user, now=early
        )
    assert error.value.code == "not_yet_open"
    services.round_close(round=round, by=setup.coordinator, now=DURING)
    with pytest.raises(ValidationError) as error:
        services.order_set_quantity(
            round=round, family=family, round_product=rp, firm=1, by_user=user, now=DURING
        )
    assert error.value.code == "round_not_open"
    assert error.value.messages == ["Il giro «Giro di prova» non accetta ordini: è chiuso."]


# --- Quantities ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("firm", "tolerance", "field", "message"),
    [
        ("-1", "0", "firm", "Mele: la quantità non può essere negativa."),
        ("1.25", "0", "firm", "Mele: si ordina a multipli di 0,5 kg."),
        ("1", "0", "firm", "Mele: il minimo per famiglia è 1,5 kg."),
        ("2", "0.3", "tolerance", "Mele: si ordina a multipli di 0,5 kg."),
        ("2", "-0.5", "tolerance", "Mele: la quantità non può essere negativa."),
        ("abc", "0", "firm", "«abc» non è una quantità."),
        ("31", "0", "firm", "Mele: la disponibilità massima è 30 kg."),
    ],
)
def test_bad_quantities_name_the_field(setup, supplier, firm, tolerance, field, message):
    product = make_product(
        supplier,
        name="Mele",
        unit="kg",
        multiple=D("0.5"),
        min_per_family=D("1.5"),
        case_size=D("6"),
        max_total=D("30"),
    )
    family, user = make_member(setup)
    round = make_round(setup, supplier, [product])
    errors = _errors(
        lambda: services.order_set_quantity(
            round=round,
            family=family,
            round_product=_rp(round, product),
            firm=firm,
            tolerance=tolerance,
            by_user=user,
            now=DURING,
        )
    )
    assert errors == {field: [message]}
    assert not Order.objects.exists()
    assert not OrderChange.objects.exists()


def test_tolerance_only_for_products_sold_by_the_case(setup, supplier):
    product = make_product(supplier, name="Vino")
    family, user = make_member(setup)
    round = make_round(setup, supplier, [product])
    errors = _errors(
        lambda: services.order_set_quantity(
            round=round,
            family=family,
            round_product=_rp(round, product),
            firm=1,
            tolerance=1,
            by_user=user,
            now=DURING,
        )
    )
    assert errors == {"tolerance": ["Vino: la tolleranza serve solo ai prodotti venduti a colli."]}


def test_maximum_counts_the_other_families(setup, supplier):
    product = make_product(supplier, name="Uova", max_total=D("10"))
    (a, a_user), (b, b_user) = make_member(setup), make_member(setup)
    round = make_round(setup, supplier, [product])
    rp = _rp(round, product)
    services.order_set_quantity(
        round=round, family=a, round_product=rp, firm=7, by_user=a_user, now=DURING
    )
    errors = _errors(
        lambda: services.order_set_quantity(
            round=round, family=b, round_product=rp, firm=4, by_user=b_user, now=DURING
        )
    )
    assert errors == {"firm": ["Uova: ne restano solo 3 pz."]}
    services.order_set_quantity(
        round=round, family=b, round_product=rp, firm=3, by_user=b_user, now=DURING
    )
    errors = _errors(
        lambda: services.order_set_quantity(
            round=round, family=b, round_product=rp, firm=4, by_user=b_user, now=DURING
        )
    )
    assert errors == {"firm": ["Uova: ne restano solo 3 pz."]}
    # Lowering is always possible; then the other family can raise again.
    services.order_set_quantity(
        round=round, family=a, round_product=rp, firm=5, by_user=a_user, now=DURING
    )
    errors = _errors(
        lambda: services.order_set_quantity(
            round=round, family=a, round_product=rp, firm=8, by_user=a_user, now=DURING
        )
    )
    assert errors == {"firm": ["Uova: ne restano solo 7 pz."]}


def test_not_a_member(setup, supplier):
    product = make_product(supplier)
    round = make_round(setup, supplier, [product])
    outsider_setup = make_group()
    stranger, user = make_member(outsider_setup)
    with pytest.raises(ValidationError) as error:
        services.order_set_quantity(
            round=round,
            family=stranger,
            round_product=_rp(round, product),
            firm=1,
            by_user=user,
            now=DURING,
        )
    assert error.value.code == "not_member"


def test_product_of_another_round(setup, supplier):
    product = make_product(supplier)
    family, user = make_member(setup)
    round = make_round(setup, supplier, [product])
    other = make_round(setup, supplier, [product], title="Altro giro")
    errors = _errors(
        lambda: services.order_set_quantities(
            round=round,
            family=family,
            lines=[LineInput(_rp(other, product), 1)],
            by_user=user,
            now=DURING,
        )
    )
    assert errors == {"lines.0.round_product": ["Il prodotto non fa parte di questo giro."]}


# --- Baskets and the event log ------------------------------------------------------------


def test_basket_is_all_or_nothing(setup, supplier):
    bread = make_product(supplier, name="Pane")
    flour = make_product(supplier, name="Farina", unit="kg", multiple=D("5"))
    honey = make_product(supplier, name="Miele", max_total=D("2"))
    family, user = make_member(setup)
    round = make_round(setup, supplier, [bread, flour, honey])
    errors = _errors(
        lambda: services.order_set_quantities(
            round=round,
            family=family,
            lines=[
                LineInput(_rp(round, bread), 2),
                LineInput(_rp(round, flour), 7),
                LineInput(_rp(round, honey), 3),
            ],
            by_user=user,
            now=DURING,
        )
    )
    assert errors == {
        "lines.1.firm": ["Farina: si ordina a multipli di 5 kg."],
        "lines.2.firm": ["Miele: la disponibilità massima è 2 pz."],
    }
    assert not OrderLine.objects.exists()
    assert not OrderChange.objects.exists()

    order = services.order_set_quantities(
        round=round,
        family=family,
        lines=[LineInput(_rp(round, bread), 2), LineInput(_rp(round, flour), 10)],
        by_user=user,
        pickup_point=setup.pickup_point,
        now=DURING,
    )
    assert order.pickup_point == setup.pickup_point
    assert sorted(order.lines.values_list("firm", flat=True)) == [D("2"), D("10")]


def test_every_change_is_an_event_with_a_gap_free_sequence(setup, supplier):
    bread = make_product(supplier)
    eggs = make_product(supplier, case_size=D("6"))
    (a, a_user), (b, b_user) = make_member(setup), make_member(setup)
    round = make_round(setup, supplier, [bread, eggs])
    order = lambda family, user, product, firm, tolerance=0: services.order_set_quantity(  # noqa: E731
        round=round,
        family=family,
        round_product=_rp(round, product),
        firm=firm,
        tolerance=tolerance,
        by_user=user,
        now=DURING,
    )
    order(a, a_user, bread, 2)
    order(b, b_user, eggs, 4, 2)
    order(a, a_user, bread, 2)  # no change: no event
    order(a, a_user, bread, 1)
    with pytest.raises(ValidationError):
        order(a, a_user, eggs, -1)
    order(a, a_user, eggs, 3)
    events = list(
        OrderChange.objects.filter(round=round)
        .order_by("sequence")
        .values_list("sequence", "family", "firm", "tolerance", "previous_firm")
    )
    assert events == [
        (1, a.pk, D("2"), D("0"), D("0")),
        (2, b.pk, D("4"), D("2"), D("0")),
        (3, a.pk, D("1"), D("0"), D("2")),
        (4, a.pk, D("3"), D("0"), D("0")),
    ]
    round.refresh_from_db()
    assert round.last_sequence == 4


# --- Prepaid credit -----------------------------------------------------------------------


def test_prepaid_group_orders_within_credit(supplier):
    setup = make_group(prepaid_mode=True, fund_percent=D("2"))
    supplier = make_supplier(setup)
    product = make_product(supplier, name="Formaggio", unit_price=D("10.00"))
    family, user = make_member(setup)
    round = make_round(setup, supplier, [product])
    rp = _rp(round, product)
    services.payment_record(
        group=setup.group,
        family=family,
        amount=D("30.60"),
        method="cash",
        paid_on=dt.date(2026, 10, 1),
        by=setup.coordinator,
    )
    # 3 × 10.00 × 1.02 = 30.60: exactly the credit.
    services.order_set_quantity(
        round=round, family=family, round_product=rp, firm=3, by_user=user, now=DURING
    )
    with pytest.raises(ValidationError) as error:
        services.order_set_quantity(
            round=round, family=family, round_product=rp, firm=4, by_user=user, now=DURING
        )
    assert error.value.code == "insufficient_credit"
    assert error.value.messages == [
        "Credito insufficiente: questo ordine può costare fino a 40,80 €, "
        "il credito disponibile è 30,60 €."
    ]
    services.order_set_quantity(
        round=round, family=family, round_product=rp, firm=2, by_user=user, now=DURING
    )
