"""Benchmark: search over 20,000 realistic documents, on a real Meilisearch and on the
database engine.

Measures, in one process, against one Meilisearch server started for the run (the binary
scripts/install-meilisearch.sh installs) and one SQLite database in a temporary directory:

- indexing: the hub's pipeline (`search.services.reindex`: every document loaded through
  its kind's registered loader, turned into a record, written to the documents table, then
  into a fresh Meilisearch index in batches whose tasks are checked, swapped in and
  reconciled) against the baseline, a bare bulk add of the same records with the official
  client into a fresh index with the same settings (ratio `indexing_ratio`);
- querying: p50/p99 of a faceted query with a typo ("labratorio", two facet filters, so
  three queries in one multi-search) through the hub's API (GET /api/v1/search/ through
  Django's whole stack, in process) against the same multi-search sent directly with the
  official client (ratio `query_p50_ratio`, goal ≤ 2), interleaved round by round;
- the database engine's p50/p99 on the same data and the same query spelled right (it has
  no typo tolerance), through the same API with MEILISEARCH_URL unset.

The documents are made by a kind of the bench's own (realistic Italian titles and texts,
the networks' municipalities, areas, age bands, dates, free or not, one in ten visible to
a GAF group or a table only): making 20,000 Wagtail pages would time Wagtail, not search.

Run: `.venv/bin/python bench/search.py [--documents 20000] [--rounds 200]`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MUNICIPALITIES = [
    "Beinasco", "Bruino", "Orbassano", "Piossasco", "Rivalta di Torino", "Volvera",
    "Sant'Antonino di Susa", "Carate Brianza", "Cesano Maderno", "Cinisello Balsamo",
    "Lissone", "Milano", "Muggiò", "Sesto San Giovanni", "Forlì",
]  # fmt: skip
AREAS = [
    "Ambiente e sport", "Comunicazione", "Comunità educante", "Governance",
    "Misure economiche", "Welfare territoriale",
]  # fmt: skip
AGE_BANDS = ["0–2 anni", "3–5 anni", "6–10 anni", "11–13 anni", "14–17 anni", "Adulti"]
ACTIVITIES = [
    "Laboratorio", "Corso", "Torneo", "Festa", "Incontro", "Sportello", "Campus estivo",
    "Doposcuola", "Gruppo di lettura", "Passeggiata", "Merenda", "Spettacolo", "Mercatino",
]  # fmt: skip
SUBJECTS = [
    "di ceramica", "di minibasket", "di teatro", "di musica", "della bici", "di cucina",
    "dell'infanzia", "per genitori", "di scacchi", "di nuoto", "di giardinaggio",
    "di fumetto", "di inglese", "di robotica", "di danza", "di yoga", "di atletica",
]  # fmt: skip
FOR_WHOM = ["per bambini", "per ragazzi", "per famiglie", "per neogenitori", "per tutti"]
SENTENCES = [
    "Le iscrizioni sono aperte fino a esaurimento posti.",
    "Si svolge nella sala polivalente del Comune, con ingresso accessibile.",
    "Portate una merenda e tanta voglia di giocare insieme.",
    "Gli educatori accompagnano i più piccoli in ogni attività.",
    "L'iniziativa fa parte del Piano Family della rete dei Comuni amici della famiglia.",
    "In caso di pioggia l'attività si sposta nella palestra della scuola.",
    "Il materiale è fornito dall'associazione; chiediamo solo puntualità.",
    "È un'occasione per conoscere altre famiglie del quartiere.",
    "La quota comprende l'assicurazione e il materiale didattico.",
    "Per informazioni scrivete alla segreteria o passate allo sportello.",
]


def make_documents(total: int, seed: int = 15):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from search.documents import Document

    rome = ZoneInfo("Europe/Rome")
    rng = random.Random(seed)
    start = dt.datetime(2027, 1, 10, 9, tzinfo=rome)
    documents = []
    for number in range(1, total + 1):
        kind = rng.choice(["benchevent", "benchevent", "benchinitiative", "benchassociation"])
        title = f"{rng.choice(ACTIVITIES)} {rng.choice(SUBJECTS)} {rng.choice(FOR_WHOM)}"
        dates = ()
        if kind == "benchevent":
            first = start + dt.timedelta(days=rng.randrange(300), hours=rng.randrange(10))
            dates = tuple(first + dt.timedelta(weeks=week) for week in range(rng.randrange(1, 6)))
        visible_to = ("public",)
        if number % 10 == 0:
            visible_to = (rng.choice(["group:", "table:"]) + str(rng.randrange(1, 30)),)
        documents.append(
            Document(
                kind=kind,
                object_id=number,
                title=title,
                subtitle=f"Associazione {rng.choice(SUBJECTS)[3:].strip().capitalize()}",
                text=" ".join(rng.sample(SENTENCES, 4)),
                url=f"/bench/{kind}/{number}/",
                municipality=tuple(rng.sample(MUNICIPALITIES, rng.choice([1, 1, 1, 2]))),
                area=(rng.choice(AREAS),),
                age_bands=tuple(rng.sample(AGE_BANDS, rng.randrange(0, 3))),
                free=rng.random() < 0.6,
                dates=dates,
                visible_to=visible_to,
            )
        )
    return documents


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=200)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hub-bench-search-") as directory:
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        import django

        django.setup()
        logging.disable(logging.WARNING)
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)

        from tests.search.server import MeilisearchServer, find_binary, version

        binary = find_binary()
        if binary is None:
            sys.exit("Meilisearch is not installed: run scripts/install-meilisearch.sh")
        server = MeilisearchServer(binary).start()
        try:
            run(arguments, server, version(binary), settings)
        finally:
            server.close()


def run(arguments, server, server_version: str, settings) -> None:
    from django.test import Client

    from search import backends, registry, services
    from search.index_settings import PRIMARY_KEY, SETTINGS
    from search.query import parse

    documents = make_documents(arguments.documents)
    by_kind: dict[str, dict[int, object]] = {}
    for document in documents:
        by_kind.setdefault(document.kind, {})[document.object_id] = document
    for kind, label in (
        ("benchevent", "Eventi"),
        ("benchinitiative", "Iniziative"),
        ("benchassociation", "Associazioni"),
    ):
        registry.register_kind(
            kind,
            label=label,
            load=lambda ids, kind=kind: [by_kind[kind][int(i)] for i in ids],
            indexable_ids=lambda kind=kind: list(by_kind.get(kind, {})),
        )
    for name, value in server.settings(prefix="bench").items():
        setattr(settings, name, value)
    backends.meilisearch_engine.cache_clear()
    engine = backends.meilisearch_engine()
    services.setup()
    print(f"{server_version}, {len(documents)} documents")

    # --- Indexing: the hub's pipeline against a bare bulk add ---------------------------------
    started = time.perf_counter()
    services.reindex()
    hub_indexing = time.perf_counter() - started
    assert engine.document_count() == len(documents), engine.document_count()

    records = [document.record() for document in documents]
    client = engine._client(writing=True)
    bare_uid = "bench-bare"
    client.wait_for_task(
        client.create_index(bare_uid, {"primaryKey": PRIMARY_KEY}).task_uid, timeout_in_ms=60_000
    )
    client.wait_for_task(
        client.index(bare_uid).update_settings(SETTINGS).task_uid, timeout_in_ms=60_000
    )
    started = time.perf_counter()
    for start in range(0, len(records), 1000):
        task = client.index(bare_uid).add_documents(records[start : start + 1000], PRIMARY_KEY)
        client.wait_for_task(task.task_uid, timeout_in_ms=600_000, interval_in_ms=20)
    bare_indexing = time.perf_counter() - started
    print(
        f"indexing: hub pipeline {hub_indexing:.2f} s, bare bulk add {bare_indexing:.2f} s, "
        f"ratio {hub_indexing / bare_indexing:.2f}"
    )

    # --- Querying: the hub's API against the same multi-search sent directly -----------------
    typo = {"q": "labratorio", "comune": ["Orbassano", "Bruino"], "area": "Ambiente e sport"}
    right = {**typo, "q": "laboratorio"}
    http = Client()
    queries = engine.queries(parse(typo), ["public"])

    def through_api(params) -> float:
        began = time.perf_counter()
        response = http.get("/api/v1/search/", params)
        elapsed = time.perf_counter() - began
        assert response.status_code == 200, response.content
        return elapsed

    def direct() -> float:
        began = time.perf_counter()
        client.multi_search(queries)
        return time.perf_counter() - began

    answer = http.get("/api/v1/search/", typo).json()
    assert answer["degraded"] is False and answer["count"] > 0, answer
    for _ in range(20):
        through_api(typo)
        direct()
    hub_times, direct_times = [], []
    for _ in range(arguments.rounds):
        hub_times.append(through_api(typo))
        direct_times.append(direct())

    settings.MEILISEARCH_URL = None
    backends.meilisearch_engine.cache_clear()
    database_answer = http.get("/api/v1/search/", right).json()
    assert database_answer["degraded"] is False and database_answer["count"] > 0
    for _ in range(5):
        through_api(right)
    database_times = [through_api(right) for _ in range(max(arguments.rounds // 4, 20))]

    def ms(value: float) -> float:
        return round(value * 1000, 2)

    figures = {
        "documents": len(documents),
        "meilisearch": server_version,
        "hub_indexing_s": round(hub_indexing, 2),
        "bare_indexing_s": round(bare_indexing, 2),
        "indexing_ratio": round(hub_indexing / bare_indexing, 2),
        "hits": answer["count"],
        "hub_p50_ms": ms(statistics.median(hub_times)),
        "hub_p99_ms": ms(percentile(hub_times, 0.99)),
        "direct_p50_ms": ms(statistics.median(direct_times)),
        "direct_p99_ms": ms(percentile(direct_times, 0.99)),
        "query_p50_ratio": round(statistics.median(hub_times) / statistics.median(direct_times), 2),
        "database_hits": database_answer["count"],
        "database_p50_ms": ms(statistics.median(database_times)),
        "database_p99_ms": ms(percentile(database_times, 0.99)),
        "goal_query_p50_ratio": 2.0,
    }
    print(
        f"query (typo, 2 facets, {answer['count']} hits): hub API p50 {figures['hub_p50_ms']} ms "
        f"p99 {figures['hub_p99_ms']} ms; direct multi-search p50 {figures['direct_p50_ms']} ms "
        f"p99 {figures['direct_p99_ms']} ms; ratio {figures['query_p50_ratio']} (goal ≤ 2)"
    )
    print(
        f"database engine (same query spelled right, {database_answer['count']} hits): "
        f"p50 {figures['database_p50_ms']} ms p99 {figures['database_p99_ms']} ms"
    )
    print("RESULT " + json.dumps(figures))


if __name__ == "__main__":
    main()
