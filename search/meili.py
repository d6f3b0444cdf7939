"""The Meilisearch engine: a thin adapter over the official client, one unified index.

Queries: one multi-search request per search, the main query (hits, and the counts of the
facets nobody filtered on) plus one query per filtered facet with every other filter (its
disjunctive counts), each carrying the visibility condition, so a private document shows
neither in the hits nor in any count for someone without its scope. Every filter value is
quoted and escaped (search.filters). Highlights come back between two private-use
characters, which cannot occur in the hub's text, and are turned into parts
(search.text), so the page and the API escape everything but the <mark>s.

Writes wait for Meilisearch's task and check that it succeeded: Meilisearch accepts a
document at once and may refuse it later (a bad primary key, a full disk), and a write
taken for done when it failed is a document missing for good.

The client is not shared between threads: it keeps its Content-Type header in an attribute
that each request rewrites. Each request opens its own connection, as the client does: on
a kept-alive connection (a requests Session) every answer of a few kilobytes waited 40 ms
more (the client's delayed ACK against the server's Nagle), measured with bench/search.py.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence

import meilisearch
import requests
from meilisearch.errors import MeilisearchApiError, MeilisearchError

from search import filters, text
from search.documents import FACET_FIELDS
from search.errors import EngineError, EngineUnavailable
from search.index_settings import PRIMARY_KEY, SETTINGS, build_index_name, index_name
from search.query import Hit, SearchQuery, SearchResult
from search.query import facet_values as ordered_facet_values

START_MARK = "\ue000"
END_MARK = "\ue001"
CROP_WORDS = 24
# What a hit returns (the text comes back cropped in _formatted only).
RETRIEVED = [
    "id",
    "kind",
    "object_id",
    "title",
    "subtitle",
    "url",
    "municipality",
    "area",
    "age_bands",
    "visible_to",
    "dates",
    "date_start",
    "free",
    "age_min",
    "age_max",
    "checksum",
]
WRITE_BATCH = 1000


def _unavailable_or_error(error: Exception) -> EngineError:
    if isinstance(error, MeilisearchApiError):
        if error.status_code >= 500 or error.status_code == 429:
            return EngineUnavailable(f"Meilisearch answered {error.status_code}: {error}")
        return EngineError(f"Meilisearch refused the request: {error}")
    return EngineUnavailable(f"{type(error).__name__}: {error}")


class MeilisearchEngine:
    name = "meilisearch"

    def __init__(
        self,
        url: str,
        api_key: str | None,
        prefix: str,
        *,
        timeout: float = 1.5,
        write_timeout: float = 30.0,
    ):
        self.url = url
        self.api_key = api_key
        self.prefix = prefix
        self.index_uid = index_name(prefix)
        self.timeout = timeout
        self.write_timeout = write_timeout
        self._local = threading.local()

    def _client(self, *, writing: bool = False) -> meilisearch.Client:
        attribute = "writer" if writing else "reader"
        client = getattr(self._local, attribute, None)
        if client is None:
            client = meilisearch.Client(
                self.url, self.api_key, timeout=self.write_timeout if writing else self.timeout
            )
            setattr(self._local, attribute, client)
        return client

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (MeilisearchError, requests.RequestException, OSError) as error:
            raise _unavailable_or_error(error) from error

    # --- Reading ----------------------------------------------------------------------------

    def ping(self) -> None:
        health = self._call(self._client().health)
        if health.get("status") != "available":
            raise EngineUnavailable(f"Meilisearch status {health.get('status')!r}")

    def _base(self, terms: list[str]) -> dict:
        # Every word must match ("all"): "laboratorio bici Orbassano" is not answered with
        # every laboratorio of the network.
        return {"indexUid": self.index_uid, "q": " ".join(terms), "matchingStrategy": "all"}

    def queries(self, query: SearchQuery, scopes: Sequence[str]) -> list[dict]:
        """The multi-search queries of a search (the first one gives the hits)."""
        terms = query.terms
        selected = [facet for facet in FACET_FIELDS if query.filters.get(facet)]
        main = {
            **self._base(terms),
            "filter": filters.conditions(query, scopes),
            "page": query.page,
            "hitsPerPage": query.per_page,
            "attributesToRetrieve": RETRIEVED,
            "attributesToHighlight": ["title", "text"],
            "attributesToCrop": ["text"],
            "cropLength": CROP_WORDS,
            "cropMarker": "…",
            "highlightPreTag": START_MARK,
            "highlightPostTag": END_MARK,
        }
        if query.sort == "date":
            main["sort"] = ["date_start:asc"]
        if query.beyond_hits:
            main["page"], main["hitsPerPage"] = 1, 0
        if not query.with_facets:
            return [main]
        main["facets"] = [facet for facet in FACET_FIELDS if facet not in selected]
        counts = [
            {
                **self._base(terms),
                "filter": filters.conditions(query, scopes, without=facet),
                "facets": [facet],
                "limit": 0,
            }
            for facet in selected
        ]
        return [main, *counts]

    def search(self, query: SearchQuery, scopes: Sequence[str]) -> SearchResult:
        queries = self.queries(query, scopes)
        answer = self._call(self._client().multi_search, queries)
        try:
            results = answer["results"]
            main = results[0]
            hits = () if query.beyond_hits else tuple(self._hit(hit) for hit in main["hits"])
            total = main.get("totalHits", main.get("estimatedTotalHits", 0))
            facets = {}
            if query.with_facets:
                counts: dict[str, dict[str, int]] = {}
                for result in results:
                    counts.update(result.get("facetDistribution") or {})
                facets = {
                    facet: ordered_facet_values(counts.get(facet, {}), query.filters.get(facet, ()))
                    for facet in FACET_FIELDS
                }
        except (KeyError, IndexError, TypeError) as error:
            raise EngineError(f"unexpected answer from Meilisearch: {error!r}") from error
        return SearchResult(query=query, hits=hits, total=total, facets=facets)

    @staticmethod
    def _hit(hit: dict) -> Hit:
        formatted = hit.pop("_formatted", {}) or {}
        title = formatted.get("title", hit.get("title", ""))
        return Hit(
            id=hit["id"],
            kind=hit["kind"],
            title=text.parts_from_marked(title, START_MARK, END_MARK),
            snippet=text.parts_from_marked(formatted.get("text", ""), START_MARK, END_MARK),
            record=hit,
        )

    # --- Writing ----------------------------------------------------------------------------

    def _wait(self, task_info, *, timeout_ms: int = 60_000) -> None:
        task = self._call(
            self._client(writing=True).wait_for_task,
            task_info.task_uid,
            timeout_in_ms=timeout_ms,
            interval_in_ms=20,
        )
        if task.status != "succeeded":
            raise EngineError(f"Meilisearch task {task.uid} {task.status}: {task.error}")

    def setup(self, uid: str | None = None) -> None:
        """Create the index if it is missing, and apply the settings (search.index_settings)."""
        uid = uid or self.index_uid
        client = self._client(writing=True)
        try:
            client.get_index(uid)
        except MeilisearchApiError as error:
            if error.code != "index_not_found":
                raise _unavailable_or_error(error) from error
            self._wait(self._call(client.create_index, uid, {"primaryKey": PRIMARY_KEY}))
        except (MeilisearchError, requests.RequestException, OSError) as error:
            raise _unavailable_or_error(error) from error
        self._wait(self._call(client.index(uid).update_settings, SETTINGS))

    def write(
        self, records: Sequence[dict], delete_ids: Sequence[str] = (), *, uid: str | None = None
    ) -> None:
        index = self._client(writing=True).index(uid or self.index_uid)
        for start in range(0, len(records), WRITE_BATCH):
            batch = list(records[start : start + WRITE_BATCH])
            self._wait(self._call(index.add_documents, batch, primary_key=PRIMARY_KEY))
        for start in range(0, len(delete_ids), WRITE_BATCH):
            batch = list(delete_ids[start : start + WRITE_BATCH])
            self._wait(self._call(index.delete_documents, batch))

    def checksums(self, uid: str | None = None) -> dict[str, str]:
        """Every document's id and checksum in the index."""
        index = self._client(writing=True).index(uid or self.index_uid)
        found: dict[str, str] = {}
        offset = 0
        while True:
            page = self._call(
                index.get_documents,
                {"fields": ["id", "checksum"], "limit": WRITE_BATCH, "offset": offset},
            )
            for document in page.results:
                data = dict(document)
                found[str(data["id"])] = data.get("checksum", "")
            offset += len(page.results)
            if not page.results or offset >= page.total:
                return found

    def new_build_index(self) -> str:
        uid = build_index_name(self.prefix, uuid.uuid4().hex[:12])
        self.setup(uid)
        return uid

    def swap_in(self, build_uid: str) -> None:
        """The build index becomes the live one, atomically; the old one is deleted."""
        self.setup()
        client = self._client(writing=True)
        self._wait(self._call(client.swap_indexes, [{"indexes": [self.index_uid, build_uid]}]))
        self.drop(build_uid)

    def drop(self, uid: str) -> None:
        self._wait(self._call(self._client(writing=True).delete_index, uid))

    def document_count(self) -> int:
        stats = self._call(self._client().index(self.index_uid).get_stats)
        return stats.number_of_documents
