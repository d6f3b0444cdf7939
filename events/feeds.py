"""Calendar feeds over HTTP: the public feeds and each person's private feed.

Public feeds are every public event, or any combination of the list filters
(`events.filters`), served at `/eventi/feed.ics?…` and at the short URLs
`/eventi/comune/<slug>.ics` and `/eventi/associazione/<slug>.ics`. The private feed
(`/eventi/personale/<token>.ics`) holds the events of the associations a person follows,
the events they registered for, and what other apps add through `events.calendar_sources`.

What a feed contains:

- the events with an occurrence (an `EventOccurrence` row) overlapping the window, from 30
  days ago to 12 months ahead (or the filter's own dates); each carries its whole series,
  as RRULE, EXDATE and RECURRENCE-ID overrides, which is what calendar apps expect;
- cancelled events, with STATUS:CANCELLED, for 30 days after their cancellation, so that
  calendar apps mark them cancelled instead of silently losing them; then they drop out.

The window and the cancellation cut-off move at midnight (Rome), not continuously, so a feed
stays byte-identical for the whole day while nothing is edited.

Validators and caching. The ETag is the SHA-256 of the body (strong). A public feed's body
is also cached under a digest of everything it is built from (which events, each one's last
real change, SEQUENCE, status, URL path and municipality name; the names of areas and age
bands; the feed's name and language; the sites' root URLs; the code that writes it), which
one light query gives: a calendar app polling an unchanged feed gets its 304 (or the cached
bytes) without the feed being rebuilt. The last real change (`changed_at`) is moved by
`services.event_sync` on every publish that changes what a feed shows; a page never synced
(no `changed_at`) makes the feed skip the cache and build.

Last-Modified is the latest of: the included events' last real change, any page being
unpublished, deleted, moved or restricted today, and today's midnight. The midnight term is
there because the window moves every day: an event leaving the window changes the feed
without any change to an event, and a client that only sends If-Modified-Since must not
keep it. Renaming a municipality, area or age band (which have no change time) reaches such
clients the next day; clients sending If-None-Match, as calendar apps do, see it at once.

The private feed is built on every request and answers 304 on its ETag only: follows and
other apps' sources have no change time to build a trustworthy Last-Modified from.

Tokens. A person's feed URL holds a random token (`secrets.token_urlsafe(32)`, 256 bits);
only its SHA-256 is stored (`CalendarFeedToken.token_hash`). The URL can therefore be shown
only right after it is created; rotating it makes the old URL answer 404.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import icalendar
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import PageLogEntry, Site

from associations.models import Follow
from events import calendar_sources, ical, recurrence, services
from events.filters import EventFilter, public_events
from events.ical import FeedEvent, build_calendar
from events.models import (
    CalendarFeedToken,
    EventExclusion,
    EventOccurrence,
    EventOccurrenceChange,
    EventPage,
    Registration,
)
from hub.models import AgeBand, Area
from hub.urls_absolute import absolute_url, base_url, webcal_url

ROME = recurrence.ROME
PAST_DAYS = 30
FUTURE_MONTHS = 12
CANCELLED_KEPT_DAYS = 30
# Calendar apps refresh on their own schedule (REFRESH-INTERVAL says 6 hours); the HTTP
# lifetime only spares the hub repeated requests from the same client or proxy.
MAX_AGE_SECONDS = 15 * 60
CACHE_SECONDS = 24 * 60 * 60
TOKEN_BYTES = 32
NEW_TOKEN_SESSION_KEY = "events_new_calendar_token"  # noqa: S105 (a session key)

_FEED_RELATIONS = ("exclusions", "occurrence_changes", "areas", "age_bands")
_CHANGE_FIELDS = ("original_date", "cancelled", "new_start", "new_end")
# What services.feed_event reads of a page (besides the relations above).
_PAGE_FIELDS = (
    "pk",
    "uid",
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
    "address",
    "municipality__name",
    "latitude",
    "longitude",
    "status",
    "sequence",
    "changed_at",
    "last_published_at",
    "first_published_at",
    "url_path",
)
# Page-tree changes that can take an event out of a feed without changing the event.
_TREE_ACTIONS = (
    "wagtail.unpublish",
    "wagtail.delete",
    "wagtail.move",
    "wagtail.view_restriction.create",
    "wagtail.view_restriction.edit",
    "wagtail.view_restriction.delete",
)
# What decides a public feed's bytes, besides its name, the sites and the taxonomy names:
# which events (pk), their last real change (changed_at, moved by services.event_sync on any
# change of what a feed shows; publishing alone does not move it), and what can change
# without it: the URL (a moved page) and the municipality's name.
_VALIDATOR_FIELDS = (
    "pk",
    "changed_at",
    "last_published_at",
    "first_published_at",
    "sequence",
    "status",
    "url_path",
    "municipality__name",
)


@dataclass(frozen=True)
class Feed:
    """A feed's validators, and its bytes (loaded only when the answer is not a 304)."""

    etag: str  # quoted, strong
    last_modified: datetime | None
    load_body: Callable[[], bytes]

    def body(self) -> bytes:
        return self.load_body()


