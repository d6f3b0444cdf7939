"""Writes for purchase groups: creation, pickup points, joining, roles."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gaf.live import group_access_scope
from gaf.models import (
    AllocationPolicy,
    GroupJoinRequest,
    GroupMembership,
    OrderLine,
    PickupPoint,
    PurchaseGroup,
    RoundState,
)
from gaf.notifications import JOIN_DECIDED, JOIN_REQUESTED, place_of
from gaf.services._common import fail
from gaf.services.chat import room_create_for_group
from hub import notifications
from hub.models import Family, Municipality, Network
from hub.websocket import revoke_access_on_commit

# The fixed first segments of /gaf/ URLs: a group named like one would be unreachable.
RESERVED_SLUGS = frozenset({"fornitori", "ordini", "notifiche", "fondo-solidale", "giri", "chat"})


def _unique_slug(name: str) -> str:
    base = slugify(name)[:140] or "gaf"
    slug, counter = base, 2
    while slug in RESERVED_SLUGS or PurchaseGroup.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def _check_percent(field: str, value: Decimal) -> Decimal:
    value = Decimal(value)
    if not Decimal(0) <= value <= Decimal(100):
        fail(field, _("La quota per il Fondo Solidale deve essere tra 0 e 100%."))
    return value


@transaction.atomic
def group_create(
    *,
    name: str,
    network: Network,
    municipality: Municipality,
    coordinator_family: Family,
    description: str = "",
    default_fund_percent: Decimal = Decimal("2.00"),
    allocation_policy: str = AllocationPolicy.FIFO,
    prepaid_mode: bool = False,
    send_order_on_close: bool = False,
    by,
) -> PurchaseGroup:
    """A new group, with `coordinator_family` as its first member and coordinator."""
    name = name.strip()
    if not name:
        fail("name", _("Dai un nome al gruppo."))
    if not network.municipalities.filter(pk=municipality.pk).exists():
        fail(
            "municipality",
            _("Il comune %(name)s non fa parte della rete.") % {"name": municipality.name},
        )
    if allocation_policy not in AllocationPolicy.values:
        fail("allocation_policy", _("Criterio di ripartizione sconosciuto."))
    group = PurchaseGroup.objects.create(
        name=name,
        slug=_unique_slug(name),
        network=network,
        municipality=municipality,
        description=description.strip(),
        default_fund_percent=_check_percent("default_fund_percent", default_fund_percent),
        allocation_policy=allocation_policy,
        prepaid_mode=prepaid_mode,
        send_order_on_close=send_order_on_close,
    )
    GroupMembership.objects.create(
        group=group, family=coordinator_family, is_coordinator=True, is_treasurer=True
    )
    room_create_for_group(group=group)
    return group


@transaction.atomic
def group_update(
    *,
    group: PurchaseGroup,
    by,
    name: str | None = None,
    description: str | None = None,
    default_fund_percent: Decimal | None = None,
    allocation_policy: str | None = None,
    prepaid_mode: bool | None = None,
    send_order_on_close: bool | None = None,
) -> PurchaseGroup:
    """Change the group's settings; rounds already created keep their own percent, policy
    and choice of sending the order at the close."""
    fields = []
    if name is not None:
        if not name.strip():
            fail("name", _("Dai un nome al gruppo."))
        group.name = name.strip()
        fields.append("name")
    if description is not None:
        group.description = description.strip()
        fields.append("description")
    if default_fund_percent is not None:
        group.default_fund_percent = _check_percent("default_fund_percent", default_fund_percent)
        fields.append("default_fund_percent")
    if allocation_policy is not None:
        if allocation_policy not in AllocationPolicy.values:
            fail("allocation_policy", _("Criterio di ripartizione sconosciuto."))
        group.allocation_policy = allocation_policy
        fields.append("allocation_policy")
    if prepaid_mode is not None:
        group.prepaid_mode = prepaid_mode
        fields.append("prepaid_mode")
    if send_order_on_close is not None:
        group.send_order_on_close = send_order_on_close
        fields.append("send_order_on_close")
    if fields:
        group.save(update_fields=fields)
    return group


@transaction.atomic
def pickup_point_create(
    *, group: PurchaseGroup, name: str, address: str = "", notes: str = "", by
) -> PickupPoint:
    name = name.strip()
    if not name:
        fail("name", _("Dai un nome al punto di ritiro."))
    if group.pickup_points.filter(name__iexact=name).exists():
        fail("name", _("Il gruppo ha già un punto di ritiro con questo nome."), "duplicate")
    return PickupPoint.objects.create(
        group=group, name=name, address=address.strip(), notes=notes.strip()
    )


@transaction.atomic
def pickup_point_update(
    *,
    pickup_point: PickupPoint,
    by,
    name: str | None = None,
    address: str | None = None,
    notes: str | None = None,
    is_active: bool | None = None,
) -> PickupPoint:
    """Rename or describe a pickup point, or retire it (rounds that use it keep it)."""
    fields = []
    if name is not None:
        name = name.strip()
        if not name:
            fail("name", _("Dai un nome al punto di ritiro."))
        clash = PickupPoint.objects.filter(group_id=pickup_point.group_id, name__iexact=name)
        if clash.exclude(pk=pickup_point.pk).exists():
            fail("name", _("Il gruppo ha già un punto di ritiro con questo nome."), "duplicate")
        pickup_point.name = name
        fields.append("name")
    for field, value in (("address", address), ("notes", notes)):
        if value is not None:
            setattr(pickup_point, field, value.strip())
            fields.append(field)
    if is_active is not None:
        pickup_point.is_active = is_active
        fields.append("is_active")
    if fields:
        pickup_point.save(update_fields=fields)
    return pickup_point


# --- Joining --------------------------------------------------------------------------------


def _coordinator_users(group: PurchaseGroup) -> list[int]:
    return sorted(
        set(
            GroupMembership.objects.filter(group=group, is_coordinator=True).values_list(
                "family__memberships__user", flat=True
            )
        )
        - {None}
    )


def _tell_family(request: GroupJoinRequest, *, by, title: str, body: str = "") -> None:
    """The decision on a join request, to every person of the family (through the
    notification centre: inbox, e-mail or digest as each chose)."""
    notifications.notify(
        users=list(request.family.memberships.values_list("user", flat=True)),
        kind=JOIN_DECIDED,
        title=title,
        body=body,
        url=reverse("gaf:group", kwargs={"group_slug": request.group.slug}),
        place=place_of(request.group_id),
        place_label=request.group.name,
        actor=by,
        key=f"gaf:join:{request.pk}:decided",
    )


@transaction.atomic
def group_join_request(
    *, group: PurchaseGroup, family: Family, message: str = "", by
) -> GroupJoinRequest:
    if GroupMembership.objects.filter(group=group, family=family).exists():
        fail(None, _("La famiglia fa già parte di questo gruppo."), "already_member")
    if GroupJoinRequest.objects.filter(
        group=group, family=family, status=GroupJoinRequest.Status.PENDING
    ).exists():
        fail(None, _("C'è già una richiesta in attesa per questo gruppo."), "already_requested")
    request = GroupJoinRequest.objects.create(
        group=group, family=family, message=message.strip(), requested_by=by
    )
    coordinators = _coordinator_users(group)
    title = _("La %(family)s chiede di entrare nel gruppo %(group)s") % {
        "family": family.name,
        "group": group.name,
    }
    notifications.notify(
        users=coordinators,
        kind=JOIN_REQUESTED,
        title=title,
        body=request.message,
        url=reverse("gaf:coord_group", kwargs={"group_slug": group.slug}),
        place=place_of(group.pk),
        place_label=group.name,
        actor=by,
        key=f"gaf:join:{request.pk}",
    )
    return request


def _locked_pending(join_request: GroupJoinRequest) -> GroupJoinRequest:
    locked = (
        GroupJoinRequest.objects.select_for_update()
        .select_related("group", "family")
        .get(pk=join_request.pk)
    )
    if locked.status != GroupJoinRequest.Status.PENDING:
        fail(
            None,
            _("Questa richiesta è già stata decisa (%(status)s).")
            % {"status": locked.get_status_display()},
            "already_decided",
        )
    return locked


@transaction.atomic
def join_request_approve(*, join_request: GroupJoinRequest, by) -> GroupMembership:
    request = _locked_pending(join_request)
    membership, _created = GroupMembership.objects.get_or_create(
        group=request.group, family=request.family
    )
    request.status = GroupJoinRequest.Status.APPROVED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    _tell_family(
        request,
        by=by,
        title=_("La %(family)s ora fa parte del gruppo %(group)s")
        % {"family": request.family.name, "group": request.group.name},
    )
    return membership


@transaction.atomic
def join_request_reject(*, join_request: GroupJoinRequest, by, reason: str) -> GroupJoinRequest:
    reason = reason.strip()
    if not reason:
        fail("reason", _("Spiega il motivo: verrà inviato alla famiglia."))
    request = _locked_pending(join_request)
    request.status = GroupJoinRequest.Status.REJECTED
    request.decision_reason = reason
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    _tell_family(
        request,
        by=by,
        title=_("La richiesta di entrare nel gruppo %(group)s non è stata accolta")
        % {"group": request.group.name},
        body=_("Motivazione: %(reason)s") % {"reason": reason},
    )
    return request


@transaction.atomic
def membership_set_roles(
    *,
    membership: GroupMembership,
    is_coordinator: bool,
    is_supplier_referent: bool,
    is_treasurer: bool,
    by,
) -> GroupMembership:
    """Set a member family's roles. A group always keeps at least one coordinator."""
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_coordinator and not is_coordinator:
        others = (
            GroupMembership.objects.select_for_update()
            .filter(group_id=membership.group_id, is_coordinator=True)
            .exclude(pk=membership.pk)
        )
        if not others.exists():
            fail(
                "is_coordinator",
                _("Il gruppo deve avere almeno una famiglia coordinatrice."),
                "last_coordinator",
            )
    membership.is_coordinator = is_coordinator
    membership.is_supplier_referent = is_supplier_referent
    membership.is_treasurer = is_treasurer
    membership.save(update_fields=["is_coordinator", "is_supplier_referent", "is_treasurer"])
    return membership


