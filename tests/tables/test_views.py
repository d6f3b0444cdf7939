"""The tables' pages as people use them: a coordinator, a member, an observer, a visitor."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from hub.notifications.models import Notification
from tables import services
from tables.models import (
    Comment,
    Invitation,
    Membership,
    MembershipRequest,
    Proposal,
    ProposalStatus,
    ProposalVersion,
    Table,
)
from tests.hub.factories import UserFactory
from tests.tables.factories import area, make_meeting, make_proposal, make_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return make_table()


def proposal_url(setup, proposal, name="tables:proposal"):
    return reverse(name, kwargs={"slug": setup.table.slug, "proposal_id": proposal.pk})


def test_the_list_and_a_public_table_are_open_to_visitors(client, setup):
    proposal = make_proposal(setup)
    response = client.get(reverse("tables:index"))
    assert response.status_code == 200
    assert setup.table.name in response.content.decode()
    page = client.get(reverse("tables:table", kwargs={"slug": setup.table.slug})).content.decode()
    assert proposal.title in page
    assert client.get(proposal_url(setup, proposal)).status_code == 200


def test_a_draft_is_seen_only_by_its_coauthors_and_the_coordinators(client, setup):
    draft = make_proposal(setup, publish=False, title="Bozza segreta")
    for person, status in (
        (None, 404),
        (setup.observer, 404),
        (setup.outsider, 404),
        (setup.member, 200),
        (setup.coordinator, 200),
    ):
        client.logout()
        if person:
            client.force_login(person)
        assert client.get(proposal_url(setup, draft)).status_code == status, person
    client.force_login(setup.outsider)
    table_page = client.get(reverse("tables:table", kwargs={"slug": setup.table.slug}))
    assert "Bozza segreta" not in table_page.content.decode()


def test_creating_a_private_table_inviting_and_accepting(client, setup, mailoutbox):
    client.force_login(setup.coordinator)
    network = setup.table.network
    town = network.municipalities.first()
    response = client.post(
        reverse("tables:table_create"),
        {
            "name": "Tavolo riservato",
            "kind": "municipal",
            "network": network.pk,
            "municipality": town.pk,
            "visibility": "private",
            "description": "",
        },
    )
    table = Table.objects.get(name="Tavolo riservato")
    assert response.status_code == 302
    assert table.memberships.get().role == "coordinator"
    family = UserFactory(email="famiglia@example.org")
    with pytest.MonkeyPatch.context():
        response = client.post(
            reverse("tables:invite", kwargs={"slug": table.slug}),
            {"email": "Famiglia@example.org", "role": "member"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(table=table)
    assert Notification.objects.filter(user=family, kind="tables.membership").exists()
    client.force_login(family)
    # The token is only in the e-mail: ask the service for a fresh one through the page.
    _invitation, token = services.invitation_create(
        by=setup.coordinator, table=table, email=family.email
    )
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    url = reverse("tables:invitation", kwargs={"token": token})
    assert client.get(url).status_code == 200
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 302
    assert Membership.objects.filter(table=table, user=family, role="member").exists()


def test_a_request_to_join_is_approved_by_a_coordinator(client, setup):
    client.force_login(setup.outsider)
    url = reverse("tables:join", kwargs={"slug": setup.table.slug})
    assert client.post(url, {"message": "Sono una mamma di Bruino"}).status_code == 302
    request = MembershipRequest.objects.get()
    assert Notification.objects.filter(user=setup.coordinator, kind="tables.request").exists()
    decide = reverse(
        "tables:request_decide", kwargs={"slug": setup.table.slug, "request_id": request.pk}
    )
    client.force_login(setup.member)
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    client.force_login(setup.coordinator)
    response = client.post(decide, {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    assert "motivo" in response.content.decode().lower()
    assert client.post(decide, {"decision": "approve", "role": "observer"}).status_code == 302
    assert Membership.objects.get(table=setup.table, user=setup.outsider).role == "observer"


def test_a_private_table_cannot_be_joined_by_request(client):
    private = make_table(visibility=Table.Visibility.PRIVATE)
    client.force_login(private.outsider)
    url = reverse("tables:join", kwargs={"slug": private.table.slug})
    assert client.post(url, {"message": "ciao"}).status_code == 404
    assert not MembershipRequest.objects.exists()


def test_writing_a_proposal_publishing_and_comparing_versions(client, setup):
    client.force_login(setup.member)
    response = client.post(
        reverse("tables:proposal_create", kwargs={"slug": setup.table.slug}),
        {
            "title": "Piedibus per le scuole",
            "summary": "Accompagnare i bambini a piedi.",
            "area": area().pk,
            "budget_estimate": "1200,50",
            "body": "Due linee, tre fermate.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    proposal = Proposal.objects.get(title="Piedibus per le scuole")
    assert str(proposal.budget_estimate) == "1200.50"
    edit = proposal_url(setup, proposal, "tables:proposal_edit")
    form = client.get(edit)
    assert form.status_code == 200
    response = client.post(
        edit,
        {
            "title": "Piedibus per le scuole",
            "area": area().pk,
            "budget_estimate": "1200,50",
            "body": "Due linee, quattro fermate.",
            "base_version": "1",
        },
    )
    assert response.status_code == 302
    response = client.post(
        proposal_url(setup, proposal, "tables:proposal_status"), {"to_status": "discussion"}
    )
    assert response.status_code == 302
    compare = client.get(proposal_url(setup, proposal, "tables:proposal_compare") + "?da=1&a=2")
    html = compare.content.decode()
    assert "<del>tre</del>" in html and "<ins>quattro</ins>" in html
    assert (
        client.get(
            proposal_url(setup, proposal, "tables:proposal_compare") + "?da=1&a=x"
        ).status_code
        == 400
    )
    assert (
        client.get(
            proposal_url(setup, proposal, "tables:proposal_compare") + "?da=1&a=9"
        ).status_code
        == 404
    )
    response = client.post(
        proposal_url(setup, proposal, "tables:proposal_restore"), {"number": "1"}
    )
    assert response.status_code == 302
    assert ProposalVersion.objects.filter(proposal=proposal).count() == 3


def test_a_stale_edit_answers_409_and_keeps_both(client, setup):
    proposal = make_proposal(setup)
    services.proposal_update(by=setup.coordinator, proposal=proposal, body="Del coordinatore")
    client.force_login(setup.member)
    response = client.post(
        proposal_url(setup, proposal, "tables:proposal_edit"),
        {"title": proposal.title, "area": area().pk, "body": "Mio", "base_version": "1"},
    )
    assert response.status_code == 409
    assert "Mio" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.body == "Del coordinatore"


def test_a_move_not_allowed_answers_409_naming_the_allowed_ones(client, setup):
    proposal = make_proposal(setup)
    client.force_login(setup.coordinator)
    response = client.post(
        proposal_url(setup, proposal, "tables:proposal_status"), {"to_status": "completed"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "può passare solo a" in html and "presentata al tavolo" in html
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISCUSSION


def test_a_decision_without_a_meeting_is_refused_with_400(client, setup):
    proposal = make_proposal(setup)
    services.proposal_set_status(by=setup.member, proposal=proposal, to_status="submitted")
    client.force_login(setup.coordinator)
    url = proposal_url(setup, proposal, "tables:proposal_decision")
    response = client.post(
        url,
        {
            "meeting": "",
            "outcome": "approved",
            "votes_for": "5",
            "votes_against": "0",
            "votes_abstained": "0",
        },
    )
    assert response.status_code == 400
    assert "riunione" in response.content.decode()
    meeting = make_meeting(setup)
    response = client.post(
        url,
        {
            "meeting": meeting.pk,
            "outcome": "approved",
            "votes_for": "5",
            "votes_against": "0",
            "votes_abstained": "1",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    page = client.get(
        reverse("tables:meeting", kwargs={"slug": setup.table.slug, "meeting_id": meeting.pk})
    ).content.decode()
    assert proposal.title in page


def test_comments_thread_live_and_locked(client, setup):
    proposal = make_proposal(setup)
    client.force_login(setup.member)
    url = proposal_url(setup, proposal, "tables:comment_create")
    assert client.post(url, {"body": "Ottima idea", "stance": "for"}).status_code == 302
    first = Comment.objects.get()
    assert (
        client.post(url, {"body": "Concordo", "stance": "neutral", "parent": first.pk}).status_code
        == 302
    )
    live = client.get(proposal_url(setup, proposal, "tables:comments") + f"?dopo={first.pk}")
    assert live.status_code == 200
    payload = live.json()
    assert [c["parent"] for c in payload["comments"]] == [first.pk]
    assert "Concordo" in payload["comments"][0]["html"]
    assert (
        client.get(proposal_url(setup, proposal, "tables:comments") + "?dopo=x").status_code == 400
    )
    client.force_login(setup.observer)
    assert client.post(url, {"body": "Io no", "stance": "for"}).status_code == 403
    services.proposal_set_status(by=setup.member, proposal=proposal, to_status="withdrawn")
    client.force_login(setup.member)
    response = client.post(url, {"body": "Ancora", "stance": "for"})
    assert response.status_code == 409
    assert Comment.objects.count() == 2


def test_hidden_comments_keep_their_text_for_coordinators_only(client, setup):
    proposal = make_proposal(setup)
    comment = services.comment_create(by=setup.member, proposal=proposal, body="Testo sgradevole")
    client.force_login(setup.coordinator)
    url = reverse(
        "tables:comment_moderate",
        kwargs={"slug": setup.table.slug, "proposal_id": proposal.pk, "comment_id": comment.pk},
    )
    assert client.post(url, {"reason": "Offensivo"}).status_code == 302
    assert "Testo sgradevole" in client.get(proposal_url(setup, proposal)).content.decode()
    client.force_login(setup.member)
    html = client.get(proposal_url(setup, proposal)).content.decode()
    assert "Testo sgradevole" not in html and "Commento nascosto" in html
    live = client.get(proposal_url(setup, proposal, "tables:comments") + "?dopo=0").content.decode()
    assert "Testo sgradevole" not in live


def test_changed_since_your_endorsement_shows_the_difference(client, setup):
    proposal = make_proposal(setup)
    client.force_login(setup.coordinator)
    assert client.post(proposal_url(setup, proposal, "tables:endorse")).status_code == 302
    services.proposal_update(by=setup.member, proposal=proposal, body="Tre pomeriggi a settimana.")
    html = client.get(proposal_url(setup, proposal)).content.decode()
    assert 'id="cambiata"' in html
    assert "<ins>Tre</ins>" in html or "<ins>" in html


def test_minutes_are_frozen_once_approved(client, setup):
    meeting = make_meeting(setup)
    client.force_login(setup.coordinator)
    url = reverse("tables:minutes", kwargs={"slug": setup.table.slug, "meeting_id": meeting.pk})
    assert client.post(url, {"body": "Presenti sette componenti."}).status_code == 302
    assert client.post(url, {"action": "approve"}).status_code == 302
    response = client.post(url, {"body": "Cambiato"})
    assert response.status_code == 409
    meeting.minutes.refresh_from_db()
    assert meeting.minutes.body == "Presenti sette componenti."
    agenda = reverse(
        "tables:agenda_add", kwargs={"slug": setup.table.slug, "meeting_id": meeting.pk}
    )
    assert client.post(agenda, {"title": "Varie"}).status_code == 409


def test_a_meeting_is_convened_with_rome_times(client, setup):
    client.force_login(setup.coordinator)
    response = client.post(
        reverse("tables:meeting_create", kwargs={"slug": setup.table.slug}),
        {
            "title": "Tavolo di marzo",
            "starts_at": "2030-03-12T18:00",
            "ends_at": "2030-03-12T17:00",
            "place": "Sala consiliare",
        },
    )
    assert response.status_code == 400
    assert "La fine deve venire dopo" in response.content.decode()
    response = client.post(
        reverse("tables:meeting_create", kwargs={"slug": setup.table.slug}),
        {
            "title": "Tavolo di marzo",
            "starts_at": "2030-03-12T18:00",
            "ends_at": "2030-03-12T20:00",
            "place": "Sala consiliare",
        },
    )
    assert response.status_code == 302
    meeting = setup.table.meetings.get()
    assert timezone.localtime(meeting.starts_at).hour == 18
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(hours=2)
    assert Notification.objects.filter(user=setup.member, kind="tables.meeting").exists()


def test_pages_load_their_script_as_a_module_without_inline_script(client, setup):
    proposal = make_proposal(setup)
    html = client.get(proposal_url(setup, proposal)).content.decode()
    assert 'src="/static/hub/tables-comments.js"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