# --- Window and selection ---------------------------------------------------------------------


def today_in_rome(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), ROME).date()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=ROME)


def feed_window(event_filter: EventFilter | None, *, today: date) -> tuple[datetime, datetime]:
    """[start, end) of a feed: 30 days back to 12 months ahead, or the filter's dates."""
    first = today - timedelta(days=PAST_DAYS)
    end = today + relativedelta(months=FUTURE_MONTHS)
    if event_filter is not None and (event_filter.date_from or event_filter.date_to):
        return event_filter.window(default_start=first, default_days=(end - first).days)
    return _midnight(first), _midnight(end)


def _in_feed(events: QuerySet, *, window: tuple[datetime, datetime], today: date) -> QuerySet:
    start, end = window
    # Half-open overlap; an occurrence without duration counts where it starts.
    overlapping = EventOccurrence.objects.filter(
        Q(start__lt=end) & (Q(end__gt=start) | Q(start__gte=start))
    ).values("event_id")
    kept_since = _midnight(today - timedelta(days=CANCELLED_KEPT_DAYS))
    return events.filter(pk__in=overlapping).filter(
        ~Q(status=EventPage.Status.CANCELLED) | Q(cancelled_at__gte=kept_since)
    )


def public_feed_pages(event_filter: EventFilter, *, today: date) -> QuerySet:
    """The public events a filtered feed contains."""
    window = feed_window(event_filter, today=today)
    return _in_feed(event_filter.apply(public_events()), window=window, today=today)


def personal_feed_pages(user, *, today: date) -> QuerySet:
    """Public events of the associations `user` follows and of those they registered for
    (confirmed or on the waiting list). Never a page the public feeds would not show."""
    followed = Follow.objects.filter(user=user).values("association_id")
    registered = Registration.objects.filter(
        user=user,
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
    ).values("event_id")
    events = public_events().filter(Q(association__in=followed) | Q(pk__in=registered))
    return _in_feed(events, window=feed_window(None, today=today), today=today)


# --- Building -----------------------------------------------------------------------------------


class PageUrls:
    """Absolute page URLs from `url_path`, with the sites read once per feed.

    It gives what `hub.urls_absolute.page_url()` gives (the page's path under the first
    site root containing it, on HUB_BASE_URL), without a `reverse()` and a site lookup per
    page.
    """

    def __init__(self):
        self.roots = [(root.root_path, base_url()) for root in Site.get_site_root_paths()]
        self.prefix = reverse("wagtail_serve", args=("",))

    def absolute(self, url_path: str) -> str:
        for root_path, root_url in self.roots:
            if url_path.startswith(root_path):
                return root_url + iri_to_uri(self.prefix + url_path[len(root_path) :])
        return ""


class _Rows(list):
    """A prefetched relation as `services.feed_event` reads it (`page.areas.all()`)."""

    def all(self):
        return self


class _PageRow(SimpleNamespace):
    """An EventPage's fields as `services.feed_event` reads them, from plain rows."""


