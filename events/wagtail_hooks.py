"""Wagtail admin for events: imported calendars, and the attendee list of an event.

Imported calendars ("Calendari importati") are managed on a few screens of their own rather
than a generic ModelViewSet: every screen fetches sources through `importer.sources_for`
(an editor's associations only; network staff see all) and answers 404 for the others, and
every change goes through the `importer.ics_source_*` services. Each source shows when it
was last synced, how it went and the error, and has a "Sincronizza ora" button that queues
the same task the hourly job runs.

On an event page that takes registrations, its organizers get a header button that
downloads the attendee list (events:attendees_csv, which checks `rsvp` again).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button

from associations.models import Association
from events import importer, rules
from events.models import EventPage, IcsImportSource
from events.proposal_admin import ProposalViewSet, dashboard_panel
from hub.form_errors import add_service_error
from hub.models import Municipality

NAMESPACE = "events_ics_sources"


def _may_use_sources(user) -> bool:
    return bool(user.is_authenticated and importer.associations_for(user).exists())


class SourceForm(forms.Form):
    association = forms.ModelChoiceField(
        label=gettext_lazy("Associazione"), queryset=Association.objects.none()
    )
    url = forms.CharField(
        label=gettext_lazy("Indirizzo del calendario (ICS)"),
        max_length=500,
        help_text=gettext_lazy(
            "L'indirizzo pubblico del calendario in formato iCalendar, ad esempio quello "
            "di Google Calendar («Indirizzo pubblico in formato iCal»). Vanno bene anche gli "
            "indirizzi webcal://."
        ),
    )
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Comune degli eventi"),
        queryset=Municipality.objects.all(),
        help_text=gettext_lazy("Il comune in cui si svolgono gli eventi importati."),
    )
    active = forms.BooleanField(
        label=gettext_lazy("Attivo"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Se attivo, il calendario viene sincronizzato ogni ora."),
    )

    def __init__(self, *args, user, source: IcsImportSource | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if source is None:
            associations = importer.associations_for(user).order_by("name")
            self.fields["association"].queryset = associations
            municipalities = Municipality.objects.filter(associations__in=associations)
        else:
            del self.fields["association"]
            municipalities = source.association.municipalities.all()
        self.fields["municipality"].queryset = municipalities.distinct().order_by("name")


class SourceViewMixin(WagtailAdminTemplateMixin):
    header_icon = "calendar"

    def dispatch(self, request, *args, **kwargs):
        if not _may_use_sources(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def source(self) -> IcsImportSource:
        source = importer.sources_for(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if source is None:
            raise Http404
        return source

    def get_breadcrumbs_items(self):
        items = [
            *self.breadcrumbs_items,
            {"url": reverse(f"{NAMESPACE}:index"), "label": _("Calendari importati")},
        ]
        if self.get_page_title() != _("Calendari importati"):
            items.append({"url": "", "label": self.get_page_title()})
        return items


class SourceIndexView(SourceViewMixin, TemplateView):
    template_name = "events/admin/sources_index.html"
    page_title = gettext_lazy("Calendari importati")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sources=list(importer.sources_for(self.request.user).order_by("association__name")),
            add_url=reverse(f"{NAMESPACE}:add"),
            **kwargs,
        )


class SourceFormView(SourceViewMixin, FormView):
    template_name = "events/admin/source_form.html"
    form_class = SourceForm
    submit_label = gettext_lazy("Salva")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            submit_label=self.submit_label, cancel_url=reverse(f"{NAMESPACE}:index"), **kwargs
        )

    def form_valid(self, form):
        try:
            self.save(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        except PermissionDenied:
            return permission_denied(self.request)
        messages.success(
            self.request,
            _(
                "Calendario salvato: la prima sincronizzazione avverrà entro un'ora, oppure "
                "usa «Sincronizza ora»."
            ),
        )
        return redirect(f"{NAMESPACE}:index")

    def form_invalid(self, form):
        messages.validation_error(self.request, _("Correggi gli errori qui sotto."), form)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SourceCreateView(SourceFormView):
    page_title = gettext_lazy("Nuovo calendario importato")
    submit_label = gettext_lazy("Aggiungi il calendario")

    def save(self, data):
        return importer.ics_source_create(
            association=data["association"],
            url=data["url"],
            municipality=data["municipality"],
            active=data["active"],
            by=self.request.user,
        )


class SourceEditView(SourceFormView):
    page_title = gettext_lazy("Modifica il calendario importato")

    def get_page_subtitle(self):
        return str(self.source.association)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "source": self.source}

    def get_initial(self):
        return {
            "url": self.source.url,
            "municipality": self.source.municipality,
            "active": self.source.active,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=self.source, **kwargs)

    def save(self, data):
        return importer.ics_source_update(
            source=self.source,
            url=data["url"],
            municipality=data["municipality"],
            active=data["active"],
            by=self.request.user,
        )


class SourceDeleteView(SourceViewMixin, TemplateView):
    template_name = "events/admin/source_delete.html"
    page_title = gettext_lazy("Smetti di importare il calendario")
    header_icon = "bin"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            source=self.source, cancel_url=reverse(f"{NAMESPACE}:index"), **kwargs
        )

    def post(self, request, *args, **kwargs):
        importer.ics_source_delete(source=self.source, by=request.user)
        messages.success(
            request, _("Il calendario non verrà più importato; gli eventi già importati restano.")
        )
        return redirect(f"{NAMESPACE}:index")


class SourceSyncView(SourceViewMixin, View):
    """POST only: queue the sync ("Sincronizza ora") and come back to the list."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from django_q.tasks import async_task

        source = self.source
        if not source.active:
            messages.error(request, _("Il calendario non è attivo: attivalo per sincronizzarlo."))
            return redirect(f"{NAMESPACE}:index")
        async_task(
            "events.tasks.sync_ics_source",
            source_id=source.pk,
            task_name=f"events:ics-import:{source.pk}",
        )
        messages.success(
            request,
            _(
                "Sincronizzazione avviata: l'esito compare qui tra pochi secondi (ricarica la "
                "pagina)."
            ),
        )
        return redirect(f"{NAMESPACE}:index")


