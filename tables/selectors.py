"""Reads of the tables app: each page's data in a fixed number of queries, whatever the
number of members, proposals, versions or comments; and only what tables.rules lets the
person see."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tables import diff, rules
from tables.models import (
    AgendaItem,
    Attendance,
    Comment,
    Endorsement,
    Invitation,
    Meeting,
    Membership,
    MembershipRequest,
    Minutes,
    Proposal,
    ProposalCoAuthor,
    ProposalStatus,
    ProposalStatusChange,
    ProposalVersion,
    Role,
    Suggestion,
    Table,
    TableDecision,
)

RECENT_MEETINGS = 10
ROLE_ORDER = {Role.COORDINATOR: 0, Role.MEMBER: 1, Role.OBSERVER: 2}


def visible_tables(user) -> QuerySet:
    """The tables this person may see: the public ones and their own."""
    queryset = Table.objects.select_related("network", "municipality")
    if rules.is_person(user) and user.is_superuser:
        return queryset
    mine = rules.member_table_ids(user)
    return queryset.filter(Q(visibility=Table.Visibility.PUBLIC) | Q(pk__in=mine))


def tables_for(user) -> list[Table]:
    """The tables list (two queries): counts of members and published proposals."""
    tables = list(
        visible_tables(user)
        .annotate(
            member_count=Count("memberships", distinct=True),
            proposal_count=Count(
                "proposals",
                filter=~Q(proposals__status=ProposalStatus.DRAFT),
                distinct=True,
            ),
        )
        .order_by("network__name", "kind", "name")
    )
    mine = rules.member_table_ids(user)
    for table in tables:
        table.is_mine = table.pk in mine
    return tables


def table_by_slug(slug: str) -> Table | None:
    return Table.objects.select_related("network", "municipality").filter(slug=slug).first()


def visible_proposals(table: Table, user) -> QuerySet:
    """The proposals of the table this person may see (drafts: co-authors and coordinators)."""
    queryset = Proposal.objects.filter(table=table)
    if rules.is_coordinator(user, table):
        return queryset
    if not rules.is_person(user):
        return queryset.exclude(status=ProposalStatus.DRAFT)
    own = ProposalCoAuthor.objects.filter(proposal=OuterRef("pk"), user=user)
    return queryset.filter(~Q(status=ProposalStatus.DRAFT) | Exists(own))


@dataclass
class TablePage:
    table: Table
    members: list = field(default_factory=list)
    proposals: list = field(default_factory=list)
    upcoming_meetings: list = field(default_factory=list)
    past_meetings: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    invitations: list = field(default_factory=list)
    pending_request: MembershipRequest | None = None


def table_page(*, table: Table, user) -> TablePage:
    """Everything the table's page shows (at most seven queries)."""
    page = TablePage(table=table)
    page.members = sorted(
        Membership.objects.filter(table=table).select_related("user", "association"),
        key=lambda m: (ROLE_ORDER.get(m.role, 9), (m.user.full_name or m.user.email).lower()),
    )
    page.proposals = list(
        visible_proposals(table, user)
        .select_related("area")
        .annotate(
            comment_count=Count("comments", filter=Q(comments__hidden=False), distinct=True),
            endorsement_count=Count("endorsements", distinct=True),
        )
        .order_by("-updated_at", "pk")
    )
    now = timezone.now()
    page.upcoming_meetings = list(
        Meeting.objects.filter(table=table, ends_at__gte=now).order_by("starts_at")[
            :RECENT_MEETINGS
        ]
    )
    page.past_meetings = list(
        Meeting.objects.filter(table=table, ends_at__lt=now).order_by("-starts_at")[
            :RECENT_MEETINGS
        ]
    )
    if rules.can_manage_members(user, table):
        page.requests = list(
            MembershipRequest.objects.filter(table=table, status=MembershipRequest.Status.PENDING)
            .select_related("user", "association")
            .order_by("created_at")
        )
        page.invitations = list(
            Invitation.objects.filter(
                table=table, status=Invitation.Status.PENDING, expires_at__gt=now
            ).order_by("-created_at")
        )
    elif rules.can_request_membership(user, table):
        page.pending_request = MembershipRequest.objects.filter(
            table=table, user=user, status=MembershipRequest.Status.PENDING
        ).first()
    return page


# --- Meetings ---------------------------------------------------------------------------------


def meeting_for(table: Table, meeting_id: int) -> Meeting | None:
    return Meeting.objects.filter(table=table, pk=meeting_id).first()


@dataclass
class MeetingPage:
    meeting: Meeting
    agenda: list
    attendances: list
    minutes: Minutes | None
    decisions: list
    members: list


def meeting_page(*, meeting: Meeting, user) -> MeetingPage:
    """The meeting's agenda, linked proposals, attendance, minutes and decisions (at most six
    queries). A linked proposal the person may not see (a draft) shows as its title only to
    those who may."""
    agenda = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("proposal")
        .order_by("order", "pk")
    )
    coordinator = rules.is_coordinator(user, meeting.table)
    own_drafts = set()
    if not coordinator and rules.is_person(user):
        own_drafts = set(
            ProposalCoAuthor.objects.filter(
                user=user, proposal__in=[i.proposal_id for i in agenda if i.proposal_id]
            ).values_list("proposal_id", flat=True)
        )
    for item in agenda:
        item.visible_proposal = (
            item.proposal
            if item.proposal is not None
            and (
                item.proposal.status != ProposalStatus.DRAFT
                or coordinator
                or item.proposal_id in own_drafts
            )
            else None
        )
    return MeetingPage(
        meeting=meeting,
        agenda=agenda,
        attendances=list(
            Attendance.objects.filter(meeting=meeting).select_related("user").order_by("status")
        ),
        minutes=Minutes.objects.filter(meeting=meeting).select_related("approved_by").first(),
        decisions=list(
            TableDecision.objects.filter(meeting=meeting).select_related("proposal").order_by("pk")
        ),
        members=(
            list(Membership.objects.filter(table=meeting.table).select_related("user"))
            if coordinator
            else []
        ),
    )


