"""The group's coordination page and settings, join requests, member roles, pickup points."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaf import rules, selectors, services
from gaf.forms_coordination import (
    GroupSettingsForm,
    JoinRejectForm,
    MemberRolesForm,
    PickupPointForm,
    plain_decimal,
)
from gaf.models import PurchaseGroup
from gaf.views.coordination._common import can_manage_fund, found, group_or_404, render
from hub.form_errors import error_messages, submit


def _group_page(request, group: PurchaseGroup, *, forms=None, status=200) -> TemplateResponse:
    """The coordinator's page of a group; `forms` holds bound forms that were refused,
    keyed ("reject", request id) or ("roles", membership id)."""
    forms = forms or {}
    join_requests = selectors.pending_join_requests(group=group)
    for join_request in join_requests:
        join_request.reject_form = forms.get(("reject", join_request.pk)) or JoinRejectForm(
            prefix=f"reject-{join_request.pk}"
        )
    members = list(selectors.group_members(group=group))
    for membership in members:
        membership.roles_form = forms.get(("roles", membership.pk)) or MemberRolesForm(
            prefix=f"roles-{membership.pk}",
            initial={
                "is_coordinator": membership.is_coordinator,
                "is_supplier_referent": membership.is_supplier_referent,
                "is_treasurer": membership.is_treasurer,
            },
        )
    context = {
        "group": group,
        "join_requests": join_requests,
        "members": members,
        "pickup_points": selectors.group_pickup_points(group=group),
        "rounds": list(selectors.group_rounds(group=group)[:30]),
        "can_record_payment": rules.can_record_payment(request.user, group),
        "can_manage_fund": can_manage_fund(request.user, group),
        "can_manage_suppliers": rules.can_manage_suppliers(request.user, group.network_id),
    }
    return render(request, "group.html", context, status)


@require_GET
def group(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = group_or_404(request, group_slug, rules.can_manage_group)
    return _group_page(request, group)


@require_http_methods(["GET", "POST"])
def group_settings(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = group_or_404(request, group_slug, rules.can_manage_group)
    if request.method != "POST":
        form = GroupSettingsForm(
            initial={
                "name": group.name,
                "description": group.description,
                "default_fund_percent": plain_decimal(group.default_fund_percent),
                "allocation_policy": group.allocation_policy,
                "prepaid_mode": group.prepaid_mode,
                "send_order_on_close": group.send_order_on_close,
            }
        )
        return render(request, "settings.html", {"group": group, "form": form})
    form = GroupSettingsForm(request.POST)
    ok, _result = submit(
        form, lambda data: services.group_update(group=group, by=request.user, **data)
    )
    if ok:
        messages.success(request, _("Impostazioni del gruppo salvate."))
        return redirect("gaf:coord_group", group_slug=group.slug)
    return render(request, "settings.html", {"group": group, "form": form}, 400)


def _join_request(group: PurchaseGroup, request_id: int):
    return found(selectors.join_request(group=group, request_id=request_id))


@require_POST
def join_approve(request: HttpRequest, group_slug: str, request_id: int) -> HttpResponse:
    group = group_or_404(request, group_slug, rules.can_manage_group)
    join_request = _join_request(group, request_id)
    try:
        services.join_request_approve(join_request=join_request, by=request.user)
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
        return _group_page(request, group, status=400)
    messages.success(
        request,
        _("%(family)s ora fa parte del gruppo.") % {"family": join_request.family.name},
    )
    return redirect("gaf:coord_group", group_slug=group.slug)


@require_POST
def join_reject(request: HttpRequest, group_slug: str, request_id: int) -> HttpResponse:
    group = group_or_404(request, group_slug, rules.can_manage_group)
    join_request = _join_request(group, request_id)
    form = JoinRejectForm(request.POST, prefix=f"reject-{join_request.pk}")
    ok, _result = submit(
        form,
        lambda data: services.join_request_reject(
            join_request=join_request, by=request.user, reason=data["reason"]
        ),
    )
    if ok:
        messages.success(
            request,
            _("Richiesta di %(family)s respinta.") % {"family": join_request.family.name},
        )
        return redirect("gaf:coord_group", group_slug=group.slug)
    return _group_page(request, group, forms={("reject", join_request.pk): form}, status=400)


@require_POST
def member_roles(request: HttpRequest, group_slug: str, membership_id: int) -> HttpResponse:
    group = group_or_404(request, group_slug, rules.can_manage_group)
    membership = found(selectors.group_membership(group=group, membership_id=membership_id))
    form = MemberRolesForm(request.POST, prefix=f"roles-{membership.pk}")
    ok, _result = submit(
        form,
        lambda data: services.membership_set_roles(membership=membership, by=request.user, **data),
    )
    if ok:
        messages.success(
            request,
            _("Ruoli di %(family)s aggiornati.") % {"family": membership.family.name},
        )
        return redirect(reverse("gaf:coord_group", args=[group.slug]) + "#famiglie")
    return _group_page(request, group, forms={("roles", membership.pk): form}, status=400)


def _pickup_point_form(request, **kwargs) -> PickupPointForm:
    return PickupPointForm(request.POST if request.method == "POST" else None, **kwargs)


@require_http_methods(["GET", "POST"])
def pickup_point_create(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = group_or_404(request, group_slug, rules.can_manage_group)
    form = _pickup_point_form(request)
    del form.fields["is_active"]
    status = 200
    if request.method == "POST":
        ok, _result = submit(
            form,
            lambda data: services.pickup_point_create(group=group, by=request.user, **data),
        )
        if ok:
            messages.success(request, _("Punto di ritiro aggiunto."))
            return redirect(reverse("gaf:coord_group", args=[group.slug]) + "#punti")
        status = 400
    context = {"group": group, "form": form, "point": None}
    return render(request, "pickup_point_form.html", context, status)


@require_http_methods(["GET", "POST"])
def pickup_point_edit(request: HttpRequest, group_slug: str, point_id: int) -> HttpResponse:
    group = group_or_404(request, group_slug, rules.can_manage_group)
    point = found(selectors.pickup_point(group=group, point_id=point_id))
    form = _pickup_point_form(
        request,
        initial={
            "name": point.name,
            "address": point.address,
            "notes": point.notes,
            "is_active": point.is_active,
        },
    )
    status = 200
    if request.method == "POST":
        ok, _result = submit(
            form,
            lambda data: services.pickup_point_update(pickup_point=point, by=request.user, **data),
        )
        if ok:
            messages.success(request, _("Punto di ritiro aggiornato."))
            return redirect(reverse("gaf:coord_group", args=[group.slug]) + "#punti")
        status = 400
    context = {"group": group, "form": form, "point": point}
    return render(request, "pickup_point_form.html", context, status)
