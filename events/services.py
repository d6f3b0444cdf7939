"""Writes to events. Every path (Wagtail admin, API, ICS import) ends in `event_sync`.

Publishing a page (in the admin, through the API or by the importer) sends Wagtail's
`page_published` signal, which calls `event_sync`: it derives the association from the
page's place in the tree, bumps SEQUENCE when the schedule changed, moves LAST-MODIFIED
only on real changes (so feeds stay byte-identical and cacheable), rewrites the expanded
occurrences and the event's stored feed part (events.feed_parts).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from events import feed_parts, rsvp, rules, selectors
from events.models import EventOccurrence, EventPage, Registration
from events.notification_emails import render_subject
from events.notifications import REGISTRATION, registration_place
from events.schedule import (  # noqa: F401  (the page's schedule, read by services' callers)
    ROME,
    _bounds,
    _exclusions,
    event_occurrences,
    event_recurrence,
    event_validate,
    feed_event,
    local_date,
    occurrence_rows,
    rome_midnight,
)
from hub import dates, notifications


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
    feed_parts.parts_write(EventPage.objects.filter(pk=page.pk), now=now)
    # Its dates, status or filters' fields (cost, areas, place) may have changed.
    feed_parts.feeds_changed()
    return page


def _write_occurrences(page: EventPage) -> None:
    rows = occurrence_rows(page)
    EventOccurrence.objects.filter(event=page).delete()
    EventOccurrence.objects.bulk_create(rows)


@transaction.atomic
def event_withdraw(*, page: EventPage) -> None:
    """An unpublished or deleted event leaves the listings and the feeds."""
    EventOccurrence.objects.filter(event_id=page.pk).delete()
    feed_parts.part_delete(event_id=page.pk)
    feed_parts.feeds_changed()


@transaction.atomic
def event_feed_parts_refresh(*, events: QuerySet[EventPage]) -> int:
    """Rewrite the feed parts of `events` (the live ones) after a change that is not a
    publish of theirs but shows in their VEVENTs: a page moved or renamed above them (their
    URL), their municipality, an area or an age band renamed (LOCATION, CATEGORIES).
    Only parts whose bytes change are written; returns how many."""
    return feed_parts.parts_write(events)


@transaction.atomic
def events_moved(*, events: QuerySet[EventPage]) -> int:
    """Pages moved in the tree: each event takes the association of the page it now stands
    under (or none), so the association's page, listings and feed show it at once, without
    waiting for its next publish; its feed part is rewritten (its URL changed). Returns how
    many events changed association."""
    changed = 0
    for page in events.select_related(None).only("pk", "association_id", "path", "depth"):
        association = _association_of(page)
        association_id = association.pk if association else None
        if page.association_id != association_id:
            EventPage.objects.filter(pk=page.pk).update(association_id=association_id)
            changed += 1
    feed_parts.parts_write(events)
    feed_parts.feeds_changed()
    return changed


@transaction.atomic
def feeds_changed() -> None:
    """Something that decides which events a public feed shows changed outside the events'
    own writes (a view restriction, a page moved): feeds work their validators out again."""
    feed_parts.feeds_changed()


# --- Registrations (events.rsvp's rules; strict FIFO waiting list) ---------------------------


def _locked_event(event_id: int) -> EventPage:
    # Only the event's own row: Wagtail's page row stays free for editors.
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event_id)


@transaction.atomic
def registration_create(
    *, event: EventPage, user, seats: int = 1, note: str = "", now: datetime | None = None
) -> Registration:
    """Register `user` for `seats` places: confirmed if they fit, else on the waiting list."""
    now = now or timezone.now()
    if not rules.can_register(user):
        raise PermissionDenied(_("Accedi per iscriverti."))
    seats, note = rsvp.validate_request(seats, note)
    event = _locked_event(event.pk)
    reason = rsvp.refusal(event, now=now)
    if reason:
        raise ValidationError(reason, code="closed")
    if event.capacity is not None and seats > event.capacity:
        raise ValidationError(
            {
                "seats": _("L'evento ha in tutto %(capacity)s posti: non puoi chiederne di più.")
                % {"capacity": event.capacity}
            }
        )
    if Registration.objects.filter(event=event, user=user).exclude(status=rsvp.CANCELLED).exists():
        raise ValidationError(_("Sei già iscritto a questo evento."), code="already_registered")
    taken = selectors.places(event.pk)
    fits = event.capacity is None or taken.confirmed_seats + seats <= event.capacity
    status = rsvp.CONFIRMED if fits and taken.waitlisted_parties == 0 else rsvp.WAITLISTED
    registration = Registration.objects.create(
        event=event, user=user, seats=seats, note=note, status=status
    )
    _notify_on_commit(registration, "confirmed" if status == rsvp.CONFIRMED else "waitlisted")
    return registration


@transaction.atomic
def registration_cancel(
    *, registration: Registration, by, now: datetime | None = None
) -> list[Registration]:
    """Cancel a registration and promote the waiting list; returns who was promoted.

    Cancelling twice is not an error: the second time nothing changes.
    """
    now = now or timezone.now()
    event = _locked_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.event = event
    if not rules.can_cancel_registration(by, registration):
        raise PermissionDenied(_("Non puoi annullare questa iscrizione."))
    if registration.status == rsvp.CANCELLED:
        return []
    by_organizer = registration.user_id != by.pk
    if not by_organizer and now >= event.start:
        raise ValidationError(
            _("L'evento è già iniziato: l'iscrizione non si può più annullare."), code="started"
        )
    registration.status = rsvp.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    if by_organizer:
        _notify_on_commit(registration, "cancelled")
    return _promote(event, now=now)


@transaction.atomic
def registration_promote_waitlisted(
    *, event: EventPage, now: datetime | None = None
) -> list[Registration]:
    """Promote whoever now fits (after the organizer raised or removed the capacity)."""
    return _promote(_locked_event(event.pk), now=now or timezone.now())


def _promote(event: EventPage, *, now: datetime) -> list[Registration]:
    """Strict FIFO: confirm waiting parties in order until the first one that doesn't fit.

    The caller holds the event's row lock.
    """
    if now >= event.start or event.status == EventPage.Status.CANCELLED or not event.live:
        return []
    free = None
    if event.capacity is not None:
        free = event.capacity - selectors.places(event.pk).confirmed_seats
    promoted = []
    waiting = Registration.objects.filter(event=event, status=rsvp.WAITLISTED).order_by(
        "created_at", "id"
    )
    for registration in waiting:
        if free is not None:
            if registration.seats > free:
                break
            free -= registration.seats
        registration.status = rsvp.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _notify_on_commit(registration, "promoted")
        promoted.append(registration)
    return promoted


def _notify_on_commit(registration: Registration, what: str) -> None:
    """Tell the person what happened to their registration (`what`, one of
    events.notifications.REGISTRATION_EVENTS), through the notification centre: in their
    inbox, and by e-mail with the event's .ics as they chose (events.notification_emails)."""
    event = registration.event
    notifications.notify(
        users=[registration.user_id],
        kind=REGISTRATION,
        title=render_subject(what, {"event": event.title}),
        body=dates.day_and_time(event.start),
        url=urlsplit(event.url or "/").path,
        place=registration_place(event.pk),
        place_label=event.title,
        data={"registration": registration.pk, "what": what},
    )
