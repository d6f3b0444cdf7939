"""Helpers shared by the tables' services: refusals, locks, slugs and notifying the people
who may see what the notification is about (never anyone else: tables.rules)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify

from hub import notifications
from tables.models import Membership, Proposal, ProposalStatus, Role, Table
from tables.notifications import meeting_topic, place_of, proposal_topic

# Refusals because of the state of the thing (a 409, for pages and API alike).
STATUS_CONFLICT = "tables_status_not_allowed"
LOCKED = "tables_locked"
FROZEN = "tables_minutes_frozen"
STALE = "tables_stale_version"
NOT_LINKABLE = "tables_proposal_not_linkable"
SUGGESTION_DECIDED = "tables_suggestion_decided"
CONFLICTS = (STATUS_CONFLICT, LOCKED, FROZEN, STALE, NOT_LINKABLE, SUGGESTION_DECIDED)


class Conflict(ValidationError):
    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code)


def fail(field: str | None, message: str, code: str = "invalid"):
    """Raise a ValidationError on one field (None: the whole request)."""
    if field is None:
        raise ValidationError(message, code=code)
    raise ValidationError({field: ValidationError(message, code=code)})


def unique_slug(queryset, text: str, *, max_length: int = 200) -> str:
    base = (slugify(text) or "tavolo")[: max_length - 6].strip("-") or "tavolo"
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def lock_proposal(proposal_id: int) -> Proposal:
    """The proposal row, locked until the transaction ends (SQLite: the IMMEDIATE write lock)."""
    return Proposal.objects.select_for_update().select_related("table").get(pk=proposal_id)


def member_ids(table: Table, *, roles: Iterable[str] | None = None) -> list[int]:
    queryset = Membership.objects.filter(table=table)
    if roles is not None:
        queryset = queryset.filter(role__in=list(roles))
    return list(queryset.values_list("user_id", flat=True))


def proposal_viewers(proposal: Proposal, user_ids: Iterable[int]) -> list[int]:
    """Of `user_ids`, those who may see the proposal now (one query, none for a public
    proposal): a private table's members; a draft's co-authors and coordinators."""
    wanted = {int(user_id) for user_id in user_ids}
    if not wanted:
        return []
    table = proposal.table
    if proposal.status == ProposalStatus.DRAFT:
        allowed = set(
            Membership.objects.filter(table=table, user_id__in=wanted)
            .filter(Q(role=Role.COORDINATOR) | Q(user__proposal_authorships__proposal=proposal))
            .values_list("user_id", flat=True)
        )
    elif not table.is_public:
        allowed = set(
            Membership.objects.filter(table=table, user_id__in=wanted).values_list(
                "user_id", flat=True
            )
        )
    else:
        allowed = wanted
    return sorted(wanted & allowed)


def notify_table(
    table: Table,
    *,
    users: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    actor=None,
    key: str = "",
    proposal: Proposal | None = None,
    meeting=None,
) -> None:
    """Notify in the table's place; about a proposal or a meeting, under its topic (so a
    digest groups by proposal)."""
    topic = {}
    if proposal is not None:
        topic = proposal_topic(proposal)
    elif meeting is not None:
        topic = meeting_topic(meeting)
    notifications.notify(
        users=list(users),
        kind=kind,
        title=title,
        body=body,
        url=url,
        place=place_of(table.pk),
        place_label=table.name,
        actor=actor,
        key=key,
        **topic,
    )
