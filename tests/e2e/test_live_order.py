"""The live order page in two browsers: one family saves its order, the other family's page
moves its pooled numbers without reloading (frontend/src/gaf-round.js over the round's socket).

pytest-django's live_server speaks WSGI only, so the hub's ASGI application runs here under
Daphne in a thread of the test process: the same application as `manage.py serve`, the same
test database, the in-memory channel layer shared by the order service and the consumers.
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from gaf.models import RoundProduct
from tests.e2e.browser import PHONE
from tests.gaf.factories import make_group, make_member, make_orchard_catalogue, make_round
from tests.integration.servers import free_port, port_open, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker):
    """The base URL of Daphne serving hub.asgi in a thread of this process, on the test
    database. Twisted's reactor runs once per process: one server for the session, stopped
    before the test database goes away."""
    from daphne.server import Server
    from twisted.internet import reactor

    from hub.asgi import application

    port = free_port()
    server = Server(
        application,
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
    )
    thread = threading.Thread(target=server.run, name="daphne", daemon=True)
    with django_db_blocker.unblock():
        thread.start()
        wait_for(lambda: port_open(port), timeout=30, what="Daphne listening")
        yield f"http://127.0.0.1:{port}"
        reactor.callFromThread(reactor.stop)
        thread.join(timeout=30)


def _signed_in_page(browser, base_url: str, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="it-IT", viewport=PHONE)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


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
