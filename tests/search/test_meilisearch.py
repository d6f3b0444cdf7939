"""What only the Meilisearch engine does, and what happens when it goes away: typo
tolerance, the index settings as code, writes checked against Meilisearch's task, the
rebuild's atomic swap while people search, the database engine answering while Meilisearch
is dead (never a 500), and the writes made meanwhile reaching it once it is back."""

from __future__ import annotations

import ast
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django_q.models import Schedule

from search import backends, database, selectors, services
from search.errors import EngineError
from search.index_settings import SETTINGS
from search.query import parse
from tests.search.conftest import SAMPLES, put, sample
from tests.search.server import EXPECTED_VERSION, MeilisearchServer, require_binary, version

pytestmark = [pytest.mark.django_db, pytest.mark.meilisearch]


def ask(**params):
    return selectors.search(parse(params), user=AnonymousUser())


def titles(result) -> list[str]:
    return [hit.record["title"] for hit in result.hits]


def test_the_installed_server_is_the_pinned_version():
    assert version(require_binary()) == f"meilisearch {EXPECTED_VERSION}"


def test_typos_are_forgiven_by_meilisearch_only(meilisearch, settings):
    put(sample("testnote", 1, "Laboratorio di ceramica"))
    assert titles(ask(q="labratorio")) == ["Laboratorio di ceramica"]
    settings.MEILISEARCH_URL = None
    assert titles(ask(q="labratorio")) == []


def test_search_setup_applies_the_settings_as_code(meilisearch):
    applied = meilisearch._client(writing=True).index(meilisearch.index_uid).get_settings()
    for key in ("searchableAttributes", "sortableAttributes", "rankingRules", "stopWords"):
        assert applied[key] == SETTINGS[key], key
    assert set(applied["filterableAttributes"]) == set(SETTINGS["filterableAttributes"])
    assert applied["localizedAttributes"] == SETTINGS["localizedAttributes"]
    assert applied["pagination"] == SETTINGS["pagination"]
    index = meilisearch._client(writing=True).get_index(meilisearch.index_uid)
    assert index.primary_key == "id"
    # Idempotent, and the command says what it did.
    call_command("search_setup")


def test_a_write_meilisearch_refuses_is_an_error_not_a_success(meilisearch):
    """Meilisearch accepts the request and fails the task later: the task is checked."""
    record = sample("testnote", 1, "Buono").record()
    with pytest.raises(EngineError, match="failed"):
        meilisearch.write([{**record, "id": "non valido!"}])


def test_a_rebuild_swaps_atomically_while_people_search(meilisearch):
    documents = [sample("testnote", number, f"Iniziativa {number}") for number in range(1, 121)]
    for document in documents:
        SAMPLES["testnote"][str(document.object_id)] = document
    services.reindex()
    assert ask().total == 120

    stop = threading.Event()
    totals: list[int] = []
    errors: list[BaseException] = []

    def searching():
        from django.db import connection

        try:
            while not stop.is_set():
                result = ask(tipo="testnote")
                totals.append(result.total)
                if result.degraded:
                    errors.append(AssertionError("answered by the database engine"))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=searching)
    thread.start()
    try:
        for _ in range(3):
            services.reindex()
    finally:
        stop.set()
        thread.join(timeout=30)
    assert errors == []
    assert totals and set(totals) == {120}
    # One live index, no build left behind.
    uids = [
        index.uid
        for index in meilisearch._client(writing=True).get_indexes({"limit": 100})["results"]
        if index.uid.startswith(meilisearch.prefix)
    ]
    assert uids == [meilisearch.index_uid]


def test_reconciliation_repairs_what_meilisearch_lost_or_kept(meilisearch):
    put(sample("testnote", 1, "Primo"), sample("testnote", 2, "Secondo"))
    meilisearch.write([], ["testnote-1"])
    stale = {**sample("testnote", 2, "Vecchio titolo").record(), "checksum": "x"}
    meilisearch.write([stale, {**sample("testnote", 3, "Fantasma").record()}])
    counts = services.reconcile()
    assert counts["meilisearch_repaired"] == 3
    assert sorted(titles(ask())) == ["Primo", "Secondo"]
    assert meilisearch.checksums() == database.checksums()


@pytest.fixture
def own_server(settings):
    """A server of this test's own, which it kills."""
    server = MeilisearchServer(require_binary()).start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    services.setup()
    yield server
    server.close()


# Committed data: /healthz checks in a thread of its own, which would wait on the test's
# open transaction (SQLite's table lock) instead of reading the documents table.
@pytest.mark.django_db(transaction=True)
def test_meilisearch_killed_mid_run_the_database_engine_answers(own_server, client):
    put(sample("testnote", 1, "Scuola dell'infanzia Collodi", municipality=("Bruino",)))
    assert ask(q="infanzia").degraded is False

    own_server.kill()
    result = ask(q="infanzia", comune="Bruino")
    assert result.degraded is True
    assert titles(result) == ["Scuola dell'infanzia Collodi"]
    assert backends.is_marked_unhealthy()

    page = client.get("/cerca/", {"q": "infanzia"})
    assert page.status_code == 200
    assert "modalità semplificata" in page.content.decode()
    api = client.get("/api/v1/search/", {"q": "infanzia", "comune": "Bruino"})
    assert api.status_code == 200
    assert api.json()["degraded"] is True and api.json()["count"] == 1
    health = client.get("/healthz")
    body = health.json()
    assert health.status_code == 200, body
    assert body["status"] == "degraded" and body["degraded"] == ["search"]
    assert body["checks"]["search"]["ok"] is False


def test_changes_made_while_meilisearch_is_down_reach_it_once_it_is_back(own_server):
    own_server.kill()
    put(sample("testnote", 1, "Corso di yoga per genitori"))
    # Stored for the database engine at once; Meilisearch's push is scheduled again.
    retry = Schedule.objects.get(func="search.tasks.push_documents")
    assert ast.literal_eval(retry.kwargs) == {"doc_ids": ["testnote-1"], "attempt": 2}
    assert ask(q="yoga").degraded is True

    own_server.start()
    backends.mark_healthy()
    assert ask(q="yoga").total == 0  # not in Meilisearch yet
    from search import tasks

    tasks.push_documents(**ast.literal_eval(retry.kwargs))
    result = ask(q="yoga")
    assert result.degraded is False
    assert titles(result) == ["Corso di yoga per genitori"]


def test_an_unreachable_server_costs_one_timeout_then_is_skipped(settings, db):
    settings.MEILISEARCH_URL = "http://127.0.0.1:1"
    settings.MEILISEARCH_API_KEY = "x"
    put(sample("testnote", 1, "Festa"))
    assert ask(q="festa").degraded is True
    assert backends.is_marked_unhealthy()
    assert titles(ask(q="festa")) == ["Festa"]
