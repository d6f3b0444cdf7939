"""Money outside the rounds: families' payments to the treasurer, and the Fondo Solidale.

The fund is one ledger per network, fed by the groups' rounds (gaf.services.rounds books
a round's contribution at settlement and reverses it on cancellation), by donations, and
drawn on by disbursements that two different coordinators of the network approve.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gaf.models import (
    FundDisbursement,
    FundDisbursementApproval,
    FundEntry,
    GroupMembership,
    Payment,
    PurchaseGroup,
)
from gaf.money import exact
from gaf.services._common import euro, fail, membership_of
from hub.models import Family, Network

APPROVALS_NEEDED = 2


def _amount(field: str, value, *, allow_negative: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        fail(field, _("«%(value)s» non è un importo.") % {"value": value})
    if amount != amount.quantize(Decimal("0.01")):
        fail(field, _("L'importo è in euro e centesimi (al massimo due decimali)."))
    if amount == 0 or (amount < 0 and not allow_negative):
        fail(field, _("L'importo deve essere maggiore di zero."))
    return amount


# --- Payments -------------------------------------------------------------------------------


@transaction.atomic
def payment_record(
    *,
    group: PurchaseGroup,
    family: Family,
    amount: Decimal,
    method: str,
    paid_on: dt.date,
    reference: str = "",
    by,
) -> Payment:
    """A payment received by the treasurer (a negative amount is a refund to the family).

    The family's membership row is locked, as the order services lock it to check credit.
    """
    amount = _amount("amount", amount, allow_negative=True)
    if method not in Payment.Method.values:
        fail("method", _("Metodo di pagamento sconosciuto: contanti o bonifico."))
    if paid_on > timezone.localdate():
        fail("paid_on", _("La data del pagamento non può essere nel futuro."))
    if membership_of(group.pk, family.pk, lock=True) is None:
        fail("family", _("La famiglia non fa parte del gruppo."), "not_member")
    return Payment.objects.create(
        group=group,
        family=family,
        amount=amount,
        method=method,
        paid_on=paid_on,
        reference=reference.strip(),
        recorded_by=by,
    )


# --- Fondo Solidale -------------------------------------------------------------------------


@transaction.atomic
def fund_donation_record(
    *,
    network: Network,
    amount: Decimal,
    occurred_on: dt.date,
    description: str = "",
    group: PurchaseGroup | None = None,
    by,
) -> FundEntry:
    amount = _amount("amount", amount)
    if group is not None and group.network_id != network.pk:
        fail("group", _("Il gruppo non è di questa rete."))
    return FundEntry.objects.create(
        network=network,
        kind=FundEntry.Kind.DONATION,
        amount=amount,
        occurred_on=occurred_on,
        description=description.strip(),
        group=group,
        created_by=by,
    )


def is_network_coordinator(user, network: Network) -> bool:
    return (
        user.is_authenticated
        and GroupMembership.objects.filter(
            group__network=network, is_coordinator=True, family__memberships__user=user
        ).exists()
    )


@transaction.atomic
def fund_disbursement_request(
    *, network: Network, amount: Decimal, purpose: str, by
) -> FundDisbursement:
    """Ask to pay out of the fund; nothing moves until two coordinators approve."""
    amount = _amount("amount", amount)
    purpose = purpose.strip()
    if not purpose:
        fail("purpose", _("Descrivi la finalità dell'erogazione (senza nomi di famiglie)."))
    if not is_network_coordinator(by, network):
        raise PermissionDenied(_("Solo i coordinatori dei gruppi della rete chiedono erogazioni."))
    return FundDisbursement.objects.create(
        network=network, amount=amount, purpose=purpose, requested_by=by
    )


def fund_balance(network_id: int) -> Decimal:
    return exact(
        FundEntry.objects.filter(network_id=network_id).aggregate(total=Sum("amount"))["total"]
    )


@transaction.atomic
def fund_disbursement_approve(
    *, disbursement: FundDisbursement, by, now: dt.datetime | None = None
) -> FundDisbursement:
    """One coordinator's approval; the second different one books the disbursement.

    The requester may approve too: what matters is two different people. The network row
    is locked so two disbursements approved at once cannot overdraw the fund together.
    """
    now = now or timezone.now()
    Network.objects.select_for_update().get(pk=disbursement.network_id)
    disbursement = FundDisbursement.objects.select_for_update().get(pk=disbursement.pk)
    if disbursement.status != FundDisbursement.Status.REQUESTED:
        fail(None, _("Questa erogazione è già stata decisa."), "already_decided")
    if not is_network_coordinator(by, disbursement.network):
        raise PermissionDenied(_("Solo i coordinatori dei gruppi della rete approvano."))
    if disbursement.approvals.filter(approver=by).exists():
        fail(
            None,
            _("Hai già approvato: serve l'approvazione di un'altra persona coordinatrice."),
            "already_approved",
        )
    if disbursement.approvals.count() + 1 >= APPROVALS_NEEDED:
        balance = fund_balance(disbursement.network_id)
        if disbursement.amount > balance:
            fail(
                None,
                _("Il Fondo Solidale ha %(balance)s: non basta per %(amount)s.")
                % {"balance": euro(balance), "amount": euro(disbursement.amount)},
                "insufficient_fund",
            )
        FundDisbursementApproval.objects.create(disbursement=disbursement, approver=by)
        FundEntry.objects.create(
            network_id=disbursement.network_id,
            kind=FundEntry.Kind.DISBURSEMENT,
            amount=-disbursement.amount,
            occurred_on=timezone.localdate(now),
            description=disbursement.purpose,
            disbursement=disbursement,
            created_by=by,
        )
        disbursement.status = FundDisbursement.Status.APPROVED
        disbursement.decided_at = now
        disbursement.save(update_fields=["status", "decided_at"])
    else:
        FundDisbursementApproval.objects.create(disbursement=disbursement, approver=by)
    return disbursement


@transaction.atomic
def fund_disbursement_reject(
    *, disbursement: FundDisbursement, by, now: dt.datetime | None = None
) -> FundDisbursement:
    disbursement = FundDisbursement.objects.select_for_update().get(pk=disbursement.pk)
    if disbursement.status != FundDisbursement.Status.REQUESTED:
        fail(None, _("Questa erogazione è già stata decisa."), "already_decided")
    if not is_network_coordinator(by, disbursement.network):
        raise PermissionDenied(_("Solo i coordinatori dei gruppi della rete decidono."))
    disbursement.status = FundDisbursement.Status.REJECTED
    disbursement.decided_at = now or timezone.now()
    disbursement.save(update_fields=["status", "decided_at"])
    return disbursement
