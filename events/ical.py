"""iCalendar feeds (RFC 5545, RFC 7986) built from plain values.

The output depends on the input only: no "now", no random UIDs, events sorted by
(start, uid), so the same events give the same bytes and an unchanged feed looks unchanged
to every calendar app and cache. DTSTAMP and LAST-MODIFIED are the event's last real change.

A feed is its calendar's properties and VTIMEZONE followed by each event's part
(`EventPart`: its VEVENTs, already serialized, with what orders and frames them), so the
hub keeps each event's part in the database (events.feed_parts) and a feed is a join of
stored parts: `assemble()` takes them as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
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


@dataclass(frozen=True)
class EventPart:
    """An event's share of a feed: its VEVENTs (the series' master, then each moved date,
    in the order a feed lists them) and what places and frames them in a feed."""

    sort_start: datetime  # the first start, in UTC: feeds list events by it, then by uid
    uid: str
    body: bytes  # the VEVENTs, serialized
    first_year: int  # the years its dates touch: the feed's VTIMEZONE covers them
    last_year: int

    @property
    def sort_key(self) -> tuple[datetime, str, bytes]:
        # The bytes break any remaining tie, so even duplicate input sorts the same way.
        return (self.sort_start, self.uid, self.body)


def event_part(event: FeedEvent) -> EventPart:
    """The event's part of any feed (serialized once per process and version of the event)."""
    return _serialized(_Exactly(event))


def build_calendar(*, name: str, events: Iterable[FeedEvent], refresh_hours: int = 6) -> bytes:
    """A subscribable feed: the calendar carries its name and how often to refresh it."""
    return assemble(
        name=name, parts=[event_part(event) for event in events], refresh_hours=refresh_hours
    )


def assemble(*, name: str, parts: Iterable[EventPart], refresh_hours: int = 6) -> bytes:
    """A subscribable feed of events' parts (`event_part`, or stored ones): what
    `build_calendar` gives for the events themselves, byte for byte."""
    calendar = _calendar_properties()
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    refresh = timedelta(hours=refresh_hours)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(refresh))
    return _serialize(calendar, list(parts))


def single_event_ics(event: FeedEvent) -> bytes:
    """A one-off "add to calendar" file.

    It has no calendar name on purpose: with X-WR-CALNAME some apps import the event
    into a new calendar instead of the person's own.
    """
    return _serialize(_calendar_properties(), [event_part(event)])


_END = b"END:VCALENDAR\r\n"


def _calendar_properties() -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", ROME.key)
    return calendar


def _serialize(calendar: icalendar.Calendar, parts: list[EventPart]) -> bytes:
    """The calendar's bytes with a VTIMEZONE covering the parts' years, then the parts'
    VEVENTs, already serialized, in feed order.

    Exactly what `Calendar.to_ical()` gives with the components added (a component's
    lines come after the calendar's properties, one component after the other), without
    serializing any VEVENT again.
    """
    if parts:
        first = min(part.first_year for part in parts)
        last = max(part.last_year for part in parts)
        calendar.add_component(_vtimezone(first, last + 1))
    shell = calendar.to_ical()
    parts = sorted(parts, key=lambda part: part.sort_key)
    return shell[: -len(_END)] + b"".join(part.body for part in parts) + _END


class _Exactly:
    """An event as a cache key: equal when its repr is, which also tells apart values that
    compare equal but print differently in a feed (45 and 45.0, a list and a tuple)."""

    __slots__ = ("event", "key")

    def __init__(self, event: FeedEvent):
        self.event = event
        self.key = repr(event)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Exactly) and self.key == other.key


# Every feed built from events (a person's, the one-event files) repeats the same events,
# and an event's VEVENTs depend on the event only: serialize them once per process and
# version of the event. The public feeds read the parts stored in the database instead.
# About 2 kB an event (key and bytes): 5,000 events are some 10 MB at most.
@lru_cache(maxsize=5_000)
def _serialized(exactly: _Exactly) -> EventPart:
    """The event's VEVENTs (`_components`, in their order) and its years (`_years`)."""
    event = exactly.event
    starts = series_starts(start=event.start, all_day=event.all_day, recurrence=event.recurrence)
    components = sorted(_components(event, starts))
    years = _years(event, starts)
    return EventPart(
        sort_start=components[0][0][0],
        uid=event.uid,
        body=b"".join(ical for _key, ical in components),
        first_year=min(years),
        last_year=max(years),
    )


