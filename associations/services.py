"""Writes for associations: joining, approval, editors, trust, follows, API tokens.

Every entry point (public form, Wagtail admin, API, management command) calls these.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from associations.models import (
    Association,
    AssociationApiToken,
    AssociationIndexPage,
    AssociationMembership,
    AssociationPage,
    Follow,
    Invitation,
    JoinRequest,
)
from associations.notifications import JOIN_TO_REVIEW
from hub import notifications
from hub.models import Area, Municipality, Network
from hub.roles import STAFF_REVIEW_PLACE, staff_group, staff_user_ids
from hub.services import page_add_published
from hub.tasks import queue_email_on_commit
from hub.urls_absolute import absolute_url, page_url

INVITATION_VALIDITY = timedelta(days=14)
STAFF_WORKFLOW_NAME = "Revisione dello staff della rete"
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
TRUSTED_PAGE_PERMISSIONS = ["publish_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


# --- Joining ------------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinRequestData:
    name: str
    kind: str
    network: Network
    municipalities: list[Municipality]
    areas: list[Area]
    description: str
    contact_name: str
    contact_email: str
    editor_email: str
    contact_phone: str = ""
    website: str = ""


def name_taken_in(name: str, municipalities: list[Municipality]) -> list[str]:
    """Municipalities where an association or pending request already has this name."""
    municipality_ids = [m.pk for m in municipalities]
    clashes = set(
        Municipality.objects.filter(
            Q(associations__name__iexact=name.strip())
            | Q(join_requests__name__iexact=name.strip(), join_requests__status="pending"),
            pk__in=municipality_ids,
        ).values_list("name", flat=True)
    )
    return sorted(clashes)


@transaction.atomic
def join_request_submit(*, data: JoinRequestData) -> JoinRequest:
    if not data.municipalities:
        raise ValidationError({"municipalities": _("Indica almeno un comune.")})
    if not data.areas:
        raise ValidationError({"areas": _("Indica almeno un'area.")})
    outside = [m.name for m in data.municipalities if m not in data.network.municipalities.all()]
    if outside:
        raise ValidationError(
            {
                "municipalities": _("Questi comuni non fanno parte della rete scelta: %(names)s.")
                % {"names": ", ".join(outside)}
            }
        )
    clashes = name_taken_in(data.name, data.municipalities)
    if clashes:
        raise ValidationError(
            {
                "name": _(
                    "Esiste già un'associazione (o una richiesta in attesa) con questo nome in "
                    "questi comuni: %(places)s."
                )
                % {"places": ", ".join(clashes)}
            },
            code="duplicate",
        )
    request = JoinRequest(
        name=data.name.strip(),
        kind=data.kind,
        network=data.network,
        description=data.description.strip(),
        contact_name=data.contact_name.strip(),
        contact_email=data.contact_email.strip().lower(),
        contact_phone=data.contact_phone.strip(),
        website=data.website.strip(),
        editor_email=data.editor_email.strip().lower(),
    )
    request.full_clean()
    request.save()
    request.municipalities.set(data.municipalities)
    request.areas.set(data.areas)

    context = {"name": request.name, "network": str(data.network), "request_id": request.pk}
    queue_email_on_commit(
        to=[request.contact_email], template="associations/email/join_received", context=context
    )
    notifications.notify(
        users=staff_user_ids(),
        kind=JOIN_TO_REVIEW,
        title=_("Nuova richiesta di adesione da esaminare: «%(name)s»") % {"name": request.name},
        body=_(
            "«%(name)s» chiede di aderire alla rete %(network)s (richiesta n. %(number)s): "
            "approvala o respingila, con una motivazione."
        )
        % {"name": request.name, "network": data.network, "number": request.pk},
        url=reverse("joinrequest:inspect", args=[request.pk]),
        place=STAFF_REVIEW_PLACE,
        place_label=_("Revisioni dello staff"),
        key=f"associations:join:{request.pk}",
    )
    return request


def _locked_pending(join_request: JoinRequest) -> JoinRequest:
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequest.Status.PENDING:
        raise ValidationError(
            _("Questa richiesta è già stata decisa (%(status)s).")
            % {"status": locked.get_status_display()},
            code="already_decided",
        )
    return locked


# Slugs that would be shadowed by fixed routes (e.g. /api/v1/associations/me/).
RESERVED_SLUGS = {"me", "aderisci", "invito"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:180] or "associazione"
    if base in RESERVED_SLUGS:
        base = f"{base}-associazione"
    slug, counter = base, 2
    while Association.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def association_index_for(network: Network) -> AssociationIndexPage:
    """The network's directory page, created under the home page on first use.

    Network staff hold publish rights on it: approving a page in the review workflow
    publishes it as the reviewer, so reviewers must be allowed to publish there.
    """
    index = AssociationIndexPage.objects.filter(network=network).first()
    if index is None:
        index = _create_association_index(network)
    staff = staff_group()
    for permission in _page_permissions(["change_page", "publish_page"]):
        GroupPagePermission.objects.get_or_create(group=staff, page=index, permission=permission)
    return index


def _create_association_index(network: Network) -> AssociationIndexPage:
    from hub.models import HomePage

    home = HomePage.objects.first()
    index = AssociationIndexPage(
        title=_("Associazioni — %(network)s") % {"network": network},
        slug=network.slug,
        network=network,
    )
    page_add_published(parent=home, page=index)
    return index


def staff_review_workflow() -> Workflow:
    workflow, created = Workflow.objects.get_or_create(name=STAFF_WORKFLOW_NAME)
    if created or not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.create(name=_("Approvazione dello staff"))
        task.groups.set([staff_group()])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def _page_permissions(codenames: list[str]) -> list[Permission]:
    return list(
        Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames)
    )


def _collection_permissions() -> list[Permission]:
    """The permissions of COLLECTION_PERMISSIONS, in its order (each must exist)."""
    wanted = Q()
    for app_label, codename in COLLECTION_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(wanted).select_related("content_type")
    }
    return [found[key] for key in COLLECTION_PERMISSIONS]


def _grant_editing_rights(association: Association, page: AssociationPage) -> None:
    """A group whose rights cover exactly the association's subtree and collection."""
    group = Group.objects.create(name=f"Associazione: {association.name} [{association.pk}]")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group=group, page=page, permission=permission)
        for permission in _page_permissions(EDITOR_PAGE_PERMISSIONS)
    )
    collection = Collection.get_first_root_node().add_child(
        name=f"{association.name} [{association.pk}]"
    )
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group=group, collection=collection, permission=permission)
        for permission in _collection_permissions()
    )
    association.group = group
    association.collection = collection
    association.save(update_fields=["group", "collection"])


