"""Reading the index for a person: their visibility scopes added on the server to every
query, whichever engine answers."""

from __future__ import annotations

from search import backends, registry
from search.query import SearchQuery, SearchResult


def search(query: SearchQuery, *, user) -> SearchResult:
    return backends.search(query, registry.scopes_for(user))
