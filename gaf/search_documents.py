"""GAF products as searchable documents (registered with search in apps.py): the products
of every open round, found only by the members of the round's group (visible to
"group:<id>"), with the round's deadline as their date. A round that closes, is cancelled
or reopens takes its products out of the index or back in (its save touches them)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaf import rules
from gaf.models import OrderRound, PurchaseGroup, RoundProduct, RoundState
from search import registry
from search.documents import Document, scope


def _open_products():
    return RoundProduct.objects.filter(round__state=RoundState.OPEN)


def product_ids() -> Iterator[int]:
    yield from _open_products().values_list("pk", flat=True)


def product_documents(ids: Sequence[int]) -> Iterator[Document]:
    products = (
        _open_products()
        .filter(pk__in=ids)
        .select_related("round__group__municipality", "round__supplier", "product")
    )
    for item in products:
        round = item.round
        group = round.group
        yield Document(
            kind="product",
            object_id=item.pk,
            title=item.name,
            subtitle=f"{group.name} · {round.supplier.name}",
            text=" ".join([item.category, round.title, item.product.description, round.notes]),
            url=reverse("gaf:round", kwargs={"group_slug": group.slug, "round_id": round.pk}),
            municipality=(group.municipality.name,),
            dates=(round.closes_at,),
            visible_to=(scope("group", group.pk),),
        )


def scopes_of(user) -> list[str]:
    """ "group:<id>" for every group the user's family belongs to (every group for a
    superuser, who may see every round)."""
    return [scope("group", group_id) for group_id in rules.viewable_group_ids(user)]


def _round_products(round: OrderRound) -> list[int]:
    return list(round.products.values_list("pk", flat=True))


def _group_products(group: PurchaseGroup) -> list[int]:
    return list(_open_products().filter(round__group=group).values_list("pk", flat=True))


def register() -> None:
    registry.register_kind(
        "product",
        label=_("Prodotti dei GAF"),
        load=product_documents,
        indexable_ids=product_ids,
        watch=[
            registry.Watch(RoundProduct, lambda item: [item.pk]),
            registry.Watch(
                OrderRound,
                _round_products,
                fields=frozenset({"state", "title", "notes", "closes_at", "supplier", "group"}),
            ),
            registry.Watch(
                PurchaseGroup, _group_products, fields=frozenset({"name", "slug", "municipality"})
            ),
        ],
    )
    registry.register_scopes(scopes_of)
