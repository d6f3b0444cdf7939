"""The pickup days of a person's purchase groups, for their private calendar feed.

Registered with events.calendar_sources in GafConfig.ready(). One event per round that
has opened (drafts are private to coordinators): all day, or timed when the round has
pickup hours. A cancelled round stays in the feed as cancelled, so calendars remove it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from events.ical import FeedEvent
from gaf.links import round_url
from gaf.models import OrderRound, RoundState


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


def pickup_days_for(user, window_start: dt.datetime, window_end: dt.datetime) -> list[FeedEvent]:
    """The pickup days in the window of the rounds of the user's groups (two queries)."""
    if not (user and user.is_authenticated and user.pk is not None):
        return []
    rounds = (
        OrderRound.objects.filter(
            group__memberships__family__memberships__user=user,
            pickup_date__gte=window_start.astimezone(ZoneInfo(settings.TIME_ZONE)).date(),
            pickup_date__lte=window_end.astimezone(ZoneInfo(settings.TIME_ZONE)).date(),
        )
        .exclude(state=RoundState.DRAFT)
        .select_related("group", "supplier")
        .prefetch_related("pickup_points")
        .distinct()
        .order_by("pickup_date", "pk")
    )
    return [_event(round) for round in rounds]
