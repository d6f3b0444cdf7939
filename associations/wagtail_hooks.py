"""Wagtail admin for associations: join requests, trust, and the walls between associations.

Network staff review join requests and set which associations publish without review; both
go through `associations.services`, never through generic model forms. Association editors
hold page permissions on their association's subtree and collection permissions on its
collection (see services._grant_editing_rights), which Wagtail's explorer, editor, image and
document screens already respect. The hooks at the end close the few admin screens that show
any page, image or document by id whatever the user's permissions
(tests/associations/test_admin_isolation.py walks every page, image and document route).

When staff "request changes" in the review workflow, Wagtail keeps their comment on the task
and shows it to the editor in the page editor's status panel and in the page's workflow
history: no extra screen is needed for editors to see why a change was rejected.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib.admin.utils import quote
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button, ListingButton
from wagtail.models import GroupPagePermission, Page
from wagtail.permissions import register_permission_policy

from associations import rules, services
from associations.models import Association, AssociationPage, JoinRequest
from hub import access, dates
from hub.admin_decisions import DecisionView, RejectForm, ReviewOnlyPolicy
from hub.admin_panels import PendingItem, PendingItemsPanel

# --- Who may use these screens ----------------------------------------------------------------


def can_set_trusted(user) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.has_perm("associations.change_association"))
    )


# Registered before the viewsets touch the registry, as Wagtail requires.
register_permission_policy(
    JoinRequest, ReviewOnlyPolicy(JoinRequest, may_review=rules.can_review_join_requests)
)
register_permission_policy(Association, ReviewOnlyPolicy(Association, may_review=can_set_trusted))


# --- Decision screens -------------------------------------------------------------------------


class JoinRequestDecisionView(DecisionView):
    model = JoinRequest

    def may_decide(self, user) -> bool:
        return rules.can_review_join_requests(user)

    def get_queryset(self):
        return JoinRequest.objects.select_related("network").prefetch_related(
            "municipalities", "areas"
        )

    def get_summary(self):
        request = self.object
        return [
            (_("Tipo"), request.get_kind_display()),
            (_("Rete"), str(request.network)),
            (_("Comuni serviti"), ", ".join(m.name for m in request.municipalities.all())),
            (_("Aree"), ", ".join(a.name for a in request.areas.all())),
            (_("Persona di riferimento"), f"{request.contact_name} <{request.contact_email}>"),
            (_("Primo redattore"), request.editor_email),
            (_("Stato"), request.get_status_display()),
        ]


class JoinRequestApproveView(JoinRequestDecisionView):
    page_title = gettext_lazy("Approva la richiesta")
    submit_label = gettext_lazy("Approva e crea l'associazione")
    header_icon = "check"

    def perform(self, form) -> str:
        association = services.join_request_approve(join_request=self.object, by=self.request.user)
        return _(
            "Richiesta approvata: creata l'associazione «%(name)s»; %(email)s riceverà l'invito "
            "a gestirne le pagine."
        ) % {"name": association.name, "email": self.object.editor_email}


class JoinRequestRejectView(JoinRequestDecisionView):
    page_title = gettext_lazy("Respingi la richiesta")
    submit_label = gettext_lazy("Respingi la richiesta")
    submit_classname = "button no"
    header_icon = "cross"
    form_class = RejectForm

    def perform(self, form) -> str:
        services.join_request_reject(
            join_request=self.object, by=self.request.user, reason=form.cleaned_data["reason"]
        )
        return _("Richiesta di «%(name)s» respinta; la motivazione è stata inviata.") % {
            "name": self.object.name
        }


class TrustForm(forms.Form):
    trusted = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AssociationTrustView(DecisionView):
    model = Association
    form_class = TrustForm
    header_icon = "lock-open"

    def may_decide(self, user) -> bool:
        return can_set_trusted(user)

    def get_queryset(self):
        return Association.objects.select_related("network")

    def get_page_title(self):
        if self.object.trusted:
            return _("Togli la pubblicazione diretta")
        return _("Consenti la pubblicazione diretta")

    @property
    def submit_label(self):
        return self.get_page_title()

    def get_initial(self):
        return {"trusted": not self.object.trusted}

    def get_summary(self):
        association = self.object
        if association.trusted:
            effect = _(
                "Le modifiche dei redattori torneranno a passare dalla revisione dello staff."
            )
        else:
            effect = _("I redattori pubblicheranno direttamente, senza revisione dello staff.")
        return [
            (_("Rete"), str(association.network)),
            (_("Pubblica senza revisione"), _("sì") if association.trusted else _("no")),
            (_("Effetto"), effect),
        ]

    def perform(self, form) -> str:
        trusted = form.cleaned_data["trusted"]
        services.association_set_trusted(association=self.object, trusted=trusted)
        if trusted:
            return _("«%(name)s» ora pubblica direttamente.") % {"name": self.object.name}
        return _("Le modifiche di «%(name)s» passeranno dalla revisione dello staff.") % {
            "name": self.object.name
        }


# --- Join requests ----------------------------------------------------------------------------


class JoinRequestIndexView(IndexView):
    """Pending requests first, then the most recent."""

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("network")
            .annotate(
                decided=Case(
                    When(status=JoinRequest.Status.PENDING, then=Value(0)),
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
        if instance.status == JoinRequest.Status.PENDING:
            buttons += [
                ListingButton(
                    _("Approva"),
                    url=reverse("joinrequest:approve", args=[quote(instance.pk)]),
                    icon_name="check",
                    attrs={"aria-label": _("Approva «%(name)s»") % {"name": instance.name}},
                ),
                ListingButton(
                    _("Respingi"),
                    url=reverse("joinrequest:reject", args=[quote(instance.pk)]),
                    icon_name="cross",
                    attrs={"aria-label": _("Respingi «%(name)s»") % {"name": instance.name}},
                ),
            ]
        return buttons


class JoinRequestInspectView(InspectView):
    template_name = "associations/admin/join_request_inspect.html"

    def get_field_display_value(self, field_name, field):
        """Empty fields as a dash (not "None"), instants in Europe/Rome as the hub writes them."""
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime):
            return dates.day_and_time(value)
        return value

    def get_object(self, queryset=None):
        return get_object_or_404(
            JoinRequest.objects.select_related("network", "decided_by", "association"),
            pk=self.pk,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.status == JoinRequest.Status.PENDING:
            context["approve_url"] = reverse("joinrequest:approve", args=[quote(self.object.pk)])
            context["reject_url"] = reverse("joinrequest:reject", args=[quote(self.object.pk)])
        return context


class JoinRequestViewSet(ModelViewSet):
    model = JoinRequest
    # The staff's notification of a new request links to its inspect page.
    name = "joinrequest"
    icon = "mail"
    menu_label = gettext_lazy("Richieste di adesione")
    index_view_class = JoinRequestIndexView
    inspect_view_class = JoinRequestInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["name", "kind", "network", "contact_email", "status", "created_at"]
    list_filter = ["status", "network", "kind"]
    # Required to build the generic edit views, which ReviewOnlyPolicy never lets anyone use.
    form_fields = ["name"]
    search_fields = ["name", "contact_email", "editor_email"]
    inspect_view_fields = [
        "name",
        "kind",
        "network",
        "municipalities",
        "areas",
        "description",
        "contact_name",
        "contact_email",
        "contact_phone",
        "website",
        "editor_email",
        "status",
        "decision_reason",
        "decided_by",
        "decided_at",
        "association",
        "created_at",
    ]

    def _decision_view(self, view_class):
        return view_class.as_view(
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "approve/<int:pk>/",
                self._decision_view(JoinRequestApproveView),
                name="approve",
            ),
            path(
                "reject/<int:pk>/",
                self._decision_view(JoinRequestRejectView),
                name="reject",
            ),
        ]


# --- Associations -----------------------------------------------------------------------------


class AssociationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("network")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        label = _("Togli la fiducia") if instance.trusted else _("Dai la fiducia")
        buttons.append(
            Button(
                label,
                url=reverse("association:trust", args=[quote(instance.pk)]),
                icon_name="lock-open",
                priority=5,
            )
        )
        return buttons


class AssociationInspectView(InspectView):
    template_name = "associations/admin/association_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Association.objects.select_related("network", "group", "collection"), pk=self.pk
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["trust_url"] = reverse("association:trust", args=[quote(self.object.pk)])
        return context


class AssociationViewSet(ModelViewSet):
    model = Association
    name = "association"
    icon = "group"
    menu_label = gettext_lazy("Associazioni")
    index_view_class = AssociationIndexView
    inspect_view_class = AssociationInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "name",
        "kind",
        "network",
        Column("trusted", label=gettext_lazy("Pubblica senza revisione"), sort_key="trusted"),
        "created_at",
    ]
    list_filter = ["network", "kind", "trusted"]
    form_fields = ["name"]  # see JoinRequestViewSet.form_fields
    search_fields = ["name", "email"]
    inspect_view_fields = [
        "name",
        "slug",
        "kind",
        "network",
        "municipalities",
        "areas",
        "description",
        "email",
        "phone",
        "website",
        "trusted",
        "created_at",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "trust/<int:pk>/",
                AssociationTrustView.as_view(
                    index_url_name=self.get_url_name("index"),
                    inspect_url_name=self.get_url_name("inspect"),
                ),
                name="trust",
            ),
        ]


class AssociationsViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Associazioni")
    menu_icon = "group"
    menu_order = 250
    items = (JoinRequestViewSet, AssociationViewSet)


@hooks.register("register_admin_viewset")
def register_association_viewsets():
    return AssociationsViewSetGroup()


@hooks.register("register_page_header_buttons")
def association_team_button(page, user, next_url=None, view_name=None):
    """From their association's page in the admin, its admins reach its team and tokens."""
    if page.specific_class is not AssociationPage:
        return []
    association = Association.objects.filter(page=page.pk).first()
    if association is None or not rules.can_manage_editors(user, association):
        return []
    return [
        Button(
            _("Redattori e token"),
            url=reverse("associations:editors", args=[association.slug]),
            icon_name="group",
            priority=80,
        )
    ]


