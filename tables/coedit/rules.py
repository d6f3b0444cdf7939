"""Who may read and who may write a co-edited document.

- The body of a proposal: read by whoever may see the proposal (a public table's proposals
  by everyone signed in, a private table's by its members; a draft by its co-authors and the
  table's coordinators); written by its co-authors and the table's coordinators while the
  proposal is being written (draft, in discussion), never by observers.
- The minutes of a meeting: read by whoever may see the table; written by the table's members
  and coordinators until a coordinator approves them (then they are frozen).

`writable_by(user_id)` is the same rule as a condition on CoeditDocument rows, so that the
service that stores an update checks it in the very query that locks the document: a member
removed mid-session cannot write one update more, and the check costs no extra round trip.

These answers match tables.rules (can_view_proposal, can_edit_proposal, can_view_meeting);
when the two branches meet, the object-level functions below delegate to it (issue 14).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from hub.rules import is_person
from tables.models import (
    CoeditDocument,
    Meeting,
    Membership,
    Minutes,
    Proposal,
    ProposalCoAuthor,
    ProposalStatus,
    Role,
)

WRITER_ROLES = (Role.COORDINATOR, Role.MEMBER)
# tables.workflow.EDITABLE: the text changes only while the proposal is being written.
EDITABLE_STATUSES = (ProposalStatus.DRAFT, ProposalStatus.DISCUSSION)

KINDS = {CoeditDocument.Kind.PROPOSAL, CoeditDocument.Kind.MINUTES}


def _role(user, table_id: int) -> str | None:
    if not is_person(user):
        return None
    return (
        Membership.objects.filter(table_id=table_id, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )


def _is_coauthor(user, proposal: Proposal) -> bool:
    return ProposalCoAuthor.objects.filter(proposal=proposal, user_id=user.pk).exists()


def can_read_document(user, target: Proposal | Meeting) -> bool:
    if not is_person(user):
        return False
    role = _role(user, target.table_id)
    if not (target.table.is_public or role is not None or user.is_superuser):
        return False
    if isinstance(target, Proposal) and target.status == ProposalStatus.DRAFT:
        return role == Role.COORDINATOR or user.is_superuser or _is_coauthor(user, target)
    return True


def can_write_document(user, target: Proposal | Meeting) -> bool:
    if not is_person(user):
        return False
    role = _role(user, target.table_id)
    if user.is_superuser:
        role = Role.COORDINATOR
    if role not in WRITER_ROLES:
        return False
    if isinstance(target, Proposal):
        return target.status in EDITABLE_STATUSES and (
            role == Role.COORDINATOR or _is_coauthor(user, target)
        )
    return not Minutes.objects.filter(meeting=target, approved_at__isnull=False).exists()


def writable_by(user_id: int) -> Q:
    """CoeditDocument rows that the person `user_id` may write now, as a condition."""
    person = get_user_model().objects.filter(pk=user_id, is_active=True)
    superuser = Exists(person.filter(is_superuser=True))
    active = Exists(person)

    def role_at(table_ref: str, roles) -> Exists:
        return Exists(
            Membership.objects.filter(table_id=OuterRef(table_ref), user_id=user_id, role__in=roles)
        )

    proposal_writers = (
        superuser
        | role_at("proposal__table_id", [Role.COORDINATOR])
        | (
            role_at("proposal__table_id", [Role.MEMBER])
            & Exists(
                ProposalCoAuthor.objects.filter(
                    proposal_id=OuterRef("proposal_id"), user_id=user_id
                )
            )
        )
    )
    minutes_open = ~Exists(
        Minutes.objects.filter(meeting_id=OuterRef("meeting_id"), approved_at__isnull=False)
    )
    return active & (
        (
            Q(kind=CoeditDocument.Kind.PROPOSAL, proposal__status__in=EDITABLE_STATUSES)
            & proposal_writers
        )
        | (
            Q(kind=CoeditDocument.Kind.MINUTES)
            & minutes_open
            & (superuser | role_at("meeting__table_id", WRITER_ROLES))
        )
    )
