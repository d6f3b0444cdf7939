"""Bad input gets a 4xx with a message, never a 500, and nothing is half-written.

Every scenario of issue 9's "500s on bad input" is re-run here, on SQLite and on
PostgreSQL (which refuses NUL in text, so some of them failed there only): control
characters in any parameter, dates outside 1900–2100 wherever dates come in, quantities
out of range or written with "1_000" or full-width digits, JSON nested too deep, bodies too
big, OPTIONS on the basket, an admin page edit missing a StreamField's count, and a list of
20,000 excluded dates. The client never re-raises: a 500 shows as a 500.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from associations import services as association_services
from events import recurrence
from events.importer import parsing
from events.models import EventPage
from gaf.models import OrderChange, OrderLine, OrderRound, RoundProduct
from hub import services as hub_services
from hub.validation import DATE_MAX
from tests.associations.factories import approver, make_association
from tests.events.factories import make_event
from tests.events.factories import rome as event_rome
from tests.events.test_admin import _formset, _weekly_course
from tests.gaf.factories import make_group, make_member, make_orchard_catalogue, make_round, rome

pytestmark = pytest.mark.django_db

CONTROL = "caratteri di controllo"
DATE_RANGE = "compresa tra il 01/01/1900 e il 31/12/2100"
DURING_ROUND = rome(2026, 10, 22, 12)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """An association with an API token and an event, a GAF round with a member family that
    has an API token; built once, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        association = make_association(name="Polisportiva Bruinese", trusted=True)
        _token, association_token = association_services.association_token_create(
            association=association, name="Gestionale", by=approver()
        )
        municipality = association.municipalities.first()
        event = make_event(
            association=association,
            title="Minibasket",
            start=event_rome(2026, 10, 14, 18),
            end=event_rome(2026, 10, 14, 19),
        )
        setup = make_group()
        supplier, apples, eggs = make_orchard_catalogue(setup)
        round = make_round(setup, supplier, [apples, eggs], title="Giro delle mele")
        family, member = make_member(setup, name="Famiglia Rossi")
        EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
        _token, family_token = hub_services.api_token_create(user=member, name="Telefono")
        yield {
            "association": association,
            "association_token": association_token,
            "municipality": municipality,
            "event": event,
            "setup": setup,
            "supplier": supplier,
            "round": round,
            "apples": RoundProduct.objects.get(round=round, product=apples),
            "family": family,
            "member": member,
            "family_token": family_token,
        }
        transaction.set_rollback(True)


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.fixture
def during_round(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: DURING_ROUND)


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def api_error(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["message"]
    return body["error"]


def flat_messages(error: dict) -> str:
    """The error's message and every field message, as one text to search."""
    found = [error["message"]]
    stack = [error["fields"]]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        else:
            found.append(str(value))
    return " ".join(found)


def page_error(response, text: str, status: int = 400) -> None:
    assert response.status_code == status, response.content[:500]
    assert escape(text) in response.content.decode()


# --- Control characters in any parameter ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/eventi/?comune=%00",
        "/eventi/?comune=bruino%01",
        "/eventi/?%00=1",
        "/eventi/mese/2026/10/?area=%00",
        "/eventi/feed.ics?comune=%00",
        "/eventi/comune/{municipality}.ics?area=%00",
        "/eventi/comune/%00.ics",
        "/eventi/%00/",
        "/associazioni/?q=%00",
    ],
)
def test_control_characters_in_a_page_parameter_or_path_are_400_with_a_message(client, world, path):
    response = client.get(path.format(municipality=world["municipality"].slug))
    page_error(response, CONTROL)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/events/?comune=%00", "comune"),
        ("/api/v1/events/occurrences/?dal=2026-10-01%00", "dal"),
        ("/api/v1/associations/?q=%1F", "q"),
        ("/api/v1/associations/%00/", None),
        ("/api/v1/gaf/products/?supplier=%00", "supplier"),
    ],
)
def test_control_characters_in_an_api_parameter_or_path_are_400_in_the_api_format(
    client, world, path, field
):
    error = api_error(client.get(path, **bearer(world["family_token"])))
    assert error["code"] == "invalid"
    assert CONTROL in error["message"]
    if field:
        assert CONTROL in error["fields"][field][0]


