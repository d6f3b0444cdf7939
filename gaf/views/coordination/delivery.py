"""What a round's supplier delivered, and the shared costs split among its families."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gaf import presentation, rules, selectors, services
from gaf import rounds as round_rules
from gaf.forms_coordination import DeliveryForm, SharedCostForm
from gaf.views.coordination._common import found, render, round_or_404
from hub.form_errors import error_messages, submit


def _delivery_page(request, round, *, form=None, cost_form=None, status=200):
    form = form or DeliveryForm(lines=selectors.delivery_lines(round=round))
    context = {
        "group": round.group,
        "round": round,
        "form": form,
        "products": presentation.delivery_products(
            form.lines, lambda line: form[DeliveryForm.field_name(line.pk)]
        ),
        "can_record": "record_delivery" in round_rules.coordinator_actions(round.state),
        "can_change_costs": round_rules.shared_costs_editable(round.state),
        "shared_costs": selectors.round_shared_costs(round=round),
        "cost_form": cost_form or SharedCostForm(prefix="cost"),
    }
    return render(request, "delivery.html", context, status)


def _delivery_field(name: str) -> str | None:
    """The form field of the service's "quantities.<line id>" error."""
    prefix, _dot, line_id = name.partition(".")
    return DeliveryForm.field_name(int(line_id)) if prefix == "quantities" else None


@require_http_methods(["GET", "POST"])
def delivery(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = round_or_404(request, group_slug, round_id, rules.can_record_delivery)
    if request.method != "POST":
        return _delivery_page(request, round)
    form = DeliveryForm(request.POST, lines=selectors.delivery_lines(round=round))
    ok, changed = submit(
        form,
        lambda _data: services.delivery_record(
            round=round, quantities=form.quantities(), by=request.user
        ),
        field_for=_delivery_field,
    )
    if ok:
        messages.success(
            request,
            _("Consegna registrata. Conti ricalcolati; famiglie avvisate: %(count)d.")
            % {"count": len(changed)},
        )
        return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)
    return _delivery_page(request, round, form=form, status=400)


@require_POST
def shared_cost_add(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = round_or_404(request, group_slug, round_id, rules.can_record_delivery)
    form = SharedCostForm(request.POST, prefix="cost")
    ok, _result = submit(
        form, lambda data: services.shared_cost_add(round=round, by=request.user, **data)
    )
    if ok:
        messages.success(request, _("Spesa comune aggiunta e ripartita tra le famiglie."))
        return redirect("gaf:coord_round_delivery", group_slug=group_slug, round_id=round.pk)
    return _delivery_page(request, round, cost_form=form, status=400)


@require_POST
def shared_cost_remove(
    request: HttpRequest, group_slug: str, round_id: int, cost_id: int
) -> HttpResponse:
    round = round_or_404(request, group_slug, round_id, rules.can_record_delivery)
    cost = found(selectors.round_shared_cost(round=round, cost_id=cost_id))
    try:
        services.shared_cost_remove(shared_cost=cost, by=request.user)
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
        return _delivery_page(request, round, status=400)
    messages.success(request, _("Spesa comune tolta."))
    return redirect("gaf:coord_round_delivery", group_slug=group_slug, round_id=round.pk)
