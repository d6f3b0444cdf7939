"""The Negozi di Buon Vicinato and their offers as searchable documents (registered with
search in apps.py; the search issue's "shops and offers, where those apps exist").

Only approved shops, and their offers not yet ended, are indexed, all public (the public
directory shows the same). An offer past its end date leaves the index at the nightly
reconcile (search.tasks), which re-reads `offer_ids`, as it leaves the directory: without
anyone acting.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carta.models import Offer, Outlet, Shop
from search import registry
from search.documents import Document


def _approved() -> QuerySet[Shop]:
    return Shop.objects.filter(status=Shop.Status.APPROVED)


def _offers() -> QuerySet[Offer]:
    return Offer.objects.filter(
        shop__status=Shop.Status.APPROVED, ends_on__gte=timezone.localdate()
    )


def _towns(outlets) -> tuple[str, ...]:
    return tuple(sorted({outlet.municipality.name for outlet in outlets}))


def shop_ids() -> Iterator[int]:
    yield from _approved().values_list("pk", flat=True)


def shop_documents(ids: Sequence[int]) -> Iterator[Document]:
    shops = (
        _approved()
        .filter(pk__in=ids)
        .prefetch_related(
            Prefetch("outlets", queryset=Outlet.objects.select_related("municipality")),
            Prefetch("offers", queryset=_offers().order_by("pk"), to_attr="current_offers"),
        )
    )
    for shop in shops:
        outlets = list(shop.outlets.all())
        yield Document(
            kind="shop",
            object_id=shop.pk,
            title=shop.business_name,
            subtitle=", ".join(outlet.address for outlet in outlets),
            text=" ".join(
                part
                for part in (shop.description, *(offer.title for offer in shop.current_offers))
                if part
            ),
            url=reverse("carta:shop_page", args=[shop.pk]),
            municipality=_towns(outlets),
        )


def offer_ids() -> Iterator[int]:
    yield from _offers().values_list("pk", flat=True)


def offer_documents(ids: Sequence[int]) -> Iterator[Document]:
    offers = (
        _offers()
        .filter(pk__in=ids)
        .select_related("shop")
        .prefetch_related(
            Prefetch("outlets", queryset=Outlet.objects.select_related("municipality")),
            Prefetch("shop__outlets", queryset=Outlet.objects.select_related("municipality")),
        )
    )
    for offer in offers:
        outlets = list(offer.outlets.all()) or list(offer.shop.outlets.all())
        yield Document(
            kind="offer",
            object_id=offer.pk,
            title=offer.title,
            subtitle=offer.shop.business_name,
            text=" ".join(part for part in (offer.description, offer.conditions) if part),
            url=reverse("carta:shop_page", args=[offer.shop_id]) + f"#offerta-{offer.pk}",
            municipality=_towns(outlets),
        )


def _shop_offers(shop: Shop) -> list[int]:
    return list(Offer.objects.filter(shop=shop).values_list("pk", flat=True))


def register() -> None:
    registry.register_kind(
        "shop",
        label=_("Negozi di Buon Vicinato"),
        load=shop_documents,
        indexable_ids=shop_ids,
        watch=[
            registry.Watch(Shop, lambda shop: [shop.pk]),
            registry.Watch(Outlet, lambda outlet: [outlet.shop_id]),
            registry.Watch(Offer, lambda offer: [offer.shop_id]),
        ],
    )
    registry.register_kind(
        "offer",
        label=_("Offerte per le famiglie"),
        load=offer_documents,
        indexable_ids=offer_ids,
        watch=[
            registry.Watch(Offer, lambda offer: [offer.pk]),
            registry.Watch(Shop, _shop_offers),
            # An offer without outlets of its own is found in every town of its shop's.
            registry.Watch(Outlet, lambda outlet: _shop_offers(outlet.shop)),
        ],
    )
