"""Reads of the suppliers and their products, for the coordinators who manage them."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from gaf import rules
from gaf.models import Product, Supplier
from hub.models import Municipality, Network


def supplier_networks(user) -> list[Network]:
    """The networks whose suppliers the user manages (one query)."""
    networks = Network.objects.order_by("name")
    if not user.is_superuser:
        networks = networks.filter(
            purchase_groups__memberships__family__memberships__user=user,
            purchase_groups__memberships__is_coordinator=True,
        ).distinct()
    return [n for n in networks if rules.can_manage_suppliers(user, n.pk)]


def suppliers_with_counts(*, networks) -> list[Supplier]:
    """The networks' suppliers, active first, each with `product_count` and
    `available_count` (one query)."""
    return list(
        Supplier.objects.filter(network__in=networks)
        .select_related("network", "municipality")
        .annotate(
            product_count=Count("products", distinct=True),
            available_count=Count("products", filter=Q(products__is_available=True), distinct=True),
        )
        .order_by("-is_active", "name")
    )


def supplier_by_slug(slug: str) -> Supplier | None:
    return Supplier.objects.select_related("network", "municipality").filter(slug=slug).first()


def active_suppliers(*, network_id: int) -> QuerySet[Supplier]:
    """The suppliers a new round can order from."""
    return Supplier.objects.filter(network_id=network_id, is_active=True).order_by("name")


def supplier_municipalities(*, networks) -> QuerySet[Municipality]:
    """The municipalities a supplier of these networks can be in."""
    return Municipality.objects.filter(networks__in=networks).distinct().order_by("name")


def supplier_products(*, supplier: Supplier) -> QuerySet[Product]:
    """The catalogue, by category then name, with the price tiers (two queries)."""
    return supplier.products.prefetch_related("price_tiers").order_by("category", "name")


def available_products(*, supplier: Supplier) -> QuerySet[Product]:
    """The products a new round can offer."""
    return supplier.products.filter(is_available=True).order_by("category", "name")


def supplier_product(*, supplier: Supplier, product_id: int) -> Product | None:
    return (
        Product.objects.prefetch_related("price_tiers")
        .filter(pk=product_id, supplier=supplier)
        .first()
    )


def product_codes(*, supplier: Supplier) -> set[str]:
    """The supplier's product codes, case-folded (how a price list matches them)."""
    return {code.casefold() for code in supplier.products.values_list("code", flat=True)}
