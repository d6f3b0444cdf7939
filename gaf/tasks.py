"""Background work of the purchase groups (django-q2). Each task loads by id, calls one
service or sends mail, and is safe to run twice.

The close of a round is scheduled (a one-off django-q2 Schedule at the deadline, written
by round_open/round_reopen); the service it calls closes only a round still open and
past its deadline, with the round row locked, so however often the job runs, the round
closes once. Reminders are claimed by a conditional update before being sent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from gaf import services
from gaf.links import round_url
from gaf.models import GroupMembership, NotificationKind, Order, OrderLine, OrderRound
from hub.models import FamilyMember

# The preference that governs each kind of e-mail (a cancellation concerns the order,
# like the allocation sent at the close).
PREFERENCE = {kind: kind for kind in NotificationKind.values} | {"round_cancelled": "round_closed"}
TEMPLATES = {
    NotificationKind.ROUND_OPENED: "gaf/email/round_opened",
    NotificationKind.ROUND_EXTENDED: "gaf/email/round_extended",
    NotificationKind.CLOSING_24H: "gaf/email/round_closing",
    NotificationKind.CLOSING_2H: "gaf/email/round_closing",
    NotificationKind.ROUND_CLOSED: "gaf/email/round_closed",
    NotificationKind.DELIVERY_REMINDER: "gaf/email/delivery_reminder",
    NotificationKind.DELIVERY_CHANGES: "gaf/email/delivery_changes",
    "round_cancelled": "gaf/email/round_cancelled",
}
# Kinds sent to every member family; the others go to the families that ordered something.
# A deadline's extension goes to every member, like the closing reminders: it is news for
# the families who have not ordered yet as much as for those who have.
TO_ALL_MEMBERS = {
    NotificationKind.ROUND_OPENED,
    NotificationKind.ROUND_EXTENDED,
    NotificationKind.CLOSING_24H,
    NotificationKind.CLOSING_2H,
}


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


def remind_delivery(round_id: int) -> bool:
    round = _round(round_id)
    return bool(round) and services.delivery_remind(round=round)


def _render(template: str, context: dict) -> tuple[str, str]:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    return subject, render_to_string(f"{template}_body.txt", context)


def _recipients(round: OrderRound, kind: str, family_ids) -> dict[int, list[str]]:
    """E-mail addresses per family that want `kind` (one query)."""
    if family_ids is None:
        if kind in TO_ALL_MEMBERS:
            family_ids = GroupMembership.objects.filter(group=round.group).values("family_id")
        else:
            family_ids = (
                Order.objects.filter(round=round, lines__isnull=False)
                .values("family_id")
                .distinct()
            )
    preference = PREFERENCE[kind]
    rows = FamilyMember.objects.filter(family_id__in=family_ids, user__is_active=True).values_list(
        "family_id", "user__email", f"user__gaf_notifications__{preference}"
    )
    recipients: dict[int, list[str]] = defaultdict(list)
    for family_id, email, wanted in rows:
        if wanted is not False:  # no preference row: every kind is on
            recipients[family_id].append(email)
    return recipients


def _family_details(round: OrderRound, family_ids) -> dict[int, dict]:
    """Each family's lines and totals, as plain data for the templates (two queries)."""
    details = {
        order.family_id: {
            "family": order.family.name,
            "pickup_point": order.pickup_point.name if order.pickup_point else "",
            "goods_total": order.goods_total,
            "fund_share": order.fund_share,
            "shared_costs": order.shared_costs,
            "total": order.total,
            "lines": [],
        }
        for order in Order.objects.filter(round=round, family_id__in=family_ids).select_related(
            "family", "pickup_point"
        )
    }
    for line in (
        OrderLine.objects.filter(order__round=round, order__family_id__in=family_ids)
        .select_related("round_product", "order")
        .order_by("round_product__position", "round_product__name")
    ):
        details[line.order.family_id]["lines"].append(
            {
                "product": line.round_product.name,
                "unit": line.round_product.unit,
                "firm": line.firm.normalize(),
                "tolerance": line.tolerance.normalize(),
                "allocated": None if line.allocated is None else line.allocated.normalize(),
                "delivered": None if line.delivered is None else line.delivered.normalize(),
                "total": line.total,
            }
        )
    return details


def notify_families(
    round_id: int,
    kind: str,
    family_ids: list[int] | None = None,
    extra: dict | None = None,
    language: str = "it",
) -> int:
    """E-mail each family concerned by `kind` that wants it; returns how many were sent.

    One message per person: families never see each other's addresses or orders.
    """
    round = _round(round_id)
    if round is None:
        return 0
    recipients = _recipients(round, kind, family_ids)
    if not recipients:
        return 0
    details = {} if kind in TO_ALL_MEMBERS else _family_details(round, list(recipients))
    base = {
        "round": round.title,
        "group": round.group.name,
        "supplier": round.supplier.name,
        "opens_at": timezone.localtime(round.opens_at),
        "closes_at": timezone.localtime(round.closes_at),
        "pickup_date": round.pickup_date,
        "pickup_starts_at": round.pickup_starts_at,
        "pickup_ends_at": round.pickup_ends_at,
        "hours": {"closing_24h": 24, "closing_2h": 2}.get(kind),
        "round_url": round_url(round.pk),
        "reason": round.cancellation_reason,
        **(extra or {}),
    }
    messages = []
    with translation.override(language):
        for family_id, emails in sorted(recipients.items()):
            context = {**base, **details.get(family_id, {})}
            subject, body = _render(TEMPLATES[kind], context)
            messages.extend(
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
                for email in emails
            )
    return get_connection().send_messages(messages) or 0


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
