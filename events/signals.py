"""Wagtail's page signals → events.services, so every publishing path syncs the event."""

from __future__ import annotations

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from events import services
from events.models import EventPage


def _published(sender, instance, **kwargs):
    page = services.event_sync(page=instance)
    if page.registration_required:
        # A raised (or removed) capacity lets people off the waiting list.
        services.registration_promote_waitlisted(event=page)


def _withdrawn(sender, instance, **kwargs):
    services.event_withdraw(page=instance)


def connect() -> None:
    page_published.connect(_published, sender=EventPage, dispatch_uid="events.published")
    page_unpublished.connect(_withdrawn, sender=EventPage, dispatch_uid="events.unpublished")
    post_delete.connect(_withdrawn, sender=EventPage, dispatch_uid="events.deleted")
