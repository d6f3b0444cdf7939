"""The live order page in two browsers: one family saves its order, the other family's page
moves its pooled numbers without reloading (frontend/src/gaf-round.js over the round's socket).

pytest-django's live_server speaks WSGI only, so the hub's ASGI application runs under
Daphne in a thread of the test process (tests/e2e/conftest.py, asgi_server).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gaf.models import RoundProduct
from tests.e2e.browser import off_the_event_loop, signed_in_page
from tests.gaf.factories import make_group, make_member, make_orchard_catalogue, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_family_orders_and_the_other_familys_page_moves(browser, asgi_server):
    base_url = asgi_server
    setup = make_group()
    _rossi, rossi = make_member(setup, name="Famiglia Rossi")
    _bianchi, bianchi = make_member(setup, name="Famiglia Bianchi")
    _supplier, apples, eggs = make_orchard_catalogue(setup)
    now = timezone.now()
    # Opening the round notifies the families, which broadcasts after commit: off the
    # browser's event loop.
    round = off_the_event_loop(
        make_round,
        setup,
        _supplier,
        [apples, eggs],
        title="Giro delle mele",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=2),
        open_now=now,
    )
    apple_row = RoundProduct.objects.get(round=round, product=apples)
    path = f"/gaf/{round.group.slug}/giri/{round.pk}/"

    watcher = signed_in_page(browser, base_url, bianchi)
    watcher.goto(base_url + path)
    pool = watcher.locator("[data-gaf-pool]").first
    before = pool.inner_text()
    assert "0" in before

    orderer = signed_in_page(browser, base_url, rossi)
    orderer.goto(base_url + path)
    orderer.fill(f"[name=firm_{apple_row.pk}]", "6")
    orderer.get_by_role("button", name="Salva l'ordine").click()
    orderer.wait_for_load_state()
    assert apple_row.lines.get().firm == Decimal("6")

    # The watcher never reloads: the order service's broadcast after commit moves its numbers.
    watcher.wait_for_function(
        "([el, before]) => el.innerText !== before", arg=[pool.element_handle(), before]
    )
    assert "6" in pool.inner_text()
    assert watcher.url == base_url + path


def test_a_familys_totals_follow_the_others_and_its_own_typing(browser, asgi_server):
    """Bianchi's page without reloading: what Bianchi would receive and pay moves when Rossi
    completes the case, reads as a reload would show it, and Bianchi's running total moves
    while typing, before saving; once saved, the server's figure is the one typed."""
    base_url = asgi_server
    setup = make_group()
    _rossi, rossi = make_member(setup, name="Famiglia Rossi")
    _bianchi, bianchi = make_member(setup, name="Famiglia Bianchi")
    supplier, apples, eggs = make_orchard_catalogue(setup)
    now = timezone.now()
    round = off_the_event_loop(
        make_round,
        setup,
        supplier,
        [apples, eggs],
        title="Giro delle mele",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=2),
        open_now=now,
    )
    apple_row = RoundProduct.objects.get(round=round, product=apples)
    path = f"/gaf/{round.group.slug}/giri/{round.pk}/"
    firm = f"[name=firm_{apple_row.pk}]"

    watcher = signed_in_page(browser, base_url, bianchi)
    watcher.goto(base_url + path)
    watcher.fill(firm, "2")
    watcher.get_by_role("button", name="Salva l'ordine").click()
    watcher.wait_for_load_state()
    pool = watcher.locator(f'[data-gaf-pool="{apple_row.pk}"]')
    bill = watcher.locator("#gaf-family-total")
    assert "Se il giro chiudesse ora riceveresti 0 kg." in pool.inner_text()
    assert "non riceveresti nulla" in bill.inner_text()
    # 2 kg × 2,40 € + 2 % for the fund (0,096 → 0,10).
    assert watcher.locator("#gaf-running-total").inner_text() == "4,90"

    orderer = signed_in_page(browser, base_url, rossi)
    orderer.goto(base_url + path)
    orderer.fill(firm, "4")
    orderer.get_by_role("button", name="Salva l'ordine").click()
    orderer.wait_for_load_state()

    # Rossi's 4 kg complete Bianchi's case: Bianchi's page moves without a reload.
    watcher.wait_for_function(
        "el => el.innerText.includes('riceveresti 2 kg')", arg=pool.element_handle()
    )
    assert "Il gruppo ne ha ordinati 6 kg." in pool.inner_text()
    assert "1 cassa completa" in pool.inner_text()
    watcher.wait_for_function("el => el.innerText.includes('4,90')", arg=bill.element_handle())
    assert watcher.locator("#gaf-total-short").inner_text() == "4,90"
    live_pool, live_bill = pool.inner_text(), bill.inner_text()
    watcher.reload()
    assert pool.inner_text() == live_pool
    assert bill.inner_text() == live_bill

    # Typing 4 kg: the running total moves before saving (9,60 € + 0,19 €), marked unsaved.
    watcher.fill(firm, "4")
    assert watcher.locator("#gaf-running-total").inner_text() == "9,79"
    assert watcher.locator("#gaf-running-unsaved").is_visible()
    watcher.fill(firm, "2")
    assert watcher.locator("#gaf-running-total").inner_text() == "4,90"
    assert not watcher.locator("#gaf-running-unsaved").is_visible()
    watcher.fill(firm, "4")
    watcher.get_by_role("button", name="Salva l'ordine").click()
    watcher.wait_for_load_state()
    # The server's own figure for the saved order is the one the page computed.
    assert watcher.locator("#gaf-running-total").inner_text() == "9,79"
    assert apple_row.lines.get(order__family=_bianchi).firm == Decimal("4")
