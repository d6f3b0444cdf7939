"""The events section of the home page: the next few dates, and the way to propose one.

Registered with hub.home in EventsConfig.ready(). Two queries whatever the number of events
(the occurrences with their event, municipality and association page; their age bands:
events.listing).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from events import filters, listing
from events.listing import OccurrenceItem
from events.models import EventOccurrence
from hub.page_urls import PageUrls

HOME_DATES = 4


def upcoming(*, urls: PageUrls, limit: int = HOME_DATES) -> list[OccurrenceItem]:
    """The next dates of public events (not cancelled ones), soonest first."""
    occurrences = (
        EventOccurrence.objects.filter(
            end__gt=timezone.now(), cancelled=False, event__in=filters.public_events()
        )
        .exclude(event__status="cancelled")
        .order_by("start", "event_id", "pk")
    )
    return listing.items(listing.card_rows(occurrences)[:limit], urls=urls)


def home_context(request: HttpRequest) -> dict:
    return {"upcoming": upcoming(urls=PageUrls(request))}
