"""The public page of the Fondo Solidale: what the network's purchase groups put into the
fund and what the fund paid for, per period. Families are never named: the page shows
totals, and disbursements by their public purpose only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from gaf import selectors
from gaf.forms_family import FundFilterForm
from gaf.models import FundDisbursement, PurchaseGroup
from hub.models import Network

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    contributions: Decimal
    donations: Decimal
    disbursements: Decimal
    net: Decimal


def _networks():
    """Networks with at least one purchase group: the only ones with a fund to show."""
    return Network.objects.filter(
        Exists(PurchaseGroup.objects.filter(network=OuterRef("pk")))
    ).order_by("name")


def _quarter(period) -> int:
    return (period.month - 1) // 3 + 1


@require_GET
def fund(request: HttpRequest) -> HttpResponse:
    networks = list(_networks())
    form = FundFilterForm(request.GET or None, networks=_networks())
    context = {"form": form, "networks": networks}
    if request.GET and not form.is_valid():
        return TemplateResponse(request, "gaf/public/fund.html", context, status=400)
    cleaned = form.cleaned_data if form.is_bound else {}
    network = cleaned.get("rete") or (networks[0] if networks else None)
    period = cleaned.get("periodo") or "month"
    context.update(network=network, period=period)
    if network is None:
        return TemplateResponse(request, "gaf/public/fund.html", context)
    periods = selectors.fund_totals(network=network, period=period)
    context.update(
        periods=[(row, _quarter(row.period)) for row in reversed(periods)],
        totals=Totals(
            contributions=sum((row.contributions for row in periods), ZERO),
            donations=sum((row.donations for row in periods), ZERO),
            disbursements=sum((row.disbursements for row in periods), ZERO),
            net=sum((row.net for row in periods), ZERO),
        ),
        balance=selectors.fund_balance(network=network),
        disbursements=list(
            FundDisbursement.objects.filter(
                network=network, status=FundDisbursement.Status.APPROVED
            )
            .order_by("-decided_at", "-pk")
            .values("purpose", "amount", "decided_at")
        ),
    )
    return TemplateResponse(request, "gaf/public/fund.html", context)
