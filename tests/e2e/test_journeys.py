"""Journeys of issue 11 in a real browser, as new users live them.

A resident proposes an event on a phone and network staff approve it on a desktop; the home
page then shows it among the next events. An invited volunteer reads what the invitation is
before signing in and lands in their association's page editor. A group types its website
without https:// in the join form.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from associations import services as association_services
from associations.models import JoinRequest
from events.models import EventOccurrence, EventPage, EventProposal
from events.recurrence import ROME
from hub.models import Area, Municipality, Network, User
from hub.roles import staff_group
from tests.associations.factories import make_association
from tests.e2e.browser import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "una-password-lunga-2026"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def cidis():
    network = Network.objects.create(
        name="C.i.di.s. — Consorzio intercomunale di Servizi",
        short_name="CIdiS",
        slug="cidis",
        kind=Network.Kind.CONSORTIUM,
    )
    network.municipalities.set(
        [
            Municipality.objects.create(
                name="Piossasco", slug="piossasco", istat_code="001191", province="TO"
            ),
            Municipality.objects.create(
                name="Bruino", slug="bruino", istat_code="001038", province="TO"
            ),
        ]
    )
    return network


def person(email: str, **fields) -> User:
    user = User.objects.create_user(email, PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Accedi", re.I)).click()
    page.wait_for_load_state()


def assert_no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def test_a_resident_proposes_an_event_and_staff_publish_it(live_server, page, browser, cidis):
    person("residente@example.org")
    staff = person("staff-rete@example.org", is_staff=True)
    staff.groups.add(staff_group())
    day = timezone.localdate(timezone=ROME) + timedelta(days=10)

    # 1. On a phone, a visitor reads what a proposal is, then signs in to make one.
    page.goto(live_server.url + "/eventi/proponi/")
    assert "Come funziona" in page.locator("main").inner_text()
    page.get_by_role("link", name="Accedi per proporre").click()
    page.get_by_label("Email").fill("residente@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Accedi", re.I)).click()
    page.wait_for_url(re.compile(r"/eventi/proponi/$"))
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.get_by_label("Nome dell'evento").fill("Camminata del quartiere")
    page.get_by_label("Di cosa si tratta").fill("Una camminata per famiglie nel parco.")
    page.get_by_label("Chi organizza").fill("Genitori di via Roma")
    page.get_by_label("Giorno").fill(day.isoformat())
    page.get_by_label("Ora di inizio").fill("10:00")
    page.get_by_label("Ora di fine").fill("12:00")
    # Bootstrap Italia draws the radio on its label: click what a person clicks.
    weekly = page.get_by_label("ogni settimana")
    page.locator(f"label[for='{weekly.get_attribute('id')}']").click()
    assert weekly.is_checked()
    page.get_by_label("Si ripete fino al").fill((day + timedelta(weeks=2)).isoformat())
    page.get_by_label("Comune").select_option(label="Piossasco")
    page.get_by_label("Luogo").fill("Parco Tetti Francesi")
    page.get_by_role("button", name="Invia la proposta").click()
    page.wait_for_url(re.compile(r"/eventi/proposte/$"))
    assert "In attesa" in page.locator("main").inner_text()
    proposal = EventProposal.objects.get()
    assert proposal.status == EventProposal.Status.PENDING

    # 2. On a desktop, staff find it on the admin dashboard and approve it.
    desktop = browser.new_context(locale="it-IT", viewport=DESKTOP)
    admin = desktop.new_page()
    admin.set_default_timeout(15_000)
    sign_in(admin, live_server.url, "staff-rete@example.org")
    admin.goto(live_server.url + "/admin/")
    panel = admin.locator("#pending-event-proposals-section, [id^=pending-event-proposals]")
    assert "Camminata del quartiere" in panel.first.inner_text()
    admin.get_by_role("link", name="Camminata del quartiere").click()
    admin.get_by_role("link", name="Approva", exact=True).click()
    admin.get_by_role("button", name=re.compile("Approva e pubblica")).click()
    admin.wait_for_url(re.compile(r"/admin/eventproposal/$"))
    desktop.close()
    proposal.refresh_from_db()
    assert proposal.status == EventProposal.Status.APPROVED
    event = EventPage.objects.get(pk=proposal.event_id)
    assert event.live
    assert EventOccurrence.objects.filter(event=event).count() == 3

    # 3. The home page shows it among the next events, on the phone too.
    page.goto(live_server.url + "/")
    upcoming = page.locator("section[aria-labelledby=events-title]")
    assert "Camminata del quartiere" in upcoming.inner_text()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.goto(live_server.url + "/eventi/proposte/")
    assert "Approvata" in page.locator("main").inner_text()


def test_an_invited_volunteer_is_told_first_and_lands_in_the_page_editor(live_server, page, cidis):
    association = make_association(name="Coro dei Genitori", network=cidis)
    volunteer = person("volontaria@example.org")
    _invitation, token = association_services.invitation_create(
        association=association, email=volunteer.email, role="editor", by=None
    )
    accept_path = f"/associazioni/invito/{token}/"

    page.goto(live_server.url + accept_path)
    main = page.locator("main").inner_text()
    assert "Coro dei Genitori" in main and "Cosa succede adesso" in main
    assert_accessible(page)
    page.get_by_role("link", name="Accedi per accettare").click()
    page.get_by_label("Email").fill(volunteer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Accedi", re.I)).click()
    page.wait_for_url(re.compile(re.escape(accept_path) + "$"))
    page.get_by_role("button", name="Accetta l'invito").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{association.page.pk}/edit/$"))
    assert "Benvenuto nella redazione" in page.content()
    # An untrusted association's editor is told why the button is "Invia a …".
    assert "passano dalla revisione dello staff della rete" in page.content()


def test_the_join_form_takes_a_website_without_https(live_server, page, cidis):
    page.goto(live_server.url + "/associazioni/aderisci/")
    page.get_by_label("Nome del gruppo").fill("Minibasket Piossasco")
    page.get_by_label("Tipo", exact=True).select_option("societa_sportiva")
    page.get_by_label(cidis.name).check(force=True)
    page.get_by_label("Piossasco").check(force=True)
    page.get_by_label(str(Area.objects.order_by("sort_order").first().name)).check(force=True)
    page.get_by_label("Di cosa vi occupate").fill("Minibasket per bambini.")
    page.get_by_label("Persona di riferimento").fill("Laura Bianchi")
    page.get_by_label("E-mail di contatto").fill("info@minibasket.example.org")
    page.get_by_label("Sito web").fill("www.minibasket.example.org")
    page.get_by_label("E-mail del primo redattore").fill("laura@example.org")
    page.get_by_role("button", name=re.compile("Invia", re.I)).click()
    page.wait_for_url(re.compile(r"/associazioni/aderisci/inviata/$"))
    request = JoinRequest.objects.get(name="Minibasket Piossasco")
    assert request.website == "https://www.minibasket.example.org"