# --- Walls between associations ---------------------------------------------------------------


def confined_page_paths(user) -> list[str] | None:
    """Tree paths of the subtrees an association editor works in; None if not confined.

    Association editors (members of an association's group, not superusers) are confined to
    the pages they hold permissions on. Network staff and site editors are not. Two queries,
    cached on the user object for the request.
    """
    if not user.is_authenticated or user.is_superuser:
        return None
    cached = getattr(user, "_association_page_paths", False)
    if cached is not False:
        return cached
    paths = None
    if Association.objects.filter(group__user=user).exists():
        paths = sorted(
            set(
                GroupPagePermission.objects.filter(group__user=user).values_list(
                    "page__path", flat=True
                )
            )
        )
    user._association_page_paths = paths
    return paths


def _visible_pages(paths: list[str]) -> Q:
    """The subtrees at `paths` and their ancestors (needed to navigate down to them)."""
    steplen = Page.steplen
    ancestors = {path[:end] for path in paths for end in range(steplen, len(path), steplen)}
    condition = Q(path__in=ancestors)
    for path_prefix in paths:
        condition |= Q(path__startswith=path_prefix)
    return condition


def _is_visible(page_path: str, paths: list[str]) -> bool:
    return any(page_path.startswith(p) or p.startswith(page_path) for p in paths)


