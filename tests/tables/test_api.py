"""The tables' API (issue 13, item 9) and linking an approved proposal to a Piano Family
objective (item 5): a private table's things answer 404 to non-members and are in no list;
members see them; the writes go through the services and refuse in the hub's format."""

import pytest
from django.urls import reverse

from tables import services
from tables.models import Membership, ObjectiveAction, Role, Table
from tables.services import plan as plan_services
from tests.hub.factories import UserFactory
from tests.tables.factories import area, make_meeting, make_proposal, make_table
from tests.tables.plan_factories import make_objective, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def private():
    setup = make_table(visibility=Table.Visibility.PRIVATE, name="Tavolo riservato Zeta")
    proposal = make_proposal(setup, title="Proposta riservata Zeta")
    meeting = make_meeting(setup, title="Riunione riservata Zeta")
    services.comment_create(by=setup.member, proposal=proposal, body="Commento riservato Zeta")
    return setup, proposal, meeting


def _urls(setup, proposal, meeting) -> list[str]:
    slug = setup.table.slug
    return [
        f"/api/v1/tables/{slug}/",
        f"/api/v1/tables/{slug}/meetings/",
        f"/api/v1/tables/{slug}/proposals/",
        f"/api/v1/table-meetings/{meeting.pk}/",
        f"/api/v1/table-proposals/{proposal.pk}/",
        f"/api/v1/table-proposals/{proposal.pk}/versions/",
        f"/api/v1/table-proposals/{proposal.pk}/comments/",
    ]


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_a_non_member_gets_404_and_no_list_shows_the_private_table(client, private, who):
    setup, proposal, meeting = private
    if who == "outsider":
        client.force_login(setup.outsider)
    for url in _urls(setup, proposal, meeting):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
        assert "Zeta" not in response.content.decode()
    listing = client.get("/api/v1/tables/")
    assert listing.status_code == 200
    assert "Zeta" not in listing.content.decode()


def test_a_member_sees_the_private_table(client, private):
    setup, proposal, meeting = private
    client.force_login(setup.observer)
    for url in _urls(setup, proposal, meeting):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Zeta" in response.content.decode(), url
    listing = client.get("/api/v1/tables/").json()
    assert setup.table.slug in [t["slug"] for t in listing["results"]]


