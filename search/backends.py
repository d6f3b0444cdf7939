"""The search interface: one adapter, two backends.

The database backend (Wagtail's) is the embedded default; Meilisearch is used when
MEILISEARCH_URL is set. Indexing and querying arrive with the search issue; the foundation
needs each backend to say whether it is reachable.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings


class DatabaseBackend:
    name = "database"

    def ping(self) -> None:
        from wagtail.search.backends import get_search_backend

        backend = get_search_backend()
        # A real (tiny) query through Wagtail's backend: it fails if its tables are missing.
        from wagtail.models import Page

        list(backend.search("healthz", Page.objects.none()))


class MeilisearchBackend:
    name = "meilisearch"

    def __init__(self, url: str, api_key: str | None, index_prefix: str):
        import meilisearch

        self.client = meilisearch.Client(url, api_key, timeout=2)
        self.index_prefix = index_prefix

    def ping(self) -> None:
        health = self.client.health()
        if health.get("status") != "available":
            raise RuntimeError(f"Meilisearch status {health.get('status')!r}")


@cache
def get_backend():
    if settings.MEILISEARCH_URL:
        return MeilisearchBackend(
            settings.MEILISEARCH_URL,
            settings.MEILISEARCH_API_KEY,
            settings.MEILISEARCH_INDEX_PREFIX,
        )
    return DatabaseBackend()


def _reset_on_setting_change(*, setting, **kwargs):
    if setting in {"MEILISEARCH_URL", "MEILISEARCH_API_KEY", "MEILISEARCH_INDEX_PREFIX"}:
        get_backend.cache_clear()
