"""POST /api/v1/carta/verify/: a shop verifies a card with its operator's personal API token;
every bad answer is a 4xx in the API's error format, with the outcome as its code."""

import pytest
from django.core.cache import cache
from django.core.signing import Signer
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import APIToken

from carta import services, tokens
from carta.models import Verification
from tests.carta.factories import family_in, network_with_town, shop_in
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/carta/verify/"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    network, town = network_with_town(show_minor_children=True)
    _user, family = family_in(town, birth_years=[2015, 2019])
    card = services.card_request(family=family)
    _shop, outlet, operator = shop_in(network, town)
    _token, plaintext = APIToken.create_token(user=operator, name="cassa")
    return {"card": card, "outlet": outlet, "auth": f"Bearer {plaintext}", "family": family}


def post(client, world, **body):
    return client.post(
        URL,
        {"outlet": world["outlet"].pk, **body},
        content_type="application/json",
        HTTP_AUTHORIZATION=world["auth"],
    )


def test_a_valid_card_by_token_and_by_number(client, world):
    response = post(client, world, token=services.token_of(world["card"]))
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "valid"
    assert body["valid_until"] == world["card"].valid_until.isoformat()
    assert body["minor_children"] == 2
    assert set(body) == {"outcome", "valid_until", "minor_children", "message"}
    assert world["family"].name not in response.text
    response = post(client, world, number=tokens.grouped(world["card"].number))
    assert response.status_code == 200
    assert Verification.objects.count() == 2


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (lambda card: services.token_of(card)[:-2] + "zz", 400, "forged"),
        (lambda card: Signer(salt="x").sign_object({"c": card.pk, "g": 1, "x": 1}), 400, "forged"),
    ],
)
def test_forged_tokens(client, world, make, status, code):
    response = post(client, world, token=make(world["card"]))
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert "alterato" in response.json()["error"]["message"]


def test_revoked_replaced_and_mistyped(client, world):
    old = services.token_of(world["card"])
    card = services.card_new_token(card=world["card"])
    response = post(client, world, token=old)
    assert (response.status_code, response.json()["error"]["code"]) == (410, "token_replaced")
    services.card_set_status(
        card=card, status="revoked", reason="Trasferita", by=UserFactory(is_staff=True)
    )
    response = post(client, world, token=services.token_of(card))
    assert (response.status_code, response.json()["error"]["code"]) == (409, "revoked")
    assert "Trasferita" not in response.text
    mistyped = card.number[:-1] + str((int(card.number[-1]) + 1) % 10)
    response = post(client, world, number=mistyped)
    assert response.status_code == 400
    assert "number" in response.json()["error"]["fields"]


def test_only_shop_operators_and_only_their_outlets(client, world):
    family_user = world["family"].memberships.get().user
    _token, plaintext = APIToken.create_token(user=family_user, name="mio")
    response = client.post(
        URL,
        {"outlet": world["outlet"].pk, "number": world["card"].number},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plaintext}",
    )
    assert response.status_code == 403
    assert client.post(URL, {}, content_type="application/json").status_code in (401, 403)
    other_network, other_town = network_with_town()
    _shop, foreign_outlet, _operator = shop_in(other_network, other_town)
    response = post(client, world, number=world["card"].number, outlet=foreign_outlet.pk)
    assert response.status_code == 400
    assert "outlet" in response.json()["error"]["fields"]
    assert not Verification.objects.exists()


def test_enumeration_gets_429(client, world, settings):
    settings.CARTA_VERIFY_RATES = {"address": "3/m", "shop": "100/m"}
    statuses = [post(client, world, number=tokens.new_card_number()).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_queries_per_verification(client, world):
    token = services.token_of(world["card"])
    post(client, world, token=token)
    with CaptureQueriesContext(connection) as queries:
        assert post(client, world, token=token).status_code == 200
    # The two token tables (association tokens first), the outlets with their shops, the
    # card, the log row, the minor children (this network shows their number): 6.
    assert len(queries) == 6, [query["sql"][:70] for query in queries]
