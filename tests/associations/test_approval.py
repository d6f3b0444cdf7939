"""Join requests in the Wagtail admin: staff approve or reject them through the services.

Approval creates the association, its page under the network's index, a group whose page
permissions cover exactly that page's subtree, a collection, the review workflow and the
first editor's invitation, all in one transaction.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    WorkflowPage,
)

from associations import services
from associations.models import (
    Association,
    AssociationIndexPage,
    AssociationMembership,
    AssociationPage,
    Invitation,
    JoinRequest,
)
from hub.models import Area, Notification, StandardPage
from hub.roles import staff_group
from tests.associations.factories import make_association
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = UserFactory(email="staff-rete@example.org", is_staff=True)
    user.groups.add(staff_group())
    return user


@pytest.fixture
def network():
    network = NetworkFactory(name="Rete Collinare", slug="rete-collinare")
    network.municipalities.add(
        MunicipalityFactory(name="Pianezza", slug="pianezza"),
        MunicipalityFactory(name="Druento", slug="druento"),
    )
    return network


def submit(network, *, name="Polisportiva Collinare", editor_email="redazione@collinare.it"):
    return services.join_request_submit(
        data=services.JoinRequestData(
            name=name,
            kind=Association.Kind.SPORTS_CLUB,
            network=network,
            municipalities=list(network.municipalities.all()),
            areas=list(Area.objects.order_by("sort_order")[:2]),
            description="Minivolley e atletica per ragazzi dai 6 ai 14 anni.",
            contact_name="Giulia Ferrero",
            contact_email="segreteria@collinare.it",
            contact_phone="011 555 1234",
            website="https://collinare.example.org",
            editor_email=editor_email,
        )
    )


def counts() -> dict[str, int]:
    return {
        "associations": Association.objects.count(),
        "pages": Page.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "page_permissions": GroupPagePermission.objects.count(),
        "collection_permissions": GroupCollectionPermission.objects.count(),
        "workflow_pages": WorkflowPage.objects.count(),
        "invitations": Invitation.objects.count(),
    }


# --- E-mails on submission ------------------------------------------------------------------


def test_submission_emails_the_requester_and_the_staff(
    network, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(network)

    by_recipient = {tuple(message.to): message for message in mailoutbox}
    received = by_recipient[("segreteria@collinare.it",)]
    # The address was typed by an anonymous visitor: none of their text in the subject.
    assert received.subject == f"Richiesta di adesione n. {request.pk} ricevuta"
    assert "Polisportiva Collinare" not in received.body
    assert "Rete Collinare" in received.body
    assert str(request.pk) in received.body
    # The staff hear through the notification centre (inbox, bell, e-mail as they chose),
    # and the notification leads to the request in the admin.
    to_review = by_recipient[(staff.email,)]
    assert "da esaminare" in to_review.subject
    (notice,) = Notification.objects.filter(user=staff, kind="associations.join_to_review")
    assert notice.url == f"/admin/joinrequest/inspect/{request.pk}/"
    assert f"/notifiche/{notice.pk}/" in to_review.body


# --- Approval -------------------------------------------------------------------------------


def test_staff_approves_in_the_admin_and_everything_is_created(
    client, network, staff, mailoutbox, django_capture_on_commit_callbacks
):
    request = submit(network)
    client.force_login(staff)
    url = reverse("joinrequest:approve", args=[request.pk])

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Polisportiva Collinare" in confirmation.content.decode()
    assert "redazione@collinare.it" in confirmation.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "Richiesta approvata" in response.content.decode()

    request.refresh_from_db()
    association = request.association
    assert request.status == JoinRequest.Status.APPROVED
    assert request.decided_by == staff and request.decided_at is not None
    assert association.name == "Polisportiva Collinare"
    assert association.network == network
    assert association.kind == Association.Kind.SPORTS_CLUB
    assert set(association.municipalities.all()) == set(network.municipalities.all())
    assert association.areas.count() == 2
    assert association.trusted is False

    # Its page, published, under the network's index.
    page = AssociationPage.objects.get(association=association)
    index = AssociationIndexPage.objects.get(network=network)
    assert page.get_parent().pk == index.pk
    assert page.live and page.slug == association.slug

    # A group whose page permissions are on exactly that page (so on its subtree only).
    group = association.group
    assert set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "page_id", "permission__codename"
        )
    ) == {(page.pk, "add_page"), (page.pk, "change_page")}
    assert group.permissions.filter(codename="access_admin").exists()

    # A collection of its own, with the group's image and document permissions.
    collection = association.collection
    assert collection.get_parent() == Collection.get_first_root_node()
    assert set(
        GroupCollectionPermission.objects.filter(group=group).values_list(
            "collection_id", "permission__content_type__app_label", "permission__codename"
        )
    ) == {(collection.pk, app, codename) for app, codename in services.COLLECTION_PERMISSIONS}
    assert not GroupCollectionPermission.objects.filter(group=group).exclude(collection=collection)

    # The staff review workflow on the page.
    workflow_page = WorkflowPage.objects.get(page=page)
    assert workflow_page.workflow.name == services.STAFF_WORKFLOW_NAME
    assert page.get_workflow() == workflow_page.workflow

    # The first editor is invited as admin, the requester is told.
    invitation = Invitation.objects.get(association=association)
    assert invitation.email == "redazione@collinare.it"
    assert invitation.role == AssociationMembership.Role.ADMIN
    by_recipient = {tuple(message.to): message for message in mailoutbox}
    invite = by_recipient[("redazione@collinare.it",)]
    assert "Polisportiva Collinare" in invite.subject
    assert re.search(r"http://testserver/associazioni/invito/[\w-]+/", invite.body)
    assert "14 giorni" in invite.body
    approved = by_recipient[("segreteria@collinare.it",)]
    assert "fa parte della rete" in approved.subject
    assert f"http://testserver{page.url}" in approved.body


def test_the_groups_rights_cover_the_page_subtree_and_nothing_else(network):
    a = make_association(network=network, name="Prima")
    b = make_association(network=network, name="Seconda")
    editor = UserFactory()
    editor.groups.add(a.group)
    index = a.page.get_parent()

    assert a.page.permissions_for_user(editor).can_edit()
    assert a.page.permissions_for_user(editor).can_add_subpage()
    assert not a.page.permissions_for_user(editor).can_publish()
    assert not a.page.permissions_for_user(editor).can_delete()
    for other in (b.page, index, index.get_parent()):
        permissions = other.permissions_for_user(editor)
        assert not permissions.can_edit()
        assert not permissions.can_add_subpage()
        assert not permissions.can_delete()


def test_approving_twice_is_refused(client, network, staff, django_capture_on_commit_callbacks):
    request = submit(network)
    services.join_request_approve(join_request=request, by=staff)
    before = counts()

    with pytest.raises(ValidationError, match="già stata decisa"):
        services.join_request_approve(join_request=request, by=staff)

    client.force_login(staff)
    response = client.post(reverse("joinrequest:approve", args=[request.pk]), follow=True)
    assert response.status_code == 200
    assert "già stata decisa" in response.content.decode()
    assert counts() == before


def test_rejecting_needs_a_reason_and_emails_it(
    client, network, staff, mailoutbox, django_capture_on_commit_callbacks
):
    request = submit(network)
    client.force_login(staff)
    url = reverse("joinrequest:reject", args=[request.pk])
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert "Spiega il motivo del rifiuto." in response.content.decode()
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING
    assert mailoutbox == []

    with pytest.raises(ValidationError):
        services.join_request_reject(join_request=request, by=staff, reason="")

    reason = "I comuni indicati non fanno parte della rete: scriveteci per capire come fare."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": reason}, follow=True)
    assert "respinta" in response.content.decode()
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.REJECTED
    assert request.decision_reason == reason
    assert request.decided_by == staff
    assert Association.objects.count() == 0
    (message,) = mailoutbox
    assert message.to == ["segreteria@collinare.it"]
    assert "non è stata accolta" in message.subject
    assert reason in message.body


def test_a_decided_request_cannot_be_decided_again(client, network, staff):
    rejected = submit(network, name="Gruppo Uno")
    services.join_request_reject(join_request=rejected, by=staff, reason="Duplicato.")
    client.force_login(staff)

    response = client.post(reverse("joinrequest:approve", args=[rejected.pk]), follow=True)
    assert "già stata decisa" in response.content.decode()
    response = client.post(
        reverse("joinrequest:reject", args=[rejected.pk]), {"reason": "Ancora"}, follow=True
    )
    assert "già stata decisa" in response.content.decode()
    rejected.refresh_from_db()
    assert rejected.status == JoinRequest.Status.REJECTED
    assert rejected.decision_reason == "Duplicato."
    assert Association.objects.count() == 0


# --- Nothing half-created -------------------------------------------------------------------


def test_a_late_failure_leaves_nothing_behind(
    network, staff, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """The invitation, the last step, collides with an existing token in the database."""
    existing = make_association(network=network, name="Già presente")
    Invitation.objects.filter(association=existing).update(
        token_hash=services.invitation_token_hash("gettone-ripetuto")
    )
    request = submit(network)
    monkeypatch.setattr(services.secrets, "token_urlsafe", lambda nbytes: "gettone-ripetuto")
    before = counts()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(IntegrityError):
        services.join_request_approve(join_request=request, by=staff)

    assert counts() == before
    assert not Association.objects.filter(name="Polisportiva Collinare").exists()
    assert not Page.objects.filter(title="Polisportiva Collinare").exists()
    assert not Group.objects.filter(name__startswith="Associazione: Polisportiva").exists()
    assert not Collection.objects.filter(name__startswith="Polisportiva").exists()
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING
    assert request.association is None
    assert mailoutbox == []


def test_an_early_failure_leaves_nothing_behind(
    network, staff, mailoutbox, django_capture_on_commit_callbacks, client
):
    """The network's index cannot be created: its slug is taken by another page."""
    home = Page.objects.get(depth=2)
    home.add_child(instance=StandardPage(title="Rete collinare (vecchia)", slug=network.slug))
    request = submit(network)
    before = counts()

    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("joinrequest:approve", args=[request.pk]), follow=True)

    assert response.status_code == 200
    assert "slug" in response.content.decode().lower()
    assert counts() == before
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING
    assert mailoutbox == []


