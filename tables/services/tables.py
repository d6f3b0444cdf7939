"""Tables and their members: creating a table, requests to join, invitations, roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hub import notifications
from hub.tasks import queue_email_on_commit
from hub.urls_absolute import absolute_url
from hub.websocket import revoke_access_on_commit
from tables import notifications as kinds
from tables import rules
from tables.links import table_access_scope, table_path
from tables.models import Invitation, Membership, MembershipRequest, Role, Table
from tables.notifications import place_of
from tables.services._common import fail, member_ids, notify_table, unique_slug

INVITATION_VALIDITY = dt.timedelta(days=14)


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("Non hai il permesso di farlo a questo tavolo."))


@transaction.atomic
def table_create(
    *,
    by,
    kind: str,
    network,
    name: str,
    municipality=None,
    description: str = "",
    visibility: str = Table.Visibility.PUBLIC,
) -> Table:
    """A new table; whoever creates it is its first coordinator."""
    _require(rules.can_create_table(by), _("Solo lo staff della rete e chi coordina un tavolo."))
    name = " ".join(name.split())
    if not name:
        fail("name", _("Dai un nome al tavolo."))
    if kind not in Table.Kind.values:
        fail("kind", _("Scegli il tipo di tavolo."))
    if visibility not in Table.Visibility.values:
        fail("visibility", _("Scegli chi può vedere il tavolo."))
    if kind == Table.Kind.MUNICIPAL:
        if municipality is None:
            fail("municipality", _("Un tavolo comunale è di un comune: sceglilo."))
        if not network.municipalities.filter(pk=municipality.pk).exists():
            fail("municipality", _("Il comune non fa parte della rete scelta."))
    table = Table.objects.create(
        kind=kind,
        network=network,
        municipality=municipality if kind == Table.Kind.MUNICIPAL else None,
        name=name,
        slug=unique_slug(Table.objects.all(), name),
        description=description.strip(),
        visibility=visibility,
        created_by=by,
    )
    Membership.objects.create(table=table, user=by, role=Role.COORDINATOR)
    rules.forget_memberships(by)
    return table


@transaction.atomic
def table_update(*, by, table: Table, name: str, description: str, visibility: str) -> Table:
    _require(rules.is_coordinator(by, table))
    name = " ".join(name.split())
    if not name:
        fail("name", _("Dai un nome al tavolo."))
    if visibility not in Table.Visibility.values:
        fail("visibility", _("Scegli chi può vedere il tavolo."))
    made_private = table.is_public and visibility == Table.Visibility.PRIVATE
    table.name, table.description, table.visibility = name, description.strip(), visibility
    table.save(update_fields=["name", "description", "visibility"])
    if made_private:
        # Whoever heard from the table while it was public and is not a member now sees
        # nothing of it any more (issue 13, 8); search re-reads its documents on this save.
        notifications.withdraw(place=place_of(table.pk), keep=member_ids(table))
    return table


# --- Requests to join -------------------------------------------------------------------------


@transaction.atomic
def membership_request_create(
    *, by, table: Table, message: str = "", association=None
) -> MembershipRequest:
    if rules.is_member(by, table):
        fail(None, _("Fai già parte di questo tavolo."))
    _require(rules.can_request_membership(by, table), _("Questo tavolo accoglie solo su invito."))
    if (
        association is not None
        and not by.association_memberships.filter(association=association).exists()
    ):
        fail("association", _("Puoi rappresentare solo un'associazione di cui fai parte."))
    if MembershipRequest.objects.filter(
        table=table, user=by, status=MembershipRequest.Status.PENDING
    ).exists():
        fail(None, _("Hai già chiesto di partecipare: chi coordina il tavolo ti risponderà."))
    request = MembershipRequest.objects.create(
        table=table, user=by, association=association, message=message.strip()
    )
    notify_table(
        table,
        users=member_ids(table, roles=[Role.COORDINATOR]),
        kind=kinds.REQUEST,
        title=_("%(person)s chiede di partecipare al tavolo")
        % {"person": by.full_name or by.email},
        body=request.message,
        url=table_path(table) + "#richieste",
        actor=by,
        key=f"tables:request:{request.pk}",
    )
    return request


@transaction.atomic
def membership_request_decide(
    *, by, request: MembershipRequest, approve: bool, reason: str = "", role: str = Role.MEMBER
) -> MembershipRequest:
    request = (
        MembershipRequest.objects.select_for_update().select_related("table").get(pk=request.pk)
    )
    table = request.table
    _require(rules.can_manage_members(by, table))
    if not request.is_pending:
        fail(None, _("Questa richiesta è già stata decisa."), code="decided")
    if approve:
        if role not in Role.values:
            fail("role", _("Scegli un ruolo."))
        fields = request.approve(by=by)
        Membership.objects.get_or_create(
            table=table,
            user_id=request.user_id,
            defaults={"role": role, "association_id": request.association_id},
        )
        title = _("Sei stato accolto al tavolo «%(table)s»") % {"table": table.name}
    else:
        reason = reason.strip()
        if not reason:
            fail("reason", _("Scrivi il motivo: la persona lo riceverà."))
        fields = request.reject(by=by, reason=reason)
        title = _("La tua richiesta al tavolo «%(table)s» non è stata accolta") % {
            "table": table.name
        }
    request.save(update_fields=fields)
    notify_table(
        table,
        users=[request.user_id],
        kind=kinds.MEMBERSHIP,
        title=title,
        body=request.decision_reason,
        url=table_path(table),
        actor=by,
        key=f"tables:request:{request.pk}:decided",
    )
    return request


# --- Invitations ------------------------------------------------------------------------------


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(f"tables-invitation:{token}".encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *, by, table: Table, email: str, role: str = Role.MEMBER, association=None
) -> tuple[Invitation, str]:
    """Invite an address; returns the invitation and its token (shown in the link only)."""
    _require(rules.can_manage_members(by, table))
    email = email.strip().lower()
    if not email or "@" not in email:
        fail("email", _("Scrivi un indirizzo e-mail valido."))
    if role not in Role.values:
        fail("role", _("Scegli un ruolo."))
    if Membership.objects.filter(table=table, user__email__iexact=email).exists():
        fail("email", _("Questa persona fa già parte del tavolo."))
    # A new invitation replaces the pending one for the same address.
    Invitation.objects.filter(
        table=table, email__iexact=email, status=Invitation.Status.PENDING
    ).update(status=Invitation.Status.REVOKED, responded_at=timezone.now())
    invited_user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        table=table,
        email=email,
        invited_user=invited_user,
        role=role,
        association=association,
        token_hash=invitation_token_hash(token),
        invited_by=by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    accept_path = reverse("tables:invitation", kwargs={"token": token})
    queue_email_on_commit(
        to=[email],
        template="tables/email/invitation",
        context={
            "table": table.name,
            "role": str(Role(role).label),
            "invited_by": by.full_name or by.email,
            "accept_url": absolute_url(accept_path),
            "days": INVITATION_VALIDITY.days,
        },
    )
    if invited_user is not None:
        notify_table(
            table,
            users=[invited_user.pk],
            kind=kinds.MEMBERSHIP,
            title=_("Sei invitato al tavolo «%(table)s»") % {"table": table.name},
            url=accept_path,
            actor=by,
            key=f"tables:invitation:{invitation.pk}",
        )
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("table", "invited_by", "association")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


@transaction.atomic
def invitation_respond(*, token: str, user, accept: bool) -> Invitation:
    found = invitation_for_token(token)
    if found is None:
        raise ValidationError(_("Invito non valido."), code="invalid")
    invitation = Invitation.objects.select_for_update().select_related("table").get(pk=found.pk)
    if invitation.status == Invitation.Status.REVOKED:
        raise ValidationError(_("Questo invito è stato revocato."), code="revoked")
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(_("Hai già risposto a questo invito."), code="used")
    if invitation.expires_at < timezone.now():
        raise ValidationError(
            _("L'invito è scaduto: chiedi a chi coordina il tavolo di mandarne uno nuovo."),
            code="expired",
        )
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied(
            _("Questo invito è per %(email)s: accedi con quell'indirizzo.")
            % {"email": invitation.email}
        )
    if accept:
        Membership.objects.get_or_create(
            table=invitation.table,
            user=user,
            defaults={"role": invitation.role, "association_id": invitation.association_id},
        )
        rules.forget_memberships(user)
        invitation.status = Invitation.Status.ACCEPTED
    else:
        invitation.status = Invitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def invitation_revoke(*, by, invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update().select_related("table").get(pk=invitation.pk)
    )
    _require(rules.can_manage_members(by, invitation.table))
    if invitation.status != Invitation.Status.PENDING:
        fail(None, _("Questo invito non è più in attesa."))
    invitation.status = Invitation.Status.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


# --- Roles ------------------------------------------------------------------------------------


def _keeps_a_coordinator(table: Table, leaving: Membership) -> bool:
    return (
        Membership.objects.select_for_update()
        .filter(table=table, role=Role.COORDINATOR)
        .exclude(pk=leaving.pk)
        .exists()
    )


@transaction.atomic
def membership_set_role(*, by, membership: Membership, role: str) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("table").get(pk=membership.pk)
    )
    _require(rules.can_manage_members(by, membership.table))
    if role not in Role.values:
        fail("role", _("Scegli un ruolo."))
    if (
        membership.role == Role.COORDINATOR
        and role != Role.COORDINATOR
        and not _keeps_a_coordinator(membership.table, membership)
    ):
        fail("role", _("Il tavolo resterebbe senza coordinatori: nominane prima un altro."))
    demoted = role == Role.OBSERVER and membership.role != Role.OBSERVER
    membership.role = role
    membership.save(update_fields=["role"])
    if demoted:
        # An observer writes nothing: their open editors of the table's documents close.
        revoke_access_on_commit([membership.user_id], table_access_scope(membership.table_id))
    return membership


@transaction.atomic
def membership_remove(*, by, membership: Membership) -> None:
    """Take a person off the table (or let them leave). Their open co-editing sockets of the
    table's documents get `access.revoked` and close (tables.consumers)."""
    membership = (
        Membership.objects.select_for_update().select_related("table").get(pk=membership.pk)
    )
    leaving_self = membership.user_id == by.pk
    _require(leaving_self or rules.can_manage_members(by, membership.table))
    if membership.role == Role.COORDINATOR and not _keeps_a_coordinator(
        membership.table, membership
    ):
        fail(None, _("Il tavolo resterebbe senza coordinatori: nominane prima un altro."))
    membership.delete()
    if not membership.table.is_public:
        # Who leaves a private table sees nothing of it any more: not in their inbox, not
        # in their next digest (issue 13, 8).
        notifications.withdraw(users=[membership.user_id], place=place_of(membership.table_id))
    revoke_access_on_commit([membership.user_id], table_access_scope(membership.table_id))
