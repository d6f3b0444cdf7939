"""Wagtail admin of event proposals: staff list, inspect, approve or reject them.

Listed and inspected with Wagtail's generic viewset under hub.admin_decisions'
ReviewOnlyPolicy (no generic form writes to a proposal); approving and rejecting are
decision screens that call events.proposals. The dashboard shows how many wait.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.admin.utils import quote
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.permissions import register_permission_policy

from events import proposals
from events.models import EventProposal
from hub import dates
from hub.admin_decisions import DecisionView, RejectForm, ReviewOnlyPolicy
from hub.admin_panels import PendingItem, PendingItemsPanel

DASHBOARD_PROPOSALS = 5

register_permission_policy(
    EventProposal, ReviewOnlyPolicy(EventProposal, may_review=proposals.can_review)
)


def _when(proposal: EventProposal) -> str:
    text = dates.day_and_time(proposal.start)
    if proposal.end > proposal.start:
        text += f"–{dates.time_of_day(proposal.end)}"
    if proposal.repeat:
        text += ", " + _("%(rule)s fino a %(until)s") % {
            "rule": proposal.get_repeat_display(),
            "until": dates.day(proposal.repeat_until),
        }
    return text


class ProposalDecisionView(DecisionView):
    model = EventProposal

    def may_decide(self, user) -> bool:
        return proposals.can_review(user)

    def get_queryset(self):
        return EventProposal.objects.select_related("municipality", "proposed_by")

    def get_summary(self):
        proposal = self.object
        return [
            (_("Quando"), _when(proposal)),
            (
                _("Dove"),
                ", ".join(
                    part
                    for part in (proposal.venue, proposal.address, str(proposal.municipality))
                    if part
                ),
            ),
            (_("Chi organizza"), proposal.organizer_name or _("a titolo personale")),
            (_("Descrizione"), proposal.description),
            (_("Proposta da"), proposal.proposed_by.email),
            (_("Contatto"), f"{proposal.contact_email} {proposal.contact_phone}".strip()),
        ]


class ProposalApproveView(ProposalDecisionView):
    page_title = gettext_lazy("Pubblica la proposta")
    submit_label = gettext_lazy("Approva e pubblica tra gli eventi del comune")
    header_icon = "check"

    def get_summary(self):
        return [
            *super().get_summary(),
            (
                _("Effetto"),
                _(
                    "L'evento viene pubblicato tra gli eventi del Comune di %(name)s e chi "
                    "l'ha proposto riceve un'e-mail con il collegamento. Potrai modificarlo "
                    "come ogni altra pagina."
                )
                % {"name": self.object.municipality.name},
            ),
        ]

    def perform(self, form) -> str:
        page = proposals.proposal_approve(proposal=self.object, by=self.request.user)
        return _("«%(title)s» è pubblicato tra gli eventi del Comune di %(name)s.") % {
            "title": page.title,
            "name": self.object.municipality.name,
        }


class ProposalRejectView(ProposalDecisionView):
    page_title = gettext_lazy("Respingi la proposta")
    submit_label = gettext_lazy("Respingi la proposta")
    submit_classname = "button no"
    header_icon = "cross"
    form_class = RejectForm

    def perform(self, form) -> str:
        proposals.proposal_reject(
            proposal=self.object, by=self.request.user, reason=form.cleaned_data["reason"]
        )
        return _("Proposta «%(title)s» respinta; la motivazione è stata inviata.") % {
            "title": self.object.title
        }


class ProposalIndexView(IndexView):
    """Pending proposals first, the oldest first; then the decided ones, newest first."""

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("municipality")
            .annotate(
                decided=Case(
                    When(status=EventProposal.Status.PENDING, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
        )

    def order_queryset(self, queryset):
        if self.is_explicitly_ordered:
            return super().order_queryset(queryset)
        return queryset.order_by("decided", "-created_at", "-pk")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == EventProposal.Status.PENDING:
            buttons += [
                ListingButton(
                    _("Approva"),
                    url=reverse("eventproposal:approve", args=[quote(instance.pk)]),
                    icon_name="check",
                    attrs={"aria-label": _("Approva «%(name)s»") % {"name": instance.title}},
                ),
                ListingButton(
                    _("Respingi"),
                    url=reverse("eventproposal:reject", args=[quote(instance.pk)]),
                    icon_name="cross",
                    attrs={"aria-label": _("Respingi «%(name)s»") % {"name": instance.title}},
                ),
            ]
        return buttons


class ProposalInspectView(InspectView):
    template_name = "events/admin/proposal_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            EventProposal.objects.select_related(
                "municipality", "proposed_by", "decided_by", "event"
            ),
            pk=self.pk,
        )

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime):
            return dates.day_and_time(value)
        return value

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.status == EventProposal.Status.PENDING:
            context["approve_url"] = reverse("eventproposal:approve", args=[quote(self.object.pk)])
            context["reject_url"] = reverse("eventproposal:reject", args=[quote(self.object.pk)])
        if self.object.event_id:
            context["event_edit_url"] = reverse(
                "wagtailadmin_pages:edit", args=[self.object.event_id]
            )
        return context


class ProposalViewSet(ModelViewSet):
    model = EventProposal
    # The staff e-mail about a new proposal links to /admin/eventproposal/inspect/<id>/.
    name = "eventproposal"
    icon = "date"
    menu_label = gettext_lazy("Proposte di eventi")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = ProposalIndexView
    inspect_view_class = ProposalInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["title", "municipality", "start", "status", "created_at"]
    list_filter = ["status", "municipality"]
    # Required to build the generic edit views, which ReviewOnlyPolicy never lets anyone use.
    form_fields = ["title"]
    search_fields = ["title", "organizer_name", "contact_email"]
    inspect_view_fields = [
        "title",
        "description",
        "organizer_name",
        "municipality",
        "venue",
        "address",
        "start",
        "end",
        "repeat",
        "repeat_until",
        "contact_email",
        "contact_phone",
        "proposed_by",
        "created_at",
        "status",
        "decision_reason",
        "decided_by",
        "decided_at",
        "event",
    ]

    def _decision_view(self, view_class):
        return view_class.as_view(
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("approve/<int:pk>/", self._decision_view(ProposalApproveView), name="approve"),
            path("reject/<int:pk>/", self._decision_view(ProposalRejectView), name="reject"),
        ]


def dashboard_panel(request) -> PendingItemsPanel | None:
    """How many proposals wait, and the oldest few (two queries)."""
    if not proposals.can_review(request.user):
        return None
    waiting = proposals.pending()
    items = [
        PendingItem(
            label=proposal.title,
            detail=f"{dates.day_and_time(proposal.start)} · {proposal.municipality.name}",
            url=reverse("eventproposal:inspect", args=[quote(proposal.pk)]),
            received_at=proposal.created_at,
        )
        for proposal in waiting.select_related("municipality").order_by("created_at", "pk")[
            :DASHBOARD_PROPOSALS
        ]
    ]
    return PendingItemsPanel(
        name="pending-event-proposals",
        heading=_("Proposte di eventi da esaminare"),
        total=waiting.count(),
        items=items,
        list_url=reverse("eventproposal:index") + "?status=pending",
        list_label=_("Tutte le proposte in attesa"),
    )
