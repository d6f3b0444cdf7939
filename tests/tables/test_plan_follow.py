"""A Piano Family action linked to a proposal follows the proposal's status (issue 13, 5
and 6): every status change of the proposal, through the tables' services, moves its
actions in the same transaction; a refused change moves nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tables import services, workflow
from tables.models import ObjectiveAction, ProposalStatus, Status, Table
from tables.services import Conflict
from tables.services import plan as plan_services
from tests.tables.factories import make_meeting, make_proposal, make_table
from tests.tables.plan_factories import make_objective, make_plan, staff_user

pytestmark = pytest.mark.django_db


def approved(setup):
    proposal = make_proposal(setup, title="Centro estivo condiviso")
    services.proposal_set_status(
        by=setup.member, proposal=proposal, to_status=ProposalStatus.SUBMITTED
    )
    services.decision_record(
        by=setup.coordinator,
        proposal=proposal,
        meeting=make_meeting(setup),
        outcome="approved",
        votes_for=5,
    )
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def linked():
    setup = make_table(kind=Table.Kind.INTERCOMMUNAL)
    staff = staff_user()
    plan = make_plan(network=setup.table.network, by=staff)
    first, second = make_objective(plan, by=staff), make_objective(plan, by=staff)
    proposal = approved(setup)
    actions = [
        plan_services.objective_link_proposal(objective=objective, proposal=proposal, by=staff)
        for objective in (first, second)
    ]
    other = plan_services.action_add(
        objective=first,
        by=staff,
        data=plan_services.ActionData(title="Sportello famiglie", status=Status.IN_PROGRESS),
    )
    return setup, proposal, actions, other


def statuses(actions) -> list[str]:
    return [ObjectiveAction.objects.get(pk=action.pk).status for action in actions]


def test_the_linked_actions_follow_the_proposal_to_its_completion(linked):
    setup, proposal, actions, other = linked
    # Linked when approved: not started yet.
    assert statuses(actions) == [Status.NOT_STARTED] * 2

    with CaptureQueriesContext(connection) as queries:
        services.proposal_set_status(
            by=setup.coordinator, proposal=proposal, to_status=ProposalStatus.IN_PROGRESS
        )
    assert statuses(actions) == [Status.IN_PROGRESS] * 2
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "tables_objectiveaction"')]
    assert len(updates) == 1  # one statement, whatever the number of linked actions

    services.proposal_set_status(
        by=setup.coordinator, proposal=proposal, to_status=ProposalStatus.COMPLETED
    )
    assert statuses(actions) == [Status.ACHIEVED] * 2
    # An action that is not the proposal's stays as it was.
    assert statuses([other]) == [Status.IN_PROGRESS]


def test_a_withdrawn_proposal_drops_its_actions(linked):
    setup, proposal, actions, other = linked
    services.proposal_set_status(
        by=setup.coordinator, proposal=proposal, to_status=ProposalStatus.IN_PROGRESS
    )
    services.proposal_set_status(
        by=setup.coordinator, proposal=proposal, to_status=ProposalStatus.WITHDRAWN
    )
    assert statuses(actions) == [Status.DROPPED] * 2
    assert statuses([other]) == [Status.IN_PROGRESS]


def test_a_refused_status_change_moves_no_action(linked):
    setup, proposal, actions, _other = linked
    with pytest.raises(Conflict):
        services.proposal_set_status(
            by=setup.coordinator, proposal=proposal, to_status=ProposalStatus.COMPLETED
        )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert statuses(actions) == [Status.NOT_STARTED] * 2


def test_a_proposal_linked_later_starts_from_its_own_status():
    setup = make_table(kind=Table.Kind.INTERCOMMUNAL)
    staff = staff_user()
    objective = make_objective(make_plan(network=setup.table.network, by=staff), by=staff)
    proposal = approved(setup)
    services.proposal_set_status(
        by=setup.coordinator, proposal=proposal, to_status=ProposalStatus.IN_PROGRESS
    )
    services.proposal_set_status(
        by=setup.coordinator, proposal=proposal, to_status=ProposalStatus.COMPLETED
    )
    action = plan_services.objective_link_proposal(objective=objective, proposal=proposal, by=staff)
    assert action.status == Status.ACHIEVED
    # A status given on linking is kept.
    other = make_objective(objective.plan, by=staff)
    chosen = plan_services.objective_link_proposal(
        objective=other, proposal=proposal, by=staff, status=Status.IN_PROGRESS
    )
    assert chosen.status == Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("proposal_status", "action_status"),
    [
        ("draft", None),
        ("discussion", None),
        ("submitted", None),
        ("approved", "not_started"),
        ("in_progress", "in_progress"),
        ("completed", "achieved"),
        ("withdrawn", "dropped"),
        ("rejected", "dropped"),
    ],
)
def test_what_each_proposal_status_means_for_its_actions(proposal_status, action_status):
    assert workflow.action_status(proposal_status) == action_status
