"""Order rounds: creating and editing a draft, the round's page, its state changes and its
documents. The actions a page offers come from gaf.rounds (gaf.presentation.round_actions);
those that cannot be undone (close, send, settle) show what will happen and ask first."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaf import exports, presentation, rules, selectors, services
from gaf import rounds as round_rules
from gaf.forms_coordination import (
    CancelRoundForm,
    ExtendForm,
    ReopenForm,
    RoundForm,
    plain_decimal,
)
from gaf.models import OrderRound, PurchaseGroup, RoundState, Supplier
from gaf.views.coordination._common import group_or_404, render, round_or_404
from hub.form_errors import add_service_error, error_messages, refusal_status, submit

ROUND_FIELDS = (
    "title",
    "notes",
    "opens_at",
    "closes_at",
    "pickup_date",
    "pickup_starts_at",
    "pickup_ends_at",
    "pickup_points",
    "products",
    "fund_percent",
    "allocation_policy",
    "send_on_close",
)


# --- Creating and editing a draft -------------------------------------------------------------


def _round_form(
    request,
    group: PurchaseGroup,
    supplier: Supplier,
    *,
    initial=None,
    round: OrderRound | None = None,
) -> RoundForm:
    return RoundForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        products=selectors.available_products(supplier=supplier),
        pickup_points=selectors.round_pickup_point_choices(group=group, round=round),
        product_label=presentation.product_label,
    )


def _round_values(form: RoundForm) -> dict:
    return {name: form.cleaned_data[name] for name in ROUND_FIELDS}


@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, group_slug: str) -> HttpResponse:
    """A draft round: first the supplier (?fornitore=<slug>), then the round's details."""
    group = group_or_404(request, group_slug, rules.can_manage_group)
    suppliers = selectors.active_suppliers(network_id=group.network_id)
    supplier_slug = request.GET.get("fornitore") or request.POST.get("fornitore")
    supplier = suppliers.filter(slug=supplier_slug).first() if supplier_slug else None
    if supplier is None:
        status = 400 if supplier_slug else 200
        context = {"group": group, "suppliers": list(suppliers), "unknown": supplier_slug}
        return render(request, "round_supplier.html", context, status)
    form = _round_form(
        request,
        group,
        supplier,
        initial={
            "fund_percent": plain_decimal(group.default_fund_percent),
            "allocation_policy": group.allocation_policy,
            "send_on_close": group.send_order_on_close,
        },
    )
    status = 200
    if request.method == "POST":
        ok, round = submit(
            form,
            lambda _data: services.round_create(
                group=group, supplier=supplier, by=request.user, **_round_values(form)
            ),
        )
        if ok:
            messages.success(
                request, _("Giro creato in bozza: controllalo e aprilo quando è pronto.")
            )
            return redirect("gaf:coord_round", group_slug=group.slug, round_id=round.pk)
        status = 400
    context = {"group": group, "supplier": supplier, "form": form, "round": None}
    return render(request, "round_form.html", context, status)


@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    """A draft's details and products (frozen once it opens)."""
    round = round_or_404(request, group_slug, round_id, rules.can_manage_round)
    if "edit" not in round_rules.coordinator_actions(round.state):
        messages.error(request, _("Solo un giro in bozza si modifica: questo non lo è più."))
        return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)
    form = _round_form(
        request,
        round.group,
        round.supplier,
        round=round,
        initial={
            **{
                name: getattr(round, name)
                for name in ROUND_FIELDS
                if name not in {"pickup_points", "products"}
            },
            "pickup_points": [str(point.pk) for point in round.pickup_points.all()],
            "products": [str(pk) for pk in selectors.round_catalogue_ids(round=round)],
        },
    )
    status = 200
    if request.method == "POST":
        ok, _result = submit(
            form,
            lambda _data: services.round_update_draft(
                round=round, by=request.user, **_round_values(form)
            ),
        )
        if ok:
            messages.success(request, _("Bozza del giro salvata."))
            return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)
        status = 400
    context = {"group": round.group, "supplier": round.supplier, "form": form, "round": round}
    return render(request, "round_form.html", context, status)


# --- The round's page and its state changes ---------------------------------------------------


