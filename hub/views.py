"""Views of the core: health check, profile and family, API tokens, error pages."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from hub import availability, input_guard, rules, selectors, services
from hub import profile as profile_sections
from hub.access import is_api_path, permission_denied_response
from hub.api_errors import json_error
from hub.form_errors import add_service_error
from hub.forms import ApiTokenForm, FamilyForm
from hub.health import run_checks

# What the profile and the family form show of the family besides its row.
FAMILY_DETAILS = ("children", "memberships__user")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results = run_checks()
    down = [result.name for result in results if not result.ok and not result.degraded]
    degraded = [result.name for result in results if result.degraded]
    body = {
        "status": "down" if down else "degraded" if degraded else "ok",
        "down": down,
        "degraded": degraded,
        "checks": {result.name: result.as_dict() for result in results},
    }
    # Degraded is still serving: 200, so a load balancer keeps the hub in.
    return JsonResponse(body, status=200 if not down else 503)


FAVICON = Path(__file__).resolve().parent / "static" / "hub" / "favicon.ico"


@cache
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers, feed readers and bookmarks ask for /favicon.ico whatever a page declares."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=7 * 24 * 3600)
    return response


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    family = selectors.family_of(request.user, related=FAMILY_DETAILS)
    context = {
        "family": family,
        "is_beneficiary": selectors.family_is_beneficiary(family) if family else False,
        "tokens": selectors.active_tokens_of(request.user),
        "may_create_token": rules.may_create_api_token(request.user),
        "token_form": ApiTokenForm(),
        "new_token": request.session.pop("new_api_token", None),
        "profile_sections": profile_sections.sections_for(request),
    }
    return render(request, "hub/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def family_edit(request: HttpRequest) -> HttpResponse:
    family = selectors.family_of(request.user, related=FAMILY_DETAILS)
    if (
        family is not None
        and not family.memberships.filter(user=request.user, is_manager=True).exists()
    ):
        return permission_denied_response(
            request, _("Solo chi gestisce la famiglia può modificarla.")
        )
    if request.method == "POST":
        form = FamilyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if family is None:
                    services.family_create(
                        user=request.user,
                        name=data["name"],
                        municipality=data["municipality"],
                        child_birth_years=data["child_birth_years"],
                    )
                else:
                    services.family_update(
                        family=family,
                        name=data["name"],
                        municipality=data["municipality"],
                        child_birth_years=data["child_birth_years"],
                    )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Dati della famiglia salvati."))
                return redirect("profile")
        status = 400
    else:
        initial = {}
        if family is not None:
            initial = {
                "name": family.name,
                "municipality": family.municipality_id,
                "child_birth_years": ", ".join(str(c.birth_year) for c in family.children.all()),
            }
        form = FamilyForm(initial=initial)
        status = 200
    return render(request, "hub/family_form.html", {"form": form, "family": family}, status=status)


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dai un nome al token."))
        return redirect("profile")
    try:
        _token, secret = services.api_token_create(
            user=request.user, name=form.cleaned_data["name"]
        )
    except ValidationError as error:
        if error.code == "unverified_email":
            return permission_denied_response(request, " ".join(error.messages))
        messages.error(request, " ".join(error.messages))
        return redirect("profile")
    # Shown once on the next page, then gone: only its digest is stored.
    request.session["new_api_token"] = secret
    return redirect("profile")


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if services.api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("Token revocato."))
    else:
        messages.error(request, _("Token non trovato."))
    return redirect("profile")


# --- Errors -------------------------------------------------------------------------------


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if is_api_path(request.path_info):
        return json_error(404, _("Risorsa non trovata."))
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return permission_denied_response(
        request, _("Non hai il permesso di accedere a questa pagina.")
    )


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    # The message depends on what was refused (too big: 413; too many fields: 400).
    return input_guard.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while the uncaught exception is being handled: a database that cannot serve
    # now (stopped, restarting, pool exhausted) is a 503 with Retry-After, not a 500.
    error = sys.exc_info()[1]
    if availability.database_unavailable(error):
        return availability.unavailable_response(request, error)
    if is_api_path(request.path_info):
        return json_error(500, _("Errore interno. È stato registrato e verrà risolto."))
    return render(request, "500.html", status=500)
