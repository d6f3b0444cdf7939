"""Reads of purchase groups: members, join requests, pickup points, rounds."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from gaf.models import (
    GroupJoinRequest,
    GroupMembership,
    OrderRound,
    PickupPoint,
    PurchaseGroup,
    RoundState,
)

ZERO = Decimal("0")
CENTS_ZERO = Decimal("0.00")


def groups_of(user) -> QuerySet[PurchaseGroup]:
    """The groups the user's family belongs to."""
    return (
        PurchaseGroup.objects.filter(memberships__family__memberships__user=user)
        .select_related("municipality", "network")
        .distinct()
        .order_by("name")
    )


def group_members(*, group: PurchaseGroup) -> QuerySet[GroupMembership]:
    return (
        GroupMembership.objects.filter(group=group)
        .select_related("family", "default_pickup_point")
        .order_by("family__name")
    )


def group_rounds(*, group: PurchaseGroup, states=None) -> QuerySet[OrderRound]:
    rounds = OrderRound.objects.filter(group=group).select_related("supplier")
    if states is not None:
        rounds = rounds.filter(state__in=states)
    return rounds.order_by("-closes_at")


def open_rounds_for(user) -> QuerySet[OrderRound]:
    """Rounds taking orders in the user's groups, closing soonest first."""
    return (
        OrderRound.objects.filter(
            state=RoundState.OPEN, group__memberships__family__memberships__user=user
        )
        .select_related("group", "supplier")
        .distinct()
        .order_by("closes_at")
    )


def group_by_slug(slug: str) -> PurchaseGroup | None:
    return PurchaseGroup.objects.select_related("network", "municipality").filter(slug=slug).first()


def pending_join_requests(*, group: PurchaseGroup) -> list[GroupJoinRequest]:
    """The requests a coordinator still has to answer, oldest first (one query)."""
    return list(
        GroupJoinRequest.objects.filter(group=group, status=GroupJoinRequest.Status.PENDING)
        .select_related("family", "requested_by")
        .order_by("created_at")
    )


def join_request(*, group: PurchaseGroup, request_id: int) -> GroupJoinRequest | None:
    return (
        GroupJoinRequest.objects.select_related("family", "group")
        .filter(pk=request_id, group=group)
        .first()
    )


def group_membership(*, group: PurchaseGroup, membership_id: int) -> GroupMembership | None:
    return (
        GroupMembership.objects.select_related("family")
        .filter(pk=membership_id, group=group)
        .first()
    )


def group_pickup_points(*, group: PurchaseGroup) -> list[PickupPoint]:
    """Every pickup point of the group, the active ones first."""
    return list(group.pickup_points.order_by("-is_active", "name"))


def pickup_point(*, group: PurchaseGroup, point_id: int) -> PickupPoint | None:
    return PickupPoint.objects.filter(pk=point_id, group=group).first()
