"""The treasurer's payments and balances, and the network's Fondo Solidale."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaf import rules, selectors, services
from gaf.forms_coordination import DisbursementRequestForm, DonationForm, PaymentForm
from gaf.models import FundDisbursement, PurchaseGroup
from gaf.services.accounts import APPROVALS_NEEDED
from gaf.views.coordination._common import can_manage_fund, found, group_or_404, render
from hub.form_errors import error_messages, submit

FUND_ENTRIES_SHOWN = 50


@require_http_methods(["GET", "POST"])
def payments(request: HttpRequest, group_slug: str) -> HttpResponse:
    """Record a payment (or a refund) and see every family's balance."""
    group = group_or_404(request, group_slug, rules.can_record_payment)
    families = [membership.family for membership in selectors.group_members(group=group)]
    status = 200
    if request.method == "POST":
        form = PaymentForm(request.POST, families=families)
        ok, payment = submit(
            form, lambda data: services.payment_record(group=group, by=request.user, **data)
        )
        if ok:
            messages.success(
                request,
                _("Pagamento di %(family)s registrato.") % {"family": payment.family.name},
            )
            return redirect("gaf:coord_payments", group_slug=group.slug)
        status = 400
    else:
        form = PaymentForm(families=families, initial={"paid_on": timezone.localdate()})
    context = {
        "group": group,
        "form": form,
        "balances": selectors.group_balances(group=group),
        "recent_payments": selectors.recent_payments(group=group),
    }
    return render(request, "payments.html", context, status)


# --- Fondo Solidale ---------------------------------------------------------------------------


def _fund_page(
    request, group, *, donation_form=None, disbursement_form=None, errors=(), status=200
) -> TemplateResponse:
    network = group.network
    disbursements = selectors.fund_disbursements(network=network)
    for disbursement in disbursements:
        approvers = [approval.approver for approval in disbursement.approvals.all()]
        disbursement.approvers = approvers
        disbursement.can_approve = rules.can_approve_disbursement(request.user, disbursement)
    context = {
        "group": group,
        "network": network,
        "balance": selectors.fund_balance(network=network),
        "entries": list(selectors.fund_entries(network=network)[:FUND_ENTRIES_SHOWN]),
        "disbursements": disbursements,
        "approvals_needed": APPROVALS_NEEDED,
        "donation_form": donation_form
        or DonationForm(prefix="donation", initial={"occurred_on": timezone.localdate()}),
        "disbursement_form": disbursement_form or DisbursementRequestForm(prefix="disbursement"),
        "errors": list(errors),
    }
    return render(request, "fund.html", context, status)


@require_GET
def fund(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = group_or_404(request, group_slug, can_manage_fund)
    return _fund_page(request, group)


@require_POST
def fund_donation(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = group_or_404(request, group_slug, can_manage_fund)
    form = DonationForm(request.POST, prefix="donation")
    ok, _result = submit(
        form,
        lambda data: services.fund_donation_record(
            network=group.network, group=group, by=request.user, **data
        ),
    )
    if ok:
        messages.success(request, _("Donazione registrata nel Fondo Solidale."))
        return redirect("gaf:coord_fund", group_slug=group.slug)
    return _fund_page(request, group, donation_form=form, status=400)


@require_POST
def fund_disbursement_request(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = group_or_404(request, group_slug, can_manage_fund)
    form = DisbursementRequestForm(request.POST, prefix="disbursement")
    ok, _result = submit(
        form,
        lambda data: services.fund_disbursement_request(
            network=group.network, by=request.user, **data
        ),
    )
    if ok:
        messages.success(
            request,
            _("Richiesta registrata: servono le approvazioni di due coordinatori diversi."),
        )
        return redirect("gaf:coord_fund", group_slug=group.slug)
    return _fund_page(request, group, disbursement_form=form, status=400)


def _disbursement(group: PurchaseGroup, disbursement_id: int) -> FundDisbursement:
    return found(
        selectors.fund_disbursement(network_id=group.network_id, disbursement_id=disbursement_id)
    )


@require_POST
def fund_disbursement_approve(
    request: HttpRequest, group_slug: str, disbursement_id: int
) -> HttpResponse:
    group = group_or_404(request, group_slug, can_manage_fund)
    disbursement = _disbursement(group, disbursement_id)
    try:
        disbursement = services.fund_disbursement_approve(
            disbursement=disbursement, by=request.user
        )
    except ValidationError as error:
        return _fund_page(request, group, errors=error_messages(error), status=400)
    if disbursement.status == FundDisbursement.Status.APPROVED:
        messages.success(request, _("Erogazione approvata e registrata nel Fondo Solidale."))
    else:
        messages.success(
            request, _("Approvazione registrata: serve quella di un altro coordinatore.")
        )
    return redirect("gaf:coord_fund", group_slug=group.slug)


@require_POST
def fund_disbursement_reject(
    request: HttpRequest, group_slug: str, disbursement_id: int
) -> HttpResponse:
    group = group_or_404(request, group_slug, can_manage_fund)
    disbursement = _disbursement(group, disbursement_id)
    try:
        services.fund_disbursement_reject(disbursement=disbursement, by=request.user)
    except ValidationError as error:
        return _fund_page(request, group, errors=error_messages(error), status=400)
    messages.success(request, _("Richiesta di erogazione respinta."))
    return redirect("gaf:coord_fund", group_slug=group.slug)