def test_writes_go_through_the_services_and_refuse_in_the_standard_format(client):
    setup = make_table()
    client.force_login(setup.member)
    created = client.post(
        f"/api/v1/tables/{setup.table.slug}/proposals/",
        {"title": "Ludoteca", "area": area().slug, "budget_estimate": "-5"},
        content_type="application/json",
    )
    assert created.status_code == 400
    assert created.json()["error"]["code"] == "invalid"
    assert "budget_estimate" in created.json()["error"]["fields"]
    created = client.post(
        f"/api/v1/tables/{setup.table.slug}/proposals/",
        {"title": "Ludoteca", "area": area().slug, "body": "Due pomeriggi"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    proposal_id = created.json()["id"]
    assert created.json()["status"] == "draft"

    # A move the workflow does not allow: 409 with the conflict's code.
    moved = client.post(
        f"/api/v1/table-proposals/{proposal_id}/status/",
        {"to_status": "completed"},
        content_type="application/json",
    )
    assert moved.status_code == 409
    assert moved.json()["error"]["code"] == "tables_status_not_allowed"
    moved = client.post(
        f"/api/v1/table-proposals/{proposal_id}/status/",
        {"to_status": "discussion"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "discussion"

    empty = client.post(
        f"/api/v1/table-proposals/{proposal_id}/comments/",
        {"body": "   "},
        content_type="application/json",
    )
    assert empty.status_code == 400 and "body" in empty.json()["error"]["fields"]
    comment = client.post(
        f"/api/v1/table-proposals/{proposal_id}/comments/",
        {"body": "Ottima idea", "stance": "for"},
        content_type="application/json",
    )
    assert comment.status_code == 201 and comment.json()["body"] == "Ottima idea"
    endorsed = client.post(f"/api/v1/table-proposals/{proposal_id}/endorse/", {})
    assert endorsed.status_code == 201

    # An observer reads but does not propose.
    client.force_login(setup.observer)
    refused = client.post(
        f"/api/v1/tables/{setup.table.slug}/proposals/",
        {"title": "Altro", "area": area().slug},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"


def test_the_schema_documents_the_routes(client):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    for path in [
        "/api/v1/tables/",
        "/api/v1/tables/{slug}/proposals/",
        "/api/v1/table-proposals/{id}/comments/",
        "/api/v1/table-proposals/{id}/versions/",
        "/api/v1/table-proposals/{id}/status/",
        "/api/v1/plans/{slug}/objectives/{id}/",
    ]:
        assert path in paths, path


# --- Linking a proposal to a Piano Family objective -----------------------------------------


def _approved(setup):
    proposal = make_proposal(setup, title="Proposta approvata Kappa")
    services.proposal_set_status(by=setup.member, proposal=proposal, to_status="submitted")
    services.decision_record(
        by=setup.coordinator,
        proposal=proposal,
        meeting=make_meeting(setup),
        outcome="approved",
        votes_for=3,
    )
    proposal.refresh_from_db()
    return proposal


def test_only_an_approved_proposal_is_linked_and_a_private_one_is_not_named(client):
    setup = make_table(visibility=Table.Visibility.PRIVATE, kind=Table.Kind.INTERCOMMUNAL)
    plan = make_plan(network=setup.table.network, published=True)
    objective = plan.objectives.get()
    # A table coordinator who is not network staff edits the network's plan.
    boss = UserFactory()
    Membership.objects.create(table=setup.table, user=boss, role=Role.COORDINATOR)
    draft = make_proposal(setup, title="In discussione Kappa")
    link_url = reverse(
        "tables:proposal_link_objective",
        kwargs={"slug": setup.table.slug, "proposal_id": draft.pk},
    )
    client.force_login(boss)
    refused = client.post(link_url, {"objective": objective.pk})
    assert refused.status_code == 409
    assert "approvata" in refused.content.decode()
    assert not ObjectiveAction.objects.exists()

    proposal = _approved(setup)
    page = client.get(
        reverse("tables:proposal", kwargs={"slug": setup.table.slug, "proposal_id": proposal.pk})
    )
    assert "Collega a un obiettivo del Piano Family" in page.content.decode()
    linked = client.post(
        reverse(
            "tables:proposal_link_objective",
            kwargs={"slug": setup.table.slug, "proposal_id": proposal.pk},
        ),
        {"objective": objective.pk},
    )
    assert linked.status_code == 302
    action = ObjectiveAction.objects.get()
    assert action.proposal == proposal and "Kappa" not in action.title

    objective_url = reverse("piano_family:objective", args=[plan.slug, objective.pk])
    api_url = f"/api/v1/plans/{plan.slug}/objectives/{objective.pk}/"
    member_page = client.get(objective_url).content.decode()
    assert "Proposta approvata Kappa" in member_page
    assert client.get(api_url).json()["actions"][0]["proposal"] == proposal.pk
    client.force_login(setup.outsider)
    outsider_page = client.get(objective_url).content.decode()
    assert "Kappa" not in outsider_page
    assert "tavolo riservato" in outsider_page
    actions = client.get(api_url).json()["actions"]
    assert actions[0]["proposal"] is None and "Kappa" not in actions[0]["title"]


def test_a_coordinator_of_another_network_does_not_edit_the_plan():
    setup = make_table(kind=Table.Kind.INTERCOMMUNAL)
    plan = make_plan()
    objective = make_objective(plan)
    boss = UserFactory()
    Membership.objects.create(table=setup.table, user=boss, role=Role.COORDINATOR)
    proposal = _approved(setup)
    with pytest.raises(plan_services.PermissionDenied):
        plan_services.objective_link_proposal(objective=objective, proposal=proposal, by=boss)
