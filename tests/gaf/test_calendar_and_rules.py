"""Pickup days in members' calendars, and who may do what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from events import calendar_sources
from gaf import rules, services
from gaf.calendar import pickup_days_for
from gaf.models import GroupMembership, OrderLine, RoundProduct
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
WINDOW = (rome(2026, 10, 1), rome(2026, 12, 31))
DURING = rome(2026, 10, 22, 12)


def test_registered_with_events():
    assert calendar_sources.registered()["gaf.pickups"] is pickup_days_for


def _order(round, family, member, firm=1, tolerance=0):
    return services.order_set_quantity(
        round=round,
        family=family,
        round_product=RoundProduct.objects.get(round=round),
        firm=firm,
        tolerance=tolerance,
        by_user=member,
        now=DURING,
    )


def test_families_see_the_pickup_days_of_their_orders(setup):
    supplier = make_supplier(setup, name="Cascina Roseleto")
    product = make_product(supplier)
    family, member = make_member(setup)
    draft = make_round(setup, supplier, [product], title="Bozza", open_it=False)
    round = make_round(
        setup,
        supplier,
        [product],
        title="Verdura di novembre",
        pickup_date=dt.date(2026, 10, 28),
        pickup_starts_at=dt.time(17, 30),
        pickup_ends_at=dt.time(19),
    )
    # A member family that has not ordered has nothing to pick up.
    assert pickup_days_for(member, *WINDOW) == []
    _order(round, family, member)
    (event,) = pickup_days_for(member, *WINDOW)
    assert event.uid == f"gaf-round-{round.pk}-pickup@hub"
    assert event.title == "Ritiro GAF: Verdura di novembre"
    assert (event.start, event.end, event.all_day) == (
        rome(2026, 10, 28, 17, 30),
        rome(2026, 10, 28, 19),
        False,
    )
    assert event.location == "Oratorio"
    assert draft.pk != round.pk
    outsider_setup = make_group()
    _f, outsider = make_member(outsider_setup)
    assert pickup_days_for(outsider, *WINDOW) == []
    assert pickup_days_for(AnonymousUser(), *WINDOW) == []

    sequence = event.sequence
    services.round_cancel(round=round, by=setup.coordinator, reason="Maltempo", now=DURING)
    (event,) = pickup_days_for(member, *WINDOW)
    assert event.status == "cancelled"
    assert event.sequence == sequence + 1


def test_only_rounds_with_an_order_of_the_family(setup):
    supplier = make_supplier(setup)
    product = make_product(supplier, case_size=Decimal("6"))
    family, member = make_member(setup)
    other_family, other = make_member(setup)
    ordered = make_round(setup, supplier, [product], title="Ordinato")
    make_round(setup, supplier, [product], title="Non ordinato")
    tolerance_only = make_round(setup, supplier, [product], title="Solo tolleranza")
    emptied = make_round(setup, supplier, [product], title="Svuotato")
    _order(ordered, family, member)
    _order(tolerance_only, family, member, firm=0, tolerance=1)
    _order(emptied, family, member)
    _order(emptied, family, member, firm=0)
    # Another family's order never puts the round in this family's calendar.
    _order(make_round(setup, supplier, [product], title="Degli altri"), other_family, other)
    titles = {event.title for event in pickup_days_for(member, *WINDOW)}
    assert titles == {"Ritiro GAF: Ordinato", "Ritiro GAF: Solo tolleranza"}
    assert {event.title for event in pickup_days_for(other, *WINDOW)} == {"Ritiro GAF: Degli altri"}


def test_after_the_close_only_what_was_allocated(setup):
    supplier = make_supplier(setup)
    product = make_product(supplier)
    family, member = make_member(setup)
    round = make_round(setup, supplier, [product])
    _order(round, family, member)
    OrderLine.objects.filter(order__round=round).update(allocated=0)
    assert pickup_days_for(member, *WINDOW) == []
    OrderLine.objects.filter(order__round=round).update(allocated=1)
    assert len(pickup_days_for(member, *WINDOW)) == 1


def test_quantity_changes_do_not_change_the_event(setup):
    supplier = make_supplier(setup)
    product = make_product(supplier)
    family, member = make_member(setup)
    round = make_round(setup, supplier, [product])
    _order(round, family, member)
    (before,) = pickup_days_for(member, *WINDOW)
    _order(round, family, member, firm=3)
    (after,) = pickup_days_for(member, *WINDOW)
    assert after == before


def test_calendar_queries_do_not_grow(setup, django_assert_max_num_queries):
    supplier = make_supplier(setup)
    product = make_product(supplier)
    family, member = make_member(setup)
    for index in range(6):
        _order(make_round(setup, supplier, [product], title=f"Giro {index}"), family, member)
    with django_assert_max_num_queries(2):
        assert len(pickup_days_for(member, *WINDOW)) == 6


def test_roles(setup):
    supplier = make_supplier(setup)
    product = make_product(supplier)
    family, member = make_member(setup)
    other_family, other = make_member(setup)
    treasurer_family, treasurer = make_member(setup)
    GroupMembership.objects.filter(family=treasurer_family).update(is_treasurer=True)
    draft = make_round(setup, supplier, [product], open_it=False)
    round = make_round(setup, supplier, [product])
    order = services.order_set_quantities(
        round=round,
        family=family,
        lines=[services.LineInput(RoundProduct.objects.get(round=round), 1)],
        by_user=member,
        now=DURING,
    )
    coordinator = setup.coordinator
    group = setup.group

    assert rules.can_manage_group(coordinator, group)
    assert not rules.can_manage_group(member, group)
    assert rules.can_view_round(member, round)
    assert not rules.can_view_round(member, draft)
    assert rules.can_view_round(coordinator, draft)
    assert rules.can_order(member, round)
    assert not rules.can_order(member, draft)
    # A family sees its own order, never another family's; organisers see all.
    assert rules.can_view_order(member, order)
    assert not rules.can_view_order(other, order)
    assert rules.can_view_order(coordinator, order)
    assert rules.can_view_order(treasurer, order)
    assert rules.can_record_payment(treasurer, group)
    assert not rules.can_record_payment(member, group)
    assert rules.can_view_balance(member, group, family.pk)
    assert not rules.can_view_balance(other, group, family.pk)
    assert rules.can_manage_suppliers(coordinator, setup.network.pk)
    assert not rules.can_manage_suppliers(member, setup.network.pk)
    assert rules.can_record_delivery(coordinator, round)
    assert not rules.can_record_delivery(member, round)
    assert rules.can_request_join(member, make_group().group)
    assert not rules.can_request_join(member, group)
    anonymous = AnonymousUser()
    assert not rules.can_view_group(anonymous, group)
    assert not rules.can_view_order(anonymous, order)
    assert not rules.is_member(anonymous, group)
    assert other_family.pk != family.pk