@hooks.register("register_admin_urls")
def register_source_urls():
    patterns = [
        path("", SourceIndexView.as_view(), name="index"),
        path("nuovo/", SourceCreateView.as_view(), name="add"),
        path("<int:pk>/", SourceEditView.as_view(), name="edit"),
        path("<int:pk>/elimina/", SourceDeleteView.as_view(), name="delete"),
        path("<int:pk>/sincronizza/", SourceSyncView.as_view(), name="sync"),
    ]
    return [path("calendari-importati/", include((patterns, NAMESPACE)))]


class SourcesMenuItem(MenuItem):
    def is_shown(self, request):
        return _may_use_sources(request.user)


@hooks.register("register_admin_menu_item")
def register_sources_menu_item():
    return SourcesMenuItem(
        gettext_lazy("Calendari importati"),
        reverse(f"{NAMESPACE}:index"),
        name="calendari-importati",
        icon_name="calendar",
        order=260,
    )


@hooks.register("register_page_header_buttons")
def attendees_button(page, user, view_name=None, next_url=None):
    """The attendee list, on the admin screens of an event that takes registrations."""
    if page.specific_class is not EventPage:
        return []
    event = page if isinstance(page, EventPage) else EventPage.objects.get(pk=page.pk)
    if not event.registration_required or not rules.can_manage_registrations(user, event):
        return []
    return [
        Button(
            _("Iscritti (CSV)"),
            url=reverse("events:attendees_csv", args=[event.pk]),
            icon_name="download",
            priority=85,
        )
    ]


# --- Event proposals (events/proposal_admin.py) -----------------------------------------------


@hooks.register("register_admin_viewset")
def register_proposal_viewset():
    return ProposalViewSet()


@hooks.register("construct_homepage_panels")
def pending_proposals_panel(request, panels):
    panel = dashboard_panel(request)
    if panel is not None:
        panels.append(panel)
