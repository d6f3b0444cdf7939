"""Writes to events. Every path (Wagtail admin, API, ICS import) ends in `event_sync`.

Publishing a page (in the admin, through the API or by the importer) sends Wagtail's
`page_published` signal, which calls `event_sync`: it derives the association from the
page's place in the tree, bumps SEQUENCE when the schedule changed, moves LAST-MODIFIED
only on real changes (so feeds stay byte-identical and cacheable), and rewrites the
expanded occurrences.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from events.models import EventOccurrence, EventPage
from events.schedule import (  # noqa: F401  (the page's schedule, read by services' callers)
    ROME,
    _bounds,
    _exclusions,
    event_occurrences,
    event_recurrence,
    event_validate,
    feed_event,
    local_date,
    rome_midnight,
)


def _fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def schedule_fingerprint(page: EventPage) -> str:
    """What, when changed, makes calendar apps re-read the event (bumps SEQUENCE)."""
    return _fingerprint(
        {
            "start": page.start.isoformat(),
            "end": page.end.isoformat(),
            "all_day": page.all_day,
            "repeat": [
                page.repeat,
                page.repeat_interval,
                sorted(page.repeat_weekdays or []),
                page.repeat_until,
                page.repeat_count,
            ],
            "exclusions": sorted(str(day) for day in _exclusions(page)),
            "changes": sorted(
                (str(c.original_date), c.cancelled, str(c.new_start), str(c.new_end))
                for c in page.occurrence_changes.all()
            ),
            "status": page.status,
        }
    )


def content_fingerprint(page: EventPage) -> str:
    """Everything a feed shows besides the schedule (moves LAST-MODIFIED, not SEQUENCE)."""
    return _fingerprint(
        {
            "title": page.title,
            "summary": page.summary,
            "venue": page.venue,
            "address": page.address,
            "municipality": page.municipality_id,
            "geo": [str(page.latitude), str(page.longitude)],
            "areas": sorted(area.pk for area in page.areas.all()),
            "age_bands": sorted(band.pk for band in page.age_bands.all()),
            "url_path": page.url_path,
            "cost": [page.is_free, str(page.cost), page.cost_note],
            "registration": [page.registration_required, page.capacity],
        }
    )


def _association_of(page: EventPage):
    from associations.models import AssociationPage

    parent = page.get_parent()
    if parent is not None and parent.specific_class is AssociationPage:
        return AssociationPage.objects.get(pk=parent.pk).association
    return None


@transaction.atomic
def event_sync(*, page: EventPage, now: datetime | None = None) -> EventPage:
    """Bring a just-published page's feed bookkeeping and occurrences up to date."""
    now = now or timezone.now()
    page = EventPage.objects.select_for_update().get(pk=page.pk)
    schedule = schedule_fingerprint(page)
    content = content_fingerprint(page)
    update_fields = []
    association = _association_of(page)
    if page.association_id != (association.pk if association else None):
        page.association = association
        update_fields.append("association")
    if page.schedule_fingerprint and schedule != page.schedule_fingerprint:
        page.sequence += 1
        update_fields.append("sequence")
    if schedule != page.schedule_fingerprint or content != page.content_fingerprint:
        page.schedule_fingerprint, page.content_fingerprint = schedule, content
        page.changed_at = now
        update_fields += ["schedule_fingerprint", "content_fingerprint", "changed_at"]
    cancelled_at = page.cancelled_at
    if page.status == EventPage.Status.CANCELLED and cancelled_at is None:
        page.cancelled_at = now
    elif page.status != EventPage.Status.CANCELLED:
        page.cancelled_at = None
    if page.cancelled_at != cancelled_at:
        update_fields.append("cancelled_at")
    if update_fields:
        page.save(update_fields=update_fields)
    _write_occurrences(page)
    return page


def _write_occurrences(page: EventPage) -> None:
    cancelled_whole = page.status == EventPage.Status.CANCELLED
    rows = []
    for occurrence in event_occurrences(page):
        if page.all_day:
            original = rome_midnight(occurrence.original_start)
            start = rome_midnight(occurrence.start)
            # Stored as an exclusive instant so window queries treat both kinds alike.
            end = rome_midnight(occurrence.end + timedelta(days=1))
        else:
            original, start, end = occurrence.original_start, occurrence.start, occurrence.end
        rows.append(
            EventOccurrence(
                event=page,
                original_start=original,
                start=start,
                end=end,
                cancelled=cancelled_whole or occurrence.cancelled,
                moved=occurrence.moved,
            )
        )
    EventOccurrence.objects.filter(event=page).delete()
    EventOccurrence.objects.bulk_create(rows)


def event_withdraw(*, page: EventPage) -> None:
    """An unpublished or deleted event leaves the listings."""
    EventOccurrence.objects.filter(event_id=page.pk).delete()
