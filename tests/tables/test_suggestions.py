"""Suggestions on a proposal being written: observers (who may not edit) quote a passage
and suggest a change; co-authors and coordinators accept or dismiss it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hub.notifications.models import Notification
from tables import services
from tables.coedit import services as coedit_services
from tables.models import CoeditDocument, Suggestion, Table
from tests.tables.factories import make_proposal, make_table

pytestmark = pytest.mark.django_db

BODY = "Le famiglie di Piossasco si alternano due pomeriggi a settimana nella ludoteca."


@pytest.fixture
def setup():
    return make_table(visibility=Table.Visibility.PRIVATE)


@pytest.fixture
def proposal(setup):
    return make_proposal(setup, body=BODY)


def url(setup, proposal, name="suggestion_create", **kwargs) -> str:
    return reverse(
        f"tables:{name}", kwargs={"slug": setup.table.slug, "proposal_id": proposal.pk, **kwargs}
    )


def suggest(setup, proposal, *, by=None, quote="due pomeriggi a settimana", body="Tre?"):
    return services.suggestion_create(
        by=by or setup.observer, proposal=proposal, quote=quote, body=body
    )


def test_an_observer_suggests_a_change_and_the_coauthors_are_told(client, setup, proposal):
    client.force_login(setup.observer)
    response = client.post(
        url(setup, proposal),
        {"quote": "  due pomeriggi\n a settimana ", "body": "Meglio tre pomeriggi."},
    )
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#suggerimento-{suggestion.pk}")
    assert suggestion.quote == "due pomeriggi a settimana"
    assert suggestion.author == setup.observer
    assert suggestion.status == Suggestion.Status.OPEN
    assert suggestion.version_number == proposal.latest_version
    told = Notification.objects.filter(key=f"tables:suggestion:{suggestion.pk}")
    assert list(told.values_list("user_id", flat=True)) == [setup.member.pk]
    page = client.get(url(setup, proposal, "proposal")).content.decode()
    assert "«due pomeriggi a settimana»" in page and "Meglio tre pomeriggi." in page
    assert 'value="accept"' not in page  # the observer does not decide


@pytest.mark.parametrize(
    "data,message",
    [
        ({"quote": "tre pomeriggi", "body": "x"}, "Il passaggio citato non è nel testo attuale"),
        ({"quote": "   ", "body": "Tre"}, "Questo campo è obbligatorio"),
        ({"quote": "due pomeriggi", "body": ""}, "Questo campo è obbligatorio"),
        ({"quote": "due pomeriggi", "body": "x" * 3001}, "più di 3000 caratteri"),
    ],
)
def test_bad_suggestions_are_refused_with_a_clear_message(client, setup, proposal, data, message):
    client.force_login(setup.observer)
    response = client.post(url(setup, proposal), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_passage_written_in_the_co_editor_can_be_quoted(setup, proposal):
    document = coedit_services.document_open(kind=CoeditDocument.Kind.PROPOSAL, target=proposal)
    coedit_services.document_replace_blocks(
        document_id=document.pk, blocks=[("paragraph", "Apertura anche la domenica.")]
    )
    suggestion = suggest(setup, proposal, quote="anche la domenica")
    assert suggestion.pk is not None


@pytest.mark.parametrize(
    "who,status",
    [("outsider", 404), ("observer", 302), ("member", 302), ("coordinator", 302)],
)
def test_who_may_suggest_on_a_private_table(client, setup, proposal, who, status):
    client.force_login(getattr(setup, who))
    response = client.post(url(setup, proposal), {"quote": "due pomeriggi", "body": "Tre"})
    assert response.status_code == status
    assert Suggestion.objects.count() == (1 if status == 302 else 0)


def test_no_suggestions_once_the_text_no_longer_changes(client, setup, proposal):
    services.proposal_set_status(by=setup.member, proposal=proposal, to_status="submitted")
    client.force_login(setup.observer)
    response = client.post(url(setup, proposal), {"quote": "due pomeriggi", "body": "Tre"})
    assert response.status_code in (403, 409)
    assert not Suggestion.objects.exists()
    page = client.get(url(setup, proposal, "proposal")).content.decode()
    assert "Suggerisci una modifica" not in page


def test_a_public_tables_visitor_who_is_not_a_member_may_not_suggest(client):
    setup = make_table(visibility=Table.Visibility.PUBLIC)
    proposal = make_proposal(setup, body=BODY)
    client.force_login(setup.outsider)
    response = client.post(url(setup, proposal), {"quote": "due pomeriggi", "body": "Tre"})
    assert response.status_code == 403
    assert not Suggestion.objects.exists()


def test_a_coauthor_accepts_and_the_suggester_is_told(client, setup, proposal):
    suggestion = suggest(setup, proposal)
    client.force_login(setup.member)  # the proposal's author
    decide = url(setup, proposal, "suggestion_decide", suggestion_id=suggestion.pk)
    page = client.get(url(setup, proposal, "proposal")).content.decode()
    assert f'action="{decide}"' in page
    assert client.post(decide, {"action": "accept"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED
    assert suggestion.decided_by == setup.member and suggestion.decided_at is not None
    told = Notification.objects.get(key=f"tables:suggestion:{suggestion.pk}:decided")
    assert told.user_id == setup.observer.pk
    assert "è stato accolto" in told.title
    # Decided once: a second decision is a conflict and changes nothing.
    response = client.post(decide, {"action": "dismiss"})
    assert response.status_code == 409
    assert "già stato valutato" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED


def test_a_coordinator_dismisses(client, setup, proposal):
    suggestion = suggest(setup, proposal)
    client.force_login(setup.coordinator)
    decide = url(setup, proposal, "suggestion_decide", suggestion_id=suggestion.pk)
    assert client.post(decide, {"action": "dismiss"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.DISMISSED
    assert client.post(decide, {"action": "maybe"}).status_code == 400


@pytest.mark.parametrize("who,status", [("observer", 403), ("outsider", 404)])
def test_who_may_not_decide(client, setup, proposal, who, status):
    suggestion = suggest(setup, proposal, by=setup.coordinator)
    client.force_login(getattr(setup, who))
    decide = url(setup, proposal, "suggestion_decide", suggestion_id=suggestion.pk)
    assert client.post(decide, {"action": "accept"}).status_code == status
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.OPEN


def test_a_suggestion_of_another_proposal_is_not_found(client, setup, proposal):
    other = make_proposal(setup, title="Altra proposta", body=BODY)
    suggestion = suggest(setup, other)
    client.force_login(setup.member)
    decide = url(setup, proposal, "suggestion_decide", suggestion_id=suggestion.pk)
    assert client.post(decide, {"action": "accept"}).status_code == 404


def test_the_proposal_page_does_not_grow_with_the_suggestions(client, setup, proposal):
    client.force_login(setup.member)
    suggest(setup, proposal)
    page_url = url(setup, proposal, "proposal")
    with CaptureQueriesContext(connection) as few:
        assert client.get(page_url).status_code == 200
    for n in range(30):
        suggestion = suggest(setup, proposal, body=f"Suggerimento {n}")
        if n % 2:
            services.suggestion_decide(by=setup.member, suggestion=suggestion, accept=n % 4 == 1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(page_url)
    assert "Suggerimento 29" in response.content.decode()
    assert len(many) == len(few)


def test_a_suggestion_is_commented_in_the_discussion(client, setup, proposal):
    suggestion = suggest(setup, proposal)
    other = make_proposal(setup, title="Un'altra proposta", body=BODY)
    foreign = suggest(setup, other)
    client.force_login(setup.member)
    page = client.get(url(setup, proposal, "proposal")).content.decode()
    assert f'name="suggestion" value="{suggestion.pk}"' in page
    response = client.post(
        reverse(
            "tables:comment_create",
            kwargs={"slug": setup.table.slug, "proposal_id": proposal.pk},
        ),
        {
            "body": "Tre pomeriggi sono troppi per noi.",
            "stance": "neutral",
            "suggestion": suggestion.pk,
        },
    )
    assert response.status_code == 302
    comment = proposal.comments.get()
    assert comment.suggestion == suggestion
    page = client.get(url(setup, proposal, "proposal")).content.decode()
    assert "Sul suggerimento «due pomeriggi a settimana»" in page
    assert "1 commento nella discussione" in page
    # A reply belongs to the same suggestion; another proposal's suggestion is refused.
    reply = services.comment_create(
        by=setup.coordinator, proposal=proposal, body="Proviamo con due.", parent=comment
    )
    assert reply.suggestion == suggestion
    refused = client.post(
        reverse(
            "tables:comment_create",
            kwargs={"slug": setup.table.slug, "proposal_id": proposal.pk},
        ),
        {"body": "Fuori luogo.", "stance": "neutral", "suggestion": foreign.pk},
    )
    assert refused.status_code == 400
    assert proposal.comments.count() == 2
