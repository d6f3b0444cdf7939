"""A round from draft to settled (and cancelled), through the services, as the group lives it."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_q.models import Schedule

from gaf import rounds, services
from gaf.loading import load_round, round_changes
from gaf.models import FundEntry, Order, OrderLine, OrderRound, RoundProduct
from gaf.selectors import round_documents
from gaf.services import LineInput, Tier
from tests.gaf.factories import (
    bulk_members,
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
AFTER = rome(2026, 10, 25, 20, 0, 1)


@pytest.fixture
def catalogue(setup):
    supplier = make_supplier(setup, name="Cascina Roseleto", email="ordini@roseleto.example.org")
    apples = make_product(
        supplier,
        code="MELE",
        name="Mele renette",
        unit="kg",
        unit_price=D("2.40"),
        vat_rate=4,
        case_size=D("6"),
        multiple=D("0.5"),
        tiers=[Tier(D("12"), D("2.10"))],
    )
    cheese = make_product(
        supplier,
        code="TOMA",
        name="Toma piemontese",
        unit="kg",
        unit_price=D("14.90"),
        vat_rate=4,
        multiple=D("0.5"),
    )
    wine = make_product(
        supplier, code="VINO", name="Barbera", unit="pz", unit_price=D("7.30"), vat_rate=22
    )
    return supplier, apples, cheese, wine


def _rp(round, product):
    return RoundProduct.objects.get(round=round, product=product)


def _order(round, family, user, product, firm, tolerance=0):
    return services.order_set_quantity(
        round=round,
        family=family,
        round_product=_rp(round, product),
        firm=D(firm),
        tolerance=D(tolerance),
        by_user=user,
        now=DURING,
    )


def test_full_round(setup, catalogue, django_capture_on_commit_callbacks):
    supplier, apples, cheese, wine = catalogue
    a, a_user = make_member(setup, name="Famiglia Rossi")
    b, b_user = make_member(setup, name="Famiglia Gallo")
    c, c_user = make_member(setup, name="Famiglia Ferrero")
    with django_capture_on_commit_callbacks(execute=True):
        round = make_round(setup, supplier, [apples, cheese, wine], send_on_close=False)
    assert round.state == "open"
    opened = {m.to[0] for m in mail.outbox}
    assert {a_user.email, b_user.email, c_user.email, setup.coordinator.email} <= opened
    assert set(
        Schedule.objects.filter(name__startswith=f"gaf-round-{round.pk}-").values_list(
            "name", flat=True
        )
    ) == {
        f"gaf-round-{round.pk}-{job}"
        for job in ("close", "remind-24h", "remind-2h", "last-hour", "delivery")
    }

    # Apples: 4 + 3 + 3 firm = 10 kg, tolerance 2 from C completes the second case (12 kg),
    # which reaches the 12 kg tier.
    _order(round, a, a_user, apples, "4")
    _order(round, b, b_user, apples, "3")
    _order(round, c, c_user, apples, "3", "2")
    _order(round, a, a_user, cheese, "1.5")
    _order(round, b, b_user, wine, "3")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_close(round=round, by=None, now=AFTER).state == "closed"
        with pytest.raises(services.RoundConflict) as again:
            services.round_close(round=round, by=None, now=AFTER)
    assert again.value.code == "round_not_open"
    round.refresh_from_db()
    assert round.state == "closed"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [a_user.email, b_user.email, c_user.email]
    )
    assert not Schedule.objects.filter(name=f"gaf-round-{round.pk}-close").exists()

    apple_rp = _rp(round, apples)
    assert apple_rp.allocated_total == D("12")
    assert apple_rp.cases == 2
    assert apple_rp.applied_unit_price == D("2.10")
    assert apple_rp.total == D("25.20")
    allocated = dict(
        OrderLine.objects.filter(round_product=apple_rp).values_list("order__family", "allocated")
    )
    assert allocated == {a.pk: D("4"), b.pk: D("3"), c.pk: D("5")}

    docs = round_documents(round)
    assert docs.supplier_order.total == D("25.20") + D("22.35") + D("21.90")
    slips_total = sum(slip.total for slip in docs.slips)
    assert slips_total == docs.supplier_order.total + docs.fund_total + docs.shared_costs_total
    fund = {slip.family_name: slip.fund_share for slip in docs.slips}
    # 2% per family, rounded per family: A 8.40+22.35 = 30.75 → 0.62 (0.615 rounds half up).
    assert fund["Famiglia Rossi"] == D("0.62")
    assert [v.rate for v in docs.supplier_order.vat] == [D("4"), D("22")]

    # Send to the supplier: one e-mail with the three files.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.round_send_to_supplier(round=round, by=setup.coordinator, now=AFTER)
    (message,) = mail.outbox
    assert message.to == ["ordini@roseleto.example.org"]
    assert sorted(name.rsplit(".", 1)[1] for name, _c, _t in message.attachments) == [
        "csv",
        "json",
        "pdf",
    ]

    # Delivered ≠ ordered: A's toma weighs 1.42 kg instead of 1.5; C gets 4.5 kg of apples, not 5.
    cheese_line = OrderLine.objects.get(order__family=a, round_product__product=cheese)
    c_apples = OrderLine.objects.get(order__family=c, round_product=apple_rp)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.delivery_record(
            round=round,
            quantities={cheese_line.pk: D("1.42"), c_apples.pk: D("4.5")},
            by=setup.coordinator,
            now=AFTER,
        )
    assert changed == sorted([a.pk, c.pk])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a_user.email, c_user.email])
    cheese_line.refresh_from_db()
    assert cheese_line.total == D("21.16")  # 1.42 × 14.90 = 21.158
    apple_rp.refresh_from_db()
    assert apple_rp.delivered_total == D("11.5")
    assert apple_rp.applied_unit_price == D("2.10")  # the tier was earned by the order
    docs = round_documents(round)
    assert sum(s.total for s in docs.slips) == (
        docs.supplier_order.total + docs.fund_total + docs.shared_costs_total
    )

    entry = services.round_settle(round=round, by=setup.coordinator, now=AFTER)
    assert entry.amount == sum(
        Order.objects.filter(round=round).values_list("fund_share", flat=True)
    )
    assert entry.amount == docs.fund_total

    services.round_cancel(round=round, by=setup.coordinator, reason="Merce avariata", now=AFTER)
    reversal = FundEntry.objects.get(round=round, kind="reversal")
    assert reversal.amount == -entry.amount
    with pytest.raises(ValidationError) as error:
        services.round_cancel(round=round, by=setup.coordinator, reason="Di nuovo", now=AFTER)
    assert error.value.message_dict["state"]


def test_reopen_recomputes_until_sent(setup, catalogue, django_capture_on_commit_callbacks):
    supplier, apples, _cheese, _wine = catalogue
    a, a_user = make_member(setup)
    b, b_user = make_member(setup)
    round = make_round(setup, supplier, [apples])
    _order(round, a, a_user, apples, "4")
    services.round_close(round=round, by=setup.coordinator, now=DURING)
    assert _rp(round, apples).allocated_total == D("0")  # 4 kg: no full case

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.round_reopen(
            round=round, closes_at=rome(2026, 10, 27, 20), by=setup.coordinator, now=AFTER
        )
    assert {m.to[0] for m in mail.outbox} >= {a_user.email, b_user.email}
    assert "riaperto" in mail.outbox[0].subject.lower()
    assert _rp(round, apples).allocated_total is None
    _order_at = rome(2026, 10, 26, 9)
    services.order_set_quantity(
        round=round,
        family=b,
        round_product=_rp(round, apples),
        firm=D("2"),
        by_user=b_user,
        now=_order_at,
    )
    services.round_close(round=round, by=None, now=rome(2026, 10, 27, 20))
    assert _rp(round, apples).allocated_total == D("6")

    services.round_send_to_supplier(round=round, by=setup.coordinator, now=AFTER)
    with pytest.raises(ValidationError) as error:
        services.round_reopen(
            round=round, closes_at=rome(2026, 10, 30, 20), by=setup.coordinator, now=AFTER
        )
    assert "inviato al fornitore" in error.value.message_dict["state"][0]


def test_frozen_prices(setup, catalogue):
    supplier, apples, cheese, _wine = catalogue
    round = make_round(setup, supplier, [apples])
    services.product_update(product=apples, by=setup.coordinator, unit_price=D("3.00"), tiers=[])
    rp = _rp(round, apples)
    assert rp.unit_price == D("2.40")
    assert rp.price_tiers == [["12.000", "2.1000"]]
    with pytest.raises(ValidationError) as error:
        services.round_set_products(round=round, products=[apples, cheese], by=setup.coordinator)
    assert error.value.message_dict["products"] == [
        "I prodotti e i prezzi di un giro già aperto sono congelati."
    ]
    with pytest.raises(ValidationError) as error:
        services.round_update(round=round, by=setup.coordinator, fund_percent=D("5"))
    assert "fund_percent" in error.value.message_dict


def test_draft_follows_catalogue_until_opened(setup, catalogue):
    supplier, apples, _cheese, _wine = catalogue
    round = make_round(setup, supplier, [apples], open_it=False)
    services.product_update(product=apples, by=setup.coordinator, unit_price=D("2.60"))
    services.round_open(round=round, by=setup.coordinator, now=rome(2026, 10, 20, 9))
    rp = _rp(round, apples)
    assert rp.unit_price == D("2.60")
    assert rp.frozen_at == rome(2026, 10, 20, 9)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("draft", "closed"),
        ("open", "sent"),
        ("closed", "delivered"),
        ("closed", "settled"),
    ],
)
def test_state_machine_refuses_skips(setup, catalogue, source, target):
    supplier, apples, _cheese, _wine = catalogue
    round = make_round(setup, supplier, [apples], open_it=source != "draft")
    if source == "closed":
        services.round_close(round=round, by=setup.coordinator, now=DURING)
    actions = {
        "sent": lambda: services.round_send_to_supplier(round=round, by=setup.coordinator),
        "delivered": lambda: services.delivery_record(
            round=round, quantities={}, by=setup.coordinator
        ),
        "settled": lambda: services.round_settle(round=round, by=setup.coordinator),
    }
    if target == "closed":
        with pytest.raises(services.RoundConflict) as error:
            services.round_close(round=round, by=setup.coordinator)
        assert error.value.code == "round_not_open"
        assert OrderRound.objects.get(pk=round.pk).state == "draft"
        return
    with pytest.raises(ValidationError) as error:
        actions[target]()
    assert error.value.message_dict["state"]
    assert OrderRound.objects.get(pk=round.pk).state == source


def test_cancel_before_settlement_books_nothing(setup, catalogue):
    supplier, apples, _cheese, _wine = catalogue
    a, a_user = make_member(setup)
    round = make_round(setup, supplier, [apples])
    _order(round, a, a_user, apples, "6")
    services.round_close(round=round, by=setup.coordinator, now=DURING)
    services.round_cancel(round=round, by=setup.coordinator, reason="Grandine", now=DURING)
    assert not FundEntry.objects.filter(round=round).exists()
    assert not Schedule.objects.filter(name__startswith=f"gaf-round-{round.pk}-").exists()
    with pytest.raises(ValidationError) as error:
        services.round_cancel(round=round, by=setup.coordinator, reason="  ")
    assert error.value.message_dict["reason"]


def test_the_scheduler_never_closes_before_the_deadline(setup, catalogue):
    supplier, apples, _cheese, _wine = catalogue
    round = make_round(setup, supplier, [apples])
    with pytest.raises(services.RoundConflict) as error:
        services.round_close(round=round, by=None, now=DURING)
    assert error.value.code == "deadline_not_reached"
    assert "25/10/2026 20:00" in error.value.message
    assert OrderRound.objects.get(pk=round.pk).state == "open"
    # A coordinator closes early on purpose.
    assert services.round_close(round=round, by=setup.coordinator, now=DURING).state == "closed"


@pytest.mark.parametrize("sends", [False, True])
def test_the_group_chooses_whether_the_close_sends_the_order(
    setup, catalogue, django_capture_on_commit_callbacks, sends
):
    """Off (the default) the order waits for a person and the round can be reopened until
    then; on, the close e-mails the supplier and the round is sent."""
    supplier, apples, _cheese, _wine = catalogue
    assert setup.group.send_order_on_close is False
    services.group_update(group=setup.group, by=setup.coordinator, send_order_on_close=sends)
    a, a_user = make_member(setup)
    round = make_round(setup, supplier, [apples])
    assert round.send_on_close is sends
    _order(round, a, a_user, apples, "6")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        closed = services.round_close(round=round, by=setup.coordinator, now=DURING)
    to_supplier = [m for m in mail.outbox if m.to == ["ordini@roseleto.example.org"]]
    assert closed.state == ("sent" if sends else "closed")
    assert len(to_supplier) == (1 if sends else 0)
    if sends:
        with pytest.raises(ValidationError):
            services.round_reopen(
                round=round, closes_at=rome(2026, 10, 27, 20), by=setup.coordinator, now=DURING
            )
    else:
        reopened = services.round_reopen(
            round=round, closes_at=rome(2026, 10, 27, 20), by=setup.coordinator, now=DURING
        )
        assert reopened.state == "open"


def test_a_round_may_differ_from_its_groups_choice(setup, catalogue):
    supplier, apples, _cheese, _wine = catalogue
    round = make_round(setup, supplier, [apples], send_on_close=True)
    assert (setup.group.send_order_on_close, round.send_on_close) == (False, True)


# --- A round of many families: queries per phase, and the delivery priced again ------------


def _busy_round(families: int, *, policy: str = "fifo", eggs_maximum: str = "1000"):
    """A round whose products have cases, tolerance, a tier, a maximum and weights, ordered
    by `families` families (each changing some quantities twice) and a shared cost."""
    setup = make_group(fund_percent=D("2.50"), policy=policy)
    supplier = make_supplier(setup)
    apples = make_product(
        supplier,
        name="Mele",
        unit="kg",
        multiple=D("0.5"),
        case_size=D("6"),
        unit_price=D("2.35"),
        tiers=[Tier(D("12"), D("2.05"))],
    )
    eggs = make_product(
        supplier,
        name="Uova",
        unit="pz",
        case_size=D("6"),
        unit_price=D("0.45"),
        max_total=D(eggs_maximum),
    )
    wine = make_product(
        supplier, name="Barbera", unit="l", unit_price=D("6.90"), vat_rate=22, unit_weight_kg=D("1")
    )
    cheese = make_product(
        supplier, name="Toma", unit="kg", multiple=D("0.25"), unit_price=D("14.9")
    )
    round = make_round(setup, supplier, [apples, eggs, wine, cheese])
    services.shared_cost_add(
        round=round, label="Trasporto", amount=D("17.00"), by=setup.coordinator
    )
    products = {rp.product_id: rp for rp in RoundProduct.objects.filter(round=round)}
    members = bulk_members(setup, families)
    for index, family in enumerate(members):
        for lines in (
            [
                LineInput(products[apples.pk], D("0.5") * (index % 7 + 1), D("0.5") * (index % 3)),
                LineInput(products[eggs.pk], index % 5, index % 4),
                LineInput(products[wine.pk], index % 4),
            ],
            [
                LineInput(products[cheese.pk], D("0.25") * (index % 5)),
                LineInput(products[apples.pk], D("0.5") * (index % 5), D("0.5") * (index % 2)),
            ],
        ):
            services.order_set_quantities(
                round=round, family=family, lines=lines, by_user=setup.coordinator, now=DURING
            )
    return setup, round


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def _phase_queries(families: int) -> dict[str, int]:
    setup, round = _busy_round(families)
    by = setup.coordinator
    counts = {
        "close": _queries(lambda: services.round_close(round=round, by=by, now=AFTER)),
        "documents": _queries(lambda: round_documents(round)),
        "cost": _queries(
            lambda: services.shared_cost_add(round=round, label="Ghiaccio", amount=D("3"), by=by)
        ),
        "send": _queries(lambda: services.round_send_to_supplier(round=round, by=by, now=AFTER)),
        "delivery": _queries(
            lambda: services.delivery_record(round=round, quantities={}, by=by, now=AFTER)
        ),
    }
    line = OrderLine.objects.filter(order__round=round, allocated__gt=0).order_by("pk").first()
    counts["correction"] = _queries(
        lambda: services.delivery_record(
            round=round, quantities={line.pk: line.allocated / 2}, by=by, now=AFTER
        )
    )
    counts["settle"] = _queries(lambda: services.round_settle(round=round, by=by, now=AFTER))
    return counts


def test_each_phase_runs_the_same_queries_for_3_families_as_for_40():
    assert _phase_queries(3) == _phase_queries(40)


def test_closing_tells_3_families_or_40_with_the_same_after_commit_work(
    django_capture_on_commit_callbacks,
):
    """Every family's bell is updated after the commit, by one hook for all of them: a hook
    (a thread and an event loop) per person cost a close of 300 families more than
    writing its 45,000 lines."""
    hooks = []
    for families in (3, 40):
        setup, round = _busy_round(families)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.round_close(round=round, by=setup.coordinator, now=AFTER)
        hooks.append(len(callbacks))
    assert hooks[0] == hooks[1]


def _stored(round):
    lines = {
        (family_id, product_id): (allocated, unit_price, total)
        for family_id, product_id, allocated, unit_price, total in OrderLine.objects.filter(
            order__round=round
        ).values_list("order__family_id", "round_product_id", "allocated", "unit_price", "total")
    }
    products = {
        pk: (allocated, cases, price, delivered, total)
        for pk, allocated, cases, price, delivered, total in RoundProduct.objects.filter(
            round=round
        ).values_list(
            "pk", "allocated_total", "cases", "applied_unit_price", "delivered_total", "total"
        )
    }
    orders = {
        family_id: (goods, fund, shared, total)
        for family_id, goods, fund, shared, total in Order.objects.filter(round=round).values_list(
            "family_id", "goods_total", "fund_share", "shared_costs", "total"
        )
    }
    return lines, products, orders


def _recomputed(round):
    """What replaying the whole history with the recorded deliveries gives (the close's
    computation, as the delivery used to run it)."""
    loaded = load_round(round)
    delivered = {
        (family_id, product_id): quantity
        for family_id, product_id, quantity in OrderLine.objects.filter(
            order__round=round, delivered__isnull=False
        ).values_list("order__family_id", "round_product_id", "delivered")
    }
    result = rounds.compute_round(
        products=loaded.terms,
        changes=round_changes(round.pk),
        policy=round.allocation_policy,
        fund_percent=round.fund_percent,
        costs=loaded.costs,
        delivered=delivered,
    )
    lines, products, orders = _stored(round)
    nothing = rounds.FamilyResult(D(0), D(0), D(0), D(0))
    return (
        {
            key: (
                (result.lines[key].allocated, result.lines[key].unit_price, result.lines[key].total)
                if key in result.lines
                else (D(0), None, D(0))
            )
            for key in lines
        },
        {
            pk: (
                result.products[pk].allocated_total,
                result.products[pk].cases,
                result.products[pk].unit_price,
                result.products[pk].billed_total if delivered else None,
                result.products[pk].total,
            )
            for pk in products
        },
        {
            family_id: (
                result.families.get(family_id, nothing).goods_total,
                result.families.get(family_id, nothing).fund_share,
                result.families.get(family_id, nothing).shared_costs,
                result.families.get(family_id, nothing).total,
            )
            for family_id in orders
        },
    )


@pytest.mark.parametrize("policy", ["fifo", "proportional"])
def test_deliveries_and_costs_price_the_round_as_replaying_its_history_would(policy):
    """The delivery and a shared cost price the stored allocation again instead of
    replaying the history: the stored results are the ones a full recomputation gives."""
    # 12 families want 21 eggs firm and 18 as tolerance: 4 cases, beyond the 22 available,
    # so only the 3 full cases of firm eggs are ordered.
    setup, round = _busy_round(12, policy=policy, eggs_maximum="22")
    by = setup.coordinator
    services.round_close(round=round, by=by, now=AFTER)
    eggs = RoundProduct.objects.get(round=round, name="Uova")
    assert (eggs.allocated_total, eggs.cases) == (D("18"), 3)
    assert _stored(round) == _recomputed(round)
    services.shared_cost_add(round=round, label="Ghiaccio", amount=D("3.01"), by=by)
    assert _stored(round) == _recomputed(round)
    services.round_send_to_supplier(round=round, by=by, now=AFTER)
    lines = list(OrderLine.objects.filter(order__round=round, allocated__gt=0).order_by("pk")[:5])
    changed = services.delivery_record(
        round=round,
        quantities={
            lines[0].pk: D("0"),
            lines[1].pk: lines[1].allocated + 1,
            lines[2].pk: lines[2].allocated / 2,
        },
        by=by,
        now=AFTER,
    )
    assert changed
    assert _stored(round) == _recomputed(round)
    services.delivery_record(
        round=round, quantities={lines[3].pk: D("0.125"), lines[0].pk: D("1")}, by=by, now=AFTER
    )
    assert _stored(round) == _recomputed(round)
    cost = round.shared_costs.get(label="Trasporto")
    services.shared_cost_remove(shared_cost=cost, by=by)
    assert _stored(round) == _recomputed(round)
