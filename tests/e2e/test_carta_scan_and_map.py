"""The Carta Famiglia on a phone, in a real Chromium at 360 px (issue 16): a shop operator
scans a card's QR code with the camera (a fake camera filming a video of a real card's QR
code) and sees at once that it is valid; without the camera the typed form still works; the
shops' map shows its markers and its list even when OpenStreetMap's tiles do not load."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import segno
from django.utils import translation

from carta import services
from carta.models import Outlet
from hub.dates import day
from tests.carta.factories import family_in, network_with_town, shop_in
from tests.e2e.browser import PHONE, assert_accessible, signed_in_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTH, HEIGHT = 640, 480


def write_y4m(path: Path, text: str, *, frames: int = 4) -> Path:
    """A YUV4MPEG2 video (4:2:0) of `text`'s QR code, black on white, centred: what a phone's
    camera sees when the operator holds the card up to it."""
    code = segno.make(text, error="m", micro=False)
    size = code.symbol_size(scale=1, border=4)[0]
    scale = min(WIDTH, HEIGHT) * 9 // 10 // size
    assert scale >= 4, f"the QR code has {size} modules: too many for {WIDTH}x{HEIGHT}"
    rows = [
        bytes(235 if not dark else 16 for dark in row)
        for row in code.matrix_iter(scale=scale, border=4)
    ]
    top = (HEIGHT - len(rows)) // 2
    left = (WIDTH - len(rows[0])) // 2
    luma = bytearray([235]) * (WIDTH * HEIGHT)
    for y, row in enumerate(rows):
        start = (top + y) * WIDTH + left
        luma[start : start + len(row)] = row
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    path.write_bytes(
        f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * frames
    )
    return path


@pytest.fixture
def card_world(live_server, settings):
    settings.HUB_BASE_URL = live_server.url  # the QR code's address, as a deployment gives it
    network, town = network_with_town()
    _user, family = family_in(town)
    card = services.card_request(family=family)
    shop, outlet, operator = shop_in(network, town)
    return {"card": card, "shop": shop, "outlet": outlet, "operator": operator}


def test_an_operator_scans_a_card_s_qr_code_and_sees_it_valid(
    live_server, camera_browser, card_world, tmp_path
):
    """Debian's headless Chromium has no BarcodeDetector: jsQR reads the frames here."""
    card = card_world["card"]
    link = f"{live_server.url}/carta/verifica/?t={services.token_of(card)}"
    browser = camera_browser(write_y4m(tmp_path / "card.y4m", link))
    page = signed_in_page(browser, live_server.url, card_world["operator"])
    page.goto(live_server.url + "/carta/verifica/")
    scan = page.get_by_role("button", name="Inquadra il QR")
    scan.wait_for(state="visible")
    assert_accessible(page)
    scan.click()
    outcome = page.locator("[data-outcome]")
    outcome.wait_for()
    assert outcome.get_attribute("data-outcome") == "valid"
    with translation.override("it"):
        expected = f"Carta valida fino al {day(card.valid_until)}."
    assert outcome.locator("p").first.inner_text() == expected
    # The token went in the form, not in the address (a POST), and the camera is off.
    assert "?t=" not in page.url
    assert page.evaluate(
        "() => [...document.querySelectorAll('video')].every(v => v.srcObject === null)"
    )
    assert_accessible(page)


def test_a_code_that_is_no_card_is_not_submitted(live_server, camera_browser, card_world, tmp_path):
    browser = camera_browser(write_y4m(tmp_path / "other.y4m", "https://www.example.org/menu"))
    page = signed_in_page(browser, live_server.url, card_world["operator"])
    page.goto(live_server.url + "/carta/verifica/")
    page.get_by_role("button", name="Inquadra il QR").click()
    status = page.locator("[data-scan-status]")
    page.wait_for_function(
        "() => document.querySelector('[data-scan-status]').textContent.includes('non è di')"
    )
    assert page.locator("[data-outcome]").count() == 0
    # Closing the camera stops it, and says so.
    page.get_by_role("button", name="Chiudi la fotocamera").click()
    assert status.inner_text() == "Fotocamera chiusa."
    assert page.evaluate("() => document.querySelector('video').srcObject === null")
    assert page.get_by_role("button", name="Inquadra il QR").is_visible()


def test_without_the_camera_s_permission_the_typed_number_still_works(
    live_server, browser, card_world
):
    page = signed_in_page(browser, live_server.url, card_world["operator"])
    page.context.clear_permissions()  # no camera granted, no fake device: the browser refuses
    page.goto(live_server.url + "/carta/verifica/")
    page.get_by_role("button", name="Inquadra il QR").click()
    page.wait_for_function(
        "() => /fotocamera|numero della carta/.test("
        "document.querySelector('[data-scan-status]').textContent) && "
        "!/Apertura/.test(document.querySelector('[data-scan-status]').textContent)"
    )
    assert "scrivi il numero della carta" in page.locator("[data-scan-status]").inner_text()
    page.get_by_label("Oppure numero della carta").fill(card_world["card"].number)
    page.get_by_role("button", name="Verifica", exact=True).click()
    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "valid"


def test_without_javascript_the_page_is_the_typed_form(live_server, browser, card_world):
    signed_in = signed_in_page(browser, live_server.url, card_world["operator"])
    context = browser.new_context(locale="it-IT", viewport=PHONE, java_script_enabled=False)
    context.add_cookies(signed_in.context.cookies())
    page = context.new_page()
    page.goto(live_server.url + "/carta/verifica/")
    assert not page.get_by_role("button", name="Inquadra il QR").is_visible()
    page.get_by_label("Oppure numero della carta").fill(card_world["card"].number)
    page.get_by_role("button", name="Verifica", exact=True).click()
    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "valid"
    context.close()


def test_the_map_of_the_shops_at_360_px_shows_markers_and_the_list(live_server, page):
    network, town = network_with_town()
    placed = []
    for lat, lng in [("45.0101", "7.5202"), ("45.0152", "7.5301")]:
        shop, outlet, _ = shop_in(network, town)
        outlet.latitude, outlet.longitude = Decimal(lat), Decimal(lng)
        outlet.save()
        placed.append(shop)
    unplaced, _outlet, _ = shop_in(network, town)
    # OpenStreetMap's tiles never load here (a test offline, or a blocked network).
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto(live_server.url + "/carta/negozi/")
    page.get_by_role("link", name="Vedi i punti vendita sulla mappa").click()
    page.wait_for_url(re.compile(r"/carta/negozi/mappa/"))
    markers = page.locator("#carta-map .leaflet-marker-icon")
    markers.first.wait_for()
    assert markers.count() == 2
    assert page.locator("#carta-map-list li").count() == 3
    assert unplaced.business_name in page.locator("#carta-map-list").inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    # A marker opens its shop's popup, whose link leads to the shop's page.
    name = placed[0].business_name
    page.locator(f'#carta-map .leaflet-marker-icon[title^="{name},"]').click()
    popup = page.locator("#carta-map .leaflet-popup-content")
    popup.wait_for()
    # Leaflet pans the map to show the popup (its class is on the map pane meanwhile): a
    # click during the pan can land where the link was a frame earlier (CI, a loaded machine).
    page.wait_for_function("() => !document.querySelector('#carta-map .leaflet-pan-anim')")
    assert name in popup.inner_text()
    assert "Via Roma 1" in popup.inner_text()
    popup.get_by_role("link", name="Pagina del negozio").click()
    page.wait_for_url(re.compile(rf"/carta/negozi/{placed[0].pk}/$"))
    assert page.locator("h1").inner_text().startswith(name)
    assert Outlet.objects.count() == 3
