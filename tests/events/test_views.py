"""Public pages of events: the list, the month grid, a municipality's events page, the event
page with its "add to calendar" links, and the association page's upcoming dates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from wagtail.models import PageViewRestriction

from events import feeds, filters, selectors, services
from events.ical import FeedEvent
from events.models import EventPage
from events.recurrence import ROME, Recurrence
from events.templatetags.events_tags import google_calendar_url, recurrence_text
from hub.models import AgeBand, Area
from hub.urls_absolute import page_url
from tests.associations.factories import make_association
from tests.events.factories import make_event, municipal_index, rome
from tests.hub.factories import MunicipalityFactory, NetworkFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("events:list")
OCTOBER = {"dal": "2026-10-01", "al": "2026-10-31"}


def html(response) -> str:
    return response.content.decode()


def month_url(year, month) -> str:
    return reverse("events:month", kwargs={"year": year, "month": month})


def titles(response) -> list[str]:
    """Event titles of a list page, in order (one per occurrence)."""
    assert response.status_code == 200, response.content
    return [item.event.title for group in response.context["days"] for item in group.items]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Two associations, a municipal events index and a handful of events in October 2026.

    Built once for the module inside a transaction rolled back at the end.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        network = NetworkFactory(slug="cidis", name="CIdiS", short_name="CIdiS")
        bruino = MunicipalityFactory(slug="bruino", name="Bruino", istat_code="001038")
        volvera = MunicipalityFactory(slug="volvera", name="Volvera", istat_code="001314")
        orbassano = MunicipalityFactory(slug="orbassano", name="Orbassano", istat_code="001171")
        sports = make_association(
            name="Polisportiva Bruinese",
            network=network,
            municipalities=[bruino, volvera],
            areas=["ambiente-e-sport"],
        )
        parents = make_association(
            name="Genitori in cammino",
            network=network,
            municipalities=[orbassano],
            areas=["comunita-educante"],
        )
        index = municipal_index(bruino)
        index.intro = "<p>Gli appuntamenti del <b>Comune</b> per le famiglie.</p>"
        index.save_revision().publish()
        minibasket = make_event(
            association=sports,
            title="Minibasket",
            start=rome(2026, 10, 14, 18),
            end=rome(2026, 10, 14, 19, 30),
            repeat="weekly",
            repeat_count=4,
            changes=[{"original_date": date(2026, 10, 21), "cancelled": True}],
            venue="Palestra comunale",
            address="Via Roma 1",
            municipality=bruino,
            areas=["ambiente-e-sport"],
            age_bands=["6-10"],
            latitude=Decimal("44.997510"),
            longitude=Decimal("7.468630"),
        )
        festa = make_event(
            municipality=bruino,
            title="Festa delle famiglie",
            start=rome(2026, 10, 24),
            end=rome(2026, 10, 25),
            all_day=True,
            venue="Piazza Municipio",
            age_bands=["famiglia"],
        )
        reading = make_event(
            association=parents,
            title="Laboratorio di lettura",
            start=rome(2026, 10, 20, 16),
            end=rome(2026, 10, 20, 17, 30),
            municipality=orbassano,
            areas=["comunita-educante"],
            age_bands=["3-5"],
            is_free=False,
            cost=Decimal("5.00"),
            cost_note="merenda compresa",
            status=EventPage.Status.POSTPONED,
        )
        walk = make_event(
            association=sports,
            title="Passeggiata nel parco",
            start=rome(2026, 10, 18, 10),
            end=rome(2026, 10, 18, 12),
            municipality=volvera,
            status=EventPage.Status.CANCELLED,
        )
        yield SimpleNamespace(
            network=network,
            bruino=bruino,
            volvera=volvera,
            orbassano=orbassano,
            sports=sports,
            parents=parents,
            index=index,
            minibasket=minibasket,
            festa=festa,
            reading=reading,
            walk=walk,
        )
        transaction.set_rollback(True)


# --- List -------------------------------------------------------------------------------------


def test_list_groups_dates_by_day_in_italian_across_daylight_saving(client, world):
    response = client.get(LIST_URL, OCTOBER)
    assert titles(response) == [
        "Minibasket",
        "Passeggiata nel parco",
        "Laboratorio di lettura",
        "Minibasket",
        "Festa delle famiglie",
        "Minibasket",
    ]
    page = html(response)
    for text in (
        "Mercoledì 14 ottobre 2026",
        # Same wall-clock time before (CEST) and after (CET) the change of 25 October.
        '<time datetime="2026-10-14T18:00:00+02:00">18:00</time>',
        '<time datetime="2026-10-28T18:00:00+01:00">18:00</time>',
        "19:30",
        "Sabato 24 ottobre 2026",
        "sabato 24 ottobre",
        "domenica 25 ottobre 2026",
        "Comune di Bruino",
        "Palestra comunale, Via Roma 1, Bruino",
        '<span class="hub-num">5,00\xa0€</span> – merenda compresa',
        "Gratuito",
        "3–5 anni",
        "6 appuntamenti, 1 ottobre 2026 – 31 ottobre 2026",
    ):
        assert text in page, text
    assert f'href="{world.sports.page.url}"' in page
    assert f'href="{world.minibasket.url}"' in page


def test_cancelled_dates_are_struck_through_and_postponed_marked(client, world):
    response = client.get(LIST_URL, OCTOBER)
    items = {
        (item.event.title, item.first_day): item
        for group in response.context["days"]
        for item in group.items
    }
    assert items[("Minibasket", date(2026, 10, 21))].cancelled
    assert not items[("Minibasket", date(2026, 10, 28))].cancelled
    assert items[("Passeggiata nel parco", date(2026, 10, 18))].cancelled
    assert items[("Laboratorio di lettura", date(2026, 10, 20))].postponed
    page = html(response)
    assert "<s>Passeggiata nel parco</s>" in page
    assert page.count('<span class="badge bg-danger">annullato</span>') == 2
    assert page.count('<span class="badge bg-warning text-dark">rinviato</span>') == 1


def test_default_window_starts_today_and_lasts_sixty_days(client, world, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: date(2026, 10, 19))
    assert titles(client.get(LIST_URL)) == [
        "Laboratorio di lettura",
        "Minibasket",
        "Festa delle famiglie",
        "Minibasket",
        "Minibasket",
    ]
    monkeypatch.setattr(selectors, "today", lambda: date(2026, 8, 21))
    # 21 August + 60 days = up to 19 October.
    assert titles(client.get(LIST_URL)) == ["Minibasket", "Passeggiata nel parco"]
    assert titles(client.get(LIST_URL, {"dal": "2026-10-26"})) == ["Minibasket", "Minibasket"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"comune": "orbassano"}, ["Laboratorio di lettura"]),
        (
            {"comune": ["orbassano", "volvera"]},
            ["Passeggiata nel parco", "Laboratorio di lettura"],
        ),
        ({"associazione": "genitori-in-cammino"}, ["Laboratorio di lettura"]),
        ({"area": "comunita-educante"}, ["Laboratorio di lettura"]),
        ({"eta": "famiglia"}, ["Festa delle famiglie"]),
        ({"eta": ["famiglia", "3-5"]}, ["Laboratorio di lettura", "Festa delle famiglie"]),
        ({"gratis": "1", "comune": "orbassano"}, []),
        ({"comune": "bruino", "dal": "2026-10-22", "al": "2026-10-24"}, ["Festa delle famiglie"]),
    ],
)
def test_filters(client, world, params, expected):
    assert titles(client.get(LIST_URL, {**OCTOBER, **params})) == expected


def test_the_form_shows_the_filters_asked(client, world):
    page = html(client.get(LIST_URL, {**OCTOBER, "comune": "bruino", "eta": "6-10", "gratis": "1"}))
    assert '<option value="bruino" selected>Bruino</option>' in page
    assert 'value="6-10" id="filter-eta-6-10" checked' in page
    assert 'id="filter-gratis" checked' in page
    assert 'name="dal" value="2026-10-01"' in page
    assert "<details open>" in page
    # Without filters the form stays folded, so on a phone the dates come first.
    unfiltered = html(client.get(LIST_URL))
    assert "<details>" in unfiltered and "<details open>" not in unfiltered


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"comune": "atlantide"}, "comune", "Comune sconosciuto: atlantide."),
        ({"eta": "99-120"}, "eta", "Fascia d&#x27;età sconosciuta: 99-120."),
        ({"dal": "31-31-2026"}, "dal", "Inserisci una data valida."),
        (
            {"dal": "2026-10-10", "al": "2026-10-01"},
            "al",
            "La data finale è prima di quella iniziale.",
        ),
        ({"dal": "2026-01-01", "al": "2027-12-31"}, "al", "al massimo 400 giorni"),
    ],
)
def test_bad_filter_values_answer_400_with_the_message(client, world, params, field, message):
    response = client.get(LIST_URL, params)
    assert response.status_code == 400
    page = html(response)
    assert message in page
    assert f'id="filter-{field}-error"' in page
    assert "Filtra gli eventi" in page  # the form is there to correct the value


def test_unknown_parameters_are_ignored_by_the_html_list(client, world):
    assert titles(client.get(LIST_URL, {**OCTOBER, "utm_source": "newsletter"}))


def test_list_paginates_thirty_dates_a_page(client, world):
    make_event(
        association=world.sports,
        title="Centro estivo",
        start=rome(2026, 7, 1, 9),
        end=rome(2026, 7, 1, 12),
        repeat="daily",
        repeat_count=40,
    )
    params = {"dal": "2026-07-01", "al": "2026-08-31"}
    first = client.get(LIST_URL, params)
    assert len(titles(first)) == 30
    assert first.context["page_obj"].paginator.count == 40
    assert "pagina=2" in html(first)
    assert len(titles(client.get(LIST_URL, {**params, "pagina": "2"}))) == 10


def quick_events(association, number: int, *, start: datetime) -> None:
    """Published events straight in the tree (no revision), synced as a publish would."""
    areas = list(Area.objects.all()[:2])
    bands = list(AgeBand.objects.all()[:3])
    first = association.page.numchild
    for n in range(number):
        page = EventPage(
            title=f"Evento {first + n:03d}",
            slug=f"evento-rapido-{first + n:03d}",
            start=start + timedelta(days=n % 20, hours=n % 5),
            end=start + timedelta(days=n % 20, hours=n % 5 + 1),
            municipality=association.municipalities.first(),
            repeat="weekly" if n % 4 == 0 else "",
            repeat_count=3 if n % 4 == 0 else None,
            first_published_at=timezone.now(),
            last_published_at=timezone.now(),
        )
        page.areas.set(areas)
        page.age_bands.set(bands)
        association.page.add_child(instance=page)
        services.event_sync(page=page)


def test_list_runs_the_same_queries_for_3_and_40_events(
    client, world, django_assert_max_num_queries
):
    organizers = [
        make_association(name=f"Gruppo {n}", network=world.network, municipalities=[world.bruino])
        for n in range(3)
    ]
    params = {"dal": "2027-03-01", "al": "2027-04-30"}
    client.get(LIST_URL, params)  # warm Wagtail's site cache
    quick_events(organizers[0], 3, start=rome(2027, 3, 2, 17))
    with django_assert_max_num_queries(20) as with_3:
        response = client.get(LIST_URL, params)
    assert response.context["page_obj"].paginator.count == 5
    for organizer in organizers:
        quick_events(organizer, 14, start=rome(2027, 3, 2, 17))
    with django_assert_max_num_queries(len(with_3.captured_queries)) as with_40:
        response = client.get(LIST_URL, params)
    assert response.context["page_obj"].paginator.count > 30
    print(f"events list queries (3 → 45 events): {len(with_3)} → {len(with_40)}")


def test_month_runs_the_same_queries_for_3_and_45_events(
    client, world, django_assert_max_num_queries
):
    organizers = [
        make_association(name=f"Gruppo {n}", network=world.network, municipalities=[world.bruino])
        for n in range(3)
    ]
    url = month_url(2027, 3)
    client.get(url)  # warm Wagtail's site cache
    quick_events(organizers[0], 3, start=rome(2027, 3, 2, 17))
    with django_assert_max_num_queries(20) as with_3:
        response = client.get(url)
    assert response.context["grid"].count == 5
    for organizer in organizers:
        quick_events(organizer, 14, start=rome(2027, 3, 2, 17))
    with django_assert_max_num_queries(len(with_3.captured_queries)) as with_45:
        response = client.get(url)
    assert response.context["grid"].count > 45
    print(f"month queries (3 → 45 events): {len(with_3)} → {len(with_45)}")


def test_event_page_runs_the_same_queries_for_3_and_300_dates(
    client, world, django_assert_max_num_queries
):
    first = timezone.localdate() + timedelta(days=30)  # next dates are from now on

    def series(title, count, *, every):
        start = datetime.combine(first, time(17), tzinfo=ROME)
        step = timedelta(days=1 if every == "daily" else 7)
        return make_event(
            association=world.sports,
            title=title,
            start=start,
            end=start + timedelta(hours=1),
            repeat=every,
            repeat_count=count,
            exclusions=[first + step],
            changes=[{"original_date": first + 2 * step, "cancelled": True}],
            areas=["ambiente-e-sport"],
            age_bands=["6-10", "11-13"],
        )

    short = series("Tre incontri", 3, every="weekly")
    long = series("Centro estivo", 300, every="daily")
    client.get(short.url)
    with django_assert_max_num_queries(25) as with_3:
        assert client.get(short.url).status_code == 200
    with django_assert_max_num_queries(len(with_3.captured_queries)) as with_300:
        response = client.get(long.url)
    assert response.status_code == 200 and len(response.context["next_dates"]) == 5
    print(f"event page queries (3 → 300 dates): {len(with_3)} → {len(with_300)}")


def test_list_advertises_the_feed_of_its_filters(client, world):
    response = client.get(LIST_URL, {**OCTOBER, "comune": "bruino", "eta": "6-10"})
    # The subscription follows the criteria, not the dates on screen.
    expected = feeds.subscription_links(filters.EventFilter(municipalities=(world.bruino,)))
    links = response.context["subscription"]
    assert "eta=6-10" in links["https"] and "dal=" not in links["https"]
    page = html(response)
    assert (
        '<link rel="alternate" type="text/calendar" title="Calendario degli eventi" '
        f'href="{escape(links["alternate"])}">'
    ) in page
    assert "Iscriviti al calendario" in page
    for key in ("webcal", "google", "https"):
        assert f'href="{escape(links[key])}"' in page
    assert links["webcal"].startswith("webcal://")
    assert set(expected) == set(links)


# --- Month ------------------------------------------------------------------------------------


def test_month_grid_is_an_accessible_table_and_a_list_on_phones(client, world):
    response = client.get(month_url(2026, 10))
    assert response.status_code == 200
    page = html(response)
    assert page.count('<th scope="col">') == 7
    assert '<abbr title="lunedì">lun</abbr>' in page
    assert 'aria-label="Eventi del 24 ottobre"' in page
    assert 'aria-label="Eventi del 25 ottobre"' in page  # the festa's second day
    assert '<div class="d-none d-md-block table-responsive mt-3">' in page
    assert '<div class="d-md-none mt-3">' in page
    grid = response.context["grid"]
    assert len(grid.weeks) == 5 and grid.weeks[0][:3] == (None, None, None)
    days = {cell.day: [item.event.title for item in cell.items] for cell in grid.days_with_events}
    assert days[date(2026, 10, 24)] == ["Festa delle famiglie"]
    assert days[date(2026, 10, 25)] == ["Festa delle famiglie"]
    assert days[date(2026, 10, 28)] == ["Minibasket"]
    assert grid.count == 6
    assert "Eventi di ottobre 2026" in page
    assert "Mese precedente: </span>settembre 2026" in page
    assert "Mese successivo: </span>novembre 2026" in page


def test_month_links_keep_the_filters(client, world):
    response = client.get(month_url(2026, 1), {"comune": "bruino", "eta": "6-10"})
    page = html(response)
    assert f'href="{month_url(2025, 12)}?comune=bruino&amp;eta=6-10"' in page
    assert f'href="{month_url(2026, 2)}?comune=bruino&amp;eta=6-10"' in page
    december = html(client.get(month_url(2026, 12), {"associazione": "genitori-in-cammino"}))
    assert f'href="{month_url(2027, 1)}?associazione=genitori-in-cammino"' in december


def test_month_shows_a_few_dates_a_day_and_links_to_the_rest(client, world):
    for n in range(5):
        make_event(
            association=world.parents,
            title=f"Incontro {n}",
            start=rome(2026, 11, 3, 9 + n),
            end=rome(2026, 11, 3, 10 + n),
        )
    page = html(client.get(month_url(2026, 11), {"comune": "orbassano"}))
    assert "Incontro 2" in page and "e altri 2" in page
    assert f'href="{LIST_URL}?comune=orbassano&amp;dal=2026-11-03&amp;al=2026-11-03"' in page


@pytest.mark.parametrize(
    "path", ["/eventi/mese/2026/13/", "/eventi/mese/2026/0/", "/eventi/mese/1800/1/"]
)
def test_impossible_months_are_404(client, world, path):
    assert client.get(path).status_code == 404


def test_month_refuses_bad_filters_with_400(client, world):
    response = client.get(month_url(2026, 10), {"area": "astrologia"})
    assert response.status_code == 400
    assert "Area sconosciuta: astrologia." in html(response)


# --- Municipality's events page ---------------------------------------------------------------


def test_municipality_page_lists_its_events_with_its_intro(client, world):
    response = client.get(world.index.url, {**OCTOBER, "comune": "orbassano"})
    assert response.status_code == 200
    page = html(response)
    assert "Eventi del Comune di Bruino" in page
    assert "Gli appuntamenti del <b>Comune</b> per le famiglie." in page
    # Association events in Bruino are in it too; the comune parameter can't widen it.
    assert sorted(set(titles(response))) == ["Festa delle famiglie", "Minibasket"]
    assert 'id="filter-comune"' not in page


# --- Event page -------------------------------------------------------------------------------


def test_event_page_shows_rule_next_dates_place_and_calendar_links(client, world):
    start = timezone.localtime(timezone.now(), ROME).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    start += timedelta(days=7 - start.weekday() + 1)  # a Tuesday, next week
    event = make_event(
        association=world.sports,
        title="Ginnastica dolce",
        start=start,
        end=start + timedelta(hours=1),
        repeat="weekly",
        repeat_until=(start + timedelta(weeks=7)).date(),
        changes=[{"original_date": (start + timedelta(weeks=1)).date(), "cancelled": True}],
        venue="Palestra comunale",
        address="Via Roma 1",
        municipality=world.bruino,
        latitude=Decimal("44.997510"),
        longitude=Decimal("7.468630"),
        age_bands=["6-10"],
        areas=["ambiente-e-sport"],
    )
    response = client.get(event.url)
    assert response.status_code == 200
    page = html(response)
    until = (start + timedelta(weeks=7)).date()
    with translation.override("it"):
        rule = recurrence_text(Recurrence(frequency="weekly", until=until), first_day=start.date())
    assert rule.startswith("ogni martedì fino al")
    assert f"{rule[0].upper()}{rule[1:]}, dalle 17:00 alle 18:00." in page
    next_dates = response.context["next_dates"]
    assert len(next_dates) == 5
    assert [item.cancelled for item in next_dates] == [False, True, False, False, False]
    assert "<s>" in page and "annullato" in page
    assert (
        "https://www.openstreetmap.org/?mlat=44.997510&amp;mlon=7.468630#map=17/44.997510/7.468630"
    ) in page
    assert f'href="{world.sports.page.url}">Polisportiva Bruinese</a>' in page
    assert f'href="{reverse("events:event_ics", args=[event.pk])}"' in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "recur=RRULE%3AFREQ%3DWEEKLY" in page
    assert "6–10 anni" in page and "Ambiente e sport" in page and "Gratuito" in page


def test_cancelled_and_postponed_events_have_a_banner(client, world):
    cancelled = html(client.get(world.walk.url))
    assert "Evento annullato" in cancelled and "<s>Passeggiata nel parco</s>" in cancelled
    assert "Aggiungi a Google Calendar" not in cancelled
    postponed = html(client.get(world.reading.url))
    assert "Evento rinviato" in postponed
    assert "Aggiungi a Google Calendar" in postponed


def test_municipal_event_is_organised_by_the_comune(client, world):
    page = html(client.get(world.festa.url))
    assert "Organizzato dal Comune" in page
    assert f'<a href="{world.index.url}">Bruino</a>' in page
    assert "sabato 24 ottobre" in page and "domenica 25 ottobre 2026" in page
    # No coordinates: a search for the place.
    assert "https://www.openstreetmap.org/search?query=Piazza%20Municipio%2C%20Bruino" in page


def test_event_without_place_has_no_map_link(client, world):
    event = make_event(
        association=world.parents,
        title="Incontro online",
        start=rome(2026, 12, 1, 21),
        end=rome(2026, 12, 1, 22),
    )
    response = client.get(event.url)
    assert response.context["map_url"] is None


# --- Add to calendar --------------------------------------------------------------------------


def test_single_event_ics_is_an_attachment(client, world):
    response = client.get(reverse("events:event_ics", args=[world.minibasket.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="minibasket.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = [c for c in calendar.walk("VEVENT")]
    assert str(event["SUMMARY"]) == "Minibasket"
    assert event["DTSTART"].dt == rome(2026, 10, 14, 18)
    assert "RRULE" in event and "EXDATE" in event
    assert str(event["URL"]) == page_url(world.minibasket)
    assert "X-WR-CALNAME" not in calendar


def test_ics_only_for_live_public_events(client, world):
    draft = make_event(
        association=world.sports,
        title="Bozza",
        start=rome(2026, 12, 5, 10),
        end=rome(2026, 12, 5, 11),
        live=False,
    )
    EventPage.objects.filter(pk=draft.pk).update(live=False)
    private = make_event(
        association=world.sports,
        title="Riservato",
        start=rome(2026, 12, 6, 10),
        end=rome(2026, 12, 6, 11),
    )
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    for page_id in (draft.pk, private.pk, world.index.pk, 999_999):
        assert client.get(reverse("events:event_ics", args=[page_id])).status_code == 404


def feed_event(**changes) -> FeedEvent:
    values = {
        "uid": "abc@comuni-amici-della-famiglia",
        "title": "Minibasket & merenda",
        "start": rome(2026, 10, 14, 18),
        "end": rome(2026, 10, 14, 19, 30),
        "all_day": False,
        "recurrence": None,
        "exdates": (),
        "overrides": (),
        "status": "scheduled",
        "sequence": 0,
        "last_modified": rome(2026, 9, 1, 12),
        "url": "https://hub.example/minibasket/",
        "description": "Porta le scarpe da ginnastica.",
        "location": "Palestra comunale, Bruino",
    }
    return FeedEvent(**{**values, **changes})


def google_params(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://calendar.google.com/calendar/render"
    )
    return {key: values[0] for key, values in parse_qs(parts.query).items()}


def test_google_link_for_a_timed_event_is_in_utc_with_rome_as_zone():
    params = google_params(google_calendar_url(feed_event()))
    assert params == {
        "action": "TEMPLATE",
        "text": "Minibasket & merenda",
        "dates": "20261014T160000Z/20261014T173000Z",
        "details": "Porta le scarpe da ginnastica.\n\nhttps://hub.example/minibasket/",
        "location": "Palestra comunale, Bruino",
        "ctz": "Europe/Rome",
    }


def test_google_link_for_an_all_day_event_has_an_exclusive_end_date():
    params = google_params(
        google_calendar_url(
            feed_event(all_day=True, start=date(2026, 10, 24), end=date(2026, 10, 25))
        )
    )
    assert params["dates"] == "20261024/20261026"


def test_google_link_for_a_series_carries_its_rule():
    weekly = google_params(
        google_calendar_url(
            feed_event(
                recurrence=Recurrence(frequency="weekly", weekdays=(2,), until=date(2026, 11, 4))
            )
        )
    )
    # The end of the last day in Rome (CET), in UTC.
    assert weekly["recur"] == "RRULE:FREQ=WEEKLY;UNTIL=20261104T225959Z;BYDAY=WE;WKST=MO"
    monthly = google_params(
        google_calendar_url(
            feed_event(
                all_day=True,
                start=date(2026, 10, 24),
                end=date(2026, 10, 24),
                recurrence=Recurrence(frequency="monthly", interval=2, count=3),
            )
        )
    )
    assert monthly["recur"] == "RRULE:FREQ=MONTHLY;COUNT=3;INTERVAL=2"


# --- The recurrence in words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recurrence", "expected"),
    [
        (Recurrence("weekly", until=date(2026, 12, 15)), "ogni mercoledì fino al 15 dicembre 2026"),
        (Recurrence("weekly", until=date(2026, 12, 8)), "ogni mercoledì fino all'8 dicembre 2026"),
        (Recurrence("weekly", until=date(2027, 1, 11)), "ogni mercoledì fino all'11 gennaio 2027"),
        (Recurrence("weekly", weekdays=(1, 3), count=10), "ogni martedì e giovedì, 10 volte"),
        (
            Recurrence("weekly", weekdays=(0, 2, 4), count=12),
            "ogni lunedì, mercoledì e venerdì, 12 volte",
        ),
        (
            Recurrence("weekly", interval=2, weekdays=(5,), count=6),
            "ogni 2 settimane: sabato, 6 volte",
        ),
        (Recurrence("daily", count=5), "ogni giorno, 5 volte"),
        (Recurrence("daily", interval=3, count=1), "ogni 3 giorni, 1 volta"),
        (
            Recurrence("monthly", until=date(2027, 6, 14)),
            "ogni mese, il giorno 14 fino al 14 giugno 2027",
        ),
        (Recurrence("monthly", interval=3, count=4), "ogni 3 mesi, il giorno 14, 4 volte"),
    ],
)
def test_recurrence_in_italian(recurrence, expected):
    with translation.override("it"):
        assert recurrence_text(recurrence, first_day=date(2026, 10, 14)) == expected


# --- Association page -------------------------------------------------------------------------


def test_association_page_lists_its_next_dates(client, world):
    soon = timezone.localtime(timezone.now(), ROME) + timedelta(days=3)
    start = datetime.combine(soon.date(), time(15), tzinfo=ROME)
    make_event(
        association=world.parents,
        title="Merenda insieme",
        start=start,
        end=start + timedelta(hours=2),
        municipality=world.orbassano,
    )
    response = client.get(world.parents.page.url)
    page = html(response)
    assert [item.event.title for item in response.context["upcoming_events"]] == ["Merenda insieme"]
    assert "Merenda insieme" in page
    assert f"{LIST_URL}?associazione=genitori-in-cammino" in page
    # October 2026 is past: the postponed reading is not "upcoming".
    assert "Laboratorio di lettura" not in page


def test_pages_are_phone_friendly(client, world):
    page = html(client.get(LIST_URL, OCTOBER))
    viewport = "width=device-width, initial-scale=1, interactive-widget=resizes-content"
    assert f'<meta name="viewport" content="{viewport}">' in page
    assert 'class="col-12 col-md-6 col-lg-4"' in page
    assert "width:" not in page.split("<main", 1)[1]


def test_the_editors_preview_shows_the_page_being_edited(world):
    page = EventPage.objects.get(pk=world.minibasket.pk)
    page.title = "Minibasket (anteprima)"
    page.repeat_count = 6
    response = page.make_preview_request()
    assert response.status_code == 200
    content = response.content.decode()
    assert "Minibasket (anteprima)" in content and "Ogni mercoledì, 6 volte" in content
    new = EventPage(
        title="Evento nuovo",
        start=rome(2027, 1, 9, 10),
        end=rome(2027, 1, 9, 12),
        municipality=world.bruino,
        registration_required=True,
        capacity=10,
    )
    response = new.make_preview_request()
    assert response.status_code == 200
    assert "Evento nuovo" in response.content.decode()
