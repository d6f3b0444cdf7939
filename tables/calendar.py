"""Table meetings in calendars, through events.calendar_sources (registered in
TablesConfig.ready()):

- each person's private feed holds the meetings of every table they belong to, public or
  private (a private table's meetings appear nowhere else);
- the public calendar `/eventi/calendari/tavoli.ics` holds the meetings of public tables only.

One query each, whatever the number of meetings. A meeting's UID never changes; its
SEQUENCE and LAST-MODIFIED move with every change a calendar must see (tables.services),
and a cancelled meeting stays in the feeds as cancelled so calendars remove it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from events.ical import FeedEvent
from hub.rules import is_person
from hub.urls_absolute import absolute_url
from tables.links import meeting_path
from tables.models import Meeting, Table


def meeting_uid(meeting_id: int) -> str:
    return f"tables-meeting-{meeting_id}@hub"


def _event(meeting: Meeting) -> FeedEvent:
    table = meeting.table
    where = [part for part in (meeting.place, meeting.online_url) if part]
    return FeedEvent(
        uid=meeting_uid(meeting.pk),
        title=_("%(table)s: %(title)s") % {"table": table.name, "title": meeting.title},
        start=meeting.starts_at,
        end=meeting.ends_at,
        all_day=False,
        recurrence=None,
        exdates=(),
        overrides=(),
        status="cancelled" if meeting.status == Meeting.Status.CANCELLED else "scheduled",
        sequence=meeting.sequence,
        last_modified=meeting.updated_at,
        url=absolute_url(meeting_path(meeting, table)),
        description=_("Riunione del tavolo «%(table)s».") % {"table": table.name},
        location=" · ".join(where),
        categories=(_("Tavoli"),),
    )


def _in_window(window_start: dt.datetime, window_end: dt.datetime):
    return (
        Meeting.objects.filter(starts_at__lt=window_end, ends_at__gt=window_start)
        .select_related("table")
        .order_by("starts_at", "pk")
    )


def meetings_for(user, window_start: dt.datetime, window_end: dt.datetime) -> list[FeedEvent]:
    """The meetings of the tables the person belongs to (one query)."""
    if not is_person(user):
        return []
    meetings = _in_window(window_start, window_end).filter(table__memberships__user=user)
    return [_event(meeting) for meeting in meetings]


def public_meetings(window_start: dt.datetime, window_end: dt.datetime) -> list[FeedEvent]:
    """The meetings of public tables (one query)."""
    meetings = _in_window(window_start, window_end).filter(
        Q(table__visibility=Table.Visibility.PUBLIC)
    )
    return [_event(meeting) for meeting in meetings]
