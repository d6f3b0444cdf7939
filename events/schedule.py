"""An event page's schedule as plain values: its series, its validation, its feed entry.

The page-to-feed mapping (`feed_event`) and the series (`event_recurrence`,
`event_occurrences`) are read by selectors, feeds and services alike; `event_validate`
is the rule a page must meet to be published (EventPage.clean() and the services ask it).
Nothing here writes: it reads the page and its own prefetched relations.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from events import recurrence as rec
from events.ical import FeedEvent
from events.models import EventOccurrence, EventPage
from hub.validation import date_bounds_message, date_in_bounds

ROME = rec.ROME


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment, ROME).date()


def rome_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=ROME)


def event_recurrence(page: EventPage) -> rec.Recurrence | None:
    if not page.repeat:
        return None
    weekdays = tuple(sorted(int(day) for day in page.repeat_weekdays or ()))
    if page.repeat == EventPage.Repeat.WEEKLY and not weekdays:
        weekdays = ()
    return rec.Recurrence(
        frequency=page.repeat,
        interval=page.repeat_interval or 1,
        weekdays=weekdays,
        until=page.repeat_until,
        count=page.repeat_count,
    )


def _exclusions(page: EventPage) -> list[date]:
    return [exclusion.date for exclusion in page.exclusions.all()]


def _overrides(page: EventPage) -> list[rec.OccurrenceOverride]:
    wall_clock = timezone.localtime(page.start, ROME).timetz().replace(tzinfo=None)
    overrides = []
    for change in page.occurrence_changes.all():
        original = datetime.combine(change.original_date, wall_clock, tzinfo=ROME)
        overrides.append(
            rec.OccurrenceOverride(
                original_start=original,
                new_start=None if change.cancelled else change.new_start,
                new_end=None if change.cancelled else change.new_end,
                cancelled=change.cancelled,
            )
        )
    return overrides


def _bounds(page: EventPage) -> tuple[datetime | date, datetime | date]:
    if page.all_day:
        return local_date(page.start), local_date(page.end)
    return page.start, page.end


def event_occurrences(page: EventPage) -> list[rec.Occurrence]:
    """The whole series of the page as it is now (exclusions and changes applied)."""
    start, end = _bounds(page)
    return rec.occurrences(
        start=start,
        end=end,
        all_day=page.all_day,
        recurrence=event_recurrence(page),
        exdates=_exclusions(page),
        overrides=_overrides(page),
    )


def event_validate(page: EventPage) -> None:
    """Raise ValidationError (field → Italian message) for a page that can't be published."""
    errors: dict[str, str] = _bounds_errors(page)
    if errors:
        # Nothing else is computed from a date the hub cannot convert or put in a feed.
        raise ValidationError(errors)
    if page.start is None or page.end is None:
        return  # the fields' own "required" errors already say it
    if page.all_day:
        # All-day events are whole days in Rome: times are ignored.
        page.start = rome_midnight(local_date(page.start))
        page.end = rome_midnight(local_date(page.end))
    if page.end < page.start:
        errors["end"] = _("La fine dell'evento è prima dell'inizio.")
    errors.update(page.clean_cost())
    if not page.registration_required:
        page.capacity = None
    if page.repeat_until is not None and page.repeat_count is not None:
        errors["repeat_count"] = _(
            "Indica una data di fine oppure un numero di ripetizioni, non entrambi."
        )
    if not page.repeat and (page.repeat_weekdays or page.repeat_until or page.repeat_count):
        page.repeat_weekdays, page.repeat_until, page.repeat_count = [], None, None
    if page.repeat != EventPage.Repeat.WEEKLY:
        page.repeat_weekdays = []
    recurrence = None
    if not errors and page.repeat:
        try:
            recurrence = event_recurrence(page)
            rec.validate(recurrence, start=_bounds(page)[0])
        except rec.RecurrenceError as error:
            field = {
                "weekdays": "repeat_weekdays",
                "start_not_in_weekdays": "repeat_weekdays",
                "interval": "repeat_interval",
                "until_before_start": "repeat_until",
                "too_long": "repeat_until" if page.repeat_until else "repeat_count",
                "count": "repeat_count",
                "too_many": "repeat_count" if page.repeat_count else "repeat_until",
                "unbounded": "repeat_until",
            }.get(error.code, "repeat")
            errors[field] = error.message
    if not errors and recurrence is not None:
        errors.update(_change_errors(page))
    if errors:
        raise ValidationError(errors)


