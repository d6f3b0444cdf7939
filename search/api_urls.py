"""API routes of search, included by hub.urls under /api/v1/ (namespace "api")."""

from hub import access
from search import api

api_patterns = [
    access.route(
        "search/", api.SearchView.as_view(), name="search", policy=access.PUBLIC, namespace="api"
    ),
    access.route(
        "search/suggest/",
        api.SuggestView.as_view(),
        name="search-suggest",
        policy=access.PUBLIC,
        namespace="api",
    ),
]