# --- The join request screens in the admin --------------------------------------------------


def test_staff_see_pending_requests_first(client, network, staff, django_assert_max_num_queries):
    older = submit(network, name="Gruppo Anziano")
    decided = submit(network, name="Gruppo Deciso")
    services.join_request_reject(join_request=decided, by=staff, reason="Fuori rete.")
    newer = submit(network, name="Gruppo Recente")
    client.force_login(staff)
    client.get(reverse("joinrequest:index"))  # warm caches

    with django_assert_max_num_queries(20) as first:
        response = client.get(reverse("joinrequest:index"))
    queries_with_three = len(first.captured_queries)
    html = response.content.decode()
    assert response.status_code == 200
    positions = [html.index(name) for name in (newer.name, older.name, decided.name)]
    assert positions == sorted(positions)
    assert reverse("joinrequest:approve", args=[newer.pk]) in html
    assert reverse("joinrequest:approve", args=[decided.pk]) not in html

    pending_only = client.get(reverse("joinrequest:index"), {"status": "pending"})
    assert "Gruppo Deciso" not in pending_only.content.decode()
    assert "Gruppo Recente" in pending_only.content.decode()

    for number in range(15):
        submit(network, name=f"Gruppo numero {number}")
    with django_assert_max_num_queries(queries_with_three):
        assert client.get(reverse("joinrequest:index")).status_code == 200

    detail = client.get(reverse("joinrequest:inspect", args=[older.pk]))
    assert detail.status_code == 200
    assert "segreteria@collinare.it" in detail.content.decode()
    assert reverse("joinrequest:reject", args=[older.pk]) in detail.content.decode()