def test_control_characters_in_a_page_form_are_400_and_nothing_is_saved(client, world):
    family = world["family"]
    client.force_login(world["member"])
    response = client.post(
        reverse("family_edit"),
        {"name": "Famiglia\x00Rossi", "municipality": family.municipality_id},
    )
    page_error(response, CONTROL)
    family.refresh_from_db()
    assert family.name == "Famiglia Rossi"


@pytest.mark.parametrize(
    "title", ["Minibasket\u0000", "Minibasket\u0007", "Mini\ud800basket", "Mini\x7fbasket"]
)
def test_control_characters_in_json_strings_are_400_on_the_field(client, world, title):
    body = {
        "title": title,
        "start": "2026-11-04T18:00",
        "end": "2026-11-04T19:00",
        "municipality": world["municipality"].slug,
    }
    response = client.post(
        "/api/v1/events/",
        json.dumps(body),
        content_type="application/json",
        **bearer(world["association_token"]),
    )
    error = api_error(response)
    assert CONTROL in error["fields"]["title"][0] or "null" in error["fields"]["title"][0]
    assert not EventPage.objects.filter(title__startswith="Mini", start__month=11).exists()


def test_control_characters_in_json_keys_and_nested_strings_are_400(client, world, during_round):
    rp = world["apples"]
    for payload in (
        {"round": world["round"].pk, "lines": [{"round_product": rp.pk, "firm": "1\x01"}]},
        {"round": world["round"].pk, "lines": [{"round_product": rp.pk, "fir\x00m": "1"}]},
    ):
        response = client.put(
            "/api/v1/gaf/orders/mine/",
            json.dumps(payload),
            content_type="application/json",
            **bearer(world["family_token"]),
        )
        assert CONTROL in flat_messages(api_error(response))
    assert not OrderChange.objects.exists()


def test_control_characters_in_an_api_form_body_are_400(client, world):
    response = client.post(
        "/api/v1/events/",
        "title=Mini%00basket&start=2026-11-04T18%3A00",
        content_type="application/x-www-form-urlencoded",
        **bearer(world["association_token"]),
    )
    assert CONTROL in api_error(response)["fields"]["title"][0]


def test_a_cookie_with_control_characters_is_ignored_not_a_500(client, world):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    client.cookies["csrftoken"] = "\x00"
    assert client.get("/eventi/").status_code == 200


def test_an_authorization_header_with_control_characters_is_400(client, world):
    error = api_error(client.get("/api/v1/events/", HTTP_AUTHORIZATION="Bearer abc\x00def"))
    assert CONTROL in error["message"]


def test_the_message_is_in_english_for_english_readers(client, world):
    error = api_error(client.get("/api/v1/events/?comune=%00", HTTP_ACCEPT_LANGUAGE="en"))
    assert "control characters" in error["message"]
    response = client.get("/eventi/?comune=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "control characters" in response.content.decode()


# --- Dates outside 1900–2100 ------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["dal=9999-12-31", "al=0001-01-01", "dal=0001-01-01", "dal=1899-12-31", "al=2101-01-01"],
)
def test_date_filters_outside_the_hubs_years_are_400_everywhere(client, world, query):
    slug = world["municipality"].slug
    page_error(client.get(f"/eventi/?{query}"), DATE_RANGE)
    for feed in ("/eventi/feed.ics", f"/eventi/comune/{slug}.ics"):
        response = client.get(f"{feed}?{query}")
        assert response.status_code == 400, response.content[:300]
        assert DATE_RANGE in response.content.decode()
    for path in ("/api/v1/events/", "/api/v1/events/occurrences/"):
        error = api_error(client.get(f"{path}?{query}"))
        assert DATE_RANGE in flat_messages(error)


@pytest.mark.parametrize(("year", "month"), [(9999, 1), (0, 1), (2026, 13)])
def test_month_pages_outside_the_calendar_are_404(client, world, year, month):
    assert client.get(f"/eventi/mese/{year}/{month}/").status_code == 404


