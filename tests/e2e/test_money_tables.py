"""Money and quantity tables read on a phone and on a desktop (issue 11, item 5).

The demo data (a settled round, an open one, payments, the Fondo Solidale, the mappatura of
both networks) plus a few long amounts, walked in Chromium at 360 px and at 1280 px as a
family, a coordinator and a visitor. On every page that shows amounts or quantities:

- the page never scrolls sideways (a wide table scrolls inside its own box instead);
- no amount or quantity (`|money`, `|qty_unit`: `.hub-num`) breaks across lines;
- no word in a table is cut ("Prodot/to"), and every table uses the shared box
  (`{% table_box %}`, hub/templatetags/formatting.py);
- the page passes axe-core's WCAG 2.1 AA checks (a scroll box must be reachable by keyboard).

The mapping matrix keeps its total column (and its area names) in view at both widths.
The price list's template (issue 11, item 12) is downloaded and uploaded back in the browser.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from gaf import services
from gaf.models import Order, OrderRound, PurchaseGroup, RoundState
from hub.demo import DEMO_PASSWORD
from hub.models import Family, User
from tests.e2e.browser import PHONE, assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 900}
FAMILY = "famiglia.rossi@example.org"
COORDINATOR = "referente.gaf@example.org"

# What a page must not do, measured in the browser; returns the problems found and counts.
MEASURE = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth}px in ${root.clientWidth}px`);
  }
  const amounts = [...document.querySelectorAll("main .hub-num")].filter(
    (element) => element.getClientRects().length > 0
  );
  // An inline element may come in several rects on one line (around a child element):
  // what counts is the lines its rects stand on.
  const lineCount = (rects) => new Set([...rects].map((rect) => Math.round(rect.top))).size;
  for (const element of amounts) {
    const lines = lineCount(element.getClientRects());
    const height = element.getBoundingClientRect().height;
    const oneLine = 2 * parseFloat(getComputedStyle(element).fontSize);
    if (lines > 1 || height > oneLine) {
      problems.push(`"${element.textContent}" wraps (${lines} lines, ${height}px high)`);
    }
  }
  for (const cell of document.querySelectorAll("main table th, main table td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        if (lineCount(range.getClientRects()) > 1) {
          problems.push(`the word "${word[0]}" is cut across lines`);
        }
      }
    }
  }
  const tables = [...document.querySelectorAll("main table")];
  for (const table of tables) {
    if (!table.closest(".hub-table-box")) {
      problems.push(`a table outside the shared box: ${table.className}`);
    }
  }
  return {problems, amounts: amounts.length, tables: tables.length};
}"""

# The mapping matrix: is its total column (and its area column) inside the visible box,
# with the box scrolled to either end?
MATRIX_IN_VIEW = """() => {
  const table = document.querySelector(".hub-matrix");
  const box = table.closest(".hub-table-box");
  const inside = (selector) => {
    const frame = box.getBoundingClientRect();
    return [...table.querySelectorAll(selector)].every((cell) => {
      const rect = cell.getBoundingClientRect();
      return rect.left >= frame.left - 1 && rect.right <= frame.right + 1;
    });
  };
  box.scrollLeft = 0;
  const atStart = inside(".hub-sticky-end") && inside("tr > :first-child");
  box.scrollLeft = box.scrollWidth;
  const atEnd = inside(".hub-sticky-end") && inside("tr > :first-child");
  box.scrollLeft = 0;
  return {atStart, atEnd, scrolls: box.scrollWidth > box.clientWidth};
}"""


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses to publish its demo accounts otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    group = PurchaseGroup.objects.get(slug="gaf-bruino")
    rossi = Family.objects.get(name="Famiglia Rossi")
    coordinator = User.objects.get(email=COORDINATOR)
    first_pickup = Order.objects.filter(family=rossi).earliest("pk").round.pickup_date
    # Long amounts, the kind that used to wrap: a payment in the thousands, a large donation.
    services.payment_record(
        group=group,
        family=rossi,
        amount=Decimal("12345.67"),
        method="bank_transfer",
        paid_on=first_pickup,
        reference="Bonifico cumulativo di inizio anno",
        by=coordinator,
    )
    services.fund_donation_record(
        network=group.network,
        amount=Decimal("104250.00"),
        occurred_on=first_pickup,
        description="Lascito",
        group=group,
        by=coordinator,
    )
    return group


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Accedi", re.I)).click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{email} could not sign in"


