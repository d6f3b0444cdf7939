"""Pages of the surveys app: answering a questionnaire (public or by a personal link) and,
for network staff, results, invitations and the researchers' CSV export.

Answering: skip logic and required answers are checked on the server (surveys.answering);
any error answers 400 and stores nothing; a closed questionnaire answers 410, and so does an
invitation link already used.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hub import abuse
from hub.csv_export import CsvWriter, csv_response
from hub.task_queue import enqueue_on_commit
from surveys import presentation, results, results_pdf, rules, selectors, services
from surveys.answering import check_answers
from surveys.forms import ContextForm, InvitationRuleForm, ResultsFilterForm
from surveys.models import Survey


def _refuse(request: HttpRequest, message: str, status: int, survey=None) -> HttpResponse:
    return render(
        request, "surveys/refused.html", {"message": message, "survey": survey}, status=status
    )


@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, slug: str) -> HttpResponse:
    survey = selectors.published_survey(slug)
    if survey is None:
        raise Http404
    if survey.audience == Survey.Audience.INVITED:
        return _refuse(
            request,
            _(
                "Questo questionario è solo su invito: usa il link personale che hai "
                "ricevuto per e-mail."
            ),
            403,
            survey,
        )
    return _answer(request, survey, token=None)


@require_http_methods(["GET", "POST"])
def invitation_answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_for_token(token)
    if invitation is None or invitation.survey.status != Survey.Status.PUBLISHED:
        return _refuse(request, _("Questo link di invito non è valido."), 404)
    if invitation.answered:
        return _refuse(
            request,
            _("Questo invito è già stato usato: si può rispondere una volta sola. Grazie!"),
            410,
            invitation.survey,
        )
    return _answer(request, invitation.survey, token=token)


def _answer(request: HttpRequest, survey: Survey, *, token: str | None) -> HttpResponse:
    now = timezone.now()
    if now < survey.opens_at:
        return _refuse(
            request,
            _("Il questionario non è ancora aperto: apre il %(day)s.")
            % {"day": timezone.localtime(survey.opens_at).strftime("%d/%m/%Y")},
            404,
            survey,
        )
    if now >= survey.closes_at:
        return _refuse(
            request, _("Il questionario è chiuso: non accetta più risposte."), 410, survey
        )
    questions, sections, section_rows = selectors.survey_structure(survey)
    municipalities = selectors.network_municipalities(survey) if token is None else []
    data = request.POST if request.method == "POST" else None
    context_form = ContextForm(data, municipalities=municipalities)
    raw: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        raw = {q.field_name: request.POST.getlist(q.field_name) for q in questions}
        answers, errors = check_answers(questions, sections, raw)
        context_ok = token is not None or context_form.is_valid()
        if not errors and context_ok:
            extra = {}
            if token is None:
                # A public questionnaire: a bot filling the honeypot is thanked and nothing
                # is stored; each stored answer counts against the address's rate (hub.abuse),
                # corrections of a refused one do not.
                if context_form.honeypot_filled():
                    return render(request, "surveys/thanks.html", {"survey": survey})
                if refused := abuse.refuse_flood(request, scope="survey"):
                    return refused
                extra = {
                    "municipality": context_form.municipalities.get(
                        context_form.cleaned_data["municipality"]
                    ),
                    "age_band": context_form.cleaned_data["age_band"],
                }
            try:
                services.response_submit(
                    survey=survey, answers=answers, invitation_token=token, **extra
                )
            except services.InvitationUsed as error:
                return _refuse(request, error.messages[0], 410, survey)
            except services.SurveyClosed as error:
                return _refuse(request, error.messages[0], 410, survey)
            except ValidationError as error:
                errors["__all__"] = " ".join(error.messages)
            else:
                return render(request, "surveys/thanks.html", {"survey": survey})
        status = 400
    groups = []
    for number in sorted({q.section_number for q in questions}):
        groups.append(
            {
                "section": section_rows.get(number),
                "questions": [
                    {
                        "spec": q,
                        "values": raw.get(q.field_name, []),
                        "error": errors.get(q.field_name, ""),
                        "scale": ("1", "2", "3", "4", "5"),
                    }
                    for q in questions
                    if q.section_number == number
                ],
            }
        )
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "groups": groups,
            "errors": errors,
            "context_form": context_form if token is None else None,
            "closes_on": timezone.localtime(survey.closes_at),
        },
        status=status,
    )


# --- Staff ---------------------------------------------------------------------------------


def _staff_survey(request: HttpRequest, slug: str) -> Survey:
    if not rules.can_manage_surveys(request.user):
        raise PermissionDenied
    survey = selectors.survey_for_staff(slug)
    if survey is None:
        raise Http404
    return survey


def staff_index(request: HttpRequest) -> HttpResponse:
    if not rules.can_manage_surveys(request.user):
        raise PermissionDenied
    return render(request, "surveys/staff_index.html", {"surveys": selectors.staff_surveys()})


def _results(request: HttpRequest, survey: Survey):
    """(form, data, question results) for the filters in the query string; data is None
    when the filters are invalid. The page and the PDF summary both read here, so they
    suppress the same cells."""
    municipalities = selectors.network_municipalities(survey)
    form = ResultsFilterForm(request.GET or None, municipalities=municipalities)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {
            "municipality_id": form.cleaned_data["municipality"],
            "age_band": form.cleaned_data["age_band"],
        }
    elif form.is_bound:
        return form, None, []
    data = selectors.results_data(survey, **filters)
    questions, _sections, _section_rows = selectors.survey_structure(survey)
    computed = results.question_results(
        questions,
        choice_counts=data.choice_counts,
        respondents=data.respondents,
        number_sums=data.number_sums,
        texts=data.texts,
    )
    return form, data, computed


def survey_results(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _staff_survey(request, slug)
    form, data, computed = _results(request, survey)
    if data is None:
        return render(
            request,
            "surveys/results.html",
            {"survey": survey, "form": form, "questions": [], "data": None},
            status=400,
        )
    invited = survey.audience == Survey.Audience.INVITED
    timeline = results.response_timeline(
        data.per_day, invited=data.invited_in_scope if invited else None
    )
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "form": form,
            "data": data,
            "questions": presentation.question_views(computed),
            "timeline": presentation.timeline_view(timeline, with_rate=invited),
            "min_cell": results.MIN_CELL,
        },
    )


def survey_results_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _staff_survey(request, slug)
    form, data, computed = _results(request, survey)
    if data is None:
        return render(
            request,
            "surveys/results.html",
            {"survey": survey, "form": form, "questions": [], "data": None},
            status=400,
        )
    sheet = results_pdf.SummarySheet(
        title=survey.title,
        filters=form.filters_text(),
        responses=data.responses,
        invited=data.invited,
        answered=data.answered,
        made_on=date_format(timezone.localdate(), "j F Y"),
    )
    response = HttpResponse(
        results_pdf.results_pdf(sheet, computed), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="riepilogo-{survey.slug}.pdf"'
    return response


def survey_results_csv(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _staff_survey(request, slug)
    writer = CsvWriter()
    writer.writerow(
        [
            _("risposta"),
            _("giorno"),
            _("comune"),
            _("fascia d'età"),
            _("codice"),
            _("domanda"),
            _("scelta"),
            _("numero"),
            _("testo"),
        ]
    )
    for row in selectors.export_rows(survey):
        response_id, day, municipality, age_band, *rest = row
        writer.writerow([response_id, day.isoformat(), municipality or "", age_band, *rest])
    return csv_response(writer, filename=f"questionario-{survey.slug}.csv")


@require_http_methods(["GET", "POST"])
def survey_invitations(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _staff_survey(request, slug)
    form = InvitationRuleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.invitations_send(survey=survey, born_since=form.born_since())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Inviti spediti: %(count)s famiglie.") % {"count": count}
                )
                return redirect("surveys:invitations", slug=survey.slug)
        status = 400
    data = selectors.results_data(survey)
    return render(
        request,
        "surveys/invitations.html",
        {"survey": survey, "form": form, "data": data},
        status=status,
    )


@require_POST
def survey_reminders(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _staff_survey(request, slug)
    enqueue_on_commit("surveys.tasks.survey_send_reminders", survey_id=survey.pk)
    messages.success(request, _("Promemoria in partenza per chi non ha ancora risposto."))
    return redirect("surveys:invitations", slug=survey.slug)