def _bounds_errors(page: EventPage) -> dict[str, str]:
    """Dates outside the hub's years (hub.validation), and lists longer than a series."""
    errors = {
        name: date_bounds_message()
        for name in ("start", "end", "repeat_until", "registration_closes_at")
        if not date_in_bounds(getattr(page, name))
    }
    exclusions = list(page.exclusions.all())
    changes = list(page.occurrence_changes.all())
    try:
        rec.validate_date_lists(exclusions=len(exclusions), changes=len(changes))
    except rec.RecurrenceError as error:
        errors["repeat"] = error.message
        return errors
    if any(not date_in_bounds(exclusion.date) for exclusion in exclusions) or any(
        not all(
            date_in_bounds(value)
            for value in (change.original_date, change.new_start, change.new_end)
        )
        for change in changes
    ):
        errors["repeat"] = date_bounds_message()
    return errors


def _change_errors(page: EventPage) -> dict[str, str]:
    """Single-date changes must name dates of the series, and moved dates must make sense."""
    start, _end = _bounds(page)
    series_days = {
        moment
        if isinstance(moment, date) and not isinstance(moment, datetime)
        else local_date(moment)
        for moment in rec.series_starts(
            start=start, all_day=page.all_day, recurrence=event_recurrence(page)
        )
    }
    for exclusion in page.exclusions.all():
        if exclusion.date not in series_days:
            return {
                "repeat": _("La data esclusa %(date)s non fa parte della serie.")
                % {"date": f"{exclusion.date:%d/%m/%Y}"}
            }
    for change in page.occurrence_changes.all():
        if change.original_date not in series_days:
            return {
                "repeat": _("La data %(date)s da modificare non fa parte della serie.")
                % {"date": f"{change.original_date:%d/%m/%Y}"}
            }
        if not change.cancelled:
            if change.new_start is None or change.new_end is None:
                return {
                    "repeat": _("Per spostare una data indica il nuovo inizio e la nuova fine.")
                }
            if change.new_end < change.new_start:
                return {"repeat": _("Nella data spostata la fine è prima dell'inizio.")}
    return {}


def feed_event(page: EventPage, *, url: str, dates_changed: bool = True) -> FeedEvent:
    """The page as events.ical sees it (prefetch exclusions, occurrence_changes, areas,
    age_bands and municipality to keep this query-free).

    `dates_changed` False leaves out the series' excluded and changed dates (EXDATE and
    RECURRENCE-ID), for what carries only the rule (the "add to Google Calendar" link).
    """
    start, end = _bounds(page)
    categories = tuple(area.name for area in page.areas.all()) + tuple(
        str(band.name) for band in page.age_bands.all()
    )
    geo = None
    if page.latitude is not None and page.longitude is not None:
        geo = (float(page.latitude), float(page.longitude))
    location = ", ".join(
        part for part in (page.venue, page.address, page.municipality.name) if part
    )
    return FeedEvent(
        uid=f"{page.uid}@comuni-amici-della-famiglia",
        title=page.title,
        start=start,
        end=end,
        all_day=page.all_day,
        recurrence=event_recurrence(page),
        exdates=tuple(_exclusions(page)) if page.repeat and dates_changed else (),
        overrides=tuple(_overrides(page)) if page.repeat and dates_changed else (),
        status=page.status,
        sequence=page.sequence,
        # A page not synced yet (a preview) falls back to its last edit.
        last_modified=page.changed_at
        or page.last_published_at
        or page.latest_revision_created_at
        or timezone.now(),
        url=url,
        description=page.summary,
        location=location,
        geo=geo,
        categories=categories,
    )


def occurrence_rows(page: EventPage) -> list[EventOccurrence]:
    """The page's series as (unsaved) occurrence rows: what publishing writes, and what a
    preview shows, computed from the page as it is in the editor."""
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
    return rows
