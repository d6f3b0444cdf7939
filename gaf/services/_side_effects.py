"""What the round services set in motion: django-q2 schedules, notifications, broadcasts.

Schedules are rows written in the service's transaction (so a rolled-back change leaves
none); notifications go through the hub's notification centre, which writes the inbox rows
in the same transaction and e-mails and pushes them only after it commits, with a fixed
number of queries whatever the number of families.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from gaf import selectors
from gaf.links import round_url
from gaf.live import round_group, state_event
from gaf.models import OrderRound
from gaf.notification_emails import round_context
from gaf.notification_emails import subject as email_subject
from gaf.notifications import TEMPLATES, TO_ALL_MEMBERS, NotificationKind, kind_code, place_of

CLOSE, REMIND_24H, REMIND_2H, DELIVERY_REMINDER = "close", "remind-24h", "remind-2h", "delivery"
# "One hour left" in the round's thread (gaf.services.chat_announcements).
LAST_HOUR = "last-hour"
ROUND_SCHEDULES = (CLOSE, REMIND_24H, REMIND_2H, LAST_HOUR, DELIVERY_REMINDER)
# The evening before the pickup day, local time.
DELIVERY_REMINDER_TIME = dt.time(18, 0)
# How long before the deadline each closing reminder goes out, and its job.
REMINDERS = {"closing_24h": (24, REMIND_24H), "closing_2h": (2, REMIND_2H)}


def schedule_name(round_id: int, job: str) -> str:
    return f"gaf-round-{round_id}-{job}"


def reminder_time(closes_at: dt.datetime, kind: str) -> dt.datetime:
    """When the `kind` reminder of a round closing at `closes_at` goes out: in UTC, so that
    "24 hours before" is 24 elapsed hours across a daylight-saving change too (Python
    subtracts wall-clock time from a datetime in Europe/Rome)."""
    hours, _job = REMINDERS[kind]
    return closes_at.astimezone(dt.UTC) - dt.timedelta(hours=hours)


def _runs(round: OrderRound) -> dict[str, tuple[str, dt.datetime, str]]:
    rome = ZoneInfo(settings.TIME_ZONE)
    evening_before = dt.datetime.combine(
        round.pickup_date - dt.timedelta(days=1), DELIVERY_REMINDER_TIME, tzinfo=rome
    )
    closes_at = round.closes_at.astimezone(dt.UTC)
    # Each reminder names the deadline it is for: a job left from an earlier deadline (an
    # extension moved it) finds another deadline on the round and sends nothing.
    deadline = closes_at.isoformat()
    return {
        CLOSE: ("gaf.tasks.close_round", round.closes_at, f"round_id={round.pk}"),
        **{
            job: (
                "gaf.tasks.remind_round",
                reminder_time(closes_at, kind),
                f"round_id={round.pk}, kind='{kind}', deadline='{deadline}'",
            )
            for kind, (_hours, job) in REMINDERS.items()
        },
        LAST_HOUR: (
            "gaf.tasks.announce_last_hour",
            round.closes_at - dt.timedelta(hours=1),
            f"round_id={round.pk}",
        ),
        DELIVERY_REMINDER: (
            "gaf.tasks.remind_delivery",
            evening_before,
            f"round_id={round.pk}",
        ),
    }


def schedule_round(round: OrderRound, *, now: dt.datetime, jobs=ROUND_SCHEDULES) -> None:
    """(Re)create the round's one-off jobs; a job whose time has passed is not created.

    Every job is safe to run twice and checks the round's state when it runs, so a stale
    job (a reopened round, a changed date) does nothing.
    """
    from django_q.models import Schedule

    for job, (func, run_at, kwargs) in _runs(round).items():
        if job not in jobs:
            continue
        name = schedule_name(round.pk, job)
        if run_at <= now and job != CLOSE:
            Schedule.objects.filter(name=name).delete()
            continue
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "kwargs": kwargs,
                "schedule_type": Schedule.ONCE,
                "repeats": -1,
                "next_run": run_at,
            },
        )


def unschedule_round(round: OrderRound, *, jobs=ROUND_SCHEDULES) -> None:
    from django_q.models import Schedule

    Schedule.objects.filter(name__in=[schedule_name(round.pk, job) for job in jobs]).delete()


def notify_families(
    round: OrderRound, event: str, *, family_ids: list[int] | None = None, extra: dict | None = None
) -> None:
    """Tell the people of the round's families about `event` (a NotificationKind value or
    "round_cancelled") through the hub's notification centre: in their inbox now, by e-mail
    (gaf/templates/gaf/email/, written by gaf.notification_emails) at once or in their
    digest after the commit, as each person chose for the kind in this group.

    `family_ids` None means the families concerned by `event` (gaf.notifications). A fixed
    number of queries, whatever the number of families.
    """
    from hub import notifications

    users = selectors.round_recipients(
        round=round, to_all_members=event in TO_ALL_MEMBERS, family_ids=family_ids
    )
    if not users:
        return
    extra = extra or {}
    # The inbox keeps one text for everyone: the site's language (e-mails follow the
    # language of the request that caused them, as they always did).
    with translation.override(settings.LANGUAGE_CODE):
        context = round_context(round, event, extra)
        title = email_subject(TEMPLATES[event], context)
        body = _short_text(event, context)
    notifications.notify(
        users=users,
        kind=kind_code(event),
        title=title,
        body=body,
        url=round_url(round.pk),
        place=place_of(round.group_id),
        place_label=round.group.name,
        data={"round": round.pk, "event": event, "extra": extra},
    )


def _short_text(event: str, context: dict) -> str:
    closes = date_format(context["closes_at"], "l j F, H:i")
    pickup = date_format(context["pickup_date"], "l j F")
    if event == NotificationKind.ROUND_OPENED:
        if context.get("reopened"):
            return _("Ordini di nuovo aperti fino a %(closes)s.") % {"closes": closes}
        return _("Ordini fino a %(closes)s; ritiro %(pickup)s.") % {
            "closes": closes,
            "pickup": pickup,
        }
    if event in (
        NotificationKind.CLOSING_24H,
        NotificationKind.CLOSING_2H,
        NotificationKind.ROUND_EXTENDED,
    ):
        return _("Gli ordini chiudono %(closes)s.") % {"closes": closes}
    if event == NotificationKind.ROUND_CLOSED:
        return _("Guarda quanto riceverai e quanto pagherai; ritiro %(pickup)s.") % {
            "pickup": pickup
        }
    if event == NotificationKind.DELIVERY_REMINDER:
        return _("Ritiro %(pickup)s.") % {"pickup": pickup}
    if event == NotificationKind.DELIVERY_CHANGES:
        return _("Le quantità consegnate hanno cambiato il tuo conto: guarda il nuovo totale.")
    return _("Motivo: %(reason)s") % {"reason": context["reason"]}


def send_supplier_order_on_commit(round: OrderRound) -> None:
    from hub.task_queue import enqueue_on_commit

    enqueue_on_commit(
        "gaf.tasks.send_supplier_order",
        round_id=round.pk,
        task_name=f"gaf:supplier-order:{round.pk}",
    )


def round_changed_on_commit(
    round: OrderRound, *, after: int, progressed: Iterable[int] = ()
) -> None:
    """Once committed, send the round's open order pages its new state (gaf.consumers):
    read and worked out here, once for all the pages (a fixed number of queries), from the
    committed orders. `after`: the round's change number before this change. Then, from
    the same state, post in the round's thread the cases filled and tiers reached by the
    products in `progressed` (gaf.services.chat_announcements): the state is worked out
    once for both, and the pages get it first."""
    from gaf.services.chat_announcements import round_progress_announce
    from hub.websocket import broadcast

    round_id, progressed = round.pk, sorted(set(progressed))

    def changed() -> None:
        state = selectors.round_live_state(round_id=round_id, after=after)
        if state is None:
            return
        broadcast(
            round_group(round_id), state_event(round_id, state.version, state.pools, state.shares)
        )
        if progressed:
            round_progress_announce(round_id=round_id, product_ids=progressed, pools=state.pools)

    transaction.on_commit(changed, robust=True)
