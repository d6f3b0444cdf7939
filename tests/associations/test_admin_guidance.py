"""What the Wagtail admin tells staff and volunteers: the pending join requests on the
dashboard, a join request's details in Italian with times in Europe/Rome, and why an
untrusted association's editor sends pages to review instead of publishing them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from associations import services
from associations.models import Association, AssociationMembership, JoinRequest
from hub.models import Area
from hub.roles import staff_group
from tests.associations.factories import make_association
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory

pytestmark = pytest.mark.django_db

REVIEW_NOTICE = "passano dalla revisione dello staff della rete"


@pytest.fixture
def staff():
    user = UserFactory(email="staff-rete@example.org", is_staff=True)
    user.groups.add(staff_group())
    return user


@pytest.fixture
def network():
    network = NetworkFactory(name="Rete Collinare", slug="rete-collinare")
    network.municipalities.add(MunicipalityFactory(name="Pianezza", slug="pianezza"))
    return network


def submit(network, name):
    return services.join_request_submit(
        data=services.JoinRequestData(
            name=name,
            kind=Association.Kind.SPORTS_CLUB,
            network=network,
            municipalities=list(network.municipalities.all()),
            areas=list(Area.objects.order_by("sort_order")[:1]),
            description="Minivolley per ragazzi.",
            contact_name="Giulia Ferrero",
            contact_email="segreteria@collinare.it",
            editor_email="redazione@collinare.it",
        )
    )


def dashboard(client) -> str:
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_shows_staff_the_pending_join_requests(
    client, network, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    assert "Richieste di adesione da esaminare" not in dashboard(client)

    oldest = submit(network, "Gruppo Anziano")
    decided = submit(network, "Gruppo Deciso")
    services.join_request_reject(join_request=decided, by=staff, reason="Fuori rete.")
    submit(network, "Gruppo Recente")
    html = dashboard(client)
    assert "Richieste di adesione da esaminare" in html
    assert "2 in attesa di una decisione." in html
    assert reverse("joinrequest:inspect", args=[oldest.pk]) in html
    assert html.index("Gruppo Anziano") < html.index("Gruppo Recente")
    assert "Gruppo Deciso" not in html
    assert reverse("joinrequest:index") + "?status=pending" in html

    with django_assert_max_num_queries(60) as few:
        dashboard(client)
    for number in range(8):
        submit(network, f"Gruppo numero {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = dashboard(client)
    assert "10 in attesa di una decisione." in html
    # The oldest five, and the link to all of them.
    assert len(re.findall(r"/admin/joinrequest/inspect/\d+/", html)) == 5


def test_editors_do_not_see_the_join_requests_panel(client, network):
    association = make_association(network=network)
    submit(network, "Gruppo in attesa")
    editor = UserFactory()
    editor.groups.add(association.group)
    client.force_login(editor)
    assert "Richieste di adesione da esaminare" not in dashboard(client)


def test_a_join_request_reads_in_italian_with_times_in_rome(client, network, staff):
    request = submit(network, "Gruppo Deciso")
    decided_at = dt.datetime(2026, 12, 11, 17, 5, tzinfo=dt.UTC)
    JoinRequest.objects.filter(pk=request.pk).update(
        status=JoinRequest.Status.REJECTED,
        decision_reason="Fuori rete.",
        decided_by=staff,
        decided_at=decided_at,
    )
    client.force_login(staff)
    with timezone.override("UTC"):
        response = client.get(reverse("joinrequest:inspect", args=[request.pk]))
    html = re.sub(r"\s+", " ", response.content.decode()).replace("> ", ">").replace(" <", "<")
    for label in ("Decisa da", "Decisa il", "Associazione creata", "Ricevuta il"):
        assert label in html
    for english in ("Decided by", "Decided at", ">None<"):
        assert english not in html
    # 17:05 UTC is 18:05 in Rome; days and months in lower case.
    assert "venerdì 11 dicembre 2026, 18:05" in html


@pytest.fixture
def untrusted_editor():
    association = make_association(name="Oratorio Santa Rita")
    user = UserFactory()
    _invitation, token = services.invitation_create(
        association=association, email=user.email, role=AssociationMembership.Role.ADMIN, by=None
    )
    services.invitation_accept(token=token, user=user)
    return association, user


def test_an_untrusted_editor_is_told_why_pages_go_to_review(client, untrusted_editor):
    association, editor = untrusted_editor
    client.force_login(editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[association.page.pk]))
    html = edit.content.decode()
    assert REVIEW_NOTICE in html
    # It names the button the editor actually sees.
    assert "Invia a Revisione dello staff della rete" in html
    create = client.get(
        reverse(
            "wagtailadmin_pages:add",
            args=["associations", "initiativepage", association.page.pk],
        )
    )
    assert create.status_code == 200
    assert REVIEW_NOTICE in create.content.decode()


def test_trusted_editors_and_staff_are_not_told(client, untrusted_editor, staff):
    association, editor = untrusted_editor
    services.association_set_trusted(association=association, trusted=True)
    client.force_login(editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[association.page.pk]))
    assert edit.status_code == 200
    assert REVIEW_NOTICE not in edit.content.decode()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    services.association_set_trusted(association=association, trusted=False)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[association.page.pk]))
    assert REVIEW_NOTICE not in edit.content.decode()
