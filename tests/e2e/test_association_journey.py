"""An association's whole journey in a real browser, as its volunteers would live it.

A group applies to join, network staff approve, the invited volunteer signs in and accepts,
publishes an initiative in the Wagtail admin, finds it in the mapping matrix and in the
directory, and cannot touch another association's page.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from associations import services
from associations.models import Association, AssociationPage, InitiativePage, JoinRequest
from hub.models import Municipality, Network, User
from tests.associations.factories import approver, make_association
from tests.e2e.browser import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "una-password-lunga-2026"
VOLUNTEER = "volontaria@example.org"


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
                name="Bruino", slug="bruino", istat_code="001038", province="TO"
            ),
            Municipality.objects.create(
                name="Volvera", slug="volvera", istat_code="001314", province="TO"
            ),
        ]
    )
    return network


def test_apply_be_approved_publish_and_stay_in_your_lane(live_server, page, cidis):
    other = make_association(name="Coro dei Genitori", network=cidis, municipalities=["volvera"])

    # 1. The group applies on the public form.
    page.goto(live_server.url + "/associazioni/aderisci/")
    assert_accessible(page)
    page.get_by_label("Nome del gruppo").fill("Minibasket Bruino")
    page.get_by_label("Tipo", exact=True).select_option("societa_sportiva")
    page.get_by_label(cidis.name).check(force=True)
    page.get_by_label("Bruino").check(force=True)
    page.get_by_label("Ambiente e sport").check(force=True)
    page.get_by_label("Di cosa vi occupate").fill("Minibasket per bambini dai 5 agli 11 anni.")
    page.get_by_label("Persona di riferimento").fill("Laura Bianchi")
    page.get_by_label("E-mail di contatto").fill("info@minibasket.example.org")
    page.get_by_label("E-mail del primo redattore").fill(VOLUNTEER)
    page.get_by_role("button", name=re.compile("Invia", re.I)).click()
    page.wait_for_url(re.compile(r"/associazioni/aderisci/inviata/$"))
    request = JoinRequest.objects.get(name="Minibasket Bruino")
    assert request.status == JoinRequest.Status.PENDING

    # 2. Network staff approve; the first editor gets an invitation by e-mail.
    services.join_request_approve(join_request=request, by=approver())
    association = Association.objects.get(name="Minibasket Bruino")
    invitation = next(m for m in mail.outbox if m.to == [VOLUNTEER])
    accept_path = re.search(r"/associazioni/invito/[^\s/]+/", invitation.body).group(0)

    # 3. The volunteer (already registered) signs in and accepts.
    volunteer = User.objects.create_user(VOLUNTEER, PASSWORD)
    EmailAddress.objects.create(user=volunteer, email=VOLUNTEER, verified=True, primary=True)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(VOLUNTEER)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Accedi", re.I)).click()
    page.wait_for_url(re.compile(r"/account/profilo/$"))
    page.goto(live_server.url + accept_path)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert association.memberships.filter(user=volunteer).exists()

    # 4. Trusted by staff, the association publishes directly from the Wagtail admin.
    services.association_set_trusted(association=association, trusted=True)
    parent = AssociationPage.objects.get(association=association)
    page.goto(f"{live_server.url}/admin/pages/add/associations/initiativepage/{parent.pk}/")
    page.locator("#id_title").fill("Minibasket del sabato")
    page.locator("#id_summary").fill("Allenamenti gratuiti il sabato mattina in palestra.")
    page.locator("#id_area").select_option(label="Ambiente e sport")
    page.locator("#id_municipalities").get_by_label("Bruino").check(force=True)
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/"))
    initiative = InitiativePage.objects.get(title="Minibasket del sabato")
    assert initiative.live

    # 5. Residents find it in the mapping matrix and in the directory.
    page.goto(live_server.url + "/mappatura/?rete=cidis")
    assert_accessible(page)
    page.locator("table").get_by_role("link", name=re.compile("1")).first.click()
    page.wait_for_url(re.compile(r"/mappatura/iniziative/\?"))
    assert "Minibasket del sabato" in page.locator("main").inner_text()
    page.goto(live_server.url + "/associazioni/?comune=bruino")
    assert "Minibasket Bruino" in page.locator("main").inner_text()
    assert "Coro dei Genitori" not in page.locator("main").inner_text()

    # 6. The other association's page is out of reach, in the editor and in the explorer.
    other_page = AssociationPage.objects.get(association=other)
    page.goto(f"{live_server.url}/admin/pages/{other_page.pk}/edit/")
    assert f"/admin/pages/{other_page.pk}/edit/" not in page.url
    other_page.refresh_from_db()
    assert other_page.title == "Coro dei Genitori"