@transaction.atomic
def join_request_approve(*, join_request: JoinRequest, by) -> Association:
    """Create the association, its page, its group and collection, and invite its editor.

    One transaction: if any step fails, nothing of it remains.
    """
    request = _locked_pending(join_request)
    association = Association.objects.create(
        name=request.name,
        slug=_unique_slug(request.name),
        kind=request.kind,
        network=request.network,
        description=request.description,
        email=request.contact_email,
        phone=request.contact_phone,
        website=request.website,
    )
    association.municipalities.set(request.municipalities.all())
    association.areas.set(request.areas.all())

    index = association_index_for(request.network)
    page = AssociationPage(
        title=association.name,
        slug=association.slug,
        association=association,
        intro=request.description[:400],
    )
    # Approving is the permission here (rules.can_review_join_requests); the approver needs
    # no page rights of their own to publish the new association's first page.
    page_add_published(parent=index, page=page, user=by, skip_permission_checks=True)
    WorkflowPage.objects.create(page=page, workflow=staff_review_workflow())
    _grant_editing_rights(association, page)

    request.association = association
    request.save(update_fields=["association", *request.approve(by=by)])

    invitation_create(
        association=association,
        email=request.editor_email,
        role=AssociationMembership.Role.ADMIN,
        by=by,
    )
    queue_email_on_commit(
        to=[request.contact_email],
        template="associations/email/join_approved",
        context={"name": association.name, "page_url": page_url(page) or absolute_url("/")},
    )
    return association


@transaction.atomic
def join_request_reject(*, join_request: JoinRequest, by, reason: str) -> JoinRequest:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Spiega il motivo: verrà inviato a chi ha fatto richiesta.")}
        )
    request = _locked_pending(join_request)
    request.save(update_fields=request.reject(by=by, reason=reason))
    queue_email_on_commit(
        to=[request.contact_email],
        template="associations/email/join_rejected",
        context={"name": request.name, "reason": reason},
    )
    return request


