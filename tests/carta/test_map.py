"""The directory's map (issue 16): the outlets with a position as the script's JSON, every
outlet as a list without it, the directory's filters, OpenStreetMap's tiles allowed by the
page's Content-Security-Policy only, and a fixed number of queries."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carta.models import Offer, Outlet, Shop
from tests.carta.factories import network_with_town, shop_in
from tests.carta.test_offers import _many_shops

pytestmark = pytest.mark.django_db

MAP = "/carta/negozi/mappa/"


def points(response) -> list[dict]:
    found = re.search(
        r'<script id="carta-map-data" type="application/json">(.*?)</script>', response.text
    )
    assert found, "no map data in the page"
    return json.loads(found.group(1))


def place(outlet, lat, lng):
    outlet.latitude, outlet.longitude = Decimal(lat), Decimal(lng)
    outlet.save()


def test_the_map_lists_every_outlet_and_gives_the_script_those_with_a_position(client):
    network, town = network_with_town()
    shop_a, outlet_a, _ = shop_in(network, town)
    place(outlet_a, "45.0101", "7.5202")
    shop_b, _outlet_b, _ = shop_in(network, town)  # no position
    pending, pending_outlet, _ = shop_in(network, town, approved=False)
    place(pending_outlet, "45.1", "7.6")
    shop_a.business_name = "Forno <b>Bruino</b>"
    shop_a.save()
    response = client.get(MAP)
    assert response.status_code == 200
    assert points(response) == [
        {
            "id": outlet_a.pk,
            "shop": "Forno <b>Bruino</b>",
            "name": "Centro",
            "address": "Via Roma 1",
            "municipality": town.name,
            "lat": 45.0101,
            "lng": 7.5202,
            "url": f"/carta/negozi/{shop_a.pk}/",
        }
    ]
    page = response.text
    assert "Forno &lt;b&gt;Bruino&lt;/b&gt;" in page  # escaped in the list
    assert "\\u003Cb\\u003EBruino" in page  # and in the JSON
    assert shop_b.business_name in page
    assert "Posizione non indicata" in page
    assert pending.business_name not in page
    assert 'id="carta-map" class="carta-map mb-4" hidden' in page
    assert "hub/carta-map.js" in page and "hub/carta-map.css" in page
    # The tiles are allowed here only.
    assert "https://tile.openstreetmap.org" in response["Content-Security-Policy"]
    directory = client.get(reverse("carta:directory"))
    assert "https://tile.openstreetmap.org" not in directory["Content-Security-Policy"]
    assert f'href="{MAP}"' in directory.text


def test_the_map_has_the_directory_s_filters(client):
    network, town = network_with_town()
    _n2, other_town = network_with_town()
    shop_a, outlet_a, _ = shop_in(network, town)
    _shop_b, outlet_b, _ = shop_in(network, other_town)
    place(outlet_a, "45.01", "7.52")
    place(outlet_b, "45.02", "7.53")
    # Shop A also sells in the other town: with that town's filter, only that outlet.
    outlet_a2 = Outlet.objects.create(
        shop=shop_a, name="Piazza", address="Piazza Po 2", municipality=other_town
    )
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

    def shown(**query):
        response = client.get(MAP, query)
        assert response.status_code == 200
        return set(re.findall(r'data-outlet="(\d+)"', response.text))

    everything = {str(outlet_a.pk), str(outlet_a2.pk), str(outlet_b.pk)}
    assert shown() == everything
    assert shown(comune=town.slug) == {str(outlet_a.pk)}
    assert shown(comune=other_town.slug) == {str(outlet_a2.pk), str(outlet_b.pk)}
    assert shown(riconoscimento="sostenitore-della-famiglia") == {
        str(outlet_a.pk),
        str(outlet_a2.pk),
    }
    assert shown(valide="1") == {str(outlet_a.pk), str(outlet_a2.pk)}
    assert shown(categoria="alimentari") == {str(outlet_a.pk), str(outlet_a2.pk)}
    assert shown(categoria="nessuna") == set()
    assert shown(riconoscimento="non-esiste", comune="x" * 500) == set()


def test_the_map_has_a_constant_number_of_queries_for_10_and_1000_shops(client):
    network, town = network_with_town()
    _many_shops(network, town, 10)
    Outlet.objects.update(latitude=Decimal("45.01"), longitude=Decimal("7.52"))
    with CaptureQueriesContext(connection) as ten:
        response = client.get(MAP, {"valide": "1", "categoria": "alimentari"})
    assert response.status_code == 200
    assert len(points(response)) == 10
    Shop.objects.all().delete()
    _many_shops(network, town, 1000)
    Outlet.objects.update(latitude=Decimal("45.01"), longitude=Decimal("7.52"))
    with CaptureQueriesContext(connection) as thousand:
        response = client.get(MAP, {"valide": "1", "categoria": "alimentari"})
    assert response.status_code == 200
    assert len(points(response)) == 1000
    assert len(thousand) == len(ten), [q["sql"][:80] for q in thousand.captured_queries]
    assert len(ten) <= 8, [q["sql"][:80] for q in ten.captured_queries]


def test_a_shop_page_links_its_outlets_to_a_map(client):
    network, town = network_with_town()
    shop, outlet, _ = shop_in(network, town)
    place(outlet, "45.0101", "7.5202")
    page = client.get(reverse("carta:shop_page", args=[shop.pk])).text
    assert "https://www.openstreetmap.org/?mlat=45.010100&amp;mlon=7.520200" in page
