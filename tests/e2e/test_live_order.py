"""The live order page in two browsers: one family saves its order, the other family's page
moves its pooled numbers without reloading (frontend/src/gaf-round.js over the round's socket).

pytest-django's live_server speaks WSGI only, so the hub's ASGI application runs under Daphne
in a thread of the test process (tests/e2e/conftest.py, asgi_server): the same application as
`manage.py serve`, the same test database, the in-memory channel layer shared by the order
service and the consumers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gaf.models import RoundProduct
from tests.e2e.conftest import signed_in_page as _signed_in_page
from tests.gaf.factories import make_group, make_member, make_orchard_catalogue, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_family_orders_and_the_other_familys_page_moves(browser, asgi_server):
    base_url = asgi_server
    setup = make_group()
    _rossi, rossi = make_member(setup, name="Famiglia Rossi")
    _bianchi, bianchi = make_member(setup, name="Famiglia Bianchi")
    _supplier, apples, eggs = make_orchard_catalogue(setup)
    now = timezone.now()
    round = make_round(
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

    watcher = _signed_in_page(browser, base_url, bianchi)
    watcher.goto(base_url + path)
    pool = watcher.locator("[data-gaf-pool]").first
    before = pool.inner_text()
    assert "0" in before

    orderer = _signed_in_page(browser, base_url, rossi)
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