def _event_body(world, **values) -> dict:
    return {
        "title": "Torneo di primavera",
        "start": "2027-04-10T15:00",
        "end": "2027-04-10T18:00",
        "municipality": world["municipality"].slug,
        **values,
    }


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"start": "0001-01-01T00:00", "end": "0001-01-01T01:00"}, "start"),
        ({"start": "0001-01-01T00:00Z", "end": "2027-04-10T18:00"}, "start"),
        ({"start": "9999-12-31T10:00", "end": "9999-12-31T11:00"}, "start"),
        ({"end": "9999-12-31T23:59"}, "end"),
        ({"registration_closes_at": "1800-01-01T00:00"}, "registration_closes_at"),
        (
            {"recurrence": {"freq": "daily", "until": "9999-12-31"}},
            "recurrence",
        ),
        (
            {"recurrence": {"freq": "daily", "count": 3}, "excluded_dates": ["0001-01-01"]},
            "excluded_dates",
        ),
        (
            {
                "recurrence": {"freq": "daily", "count": 3},
                "changes": [{"original_date": "2027-04-11", "new_start": "0001-01-01T10:00"}],
            },
            "changes",
        ),
    ],
)
def test_api_events_with_dates_outside_the_hubs_years_are_400(client, world, values, field):
    response = client.post(
        "/api/v1/events/",
        json.dumps(_event_body(world, **values)),
        content_type="application/json",
        **bearer(world["association_token"]),
    )
    error = api_error(response)
    assert field in error["fields"]
    assert DATE_RANGE in flat_messages(error)
    assert not EventPage.objects.filter(title="Torneo di primavera").exists()


def test_an_api_update_to_year_9999_is_400_and_the_event_stays(client, world):
    event = world["event"]
    response = client.patch(
        f"/api/v1/events/{event.pk}/",
        json.dumps({"start": "9999-12-31T10:00", "end": "9999-12-31T11:00"}),
        content_type="application/json",
        **bearer(world["association_token"]),
    )
    assert DATE_RANGE in flat_messages(api_error(response))
    event.refresh_from_db()
    assert event.start == event_rome(2026, 10, 14, 18)
    assert event.get_latest_revision().content["start"].startswith("2026-10-14")


def test_an_event_on_the_last_accepted_day_is_published_and_its_ics_works(client, world):
    response = client.post(
        "/api/v1/events/",
        json.dumps(
            _event_body(
                world,
                start=f"{DATE_MAX.isoformat()}T22:00",
                end=f"{DATE_MAX.isoformat()}T23:30",
            )
        ),
        content_type="application/json",
        **bearer(world["association_token"]),
    )
    assert response.status_code == 201, response.content
    event_id = response.json()["id"]
    ics = client.get(reverse("events:event_ics", args=[event_id]))
    assert ics.status_code == 200
    assert "DTSTART;TZID=Europe/Rome:21001231T220000" in ics.content.decode()
    assert client.get("/eventi/feed.ics?dal=2100-12-01&al=2100-12-31").status_code == 200


@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01 00:00", "0001-01-01 01:00"), ("9999-12-31 10:00", "9999-12-31 11:00")],
)
def test_admin_event_with_a_date_outside_the_hubs_years_is_400(client, world, start, end):
    association = world["association"]
    client.force_login(approver())
    add_url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", association.page.pk])
    data = _weekly_course(
        world["municipality"],
        start=start,
        end=end,
        slug="corso-fuori-dal-tempo",
        **_formset("occurrence_changes", []),
    )
    response = client.post(add_url, data)
    page_error(response, DATE_RANGE)
    assert not EventPage.objects.filter(slug="corso-fuori-dal-tempo").exists()


def _round_form(world, **values) -> dict:
    return {
        "title": "Giro fuori dal tempo",
        "opens_at": "2026-11-01T08:00",
        "closes_at": "2026-11-05T20:00",
        "pickup_date": "2026-11-08",
        "pickup_points": [str(world["setup"].pickup_point.pk)],
        "all_products": "on",
        "fund_percent": "2",
        "allocation_policy": "fifo",
        **values,
    }