def _round_page(
    request,
    round: OrderRound,
    *,
    errors=(),
    reopen_form=None,
    cancel_form=None,
    extend_form=None,
    status=200,
) -> TemplateResponse:
    user = request.user
    manage = rules.can_manage_round(user, round)
    may_record_delivery = rules.can_record_delivery(user, round)
    breakdown = None
    if round.state == RoundState.OPEN:
        # While families order: each family's products, estimate and last change.
        breakdown = selectors.round_family_breakdown(round=round)
        orders = [selectors.OrderSummary(row.order, row.products) for row in breakdown]
    else:
        orders = selectors.round_order_summaries(round=round)
    context = {
        "group": round.group,
        "round": round,
        "statuses": presentation.product_lines(selectors.round_pool_status(round=round)),
        "orders": orders,
        "breakdown": breakdown,
        "breakdown_total": presentation.breakdown_total(breakdown or ()),
        "charged": round.state in round_rules.CHARGED_STATES,
        "totals": presentation.order_totals(orders),
        "shared_costs": selectors.round_shared_costs(round=round),
        "errors": list(errors),
        "can_manage": manage,
        "can_record_delivery": may_record_delivery,
        "actions": presentation.round_actions(
            round.state, may_manage=manage, may_record_delivery=may_record_delivery
        ),
        "reopen_form": reopen_form or ReopenForm(prefix="reopen"),
        "cancel_form": cancel_form or CancelRoundForm(prefix="cancel"),
        "extend_form": extend_form
        or ExtendForm(prefix="extend", initial={"closes_at": round.closes_at}),
    }
    return render(request, "round.html", context, status)


@require_GET
def round_detail(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = round_or_404(request, group_slug, round_id, rules.can_view_all_orders)
    return _round_page(request, round)


def _refused(request, round: OrderRound, error: ValidationError) -> TemplateResponse:
    """The round page with a service's refusal: 409 for a conflict with its state."""
    return _round_page(request, round, errors=error_messages(error), status=refusal_status(error))


def _round_action(request, group_slug, round_id, action, success_message) -> HttpResponse:
    """Run a state change without input; a refusal shows the round page with its reason."""
    round = round_or_404(request, group_slug, round_id, rules.can_manage_round)
    try:
        action(round)
    except ValidationError as error:
        return _refused(request, round, error)
    messages.success(request, success_message)
    return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)


@require_POST
def round_open(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    return _round_action(
        request,
        group_slug,
        round_id,
        lambda round: services.round_open(round=round, by=request.user),
        _("Giro aperto: i prezzi sono congelati e le famiglie sono state avvisate."),
    )


# What cannot be undone asks first. The button on the round page is a link to a page that
# says what will happen (families, totals, whether the supplier is e-mailed) with a form
# that POSTs the confirmation; a POST without it (an old page, a script) gets the same page.
CONFIRMED = "yes"


def _confirmed_action(
    request, group_slug: str, round_id: int, action: str, run, success
) -> HttpResponse:
    round = round_or_404(request, group_slug, round_id, rules.can_manage_round)
    if action not in round_rules.coordinator_actions(round.state):
        return _round_page(
            request,
            round,
            errors=[
                _("Il giro è «%(state)s»: questa azione ora non si può fare.")
                % {"state": round.get_state_display()}
            ],
            status=409,
        )
    if request.method == "POST" and request.POST.get("confirm") == CONFIRMED:
        try:
            done = run(round)
        except ValidationError as error:
            # The state changed meanwhile (the service decides with the round locked).
            return _refused(request, round, error)
        messages.success(request, success(done))
        return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)
    context = {
        "group": round.group,
        "round": round,
        "action": action,
        "confirm": CONFIRMED,
        "outcome": selectors.round_outcome(round),
        "before_deadline": timezone.now() < round.closes_at,
    }
    return render(request, "round_confirm.html", context)


def _closed_message(round: OrderRound) -> str:
    if round.state == RoundState.SENT:
        return _("Giro chiuso e ordine inviato a %(supplier)s (%(email)s).") % {
            "supplier": round.supplier.name,
            "email": round.supplier.email,
        }
    return _(
        "Giro chiuso: le assegnazioni sono state calcolate e le famiglie avvisate. L'ordine "
        "non è ancora partito: controllalo e invialo al fornitore; fino ad allora puoi "
        "riaprire il giro."
    )


