"""A shop verifies a card: what it sees (never a name), what is logged, the 4xx of each bad
answer, and the rate limit that stops an enumeration of card numbers."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carta import services, tokens
from carta.models import Card, Verification
from tests.carta.factories import family_in, network_with_town, shop_in
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db

VERIFY = "/carta/verifica/"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    """A family of Bruino-like town with a card issued today, and a shop of the same network."""
    network, town = network_with_town(show_minor_children=False)
    user, family = family_in(town, birth_years=[2015, 2019], email="giulia.rossi@example.org")
    user.full_name = "Giulia Rossi"
    user.save()
    card = services.card_request(family=family)
    shop, outlet, operator = shop_in(network, town)
    return {
        "network": network,
        "town": town,
        "family": family,
        "card": card,
        "shop": shop,
        "outlet": outlet,
        "operator": operator,
    }


def scan(client, token):
    return client.get(VERIFY, {"t": token})


def assert_no_personal_data(response, world):
    text = response.text
    for private in (
        world["family"].name,
        "Giulia Rossi",
        "giulia.rossi@example.org",
        world["town"].name,
        world["card"].number,
        tokens.grouped(world["card"].number),
    ):
        assert private not in text


def test_a_scanned_qr_code_of_a_valid_card(client, world):
    client.force_login(world["operator"])
    response = scan(client, services.token_of(world["card"]))
    assert response.status_code == 200
    card = world["card"]
    assert 'data-outcome="valid"' in response.text
    assert "Carta valida fino al" in response.text
    assert "figli minorenni" not in response.text  # the network does not show it
    assert_no_personal_data(response, world)
    log = Verification.objects.get()
    assert (log.shop, log.outlet, log.outcome) == (world["shop"], world["outlet"], "valid")
    assert log.card_hash == tokens.card_hash(card.number)
    assert card.number not in str(Verification.objects.values().get())


def test_the_scanned_link_itself_is_accepted_when_pasted(client, world):
    client.force_login(world["operator"])
    link = "https://famiglie.example.org/carta/verifica/?t=" + services.token_of(world["card"])
    response = client.post(VERIFY, {"outlet": world["outlet"].pk, "token": link})
    assert response.status_code == 200


def test_a_typed_number_with_spaces(client, world):
    client.force_login(world["operator"])
    number = tokens.grouped(world["card"].number)
    response = client.post(VERIFY, {"outlet": world["outlet"].pk, "number": number})
    assert response.status_code == 200
    assert 'data-outcome="valid"' in response.text


def test_the_number_of_minor_children_when_the_network_shows_it(client, world):
    rule = world["network"].card_rule
    rule.show_minor_children = True
    rule.save()
    client.force_login(world["operator"])
    response = scan(client, services.token_of(world["card"]))
    assert "2 figli minorenni" in response.text


@pytest.mark.parametrize(
    ("forge", "status", "message"),
    [
        (lambda t: t[:-2] + "xx", 400, "non è stato emesso dalla rete oppure è stato alterato"),
        (
            lambda t: signing.Signer(salt="another").sign_object({"c": 1, "g": 1, "x": 800000}),
            400,
            "oppure è stato alterato",
        ),
        (lambda t: "qualcosa-di-inventato", 400, "oppure è stato alterato"),
    ],
)
def test_forged_or_tampered_tokens(client, world, forge, status, message):
    client.force_login(world["operator"])
    response = scan(client, forge(services.token_of(world["card"])))
    assert response.status_code == status
    assert message in response.text
    assert Verification.objects.get().outcome == "forged"


def test_a_tampered_payload_with_the_old_signature(client, world):
    client.force_login(world["operator"])
    token = services.token_of(world["card"])
    _payload, _sep, signature = token.rpartition(":")
    other = signing.Signer(salt=tokens.SALT).sign_object(
        {"c": world["card"].pk + 1, "g": 1, "x": 800000}
    )
    forged = other.rpartition(":")[0] + ":" + signature
    response = scan(client, forged)
    assert response.status_code == 400


def test_a_replaced_qr_code(client, world):
    client.force_login(world["operator"])
    old = services.token_of(world["card"])
    services.card_new_token(card=world["card"])
    response = scan(client, old)
    assert response.status_code == 410
    assert "sostituito da uno più recente" in response.text
    assert "valida" not in response.text.split('data-outcome="token_replaced"')[1][:200]


def test_an_expired_card_by_its_qr_code_and_its_number(client, world):
    card = world["card"]
    token = services.token_of(card)
    Card.objects.filter(pk=card.pk).update(
        issued_on=timezone.localdate() - dt.timedelta(days=400),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
        token_expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    card.refresh_from_db()
    token = services.token_of(card)
    Card.objects.filter(pk=card.pk).update(token_hash=tokens.token_hash(token))
    client.force_login(world["operator"])
    response = scan(client, token)
    assert response.status_code == 409
    assert "Carta scaduta il" in response.text
    response = client.post(VERIFY, {"outlet": world["outlet"].pk, "number": card.number})
    assert response.status_code == 409


def test_revocation_is_seen_at_the_next_scan(client, world):
    client.force_login(world["operator"])
    token = services.token_of(world["card"])
    assert scan(client, token).status_code == 200
    services.card_set_status(
        card=world["card"], status="revoked", reason="Trasferita", by=UserFactory(is_staff=True)
    )
    response = scan(client, token)
    assert response.status_code == 409
    assert "Carta revocata" in response.text
    assert "Trasferita" not in response.text  # the reason is the family's, not the shop's


def test_a_suspended_card(client, world):
    services.card_set_status(
        card=world["card"], status="suspended", reason="Verifica", by=UserFactory(is_staff=True)
    )
    client.force_login(world["operator"])
    response = scan(client, services.token_of(world["card"]))
    assert response.status_code == 409
    assert "Carta sospesa" in response.text


def test_a_card_of_another_network(client, world):
    other_network, other_town = network_with_town()
    _shop, _outlet, operator = shop_in(other_network, other_town)
    client.force_login(operator)
    response = scan(client, services.token_of(world["card"]))
    assert response.status_code == 403
    assert "di un&#x27;altra rete" in response.text
    assert "fino al" not in response.text


def test_a_mistyped_and_an_unknown_number(client, world):
    client.force_login(world["operator"])
    number = world["card"].number
    mistyped = number[:-1] + str((int(number[-1]) + 1) % 10)
    response = client.post(VERIFY, {"outlet": world["outlet"].pk, "number": mistyped})
    assert response.status_code == 400
    assert "l&#x27;ultima è di controllo" in response.text
    unknown = tokens.new_card_number()
    response = client.post(VERIFY, {"outlet": world["outlet"].pk, "number": unknown})
    assert response.status_code == 404
    assert "Nessuna carta con questo numero" in response.text


def test_an_empty_form_and_another_shop_s_outlet(client, world):
    client.force_login(world["operator"])
    response = client.post(VERIFY, {"outlet": world["outlet"].pk})
    assert response.status_code == 400
    assert "Inquadra il codice QR" in response.text
    other_network, other_town = network_with_town()
    _shop, foreign_outlet, _operator = shop_in(other_network, other_town)
    response = client.post(VERIFY, {"outlet": foreign_outlet.pk, "number": world["card"].number})
    assert response.status_code == 400
    assert not Verification.objects.exists()


def test_only_operators_of_approved_shops_verify(client, world):
    response = client.get(VERIFY)
    assert response.status_code == 302  # visitors sign in first
    family_user = world["family"].memberships.get().user
    client.force_login(family_user)
    assert client.get(VERIFY).status_code == 403
    _shop, _outlet, pending_operator = shop_in(world["network"], world["town"], approved=False)
    client.force_login(pending_operator)
    assert scan(client, services.token_of(world["card"])).status_code == 403
    assert not Verification.objects.exists()


def test_an_enumeration_of_card_numbers_gets_429(client, world, settings):
    settings.CARTA_VERIFY_RATES = {"address": "5/m", "shop": "8/m"}
    client.force_login(world["operator"])
    statuses = [
        client.post(
            VERIFY, {"outlet": world["outlet"].pk, "number": tokens.new_card_number()}
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [404] * 5 + [429]
    assert Verification.objects.count() == 5
    # The shop's own limit holds from other addresses too.
    others = [
        client.post(
            VERIFY,
            {"outlet": world["outlet"].pk, "number": tokens.new_card_number()},
            REMOTE_ADDR=f"10.0.0.{i}",
        ).status_code
        for i in range(4)
    ]
    assert others == [404, 404, 404, 429]


def test_a_verification_has_a_fixed_number_of_queries(client, world):
    client.force_login(world["operator"])
    token = services.token_of(world["card"])
    scan(client, token)
    with CaptureQueriesContext(connection) as first:
        assert scan(client, token).status_code == 200
    for _ in range(5):
        shop_in(world["network"], world["town"], operator=world["operator"])
    with CaptureQueriesContext(connection) as more_shops:
        assert scan(client, token).status_code == 200
    assert len(more_shops) == len(first)
    # The session, the user, the operator's outlets (with shops and towns), the card, the
    # log row, the notification bell: 6 (was 9 with the operator, shops and outlets apart).
    assert len(first) == 6, [query["sql"][:80] for query in first]


def test_the_verification_page_offers_the_camera_scan_and_works_without_it(client, world):
    """The scan's button is hidden until its script shows it (the typed form alone works
    without JavaScript); the camera is allowed to this page, on this origin, only."""
    client.force_login(world["operator"])
    response = client.get(VERIFY)
    assert response.status_code == 200
    page = response.text
    assert '<section class="mb-4" hidden data-carta-scan="carta-verify-form"' in page
    assert 'id="carta-verify-form"' in page
    assert "Inquadra il QR" in page
    assert re.search(r'<script type="module" src="[^"]*hub/carta-scan\.js" nonce="', page)
    policy = response["Permissions-Policy"]
    assert "camera=(self)" in policy
    assert "microphone=()" in policy and "geolocation=()" in policy
    # The answer to a scan keeps the camera too (the operator scans the next card).
    answer = client.post(VERIFY, {"outlet": world["outlet"].pk, "number": world["card"].number})
    assert answer.status_code == 200
    assert "camera=(self)" in answer["Permissions-Policy"]
    assert "camera=()" in client.get("/carta/negozi/")["Permissions-Policy"]


def test_an_operator_whose_shop_has_no_outlet_is_led_to_add_one(client, world):
    world["outlet"].delete()
    client.force_login(world["operator"])
    response = client.get(VERIFY)
    assert response.status_code == 200
    assert 'href="/carta/esercente/esercizio/"' in response.text
    assert "aggiungilo dalla pagina del tuo esercizio" in response.text
    english = client.get(VERIFY, HTTP_ACCEPT_LANGUAGE="en")
    assert "add one on your shop's page" in english.text.replace("&#x27;", "'")
