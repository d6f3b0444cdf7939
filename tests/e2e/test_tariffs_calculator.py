"""A family in Lissone compares its canteen and nursery tariffs on a phone, signed out."""

from __future__ import annotations

import pytest

from tests.e2e.browser import assert_accessible
from tests.hub.factories import MunicipalityFactory
from tests.tariffs.factories import canteen, nursery

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def lissone():
    municipality = MunicipalityFactory(name="Lissone", slug="lissone", province="MB")
    canteen(municipality)
    nursery(municipality)
    return municipality


def test_a_family_compares_tariffs_on_a_phone(live_server, lissone, page):
    page.goto(live_server.url + "/tariffe/")
    assert_accessible(page)
    page.get_by_label("Adulti nel nucleo familiare").fill("2")
    page.get_by_label("Età dei figli").fill("1, 6, 10")
    # Bootstrap Italia draws the checkbox on its label: a person taps the label.
    page.locator("label[for=id_all_parents_work]").click()
    page.get_by_label("ISE o reddito familiare dichiarato (€ all'anno)").fill("31415.92")
    page.get_by_label("Comune").select_option("lissone")
    page.locator("label", has_text="mensa scolastica").click()
    page.locator("label", has_text="asilo nido").click()
    page.get_by_role("button", name="Calcola").click()
    page.wait_for_load_state()
    main = page.locator("main")
    assert "Risultato per Lissone" in main.inner_text()
    assert "223,30" in main.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the result scrolls sideways ({width}px)"
    assert_accessible(page)
    page.screenshot(path="/tmp/tariffs_phone.png", full_page=True)
