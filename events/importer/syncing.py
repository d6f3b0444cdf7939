"""Applying a parsed calendar to the association's EventPages (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations.models import AssociationPage
from events.importer.fetching import Fetched, FetchError, fetch
from events.importer.parsing import EventError, ImportedEvent, ParsedCalendar, parse
from events.models import EventExclusion, EventOccurrenceChange, EventPage, IcsImportSource

ERRORS_SHOWN = 20


@dataclass
class SyncReport:
    status: str  # IcsImportSource.SyncStatus
    counts: dict = field(default_factory=dict)
    errors: list[EventError] = field(default_factory=list)
    error: str = ""  # the Italian text stored in last_error


def sync(
    source: IcsImportSource,
    *,
    now: datetime | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> SyncReport:
    """Fetch the source's calendar and bring its events up to date (see the package doc).

    The download happens outside any transaction; the changes happen in one transaction
    with the source's row locked, each event in a savepoint of its own.
    """
    now = now or timezone.now()
    try:
        fetched = fetch(source, timeout=timeout, max_bytes=max_bytes)
    except FetchError as error:
        return record_failure(source, error.message, now=now)
    if fetched.not_modified:
        return _record(source, SyncReport(IcsImportSource.SyncStatus.OK), now=now, fetched=None)
    parsed = parse(fetched.content)
    if parsed.error:
        return record_failure(source, parsed.error, now=now)
    with transaction.atomic():
        source = (
            IcsImportSource.objects.select_for_update(of=("self",))
            .select_related("association__page", "municipality")
            .get(pk=source.pk)
        )
        report = _apply(source, parsed, now=now)
        # The ETag and Last-Modified are kept only after a clean sync; after one with refused
        # events they are forgotten, so the next sync reads the whole file again instead of
        # a 304 hiding those events.
        validators = Fetched(None) if report.errors else fetched
        return _record(source, report, now=now, fetched=validators)


def record_failure(source: IcsImportSource, message: str, *, now: datetime) -> SyncReport:
    """A sync that changed nothing: keep the error for the association to see."""
    return _record(
        source,
        SyncReport(IcsImportSource.SyncStatus.ERROR, error=message),
        now=now,
        fetched=None,
    )


def _record(
    source: IcsImportSource,
    report: SyncReport,
    *,
    now: datetime,
    fetched: Fetched | None,
) -> SyncReport:
    """Store the outcome; counts only after a sync that applied a calendar, so a failure or
    a 304 keeps showing what the last real sync did."""
    values = {"last_sync_at": now, "last_status": report.status, "last_error": report.error}
    if report.counts:
        values["last_counts"] = report.counts
    if fetched is not None:
        values["http_etag"] = fetched.etag
        values["http_last_modified"] = fetched.last_modified
    IcsImportSource.objects.filter(pk=source.pk).update(**values)
    for name, value in values.items():
        setattr(source, name, value)
    return report


def _apply(source: IcsImportSource, parsed: ParsedCalendar, *, now: datetime) -> SyncReport:
    counts = dict.fromkeys(("created", "updated", "unchanged", "cancelled", "skipped"), 0)
    errors = list(parsed.errors)
    existing = {
        page.import_uid: page
        for page in EventPage.objects.filter(import_source=source).prefetch_related(
            "exclusions", "occurrence_changes"
        )
    }
    for event in parsed.events:
        page = existing.get(event.uid)
        try:
            with transaction.atomic():
                outcome = _apply_event(source, event, page, now=now)
        except (ValidationError, DatabaseError, ValueError) as error:
            errors.append(EventError(event.uid, event.title, _describe(error)))
            continue
        counts[outcome] += 1
    for uid, page in existing.items():
        if uid in parsed.uids or not _still_to_come(page, now):
            continue
        if page.status == EventPage.Status.CANCELLED or not page.live:
            continue
        try:
            with transaction.atomic():
                page.status = EventPage.Status.CANCELLED
                _publish(page)
        except (ValidationError, DatabaseError) as error:
            errors.append(EventError(uid, page.title, _describe(error)))
            continue
        counts["cancelled"] += 1
    counts["errors"] = len(errors)
    return SyncReport(
        IcsImportSource.SyncStatus.OK,
        counts=counts,
        errors=errors,
        error=_errors_text(errors),
    )


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return getattr(error, "message", "") or _("Evento non salvato: dati non validi.")


def _still_to_come(page: EventPage, now: datetime) -> bool:
    return page.end >= now or page.occurrences.filter(end__gte=now).exists()


def _apply_event(
    source: IcsImportSource, event: ImportedEvent, page: EventPage | None, *, now: datetime
) -> str:
    if page is None:
        if event.last_end() < now:
            return "skipped"  # already over: the hub lists what is to come
        _create(source, event)
        return "created"
    if not page.live:
        return "skipped"  # unpublished by the association: its choice stands
    if _values(page) == _imported_values(source, event):
        return "unchanged"
    _set_values(page, source, event)
    _publish(page)
    return "updated"


def _imported_values(source: IcsImportSource, event: ImportedEvent) -> dict:
    recurrence = event.recurrence
    return {
        "title": event.title,
        "summary": event.summary,
        "start": event.start,
        "end": event.end,
        "all_day": event.all_day,
        "repeat": recurrence.frequency if recurrence else "",
        "repeat_interval": recurrence.interval if recurrence else 1,
        "repeat_weekdays": list(recurrence.weekdays) if recurrence else [],
        "repeat_until": recurrence.until if recurrence else None,
        "repeat_count": recurrence.count if recurrence else None,
        "venue": event.venue,
        "municipality_id": source.municipality_id,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "status": EventPage.Status.CANCELLED if event.cancelled else EventPage.Status.SCHEDULED,
        "exclusions": sorted(event.exclusions),
        "changes": sorted(
            (change.original_date, change.cancelled, change.new_start, change.new_end)
            for change in event.changes
        ),
    }


def _values(page: EventPage) -> dict:
    values = {name: getattr(page, name) for name in _PAGE_FIELDS}
    values["repeat_weekdays"] = sorted(int(day) for day in page.repeat_weekdays or [])
    values["exclusions"] = sorted(exclusion.date for exclusion in page.exclusions.all())
    values["changes"] = sorted(
        (change.original_date, change.cancelled, change.new_start, change.new_end)
        for change in page.occurrence_changes.all()
    )
    return values


_PAGE_FIELDS = (
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
    "municipality_id",
    "latitude",
    "longitude",
    "status",
)


def _set_values(page: EventPage, source: IcsImportSource, event: ImportedEvent) -> None:
    values = _imported_values(source, event)
    for name in _PAGE_FIELDS:
        setattr(page, name, values[name])
    page.exclusions = [EventExclusion(date=day) for day in event.exclusions]
    page.occurrence_changes = [
        EventOccurrenceChange(
            original_date=change.original_date,
            cancelled=change.cancelled,
            new_start=change.new_start,
            new_end=change.new_end,
        )
        for change in event.changes
    ]


def _create(source: IcsImportSource, event: ImportedEvent) -> EventPage:
    # Read afresh: a creation rolled back in its savepoint leaves an in-memory parent whose
    # child count no longer matches the tree.
    parent = AssociationPage.objects.get(pk=source.association.page.pk)
    # A calendar says nothing about costs: the page doesn't claim the event is free, and the
    # association can complete it in the admin (the import never touches these fields).
    page = EventPage(
        import_source=source,
        import_uid=event.uid,
        is_free=False,
        cost_note=_("Informazioni sul costo presso l'organizzatore"),
    )
    _set_values(page, source, event)
    page.slug = _free_slug(parent, event.title)
    page.full_clean(exclude=["path", "depth", "slug"])
    parent.add_child(instance=page)
    return _publish(page)


def _publish(page: EventPage) -> EventPage:
    """A published revision, as an editor's "Publish": page_published runs event_sync."""
    page.save_revision(log_action=True).publish()
    return page


def _free_slug(parent, title: str) -> str:
    base = slugify(title)[:80].strip("-") or "evento"
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, suffix = base, 1
    while slug in taken:
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


def _errors_text(errors: list[EventError]) -> str:
    if not errors:
        return ""
    lines = [
        ngettext(
            "%(count)s evento non importato:",
            "%(count)s eventi non importati:",
            len(errors),
        )
        % {"count": len(errors)}
    ]
    for error in errors[:ERRORS_SHOWN]:
        lines.append(f"• «{error.title}» (UID {error.uid or '?'}): {error.message}")
    if len(errors) > ERRORS_SHOWN:
        lines.append(_("… e altri %(count)s.") % {"count": len(errors) - ERRORS_SHOWN})
    return "\n".join(lines)