@pytest.mark.parametrize(
    "values",
    [
        {"opens_at": "0001-01-01T00:00"},
        {"closes_at": "9999-12-31T23:59"},
        {"pickup_date": "0001-01-01"},
        {"pickup_date": "9999-12-31"},
    ],
)
def test_gaf_round_form_with_a_date_outside_the_hubs_years_is_400(client, world, values):
    setup = world["setup"]
    client.force_login(setup.coordinator)
    url = reverse("gaf:coord_round_create", args=[setup.group.slug])
    url += f"?fornitore={world['supplier'].slug}"
    response = client.post(url, _round_form(world, **values))
    page_error(response, DATE_RANGE)
    assert not OrderRound.objects.filter(title="Giro fuori dal tempo").exists()


@pytest.mark.parametrize(
    "dtstart",
    ["DTSTART:00010101T000000Z", "DTSTART;VALUE=DATE:99991231", "DTSTART:18991231T100000"],
)
def test_ics_import_refuses_events_outside_the_hubs_years_with_a_message(dtstart):
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Prova//IT\r\n"
        f"BEGIN:VEVENT\r\nUID:fuori@example.org\r\nSUMMARY:Fuori dal tempo\r\n{dtstart}\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:buono@example.org\r\nSUMMARY:Buono\x00\r\n"
        "DTSTART:20261014T180000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    parsed = parsing.parse(calendar)
    assert parsed.error is None
    assert [event.title for event in parsed.events] == ["Buono"]
    (error,) = parsed.errors
    assert error.uid == "fuori@example.org"
    assert DATE_RANGE in error.message


# --- Numbers: range, ASCII digits -------------------------------------------------------------

BAD_QUANTITIES = [
    ("1e9", "non è una quantità"),
    ("1E+308", "non è una quantità"),
    ("12345678901234567890", "troppo grande"),
    ("1000000000", "troppo grande"),
    ("1_000", "non è una quantità"),
    ("\uff11", "non è una quantità"),  # full-width 1
    ("\u0661", "non è una quantità"),  # Arabic-Indic 1
    ("NaN", "non è una quantità"),
    ("-Infinity", "non è una quantità"),
    ("0.0005", "cifre dopo la virgola"),
]


@pytest.mark.parametrize(("quantity", "message"), BAD_QUANTITIES)
@pytest.mark.parametrize("field", ["firm", "tolerance"])
def test_api_basket_quantities_out_of_range_or_not_ascii_are_400_per_field(
    client, world, during_round, quantity, message, field
):
    line = {"round_product": world["apples"].pk, "firm": "1", field: quantity}
    response = client.put(
        "/api/v1/gaf/orders/mine/",
        json.dumps({"round": world["round"].pk, "lines": [line]}),
        content_type="application/json",
        **bearer(world["family_token"]),
    )
    error = api_error(response)
    assert message in error["fields"][f"lines.0.{field}"][0]
    assert not OrderChange.objects.exists()
    assert not OrderLine.objects.exists()


@pytest.mark.parametrize("quantity", ["1_000", "\uff11", "1e9", "12345678901234567890"])
def test_order_page_quantities_out_of_range_or_not_ascii_are_400(
    client, world, during_round, quantity
):
    client.force_login(world["member"])
    round = world["round"]
    url = reverse("gaf:round", args=[round.group.slug, round.pk])
    response = client.post(
        url,
        {
            f"firm_{world['apples'].pk}": quantity,
            "pickup_point": str(world["setup"].pickup_point.pk),
        },
    )
    assert response.status_code == 400, response.content[:500]
    assert response.context["form"].errors[f"firm_{world['apples'].pk}"]
    assert not OrderLine.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"cost": "1_000", "is_free": False}, "cost"),
        ({"cost": "1E+308", "is_free": False}, "cost"),
        ({"latitude": "\uff14\uff15"}, "latitude"),
        ({"latitude": 1e308}, "latitude"),
    ],
)
def test_api_event_decimals_must_be_ascii_numbers_in_range(client, world, values, field):
    response = client.post(
        "/api/v1/events/",
        json.dumps(_event_body(world, **values)),
        content_type="application/json",
        **bearer(world["association_token"]),
    )
    assert field in api_error(response)["fields"]


# --- JSON depth, body size, number of fields --------------------------------------------------


@pytest.mark.parametrize("depth", [100_000, 40])
def test_json_nested_too_deep_is_400(client, world, depth):
    body = "[" * depth + "]" * depth
    response = client.put(
        "/api/v1/gaf/orders/mine/",
        body,
        content_type="application/json",
        **bearer(world["family_token"]),
    )
    error = api_error(response)
    assert "annidato" in error["message"]


