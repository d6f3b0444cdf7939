"""Reads for the public side of events: listings, the month grid, the event page and the
association page's upcoming dates.

Listings read the materialised `EventOccurrence` rows (see events.models), joined to their
event, its municipality and its association in one query, then the age bands, as plain rows
(events.listing): a page of results costs the same few queries whatever the number of
events.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association, AssociationPage
from associations.selectors import FilterOptions, filter_options
from events import filters, listing, rsvp, schedule
from events.listing import OccurrenceItem
from events.models import EventOccurrence, EventPage, MunicipalEventsIndexPage, Registration
from events.recurrence import ROME
from events.templatetags.events_tags import google_calendar_url, recurrence_text
from hub.csv_export import ITALIAN_EXCEL, CsvWriter
from hub.models import Municipality, Network
from hub.page_urls import PageUrls
from hub.rules import is_person
from hub.urls_absolute import page_url

LIST_DAYS = 60
PAGE_SIZE = 30
NEXT_DATES = 5
MONTH_CELL_ITEMS = 3


def today() -> date:
    return timezone.localdate(timezone=ROME)


# --- Occurrences ------------------------------------------------------------------------------


def window_occurrences(
    event_filter: filters.EventFilter, *, window_start: datetime, window_end: datetime
) -> QuerySet[EventOccurrence]:
    """Occurrences of public events matching the filter that overlap [start, end)."""
    overlapping = EventOccurrence.objects.filter(start__lt=window_end).filter(
        # An event of no duration at the window's start still counts.
        Q(end__gt=window_start) | Q(start__gte=window_start)
    )
    return event_filter.apply_to_occurrences(overlapping).order_by("start", "event_id", "pk")


def list_window(event_filter: filters.EventFilter) -> tuple[datetime, datetime]:
    return event_filter.window(default_start=today(), default_days=LIST_DAYS)


@dataclass(frozen=True)
class DayGroup:
    day: date
    items: list[OccurrenceItem]


def paginated_days(
    event_filter: filters.EventFilter, page_number: str | None, *, urls: PageUrls
) -> tuple[PaginatorPage, list[DayGroup]]:
    """A page of the list (PAGE_SIZE occurrences) and its occurrences grouped by day.

    An occurrence that began before the window (a festival in its second day) is listed under
    the window's first day.
    """
    window_start, window_end = list_window(event_filter)
    occurrences = window_occurrences(event_filter, window_start=window_start, window_end=window_end)
    page_obj = Paginator(listing.card_rows(occurrences), PAGE_SIZE).get_page(page_number)
    first_day = window_start.date()
    groups: dict[date, list[OccurrenceItem]] = {}
    for item in listing.items(page_obj.object_list, urls=urls):
        groups.setdefault(max(item.first_day, first_day), []).append(item)
    return page_obj, [DayGroup(day, items) for day, items in groups.items()]


# --- Month grid -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthCell:
    day: date
    items: tuple[OccurrenceItem, ...]
    is_today: bool

    @property
    def shown(self) -> list[OccurrenceItem]:
        return self.items[:MONTH_CELL_ITEMS]

    @property
    def more(self) -> int:
        return max(0, len(self.items) - MONTH_CELL_ITEMS)


@dataclass(frozen=True)
class MonthGrid:
    first_day: date
    # Monday first; None outside the month. Tuples: a grid is a value (templatetags
    # memoize its HTML by it).
    weeks: tuple[tuple[MonthCell | None, ...], ...]

    @property
    def days_with_events(self) -> list[MonthCell]:
        return [cell for week in self.weeks for cell in week if cell and cell.items]

    @property
    def count(self) -> int:
        return len({item.pk for cell in self.days_with_events for item in cell.items})


def month_grid(
    event_filter: filters.EventFilter, *, year: int, month: int, urls: PageUrls
) -> MonthGrid:
    """The month's days, Monday first, each with the occurrences on it.

    An all-day event of several days appears on each of its days; a timed one on the day it
    starts (or the month's first day, if it started before).
    """
    first_day = date(year, month, 1)
    days_in_month = calendar.monthrange(year, month)[1]
    last_day = first_day + timedelta(days=days_in_month - 1)
    window_start = datetime.combine(first_day, time(), tzinfo=ROME)
    window_end = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=ROME)
    by_day: dict[date, list[OccurrenceItem]] = defaultdict(list)
    occurrences = window_occurrences(event_filter, window_start=window_start, window_end=window_end)
    for item in listing.items(listing.card_rows(occurrences), urls=urls):
        begin = max(item.first_day, first_day)
        end = min(item.last_day if item.all_day else begin, last_day)
        day = begin
        while day <= end:
            by_day[day].append(item)
            day += timedelta(days=1)
    current = today()
    weeks = tuple(
        tuple(
            MonthCell(day=day, items=tuple(by_day.get(day, ())), is_today=day == current)
            if day.month == month
            else None
            for day in week
        )
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    )
    return MonthGrid(first_day=first_day, weeks=weeks)


# --- Filter form ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterChoices:
    """What the filter form offers, loaded once per request."""

    options: FilterOptions
    associations: list[Association]

    def municipality_groups(self) -> list[tuple[Network, list[Municipality]]]:
        by_pk = {m.pk: m for m in self.options.municipalities}
        return [
            (network, [by_pk[pk] for pk in self.options.network_municipalities.get(network.pk, [])])
            for network in self.options.networks
        ]


def filter_choices() -> FilterChoices:
    return FilterChoices(
        options=filter_options(),
        associations=list(
            Association.objects.filter(page__live=True).only("name", "slug").order_by("name")
        ),
    )


def without_dates(event_filter: filters.EventFilter) -> filters.EventFilter:
    return replace(event_filter, date_from=None, date_to=None)


# --- Event page -------------------------------------------------------------------------------


def next_dates(page: EventPage, *, limit: int = NEXT_DATES) -> list[OccurrenceItem]:
    """The event's next dates (cancelled ones included, marked), from now on."""
    if page.pk is None:
        return []
    occurrences = EventOccurrence.objects.filter(event=page, end__gt=timezone.now()).order_by(
        "start", "pk"
    )[:limit]
    return listing.own_dates(occurrences, page=page)


def preview_next_dates(page: EventPage, *, limit: int = NEXT_DATES) -> list[OccurrenceItem]:
    """The next dates of a page being previewed: computed from its recurrence fields, as
    they are in the editor, because a preview is not saved (its occurrence rows are those of
    the last publication, or none). No queries: the page's relations are in memory."""
    try:
        rows = schedule.occurrence_rows(page)
    except (ValueError, TypeError):
        # A rule the editor has not finished (or that publishing would refuse with a
        # message): the preview shows the page without its dates.
        return []
    now = timezone.now()
    return listing.own_dates([row for row in rows if row.end > now][:limit], page=page)


def map_url(page: EventPage) -> str | None:
    """OpenStreetMap at the coordinates, or a search for the address; None without a place."""
    if page.latitude is not None and page.longitude is not None:
        lat, lon = f"{page.latitude:f}", f"{page.longitude:f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    if not (page.address or page.venue):
        return None
    place = ", ".join(part for part in (page.address or page.venue, page.municipality.name) if part)
    return f"https://www.openstreetmap.org/search?query={quote(place)}"


@dataclass(frozen=True)
class Organizer:
    name: str
    url: str | None
    is_municipality: bool


def organizer(page: EventPage) -> Organizer:
    """The association (linked to its live page), or the Comune for municipal events.

    Found through the page tree, so a preview of a page never published shows it too.
    """
    parent = page.get_parent().specific if page.path else None
    if isinstance(parent, AssociationPage):
        return Organizer(parent.association.name, parent.url if parent.live else None, False)
    if isinstance(parent, MunicipalEventsIndexPage):
        return Organizer(parent.municipality.name, parent.url if parent.live else None, True)
    return Organizer(page.municipality.name, None, True)


@dataclass(frozen=True)
class Span:
    """An event's own dates (its first occurrence), shaped like an OccurrenceItem for the
    templates' "when" line."""

    start: datetime
    end: datetime  # exclusive
    all_day: bool
    first_day: date
    last_day: date

    @property
    def several_days(self) -> bool:
        return self.last_day > self.first_day


def page_span(page: EventPage) -> Span:
    start = timezone.localtime(page.start, ROME)
    end = timezone.localtime(page.end, ROME)
    if page.all_day:
        # An all-day page's end is its last day (inclusive), see events.recurrence.
        first_day, last_day = start.date(), end.date()
        end = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=ROME)
    else:
        first_day = start.date()
        last_day = (end - timedelta(microseconds=1)).date() if end > start else start.date()
    return Span(start=start, end=end, all_day=page.all_day, first_day=first_day, last_day=last_day)