# --- Proposals --------------------------------------------------------------------------------


def proposal_for(table: Table, proposal_id: int) -> Proposal | None:
    return (
        Proposal.objects.filter(table=table, pk=proposal_id)
        .select_related("table__network", "area", "created_by")
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=ProposalCoAuthor.objects.select_related("user").order_by("added_at", "pk"),
            ),
            "age_bands",
            "municipalities",
            "partner_associations",
        )
        .first()
    )


@dataclass
class ProposalPage:
    proposal: Proposal
    history: list
    versions: list
    comments: list  # the top-level comments, each with `.replies` (and theirs)
    comment_count: int
    last_comment_id: int
    suggestion_comment_counts: dict  # suggestion id -> its comments (visible ones)
    endorsements: list
    decision: TableDecision | None
    meetings: list
    changed_since: int | None = None  # the version the person endorsed or commented on
    changes: list | None = None  # that version's differences with the current one
    my_endorsement: Endorsement | None = None
    my_association_endorsement: Endorsement | None = None


def arrange_comments(comments: list[Comment]) -> list[Comment]:
    """The threads: top-level comments in order, each with its `.replies` in order."""
    by_id = {comment.pk: comment for comment in comments}
    roots = []
    for comment in comments:
        comment.thread_replies = []
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        if parent is None:
            roots.append(comment)
        else:
            parent.thread_replies.append(comment)
    return roots


def comments_of(proposal: Proposal, *, after_id: int = 0) -> list[Comment]:
    return list(
        Comment.objects.filter(proposal=proposal, pk__gt=after_id)
        .select_related("author", "hidden_by", "suggestion")
        .order_by("pk")
    )


def suggestions_of(proposal: Proposal) -> list[Suggestion]:
    """The proposal's suggestions, open ones first, each with its author and who decided."""
    return sorted(
        Suggestion.objects.filter(proposal=proposal).select_related("author", "decided_by"),
        key=lambda suggestion: (suggestion.status != Suggestion.Status.OPEN, suggestion.pk),
    )


def proposal_page(*, proposal: Proposal, user) -> ProposalPage:
    """The proposal's page (a fixed number of queries for any number of comments, versions,
    endorsements and status changes)."""
    comments = comments_of(proposal)
    endorsements = list(
        Endorsement.objects.filter(proposal=proposal)
        .select_related("user", "association")
        .order_by("created_at", "pk")
    )
    page = ProposalPage(
        proposal=proposal,
        history=list(
            ProposalStatusChange.objects.filter(proposal=proposal)
            .select_related("changed_by")
            .order_by("changed_at", "pk")
        ),
        versions=list(
            ProposalVersion.objects.filter(proposal=proposal)
            .defer("snapshot")
            .select_related("author")
            .order_by("-number")
        ),
        comments=arrange_comments(comments),
        comment_count=len(comments),
        last_comment_id=comments[-1].pk if comments else 0,
        suggestion_comment_counts=dict(
            Counter(c.suggestion_id for c in comments if c.suggestion_id and not c.hidden)
        ),
        endorsements=endorsements,
        decision=TableDecision.objects.filter(proposal=proposal).select_related("meeting").first(),
        meetings=list(
            Meeting.objects.filter(agenda_items__proposal=proposal).distinct().order_by("starts_at")
        ),
    )
    if rules.is_person(user):
        association = rules.endorsable_association(user, proposal)
        for endorsement in endorsements:
            if endorsement.association_id is None and endorsement.user_id == user.pk:
                page.my_endorsement = endorsement
            if association is not None and endorsement.association_id == association.pk:
                page.my_association_endorsement = endorsement
        seen = [
            e.version_number
            for e in (page.my_endorsement, page.my_association_endorsement)
            if e is not None
        ]
        seen += [c.version_number for c in comments if c.author_id == user.pk]
        if seen:
            # The latest version the person reacted to: what changed after it.
            since = max(seen)
            if 0 < since < proposal.latest_version:
                page.changed_since = since
                page.changes = compare_versions(proposal, since, proposal.latest_version)
    return page


def version_snapshots(proposal: Proposal, numbers: list[int]) -> dict[int, dict]:
    return dict(
        ProposalVersion.objects.filter(proposal=proposal, number__in=numbers).values_list(
            "number", "snapshot"
        )
    )


def compare_versions(proposal: Proposal, old: int, new: int) -> list[diff.FieldChange] | None:
    """The word-by-word differences from version `old` to version `new` (one query); None
    when either does not exist."""
    snapshots = version_snapshots(proposal, [old, new])
    if old not in snapshots or new not in snapshots:
        return None
    return diff.compare(snapshots[old], snapshots[new])


def open_meetings(table: Table) -> list[Meeting]:
    """Meetings a decision can be recorded at: begun already, not cancelled, most recent
    first (a table decides when it meets, not before)."""
    return list(
        Meeting.objects.filter(table=table, starts_at__lte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")[:20]
    )


def table_members(table: Table, *, roles=None) -> list[Membership]:
    queryset = Membership.objects.filter(table=table).select_related("user")
    if roles is not None:
        queryset = queryset.filter(role__in=roles)
    return list(queryset)
