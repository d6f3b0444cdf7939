"""The pickup days of a person's family, for their private calendar feed.

Registered with events.calendar_sources in GafConfig.ready(). One event per round in which
the person's family has something to pick up: while the round is open, a line with a
quantity or a tolerance; once it is closed, a line with an allocated quantity. Other rounds
of the family's groups stay out of the calendar (a pickup day for nothing is noise). All
day, or timed when the round has pickup hours. A cancelled round stays in the feed as
cancelled, so calendars remove it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from events.ical import FeedEvent
from gaf.links import round_url
from gaf.models import OrderLine, OrderRound, RoundState


def pickup_uid(round_id: int) -> str:
    return f"gaf-round-{round_id}-pickup@hub"


def _event(round: OrderRound) -> FeedEvent:
    rome = ZoneInfo(settings.TIME_ZONE)
    timed = round.pickup_starts_at is not None and round.pickup_ends_at is not None
    if timed:
        start = dt.datetime.combine(round.pickup_date, round.pickup_starts_at, tzinfo=rome)
        end = dt.datetime.combine(round.pickup_date, round.pickup_ends_at, tzinfo=rome)
    else:
        start = end = round.pickup_date
    points = sorted(point.name for point in round.pickup_points.all())
    return FeedEvent(
        uid=pickup_uid(round.pk),
        title=_("Ritiro GAF: %(round)s") % {"round": round.title},
        start=start,
        end=end,
        all_day=not timed,
        recurrence=None,
        exdates=(),
        overrides=(),
        status="cancelled" if round.state == RoundState.CANCELLED else "scheduled",
        sequence=round.revision,
        last_modified=round.revised_at or round.created_at,
        url=round_url(round.pk),
        description=_("Gruppo %(group)s, fornitore %(supplier)s.")
        % {"group": round.group.name, "supplier": round.supplier.name},
        location=", ".join(points),
        categories=("GAF",),
    )


def _has_something_to_pick_up(user) -> Exists:
    """The round has a line of the user's family that asks for (or, after the close, was
    allocated) a quantity. `allocated` is empty until the close."""
    return Exists(
        OrderLine.objects.filter(
            order__round=OuterRef("pk"), order__family__memberships__user=user
        ).filter(
            Q(allocated__isnull=True) & (Q(firm__gt=0) | Q(tolerance__gt=0)) | Q(allocated__gt=0)
        )
    )


def pickup_days_for(user, window_start: dt.datetime, window_end: dt.datetime) -> list[FeedEvent]:
    """The pickup days in the window of the rounds in which the user's family has an order
    (two queries)."""
    if not (user and user.is_authenticated and user.pk is not None):
        return []
    rome = ZoneInfo(settings.TIME_ZONE)
    rounds = (
        OrderRound.objects.filter(
            _has_something_to_pick_up(user),
            pickup_date__gte=window_start.astimezone(rome).date(),
            pickup_date__lte=window_end.astimezone(rome).date(),
        )
        .exclude(state=RoundState.DRAFT)
        .select_related("group", "supplier")
        .prefetch_related("pickup_points")
        .order_by("pickup_date", "pk")
    )
    return [_event(round) for round in rounds]