def recurrence_description(page: EventPage) -> str:
    recurrence = schedule.event_recurrence(page)
    if recurrence is None:
        return ""
    return recurrence_text(recurrence, first_day=schedule.local_date(page.start))


def event_page_context(page: EventPage, *, user, preview: bool = False) -> dict:
    """Context of an event's public page (also of its preview, which is not saved: the page's
    own relations are read, not the database's)."""
    if not preview and page.pk is not None:
        # Shown in the facts and in the Google Calendar link: read once.
        prefetch_related_objects([page], "areas", "age_bands")
    upcoming = preview_next_dates(page) if preview else next_dates(page)
    return {
        "is_cancelled": page.status == EventPage.Status.CANCELLED,
        "is_postponed": page.status == EventPage.Status.POSTPONED,
        "span": page_span(page),
        "recurrence_description": recurrence_description(page),
        "next_dates": upcoming,
        "map_url": map_url(page),
        "areas": list(page.areas.all()),
        "age_bands": list(page.age_bands.all()),
        "organizer": organizer(page),
        "ics_url": reverse("events:event_ics", args=[page.pk]) if page.pk else None,
        "google_calendar_url": google_calendar_url(
            schedule.feed_event(page, url=page_url(page) or "", dates_changed=False)
        ),
        # What events.rsvp's panel (events/registration/panel.html) needs; it draws nothing
        # for an event without registration.
        "registration": registration_panel_context(page, user),
    }


