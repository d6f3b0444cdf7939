"""A GAF coordinator runs a round on a phone, in a real browser (issue 11, items 6 and 7).

While the round is open the coordinator sees each family's order and extends the deadline.
"Chiudi adesso" shows what the close will do and asks: going back changes nothing, confirming
closes. The group sends its orders by hand (the default), so the round is reopened, closed
again, and the order sent after its own question; "Salda il giro" asks first too.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from gaf import services
from gaf.models import FundEntry, OrderRound
from tests.e2e.browser import assert_accessible
from tests.gaf.factories import make_group, make_member, make_product, make_round, make_supplier

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "una-password-lunga-2026"
SUPPLIER_EMAIL = "ordini@aurora.example.org"


def local_input(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def open_round():
    setup = make_group()
    coordinator = setup.coordinator
    coordinator.set_password(PASSWORD)
    coordinator.save(update_fields=["password"])
    EmailAddress.objects.create(
        user=coordinator, email=coordinator.email, verified=True, primary=True
    )
    supplier = make_supplier(setup, name="Cascina Aurora", email=SUPPLIER_EMAIL)
    apples = make_product(
        supplier, name="Mele renette", unit="kg", case_size=Decimal(6), unit_price=Decimal(2)
    )
    now = timezone.now()
    round = make_round(
        setup,
        supplier,
        [apples],
        title="Frutta d'autunno",
        opens_at=now - dt.timedelta(days=1),
        closes_at=(now + dt.timedelta(days=2)).replace(second=0, microsecond=0),
        open_now=now,
    )
    product = round.products.get()
    for name, firm in (("Famiglia Rossi", 4), ("Famiglia Gallo", 8)):
        family, user = make_member(setup, name=name)
        services.order_set_quantity(
            round=round, family=family, round_product=product, firm=Decimal(firm), by_user=user
        )
    return setup, round


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Accedi", re.I)).click()
    page.wait_for_load_state()


def assert_no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def state(round: OrderRound) -> str:
    return OrderRound.objects.get(pk=round.pk).state


def test_a_coordinator_is_asked_before_what_cannot_be_undone(live_server, open_round, page):
    # The round is made before the browser starts: Playwright runs an event loop in this
    # thread, and the orders' broadcasts after commit need one of their own.
    setup, round = open_round
    round_path = f"/gaf/{setup.group.slug}/giri/{round.pk}/coordina/"
    round_url = re.compile(re.escape(round_path) + "$")
    sign_in(page, live_server.url, setup.coordinator.email)

    # While the round is open: each family's order, then a later deadline.
    page.goto(live_server.url + round_path)
    families = page.locator("#family-breakdown").inner_text()
    assert "Famiglia Rossi" in families and "Famiglia Gallo" in families
    assert "ultima modifica" in families
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    later = round.closes_at + dt.timedelta(days=1)
    page.get_by_label("Nuova chiusura degli ordini").fill(local_input(later))
    page.get_by_role("button", name="Proroga").click()
    page.wait_for_url(round_url)
    assert "Chiusura prorogata" in page.locator("main").inner_text()
    assert OrderRound.objects.get(pk=round.pk).closes_at == later

    # "Chiudi adesso" says what will happen and asks; going back changes nothing.
    mail.outbox.clear()
    page.get_by_role("link", name="Chiudi adesso").click()
    page.wait_for_url(re.compile(r"/chiudi/$"))
    consequences = page.locator("main").inner_text()
    assert "Chiudere adesso «Frutta d'autunno»?" in consequences
    assert "2 famiglie hanno ordinato" in consequences
    # (the callout's title is drawn in capitals)
    assert "il fornitore non riceve ancora niente" in consequences.lower()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.get_by_role("link", name="No, torna al giro").click()
    page.wait_for_url(round_url)
    assert state(round) == "open"
    assert not mail.outbox

    # Confirmed, it closes; the order has not gone to the supplier.
    page.get_by_role("link", name="Chiudi adesso").click()
    page.get_by_role("button", name="Sì, chiudi il giro").click()
    page.wait_for_url(round_url)
    assert state(round) == "closed"
    assert "puoi riaprire il giro" in page.locator("main").inner_text()
    assert not [m for m in mail.outbox if SUPPLIER_EMAIL in m.to]
    assert "per completare la cassa" not in page.content()

    # Sent by hand, so it can still be reopened, and closed again.
    page.get_by_label("Nuova chiusura degli ordini").fill(
        local_input(timezone.now() + dt.timedelta(days=1))
    )
    page.get_by_role("button", name="Riapri").click()
    page.wait_for_url(round_url)
    assert state(round) == "open"
    page.get_by_role("link", name="Chiudi adesso").click()
    page.get_by_role("button", name="Sì, chiudi il giro").click()
    page.wait_for_url(round_url)
    assert state(round) == "closed"

    # Sending asks first too, and names the supplier's address.
    page.get_by_role("link", name="Invia l'ordine al fornitore").click()
    page.wait_for_url(re.compile(r"/invia/$"))
    assert SUPPLIER_EMAIL in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Sì, invia l'ordine").click()
    page.wait_for_url(round_url)
    assert state(round) == "sent"
    assert len([m for m in mail.outbox if SUPPLIER_EMAIL in m.to]) == 1

    # The goods arrive as ordered.
    page.get_by_role("link", name="Registra la consegna e le spese").click()
    page.get_by_role("button", name="Registra la consegna").click()
    page.wait_for_load_state()
    assert state(round) == "delivered"

    # "Salda il giro" asks first: the fund's contribution is named, nothing is booked yet.
    page.goto(live_server.url + round_path)
    page.get_by_role("link", name="Salda il giro").click()
    page.wait_for_url(re.compile(r"/salda/$"))
    question = page.locator("main").inner_text()
    assert "Saldare «Frutta d'autunno»?" in question
    assert "va nel registro del Fondo Solidale" in question
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    assert state(round) == "delivered"
    assert not FundEntry.objects.filter(round=round).exists()
    page.get_by_role("button", name="Sì, salda il giro").click()
    page.wait_for_url(round_url)
    assert state(round) == "settled"
    assert FundEntry.objects.get(round=round).amount > 0
