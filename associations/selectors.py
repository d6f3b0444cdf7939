"""Reads for associations and the mappatura. Views, templates and exports get their data here.

Only live pages are public: an association is listed when its page is live, an initiative
when it is live and so is its association's page. Every list is built with a fixed number
of queries, whatever the number of associations or initiatives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.template.defaultfilters import truncatewords
from wagtail.models import Page

from associations import rules
from associations.models import Association, AssociationPage, Follow, InitiativePage
from hub.models import AgeBand, Area, Municipality, Network
from hub.page_urls import PageUrls

PAGE_SIZE = 20


# --- Filter choices ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    """Everything the filter and join forms offer, loaded once per request."""

    networks: list[Network]
    municipalities: list[Municipality]
    areas: list[Area]
    age_bands: list[AgeBand]
    # network id -> the ids of its municipalities
    network_municipalities: dict[int, list[int]]


def filter_options(*, network: Network | None = None) -> FilterOptions:
    """Networks, their municipalities, areas and age bands (limited to `network` if given)."""
    networks = list(
        Network.objects.filter(pk=network.pk) if network else Network.objects.order_by("name")
    )
    links = Network.municipalities.through.objects.filter(network__in=networks).values_list(
        "network_id", "municipality_id"
    )
    network_municipalities: dict[int, list[int]] = defaultdict(list)
    for network_id, municipality_id in links:
        network_municipalities[network_id].append(municipality_id)
    municipality_ids = {pk for ids in network_municipalities.values() for pk in ids}
    municipalities = list(Municipality.objects.filter(pk__in=municipality_ids).order_by("name"))
    order = {m.pk: position for position, m in enumerate(municipalities)}
    for ids in network_municipalities.values():
        ids.sort(key=order.__getitem__)
    return FilterOptions(
        networks=networks,
        municipalities=municipalities,
        areas=list(Area.objects.select_related("macro_area")),
        age_bands=list(AgeBand.objects.all()),
        network_municipalities=dict(network_municipalities),
    )


def paginate(queryset: QuerySet, page_number: str | None) -> PaginatorPage:
    """A page of PAGE_SIZE items; a missing or malformed number gives the first or last page."""
    return Paginator(queryset, PAGE_SIZE).get_page(page_number)


# --- Directory --------------------------------------------------------------------------------


def _ordered(model, lookup: str) -> Prefetch:
    """Prefetch a many-to-many relation in the related model's own order."""
    return Prefetch(lookup, queryset=model.objects.order_by(*model._meta.ordering))


def directory_associations(
    *,
    network: Network | None = None,
    municipality: Municipality | None = None,
    kind: str = "",
    area: Area | None = None,
) -> QuerySet[Association]:
    """Associations with a live page, by name, with what their directory card shows."""
    associations = (
        Association.objects.filter(page__live=True)
        .select_related("network", "page")
        .prefetch_related(_ordered(Municipality, "municipalities"), _ordered(Area, "areas"))
        .order_by("name", "pk")
    )
    if network is not None:
        associations = associations.filter(network=network)
    if municipality is not None:
        associations = associations.filter(municipalities=municipality)
    if kind:
        associations = associations.filter(kind=kind)
    if area is not None:
        associations = associations.filter(areas=area)
    return associations


@dataclass(frozen=True)
class DirectoryCard:
    """What the directory shows of an association, as plain values."""

    pk: int
    name: str
    kind: str  # the kind's label
    url: str | None  # its page's, as {% pageurl %} gives it
    intro: str  # the page's intro, or the description: at most CARD_WORDS words
    municipalities: str  # "Bruino, Volvera"
    areas: str
    network: str


CARD_WORDS = 30


def directory_cards(associations, *, urls: PageUrls) -> list[DirectoryCard]:
    """Cards of associations from `directory_associations` (no query of their own: the
    relations are prefetched, and page URLs come from `urls`, which read the sites once)."""
    return [
        DirectoryCard(
            pk=association.pk,
            name=association.name,
            kind=association.get_kind_display(),
            url=urls.relative(association.page.url_path),
            intro=truncatewords(association.page.intro or association.description, CARD_WORDS),
            municipalities=", ".join(m.name for m in association.municipalities.all()),
            areas=", ".join(area.name for area in association.areas.all()),
            network=str(association.network),
        )
        for association in associations
    ]