def walk(page, base_url: str, paths: dict[str, int], problems: list[str]) -> None:
    """Visit each path at both widths; `paths` maps it to the least number of amounts
    the page must show (so that a page cannot pass by showing none)."""
    for path, least_amounts in paths.items():
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            response = page.goto(base_url + path)
            assert response.ok, f"{path}: {response.status}"
            found = page.evaluate(MEASURE)
            where = f"{path} at {viewport['width']}px"
            problems += [f"{where}: {problem}" for problem in found["problems"]]
            if found["amounts"] < least_amounts:
                problems.append(f"{where}: {found['amounts']} amounts, {least_amounts} expected")
            if viewport is PHONE:
                assert_accessible(page)


def upload_price_list(page, base_url: str, supplier_slug: str, data: bytes) -> None:
    """The import page's preview: a table of the file's products with their prices."""
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/gaf/fornitori/{supplier_slug}/listino/")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "listino.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Controlla il listino").click()
    page.wait_for_load_state()
    assert "Anteprima" in page.locator("main").inner_text()


def download_template(page, base_url: str, supplier_slug: str) -> bytes:
    """The price list template, downloaded from the import page as a coordinator does."""
    page.goto(f"{base_url}/gaf/fornitori/{supplier_slug}/listino/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica il modello (CSV)").click()
    return Path(download.value.path()).read_bytes()


def test_money_and_quantity_tables_read_on_a_phone_and_a_desktop(demo, live_server, browser):
    base = live_server.url
    settled = OrderRound.objects.get(group=demo, state=RoundState.SETTLED)
    open_round = OrderRound.objects.get(group=demo, state=RoundState.OPEN)
    rossi = Family.objects.get(name="Famiglia Rossi")
    settled_order = Order.objects.get(round=settled, family=rossi)
    open_order = Order.objects.get(round=open_round, family=rossi)
    suppliers = [settled.supplier.slug, open_round.supplier.slug]
    problems: list[str] = []

    family = browser.new_context(locale="it-IT", viewport=PHONE).new_page()
    sign_in(family, base, FAMILY)
    walk(
        family,
        base,
        {
            f"/gaf/ordini/{settled_order.pk}/": 8,
            f"/gaf/ordini/{open_order.pk}/": 0,
            "/gaf/ordini/": 1,
            f"/gaf/{demo.slug}/saldo/": 6,
            f"/gaf/{demo.slug}/giri/{open_round.pk}/": 4,
        },
        problems,
    )

    coordinator = browser.new_context(
        locale="it-IT", viewport=PHONE, accept_downloads=True
    ).new_page()
    sign_in(coordinator, base, COORDINATOR)
    walk(
        coordinator,
        base,
        {
            f"/gaf/{demo.slug}/giri/{settled.pk}/coordina/": 8,
            f"/gaf/{demo.slug}/giri/{open_round.pk}/coordina/": 4,
            f"/gaf/{demo.slug}/giri/{settled.pk}/coordina/consegna/": 1,
            f"/gaf/{demo.slug}/coordina/cassa/": 9,
            f"/gaf/{demo.slug}/coordina/fondo/": 4,
            **{f"/gaf/fornitori/{slug}/": 3 for slug in suppliers},
        },
        problems,
    )
    # A price list with long names and a large price; then the template as downloaded.
    long_list = (
        "codice;nome;unità;prezzo;iva;confezione\n"
        "PAR-24;Parmigiano Reggiano stagionato 24 mesi;kg;1234,5678;4;12\n"
        "UOV-6;Uova fresche di gallina allevata a terra;pz;0,45;10;6\n"
    ).encode()
    template = download_template(coordinator, base, suppliers[0])
    for data in (long_list, template):
        upload_price_list(coordinator, base, suppliers[0], data)
        found = coordinator.evaluate(MEASURE)
        problems += [f"price list preview: {problem}" for problem in found["problems"]]
        assert found["amounts"] >= 4 and found["tables"] == 1
        assert_accessible(coordinator)
    assert "Miele di acacia" in coordinator.locator("main table").inner_text()

    visitor = browser.new_context(locale="it-IT", viewport=PHONE).new_page()
    walk(
        visitor,
        base,
        {"/gaf/fondo-solidale/": 8, "/mappatura/": 0, "/mappatura/iniziative/": 1},
        problems,
    )
    assert not problems, "\n".join(problems)

    # The mapping matrix of both networks (13 municipalities): the totals and the area names
    # stay in view on a phone whichever way the table is scrolled; on a desktop it all fits.
    for viewport in (PHONE, DESKTOP):
        visitor.set_viewport_size(viewport)
        visitor.goto(base + "/mappatura/")
        assert visitor.locator(".hub-matrix thead th").count() == 15  # area, 13, total
        matrix = visitor.evaluate(MATRIX_IN_VIEW)
        assert matrix["atStart"] and matrix["atEnd"], (viewport, matrix)
        assert matrix["scrolls"] == (viewport is PHONE), (viewport, matrix)
