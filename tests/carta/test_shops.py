"""Shops join a network: the public form (VAT check digit, municipality of the network, no
half-saved request), staff's decision (Decision), and the first operator who then verifies."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from carta import services
from carta.models import Outlet, Shop, ShopOperator
from hub.models import User
from tests.carta.factories import family_in, network_with_town
from tests.hub.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

JOIN = "/carta/esercizi/aderisci/"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def place():
    network, town = network_with_town()
    return network, town


def application(network, town, **changes):
    data = {
        "network": network.pk,
        "business_name": "Cartoleria Il Quaderno",
        "vat_number": "IT 01234567897",
        "contact_email": "info@quaderno.example.org",
        "operator_email": "franca@quaderno.example.org",
        "outlet_name": "Centro",
        "outlet_address": "Via Roma 12",
        "outlet_municipality": town.pk,
        "latitude": "45.038900",
        "longitude": "7.537600",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_shop_asks_to_join_and_waits_for_staff(
    client, place, mailoutbox, django_capture_on_commit_callbacks
):
    network, town = place
    assert client.get(JOIN).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOIN, application(network, town))
    assert response.status_code == 302
    shop = Shop.objects.get()
    assert (shop.status, shop.vat_number) == (Shop.Status.PENDING, "01234567897")
    assert shop.outlets.get().municipality == town
    assert [message.to for message in mailoutbox] == [["info@quaderno.example.org"]]
    assert "Quaderno" not in mailoutbox[0].subject  # the visitor's text stays out of subjects


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"vat_number": "01234567890"}, "La partita IVA non è valida"),
        ({"vat_number": "1234"}, "La partita IVA non è valida"),
        ({"latitude": "95"}, "minore o uguale a 90"),
        ({"longitude": ""}, "entrambe le coordinate"),
    ],
)
def test_bad_input_is_a_400_and_nothing_is_saved(client, place, changes, field_message):
    network, town = place
    response = client.post(JOIN, application(network, town, **changes))
    assert response.status_code == 400
    assert field_message in response.text
    assert not Shop.objects.exists() and not Outlet.objects.exists()


def test_an_outlet_outside_the_network_is_refused(client, place):
    network, _town = place
    _other_network, elsewhere = network_with_town()
    response = client.post(JOIN, application(network, elsewhere))
    assert response.status_code == 400
    assert "non fa parte della rete scelta" in response.text
    assert not Shop.objects.exists()


def test_the_same_vat_number_twice_in_a_network(client, place):
    network, town = place
    assert client.post(JOIN, application(network, town)).status_code == 302
    response = client.post(JOIN, application(network, town, business_name="Altro nome"))
    assert response.status_code == 400
    assert "già convenzionato o in attesa" in response.text
    assert Shop.objects.count() == 1


def test_a_bot_filling_the_honeypot_stores_nothing(client, place):
    network, town = place
    response = client.post(JOIN, application(network, town, homepage="http://spam.example"))
    assert response.status_code == 302
    assert not Shop.objects.exists()


def test_a_flood_of_requests_gets_429(client, place, settings):
    settings.HUB_PUBLIC_FORM_RATES = {"address": "2/10m", "recipient": "3/d"}
    network, town = place
    statuses = [
        client.post(JOIN, application(network, town, vat_number="1")).status_code for _ in range(3)
    ]
    assert statuses == [400, 400, 429]


def submit(client, network, town, **changes):
    client.post(JOIN, application(network, town, **changes))
    return Shop.objects.get(vat_number="01234567897")


def test_staff_approve_and_the_first_operator_verifies_cards(
    client, place, mailoutbox, django_capture_on_commit_callbacks
):
    network, town = place
    shop = submit(client, network, town)
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("carta:staff_shops")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("carta:staff_shop", args=[shop.pk]), {"decision": "approve"})
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.status, shop.decided_by) == (Shop.Status.APPROVED, staff)
    operator = User.objects.get(email="franca@quaderno.example.org")
    assert not operator.has_usable_password()
    assert ShopOperator.objects.filter(shop=shop, user=operator).exists()
    assert any(message.to == ["franca@quaderno.example.org"] for message in mailoutbox)
    # Deciding twice is refused.
    again = client.post(reverse("carta:staff_shop", args=[shop.pk]), {"decision": "approve"})
    assert again.status_code == 400
    assert "già stata decisa" in again.text

    _user, family = family_in(town)
    card = services.card_request(family=family)
    client.force_login(operator)
    response = client.get("/carta/verifica/", {"t": services.token_of(card)})
    assert response.status_code == 200


def test_rejection_needs_a_reason(client, place, mailoutbox, django_capture_on_commit_callbacks):
    network, town = place
    shop = submit(client, network, town)
    client.force_login(UserFactory(is_staff=True))
    url = reverse("carta:staff_shop", args=[shop.pk])
    response = client.post(url, {"decision": "reject", "reason": " "})
    assert response.status_code == 400
    assert "Spiega il motivo" in response.text
    shop.refresh_from_db()
    assert shop.is_pending
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"decision": "reject", "reason": "Fuori zona"}).status_code == 302
    shop.refresh_from_db()
    assert (shop.status, shop.decision_reason) == (Shop.Status.REJECTED, "Fuori zona")
    assert "Fuori zona" in mailoutbox[-1].body
    assert not User.objects.filter(email="franca@quaderno.example.org").exists()


def test_only_staff_decide(client, place):
    network, town = place
    shop = submit(client, network, town)
    client.force_login(UserFactory())
    assert client.get(reverse("carta:staff_shops")).status_code == 403
    assert (
        client.post(
            reverse("carta:staff_shop", args=[shop.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    shop.refresh_from_db()
    assert shop.is_pending


def test_a_shop_operator_verifies_only_at_their_own_shop_s_outlets(client, place):
    """Two approved shops: each operator's verification form offers its own outlets only."""
    network, town = place
    from tests.carta.factories import shop_in

    _shop_a, outlet_a, operator_a = shop_in(network, town)
    _shop_b, outlet_b, _operator_b = shop_in(network, MunicipalityFactory())
    client.force_login(operator_a)
    page = client.get("/carta/verifica/")
    assert f'value="{outlet_a.pk}"' in page.text
    assert f'value="{outlet_b.pk}"' not in page.text