# --- Initiatives ------------------------------------------------------------------------------


def _association_pages() -> QuerySet[AssociationPage]:
    """The live association page that is the parent of the outer initiative."""
    return AssociationPage.objects.filter(path=OuterRef("parent_path"), live=True)


def live_initiatives(
    *,
    network: Network | None = None,
    area: Area | None = None,
    municipality: Municipality | None = None,
    age_band: AgeBand | None = None,
    free_only: bool = False,
) -> QuerySet[InitiativePage]:
    """Live initiatives of live associations, annotated with their association's name.

    The association is found through the page tree (the parent's path), inside the same
    query: no query per initiative.
    """
    parents = _association_pages()
    if network is not None:
        parents = parents.filter(association__network=network)
    initiatives = (
        InitiativePage.objects.live()
        .annotate(parent_path=Substr("path", 1, Length("path") - Page.steplen))
        .filter(Exists(parents))
        .annotate(association_name=Subquery(parents.values("association__name")[:1]))
    )
    if area is not None:
        initiatives = initiatives.filter(area=area)
    if municipality is not None:
        initiatives = initiatives.filter(municipalities=municipality)
    if age_band is not None:
        initiatives = initiatives.filter(age_bands=age_band)
    if free_only:
        initiatives = initiatives.filter(is_free=True)
    return initiatives


def with_card_data(initiatives: QuerySet[InitiativePage]) -> QuerySet[InitiativePage]:
    """What an initiative card or export row shows, fetched in a fixed number of queries."""
    return initiatives.select_related("area__macro_area").prefetch_related(
        _ordered(Municipality, "municipalities"), _ordered(AgeBand, "age_bands")
    )


def initiative_list(**filters) -> QuerySet[InitiativePage]:
    return with_card_data(live_initiatives(**filters)).order_by("title", "pk")


# --- Association page -------------------------------------------------------------------------


# Apps that build on associations (events) add what is coming up on an association's page;
# associations imports none of them.
_upcoming_events_providers: list = []


def register_upcoming_events(provider) -> None:
    """`provider(association) -> list` of items for the page's "Eventi in arrivo" section."""
    if provider not in _upcoming_events_providers:
        _upcoming_events_providers.append(provider)


def association_page_context(page: AssociationPage, *, user) -> dict:
    """Context of an association's public page."""
    association = (
        Association.objects.select_related("network")
        .prefetch_related(_ordered(Municipality, "municipalities"), _ordered(Area, "areas"))
        .get(pk=page.association_id)
    )
    initiatives = list(
        with_card_data(InitiativePage.objects.live().child_of(page)).order_by("title", "pk")
    )
    is_following = bool(
        user.is_authenticated and Follow.objects.filter(user=user, association=association).exists()
    )
    return {
        "association": association,
        "initiatives": initiatives,
        "is_following": is_following,
        "can_follow": rules.can_follow(user),
        "can_manage_editors": rules.can_manage_editors(user, association),
        "upcoming_events": [
            item for provider in _upcoming_events_providers for item in provider(association)
        ],
    }


def association_by_slug(slug: str) -> Association | None:
    """A publicly visible association (its page is live), with its page."""
    return Association.objects.select_related("page").filter(slug=slug, page__live=True).first()


def follows_of(user) -> list[Association]:
    """The associations a user follows, by name (only those with a live page)."""
    if not user.is_authenticated:
        return []
    return list(
        Association.objects.filter(follows__user=user, page__live=True)
        .select_related("page", "network")
        .order_by("name", "pk")
    )


# --- Mapping matrix ---------------------------------------------------------------------------


@dataclass
class MatrixRow:
    area: Area
    cells: list[tuple[Municipality, int]]
    total: int


