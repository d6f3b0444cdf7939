"""Search API: GET /api/v1/search/ (hits, facets, pages) and /api/v1/search/suggest/ (the
header box's autocomplete). The same parameters, permission filter and answers as the
search page (search.query, search.selectors), whichever engine answers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api import reject_control_characters
from hub.api_schema import ErrorSerializer
from search import presentation, query, registry, selectors, text
from search.documents import FACET_FIELDS
from search.query import SearchResult

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
SUGGESTIONS = 6


def _list_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.STR, many=True, explode=True, description=description
    )


QUERY_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description=(
            f"Words to look for (at most {query.MAX_QUERY_LENGTH} characters). Every word "
            "must match; the last one also matches the start of a word."
        ),
    ),
]
FILTER_PARAMETERS = [
    _list_parameter("tipo", "Kind of document (`association`, `initiative`, `event`, ...)."),
    _list_parameter("comune", "Municipality name as in the facets (e.g. `Sant'Antonino di Susa`)."),
    _list_parameter("area", "Area name as in the facets."),
    _list_parameter("eta", "Age band name as in the facets."),
    OpenApiParameter("gratis", OpenApiTypes.STR, enum=["1", "0"], description="`1`: free only."),
    OpenApiParameter(
        "dal", OpenApiTypes.DATE, description="Only documents with a date from this day on."
    ),
    OpenApiParameter("al", OpenApiTypes.DATE, description="... up to this day (inclusive)."),
    OpenApiParameter(
        "ordina",
        OpenApiTypes.STR,
        enum=list(query.SORTS),
        description="`rilevanza` (default) or `data` (next date first).",
    ),
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1."),
    OpenApiParameter(
        "page_size", OpenApiTypes.INT, description=f"Hits per page, 1 to {MAX_PAGE_SIZE}."
    ),
]


class HitSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    title_html = serializers.CharField(help_text="Escaped HTML, the matches in <mark>.")
    snippet_html = serializers.CharField(help_text="Escaped HTML, the matches in <mark>.")
    url = serializers.CharField()
    subtitle = serializers.CharField(allow_blank=True)
    municipalities = serializers.ListField(child=serializers.CharField())
    areas = serializers.ListField(child=serializers.CharField())
    age_bands = serializers.ListField(child=serializers.CharField())
    free = serializers.BooleanField(allow_null=True)
    date = serializers.DateTimeField(allow_null=True, help_text="The next date, if any.")


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="What to pass in the facet's parameter.")
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetsSerializer(serializers.Serializer):
    kind = FacetValueSerializer(many=True)
    municipality = FacetValueSerializer(many=True)
    area = FacetValueSerializer(many=True)
    age_bands = FacetValueSerializer(many=True)
    free = FacetValueSerializer(many=True)


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Matching documents (counted up to 1000).")
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    degraded = serializers.BooleanField(
        help_text="The answer comes from the simpler engine (no typo tolerance)."
    )
    results = HitSerializer(many=True)
    facets = FacetsSerializer()


class SuggestionSerializer(serializers.Serializer):
    title = serializers.CharField()
    title_parts = serializers.ListField(
        child=serializers.ListField(),
        help_text="The title in parts, each [text, matched]: render the matched ones marked.",
    )
    url = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()


class SuggestResponseSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True)


def _parse(request, *, per_page: int, with_facets: bool = True) -> query.SearchQuery:
    reject_control_characters(request.query_params)
    try:
        return query.parse(
            request.query_params,
            page_parameter="page",
            per_page=per_page,
            with_facets=with_facets,
        )
    except query.QueryError as error:
        raise exceptions.ValidationError(
            {name: [message] for name, message in error.errors.items()}
        ) from None


def _page_size(request) -> int:
    raw = request.query_params.get("page_size", "").strip()
    if not raw:
        return DEFAULT_PAGE_SIZE
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise exceptions.ValidationError(
            {"page_size": [_("Un intero da 1 a %(max)d.") % {"max": MAX_PAGE_SIZE}]}
        )
    return int(raw)


def _facets(result: SearchResult) -> dict:
    return {
        facet: [
            {
                "value": item.value,
                "label": presentation.value_label(facet, item.value),
                "count": item.count,
                "selected": item.selected,
            }
            for item in result.facets.get(facet, ())
        ]
        for facet in FACET_FIELDS
    }


class SearchView(APIView):
    """Search the hub: associations, initiatives, events, and what you may see of the rest
    (a GAF's products for its members). Facets count what each filter value would give."""

    @extend_schema(
        operation_id="search",
        parameters=QUERY_PARAMETERS + FILTER_PARAMETERS,
        responses={200: SearchResponseSerializer, 400: ErrorSerializer},
    )
    def get(self, request):
        page_size = _page_size(request)
        asked = _parse(request, per_page=page_size)
        result = selectors.search(asked, user=request.user)
        hits = []
        for hit in result.hits:
            view = presentation.hit_view(hit)
            hits.append(
                {
                    "id": view.id,
                    "kind": view.kind,
                    "kind_label": view.kind_label,
                    "title": text.parts_as_text(hit.title),
                    "title_html": str(view.title_html),
                    "snippet_html": str(view.snippet_html),
                    "url": view.url,
                    "subtitle": view.subtitle,
                    "municipalities": list(view.municipalities),
                    "areas": list(hit.record.get("area", [])),
                    "age_bands": list(hit.record.get("age_bands", [])),
                    "free": view.free,
                    "date": view.date.isoformat() if view.date else None,
                }
            )
        return Response(
            {
                "count": result.total,
                "page": asked.page,
                "page_size": page_size,
                "num_pages": result.num_pages,
                "degraded": result.degraded,
                "results": hits,
                "facets": _facets(result),
            }
        )


class SuggestView(APIView):
    """A few titles for the words typed so far (the header's search box)."""

    @extend_schema(
        operation_id="search_suggest",
        parameters=QUERY_PARAMETERS,
        responses={200: SuggestResponseSerializer, 400: ErrorSerializer},
    )
    def get(self, request):
        asked = _parse(request, per_page=SUGGESTIONS, with_facets=False)
        if not asked.terms:
            return Response({"results": []})
        result = selectors.search(asked, user=request.user)
        return Response(
            {
                "results": [
                    {
                        "title": text.parts_as_text(hit.title),
                        "title_parts": [[piece, matched] for piece, matched in hit.title],
                        "url": hit.url,
                        "kind": hit.kind,
                        "kind_label": registry.label(hit.kind),
                    }
                    for hit in result.hits
                ]
            }
        )
