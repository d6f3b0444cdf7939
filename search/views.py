"""The search page (/cerca/): words, facets in the sidebar, results, suggestions when
nothing was asked or nothing was found. Bad parameters answer 400 with the form and the
messages; the page never knows which engine answered."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from search import presentation, query, selectors

PER_PAGE = 20


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    try:
        asked = query.parse(
            request.GET, page_parameter=presentation.PAGE_PARAMETER, per_page=PER_PAGE
        )
    except query.QueryError as error:
        context = {
            "errors": error.errors,
            "typed": request.GET.get("q", "")[: query.MAX_QUERY_LENGTH],
        }
        return render(request, "search/search.html", context, status=400)
    result = selectors.search(asked, user=request.user)
    context = presentation.page_context(asked, result, request.GET)
    context["typed"] = asked.text
    return render(request, "search/search.html", context)
