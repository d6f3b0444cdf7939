"""The issue's "done means", as a new user would go through it, on the real networks' towns:
a family in Bruino gets its card; a shop in Orbassano joins, is approved, publishes a 10 %
offer and gets the "Amico della famiglia" badge; the shop scans the family's QR code and sees
"valida fino al ..."; staff revoke the card and the next scan says so."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from carta import services
from carta.models import Card, Shop, Verification
from hub.models import Municipality, Network, User
from tests.hub.factories import UserFactory, make_family

pytestmark = pytest.mark.django_db


def test_card_shop_offer_scan_and_revocation(client, django_capture_on_commit_callbacks):
    cache.clear()
    cidis = Network.objects.create(name="CIdiS", slug="cidis", kind=Network.Kind.CONSORTIUM)
    bruino = Municipality.objects.create(
        name="Bruino", slug="bruino", istat_code="001038", province="TO"
    )
    orbassano = Municipality.objects.create(
        name="Orbassano", slug="orbassano", istat_code="001171", province="TO"
    )
    cidis.municipalities.add(bruino, orbassano)
    staff = UserFactory(is_staff=True)

    # A family in Bruino asks for its card from the profile and gets it at once.
    parent = UserFactory(email="giulia@example.org")
    make_family(user=parent, municipality=bruino, birth_years=[2016, 2020])
    client.force_login(parent)
    assert "Richiedi la Carta Famiglia" in client.get(reverse("profile")).text
    assert client.post(reverse("carta:request")).status_code == 302
    card_page = client.get(reverse("carta:card")).text
    card = Card.objects.get()
    scanned_link = re.search(r"https?://[^\s\"<]+/carta/verifica/\?t=[^\s\"<]+", card_page)
    assert scanned_link is None  # the link is inside the QR code, not in the page's text
    qr_link = "/carta/verifica/?t=" + services.token_of(card)

    # A shop in Orbassano joins; staff approve it.
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/carta/esercizi/aderisci/",
            {
                "network": cidis.pk,
                "business_name": "Cartoleria di Orbassano",
                "vat_number": "01234567897",
                "contact_email": "info@cartoleria.example.org",
                "operator_email": "banco@cartoleria.example.org",
                "outlet_name": "Centro",
                "outlet_address": "Via Roma 1",
                "outlet_municipality": orbassano.pk,
            },
        )
    assert response.status_code == 302
    shop = Shop.objects.get()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("carta:staff_shop", args=[shop.pk]), {"decision": "approve"})

    # Its operator publishes a 10 % offer: the shop is an "Amico della famiglia".
    operator = User.objects.get(email="banco@cartoleria.example.org")
    client.force_login(operator)
    today = timezone.localdate()
    response = client.post(
        "/carta/esercente/offerte/nuova/",
        {
            "title": "Zaini e quaderni",
            "kind": "percentage",
            "value": "10",
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=90)).isoformat(),
            "card_holders_only": "on",
            "outlets": [shop.outlets.get().pk],
        },
    )
    assert response.status_code == 302
    directory = client.get(reverse("carta:directory"), {"comune": "orbassano"}).text
    assert "Cartoleria di Orbassano" in directory
    assert 'ms-1">Amico della famiglia' in directory

    # The shop scans the family's QR code.
    response = client.get(qr_link)
    assert response.status_code == 200
    assert "Carta valida fino al" in response.text
    assert "Giulia" not in response.text and "Bruino" not in response.text

    # Staff revoke the card; the next scan says so.
    client.force_login(staff)
    client.post(
        reverse("carta:staff_card", args=[card.pk]),
        {"status": "revoked", "reason": "Residenza cambiata"},
    )
    client.force_login(operator)
    response = client.get(qr_link)
    assert response.status_code == 409
    assert "Carta revocata" in response.text
    assert list(Verification.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "valid",
        "revoked",
    ]
    client.force_login(staff)
    assert ">2 (1)<" in client.get(reverse("carta:staff_shops")).text
