"""A shop operator manages the shop on a phone: public details, a new outlet with a mistake
first (coordinates out of range), and an invitation to a colleague."""

from __future__ import annotations

import pytest

from carta.models import Shop
from tests.carta.factories import network_with_town, shop_in
from tests.e2e.browser import assert_accessible, signed_in_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways ({width}px)"


def test_an_operator_manages_the_shop_on_a_phone(live_server, browser):
    network, town = network_with_town()
    shop, _outlet, operator = shop_in(network, town)
    shop.contact_email = "rete@negozio.example.org"
    shop.save()
    page = signed_in_page(browser, live_server.url, operator)

    page.goto(live_server.url + "/carta/esercente/offerte/")
    page.get_by_role("link", name="Gestisci l'esercizio").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/carta/esercente/esercizi/{shop.pk}/")
    _fits(page)
    assert_accessible(page)

    page.get_by_label("Descrizione").fill("Quaderni e zaini per la scuola")
    page.get_by_label("Telefono").fill("011 123456")
    page.get_by_role("button", name="Salva i dati").click()
    page.wait_for_load_state()
    assert "Dati dell'esercizio salvati." in page.locator("main").inner_text()

    page.get_by_role("link", name="Aggiungi un punto vendita").click()
    page.wait_for_load_state()
    page.get_by_label("Nome del punto vendita").fill("Stazione")
    page.get_by_label("Indirizzo").fill("Piazza Stazione 3")
    page.get_by_label("Comune").select_option(str(town.pk))
    page.get_by_label("Latitudine").fill("95")
    page.get_by_label("Longitudine").fill("7.68")
    page.get_by_role("button", name="Salva il punto vendita").click()
    page.wait_for_load_state()
    assert "La latitudine è un numero tra -90 e 90" in page.locator("main").inner_text()
    _fits(page)
    assert_accessible(page)
    page.get_by_label("Latitudine").fill("45.07")
    page.get_by_role("button", name="Salva il punto vendita").click()
    page.wait_for_load_state()
    assert "Punto vendita salvato." in page.locator("main").inner_text()

    page.get_by_label("E-mail del collega da invitare").fill("collega@example.org")
    page.get_by_role("button", name="Invia l'invito").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Invito inviato a collega@example.org." in main
    assert "Stazione" in main
    _fits(page)
    assert_accessible(page)
    page.screenshot(path="/tmp/carta_shop_management_phone.png", full_page=True)

    shop = Shop.objects.get(pk=shop.pk)
    assert shop.description == "Quaderni e zaini per la scuola"
    assert shop.outlets.filter(name="Stazione", latitude=45.07).exists()
    assert shop.invitations.filter(email="collega@example.org").exists()
