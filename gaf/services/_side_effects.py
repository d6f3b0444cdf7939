"""What the round services set in motion: django-q2 schedules and e-mails after commit.

Schedules are rows written in the service's transaction (so a rolled-back change leaves
none); e-mails are queued on commit as ONE task per batch, which loads the recipients
itself, so a service's queries do not grow with the number of families.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation

from gaf.live import round_group
from gaf.models import OrderRound

CLOSE, REMIND_24H, REMIND_2H, DELIVERY_REMINDER = "close", "remind-24h", "remind-2h", "delivery"
ROUND_SCHEDULES = (CLOSE, REMIND_24H, REMIND_2H, DELIVERY_REMINDER)
# The evening before the pickup day, local time.
DELIVERY_REMINDER_TIME = dt.time(18, 0)


def schedule_name(round_id: int, job: str) -> str:
    return f"gaf-round-{round_id}-{job}"


def _runs(round: OrderRound) -> dict[str, tuple[str, dt.datetime, str]]:
    rome = ZoneInfo(settings.TIME_ZONE)
    evening_before = dt.datetime.combine(
        round.pickup_date - dt.timedelta(days=1), DELIVERY_REMINDER_TIME, tzinfo=rome
    )
    return {
        CLOSE: ("gaf.tasks.close_round", round.closes_at, f"round_id={round.pk}"),
        REMIND_24H: (
            "gaf.tasks.remind_round",
            round.closes_at - dt.timedelta(hours=24),
            f"round_id={round.pk}, kind='closing_24h'",
        ),
        REMIND_2H: (
            "gaf.tasks.remind_round",
            round.closes_at - dt.timedelta(hours=2),
            f"round_id={round.pk}, kind='closing_2h'",
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


def notify_on_commit(
    round: OrderRound, kind: str, *, family_ids: list[int] | None = None, extra: dict | None = None
) -> None:
    """Once committed, e-mail the round's families about `kind` (a NotificationKind value
    or "round_cancelled"), honouring each person's preferences (gaf.tasks.notify_families).

    `family_ids` None means the families concerned by `kind` (see the task).
    """
    from hub.task_queue import enqueue_on_commit

    enqueue_on_commit(
        "gaf.tasks.notify_families",
        round_id=round.pk,
        kind=kind,
        family_ids=family_ids,
        extra=extra or {},
        language=translation.get_language() or "it",
        task_name=f"gaf:{kind}:{round.pk}",
    )


def send_supplier_order_on_commit(round: OrderRound) -> None:
    from hub.task_queue import enqueue_on_commit

    enqueue_on_commit(
        "gaf.tasks.send_supplier_order",
        round_id=round.pk,
        task_name=f"gaf:supplier-order:{round.pk}",
    )


def round_changed_on_commit(round: OrderRound) -> None:
    """Tell the round's open order pages to refresh their pools (gaf.consumers)."""
    from hub.websocket import broadcast_on_commit

    broadcast_on_commit(
        round_group(round.pk), {"type": "round.changed", "sequence": round.last_sequence}
    )
