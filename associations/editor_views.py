"""Editors of an association: invitations, the team page of its admins, its API tokens.

Each view fetches the association by slug (404 if unknown), asks `associations.rules` (403
for signed-in users who may not), validates, calls one service and redirects.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from associations import rules, services
from associations.models import (
    Association,
    AssociationApiToken,
    AssociationMembership,
    Invitation,
)
from hub.access import permission_denied_response


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail della persona da invitare"),
        help_text=gettext_lazy("Riceverà un collegamento valido 14 giorni."),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Ruolo"),
        choices=AssociationMembership.Role.choices,
        initial=AssociationMembership.Role.EDITOR,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "I redattori modificano le pagine; gli amministratori anche invitano e rimuovono "
            "i redattori e gestiscono i token per le API."
        ),
    )


class AssociationTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nome del token"),
        max_length=80,
        help_text=gettext_lazy("Per ricordare dove lo usate, es. «gestionale della segreteria»."),
    )


def _association(slug: str) -> Association:
    return get_object_or_404(Association.objects.select_related("network", "page"), slug=slug)


def _token_session_key(association: Association) -> str:
    return f"new_association_token:{association.pk}"


def _editors_page(
    request: HttpRequest,
    association: Association,
    *,
    invitation_form: InvitationForm | None = None,
    token_form: AssociationTokenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage_tokens = rules.can_manage_tokens(request.user, association)
    context = {
        "association": association,
        "memberships": list(
            association.memberships.select_related("user").order_by("role", "user__email")
        ),
        "invitations": list(
            Invitation.objects.filter(
                association=association,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
            ).order_by("email")
        ),
        "invitation_form": invitation_form or InvitationForm(),
        "can_manage_tokens": can_manage_tokens,
        "tokens": list(
            AssociationApiToken.objects.filter(association=association, revoked_at__isnull=True)
        )
        if can_manage_tokens
        else [],
        "token_form": token_form or AssociationTokenForm(),
        # Shown once, then gone: only its digest is stored.
        "new_token": request.session.pop(_token_session_key(association), None)
        if can_manage_tokens
        else None,
        "admin_url": reverse("wagtailadmin_explore", args=[association.page.pk])
        if hasattr(association, "page")
        else None,
    }
    return render(request, "associations/editors.html", context, status=status)


def _may_manage_editors(request: HttpRequest, association: Association) -> HttpResponse | None:
    if rules.can_manage_editors(request.user, association):
        return None
    return permission_denied_response(
        request, _("Solo gli amministratori dell'associazione possono gestirne i redattori.")
    )


def _may_manage_tokens(request: HttpRequest, association: Association) -> HttpResponse | None:
    if rules.can_manage_tokens(request.user, association):
        return None
    return permission_denied_response(
        request, _("Solo gli amministratori dell'associazione possono gestirne i token.")
    )


# --- Invitations --------------------------------------------------------------------------


def _invitation_refusal(request: HttpRequest, invitation: Invitation | None):
    """The page that explains why this invitation cannot be accepted, or None if it can.

    The same checks as services.invitation_accept, made before showing the button. A
    visitor who is not signed in is not refused: they are told what the invitation is first.
    """
    if invitation is None or invitation.revoked_at is not None:
        message, status = _("Invito non valido o revocato."), 400
    elif invitation.accepted_at is not None:
        message, status = _("Questo invito è già stato usato."), 400
    elif invitation.expires_at < timezone.now():
        message = _("L'invito è scaduto: chiedi all'associazione di mandarne uno nuovo.")
        status = 400
    elif not request.user.is_authenticated:
        return None
    elif request.user.email.lower() != invitation.email.lower():
        message = _("Questo invito è per %(email)s: accedi con quell'indirizzo.") % {
            "email": invitation.email
        }
        status = 403
    else:
        return None
    return _invitation_problem(request, message, status)


def _invitation_problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "associations/invitation_accept.html",
        {"problem": message, "wrong_account": status == 403},
        status=status,
    )


def _masked_email(email: str) -> str:
    """ "an…@example.org": enough to recognise one's own address, not to learn someone's."""
    local, _at, domain = email.partition("@")
    return f"{local[:2]}…@{domain}"


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone holding the link sees what the invitation is; accepting needs the invited
    person, signed in with the invited address (services.invitation_accept)."""
    invitation = services.invitation_for_token(token)
    refusal = _invitation_refusal(request, invitation)
    if refusal is not None:
        return refusal
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            "associations/invitation_accept.html",
            {
                "invitation": invitation,
                "association": invitation.association,
                "masked_email": _masked_email(invitation.email),
                "next_query": urlencode({"next": request.get_full_path()}),
            },
        )
    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except ValidationError as error:
            return _invitation_problem(request, " ".join(error.messages), 400)
        except PermissionDenied as error:
            return _invitation_problem(request, str(error), 403)
        messages.success(
            request,
            _("Benvenuto nella redazione di «%(name)s»: ora puoi modificarne le pagine.")
            % {"name": membership.association.name},
        )
        # The association's own page in the editor: a new association has no other pages
        # yet, so its page listing would be empty.
        page = getattr(membership.association, "page", None)
        if page is not None:
            return redirect("wagtailadmin_pages:edit", page.pk)
        return redirect("profile")
    return render(
        request,
        "associations/invitation_accept.html",
        {"invitation": invitation, "association": invitation.association},
    )


# --- Team -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def editors(request: HttpRequest, slug: str) -> HttpResponse:
    association = _association(slug)
    if refusal := _may_manage_editors(request, association):
        return refusal
    if request.method == "GET":
        return _editors_page(request, association)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                association=association,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Invito inviato a %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("associations:editors", association.slug)
    return _editors_page(request, association, invitation_form=form, status=400)


@login_required
@require_POST
def editor_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    association = _association(slug)
    if refusal := _may_manage_editors(request, association):
        return refusal
    user = get_object_or_404(get_user_model(), pk=user_id)
    try:
        services.membership_remove(association=association, user=user, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("associations:editors", association.slug)
    messages.success(
        request,
        _("%(email)s non fa più parte della redazione.") % {"email": user.email},
    )
    if user == request.user:
        return redirect("profile")
    return redirect("associations:editors", association.slug)


# --- API tokens ---------------------------------------------------------------------------


@login_required
@require_POST
def token_create(request: HttpRequest, slug: str) -> HttpResponse:
    association = _association(slug)
    if refusal := _may_manage_tokens(request, association):
        return refusal
    form = AssociationTokenForm(request.POST)
    if form.is_valid():
        try:
            _token, plaintext = services.association_token_create(
                association=association, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[_token_session_key(association)] = plaintext
            return redirect(reverse("associations:editors", args=[association.slug]) + "#token")
    return _editors_page(request, association, token_form=form, status=400)


@login_required
@require_POST
def token_revoke(request: HttpRequest, slug: str, token_id: int) -> HttpResponse:
    association = _association(slug)
    if refusal := _may_manage_tokens(request, association):
        return refusal
    if services.association_token_revoke(association=association, token_id=token_id):
        messages.success(request, _("Token revocato."))
    else:
        messages.error(request, _("Token non trovato."))
    return redirect(reverse("associations:editors", args=[association.slug]) + "#token")
