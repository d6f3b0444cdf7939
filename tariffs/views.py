"""The public calculator: GET shows the form, POST compares the tariffs. Anyone may use it;
nothing the family types is stored or logged (no session, no message, no model write).

The reform simulation (staff): a CSV of anonymous households, read in memory, simulated,
and dropped with the request. The report's downloads get the summary's figures (never the
households) back from the page, signed, so nothing is kept on the server between the two."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hub.csv_export import csv_response
from hub.form_errors import add_service_error
from tariffs import comparison, households_csv, reform, selectors, simulation, simulation_report
from tariffs.forms import CalculatorForm, SimulationForm

REPORT_SALT = "tariffs.simulation.report"
REPORT_MAX_AGE = 6 * 3600  # a report can be downloaded for 6 hours after the simulation


@never_cache
@require_http_methods(["GET", "POST"])
def calculator(request: HttpRequest) -> HttpResponse:
    choices = selectors.municipality_choices()
    result = None
    status = 200
    if request.method == "POST":
        form = CalculatorForm(request.POST, municipality_choices=choices)
        if form.is_valid():
            try:
                result = comparison.compare(
                    household=form.household(),
                    municipality_slug=form.cleaned_data["municipality"],
                    service_kinds=form.cleaned_data["services"],
                    on=timezone.localdate(),
                )
            except ValidationError as error:
                add_service_error(form, error)
        if result is None:
            status = 400
    else:
        initial = {}
        if request.GET.get("comune") in {slug for slug, _name in choices}:
            initial["municipality"] = request.GET["comune"]
        form = CalculatorForm(initial=initial, municipality_choices=choices)
    return render(
        request, "tariffs/calculator.html", {"form": form, "result": result}, status=status
    )


# --- Reform simulation (staff) ------------------------------------------------------------


def _read_households(upload) -> list[households_csv.HouseholdRow]:
    """The upload's households; the file is closed (and any temporary copy deleted) here."""
    try:
        households_csv.check_size(upload.size)
        return households_csv.parse(households_csv.decode(upload.read()))
    finally:
        upload.close()


@never_cache
@require_http_methods(["GET", "POST"])
def simulation_page(request: HttpRequest) -> HttpResponse:
    form = SimulationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        rules=selectors.simulation_rules(),
        scales=selectors.draft_scales(),
    )
    context: dict = {"form": form, "file_errors": None}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                rows = _read_households(data["households"])
                summary = reform.simulate_reform(
                    current_rule=data["current_rule"],
                    draft_rule=data["draft_rule"],
                    scale_kind=data["scale_kind"],
                    draft_scale=data["draft_scale"],
                    rows=rows,
                    on=timezone.localdate(),
                )
            except households_csv.HouseholdsFileError as error:
                context["file_errors"] = error
            except ValidationError as error:
                add_service_error(form, error)
            else:
                status = 200
                context.update(
                    summary=summary,
                    charts=simulation_report.charts(summary),
                    sections=simulation_report.sections(summary),
                    headings=simulation_report.headings(),
                    report=signing.dumps(summary.as_data(), salt=REPORT_SALT, compress=True),
                )
    return render(request, "tariffs/simulation.html", context, status=status)


@require_POST
def simulation_report_download(request: HttpRequest) -> HttpResponse:
    try:
        data = signing.loads(
            request.POST.get("report", ""), salt=REPORT_SALT, max_age=REPORT_MAX_AGE
        )
        summary = simulation.Summary.from_data(data)
    except signing.SignatureExpired:
        return _report_refused(request, _("Il rapporto è scaduto: rifai la simulazione."))
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError, ArithmeticError):
        return _report_refused(request, _("Rapporto non valido: rifai la simulazione."))
    if request.POST.get("format") == "pdf":
        response = HttpResponse(
            simulation_report.report_pdf(summary), content_type="application/pdf"
        )
        response["Content-Disposition"] = 'attachment; filename="simulazione-tariffe.pdf"'
        return response
    return csv_response(simulation_report.report_csv(summary), filename="simulazione-tariffe.csv")


def _report_refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


@require_GET
def simulation_template(request: HttpRequest) -> HttpResponse:
    return csv_response(households_csv.template_csv(), filename="famiglie-modello.csv")


@require_GET
def simulation_sample(request: HttpRequest) -> HttpResponse:
    return csv_response(households_csv.sample_csv(), filename="famiglie-esempio-500.csv")
