"""Pickup days in members' calendars, and who may do what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from events import calendar_sources
from gaf import rules, services
from gaf.calendar import pickup_days_for
from gaf.models import GroupMembership, RoundProduct
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


def test_members_see_pickup_days(setup):
    supplier = make_supplier(setup, name="Cascina Roseleto")
    product = make_product(supplier)
    _family, member = make_member(setup)
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


def test_orders_do_not_change_the_feed(setup):
    supplier = make_supplier(setup)
    product = make_product(supplier)
    family, member = make_member(setup)
    round = make_round(setup, supplier, [product])
    (before,) = pickup_days_for(member, *WINDOW)
    services.order_set_quantity(
        round=round,
        family=family,
        round_product=RoundProduct.objects.get(round=round),
        firm=1,
        by_user=member,
        now=DURING,
    )
    (after,) = pickup_days_for(member, *WINDOW)
    assert after == before


def test_calendar_queries_do_not_grow(setup, django_assert_max_num_queries):
    supplier = make_supplier(setup)
    product = make_product(supplier)
    _family, member = make_member(setup)
    for index in range(6):
        make_round(setup, supplier, [product], title=f"Giro {index}")
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