@dataclass
class MappingMatrix:
    municipalities: list[Municipality]
    rows: list[MatrixRow]
    column_totals: list[int]
    total: int
    networks: list[Network] = field(default_factory=list)


def mapping_matrix(*, options: FilterOptions, network: Network | None = None) -> MappingMatrix:
    """Areas × municipalities with the number of live initiatives in each cell.

    An initiative serving two municipalities counts in both cells; an area's total counts
    each initiative once. The cells come from one aggregate query, the area totals from
    another.
    """
    if network is not None:
        wanted = set(options.network_municipalities.get(network.pk, []))
        municipalities = [m for m in options.municipalities if m.pk in wanted]
    else:
        municipalities = options.municipalities
    column_ids = [m.pk for m in municipalities]
    # No ordering: PageManager orders by path, which would end up in the GROUP BY.
    initiatives = live_initiatives(network=network).filter(municipalities__in=column_ids).order_by()
    cells = {
        (row["area_id"], row["municipalities"]): row["count"]
        for row in initiatives.values("area_id", "municipalities").annotate(
            count=Count("pk", distinct=True)
        )
    }
    area_totals = dict(
        initiatives.values("area_id")
        .annotate(count=Count("pk", distinct=True))
        .values_list("area_id", "count")
    )
    rows = [
        MatrixRow(
            area=area,
            cells=[(m, cells.get((area.pk, m.pk), 0)) for m in municipalities],
            total=area_totals.get(area.pk, 0),
        )
        for area in options.areas
    ]
    column_totals = [sum(row.cells[i][1] for row in rows) for i in range(len(municipalities))]
    return MappingMatrix(
        municipalities=municipalities,
        rows=rows,
        column_totals=column_totals,
        total=sum(area_totals.values()),
        networks=options.networks,
    )


# --- Open-data export -------------------------------------------------------------------------

EXPORT_FIELDS = [
    "title",
    "association",
    "area",
    "macro_area_code",
    "macro_area",
    "age_bands",
    "municipalities",
    "istat_codes",
    "is_free",
    "cost",
    "cost_note",
    "frequency",
    "period_start",
    "period_end",
    "place",
    "url",
]


def _money(amount: Decimal | None) -> str | None:
    """Euros as a string with two decimals ("12.50"), never a float."""
    return None if amount is None else format(amount, ".2f")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def export_items(
    initiatives: Iterable[InitiativePage], *, url_for: Callable[[InitiativePage], str]
) -> list[dict]:
    """One item per initiative; its municipalities as a list of {name, istat_code}.

    `initiatives` comes from `initiative_list()` (area, municipalities and age bands loaded).
    """
    return [
        {
            "title": initiative.title,
            "association": initiative.association_name,
            "area": initiative.area.name,
            "macro_area_code": initiative.area.macro_area.code,
            "macro_area": initiative.area.macro_area.name,
            "age_bands": [band.name for band in initiative.age_bands.all()],
            "municipalities": [
                {"name": m.name, "istat_code": m.istat_code}
                for m in initiative.municipalities.all()
            ],
            "is_free": initiative.is_free,
            "cost": _money(initiative.cost),
            "cost_note": initiative.cost_note,
            "frequency": str(initiative.get_frequency_display()),
            "period_start": _iso(initiative.period_start),
            "period_end": _iso(initiative.period_end),
            "place": initiative.place,
            "url": url_for(initiative),
        }
        for initiative in initiatives
    ]


def export_csv_row(item: dict) -> list[str]:
    """An export item flattened for CSV: lists joined with "; ", booleans as true/false."""
    flat = {
        **item,
        "age_bands": "; ".join(item["age_bands"]),
        "municipalities": "; ".join(m["name"] for m in item["municipalities"]),
        "istat_codes": "; ".join(m["istat_code"] for m in item["municipalities"]),
        "is_free": "true" if item["is_free"] else "false",
    }
    return ["" if flat[name] is None else str(flat[name]) for name in EXPORT_FIELDS]
