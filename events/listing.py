"""Dates of events as the listings show them, read as plain rows.

The events list, the month grid, the home page, an association's page and an event's next
dates show dates (`EventOccurrence` rows) with a little of their event: title, link, place,
organizer, age bands, cost, status. They are read here in two queries whatever their number
(the dates joined to their event, its municipality and its association's page, as values;
then the age bands of those events), and each event's card is built once however many of
its dates the page shows.

Rows, not Wagtail pages: a Page instance per date, and Wagtail finding the sites of each
one for its URL, cost more than the rest of the list page together. URLs come from the
rows' `url_path` through `hub.page_urls.PageUrls`, which reads the sites once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.template.defaultfilters import truncatewords
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import EventOccurrence, EventPage
from events.recurrence import ROME
from hub.page_urls import PageUrls

SUMMARY_WORDS = 25

_CARD_FIELDS = (
    "pk",
    "start",
    "end",
    "cancelled",
    "moved",
    "event_id",
    "event__title",
    "event__url_path",
    "event__summary",
    "event__venue",
    "event__address",
    "event__all_day",
    "event__status",
    "event__is_free",
    "event__cost",
    "event__cost_note",
    "event__municipality__name",
    "event__association_id",
    "event__association__name",
    "event__association__page__url_path",
    "event__association__page__live",
)


@dataclass(frozen=True)
class EventCard:
    """What a listing shows of an event (the same for all its dates on the page)."""

    pk: int
    title: str
    url: str | None
    summary: str  # at most SUMMARY_WORDS words
    place: str  # "venue, address, municipality"
    organizer: str  # the association, or "Comune di …" for a municipality's own event
    organizer_url: str | None  # the association's live page
    age_bands: str  # "3–5 anni, 6–10 anni"
    # The cost, as hub's includes/cost.html reads it.
    is_free: bool
    cost: Decimal | None
    cost_note: str
    status: str
    free_label = EventPage.free_label


@dataclass(frozen=True)
class OccurrenceItem:
    """One date of an event as the listings show it (times in Rome)."""

    pk: int | None  # the EventOccurrence's (None: a preview's date, not saved)
    event: EventCard | None  # None where the page is the event's own
    start: datetime
    end: datetime  # exclusive
    all_day: bool
    first_day: date
    last_day: date  # inclusive
    cancelled: bool  # this date, or the whole event
    postponed: bool
    moved: bool

    @property
    def several_days(self) -> bool:
        return self.last_day > self.first_day


def occurrence_item(
    *,
    start: datetime,
    end: datetime,
    all_day: bool,
    cancelled: bool,
    moved: bool,
    status: str,
    pk: int | None = None,
    event: EventCard | None = None,
) -> OccurrenceItem:
    start = timezone.localtime(start, ROME)
    end = timezone.localtime(end, ROME)
    cancelled = cancelled or status == EventPage.Status.CANCELLED
    return OccurrenceItem(
        pk=pk,
        event=event,
        start=start,
        end=end,
        all_day=all_day,
        first_day=start.date(),
        # The end is exclusive: an event up to midnight (or an all-day one) ends the day before.
        last_day=(end - timedelta(microseconds=1)).date() if end > start else start.date(),
        cancelled=cancelled,
        postponed=not cancelled and status == EventPage.Status.POSTPONED,
        moved=moved,
    )


def own_dates(occurrences, *, page: EventPage) -> list[OccurrenceItem]:
    """Items of an event's own dates (EventOccurrence rows of `page`, saved or not)."""
    return [
        occurrence_item(
            pk=occurrence.pk,
            start=occurrence.start,
            end=occurrence.end,
            all_day=page.all_day,
            cancelled=occurrence.cancelled,
            moved=occurrence.moved,
            status=page.status,
        )
        for occurrence in occurrences
    ]


def _age_bands(event_ids) -> dict[int, str]:
    through = EventPage.age_bands.through
    names: dict[int, list[str]] = {}
    for event_id, name in (
        through.objects.filter(eventpage_id__in=event_ids)
        .order_by("ageband__sort_order", "ageband_id")
        .values_list("eventpage_id", "ageband__name")
    ):
        names.setdefault(event_id, []).append(name)
    return {event_id: ", ".join(bands) for event_id, bands in names.items()}


def _card(row: dict, *, urls: PageUrls, age_bands: dict[int, str]) -> EventCard:
    if row["event__association_id"] is not None:
        organizer = row["event__association__name"]
        organizer_url = (
            urls.relative(row["event__association__page__url_path"])
            if row["event__association__page__live"]
            else None
        )
    else:
        organizer = _("Comune di %(name)s") % {"name": row["event__municipality__name"]}
        organizer_url = None
    place = (row["event__venue"], row["event__address"], row["event__municipality__name"])
    return EventCard(
        pk=row["event_id"],
        title=row["event__title"],
        url=urls.relative(row["event__url_path"]),
        summary=truncatewords(row["event__summary"], SUMMARY_WORDS),
        place=", ".join(part for part in place if part),
        organizer=organizer,
        organizer_url=organizer_url,
        age_bands=age_bands.get(row["event_id"], ""),
        is_free=row["event__is_free"],
        cost=row["event__cost"],
        cost_note=row["event__cost_note"],
        status=row["event__status"],
    )


def card_rows(occurrences: QuerySet[EventOccurrence]) -> QuerySet:
    """The occurrences as the rows `items` reads (one query when evaluated)."""
    return occurrences.values(*_CARD_FIELDS)


def items(rows, *, urls: PageUrls) -> list[OccurrenceItem]:
    """The dates of `rows` (from `card_rows`, evaluated or not), in their order, each with
    its event's card. One query for the rows (unless already read), one for the age bands."""
    rows = list(rows)
    age_bands = _age_bands({row["event_id"] for row in rows}) if rows else {}
    cards: dict[int, EventCard] = {}
    result = []
    for row in rows:
        card = cards.get(row["event_id"])
        if card is None:
            card = cards[row["event_id"]] = _card(row, urls=urls, age_bands=age_bands)
        result.append(
            occurrence_item(
                pk=row["pk"],
                event=card,
                start=row["start"],
                end=row["end"],
                all_day=row["event__all_day"],
                cancelled=row["cancelled"],
                moved=row["moved"],
                status=card.status,
            )
        )
    return result