@pytest.mark.parametrize(
    "url_name", ["index", "inspect", "approve", "reject", "edit", "delete", "add", "history"]
)
def test_editors_and_visitors_cannot_review_requests(client, network, url_name):
    association = make_association(network=network)
    editor = UserFactory()
    editor.groups.add(association.group)  # has Wagtail admin access, not staff
    request = submit(network)
    args = [] if url_name in {"index", "add"} else [request.pk]
    url = reverse(f"joinrequest:{url_name}", args=args)

    anonymous_get = client.get(url)
    assert anonymous_get.status_code == 302
    assert "login" in anonymous_get["Location"]

    client.force_login(editor)
    for response in (client.get(url), client.post(url, {"reason": "No", "name": "Altro"})):
        assert response.status_code in {302, 403}
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING
    assert request.name == "Polisportiva Collinare"


@pytest.mark.parametrize("url_name", ["edit", "delete", "add", "history"])
def test_staff_change_requests_only_through_the_decisions(client, network, staff, url_name):
    """No generic form writes around the services, not even for staff."""
    request = submit(network)
    client.force_login(staff)
    args = [] if url_name == "add" else [request.pk]
    url = reverse(f"joinrequest:{url_name}", args=args)
    for response in (client.get(url), client.post(url, {"name": "Cambiato"})):
        assert response.status_code in {302, 403}
    request.refresh_from_db()
    assert request.name == "Polisportiva Collinare"
    assert JoinRequest.objects.count() == 1


def test_the_admin_menu_shows_the_requests_to_staff_only(client, network, staff):
    association = make_association(network=network)
    editor = UserFactory()
    editor.groups.add(association.group)
    client.force_login(staff)
    assert "Richieste di adesione" in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(editor)
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert "Richieste di adesione" not in home.content.decode()