# --- Association page -------------------------------------------------------------------------


def association_upcoming(association: Association, *, limit: int = NEXT_DATES) -> list:
    """The association's next dates (public events only), for its page (two queries)."""
    now = timezone.now()
    occurrences = EventOccurrence.objects.filter(
        end__gt=now, event__in=filters.public_events().filter(association=association)
    ).order_by("start", "event_id", "pk")
    return listing.items(listing.card_rows(occurrences)[:limit], urls=PageUrls())


# --- Registrations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    confirmed_seats: int
    waitlisted_parties: int
    waitlisted_seats: int


def places(event_id: int) -> Places:
    """One query: the seats taken and the waiting list of an event."""
    row = Registration.objects.filter(event_id=event_id).aggregate(
        confirmed_seats=Coalesce(Sum("seats", filter=Q(status=rsvp.CONFIRMED)), 0),
        waitlisted_parties=Count("id", filter=Q(status=rsvp.WAITLISTED)),
        waitlisted_seats=Coalesce(Sum("seats", filter=Q(status=rsvp.WAITLISTED)), 0),
    )
    return Places(**row)


@dataclass(frozen=True)
class RegistrationPanel:
    event_id: int
    capacity: int | None
    confirmed_seats: int
    seats_left: int | None  # None: no limit
    waitlisted_parties: int
    is_open: bool
    closed_reason: str | None
    closes_at: datetime
    registration: Registration | None  # the user's active registration
    waitlist_position: int | None  # 1 = next to be promoted
    can_cancel: bool  # people cancel their own registration until the event starts
    max_seats: int
    register_url: str
    cancel_url: str | None


