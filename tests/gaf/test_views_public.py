"""The public Fondo Solidale page: totals per period, what the fund paid for, and never a
family's name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaf import services
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
SECRET_FAMILY = "Famiglia Riservatissima"


@pytest.fixture
def fund(monkeypatch):
    """A network whose fund has a round's contribution, a donation and a disbursement."""
    setup = make_group(fund_percent=D("5.00"))
    family, user = make_member(setup, name=SECRET_FAMILY)
    supplier = make_supplier(setup)
    product = make_product(supplier, unit_price=D("10.00"))
    round = make_round(setup, supplier, [product], title="Giro di ottobre")
    services.order_set_quantity(
        round=round,
        family=family,
        round_product=RoundProduct.objects.get(round=round),
        firm="4",
        by_user=user,
        now=rome(2026, 10, 22, 12),
    )
    after = rome(2026, 10, 25, 20, 0, 1)
    services.round_close(round=round, now=after)
    services.round_send_to_supplier(round=round, by=setup.coordinator, now=after)
    services.delivery_record(round=round, quantities={}, by=setup.coordinator, now=after)
    services.round_settle(round=round, by=setup.coordinator, now=rome(2026, 11, 3, 10))
    services.fund_donation_record(
        network=setup.network,
        amount=D("50.00"),
        occurred_on=dt.date(2027, 1, 15),
        description=f"Donazione della {SECRET_FAMILY}",
        by=setup.coordinator,
    )
    second_family, second = make_member(setup, name="Famiglia Seconda Coordinatrice")
    GroupMembership.objects.filter(family=second_family).update(is_coordinator=True)
    disbursement = services.fund_disbursement_request(
        network=setup.network, amount=D("30.00"), purpose="Libri per la scuola", by=second
    )
    services.fund_disbursement_approve(
        disbursement=disbursement, by=setup.coordinator, now=rome(2027, 2, 1, 9)
    )
    services.fund_disbursement_approve(
        disbursement=disbursement, by=second, now=rome(2027, 2, 1, 9)
    )
    return setup


def test_fund_page_is_public_with_totals_and_no_family_names(client, fund):
    response = client.get(reverse("gaf:fund"))
    assert response.status_code == 200
    html = response.content.decode()
    assert fund.network.name in html
    # The contribution: 4 × 10.00 = 40.00, 5% = 2.00, booked in November 2026.
    assert "novembre 2026" in html.lower()
    assert "2,00" in html
    assert "50,00" in html  # the donation, January 2027
    assert "Libri per la scuola" in html  # the disbursement's public purpose
    assert "22,00" in html  # balance: 2 + 50 − 30
    assert SECRET_FAMILY not in html
    assert "Seconda Coordinatrice" not in html
    assert "Famiglia Coordinatrice" not in html


@pytest.mark.parametrize(
    ("period", "label"), [("anno", "2027"), ("trimestre", "1º trimestre 2027")]
)
def test_fund_totals_per_period(client, fund, period, label):
    response = client.get(reverse("gaf:fund"), {"periodo": period})
    assert response.status_code == 200
    html = response.content.decode()
    assert label in html
    assert SECRET_FAMILY not in html


def test_fund_page_bad_filters_are_400(client, fund):
    assert client.get(reverse("gaf:fund"), {"periodo": "secolo"}).status_code == 400
    assert client.get(reverse("gaf:fund"), {"rete": "nessuna"}).status_code == 400


def test_fund_page_chooses_the_network(client, fund):
    other = make_group()
    services.fund_donation_record(
        network=other.network,
        amount=D("7.00"),
        occurred_on=dt.date(2027, 1, 15),
        by=other.coordinator,
    )
    html = client.get(reverse("gaf:fund"), {"rete": other.network.slug}).content.decode()
    assert "7,00" in html
    assert "Libri per la scuola" not in html


def test_fund_page_queries_do_not_grow_with_the_ledger(client, fund):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("gaf:fund")).status_code == 200
        return len(queries)

    before = count()
    for month in range(1, 13):
        services.fund_donation_record(
            network=fund.network,
            amount=D("1.00"),
            occurred_on=dt.date(2028, month, 1),
            by=fund.coordinator,
        )
    assert count() == before
