"""Two people type into the same proposal at once in two real Chromium pages against Daphne
(tests/e2e/conftest.py): each sees the other's words and cursor, labelled with the name the
hub knows; one of them goes offline, keeps typing, comes back, and nothing is lost.
frontend/src/coedit-editor.js over tables.consumers."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tables.coedit import services
from tables.models import CoeditDocument
from tests.e2e.browser import assert_accessible, off_the_event_loop, signed_in_page
from tests.tables.coedit_world import make_world

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "() => document.getElementById('coedit-editor').coedit.editor.getText()"
# How long one person stays offline, typing, while the other goes on. A short pause in the
# suite; the walk ("offline for a minute") is HUB_E2E_OFFLINE_SECONDS=60.
OFFLINE_MS = int(float(os.environ.get("HUB_E2E_OFFLINE_SECONDS", "0.5")) * 1000)


def _editor_url(base: str, proposal) -> str:
    return f"{base}/tavoli/{proposal.table.slug}/proposte/{proposal.pk}/testo/"


def _wait_saved(page):
    page.wait_for_selector("#coedit-status[data-state='saved']")


def _type_at(page, where: str, text: str):
    """Click into the text, put the caret at its start or end through the editor, then type.

    A click then Control+Home raced the other person's typing on a loaded machine: a remote
    update applied before ProseMirror read the browser's new selection put the caret back
    where the click had left it, and the words landed inside the other's. (The editor's
    focus command alone waits for an animation frame, and keys typed before it were lost.)
    The selection set as an editor transaction is the editor's at once, and remote updates
    map it."""
    page.locator(".coedit-surface").click()
    page.evaluate(
        """(where) => {
            const editor = document.getElementById('coedit-editor').coedit.editor;
            const size = editor.state.doc.content.size;
            editor.commands.setTextSelection(where === 'start' ? 1 : size - 1);
        }""",
        where,
    )
    page.keyboard.type(text)


def _type_at_end(page, text: str):
    _type_at(page, "end", text)


def _type_at_start(page, text: str):
    _type_at(page, "start", text)


def _stored_text(proposal) -> str:
    document = CoeditDocument.objects.get(proposal=proposal)
    return services.document_rendered(document_id=document.pk).text


def _wait_for_words(page, words: list[str], **pages):
    """Wait until `page` shows every one of `words`; failing, say what each page shows."""
    condition = " && ".join(f"({TEXT})().includes({word!r})" for word in words)
    try:
        page.wait_for_function(f"() => {condition}")
    except PlaywrightTimeoutError:
        seen = {
            name: (
                other.evaluate(TEXT),
                other.evaluate(
                    "() => document.getElementById('coedit-status')?.dataset.state || null"
                ),
            )
            for name, other in pages.items()
        }
        raise AssertionError(f"{words} not all shown; each page's text, status: {seen}") from None


def test_two_people_type_into_the_same_proposal(browser, asgi_server):
    world = make_world(body="Testo iniziale.")
    url = _editor_url(asgi_server, world.proposal)
    anna = signed_in_page(browser, asgi_server, world.author)
    bruno = signed_in_page(browser, asgi_server, world.coauthor)
    # CI runs this beside the rest of the suite on two cores: an edit is late there, never
    # lost (a lost one still fails, after this long).
    for page in (anna, bruno):
        page.set_default_timeout(45_000)
    anna.goto(url)
    bruno.goto(url)
    _wait_saved(anna)
    _wait_saved(bruno)
    assert "Testo iniziale." in anna.evaluate(TEXT)

    _type_at_end(anna, " Anna scrive.")
    _type_at_start(bruno, "Bruno aggiunge. ")
    for page in (anna, bruno):
        _wait_for_words(page, ["Anna scrive.", "Bruno aggiunge."], anna=anna, bruno=bruno)
    # Each sees the other's cursor, labelled with the name from the hub.
    anna.locator(".collaboration-carets__label", has_text="Bruno Coautore").wait_for()
    bruno.locator(".collaboration-carets__label", has_text="Anna Autrice").wait_for()
    _wait_saved(anna)
    _wait_saved(bruno)
    assert anna.evaluate(TEXT) == bruno.evaluate(TEXT)
    assert_accessible(anna)

    # Bruno loses the connection and keeps typing; Anna goes on too.
    bruno.context.set_offline(True)
    bruno.evaluate("() => document.getElementById('coedit-editor').coedit.provider.socket.close()")
    bruno.wait_for_selector("#coedit-status[data-state='offline']")
    _type_at_start(bruno, "Scritto offline. ")
    _type_at_end(anna, " Intanto Anna.")
    anna.wait_for_timeout(OFFLINE_MS)
    assert "Scritto offline." not in anna.evaluate(TEXT)
    # Back online: the offline words reach Anna and the hub, and Anna's reach Bruno.
    bruno.context.set_offline(False)
    bruno.evaluate("() => document.getElementById('coedit-editor').coedit.provider.reconnect()")
    anna.wait_for_function(f"() => ({TEXT})().includes('Scritto offline.')")
    bruno.wait_for_function(f"() => ({TEXT})().includes('Intanto Anna.')")
    _wait_saved(bruno)
    _wait_saved(anna)
    final = anna.evaluate(TEXT)
    assert bruno.evaluate(TEXT) == final
    stored = off_the_event_loop(_stored_text, world.proposal)
    for words in (
        "Testo iniziale.",
        "Anna scrive.",
        "Bruno aggiunge.",
        "Scritto offline.",
        "Intanto Anna.",
    ):
        assert words in stored


def test_an_observer_reads_live_but_cannot_type(browser, asgi_server):
    world = make_world(body="Testo iniziale.")
    url = _editor_url(asgi_server, world.proposal)
    olga = signed_in_page(browser, asgi_server, world.observer)
    anna = signed_in_page(browser, asgi_server, world.author)
    olga.goto(url)
    anna.goto(url)
    _wait_saved(anna)
    olga.wait_for_selector(".coedit-surface[contenteditable='false']")
    _type_at_end(anna, " Nuova frase.")
    olga.wait_for_function(f"() => ({TEXT})().includes('Nuova frase.')")
    olga.locator(".coedit-surface").click()
    olga.keyboard.type("vandalismo")
    olga.wait_for_timeout(300)
    assert "vandalismo" not in anna.evaluate(TEXT)
    assert "vandalismo" not in off_the_event_loop(_stored_text, world.proposal)
