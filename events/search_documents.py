"""Events as searchable documents (registered with search in apps.py): each published,
public, not cancelled event with a date still to come, with its next dates (a date range
filter finds an event by any of them; sorting by date sorts by the next one).

An event whose last date has passed leaves the index at the nightly reconciliation
(search.services.reconcile), which also moves every event's next dates on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations.search_documents import age_bounds
from events.filters import public_events
from events.models import EventOccurrence, EventPage
from hub.models import AgeBand, Area
from hub.page_urls import PageUrls
from search import registry
from search.documents import MAX_DATES, Document
from search.text import stream_text


def _upcoming(now) -> QuerySet[EventOccurrence]:
    return EventOccurrence.objects.filter(end__gte=now, cancelled=False)


def _events(now) -> QuerySet[EventPage]:
    return (
        public_events()
        .exclude(status=EventPage.Status.CANCELLED)
        .filter(Exists(_upcoming(now).filter(event=OuterRef("pk"))))
    )


def event_ids() -> Iterator[int]:
    yield from _events(timezone.now()).values_list("pk", flat=True)


def _ordered(model, lookup: str) -> Prefetch:
    return Prefetch(lookup, queryset=model.objects.order_by(*model._meta.ordering))


def event_documents(ids: Sequence[int]) -> Iterator[Document]:
    now = timezone.now()
    urls = PageUrls()
    events = list(
        _events(now)
        .filter(pk__in=ids)
        .select_related("municipality", "association")
        .prefetch_related(_ordered(Area, "areas"), _ordered(AgeBand, "age_bands"))
    )
    dates: dict[int, list] = defaultdict(list)
    for event_id, start in (
        _upcoming(now)
        .filter(event_id__in=[event.pk for event in events])
        .order_by("event_id", "start")
        .values_list("event_id", "start")
    ):
        if len(dates[event_id]) < MAX_DATES:
            dates[event_id].append(start)
    for event in events:
        url = urls.relative(event.url_path)
        if url is None or not dates[event.pk]:
            continue
        bands = list(event.age_bands.all())
        age_min, age_max = age_bounds(bands)
        organizer = (
            event.association.name
            if event.association
            else gettext("Comune di %(name)s") % {"name": event.municipality.name}
        )
        yield Document(
            kind="event",
            object_id=event.pk,
            title=event.title,
            subtitle=organizer,
            text=" ".join([event.summary, event.venue, event.address, stream_text(event.body)]),
            url=url,
            municipality=(event.municipality.name,),
            area=tuple(area.name for area in event.areas.all()),
            age_bands=tuple(band.name for band in bands),
            age_min=age_min,
            age_max=age_max,
            free=event.is_free,
            dates=tuple(dates[event.pk]),
        )


def register() -> None:
    registry.register_kind(
        "event",
        label=_("Eventi"),
        load=event_documents,
        indexable_ids=event_ids,
        watch=[registry.Watch(EventPage, lambda page: [page.pk])],
    )
