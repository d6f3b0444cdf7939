"""The discussion of a proposal: posting comments, the live comments endpoint, moderation
and endorsements.

New comments reach open pages by polling `commenti/?dopo=<last id>` (a small JSON answer,
a fixed number of queries): the page's script adds each new comment where it belongs and
never touches the forms, so nobody loses what they are typing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hub.api_errors import json_error
from hub.form_errors import error_messages, refusal_status
from tables import presentation, rules, selectors, services
from tables.forms import CommentForm, HideForm
from tables.links import proposal_path
from tables.models import Comment, Suggestion
from tables.views._common import forbidden, proposal_or_404, require, table_or_404
from tables.views.proposals import proposal_page_response

MAX_COMMENTS_PER_POLL = 200


@require_POST
def comment_create(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return proposal_page_response(request, table, proposal, comment_form=form, status=400)
    data = form.cleaned_data
    parent = None
    if data["parent"]:
        parent = Comment.objects.filter(proposal=proposal, pk=data["parent"]).first()
        if parent is None:
            return proposal_page_response(
                request,
                table,
                proposal,
                errors=[_("Il commento a cui rispondi non esiste.")],
                status=400,
            )
    suggestion = None
    if data["suggestion"]:
        suggestion = Suggestion.objects.filter(proposal=proposal, pk=data["suggestion"]).first()
        if suggestion is None:
            return proposal_page_response(
                request,
                table,
                proposal,
                errors=[_("Il suggerimento che commenti non esiste.")],
                status=400,
            )
    try:
        comment = services.comment_create(
            by=request.user,
            proposal=proposal,
            body=data["body"],
            stance=data["stance"],
            parent=parent,
            suggestion=suggestion,
        )
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return proposal_page_response(
            request,
            table,
            proposal,
            errors=error_messages(error),
            comment_form=form,
            status=refusal_status(error),
        )
    return redirect(proposal_path(proposal, table) + f"#commento-{comment.pk}")


@require_GET
def comments_since(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    """The comments after `?dopo=<id>`, each as the page shows it, with its parent."""
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    after = request.GET.get("dopo", "0")
    if not after.isdigit() or len(after) > 12:
        return json_error(400, _("«dopo» è il numero dell'ultimo commento ricevuto."))
    comments = selectors.comments_of(proposal, after_id=int(after))[:MAX_COMMENTS_PER_POLL]
    context = presentation.comment_context(request.user, proposal)
    response = JsonResponse(
        {
            "comments": [
                {
                    "id": comment.pk,
                    "parent": comment.parent_id,
                    "depth": comment.depth,
                    "html": presentation.comment_html(request, comment, proposal, context),
                }
                for comment in comments
            ],
            "last_id": comments[-1].pk if comments else int(after),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def comment_moderate(
    request: HttpRequest, slug: str, proposal_id: int, comment_id: int
) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    require(rules.can_moderate(request.user, proposal))
    comment = Comment.objects.filter(proposal=proposal, pk=comment_id).first()
    if comment is None:
        raise Http404
    try:
        if request.POST.get("action") == "show":
            services.comment_unhide(by=request.user, comment=comment)
        else:
            form = HideForm(request.POST)
            reason = (
                form.data.get("reason", "") if not form.is_valid() else form.cleaned_data["reason"]
            )
            services.comment_hide(by=request.user, comment=comment, reason=reason)
    except ValidationError as error:
        return proposal_page_response(
            request, table, proposal, errors=error_messages(error), status=refusal_status(error)
        )
    return redirect(proposal_path(proposal, table) + f"#commento-{comment.pk}")


@require_POST
def endorse(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    for_association = request.POST.get("for") == "association"
    try:
        if request.POST.get("action") == "withdraw":
            services.endorsement_withdraw(
                by=request.user, proposal=proposal, on_behalf_of_association=for_association
            )
            messages.info(request, _("Sostegno ritirato."))
        else:
            services.endorsement_create(
                by=request.user, proposal=proposal, on_behalf_of_association=for_association
            )
            messages.success(request, _("Grazie: il tuo sostegno è registrato."))
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return proposal_page_response(
            request, table, proposal, errors=error_messages(error), status=refusal_status(error)
        )
    return redirect(proposal_path(proposal, table) + "#sostegni")
