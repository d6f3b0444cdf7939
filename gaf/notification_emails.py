"""The GAF's own e-mails for its notifications (gaf/templates/gaf/email/): the hub's
notification centre asks for them when it e-mails GAF notifications at once
(registered by GafConfig.ready() through gaf.notifications.register_kinds).

One message per person: families never see each other's addresses or orders. The queries
do not grow with the people: the rounds, the people's families, each round's orders.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.template.loader import render_to_string
from django.utils import timezone

from gaf import selectors
from gaf.links import round_url
from gaf.models import OrderRound
from gaf.notifications import HOURS, TEMPLATES, TO_ALL_MEMBERS


def _times(extra: dict) -> dict:
    # Times travel in a notification's data as ISO 8601 text (JSON): "previous_closes_at".
    return {
        key: timezone.localtime(dt.datetime.fromisoformat(value))
        if key.endswith("_at") and isinstance(value, str)
        else value
        for key, value in extra.items()
    }


def round_context(round: OrderRound, event: str, extra: dict | None = None) -> dict:
    """What every e-mail and notification about `event` in `round` can say (plain data).
    `extra` is the event's own (JSON) data; its times are ISO 8601 text."""
    return {
        "round": round.title,
        "group": round.group.name,
        "supplier": round.supplier.name,
        "opens_at": timezone.localtime(round.opens_at),
        "closes_at": timezone.localtime(round.closes_at),
        "pickup_date": round.pickup_date,
        "pickup_starts_at": round.pickup_starts_at,
        "pickup_ends_at": round.pickup_ends_at,
        "hours": HOURS.get(event),
        "round_url": round_url(round.pk),
        "reason": round.cancellation_reason,
        **_times(extra or {}),
    }


def subject(template: str, context: dict) -> str:
    """The e-mail's subject on one line (also the inbox's title of the notification)."""
    return " ".join(render_to_string(f"{template}_subject.txt", context).split())


def render(template: str, context: dict) -> tuple[str, str]:
    return subject(template, context), render_to_string(f"{template}_body.txt", context)


def render_emails(notifications: list) -> dict[int, tuple[str, str]]:
    """(subject, body) for each GAF notification, from the round and the person's family
    as they are now; a notification whose round is gone gets the hub's plain e-mail."""
    by_round = defaultdict(list)
    for notification in notifications:
        by_round[notification.data.get("round")].append(notification)
    rounds = OrderRound.objects.select_related("group", "supplier").in_bulk(
        [round_id for round_id in by_round if isinstance(round_id, int)]
    )
    family_of = selectors.families_of_people(user_ids=[n.user_id for n in notifications])
    rendered = {}
    for round_id, items in by_round.items():
        round = rounds.get(round_id)
        if round is None:
            continue
        families = sorted(
            {family_of[n.user_id] for n in items if n.user_id in family_of}
            if any(n.data.get("event") not in TO_ALL_MEMBERS for n in items)
            else set()
        )
        details = (
            selectors.family_email_details(round=round, family_ids=families) if families else {}
        )
        for notification in items:
            event = notification.data.get("event")
            if event not in TEMPLATES:
                continue
            context = {
                **round_context(round, event, notification.data.get("extra")),
                **details.get(family_of.get(notification.user_id), {}),
            }
            rendered[notification.pk] = render(TEMPLATES[event], context)
    return rendered
