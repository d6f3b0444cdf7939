"""Writes for a round after its order is sent: recording the delivery, settling, cancelling.

The lifecycle up to sending is gaf.services.rounds; these transitions lock the round row
first in the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gaf.bulk import gc_paused
from gaf.loading import stored_allocation
from gaf.models import (
    FundEntry,
    Order,
    OrderLine,
    OrderRound,
    RoundState,
)
from gaf.money import exact
from gaf.services._common import fail, lock_round
from gaf.services._side_effects import (
    notify_families,
    unschedule_round,
)
from gaf.services.chat_announcements import announce_delivery
from gaf.services.results import reprice
from gaf.services.rounds import _notify_changed_totals, _transition


@transaction.atomic
def delivery_record(
    *,
    round: OrderRound,
    quantities: Mapping[int, Decimal],
    by,
    now: dt.datetime | None = None,
) -> list[int]:
    """Record what actually arrived, by order line id; returns the families whose bill changed.

    Lines not mentioned the first time are taken as delivered in full. Prices, fund
    shares and shared costs are recomputed; the families whose total changed are told.
    """
    now = now or timezone.now()
    round = lock_round(round.pk)
    if round.state not in {RoundState.SENT, RoundState.DELIVERED}:
        fail(
            "state",
            _("La consegna si registra dopo l'invio dell'ordine al fornitore."),
            "invalid_state",
        )
    with gc_paused():
        changed = _record(round, quantities)
    first = round.state == RoundState.SENT
    if first:
        round.state = RoundState.DELIVERED
        round.delivered_at = now
        round.save(update_fields=["state", "delivered_at", "updated_at"])
        announce_delivery(round)
    # The first record changes every bill at once: the thread says "delivered", not
    # "allocation changed" (corrections afterwards do).
    return _notify_changed_totals(round, changed, announce=not first)


def _record(round: OrderRound, quantities: Mapping[int, Decimal]) -> list[int]:
    """Check and record the delivered quantities, price the round again (delivery_record)."""
    loaded = stored_allocation(round)
    known = {line[0]: line[3] for line in loaded.lines}
    errors, rows = {}, {}
    for line_id, quantity in quantities.items():
        key = f"quantities.{line_id}"
        if line_id not in known:
            errors[key] = _("La riga %(id)s non è di questo giro.") % {"id": line_id}
            continue
        try:
            quantity = Decimal(str(quantity))
            if not quantity.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors[key] = _("«%(value)s» non è una quantità.") % {"value": quantity}
            continue
        if quantity < 0:
            errors[key] = _("La quantità consegnata non può essere negativa.")
        elif quantity != quantity.quantize(Decimal("0.001")):
            errors[key] = _("Le quantità hanno al massimo 3 decimali.")
        elif not known[line_id]:
            errors[key] = _("A questa riga non era stato assegnato nulla.")
        else:
            rows[line_id] = quantity
    if errors:
        raise ValidationError(errors)
    if round.state == RoundState.SENT:
        # The first record: what is not mentioned arrived as allocated (one statement, and
        # the same on the lines already read).
        OrderLine.objects.filter(
            order__round=round, allocated__gt=0, delivered__isnull=True
        ).update(delivered=F("allocated"))
        loaded.lines[:] = [
            (*line[:4], line[3], *line[5:])
            if line[3] is not None and line[3] > 0 and line[4] is None
            else line
            for line in loaded.lines
        ]
    return reprice(round, loaded=loaded, delivered=rows)


@transaction.atomic
def round_settle(*, round: OrderRound, by, now: dt.datetime | None = None) -> FundEntry | None:
    """Settle a delivered round: its families' fund shares go to the Fondo Solidale as one entry."""
    now = now or timezone.now()
    round = lock_round(round.pk)
    _transition(round, RoundState.SETTLED)
    contribution = exact(
        Order.objects.filter(round=round).aggregate(total=Sum("fund_share"))["total"]
    )
    entry = None
    if contribution:
        entry = FundEntry.objects.create(
            network_id=round.group.network_id,
            kind=FundEntry.Kind.CONTRIBUTION,
            amount=contribution,
            occurred_on=timezone.localdate(now),
            description=_("Contributo del giro «%(title)s» (%(group)s)")
            % {"title": round.title, "group": round.group.name},
            group=round.group,
            round=round,
            created_by=by,
        )
    round.state = RoundState.SETTLED
    round.settled_at = now
    round.save(update_fields=["state", "settled_at", "updated_at"])
    unschedule_round(round)
    return entry


@transaction.atomic
def round_cancel(
    *, round: OrderRound, by, reason: str, now: dt.datetime | None = None
) -> OrderRound:
    """Cancel the round; a fund contribution already booked is reversed by a new entry."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        fail("reason", _("Spiega il motivo: verrà inviato alle famiglie."))
    round = lock_round(round.pk)
    _transition(round, RoundState.CANCELLED)
    had_orders = round.state != RoundState.DRAFT
    contribution = FundEntry.objects.filter(round=round, kind=FundEntry.Kind.CONTRIBUTION).first()
    if contribution is not None:
        FundEntry.objects.create(
            network_id=contribution.network_id,
            kind=FundEntry.Kind.REVERSAL,
            amount=-contribution.amount,
            occurred_on=timezone.localdate(now),
            description=_("Storno del contributo del giro «%(title)s» annullato")
            % {"title": round.title},
            group=round.group,
            round=round,
            created_by=by,
        )
    round.state = RoundState.CANCELLED
    round.cancelled_at = now
    round.cancellation_reason = reason
    round.revision += 1
    round.revised_at = now
    round.save(
        update_fields=[
            "state",
            "cancelled_at",
            "cancellation_reason",
            "revision",
            "revised_at",
            "updated_at",
        ]
    )
    unschedule_round(round)
    if had_orders:
        notify_families(round, "round_cancelled", extra={"reason": reason})
    return round
