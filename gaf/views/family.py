"""The families' pages of the purchase groups: the groups, a round's order page, the
family's orders and receipts, its balance, its e-mail preferences, and the profile section.

Views are thin: they find the object, ask gaf.rules (answering 404 for what the person may
not see, so that existence does not leak), call a selector or one service, and render.
A family's order is saved as a whole basket by gaf.services.order_set_quantities, which
decides the deadline and every limit with the round row locked; a refusal because of the
round (closed, not yet open, deadline passed) answers 409, bad quantities 400, and in both
cases nothing is saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaf import exports, rules, selectors, services
from gaf.chat_presenters import chat_panel
from gaf.forms_family import JoinRequestForm, OrderForm
from gaf.live import round_socket_path
from gaf.models import (
    GroupJoinRequest,
    Order,
    OrderRound,
    PickupPoint,
    PurchaseGroup,
    RoundState,
)
from gaf.presenters import family_estimate, has_order, live_page_data, product_rows
from gaf.rounds import CHARGED_STATES, ROUND_CONFLICTS
from hub.form_errors import add_service_error
from hub.selectors import family_of

# The states in which a round shows on a group's page, besides the open ones.
RECENT_STATES = (RoundState.CLOSED, RoundState.SENT, RoundState.DELIVERED)
RECENT_ROUNDS = 5


def _coordination_url(name: str, **kwargs) -> str | None:
    """A coordinator screen's URL when that part is routed, else None (no link)."""
    try:
        return reverse(f"gaf:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return None


# --- Groups ---------------------------------------------------------------------------------


def _directory():
    """Active groups with what their cards show (two queries, whatever their number)."""
    return (
        PurchaseGroup.objects.filter(is_active=True)
        .select_related("municipality", "network")
        .prefetch_related(
            Prefetch(
                "pickup_points",
                queryset=PickupPoint.objects.filter(is_active=True).order_by("name"),
                to_attr="active_pickup_points",
            )
        )
        .order_by("municipality__name", "name")
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The network's purchase groups; the signed-in family's own groups first."""
    groups = list(_directory())
    mine = {group.pk for group in groups if rules.is_member(request.user, group)}
    unread = selectors.unread_counts(
        user=request.user, groups=[group for group in groups if group.pk in mine]
    )
    for group in groups:
        group.chat_unread = sum(n for (group_id, _r), n in unread.items() if group_id == group.pk)
    context = {
        "my_groups": [group for group in groups if group.pk in mine],
        "other_groups": [group for group in groups if group.pk not in mine],
        "show_pickup_points": request.user.is_authenticated,
        "family": family_of(request.user),
    }
    return TemplateResponse(request, "gaf/family/index.html", context)


def _group_or_404(request: HttpRequest, slug: str) -> PurchaseGroup:
    group = get_object_or_404(
        PurchaseGroup.objects.select_related("municipality", "network"), slug=slug
    )
    if not rules.can_view_group(request.user, group):
        raise Http404
    return group


def _group_context(request: HttpRequest, group: PurchaseGroup, join_form=None) -> dict:
    family = family_of(request.user)
    member = rules.can_view_group_activity(request.user, group)
    context = {
        "group": group,
        "family": family,
        "is_member": member,
        "pickup_points": group.pickup_points.filter(is_active=True).order_by("name"),
        "coordination_url": (
            _coordination_url("coord_group", group_slug=group.slug)
            if rules.can_manage_group(request.user, group)
            else None
        ),
    }
    if member:
        now = timezone.now()
        rounds = list(selectors.group_rounds(group=group, states=[RoundState.OPEN]))
        context["open_rounds"] = sorted(
            (r for r in rounds if r.opens_at <= now), key=lambda r: r.closes_at
        )
        context["upcoming_rounds"] = sorted(
            (r for r in rounds if r.opens_at > now), key=lambda r: r.opens_at
        )
        context["recent_rounds"] = list(
            selectors.group_rounds(group=group, states=RECENT_STATES)[:RECENT_ROUNDS]
        )
        unread = selectors.unread_counts(user=request.user, groups=[group])
        context["chat_unread"] = unread.get((group.pk, None), 0)
        for round in [*context["open_rounds"], *context["recent_rounds"]]:
            round.chat_unread = unread.get((group.pk, round.pk), 0)
    else:
        context["can_request_join"] = rules.can_request_join(request.user, group)
        context["pending_request"] = (
            family is not None
            and GroupJoinRequest.objects.filter(
                group=group, family=family, status=GroupJoinRequest.Status.PENDING
            ).exists()
        )
        context["join_form"] = join_form or JoinRequestForm()
    return context


@require_GET
def group_detail(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = _group_or_404(request, group_slug)
    return TemplateResponse(request, "gaf/family/group.html", _group_context(request, group))


@require_POST
def group_join(request: HttpRequest, group_slug: str) -> HttpResponse:
    """A family asks to join; a person with no family is sent to create one first."""
    group = _group_or_404(request, group_slug)
    family = family_of(request.user)
    if family is None:
        messages.info(
            request, _("Per entrare in un gruppo di acquisto registra prima la tua famiglia.")
        )
        return redirect("family_edit")
    if rules.is_member(request.user, group):
        return redirect("gaf:group", group_slug=group.slug)
    form = JoinRequestForm(request.POST)
    if form.is_valid():
        try:
            services.group_join_request(
                group=group,
                family=family,
                message=form.cleaned_data["message"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Richiesta inviata: chi coordina «%(group)s» ti risponderà via e-mail.")
                % {"group": group.name},
            )
            return redirect("gaf:group", group_slug=group.slug)
    context = _group_context(request, group, join_form=form)
    return TemplateResponse(request, "gaf/family/group.html", context, status=400)


# --- A round's order page -------------------------------------------------------------------


def _round_or_404(request: HttpRequest, group_slug: str, round_id: int) -> OrderRound:
    round = get_object_or_404(
        OrderRound.objects.select_related(
            "group", "group__municipality", "supplier"
        ).prefetch_related("pickup_points"),
        pk=round_id,
        group__slug=group_slug,
    )
    if not rules.can_view_round(request.user, round):
        raise Http404
    return round


@require_http_methods(["GET", "POST"])
def round_detail(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    """The round's products with the group's pooled quantities, and the family's basket.

    The form shows while the round takes orders; a basket posted from a page left open
    past the deadline still reaches the service, which refuses it (409, nothing saved).
    """
    round = _round_or_404(request, group_slug, round_id)
    family = family_of(request.user)
    if request.method == "POST" and family is None:
        raise PermissionDenied(_("Per ordinare registra prima la tua famiglia."))
    statuses = selectors.round_pool_status(round=round, family=family)
    order = selectors.family_order(round=round, family=family) if family is not None else None
    pickup_points = round.pickup_points.filter(is_active=True).order_by("name")
    initial = {"pickup_point": order.pickup_point_id if order else None}
    status = 200
    form = None
    if request.method == "POST":
        form = OrderForm(
            request.POST, statuses=statuses, pickup_points=pickup_points, initial=initial
        )
        status = 400
        if form.is_valid():
            try:
                services.order_set_quantities(
                    round=round,
                    family=family,
                    lines=form.lines(),
                    pickup_point=form.cleaned_data["pickup_point"],
                    by_user=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error, field_for=form.field_for)
                status = 409 if _error_code(error) in ROUND_CONFLICTS else 400
            else:
                messages.success(request, _("Ordine salvato."))
                return redirect("gaf:round", group_slug=round.group.slug, round_id=round.pk)
    elif family is not None and rules.can_order(request.user, round):
        form = OrderForm(statuses=statuses, pickup_points=pickup_points, initial=initial)
    now = timezone.now()
    taking_orders = round.state == RoundState.OPEN
    estimate = family_estimate(round, family) if order is not None else None
    live_data = live_page_data(round, statuses, family, estimate) if taking_orders else None
    room = selectors.round_room(round=round)
    chat = None
    if room is not None and rules.can_read_room(request.user, room):
        chat = chat_panel(request, room, language=get_language() or "")
    context = {
        "round": round,
        "group": round.group,
        "family": family,
        "order": order,
        "rows": product_rows(statuses, form),
        "form": form,
        "accepts_orders": taking_orders and round.opens_at <= now < round.closes_at,
        "not_yet_open": taking_orders and now < round.opens_at,
        "estimate": estimate,
        "live_data": live_data,
        "basket": live_data["family"]["basket"] if live_data and live_data["family"] else None,
        "has_order": has_order(statuses),
        "is_charged": round.state in CHARGED_STATES,
        "live_url": round_socket_path(round.pk) if taking_orders else None,
        "chat": chat,
        "chat_unread": (
            selectors.unread_counts(user=request.user, groups=[round.group]).get(
                (round.group_id, round.pk), 0
            )
            if chat
            else 0
        ),
        "coordination_url": (
            _coordination_url("coord_round", group_slug=round.group.slug, round_id=round.pk)
            if rules.can_manage_round(request.user, round)
            else None
        ),
    }
    return TemplateResponse(request, "gaf/family/round.html", context, status=status)


def _error_code(error: ValidationError) -> str | None:
    if hasattr(error, "error_dict"):
        return None
    return error.error_list[0].code if error.error_list else None


@require_GET
def round_redirect(request: HttpRequest, pk: int) -> HttpResponse:
    """A round by its id alone (links in e-mails): to its page under its group."""
    round = get_object_or_404(OrderRound.objects.select_related("group"), pk=pk)
    if not rules.can_view_round(request.user, round):
        raise Http404
    return redirect("gaf:round", group_slug=round.group.slug, round_id=round.pk)


# --- The family's orders --------------------------------------------------------------------


@require_GET
def my_orders(request: HttpRequest) -> HttpResponse:
    family = family_of(request.user)
    orders = list(selectors.family_orders(family=family)) if family is not None else []
    return TemplateResponse(
        request, "gaf/family/my_orders.html", {"family": family, "orders": orders}
    )


def _order_or_404(request: HttpRequest, order_id: int) -> Order:
    order = get_object_or_404(
        Order.objects.select_related(
            "family", "pickup_point", "round", "round__group", "round__supplier"
        ),
        pk=order_id,
    )
    if not rules.can_view_order(request.user, order):
        raise Http404
    return order


@require_GET
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    """One order: what the family asked for and, once the round closed, what it received."""
    order = _order_or_404(request, order_id)
    round = order.round
    context = {
        "order": order,
        "round": round,
        "group": round.group,
        "lines": list(order.lines.select_related("round_product")),
        "is_charged": round.state in CHARGED_STATES,
        # Organisers see other families' orders too; only the family may change its own.
        "may_change": round.state == RoundState.OPEN
        and rules.family_id_of(request.user) == order.family_id,
    }
    return TemplateResponse(request, "gaf/family/order.html", context)


@require_GET
def order_receipt(request: HttpRequest, order_id: int) -> HttpResponse:
    """The family's receipt (PDF), once the round is closed and the order priced."""
    order = _order_or_404(request, order_id)
    if order.round.state not in CHARGED_STATES:
        raise Http404
    slip, supplier_order = selectors.round_documents_for_family(order.round, order.family)
    if slip is None:
        raise Http404
    response = HttpResponse(
        exports.family_receipt_pdf(slip, supplier_order), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'inline; filename="ricevuta-giro-{order.round_id}-ordine-{order.pk}.pdf"'
    )
    return response


# --- Balance --------------------------------------------------------------------------------


@require_GET
def balance(request: HttpRequest, group_slug: str) -> HttpResponse:
    """The family's payments and charges in one group, with the running balance."""
    group = _group_or_404(request, group_slug)
    family = family_of(request.user)
    if family is None or not rules.can_view_balance(request.user, group, family.pk):
        raise Http404
    context = {
        "group": group,
        "family": family,
        "balance": selectors.family_balance(group=group, family=family),
        "history": list(reversed(selectors.family_history(group=group, family=family))),
    }
    return TemplateResponse(request, "gaf/family/balance.html", context)


# --- Notification preferences ---------------------------------------------------------------


@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The GAF's e-mails are chosen where every notification is (hub.notifications)."""
    return redirect("notification_preferences", permanent=True)
