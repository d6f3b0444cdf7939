"""Who may see and do what at a table: the one place views, templates, feeds and
notifications ask.

- A public table is read by everyone; a private table shows nothing at all (not its name,
  not its meetings, proposals or comments) to anyone but its members. Whoever may not see a
  table gets "not found", as if it did not exist.
- Members act (propose, comment, endorse); observers only read; coordinators also manage
  members, meetings, minutes and decisions, and moderate. A superuser acts as a coordinator.
- A draft is seen only by its co-authors and the table's coordinators until it is published.

A person's memberships are read once (one query) and kept on the user object for the request.
"""

from __future__ import annotations

from hub.rules import is_person
from tables import workflow
from tables.models import Comment, Meeting, Membership, Proposal, ProposalStatus, Role, Table


def _memberships(user) -> dict[int, Membership]:
    if not is_person(user):
        return {}
    cache = getattr(user, "_table_memberships", None)
    if cache is None:
        cache = {
            m.table_id: m
            for m in Membership.objects.filter(user=user).select_related("association")
        }
        user._table_memberships = cache
    return cache


def forget_memberships(user) -> None:
    """Drop the cached memberships (after the person joined or left a table)."""
    if user is not None and hasattr(user, "_table_memberships"):
        del user._table_memberships


def _is_superuser(user) -> bool:
    return is_person(user) and user.is_superuser


def membership(user, table: Table) -> Membership | None:
    return _memberships(user).get(table.pk)


def member_table_ids(user) -> set[int]:
    return set(_memberships(user))


def role(user, table: Table) -> str | None:
    found = membership(user, table)
    return found.role if found else None


def is_member(user, table: Table) -> bool:
    return membership(user, table) is not None


def is_coordinator(user, table: Table) -> bool:
    return role(user, table) == Role.COORDINATOR or _is_superuser(user)


def can_act(user, table: Table) -> bool:
    """Members and coordinators take part; observers only read."""
    return role(user, table) in (Role.COORDINATOR, Role.MEMBER) or _is_superuser(user)


# --- Tables -----------------------------------------------------------------------------------


def can_view_table(user, table: Table) -> bool:
    return table.is_public or is_member(user, table) or _is_superuser(user)


def can_create_table(user) -> bool:
    """Network staff, and whoever already coordinates a table."""
    if not is_person(user):
        return False
    return (
        user.is_staff
        or user.is_superuser
        or any(m.role == Role.COORDINATOR for m in _memberships(user).values())
    )


def can_request_membership(user, table: Table) -> bool:
    """A private table is joined by invitation only (nobody else knows it exists)."""
    return is_person(user) and table.is_public and not is_member(user, table)


def can_manage_members(user, table: Table) -> bool:
    return is_coordinator(user, table)


# --- Meetings ---------------------------------------------------------------------------------


def can_view_meeting(user, meeting: Meeting) -> bool:
    return can_view_table(user, meeting.table)


def can_manage_meetings(user, table: Table) -> bool:
    return is_coordinator(user, table)


# --- Proposals --------------------------------------------------------------------------------


def is_coauthor(user, proposal: Proposal) -> bool:
    """Answered from the prefetched co-authors when the selector loaded them."""
    if not is_person(user):
        return False
    return any(authorship.user_id == user.pk for authorship in proposal.authorships.all())


def can_view_proposal(user, proposal: Proposal) -> bool:
    if not can_view_table(user, proposal.table):
        return False
    if proposal.status != ProposalStatus.DRAFT:
        return True
    return is_coordinator(user, proposal.table) or is_coauthor(user, proposal)


def can_create_proposal(user, table: Table) -> bool:
    return can_act(user, table)


def can_edit_proposal(user, proposal: Proposal) -> bool:
    """Co-authors and coordinators change the text while it is being written."""
    return (
        proposal.status in workflow.EDITABLE
        and can_act(user, proposal.table)
        and (is_coordinator(user, proposal.table) or is_coauthor(user, proposal))
    )


def can_manage_coauthors(user, proposal: Proposal) -> bool:
    return can_edit_proposal(user, proposal)


def can_move_proposal(user, proposal: Proposal, to_status: str) -> bool:
    table = proposal.table
    if is_coordinator(user, table):
        return True
    if workflow.needs_coordinator(proposal.status, to_status):
        return False
    return can_act(user, table) and is_coauthor(user, proposal)


def status_moves(user, proposal: Proposal) -> list[str]:
    """The statuses this person may move the proposal to by hand."""
    return [
        status
        for status in workflow.manual_next(proposal.status)
        if can_move_proposal(user, proposal, status)
    ]


def can_record_decision(user, proposal: Proposal) -> bool:
    return proposal.status == ProposalStatus.SUBMITTED and is_coordinator(user, proposal.table)


# --- Discussion -------------------------------------------------------------------------------


def can_comment(user, proposal: Proposal) -> bool:
    return (
        proposal.status not in workflow.LOCKED
        and can_act(user, proposal.table)
        and can_view_proposal(user, proposal)
    )


def can_suggest(user, proposal: Proposal) -> bool:
    """Suggestions on the text: whoever belongs to the table, observers included (who may not
    edit), while the proposal is being written."""
    return (
        proposal.status in workflow.EDITABLE
        and (is_member(user, proposal.table) or _is_superuser(user))
        and can_view_proposal(user, proposal)
    )


def can_decide_suggestion(user, proposal: Proposal) -> bool:
    """Accepting or dismissing a suggestion: who edits the text (co-authors, coordinators)."""
    return can_edit_proposal(user, proposal)


def can_moderate(user, proposal: Proposal) -> bool:
    return is_coordinator(user, proposal.table)


def can_read_hidden_comment(user, comment: Comment, proposal: Proposal) -> bool:
    """A hidden comment's text stays readable by the coordinators who moderate."""
    return can_moderate(user, proposal)


def can_endorse(user, proposal: Proposal) -> bool:
    return proposal.status in workflow.ENDORSABLE and can_act(user, proposal.table)


def endorsable_association(user, proposal: Proposal):
    """The association this person represents at the proposal's table, if any: they may
    endorse on its behalf."""
    found = membership(user, proposal.table)
    if found is None or found.association_id is None:
        return None
    return found.association