def feed_events(pages: QuerySet, urls: PageUrls) -> list[FeedEvent]:
    """FeedEvents of the pages, in five queries whatever their number.

    The pages are read as rows, not model instances: building thousands of EventPages with
    their prefetched relations costs more than serializing the whole feed. The rows go
    through `services.feed_event` all the same, so there is one mapping from a page to its
    feed event (tests/events/test_feeds.py checks the two readings agree).
    """
    ids = pages.values("pk")
    related = {name: defaultdict(_Rows) for name in _FEED_RELATIONS}
    for page_id, day in (
        EventExclusion.objects.filter(page__in=ids)
        .order_by("sort_order", "pk")
        .values_list("page_id", "date")
    ):
        related["exclusions"][page_id].append(SimpleNamespace(date=day))
    for page_id, *change in (
        EventOccurrenceChange.objects.filter(page__in=ids)
        .order_by("sort_order", "pk")
        .values_list("page_id", "original_date", "cancelled", "new_start", "new_end")
    ):
        related["occurrence_changes"][page_id].append(
            SimpleNamespace(**dict(zip(_CHANGE_FIELDS, change, strict=True)))
        )
    for name, model, ordering in (
        ("areas", Area, ("area__sort_order", "area__name")),
        ("age_bands", AgeBand, ("ageband__sort_order",)),
    ):
        through = EventPage._meta.get_field(name).remote_field.through
        target = model._meta.model_name
        for page_id, label in (
            through.objects.filter(eventpage__in=ids)
            .order_by(*ordering, "pk")
            .values_list("eventpage_id", f"{target}__name")
        ):
            related[name][page_id].append(SimpleNamespace(name=label))
    events = []
    for row in pages.order_by("pk").values(*_PAGE_FIELDS):
        page = _PageRow(
            **row,
            municipality=SimpleNamespace(name=row["municipality__name"]),
            **{name: rows.get(row["pk"], _Rows()) for name, rows in related.items()},
        )
        events.append(services.feed_event(page, url=urls.absolute(page.url_path)))
    return events


def feed_name(event_filter: EventFilter) -> str:
    """The calendar's name as calendar apps show it: "Eventi — Comune di Bruino"."""
    parts = []
    if event_filter.municipalities:
        names = ", ".join(m.name for m in event_filter.municipalities)
        parts.append(
            ngettext("Comune di %(names)s", "Comuni di %(names)s", len(event_filter.municipalities))
            % {"names": names}
        )
    parts += [association.name for association in event_filter.associations]
    parts += [area.name for area in event_filter.areas]
    parts += [str(band.name) for band in event_filter.age_bands]
    if event_filter.free_only:
        parts.append(_("solo gratuiti"))
    if event_filter.date_from:
        parts.append(_("dal %(date)s") % {"date": f"{event_filter.date_from:%d/%m/%Y}"})
    if event_filter.date_to:
        parts.append(_("fino al %(date)s") % {"date": f"{event_filter.date_to:%d/%m/%Y}"})
    description = " · ".join(parts) or settings.WAGTAIL_SITE_NAME
    return _("Eventi — %(description)s") % {"description": description}


def personal_feed_name() -> str:
    return _("Il mio calendario — %(site)s") % {"site": settings.WAGTAIL_SITE_NAME}


def _etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()}"'


def _latest(moments: Iterable[datetime | None], *, today: date) -> datetime:
    """Last-Modified: the latest change given, a tree change today, or today's midnight."""
    midnight = _midnight(today)
    tree_change = PageLogEntry.objects.filter(
        timestamp__gte=midnight, action__in=_TREE_ACTIONS
    ).aggregate(latest=Max("timestamp"))["latest"]
    found = [moment for moment in moments if moment is not None]
    return max([midnight, *found, *([tree_change] if tree_change else [])])


@cache
def _format_digest() -> str:
    """The code that writes a feed: a deploy changing it must not serve cached old bytes."""
    digest = hashlib.sha256(icalendar.__version__.encode())
    for module in (ical, recurrence, services):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def public_feed(event_filter: EventFilter, *, today: date | None = None) -> Feed:
    """A public feed for the filter, served from the cache while its inputs are unchanged."""
    today = today or today_in_rome()
    pages = public_feed_pages(event_filter, today=today)
    name = feed_name(event_filter)
    urls = PageUrls()
    rows = list(pages.order_by("pk").values(*_VALIDATOR_FIELDS))
    # The same fallback as services.feed_event's LAST-MODIFIED.
    changes = (
        row["changed_at"] or row["last_published_at"] or row["first_published_at"] for row in rows
    )
    last_modified = _latest(changes, today=today)

    def build() -> bytes:
        return build_calendar(name=name, events=feed_events(pages, urls))

    if not all(row["changed_at"] for row in rows):
        body = build()
        return Feed(etag=_etag(body), last_modified=last_modified, load_body=lambda: body)

    inputs = [
        _format_digest(),
        translation.get_language(),
        name,
        urls.roots,
        urls.prefix,
        list(Area.objects.order_by("pk").values_list("pk", "name")),
        list(AgeBand.objects.order_by("pk").values_list("pk", "name")),
        [list(row.values()) for row in rows],
    ]
    key = (
        "events:feed:"
        + hashlib.sha256(json.dumps(inputs, default=str, ensure_ascii=False).encode()).hexdigest()
    )
    etag = django_cache.get(f"{key}:etag")
    built: list[bytes] = []

    def load() -> bytes:
        body = built[0] if built else django_cache.get(f"{key}:body")
        if body is None:
            body = build()
            django_cache.set_many({f"{key}:etag": _etag(body), f"{key}:body": body}, CACHE_SECONDS)
        return body

    if etag is None:
        built.append(load())
        etag = _etag(built[0])
    return Feed(etag=etag, last_modified=last_modified, load_body=load)


