"""Payments and the Fondo Solidale: bad amounts, two-coordinator disbursements."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gaf import services
from gaf.models import FundDisbursement, FundEntry, GroupMembership, Payment
from tests.gaf.factories import make_family, make_member

pytestmark = pytest.mark.django_db

D = Decimal


def _second_coordinator(setup):
    family, user = make_member(setup, name="Famiglia Seconda")
    GroupMembership.objects.filter(group=setup.group, family=family).update(is_coordinator=True)
    return user


@pytest.mark.parametrize(
    ("amount", "field", "message"),
    [
        ("0", "amount", "L'importo deve essere maggiore di zero."),
        ("12.345", "amount", "L'importo è in euro e centesimi (al massimo due decimali)."),
        ("dieci", "amount", "«dieci» non è un importo."),
    ],
)
def test_payment_bad_amounts(setup, amount, field, message):
    family, _user = make_member(setup)
    with pytest.raises(ValidationError) as error:
        services.payment_record(
            group=setup.group,
            family=family,
            amount=amount,
            method="cash",
            paid_on=dt.date(2026, 10, 1),
            by=setup.coordinator,
        )
    assert error.value.message_dict == {field: [message]}
    assert not Payment.objects.exists()


def test_payment_refund_and_outsider(setup):
    family, _user = make_member(setup)
    refund = services.payment_record(
        group=setup.group,
        family=family,
        amount="-5,50",
        method="bank_transfer",
        paid_on=dt.date(2026, 10, 1),
        by=setup.coordinator,
    )
    assert refund.amount == D("-5.50")
    stranger, _user = make_family(municipality=setup.municipality)
    with pytest.raises(ValidationError) as error:
        services.payment_record(
            group=setup.group,
            family=stranger,
            amount="5",
            method="cash",
            paid_on=dt.date(2026, 10, 1),
            by=setup.coordinator,
        )
    assert error.value.message_dict == {"family": ["La famiglia non fa parte del gruppo."]}


def test_disbursement_needs_two_different_coordinators(setup):
    services.fund_donation_record(
        network=setup.network, amount=D("80.00"), occurred_on=dt.date(2026, 10, 1), by=None
    )
    second = _second_coordinator(setup)
    request = services.fund_disbursement_request(
        network=setup.network,
        amount=D("50.00"),
        purpose="Buoni spesa per due famiglie in difficoltà",
        by=setup.coordinator,
    )
    services.fund_disbursement_approve(disbursement=request, by=setup.coordinator)
    assert not FundEntry.objects.filter(kind="disbursement").exists()
    with pytest.raises(ValidationError) as error:
        services.fund_disbursement_approve(disbursement=request, by=setup.coordinator)
    assert error.value.code == "already_approved"
    _member_family, member = make_member(setup)
    with pytest.raises(PermissionDenied):
        services.fund_disbursement_approve(disbursement=request, by=member)

    services.fund_disbursement_approve(disbursement=request, by=second)
    request.refresh_from_db()
    assert request.status == FundDisbursement.Status.APPROVED
    entry = FundEntry.objects.get(kind="disbursement")
    assert entry.amount == D("-50.00")
    assert entry.disbursement == request
    with pytest.raises(ValidationError) as error:
        services.fund_disbursement_approve(disbursement=request, by=second)
    assert error.value.code == "already_decided"


def test_disbursement_cannot_overdraw_the_fund(setup):
    second = _second_coordinator(setup)
    request = services.fund_disbursement_request(
        network=setup.network, amount=D("10.00"), purpose="Materiale scolastico", by=second
    )
    services.fund_disbursement_approve(disbursement=request, by=second)
    with pytest.raises(ValidationError) as error:
        services.fund_disbursement_approve(disbursement=request, by=setup.coordinator)
    assert error.value.messages == ["Il Fondo Solidale ha 0,00 €: non basta per 10,00 €."]
    assert not FundEntry.objects.exists()
    assert FundDisbursement.objects.get().status == "requested"


def test_only_coordinators_request(setup):
    _family, member = make_member(setup)
    with pytest.raises(PermissionDenied):
        services.fund_disbursement_request(
            network=setup.network, amount=D("10.00"), purpose="Qualcosa", by=member
        )
    with pytest.raises(ValidationError) as error:
        services.fund_disbursement_request(
            network=setup.network, amount=D("10.00"), purpose="  ", by=setup.coordinator
        )
    assert "purpose" in error.value.message_dict
