"""Meetings: convening, the meeting's page (agenda, linked proposals, attendance, minutes,
decisions), and the coordinator's changes to them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hub.dates import day_and_time, short_date
from hub.form_errors import error_messages, refusal_status, submit
from tables import minutes_export, rules, selectors, services
from tables.coedit import rules as coedit_rules
from tables.forms import AgendaItemForm, AttendanceForm, MeetingForm, MinutesForm
from tables.links import meeting_path
from tables.mentions import display_name
from tables.models import AgendaItem, Attendance, ProposalStatus
from tables.views._common import forbidden, meeting_or_404, require, table_or_404


def _agenda_proposals(table):
    return table.proposals.exclude(status=ProposalStatus.DRAFT).order_by("title")


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    table = table_or_404(request, slug)
    require(rules.can_manage_meetings(request.user, table))
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        ok, meeting = submit(
            form, lambda data: services.meeting_create(by=request.user, table=table, **data)
        )
        if ok:
            messages.success(request, _("Riunione convocata: i componenti sono stati avvisati."))
            return redirect(meeting_path(meeting, table))
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request,
        "tables/meeting_form.html",
        {"form": form, "table": table, "meeting": None},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    require(rules.can_manage_meetings(request.user, table))
    meeting = meeting_or_404(request, table, meeting_id)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            services.meeting_cancel(by=request.user, meeting=meeting)
        except ValidationError as error:
            return _meeting_page(
                request, table, meeting, errors=error_messages(error), status=refusal_status(error)
            )
        messages.success(request, _("Riunione annullata."))
        return redirect(meeting_path(meeting, table))
    initial = {
        name: getattr(meeting, name)
        for name in ("title", "starts_at", "ends_at", "place", "online_url")
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        ok, _meeting = submit(
            form, lambda data: services.meeting_update(by=request.user, meeting=meeting, **data)
        )
        if ok:
            messages.success(request, _("Riunione aggiornata."))
            return redirect(meeting_path(meeting, table))
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request,
        "tables/meeting_form.html",
        {"form": form, "table": table, "meeting": meeting},
        status=status,
    )


def _meeting_page(request, table, meeting, *, status=200, errors=(), **forms) -> HttpResponse:
    page = selectors.meeting_page(meeting=meeting, user=request.user)
    coordinator = rules.can_manage_meetings(request.user, table)
    context = {
        "table": table,
        "meeting": meeting,
        "page": page,
        "is_coordinator": coordinator,
        "can_coedit_minutes": coedit_rules.can_write_document(request.user, meeting),
        "errors": list(errors),
    }
    if coordinator:
        frozen = page.minutes is not None and page.minutes.is_frozen
        context["frozen"] = frozen
        if not frozen:
            context["agenda_form"] = forms.get("agenda_form") or AgendaItemForm(
                proposals=_agenda_proposals(table)
            )
            present = [a.user_id for a in page.attendances if a.status == Attendance.Status.PRESENT]
            excused = [a.user_id for a in page.attendances if a.status == Attendance.Status.EXCUSED]
            context["attendance_form"] = forms.get("attendance_form") or AttendanceForm(
                members=page.members,
                initial={
                    "present": [str(i) for i in present],
                    "excused": [str(i) for i in excused],
                },
            )
            context["minutes_form"] = forms.get("minutes_form") or MinutesForm(
                initial={"body": page.minutes.body if page.minutes else ""}
            )
    return TemplateResponse(request, "tables/meeting.html", context, status=status)


@require_GET
def meeting_detail(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    table = table_or_404(request, slug)
    meeting = meeting_or_404(request, table, meeting_id)
    return _meeting_page(request, table, meeting)


def _coordinator_meeting(request, slug, meeting_id):
    table = table_or_404(request, slug)
    require(rules.can_manage_meetings(request.user, table))
    return table, meeting_or_404(request, table, meeting_id)


@require_POST
def agenda_add(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    table, meeting = _coordinator_meeting(request, slug, meeting_id)
    form = AgendaItemForm(request.POST, proposals=_agenda_proposals(table))
    ok, _item = submit(
        form, lambda data: services.agenda_item_add(by=request.user, meeting=meeting, **data)
    )
    if ok:
        return redirect(meeting_path(meeting, table) + "#ordine-del-giorno")
    general = form.errors.as_data().get("__all__", [])
    status = refusal_status(general[0]) if general else 400
    return _meeting_page(request, table, meeting, agenda_form=form, status=status)


@require_POST
def agenda_remove(request: HttpRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    table, meeting = _coordinator_meeting(request, slug, meeting_id)
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).first()
    if item is None:
        raise Http404
    try:
        services.agenda_item_remove(by=request.user, item=item)
    except ValidationError as error:
        return _meeting_page(
            request, table, meeting, errors=error_messages(error), status=refusal_status(error)
        )
    return redirect(meeting_path(meeting, table) + "#ordine-del-giorno")


@require_POST
def attendance(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    table, meeting = _coordinator_meeting(request, slug, meeting_id)
    members = selectors.table_members(table)
    form = AttendanceForm(request.POST, members=members)
    if not form.is_valid():
        return _meeting_page(request, table, meeting, attendance_form=form, status=400)
    try:
        services.attendance_set(
            by=request.user,
            meeting=meeting,
            present=[int(i) for i in form.cleaned_data["present"]],
            excused=[int(i) for i in form.cleaned_data["excused"]],
        )
    except ValidationError as error:
        return _meeting_page(
            request, table, meeting, errors=error_messages(error), status=refusal_status(error)
        )
    messages.success(request, _("Presenze registrate."))
    return redirect(meeting_path(meeting, table) + "#presenze")


@require_POST
def minutes(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    table, meeting = _coordinator_meeting(request, slug, meeting_id)
    try:
        if request.POST.get("action") == "approve":
            services.minutes_approve(by=request.user, meeting=meeting)
            messages.success(request, _("Verbale approvato: da ora non si modifica più."))
        else:
            form = MinutesForm(request.POST)
            if not form.is_valid():
                return _meeting_page(request, table, meeting, minutes_form=form, status=400)
            services.minutes_save(by=request.user, meeting=meeting, body=form.cleaned_data["body"])
            messages.success(request, _("Verbale salvato."))
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return _meeting_page(
            request, table, meeting, errors=error_messages(error), status=refusal_status(error)
        )
    return redirect(meeting_path(meeting, table) + "#verbale")


def _person(user) -> str:
    return display_name(user.full_name, user.email) if user is not None else ""


def _minutes_sheet(table, page) -> minutes_export.MinutesSheet:
    meeting, minutes = page.meeting, page.minutes
    statuses = {Attendance.Status.PRESENT: [], Attendance.Status.EXCUSED: []}
    for attendance in page.attendances:
        statuses.setdefault(attendance.status, []).append(_person(attendance.user))
    decisions = tuple(
        _(
            "%(title)s: %(outcome)s (favorevoli %(for)s, contrari %(against)s, "
            "astenuti %(abstained)s)"
        )
        % {
            "title": decision.proposal.title,
            "outcome": decision.get_outcome_display(),
            "for": decision.votes_for,
            "against": decision.votes_against,
            "abstained": decision.votes_abstained,
        }
        for decision in page.decisions
    )
    return minutes_export.MinutesSheet(
        table=table.name,
        meeting=meeting.title,
        when=day_and_time(meeting.starts_at),
        place=meeting.place,
        body=minutes.body,
        approved=_("Approvato da %(who)s il %(when)s")
        % {"who": _person(minutes.approved_by), "when": short_date(minutes.approved_at)},
        present=tuple(statuses[Attendance.Status.PRESENT]),
        excused=tuple(statuses[Attendance.Status.EXCUSED]),
        agenda=tuple(item.title for item in page.agenda),
        decisions=decisions,
    )


@require_GET
def minutes_pdf(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """The approved minutes as a PDF, for whoever may see the meeting (a private table's
    members); minutes not yet approved have none (404)."""
    table = table_or_404(request, slug)
    meeting = meeting_or_404(request, table, meeting_id)
    page = selectors.meeting_page(meeting=meeting, user=request.user)
    if page.minutes is None or not page.minutes.is_frozen:
        raise Http404
    pdf = minutes_export.minutes_pdf(_minutes_sheet(table, page))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = minutes_export.file_name(table_slug=table.slug, meeting_id=meeting.pk)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
