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

Stored parts and validators. Each event's VEVENTs are stored, serialized, in the database
(events.feed_parts: written when the event is published or changed, valid in every process
and after restarts), so a feed is the join of its events' stored parts behind the calendar's
properties and VTIMEZONE (`events.ical.assemble`), byte for byte what serializing the events
would give. The validators come from one aggregate query over the feed's events and their
parts (how many, the sum of the parts' random tags, which change whenever a part's bytes
do, and the latest change), without building anything: the ETag is the SHA-256 of those and
of the feed's name, language and format, so a calendar app polling an unchanged feed gets
its 304 for one query. The same ETag always names the same bytes (strong): the body is also
cached under it. The same query tells whether every event of the feed has a current part;
the missing or stale ones are written before answering.

Last-Modified is the latest of: the included events' last real change, any page being
unpublished, deleted, moved or restricted today, and today's midnight. The midnight term is
there because the window moves every day: an event leaving the window changes the feed
without any change to an event, and a client that only sends If-Modified-Since must not
keep it. Renaming a municipality, area or age band (which have no change time) reaches such
clients the next day; clients sending If-None-Match, as calendar apps do, see it at once. A
304 answered on the ETag does not look for it.

The private feed is built on every request (from the stored parts of its events, and its
other sources' items) and answers 304 on its ETag only: follows and other apps' sources
have no change time to build a trustworthy Last-Modified from.

Tokens. A person's feed URL holds a random token (`secrets.token_urlsafe(32)`, 256 bits);
only its SHA-256 is stored (`CalendarFeedToken.token_hash`). The URL can therefore be shown
only right after it is created; rotating it makes the old URL answer 404.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import quote, urlencode

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import PageLogEntry

from associations.models import Follow
from events import calendar_sources, feed_parts, ical, recurrence
from events.feed_parts import feed_events  # noqa: F401  (pages as feed events, for callers)
from events.filters import EventFilter, public_events
from events.models import CalendarFeedToken, EventOccurrence, EventPage, Registration
from hub.page_urls import PageUrls
from hub.urls_absolute import absolute_url, webcal_url

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

# Page-tree changes that can take an event out of a feed without changing the event.
_TREE_ACTIONS = (
    "wagtail.unpublish",
    "wagtail.delete",
    "wagtail.move",
    "wagtail.view_restriction.create",
    "wagtail.view_restriction.edit",
    "wagtail.view_restriction.delete",
)


@dataclass(frozen=True)
class Feed:
    """A feed's validators, and its bytes (loaded only when the answer is not a 304).

    A public feed's validators may be the ones remembered for the feeds' version and the
    day (enough to answer a 304); `exact()` is the feed checked against its events' stored
    parts, which a 200 is built from.
    """

    etag: str  # quoted, strong
    load_last_modified: Callable[[], datetime | None]
    load_body: Callable[[], bytes]
    load_exact: Callable[[], Feed] | None = None

    def last_modified(self) -> datetime | None:
        return self.load_last_modified()

    def body(self) -> bytes:
        return self.load_body()

    def exact(self) -> Feed:
        return self.load_exact() if self.load_exact is not None else self


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
    # Half-open overlap; an occurrence without duration counts where it starts. Asked per
    # event (EXISTS, answered from the index on event, start and end), not as a list of
    # every occurrence in the window: the feed's validators read nothing else.
    overlapping = EventOccurrence.objects.filter(
        Q(event=OuterRef("pk")) & Q(start__lt=end) & (Q(end__gt=start) | Q(start__gte=start))
    )
    kept_since = _midnight(today - timedelta(days=CANCELLED_KEPT_DAYS))
    return events.filter(Exists(overlapping)).filter(
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


def _digest(*inputs: str) -> str:
    return hashlib.sha256("\n".join(inputs).encode()).hexdigest()


def _latest(moments: Iterable[datetime | None], *, today: date) -> datetime:
    """Last-Modified: the latest change given, a tree change today, or today's midnight."""
    midnight = _midnight(today)
    tree_change = PageLogEntry.objects.filter(
        timestamp__gte=midnight, action__in=_TREE_ACTIONS
    ).aggregate(latest=Max("timestamp"))["latest"]
    found = [moment for moment in moments if moment is not None]
    return max([midnight, *found, *([tree_change] if tree_change else [])])


def _stored_parts(pages: QuerySet) -> tuple[str, feed_parts.Validators]:
    """The format of the current parts and the validators of `pages`, once each of them has
    a current part (one query when they all have)."""
    format_ = feed_parts.part_format(PageUrls())
    validators = feed_parts.validators(pages, format_=format_)
    if not validators.complete:
        feed_parts.parts_complete(pages, format_=format_)
        validators = feed_parts.validators(pages, format_=format_)
    return format_, validators


def public_feed(event_filter: EventFilter, *, today: date | None = None) -> Feed:
    """A public feed for the filter: its validators from what is remembered for the feeds'
    version (one query), else from one aggregate query; its bytes only when asked."""
    today = today or today_in_rome()
    pages = public_feed_pages(event_filter, today=today)
    name = feed_name(event_filter)
    format_ = feed_parts.part_format(PageUrls())
    # Read before the validators: a change committed meanwhile has moved it already.
    version = feed_parts.feeds_version()
    language = translation.get_language() or ""
    remembered_key = "events:feed-validators:" + _digest(
        format_, language, name, urlencode(event_filter.query_items()), str(today), str(version)
    )

    def exact() -> Feed:
        written_in, validators = _stored_parts(pages)
        etag = (
            f'"{_digest(written_in, language, name, str(validators.events), str(validators.tags))}"'
        )
        django_cache.set(remembered_key, (etag, validators.modified), CACHE_SECONDS)
        body_key = f"events:feed:{etag.strip(chr(34))}"

        def load() -> bytes:
            # The same ETag is the same bytes: the cache only spares the join.
            body = django_cache.get(body_key)
            if body is None:
                body = ical.assemble(name=name, parts=feed_parts.stored_parts(pages))
                django_cache.set(body_key, body, CACHE_SECONDS)
            return body

        return Feed(
            etag=etag,
            load_last_modified=lambda: _latest([validators.modified], today=today),
            load_body=load,
        )

    remembered = django_cache.get(remembered_key)
    if remembered is None:
        return exact()
    etag, modified = remembered
    return Feed(
        etag=etag,
        load_last_modified=lambda: _latest([modified], today=today),
        load_body=lambda: exact().body(),
        load_exact=exact,
    )


def personal_feed(user, *, today: date | None = None) -> Feed:
    """The person's private feed (events and other apps' calendar sources)."""
    today = today or today_in_rome()
    window = feed_window(None, today=today)
    pages = personal_feed_pages(user, today=today)
    _stored_parts(pages)
    parts = feed_parts.stored_parts(pages)
    parts += [ical.event_part(item) for item in calendar_sources.items_for(user, *window)]
    body = ical.assemble(name=personal_feed_name(), parts=parts)
    return Feed(etag=_etag(body), load_last_modified=lambda: None, load_body=lambda: body)


def public_source_feed(name: str, *, today: date | None = None) -> Feed | None:
    """The feed of another app's public calendar (events.calendar_sources.register_public),
    built on every request and answered 304 on its ETag; None for an unknown name."""
    found = calendar_sources.public_source(name)
    if found is None:
        return None
    source, label = found
    today = today or today_in_rome()
    window = feed_window(None, today=today)
    parts = [ical.event_part(item) for item in source(*window)]
    body = ical.assemble(name=f"{label} — {settings.WAGTAIL_SITE_NAME}", parts=parts)
    return Feed(etag=_etag(body), load_last_modified=lambda: None, load_body=lambda: body)


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
