"""The GAF chat in two phone-sized browsers against Daphne (tests/e2e/conftest.py): one family
writes, with a mention and a link, and the other's page shows it without reloading, as text
with a safe anchor; edits and deletions travel the same way; the page passes axe-core at
360 px. frontend/src/gaf-chat.js over gaf.consumers.ChatConsumer."""

from __future__ import annotations

import pytest

from gaf.models import ChatMessage
from tests.e2e.browser import assert_accessible, signed_in_page
from tests.gaf.factories import make_group, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_families_chat_live(browser, asgi_server):
    setup = make_group()
    _rossi, rossi = make_member(setup, name="Famiglia Rossi")
    _bianchi, bianchi = make_member(setup, name="Famiglia Bianchi")
    url = f"{asgi_server}/gaf/{setup.group.slug}/chat/"

    reader = signed_in_page(browser, asgi_server, bianchi)
    reader.goto(url)
    writer = signed_in_page(browser, asgi_server, rossi)
    writer.goto(url)
    # Each sees the other online once both sockets are open.
    reader.wait_for_function(
        "() => document.querySelector('[data-gaf-chat-online]').innerText.includes('Rossi')"
    )
    assert_accessible(writer)

    box = writer.locator("[data-gaf-chat-body]")
    box.fill("Ciao @Famiglia Bi")
    writer.get_by_role("option", name="Famiglia Bianchi").click()
    box.press("End")
    box.type("<b>porto io</b> il listino https://esempio.it/listino.pdf")
    box.press("Enter")

    line = reader.locator(".gaf-chat-msg", has_text="porto io")
    line.wait_for()
    assert line.locator(".gaf-chat-body").inner_text() == (
        "Ciao @Famiglia Bianchi <b>porto io</b> il listino https://esempio.it/listino.pdf"
    )
    assert line.locator("b").count() == 0  # text, never HTML
    link = line.locator("a[href='https://esempio.it/listino.pdf']")
    assert link.get_attribute("rel") == "nofollow noopener"
    assert "gaf-chat-mentions-me" in line.get_attribute("class")
    message = ChatMessage.objects.get(room__group=setup.group)
    assert message.mentions == [{"user": bianchi.pk, "name": "Famiglia Bianchi"}]
    # The writer's own line was confirmed (no longer pending).
    writer.wait_for_selector(f"#msg-{message.pk}:not(.gaf-chat-pending)")

    # Edited and deleted over the socket: the reader's line follows.
    own = writer.locator(f"#msg-{message.pk}")
    own.locator("summary").click()
    own.get_by_role("link", name="Modifica").click()
    own.locator("textarea").fill("Porto io il listino")
    own.get_by_role("button", name="Salva").click()
    reader.wait_for_function(
        f"() => document.querySelector('#msg-{message.pk} .gaf-chat-body').innerText"
        " === 'Porto io il listino'"
    )
    writer.once("dialog", lambda dialog: dialog.accept())
    own.locator("summary").click()
    own.get_by_role("button", name="Elimina").click()
    reader.locator(f"#msg-{message.pk}", has_text="Messaggio eliminato").wait_for()
    assert reader.url == url
