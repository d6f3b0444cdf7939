"""Public calendar feeds: contents, window, names, bad input, validators, query counts."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

import icalendar
import pytest
import recurring_ical_events
from django.core.cache import cache
from django.http import QueryDict
from django.test import override_settings
from django.utils.http import http_date
from wagtail.models import PageViewRestriction

from events import feeds, filters, ical, services
from events.models import EventExclusion, EventOccurrenceChange, EventPage
from events.recurrence import ROME
from hub.models import AgeBand, Area
from hub.urls_absolute import page_url
from tests.associations.factories import _add_live_children, make_association
from tests.events.factories import make_event, publish, rome
from tests.hub.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Feeds' window and cut-offs follow 'today' in Rome: pin it."""
    monkeypatch.setattr(feeds, "today_in_rome", lambda now=None: TODAY)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bruino():
    return MunicipalityFactory(name="Bruino", slug="bruino")


@pytest.fixture
def association(bruino):
    return make_association(name="Polisportiva Bruinese", municipalities=[bruino])


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar, uid=None):
    return [
        event
        for event in calendar.walk("VEVENT")
        if uid is None or str(event["UID"]).startswith(str(uid))
    ]


def local_starts(calendar, start, end):
    return [
        event["DTSTART"].dt.astimezone(ROME)
        for event in recurring_ical_events.of(calendar).between(start, end)
    ]


def rewind_changed_at(page, hours=1):
    """As if the page had last changed an hour earlier (two publishes in one test can fall
    in the same second, and LAST-MODIFIED has whole seconds)."""
    EventPage.objects.filter(pk=page.pk).update(changed_at=page.changed_at - timedelta(hours=hours))
    return EventPage.objects.get(pk=page.pk)


def test_done_means_weekly_event_with_a_cancelled_date_then_cancelled(client, association):
    page = make_event(
        association=association,
        title="Allenamento di minibasket",
        start=rome(2026, 10, 7, 18),
        end=rome(2026, 10, 7, 19, 30),
        repeat="weekly",
        repeat_until=date(2026, 11, 25),
        changes=[{"original_date": date(2026, 10, 28), "cancelled": True}],
    )
    page = rewind_changed_at(page)
    url = "/eventi/comune/bruino.ics"

    first = client.get(url)
    calendar = parse(first)
    assert str(calendar["X-WR-CALNAME"]) == "Eventi — Comune di Bruino"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Rome"
    (master,) = vevents(calendar, page.uid)
    assert master["STATUS"] == "CONFIRMED" and master["SEQUENCE"] == 0
    first_change = master["LAST-MODIFIED"].dt
    assert first_change == page.changed_at.replace(microsecond=0)
    assert b"UNTIL=20261125T225959Z" in master["RRULE"].to_ical()
    starts = local_starts(calendar, datetime(2026, 10, 1, tzinfo=ROME), datetime(2027, 1, 1))
    assert [s.date() for s in starts] == [
        date(2026, 10, 7),
        date(2026, 10, 14),
        date(2026, 10, 21),
        # 25 October: back to CET. 28 October is cancelled.
        date(2026, 11, 4),
        date(2026, 11, 11),
        date(2026, 11, 18),
        date(2026, 11, 25),
    ]
    assert {(s.hour, s.minute) for s in starts} == {(18, 0)}
    assert [s.utcoffset() for s in starts[2:4]] == [timedelta(hours=2), timedelta(hours=1)]

    page.status = EventPage.Status.CANCELLED
    cancelled_page = publish(page)
    second = client.get(url)
    (master,) = vevents(parse(second), page.uid)
    assert master["STATUS"] == "CANCELLED"
    assert master["SEQUENCE"] == 1
    assert master["LAST-MODIFIED"].dt == cancelled_page.changed_at.replace(microsecond=0)
    assert master["LAST-MODIFIED"].dt > first_change
    assert second["ETag"] != first["ETag"]
    assert second["Last-Modified"] != first["Last-Modified"]

    # An unchanged republish: same bytes, and the old validator still answers 304.
    publish(EventPage.objects.get(pk=page.pk))
    assert client.get(url, headers={"if-none-match": second["ETag"]}).status_code == 304
    cache.clear()
    third = client.get(url)
    assert third.content == second.content and third["ETag"] == second["ETag"]


