"""Proposals: versions without gaps, restore, the status machine, co-authors, decisions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hub.models import AgeBand
from hub.notifications.models import Notification
from tables import selectors, services
from tables.models import (
    ProposalCoAuthor,
    ProposalStatus,
    ProposalStatusChange,
    ProposalVersion,
    TableDecision,
)
from tables.services import Conflict
from tests.tables.factories import area, make_meeting, make_proposal, make_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return make_table()


def fields(proposal, **changes):
    values = {
        "title": proposal.title,
        "summary": proposal.summary,
        "body": proposal.body,
        "area": proposal.area,
        "age_bands": list(proposal.age_bands.all()),
        "municipalities": list(proposal.municipalities.all()),
        "partner_associations": list(proposal.partner_associations.all()),
        "budget_estimate": proposal.budget_estimate,
    }
    values.update(changes)
    return values


def test_every_saved_change_is_a_numbered_version_and_no_change_makes_none(setup):
    proposal = make_proposal(setup, publish=False)
    assert proposal.latest_version == 1
    band = AgeBand.objects.order_by("pk").first()
    v2 = services.proposal_update(
        by=setup.member, proposal=proposal, **fields(proposal, body="Testo nuovo", age_bands=[band])
    )
    assert v2.number == 2
    assert v2.snapshot["age_bands"] == [{"id": band.pk, "name": band.name}]
    proposal.refresh_from_db()
    assert services.proposal_update(by=setup.member, proposal=proposal, **fields(proposal)) is None
    proposal.refresh_from_db()
    v3 = services.proposal_update(
        by=setup.coordinator,
        proposal=proposal,
        **fields(proposal, budget_estimate=Decimal("99.5")),
    )
    assert v3.number == 3
    assert v3.snapshot["budget_estimate"] == "99.50"
    assert list(proposal.versions.values_list("number", flat=True)) == [1, 2, 3]


def test_a_save_based_on_an_old_version_is_refused_and_saves_nothing(setup):
    proposal = make_proposal(setup)
    services.proposal_update(
        by=setup.member, proposal=proposal, base_version=1, **fields(proposal, body="Prima")
    )
    with pytest.raises(Conflict) as refused:
        services.proposal_update(
            by=setup.coordinator,
            proposal=proposal,
            base_version=1,
            **fields(proposal, body="Seconda"),
        )
    assert "versione 2" in str(refused.value.messages[0])
    proposal.refresh_from_db()
    assert proposal.body == "Prima"
    assert proposal.latest_version == 2


def test_restore_makes_a_new_version_with_the_old_content(setup):
    proposal = make_proposal(setup)
    services.proposal_update(
        by=setup.member, proposal=proposal, **fields(proposal, title="Titolo cambiato")
    )
    version = services.proposal_restore(by=setup.member, proposal=proposal, number=1)
    proposal.refresh_from_db()
    assert version.number == 3
    assert version.restored_from == 1
    assert proposal.title == "Doposcuola condiviso"
    assert version.snapshot == ProposalVersion.objects.get(proposal=proposal, number=1).snapshot
    with pytest.raises(ValidationError):
        services.proposal_restore(by=setup.member, proposal=proposal, number=99)


def test_bad_budget_is_refused_with_a_message_and_nothing_saved(setup):
    proposal = make_proposal(setup)
    with pytest.raises(ValidationError) as refused:
        services.proposal_update(
            by=setup.member, proposal=proposal, **fields(proposal, budget_estimate=Decimal("-1"))
        )
    assert "budget_estimate" in refused.value.error_dict
    assert ProposalVersion.objects.filter(proposal=proposal).count() == 1


def test_observers_and_outsiders_cannot_write(setup):
    with pytest.raises(PermissionDenied):
        make_proposal(setup, by=setup.observer)
    proposal = make_proposal(setup)
    with pytest.raises(PermissionDenied):
        services.proposal_update(by=setup.outsider, proposal=proposal, **fields(proposal, body="x"))


def test_a_move_not_allowed_names_the_allowed_ones_and_changes_nothing(setup):
    proposal = make_proposal(setup, publish=False)
    with pytest.raises(Conflict) as refused:
        services.proposal_set_status(
            by=setup.coordinator, proposal=proposal, to_status=ProposalStatus.COMPLETED
        )
    message = refused.value.messages[0]
    assert "«bozza»" in message and "«in discussione»" in message and "«ritirata»" in message
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    assert not ProposalStatusChange.objects.filter(proposal=proposal).exists()


def test_approval_comes_only_with_a_decision(setup):
    proposal = make_proposal(setup)
    services.proposal_set_status(
        by=setup.member, proposal=proposal, to_status=ProposalStatus.SUBMITTED
    )
    with pytest.raises(Conflict) as refused:
        services.proposal_set_status(
            by=setup.coordinator, proposal=proposal, to_status=ProposalStatus.APPROVED
        )
    assert "riunione" in refused.value.messages[0]


def test_publishing_credits_every_coauthor_and_records_who_moved_it(setup):
    proposal = make_proposal(setup, publish=False)
    other = setup.coordinator
    services.coauthor_add(by=setup.member, proposal=proposal, user=other)
    assert not ProposalCoAuthor.objects.filter(credited_at__isnull=False).exists()
    services.proposal_publish(by=setup.member, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISCUSSION
    assert proposal.published_at is not None
    assert ProposalCoAuthor.objects.filter(proposal=proposal, credited_at__isnull=True).count() == 0
    change = ProposalStatusChange.objects.get(proposal=proposal)
    assert (change.from_status, change.to_status, change.changed_by) == (
        ProposalStatus.DRAFT,
        ProposalStatus.DISCUSSION,
        setup.member,
    )


def test_coauthors_are_members_not_observers(setup):
    proposal = make_proposal(setup)
    with pytest.raises(ValidationError):
        services.coauthor_add(by=setup.member, proposal=proposal, user=setup.observer)
    with pytest.raises(ValidationError):
        services.coauthor_add(by=setup.member, proposal=proposal, user=setup.outsider)


def test_only_a_coordinator_sends_a_submitted_proposal_back(setup):
    proposal = make_proposal(setup)
    services.proposal_set_status(
        by=setup.member, proposal=proposal, to_status=ProposalStatus.SUBMITTED
    )
    with pytest.raises(PermissionDenied):
        services.proposal_set_status(
            by=setup.member, proposal=proposal, to_status=ProposalStatus.DISCUSSION
        )
    services.proposal_set_status(
        by=setup.coordinator, proposal=proposal, to_status=ProposalStatus.DISCUSSION
    )


def submitted(setup):
    proposal = make_proposal(setup)
    services.proposal_set_status(
        by=setup.member, proposal=proposal, to_status=ProposalStatus.SUBMITTED
    )
    return proposal


def test_a_decision_needs_a_meeting_of_the_table(setup):
    proposal = submitted(setup)
    with pytest.raises(ValidationError) as refused:
        services.decision_record(
            by=setup.coordinator, proposal=proposal, meeting=None, outcome="approved"
        )
    assert "meeting" in refused.value.error_dict
    elsewhere = make_table()
    with pytest.raises(ValidationError):
        services.decision_record(
            by=setup.coordinator,
            proposal=proposal,
            meeting=make_meeting(elsewhere),
            outcome="approved",
        )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert not TableDecision.objects.exists()


def test_a_decision_waits_for_the_meeting_to_begin(setup):
    proposal = submitted(setup)
    upcoming = make_meeting(setup, days=2, title="Tavolo di giugno")
    with pytest.raises(ValidationError) as refused:
        services.decision_record(
            by=setup.coordinator, proposal=proposal, meeting=upcoming, outcome="approved"
        )
    assert (
        "«Tavolo di giugno» non è ancora cominciata"
        in refused.value.error_dict["meeting"][0].message
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert not TableDecision.objects.exists()
    # The decision form offers only the meetings that have begun.
    begun = make_meeting(setup, days=-1)
    assert selectors.open_meetings(setup.table) == [begun]


def test_a_decision_at_a_meeting_moves_the_proposal_and_puts_it_on_the_agenda(setup):
    proposal = submitted(setup)
    meeting = make_meeting(setup)
    decision = services.decision_record(
        by=setup.coordinator,
        proposal=proposal,
        meeting=meeting,
        outcome="approved",
        votes_for=7,
        votes_against=1,
        votes_abstained=2,
        motivation="Risponde al bisogno emerso nella mappatura.",
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert decision.meeting == meeting
    assert meeting.agenda_items.get().proposal == proposal
    assert Notification.objects.filter(user=setup.member, kind="tables.status").exists()
    with pytest.raises(Conflict):
        services.decision_record(
            by=setup.coordinator,
            proposal=proposal,
            meeting=meeting,
            outcome="rejected",
            motivation="no",
        )


def test_a_rejection_needs_a_motivation_and_votes_are_whole_numbers(setup):
    proposal = submitted(setup)
    meeting = make_meeting(setup)
    with pytest.raises(ValidationError):
        services.decision_record(
            by=setup.coordinator, proposal=proposal, meeting=meeting, outcome="rejected"
        )
    with pytest.raises(ValidationError):
        services.decision_record(
            by=setup.coordinator,
            proposal=proposal,
            meeting=meeting,
            outcome="approved",
            votes_for=-2,
        )
    with pytest.raises(PermissionDenied):
        services.decision_record(
            by=setup.member, proposal=proposal, meeting=meeting, outcome="approved"
        )


def test_the_area_is_required(setup):
    with pytest.raises(ValidationError) as refused:
        make_proposal(setup, area=None)
    assert "area" in refused.value.error_dict
    assert area() is not None
