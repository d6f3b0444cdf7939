"""Tables (tavoli): intercommunal and municipal tables, their meetings, the proposals they
co-design, the discussion of each proposal and the table's decisions; the Piano Family
(plan.py). Visibility is decided in one place, tables.rules; state changes only through
tables.services.
"""

from tables.models.coedit import CoeditDocument, CoeditSnapshot, CoeditUpdate
from tables.models.discussion import MAX_COMMENT_DEPTH, Comment, Endorsement, Stance
from tables.models.meetings import AgendaItem, Attendance, Meeting, Minutes
from tables.models.plan import (
    Objective,
    ObjectiveAction,
    PianoFamily,
    ProgressUpdate,
    Status,
)
from tables.models.proposals import (
    Proposal,
    ProposalCoAuthor,
    ProposalStatus,
    ProposalStatusChange,
    ProposalVersion,
    TableDecision,
)
from tables.models.suggestions import Suggestion
from tables.models.tables import Invitation, Membership, MembershipRequest, Role, Table

__all__ = [
    "MAX_COMMENT_DEPTH",
    "AgendaItem",
    "Attendance",
    "CoeditDocument",
    "CoeditSnapshot",
    "CoeditUpdate",
    "Comment",
    "Endorsement",
    "Invitation",
    "Meeting",
    "Membership",
    "MembershipRequest",
    "Minutes",
    "Objective",
    "ObjectiveAction",
    "PianoFamily",
    "ProgressUpdate",
    "Proposal",
    "ProposalCoAuthor",
    "ProposalStatus",
    "ProposalStatusChange",
    "ProposalVersion",
    "Role",
    "Stance",
    "Status",
    "Suggestion",
    "Table",
    "TableDecision",
]
