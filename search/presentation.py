"""What the search page and the API show of a result: facet groups with their links and
check boxes, hits with their highlighted (escaped) title and snippet, the active filters.

The same for every engine: it reads a SearchResult, never an engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from search import registry, text
from search.query import FACET_PARAMETERS, MAX_HITS, Hit, SearchQuery, SearchResult

FACET_LEGENDS = {
    "kind": gettext_lazy("Tipo"),
    "municipality": gettext_lazy("Comune"),
    "area": gettext_lazy("Area"),
    "age_bands": gettext_lazy("Età"),
}
# A group shows this many values; the rest behind "Mostra tutti".
SHOWN_VALUES = 8
PAGE_PARAMETER = "pagina"


def value_label(facet: str, value: str) -> str:
    return registry.label(value) if facet == "kind" else value


@dataclass(frozen=True)
class FacetOption:
    facet: str
    parameter: str
    value: str
    label: str
    count: int
    selected: bool
    input_id: str
    url: str


@dataclass(frozen=True)
class FacetGroup:
    facet: str
    parameter: str
    legend: str
    shown: tuple[FacetOption, ...]
    more: tuple[FacetOption, ...]

    @property
    def has_selected_in_more(self) -> bool:
        return any(option.selected for option in self.more)


@dataclass(frozen=True)
class HitView:
    id: str
    kind: str
    kind_label: str
    title_html: SafeString
    snippet_html: SafeString
    url: str
    subtitle: str
    municipalities: tuple[str, ...]
    date: object
    free: bool | None


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_url: str


def _query_string(params: QueryDict, *, drop: tuple[str, str] | None = None, **changes) -> str:
    new = params.copy()
    new.pop(PAGE_PARAMETER, None)
    if drop is not None:
        name, value = drop
        new.setlist(name, [item for item in new.getlist(name) if item != value])
    for name, values in changes.items():
        new.setlist(name, values)
    encoded = new.urlencode()
    return f"?{encoded}" if encoded else "?"


def _toggle(params: QueryDict, parameter: str, value: str, selected: bool) -> str:
    if selected:
        return _query_string(params, drop=(parameter, value))
    return _query_string(params, **{parameter: [*params.getlist(parameter), value]})


def facet_groups(result: SearchResult, params: QueryDict) -> list[FacetGroup]:
    groups = []
    for facet, legend in FACET_LEGENDS.items():
        parameter = FACET_PARAMETERS[facet]
        options = tuple(
            FacetOption(
                facet=facet,
                parameter=parameter,
                value=item.value,
                label=value_label(facet, item.value),
                count=item.count,
                selected=item.selected,
                input_id=f"facet-{parameter}-{index}",
                url=_toggle(params, parameter, item.value, item.selected),
            )
            for index, item in enumerate(result.facets.get(facet, ()))
        )
        if options:
            groups.append(
                FacetGroup(
                    facet,
                    parameter,
                    str(legend),
                    options[:SHOWN_VALUES],
                    options[SHOWN_VALUES:],
                )
            )
    return groups


def free_count(result: SearchResult) -> int:
    return next((item.count for item in result.facets.get("free", ()) if item.value == "true"), 0)


def active_filters(query: SearchQuery, params: QueryDict) -> list[ActiveFilter]:
    active = []
    for facet, values in query.filters.items():
        parameter = FACET_PARAMETERS[facet]
        for value in values:
            if facet == "free":
                active.append(ActiveFilter(_("Solo gratuiti"), _query_string(params, gratis=[])))
            else:
                active.append(
                    ActiveFilter(
                        value_label(facet, value), _query_string(params, drop=(parameter, value))
                    )
                )
    if query.date_from or query.date_to:
        active.append(ActiveFilter(_("Date scelte"), _query_string(params, dal=[], al=[])))
    return active


def hit_view(hit: Hit) -> HitView:
    record = hit.record
    return HitView(
        id=hit.id,
        kind=hit.kind,
        kind_label=registry.label(hit.kind),
        # parts_as_html escapes every part: only the <mark>s it adds are markup.
        title_html=mark_safe(text.parts_as_html(hit.title)),
        snippet_html=mark_safe(text.parts_as_html(hit.snippet)),
        url=hit.url,
        subtitle=record.get("subtitle", ""),
        municipalities=tuple(record.get("municipality", ())),
        date=hit.date,
        free=record.get("free"),
    )


def hit_views(hits: Iterable[Hit]) -> list[HitView]:
    return [hit_view(hit) for hit in hits]


def page_context(query: SearchQuery, result: SearchResult, params: QueryDict) -> dict:
    paginator = Paginator(range(min(result.total, MAX_HITS)), query.per_page)
    page_obj = None
    page_range = ()
    if result.total and query.page <= paginator.num_pages:
        page_obj = paginator.page(query.page)
        page_range = paginator.get_elided_page_range(query.page, on_each_side=1, on_ends=1)
    return {
        "query": query,
        "result": result,
        "hits": hit_views(result.hits),
        "facet_groups": facet_groups(result, params),
        "free_count": free_count(result),
        "free_selected": bool(query.filters.get("free")),
        "active_filters": active_filters(query, params),
        "without_filters_url": _query_string(QueryDict(mutable=True), q=[query.text])
        if query.text
        else "?",
        "page_obj": page_obj,
        "page_range": page_range,
        "sort_by_date_url": _query_string(params, ordina=["data"]),
        "sort_by_relevance_url": _query_string(params, ordina=[]),
        "blank": query.is_blank(),
    }
