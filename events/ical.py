"""iCalendar feeds (RFC 5545, RFC 7986) built from plain values.

The output depends on the input only: no "now", no random UIDs, events sorted by
(start, uid), so the same events give the same bytes and an unchanged feed looks unchanged
to every calendar app and cache. DTSTAMP and LAST-MODIFIED are the event's last real change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

import icalendar

from events.recurrence import (
    ROME,
    Occurrence,
    OccurrenceOverride,
    Recurrence,
    occurrences,
    series_starts,
)

PRODID = "-//Comuni amici della famiglia//Hub//IT"

_STATUS = {"scheduled": "CONFIRMED", "cancelled": "CANCELLED", "postponed": "TENTATIVE"}
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    title: str
    start: datetime | date  # aware datetime, or a date for all-day events
    end: datetime | date  # for all-day events the last day, inclusive
    all_day: bool
    recurrence: Recurrence | None
    exdates: tuple[date | datetime, ...]
    overrides: tuple[OccurrenceOverride, ...]
    status: Literal["scheduled", "cancelled", "postponed"]
    sequence: int
    last_modified: datetime  # aware
    url: str
    description: str = ""
    location: str = ""
    geo: tuple[float, float] | None = None
    categories: tuple[str, ...] = ()


def build_calendar(*, name: str, events: Iterable[FeedEvent], refresh_hours: int = 6) -> bytes:
    """A subscribable feed: the calendar carries its name and how often to refresh it."""
    calendar = _calendar(list(events))
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    refresh = timedelta(hours=refresh_hours)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(refresh))
    return calendar.to_ical()


def single_event_ics(event: FeedEvent) -> bytes:
    """A one-off "add to calendar" file.

    It has no calendar name on purpose: with X-WR-CALNAME some apps import the event
    into a new calendar instead of the person's own.
    """
    return _calendar([event]).to_ical()


def _calendar(events: list[FeedEvent]) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", ROME.key)
    if events:
        calendar.add_component(_timezone(events))
    components = []
    for event in events:
        components.extend(_components(event))
    for _, _, component in sorted(components, key=lambda item: item[:2]):
        calendar.add_component(component)
    return calendar


def _components(event: FeedEvent) -> list[tuple[tuple, bytes, icalendar.Event]]:
    """The event's VEVENTs, each with a sort key (start, uid, recurrence) and its own bytes.

    The bytes break any remaining tie, so even duplicate input sorts the same way.
    """
    every = occurrences(
        start=event.start,
        end=event.end,
        all_day=event.all_day,
        recurrence=event.recurrence,
        exdates=event.exdates,
        overrides=event.overrides,
    )
    master = _event_base(event)
    first = _master_start(event)
    master.add("dtstart", first)
    master.add("dtend", _ical_end(_master_end(event), event.all_day))
    if event.recurrence is not None:
        master.add("rrule", _rrule(event.recurrence, event.all_day, first))
        kept = {occurrence.original_start for occurrence in every if not occurrence.cancelled}
        starts = series_starts(
            start=event.start, all_day=event.all_day, recurrence=event.recurrence
        )
        excluded = [moment for moment in starts if moment not in kept]
        if excluded:
            master.add("exdate", excluded)
    result = [((_instant(first), event.uid, 0), master.to_ical(), master)]
    if event.recurrence is not None:
        for occurrence in every:
            if occurrence.moved:
                moved = _moved(event, occurrence)
                key = (_instant(first), event.uid, 1, _instant(occurrence.original_start))
                result.append((key, moved.to_ical(), moved))
    return result


def _event_base(event: FeedEvent) -> icalendar.Event:
    changed = event.last_modified
    if changed.tzinfo is None or changed.utcoffset() is None:
        raise ValueError("last_modified must be timezone-aware")
    changed = changed.astimezone(UTC).replace(microsecond=0)
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", changed)
    component.add("last-modified", changed)
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    component.add("status", _STATUS[event.status])
    component.add("url", event.url, parameters={"VALUE": "URI"})
    if event.description:
        component.add("description", event.description)
    if event.location:
        component.add("location", event.location)
    if event.geo is not None:
        latitude, longitude = event.geo
        component.add("geo", (round(latitude, 6), round(longitude, 6)))
    if event.categories:
        component.add("categories", list(event.categories))
    if event.all_day:
        # All-day family events don't make people busy for the whole day in their calendar.
        component.add("transp", "TRANSPARENT")
    return component


def _moved(event: FeedEvent, occurrence: Occurrence) -> icalendar.Event:
    component = _event_base(event)
    component.add("recurrence-id", occurrence.original_start)
    component.add("dtstart", occurrence.start)
    component.add("dtend", _ical_end(occurrence.end, event.all_day))
    return component


def _master_start(event: FeedEvent) -> datetime | date:
    if event.all_day:
        return _local_date(event.start)
    return event.start.astimezone(ROME)


def _master_end(event: FeedEvent) -> datetime | date:
    if event.all_day:
        return _local_date(event.end)
    return event.end.astimezone(ROME)


def _ical_end(end: datetime | date, all_day: bool) -> datetime | date:
    """DTEND is exclusive: the day after the last day, for an all-day event."""
    if all_day:
        return end + timedelta(days=1)
    return end


def _rrule(recurrence: Recurrence, all_day: bool, first: datetime | date) -> icalendar.vRecur:
    rule = {"FREQ": recurrence.frequency.upper()}
    if recurrence.until is not None:
        if all_day:
            rule["UNTIL"] = recurrence.until
        else:
            # RFC 5545: with a TZID on DTSTART, UNTIL is in UTC. The end of the last day
            # includes an occurrence on that day whatever its time.
            last_moment = datetime.combine(recurrence.until, time(23, 59, 59), tzinfo=ROME)
            rule["UNTIL"] = last_moment.astimezone(UTC)
    if recurrence.count is not None:
        rule["COUNT"] = recurrence.count
    if recurrence.interval != 1:
        rule["INTERVAL"] = recurrence.interval
    if recurrence.weekdays:
        rule["BYDAY"] = [_WEEKDAY_CODES[day] for day in sorted(recurrence.weekdays)]
    if recurrence.frequency == "weekly":
        rule["WKST"] = "MO"
    return icalendar.vRecur(rule)


def _timezone(events: list[FeedEvent]) -> icalendar.Timezone:
    """Europe/Rome's transitions over whole years around the events: the range comes from
    the input only, so the VTIMEZONE is the same for the same events."""
    years = []
    for event in events:
        years.append(_local_date(event.start).year)
        starts = series_starts(
            start=event.start, all_day=event.all_day, recurrence=event.recurrence
        )
        years.append(_local_date(starts[-1]).year)
        for override in event.overrides:
            for moment in (override.original_start, override.new_start, override.new_end):
                if moment is not None:
                    years.append(_local_date(moment).year)
        years.append(_local_date(event.end).year)
    return icalendar.Timezone.from_tzid(
        ROME.key, first_date=date(min(years), 1, 1), last_date=date(max(years) + 1, 1, 1)
    )


def _local_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return moment.astimezone(ROME).date()
    return moment


def _instant(moment: datetime | date) -> datetime:
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), tzinfo=ROME)
    return moment.astimezone(UTC)
