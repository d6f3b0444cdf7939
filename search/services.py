"""Writing the index: after each change, in a rebuild, and in the nightly reconciliation.

The documents table (search.models) is written first, always: it is the database engine's
index and the record of what Meilisearch must hold. Meilisearch is then given the table's
rows for the same ids. When Meilisearch cannot take them, the push is retried later with a
growing delay (a one-off django-q2 schedule), from the table as it is then, so a change
made while Meilisearch was down reaches it once it is back; the nightly reconciliation
repairs whatever still differs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence

from django.utils import timezone

from hub.task_queue import enqueue_on_commit
from search import backends, database, registry
from search.documents import document_id
from search.errors import EngineError, EngineUnavailable

logger = logging.getLogger("search")

LOAD_BATCH = 500
MAX_PUSH_ATTEMPTS = 10
Progress = Callable[[str, int, int], None]


def documents_changed(*, kind: str, ids: Iterable[int | str]) -> None:
    """Queue the indexing of these documents of `kind` once the transaction commits."""
    object_ids = sorted(set(ids), key=str)
    if object_ids:
        enqueue_on_commit("search.tasks.index_documents", kind=kind, ids=object_ids)


def _load(kind_key: str, ids: Sequence[int | str]) -> tuple[list[dict], list[str]]:
    """The records of the documents that should be indexed among `ids`, and the document
    ids of those that should not (any more)."""
    registered = registry.kind(kind_key)
    wanted = {document_id(kind_key, object_id): object_id for object_id in ids}
    records = {}
    for document in registered.load(list(ids)):
        if document.id in wanted:
            records[document.id] = document.record()
    missing = [doc_id for doc_id in wanted if doc_id not in records]
    return list(records.values()), missing


def index_documents(*, kind: str, ids: Sequence[int | str]) -> None:
    """Re-read the objects and upsert or delete their documents (idempotent)."""
    records, missing = _load(kind, ids)
    database.write(records, missing)
    push_documents(doc_ids=[record["id"] for record in records] + missing)


def _retry_delay(attempt: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** (attempt - 1), 3600))


def push_documents(*, doc_ids: Sequence[str], attempt: int = 1) -> None:
    """Give Meilisearch the table's rows for these ids (deleting the ids it has no row for).

    On failure, retried later (up to MAX_PUSH_ATTEMPTS): never taken for done."""
    engine = backends.meilisearch_engine()
    if engine is None or not doc_ids:
        return
    stored = database.records(list(doc_ids))
    try:
        engine.write(
            [stored[doc_id] for doc_id in doc_ids if doc_id in stored],
            [doc_id for doc_id in doc_ids if doc_id not in stored],
        )
    except EngineError as error:
        if isinstance(error, EngineUnavailable):
            backends.mark_unhealthy(str(error))
        if attempt >= MAX_PUSH_ATTEMPTS:
            logger.error(
                "Meilisearch did not take %d documents after %d attempts (%s); the nightly "
                "reconciliation will repair them",
                len(doc_ids),
                attempt,
                error,
            )
            return
        delay = _retry_delay(attempt)
        logger.warning(
            "Meilisearch did not take %d documents (%s): retry %d in %ds",
            len(doc_ids),
            error,
            attempt + 1,
            delay.total_seconds(),
        )
        _schedule_push(list(doc_ids), attempt + 1, timezone.now() + delay)


def _schedule_push(doc_ids: list[str], attempt: int, when: dt.datetime) -> None:
    from django_q.models import Schedule
    from django_q.tasks import schedule

    schedule(
        "search.tasks.push_documents",
        doc_ids=doc_ids,
        attempt=attempt,
        schedule_type=Schedule.ONCE,
        repeats=1,
        next_run=when,
    )


# --- Rebuilding and reconciling -----------------------------------------------------------------


def expected_records(progress: Progress | None = None) -> dict[str, dict]:
    """Every document that should be indexed now, by id, from every registered kind."""
    expected: dict[str, dict] = {}
    for key, registered in registry.kinds().items():
        ids = list(registered.indexable_ids())
        for start in range(0, len(ids), LOAD_BATCH):
            batch = ids[start : start + LOAD_BATCH]
            records, _missing = _load(key, batch)
            expected.update((record["id"], record) for record in records)
            if progress:
                progress(f"load {key}", min(start + LOAD_BATCH, len(ids)), len(ids))
    return expected


def reindex(*, progress: Progress | None = None) -> dict[str, int]:
    """Rebuild the index from the apps' data: the documents table in one transaction, and
    with Meilisearch a fresh index filled from it and swapped in atomically (queries go on
    against the old one until the swap); then whatever changed during the build is pushed."""
    expected = expected_records(progress)
    records = sorted(expected.values(), key=lambda record: record["id"])
    database.replace_all(records)
    engine = backends.meilisearch_engine()
    if engine is None:
        return {"documents": len(records)}
    build = engine.new_build_index()
    try:
        done = 0
        for batch in database.all_records():
            engine.write(batch, uid=build)
            done += len(batch)
            if progress:
                progress("meilisearch", done, len(records))
        engine.swap_in(build)
    except EngineError:
        _drop_quietly(engine, build)
        raise
    # Changes indexed while the build ran went to the old index: push them again.
    repaired = _reconcile_meilisearch(engine)
    return {"documents": len(records), "repaired_after_swap": repaired}


def _drop_quietly(engine, uid: str) -> None:
    try:
        engine.drop(uid)
    except EngineError:
        logger.warning("could not delete the unfinished index %s", uid)


def _reconcile_meilisearch(engine) -> int:
    in_table = database.checksums()
    in_index = engine.checksums()
    stale = [doc_id for doc_id, checksum in in_table.items() if in_index.get(doc_id) != checksum]
    extra = [doc_id for doc_id in in_index if doc_id not in in_table]
    stored = database.records(stale)
    engine.write([stored[doc_id] for doc_id in stale if doc_id in stored], extra)
    return len(stale) + len(extra)


def reconcile(*, progress: Progress | None = None) -> dict[str, int]:
    """Repair drift: the documents table against the apps' data (missing, changed and
    extra documents, an event whose next dates moved on), then Meilisearch against the
    table (by id and checksum)."""
    expected = expected_records(progress)
    current = database.checksums()
    added = [record for doc_id, record in expected.items() if doc_id not in current]
    changed = [
        record
        for doc_id, record in expected.items()
        if doc_id in current and current[doc_id] != record["checksum"]
    ]
    extra = [doc_id for doc_id in current if doc_id not in expected]
    database.write(added + changed, extra)
    counts = {"added": len(added), "changed": len(changed), "removed": len(extra)}
    engine = backends.meilisearch_engine()
    if engine is not None:
        engine.setup()
        counts["meilisearch_repaired"] = _reconcile_meilisearch(engine)
    return counts


def setup() -> str:
    """Apply the index settings (search.index_settings); what was done, for people."""
    engine = backends.meilisearch_engine()
    if engine is None:
        return "database engine: nothing to set up (its table is created by migrate)"
    engine.setup()
    return f"Meilisearch index {engine.index_uid}: created if missing, settings applied"
