"""The Carta Famiglia's demo: a card for each eligible demo family, a shop in Orbassano whose
operator verifies the Rossi family's card (Bruino); idempotent, and quick."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carta import demo, services
from carta.models import Card, Verification
from hub.demo import DEMO_ADMIN_EMAIL, load_demo_data
from hub.models import User
from hub.task_queue import discarding

pytestmark = pytest.mark.django_db


def test_demo_issues_cards_once_and_the_demo_shop_verifies_them(client):
    cache.clear()
    with discarding():
        load_demo_data()
        admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
        with CaptureQueriesContext(connection) as queries:
            first = demo.load(admin=admin)
        again = demo.load(admin=admin)
    # Six demo families; the Ricci's only child was born in 2006 (an adult since 2025).
    assert first == {"card rules": 1, "cards": 5, "shops": 1}
    assert again == {"card rules": 0, "cards": 0, "shops": 0}
    assert len(queries) < 150
    assert not Card.objects.filter(family__name="Famiglia Ricci").exists()

    rossi = Card.objects.get(family__name="Famiglia Rossi")
    client.force_login(User.objects.get(email=demo.SHOP_OPERATOR_EMAIL))
    response = client.get("/carta/verifica/", {"t": services.token_of(rossi)})
    assert response.status_code == 200
    assert Verification.objects.get().outcome == "valid"
    # A Lombard card is of another network for the CIdiS shop.
    brambilla = Card.objects.get(family__name="Famiglia Brambilla")
    assert client.get("/carta/verifica/", {"t": services.token_of(brambilla)}).status_code == 403
