"""Proposals: writing one, its page (fields, body, status and history, versions,
discussion, endorsements, decision), comparing and restoring versions, status moves,
co-authors and the table's decision."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hub.form_errors import error_messages, refusal_status, submit
from tables import plan_selectors, presentation, rules, selectors, services, workflow
from tables.forms import (
    CoauthorForm,
    CommentForm,
    DecisionForm,
    LinkObjectiveForm,
    ProposalForm,
    StatusForm,
    SuggestionForm,
)
from tables.links import proposal_path
from tables.models import ProposalStatus, Role
from tables.services import plan as plan_services
from tables.views._common import forbidden, proposal_or_404, require, table_or_404


def _proposal_initial(proposal) -> dict:
    return {
        "title": proposal.title,
        "summary": proposal.summary,
        "area": proposal.area_id,
        "age_bands": [b.pk for b in proposal.age_bands.all()],
        "municipalities": [m.pk for m in proposal.municipalities.all()],
        "partner_associations": [a.pk for a in proposal.partner_associations.all()],
        "budget_estimate": proposal.budget_estimate,
        "body": proposal.body,
        "base_version": proposal.latest_version,
    }


@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    table = table_or_404(request, slug)
    require(rules.can_create_proposal(request.user, table))
    form = ProposalForm(request.POST or None, table=table)
    if request.method == "POST":
        ok, proposal = submit(
            form,
            lambda data: services.proposal_create(
                by=request.user,
                table=table,
                **{k: v for k, v in data.items() if k != "base_version"},
            ),
        )
        if ok:
            messages.success(
                request,
                _("Bozza salvata (versione 1). Aggiungi i coautori e pubblicala quando è pronta."),
            )
            return redirect(proposal_path(proposal, table))
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request,
        "tables/proposal_form.html",
        {"form": form, "table": table, "proposal": None},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    if not rules.can_edit_proposal(request.user, proposal):
        if proposal.status not in workflow.EDITABLE and rules.can_act(request.user, table):
            return proposal_page_response(
                request,
                table,
                proposal,
                errors=[
                    _("La proposta è «%(status)s»: il testo non si modifica più.")
                    % {"status": workflow.label(proposal.status)}
                ],
                status=409,
            )
        raise PermissionDenied
    form = ProposalForm(request.POST or None, table=table, initial=_proposal_initial(proposal))
    status = 200
    if request.method == "POST":
        ok, version = submit(
            form,
            lambda data: services.proposal_update(by=request.user, proposal=proposal, **data),
        )
        if ok:
            if version is None:
                messages.info(request, _("Nessuna modifica da salvare."))
            else:
                messages.success(
                    request,
                    _("Salvata la versione %(number)s.") % {"number": version.number},
                )
            return redirect(proposal_path(proposal, table))
        general = form.errors.as_data().get("__all__", [])
        status = refusal_status(general[0]) if general else 400
    return TemplateResponse(
        request,
        "tables/proposal_form.html",
        {"form": form, "table": table, "proposal": proposal},
        status=status,
    )


def _coauthor_candidates(table, proposal):
    taken = {a.user_id for a in proposal.authorships.all()}
    return [
        m
        for m in selectors.table_members(table, roles=[Role.COORDINATOR, Role.MEMBER])
        if m.user_id not in taken
    ]


def proposal_page_response(
    request, table, proposal, *, status: int = 200, errors=(), **forms
) -> HttpResponse:
    user = request.user
    page = selectors.proposal_page(proposal=proposal, user=user)
    context = {
        "table": table,
        "proposal": proposal,
        "page": page,
        "errors": list(errors),
        "can_edit": rules.can_edit_proposal(user, proposal),
        "can_endorse": rules.can_endorse(user, proposal),
        "endorse_association": rules.endorsable_association(user, proposal)
        if rules.can_endorse(user, proposal)
        else None,
        "locked_message": workflow.locked_message(proposal.status)
        if proposal.status in workflow.LOCKED
        else "",
        "credited": [
            a
            for a in proposal.authorships.all()
            if a.credited_at or proposal.status == ProposalStatus.DRAFT
        ],
        **presentation.comment_context(user, proposal),
    }
    choices = presentation.status_choices(user, proposal)
    if choices:
        context["status_form"] = forms.get("status_form") or StatusForm(choices=choices)
    if rules.can_manage_coauthors(user, proposal):
        candidates = _coauthor_candidates(table, proposal)
        if candidates:
            context["coauthor_form"] = forms.get("coauthor_form") or CoauthorForm(
                members=candidates
            )
    if context["can_comment"]:
        context["comment_form"] = forms.get("comment_form") or CommentForm()
    context["suggestions"] = selectors.suggestions_of(proposal)
    for suggestion in context["suggestions"]:
        suggestion.comment_count = page.suggestion_comment_counts.get(suggestion.pk, 0)
    context["can_decide_suggestions"] = rules.can_decide_suggestion(user, proposal)
    if rules.can_suggest(user, proposal):
        context["suggestion_form"] = forms.get("suggestion_form") or SuggestionForm()
    if rules.can_record_decision(user, proposal):
        context["decision_form"] = forms.get("decision_form") or DecisionForm(
            meetings=selectors.open_meetings(table)
        )
    if forms.get("link_form") is not None:
        context["link_form"] = forms["link_form"]
    elif can_link_objective(user, proposal):
        objectives = plan_selectors.linkable_objectives(user, proposal)
        if objectives:
            context["link_form"] = forms.get("link_form") or LinkObjectiveForm(
                objectives=objectives
            )
    return TemplateResponse(request, "tables/proposal.html", context, status=status)


def can_link_objective(user, proposal) -> bool:
    """The table's coordinators and network staff, for an approved proposal."""
    return proposal.status in plan_services.LINKABLE_STATUSES and (
        rules.is_coordinator(user, proposal.table) or bool(getattr(user, "is_staff", False))
    )


