"""Search tests: two kinds and a scope provider of their own, a real Meilisearch server per
test worker, and the `engine` fixture that runs a test once per engine."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from search import backends, registry, services
from search.documents import Document
from tests.search.server import MeilisearchServer, require_binary

ROME = ZoneInfo("Europe/Rome")

# The tests' documents by kind and object id, and the scopes of their users by user id:
# the kinds below load from here (empty outside the tests that fill them).
SAMPLES: dict[str, dict[str, Document]] = {"testnote": {}, "testevent": {}}
SCOPES: dict[int, list[str]] = {}


def _loader(kind: str):
    def load(ids):
        return [SAMPLES[kind][str(i)] for i in ids if str(i) in SAMPLES[kind]]

    return load


for _kind, _label in (("testnote", "Note di prova"), ("testevent", "Eventi di prova")):
    registry.register_kind(
        _kind,
        label=_label,
        load=_loader(_kind),
        indexable_ids=lambda kind=_kind: list(SAMPLES[kind]),
    )
registry.register_scopes(lambda user: SCOPES.get(user.pk, []), name="tests.search")


def rome(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ROME)


def sample(kind: str, object_id: int, title: str, **fields) -> Document:
    fields.setdefault("url", f"/prova/{kind}/{object_id}/")
    return Document(kind=kind, object_id=object_id, title=title, **fields)


def put(*documents: Document) -> None:
    """The documents exist (as far as their kind's loader knows) and are indexed through the
    hub's pipeline (the indexing service, as the task after a change runs it)."""
    by_kind: dict[str, list[str]] = {}
    for document in documents:
        SAMPLES[document.kind][str(document.object_id)] = document
        by_kind.setdefault(document.kind, []).append(str(document.object_id))
    for kind, ids in by_kind.items():
        services.index_documents(kind=kind, ids=ids)


def remove(*documents: Document) -> None:
    for document in documents:
        SAMPLES[document.kind].pop(str(document.object_id), None)
        services.index_documents(kind=document.kind, ids=[str(document.object_id)])


@pytest.fixture(autouse=True)
def clean_search_state():
    for documents in SAMPLES.values():
        documents.clear()
    SCOPES.clear()
    backends.mark_healthy()
    yield
    for documents in SAMPLES.values():
        documents.clear()
    SCOPES.clear()
    backends.mark_healthy()


@pytest.fixture(scope="session")
def meilisearch_server():
    server = MeilisearchServer(require_binary()).start()
    yield server
    server.close()


@pytest.fixture
def meilisearch(meilisearch_server, settings):
    """The hub on the worker's Meilisearch server, with an index prefix of this test's own
    (index created and set up); the index is deleted afterwards."""
    for name, value in meilisearch_server.settings().items():
        setattr(settings, name, value)
    services.setup()
    engine = backends.meilisearch_engine()
    yield engine
    if meilisearch_server.answers():
        client = engine._client(writing=True)
        for index in client.get_indexes({"limit": 1000})["results"]:
            if index.uid.startswith(settings.MEILISEARCH_INDEX_PREFIX):
                client.delete_index(index.uid)


@pytest.fixture(params=["database", pytest.param("meilisearch", marks=pytest.mark.meilisearch)])
def engine(request, db, settings):
    """The test once with the database engine alone and once with Meilisearch."""
    if request.param == "meilisearch":
        return request.getfixturevalue("meilisearch").name
    settings.MEILISEARCH_URL = None
    return "database"
