"""Wagtail's page signals → events.services, so every publishing path syncs the event; and
the changes above an event that show in its feed entry (a page moved or renamed above it,
its municipality, an area or an age band renamed) → its stored feed part rewritten; a view
restriction added or removed → the feeds' version moved."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from events import services
from events.models import EventPage
from hub.models import AgeBand, Area, Municipality


def _published(sender, instance, **kwargs):
    page = services.event_sync(page=instance)
    if page.registration_required:
        # A raised (or removed) capacity lets people off the waiting list.
        services.registration_promote_waitlisted(event=page)


def _withdrawn(sender, instance, **kwargs):
    services.event_withdraw(page=instance)


def _moved(sender, instance, **kwargs):
    """A page moved: the events under it (itself included) may now belong to another
    association, and their URLs changed; a move may also take them in or out of a
    restricted section."""
    services.events_moved(events=EventPage.objects.descendant_of(instance, inclusive=True))


def _tree_changed(sender, instance, **kwargs):
    """A page's slug changed: the URLs of the events under it (itself included)
    changed."""
    services.event_feed_parts_refresh(
        events=EventPage.objects.descendant_of(instance, inclusive=True)
    )
    services.feeds_changed()


def _restriction_changed(sender, **kwargs):
    """A view restriction added, changed or removed: the events under it enter or leave
    the public feeds."""
    services.feeds_changed()


# Which events show a taxonomy row's name in their feed entry.
_SHOWN_BY = {Municipality: "municipality", Area: "areas", AgeBand: "age_bands"}


def _renamed(sender, instance, created=False, raw=False, **kwargs):
    if created or raw:
        return
    services.event_feed_parts_refresh(
        events=EventPage.objects.filter(**{_SHOWN_BY[sender]: instance.pk})
    )


def _taxonomy_deleting(sender, instance, **kwargs):
    # The events lose a category when the row goes: find them while the links exist.
    ids = list(EventPage.objects.filter(**{_SHOWN_BY[sender]: instance.pk}).values_list("pk"))
    events = EventPage.objects.filter(pk__in=[pk for (pk,) in ids])
    transaction.on_commit(lambda: services.event_feed_parts_refresh(events=events))


def connect() -> None:
    page_published.connect(_published, sender=EventPage, dispatch_uid="events.published")
    page_unpublished.connect(_withdrawn, sender=EventPage, dispatch_uid="events.unpublished")
    post_delete.connect(_withdrawn, sender=EventPage, dispatch_uid="events.deleted")
    post_page_move.connect(_moved, dispatch_uid="events.feed_parts.moved")
    page_slug_changed.connect(_tree_changed, dispatch_uid="events.feed_parts.slug_changed")
    for model in _SHOWN_BY:
        post_save.connect(_renamed, sender=model, dispatch_uid=f"events.feed_parts.{model}")
    for signal in (post_save, post_delete):
        signal.connect(
            _restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"events.feeds.restriction.{signal is post_save}",
        )
    for model in (Area, AgeBand):
        pre_delete.connect(
            _taxonomy_deleting, sender=model, dispatch_uid=f"events.feed_parts.{model}.delete"
        )