def registration_panel_context(page: EventPage, user, *, now: datetime | None = None) -> dict:
    """Context of `events/registration/panel.html` for the event page.

    Returns {"registration_panel": RegistrationPanel} for an event that requires
    registration, {"registration_panel": None} otherwise (the include then renders nothing).
    Needs only the page and the user; at most three queries whatever the number of
    registrations (places, the user's registration, their place on the waiting list), none
    for an event without registration. The template needs `request` in its context (for the
    CSRF token and the login link back to the page), as any page rendered with it has.
    """
    if not page.registration_required or page.pk is None:  # None: a preview of a new page
        return {"registration_panel": None}
    now = now or timezone.now()
    taken = places(page.pk)
    registration = None
    position = None
    if is_person(user):
        registration = (
            Registration.objects.filter(event_id=page.pk, user=user)
            .exclude(status=rsvp.CANCELLED)
            .first()
        )
        if registration is not None and registration.status == rsvp.WAITLISTED:
            position = 1 + (
                Registration.objects.filter(event_id=page.pk, status=rsvp.WAITLISTED)
                .filter(
                    Q(created_at__lt=registration.created_at)
                    | Q(created_at=registration.created_at, id__lt=registration.pk)
                )
                .count()
            )
    reason = rsvp.refusal(page, now=now)
    seats_left = None
    if page.capacity is not None:
        seats_left = max(page.capacity - taken.confirmed_seats, 0)
    return {
        "registration_panel": RegistrationPanel(
            event_id=page.pk,
            capacity=page.capacity,
            confirmed_seats=taken.confirmed_seats,
            seats_left=seats_left,
            waitlisted_parties=taken.waitlisted_parties,
            is_open=reason is None,
            closed_reason=reason,
            closes_at=rsvp.closes_at(page),
            registration=registration,
            waitlist_position=position,
            can_cancel=now < page.start,
            max_seats=min(rsvp.MAX_SEATS, page.capacity) if page.capacity else rsvp.MAX_SEATS,
            register_url=reverse("events:registration_create", args=[page.pk]),
            cancel_url=reverse("events:registration_cancel", args=[registration.pk])
            if registration is not None
            else None,
        )
    }


def registrations_of(user, *, now: datetime | None = None) -> list[Registration]:
    """The user's active registrations for events that have not ended yet, a series until
    its last date (one query)."""
    now = now or timezone.now()
    dates_to_come = EventOccurrence.objects.filter(event_id=OuterRef("event_id"), end__gte=now)
    return list(
        Registration.objects.filter(user=user)
        .filter(Q(event__end__gte=now) | Exists(dates_to_come))
        .exclude(status=rsvp.CANCELLED)
        .select_related("event")
        .order_by("event__start", "id")
    )


def registrations_profile_context(request) -> dict:
    """Context of `events/registration/profile.html`, the profile section (one query)."""
    now = timezone.now()
    return {"event_registrations": registrations_of(request.user, now=now), "now": now}


# --- The organizer's attendee list ----------------------------------------------------------------


def attendee_headers() -> list[str]:
    return [
        _("Stato"),
        _("Posizione in lista d'attesa"),
        _("Nome"),
        _("E-mail"),
        _("Posti"),
        _("Note per l'organizzatore"),
        _("Iscritto il"),
        _("Confermato dalla lista d'attesa il"),
    ]


def _moment(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def attendees_csv(event: EventPage) -> str:
    """The confirmed people, then the waiting list in order, as CSV text for a spreadsheet
    set to Italian (hub.csv_export: `;`, a BOM so that the accents read right, and names
    and notes typed by the public neutralised against formulas). One query."""
    registrations = (
        Registration.objects.filter(event=event)
        .exclude(status=rsvp.CANCELLED)
        .select_related("user")
        .order_by("created_at", "id")
    )
    confirmed = [r for r in registrations if r.status == rsvp.CONFIRMED]
    waiting = [r for r in registrations if r.status == rsvp.WAITLISTED]
    writer = CsvWriter(ITALIAN_EXCEL)
    writer.writerow(attendee_headers())
    for position, registration in [(None, r) for r in confirmed] + list(
        enumerate(waiting, start=1)
    ):
        user = registration.user
        writer.writerow(
            [
                registration.get_status_display(),
                position or "",
                user.full_name,
                user.email,
                registration.seats,
                registration.note,
                _moment(registration.created_at),
                _moment(registration.promoted_at),
            ]
        )
    return writer.text()