def _components(event: FeedEvent, starts: list[datetime | date]) -> list[tuple[tuple, bytes]]:
    """The event's VEVENTs' bytes, each with a sort key (start, uid, recurrence).

    The bytes break any remaining tie, so even duplicate input sorts the same way.
    `starts` is the series before exclusions and overrides (`series_starts`).
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
        excluded = [moment for moment in starts if moment not in kept]
        if excluded:
            master.add("exdate", excluded)
    result = [((_instant(first), event.uid, 0), master.to_ical())]
    if event.recurrence is not None:
        for occurrence in every:
            if occurrence.moved:
                moved = _moved(event, occurrence)
                key = (_instant(first), event.uid, 1, _instant(occurrence.original_start))
                result.append((key, moved.to_ical()))
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


def _years(event: FeedEvent, starts: list[datetime | date]) -> list[int]:
    """The years the event's dates fall in. The VTIMEZONE covers them as whole years: the
    range comes from the input only, so the VTIMEZONE is the same for the same events."""
    years = [_local_date(event.start).year, _local_date(starts[-1]).year]
    for override in event.overrides:
        for moment in (override.original_start, override.new_start, override.new_end):
            if moment is not None:
                years.append(_local_date(moment).year)
    years.append(_local_date(event.end).year)
    return years


def _vtimezone(first_year: int, end_year: int) -> icalendar.Timezone:
    """Europe/Rome from 1 January `first_year` to 1 January `end_year`: the offset in force
    at the start, then one STANDARD or DAYLIGHT block per change, each with only its DTSTART
    (the onset, as local time in the offset before the change, as RFC 5545 wants).

    Blocks with RDATE lists would be shorter, but ical.js (Thunderbird's parser) ignores a
    block's DTSTART as soon as it has an RDATE and so misses the first change.
    """
    timezone = icalendar.Timezone()
    timezone.add("tzid", ROME.key)
    start = datetime(first_year, 1, 1)
    offset = start.replace(tzinfo=ROME).utcoffset()
    blocks = [(start, offset, offset, start.replace(tzinfo=ROME))]
    for instant, before, after in _offset_changes(first_year, end_year):
        blocks.append(
            ((instant + before).replace(tzinfo=None), before, after, instant.astimezone(ROME))
        )
    for onset, before, after, local in blocks:
        block = icalendar.TimezoneDaylight() if local.dst() else icalendar.TimezoneStandard()
        block.add("dtstart", onset)
        block.add("tzoffsetfrom", before)
        block.add("tzoffsetto", after)
        block.add("tzname", local.tzname())
        timezone.add_component(block)
    return timezone


@cache
def _offset_changes(
    first_year: int, end_year: int
) -> tuple[tuple[datetime, timedelta, timedelta], ...]:
    """(UTC instant, offset before, offset after) of every change of Europe/Rome's offset in
    the years. zoneinfo has no public list of transitions: look day by day, then bisect to
    the second."""

    def offset_at(seconds: int) -> timedelta:
        return datetime.fromtimestamp(seconds, ROME).utcoffset()

    changes = []
    day = 86_400
    moment = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(end_year, 1, 1, tzinfo=UTC).timestamp())
    while moment < end:
        before, after = offset_at(moment), offset_at(moment + day)
        if before != after:
            low, high = moment, moment + day
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset_at(middle) == before else (low, middle)
            changes.append((datetime.fromtimestamp(high, UTC), before, after))
        moment += day
    return tuple(changes)


def _local_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return moment.astimezone(ROME).date()
    return moment


def _instant(moment: datetime | date) -> datetime:
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), tzinfo=ROME)
    return moment.astimezone(UTC)
