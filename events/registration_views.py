"""Registration views: register, cancel, and the organizer's attendee list (CSV).

Each view fetches the event or registration, asks `events.rules` whether the user may act on
it (404 when not, so that nobody learns which registrations exist), validates, calls one
service and redirects. Refused input answers 400 with the message and saves nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events import rsvp, rules, selectors, services
from events.models import EventPage, Registration
from hub.form_errors import add_service_error


class RegistrationForm(forms.Form):
    seats = forms.IntegerField(
        label=gettext_lazy("Posti"),
        min_value=1,
        max_value=rsvp.MAX_SEATS,
        initial=1,
        help_text=gettext_lazy("Quante persone partecipano, tu compreso (al massimo 10)."),
        error_messages={
            "required": gettext_lazy("Indica quanti posti ti servono."),
            "invalid": gettext_lazy("Il numero di posti deve essere un numero intero."),
            "min_value": gettext_lazy("Serve almeno un posto."),
            "max_value": gettext_lazy("Si possono chiedere al massimo 10 posti."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Note per l'organizzatore"),
        required=False,
        max_length=rsvp.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Ad esempio l'età dei bambini o esigenze particolari."),
    )


def _registrable_event(request: HttpRequest, event_id: int) -> EventPage:
    """A published event with registration that this visitor may see, or 404."""
    event = (
        EventPage.objects.live()
        .filter(pk=event_id, registration_required=True)
        .select_related("municipality")
        .first()
    )
    if event is None:
        raise Http404
    for restriction in event.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404
    return event


def _next_url(request: HttpRequest, fallback: str) -> str:
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback


@never_cache
@require_http_methods(["GET", "POST"])
def registration_create(request: HttpRequest, event_id: int) -> HttpResponse:
    """The panel on the event page posts here; GET shows the same form on its own page
    (where the login link of the panel brings people back)."""
    event = _registrable_event(request, event_id)
    status = 200
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid():
            try:
                registration = services.registration_create(
                    event=event,
                    user=request.user,
                    seats=form.cleaned_data["seats"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if registration.status == Registration.Status.CONFIRMED:
                    messages.success(
                        request,
                        _("Iscrizione confermata: ti abbiamo mandato una e-mail con l'evento."),
                    )
                else:
                    messages.info(
                        request,
                        _(
                            "I posti sono esauriti: sei in lista d'attesa. Ti scriveremo se "
                            "si libera un posto."
                        ),
                    )
                return redirect(event.get_url(request) or "/")
        status = 400
    else:
        form = RegistrationForm()
    context = {"event": event, "form": form}
    context.update(selectors.registration_panel_context(event, request.user))
    return TemplateResponse(request, "events/registration/register.html", context, status=status)


@require_POST
def registration_cancel(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if registration is None or not rules.can_cancel_registration(request.user, registration):
        raise Http404
    event = registration.event
    try:
        promoted = services.registration_cancel(registration=registration, by=request.user)
    except ValidationError as error:
        return TemplateResponse(
            request,
            "events/registration/refused.html",
            {"event": event, "message": " ".join(error.messages)},
            status=400,
        )
    if registration.user_id == request.user.pk:
        messages.success(request, _("Iscrizione annullata."))
    else:
        messages.success(request, _("Iscrizione annullata; la persona riceverà una e-mail."))
    if promoted:
        messages.info(
            request,
            _("I posti liberati sono andati a chi era in lista d'attesa."),
        )
    return redirect(_next_url(request, event.get_url(request) or "/"))


@never_cache
@require_GET
def attendees_csv(request: HttpRequest, event_id: int) -> HttpResponse:
    """The organizer's list: confirmed people, then the waiting list. Personal data: not
    cached anywhere."""
    event = EventPage.objects.filter(pk=event_id).select_related("association").first()
    if event is None or not rules.can_manage_registrations(request.user, event):
        raise Http404
    response = HttpResponse(selectors.attendees_csv(event), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="iscritti-{event.slug}.csv"'
    return response