@hooks.register("construct_page_chooser_queryset")
def confine_page_chooser(pages, request):
    """Association editors choose (and browse) only their own pages and the path to them.

    Wagtail's page chooser lists every page, drafts included, to anyone with admin access.
    Browsing into a page outside the editor's area would still show that page's title in
    the chooser's header, so it answers 404 instead.
    """
    paths = confined_page_paths(request.user)
    if paths is None:
        return pages
    match = request.resolver_match
    parent_id = match.kwargs.get("parent_page_id") if match else None
    if parent_id is not None:
        parent_path = Page.objects.filter(pk=parent_id).values_list("path", flat=True).first()
        if parent_path is None or not _is_visible(parent_path, paths):
            raise Http404
    return pages.filter(_visible_pages(paths))


@hooks.register("before_copy_page")
def refuse_copying_association_pages(request, page):
    """An association has exactly one page (a one-to-one link): a copy could not be saved."""
    if page.specific_class is AssociationPage:
        messages.error(
            request,
            _("La pagina di un'associazione non si può copiare: ogni associazione ne ha una."),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_move_page")
def refuse_move_without_permission(request, page_to_move, destination):
    """Wagtail's move confirmation checks permissions only on POST; until then it shows the
    titles of any two pages to anyone with admin access."""
    if not page_to_move.permissions_for_user(request.user).can_move_to(destination):
        return permission_denied(request)
    return None


NOT_FOR_ASSOCIATION_EDITORS = access.Policy(
    "wagtail_admin_not_for_association_editors",
    "Wagtail admin, except association editors: these screens show any page, image or "
    "document by id, whatever the user's permissions",
    check=lambda user: confined_page_paths(user) is None,
)
# Bulk actions list the titles of the selected objects the user may not act on; the page
# "chosen" endpoint and the admin API for images and documents return any object by id;
# the parent chooser of a new page names any page it is given. Editors work on a handful of
# pages and do without them.
for view_name in (
    "wagtail_bulk_action",
    "wagtailadmin_choose_page_chosen_multiple",
    "wagtailadmin_pages:choose_parent",
    "wagtailadmin_api:images:listing",
    "wagtailadmin_api:images:detail",
    "wagtailadmin_api:images:find",
    "wagtailadmin_api:documents:listing",
    "wagtailadmin_api:documents:detail",
    "wagtailadmin_api:documents:find",
):
    access.declare(view_name, NOT_FOR_ASSOCIATION_EDITORS)


# --- What staff and volunteers are told -------------------------------------------------------

DASHBOARD_JOIN_REQUESTS = 5
# Wagtail's own msgid for the button (translated by Wagtail's catalog; a variable, so that
# the hub's makemessages does not copy it into the hub's catalog).
WAGTAIL_SUBMIT_LABEL = "Submit to %(workflow_name)s"


@hooks.register("construct_homepage_panels")
def pending_join_requests_panel(request, panels):
    """Staff see on the admin dashboard how many groups wait to join, and the oldest."""
    if not rules.can_review_join_requests(request.user):
        return
    pending = JoinRequest.objects.filter(status=JoinRequest.Status.PENDING)
    total = pending.count()
    items = [
        PendingItem(
            label=join_request.name,
            detail=f"{join_request.get_kind_display()} · {join_request.network}",
            url=reverse("joinrequest:inspect", args=[quote(join_request.pk)]),
            received_at=join_request.created_at,
        )
        for join_request in pending.select_related("network").order_by("created_at", "pk")[
            :DASHBOARD_JOIN_REQUESTS
        ]
    ]
    panels.append(
        PendingItemsPanel(
            name="pending-join-requests",
            heading=_("Richieste di adesione da esaminare"),
            total=total,
            items=items,
            list_url=reverse("joinrequest:index") + "?status=pending",
            list_label=_("Tutte le richieste in attesa"),
        )
    )


def _review_notice(request, workflow) -> None:
    """Why the editor offers "Invia a …" instead of "Pubblica", and what happens next."""
    button = gettext(WAGTAIL_SUBMIT_LABEL) % {"workflow_name": workflow.name}
    messages.info(
        request,
        _(
            "Le pagine della vostra associazione passano dalla revisione dello staff della "
            "rete: per questo, al posto di «Pubblica», nel menu in fondo trovi «%(button)s». "
            "Lo staff riceve la richiesta: se la pagina va bene la pubblica, altrimenti ti "
            "chiede delle modifiche con un commento che vedrai qui. In entrambi i casi ricevi "
            "un'e-mail; fino ad allora sul sito resta la versione già pubblicata."
        )
        % {"button": button},
    )


@hooks.register("before_edit_page")
def explain_review_when_editing(request, page):
    if request.method != "GET":
        return None
    workflow = page.get_workflow()
    if workflow is not None and not page.permissions_for_user(request.user).can_publish():
        _review_notice(request, workflow)
    return None


@hooks.register("before_create_page")
def explain_review_when_creating(request, parent_page, page_class):
    if request.method != "GET":
        return None
    workflow = parent_page.get_workflow()
    if (
        workflow is not None
        and not parent_page.permissions_for_user(request.user).can_publish_subpage()
    ):
        _review_notice(request, workflow)
    return None