def personal_feed(user, *, today: date | None = None) -> Feed:
    """The person's private feed (events and other apps' calendar sources)."""
    today = today or today_in_rome()
    window = feed_window(None, today=today)
    events = feed_events(personal_feed_pages(user, today=today), PageUrls())
    events += calendar_sources.items_for(user, *window)
    body = build_calendar(name=personal_feed_name(), events=events)
    return Feed(etag=_etag(body), last_modified=None, load_body=lambda: body)


# --- Links ------------------------------------------------------------------------------------


def feed_path(event_filter: EventFilter) -> str:
    """The shortest feed URL path for the filter, without its dates (a subscription follows
    the feed's own moving window, not the dates a listing was looking at)."""
    event_filter = replace(event_filter, date_from=None, date_to=None)
    only_municipality = replace(event_filter, municipalities=())
    only_association = replace(event_filter, associations=())
    if len(event_filter.municipalities) == 1 and only_municipality.is_empty:
        return reverse(
            "events:municipality_feed", kwargs={"slug": event_filter.municipalities[0].slug}
        )
    if len(event_filter.associations) == 1 and only_association.is_empty:
        return reverse(
            "events:association_feed", kwargs={"slug": event_filter.associations[0].slug}
        )
    query = urlencode(event_filter.query_items())
    return reverse("events:feed") + (f"?{query}" if query else "")


def _links(path: str) -> dict[str, str]:
    url = absolute_url(path)
    webcal = webcal_url(url)
    return {
        "https": url,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=""),
        "alternate": url,
    }


def subscription_links(event_filter: EventFilter) -> dict[str, str]:
    """Links to subscribe to the feed of a listing's filter, for its "subscribe" box.

    Returns a dict of absolute URLs, on HUB_BASE_URL:

    - `https`: the feed itself (to copy into any calendar app, "add calendar from URL");
    - `webcal`: the same with the `webcal://` scheme, which opens the system's calendar app;
    - `google`: Google Calendar's "add by URL" page for the feed;
    - `alternate`: the href of the page's
      `<link rel="alternate" type="text/calendar" href="…">`.

    The filter's dates (`dal`, `al`) are left out: a subscription follows the feed's moving
    window (the last 30 days and the next 12 months). A single municipality or association
    gets its short URL (`/eventi/comune/<slug>.ics`). Runs no query.
    """
    return _links(feed_path(event_filter))


# --- Personal feed tokens ---------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_token_rotate(*, user) -> str:
    """Give `user` a new private feed URL (the old one stops working); returns the token,
    which is not stored and cannot be shown again."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    CalendarFeedToken.objects.update_or_create(
        user=user, defaults={"token_hash": token_hash(token), "created_at": timezone.now()}
    )
    return token


def user_for_token(token: str):
    """The active user whose private feed `token` opens, or None."""
    digest = token_hash(token)
    found = CalendarFeedToken.objects.select_related("user").filter(token_hash=digest).first()
    if found is None or not hmac.compare_digest(found.token_hash, digest):
        return None
    return found.user if found.user.is_active else None


def personal_links(token: str) -> dict[str, str]:
    """Subscription links (as `subscription_links`) of a private feed URL."""
    return _links(reverse("events:personal_feed", kwargs={"token": token}))


def profile_calendar_context(request: HttpRequest) -> dict:
    """Context of the profile section "events/profile_calendar.html".

    The new URL is in the session only between the rotation and the next profile page,
    which shows it once and forgets it.
    """
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    return {
        "calendar_feed": CalendarFeedToken.objects.filter(user=request.user).first(),
        "calendar_links": personal_links(new_token) if new_token else None,
    }