def test_json_with_too_many_values_is_400(client, world):
    body = json.dumps({"round": 1, "lines": list(range(20_000))})
    error = api_error(
        client.put(
            "/api/v1/gaf/orders/mine/",
            body,
            content_type="application/json",
            **bearer(world["family_token"]),
        )
    )
    assert "troppi valori" in error["message"]


def test_invalid_json_is_400_with_an_italian_message(client, world):
    error = api_error(
        client.put(
            "/api/v1/gaf/orders/mine/",
            '{"round": ',
            content_type="application/json",
            **bearer(world["family_token"]),
        )
    )
    assert "non è un JSON valido" in error["message"]


def test_a_body_over_the_limit_is_413_in_the_api_and_on_pages(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = client.post(
        "/api/v1/events/",
        json.dumps(_event_body(world, summary="x" * 200_000)),
        content_type="application/json",
        **bearer(world["association_token"]),
    )
    error = api_error(response, 413)
    assert error["code"] == "request_too_large"
    assert "troppo grande" in error["message"]
    client.force_login(world["member"])
    page_error(
        client.post(reverse("family_edit"), {"name": "x" * 200_000}),
        "troppo grande",
        status=413,
    )
    world["family"].refresh_from_db()
    assert world["family"].name == "Famiglia Rossi"


def test_a_form_with_too_many_fields_is_400_with_a_message(client, world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    client.force_login(world["member"])
    data = {f"campo{index}": "1" for index in range(200)}
    page_error(client.post(reverse("family_edit"), data), "troppi campi")


# --- OPTIONS ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/gaf/orders/mine/", "/api/v1/events/", "/api/v1/gaf/products/"]
)
def test_options_describes_the_view_without_a_500(client, world, path):
    response = client.options(path, **bearer(world["family_token"]))
    assert response.status_code == 200, response.content[:500]
    assert "application/json" in response.json()["parses"]


# --- Wagtail admin: form data that cannot be read ---------------------------------------------


@pytest.mark.parametrize("kind", ["event", "association"])
def test_admin_page_edit_missing_the_streamfield_count_is_400(client, world, kind):
    page = world["event"] if kind == "event" else world["association"].page
    page = page.specific
    revisions = page.revisions.count()
    client.force_login(approver())
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url, {"title": "Titolo cambiato", "slug": page.slug, "action-publish": "1"}
    )
    page_error(response, "incompleto o danneggiato")
    page.refresh_from_db()
    assert page.title != "Titolo cambiato"
    assert page.revisions.count() == revisions


# --- Bounded lists ----------------------------------------------------------------------------


def test_the_pure_rule_bounds_excluded_and_changed_dates():
    recurrence.validate_date_lists(exclusions=500, changes=500)
    with pytest.raises(recurrence.RecurrenceError) as error:
        recurrence.validate_date_lists(exclusions=20_000, changes=0)
    assert "al massimo 500 date escluse" in error.value.message
    with pytest.raises(recurrence.RecurrenceError):
        recurrence.validate_date_lists(exclusions=0, changes=501)


@pytest.mark.parametrize("count", [501, 20_000])
def test_api_event_with_too_many_excluded_dates_is_400_quickly(
    client, world, count, django_assert_max_num_queries
):
    days = [date.fromordinal(date(2027, 1, 1).toordinal() + index) for index in range(count)]
    body = _event_body(
        world,
        recurrence={"freq": "daily", "count": 500},
        excluded_dates=[day.isoformat() for day in days],
    )
    with django_assert_max_num_queries(10):
        response = client.post(
            "/api/v1/events/",
            json.dumps(body),
            content_type="application/json",
            **bearer(world["association_token"]),
        )
    error = api_error(response)
    assert "500" in flat_messages(error) or "10000" in flat_messages(error)
    assert not EventPage.objects.filter(title="Torneo di primavera").exists()


