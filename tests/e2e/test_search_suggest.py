"""The search box's autocomplete in a real browser, at 360 px (issue 15, item 6): titles
appear as one types, with the typed words marked; arrows and Enter open one; a private
table's proposal never appears to a visitor, and appears to its member."""

from __future__ import annotations

import re

import pytest

from tables.models import Table
from tests.e2e.browser import assert_accessible, signed_in_page
from tests.tables.factories import make_proposal, make_table

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def proposals(settings, django_capture_on_commit_callbacks):
    settings.MEILISEARCH_URL = None  # the database engine, the embedded default
    with django_capture_on_commit_callbacks(execute=True):  # the indexing tasks
        public = make_table(name="Tavolo delle famiglie di Bruino")
        make_proposal(public, title="Orti condivisi Zucchina")
        private = make_table(visibility=Table.Visibility.PRIVATE, name="Tavolo riservato")
        make_proposal(private, title="Zucchine del tavolo riservato")
    return public, private


def suggestions(page, typed: str) -> list[str]:
    box = page.locator("#search-q")
    box.fill("")
    box.press_sequentially(typed, delay=40)
    listbox = page.locator("#search-q-suggestions")
    listbox.wait_for(state="visible")
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in listbox.get_by_role("option").all_inner_texts()
    ]


def test_a_visitor_picks_a_suggestion_with_the_keyboard(live_server, page, proposals):
    page.goto(live_server.url + "/cerca/")
    shown = suggestions(page, "zucch")
    assert shown == ["Orti condivisi Zucchina Proposte dei tavoli"], shown
    assert page.locator("#search-q-suggestions mark").first.inner_text().lower() == "zucch"
    assert page.locator("#search-q").get_attribute("aria-expanded") == "true"
    assert_accessible(page)
    page.locator("#search-q").press("ArrowDown")
    assert page.locator("#search-q").get_attribute("aria-activedescendant") == (
        "search-q-suggestions-0"
    )
    page.locator("#search-q").press("Enter")
    page.wait_for_url(re.compile(r"/tavoli/.+/proposte/\d+/$"))
    assert page.locator("h1").inner_text() == "Orti condivisi Zucchina"
    # A tap on a suggestion opens it too.
    page.goto(live_server.url + "/cerca/")
    suggestions(page, "orti")
    page.locator("#search-q-suggestions").get_by_role("option").first.click()
    page.wait_for_url(re.compile(r"/tavoli/.+/proposte/\d+/$"))


def test_a_private_table_s_proposal_is_suggested_to_its_members_only(
    live_server, browser, proposals
):
    _public, private = proposals
    member = signed_in_page(browser, live_server.url, private.member)
    member.goto(live_server.url + "/cerca/")
    shown = suggestions(member, "zucch")
    assert sorted(title.removesuffix(" Proposte dei tavoli") for title in shown) == [
        "Orti condivisi Zucchina",
        "Zucchine del tavolo riservato",
    ], shown
