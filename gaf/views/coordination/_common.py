"""Fetching and authorising what a coordinator's URL names, and rendering their pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse

from gaf import rules, selectors
from gaf.models import OrderRound, PurchaseGroup, Supplier

TEMPLATES = "gaf/coordination/"


def render(request, template: str, context: dict, status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, TEMPLATES + template, context, status=status)


def found(obj):
    """`obj`, or 404 when the selector found nothing."""
    if obj is None:
        raise Http404
    return obj


def group_or_404(request: HttpRequest, group_slug: str, allowed) -> PurchaseGroup:
    """The group in the URL when `allowed(user, group)`; 404 otherwise."""
    group = found(selectors.group_by_slug(group_slug))
    if not allowed(request.user, group):
        raise Http404
    return group


def round_or_404(request: HttpRequest, group_slug: str, round_id: int, allowed) -> OrderRound:
    try:
        round = selectors.round_detail(round_id=round_id)
    except OrderRound.DoesNotExist:
        raise Http404 from None
    if round.group.slug != group_slug or not allowed(request.user, round):
        raise Http404
    return round


def supplier_or_404(request: HttpRequest, supplier_slug: str) -> Supplier:
    supplier = found(selectors.supplier_by_slug(supplier_slug))
    if not rules.can_manage_suppliers(request.user, supplier.network_id):
        raise Http404
    return supplier


def can_manage_fund(user, group: PurchaseGroup) -> bool:
    # The fund is the network's; a coordinator keeps it through their own group.
    return rules.can_manage_group(user, group) and rules.can_manage_fund(user, group.network_id)
