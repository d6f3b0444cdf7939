"""Suggestions on a proposal being written: posting one (observers too) and the co-authors'
and coordinators' decision (tables.services.suggestions)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.form_errors import error_messages, refusal_status
from tables import services
from tables.forms import SuggestionForm
from tables.links import proposal_path
from tables.models import Suggestion
from tables.views._common import forbidden, proposal_or_404, table_or_404
from tables.views.proposals import proposal_page_response


@require_POST
def suggestion_create(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        return proposal_page_response(request, table, proposal, suggestion_form=form, status=400)
    try:
        suggestion = services.suggestion_create(
            by=request.user, proposal=proposal, **form.cleaned_data
        )
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return proposal_page_response(
            request,
            table,
            proposal,
            errors=error_messages(error),
            suggestion_form=form,
            status=refusal_status(error),
        )
    messages.success(request, _("Suggerimento inviato ai coautori."))
    return redirect(proposal_path(proposal, table) + f"#suggerimento-{suggestion.pk}")


@require_POST
def suggestion_decide(
    request: HttpRequest, slug: str, proposal_id: int, suggestion_id: int
) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    suggestion = Suggestion.objects.filter(proposal=proposal, pk=suggestion_id).first()
    if suggestion is None:
        raise Http404
    action = request.POST.get("action")
    if action not in ("accept", "dismiss"):
        return proposal_page_response(
            request,
            table,
            proposal,
            errors=[_("Scegli se accogliere il suggerimento.")],
            status=400,
        )
    try:
        services.suggestion_decide(
            by=request.user, suggestion=suggestion, accept=action == "accept"
        )
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return proposal_page_response(
            request, table, proposal, errors=error_messages(error), status=refusal_status(error)
        )
    messages.success(
        request,
        _("Suggerimento accolto: riporta la modifica nel testo.")
        if action == "accept"
        else _("Suggerimento non accolto."),
    )
    return redirect(proposal_path(proposal, table) + f"#suggerimento-{suggestion.pk}")