@require_http_methods(["GET", "POST"])
def round_close(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    return _confirmed_action(
        request,
        group_slug,
        round_id,
        "close",
        lambda round: services.round_close(round=round, by=request.user),
        _closed_message,
    )


@require_POST
def round_reopen(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = round_or_404(request, group_slug, round_id, rules.can_manage_round)
    form = ReopenForm(request.POST, prefix="reopen")
    ok, _result = submit(
        form,
        lambda data: services.round_reopen(
            round=round, closes_at=data["closes_at"], by=request.user
        ),
    )
    if ok:
        messages.success(request, _("Giro riaperto: le famiglie sono state avvisate."))
        return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)
    return _round_page(request, round, reopen_form=form, status=400)


@require_POST
def round_extend(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    """A later deadline for an open round (a Europe/Rome date and time)."""
    round = round_or_404(request, group_slug, round_id, rules.can_manage_round)
    form = ExtendForm(request.POST, prefix="extend")
    if not form.is_valid():
        return _round_page(request, round, extend_form=form, status=400)
    try:
        extended = services.round_extend(
            round=round, closes_at=form.cleaned_data["closes_at"], by=request.user
        )
    except ValidationError as error:
        if refusal_status(error) == 409:
            # Not open any more: there is no form to put it on.
            return _refused(request, round, error)
        add_service_error(form, error)
        return _round_page(request, round, extend_form=form, status=400)
    messages.success(
        request,
        _("Chiusura prorogata a %(when)s: le famiglie del gruppo sono state avvisate.")
        % {"when": formats.date_format(timezone.localtime(extended.closes_at), "l j F Y, H:i")},
    )
    return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)


@require_http_methods(["GET", "POST"])
def round_send(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    return _confirmed_action(
        request,
        group_slug,
        round_id,
        "send",
        lambda round: services.round_send_to_supplier(round=round, by=request.user),
        lambda round: (
            _("Ordine inviato a %(supplier)s (CSV, JSON e PDF in allegato).")
            % {"supplier": round.supplier.name}
        ),
    )


@require_http_methods(["GET", "POST"])
def round_settle(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    return _confirmed_action(
        request,
        group_slug,
        round_id,
        "settle",
        lambda round: services.round_settle(round=round, by=request.user),
        lambda _entry: _("Giro saldato: le quote sono state registrate nel Fondo Solidale."),
    )


@require_POST
def round_cancel(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = round_or_404(request, group_slug, round_id, rules.can_manage_round)
    form = CancelRoundForm(request.POST, prefix="cancel")
    ok, _result = submit(
        form,
        lambda data: services.round_cancel(round=round, by=request.user, reason=data["reason"]),
    )
    if ok:
        messages.success(request, _("Giro annullato."))
        return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)
    return _round_page(request, round, cancel_form=form, status=400)


# --- Documents --------------------------------------------------------------------------------


def _documents(request, group_slug, round_id):
    round = round_or_404(request, group_slug, round_id, rules.can_view_all_orders)
    if "documents" not in round_rules.coordinator_actions(round.state):
        # The documents exist from the close on.
        raise Http404
    return round, selectors.round_documents(round)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


SUPPLIER_ORDER_FORMATS = {
    "csv": (exports.supplier_order_csv, "text/csv; charset=utf-8"),
    "json": (exports.supplier_order_json, "application/json"),
    "pdf": (exports.supplier_order_pdf, "application/pdf"),
}


@require_GET
def supplier_order_download(
    request: HttpRequest, group_slug: str, round_id: int, file_format: str
) -> HttpResponse:
    if file_format not in SUPPLIER_ORDER_FORMATS:
        raise Http404
    round, documents = _documents(request, group_slug, round_id)
    render_document, content_type = SUPPLIER_ORDER_FORMATS[file_format]
    return _attachment(
        render_document(documents.supplier_order),
        content_type,
        f"ordine-{round.group.slug}-{round.pk}.{file_format}",
    )


@require_GET
def family_slips_download(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round, documents = _documents(request, group_slug, round_id)
    return _attachment(
        exports.family_slips_pdf(documents),
        "application/pdf",
        f"foglietti-{round.group.slug}-{round.pk}.pdf",
    )
