"""Background work of the purchase groups (django-q2). Each task loads by id, calls one
service or sends mail, and is safe to run twice.

The close of a round is scheduled (a one-off django-q2 Schedule at the deadline, written
by round_open/round_reopen); the service it calls closes only a round still open and
past its deadline, with the round row locked, so however often the job runs, the round
closes once. Reminders are claimed by a conditional update before being sent; the
families hear about them through the hub's notification centre (gaf.services notifies).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from gaf import services
from gaf.models import OrderRound
from hub.models import FamilyMember


def _round(round_id: int) -> OrderRound | None:
    return OrderRound.objects.select_related("group", "supplier").filter(pk=round_id).first()


def close_round(round_id: int) -> bool:
    """True when this run closed the round; False when it was not open or not yet due."""
    round = _round(round_id)
    if round is None:
        return False
    try:
        services.round_close(round=round, by=None)
    except services.RoundConflict:
        return False
    return True


def remind_round(round_id: int, kind: str, deadline: str | None = None) -> bool:
    """`deadline`: the close this reminder was scheduled for (ISO 8601), None for any."""
    round = _round(round_id)
    return bool(round) and services.round_remind(
        round=round,
        kind=kind,
        deadline=None if deadline is None else dt.datetime.fromisoformat(deadline),
    )


def announce_last_hour(round_id: int) -> bool:
    """ "One hour left" in the round's thread (once per deadline, however often it runs)."""
    round = _round(round_id)
    return bool(round) and services.round_last_hour_announce(round=round)


def remind_delivery(round_id: int) -> bool:
    round = _round(round_id)
    return bool(round) and services.delivery_remind(round=round)


def _render(template: str, context: dict) -> tuple[str, str]:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    return subject, render_to_string(f"{template}_body.txt", context)


def send_supplier_order(round_id: int) -> int:
    """E-mail the supplier order with its CSV, JSON and PDF attached."""
    from gaf.exports import supplier_order_csv, supplier_order_json, supplier_order_pdf
    from gaf.selectors import round_documents

    round = _round(round_id)
    if round is None:
        return 0
    order = round_documents(round).supplier_order
    coordinators = sorted(
        set(
            FamilyMember.objects.filter(
                family__gaf_memberships__group=round.group,
                family__gaf_memberships__is_coordinator=True,
            ).values_list("user__email", flat=True)
        )
    )
    with translation.override("it"):
        subject, body = _render(
            "gaf/email/supplier_order",
            {
                "round": round.title,
                "group": round.group.name,
                "supplier": round.supplier.name,
                "pickup_date": round.pickup_date,
                "total": order.total,
                "lines": len(order.lines),
            },
        )
        message = EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [round.supplier.email],
            cc=coordinators,
            reply_to=coordinators,
        )
        stem = f"ordine-{round.group.slug}-{round.pk}"
        message.attach(f"{stem}.csv", supplier_order_csv(order), "text/csv")
        message.attach(f"{stem}.json", supplier_order_json(order), "application/json")
        message.attach(f"{stem}.pdf", supplier_order_pdf(order), "application/pdf")
    return message.send()
