"""Two families of one purchase group on the round's page, each in a real Chromium at 360 px,
against Daphne (tests/e2e/conftest.py): everything live, and nothing lost or doubled by a
page that goes offline.

1. Rossi writes in the round's thread mentioning Bianchi: Bianchi's page shows the message
   (marked as mentioning her) and her bell's count goes up, without reloading.
2. Rossi changes her order: the progress bar of the product on Bianchi's page moves.
3. Bianchi's page goes offline: the browser context is offline and its WebSockets are cut
   for real (they pass through Playwright's WebSocket routing, which closes them and
   refuses new ones while offline); the test checks the server saw them go (Bianchi is no
   longer online in Rossi's page, and her presence rows are gone). Rossi sends three
   messages and changes her order meanwhile; Bianchi writes one, which waits. Back online,
   her message leaves once, Bianchi's page shows each message
   exactly once (DOM nodes counted by message id), in order, its progress bar catches up
   with the order, and its bell moves again.

frontend/src/gaf-chat.js, live-socket.js, notification-bell.js and gaf-round.js over the
hub's consumers.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from gaf.models import ChatMessage, ChatPresence, ChatRoom, RoundProduct
from tests.e2e.browser import off_the_event_loop, signed_in_page
from tests.gaf.factories import make_group, make_member, make_orchard_catalogue, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOCKETS = re.compile(r"/ws/")


# Added to the page before its own scripts: the page's sockets, so that the test can close
# them from the browser's side (a close the server sees, as when a phone loses the network).
TRACK_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  const open = new Set();
  class Tracked extends Native {
    constructor(...args) {
      super(...args);
      open.add(this);
      this.addEventListener("close", () => open.delete(this));
    }
  }
  window.WebSocket = Tracked;
  window.hubTestSockets = {
    open: () => [...open].filter((s) => s.readyState === Native.OPEN).length,
    unclosed: () => open.size,
    drop: () => open.forEach((s) => s.close(4000)),
  };
})();
"""


class Network:
    """A page's network, cut for real.

    Offline, the page's open WebSockets are closed from the page (the server sees them go),
    the browser context is offline (its HTTP requests fail), and every new WebSocket is
    refused by Playwright's WebSocket routing until the page is back online: Chromium's
    offline mode alone neither closes open sockets nor refuses new ones."""

    def __init__(self, page):
        self.page = page
        self.offline = False
        self.refused = 0
        page.add_init_script(TRACK_SOCKETS)
        page.route_web_socket(SOCKETS, self._route)

    def _route(self, socket) -> None:
        if self.offline:
            self.refused += 1
            socket.close(code=1001, reason="offline")
            return
        socket.connect_to_server()

    def open_sockets(self) -> int:
        return self.page.evaluate("window.hubTestSockets.open()")

    def wait_for_refusals(self, more_than: int) -> None:
        """Until the page has tried (and failed) to open a socket again (bounded)."""
        for _ in range(150):
            if self.refused > more_than:
                return
            self.page.wait_for_timeout(100)  # lets Playwright run the route's handler
        raise AssertionError("the page never tried to reconnect while offline")

    def go_offline(self) -> None:
        self.offline = True
        # Closed before the context goes offline, so that their closing handshakes complete
        # and the page hears its sockets close (offline, a close would hang in "closing").
        self.page.evaluate("window.hubTestSockets.drop()")
        self.page.wait_for_function("() => window.hubTestSockets.unclosed() === 0")
        self.page.context.set_offline(True)

    def go_online(self) -> None:
        self.offline = False
        self.page.context.set_offline(False)


def _count_of(page, message_id: int) -> int:
    return page.evaluate(
        "id => document.querySelectorAll(`[data-gaf-chat-log] li[data-id='${id}']`).length"
        " + document.querySelectorAll(`[id='msg-${id}']:not([data-id])`).length",
        message_id,
    )


def _bell_count(page) -> int:
    text = page.locator("[data-hub-bell-count]").text_content() or "0"
    return int(text) if text.strip() else 0


def _say(page, text: str) -> None:
    box = page.locator("[data-gaf-chat-body]")
    box.fill(text)
    box.press("Enter")


