"""Comments, moderation, endorsements, mentions and who is told what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from associations.models import Association
from hub.notifications.models import Notification
from tables import services
from tables.models import Membership, ProposalStatus, Role, Table
from tables.services import Conflict
from tests.hub.factories import UserFactory
from tests.tables.factories import make_proposal, make_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return make_table()


def update_body(setup, proposal, body):
    proposal.refresh_from_db()
    return services.proposal_update(
        by=setup.member,
        proposal=proposal,
        title=proposal.title,
        summary=proposal.summary,
        body=body,
        area=proposal.area,
        budget_estimate=proposal.budget_estimate,
    )


def test_threads_go_three_deep_and_no_deeper(setup):
    proposal = make_proposal(setup)
    first = services.comment_create(by=setup.member, proposal=proposal, body="Bene", stance="for")
    second = services.comment_create(
        by=setup.coordinator, proposal=proposal, body="Perché?", parent=first
    )
    third = services.comment_create(by=setup.member, proposal=proposal, body="Ecco", parent=second)
    assert (first.depth, second.depth, third.depth) == (1, 2, 3)
    with pytest.raises(ValidationError) as refused:
        services.comment_create(by=setup.member, proposal=proposal, body="Oltre", parent=third)
    assert "parent" in refused.value.error_dict


def test_comments_on_a_locked_proposal_are_refused(setup):
    proposal = make_proposal(setup)
    services.proposal_set_status(
        by=setup.member, proposal=proposal, to_status=ProposalStatus.WITHDRAWN
    )
    with pytest.raises(Conflict) as refused:
        services.comment_create(by=setup.member, proposal=proposal, body="Ancora")
    assert "«ritirata»" in refused.value.messages[0]
    assert not proposal.comments.exists()


def test_observers_and_outsiders_do_not_comment(setup):
    proposal = make_proposal(setup)
    for person in (setup.observer, setup.outsider):
        with pytest.raises(PermissionDenied):
            services.comment_create(by=person, proposal=proposal, body="Io")


def test_hiding_needs_a_reason_and_a_coordinator(setup):
    proposal = make_proposal(setup)
    comment = services.comment_create(by=setup.member, proposal=proposal, body="Fuori tema")
    with pytest.raises(PermissionDenied):
        services.comment_hide(by=setup.member, comment=comment, reason="no")
    with pytest.raises(ValidationError):
        services.comment_hide(by=setup.coordinator, comment=comment, reason="  ")
    hidden = services.comment_hide(by=setup.coordinator, comment=comment, reason="Offensivo")
    assert hidden.hidden and hidden.hidden_by == setup.coordinator
    assert services.comment_unhide(by=setup.coordinator, comment=comment).hidden is False


def test_endorsers_and_commenters_are_told_when_the_proposal_changes(setup):
    proposal = make_proposal(setup)
    fan = UserFactory()
    Membership.objects.create(table=setup.table, user=fan, role=Role.MEMBER)
    services.endorsement_create(by=fan, proposal=proposal)
    services.comment_create(by=setup.coordinator, proposal=proposal, body="Mi piace")
    update_body(setup, proposal, "Tre pomeriggi a settimana.")
    told = set(
        Notification.objects.filter(kind="tables.proposal_changed").values_list("user", flat=True)
    )
    assert told == {fan.pk, setup.coordinator.pk}


def test_a_removed_member_of_a_private_table_is_not_told(setup):
    private = make_table(visibility=Table.Visibility.PRIVATE)
    proposal = make_proposal(private)
    leaver = UserFactory()
    membership = Membership.objects.create(table=private.table, user=leaver, role=Role.MEMBER)
    services.endorsement_create(by=leaver, proposal=proposal)
    membership.delete()
    update_body(private, proposal, "Cambiato")
    assert not Notification.objects.filter(user=leaver).exists()


def test_an_association_endorses_through_its_representative(setup):
    proposal = make_proposal(setup)
    association = Association.objects.create(
        name="Famiglie in rete",
        slug="famiglie-in-rete",
        kind="associazione",
        network=setup.table.network,
    )
    rep = UserFactory()
    Membership.objects.create(
        table=setup.table, user=rep, role=Role.MEMBER, association=association
    )
    endorsement = services.endorsement_create(
        by=rep, proposal=proposal, on_behalf_of_association=True
    )
    assert endorsement.association == association
    personal = services.endorsement_create(by=rep, proposal=proposal)
    assert personal.association is None
    with pytest.raises(ValidationError):
        services.endorsement_create(
            by=setup.member, proposal=proposal, on_behalf_of_association=True
        )
    assert proposal.endorsements.count() == 2


def test_mentions_notify_members_who_can_see_and_nobody_else(setup):
    private = make_table(visibility=Table.Visibility.PRIVATE)
    proposal = make_proposal(private)
    private.member.full_name = "Anna Maria Bianchi"
    private.member.save()
    stranger = UserFactory(full_name="Mario Estraneo")
    services.comment_create(
        by=private.coordinator,
        proposal=proposal,
        body="@Anna Maria Bianchi e @Mario Estraneo, che ne dite?",
    )
    mentioned = Notification.objects.filter(kind="mention")
    assert list(mentioned.values_list("user", flat=True)) == [private.member.pk]
    assert not Notification.objects.filter(user=stranger).exists()