@require_GET
def proposal_detail(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    return proposal_page_response(request, table, proposal)


@require_POST
def proposal_status(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    to_status = request.POST.get("to_status", "")
    note = request.POST.get("note", "")[:2000]
    try:
        services.proposal_set_status(
            by=request.user, proposal=proposal, to_status=to_status, note=note
        )
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        proposal = proposal_or_404(request, table, proposal_id)
        return proposal_page_response(
            request, table, proposal, errors=error_messages(error), status=refusal_status(error)
        )
    messages.success(
        request, _("La proposta ora è «%(status)s».") % {"status": workflow.label(to_status)}
    )
    return redirect(proposal_path(proposal, table))


@require_POST
def proposal_coauthors(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    require(rules.can_manage_coauthors(request.user, proposal))
    members = selectors.table_members(table)
    form = CoauthorForm(request.POST, members=members)
    if not form.is_valid():
        return proposal_page_response(request, table, proposal, coauthor_form=form, status=400)
    person = next(m.user for m in members if m.user_id == form.cleaned_data["user"])
    try:
        if request.POST.get("action") == "remove":
            services.coauthor_remove(by=request.user, proposal=proposal, user=person)
        else:
            services.coauthor_add(by=request.user, proposal=proposal, user=person)
    except ValidationError as error:
        proposal = proposal_or_404(request, table, proposal_id)
        return proposal_page_response(
            request, table, proposal, errors=error_messages(error), status=refusal_status(error)
        )
    return redirect(proposal_path(proposal, table) + "#coautori")


def _version_number(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 9:
        return None
    return int(value)


@require_GET
def proposal_compare(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    """Any two versions, word by word, fields included (?da=<n>&a=<m>)."""
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    latest = proposal.latest_version
    old = _version_number(request.GET.get("da", str(max(latest - 1, 1))))
    new = _version_number(request.GET.get("a", str(latest)))
    if old is None or new is None:
        return HttpResponseBadRequest(
            _("Indica le due versioni da confrontare con numeri interi (es. ?da=1&a=3)."),
            content_type="text/plain; charset=utf-8",
        )
    changes = selectors.compare_versions(proposal, old, new)
    if changes is None:
        raise Http404
    context = {
        "table": table,
        "proposal": proposal,
        "old": old,
        "new": new,
        "changes": changes,
        "numbers": list(range(latest, 0, -1)),
        "can_restore": rules.can_edit_proposal(request.user, proposal) and old != latest,
    }
    return TemplateResponse(request, "tables/compare.html", context)


@require_POST
def proposal_restore(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    number = _version_number(request.POST.get("number"))
    if number is None:
        return proposal_page_response(
            request, table, proposal, errors=[_("Scegli la versione da ripristinare.")], status=400
        )
    try:
        version = services.proposal_restore(by=request.user, proposal=proposal, number=number)
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return proposal_page_response(
            request, table, proposal, errors=error_messages(error), status=refusal_status(error)
        )
    messages.success(
        request,
        _("Ripristinata la versione %(old)s come nuova versione %(new)s.")
        % {"old": number, "new": version.number},
    )
    return redirect(proposal_path(proposal, table))


@require_POST
def proposal_decision(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    require(rules.is_coordinator(request.user, table))
    meetings = selectors.open_meetings(table)
    form = DecisionForm(request.POST, meetings=meetings)
    by_id = {m.pk: m for m in meetings}

    def record(data):
        return services.decision_record(
            by=request.user,
            proposal=proposal,
            meeting=by_id.get(data.pop("meeting")),
            **data,
        )

    ok, _decision = submit(form, record)
    if ok:
        messages.success(request, _("Decisione del tavolo registrata."))
        return redirect(proposal_path(proposal, table))
    general = form.errors.as_data().get("__all__", [])
    status = refusal_status(general[0]) if general else 400
    proposal = proposal_or_404(request, table, proposal_id)
    return proposal_page_response(request, table, proposal, decision_form=form, status=status)


@require_POST
def proposal_link_objective(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    proposal = proposal_or_404(request, table, proposal_id)
    require(rules.is_coordinator(request.user, table) or request.user.is_staff)
    objectives = plan_selectors.linkable_objectives(request.user, proposal)
    form = LinkObjectiveForm(request.POST, objectives=objectives)
    by_id = {o.pk: o for o in objectives}

    def link(data):
        return plan_services.objective_link_proposal(
            objective=by_id[data["objective"]],
            proposal=proposal,
            by=request.user,
            title=data["title"],
        )

    try:
        ok, _action = submit(form, link)
    except PermissionDenied as error:
        return forbidden(request, error)
    if ok:
        messages.success(request, _("Proposta collegata all'obiettivo del Piano Family."))
        return redirect(proposal_path(proposal, table))
    general = form.errors.as_data().get("__all__", [])
    status = refusal_status(general[0]) if general else 400
    proposal = proposal_or_404(request, table, proposal_id)
    return proposal_page_response(request, table, proposal, link_form=form, status=status)
