"""Who may read and who may write a co-edited document.

- The body of a proposal: read by whoever may see the proposal (a public table's proposals
  by everyone signed in, a private table's by its members; a draft by its co-authors and the
  table's coordinators); written by its co-authors and the table's coordinators while the
  proposal is being written (draft, in discussion), never by observers.
- The minutes of a meeting: read by whoever may see the table; written by the table's members
  and coordinators until a coordinator approves them (then they are frozen).

`writable_document_sql` is the same writing rule as one SQL query, with which the service
that stores an update locks the document: a member removed mid-session cannot write one
update more, and the check costs no extra round trip.

These answers match tables.rules (can_view_proposal, can_edit_proposal, can_view_meeting);
when the two branches meet, the object-level functions below delegate to it (issue 14).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

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


def writable_document_sql(*, for_update: bool) -> str:
    """The query that stores an update starts with: the document's `last_seq` if the person
    %(user)s may write the document %(document)s now, else no row. Plain SQL, built once: it
    runs for every update, and compiling the same condition through the ORM cost more than
    running it."""
    names = {
        "document": CoeditDocument._meta.db_table,
        "user": get_user_model()._meta.db_table,
        "proposal": Proposal._meta.db_table,
        "meeting": Meeting._meta.db_table,
        "membership": Membership._meta.db_table,
        "coauthor": ProposalCoAuthor._meta.db_table,
        "minutes": Minutes._meta.db_table,
    }
    editable = ", ".join(f"'{status}'" for status in EDITABLE_STATUSES)
    writers = ", ".join(f"'{role}'" for role in WRITER_ROLES)
    # Only table names from the models and the constants above go into the text; the
    # person and the document are parameters.
    superuser = (
        f"EXISTS (SELECT 1 FROM {names['user']} su WHERE su.id = %(user)s AND su.is_superuser)"  # noqa: S608
    )

    def role_at(table: str, roles: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {names['membership']} mb WHERE mb.table_id = {table} "  # noqa: S608
            f"AND mb.user_id = %(user)s AND mb.role IN ({roles}))"
        )

    sql = f"""
        SELECT d.last_seq FROM {names["document"]} d
        WHERE d.id = %(document)s
          AND EXISTS (SELECT 1 FROM {names["user"]} u WHERE u.id = %(user)s AND u.is_active)
          AND (
            (d.kind = '{CoeditDocument.Kind.PROPOSAL}' AND EXISTS (
              SELECT 1 FROM {names["proposal"]} p
              WHERE p.id = d.proposal_id AND p.status IN ({editable})
                AND ({superuser}
                     OR {role_at("p.table_id", f"'{Role.COORDINATOR}'")}
                     OR ({role_at("p.table_id", f"'{Role.MEMBER}'")}
                         AND EXISTS (SELECT 1 FROM {names["coauthor"]} ca
                                     WHERE ca.proposal_id = p.id AND ca.user_id = %(user)s)))))
            OR (d.kind = '{CoeditDocument.Kind.MINUTES}' AND EXISTS (
              SELECT 1 FROM {names["meeting"]} mt
              WHERE mt.id = d.meeting_id
                AND NOT EXISTS (SELECT 1 FROM {names["minutes"]} mn
                                WHERE mn.meeting_id = mt.id AND mn.approved_at IS NOT NULL)
                AND ({superuser} OR {role_at("mt.table_id", writers)})))
          )
    """  # noqa: S608
    return sql + (" FOR UPDATE OF d" if for_update else "")
