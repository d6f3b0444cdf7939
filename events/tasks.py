"""Background tasks of events (django-q2). Each loads its object by id and is safe to run
twice."""

from __future__ import annotations

import logging

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from events.models import EventPage, IcsImportSource, Registration
from hub.urls_absolute import page_url

logger = logging.getLogger(__name__)

SYNC_SCHEDULE_NAME = "events.sync_ics_sources"

# The state a registration must still be in for its e-mail to make sense: a later change
# queued an e-mail of its own.
_EXPECTED_STATUS = {
    "confirmed": Registration.Status.CONFIRMED,
    "promoted": Registration.Status.CONFIRMED,
    "waitlisted": Registration.Status.WAITLISTED,
    "cancelled": Registration.Status.CANCELLED,
}
_WITH_CALENDAR_FILE = {"confirmed", "promoted"}


def registration_notify(*, registration_id: int, kind: str, language: str = "it") -> bool:
    """E-mail the person about their registration; confirmations carry the event's .ics."""
    from events.ical import single_event_ics
    from events.services import feed_event
    from hub.tasks import send_templated_email

    registration = Registration.objects.select_related("user").filter(pk=registration_id).first()
    if registration is None or registration.status != _EXPECTED_STATUS[kind]:
        return False
    event = (
        EventPage.objects.select_related("municipality", "association")
        .prefetch_related("exclusions", "occurrence_changes", "areas", "age_bands")
        .get(pk=registration.event_id)
    )
    url = page_url(event) or ""
    with translation.override(language):
        context = {
            "name": registration.user.full_name,
            "event": event.title,
            "organizer": event.association.name if event.association else event.municipality.name,
            "when": _when(event),
            "recurring": bool(event.repeat),
            "where": ", ".join(
                part for part in (event.venue, event.address, event.municipality.name) if part
            ),
            "url": url,
            "seats": registration.seats,
            "event_cancelled": event.status == EventPage.Status.CANCELLED,
        }
    attachments = []
    if kind in _WITH_CALENDAR_FILE:
        ics = single_event_ics(feed_event(event, url=url)).decode("utf-8")
        attachments.append([f"{event.slug or 'evento'}.ics", ics, "text/calendar"])
    send_templated_email(
        to=[registration.user.email],
        template=f"events/email/registration_{kind}",
        context=context,
        language=language,
        attachments=attachments,
    )
    return True


def _when(event: EventPage) -> str:
    start = timezone.localtime(event.start)
    if event.all_day:
        return formats.date_format(start, "l j F Y")
    return _("%(date)s alle %(time)s") % {
        "date": formats.date_format(start, "l j F Y"),
        "time": formats.time_format(start, "H:i"),
    }


def sync_ics_source(*, source_id: int) -> str:
    """Sync one imported calendar. Whatever happens is recorded on the source, never raised:
    the hourly run goes on with the other sources."""
    from events import importer

    source = IcsImportSource.objects.filter(pk=source_id, active=True).first()
    if source is None:
        return "gone"
    try:
        return importer.sync(source).status
    except Exception:
        logger.exception("ICS import of source %s failed", source_id)
        importer.record_failure(
            source,
            _("Errore interno durante la sincronizzazione: lo staff della rete è stato avvisato."),
            now=timezone.now(),
        )
        return IcsImportSource.SyncStatus.ERROR


def sync_ics_sources() -> int:
    """The hourly job: one task per active source, so a slow or failing calendar holds up
    no other and each stays within the cluster's task timeout."""
    from django_q.tasks import async_task

    source_ids = list(
        IcsImportSource.objects.filter(active=True).order_by("pk").values_list("pk", flat=True)
    )
    for source_id in source_ids:
        async_task(
            "events.tasks.sync_ics_source",
            source_id=source_id,
            task_name=f"events:ics-import:{source_id}",
        )
    return len(source_ids)


def ensure_schedules(schedule_model=None) -> None:
    """Create (or correct) the hourly ICS import job; safe to call any number of times.

    `schedule_model` is django_q's Schedule, or its historical model in a data migration:
    `ensure_schedules(apps.get_model("django_q", "Schedule"))`.
    """
    if schedule_model is None:
        from django_q.models import Schedule as schedule_model
    schedule_model.objects.update_or_create(
        name=SYNC_SCHEDULE_NAME,
        defaults={
            "func": "events.tasks.sync_ics_sources",
            "schedule_type": "H",  # Schedule.HOURLY, spelled out for historical models
            "repeats": -1,
        },
    )