# --- Editors ------------------------------------------------------------------------------


def invitation_token_hash(token: str) -> str:
    from wagtail.models import APIToken

    return APIToken.hash_token(f"invitation:{token}")


@transaction.atomic
def invitation_create(
    *, association: Association, email: str, role: str, by
) -> tuple[Invitation, str]:
    email = email.strip().lower()
    if association.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("Questa persona è già redattrice dell'associazione.")})
    # A new invitation replaces any pending one for the same address.
    association.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        association=association,
        email=email,
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    queue_email_on_commit(
        to=[email],
        template="associations/email/invitation",
        context={
            "association": association.name,
            "role": str(AssociationMembership.Role(role).label),
            "accept_url": absolute_url(reverse("associations:invitation_accept", args=[token])),
            "days": INVITATION_VALIDITY.days,
        },
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("association")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, user) -> AssociationMembership:
    invitation = invitation_for_token(token)
    if invitation is None or invitation.revoked_at is not None:
        raise ValidationError(_("Invito non valido o revocato."), code="invalid")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Questo invito è già stato usato."), code="used")
    if invitation.expires_at < timezone.now():
        raise ValidationError(
            _("L'invito è scaduto: chiedi all'associazione di mandarne uno nuovo."),
            code="expired",
        )
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied(
            _("Questo invito è per %(email)s: accedi con quell'indirizzo.")
            % {"email": invitation.email}
        )
    membership, created = AssociationMembership.objects.get_or_create(
        association=invitation.association, user=user, defaults={"role": invitation.role}
    )
    if not created and invitation.role == AssociationMembership.Role.ADMIN:
        membership.role = AssociationMembership.Role.ADMIN
        membership.save(update_fields=["role"])
    if invitation.association.group_id:
        user.groups.add(invitation.association.group)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def membership_remove(*, association: Association, user, by) -> None:
    membership = (
        AssociationMembership.objects.select_for_update()
        .filter(association=association, user=user)
        .first()
    )
    if membership is None:
        raise ValidationError(_("Questa persona non è redattrice dell'associazione."))
    if membership.role == AssociationMembership.Role.ADMIN:
        admins = AssociationMembership.objects.select_for_update().filter(
            association=association, role=AssociationMembership.Role.ADMIN
        )
        if admins.count() <= 1:
            raise ValidationError(
                _("L'associazione deve avere almeno un amministratore."), code="last_admin"
            )
    membership.delete()
    if association.group_id:
        user.groups.remove(association.group)


@transaction.atomic
def association_set_trusted(*, association: Association, trusted: bool) -> None:
    """Trusted associations publish directly; the others submit to the staff workflow."""
    association.trusted = trusted
    association.save(update_fields=["trusted"])
    page = association.page
    publish = _page_permissions(TRUSTED_PAGE_PERMISSIONS)
    if trusted:
        for permission in publish:
            GroupPagePermission.objects.get_or_create(
                group=association.group, page=page, permission=permission
            )
        WorkflowPage.objects.filter(page=page).delete()
    else:
        GroupPagePermission.objects.filter(
            group=association.group, page=page, permission__in=publish
        ).delete()
        WorkflowPage.objects.get_or_create(
            page=page, defaults={"workflow": staff_review_workflow()}
        )


# --- Follows ------------------------------------------------------------------------------


def follow_set(*, user, association: Association, following: bool) -> bool:
    if following:
        Follow.objects.get_or_create(user=user, association=association)
    else:
        Follow.objects.filter(user=user, association=association).delete()
    return following


# --- API tokens ---------------------------------------------------------------------------


def association_token_create(
    *, association: Association, name: str, by
) -> tuple[AssociationApiToken, str]:
    from wagtail.models import APIToken

    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Dai un nome al token.")})
    plaintext = APIToken.generate_token()
    token = AssociationApiToken.objects.create(
        association=association,
        name=name[:80],
        key_hash=APIToken.hash_token(plaintext),
        prefix=plaintext[:12],
        created_by=by,
    )
    return token, plaintext


def association_token_revoke(*, association: Association, token_id: int) -> bool:
    return bool(
        AssociationApiToken.objects.filter(
            pk=token_id, association=association, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    )
