"""The tables list, a table's page, creating and editing a table, and its members:
requests to join, invitations, roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.models import Association
from hub.form_errors import error_messages, refusal_status, submit
from tables import rules, selectors, services
from tables.forms import (
    DecideRequestForm,
    InvitationForm,
    JoinRequestForm,
    RoleForm,
    TableEditForm,
    TableForm,
)
from tables.links import table_path
from tables.models import Invitation, Membership, MembershipRequest
from tables.views._common import forbidden, require, table_or_404


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    tables = selectors.tables_for(request.user)
    context = {
        "my_tables": [t for t in tables if t.is_mine],
        "other_tables": [t for t in tables if not t.is_mine],
        "can_create": rules.can_create_table(request.user),
    }
    return TemplateResponse(request, "tables/index.html", context)


@require_http_methods(["GET", "POST"])
def table_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_create_table(request.user):
        return forbidden(
            request,
            PermissionDenied(_("Creano i tavoli lo staff della rete e chi ne coordina uno.")),
        )
    form = TableForm(request.POST or None, initial={"visibility": "private"})
    if request.method == "POST":
        ok, table = submit(form, lambda data: services.table_create(by=request.user, **data))
        if ok:
            messages.success(request, _("Il tavolo è stato creato: ora invita i componenti."))
            return redirect(table_path(table))
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "tables/table_form.html", {"form": form}, status=status)


def _associations_of(user, table):
    return Association.objects.filter(network=table.network, memberships__user=user).order_by(
        "name"
    )


def _table_context(request: HttpRequest, table, **forms) -> dict:
    page = selectors.table_page(table=table, user=request.user)
    user = request.user
    context = {
        "table": table,
        "page": page,
        "membership": rules.membership(user, table),
        "is_coordinator": rules.is_coordinator(user, table),
        "can_act": rules.can_act(user, table),
        "can_propose": rules.can_create_proposal(user, table),
        "can_request": rules.can_request_membership(user, table),
        "can_manage_meetings": rules.can_manage_meetings(user, table),
    }
    if context["is_coordinator"]:
        associations = Association.objects.filter(network=table.network).order_by("name")
        context["invitation_form"] = forms.get("invitation_form") or InvitationForm(
            associations=associations
        )
        context["role_choices"] = Membership.Role.choices
    if context["can_request"] and page.pending_request is None:
        context["join_form"] = forms.get("join_form") or JoinRequestForm(
            associations=_associations_of(user, table)
        )
    context["errors"] = forms.get("errors", [])
    return context


@require_GET
def table_detail(request: HttpRequest, slug: str) -> HttpResponse:
    table = table_or_404(request, slug)
    return TemplateResponse(request, "tables/table.html", _table_context(request, table))


@require_http_methods(["GET", "POST"])
def table_edit(request: HttpRequest, slug: str) -> HttpResponse:
    table = table_or_404(request, slug)
    require(rules.is_coordinator(request.user, table))
    initial = {"name": table.name, "visibility": table.visibility, "description": table.description}
    form = TableEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        ok, _table = submit(
            form, lambda data: services.table_update(by=request.user, table=table, **data)
        )
        if ok:
            messages.success(request, _("Tavolo aggiornato."))
            return redirect(table_path(table))
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request, "tables/table_edit.html", {"form": form, "table": table}, status=status
    )


@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    table = table_or_404(request, slug)
    form = JoinRequestForm(request.POST, associations=_associations_of(request.user, table))
    try:
        ok, _request = submit(
            form,
            lambda data: services.membership_request_create(by=request.user, table=table, **data),
        )
    except PermissionDenied as error:
        return forbidden(request, error)
    if ok:
        messages.success(request, _("Richiesta inviata: chi coordina il tavolo ti risponderà."))
        return redirect(table_path(table))
    return TemplateResponse(
        request,
        "tables/table.html",
        _table_context(request, table, join_form=form),
        status=400,
    )


def _refused(request, table, error: ValidationError) -> HttpResponse:
    return TemplateResponse(
        request,
        "tables/table.html",
        _table_context(request, table, errors=error_messages(error)),
        status=refusal_status(error),
    )


@require_POST
def request_decide(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    require(rules.can_manage_members(request.user, table))
    join_request = MembershipRequest.objects.filter(table=table, pk=request_id).first()
    if join_request is None:
        raise Http404
    form = DecideRequestForm(request.POST)
    if not form.is_valid():
        return _refused(request, table, ValidationError(_("Scegli se accogliere o respingere.")))
    data = form.cleaned_data
    try:
        services.membership_request_decide(
            by=request.user,
            request=join_request,
            approve=data["decision"] == "approve",
            reason=data["reason"],
            role=data["role"] or Membership.Role.MEMBER,
        )
    except ValidationError as error:
        return _refused(request, table, error)
    messages.success(request, _("Richiesta decisa."))
    return redirect(table_path(table) + "#richieste")


@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    table = table_or_404(request, slug)
    require(rules.can_manage_members(request.user, table))
    associations = Association.objects.filter(network=table.network)
    form = InvitationForm(request.POST, associations=associations)
    ok, _result = submit(
        form, lambda data: services.invitation_create(by=request.user, table=table, **data)
    )
    if ok:
        messages.success(
            request,
            _("Invito inviato a %(email)s.") % {"email": form.cleaned_data["email"]},
        )
        return redirect(table_path(table) + "#componenti")
    return TemplateResponse(
        request,
        "tables/table.html",
        _table_context(request, table, invitation_form=form),
        status=400,
    )


@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    require(rules.can_manage_members(request.user, table))
    invitation = Invitation.objects.filter(table=table, pk=invitation_id).first()
    if invitation is None:
        raise Http404
    try:
        services.invitation_revoke(by=request.user, invitation=invitation)
    except ValidationError as error:
        return _refused(request, table, error)
    messages.success(request, _("Invito revocato."))
    return redirect(table_path(table) + "#componenti")


@require_POST
def member_update(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """Change a member's role, or remove them (a person may also leave by themselves)."""
    table = table_or_404(request, slug)
    membership = Membership.objects.filter(table=table, pk=membership_id).first()
    if membership is None:
        raise Http404
    try:
        if request.POST.get("action") == "remove":
            services.membership_remove(by=request.user, membership=membership)
            message = _("Componente tolto dal tavolo.")
        else:
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Scegli un ruolo."))
            services.membership_set_role(
                by=request.user, membership=membership, role=form.cleaned_data["role"]
            )
            message = _("Ruolo aggiornato.")
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return _refused(request, table, error)
    messages.success(request, message)
    if not rules.can_view_table(request.user, table):
        return redirect("tables:index")
    return redirect(table_path(table) + "#componenti")


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: anyone with it reads which table invites them; the invited
    person, signed in with that address, accepts or declines."""
    found = services.invitation_for_token(token)
    if found is None:
        raise Http404
    context = {"invitation": found, "errors": []}
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.invitation_respond(
                token=token, user=request.user, accept=request.POST.get("answer") == "accept"
            )
        except PermissionDenied as error:
            return forbidden(request, error)
        except ValidationError as error:
            context["errors"] = error_messages(error)
            return TemplateResponse(
                request, "tables/invitation.html", context, status=refusal_status(error)
            )
        if request.POST.get("answer") == "accept":
            messages.success(
                request, _("Benvenuto al tavolo «%(table)s».") % {"table": found.table.name}
            )
            return redirect(table_path(found.table))
        messages.info(request, _("Hai rifiutato l'invito."))
        return redirect("tables:index")
    return TemplateResponse(request, "tables/invitation.html", context)
