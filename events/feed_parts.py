"""Each event's share of the calendar feeds, kept in the database (`EventFeedPart`).

A public feed holds thousands of events and a calendar app asks for it every few hours for
every subscriber: serializing every event on every request, or keeping the bytes in one
process's memory (lost on every restart, and in every other worker), made a cold feed cost
twice the bare serialization and a 304 as much as a 200. Each event's VEVENTs are instead
serialized once, when the event changes, and stored with what orders and frames them
(`events.ical.EventPart`); a feed is the join of its events' stored parts, and its
validators come from one aggregate query over them (events.feeds).

Who writes the parts (`parts_write`): `services.event_sync` on every publish (admin, API,
ICS import, demo data), hence on every change, cancellation or change of the series; a
moved page or a changed slug (the events' URLs); a renamed municipality, area or age band
(LOCATION, CATEGORIES). `services.event_withdraw` drops an unpublished or deleted event's
part. Whatever path is missed, a feed checks in its validators' query that each of its
events has a part written in the current `part_format` (the code, HUB_BASE_URL and the
sites' roots) from the event's current last change, and writes the missing or stale ones
before answering (after a deploy that changes how feeds are written, say). Migration 0007
wrote the parts of the events published before this table existed.

A part is rewritten only when its bytes change (then its random `tag` changes, which moves
every feed's ETag that holds it): republishing an unchanged event keeps every feed, and its
validators, as they were.

`feeds_changed()` moves the feeds' version (`FeedsVersion`) when the transaction of any
change that may change a public feed commits: here when a part is written or dropped, in
`services.event_sync` and `event_withdraw` (dates, status, the filters' fields), and for a
view restriction or a page moved (events.signals). Feeds remember their validators per
version and day, so an unchanged feed's revalidation reads that one row. A change made
behind the services' back (an UPDATE by hand) reaches a 200 at once, and a 304 with the
next version or the next day.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import icalendar
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from events import ical, recurrence, schedule
from events.ical import EventPart, FeedEvent
from events.models import (
    EventExclusion,
    EventFeedPart,
    EventOccurrenceChange,
    EventPage,
    FeedsVersion,
)
from hub.models import AgeBand, Area
from hub.page_urls import PageUrls
from hub.urls_absolute import base_url

# A part's tag: random, summed over a feed's parts for its ETag (40 bits, so that the sum of
# millions of them still fits a 64-bit integer on every database).
TAG_BITS = 40

_FEED_RELATIONS = ("exclusions", "occurrence_changes", "areas", "age_bands")
_CHANGE_FIELDS = ("original_date", "cancelled", "new_start", "new_end")
# What schedule.feed_event reads of a page (besides the relations above).
_PAGE_FIELDS = (
    "pk",
    "uid",
    "title",
    "summary",
    "start",
    "end",
    "all_day",
    "repeat",
    "repeat_interval",
    "repeat_weekdays",
    "repeat_until",
    "repeat_count",
    "venue",
    "address",
    "municipality__name",
    "latitude",
    "longitude",
    "status",
    "sequence",
    "changed_at",
    "last_published_at",
    "latest_revision_created_at",
    "first_published_at",
    "url_path",
)
_PART_FIELDS = (
    "sort_start",
    "uid",
    "body",
    "first_year",
    "last_year",
    "format",
    "modified",
    "tag",
    "written_at",
)


# --- Pages as feed events -----------------------------------------------------------------------


class _Rows(list):
    """A prefetched relation as `schedule.feed_event` reads it (`page.areas.all()`)."""

    def all(self):
        return self


class _PageRow(SimpleNamespace):
    """An EventPage's fields as `schedule.feed_event` reads them, from plain rows."""


def _feed_events(pages: QuerySet, urls: PageUrls) -> dict[int, FeedEvent]:
    ids = pages.values("pk")
    related = {name: defaultdict(_Rows) for name in _FEED_RELATIONS}
    for page_id, day in (
        EventExclusion.objects.filter(page__in=ids)
        .order_by("sort_order", "pk")
        .values_list("page_id", "date")
    ):
        related["exclusions"][page_id].append(SimpleNamespace(date=day))
    for page_id, *change in (
        EventOccurrenceChange.objects.filter(page__in=ids)
        .order_by("sort_order", "pk")
        .values_list("page_id", *_CHANGE_FIELDS)
    ):
        related["occurrence_changes"][page_id].append(
            SimpleNamespace(**dict(zip(_CHANGE_FIELDS, change, strict=True)))
        )
    for name, model, ordering in (
        ("areas", Area, ("area__sort_order", "area__name")),
        ("age_bands", AgeBand, ("ageband__sort_order",)),
    ):
        through = EventPage._meta.get_field(name).remote_field.through
        target = model._meta.model_name
        for page_id, label in (
            through.objects.filter(eventpage__in=ids)
            .order_by(*ordering, "pk")
            .values_list("eventpage_id", f"{target}__name")
        ):
            related[name][page_id].append(SimpleNamespace(name=label))
    events = {}
    for row in pages.order_by("pk").values(*_PAGE_FIELDS):
        page = _PageRow(
            **row,
            municipality=SimpleNamespace(name=row["municipality__name"]),
            **{name: rows.get(row["pk"], _Rows()) for name, rows in related.items()},
        )
        events[row["pk"]] = schedule.feed_event(page, url=urls.absolute(page.url_path))
    return events


def feed_events(pages: QuerySet, urls: PageUrls) -> list[FeedEvent]:
    """FeedEvents of the pages, by pk, in five queries whatever their number.

    The pages are read as rows, not model instances: building thousands of EventPages with
    their prefetched relations costs more than serializing them. The rows go through
    `schedule.feed_event` all the same, so there is one mapping from a page to its feed
    event (tests/events/test_feeds.py checks the two readings agree).
    """
    return list(_feed_events(pages, urls).values())