def test_two_families_live_and_a_page_that_goes_offline(browser, asgi_server):
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
    room = ChatRoom.objects.get(round=round)
    apple_row = RoundProduct.objects.get(round=round, product=apples)
    url = f"{asgi_server}/gaf/{round.group.slug}/giri/{round.pk}/"

    reader = signed_in_page(browser, asgi_server, bianchi)
    network = Network(reader)
    reader.goto(url)
    writer = signed_in_page(browser, asgi_server, rossi)
    writer.goto(url)
    for page in (reader, writer):
        page.get_by_role("tab", name="Chat").click()
        page.wait_for_selector("[data-hub-bell-live]", state="attached")
    online = "() => document.querySelector('[data-gaf-chat-online]').innerText.includes('%s')"
    writer.wait_for_function(online % "Bianchi")
    reader.wait_for_function(online % "Rossi")

    # 1. A mention: the reader sees the message and her bell moves.
    bell_before = _bell_count(reader)
    box = writer.locator("[data-gaf-chat-body]")
    box.fill("Ciao @Famiglia Bi")
    writer.get_by_role("option", name="Famiglia Bianchi").click()
    box.press("End")
    box.type("passi tu a ritirare le mele?")
    box.press("Enter")
    line = reader.locator(".gaf-chat-msg", has_text="passi tu a ritirare")
    line.wait_for()
    assert "gaf-chat-mentions-me" in line.get_attribute("class")
    reader.wait_for_function(
        "n => Number(document.querySelector('[data-hub-bell-count]').textContent) === n",
        arg=bell_before + 1,
    )

    # 2. An order: the progress bar of the product moves on the reader's page.
    reader.get_by_role("tab", name="Ordine").click()
    bar = f"[data-gaf-pool='{apple_row.pk}'] [role=progressbar]"
    assert float(reader.get_attribute(bar, "aria-valuenow")) == 0
    writer.get_by_role("tab", name="Ordine").click()
    writer.fill(f"[name=firm_{apple_row.pk}]", "4")
    writer.get_by_role("button", name="Salva l'ordine").click()
    writer.wait_for_load_state()
    reader.wait_for_function(
        "selector => Number(document.querySelector(selector).getAttribute('aria-valuenow')) === 4",
        arg=bar,
    )
    reader.get_by_role("tab", name="Chat").click()

    # 3. The reader goes offline, and her sockets really drop: the server sees her leave.
    writer.get_by_role("tab", name="Chat").click()
    writer.wait_for_function(online % "Bianchi")
    assert network.open_sockets() == 3  # the chat, the order's pool and the bell
    network.go_offline()
    writer.wait_for_function(
        "() => !document.querySelector('[data-gaf-chat-online]').innerText.includes('Bianchi')"
    )
    assert not ChatPresence.objects.filter(user=bianchi).exists()
    assert reader.evaluate("navigator.onLine") is False
    assert reader.locator("[data-gaf-chat-status]").inner_text() == (
        "Connessione persa: riprovo. I messaggi partono appena possibile."
    )
    texts = ["primo mentre sei via", "secondo mentre sei via", "terzo mentre sei via"]
    for text in texts:
        _say(writer, text)
        writer.wait_for_selector(f".gaf-chat-msg:not(.gaf-chat-pending) >> text={text}")
    sent = list(
        ChatMessage.objects.filter(room=room, body__in=texts)
        .order_by("seq")
        .values_list("pk", flat=True)
    )
    assert len(sent) == 3
    assert reader.locator(".gaf-chat-msg", has_text="mentre sei via").count() == 0
    # The reader writes too, offline: her message waits in her page.
    _say(reader, "scritto senza rete")
    reader.locator(".gaf-chat-pending", has_text="scritto senza rete").wait_for()
    # The order changes too, and the reader's page tries to reconnect, in vain.
    writer.get_by_role("tab", name="Ordine").click()
    writer.fill(f"[name=firm_{apple_row.pk}]", "5")
    writer.get_by_role("button", name="Salva l'ordine").click()
    writer.wait_for_load_state()
    network.wait_for_refusals(0)
    assert network.open_sockets() == 0
    assert float(reader.get_attribute(bar, "aria-valuenow")) == 4
    bell_offline = _bell_count(reader)

    # Back online: each message exactly once, in order, and the sockets live again.
    network.go_online()
    reader.locator(".gaf-chat-msg", has_text=texts[-1]).wait_for()
    writer.wait_for_function(online % "Bianchi")
    assert [_count_of(reader, pk) for pk in sent] == [1, 1, 1]
    shown = reader.evaluate(
        "() => [...document.querySelectorAll('[data-gaf-chat-log] li[data-id]')]"
        ".map(li => Number(li.dataset.id))"
    )
    assert shown == sorted(set(shown))  # in order, none twice
    assert [pk for pk in shown if pk in sent] == sent
    # Her own message left once she was back, and shows once on both pages.
    mine = "[data-gaf-chat-log] .gaf-chat-msg:not(.gaf-chat-pending) >> text=scritto senza rete"
    writer.locator(mine).wait_for(state="attached")  # on her order's tab
    reader.locator(mine).wait_for()
    assert ChatMessage.objects.filter(room=room, body="scritto senza rete").count() == 1
    for page in (reader, writer):
        assert page.locator(".gaf-chat-msg", has_text="scritto senza rete").count() == 1
    # Every socket of the page is live again: the pool shows the order changed meanwhile,
    # and a new mention moves the bell.
    reader.wait_for_function(
        "selector => Number(document.querySelector(selector).getAttribute('aria-valuenow')) === 5",
        arg=bar,
    )
    writer.get_by_role("tab", name="Chat").click()
    _say(writer, "@Famiglia Bianchi ci sei di nuovo?")
    reader.locator(".gaf-chat-msg", has_text="ci sei di nuovo?").wait_for()
    reader.wait_for_function(
        "n => Number(document.querySelector('[data-hub-bell-count]').textContent) === n",
        arg=bell_offline + 1,
    )
    assert network.open_sockets() == 3