@transaction.atomic
def membership_set_pickup_point(
    *, membership: GroupMembership, pickup_point: PickupPoint | None, by
) -> GroupMembership:
    if pickup_point is not None and pickup_point.group_id != membership.group_id:
        fail("pickup_point", _("Il punto di ritiro non è di questo gruppo."))
    membership.default_pickup_point = pickup_point
    membership.save(update_fields=["default_pickup_point"])
    return membership


@transaction.atomic
def membership_remove(*, membership: GroupMembership, by) -> None:
    """Take a family out of the group. Its people lose the group's pages and chat at once:
    their open chat sockets are closed (hub.websocket.revoke_access_on_commit), and every
    socket frame and request checks the membership afresh.

    Refused for the last coordinator, and while the family has something ordered in an
    open round (its order would count without the family seeing it).
    """
    membership = (
        GroupMembership.objects.select_for_update()
        .select_related("family", "group")
        .filter(pk=membership.pk)
        .first()
    )
    if membership is None:
        return
    if membership.is_coordinator and not (
        GroupMembership.objects.filter(group_id=membership.group_id, is_coordinator=True)
        .exclude(pk=membership.pk)
        .exists()
    ):
        fail(None, _("Il gruppo deve avere almeno una famiglia coordinatrice."), "last_coordinator")
    if OrderLine.objects.filter(
        order__family_id=membership.family_id,
        order__round__group_id=membership.group_id,
        order__round__state=RoundState.OPEN,
    ).exists():
        fail(
            None,
            _(
                "%(family)s ha un ordine in un giro aperto: azzeralo o attendi la chiusura "
                "prima di toglierla dal gruppo."
            )
            % {"family": membership.family.name},
            "has_open_order",
        )
    user_ids = list(membership.family.memberships.values_list("user_id", flat=True))
    membership.delete()
    revoke_access_on_commit(user_ids, group_access_scope(membership.group_id))