# --- Format --------------------------------------------------------------------------------------


@cache
def _code_digest() -> str:
    digest = hashlib.sha256(icalendar.__version__.encode())
    for module in (ical, recurrence, schedule):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def part_format(urls: PageUrls) -> str:
    """What shapes a part's bytes besides its event: the code that writes it (a deploy that
    changes it makes every part stale), HUB_BASE_URL and the sites' roots (its URL)."""
    digest = hashlib.sha256(_code_digest().encode())
    digest.update(base_url().encode())
    digest.update(urls.prefix.encode())
    for root in urls.roots:
        digest.update(f"\n{root.site_id} {root.root_path}".encode())
    return digest.hexdigest()


def _last_change():
    """The page's last real change as its part's `modified` must show it (the LAST-MODIFIED
    of schedule.feed_event, for a page synced or published)."""
    return Coalesce("changed_at", "last_published_at")


def _current(format_: str) -> Q:
    """Pages whose part is current: written in `format_` from the page's last change."""
    return Q(feed_part__format=format_) & (
        Q(feed_part__modified=_last_change())
        # Never synced nor published (bulk-written data): its LAST-MODIFIED has no source.
        | Q(changed_at__isnull=True, last_published_at__isnull=True)
    )


# --- Writing -------------------------------------------------------------------------------------


def feeds_changed() -> None:
    """Move the feeds' version once the caller's transaction commits.

    After the commit, not within: a row updated within would stay locked until the commit,
    queueing every other publish behind a long ICS import (or deadlocking with one). A
    feed whose validators were worked out between the commit and the move remembers them
    under the old version, which nobody asks for once it has moved.
    """
    transaction.on_commit(_move_version, robust=True)


def _move_version() -> None:
    if not FeedsVersion.objects.filter(pk=1).update(number=F("number") + 1):
        FeedsVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def feeds_version() -> int:
    """The feeds' version (one query, by primary key)."""
    return FeedsVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def parts_write(pages: QuerySet, *, now: datetime | None = None) -> int:
    """Write the parts of `pages` (live ones: what a feed may show) whose bytes, format or
    last change differ from the stored ones; returns how many were written.

    Seven queries whatever the number of pages (five to read them, one for the stored
    parts, one to write); a part whose bytes are unchanged keeps its tag and write time.
    """
    now = now or timezone.now()
    urls = PageUrls()
    format_ = part_format(urls)
    events = _feed_events(pages.filter(live=True), urls)
    stored = {
        row["event_id"]: row
        for row in EventFeedPart.objects.filter(event_id__in=list(events)).values(
            "event_id", "body", "format", "modified", "tag", "written_at"
        )
    }
    written = []
    for pk, event in events.items():
        part = ical.event_part(event)
        old = stored.get(pk)
        same_bytes = old is not None and bytes(old["body"]) == part.body
        if same_bytes and old["format"] == format_ and old["modified"] == event.last_modified:
            continue
        written.append(
            EventFeedPart(
                event_id=pk,
                sort_start=part.sort_start,
                uid=part.uid,
                body=part.body,
                first_year=part.first_year,
                last_year=part.last_year,
                format=format_,
                modified=event.last_modified,
                tag=old["tag"] if same_bytes else secrets.randbits(TAG_BITS),
                written_at=old["written_at"] if same_bytes else now,
            )
        )
    if written:
        EventFeedPart.objects.bulk_create(
            written, update_conflicts=True, unique_fields=["event"], update_fields=_PART_FIELDS
        )
        feeds_changed()
    return len(written)


def part_delete(*, event_id: int) -> None:
    deleted, _by_model = EventFeedPart.objects.filter(event_id=event_id).delete()
    if deleted:
        feeds_changed()


# --- Reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Validators:
    """What a feed's validators are made of, from its events' parts."""

    events: int  # the events the feed holds
    current: int  # of them, those whose part is current
    tags: int  # the sum of their parts' tags
    modified: datetime | None  # the latest last change of its events

    @property
    def complete(self) -> bool:
        return self.current == self.events


def validators(pages: QuerySet, *, format_: str) -> Validators:
    """One query: how many events `pages` holds, how many have a current part, the sum of
    their parts' tags and their latest change."""
    if pages.query.distinct:  # filtered by areas or age bands: one row per event first
        pages = EventPage.objects.filter(pk__in=pages.values("pk"))
    row = pages.aggregate(
        events=Count("pk"),
        current=Count("pk", filter=_current(format_)),
        tags=Sum("feed_part__tag"),
        modified=Max("feed_part__modified"),
    )
    return Validators(
        events=row["events"],
        current=row["current"],
        tags=int(row["tags"] or 0),
        modified=row["modified"],
    )


def parts_complete(pages: QuerySet, *, format_: str) -> int:
    """Write the parts `pages` lacks or holds stale (see `validators`); how many."""
    current = EventPage.objects.filter(_current(format_)).values("pk")
    stale = EventPage.objects.filter(pk__in=pages.values("pk")).exclude(pk__in=current)
    return parts_write(stale)


def stored_parts(pages: QuerySet) -> list[EventPart]:
    """The stored parts of `pages` (one query), as events.ical assembles them."""
    return [
        EventPart(
            sort_start=sort_start,
            uid=uid,
            body=bytes(body),
            first_year=first_year,
            last_year=last_year,
        )
        for sort_start, uid, body, first_year, last_year in EventFeedPart.objects.filter(
            event__in=pages.values("pk")
        ).values_list("sort_start", "uid", "body", "first_year", "last_year")
    ]
