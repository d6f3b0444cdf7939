"""The events section of the home page: the next few dates, and the way to propose one.

Registered with hub.home in EventsConfig.ready(). Two queries whatever the number of events
(the occurrences with their event, municipality and association page; their age bands).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from events import filters
from events.models import EventOccurrence
from events.selectors import OccurrenceItem, occurrence_item, with_card_data

HOME_DATES = 4


def upcoming(*, limit: int = HOME_DATES) -> list[OccurrenceItem]:
    """The next dates of public events (not cancelled ones), soonest first."""
    occurrences = with_card_data(
        EventOccurrence.objects.filter(
            end__gt=timezone.now(), cancelled=False, event__in=filters.public_events()
        ).exclude(event__status="cancelled")
    ).order_by("start", "event_id", "pk")[:limit]
    return [occurrence_item(occurrence) for occurrence in occurrences]


def home_context(request: HttpRequest) -> dict:
    return {"upcoming": upcoming()}
