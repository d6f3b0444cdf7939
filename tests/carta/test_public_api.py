"""The Negozi di Buon Vicinato's read API: approved shops only, public data only, offers not
yet ended, the directory's filters (a bad value is a 400 in the hub's format, in Italian),
the hub's pagination, and a constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carta.models import Category, Offer, Outlet, Shop
from tests.carta.factories import network_with_town, shop_in
from tests.carta.test_offers import _many_shops
from tests.hub.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

SHOPS = "/api/v1/carta/shops/"
OUTLETS = "/api/v1/carta/outlets/"
OFFERS = "/api/v1/carta/offers/"


def offer(shop, *, title="Sconto", kind="percentage", value="10", starts=0, ends=10, **extra):
    today = timezone.localdate()
    return Offer.objects.create(
        shop=shop,
        title=title,
        kind=kind,
        value=None if value is None else Decimal(value),
        starts_on=today + dt.timedelta(days=starts),
        ends_on=today + dt.timedelta(days=ends),
        **extra,
    )


def assert_error(response, status, field):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "I dati inviati non sono validi."
    assert list(error["fields"]) == [field]
    return error["fields"][field][0]


@pytest.fixture
def world():
    network, town = network_with_town()
    other_town = MunicipalityFactory()
    network.municipalities.add(other_town)
    shop_a, outlet_a, operator_a = shop_in(network, town)
    shop_a.public_email = "ciao@negozio-a.example.org"
    shop_a.contact_email = "privato@negozio-a.example.org"
    shop_a.operator_email = "primo.operatore@negozio-a.example.org"
    shop_a.description = "Cartoleria di quartiere"
    shop_a.save()
    shop_a.categories.add(Category.objects.get(slug="alimentari"))
    shop_b, outlet_b, _ = shop_in(network, other_town)
    pending, _outlet_p, _ = shop_in(network, town, approved=False)
    rejected, _outlet_r, _ = shop_in(network, town, approved=False)
    rejected.status = Shop.Status.REJECTED
    rejected.decision_reason = "Fuori zona"
    rejected.save()
    books = offer(shop_a, title="Libri", value="25")
    books.categories.add(Category.objects.get(slug="alimentari"))
    books.outlets.add(outlet_a)
    future = offer(
        shop_b, title="Dal mese prossimo", kind="amount_off", value="2.50", starts=20, ends=40
    )
    ended = offer(shop_a, title="Finita ieri", starts=-30, ends=-1)
    hidden = offer(pending, title="Del negozio in attesa")
    return locals()


def test_only_approved_shops_with_public_data(client, world):
    response = client.get(SHOPS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_name = {row["business_name"]: row for row in body["results"]}
    assert set(by_name) == {world["shop_a"].business_name, world["shop_b"].business_name}
    row = by_name[world["shop_a"].business_name]
    assert row["email"] == "ciao@negozio-a.example.org"
    assert row["description"] == "Cartoleria di quartiere"
    assert [category["slug"] for category in row["categories"]] == ["alimentari"]
    assert row["badge"]["slug"] == "sostenitore-della-famiglia"
    assert [o["title"] for o in row["offers"]] == ["Libri"]
    assert row["offers"][0]["value"] == "25.00"
    assert row["outlets"][0]["municipality"]["slug"] == world["town"].slug
    assert row["page_url"].endswith(f"/carta/negozi/{world['shop_a'].pk}/")
    # Never the operators' addresses, nor the address the network writes to.
    for private in (
        "privato@negozio-a.example.org",
        "primo.operatore@negozio-a.example.org",
        world["operator_a"].email,
        "Finita ieri",
        "Del negozio in attesa",
    ):
        assert private not in response.text


def test_pending_and_rejected_shops_are_invisible_everywhere(client, world):
    for shop in (world["pending"], world["rejected"]):
        assert client.get(f"{SHOPS}{shop.pk}/").status_code == 404
        outlet = shop.outlets.get()
        assert client.get(f"{OUTLETS}{outlet.pk}/").status_code == 404
    assert client.get(f"{OFFERS}{world['hidden'].pk}/").status_code == 404
    outlets = client.get(OUTLETS).json()
    assert {row["shop"] for row in outlets["results"]} == {world["shop_a"].pk, world["shop_b"].pk}
    offers = client.get(OFFERS).json()
    assert {row["title"] for row in offers["results"]} == {"Libri", "Dal mese prossimo"}
    # Asking for a pending shop's offers is a bad value, not an empty list.
    message = assert_error(client.get(OFFERS, {"shop": world["pending"].pk}), 400, "shop")
    assert "Scegli un'opzione valida" in message


def test_ended_offers_are_never_current(client, world):
    assert client.get(f"{OFFERS}{world['ended'].pk}/").status_code == 404
    detail = client.get(f"{SHOPS}{world['shop_a'].pk}/").json()
    assert [o["title"] for o in detail["offers"]] == ["Libri"]
    assert detail["offers"][0]["valid_now"] is True
    future = client.get(f"{OFFERS}{world['future'].pk}/").json()
    assert (future["valid_now"], future["value"], future["kind"]) == (False, "2.50", "amount_off")


def names(response):
    assert response.status_code == 200, response.content
    return {row["business_name"] for row in response.json()["results"]}


def test_shop_filters(client, world):
    a, b = world["shop_a"].business_name, world["shop_b"].business_name
    assert names(client.get(SHOPS, {"municipality": world["town"].slug})) == {a}
    assert names(client.get(SHOPS, {"municipality": world["other_town"].slug})) == {b}
    assert names(client.get(SHOPS, {"category": "alimentari"})) == {a}
    assert names(client.get(SHOPS, {"badge": "sostenitore-della-famiglia"})) == {a}
    assert names(client.get(SHOPS, {"valid_now": "true"})) == {a}
    assert names(client.get(SHOPS, {"valid_now": "false"})) == {a, b}
    assert names(client.get(SHOPS, {"network": world["network"].slug})) == {a, b}


def test_offer_and_outlet_filters(client, world):
    def titles(**params):
        response = client.get(OFFERS, params)
        assert response.status_code == 200, response.content
        return {row["title"] for row in response.json()["results"]}

    assert titles(shop=world["shop_b"].pk) == {"Dal mese prossimo"}
    assert titles(valid_now="true") == {"Libri"}
    assert titles(category="alimentari") == {"Libri"}
    assert titles(badge="sostenitore-della-famiglia") == {"Libri"}
    # An offer without outlets of its own holds at every outlet of its shop.
    assert titles(municipality=world["other_town"].slug) == {"Dal mese prossimo"}
    assert titles(municipality=world["town"].slug) == {"Libri"}
    outlets = client.get(OUTLETS, {"municipality": world["other_town"].slug}).json()
    assert [row["id"] for row in outlets["results"]] == [world["outlet_b"].pk]
    outlets = client.get(OUTLETS, {"shop": world["shop_a"].pk}).json()
    assert [row["id"] for row in outlets["results"]] == [world["outlet_a"].pk]


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        (SHOPS, {"municipality": "atlantide"}, "municipality"),
        (SHOPS, {"category": "astronavi"}, "category"),
        (SHOPS, {"badge": "eroe"}, "badge"),
        (SHOPS, {"valid_now": "forse"}, "valid_now"),
        (SHOPS, {"network": "nessuna"}, "network"),
        (OFFERS, {"shop": "abc"}, "shop"),
        (OFFERS, {"shop": "999999"}, "shop"),
        (OFFERS, {"valid_now": "1"}, "valid_now"),
        (OUTLETS, {"municipality": "atlantide"}, "municipality"),
    ],
)
def test_bad_filter_values_are_a_400_naming_the_parameter(client, world, url, params, field):
    message = assert_error(client.get(url, params), 400, field)
    assert "Scegli un'opzione valida" in message


def test_pagination_like_the_hub_s_other_lists(client):
    network, town = network_with_town()
    _many_shops(network, town, 55)
    first = client.get(SHOPS).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (55, 50, None)
    assert first["next"].endswith("/api/v1/carta/shops/?page=2")
    second = client.get(SHOPS, {"page": 2}).json()
    assert len(second["results"]) == 5 and second["next"] is None
    past = client.get(SHOPS, {"page": 3})
    assert past.status_code == 404
    assert past.json()["error"]["code"] == "not_found"
    offers = client.get(OFFERS, {"page": 2}).json()
    assert (offers["count"], len(offers["results"])) == (55, 5)


def test_constant_queries_for_10_and_1000_shops(client):
    network, town = network_with_town()

    def counts():
        result = {}
        for url in (SHOPS, OUTLETS, OFFERS):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, {"page": 1}).status_code == 200
            result[url] = len(queries)
        return result

    _many_shops(network, town, 10)
    ten = counts()
    Shop.objects.all().delete()
    _many_shops(network, town, 1000)
    assert Outlet.objects.count() == 1000
    thousand = counts()
    assert thousand == ten
    assert ten[SHOPS] <= 8, ten
    shop = Shop.objects.first()
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"{SHOPS}{shop.pk}/").status_code == 200
    assert len(one) <= 7


def test_the_api_is_read_only(client, world):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(SHOPS, {"business_name": "Nuovo"}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_the_filters_slugs_are_listed(client):
    categories = client.get("/api/v1/carta/categories/").json()
    assert {"slug": "alimentari", "name": "Alimentari e prodotti per la casa"} in categories
    badges = client.get("/api/v1/carta/badges/").json()
    assert [(b["slug"], b["min_percentage"]) for b in badges] == [
        ("amico-della-famiglia", "5.00"),
        ("sostenitore-della-famiglia", "20.00"),
    ]
    assert client.get("/api/v1/carta/badges/amico-della-famiglia/").status_code == 200
    assert client.get("/api/v1/carta/badges/eroe/").json()["error"]["code"] == "not_found"
