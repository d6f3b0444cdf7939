"""Negozi di Buon Vicinato and their offers in search: approved shops and offers not yet
ended, for everyone; a pending shop never; an ended offer leaves at the nightly reconcile."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from carta.models import Offer
from search import selectors, services
from search.query import parse
from tests.carta.factories import network_with_town, shop_in

pytestmark = pytest.mark.django_db


def titles(**params) -> set[str]:
    result = selectors.search(parse(params), user=AnonymousUser())
    return {hit.record["title"] for hit in result.hits}


@pytest.fixture
def indexed(django_capture_on_commit_callbacks, settings):
    settings.MEILISEARCH_URL = None

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def offer(shop, outlet, title, *, ends_on):
    made = Offer.objects.create(
        shop=shop,
        title=title,
        kind=Offer.Kind.PERCENTAGE,
        value=Decimal("10"),
        starts_on=timezone.localdate() - dt.timedelta(days=1),
        ends_on=ends_on,
    )
    made.outlets.add(outlet)
    return made


def test_approved_shops_and_their_current_offers_are_found(indexed):
    today = timezone.localdate()
    with indexed():
        network, town = network_with_town()
        shop, outlet, _operator = shop_in(network, town)
        pending, pending_outlet, _ = shop_in(network, town, approved=False)
        offer(shop, outlet, "Sconto merenda Biscotto", ends_on=today + dt.timedelta(days=30))
        offer(pending, pending_outlet, "Sconto Tamburello", ends_on=today + dt.timedelta(days=30))
    assert titles(q="Biscotto") == {"Sconto merenda Biscotto", shop.business_name}
    assert titles(q="Biscotto", tipo="offer") == {"Sconto merenda Biscotto"}
    assert titles(q="Tamburello") == set()  # a shop not approved is not public
    assert titles(tipo="shop", comune=town.name) == {shop.business_name}


def test_an_ended_offer_leaves_the_index_at_the_nightly_reconcile(indexed):
    today = timezone.localdate()
    with indexed():
        network, town = network_with_town()
        shop, outlet, _operator = shop_in(network, town)
        ending = offer(shop, outlet, "Sconto Ciambella", ends_on=today)
    assert titles(q="Ciambella", tipo="offer") == {"Sconto Ciambella"}
    # The day after its end, nobody acts: the reconcile finds it no longer indexable.
    Offer.objects.filter(pk=ending.pk).update(ends_on=today - dt.timedelta(days=1))
    with indexed():
        services.reconcile()
    assert titles(q="Ciambella", tipo="offer") == set()


def test_the_description_an_operator_writes_is_found(indexed):
    from carta import shop_services

    with indexed():
        network, town = network_with_town()
        shop, _outlet, _operator = shop_in(network, town)
    assert titles(q="Pasticceria") == set()
    with indexed():
        shop_services.shop_details_update(
            shop=shop,
            data=shop_services.ShopDetails(
                description="Pasticceria artigianale", contact_email="rete@example.org"
            ),
        )
    assert titles(q="Pasticceria") == {shop.business_name}
