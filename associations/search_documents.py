"""The associations' searchable documents (registered with search in apps.py): each
association with a live, public page, and each live, public initiative of a live
association page."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageViewRestriction

from associations.models import Association, AssociationPage, InitiativePage
from hub.models import AgeBand, Area, Municipality
from hub.page_urls import PageUrls
from search import registry
from search.documents import Document
from search.text import stream_text


def public_pages(pages: QuerySet) -> QuerySet:
    """Live pages with no view restriction on them or above them (one query)."""
    restricted_above = PageViewRestriction.objects.annotate(
        prefix=Substr(OuterRef("path"), 1, Length("page__path"))
    ).filter(prefix=F("page__path"))
    return pages.live().filter(~Exists(restricted_above))


def _ordered(model, lookup: str) -> Prefetch:
    return Prefetch(lookup, queryset=model.objects.order_by(*model._meta.ordering))


def age_bounds(bands: Sequence[AgeBand]) -> tuple[int | None, int | None]:
    """The youngest and oldest ages the bands cover (None: no bound)."""
    if not bands:
        return None, None
    lows = [band.min_age for band in bands]
    highs = [band.max_age for band in bands]
    low = None if any(value is None for value in lows) else min(lows)
    high = None if any(value is None for value in highs) else max(highs)
    return low, high


# --- Associations -----------------------------------------------------------------------------


def _association_pages() -> QuerySet[AssociationPage]:
    return public_pages(AssociationPage.objects.all())


def association_ids() -> Iterator[int]:
    yield from _association_pages().values_list("association_id", flat=True)


def association_documents(ids: Sequence[int]) -> Iterator[Document]:
    urls = PageUrls()
    pages = (
        _association_pages()
        .filter(association_id__in=ids)
        .select_related("association__network")
        .prefetch_related(
            _ordered(Municipality, "association__municipalities"),
            _ordered(Area, "association__areas"),
        )
    )
    for page in pages:
        association = page.association
        url = urls.relative(page.url_path)
        if url is None:
            continue
        yield Document(
            kind="association",
            object_id=association.pk,
            title=association.name,
            subtitle=f"{association.get_kind_display()} · {association.network}",
            text=" ".join([association.description, page.intro, stream_text(page.body)]),
            url=url,
            municipality=tuple(m.name for m in association.municipalities.all()),
            area=tuple(area.name for area in association.areas.all()),
        )


# --- Initiatives ------------------------------------------------------------------------------


def _initiatives() -> QuerySet[InitiativePage]:
    parents = AssociationPage.objects.filter(path=OuterRef("parent_path"), live=True)
    return (
        public_pages(InitiativePage.objects.all())
        .annotate(parent_path=Substr("path", 1, Length("path") - InitiativePage.steplen))
        .filter(Exists(parents))
    )


def initiative_ids() -> Iterator[int]:
    yield from _initiatives().values_list("pk", flat=True)


def initiative_documents(ids: Sequence[int]) -> Iterator[Document]:
    urls = PageUrls()
    initiatives = list(
        _initiatives()
        .filter(pk__in=ids)
        .select_related("area")
        .prefetch_related(_ordered(Municipality, "municipalities"), _ordered(AgeBand, "age_bands"))
    )
    parents = {
        page.path: page.association.name
        for page in AssociationPage.objects.filter(
            path__in={initiative.parent_path for initiative in initiatives}
        ).select_related("association")
    }
    for initiative in initiatives:
        url = urls.relative(initiative.url_path)
        if url is None:
            continue
        bands = list(initiative.age_bands.all())
        age_min, age_max = age_bounds(bands)
        yield Document(
            kind="initiative",
            object_id=initiative.pk,
            title=initiative.title,
            subtitle=parents.get(initiative.parent_path, ""),
            text=" ".join([initiative.summary, initiative.place, stream_text(initiative.body)]),
            url=url,
            municipality=tuple(m.name for m in initiative.municipalities.all()),
            area=(initiative.area.name,),
            age_bands=tuple(band.name for band in bands),
            age_min=age_min,
            age_max=age_max,
            free=initiative.is_free,
        )


def _initiatives_below(page: AssociationPage | None) -> list[int]:
    if page is None:
        return []
    return list(InitiativePage.objects.child_of(page).values_list("pk", flat=True))


def register() -> None:
    registry.register_kind(
        "association",
        label=_("Associazioni"),
        load=association_documents,
        indexable_ids=association_ids,
        watch=[
            registry.Watch(Association, lambda association: [association.pk]),
            registry.Watch(AssociationPage, lambda page: [page.association_id]),
        ],
    )
    registry.register_kind(
        "initiative",
        label=_("Iniziative"),
        load=initiative_documents,
        indexable_ids=initiative_ids,
        watch=[
            registry.Watch(InitiativePage, lambda page: [page.pk]),
            # An association's page published or withdrawn, or the association renamed:
            # its initiatives appear, disappear or show the new name.
            registry.Watch(AssociationPage, _initiatives_below),
            registry.Watch(
                Association,
                lambda association: _initiatives_below(
                    AssociationPage.objects.filter(association=association).first()
                ),
                fields=frozenset({"name"}),
            ),
        ],
    )
