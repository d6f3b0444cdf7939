"""Pages of the Piano Family: the public plan, objective and dashboard pages, the annual
report's exports, and the staff's forms to write plans, objectives, actions and updates.

A draft plan is as good as absent (404) for whoever may not edit it. The staff's routes
are declared for network staff (hub.access.STAFF, tables.urls_plan); every change goes
through tables.services.plan, whose refusals come back on the form with a 400.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hub import charts
from hub.csv_export import csv_response
from hub.form_errors import error_messages, refusal_status, submit
from hub.page_urls import PageUrls
from tables import plan_exports, plan_rules, plan_selectors
from tables.models import Objective, PianoFamily
from tables.plan_forms import (
    ActionForm,
    ObjectiveForm,
    PlanForm,
    ProgressUpdateForm,
    ReportYearForm,
)
from tables.services import plan as services


def _plan_or_404(request: HttpRequest, slug: str) -> PianoFamily:
    plan = plan_selectors.plan_for(request.user, slug)
    if plan is None:
        raise Http404
    return plan


def _editable_plan(request: HttpRequest, slug: str) -> PianoFamily:
    """The plan, for those who edit it (network staff and the coordinators of its table)."""
    plan = _plan_or_404(request, slug)
    if not plan_rules.can_edit_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _objective_or_404(plan: PianoFamily, objective_id: int) -> Objective:
    objective = plan_selectors.objective_for(plan, objective_id)
    if objective is None:
        raise Http404
    return objective


def _plan_context(request: HttpRequest, plan: PianoFamily) -> dict:
    return {
        "plan": plan,
        "can_edit": plan_rules.can_edit_plan(request.user, plan),
        "plan_years": list(range(plan.start_year, plan.end_year + 1)),
    }


# --- Public pages -----------------------------------------------------------------------------


@require_GET
def plan_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tables/plan/index.html",
        {
            "plans": plan_selectors.visible_plans(request.user),
            "can_edit": plan_rules.can_edit_plans(request.user),
        },
    )


@require_GET
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    context = _plan_context(request, plan)
    context["report"] = plan_selectors.plan_report(plan)
    return render(request, "tables/plan/plan.html", context)


@require_GET
def objective_detail(request: HttpRequest, slug: str, objective_id: int) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    objective = _objective_or_404(plan, objective_id)
    context = _plan_context(request, plan)
    context["detail"] = plan_selectors.objective_detail(
        objective, urls=PageUrls(request), user=request.user
    )
    return render(request, "tables/plan/objective.html", context)


@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    report = plan_selectors.plan_report(plan)
    context = _plan_context(request, plan)
    context.update(
        report=report,
        progress_text=charts.percent_text(report.progress),
        charts={
            "macro_areas": charts.bar_chart(report.by_macro_area),
            "areas": charts.bar_chart(report.by_area),
            "municipalities": charts.bar_chart(report.by_municipality),
            "timeline": charts.column_chart(report.timeline),
        },
    )
    return render(request, "tables/plan/dashboard.html", context)


# --- Annual report ----------------------------------------------------------------------------


def _report_for_export(request: HttpRequest, plan: PianoFamily):
    """The report at the end of `?anno=` (today without it), or a 400 saying why not."""
    form = ReportYearForm(request.GET, plan=plan)
    if not form.is_valid():
        text = " ".join(message for errors in form.errors.values() for message in errors)
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    year = form.cleaned_data.get("anno")
    as_of = date(year, 12, 31) if year else None
    return plan_selectors.plan_report(plan, as_of=as_of)


def _export_name(plan: PianoFamily, report, extension: str) -> str:
    when = report.as_of or plan_selectors.today()
    return f"{plan.slug}_{when:%Y-%m-%d}.{extension}"


@require_GET
def plan_csv(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    report = _report_for_export(request, plan)
    if isinstance(report, HttpResponse):
        return report
    writer = plan_exports.plan_csv(report, kind_labels=dict(Objective.IndicatorKind.choices))
    return csv_response(writer, filename=_export_name(plan, report, "csv"))


@require_GET
def plan_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    report = _report_for_export(request, plan)
    if isinstance(report, HttpResponse):
        return report
    heading = plan_exports.PlanHeading(
        title=plan.title,
        owner=str(plan.network.name if plan.network_id else plan.municipality.name),
        period=plan.period_label,
        description=plan.description,
    )
    pdf = plan_exports.plan_pdf(report, heading, today=plan_selectors.today())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(plan, report, "pdf")}"'
    return response


# --- Staff: plans -----------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form,
    save,
    *,
    done: str,
    then,
    template: str,
    context: dict | None = None,
    field_for=None,
) -> HttpResponse:
    """The shape of every staff form here: a POST goes to the service (`save`); when it is
    accepted, a message (`done`) and a redirect to `then(what the service returned)`;
    otherwise the form again, with its reasons and a 400 when it was sent."""
    if request.method == "POST":
        ok, saved = submit(form, save, field_for=field_for)
        if ok:
            messages.success(request, done)
            return redirect(then(saved))
    status = 400 if form.is_bound else 200
    return render(request, template, {**(context or {}), "form": form}, status=status)


def _to_plan(plan: PianoFamily):
    return lambda _saved: reverse("piano_family:plan", kwargs={"slug": plan.slug})


def _to_objective(plan: PianoFamily, objective: Objective | None = None):
    def url(saved):
        target = objective if objective is not None else saved
        return reverse(
            "piano_family:objective", kwargs={"slug": plan.slug, "objective_id": target.pk}
        )

    return url


def _plan_form(request: HttpRequest, plan: PianoFamily | None = None) -> PlanForm:
    options = plan_selectors.plan_form_options()
    initial = {}
    if plan is not None:
        initial = {
            "title": plan.title,
            "network": str(plan.network_id or ""),
            "municipality": str(plan.municipality_id or ""),
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "first_review_on": plan.first_review_on,
            "second_review_on": plan.second_review_on,
            "description": plan.description,
        }
    return PlanForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        networks=options.networks,
        municipalities=options.municipalities,
    )


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        _plan_form(request),
        lambda data: services.plan_create(by=request.user, data=services.PlanData(**data)),
        done=_("Piano creato: ora aggiungi gli obiettivi."),
        then=lambda plan: reverse("piano_family:plan", kwargs={"slug": plan.slug}),
        template="tables/plan/plan_form.html",
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _editable_plan(request, slug)
    return _form_page(
        request,
        _plan_form(request, plan),
        lambda data: services.plan_update(
            plan=plan, by=request.user, data=services.PlanData(**data)
        ),
        done=_("Piano salvato."),
        then=_to_plan(plan),
        template="tables/plan/plan_form.html",
        context={"plan": plan},
    )


def _refused(request: HttpRequest, plan: PianoFamily, error) -> HttpResponse:
    context = _plan_context(request, plan)
    context["errors"] = error_messages(error)
    return render(request, "tables/plan/refused.html", context, status=refusal_status(error))


@require_POST
def plan_publish(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _editable_plan(request, slug)
    publish = request.POST.get("publish", "1") != "0"
    try:
        if publish:
            services.plan_publish(plan=plan, by=request.user)
        else:
            services.plan_unpublish(plan=plan, by=request.user)
    except ValidationError as error:
        return _refused(request, plan, error)
    messages.success(
        request,
        _("Piano pubblicato: ora è visibile a tutti.")
        if publish
        else _("Piano tornato in bozza: lo vede solo lo staff."),
    )
    return redirect("piano_family:plan", slug=plan.slug)


# --- Staff: objectives ------------------------------------------------------------------------


def _objective_form(
    request: HttpRequest, plan: PianoFamily, objective: Objective | None = None
) -> ObjectiveForm:
    options = plan_selectors.objective_form_options(plan)
    initial: dict = {"progress_method": Objective.ProgressMethod.INDICATOR, "weight": 1}
    if objective is not None:
        initial = {
            "macro_area": str(objective.macro_area_id),
            "area": str(objective.area_id or ""),
            "title": objective.title,
            "description": objective.description,
            "expected_results": objective.expected_results,
            "indicator_name": objective.indicator_name,
            "indicator_kind": objective.indicator_kind,
            "indicator_unit": objective.indicator_unit,
            "baseline": objective.baseline.normalize(),
            "target": objective.target.normalize(),
            "progress_method": objective.progress_method,
            "responsible": objective.responsible,
            "responsible_association": str(objective.responsible_association_id or ""),
            "due_date": objective.due_date,
            "weight": objective.weight,
            "municipalities": [str(pk) for pk in options.selected_municipalities(objective)],
        }
    return ObjectiveForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        macro_areas=options.macro_areas,
        areas=options.areas,
        associations=options.associations,
        municipalities=options.municipalities,
    )


@require_http_methods(["GET", "POST"])
def objective_create(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _editable_plan(request, slug)
    return _form_page(
        request,
        _objective_form(request, plan),
        lambda data: services.objective_create(
            plan=plan, by=request.user, data=services.ObjectiveData(**data)
        ),
        done=_("Obiettivo aggiunto al piano."),
        then=_to_objective(plan),
        template="tables/plan/objective_form.html",
        context=_plan_context(request, plan),
    )


@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, slug: str, objective_id: int) -> HttpResponse:
    plan = _editable_plan(request, slug)
    objective = _objective_or_404(plan, objective_id)
    return _form_page(
        request,
        _objective_form(request, plan, objective),
        lambda data: services.objective_update(
            objective=objective, by=request.user, data=services.ObjectiveData(**data)
        ),
        done=_("Obiettivo salvato."),
        then=_to_objective(plan, objective),
        template="tables/plan/objective_form.html",
        context={**_plan_context(request, plan), "objective": objective},
    )


@require_POST
def objective_delete(request: HttpRequest, slug: str, objective_id: int) -> HttpResponse:
    plan = _editable_plan(request, slug)
    objective = _objective_or_404(plan, objective_id)
    services.objective_delete(objective=objective, by=request.user)
    messages.success(request, _("Obiettivo eliminato."))
    return redirect("piano_family:plan", slug=plan.slug)


# --- Staff: actions ---------------------------------------------------------------------------


def _action_form(request: HttpRequest, plan: PianoFamily, action=None) -> ActionForm:
    initial: dict = {"weight": 1}
    if action is not None:
        initial = {
            "title": action.title,
            "initiative": str(action.initiative_id or ""),
            "status": action.status,
            "weight": action.weight,
        }
    return ActionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        initiatives=plan_selectors.initiative_options(plan),
    )


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, slug: str, objective_id: int) -> HttpResponse:
    plan = _editable_plan(request, slug)
    objective = _objective_or_404(plan, objective_id)
    return _form_page(
        request,
        _action_form(request, plan),
        lambda data: services.action_add(
            objective=objective, by=request.user, data=services.ActionData(**data)
        ),
        done=_("Azione aggiunta."),
        then=_to_objective(plan, objective),
        template="tables/plan/action_form.html",
        context={**_plan_context(request, plan), "objective": objective},
    )


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, slug: str, objective_id: int, action_id: int):
    plan = _editable_plan(request, slug)
    objective = _objective_or_404(plan, objective_id)
    action = plan_selectors.action_for(objective, action_id)
    if action is None:
        raise Http404
    return _form_page(
        request,
        _action_form(request, plan, action),
        lambda data: services.action_update(
            action=action, by=request.user, data=services.ActionData(**data)
        ),
        done=_("Azione salvata."),
        then=_to_objective(plan, objective),
        template="tables/plan/action_form.html",
        context={**_plan_context(request, plan), "objective": objective, "action": action},
    )


@require_POST
def action_delete(request: HttpRequest, slug: str, objective_id: int, action_id: int):
    plan = _editable_plan(request, slug)
    objective = _objective_or_404(plan, objective_id)
    action = plan_selectors.action_for(objective, action_id)
    if action is None:
        raise Http404
    services.action_remove(action=action, by=request.user)
    messages.success(request, _("Azione tolta dall'obiettivo."))
    return redirect("piano_family:objective", slug=plan.slug, objective_id=objective.pk)


# --- Staff: progress updates ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def update_create(request: HttpRequest, slug: str, objective_id: int) -> HttpResponse:
    plan = _editable_plan(request, slug)
    objective = _objective_or_404(plan, objective_id)
    form = ProgressUpdateForm(
        request.POST if request.method == "POST" else None,
        initial={"date": plan_selectors.today(), "status": plan_selectors.latest_status(objective)},
        objective=objective,
    )
    return _form_page(
        request,
        form,
        lambda data: services.progress_update_record(
            objective=objective,
            by=request.user,
            on=data["date"],
            status=data["status"],
            indicator_value=data["indicator_value"],
            note=data["note"],
        ),
        field_for=lambda name: {"on": "date"}.get(name, name),
        done=_("Aggiornamento registrato."),
        then=_to_objective(plan, objective),
        template="tables/plan/update_form.html",
        context={**_plan_context(request, plan), "objective": objective},
    )


@require_POST
def update_delete(request: HttpRequest, slug: str, objective_id: int, update_id: int):
    plan = _editable_plan(request, slug)
    objective = _objective_or_404(plan, objective_id)
    update = plan_selectors.update_for(objective, update_id)
    if update is None:
        raise Http404
    services.progress_update_delete(update=update, by=request.user)
    messages.success(request, _("Aggiornamento eliminato."))
    return redirect("piano_family:objective", slug=plan.slug, objective_id=objective.pk)
