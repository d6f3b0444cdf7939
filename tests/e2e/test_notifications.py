"""The notification bell and inbox in a real browser: the bell moves live when a service
notifies the person (frontend/src/notification-bell.js over /ws/notifications/, served by
Daphne), the inbox works at 360 px and passes axe-core."""

from __future__ import annotations

import pytest

from hub import notifications
from hub.models import Notification
from tests.e2e.browser import PHONE, assert_accessible, off_the_event_loop, signed_in_page
from tests.hub.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered by the hub for every app: a kind that exists in any test run.
KIND = notifications.MENTION


def test_the_bell_moves_live_and_the_inbox_reads(browser, asgi_server):
    alice = UserFactory(email="alice.bell@example.org")
    off_the_event_loop(
        notifications.notify,
        users=[alice],
        kind=KIND,
        title="Mario ti ha menzionato nella chat del GAF Bruino",
        body="@alice domani porto io le cassette, va bene?",
        url="/gaf/",
        place="gaf:group:1",
        place_label="GAF Bruino",
    )
    page = signed_in_page(browser, asgi_server, alice)
    page.goto(asgi_server + "/notifiche/")
    bell = page.locator("[data-hub-bell]")
    count = page.locator("[data-hub-bell-count]")
    assert count.inner_text() == "1"
    assert bell.get_attribute("aria-label") == "Notifiche: 1 da leggere"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    # Once the socket has said hello, a service notifies her: the bell moves, no reload.
    page.wait_for_selector("[data-hub-bell-live]", state="attached")
    off_the_event_loop(
        notifications.notify, users=[alice], kind=KIND, title="Nuovo messaggio per te"
    )
    page.wait_for_function(
        "() => document.querySelector('[data-hub-bell-count]').textContent === '2'"
    )
    assert bell.get_attribute("aria-label") == "Notifiche: 2 da leggere"
    assert page.locator("[data-hub-bell-status]").inner_text() == (
        "Nuova notifica: Nuovo messaggio per te"
    )

    page.get_by_role("button", name="Segna tutte come lette").click()
    page.wait_for_load_state()
    assert count.is_hidden()
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()

    page.goto(asgi_server + "/notifiche/preferenze/")
    assert page.locator("h1").inner_text() == "Come ricevere le notifiche"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
