"""Background work of search (django-q2): indexing after a change, retries, the nightly
reconciliation. Each task calls one service and may run twice."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from search import services

logger = logging.getLogger("search")


def index_documents(*, kind: str, ids: Sequence[int | str]) -> None:
    services.index_documents(kind=kind, ids=ids)


def push_documents(*, doc_ids: Sequence[str], attempt: int = 1) -> None:
    services.push_documents(doc_ids=doc_ids, attempt=attempt)


def reconcile_nightly() -> dict[str, int]:
    counts = services.reconcile()
    logger.info("search reconciliation: %s", counts)
    return counts
