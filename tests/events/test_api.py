"""API of events (/api/v1/events/): public reads with the listings' filters, and an
association's writes with its API token, following its trust (publish or review)."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from wagtail.models import PageViewRestriction, Revision, WorkflowState

from associations import services as association_services
from events.models import EventOccurrence, EventPage
from hub.urls_absolute import page_url
from tests.associations.factories import approver, make_association
from tests.events.factories import make_event, rome
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:events-list")
OCCURRENCES_URL = reverse("api:events-occurrences")
OCTOBER = {"dal": "2026-10-01", "al": "2026-10-31"}


def detail_url(page) -> str:
    return reverse("api:events-detail", args=[page.pk])


def cancel_url(page) -> str:
    return reverse("api:events-cancel", args=[page.pk])


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    return body["error"]


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def token_for(association, creator) -> str:
    _token, plaintext = association_services.association_token_create(
        association=association, name="Gestionale", by=creator
    )
    return plaintext


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        network = NetworkFactory(slug="cidis")
        bruino = MunicipalityFactory(slug="bruino", name="Bruino", istat_code="001038")
        orbassano = MunicipalityFactory(slug="orbassano", name="Orbassano", istat_code="001171")
        trusted = make_association(
            name="Polisportiva Bruinese",
            network=network,
            municipalities=[bruino],
            areas=["ambiente-e-sport"],
            trusted=True,
        )
        reviewed = make_association(
            name="Genitori in cammino",
            network=network,
            municipalities=[orbassano],
            areas=["comunita-educante"],
        )
        creator = UserFactory(email="segreteria@example.org")
        minibasket = make_event(
            association=trusted,
            title="Minibasket",
            start=rome(2026, 10, 14, 18),
            end=rome(2026, 10, 14, 19, 30),
            repeat="weekly",
            repeat_count=4,
            changes=[{"original_date": date(2026, 10, 21), "cancelled": True}],
            venue="Palestra comunale",
            municipality=bruino,
            areas=["ambiente-e-sport"],
            age_bands=["6-10"],
            latitude=Decimal("44.997510"),
            longitude=Decimal("7.468630"),
        )
        reading = make_event(
            association=reviewed,
            title="Laboratorio di lettura",
            start=rome(2026, 10, 20, 16),
            end=rome(2026, 10, 20, 17, 30),
            municipality=orbassano,
            areas=["comunita-educante"],
            age_bands=["3-5"],
            is_free=False,
            cost=Decimal("5.00"),
        )
        festa = make_event(
            municipality=bruino,
            title="Festa delle famiglie",
            start=rome(2026, 10, 24),
            end=rome(2026, 10, 25),
            all_day=True,
            age_bands=["famiglia"],
        )
        private = make_event(
            association=trusted,
            title="Allenamento riservato",
            start=rome(2026, 10, 15, 18),
            end=rome(2026, 10, 15, 19),
        )
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        yield SimpleNamespace(
            bruino=bruino,
            orbassano=orbassano,
            trusted=trusted,
            reviewed=reviewed,
            creator=creator,
            trusted_token=token_for(trusted, creator),
            reviewed_token=token_for(reviewed, creator),
            minibasket=minibasket,
            reading=reading,
            festa=festa,
            private=private,
        )
        transaction.set_rollback(True)


# --- Reading ----------------------------------------------------------------------------------


def test_event_detail_has_its_series_place_and_next_dates(client, world):
    response = client.get(detail_url(world.minibasket))
    assert response.status_code == 200
    row = response.json()
    assert row == {
        "id": world.minibasket.pk,
        "uid": f"{world.minibasket.uid}@comuni-amici-della-famiglia",
        "title": "Minibasket",
        "url": page_url(world.minibasket),
        "summary": "",
        "association": "polisportiva-bruinese",
        "status": "scheduled",
        "start": "2026-10-14T18:00:00+02:00",
        "end": "2026-10-14T19:30:00+02:00",
        "all_day": False,
        "recurrence": {"freq": "weekly", "interval": 1, "weekdays": [], "until": None, "count": 4},
        "excluded_dates": [],
        "changes": [
            {"original_date": "2026-10-21", "cancelled": True, "new_start": None, "new_end": None}
        ],
        "venue": "Palestra comunale",
        "address": "",
        "municipality": {"slug": "bruino", "name": "Bruino", "istat_code": "001038"},
        "latitude": "44.997510",
        "longitude": "7.468630",
        "areas": ["ambiente-e-sport"],
        "age_bands": ["6-10"],
        "is_free": True,
        "cost": None,
        "cost_note": "",
        "registration_required": False,
        "capacity": None,
        "registration_closes_at": None,
        "sequence": 0,
        "last_modified": row["last_modified"],
        # October 2026 is over: no next dates.
        "upcoming": [],
    }
    assert row["last_modified"]


def test_list_has_only_live_public_events(client, world):
    assert titles(client.get(LIST_URL)) == [
        "Minibasket",
        "Laboratorio di lettura",
        "Festa delle famiglie",
    ]
    assert_error(client.get(detail_url(world.private)), 404, "not_found")
    world.reading.unpublish()
    assert "Laboratorio di lettura" not in titles(client.get(LIST_URL))
    assert_error(client.get(detail_url(world.reading)), 404, "not_found")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"comune": "orbassano"}, ["Laboratorio di lettura"]),
        (
            {"comune": ["orbassano", "bruino"]},
            ["Minibasket", "Laboratorio di lettura", "Festa delle famiglie"],
        ),
        ({"associazione": "polisportiva-bruinese"}, ["Minibasket"]),
        ({"area": "comunita-educante"}, ["Laboratorio di lettura"]),
        ({"eta": "famiglia"}, ["Festa delle famiglie"]),
        ({"gratis": "1"}, ["Minibasket", "Festa delle famiglie"]),
        ({"dal": "2026-10-21", "al": "2026-10-24"}, ["Minibasket", "Festa delle famiglie"]),
        ({"dal": "2026-10-22", "al": "2026-10-24"}, ["Festa delle famiglie"]),
        ({"dal": "2026-10-29", "al": "2026-10-31"}, []),
        ({"comune": "bruino", "page": "1"}, ["Minibasket", "Festa delle famiglie"]),
    ],
)
def test_list_filters_like_the_pages(client, world, params, expected):
    assert titles(client.get(LIST_URL, params)) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"comune": "atlantide"}, "comune"),
        ({"eta": "99-120"}, "eta"),
        ({"dal": "domani"}, "dal"),
        ({"dal": "2026-10-10", "al": "2026-10-01"}, "al"),
        ({"citta": "bruino"}, "citta"),
    ],
)
def test_unknown_filters_are_400_naming_the_parameter(client, world, params, field):
    for url in (LIST_URL, OCCURRENCES_URL):
        error = assert_error(client.get(url, params), 400, "invalid")
        assert list(error["fields"]) == [field]
        assert all(isinstance(message, str) and message for message in error["fields"][field])


def test_occurrences_expand_series_in_the_window_across_daylight_saving(client, world):
    response = client.get(OCCURRENCES_URL, {**OCTOBER, "comune": "bruino"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["title"], row["start"], row["cancelled"]) for row in rows] == [
        ("Minibasket", "2026-10-14T18:00:00+02:00", False),
        ("Minibasket", "2026-10-21T18:00:00+02:00", True),
        ("Festa delle famiglie", "2026-10-24T00:00:00+02:00", False),
        ("Minibasket", "2026-10-28T18:00:00+01:00", False),
    ]
    festa = rows[2]
    assert festa["all_day"] is True
    assert festa["end"] == "2026-10-26T00:00:00+01:00"  # exclusive, after the DST change
    assert festa["association"] is None and festa["municipality"] == "bruino"
    assert rows[0]["url"] == page_url(world.minibasket)


def test_lists_run_constant_queries(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(LIST_URL).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(OCCURRENCES_URL, OCTOBER).status_code == 200


# --- Writing ----------------------------------------------------------------------------------


def new_event(**changes) -> dict:
    data = {
        "title": "Corso di nuoto",
        "summary": "Per bambini dai 6 ai 10 anni.",
        "start": "2027-03-02T17:00:00",
        "end": "2027-03-02T18:00:00",
        "recurrence": {"freq": "weekly", "weekdays": ["TU"], "until": "2027-04-27"},
        "excluded_dates": ["2027-03-30"],
        "changes": [
            {
                "original_date": "2027-04-06",
                "new_start": "2027-04-08T17:00:00+02:00",
                "new_end": "2027-04-08T18:00:00+02:00",
            }
        ],
        "venue": "Piscina comunale",
        "municipality": "bruino",
        "areas": ["ambiente-e-sport"],
        "age_bands": ["6-10"],
        "cost": "30.00",
        "cost_note": "al mese",
    }
    data.update(changes)
    return data


def test_a_trusted_association_publishes_at_once(client, world):
    response = client.post(
        LIST_URL, new_event(), content_type="application/json", **bearer(world.trusted_token)
    )
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["publication"] == "published" and row["message"] == "Evento pubblicato."
    assert row["association"] == "polisportiva-bruinese"
    assert row["is_free"] is False and row["cost"] == "30.00"
    assert row["start"] == "2027-03-02T17:00:00+01:00"
    assert row["recurrence"] == {
        "freq": "weekly",
        "interval": 1,
        "weekdays": ["TU"],
        "until": "2027-04-27",
        "count": None,
    }
    page = EventPage.objects.get(pk=row["id"])
    assert page.live and page.get_parent().pk == world.trusted.page.pk
    assert page.latest_revision.user == world.creator
    starts = [
        occurrence.start
        for occurrence in EventOccurrence.objects.filter(event=page).order_by("start")
    ]
    # Nine Tuesdays less the excluded one; 6 April moved to Thursday the 8th (CEST).
    assert len(starts) == 9 - 1
    assert rome(2027, 4, 8, 17) in starts and rome(2027, 4, 6, 17) not in starts
    assert row["title"] in titles(client.get(LIST_URL, {"associazione": "polisportiva-bruinese"}))


def test_an_untrusted_association_submits_for_review(client, world):
    response = client.post(
        LIST_URL,
        new_event(title="Cerchio dei genitori", municipality="orbassano", cost=None),
        content_type="application/json",
        **bearer(world.reviewed_token),
    )
    assert response.status_code == 202, response.content
    row = response.json()
    assert row["publication"] == "in_review"
    assert "revisione" in row["message"]
    assert row["is_free"] is True
    page = EventPage.objects.get(pk=row["id"])
    assert not page.live
    assert not EventOccurrence.objects.filter(event=page).exists()
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == world.creator
    assert "Cerchio dei genitori" not in titles(client.get(LIST_URL))
    assert_error(client.get(detail_url(page)), 404, "not_found")


def test_the_api_cannot_cancel_through_a_change(client, world):
    response = client.post(
        LIST_URL,
        new_event(status="cancelled"),
        content_type="application/json",
        **bearer(world.trusted_token),
    )
    error = assert_error(response, 400, "invalid")
    assert "cancel/" in error["fields"]["status"][0]


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"end": "2027-03-02T16:00:00"}, ("end",), "prima dell'inizio"),
        ({"start": "2 marzo 2027"}, ("start",), ""),
        ({"municipality": "atlantide"}, ("municipality",), "Comune sconosciuto: atlantide."),
        ({"areas": ["astrologia"]}, ("areas",), "Area sconosciuta: astrologia."),
        ({"age_bands": ["99-120"]}, ("age_bands",), "Fascia d'età sconosciuta: 99-120."),
        (
            {"recurrence": {"freq": "weekly", "weekdays": ["MO"], "count": 3}},
            ("recurrence", "weekdays"),
            "martedì",
        ),
        (
            {"recurrence": {"freq": "daily", "until": "2029-12-31"}},
            ("recurrence", "until"),
            "2 anni",
        ),
        ({"recurrence": {"freq": "hourly", "count": 3}}, ("recurrence", "freq"), ""),
        ({"recurrence": {"freq": "weekly"}}, ("recurrence", "until"), "senza fine"),
        ({"excluded_dates": ["2027-03-31"]}, ("recurrence", "non_field_errors"), "31/03/2027"),
        (
            {"recurrence": None},
            ("excluded_dates",),
            "solo per gli eventi che si ripetono",
        ),
        (
            {
                "changes": [
                    {"original_date": "2027-03-09", "cancelled": True},
                    {"original_date": "2027-03-09", "cancelled": True},
                ]
            },
            ("changes",),
            "una volta sola",
        ),
        ({"cost": "-1"}, ("cost",), ""),
        ({"is_free": True}, ("cost",), "gratuito"),
        ({"latitude": "123.5"}, ("latitude",), ""),
    ],
)
def test_invalid_events_are_400_and_nothing_is_saved(client, world, changes, path, message):
    pages, revisions = EventPage.objects.count(), Revision.objects.count()
    response = client.post(
        LIST_URL,
        new_event(**changes),
        content_type="application/json",
        **bearer(world.trusted_token),
    )
    error = assert_error(response, 400, "invalid")
    found = error["fields"]
    for key in path:
        found = found[key]
    assert isinstance(found, list) and found and all(isinstance(m, str) for m in found)
    assert message in " ".join(found)
    assert (EventPage.objects.count(), Revision.objects.count()) == (pages, revisions)


def test_patch_changes_the_associations_own_event(client, world):
    response = client.patch(
        detail_url(world.minibasket),
        {"title": "Minibasket del mercoledì", "start": "2026-10-14T17:30:00+02:00"},
        content_type="application/json",
        **bearer(world.trusted_token),
    )
    assert response.status_code == 200, response.content
    row = response.json()
    assert row["publication"] == "published"
    assert row["title"] == "Minibasket del mercoledì"
    assert row["sequence"] == 1  # the time changed: calendar apps must re-read it
    assert row["changes"] == [
        {"original_date": "2026-10-21", "cancelled": True, "new_start": None, "new_end": None}
    ]
    page = EventPage.objects.get(pk=world.minibasket.pk)
    assert page.title == "Minibasket del mercoledì"
    assert EventOccurrence.objects.filter(event=page, start=rome(2026, 10, 28, 17, 30)).exists()


def test_invalid_patch_changes_nothing(client, world):
    before = client.get(detail_url(world.minibasket)).json()
    response = client.patch(
        detail_url(world.minibasket),
        {"title": "Nuovo titolo", "end": "2026-10-14T10:00:00+02:00"},
        content_type="application/json",
        **bearer(world.trusted_token),
    )
    assert_error(response, 400, "invalid")
    assert client.get(detail_url(world.minibasket)).json() == before


def test_an_untrusted_associations_change_waits_for_review(client, world):
    response = client.patch(
        detail_url(world.reading),
        {"title": "Laboratorio di lettura ad alta voce"},
        content_type="application/json",
        **bearer(world.reviewed_token),
    )
    assert response.status_code == 202, response.content
    assert response.json()["title"] == "Laboratorio di lettura ad alta voce"
    # The live page is unchanged until the staff approve.
    assert client.get(detail_url(world.reading)).json()["title"] == "Laboratorio di lettura"


def test_another_associations_event_is_not_found(client, world):
    for response in (
        client.patch(
            detail_url(world.reading),
            {"title": "Preso"},
            content_type="application/json",
            **bearer(world.trusted_token),
        ),
        client.post(cancel_url(world.reading), **bearer(world.trusted_token)),
        client.post(cancel_url(world.festa), **bearer(world.trusted_token)),
    ):
        assert_error(response, 404, "not_found")
    assert EventPage.objects.get(pk=world.reading.pk).status == "scheduled"


def test_writing_needs_an_association_token(client, world):
    assert client.post(LIST_URL, new_event(), content_type="application/json").status_code == 401
    assert client.post(cancel_url(world.minibasket)).status_code == 401
    client.force_login(approver())
    assert_error(
        client.post(LIST_URL, new_event(), content_type="application/json"),
        403,
        "permission_denied",
    )
    assert_error(client.post(cancel_url(world.minibasket)), 403, "permission_denied")


def test_a_revoked_token_is_refused(client, world):
    token, plaintext = association_services.association_token_create(
        association=world.trusted, name="Vecchio", by=world.creator
    )
    association_services.association_token_revoke(association=world.trusted, token_id=token.pk)
    response = client.post(
        LIST_URL, new_event(), content_type="application/json", **bearer(plaintext)
    )
    assert response.status_code == 401


def test_cancel_keeps_the_event_marked_cancelled(client, world):
    response = client.post(cancel_url(world.minibasket), **bearer(world.trusted_token))
    assert response.status_code == 200, response.content
    row = response.json()
    assert row["status"] == "cancelled" and row["publication"] == "published"
    assert row["sequence"] == 1
    rows = client.get(OCCURRENCES_URL, {**OCTOBER, "associazione": "polisportiva-bruinese"})
    assert [row["cancelled"] for row in rows.json()["results"]] == [True, True, True]
    again = client.post(cancel_url(world.minibasket), **bearer(world.trusted_token))
    assert again.status_code == 200 and again.json()["sequence"] == 1


def test_an_untrusted_association_cancels_at_once_and_stops_the_review(client, world):
    client.patch(
        detail_url(world.reading),
        {"title": "Laboratorio rinnovato"},
        content_type="application/json",
        **bearer(world.reviewed_token),
    )
    response = client.post(cancel_url(world.reading), **bearer(world.reviewed_token))
    assert response.status_code == 200, response.content
    row = response.json()
    assert row["status"] == "cancelled" and row["publication"] == "published"
    # The change under review is not published with the cancellation, and its review stops.
    assert row["title"] == "Laboratorio di lettura"
    assert not WorkflowState.objects.filter(
        object_id=str(world.reading.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).exists()
    public = client.get(detail_url(world.reading)).json()
    assert public["status"] == "cancelled"


def test_openapi_schema_has_no_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)
