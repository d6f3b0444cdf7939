"""Background tasks of events (django-q2). Each loads its object by id and is safe to run
twice."""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import IcsImportSource

logger = logging.getLogger(__name__)

SYNC_SCHEDULE_NAME = "events.sync_ics_sources"


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
