"""Who may do what in the purchase groups. Views, API, consumers and templates ask here.

Roles belong to a family's membership of a group (gaf.models.GroupMembership), and a
person acts with the roles of their family. A person's memberships are read once per
request and cached on the user object.
"""

from __future__ import annotations

from gaf.models import (
    ChatMessage,
    ChatRoom,
    FundDisbursement,
    GroupJoinRequest,
    GroupMembership,
    Order,
    OrderRound,
    PurchaseGroup,
    RoundState,
)


def _memberships(user) -> dict[int, GroupMembership]:
    if not (user and user.is_authenticated and user.pk is not None):
        return {}
    cache = getattr(user, "_gaf_memberships", None)
    if cache is None:
        cache = {
            membership.group_id: membership
            for membership in GroupMembership.objects.filter(
                family__memberships__user=user
            ).select_related("group")
        }
        user._gaf_memberships = cache
    return cache


def _membership(user, group_id: int) -> GroupMembership | None:
    return _memberships(user).get(group_id)


def _is_superuser(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


def family_id_of(user) -> int | None:
    if not (user and user.is_authenticated and user.pk is not None):
        return None
    membership = getattr(user, "family_membership", None)
    return membership.family_id if membership is not None else None


def viewable_group_ids(user) -> list[int]:
    """The groups whose rounds the user may see: their family's, every one for a
    superuser (as can_view_round)."""
    if _is_superuser(user):
        return list(PurchaseGroup.objects.values_list("pk", flat=True))
    return sorted(_memberships(user))


def is_member(user, group: PurchaseGroup) -> bool:
    return _membership(user, group.pk) is not None


def is_coordinator(user, group: PurchaseGroup) -> bool:
    membership = _membership(user, group.pk)
    return bool(membership and membership.is_coordinator) or _is_superuser(user)


def is_treasurer(user, group: PurchaseGroup) -> bool:
    membership = _membership(user, group.pk)
    return bool(membership and membership.is_treasurer) or _is_superuser(user)


def is_supplier_referent(user, group: PurchaseGroup) -> bool:
    membership = _membership(user, group.pk)
    return bool(membership and membership.is_supplier_referent) or _is_superuser(user)


def coordinates_in_network(user, network_id: int) -> bool:
    return _is_superuser(user) or any(
        membership.is_coordinator and membership.group.network_id == network_id
        for membership in _memberships(user).values()
    )


# --- Groups ---------------------------------------------------------------------------------


def can_view_group(user, group: PurchaseGroup) -> bool:
    """A group's presentation (name, municipality, pickup points) is for any signed-in person,
    who may ask to join; its rounds and members are for members."""
    return bool(user and user.is_authenticated)


def can_view_group_activity(user, group: PurchaseGroup) -> bool:
    return is_member(user, group) or _is_superuser(user)


def can_request_join(user, group: PurchaseGroup) -> bool:
    return family_id_of(user) is not None and group.is_active and not is_member(user, group)


def can_manage_group(user, group: PurchaseGroup) -> bool:
    """Settings, pickup points, members' roles, join requests, rounds."""
    return is_coordinator(user, group)


def can_review_join_request(user, join_request: GroupJoinRequest) -> bool:
    return is_coordinator(user, join_request.group)


def can_manage_suppliers(user, network_id: int) -> bool:
    """Suppliers and products are shared by the network, managed by its coordinators."""
    return coordinates_in_network(user, network_id)


# --- Rounds and orders ----------------------------------------------------------------------


def can_view_round(user, round: OrderRound) -> bool:
    if round.state == RoundState.DRAFT:
        return can_manage_round(user, round)
    return is_member(user, round.group) or _is_superuser(user)


def can_manage_round(user, round: OrderRound) -> bool:
    """Open, close, reopen, send, settle, cancel; shared costs; everyone's orders."""
    return is_coordinator(user, round.group)


def can_record_delivery(user, round: OrderRound) -> bool:
    return (
        can_manage_round(user, round)
        or is_supplier_referent(user, round.group)
        or (user.is_authenticated and round.referent_id == user.pk)
    )


def can_view_all_orders(user, round: OrderRound) -> bool:
    """The supplier order and every family's slip (to prepare the pickup)."""
    return can_record_delivery(user, round) or is_treasurer(user, round.group)


def can_order(user, round: OrderRound) -> bool:
    """Whether to show the order form; the deadline itself is enforced by the service."""
    return round.state == RoundState.OPEN and is_member(user, round.group)


def can_view_order(user, order: Order) -> bool:
    """A family sees its own order, never another family's; organisers see all."""
    if family_id_of(user) == order.family_id:
        return True
    return can_view_all_orders(user, order.round)


# --- Money ----------------------------------------------------------------------------------


def can_record_payment(user, group: PurchaseGroup) -> bool:
    return is_treasurer(user, group)


def can_view_balance(user, group: PurchaseGroup, family_id: int) -> bool:
    if family_id_of(user) == family_id and is_member(user, group):
        return True
    return is_treasurer(user, group) or is_coordinator(user, group)


def can_manage_fund(user, network_id: int) -> bool:
    """The fund's ledger, donations and disbursement requests."""
    return coordinates_in_network(user, network_id)


def can_approve_disbursement(user, disbursement: FundDisbursement) -> bool:
    """A coordinator of the network who has not approved it yet (two different people)."""
    coordinator = any(
        membership.is_coordinator and membership.group.network_id == disbursement.network_id
        for membership in _memberships(user).values()
    )
    return (
        coordinator
        and disbursement.status == FundDisbursement.Status.REQUESTED
        # .all(): free when the page prefetched the approvals (selectors.fund_disbursements).
        and all(approval.approver_id != user.pk for approval in disbursement.approvals.all())
    )


# --- Chat -----------------------------------------------------------------------------------


def _is_network_staff(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


def can_read_room(user, room: ChatRoom) -> bool:
    """The group's member families and network staff; a draft round's thread is for those
    who may see the draft. Reading, posting and joining the socket are the same right."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if _is_network_staff(user):
        return True
    if room.round_id is not None and room.round.state == RoundState.DRAFT:
        return is_coordinator(user, room.group)
    return _membership(user, room.group_id) is not None


def can_moderate_room(user, room: ChatRoom) -> bool:
    """Delete anyone's message and pin messages: the group's coordinators and network staff."""
    if not can_read_room(user, room):
        return False
    membership = _membership(user, room.group_id)
    return _is_network_staff(user) or bool(membership and membership.is_coordinator)


def can_edit_message(user, message: ChatMessage) -> bool:
    return (
        user.is_authenticated
        and message.author_id == user.pk
        and not message.is_system
        and not message.is_deleted
    )


def can_delete_message(user, message: ChatMessage, room: ChatRoom) -> bool:
    if message.is_deleted:
        return False
    own = user.is_authenticated and message.author_id == user.pk and not message.is_system
    return own or can_moderate_room(user, room)
