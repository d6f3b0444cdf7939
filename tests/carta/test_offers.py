"""Offers: each operator writes only their own shop's; bad offers are refused whole; badges
follow the offers; the public directory hides ended offers and keeps its query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carta.badges import badge_for
from carta.models import Badge, Offer, Outlet, Shop
from tests.carta.factories import network_with_town, shop_in
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_OFFER = "/carta/esercente/offerte/nuova/"


def test_badge_for_is_the_highest_threshold_reached():
    thresholds = [(Decimal("20"), "sostenitore"), (Decimal("5"), "amico")]
    assert badge_for([], thresholds) is None
    assert badge_for([Decimal("4.99")], thresholds) is None
    assert badge_for([Decimal("5")], thresholds) == "amico"
    assert badge_for([Decimal("10"), Decimal("19.99")], thresholds) == "amico"
    assert badge_for([Decimal("20"), Decimal("3")], thresholds) == "sostenitore"


def test_the_badges_are_data_with_their_thresholds():
    assert list(Badge.objects.values_list("name", "min_percentage")) == [
        ("Amico della famiglia", Decimal("5.00")),
        ("Sostenitore della famiglia", Decimal("20.00")),
    ]


def offer_post(outlet, **changes):
    today = timezone.localdate()
    data = {
        "title": "Quaderni",
        "kind": "percentage",
        "value": "10",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=60)).isoformat(),
        "card_holders_only": "on",
        "outlets": [outlet.pk],
    }
    data.update(changes)
    return data


@pytest.fixture
def two_shops():
    network, town = network_with_town()
    shop_a, outlet_a, operator_a = shop_in(network, town)
    shop_b, outlet_b, operator_b = shop_in(network, town)
    return shop_a, outlet_a, operator_a, shop_b, outlet_b, operator_b


def test_an_operator_publishes_a_10_percent_offer_and_earns_the_badge(client, two_shops):
    shop_a, outlet_a, operator_a, *_ = two_shops
    client.force_login(operator_a)
    response = client.post(NEW_OFFER, offer_post(outlet_a))
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert (offer.shop, offer.value) == (shop_a, Decimal("10.00"))
    page = client.get(reverse("carta:shop_page", args=[shop_a.pk]))
    assert 'align-middle">Amico della famiglia' in page.text
    assert "sconto del 10 %" in page.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "120"}, "non può superare il 100"),
        ({"value": ""}, "Indica il valore"),
        ({"kind": "free", "value": "3"}, "non ha un valore"),
        ({"ends_on": "2020-01-01"}, "finire prima di cominciare"),
    ],
)
def test_bad_offers_are_refused_whole(client, two_shops, changes, message):
    _shop_a, outlet_a, operator_a, *_ = two_shops
    client.force_login(operator_a)
    response = client.post(NEW_OFFER, offer_post(outlet_a, **changes))
    assert response.status_code == 400
    assert message in response.text
    assert not Offer.objects.exists()


def test_operators_never_touch_another_shop_s_offers(client, two_shops):
    """The isolation matrix: (who) x (create at own / another's outlet, edit own / another's)."""
    shop_a, outlet_a, operator_a, shop_b, outlet_b, operator_b = two_shops
    client.force_login(operator_a)
    client.post(NEW_OFFER, offer_post(outlet_a, title="Offerta di A"))
    offer_a = Offer.objects.get(shop=shop_a)

    client.force_login(operator_b)
    # B cannot open or change A's offer...
    url_a = reverse("carta:operator_offer", args=[offer_a.pk])
    assert client.get(url_a).status_code == 404
    assert client.post(url_a, offer_post(outlet_b, title="Presa")).status_code == 404
    # ...nor attach A's outlet to an offer of B's.
    response = client.post(NEW_OFFER, offer_post(outlet_a, title="Offerta di B"))
    assert response.status_code == 400
    offer_a.refresh_from_db()
    assert offer_a.title == "Offerta di A"
    assert not Offer.objects.filter(shop=shop_b).exists()
    # A family, a visitor and staff without a shop do not reach the operator pages.
    client.force_login(UserFactory())
    assert client.get(NEW_OFFER).status_code == 403
    assert client.get(url_a).status_code == 404
    client.logout()
    assert client.get(NEW_OFFER).status_code == 302
    # A's own edit works.
    client.force_login(operator_a)
    assert client.post(url_a, offer_post(outlet_a, title="Nuovo titolo")).status_code == 302
    offer_a.refresh_from_db()
    assert offer_a.title == "Nuovo titolo"


def test_an_operator_of_two_shops_chooses_which_one(client, two_shops):
    """Someone who runs two shops picks one (the management page lists both; the offers
    page switches between them) and writes offers for the one chosen; another person's
    shop is not theirs to pick (404)."""
    shop_a, outlet_a, operator_a, shop_b, outlet_b, _operator_b = two_shops
    network, town = shop_a.network, outlet_a.municipality
    shop_c, outlet_c, _ = shop_in(network, town, operator=operator_a)
    client.force_login(operator_a)
    home = client.get(reverse("carta:operator_shop_home"))
    assert home.status_code == 200
    for shop in (shop_a, shop_c):
        assert reverse("carta:operator_shop", args=[shop.pk]) in home.text
        assert f"/carta/esercente/offerte/?esercizio={shop.pk}" in home.text
    assert shop_b.business_name not in home.text
    offers_c = client.get(f"/carta/esercente/offerte/?esercizio={shop_c.pk}")
    assert f"Le offerte di {shop_c.business_name}" in offers_c.text
    assert f'href="{NEW_OFFER}?esercizio={shop_c.pk}"' in offers_c.text
    response = client.post(
        f"{NEW_OFFER}?esercizio={shop_c.pk}", offer_post(outlet_c, title="Offerta di C")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/carta/esercente/offerte/?esercizio={shop_c.pk}"
    assert Offer.objects.get(title="Offerta di C").shop == shop_c
    # Another's shop, or no shop at all, is not found; nothing is written for it.
    for wanted in (shop_b.pk, "abc", 999999):
        assert client.get(f"/carta/esercente/offerte/?esercizio={wanted}").status_code == 404
        assert (
            client.post(
                f"{NEW_OFFER}?esercizio={wanted}", offer_post(outlet_b, title="Presa")
            ).status_code
            == 404
        )
    assert not Offer.objects.filter(title="Presa").exists()
    # Without a choice, the first of their shops by name, as before.
    first = min((shop_a, shop_c), key=lambda shop: shop.business_name)
    assert f"Le offerte di {first.business_name}" in client.get("/carta/esercente/offerte/").text


def test_ended_offers_disappear_without_anyone_acting(client, two_shops):
    shop_a, _outlet_a, _operator_a, *_ = two_shops
    today = timezone.localdate()
    Offer.objects.create(
        shop=shop_a,
        title="Finita ieri",
        kind="percentage",
        value=Decimal("25"),
        starts_on=today - dt.timedelta(days=30),
        ends_on=today - dt.timedelta(days=1),
    )
    Offer.objects.create(
        shop=shop_a,
        title="Ultimo giorno",
        kind="amount_off",
        value=Decimal("2.50"),
        starts_on=today - dt.timedelta(days=30),
        ends_on=today,
    )
    page = client.get(reverse("carta:directory"))
    assert "Finita ieri" not in page.text
    assert "Ultimo giorno" in page.text
    # The ended 25 % offer no longer earns a badge.
    assert 'ms-1">Sostenitore della famiglia' not in page.text
    response = client.get(reverse("carta:directory"), {"riconoscimento": "amico-della-famiglia"})
    assert shop_a.business_name not in response.text


def test_directory_filters(client):
    network, town = network_with_town()
    _n2, other_town = network_with_town()
    shop_a, _outlet_a, _ = shop_in(network, town)
    shop_b, _outlet_b, _ = shop_in(network, other_town)
    today = timezone.localdate()
    offer = Offer.objects.create(
        shop=shop_a,
        title="Libri",
        kind="percentage",
        value=Decimal("20"),
        starts_on=today,
        ends_on=today + dt.timedelta(days=5),
    )
    offer.categories.add(1)
    by_town = client.get(reverse("carta:directory"), {"comune": town.slug}).text
    assert shop_a.business_name in by_town and shop_b.business_name not in by_town
    by_badge = client.get(
        reverse("carta:directory"), {"riconoscimento": "sostenitore-della-famiglia"}
    ).text
    assert shop_a.business_name in by_badge and shop_b.business_name not in by_badge
    valid_now = client.get(reverse("carta:directory"), {"valide": "1"}).text
    assert shop_a.business_name in valid_now and shop_b.business_name not in valid_now
    by_category = client.get(reverse("carta:directory"), {"categoria": "alimentari"}).text
    assert shop_a.business_name in by_category


def _many_shops(network, town, count):
    today = timezone.localdate()
    shops = Shop.objects.bulk_create(
        Shop(
            network=network,
            business_name=f"Negozio {i:04d}",
            vat_number=f"{90000000000 + i}",
            status=Shop.Status.APPROVED,
        )
        for i in range(count)
    )
    Outlet.objects.bulk_create(
        Outlet(shop=shop, name="Centro", address="Via Roma 1", municipality=town) for shop in shops
    )
    offers = Offer.objects.bulk_create(
        Offer(
            shop=shop,
            title="Sconto",
            kind="percentage",
            value=Decimal("10"),
            starts_on=today,
            ends_on=today + dt.timedelta(days=10),
        )
        for shop in shops
    )
    Offer.categories.through.objects.bulk_create(
        Offer.categories.through(offer=offer, category_id=1) for offer in offers
    )


def test_the_directory_has_a_constant_number_of_queries_for_10_and_1000_shops(client):
    network, town = network_with_town()
    _many_shops(network, town, 10)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(reverse("carta:directory")).status_code == 200
    Shop.objects.all().delete()
    _many_shops(network, town, 1000)
    with CaptureQueriesContext(connection) as thousand:
        response = client.get(reverse("carta:directory"), {"pagina": "2"})
    assert response.status_code == 200
    assert len(thousand) == len(ten), [q["sql"][:80] for q in thousand.captured_queries]
    assert len(ten) <= 12
    shop = Shop.objects.first()
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("carta:shop_page", args=[shop.pk]))
    assert len(one) <= 10


def test_open_data_export_in_csv_and_json(client, two_shops, django_assert_max_num_queries):
    shop_a, outlet_a, *_ = two_shops
    today = timezone.localdate()
    offer = Offer.objects.create(
        shop=shop_a,
        title="=SOMMA(1)",
        kind="amount_off",
        value=Decimal("2.50"),
        starts_on=today,
        ends_on=today + dt.timedelta(days=5),
    )
    offer.outlets.add(outlet_a)
    Offer.objects.create(
        shop=shop_a,
        title="Finita",
        kind="free",
        value=None,
        starts_on=today - dt.timedelta(days=9),
        ends_on=today - dt.timedelta(days=1),
    )
    with django_assert_max_num_queries(6):
        response = client.get(reverse("carta:directory_csv"))
    assert response["X-License"] == "CC BY 4.0"
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("shop_id,business_name,vat_number")
    assert len(lines) == 3  # shop A's current offer, shop B without offers
    assert "'=SOMMA(1)" in lines[1] and ",2.50," in lines[1]
    assert "Finita" not in response.content.decode()
    body = client.get(reverse("carta:directory_json")).json()
    assert body["license"] == "CC BY 4.0"
    assert {item["offer_title"] for item in body["items"]} == {"=SOMMA(1)", None}