def test_admin_event_with_too_many_excluded_dates_is_400(client, world):
    association = world["association"]
    client.force_login(approver())
    add_url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", association.page.pk])
    days = [date.fromordinal(date(2026, 10, 15).toordinal() + index) for index in range(501)]
    data = _weekly_course(
        world["municipality"],
        slug="corso-con-troppe-esclusioni",
        repeat="daily",
        repeat_weekdays=[],
        repeat_count="500",
        **_formset("occurrence_changes", []),
        **_formset("exclusions", [{"date": day.isoformat()} for day in days]),
    )
    response = client.post(add_url, data)
    page_error(response, "al massimo 500 date escluse")
    assert not EventPage.objects.filter(slug="corso-con-troppe-esclusioni").exists()


def test_admin_event_whose_only_error_is_in_an_inline_row_is_400(client, world):
    """Wagtail re-renders the page form with 200 when only an inline row (an excluded date)
    is wrong; the hub answers 400 for it as for any refused form."""
    association = world["association"]
    client.force_login(approver())
    add_url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", association.page.pk])
    data = _weekly_course(
        world["municipality"],
        slug="corso-con-data-illeggibile",
        **_formset("occurrence_changes", []),
        **_formset("exclusions", [{"date": "31/31/2026"}]),
    )
    response = client.post(add_url, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert not form.errors  # the page's own fields are fine
    assert form.formsets["exclusions"].errors[0]["date"]
    assert not EventPage.objects.filter(slug="corso-con-data-illeggibile").exists()


@pytest.mark.parametrize("edit", [False, True])
def test_admin_event_with_an_excluded_date_outside_the_series_is_400(client, world, edit):
    association = world["association"]
    client.force_login(approver())
    data = _weekly_course(
        world["municipality"],
        slug="corso-con-esclusione-sbagliata",
        **_formset("occurrence_changes", []),
        **_formset("exclusions", [{"date": "2026-10-15"}]),
    )
    if edit:
        page = make_event(
            association=association,
            title="Corso di minibasket",
            start=event_rome(2026, 10, 14, 18),
            end=event_rome(2026, 10, 14, 19),
            repeat="weekly",
            repeat_weekdays=[2],
            repeat_count=6,
        )
        data["slug"] = page.slug
        url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    else:
        url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", association.page.pk])
    response = client.post(url, data)
    page_error(response, "non fa parte della serie")


def test_admin_rich_text_hiding_a_nul_in_its_json_is_400(client, world):
    """Draftail posts rich text as JSON: "\\u0000" in it decodes to a NUL in the field."""
    page = world["association"].page.specific
    client.force_login(approver())
    contentstate = json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "type": "unstyled",
                    "depth": 0,
                    "text": "Corsi di nuoto\u0000",
                    "inlineStyleRanges": [],
                    "entityRanges": [],
                }
            ],
            "entityMap": {},
        }
    )
    assert "\\u0000" in contentstate
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {
            "title": page.title,
            "slug": page.slug,
            "body-count": "1",
            "body-0-type": "paragraph",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": "",
            "body-0-value": contentstate,
        },
    )
    page_error(response, CONTROL)


def test_api_basket_with_too_many_lines_is_400_before_any_line_is_read(
    client, world, during_round, django_assert_max_num_queries
):
    lines = [{"round_product": index, "firm": "1"} for index in range(501)]
    with django_assert_max_num_queries(8):
        response = client.put(
            "/api/v1/gaf/orders/mine/",
            json.dumps({"round": world["round"].pk, "lines": lines}),
            content_type="application/json",
            **bearer(world["family_token"]),
        )
    assert "500" in flat_messages(api_error(response))
    assert not OrderLine.objects.exists()


def test_every_admin_date_field_is_bounded(client, world):
    """Wagtail's model forms (pages, snippets, viewsets) share the bounds: an initiative's
    period, typed in the admin, is refused on its field."""
    association = world["association"]
    client.force_login(approver())
    add_url = reverse(
        "wagtailadmin_pages:add", args=["associations", "initiativepage", association.page.pk]
    )
    response = client.post(
        add_url,
        {
            "title": "Centro estivo",
            "slug": "centro-estivo-fuori-dal-tempo",
            "period_start": "0001-01-01",
            "body-count": "0",
            "action-publish": "action-publish",
        },
    )
    assert response.status_code == 400, response.content[:500]
    assert DATE_RANGE in " ".join(response.context["form"].errors["period_start"])