def test_feed_headers_and_conditional_get(client, association):
    make_event(association=association, start=rome(2026, 10, 10, 16), end=rome(2026, 10, 10, 18))
    response = client.get("/eventi/feed.ics")
    parse(response)
    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "public" in response["Cache-Control"] and "max-age=900" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")
    assert response["Last-Modified"]

    not_modified = client.get("/eventi/feed.ics", headers={"if-none-match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag
    since = client.get("/eventi/feed.ics", headers={"if-modified-since": response["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(
        "/eventi/feed.ics",
        headers={"if-modified-since": http_date(datetime(2020, 1, 1).timestamp())},
    )
    assert stale.status_code == 200 and stale.content == response.content
    head = client.head("/eventi/feed.ics")
    assert head.status_code == 200 and head["ETag"] == etag


def test_output_is_byte_identical_with_or_without_the_cache(client, association):
    make_event(
        association=association,
        start=rome(2026, 10, 10, 16),
        end=rome(2026, 10, 10, 18),
        repeat="daily",
        repeat_count=5,
        exclusions=[date(2026, 10, 12)],
        areas=["welfare-territoriale"],
        age_bands=["6-10"],
    )
    ical._serialized.cache_clear()
    cold = client.get("/eventi/feed.ics?eta=6-10")
    warm = client.get("/eventi/feed.ics?eta=6-10")
    cache.clear()
    rebuilt = client.get("/eventi/feed.ics?eta=6-10")
    ical._serialized.cache_clear()
    cache.clear()
    again = client.get("/eventi/feed.ics?eta=6-10")
    assert cold.content == warm.content == rebuilt.content == again.content
    assert cold["ETag"] == warm["ETag"] == rebuilt["ETag"] == again["ETag"]


def test_feed_events_read_rows_as_services_reads_pages(association):
    """feeds.feed_events reads rows, not pages, for speed: it must give what
    services.feed_event gives for the real pages."""
    _many_events(association, 6)
    make_event(
        association=association,
        title="Campo estivo",
        start=rome(2026, 10, 12),
        end=rome(2026, 10, 14),
        all_day=True,
        repeat="weekly",
        repeat_count=3,
        changes=[
            {
                "original_date": date(2026, 10, 19),
                "new_start": rome(2026, 10, 20),
                "new_end": rome(2026, 10, 22),
            }
        ],
    )
    pages = EventPage.objects.all()
    urls = feeds.PageUrls()
    expected = [
        services.feed_event(page, url=page_url(page))
        for page in pages.select_related("municipality")
        .prefetch_related("exclusions", "occurrence_changes", "areas", "age_bands")
        .order_by("pk")
    ]
    assert feeds.feed_events(pages, urls) == expected
    assert any(event.overrides for event in expected) and any(event.exdates for event in expected)
    assert any(event.categories for event in expected) and any(event.geo for event in expected)


def test_filters_select_events_and_name_the_feed(client, association, bruino):
    piossasco = MunicipalityFactory(name="Piossasco", slug="piossasco")
    other = make_association(name="Oratorio di Piossasco", municipalities=[piossasco])
    for_kids = make_event(
        association=association,
        title="Minibasket",
        start=rome(2026, 10, 10, 16),
        end=rome(2026, 10, 10, 18),
        age_bands=["6-10"],
    )
    paid = make_event(
        association=other,
        title="Gita",
        start=rome(2026, 10, 11, 9),
        end=rome(2026, 10, 11, 18),
        is_free=False,
        cost="12.00",
    )
    municipal = make_event(
        municipality=bruino,
        title="Festa del Comune",
        start=rome(2026, 10, 12),
        end=rome(2026, 10, 12),
    )

    def titles(url):
        return sorted(str(e["SUMMARY"]) for e in vevents(parse(client.get(url))))

    assert titles("/eventi/feed.ics") == ["Festa del Comune", "Gita", "Minibasket"]
    assert titles("/eventi/comune/bruino.ics") == ["Festa del Comune", "Minibasket"]
    assert titles("/eventi/comune/bruino.ics?eta=6-10") == ["Minibasket"]
    assert titles(f"/eventi/associazione/{other.slug}.ics") == ["Gita"]
    assert titles("/eventi/feed.ics?gratis=1") == ["Festa del Comune", "Minibasket"]
    assert titles("/eventi/feed.ics?comune=bruino&comune=piossasco&eta=6-10") == ["Minibasket"]
    assert titles("/eventi/feed.ics?dal=2026-10-11&al=2026-10-11") == ["Gita"]

    name = str(parse(client.get("/eventi/feed.ics?comune=bruino&eta=6-10&gratis=1"))["NAME"])
    assert name == "Eventi — Comune di Bruino · 6–10 anni · solo gratuiti"
    assert str(parse(client.get("/eventi/feed.ics?comune=bruino&comune=piossasco"))["NAME"]) == (
        "Eventi — Comuni di Bruino, Piossasco"
    )
    assert str(parse(client.get(f"/eventi/associazione/{other.slug}.ics"))["NAME"]) == (
        "Eventi — Oratorio di Piossasco"
    )
    assert str(parse(client.get("/eventi/feed.ics"))["NAME"]).startswith("Eventi — ")
    assert {for_kids.pk, paid.pk, municipal.pk}


def test_feed_items_link_to_the_event_page(client, association):
    page = make_event(
        association=association, start=rome(2026, 10, 10, 16), end=rome(2026, 10, 10, 18)
    )
    (event,) = vevents(parse(client.get("/eventi/feed.ics")))
    # On HUB_BASE_URL (tests: http://testserver), not the Wagtail Site's localhost.
    assert str(event["URL"]) == page_url(page)
    assert str(event["URL"]).startswith("http://testserver/")


def test_bad_filter_parameters_are_a_400_with_a_message(client, association):
    for query, expected in [
        ("comune=atlantide", "atlantide"),
        ("colore=blu", "colore"),
        ("dal=2026-13-01", "dal"),
        ("dal=2026-05-01&al=2026-04-01", "al"),
        ("eta=99-100&area=nessuna", "nessuna"),
    ]:
        response = client.get(f"/eventi/feed.ics?{query}")
        assert response.status_code == 400, query
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        text = response.content.decode()
        assert "parametri non validi" in text and expected in text, text
    response = client.get("/eventi/comune/bruino.ics?eta=99-100")
    assert response.status_code == 400 and "99-100" in response.content.decode()


def test_unknown_entities_are_404(client, association):
    assert client.get("/eventi/comune/atlantide.ics").status_code == 404
    assert client.get("/eventi/associazione/nessuna.ics").status_code == 404


def test_window_and_cancelled_events(client, association):
    old = make_event(
        association=association,
        title="Vecchio",
        start=rome(2026, 8, 1, 10),
        end=rome(2026, 8, 1, 12),
    )
    recent = make_event(
        association=association,
        title="Recente",
        start=rome(2026, 9, 5, 10),
        end=rome(2026, 9, 5, 12),
    )
    far = make_event(
        association=association,
        title="Lontano",
        start=rome(2027, 10, 2, 10),
        end=rome(2027, 10, 2, 12),
    )
    series = make_event(
        association=association,
        title="Serie iniziata prima",
        start=rome(2026, 7, 1, 10),
        end=rome(2026, 7, 1, 11),
        repeat="monthly",
        repeat_count=4,
    )
    cancelled = make_event(
        association=association,
        title="Annullato",
        start=rome(2026, 10, 20, 10),
        end=rome(2026, 10, 20, 12),
    )
    cancelled.status = EventPage.Status.CANCELLED
    cancelled = publish(cancelled)

    def titles():
        return sorted(str(e["SUMMARY"]) for e in vevents(parse(client.get("/eventi/feed.ics"))))

    assert titles() == ["Annullato", "Recente", "Serie iniziata prima"]
    assert {old.pk, recent.pk, far.pk, series.pk}
    # Thirty days after the cancellation it drops out.
    EventPage.objects.filter(pk=cancelled.pk).update(
        cancelled_at=datetime(2026, 8, 31, 23, tzinfo=ROME)
    )
    assert titles() == ["Recente", "Serie iniziata prima"]


def test_non_public_events_are_never_in_a_feed(client, association, bruino):
    make_event(
        association=association,
        title="Pubblico",
        start=rome(2026, 10, 10, 16),
        end=rome(2026, 10, 10, 18),
    )
    make_event(
        association=association,
        title="Bozza",
        start=rome(2026, 10, 10, 16),
        end=rome(2026, 10, 10, 18),
        live=False,
    )
    hidden = make_association(name="Gruppo riservato", municipalities=[bruino])
    make_event(
        association=hidden,
        title="Riservato",
        start=rome(2026, 10, 10, 16),
        end=rome(2026, 10, 10, 18),
    )
    PageViewRestriction.objects.create(page=hidden.page, restriction_type=PageViewRestriction.LOGIN)
    titles = [str(e["SUMMARY"]) for e in vevents(parse(client.get("/eventi/feed.ics")))]
    assert titles == ["Pubblico"]
    assert client.get(f"/eventi/associazione/{hidden.slug}.ics").status_code == 200
    assert vevents(parse(client.get(f"/eventi/associazione/{hidden.slug}.ics"))) == []


def _many_events(association, number):
    """Live events with every relation a feed reads, written quickly (no revisions), then
    synced as a publish would."""
    first = EventPage.objects.count()
    municipality = association.municipalities.first()
    areas = list(Area.objects.order_by("pk")[:2])
    bands = list(AgeBand.objects.order_by("pk")[:2])
    pages = []
    for i in range(first, first + number):
        kind = i % 3
        start = rome(2026, 10, 3, 9) + timedelta(days=i)
        fields = {"repeat": "weekly", "repeat_count": 6} if kind == 1 else {}
        if kind == 2:
            fields = {"latitude": Decimal("45.0"), "longitude": Decimal("7.5")}
        pages.append(
            EventPage(
                title=f"Evento {i}",
                slug=f"evento-{i}",
                start=start,
                end=start + timedelta(hours=2),
                municipality=municipality,
                **fields,
            )
        )
    _add_live_children(association.page, pages)
    recurring = [page for page in pages if page.repeat]
    EventExclusion.objects.bulk_create(
        EventExclusion(page=page, date=page.start.date() + timedelta(days=7)) for page in recurring
    )
    EventOccurrenceChange.objects.bulk_create(
        EventOccurrenceChange(
            page=page, original_date=page.start.date() + timedelta(days=14), cancelled=True
        )
        for page in recurring
    )
    EventPage.areas.through.objects.bulk_create(
        EventPage.areas.through(eventpage_id=page.pk, area=area) for page in pages for area in areas
    )
    EventPage.age_bands.through.objects.bulk_create(
        EventPage.age_bands.through(eventpage_id=page.pk, ageband=band)
        for page in pages
        for band in bands
    )
    for page in pages:
        services.event_sync(page=page)


def test_feed_queries_do_not_grow_with_the_events(
    client, association, django_assert_max_num_queries
):
    urls = ["/eventi/feed.ics", "/eventi/comune/bruino.ics?area=ambiente-e-sport&eta=0-2"]
    _many_events(association, 3)
    client.get(urls[0])  # the site root paths are cached from now on, as in production
    few = {}
    for url in urls:
        cache.clear()
        with django_assert_max_num_queries(16) as context:
            assert len(vevents(parse(client.get(url)))) == 3
        # captured_queries reads the connection's log lazily: keep the count.
        few[url] = len(context.captured_queries)
    _many_events(association, 27)
    for url in urls:
        cache.clear()
        with django_assert_max_num_queries(few[url]) as context:
            assert len(vevents(parse(client.get(url)))) == 30
        assert len(context.captured_queries) == few[url]
        etag = client.get(url)["ETag"]
        # A revalidation is the URL's own lookups (its municipality, its filters' slugs)
        # and the feeds' version, for which the validators are remembered: neither the
        # validators' aggregate, nor the parts, nor Last-Modified's query.
        with django_assert_max_num_queries(few[url] - 3):
            assert client.get(url, headers={"if-none-match": etag}).status_code == 304


@override_settings(HUB_BASE_URL="https://famiglie.example.org")
def test_subscription_links(association, bruino):
    base = "famiglie.example.org"
    links = feeds.subscription_links(filters.parse(QueryDict("comune=bruino&dal=2026-10-01")))
    assert links["https"] == f"https://{base}/eventi/comune/bruino.ics"
    assert links["alternate"] == links["https"]
    assert links["webcal"] == f"webcal://{base}/eventi/comune/bruino.ics"
    assert links["google"] == (
        "https://calendar.google.com/calendar/render?cid="
        + quote(f"webcal://{base}/eventi/comune/bruino.ics", safe="")
    )
    links = feeds.subscription_links(filters.parse(QueryDict(f"associazione={association.slug}")))
    assert links["https"] == f"https://{base}/eventi/associazione/{association.slug}.ics"
    links = feeds.subscription_links(filters.parse(QueryDict("gratis=1&comune=bruino&eta=3-5")))
    assert links["https"] == f"https://{base}/eventi/feed.ics?comune=bruino&eta=3-5&gratis=1"
    assert feeds.subscription_links(filters.EventFilter())["webcal"] == (
        f"webcal://{base}/eventi/feed.ics"
    )
